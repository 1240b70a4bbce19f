#!/usr/bin/env bash
# Builds the distributable C library into dist/:
#   dist/lib/libcctap.so.0 (+ libcctap.so link), dist/include/cctap.h, dist/lib/pkgconfig/cctap.pc
# The Swift runtime is linked in statically (-Xswiftc -static-stdlib; --static-swift-stdlib does not
# work for dynamic libraries), so the library needs only system libraries at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release -Xswiftc -static-stdlib --scratch-path .build-static --product cctap
built=.build-static/release/libcctap.so

rm -rf dist
mkdir -p dist/lib/pkgconfig dist/include
strip --strip-unneeded -o dist/lib/libcctap.so.0 "$built"
ln -s libcctap.so.0 dist/lib/libcctap.so
cp include/cctap.h dist/include/
version=$(sed -n 's/^#define CCTAP_VERSION "\(.*\)"$/\1/p' include/cctap.h)
cat > dist/lib/pkgconfig/cctap.pc <<PC
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: cctap
Description: See into and talk to Claude Code Remote Control sessions
Version: ${version}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lcctap
Cflags: -I\${includedir}
PC

echo "dist/ ready:"
ls -l dist/lib dist/include
echo "NEEDED: $(readelf -d dist/lib/libcctap.so.0 | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
