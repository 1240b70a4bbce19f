#!/usr/bin/env bash
# Installs cc-tap for use without the Swift toolchain:
#   scripts/install.sh [--prefix DIR]      build (release, Swift runtime linked in) and install into DIR
#                                          (default ~/.local):
#                                            DIR/bin/cc-tap                  the MCP server and CLI
#                                            DIR/lib/libcctap.so.0, libcctap.so   the C library
#                                            DIR/include/cctap.h             its header (the manual)
#                                            DIR/lib/pkgconfig/cctap.pc      for `pkg-config --cflags --libs cctap`
#                                          then prints how to register the server with Claude.
#   scripts/install.sh --uninstall [--prefix DIR]
#                                          removes exactly the files the install wrote (listed in
#                                          DIR/share/cc-tap/installed-files), and the folders it created
#                                          if they are empty.
# Building needs the Swift toolchain; running the installed files needs nothing of it (the Swift
# runtime is linked in statically).
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="$HOME/.local"
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
manifest="$prefix/share/cc-tap/installed-files"

if [ $uninstall = 1 ]; then
  [ -f "$manifest" ] || { echo "install: nothing to uninstall: $manifest is missing" >&2; exit 1; }
  # Files first, then the folders the install created, deepest first, only when empty.
  folders=()
  if [ -f "$manifest.folders" ]; then mapfile -t folders < <(sort -r "$manifest.folders"); fi
  while IFS= read -r path; do rm -f "$prefix/$path"; done < "$manifest"
  rm -f "$manifest" "$manifest.folders"
  for folder in "${folders[@]}"; do rmdir "$prefix/$folder" 2>/dev/null || true; done
  echo "cc-tap uninstalled from $prefix"
  exit 0
fi

echo "== building (release, static Swift runtime)"
scripts/static-build.sh --product cc-tap
scripts/build-dist.sh --library-only >/dev/null

# Which folders exist before, so uninstalling removes only those an install made (an earlier
# install's list is kept when installing again over it).
created=()
if [ -f "$manifest.folders" ]; then mapfile -t created < "$manifest.folders"; fi
for folder in bin lib lib/pkgconfig include share share/cc-tap; do
  [ -d "$prefix/$folder" ] || created+=("$folder/")
done
mkdir -p "$prefix/bin" "$prefix/lib/pkgconfig" "$prefix/include" "$prefix/share/cc-tap"

installed=(bin/cc-tap lib/libcctap.so.0 lib/libcctap.so include/cctap.h lib/pkgconfig/cctap.pc)
strip --strip-unneeded -o "$prefix/bin/cc-tap.new" .build-static/release/cc-tap
mv -f "$prefix/bin/cc-tap.new" "$prefix/bin/cc-tap"
install -m 0755 dist/lib/libcctap.so.0 "$prefix/lib/libcctap.so.0"
ln -sfn libcctap.so.0 "$prefix/lib/libcctap.so"
install -m 0644 include/cctap.h "$prefix/include/cctap.h"
# build-dist.sh's pkg-config file, with the prefix made absolute (so the flags read as the install).
sed "s|^prefix=.*|prefix=$prefix|" dist/lib/pkgconfig/cctap.pc > "$prefix/lib/pkgconfig/cctap.pc"
printf '%s\n' "${installed[@]}" > "$manifest"
printf '%s\n' "${created[@]}" > "$manifest.folders"

cat <<DONE

cc-tap $("$prefix/bin/cc-tap" --version) installed in $prefix:
$(for path in "${installed[@]}"; do echo "  $prefix/$path"; done)

Claude Code:
  claude mcp add --scope user cc-tap -- "$prefix/bin/cc-tap"

Claude Desktop (~/.config/Claude/claude_desktop_config.json on Linux,
~/Library/Application Support/Claude/claude_desktop_config.json on macOS), then restart it:
  { "mcpServers": { "cc-tap": { "command": "$prefix/bin/cc-tap" } } }

C and C++: cc app.c \$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs cctap)
Python: pip install dist/cctap-*.whl (built by scripts/build-dist.sh, the library inside)
Uninstall: scripts/install.sh --uninstall --prefix "$prefix"
DONE
