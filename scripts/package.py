#!/usr/bin/env python3
"""Writes cc-tap's release artefacts from one built executable and library (scripts/package.sh calls
it; see there for what each artefact is). Standard library only, so packaging needs no venv and no
download; the formats are small (a wheel is a zip with three metadata files and a RECORD, PEP 427),
and every archive is written in a fixed order with fixed times (SOURCE_DATE_EPOCH), so the same
binaries pack to the same bytes.

    package.py --pkg-config VERSION      only the pkg-config file, to standard output
    package.py --version V --os linux|darwin --arch ARCH --executable F --library F --out DIR
               --repository OWNER/NAME
    package.py --version V --out DIR --repository OWNER/NAME --server-json A.mcpb [B.mcpb ...]
               only the registry entry, for a release's bundles of every platform
"""
from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))  # 2026-01-01 unless the build says
ZIP_TIME = tuple(time.gmtime(max(EPOCH, 315532800))[:6])  # zip cannot say a time before 1980
SUMMARY = "See into and talk to running Claude Code Remote Control sessions: an MCP server, a CLI and a C library"
# The libraries a manylinux wheel may take from the system (PEP 599/600's list, as far as we need).
MANYLINUX_SYSTEM_LIBRARIES = {"libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0",
                              "libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "ld-linux-x86-64.so.2",
                              "ld-linux-aarch64.so.1"}


# ------------------------------------------------------------------------------------------------
# What the binaries need


def needed_glibc(binary: Path) -> tuple[int, int]:
    """The newest glibc the binary's symbol versions (and a packed-relocation marker) require."""
    text = subprocess.run(["readelf", "--version-info", "--wide", str(binary)], check=True, capture_output=True,
                          text=True).stdout
    versions = [tuple(int(part) for part in found.split(".")) for found in re.findall(r"GLIBC_(\d+\.\d+)", text)]
    if "GLIBC_ABI_DT_RELR" in text:  # packed relative relocations: glibc 2.36 loads them
        versions.append((2, 36))
    return max(versions, default=(2, 17))


def needed_libraries(binary: Path) -> set[str]:
    text = subprocess.run(["readelf", "--dynamic", "--wide", str(binary)], check=True, capture_output=True,
                          text=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", text))


def wheel_platform(os_name: str, arch: str, binaries: list[Path]) -> str:
    """The wheel's platform tag for what the binaries really need: manylinux_<glibc>_<arch> on Linux
    (PEP 600), refused if they need a library a manylinux system need not have; on macOS the
    package's deployment target (Package.swift: macOS 15), universal2 when both architectures are in."""
    if os_name == "darwin":
        if arch == "universal":  # only when both architectures really are in each binary
            for binary in binaries:
                found = set(subprocess.run(["lipo", "-archs", str(binary)], check=True, capture_output=True,
                                           text=True).stdout.split())
                if not {"arm64", "x86_64"} <= found:
                    sys.exit(f"package: {binary} holds {sorted(found)}, not both arm64 and x86_64")
        return "macosx_15_0_" + ("universal2" if arch == "universal" else arch)
    extra = set().union(*(needed_libraries(binary) for binary in binaries)) - MANYLINUX_SYSTEM_LIBRARIES
    if extra:
        sys.exit(f"package: the binaries need {sorted(extra)}, which a manylinux system need not have")
    major, minor = max(needed_glibc(binary) for binary in binaries)
    return f"manylinux_{major}_{minor}_{arch}"


# ------------------------------------------------------------------------------------------------
# Archives written the same way every time


def zip_entry(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = (0o100000 | mode) << 16  # a regular file with its permission bits (unzip, pip, Claude honour them)
    info.create_system = 3  # Unix, so the bits above are read
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def tar_entry(archive: tarfile.TarFile, name: str, data: bytes | None = None, mode: int = 0o644,
              link: str | None = None) -> None:
    info = tarfile.TarInfo(name)
    info.mtime, info.uid, info.gid, info.uname, info.gname = EPOCH, 0, 0, "", ""
    if link is not None:
        info.type, info.linkname, info.mode = tarfile.SYMTYPE, link, 0o777
        archive.addfile(info)
    elif data is None:
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        archive.addfile(info)
    else:
        info.size, info.mode = len(data), mode
        archive.addfile(info, io.BytesIO(data))


# ------------------------------------------------------------------------------------------------
# The artefacts


def pkg_config(version: str) -> bytes:
    """Relative to where the file lies (pcfiledir), so the unpacked folder can be anywhere."""
    return (f"prefix=${{pcfiledir}}/../..\nlibdir=${{prefix}}/lib\nincludedir=${{prefix}}/include\n\n"
            f"Name: cctap\nDescription: See into and talk to Claude Code Remote Control sessions\nVersion: {version}\n"
            "Libs: -L${libdir} -Wl,-rpath,${libdir} -lcctap\nCflags: -I${includedir}\n").encode()


def cc_tap_alias() -> bytes:
    """`cc_tap`, the published cc-tap's command name, so existing `claude mcp add cc-tap -- cc_tap` lines
    and Desktop configs keep working: a two-line script that runs the real executable beside it (a
    wheel can hold no symbolic link, and a second copy would double its size)."""
    return (b'#!/bin/sh\n# The published cc-tap\'s command name for cc-tap (the executable beside this file).\n'
            b'here=$(dirname "$(readlink -f "$0" 2>/dev/null || echo "$0")")\nexec "$here/cc-tap" "$@"\n')


def tarball(out: Path, args, executable: bytes, library: bytes, library_name: str) -> Path:
    top = f"cc-tap-{args.version}-{args.os}-{args.arch}"
    path = out / f"{top}.tar.gz"
    with open(path, "wb") as raw:
        # gzip's header carries a time: fixed, like every entry's.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=EPOCH, compresslevel=9) as zipped:
            with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as archive:
                for folder in ("", "bin", "lib", "lib/pkgconfig", "include", "share", "share/doc", "share/doc/cc-tap"):
                    tar_entry(archive, f"{top}/{folder}".rstrip("/"))
                tar_entry(archive, f"{top}/bin/cc-tap", executable, 0o755)
                tar_entry(archive, f"{top}/bin/cc_tap", link="cc-tap")
                tar_entry(archive, f"{top}/lib/{library_name}", library, 0o755)
                if library_name.endswith(".so.0"):
                    tar_entry(archive, f"{top}/lib/libcctap.so", link=library_name)
                tar_entry(archive, f"{top}/lib/pkgconfig/cctap.pc", pkg_config(args.version))
                tar_entry(archive, f"{top}/include/cctap.h", (ROOT / "include" / "cctap.h").read_bytes())
                for document in ("README.md", "LICENSE", "PROTOCOL.md"):
                    tar_entry(archive, f"{top}/share/doc/cc-tap/{document}", (ROOT / document).read_bytes())
    return path


def wheel(out: Path, args, executable: bytes, library: bytes, library_name: str, platform: str) -> Path:
    """One package for both uses: the commands `cc-tap` and `cc_tap` (the executable goes to the
    environment's bin/ through the wheel's scripts folder, so starting the server runs no Python), and
    the `cctap` ctypes binding with the library inside it, which it loads first."""
    distribution = "cc_tap"
    data, info = f"{distribution}-{args.version}.data", f"{distribution}-{args.version}.dist-info"
    readme = (ROOT / "README.md").read_text()
    metadata = "\n".join([
        "Metadata-Version: 2.1", "Name: cc-tap", f"Version: {args.version}", f"Summary: {SUMMARY}",
        f"Home-page: https://github.com/{args.repository}", "Author: The cc-tap authors", "License: MIT",
        f"Project-URL: Repository, https://github.com/{args.repository}",
        "Keywords: claude,claude-code,mcp,remote-control", "Classifier: License :: OSI Approved :: MIT License",
        "Classifier: Programming Language :: Python :: 3", "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Operating System :: MacOS", "Requires-Python: >=3.9",
        "Description-Content-Type: text/markdown", "",
        # The MCP Registry checks a PyPI package's ownership by this line in its description.
        f"<!-- mcp-name: {registry_name(args.repository)} -->", "", readme]).encode()
    files = {
        f"{data}/scripts/cc-tap": (executable, 0o755),
        f"{data}/scripts/cc_tap": (cc_tap_alias(), 0o755),
        f"cctap/{library_name}": (library, 0o755),
        f"{info}/METADATA": (metadata, 0o644),
        f"{info}/WHEEL": (f"Wheel-Version: 1.0\nGenerator: cc-tap scripts/package.py\nRoot-Is-Purelib: false\n"
                          f"Tag: py3-none-{platform}\n".encode(), 0o644),
        f"{info}/top_level.txt": (b"cctap\n", 0o644),
        f"{info}/LICENSE": ((ROOT / "LICENSE").read_bytes(), 0o644),
    }
    for source in sorted((ROOT / "bindings" / "python" / "cctap").iterdir()):
        if source.is_file() and source.suffix in (".py", ".typed"):
            files[f"cctap/{source.name}"] = (source.read_bytes(), 0o644)
    record = []
    path = out / f"{distribution}-{args.version}-py3-none-{platform}.whl"
    with zipfile.ZipFile(path, "w") as archive:
        # The package first and the dist-info last, RECORD at the very end (the order PEP 427 recommends).
        for name in sorted(files, key=lambda name: (name.startswith(info), name)):
            content, mode = files[name]
            zip_entry(archive, name, content, mode)
            digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(content)}")
        record.append(f"{info}/RECORD,,")
        zip_entry(archive, f"{info}/RECORD", ("\n".join(record) + "\n").encode())
    return path


def tool_list(executable_path: Path) -> list[dict]:
    """The tools, as `cc-tap tools` prints them (`name: title`), for the extension's listing."""
    text = subprocess.run([str(executable_path), "tools"], check=True, capture_output=True, text=True,
                          env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/")}).stdout
    return [{"name": name, "description": title} for name, title in
            (line.split(": ", 1) for line in text.splitlines() if ": " in line)]


def manifest(args, tools: list[dict]) -> dict:
    """The Desktop Extension's manifest (MCPB 0.3): a binary server started by Claude Desktop with
    what the user set in the extension's settings."""
    return {
        "manifest_version": "0.3",
        "name": "cc-tap",
        "display_name": "cc-tap: Claude Code sessions",
        "version": args.version,
        "description": "See into and talk to your running Claude Code Remote Control sessions.",
        "long_description": (
            "cc-tap lists your Claude Code Remote Control sessions, reads them, sends a message and waits for "
            "the answer, shows which sessions need you and lets you answer their prompts. It uses your own "
            "Claude Code login on this computer (run `claude` once first) and talks to an undocumented, "
            "unsupported Anthropic API: use it at your own risk. Anthropic's terms are quoted as reserving "
            "the OAuth tokens of Free, Pro and Max plans for Claude Code and Claude.ai."),
        "author": {"name": "The cc-tap authors", "url": f"https://github.com/{args.repository}"},
        "repository": {"type": "git", "url": f"https://github.com/{args.repository}"},
        "homepage": f"https://github.com/{args.repository}",
        "documentation": f"https://github.com/{args.repository}#readme",
        "support": f"https://github.com/{args.repository}/issues",
        "license": "MIT",
        "keywords": ["claude-code", "remote-control", "sessions", "supervision"],
        "server": {
            "type": "binary",
            "entry_point": "server/cc-tap",
            "mcp_config": {
                "command": "${__dirname}/server/cc-tap",
                "args": ["serve", "--sender", "${user_config.sender}"],
                "env": {
                    "CCTAP_PRESENCE": "${user_config.presence}",
                    "CCTAP_TRUSTED_DEVICE_TOKEN": "${user_config.trusted_device_token}",
                    "CCTAP_LOG": "${user_config.log_level}",
                },
            },
        },
        "tools": tools,
        "compatibility": {"platforms": [args.os]},
        "user_config": {
            "presence": {
                "type": "boolean", "title": "Tell sessions you are watching",
                "description": ("While a wait runs, tell the service a person is watching the session. Off by default: "
                                "with it on, a session's prompts may stop reaching your phone."),
                "required": False, "default": False,
            },
            "sender": {
                "type": "string", "title": "Who writes the messages sent",
                "description": ("agent (the default): messages Claude composes go out as another session's. person: "
                                "as your own typing; only if you type every message this server sends yourself."),
                "required": False, "default": "agent",
            },
            "trusted_device_token": {
                "type": "string", "title": "Trusted-device token",
                "description": ("Only if your organisation requires Trusted Devices and Claude Code did not store the "
                                "token where cc-tap finds it. Kept in your system's secure storage."),
                "required": False, "sensitive": True, "default": "",
            },
            "log_level": {
                "type": "string", "title": "Log level",
                "description": "What cc-tap writes to Claude's log: debug, info, warning (the default) or error.",
                "required": False, "default": "warning",
            },
        },
    }


def mcpb(out: Path, args, executable: bytes, tools: list[dict]) -> Path:
    path = out / f"cc-tap-{args.version}-{args.os}-{args.arch}.mcpb"
    with zipfile.ZipFile(path, "w") as archive:
        zip_entry(archive, "manifest.json", (json.dumps(manifest(args, tools), indent=2) + "\n").encode())
        zip_entry(archive, "server/cc-tap", executable, 0o755)
        for document in ("README.md", "LICENSE"):
            zip_entry(archive, document, (ROOT / document).read_bytes())
    return path


def registry_name(repository: str) -> str:
    owner = repository.split("/")[0]
    return f"io.github.{owner}/cc-tap"


def server_json(out: Path, args, bundles: list[Path]) -> Path:
    """The MCP Registry's entry: the PyPI package and each platform's Desktop Extension, with its
    checksum (a release's entry is written once every platform's bundle is there: --server-json)."""
    release = f"https://github.com/{args.repository}/releases/download/v{args.version}"
    document = {
        "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        "name": registry_name(args.repository),
        "title": "cc-tap",
        "description": "See into and talk to your running Claude Code Remote Control sessions.",
        "version": args.version,
        "repository": {"url": f"https://github.com/{args.repository}", "source": "github"},
        "packages": [
            # uvx runs the package's command of the same name: `uvx cc-tap`.
            {"registryType": "pypi", "identifier": "cc-tap", "version": args.version, "runtimeHint": "uvx",
             "transport": {"type": "stdio"}},
        ] + [
            {"registryType": "mcpb", "identifier": f"{release}/{bundle.name}", "version": args.version,
             "fileSha256": hashlib.sha256(bundle.read_bytes()).hexdigest(), "transport": {"type": "stdio"}}
            for bundle in sorted(bundles)
        ],
    }
    path = out / "server.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def main() -> None:
    if sys.argv[1:2] == ["--pkg-config"]:  # scripts/build-dist.sh's layouts use the same file
        sys.stdout.write(pkg_config(sys.argv[2]).decode())
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-json", nargs="+", type=Path, metavar="MCPB",
                        help="only write OUT/server.json, for these bundles (a release's, all platforms')")
    for option in ("version", "out", "repository"):
        parser.add_argument(f"--{option}", required=True)
    for option in ("os", "arch", "executable", "library"):
        parser.add_argument(f"--{option}")
    args = parser.parse_args()
    out = Path(args.out)
    if args.server_json:
        print(server_json(out, args, args.server_json))
        return
    if None in (args.os, args.arch, args.executable, args.library):
        parser.error("--os, --arch, --executable and --library are needed to package")
    # The binding's own version is a copy of the header's (it must read without loading the library).
    binding = (ROOT / "bindings" / "python" / "cctap" / "__init__.py").read_text()
    if f'__version__ = "{args.version}"' not in binding:
        sys.exit(f"package: bindings/python/cctap/__init__.py's __version__ is not {args.version}")
    executable_path, library_path = Path(args.executable), Path(args.library)
    executable, library = executable_path.read_bytes(), library_path.read_bytes()
    library_name = "libcctap.dylib" if args.os == "darwin" else "libcctap.so.0"
    platform = wheel_platform(args.os, args.arch, [executable_path, library_path])
    made = [tarball(out, args, executable, library, library_name),
            wheel(out, args, executable, library, library_name, platform)]
    made.append(mcpb(out, args, executable, tool_list(executable_path)))
    made.append(server_json(out, args, [made[2]]))
    # SHA256SUMS in the format `sha256sum --check` reads.
    sums = "".join(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" for path in made)
    (out / "SHA256SUMS").write_text(sums)
    for path in made + [out / "SHA256SUMS"]:
        print(f"{path.stat().st_size / 1e6:9.1f} MB  {path}")


if __name__ == "__main__":
    main()
