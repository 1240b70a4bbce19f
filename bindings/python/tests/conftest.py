"""An emulator on loopback for the binding's tests, from the project's shared Python test harness
(Tests/e2e/harness.py), and the library the binding finds through CCTAP_LIBRARY."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "Tests" / "e2e"))
from harness import LIBRARY, ORG, TOKEN, running_emulator  # noqa: E402


@pytest.fixture(scope="session")
def emulator():
    yield from running_emulator()


@pytest.fixture
def client(emulator):
    import cctap
    with cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1,
                      library=str(LIBRARY)) as c:
        yield c
