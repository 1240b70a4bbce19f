"""Fixtures for end-to-end tests: the built binaries and a cc-tap-emulator process on loopback."""
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("CCTAP_BIN_DIR", ROOT / ".build" / "debug"))
TOKEN = "sk-ant-oat01-emulator-0000000000000000"
ORG = "7f3c2a10-5b6d-4e8f-9a01-23456789abcd"


def start_emulator():
    """Starts a cc-tap-emulator on a free loopback port; returns (process, base URL)."""
    proc = subprocess.Popen(
        [str(BIN / "cc-tap-emulator"), "--port", "0", "--step", "0.01"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    base = None
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        match = re.match(r"CCTAP_BASE_URL=(\S+)", line)
        if match:
            base = match.group(1)
            break
    if base is None:
        proc.kill()
        raise RuntimeError("cc-tap-emulator did not start")
    return proc, base


def running_emulator():
    """Yields the base URL of an emulator that stops when the fixture ends."""
    proc, base = start_emulator()
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def emulator():
    """A cc-tap-emulator shared by the tests that leave the seeded sessions as they found them."""
    yield from running_emulator()


@pytest.fixture
def env(emulator, tmp_path):
    """An environment pointing cc-tap at the emulator with the emulator's login."""
    home = tmp_path / "home"
    home.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CCTAP_", "CCR_", "CLAUDE_"))}
    base.update({"HOME": str(home), "CCTAP_BASE_URL": emulator, "CCTAP_ACCESS_TOKEN": TOKEN, "CCR_ORG_UUID": ORG})
    return base


@pytest.fixture
def server_env(env):
    """The environment for a cc-tap MCP server process: the emulator, and fast polling."""
    env = dict(env)
    env["CCTAP_POLL_INTERVAL"] = "0.1"
    return env


def emulator_call(base, method, path, body=None):
    """A call to the emulator's own control routes (/_emulator/...)."""
    import urllib.request
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def run(args, env, timeout=60):
    """Runs cc-tap with args; returns the completed process."""
    return subprocess.run([str(BIN / "cc-tap"), *args], env=env, capture_output=True, text=True, timeout=timeout)
