"""Fixtures for end-to-end tests: the built binaries and a cc-tap-emulator process on loopback
(the shared pieces are in harness.py). Tests marked `full` belong to the full tier
(scripts/test.sh --full); the fast tier deselects them with -m "not full"."""
import pytest

from harness import ORG, TOKEN, clean_environment, running_emulator


def pytest_configure(config):
    config.addinivalue_line("markers", "full: a deep check, run by scripts/test.sh --full only")


@pytest.fixture(scope="session")
def emulator():
    """A cc-tap-emulator shared by the tests that leave the seeded sessions as they found them."""
    yield from running_emulator()


@pytest.fixture
def own_emulator():
    """An emulator of the test's own, for tests that change sessions, logins or faults."""
    yield from running_emulator()


@pytest.fixture
def env(emulator, tmp_path):
    """An environment pointing cc-tap at the emulator with the emulator's login."""
    home = tmp_path / "home"
    home.mkdir()
    return clean_environment(HOME=str(home), CCTAP_BASE_URL=emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG)


@pytest.fixture
def server_env(env):
    """The environment for a cc-tap MCP server process: the emulator, and fast polling."""
    return dict(env, CCTAP_POLL_INTERVAL="0.1")
