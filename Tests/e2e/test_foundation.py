"""What users run links FoundationEssentials only, never full Foundation (issue 25): full Foundation brings
CoreFoundation and ICU's data, which once made the installed cc-tap 84 MB and most of its resident memory.

The fast tier reads the debug build's dynamic dependencies (there each Swift module is its own shared
library, so an `import Foundation` anywhere, ours or a package's, shows as NEEDED libFoundation.so);
the deep tier reads the symbols of the release build that scripts/install.sh installs, where the Swift
runtime is linked in statically."""
import re
import subprocess

import pytest

from harness import BIN, LIBRARY, ROOT

FULL_FOUNDATION = {"libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so",
                   "libFoundationNetworking.so", "libFoundationXML.so"}


def needed(path):
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"NEEDED.*\[(.*)\]", out))


@pytest.mark.parametrize("binary", ["cc-tap", "cc-tap-emulator"])
def test_the_debug_executables_link_foundation_essentials_only(binary):
    libraries = needed(BIN / binary)
    if not any("swift" in name.lower() for name in libraries):
        pytest.skip(f"{BIN / binary} links the Swift runtime statically: the deep tier checks its symbols")
    assert "libFoundationEssentials.so" in libraries, libraries  # the check sees Foundation at all
    assert not libraries & FULL_FOUNDATION, sorted(libraries & FULL_FOUNDATION)


def test_the_library_links_foundation_essentials_only():
    libraries = needed(LIBRARY)
    assert not libraries & FULL_FOUNDATION, sorted(libraries & FULL_FOUNDATION)


@pytest.mark.full
def test_the_installed_build_holds_no_full_foundation():
    """The release executable scripts/install.sh strips and installs, read before stripping: it defines
    FoundationEssentials' symbols and none of Foundation's or ICU's."""
    executable = ROOT / ".build-static" / "release" / "cc-tap"
    if not executable.exists():
        subprocess.run([ROOT / "scripts" / "static-build.sh", "--product", "cc-tap"], cwd=ROOT, check=True, capture_output=True)
    symbols = subprocess.run(["nm", "--defined-only", str(executable)], capture_output=True, text=True,
                             check=True).stdout.split("\n")
    essentials = [s for s in symbols if "$s20FoundationEssentials" in s]
    foundation = [s for s in symbols if re.search(r"\$s10Foundation|\$s26FoundationInternationalization", s)]
    icu = [s for s in symbols if re.search(r" _?u(col|loc|cal|num)_\w+_\d+$", s)]
    assert essentials, "no FoundationEssentials symbols: is this the unstripped release build?"
    assert not foundation, foundation[:5]
    assert not icu, icu[:5]
