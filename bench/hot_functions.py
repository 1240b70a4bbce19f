#!/usr/bin/env python3
"""Writes Sources/cc-tap/hot-functions.order: the functions the MCP server runs when it starts and
serves the benchmark's tools, in the order it first runs them. lld places them side by side
(Package.swift), so the code pages a server touches are few: the kernel maps 64 KiB around each
touched page, and scattered over the executable those were most of its resident memory (issue 25).

It runs the release server under valgrind's callgrind (which counts every function run, however
briefly) against the emulator. Run it again when much has changed; a stale list costs only memory,
never correctness (a name it does not know is skipped).

    scripts/static-build.sh --product cc-tap && scripts/static-build.sh --product cc-tap-emulator
    python3 bench/hot_functions.py
"""
import json
import os
import subprocess
import sys
import tempfile

from emulator import ORG, TOKEN, Emulator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, ".build-static", "release")
ORDER = os.path.join(ROOT, "Sources", "cc-tap", "hot-functions.order")


def main():
    work = tempfile.mkdtemp(prefix="cctap-hot-")
    # valgrind 3.19 cannot read the toolchain's DWARF 5; the symbol table is all it needs.
    binary = os.path.join(work, "cc-tap")
    subprocess.run(["strip", "--strip-debug", "-o", binary, os.path.join(RELEASE, "cc-tap")], check=True)
    profile = os.path.join(work, "callgrind.out")
    emulator = Emulator(os.path.join(RELEASE, "cc-tap-emulator"), "--slow-turn-seconds", "1")
    env = {"HOME": work, "CLAUDE_CONFIG_DIR": work, "CCTAP_BASE_URL": emulator.url, "CCR_ORG_UUID": ORG,
           "CCTAP_ACCESS_TOKEN": TOKEN, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", "--dump-instr=no",
         "--compress-strings=no", "--compress-pos=no", "--demangle=no", binary],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    number = 0

    def ask(method, params):
        nonlocal number
        number += 1
        server.stdin.write((json.dumps({"jsonrpc": "2.0", "id": number, "method": method, "params": params}) + "\n").encode())
        server.stdin.flush()
        while True:
            answer = json.loads(server.stdout.readline())
            if answer.get("id") == number:
                return answer

    try:
        ask("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "hot", "version": "1"}})
        ask("tools/list", {})
        short, long = emulator.new_session(2), emulator.new_session(200)
        for tool, arguments in [
            ("list_sessions", {}), ("get_session_info", {"session_id": short}), ("read_session", {"session_id": long}),
            ("get_session_events", {"session_id": long}), ("send_and_wait", {"session_id": short, "message": "one"}),
            ("send_and_wait", {"session_id": short, "message": "two"}), ("list_sessions", {"status_filter": "active"}),
        ]:
            answer = ask("tools/call", {"name": tool, "arguments": arguments})
            if "result" not in answer or answer["result"].get("isError"):
                sys.exit(f"{tool} failed under callgrind: {str(answer)[:300]}")
        server.stdin.close()
        server.wait(timeout=300)
    finally:
        emulator.stop()
    names, seen = [], set()
    with open(profile) as lines:
        for line in lines:
            if line.startswith(("fn=", "cfn=")):
                name = line.split("=", 1)[1].strip()
                if name not in seen and not name.startswith("0x"):
                    seen.add(name)
                    names.append(name)
    with open(ORDER, "w") as out:
        out.write("\n".join(names) + "\n")
    print(f"{len(names)} functions written to {os.path.relpath(ORDER, ROOT)}")


if __name__ == "__main__":
    main()
