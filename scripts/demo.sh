#!/usr/bin/env bash
# Builds cc-tap and runs its offline demo against the built-in emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product cc-tap
exec swift run --skip-build cc-tap demo "$@"
