#!/usr/bin/env bash
# Runs every test. Usage: scripts/test.sh
# Needs only the Swift toolchain; every test talks to the emulator on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== swift build (all targets, tests included)"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== CLI smoke test: cc-tap demo against the embedded emulator"
swift run --skip-build cc-tap demo --step 0.02 > /tmp/cc-tap-demo.out
grep -q "status: waiting_for_permission" /tmp/cc-tap-demo.out
grep -q "The command \`git status\` ran" /tmp/cc-tap-demo.out
echo "demo: ok"
