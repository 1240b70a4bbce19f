#!/usr/bin/env bash
# Lays out the release C library in dist/, as the deep test tier and the C benchmarks use it:
#   dist/lib/libcctap.so.0 (+ libcctap.so link), dist/include/cctap.h, dist/lib/pkgconfig/cctap.pc
# (The release artefacts for users, the wheel among them, are scripts/package.sh's.)
# The Swift runtime is linked in statically (-Xswiftc -static-stdlib; --static-swift-stdlib does not
# work for dynamic libraries), so the library needs only system libraries at run time.
#
#   scripts/build-dist.sh --debug   lays out the debug build's library (.build/debug/libcctap.so, which
#                                   loads the toolchain's Swift runtime) the same way in .build/debug-dist,
#                                   without a release build: what the fast test tier compiles C against.
#                                   The library is linked, not copied, so it is always the newest debug
#                                   build; it is built only if there is none yet.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# The pkg-config file, relative to where it lies, so the folder can move (the tarball's, written once).
write_pc() {
    python3 scripts/package.py --pkg-config "$(cctap_version)" \
        > "$1/lib/pkgconfig/cctap.pc"
}

if [ "${1:-}" = --debug ]; then
    out=.build/debug-dist
    [ -e .build/debug/libcctap.so ] || swift build --product cctap
    rm -rf "$out"
    mkdir -p "$out/lib/pkgconfig" "$out/include"
    ln -s "$PWD/.build/debug/libcctap.so" "$out/lib/libcctap.so.0"
    ln -s libcctap.so.0 "$out/lib/libcctap.so"
    cp -p include/cctap.h "$out/include/"
    write_pc "$out"
    echo "$out ready (debug build)"
    exit 0
fi

scripts/static-build.sh --product cctap
built=.build-static/release/libcctap.so

rm -rf dist/lib dist/include
mkdir -p dist/lib/pkgconfig dist/include
strip --strip-unneeded -o dist/lib/libcctap.so.0 "$built"
ln -s libcctap.so.0 dist/lib/libcctap.so
cp -p include/cctap.h dist/include/
write_pc dist

echo "dist/ ready:"
ls -l dist/lib dist/include
echo "NEEDED: $(readelf -d dist/lib/libcctap.so.0 | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
