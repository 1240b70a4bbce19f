# What the scripts share, defined once: sourced (`. scripts/lib.sh`) from the repository root by
# scripts/*.sh and .ci/run. Nothing here runs on its own.

# The Debian packages the tests and the C samples need beyond Swift and Python.
CCTAP_DEBIAN_PACKAGES="build-essential pkg-config libjansson-dev valgrind binutils python3-venv"

# The version every artefact carries: include/cctap.h's CCTAP_VERSION (the one definition).
cctap_version() {
    sed -n 's/^#define CCTAP_VERSION "\(.*\)"$/\1/p' include/cctap.h
}

# The platform an artefact is named for: linux-<arch>, or darwin-universal (both architectures).
cctap_platform() {
    case "$(uname -s)" in
        Linux) echo "linux-$(uname -m)" ;;
        Darwin) echo darwin-universal ;;
        *) echo "unsupported-$(uname -s)" ;;
    esac
}

# python_venv DIR [pip arguments...]: a venv in DIR (made once), with what the arguments name installed.
python_venv() {
    local dir=$1
    shift
    [ -x "$dir/bin/python" ] || python3 -m venv "$dir"
    if [ $# -gt 0 ]; then "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"; fi
}
