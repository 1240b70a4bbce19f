#!/usr/bin/env bash
# Soak: send-and-wait cycles through the core under random faults (cctap-soak), against a
# cc-tap-emulator process on loopback, for a given time; prints resident memory over time, calls
# made, outcomes by kind, and how many messages were lost, duplicated, or stored although the caller
# was told they failed (all three must be 0; the program exits 1 otherwise).
#   scripts/soak.sh            10 minutes, a progress line every 30 s
#   scripts/soak.sh 60 60      60 minutes, a line a minute
# Release binaries with the static Swift runtime, in .build-static (shared with build-dist.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
every=${2:-30}
for product in cctap-soak cc-tap-emulator; do
  scripts/static-build.sh --product "$product" 2>&1 | grep -E "error|warning: unre|Compiling cctap|Build" || true
done
bin=$(scripts/static-build.sh --show-bin-path)
exec "$bin/cctap-soak" --minutes "$minutes" --every "$every" --emulator "$bin/cc-tap-emulator"
