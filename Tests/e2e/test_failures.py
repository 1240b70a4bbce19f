"""Failures that must be quick, clear and say what to do, on every surface: nothing listening at the
configured address, a refused setting in the MCP server's environment, an organisation the service
refuses, and a send to an archived session.

1. Nothing answers at CCTAP_BASE_URL (a loopback port nobody listens on): the command line, the MCP
   server, the C library and the Python binding each fail within seconds (not after minutes of
   retries) with one sentence naming the address and what to check; `cc-tap doctor` says the same.
   A host that drops connection attempts instead of refusing them costs one connect timeout (5 s).
2. A refused setting (CCTAP_BASE_URL=ftp://nowhere): the MCP server still starts and lists its tools,
   and each call says the setting was refused and nothing was sent; the command line refuses at once.
3. The service answers 403 "Organization mismatch." on both route generations' session lists: the
   command line names CCR_ORG_UUID and ~/.claude.json, and does not blame a missing scope.
4. A send to the seeded archived session is refused before anything is posted."""
import socket
import time

import pytest

from harness import LIBRARY, ORG, TOKEN, clean_environment, emulator_call, run, settle, stored_total
from hostile_proxy import Surfaces
from test_mcp import call

# Seed.archived (Sources/CCTapEmulator/Seed.swift) and Seed's demo session, as the tools take them.
ARCHIVED = "session_01HArchivedSession00004"
DEMO_CSE = "cse_01HFlakyLoginTestDemo0001"
# Before the fix, a refused connection was retried for about 42 s; a clear failure takes far less.
QUICK = 10
REFUSED_SETTING = "ftp://nowhere"


def free_port() -> int:
    """A loopback port nothing listens on (bound, read, then closed again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def refused(tmp_path):
    """(base URL nothing answers at, environment pointing cc-tap there with the emulator's login,
    the sentence every surface must give)."""
    base = f"http://127.0.0.1:{free_port()}"
    home = tmp_path / "home"
    home.mkdir()
    env = clean_environment(HOME=str(home), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG)
    sentence = (f"Nothing answers at {base} (connection refused): check CCTAP_BASE_URL or your network, "
                "then try again.")
    return base, env, sentence


def assert_no_doubled_punctuation(text):
    assert ".." not in text and ".)." not in text, text


def timed(action):
    """Runs `action`; returns (its value, the seconds it took)."""
    started = time.monotonic()
    value = action()
    return value, time.monotonic() - started


# 1. Nothing answers at the configured address.

def test_cli_says_nothing_answers_at_once(refused):
    base, env, sentence = refused
    out, seconds = timed(lambda: run(["sessions", "--json"], env, timeout=60))
    assert out.returncode != 0, out.stdout
    assert sentence in out.stderr, out.stderr
    assert_no_doubled_punctuation(out.stderr)
    assert seconds < QUICK, f"took {seconds:.1f} s"


def test_mcp_says_nothing_answers_at_once(refused):
    base, env, sentence = refused

    async def body(client):
        started = time.monotonic()
        result = await client.call_tool("list_sessions", {})
        return result, time.monotonic() - started

    result, seconds = call(env, body)
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    assert result.is_error, text
    assert sentence in text, text
    assert_no_doubled_punctuation(text)
    assert seconds < QUICK, f"took {seconds:.1f} s"


def test_c_library_says_nothing_answers_at_once(refused, tmp_path):
    base, env, sentence = refused
    # The C host of bindings/c/tests/hostile_host.c, one process a call, configured from `env`.
    outcome = Surfaces(None, base, env, tmp_path).call("c", "list_sessions")
    assert not outcome.died, str(outcome)
    assert not outcome.ok, str(outcome)
    assert outcome.kind == "network", str(outcome)
    assert sentence in outcome.message, str(outcome)
    assert_no_doubled_punctuation(outcome.message)
    assert outcome.seconds < QUICK, str(outcome)


def test_python_binding_says_nothing_answers_at_once(refused):
    import cctap

    base, env, sentence = refused
    started = time.monotonic()
    with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, library=str(LIBRARY)) as client:
        with pytest.raises(cctap.NetworkError) as raised:
            client.list_sessions()
    seconds = time.monotonic() - started
    assert isinstance(raised.value, ConnectionError)
    message = str(raised.value)
    assert sentence in message, message
    assert_no_doubled_punctuation(message)
    assert seconds < QUICK, f"took {seconds:.1f} s"


def test_doctor_says_nothing_answers_quickly(refused):
    base, env, sentence = refused
    out, seconds = timed(lambda: run(["doctor"], env, timeout=60))
    text = out.stdout + out.stderr
    assert "Nothing answers at" in text, text
    assert seconds < 15, f"took {seconds:.1f} s:\n{text}"


@pytest.fixture
def silent_host():
    """A loopback address that takes no connection and refuses none: a listener whose accept queue is
    full, so the kernel drops every further connection attempt, as a host behind a firewall that
    drops packets does. Yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    # Fill the queue until a connection attempt hangs (nothing accepts them).
    for _ in range(8):
        filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        filler.settimeout(1)
        try:
            filler.connect(("127.0.0.1", port))
        except (TimeoutError, socket.timeout):
            filler.close()
            break
        fillers.append(filler)
    else:
        pytest.fail("the listener's queue never filled: this kernel does not drop connection attempts")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_host_that_takes_no_connection_is_reported_after_one_connect_timeout(silent_host, tmp_path):
    # Before: two attempts of 10 s each (20.5 s). Now one attempt of 5 s: a host that drops the first
    # attempt's packets for 5 s (the kernel resends them twice meanwhile) will not answer a second.
    home = tmp_path / "home"
    home.mkdir()
    env = clean_environment(HOME=str(home), CCTAP_BASE_URL=silent_host, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG)
    out, seconds = timed(lambda: run(["sessions", "--json"], env, timeout=90))
    assert out.returncode != 0, out.stdout
    assert (f"Nothing answers at {silent_host} (no connection within 5 s): check CCTAP_BASE_URL or your network, "
            "then try again.") in out.stderr, out.stderr
    assert_no_doubled_punctuation(out.stderr)
    assert seconds < 15, f"took {seconds:.1f} s"


# 2. A refused setting: the MCP server starts anyway and says so on every call.

def test_mcp_server_starts_with_a_refused_setting_and_says_so_on_each_call(tmp_path):
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=REFUSED_SETTING, CCTAP_ACCESS_TOKEN=TOKEN,
                            CCR_ORG_UUID=ORG)

    async def body(client):
        tools = [t.name for t in (await client.list_tools()).tools]
        results = {}
        for name, arguments in (("list_sessions", {}),
                                ("get_session_info", {"session_id": DEMO_CSE}),
                                ("send_message", {"session_id": DEMO_CSE, "message": "hi"})):
            results[name] = await client.call_tool(name, arguments)
        return tools, results

    tools, results = call(env, body)
    assert tools and "list_sessions" in tools, tools
    for name, result in results.items():
        text = "\n".join(getattr(c, "text", "") for c in result.content)
        assert result.is_error, (name, text)
        assert "CCTAP_BASE_URL" in text and "nothing was sent" in text, (name, text)


def test_cli_refuses_a_refused_setting_at_once(tmp_path):
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=REFUSED_SETTING, CCTAP_ACCESS_TOKEN=TOKEN,
                            CCR_ORG_UUID=ORG)
    out, seconds = timed(lambda: run(["sessions"], env, timeout=60))
    assert out.returncode != 0, out.stdout
    assert "CCTAP_BASE_URL" in out.stderr, out.stderr
    assert seconds < QUICK, f"took {seconds:.1f} s"


# 3. The service refuses the organisation.

def test_an_organisation_mismatch_names_the_setting_and_the_file(own_emulator, tmp_path):
    for route in ("/v1/code/sessions", "/v1/sessions"):
        emulator_call(own_emulator, "POST", "/_emulator/faults",
                      {"kind": "status", "method": "GET", "route": route, "status": 403,
                       "message": "Organization mismatch.", "times": None})
    try:
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=own_emulator, CCTAP_ACCESS_TOKEN=TOKEN,
                                CCR_ORG_UUID=ORG)
        out = run(["sessions", "--json"], env)
        assert out.returncode != 0, out.stdout
        assert "CCR_ORG_UUID" in out.stderr and "~/.claude.json" in out.stderr, out.stderr
        assert "scope" not in out.stderr, out.stderr
        assert ".." not in out.stderr, out.stderr
    finally:
        emulator_call(own_emulator, "DELETE", "/_emulator/faults")


# 4. A send to an archived session.

def test_a_send_to_an_archived_session_is_refused_and_stores_nothing(emulator, env):
    before = stored_total(settle(emulator))
    out = run(["send", ARCHIVED, "hello?", "--json"], env)
    assert out.returncode != 0, out.stdout
    assert "archived" in out.stderr and "nothing was sent" in out.stderr, out.stderr
    assert stored_total(settle(emulator)) == before, "the emulator stored a message for the archived session"
