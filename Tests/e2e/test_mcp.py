"""The cc-tap MCP server over real stdio, driven by the official Python MCP client (mcp 2.x).

The client validates every structured result against the tool's outputSchema, so each successful
call here also checks that the result matches its declared schema.
"""
import json
import re
import subprocess

import anyio
import pytest
from mcp import Client, MCPError, StdioServerParameters

from harness import BIN, ORG, ROOT, TOKEN, clean_environment, emulator_call, running_emulator, settle, stats, stored_total

DEMO = "session_01HFlakyLoginTestDemo0001"
PENDING = "session_01HPendingPermission0003"
OFFLINE = "session_01HDisconnected00000005"
LONG = "session_01HLongSession5000ev0006"
UNICODE = "session_01HUnicodeTitle000000002"
TOOLS = ["list_sessions", "get_session_info", "read_session", "get_session_events", "send_message",
         "send_and_wait", "wait_for_reply", "respond_to_permission", "respond_to_input", "interrupt_session",
         "wait_for_attention", "set_permission_mode", "set_model", "rename_session", "archive_session", "mark_read",
         "prune_sessions"]


def params(env):
    return StdioServerParameters(command=str(BIN / "cc-tap"), env=env)


def connect(env, **kwargs):
    # The 2025-11-25 path these tests were written for (resources/subscribe, -32002); the client's
    # default, auto, now negotiates 2026-07-28, which test_mcp_eras.py drives.
    kwargs.setdefault("mode", "legacy")
    return Client(params(env), read_timeout_seconds=kwargs.pop("read_timeout_seconds", 60), **kwargs)


def call(env, body, **kwargs):
    """Runs an async body with a connected client."""
    async def main():
        async with connect(env, **kwargs) as client:
            return await body(client)
    return anyio.run(main)


def test_tools_are_declared_fully(server_env):
    async def body(client):
        assert client.protocol_version == "2025-11-25"
        tools = (await client.list_tools()).tools
        assert [t.name for t in tools] == TOOLS
        for tool in tools:
            assert tool.title and tool.description and len(tool.description) > 60, tool.name
            assert tool.input_schema["type"] == "object" and tool.input_schema["additionalProperties"] is False
            assert tool.output_schema and tool.output_schema["type"] == "object", tool.name
            a = tool.annotations
            assert a is not None and a.read_only_hint is not None and a.open_world_hint is True, tool.name
            if not a.read_only_hint:
                assert a.destructive_hint is not None and a.idempotent_hint is not None, tool.name
        reads = {t.name for t in tools if t.annotations.read_only_hint}
        assert reads == {"list_sessions", "get_session_info", "read_session", "get_session_events", "wait_for_reply",
                         "wait_for_attention"}
        return tools
    tools = call(server_env, body)
    # The published cc-tap's arguments are still accepted.
    args = {t.name: set(t.input_schema["properties"]) for t in tools}
    assert args["list_sessions"] == {"status_filter"}
    assert args["read_session"] == {"session_id", "last_n"}
    assert args["get_session_events"] == {"session_id", "event_types", "last_n"}
    assert args["send_and_wait"] == {"session_id", "message", "timeout", "poll_interval"}


def test_tools_list_matches_the_snapshots(server_env):
    """What the server says over the wire is what the per-tool snapshots (checked by Swift) hold."""
    folder = ROOT / "Tests" / "CCTapMCPTests" / "Snapshots" / "tools"
    snapshot = {path.stem: json.loads(path.read_text()) for path in folder.glob("*.json")}
    tools = call(server_env, lambda c: c.list_tools())
    live = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools.tools]
    assert sorted(t["name"] for t in live) == sorted(snapshot)
    for mine in live:
        theirs = snapshot[mine["name"]]
        for key in ("title", "description", "inputSchema", "outputSchema", "annotations"):
            assert mine.get(key) == theirs.get(key), (mine["name"], key)


def test_read_tools(server_env):
    async def body(client):
        all_sessions = await client.call_tool("list_sessions", {})
        assert not all_sessions.is_error and all_sessions.structured_content["count"] == 31
        active = await client.call_tool("list_sessions", {"status_filter": "active"})
        assert all(s["status"] != "archived" for s in active.structured_content["sessions"])
        assert "Résumé parser — поддержка 日本語 🚀" in active.content[0].text

        info = await client.call_tool("get_session_info", {"session_id": PENDING})
        pending = info.structured_content["pending_permissions"]
        assert pending[0]["request_id"] != pending[0]["tool_use_id"]

        transcript = await client.call_tool("read_session", {"session_id": LONG, "last_n": 5})
        entries = transcript.structured_content["entries"]
        assert len(entries) == 5 and entries[-1]["kind"] == "turn_result"
        assert transcript.structured_content["has_older"] is True

        events = await client.call_tool("get_session_events",
                                        {"session_id": LONG, "event_types": "user, result", "last_n": 10})
        kinds = {e["type"] for e in events.structured_content["events"]}
        assert kinds == {"user", "result"} and events.structured_content["count"] == 10

        # cse_ and bare ids work; published defaults apply when arguments are omitted.
        bare = await client.call_tool("read_session", {"session_id": "cse_" + UNICODE[len("session_"):]})
        assert "日本語" in bare.content[0].text
    call(server_env, body)


def test_errors_are_tool_results_that_say_what_to_do(server_env):
    async def body(client):
        bad_id = await client.call_tool("read_session", {"session_id": "../../etc"})
        assert bad_id.is_error and "list_sessions" in bad_id.content[0].text
        missing = await client.call_tool("get_session_info", {"session_id": "session_01NoSuchSession0000"})
        assert missing.is_error and "HTTP 404" in missing.content[0].text
        wrong_type = await client.call_tool("read_session", {"session_id": DEMO, "last_n": "many"})
        assert wrong_type.is_error and "last_n must be a number" in wrong_type.content[0].text
        extra = await client.call_tool("list_sessions", {"bogus": 1})
        assert extra.is_error and "does not take bogus" in extra.content[0].text
        # Limits come from the core: refused with the range, never clamped silently.
        slow_poll = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "x", "poll_interval": 100})
        assert slow_poll.is_error and "from 0.05 to 60" in slow_poll.content[0].text
        too_many = await client.call_tool("read_session", {"session_id": DEMO, "last_n": 5000})
        assert too_many.is_error and "between 1 and 1000" in too_many.content[0].text
        with pytest.raises(MCPError) as unknown:
            await client.call_tool("no_such_tool", {})
        assert unknown.value.code == -32602
        # The server keeps serving.
        assert not (await client.call_tool("list_sessions", {})).is_error
    call(server_env, body)


def test_full_conversation_with_permission_prompt(server_env, emulator):
    async def body(client):
        first = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "hello there", "timeout": 20})
        assert first.structured_content["status"] == "complete"
        assert "You said: hello there" in first.structured_content["reply"]

        asked = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "run make deploy"})
        result = asked.structured_content
        assert result["status"] == "waiting_for_permission"
        prompt = result["pending_permissions"][0]
        assert prompt["tool_name"] == "Bash" and prompt["input"]["command"] == "make deploy"

        answered = await client.call_tool("respond_to_permission", {
            "session_id": DEMO, "request_id": prompt["request_id"], "decision": "allow"})
        assert not answered.is_error and answered.structured_content["decision"] == "allow"

        done = await client.call_tool("wait_for_reply", {"session_id": DEMO, "cursor": result["cursor"]})
        assert done.structured_content["status"] == "complete"
        assert "`make deploy` ran" in done.structured_content["reply"]

        # send_message + wait_for_reply, and interrupt_session.
        sent = await client.call_tool("send_message", {"session_id": DEMO, "message": "a long one, until stopped"})
        cursor = sent.structured_content["cursor"]
        stop = await client.call_tool("interrupt_session", {"session_id": DEMO})
        assert not stop.is_error
        end = await client.call_tool("wait_for_reply", {"session_id": DEMO, "cursor": cursor, "timeout": 20})
        assert end.structured_content["status"] == "interrupted"
        assert end.structured_content["result"]["subtype"] == "error_during_execution"
        # Nobody asked for presence, so none was announced: the user's phone still gets its prompts.
        assert not [p for p in stats(emulator)["presence"] if p["session"] == DEMO]
    call(server_env, body)


def test_a_dialog_ends_the_wait_and_a_question_reads_as_one(own_emulator, tmp_path):
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=own_emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                            CCTAP_POLL_INTERVAL="0.1")

    async def body(client):
        asked = await client.call_tool("send_and_wait", {"session_id": UNICODE, "message": "ask me a question"})
        assert asked.structured_content["status"] == "waiting_for_permission"
        assert "Question: Which database should the service use?" in asked.content[0].text
        assert "  - SQLite: One file, no server" in asked.content[0].text
        prompt = asked.structured_content["pending_permissions"][0]
        answered = await client.call_tool("respond_to_permission", {
            "session_id": UNICODE, "request_id": prompt["request_id"], "decision": "allow",
            "updated_input": {"questions": prompt["input"]["questions"],
                              "answers": {"Which database should the service use?": "Postgres"}}})
        assert answered.structured_content["status"] == "acknowledged", answered.content[0].text
        done = await client.call_tool("wait_for_reply", {"session_id": UNICODE, "cursor": asked.structured_content["cursor"]})
        assert "Going with Postgres." in done.structured_content["reply"]

        # A dialog cc-tap cannot answer ends the wait at once (a wait that missed it would time out).
        blocked = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "open a dialog", "timeout": 120})
        assert blocked.structured_content["status"] == "waiting_for_input"
        assert blocked.structured_content["pending_inputs"][0]["subtype"] == "request_user_dialog"
        info = await client.call_tool("get_session_info", {"session_id": DEMO})
        assert info.structured_content["pending_inputs"][0]["subtype"] == "request_user_dialog"
    call(env, body)


@pytest.mark.parametrize("dialect", ["both", "v1", "v2"])
def test_a_conversation_in_each_world(dialect, tmp_path):
    """The same calls against a service with both route generations, only the older one, or only v2:
    ids come back in the service's spelling, and nothing goes to a generation the world does not have."""
    for base in running_emulator(dialect):
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                                CCTAP_POLL_INTERVAL="0.1")
        spelled = DEMO if dialect == "v1" else "cse_" + DEMO[len("session_"):]

        async def body(client):
            listed = await client.call_tool("list_sessions", {})
            assert listed.structured_content["count"] == 31 and listed.structured_content["complete"]
            assert spelled in {s["id"] for s in listed.structured_content["sessions"]}
            done = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": f"hi {dialect}"})
            assert done.structured_content["status"] == "complete", done.content[0].text
            assert done.structured_content["session_id"] == spelled
            assert f"You said: hi {dialect}" in done.structured_content["reply"]
        call(env, body)
        routes = [r["request"] for r in emulator_call(base, "GET", "/_emulator/requests")["requests"]]
        if dialect != "v1":
            assert not [r for r in routes if " /v1/sessions" in r]


def test_waits_follow_the_stream_and_survive_its_refusal(server_env, emulator):
    async def body(client):
        streamed = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "hello stream"})
        assert streamed.structured_content["status"] == "complete"
        assert streamed.structured_content["event_source"] == "stream"
        assert streamed.structured_content["cursor"].startswith("seq:")

        # A stream that is not served: the wait polls the event list instead and still ends.
        emulator_call(emulator, "POST", "/_emulator/faults",
                      {"kind": "status", "path": "/events/stream", "status": 404, "times": 1})
        polled = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "hello poll"})
        assert polled.structured_content["status"] == "complete"
        assert polled.structured_content["event_source"] == "poll"
        assert "You said: hello poll" in polled.structured_content["reply"]
    call(server_env, body)


def test_deny_with_a_message(server_env):
    async def body(client):
        asked = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "run rm -rf /tmp/x"})
        prompt = asked.structured_content["pending_permissions"][0]
        await client.call_tool("respond_to_permission", {
            "session_id": DEMO, "request_id": prompt["request_id"], "decision": "deny", "message": "not today"})
        done = await client.call_tool("wait_for_reply", {"session_id": DEMO, "cursor": asked.structured_content["cursor"]})
        assert "did not run" in done.structured_content["reply"]
        again = await client.call_tool("respond_to_permission", {
            "session_id": DEMO, "request_id": prompt["request_id"], "decision": "allow"})
        assert again.is_error and "No unanswered permission prompt" in again.content[0].text
    call(server_env, body)


def test_progress_during_a_wait(server_env):
    seen = []

    async def on_progress(progress, total, message):
        seen.append((progress, message))

    async def body(client):
        return await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "slow progress please"},
                                      progress_callback=on_progress)
    result = call(server_env, body)
    assert result.structured_content["status"] == "complete"
    assert len(seen) >= 2
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)
    assert any("Reply so far" in m and "You said" in m for _, m in seen)


def test_heartbeat_progress_at_least_every_five_seconds(server_env):
    """An 11 s wait nobody answers still reports progress at least every 5 s. Judged by the seconds the
    server writes into each message ("Waiting for the reply (4 s)."), so a slow client or pipe cannot
    fail it, and by the count that an 11 s wait needs."""
    messages = []

    async def on_progress(progress, total, message):
        messages.append(message)

    async def body(client):
        return await client.call_tool("send_and_wait", {"session_id": OFFLINE, "message": "anyone?", "timeout": 11},
                                      progress_callback=on_progress)
    result = call(server_env, body)
    assert result.structured_content["status"] == "timeout"
    seconds = [int(re.search(r"\((\d+) s\)", m).group(1)) for m in messages]
    assert seconds[0] == 0 and len(seconds) >= 3, messages
    gaps = [b - a for a, b in zip(seconds, seconds[1:])]
    assert max(gaps) <= 5, messages


def test_timeout_then_resume(server_env):
    async def body(client):
        first = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "slow and steady", "timeout": 0.3})
        assert first.structured_content["status"] == "timeout"
        assert "wait_for_reply" in first.structured_content["hint"]
        rest = await client.call_tool("wait_for_reply", {"session_id": DEMO, "cursor": first.structured_content["cursor"]})
        assert rest.structured_content["status"] == "complete"
        assert "slow and steady" in rest.structured_content["reply"]
        capped = await client.call_tool("wait_for_reply", {"session_id": DEMO, "cursor": rest.structured_content["cursor"],
                                                           "timeout": 0.2})
        # Nothing runs after a finished turn's cursor: said at once, not waited out.
        assert capped.structured_content["status"] == "idle"
        assert capped.structured_content["hint"].startswith("No turn is running")
    call(server_env, body)


def test_cancellation_stops_the_wait(server_env, emulator):
    """With presence asked for, a cancelled wait withdraws it at once (the sign that it stopped)."""
    async def body(client):
        with pytest.raises(MCPError) as timeout:
            await client.call_tool("send_and_wait", {"session_id": OFFLINE, "message": "cancel me"},
                                   read_timeout_seconds=1.0)
        assert timeout.value.code == -32001
        # The wait stopped: it withdrew its presence, which a wait that went on would only do at the end
        # of its 50 s default timeout (so waiting up to 30 s for it is generous and still decisive).
        with anyio.fail_after(30):
            while not (lambda p: bool(p) and p[-1]["session"] == OFFLINE and p[-1]["clear"])(
                    emulator_call(emulator, "GET", "/_emulator/stats")["presence"]):
                await anyio.sleep(0.05)
        # And the server goes on answering.
        assert not (await client.call_tool("list_sessions", {})).is_error
    call(dict(server_env, CCTAP_PRESENCE="1"), body)


@pytest.mark.parametrize("watch", ["served", "refused"])
def test_wait_for_attention_reports_a_new_prompt(watch, tmp_path):
    """A pending wait_for_attention returns when a session begins to need the user, with the prompt and
    its request_id, over the account watch or, where the watch is refused, by polling the list; it
    reports progress meanwhile, and its resume_token keeps the seeded occasions from coming back."""
    extra = [] if watch == "served" else ["--no-watch"]
    for base in running_emulator("both", *extra):
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                                CCTAP_POLL_INTERVAL="0.1")
        created = emulator_call(base, "POST", "/_emulator/sessions", {"turns": 0, "title": "needs you soon"})["id"]

        async def body(client):
            first = (await client.call_tool("wait_for_attention", {"timeout": 5})).structured_content
            assert first["status"] == "attention"
            assert any(i["reason"] == "permission" and i["pending_permissions"] for i in first["items"])
            progress, results = [], []

            async def on_progress(value, total, message):
                progress.append(message)

            async def wait():
                results.append(await client.call_tool(
                    "wait_for_attention", {"resume_token": first["resume_token"], "timeout": 60},
                    progress_callback=on_progress))

            async with anyio.create_task_group() as group:
                group.start_soon(wait)
                with anyio.fail_after(60):
                    while not progress:  # the wait is underway (it reports at once, then every 2 s)
                        await anyio.sleep(0.05)
                await client.call_tool("send_message", {"session_id": created, "message": "permission to run ls?"})
            result = results[0].structured_content
            assert result["status"] == "attention", result
            assert result["source"] == ("watch" if watch == "served" else "poll")
            [item] = result["items"]
            assert item["session"]["id"] == created.replace("session_", "cse_") and item["reason"] == "permission"
            info = (await client.call_tool("get_session_info", {"session_id": created})).structured_content
            assert item["pending_permissions"][0]["request_id"] == info["pending_permissions"][0]["request_id"]
            assert "respond_to_permission" in result["hint"] and "wait_for_attention" in result["hint"]
            assert progress and "nothing new needs you yet" in progress[0]
            listed = (await client.call_tool("list_sessions", {"status_filter": "needs_attention"})).structured_content
            assert created.replace("session_", "cse_") in {s["id"] for s in listed["sessions"]}
            bad = await client.call_tool("wait_for_attention", {"resume_token": "seq:4", "timeout": 1})
            assert bad.is_error and "resume_token" in bad.content[0].text
        call(env, body)


def test_a_cancelled_wait_for_attention_stops_and_the_server_goes_on(own_emulator, tmp_path):
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=own_emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                            CCTAP_POLL_INTERVAL="0.1")

    async def body(client):
        calm = emulator_call(own_emulator, "POST", "/_emulator/sessions", {"turns": 0, "title": "calm"})["id"]
        with pytest.raises(MCPError) as timeout:
            await client.call_tool("wait_for_attention", {"session_ids": [calm], "timeout": 60}, read_timeout_seconds=1.0)
        assert timeout.value.code == -32001
        quick = await client.call_tool("wait_for_attention", {"session_ids": [calm], "timeout": 0.2})
        assert quick.structured_content["status"] == "timeout"
        assert not (await client.call_tool("list_sessions", {})).is_error
    call(env, body)


def test_steering_tools(own_emulator, tmp_path):
    """Mode and model are controls the worker acknowledges or refuses; title, read mark and archive are
    applied by the service. Annotations say which ones can do harm."""
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=own_emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                            CCTAP_POLL_INTERVAL="0.1")

    async def body(client):
        tools = {t.name: t.annotations for t in (await client.list_tools()).tools}
        assert tools["set_permission_mode"].destructive_hint and tools["archive_session"].destructive_hint
        assert not tools["set_model"].destructive_hint and not tools["rename_session"].destructive_hint
        assert all(tools[n].idempotent_hint and not tools[n].read_only_hint
                   for n in ["set_permission_mode", "set_model", "rename_session", "archive_session", "mark_read"])

        async def ok(name, arguments):
            result = await client.call_tool(name, arguments)
            assert not result.is_error, (name, result.content[0].text)
            return result.structured_content

        mode = await ok("set_permission_mode", {"session_id": DEMO, "mode": "acceptEdits"})
        assert mode["status"] == "acknowledged" and mode["request_id"].startswith("set_permission_mode-")
        for newer in ("auto", "dontAsk"):
            assert (await ok("set_permission_mode", {"session_id": DEMO, "mode": newer}))["status"] == "acknowledged"
        refused = await client.call_tool("set_permission_mode", {"session_id": DEMO, "mode": "bypassPermissions"})
        assert refused.is_error and "confirm_bypass" in refused.content[0].text
        bypass = await ok("set_permission_mode", {"session_id": DEMO, "mode": "bypassPermissions", "confirm_bypass": True})
        assert bypass["status"] == "acknowledged"
        model = await ok("set_model", {"session_id": DEMO, "model": "claude-opus-4-8"})
        assert model["status"] == "acknowledged"
        assert (await ok("get_session_info", {"session_id": DEMO}))["session"]["model"] == "claude-opus-4-8"
        offline = await ok("set_model", {"session_id": OFFLINE, "model": "claude-opus-4-8"})
        assert offline["status"] == "queued"
        renamed = await ok("rename_session", {"session_id": DEMO, "title": "Renamed by MCP"})
        assert renamed["status"] == "applied"
        read = await ok("mark_read", {"session_id": DEMO})
        assert read["status"] == "applied"
        listed = await ok("list_sessions", {"status_filter": "needs_attention"})
        assert "cse_01HFlakyLoginTestDemo0001" not in {s["id"] for s in listed["sessions"]}
        archived = await ok("archive_session", {"session_id": UNICODE})
        again = await ok("archive_session", {"session_id": UNICODE})
        assert archived["status"] == again["status"] == "applied" and again["detail"] == "it was already archived"
        titles = {s["id"]: s["title"] for s in (await ok("list_sessions", {}))["sessions"]}
        assert titles["cse_01HFlakyLoginTestDemo0001"] == "Renamed by MCP"
    call(env, body)


def test_list_sessions_stays_prompt_during_eight_waits(server_env, emulator):
    """Eight waits hold a stream each; list_sessions must not queue behind them (with one shared pool
    of 8 connections it did, until the waits ended). Judged by order, not by a time: five lists are
    answered while all eight waits are still pending."""
    async def body(client):
        results = []
        lists_done_with_waits_pending = []

        async def wait_one(i):
            results.append(await client.call_tool(
                "send_and_wait", {"session_id": OFFLINE, "message": f"pending {i}", "timeout": 10}))

        before = stored_total(stats(emulator))
        async with anyio.create_task_group() as group:
            for i in range(8):
                group.start_soon(wait_one, i)
            # Every wait has sent its message and is following the session.
            with anyio.fail_after(30):
                while stored_total(stats(emulator)) < before + 8:
                    await anyio.sleep(0.02)
            for _ in range(5):
                listed = await client.call_tool("list_sessions", {})
                assert not listed.is_error
                lists_done_with_waits_pending.append(len(results) == 0)
        assert lists_done_with_waits_pending == [True] * 5
        assert len(results) == 8 and all(r.structured_content["status"] == "timeout" for r in results)
    call(server_env, body)


def test_twelve_concurrent_large_replies_arrive_intact(server_env):
    async def body(client):
        results = [None] * 12

        async def fetch(i):
            results[i] = await client.call_tool("get_session_events", {"session_id": LONG, "last_n": 1000})

        async with anyio.create_task_group() as group:
            for i in range(12):
                group.start_soon(fetch, i)
        sizes = set()
        for result in results:
            assert not result.is_error
            events = result.structured_content["events"]
            assert len(events) == 1000 and events[-1]["type"] == "result"
            sizes.add(len(json.dumps(result.structured_content)))
        assert len(sizes) == 1 and sizes.pop() > 400_000  # each frame carries this twice: structured and as text
    call(server_env, body)


def resource_updates():
    """A list of the URIs `notifications/resources/updated` named, and the client's message handler
    that fills it."""
    updates = []

    async def on_message(message):
        root = getattr(message, "root", message)
        if getattr(root, "method", None) == "notifications/resources/updated":
            updates.append(root.params.uri)
    return updates, on_message


@pytest.fixture
def quick_emulator():
    """An emulator of its own that notices a closed event stream within 0.2 s (its keepalive), so
    the test can see the stream close without waiting the service's 13 s."""
    yield from running_emulator("both", "--keepalive-seconds", "0.2")


def test_resources_and_subscriptions(server_env, quick_emulator):
    server_env = dict(server_env, CCTAP_BASE_URL=quick_emulator)
    emulator = quick_emulator
    updates, on_message = resource_updates()

    async def body(client):
        listed = (await client.list_resources()).resources
        uris = {str(r.uri) for r in listed}
        # Listed in the spelling the service uses (cse_ on the 2026 routes).
        assert "cctap://sessions" in uris and f"cctap://sessions/cse_{DEMO[len('session_'):]}/transcript" in uris
        templates = (await client.list_resource_templates()).resource_templates
        assert {t.uri_template for t in templates} == {"cctap://sessions/{session_id}",
                                                      "cctap://sessions/{session_id}/transcript"}
        sessions = json.loads((await client.read_resource("cctap://sessions")).contents[0].text)
        assert sessions["count"] == 31
        info = json.loads((await client.read_resource(f"cctap://sessions/{PENDING}")).contents[0].text)
        assert info["pending_permissions"]
        transcript = json.loads((await client.read_resource(f"cctap://sessions/{DEMO}/transcript")).contents[0].text)
        # The demo session is shared with other tests, so its newest 50 entries vary; they hold turns.
        assert {"user", "assistant"} <= {e["kind"] for e in transcript["entries"]}
        with pytest.raises(MCPError) as missing:
            await client.read_resource("cctap://nothing/here")
        assert missing.value.code == -32002

        uri = f"cctap://sessions/{UNICODE}/transcript"
        streams = settle(emulator)["open_event_streams"]
        await client.subscribe_resource(uri)
        # The subscription follows the session through the core's live feed: one event stream, held
        # open, not a poll every few seconds.
        with anyio.fail_after(30):
            while stats(emulator)["open_event_streams"] < streams + 1:
                await anyio.sleep(0.05)
        # ... and nothing else: with the stream open, a second passes without a request or an update
        # (a busy machine can only make fewer).
        before = stats(emulator)["service_requests"]  # the latest-cursor read came before the stream
        await anyio.sleep(1.0)
        assert stats(emulator)["service_requests"] == before and updates == []
        await client.call_tool("send_message", {"session_id": UNICODE, "message": "ping for subscribers"})
        with anyio.fail_after(30):
            while uri not in updates:
                await anyio.sleep(0.05)
        await client.unsubscribe_resource(uri)
        # Nobody subscribed: the stream is closed and nothing more is asked of the service. Absence
        # takes time to show: a second passes without a request (a busy machine only makes fewer).
        with anyio.fail_after(30):
            while stats(emulator)["open_event_streams"] > streams:
                await anyio.sleep(0.05)
        before = settle(emulator)["service_requests"]
        await anyio.sleep(1.0)
        assert stats(emulator)["service_requests"] == before
    call(server_env, body, message_handler=on_message)


def test_resource_subscription_polls_where_no_stream_is_used(server_env, emulator):
    """With the event stream turned off, the same live feed polls the event list (0.1 s here) and
    still says when the transcript changes; unsubscribing stops the polls."""
    updates, on_message = resource_updates()

    async def body(client):
        uri = f"cctap://sessions/{UNICODE}/transcript"
        counters = settle(emulator)
        before, streams = counters["service_requests"], counters["open_event_streams"]
        await client.subscribe_resource(uri)
        with anyio.fail_after(30):
            while stats(emulator)["service_requests"] < before + 3:
                await anyio.sleep(0.05)
        assert updates == [] and stats(emulator)["open_event_streams"] == streams
        await client.call_tool("send_message", {"session_id": UNICODE, "message": "ping for pollers"})
        with anyio.fail_after(30):
            while uri not in updates:
                await anyio.sleep(0.05)
        await client.unsubscribe_resource(uri)
        before = settle(emulator)["service_requests"]
        await anyio.sleep(1.0)
        assert stats(emulator)["service_requests"] == before
    call(dict(server_env, CCTAP_EVENT_SOURCE="poll"), body, message_handler=on_message)

def raw_server(env):
    return subprocess.Popen([str(BIN / "cc-tap")], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}


def frames(stdout):
    return [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]


def test_answers_what_was_asked_then_exits_on_eof(server_env):
    proc = raw_server(server_env)
    request = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
               "params": {"name": "send_and_wait", "arguments": {"session_id": DEMO, "message": "bye", "timeout": 20}}}
    lines = [INIT, {"jsonrpc": "2.0", "method": "notifications/initialized"}, request]
    out, err = proc.communicate(("\n".join(json.dumps(m) for m in lines) + "\n").encode(), timeout=30)
    assert proc.returncode == 0, err
    replies = {f.get("id"): f for f in frames(out)}  # every stdout line is a JSON-RPC frame
    assert replies[2]["result"]["structuredContent"]["status"] == "complete"


def test_malformed_frames_get_errors_and_the_server_keeps_serving(server_env):
    proc = raw_server(server_env)
    junk = [b"{not json", b'{"jsonrpc":"2.0","id":7,"method":"tools/call","params":"wrong"}',
            b'{"jsonrpc":"2.0","id":8,"method":"no/such/method"}', b"\xff\xfe invalid utf-8",
            b'{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"read_session","arguments":{"session_id":"' +
            b"x" * 200_000 + b'"}}}']
    # Initialized first: before it, nothing but ping is served (test_jsonrpc_rules.py has those rows).
    first, last = json.dumps(INIT).encode(), json.dumps({"jsonrpc": "2.0", "id": 10, "method": "tools/list"}).encode()
    out, err = proc.communicate(b"\n".join([first] + junk + [last]) + b"\n", timeout=30)
    assert proc.returncode == 0, err
    replies = frames(out)
    by_id = {f.get("id"): f for f in replies}
    assert by_id[8]["error"]["code"] == -32601
    assert "error" in by_id[7]
    assert by_id[9]["result"]["isError"] is True
    assert len(by_id[10]["result"]["tools"]) == len(TOOLS)
    assert any(f.get("error", {}).get("code") == -32700 for f in replies)
