"""An emulator on loopback for the binding's tests, and the library from dist/ (CCTAP_LIBRARY)."""
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(os.environ.get("CCTAP_BIN_DIR", ROOT / ".build" / "debug"))
TOKEN = "sk-ant-oat01-emulator-0000000000000000"
ORG = "7f3c2a10-5b6d-4e8f-9a01-23456789abcd"


@pytest.fixture(scope="session")
def emulator():
    proc = subprocess.Popen([str(BIN / "cc-tap-emulator"), "--port", "0", "--step", "0.01"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = None
    deadline = time.time() + 30
    while base is None and time.time() < deadline:
        match = re.match(r"CCTAP_BASE_URL=(\S+)", proc.stdout.readline())
        if match:
            base = match.group(1)
    if base is None:
        proc.kill()
        raise RuntimeError("cc-tap-emulator did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def client(emulator):
    import cctap
    with cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1) as c:
        yield c
