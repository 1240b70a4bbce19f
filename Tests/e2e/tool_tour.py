"""Every one of the 17 tools called once, and every kind of resource read, through a connected official MCP client, on a session of the
tour's own (so a shared emulator's seeded sessions stay as they were): used by the era tests over stdio
(test_mcp_eras.py) and over Streamable HTTP (test_mcp_http.py), in each of the client's modes."""
from harness import emulator_call

TOOLS = 17


def tail(session_id):
    """The part of an id both spellings share (session_X / cse_X)."""
    return session_id.split("_", 1)[1]


async def every_tool(client, base, label):
    """Calls every tool and checks what each says; returns the names called."""
    called = []

    async def ok(name, arguments):
        result = await client.call_tool(name, arguments)
        assert not result.is_error, (name, result.content[0].text)
        assert result.content[0].text, name  # the readable rendering travels with the structured result
        called.append(name)
        return result.structured_content

    session = emulator_call(base, "POST", "/_emulator/sessions", {"turns": 1, "title": f"tour {label}"})["id"]
    listed = await ok("list_sessions", {})
    assert tail(session) in {tail(s["id"]) for s in listed["sessions"]} and listed["count"] == len(listed["sessions"])
    assert tail((await ok("get_session_info", {"session_id": session}))["session"]["id"]) == tail(session)
    assert (await ok("read_session", {"session_id": session, "last_n": 3}))["entries"]
    assert (await ok("get_session_events", {"session_id": session, "last_n": 2}))["count"] == 2

    await every_resource(client, session)

    sent = await ok("send_message", {"session_id": session, "message": f"first, {label}"})
    replied = await ok("wait_for_reply", {"session_id": session, "cursor": sent["cursor"], "timeout": 60})
    assert replied["status"] == "complete" and f"first, {label}" in replied["reply"], replied
    attention = await ok("wait_for_attention", {"session_ids": [session], "timeout": 30})
    assert [(tail(item["session"]["id"]), item["reason"]) for item in attention["items"]] == [(tail(session), "unread_result")], attention
    assert (await ok("mark_read", {"session_id": session}))["status"] == "applied"

    asked = await ok("send_and_wait", {"session_id": session, "message": "run make tour", "timeout": 60})
    assert asked["status"] == "waiting_for_permission", asked
    answered = await ok("respond_to_permission", {
        "session_id": session, "request_id": asked["pending_permissions"][0]["request_id"], "decision": "allow"})
    assert answered["status"] == "acknowledged", answered
    done = await ok("wait_for_reply", {"session_id": session, "cursor": asked["cursor"], "timeout": 60})
    assert "`make tour` ran" in done["reply"], done

    dialog = await ok("send_and_wait", {"session_id": session, "message": "open a dialog please", "timeout": 60})
    assert dialog["status"] == "waiting_for_input", dialog
    chosen = await ok("respond_to_input", {"session_id": session, "request_id": dialog["pending_inputs"][0]["request_id"],
                                           "action": "complete", "result": "Continue"})
    assert chosen["status"] == "acknowledged", chosen
    assert "you chose Continue" in (await ok("wait_for_reply", {"session_id": session, "cursor": dialog["cursor"], "timeout": 60}))["reply"]

    slow = await ok("send_message", {"session_id": session, "message": "on and on until stopped"})
    assert (await ok("interrupt_session", {"session_id": session}))["status"] == "acknowledged"
    stopped = await ok("wait_for_reply", {"session_id": session, "cursor": slow["cursor"], "timeout": 60})
    assert stopped["status"] == "interrupted", stopped

    assert (await ok("set_permission_mode", {"session_id": session, "mode": "plan"}))["status"] == "acknowledged"
    assert (await ok("set_model", {"session_id": session, "model": "claude-opus-4-8"}))["status"] == "acknowledged"
    assert (await ok("rename_session", {"session_id": session, "title": f"toured {label}"}))["status"] == "applied"
    pruned = await ok("prune_sessions", {"older_than_days": 30, "dry_run": True, "session_ids": [session]})
    assert pruned["dry_run"] is True and pruned["sessions"] == [], pruned  # active just now: not stale
    assert (await ok("archive_session", {"session_id": session}))["status"] == "applied"
    return called


async def every_resource(client, session):
    """The resource list, the templates, and a read of each kind of resource."""
    import json
    listed = (await client.list_resources()).resources
    assert "cctap://sessions" in {str(resource.uri) for resource in listed}
    templates = (await client.list_resource_templates()).resource_templates
    assert {t.uri_template for t in templates} == {"cctap://sessions/{session_id}", "cctap://sessions/{session_id}/transcript"}
    sessions = json.loads((await client.read_resource("cctap://sessions")).contents[0].text)
    assert tail(session) in {tail(s["id"]) for s in sessions["sessions"]}
    one = json.loads((await client.read_resource(f"cctap://sessions/{session}")).contents[0].text)
    assert tail(one["session"]["id"]) == tail(session)
    transcript = json.loads((await client.read_resource(f"cctap://sessions/{session}/transcript")).contents[0].text)
    assert transcript["entries"], transcript
