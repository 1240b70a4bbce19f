"""The release artefacts (full tier): what `scripts/package.sh` put in dist/, each used the way a user
would, with nothing of the build around: the wheel in a fresh venv with no index, the tarball unpacked
into a fresh folder, the Desktop Extension as Claude Desktop reads it, the Claude Code plugins as their
marketplace lists them, the MCP Registry entry and the checksums."""
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import time
import venv
import zipfile
from pathlib import Path

import pytest

from harness import ORG, PUBLISHED_TOOLS, ROOT, TOKEN, VERSION, clean_environment, mcp_session

pytestmark = pytest.mark.full

DIST = ROOT / "dist"


def run(args, env=None, cwd=None, timeout=600):
    return subprocess.run([str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def one(pattern):
    found = sorted(DIST.glob(pattern))
    assert len(found) == 1, f"dist/ should hold one {pattern} (run scripts/package.sh): {found}"
    return found[0]


def no_swift_runtime(binary):
    linked = run(["ldd", binary]).stdout
    assert "swift" not in linked.lower() and "not found" not in linked, linked


def test_checksums_match():
    checked = run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=DIST)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = {line.split("  ", 1)[1] for line in (DIST / "SHA256SUMS").read_text().splitlines()}
    assert listed == {one("cc_tap-*.whl").name, one("cc-tap-*.tar.gz").name, one("cc-tap-*.mcpb").name, "server.json"}
    for name in listed:
        assert name == "server.json" or VERSION in name, name


def test_wheel_installs_with_no_index_and_answers_with_an_empty_environment(tmp_path, emulator):
    wheel = one("cc_tap-*.whl")
    # Tagged for what it needs: the newest glibc symbol version (or packed relocations) the binaries use.
    tag = re.search(r"-py3-none-(.+)\.whl$", wheel.name).group(1)
    assert re.fullmatch(r"manylinux_2_\d+_" + os.uname().machine, tag), tag
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    started = time.monotonic()
    installed = run([python, "-m", "pip", "install", "--quiet", "--no-index", wheel])
    assert installed.returncode == 0, installed.stderr
    # The published cc-tap's command name, with nothing in the environment at all (not even PATH or HOME).
    result, tools = mcp_session([environment / "bin" / "cc_tap"], env={}, cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert tools[:6] == PUBLISHED_TOOLS
    assert result["serverInfo"]["version"] == VERSION
    print(f"\nfigure: pip install --no-index of the wheel to the first tools/list answer: {elapsed:.2f} s")
    _, tools = mcp_session([environment / "bin" / "cc-tap"], env={}, cwd=tmp_path)
    assert tools[:6] == PUBLISHED_TOOLS
    # The executable is the wheel's, not a Python wrapper, and needs nothing of Swift.
    assert (environment / "bin" / "cc-tap").read_bytes()[:4] == b"\x7fELF"
    no_swift_runtime(environment / "bin" / "cc-tap")

    # The same package is the ctypes binding, loading its own copy of the library from anywhere.
    script = (
        "import json, cctap\n"
        f"with cctap.Client(base_url={emulator!r}, access_token={TOKEN!r}, organization_uuid={ORG!r}) as client:\n"
        "    count = client.list_sessions()['count']\n"
        "print(json.dumps({'count': count, 'library': cctap.load_library()._name, 'version': cctap.library_version()}))\n")
    out = run([python, "-c", script], clean_environment(HOME=str(tmp_path)), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["count"] == 31 and answer["version"] == VERSION
    assert answer["library"].startswith(str(environment)) and answer["library"].endswith("cctap/libcctap.so.0")

    # pip can take it back out, bin/ included.
    removed = run([python, "-m", "pip", "uninstall", "--yes", "cc-tap"])
    assert removed.returncode == 0, removed.stderr
    assert not (environment / "bin" / "cc-tap").exists() and not (environment / "bin" / "cc_tap").exists()


def test_wheel_tag_passes_auditwheel():
    auditwheel = shutil.which("auditwheel") or str(Path(sys.executable).parent / "auditwheel")
    shown = run([auditwheel, "show", one("cc_tap-*.whl")])
    assert shown.returncode == 0, shown.stdout + shown.stderr
    tag = re.search(r"-py3-none-(.+)\.whl$", one("cc_tap-*.whl").name).group(1)
    # auditwheel's own reading of the binaries agrees with the tag they carry.
    assert f'consistent with the following platform tag: "{tag}"' in " ".join(shown.stdout.split()), shown.stdout


def test_tarball_runs_where_it_is_unpacked_and_a_c_program_builds_against_it(tmp_path, emulator):
    tarball = one(f"cc-tap-{VERSION}-linux-{os.uname().machine}.tar.gz")
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
        archive.extractall(tmp_path / "unpacked", filter="tar")
    top = tmp_path / "unpacked" / tarball.name.removesuffix(".tar.gz")
    for expected in ("bin/cc-tap", "bin/cc_tap", "lib/libcctap.so.0", "lib/libcctap.so", "lib/pkgconfig/cctap.pc",
                     "include/cctap.h", "share/doc/cc-tap/README.md", "share/doc/cc-tap/LICENSE",
                     "share/doc/cc-tap/PROTOCOL.md"):
        assert f"{top.name}/{expected}" in names, expected
    # Moved after unpacking, and still working: nothing in it names where it was built or unpacked.
    moved = tmp_path / "elsewhere"
    top.rename(moved)
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG)
    for command in ("cc-tap", "cc_tap"):
        shown = run([moved / "bin" / command, "--version"], env)
        assert shown.returncode == 0 and shown.stdout.strip() == VERSION, shown
    _, tools = mcp_session([moved / "bin" / "cc_tap"], env)
    assert tools[:6] == PUBLISHED_TOOLS
    for binary in (moved / "bin" / "cc-tap", moved / "lib" / "libcctap.so.0"):
        no_swift_runtime(binary)

    program = tmp_path / "sessions"
    flags = run(["pkg-config", "--cflags", "--libs", "cctap", "jansson"],
                dict(env, PKG_CONFIG_PATH=str(moved / "lib" / "pkgconfig"))).stdout.split()
    compiled = run(["cc", "-std=c99", "-D_POSIX_C_SOURCE=200809L", ROOT / "bindings" / "c" / "sessions.c",
                    "-I", ROOT / "bindings" / "c", "-o", program, *flags])
    assert compiled.returncode == 0, compiled.stderr
    listed = run([program, "active"], env)
    assert listed.returncode == 0 and "Résumé parser" in listed.stdout, listed.stderr
    loaded = re.search(r"libcctap\.so\.0 => (\S+)", run(["ldd", program]).stdout).group(1)
    assert Path(loaded).resolve() == moved / "lib" / "libcctap.so.0"


# What MCPB 0.3 allows at the top of a manifest and in `server` (its schema rejects any other key).
MANIFEST_KEYS = {"$schema", "manifest_version", "dxt_version", "name", "display_name", "version", "description",
                 "long_description", "author", "repository", "homepage", "documentation", "support", "icon", "icons",
                 "screenshots", "localization", "server", "tools", "tools_generated", "prompts", "prompts_generated",
                 "keywords", "license", "privacy_policies", "compatibility", "user_config", "_meta"}
OPTION_KEYS = {"type", "title", "description", "required", "default", "multiple", "sensitive", "min", "max"}


def test_desktop_extension_is_a_valid_bundle_that_starts(tmp_path, emulator):
    bundle = one(f"cc-tap-{VERSION}-linux-{os.uname().machine}.mcpb")
    with zipfile.ZipFile(bundle) as archive:
        assert archive.testzip() is None
        manifest = json.loads(archive.read("manifest.json"))
        assert set(manifest) <= MANIFEST_KEYS, set(manifest) - MANIFEST_KEYS
        assert manifest["manifest_version"] == "0.3"
        assert manifest["name"] == "cc-tap" and manifest["version"] == VERSION
        assert manifest["description"] and manifest["author"]["name"]
        server = manifest["server"]
        assert set(server) == {"type", "entry_point", "mcp_config"} and server["type"] == "binary"
        assert server["mcp_config"]["command"] == "${__dirname}/" + server["entry_point"]
        assert set(server["mcp_config"]) <= {"command", "args", "env", "platform_overrides"}
        assert set(manifest["author"]) <= {"name", "email", "url"} and set(manifest["repository"]) == {"type", "url"}
        assert all(set(tool) <= {"name", "description"} and tool["name"] for tool in manifest["tools"])
        assert set(manifest["compatibility"]) <= {"claude_desktop", "platforms", "runtimes"}
        assert manifest["compatibility"]["platforms"] == ["linux"]
        entry = archive.getinfo(server["entry_point"])
        mode = entry.external_attr >> 16
        assert stat.S_ISREG(mode) and mode & 0o111, oct(mode)  # a regular file, executable once unpacked
        archive.extractall(tmp_path / "extension")
    extension = tmp_path / "extension"
    os.chmod(extension / server["entry_point"], mode & 0o777)  # what an unpacker that keeps modes does

    # Every setting it uses is declared, with a default (an unfilled optional one reaches the server
    # literally), and what a user may set: presence, sender, the trusted-device token (a secret), the log level.
    options = manifest["user_config"]
    assert set(options) == {"presence", "sender", "trusted_device_token", "log_level"}
    for key, option in options.items():
        assert set(option) <= OPTION_KEYS and option["type"] in {"string", "number", "boolean", "directory", "file"}
        assert option["title"] and option["description"] and "default" in option and not option.get("required")
    assert options["trusted_device_token"]["sensitive"] is True and options["presence"]["default"] is False
    config = server["mcp_config"]
    used = set(re.findall(r"\$\{user_config\.(\w+)\}", json.dumps(config)))
    assert used == set(options)
    assert {tool["name"] for tool in manifest["tools"]} >= set(PUBLISHED_TOOLS)

    # Started as Claude Desktop starts it: the substitutions made with the defaults.
    def substituted(text, values):
        text = text.replace("${__dirname}", str(extension))
        return re.sub(r"\$\{user_config\.(\w+)\}", lambda m: values[m.group(1)], text)

    defaults = {key: str(option["default"]).lower() if option["type"] == "boolean" else str(option["default"])
                for key, option in options.items()}
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG)
    env.update({name: substituted(value, defaults) for name, value in config["env"].items()})
    command = [substituted(config["command"], defaults)] + [substituted(arg, defaults) for arg in config["args"]]
    result, tools = mcp_session(command, env)
    assert tools == [tool["name"] for tool in manifest["tools"]]
    assert result["serverInfo"]["version"] == VERSION
    # And as it is started when the host leaves every optional setting unfilled (the literal placeholders).
    env.update(config["env"])
    _, tools = mcp_session([command[0]] + config["args"], env)
    assert tools[:6] == PUBLISHED_TOOLS


def test_claude_code_plugins_are_valid_and_start_cc_tap(tmp_path, emulator):
    marketplace = json.loads((ROOT / ".claude-plugin" / "marketplace.json").read_text())
    assert marketplace["name"] and marketplace["owner"]["name"]
    names = [plugin["name"] for plugin in marketplace["plugins"]]
    assert names == ["cc-tap", "cc-tap-channel"]
    # The installed command, as the plugins find it: on PATH.
    bin_folder = tmp_path / "bin"
    with tarfile.open(one("cc-tap-*.tar.gz")) as archive:
        archive.extractall(tmp_path / "unpacked", filter="tar")
    (tmp_path / "unpacked").joinpath(next((tmp_path / "unpacked").iterdir()).name, "bin").rename(bin_folder)
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                            PATH=f"{bin_folder}:{os.environ['PATH']}")
    for entry in marketplace["plugins"]:
        assert entry["source"].startswith("./") and entry["description"]
        root = ROOT / entry["source"]
        manifest = json.loads((root / ".claude-plugin" / "plugin.json").read_text())
        assert manifest["name"] == entry["name"] and re.fullmatch(r"[a-z0-9-]+", manifest["name"])
        servers = json.loads((root / ".mcp.json").read_text())["mcpServers"]
        assert list(servers) == ["cc-tap"] and servers["cc-tap"]["command"] == "cc-tap"
        for channel in manifest.get("channels", []):
            assert channel["server"] in servers
        for skill in root.glob("skills/*/SKILL.md"):
            front = re.match(r"^---\n(.*?)\n---\n", skill.read_text(), re.S).group(1)
            fields = dict(line.split(": ", 1) for line in front.splitlines())
            assert fields["name"] == skill.parent.name and len(fields["description"]) <= 1536
        assert list(root.glob("skills/*/SKILL.md")), f"{entry['name']} has no skill"
        server = servers["cc-tap"]
        result, tools = mcp_session([shutil.which(server["command"], path=env["PATH"]), *server.get("args", [])], env)
        assert tools[:6] == PUBLISHED_TOOLS
        is_channel = "claude/channel" in result["capabilities"].get("experimental", {})
        assert is_channel == (entry["name"] == "cc-tap-channel"), result["capabilities"]


def test_registry_entry_describes_the_wheel_and_the_extension():
    document = json.loads((DIST / "server.json").read_text())
    assert document["$schema"].startswith("https://static.modelcontextprotocol.io/schemas/")
    assert re.fullmatch(r"io\.github\.[A-Za-z0-9-]+/cc-tap", document["name"])
    assert 1 <= len(document["description"]) <= 100 and document["version"] == VERSION
    pypi, bundle = document["packages"]
    assert pypi == {"registryType": "pypi", "identifier": "cc-tap", "version": VERSION, "runtimeHint": "uvx",
                    "transport": {"type": "stdio"}}
    mcpb = one("cc-tap-*.mcpb")
    assert bundle["registryType"] == "mcpb" and bundle["identifier"].endswith(f"/v{VERSION}/{mcpb.name}")
    assert bundle["fileSha256"] == hashlib.sha256(mcpb.read_bytes()).hexdigest()
    # The registry proves the PyPI package is this server's by a line in its description.
    with zipfile.ZipFile(one("cc_tap-*.whl")) as archive:
        metadata = archive.read(f"cc_tap-{VERSION}.dist-info/METADATA").decode()
    assert f"mcp-name: {document['name']} " in metadata
