"""The service as it is in late 2026 (protocol-late-2026.md), through every surface: the command line,
the MCP server over stdio with the official client, a C host and the Python binding, each in its own
process, against the emulator in its late-2026 world (its default) and, where the two differ, its
mid-2026 world.

1. One session's read is wrapped (`{"response_shape": …}`): every surface shows the session itself.
2. Who speaks: every surface sends as an agent by default (the emulator stores the platform of each
   message: `claude_code_remote`, a peer's); words sent as a person go out with the web app's platform
   and run a turn; the MCP server speaks as the person only when started with `--sender person`,
   whatever CCTAP_SENDER says.
3. The peer gate: a session that holds messages from other sessions answers `held` at once (not after
   the wait's timeout) with its policy named, and keeps the message for its person.
4. Reads show who sent each message: the stored `client_platform` in get_session_events (through the
   Python binding), `sender` in read_session (the command line)."""
import json
import time

import anyio
import pytest
from mcp import Client, StdioServerParameters

from harness import BIN, LIBRARY, ORG, TOKEN, clean_environment, emulator_call, run, running_emulator, wait_until
from hostile_proxy import Surfaces

SURFACES = ["cli", "mcp", "c", "python"]
PENDING = "session_01HPendingPermission0003"
AGENT = "claude_code_remote"
PERSON = "web_claude_ai"
# A held message must be told at once; a wait that ran into its timeout took 60 s.
AT_ONCE = 20


@pytest.fixture(scope="module")
def late():
    yield from running_emulator()


@pytest.fixture(scope="module")
def mid():
    yield from running_emulator("both", "--world", "mid-2026")


def environment(base, folder, **extra):
    home = folder / "home"
    home.mkdir(exist_ok=True)
    return clean_environment(HOME=str(home), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                             CCTAP_POLL_INTERVAL="0.1", **extra)


def fresh_session(base, title):
    return emulator_call(base, "POST", "/_emulator/sessions", {"turns": 1, "title": title})["id"]


def stored(base, session):
    """(text, client_platform) of each user message the emulator stored for `session`."""
    answer = emulator_call(base, "GET", f"/_emulator/sessions/{session}/user-messages")
    return list(zip(answer["texts"], answer["platforms"]))


def platform_of(base, session, text):
    found = [platform for said, platform in stored(base, session) if said == text]
    assert len(found) == 1, (text, stored(base, session))
    return found[0]


# 1. A wrapped read.

@pytest.mark.parametrize("world", ["late", "mid"])
@pytest.mark.parametrize("surface", SURFACES)
def test_info_is_the_session_itself_on_every_surface(surface, world, request, tmp_path):
    base = request.getfixturevalue(world)
    outcome = Surfaces(None, base, environment(base, tmp_path), tmp_path).call(
        surface, "get_session_info", session_id=PENDING)
    assert outcome.ok, str(outcome)
    session = outcome.result["session"]
    assert session["id"].endswith("01HPendingPermission0003"), session
    assert session["title"] and session["connection_status"] == "connected", session
    assert len(outcome.result["pending_permissions"]) == 1, outcome.result


# 2. Who speaks.

@pytest.mark.parametrize("surface", SURFACES)
def test_every_surface_sends_as_an_agent_by_default(surface, late, tmp_path):
    session = fresh_session(late, f"default sender {surface}")
    text = f"hello from {surface}"
    outcome = Surfaces(None, late, environment(late, tmp_path), tmp_path).call(
        surface, "send_and_wait", session_id=session, message=text, timeout=60)
    assert outcome.ok, str(outcome)
    assert outcome.result["status"] == "complete", outcome.result
    assert outcome.result["sender"] == "agent", outcome.result
    assert platform_of(late, session, text) == AGENT


@pytest.mark.parametrize("surface, options", [("c", {"sender": "person"}), ("python", {"sender": "person"})])
def test_the_library_sends_a_persons_words_as_theirs_when_asked(surface, options, late, tmp_path):
    session = fresh_session(late, f"person via {surface}")
    text = f"typed by the person, via {surface}"
    outcome = Surfaces(None, late, environment(late, tmp_path), tmp_path).call(
        surface, "send_and_wait", options=options, session_id=session, message=text, timeout=60)
    assert outcome.ok, str(outcome)
    assert outcome.result["status"] == "complete" and outcome.result["sender"] == "person", outcome.result
    assert platform_of(late, session, text) == PERSON


def test_the_command_line_sends_as_a_person_only_with_as_person(late, tmp_path):
    session = fresh_session(late, "cli person")
    env = environment(late, tmp_path)
    out = run(["send", session, "mine, typed", "--as-person", "--wait", "--json"], env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "complete" and result["sender"] == "person" and result["turn"] == "own", result
    assert platform_of(late, session, "mine, typed") == PERSON
    out = run(["send", session, "a script's", "--json"], env)
    assert out.returncode == 0, out.stderr
    sent = json.loads(out.stdout)
    assert sent["sender"] == "agent" and sent["client_platform"] == AGENT and sent["held"] is False, sent
    assert platform_of(late, session, "a script's") == AGENT


def mcp_send(env, args, session, text):
    async def main():
        server = StdioServerParameters(command=str(BIN / "cc-tap"), args=args, env=env)
        async with Client(server, read_timeout_seconds=90) as client:
            result = await client.call_tool("send_and_wait", {"session_id": session, "message": text, "timeout": 60})
            assert not result.is_error, result.content[0].text
            return result.structured_content
    return anyio.run(main)


def test_the_mcp_server_speaks_as_the_person_only_when_started_so(late, tmp_path):
    session = fresh_session(late, "mcp sender")
    # CCTAP_SENDER does not make the server speak for the person: a model's words are an agent's.
    env = environment(late, tmp_path, CCTAP_SENDER="person")
    result = mcp_send(env, [], session, "the model's words")
    assert result["sender"] == "agent", result
    assert platform_of(late, session, "the model's words") == AGENT
    result = mcp_send(env, ["serve", "--sender", "person"], session, "relayed as typed")
    assert result["status"] == "complete" and result["sender"] == "person", result
    assert platform_of(late, session, "relayed as typed") == PERSON


# 3. The peer gate.

@pytest.mark.parametrize("surface", SURFACES)
def test_a_session_that_holds_peers_answers_held_at_once(surface, late, tmp_path):
    session = fresh_session(late, f"holds peers {surface}")
    emulator_call(late, "POST", f"/_emulator/sessions/{session}/peer-policy", {"setting": "hold"})
    text = f"an agent asks, via {surface}"
    started = time.monotonic()
    outcome = Surfaces(None, late, environment(late, tmp_path), tmp_path).call(
        surface, "send_and_wait", session_id=session, message=text, timeout=60)
    seconds = time.monotonic() - started
    assert outcome.ok, str(outcome)
    result = outcome.result
    assert result["status"] == "held", result
    assert seconds < AT_ONCE, f"took {seconds:.1f} s"
    assert result["peer_messages"]["verdict"] == "hold" and result["peer_messages"]["reported"] == "unavailable", result
    assert "Messages from your other sessions" in result["hint"], result["hint"]
    answer = emulator_call(late, "GET", f"/_emulator/sessions/{session}/stopped-peer-messages")
    assert [m["text"] for m in answer["messages"]] == [text], answer


def test_the_mid_year_service_has_no_gate_and_no_stamp(mid, tmp_path):
    session = fresh_session(mid, "no gate")
    emulator_call(mid, "POST", f"/_emulator/sessions/{session}/peer-policy", {"setting": "hold"})
    out = run(["send", session, "before the gate", "--wait", "--json"], environment(mid, tmp_path))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "complete" and result["peer_messages"]["verdict"] == "unknown", result
    assert platform_of(mid, session, "before the gate") is None


# 4. Reads say who sent each message.

def test_reads_show_who_sent_each_message(late, tmp_path):
    session = fresh_session(late, "who said what")
    env = environment(late, tmp_path)
    assert run(["send", session, "agent line", "--wait", "--json"], env).returncode == 0
    assert run(["send", session, "person line", "--as-person", "--wait", "--json"], env).returncode == 0
    import cctap

    with cctap.Client(base_url=late, access_token=TOKEN, organization_uuid=ORG, library=str(LIBRARY)) as client:
        events = client.get_session_events(session, "user", 10)["events"]
    platforms = {e["message"]["content"]: e.get("client_platform") for e in events
                 if isinstance(e["message"]["content"], str)}
    assert platforms["agent line"] == AGENT and platforms["person line"] == PERSON, platforms
    out = run(["read", session, "--json"], env)
    assert out.returncode == 0, out.stderr
    senders = {e["text"]: e.get("sender") for e in json.loads(out.stdout)["entries"] if e["kind"] == "user"}
    assert senders["agent line"] == "peer" and senders["person line"] == "person", senders


# 5. A session replaced after /compact.

@pytest.mark.parametrize("surface", SURFACES)
def test_a_send_to_a_replaced_session_names_its_likely_successor(surface, late, tmp_path):
    title = f"replaced via {surface}"
    session = fresh_session(late, title)
    env = environment(late, tmp_path)
    out = run(["send", session, "/compact", "--wait", "--json"], env)
    assert out.returncode == 0, out.stderr
    suffix = session.split("_", 1)[1]

    def replaced():
        """The new session's id once the old one has left the active list (the worker archives it just
        after the turn's result)."""
        listed = json.loads(run(["sessions", "--status", "active", "--json"], env).stdout)["sessions"]
        if any(s["id"].endswith(suffix) for s in listed):
            return None
        return next((s["id"] for s in listed if s["title"] == title), None)

    successor = wait_until(replaced, "the session replaced by a new one of the same title")
    assert not successor.endswith(suffix), successor
    outcome = Surfaces(None, late, env, tmp_path).call(surface, "send_message", session_id=session, message="still there?")
    assert not outcome.ok, str(outcome)
    assert "nothing was sent" in outcome.message and successor in outcome.message, outcome.message
