"""What users install (full tier): `scripts/install.sh` into a fresh prefix, and the Python wheel
`scripts/build-dist.sh` makes, each used the way its README says, with nothing from the build around."""
import json
import subprocess
import sys
import venv

import pytest

from harness import ORG, ROOT, TOKEN, clean_environment

DEMO = "session_01HFlakyLoginTestDemo0001"
pytestmark = pytest.mark.full


def run(args, env=None, cwd=None, timeout=1800, **kwargs):
    return subprocess.run([str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          **kwargs)


def tools_list(binary, env):
    """Starts the MCP server, initializes it and returns the tool names tools/list answers with."""
    server = subprocess.Popen([str(binary)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, text=True)
    try:
        for message in ({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                         "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                    "clientInfo": {"name": "install-test", "version": "1"}}},
                        {"jsonrpc": "2.0", "method": "notifications/initialized"},
                        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}):
            server.stdin.write(json.dumps(message) + "\n")
            server.stdin.flush()
        answers = [json.loads(server.stdout.readline()) for _ in range(2)]
        return [tool["name"] for tool in answers[1]["result"]["tools"]]
    finally:
        server.kill()
        server.wait()


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
    assert version.returncode == 0 and version.stdout.strip() == "0.1.0"
    assert tools_list(binary, env)[:6] == ["list_sessions", "get_session_info", "read_session", "get_session_events",
                                          "send_message", "send_and_wait"]

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


def test_wheel_installs_into_a_fresh_environment(tmp_path, emulator):
    wheels = sorted((ROOT / "dist").glob("cctap-*.whl"))
    assert wheels, "dist/ has no wheel: run scripts/build-dist.sh"
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    installed = run([python, "-m", "pip", "install", "--quiet", "--no-index", wheels[-1]])
    assert installed.returncode == 0, installed.stderr
    script = (
        "import json, cctap\n"
        f"with cctap.Client(base_url={emulator!r}, access_token={TOKEN!r}, organization_uuid={ORG!r}) as client:\n"
        "    count = client.list_sessions()['count']\n"
        "print(json.dumps({'count': count, 'library': cctap.load_library()._name}))\n")
    # No CCTAP_LIBRARY, no LD_LIBRARY_PATH, run away from the repository: the wheel's own copy loads.
    out = run([python, "-c", script], clean_environment(HOME=str(tmp_path)), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["count"] == 31
    assert answer["library"].startswith(str(environment)) and answer["library"].endswith("cctap/libcctap.so.0")
