"""One version everywhere (fast tier): `include/cctap.h`'s CCTAP_VERSION is the definition; the
executable's `--version`, the library's `cctap_version()`, the Python package and the macros derived
from it must all say the same, or an artefact would be named for one version and carry another."""
import re
import subprocess

import cctap
from harness import BIN, ROOT, VERSION, clean_environment


def header_version():
    header = (ROOT / "include" / "cctap.h").read_text()
    macros = dict(re.findall(r"^#define (CCTAP_VERSION\w*) (\S+)$", header, re.M))
    text = macros["CCTAP_VERSION"].strip('"')
    major, minor, patch = (int(macros[f"CCTAP_VERSION_{part}"]) for part in ("MAJOR", "MINOR", "PATCH"))
    assert text == f"{major}.{minor}.{patch}"
    assert int(macros["CCTAP_VERSION_NUMBER"]) == major * 1000000 + minor * 1000 + patch
    assert text == VERSION
    return text


def test_every_surface_says_the_headers_version(tmp_path):
    version = header_version()
    shown = subprocess.run([str(BIN / "cc-tap"), "--version"], capture_output=True, text=True, timeout=60,
                           env=clean_environment(HOME=str(tmp_path)))
    assert shown.returncode == 0 and shown.stdout.strip() == version, shown
    assert cctap.library_version() == version
    assert cctap.__version__ == version


def test_the_published_python_package_is_older():
    # The wheel replaces the published cc-tap 0.1.0 under its name: pip upgrades only to a newer version.
    assert tuple(int(part) for part in header_version().split(".")) > (0, 1, 0)
