#!/usr/bin/env bash
# Supervising many sessions, measured: wait_for_attention's latency over the account watch and when
# polling, the requests a pending wait costs in the steady state, and list_sessions while eight waits
# pend; 50 live sessions. Release binaries with the static Swift runtime, as users install them.
#   scripts/bench-attention.sh [--rounds 20 --window 30 --samples 40 --sessions 50]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/static-build.sh --product cc-tap
scripts/static-build.sh --product cc-tap-emulator

# The official MCP client, as in the tests (scripts/test.sh makes .venv-test).
venv=.venv-test
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'mcp==2.3.0'
fi

exec "$venv/bin/python" bench/attention.py \
    --server .build-static/release/cc-tap --emulator .build-static/release/cc-tap-emulator "$@"
