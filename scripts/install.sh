#!/usr/bin/env bash
# Installs cc-tap's release tarball into a prefix (a thin wrapper: the tarball is what
# scripts/package.sh makes, or one downloaded from a release):
#   scripts/install.sh [--prefix DIR] [--tarball FILE] [--force]
#       DIR (default ~/.local) gets what the tarball holds:
#         DIR/bin/cc-tap, DIR/bin/cc_tap             the MCP server and CLI (cc_tap: the published cc-tap's name)
#         DIR/lib/libcctap.so.0, libcctap.so         the C library
#         DIR/include/cctap.h                        its header (the manual)
#         DIR/lib/pkgconfig/cctap.pc                 for `pkg-config --cflags --libs cctap`
#         DIR/share/doc/cc-tap/                      README.md, LICENSE, PROTOCOL.md
#       Without --tarball it runs scripts/package.sh first (the Swift toolchain builds it) and installs
#       the tarball for this version and platform from dist/. Then it prints how to register the server.
#       A file in the way that no earlier install of cc-tap wrote is left alone (and the install stops)
#       unless --force.
#   scripts/install.sh --uninstall [--prefix DIR]
#       removes exactly the files the install wrote (listed in DIR/share/cc-tap/installed-files), and
#       the folders it created if they are empty.
# Running what is installed needs no Swift toolchain (the Swift runtime is linked in).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

prefix="$HOME/.local"
tarball=
uninstall=0
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --tarball) tarball=${2:?--tarball needs a file}; shift 2 ;;
    --tarball=*) tarball=${1#--tarball=}; shift ;;
    --uninstall) uninstall=1; shift ;;
    --force) force=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "install: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
manifest="$prefix/share/cc-tap/installed-files"

if [ $uninstall = 1 ]; then
  [ -f "$manifest" ] || { echo "install: nothing to uninstall: $manifest is missing" >&2; exit 1; }
  # Files first, then the folders the install created, deepest first, only when empty. (Written for
  # bash 3.2 too, macOS's: no mapfile, no empty arrays under set -u.)
  while IFS= read -r path; do rm -f "$prefix/$path"; done < "$manifest"
  folders=$(sort -r "$manifest.folders" 2>/dev/null || true)
  rm -f "$manifest" "$manifest.folders"
  printf '%s\n' "$folders" | while IFS= read -r folder; do
    [ -z "$folder" ] || rmdir "$prefix/$folder" 2>/dev/null || true
  done
  echo "cc-tap uninstalled from $prefix"
  exit 0
fi

if [ -z "$tarball" ]; then
  scripts/package.sh
  tarball=dist/cc-tap-$(cctap_version)-$(cctap_platform).tar.gz
fi
[ -f "$tarball" ] || { echo "install: $tarball is missing" >&2; exit 1; }

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
tar -xzf "$tarball" -C "$unpacked"
top=$(cd "$unpacked"/cc-tap-* && pwd)

files=$(cd "$top" && find . \( -type f -o -type l \) | sed 's#^\./##' | sort)
# A file the install would replace that an earlier install of ours did not write (the published
# cc-tap's cc_tap script, say) stays unless asked: uninstalling would delete it too.
if [ $force = 0 ]; then
  clashes=$(printf '%s\n' "$files" | while IFS= read -r path; do
    if { [ -e "$prefix/$path" ] || [ -L "$prefix/$path" ]; } && ! grep -qxF "$path" "$manifest" 2>/dev/null; then
      echo "  $prefix/$path"
    fi
  done)
  if [ -n "$clashes" ]; then
    printf 'install: these files exist and are not from an earlier install of cc-tap:\n%s\n' "$clashes" >&2
    echo "install: remove them (pip uninstall cc-tap, if the published cc-tap put them there) or add --force" >&2
    exit 1
  fi
fi

# Which folders exist before, so uninstalling removes only those an install made (an earlier
# install's list is kept when installing again over it).
[ -f "$manifest.folders" ] && cp "$manifest.folders" "$unpacked/folders" || : > "$unpacked/folders"
{ (cd "$top" && find . -mindepth 1 -type d | sed 's#^\./##' | sort); echo share/cc-tap; } | while IFS= read -r folder; do
  [ -d "$prefix/$folder" ] || echo "$folder/" >> "$unpacked/folders"
  mkdir -p "$prefix/$folder"
done
printf '%s\n' "$files" | while IFS= read -r path; do
  # Each file written beside its destination and renamed over it: a running cc-tap keeps its old copy.
  if [ -L "$top/$path" ]; then
    ln -sfn "$(readlink "$top/$path")" "$prefix/$path"
  else
    cp -p "$top/$path" "$prefix/$path.new" && mv -f "$prefix/$path.new" "$prefix/$path"
  fi
done
# The tarball's pkg-config file is relative to where it lies; installed, it names the prefix outright.
sed -i.orig "s|^prefix=.*|prefix=$prefix|" "$prefix/lib/pkgconfig/cctap.pc" && rm -f "$prefix/lib/pkgconfig/cctap.pc.orig"
printf '%s\n' "$files" > "$manifest"
mv "$unpacked/folders" "$manifest.folders"

cat <<DONE

cc-tap $("$prefix/bin/cc-tap" --version) installed in $prefix:
$(printf '%s\n' "$files" | sed "s#^#  $prefix/#")

Claude Code:
  claude mcp add --scope user cc-tap -- "$prefix/bin/cc-tap"

Claude Desktop (~/.config/Claude/claude_desktop_config.json on Linux,
~/Library/Application Support/Claude/claude_desktop_config.json on macOS), then restart it:
  { "mcpServers": { "cc-tap": { "command": "$prefix/bin/cc-tap" } } }

C and C++: cc app.c \$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs cctap)
Python: pip install dist/cc_tap-*.whl (the same program, and \`import cctap\` with the library inside)
Uninstall: scripts/install.sh --uninstall --prefix "$prefix"
DONE
