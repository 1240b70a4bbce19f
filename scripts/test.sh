#!/usr/bin/env bash
# Runs every test:
#   1. the Swift suites (core, emulator, MCP registry), the core's part of the fault matrix included,
#   2. the core's concurrency tests again under ThreadSanitizer (a separate build in .build-tsan),
#   3. bounded libFuzzer runs of every fuzz target (scripts/fuzz.sh all 20),
#      and the distributable C library (scripts/build-dist.sh),
#   4. end-to-end tests with pytest: the CLI, the MCP server over stdio with the official Python MCP
#      client, the C ABI (header checks, examples, AddressSanitizer and valgrind stress tests), the
#      fault matrix through the MCP server and the C ABI, and the token-leak checks,
#   5. the Python binding (ctypes) tests,
#   6. the demo, and a 20-second soak smoke run (the real soak is scripts/soak.sh, 10 minutes).
# Installs what it needs: Debian packages (as root, when missing) and a venv in .venv-test with
# pytest and mcp 2.3.0. Every test talks to an emulator on 127.0.0.1, never to the real service.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in gcc g++ make pkg-config valgrind objcopy readelf; do command -v "$tool" >/dev/null || missing+=("$tool"); done
pkg-config --exists jansson 2>/dev/null || missing+=(libjansson-dev)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian packages for: ${missing[*]}"
    apt-get update -qq
    apt-get install -y -qq build-essential pkg-config libjansson-dev valgrind binutils python3-venv >/dev/null
  else
    echo "missing: ${missing[*]}; install: sudo apt-get install build-essential pkg-config libjansson-dev valgrind python3-venv" >&2
    exit 1
  fi
fi

echo "== swift build (all targets, tests included)"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== ThreadSanitizer: the core's concurrency tests (streaming, waits, delivery, faults)"
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
TSAN_OPTIONS="halt_on_error=1" swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
  --filter "CCTapCoreTests.(StreamingTests|ConversationTests|DeliveryTests|FaultTests)"

echo "== fuzzing: SSE parser, events and transcripts, credential files (20 s each; longer: scripts/fuzz.sh events 3600)"
scripts/fuzz.sh all 20

echo "== the distributable C library (static Swift runtime)"
scripts/build-dist.sh

echo "== Python test environment (.venv-test)"
[ -x .venv-test/bin/python ] || python3 -m venv .venv-test
.venv-test/bin/python -m pip install --quiet --disable-pip-version-check "pytest>=8" "mcp==2.3.0" ./bindings/python

echo "== end-to-end tests (pytest): CLI, MCP server over stdio, C ABI"
.venv-test/bin/python -m pytest -q -W ignore::DeprecationWarning Tests/e2e

echo "== Python binding tests (pytest, ctypes over dist/lib/libcctap.so.0)"
CCTAP_LIBRARY="$PWD/dist/lib/libcctap.so.0" .venv-test/bin/python -m pytest -q bindings/python/tests

echo "== demo smoke test: cc-tap demo against the embedded emulator"
swift run --skip-build cc-tap demo --step 0.02 > .build/cc-tap-demo.out
grep -q "waiting_for_permission" .build/cc-tap-demo.out
grep -q 'The command `git status` ran' .build/cc-tap-demo.out
echo "demo: ok"

echo "== soak smoke run (20 s; the 10-minute soak is scripts/soak.sh)"
swift run --skip-build cctap-soak --minutes 0.33 --every 10 --emulator .build/debug/cc-tap-emulator
