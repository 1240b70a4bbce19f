#!/usr/bin/env bash
# Benchmark: the per-call cost of list_sessions (31 sessions, one page) against the emulator on
# loopback, through the core directly (Swift), the C ABI (libcctap.so) and the Python binding
# (ctypes), all release builds with the static Swift runtime. Prints median and p95 per call and
# each surface's cost relative to the core. Usage: scripts/bench-cabi.sh [CALLS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
calls=${1:-2000}

[ -f dist/lib/libcctap.so.0 ] || scripts/build-dist.sh >/dev/null
scripts/static-build.sh --product cctap-bench >/dev/null
scripts/static-build.sh --product cc-tap-emulator >/dev/null
make -s -C bindings/c build/bench >/dev/null 2>&1 || make -C bindings/c build/bench
python_venv .venv-test ./bindings/python

log=$(mktemp)
.build-static/release/cc-tap-emulator --port 0 --step 0.01 > "$log" &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q CCTAP_BASE_URL "$log" && break; sleep 0.1; done
export CCTAP_BASE_URL=$(sed -n 's/^CCTAP_BASE_URL=//p' "$log")
export CCTAP_ACCESS_TOKEN=sk-ant-oat01-emulator-0000000000000000
export CCR_ORG_UUID=7f3c2a10-5b6d-4e8f-9a01-23456789abcd

results=$(
  .build-static/release/cctap-bench "$calls"
  bindings/c/build/bench "$calls"
  CCTAP_LIBRARY="$PWD/dist/lib/libcctap.so.0" .venv-test/bin/python bench/list_sessions_python.py "$calls"
)
echo "list_sessions, $calls sequential calls each, emulator on loopback, $(nproc) cores"
echo "$results" | awk '
  { name[NR] = $1; median[NR] = $3; p95[NR] = $4 }
  END {
    printf "%-10s %12s %12s %14s\n", "surface", "median (us)", "p95 (us)", "vs core (median)"
    for (i = 1; i <= NR; i++) printf "%-10s %12.1f %12.1f %13.2fx\n", name[i], median[i], p95[i], median[i] / median[1]
  }'
