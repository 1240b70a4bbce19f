#!/usr/bin/env bash
# Supervising many sessions, measured: wait_for_attention's latency over the account watch and when
# polling, the requests a pending wait costs in the steady state, and list_sessions while eight waits
# pend; 50 live sessions. Release binaries with the static Swift runtime, as users install them.
#   scripts/bench-attention.sh [--rounds 20 --window 30 --samples 40 --sessions 50]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

scripts/static-build.sh --product cc-tap
scripts/static-build.sh --product cc-tap-emulator

# The official MCP client, as in the tests (scripts/test.sh makes .venv-test).
python_venv .venv-test 'mcp==2.3.0'

exec .venv-test/bin/python bench/attention.py \
    --server .build-static/release/cc-tap --emulator .build-static/release/cc-tap-emulator "$@"
