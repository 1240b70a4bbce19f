#!/usr/bin/env bash
# The release build of what users run, the one every script uses (one scratch path, one set of flags,
# so no script's build undoes another's).
# - Linux: the Swift runtime linked in statically, and every Swift function in a section of its own,
#   so the linker can place the functions the server runs side by side
#   (Sources/cc-tap/hot-functions.order: resident memory, issue 25).
# - macOS: the system has the Swift runtime (static linking is not offered there); both architectures
#   in one universal binary. Not yet verified by us (no Mac here): .github/workflows/release.yml builds it.
#   scripts/static-build.sh [swift build options]     e.g. --product cc-tap, or --show-bin-path
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" = Darwin ]; then
    exec swift build -c release --arch arm64 --arch x86_64 --scratch-path .build-static "$@"
fi
exec swift build -c release -Xswiftc -static-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections \
    --scratch-path .build-static "$@"
