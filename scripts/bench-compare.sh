#!/usr/bin/env bash
# Benchmarks our cc-tap against the published Python cc-tap 0.1.0 (PyPI) on one emulator and
# prints the figures of both side by side. Needs network access to PyPI the first time.
#   scripts/bench-compare.sh [--turns 20 --rounds 3 ...]   (options: python3 bench/compare.py --help)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# Our binaries as we ship them: release, Swift runtime linked in statically.
scripts/static-build.sh --product cc-tap
scripts/static-build.sh --product cc-tap-emulator
scripts/static-build.sh --product cctap-bench

# The published package wants mcp 1.x (0.1.0 does not start under mcp 2), so it gets its own venv;
# the benchmark's MCP client runs there too and drives both servers the same way.
python_venv .venv-bench 'cc-tap==0.1.0' 'mcp<2'

exec .venv-bench/bin/python bench/compare.py \
    --ours .build-static/release/cc-tap --emulator .build-static/release/cc-tap-emulator \
    --core .build-static/release/cctap-bench "$@"
