#!/usr/bin/env bash
# Builds the distributable C library and the Python wheel into dist/:
#   dist/lib/libcctap.so.0 (+ libcctap.so link), dist/include/cctap.h, dist/lib/pkgconfig/cctap.pc,
#   dist/cctap-<version>-py3-none-linux_<arch>.whl (the binding with libcctap.so.0 inside it, so
#   `pip install dist/cctap-*.whl` then `import cctap` needs no variable; built in .venv-build)
#   scripts/build-dist.sh --library-only   the library without the wheel
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

# The pkg-config file, relative to where it lies, so the folder can move.
write_pc() {
    local version
    version=$(sed -n 's/^#define CCTAP_VERSION "\(.*\)"$/\1/p' include/cctap.h)
    cat > "$1/lib/pkgconfig/cctap.pc" <<PC
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: cctap
Description: See into and talk to Claude Code Remote Control sessions
Version: ${version}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lcctap
Cflags: -I\${includedir}
PC
}

if [ "${1:-}" = --debug ]; then
    out=.build/debug-dist
    [ -e .build/debug/libcctap.so ] || swift build --product cctap
    rm -rf "$out"
    mkdir -p "$out/lib/pkgconfig" "$out/include"
    ln -s "$PWD/.build/debug/libcctap.so" "$out/lib/libcctap.so.0"
    ln -s libcctap.so.0 "$out/lib/libcctap.so"
    cp include/cctap.h "$out/include/"
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
cp include/cctap.h dist/include/
write_pc dist

if [ "${1:-}" != --library-only ]; then
    # The wheel: the binding's sources with the library beside them, tagged for this platform (it
    # holds native code) but any Python 3 (it loads the library with ctypes, no extension module).
    [ -x .venv-build/bin/python ] || python3 -m venv .venv-build
    .venv-build/bin/python -m pip install --quiet --disable-pip-version-check "setuptools>=61" "wheel>=0.42"
    staging=$(mktemp -d)
    trap 'rm -rf "$staging"' EXIT
    cp -r bindings/python/cctap bindings/python/pyproject.toml bindings/python/README.md "$staging/"
    cp dist/lib/libcctap.so.0 "$staging/cctap/"
    .venv-build/bin/python -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
        -w "$staging/wheel" "$staging" >/dev/null
    .venv-build/bin/python -m wheel tags --remove --platform-tag "linux_$(uname -m)" "$staging"/wheel/cctap-*.whl >/dev/null
    rm -f dist/cctap-*.whl
    mv "$staging"/wheel/cctap-*.whl dist/
fi

echo "dist/ ready:"
ls -l dist/lib dist/include dist/*.whl 2>/dev/null || true
echo "NEEDED: $(readelf -d dist/lib/libcctap.so.0 | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
