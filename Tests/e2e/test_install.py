"""What users install (full tier): `scripts/install.sh` (scripts/package.sh's tarball) into a fresh
prefix, used the way the README says, with nothing from the build around. The other artefacts (the
wheel, the Desktop Extension, the plugins) are test_package.py's."""
import subprocess

import pytest

from harness import ORG, PUBLISHED_TOOLS, ROOT, TOKEN, VERSION, clean_environment, mcp_session

DEMO = "session_01HFlakyLoginTestDemo0001"
pytestmark = pytest.mark.full


def run(args, env=None, cwd=None, timeout=1800, **kwargs):
    return subprocess.run([str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          **kwargs)


def test_install_script_into_a_fresh_prefix(tmp_path, emulator):
    prefix = tmp_path / "prefix"
    installed = run([ROOT / "scripts" / "install.sh", "--prefix", prefix], cwd=ROOT)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    binary = prefix / "bin" / "cc-tap"
    # The exact lines to register it, with the installed path.
    assert f'claude mcp add --scope user cc-tap -- "{binary}"' in installed.stdout
    assert f'"command": "{binary}"' in installed.stdout

    # Runs without the Swift toolchain's runtime: no Swift library among what it loads.
    linked = run(["ldd", binary]).stdout
    assert "swift" not in linked.lower() and "not found" not in linked, linked
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG)
    version = run([binary, "--version"], env)
    assert version.returncode == 0 and version.stdout.strip() == VERSION
    assert run([prefix / "bin" / "cc_tap", "--version"], env).stdout.strip() == VERSION
    assert mcp_session([binary], env)[1][:6] == PUBLISHED_TOOLS

    # A C program builds against the installed cctap.pc alone and talks to the service.
    program = tmp_path / "sessions"
    flags = run(["pkg-config", "--cflags", "--libs", "cctap", "jansson"],
                dict(env, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))).stdout.split()
    assert f"-I{prefix}/include" in flags
    compiled = run(["cc", "-std=c99", "-D_POSIX_C_SOURCE=200809L", ROOT / "bindings" / "c" / "sessions.c",
                    "-I", ROOT / "bindings" / "c", "-o", program, *flags])
    assert compiled.returncode == 0, compiled.stderr
    listed = run([program, "active"], env)
    assert listed.returncode == 0 and "Résumé parser" in listed.stdout, listed.stderr
    assert str(prefix / "lib" / "libcctap.so.0") in run(["ldd", program]).stdout

    # Uninstalling removes exactly what the install wrote: the prefix is empty again.
    removed = run([ROOT / "scripts" / "install.sh", "--uninstall", "--prefix", prefix], cwd=ROOT)
    assert removed.returncode == 0, removed.stderr
    assert sorted(p.relative_to(prefix) for p in prefix.rglob("*")) == []
