"""A wait returns the reply to ITS OWN message, even when the session's worker queues that message
behind a turn that is already running, through every surface: the command line, the MCP server over
stdio, the C library (the C host of bindings/c/tests/hostile_host.c) and the Python binding.

The scripted worker (Sources/CCTapEmulator/ScriptedWorker.swift) runs one turn at a time and queues
messages that arrive meanwhile. "first AAA until stopped" streams until it is interrupted, so the
test, not the machine's speed, decides the order: "second BBB" is stored while the first turn runs,
then the test stops that turn, and the wait for the second message must report a turn of its own
("You said: second BBB", never the first turn's words, with "turn": "own").

Every test works on a session created for it, so queued messages and open prompts never reach another
test. The fast tier runs one cell per surface in the world with both route generations and the default
(stream) event source; the full tier runs the command line and the MCP server in every world of
test_worlds.py, with the default source and with CCTAP_EVENT_SOURCE=poll."""
import json
import re
import threading

import anyio
import pytest

from harness import (LIBRARY, ORG, TOKEN, clean_environment, emulator_call, run, running_emulator, settle, stats,
                     wait_until)
from hostile_proxy import Surfaces
from test_mcp import call
from test_worlds import WORLDS


FIRST = "first AAA until stopped"
SECOND = "second BBB"
# A send's cursor: the position, then the message it names and the worker's queue as it was stored.
TIED_CURSOR = re.compile(r"(?P<position>seq:\d+|sevt_\w+),msg=(?P<uuid>[0-9A-Fa-f-]+),ahead=(?P<ahead>\d+),"
                         r"running=(?P<running>[01])")
# The exit code of a command whose arguments cc-tap refuses: `reportingErrors` (CCTapCommand.swift)
# exits 1 for every TapError, invalid arguments included, as test_cli.py's bad session id shows.
INVALID_ARGUMENT_EXIT = 1
# (world, event source): every world of test_worlds.py, each with the default source (the event
# stream where the 2026 routes are served) and with CCTAP_EVENT_SOURCE=poll. The fast tier runs the
# first cell only.
MATRIX = [pytest.param(world, chosen, id=f"{world}-{chosen}",
                       marks=() if (world, chosen) == ("both", "default") else pytest.mark.full)
          for world in WORLDS for chosen in ("default", "poll")]


@pytest.fixture(scope="module")
def worlds():
    """base_url(world): an emulator per world (as test_worlds.py's emulator_for starts them, with the
    worker's defaults), started when a test first asks for it and stopped with the module."""
    started = {}

    def base_url(world):
        if world not in started:
            dialect, extra = ("v2", ["--no-watch"]) if world == "v2-polled" else (world, [])
            emulator = running_emulator(dialect, *extra)
            started[world] = (emulator, next(emulator))
        return started[world][1]

    yield base_url
    for emulator, _ in started.values():
        emulator.close()  # runs running_emulator's finally: the process is stopped


def environment(base, home, chosen="default"):
    """cc-tap's environment for the emulator at `base`, with fast polling, and the polling event
    source when `chosen` is "poll"."""
    settings = dict(HOME=str(home), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                    CCTAP_POLL_INTERVAL="0.1")
    if chosen == "poll":
        settings["CCTAP_EVENT_SOURCE"] = "poll"
    return clean_environment(**settings)


def expected_source(world, chosen):
    """The event_source a wait reports: the v1 world has only the v1 event list."""
    if world == "v1":
        return "poll-v1"
    return "stream" if chosen == "default" else "poll"


def fresh_session(base, title):
    """A connected, idle session with one finished turn, for this test alone."""
    return emulator_call(base, "POST", "/_emulator/sessions", {"turns": 1, "title": title})["id"]


def stored_uuids(base):
    """The uuids of every user message the emulator has stored."""
    return set(stats(base)["user_messages_stored"])


def cli(env, *args):
    """Runs `cc-tap ARGS --json`, which must succeed; returns its JSON."""
    out = run([*args, "--json"], env)
    assert out.returncode == 0, (args, out.stderr)
    return json.loads(out.stdout)


async def tool(client, name, arguments):
    """Calls an MCP tool, which must succeed; returns its structured result."""
    result = await client.call_tool(name, arguments)
    assert not result.is_error, (name, result.content[0].text)
    return result.structured_content


def assert_first_send(sent):
    """The first message reached an idle session: not queued, and its cursor names it with nothing ahead."""
    assert sent["queued"] is False, sent
    assert isinstance(sent["hint"], str) and sent["hint"], sent
    tie = TIED_CURSOR.fullmatch(sent["cursor"])
    assert tie and tie["uuid"] == sent["uuid"], sent
    assert (tie["ahead"], tie["running"]) == ("0", "0"), sent["cursor"]


def assert_queued_send(sent):
    """A send stored while the first turn runs says it is queued, and its cursor names it."""
    assert sent["queued"] is True, sent
    assert "queued" in sent["hint"], sent["hint"]
    tie = TIED_CURSOR.fullmatch(sent["cursor"])
    assert tie, sent["cursor"]
    assert tie["uuid"] == sent["uuid"], sent["cursor"]
    # The first turn was running, or was stored and not yet taken up: either way something is ahead.
    assert tie["running"] == "1" or int(tie["ahead"]) >= 1, sent["cursor"]


def assert_own_reply(result, text, other, uuid, source=None):
    """A wait that ended on the turn of its own message `text`, stored with `uuid`."""
    assert result["status"] == "complete", result
    assert f"You said: {text}" in result["reply"], result["reply"]
    assert other not in result["reply"], result["reply"]
    assert result["turn"] == "own", result
    assert result["message_uuid"] == uuid, result
    if source is not None:
        assert result["event_source"] == source, result


def only_new(before, after):
    """The one uuid stored between two stored_uuids() readings."""
    [uuid] = after - before
    return uuid


def interrupt(base, session):
    """Stops the session's running turn (through the Python binding, as a supervisor would)."""
    import cctap

    with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, library=str(LIBRARY)) as client:
        client.interrupt(session)


def behind_the_first_turn(base, session, wait):
    """Runs `wait` (a send that waits) while the first turn runs until stopped; once its message is
    stored, stops the first turn. Returns the wait's result and its message's uuid."""
    before = stored_uuids(base)
    outcome = {}

    def run_wait():
        try:
            outcome["value"] = wait()
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run_wait)
    thread.start()
    uuid = wait_until(lambda: next(iter(stored_uuids(base) - before), None), "the second message to be stored")
    interrupt(base, session)
    thread.join(120)
    assert not thread.is_alive(), "the wait did not end after the first turn was stopped"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"], uuid


# 1. send, then send and wait: the wait reports its own message's turn.

@pytest.mark.parametrize("world, chosen", MATRIX)
def test_cli_send_and_wait_returns_its_own_reply_behind_a_running_turn(world, chosen, worlds, tmp_path):
    """`cc-tap send --wait` sent while the first turn runs returns the reply to its own message."""
    base = worlds(world)
    env = environment(base, tmp_path, chosen)
    session = fresh_session(base, f"cli own reply {world} {chosen}")
    assert_first_send(cli(env, "send", session, FIRST))
    waited, uuid = behind_the_first_turn(base, session, lambda: cli(env, "send", session, SECOND, "--wait", "--timeout", "100"))
    assert_own_reply(waited, SECOND, "first AAA", uuid, expected_source(world, chosen))


@pytest.mark.parametrize("world, chosen", MATRIX)
def test_mcp_send_and_wait_returns_its_own_reply_behind_a_running_turn(world, chosen, worlds, tmp_path):
    """MCP send_and_wait called while the first turn runs returns the reply to its own message."""
    base = worlds(world)
    session = fresh_session(base, f"mcp own reply {world} {chosen}")

    async def body(client):
        assert_first_send(await tool(client, "send_message", {"session_id": session, "message": FIRST}))
        before = stored_uuids(base)
        results = {}

        async def send_and_wait():
            results["waited"] = await tool(client, "send_and_wait", {"session_id": session, "message": SECOND, "timeout": 100})

        async with anyio.create_task_group() as group:
            group.start_soon(send_and_wait)
            with anyio.fail_after(60):
                while not (new := stored_uuids(base) - before):
                    await anyio.sleep(0.05)
            await anyio.to_thread.run_sync(interrupt, base, session)
        [uuid] = new
        assert_own_reply(results["waited"], SECOND, "first AAA", uuid, expected_source(world, chosen))
    call(environment(base, tmp_path, chosen), body)


@pytest.mark.parametrize("world, chosen", MATRIX)
def test_c_send_and_wait_returns_its_own_reply_behind_a_running_turn(world, chosen, worlds, tmp_path):
    """cctap_send_and_wait, called by a C program while the first turn runs, returns its own reply."""
    base = worlds(world)
    session = fresh_session(base, "c own reply")
    # The C host, one process a call (hostile_proxy.py); no proxy is involved here.
    host = Surfaces(None, base, environment(base, tmp_path, chosen), tmp_path)
    sent = host.call("c", "send_message", session_id=session, message=FIRST)
    assert sent.ok, str(sent)
    assert_first_send(sent.result)
    waited, uuid = behind_the_first_turn(
        base, session, lambda: host.call("c", "send_and_wait", session_id=session, message=SECOND, timeout=100))
    assert waited.ok, str(waited)
    assert_own_reply(waited.result, SECOND, "first AAA", uuid, expected_source(world, chosen))


@pytest.mark.parametrize("world, chosen", MATRIX)
def test_python_send_and_wait_returns_its_own_reply_behind_a_running_turn(world, chosen, worlds):
    """cctap.Client.send_and_wait, called while the first turn runs, returns its own reply."""
    import cctap

    base = worlds(world)
    session = fresh_session(base, "python own reply")
    with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1,
                      event_source="poll" if chosen == "poll" else None, library=str(LIBRARY)) as client:
        assert_first_send(client.send_message(session, FIRST))
        waited, uuid = behind_the_first_turn(base, session, lambda: client.send_and_wait(session, SECOND, timeout=100))
    assert_own_reply(waited, SECOND, "first AAA", uuid, expected_source(world, chosen))


# 2. A send says whether it is queued; its cursor names the message, and a wait from it reports that
# message's turn.

@pytest.mark.parametrize("world, chosen", MATRIX)
def test_cli_wait_from_a_send_cursor_returns_that_messages_reply(world, chosen, worlds, tmp_path):
    """`cc-tap send --json` says queued, its cursor names the message, and `cc-tap wait` from it returns that reply."""
    base = worlds(world)
    env = environment(base, tmp_path, chosen)
    session = fresh_session(base, f"cli cursor {world} {chosen}")
    first = cli(env, "send", session, FIRST)
    assert_first_send(first)
    second = cli(env, "send", session, SECOND)
    assert_queued_send(second)
    source = expected_source(world, chosen)
    interrupt(base, session)
    # The first message's cursor: its own turn (stopped), not the one queued after it.
    waited_first = cli(env, "wait", session, "--cursor", first["cursor"], "--timeout", "60")
    assert waited_first["status"] == "interrupted", waited_first
    assert waited_first["turn"] == "own" and "second BBB" not in waited_first["reply"], waited_first
    # The second's, read after both turns ended: the wait replays past the first turn to its own.
    waited_second = cli(env, "wait", session, "--cursor", second["cursor"], "--timeout", "60")
    assert_own_reply(waited_second, SECOND, "first AAA", second["uuid"], source)


@pytest.mark.full
@pytest.mark.parametrize("world, chosen", MATRIX)
def test_mcp_wait_for_reply_from_a_send_cursor_returns_that_messages_reply(world, chosen, worlds, tmp_path):
    """send_message says queued, its cursor names the message, and wait_for_reply from it returns that reply."""
    base = worlds(world)
    session = fresh_session(base, f"mcp cursor {world} {chosen}")

    async def body(client):
        first = await tool(client, "send_message", {"session_id": session, "message": FIRST})
        assert_first_send(first)
        second = await tool(client, "send_message", {"session_id": session, "message": SECOND})
        assert_queued_send(second)
        await anyio.to_thread.run_sync(interrupt, base, session)
        waited = await tool(client, "wait_for_reply",
                            {"session_id": session, "cursor": second["cursor"], "timeout": 45})
        assert_own_reply(waited, SECOND, "first AAA", second["uuid"], expected_source(world, chosen))
    call(environment(base, tmp_path, chosen), body)


# 3. A session blocked on a permission prompt: a wait for a message queued behind it returns at once.

def pending_request(info):
    """The request_id of the session's first pending permission prompt, or None."""
    pending = info.get("pending_permissions") or []
    return pending[0]["request_id"] if pending else None


def assert_queued_behind_the_prompt(waited, request_id):
    """The wait ended promptly on the prompt ahead of its message, saying the message waits behind it."""
    assert waited["status"] == "waiting_for_permission", waited
    assert request_id in [p["request_id"] for p in waited["pending_permissions"]], waited
    assert waited["turn"] == "queued", waited
    assert "queued behind it" in waited["hint"], waited["hint"]
    assert waited["elapsed_seconds"] < 30, waited


def test_cli_send_and_wait_behind_a_permission_prompt_returns_at_once(worlds, tmp_path):
    """`cc-tap send --wait` to a session blocked on a prompt returns waiting_for_permission, turn queued."""
    base = worlds("both")
    env = environment(base, tmp_path)
    session = fresh_session(base, "cli behind a prompt")
    cli(env, "send", session, "run ls")
    request_id = wait_until(lambda: pending_request(cli(env, "info", session)), "the prompt to show in `cc-tap info`")
    waited = cli(env, "send", session, "after the prompt CCC", "--wait", "--timeout", "60")
    assert_queued_behind_the_prompt(waited, request_id)


@pytest.mark.full
def test_mcp_send_and_wait_behind_a_permission_prompt_returns_at_once(worlds, tmp_path):
    """MCP send_and_wait to a session blocked on a prompt returns waiting_for_permission, turn queued."""
    base = worlds("both")
    session = fresh_session(base, "mcp behind a prompt")

    async def body(client):
        await tool(client, "send_message", {"session_id": session, "message": "run ls"})
        with anyio.fail_after(60):
            while not (request_id := pending_request(await tool(client, "get_session_info", {"session_id": session}))):
                await anyio.sleep(0.05)
        waited = await tool(client, "send_and_wait",
                            {"session_id": session, "message": "after the prompt CCC", "timeout": 45})
        assert_queued_behind_the_prompt(waited, request_id)
    call(environment(base, tmp_path), body)


# 4 and 5. Cursors that cannot be waited from, and a cursor on an idle session.

def test_a_malformed_cursor_is_refused_before_any_request(worlds, tmp_path):
    """`cc-tap wait --cursor bogus` fails as an invalid argument and asks the service nothing."""
    base = worlds("both")
    session = fresh_session(base, "malformed cursor")
    before = settle(base)["service_requests"]
    out = run(["wait", session, "--cursor", "bogus", "--timeout", "10", "--json"], environment(base, tmp_path))
    assert out.returncode == INVALID_ARGUMENT_EXIT, (out.returncode, out.stdout, out.stderr)
    assert "is not a cursor" in out.stderr, out.stderr
    assert out.stdout == ""
    assert settle(base)["service_requests"] == before, "the refused wait made a request"


def test_a_cursor_on_an_idle_session_returns_idle_at_once(worlds, tmp_path):
    """`cc-tap wait` from the final cursor of a completed turn says idle at once (no turn to wait for)."""
    base = worlds("both")
    env = environment(base, tmp_path)
    session = fresh_session(base, "idle cursor")
    done = cli(env, "send", session, "hello DDD", "--wait", "--timeout", "60")
    assert done["status"] == "complete", done
    idle = cli(env, "wait", session, "--cursor", done["cursor"], "--timeout", "60")
    assert idle["status"] == "idle", idle
    assert idle["hint"].startswith("No turn is running"), idle["hint"]
    # At once: not by the session check a quiet wait makes every 10 s, nor by running out of time.
    assert idle["elapsed_seconds"] < 5, idle


def test_a_cursor_past_the_newest_event_is_refused(worlds, tmp_path):
    """`cc-tap wait --cursor seq:999999` on the 2026 routes is refused: past the session's newest event."""
    base = worlds("v2")
    session = fresh_session(base, "cursor past the end")
    out = run(["wait", session, "--cursor", "seq:999999", "--timeout", "10", "--json"], environment(base, tmp_path))
    assert out.returncode != 0, out.stdout
    assert "past the session's newest event" in out.stderr, out.stderr
