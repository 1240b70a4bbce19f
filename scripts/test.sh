#!/usr/bin/env bash
# The test command, in two tiers.
#
#   scripts/test.sh          the fast tier (minutes): one debug build, and every surface for real:
#                            1. the Swift suites: the model's alone (pure decisions, event by event),
#                               then the core, the emulator and the MCP registry,
#                            2. the C header checks, the C API test and the C examples against the
#                               debug build's libcctap.so (laid out by scripts/build-dist.sh --debug),
#                            3. the end-to-end tests with pytest: the CLI, the MCP server over stdio with
#                               the official Python MCP client, the token-leak checks, and the fault
#                               matrix's smoke cells (each error class once) through the core, the MCP
#                               server and the C ABI,
#                            4. the Python binding (ctypes) tests, and 5. the demo.
#   scripts/test.sh --deep   the deep checks the fast tier leaves out:
#                            1. the core's concurrency suites under ThreadSanitizer (a build of its own),
#                            2. bounded libFuzzer runs of every fuzz target (binaries reused while their
#                               sources are unchanged),
#                            3. the release C library (scripts/build-dist.sh): self-contained, its header
#                               against Swift's, the C tests, AddressSanitizer stress (10,000 calls) and
#                               valgrind stress (2,000 calls; CCTAP_VALGRIND_CALLS=10000 for more), and
#                               the Python binding, all against it,
#                            4. the whole fault matrix through the core, and every hostile-service case
#                               (Tests/e2e/test_hostile.py) through every surface, 5. every tool through every
#                               surface in each world (a service with both route generations, only v2,
#                               only v1, only v2 with the account watch refused), 6. the release artefacts
#                               (scripts/package.sh), each used as a user would: the wheel in a fresh venv
#                               with no index (cc_tap answers with an empty environment, `import cctap`
#                               loads its own library, auditwheel agrees with its tag), the tarball moved
#                               after unpacking (a C program builds against its cctap.pc), the Desktop
#                               Extension started as Claude Desktop starts it, the plugins' servers, the
#                               registry entry and SHA256SUMS; scripts/install.sh into a fresh prefix
#                               (no Swift runtime needed, uninstall leaves nothing),
#                               7. a 20-second soak smoke run, 8. short passes of the benchmarks
#                               (against the published cc-tap 0.1.0, and of supervising 50 sessions).
#   scripts/test.sh --full   both tiers, one after the other (what CI runs).
#
# Each step prints its elapsed time, and a summary closes the run. Installs what it needs: Debian
# packages (as root, when missing) and a venv in .venv-test with pytest and mcp 2.3.0. Every test talks
# to an emulator on 127.0.0.1, never to the real service.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

fast=0 deep=0
case "${1:-}" in
  "") fast=1 ;;
  --deep) deep=1 ;;
  --full) fast=1 deep=1 ;;
  *) echo "usage: scripts/test.sh [--deep | --full]" >&2; exit 2 ;;
esac

summary=()
run_started=$SECONDS
# step NAME COMMAND...: runs one step, prints how long it took, and remembers it for the summary.
step() {
  local name=$1 started=$SECONDS
  shift
  echo
  echo "== $name"
  "$@"
  local took=$((SECONDS - started))
  summary+=("$(printf '%4d s  %s' "$took" "$name")")
  echo "-- $name: ${took} s"
}

install_what_is_missing() {
  local missing=()
  for tool in gcc g++ make pkg-config valgrind objcopy readelf; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  pkg-config --exists jansson 2>/dev/null || missing+=(libjansson-dev)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && { echo "all present"; return; }
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages for: ${missing[*]}"
    apt-get update -qq
    # shellcheck disable=SC2086 # a list of package names
    apt-get install -y -qq $CCTAP_DEBIAN_PACKAGES >/dev/null
  else
    echo "missing: ${missing[*]}; install: sudo apt-get install $CCTAP_DEBIAN_PACKAGES" >&2
    exit 1
  fi
}

python_environment() {
  python_venv .venv-test "pytest>=8" "mcp==2.3.0" ./bindings/python
}

pytest() { .venv-test/bin/python -m pytest -q -W ignore::DeprecationWarning "$@"; }

# auditwheel reads the wheel's binaries the way PyPI's manylinux rules do: an opinion not ours on its tag.
package_checks() {
  python_venv .venv-test "auditwheel>=6"
  pytest -s -m full Tests/e2e/test_package.py
}

# with_library DIR COMMAND...: runs COMMAND with the C and Python tests loading the library laid out in
# DIR: the debug build's (.build/debug-dist) in the fast tier, the release one (dist) in the deep tier.
with_library() {
  local dist=$PWD/$1
  shift
  CCTAP_DIST="$dist" CCTAP_LIBRARY="$dist/lib/libcctap.so.0" "$@"
}

demo() {
  swift run --skip-build cc-tap demo --step 0.02 > .build/cc-tap-demo.out
  grep -q "waiting_for_permission" .build/cc-tap-demo.out
  grep -q 'The command `git status` ran' .build/cc-tap-demo.out
  echo "demo: ok"
}

thread_sanitizer() {
  swift build --build-tests --sanitize=thread --scratch-path .build-tsan
  TSAN_OPTIONS="halt_on_error=1" swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
    --filter "CCTapCoreTests.(StreamingTests|ConversationTests|DeliveryTests|FaultTests|PromptTests|DialectTests|AttentionTests|SteeringTests|HostileServiceTests|TurnOwnershipTests|LateServiceTests|InputAnswerTests|SessionEventsTests)"
}

step "Debian packages and tools" install_what_is_missing
# Both tiers use the debug build (the deep tier's matrix, soak and Python tests run its binaries); when
# the fast tier has just made it, this is a no-op.
step "swift build (debug, all targets, tests included)" swift build --build-tests
step "Python test environment (.venv-test: pytest, mcp 2.3.0, the cctap binding)" python_environment

if [ $fast = 1 ]; then
  step "fast: the pure suites (the model's decisions, the text rendering: no emulator, no network)" \
    swift test --skip-build --filter "CCTapModelTests|CCTapRenderingTests"
  step "fast: Swift suites (core, emulator, MCP)" swift test --skip-build --skip "CCTapModelTests|CCTapRenderingTests"
  step "fast: the debug build's C library laid out (.build/debug-dist)" scripts/build-dist.sh --debug
  step "fast: end-to-end (CLI, MCP over stdio, C ABI, matrix smoke cells, secrets)" \
    with_library .build/debug-dist pytest -m "not full" Tests/e2e
  step "fast: Python binding over the debug libcctap" with_library .build/debug-dist pytest bindings/python/tests
  step "fast: demo (cc-tap demo against the embedded emulator)" demo
fi

if [ $deep = 1 ]; then
  step "deep: ThreadSanitizer (streaming, waits, delivery, faults)" thread_sanitizer
  step "deep: fuzzing, 20 s a target (longer: scripts/fuzz.sh events 3600)" scripts/fuzz.sh all 20
  step "deep: the release C library (static Swift runtime, dist/)" scripts/build-dist.sh
  step "deep: C ABI against dist/ (self-contained, header, API test, examples, ASan and valgrind stress)" \
    with_library dist pytest Tests/e2e/test_c_abi.py
  step "deep: Python binding over dist/" with_library dist pytest bindings/python/tests
  step "deep: the whole fault matrix through the core" pytest -s -m full Tests/e2e/test_fault_matrix.py
  step "deep: every hostile-service case through every surface (CLI, MCP, C host, Python host)" \
    with_library dist pytest -m full Tests/e2e/test_hostile.py
  step "deep: every tool through every surface (MCP, C, Python, CLI) in each world (both, v2, v1, v2 with the watch refused)" \
    with_library dist pytest -m full Tests/e2e/test_worlds.py
  step "deep: each wait returns its own message's reply in every world, over the stream and by polling" \
    with_library dist pytest -m full Tests/e2e/test_turns.py
  step "deep: the release artefacts (scripts/package.sh: wheel, tarball, Desktop Extension, registry entry, SHA256SUMS)" \
    scripts/package.sh
  step "deep: each artefact used as a user would (the wheel in a fresh venv with no index, auditwheel; the tarball moved; the extension started as Claude Desktop starts it; the plugins' servers)" \
    package_checks
  step "deep: what users install (scripts/install.sh into a fresh prefix, uninstalled again; no full Foundation in it)" \
    pytest -m full Tests/e2e/test_install.py Tests/e2e/test_foundation.py
  step "deep: soak smoke run (20 s; the 10-minute soak is scripts/soak.sh)" \
    swift run --skip-build cctap-soak --minutes 0.33 --every 10 --emulator .build/debug/cc-tap-emulator
  step "deep: benchmark against the published cc-tap 0.1.0 (short pass; figures printed, not judged)" \
    scripts/bench-compare.sh --startups 2 --turns 3 --rounds 1 --samples-per-round 20 --long-timeout 5
  step "deep: supervising benchmark (short pass: wait_for_attention over the watch and by polling, 50 sessions)" \
    scripts/bench-attention.sh --rounds 3 --window 5 --samples 10
fi

echo
echo "== elapsed, by step"
printf '%s\n' "${summary[@]}"
echo "total: $((SECONDS - run_started)) s"
