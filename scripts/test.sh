#!/usr/bin/env bash
# Runs every test: the Swift suites, then end-to-end tests of the built binaries (Python pytest).
# Usage: scripts/test.sh
# Needs the Swift toolchain and python3; installs pytest and the MCP client (mcp 2.3.0) into .venv-test. Every test talks to the
# emulator on 127.0.0.1, never to the real service.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== swift build (all targets, tests included)"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== end-to-end tests (pytest): the CLI, and the MCP server over stdio with the official Python client"
if [ ! -x .venv-test/bin/python ]; then
  python3 -m venv .venv-test
fi
.venv-test/bin/python -m pip install --quiet --disable-pip-version-check "pytest>=8" "mcp==2.3.0"
.venv-test/bin/python -m pytest -q -W ignore::DeprecationWarning Tests/e2e

echo "== demo smoke test: cc-tap demo against the embedded emulator"
swift run --skip-build cc-tap demo --step 0.02 > .build/cc-tap-demo.out
grep -q "status: waiting_for_permission" .build/cc-tap-demo.out
grep -q 'The command `git status` ran' .build/cc-tap-demo.out
echo "demo: ok"
