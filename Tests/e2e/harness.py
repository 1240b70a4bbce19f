"""What every Python test of cc-tap shares: where the binaries are, the emulator's login, an emulator
process on loopback, its control routes, and waiting for an event (never for a fixed time).
The end-to-end tests import it directly; bindings/python/tests puts this folder on sys.path."""
import json
import os
import queue
import re
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, Optional, TypeVar

ROOT = Path(__file__).resolve().parents[2]
# The debug build by default; CCTAP_BIN_DIR points elsewhere (e.g. a release build).
BIN = Path(os.environ.get("CCTAP_BIN_DIR", ROOT / ".build" / "debug"))
# The C library under test, laid out as installed (lib/, include/, lib/pkgconfig): the debug build's in
# .build/debug-dist (scripts/build-dist.sh --debug) by default, dist/ when CCTAP_DIST says so (full tier).
DIST = Path(os.environ.get("CCTAP_DIST", ROOT / ".build" / "debug-dist"))
# CCTAP_LIBRARY is also what the Python binding reads.
LIBRARY = Path(os.environ.get("CCTAP_LIBRARY", DIST / "lib" / "libcctap.so.0"))
# The emulator's own login and organisation (EmulatorConfiguration.defaultToken / defaultOrganization).
TOKEN = "sk-ant-oat01-emulator-0000000000000000"
ORG = "7f3c2a10-5b6d-4e8f-9a01-23456789abcd"

# The version every artefact carries: the header defines it (Tests/e2e/test_version.py checks the rest).
VERSION = re.search(r'^#define CCTAP_VERSION "(.+)"$', (ROOT / "include" / "cctap.h").read_text(), re.M).group(1)
# The published cc-tap 0.1.0's tools, which its users' configurations call: ours lists them first.
PUBLISHED_TOOLS = ["list_sessions", "get_session_info", "read_session", "get_session_events", "send_message",
                   "send_and_wait"]

T = TypeVar("T")


def start_emulator(dialect: str = "both", *extra: str):
    """Starts a cc-tap-emulator on a free loopback port serving `dialect` (both, v1 or v2); returns
    (process, base URL)."""
    proc = subprocess.Popen(
        [str(BIN / "cc-tap-emulator"), "--port", "0", "--step", "0.01", "--dialect", dialect, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    # The emulator prints its banner once it listens; readline blocks until then ('' if it died).
    for line in iter(proc.stdout.readline, ""):
        match = re.match(r"CCTAP_BASE_URL=(\S+)", line)
        if match:
            return proc, match.group(1)
    proc.kill()
    raise RuntimeError("cc-tap-emulator exited before it printed its address")


def running_emulator(dialect: str = "both", *extra: str):
    """Yields the base URL of an emulator that stops when the fixture ends."""
    proc, base = start_emulator(dialect, *extra)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run(args, env, timeout=60):
    """Runs cc-tap with args; returns the completed process."""
    return subprocess.run([str(BIN / "cc-tap"), *args], env=env, capture_output=True, text=True, timeout=timeout)


def clean_environment(**settings: str) -> dict:
    """This process's environment without any CCTAP_/CCR_/CLAUDE_ setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CCTAP_", "CCR_", "CLAUDE_"))}
    env.update(settings)
    return env


def emulator_call(base: str, method: str, path: str, body=None):
    """A call to the emulator's own control routes (/_emulator/...)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def stats(base: str) -> dict:
    return emulator_call(base, "GET", "/_emulator/stats")


def stored_total(counters: dict) -> int:
    """User messages the emulator has stored, from a `stats` answer."""
    return sum(counters["user_messages_stored"].values())


def wait_until(check: Callable[[], Optional[T]], what: str, timeout: float = 60) -> T:
    """Polls `check` until it returns something truthy and returns that; fails after `timeout`
    seconds, a generous bound that only a broken feature (not a busy machine) should reach."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def settle(base: str) -> dict:
    """Waits until the emulator has finished every service request it received (a stalled one
    included), so its counters say everything the client's calls did; returns the stats."""
    def finished() -> Optional[dict]:
        counters = stats(base)
        return counters if counters["requests_in_progress"] == 0 else None
    return wait_until(finished, "the emulator to finish the requests it received")


def mcp_session(command, env, cwd=None):
    """Starts an MCP server, initializes it (2025-11-25) and lists its tools; returns (initialize result,
    tool names)."""
    server = subprocess.Popen([str(part) for part in command], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, cwd=cwd, text=True)
    try:
        for message in ({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                         "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                                    "clientInfo": {"name": "package-test", "version": "1"}}},
                        {"jsonrpc": "2.0", "method": "notifications/initialized"},
                        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}):
            server.stdin.write(json.dumps(message) + "\n")
            server.stdin.flush()
        # Read on a thread, so a server that never answers fails the test with what it said instead of
        # hanging the tier (the event awaited is the answer; the bound only ends a hang).
        lines: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in iter(server.stdout.readline, "")] + [lines.put("")],
                         daemon=True).start()
        answers = []
        for _ in range(2):
            try:
                line = lines.get(timeout=120)
            except queue.Empty:
                line = ""
            if not line:
                server.kill()
                raise AssertionError(f"{command[0]} did not answer (stderr: {server.stderr.read()[-2000:]!r})")
            answers.append(json.loads(line))
        assert [answer["id"] for answer in answers] == [1, 2], answers
        return answers[0]["result"], [tool["name"] for tool in answers[1]["result"]["tools"]]
    finally:
        server.kill()
        server.wait()
