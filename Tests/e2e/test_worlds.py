"""Every tool through every surface in each world a user may meet: a service with both route
generations, only the 2026 /v1/code/sessions routes, or only the older /v1/sessions routes (full tier;
the fast tier runs one representative call per surface per world, beside each surface's own tests).

Each world gets an emulator of its own, and each tour makes every call its surface has: list, details,
transcript, raw events, send, send and wait, keep waiting, answer a permission prompt, interrupt, and
wait for attention."""
import json
import re
import subprocess

import anyio
import pytest
from mcp import Client, StdioServerParameters

from harness import BIN, LIBRARY, ORG, TOKEN, clean_environment, emulator_call, run, running_emulator
from test_c_abi import BUILD, make

DEMO = "session_01HFlakyLoginTestDemo0001"
PENDING = "session_01HPendingPermission0003"
SEEDED_REQUEST = "0b5e7c1e-2f3a-4d5b-8c6d-7e8f9a0b1c2d"
# "v2-polled": only the 2026 routes, with the account watch refused (its server gate off), so waits for
# attention poll the session list.
WORLDS = ["both", "v2", "v1", "v2-polled"]


def emulator_for(world):
    return running_emulator("v2", "--no-watch") if world == "v2-polled" else running_emulator(world)

pytestmark = pytest.mark.full


def spelled(session, world):
    return session if world == "v1" else "cse_" + session[len("session_"):]


def source(world):
    return "poll-v1" if world == "v1" else "stream"


def only_its_routes(base, world):
    """With v2 present, v1 is never asked, except about a session v2 does not know (a 404 may mean the
    route is not served, so the other generation is asked once)."""
    requests = [r["request"] for r in emulator_call(base, "GET", "/_emulator/requests")["requests"]
                if "NoSuchSession" not in r["request"]]
    if world != "v1":
        assert not [r for r in requests if " /v1/sessions" in r]
    assert not [r for r in requests if "/client/presence" in r], "presence was sent unasked"


@pytest.mark.parametrize("world", WORLDS)
def test_every_tool_over_mcp(world, tmp_path):
    for base in emulator_for(world):
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                                CCTAP_POLL_INTERVAL="0.1")

        async def tour():
            async with Client(StdioServerParameters(command=str(BIN / "cc-tap"), env=env), read_timeout_seconds=90) as c:
                async def ok(name, arguments):
                    result = await c.call_tool(name, arguments)
                    assert not result.is_error, (name, result.content[0].text)
                    return result.structured_content

                listed = await ok("list_sessions", {"status_filter": "active"})
                assert spelled(DEMO, world) in {s["id"] for s in listed["sessions"]}
                info = await ok("get_session_info", {"session_id": PENDING})
                assert info["pending_permissions"][0]["request_id"] == SEEDED_REQUEST
                attention = await ok("wait_for_attention", {"session_ids": [PENDING], "timeout": 30})
                assert attention["items"][0]["pending_permissions"][0]["request_id"] == SEEDED_REQUEST
                # Already waiting, so the first read of the list answers; v1 has no watch to follow.
                assert attention["source"] in (["poll"] if world in ("v1", "v2-polled") else ["poll", "watch"])
                assert (await ok("read_session", {"session_id": DEMO, "last_n": 3}))["entries"]
                assert (await ok("get_session_events", {"session_id": DEMO, "event_types": "result", "last_n": 1}))["count"] == 1
                sent = await ok("send_message", {"session_id": DEMO, "message": "first"})
                waited = await ok("wait_for_reply", {"session_id": DEMO, "cursor": sent["cursor"]})
                assert waited["status"] == "complete" and waited["event_source"] == source(world)
                asked = await ok("send_and_wait", {"session_id": DEMO, "message": "run make tour"})
                assert asked["status"] == "waiting_for_permission"
                answered = await ok("respond_to_permission", {
                    "session_id": DEMO, "request_id": asked["pending_permissions"][0]["request_id"], "decision": "allow"})
                assert answered["status"] == "acknowledged"
                done = await ok("wait_for_reply", {"session_id": DEMO, "cursor": asked["cursor"]})
                assert "`make tour` ran" in done["reply"]
                slow = await ok("send_message", {"session_id": DEMO, "message": "on and on until stopped"})
                assert (await ok("interrupt_session", {"session_id": DEMO}))["status"] == "acknowledged"
                stopped = await ok("wait_for_reply", {"session_id": DEMO, "cursor": slow["cursor"]})
                assert stopped["status"] == "interrupted" and stopped["session_id"] == spelled(DEMO, world)
                assert (await ok("set_permission_mode", {"session_id": DEMO, "mode": "plan"}))["status"] == "acknowledged"
                assert (await ok("set_model", {"session_id": DEMO, "model": "claude-opus-4-8"}))["status"] == "acknowledged"
                assert (await ok("archive_session", {"session_id": PENDING}))["status"] == "applied"
                if world != "v1":  # the title and the read mark exist on the 2026 routes only
                    assert (await ok("rename_session", {"session_id": DEMO, "title": "toured"}))["status"] == "applied"
                    assert (await ok("mark_read", {"session_id": DEMO}))["status"] == "applied"
        anyio.run(tour)
        only_its_routes(base, world)


@pytest.mark.parametrize("world", WORLDS)
def test_every_call_through_the_python_binding(world):
    import cctap

    for base in emulator_for(world):
        with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1,
                          library=str(LIBRARY)) as client:
            assert client.list_sessions("archived")["sessions"][0]["status"] == "archived"
            assert client.get_session_info(PENDING)["pending_permissions"][0]["request_id"] == SEEDED_REQUEST
            attention = client.wait_for_attention([PENDING], timeout=30)
            assert attention["items"][0]["pending_permissions"][0]["request_id"] == SEEDED_REQUEST
            assert client.read_session(DEMO, 3)["entries"]
            assert client.get_session_events(DEMO, "user", 1)["count"] == 1
            sent = client.send_message(DEMO, "first")
            assert client.wait_for_reply(DEMO, sent["cursor"], timeout=30)["event_source"] == source(world)
            asked = client.send_and_wait(DEMO, "run make tour", timeout=30)
            answered = client.respond_to_permission(DEMO, asked["pending_permissions"][0]["request_id"], "deny")
            assert answered["status"] == "acknowledged"
            assert "did not run" in client.wait_for_reply(DEMO, asked["cursor"], timeout=30)["reply"]
            slow = client.send_message(DEMO, "on and on until stopped")
            assert client.interrupt(DEMO)["status"] == "acknowledged"
            assert client.wait_for_reply(DEMO, slow["cursor"], timeout=30)["status"] == "interrupted"
            assert client.set_model(DEMO, "claude-opus-4-8")["status"] == "acknowledged"
            assert client.archive_session(PENDING)["status"] == "applied"
        only_its_routes(base, world)


@pytest.mark.parametrize("world", WORLDS)
def test_every_function_of_the_c_api(world):
    """The C API test program (every function, its errors and a whole conversation) in each world."""
    built = make("all")
    assert built.returncode == 0, built.stdout + built.stderr
    for base in emulator_for(world):
        env = clean_environment(CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG, CCTAP_POLL_INTERVAL="0.1",
                                CCTAP_TEST_EVENT_SOURCE=source(world))
        out = subprocess.run([str(BUILD / "api_test")], env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stdout + out.stderr
        assert re.search(r"^\d+ passed, 0 failed$", out.stdout, re.M)
        only_its_routes(base, world)


@pytest.mark.parametrize("world", WORLDS)
def test_every_command_of_the_command_line(world, tmp_path):
    for base in emulator_for(world):
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                                CCTAP_POLL_INTERVAL="0.1")

        def ok(*args):
            out = run([*args, "--json"], env)
            assert out.returncode == 0, (args, out.stderr)
            return json.loads(out.stdout)

        assert ok("sessions", "--status", "idle")["count"] >= 1
        assert ok("info", PENDING)["pending_permissions"][0]["request_id"] == SEEDED_REQUEST
        attention = ok("attention", "--session", PENDING, "--timeout", "30")
        assert attention["items"][0]["pending_permissions"][0]["request_id"] == SEEDED_REQUEST
        assert ok("sessions", "--status", "needs_attention")["sessions"][0]["needs_attention"] is True
        assert ok("read", DEMO, "--last", "3")["entries"]
        assert ok("send", DEMO, "first")["session_id"] == spelled(DEMO, world)
        waited = ok("send", DEMO, "second", "--wait", "--timeout", "30")
        assert waited["status"] == "complete" and waited["event_source"] == source(world)
        assert ok("mode", DEMO, "plan")["status"] == "acknowledged"
        assert ok("archive", PENDING)["status"] == "applied"
        only_its_routes(base, world)
        # doctor asks both generations on purpose, and is healthy wherever one serves.
        doctor = run(["doctor"], env)
        assert doctor.returncode == 0, doctor.stdout
