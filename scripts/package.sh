#!/usr/bin/env bash
# Every release artefact, from the one release build (scripts/static-build.sh), into dist/, each named
# with the version (include/cctap.h's CCTAP_VERSION) and the platform:
#   cc_tap-<version>-py3-none-<platform>.whl   `pip install` / `uvx` / `pipx`: the commands cc-tap and
#                                              cc_tap (the published cc-tap's name), and `import cctap`
#                                              (the ctypes binding with its library inside)
#   cc-tap-<version>-<os>-<arch>.tar.gz        bin/ lib/ (+ pkgconfig/cctap.pc) include/ share/doc/cc-tap/,
#                                              runs wherever it is unpacked
#   cc-tap-<version>-<os>-<arch>.mcpb          the Claude Desktop extension (double-click to install)
#   server.json                                the MCP Registry entry for the wheel and the extension
#   SHA256SUMS                                 for `sha256sum --check`
# The Claude Code plugin marketplace is kept in the repository (.claude-plugin/, plugins/).
#
#   scripts/package.sh [--repository OWNER/NAME]
#       the GitHub repository the metadata points at: $GITHUB_REPOSITORY in GitHub Actions, else the
#       git remote's, else OWNER/cc-tap (a placeholder: server.json cannot be published with it).
# Needs the Swift toolchain and python3 (standard library only); on Linux binutils' readelf and strip.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

repository=${GITHUB_REPOSITORY:-}
while [ $# -gt 0 ]; do
    case "$1" in
        --repository) repository=${2:?--repository needs OWNER/NAME}; shift 2 ;;
        --repository=*) repository=${1#--repository=}; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "package: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$repository" ]; then
    remote=$(git remote get-url origin 2>/dev/null || true)
    repository=$(printf '%s' "$remote" | sed -n 's#.*github\.com[:/]\([^/]*/[^/.]*\)\(\.git\)\{0,1\}$#\1#p')
fi
if [ -z "$repository" ]; then
    repository=OWNER/cc-tap
    echo "package: no GitHub repository known; the metadata names the placeholder $repository (use --repository)" >&2
fi

version=$(cctap_version)
[ -n "$version" ] || { echo "package: include/cctap.h defines no CCTAP_VERSION" >&2; exit 1; }
# Archives carry the last commit's time and a fixed order, so two packings differ only where their contents do.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

started=$SECONDS
echo "== release build (scripts/static-build.sh)"
scripts/static-build.sh --product cc-tap
scripts/static-build.sh --product cctap
bin=$(scripts/static-build.sh --show-bin-path)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
platform=$(cctap_platform)
os=${platform%%-*}
arch=${platform#*-}
case "$os" in
    linux)
        strip --strip-unneeded -o "$stage/cc-tap" "$bin/cc-tap"
        strip --strip-unneeded -o "$stage/libcctap" "$bin/libcctap.so"
        ;;
    darwin)
        cp "$bin/cc-tap" "$stage/cc-tap" && strip -x "$stage/cc-tap"
        cp "$bin/libcctap.dylib" "$stage/libcctap" && strip -x "$stage/libcctap"
        ;;
    *) echo "package: $(uname -s) is not a platform cc-tap is built for" >&2; exit 1 ;;
esac

# The version the executable reports is the header's (Version.swift reads it): refuse a stale build.
reported=$("$stage/cc-tap" --version)
[ "$reported" = "$version" ] || { echo "package: cc-tap --version says $reported, the header $version" >&2; exit 1; }

mkdir -p dist
rm -f dist/cctap-*.whl dist/cc_tap-*.whl dist/cc-tap-*.tar.gz dist/cc-tap-*.mcpb dist/server.json dist/SHA256SUMS
echo "== artefacts (cc-tap $version, $os-$arch, for github.com/$repository)"
python3 scripts/package.py --version "$version" --os "$os" --arch "$arch" --executable "$stage/cc-tap" \
    --library "$stage/libcctap" --out dist --repository "$repository"
echo "package.sh took $((SECONDS - started)) s"
