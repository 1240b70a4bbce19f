"""Both MCP eras on one server process (issue 25): the official Python client 2.3 in `mode="legacy"`
(initialize, 2025-11-25), `mode="2026-07-28"` (per-request `_meta`, no handshake) and `mode="auto"`
(server/discover first), each calling every tool (tool_tour.py) and reading resources; a 2026 listen that is acknowledged
and stamped; and a raw JSON-RPC script playing Claude Code 2.1.280's sequence (discover, then
initialize, then legacy traffic on the same connection) and the 2026 error cases."""
import json
import subprocess

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.subscriptions import ResourceUpdated

from harness import BIN
from tool_tour import TOOLS, every_tool

DEMO = "session_01HFlakyLoginTestDemo0001"
MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}


def connect(env, mode):
    return Client(StdioServerParameters(command=str(BIN / "cc-tap"), env=env), read_timeout_seconds=60, mode=mode)


@pytest.mark.parametrize("mode, version", [("legacy", "2025-11-25"), (MODERN, MODERN), ("auto", MODERN)])
def test_every_era_lists_calls_and_reads(mode, version, server_env):
    async def main():
        async with connect(server_env, mode) as client:
            assert client.protocol_version == version
            tools = (await client.list_tools()).tools
            assert len(tools) == TOOLS and tools[0].name == "list_sessions"
            called = await every_tool(client, server_env["CCTAP_BASE_URL"], f"stdio {mode}")
            assert set(called) == {tool.name for tool in tools}
            listed = await client.call_tool("list_sessions", {"status_filter": "active"})
            assert not listed.is_error and listed.structured_content["count"] >= 1
            info = await client.call_tool("get_session_info", {"session_id": DEMO})
            assert info.structured_content["session"]["id"].endswith("01HFlakyLoginTestDemo0001")
            waited = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": f"hello in {mode}", "timeout": 30})
            assert waited.structured_content["status"] == "complete", waited.structured_content
            assert f"hello in {mode}" in waited.structured_content["reply"]
            read = await client.read_resource(f"cctap://sessions/{DEMO}")
            assert json.loads(read.contents[0].text)["session"]["id"].endswith("01HFlakyLoginTestDemo0001")
            templates = await client.list_resource_templates()
            assert {t.uri_template for t in templates.resource_templates} == {
                "cctap://sessions/{session_id}", "cctap://sessions/{session_id}/transcript"}
    anyio.run(main)


def test_a_2026_listen_is_acknowledged_and_its_updates_stamped(server_env):
    uri = f"cctap://sessions/{DEMO}/transcript"

    async def main():
        async with connect(server_env, MODERN) as client:
            async with client.listen(resource_subscriptions=[uri, "cctap://nothing"]) as subscription:
                assert subscription.honored.resource_subscriptions == [uri]
                sent = await client.call_tool("send_message", {"session_id": DEMO, "message": "something to notice"})
                assert not sent.is_error
                with anyio.fail_after(60):
                    async for event in subscription:
                        assert event == ResourceUpdated(uri=uri)
                        return
    anyio.run(main)


def exchange(env, frames, answers):
    """Writes `frames` to a fresh server, then reads until `answers` responses arrived."""
    proc = subprocess.Popen([str(BIN / "cc-tap")], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        for frame in frames:
            proc.stdin.write((frame if isinstance(frame, str) else json.dumps(frame)) + "\n")
        proc.stdin.flush()
        got = []
        while len(got) < answers:
            line = proc.stdout.readline()
            assert line, got
            message = json.loads(line)
            if "id" in message:
                got.append(message)
        return {json.dumps(m["id"]): m for m in got}
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_claude_codes_sequence_discover_then_initialize_then_legacy_traffic(server_env):
    by_id = exchange(server_env, [
        {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": META}},
        {"jsonrpc": "2.0", "id": 2, "method": "initialize",
         "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "claude-code", "version": "2.1.280"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 4, "method": "ping"},
        {"jsonrpc": "2.0", "id": 5, "method": "tools/list", "params": {"_meta": META}},
    ], 5)
    discovered = by_id["1"]["result"]
    assert MODERN in discovered["supportedVersions"] and "2025-11-25" in discovered["supportedVersions"]
    assert discovered["resultType"] == "complete" and discovered["ttlMs"] >= 0 and discovered["cacheScope"] in ("public", "private")
    assert discovered["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "cc-tap"
    assert by_id["2"]["result"]["protocolVersion"] == "2025-11-25"
    legacy = by_id["3"]["result"]
    assert len(legacy["tools"]) == 17 and "resultType" not in legacy and "ttlMs" not in legacy
    assert by_id["4"]["result"] == {}
    modern = by_id["5"]["result"]
    assert modern["tools"] == legacy["tools"] and modern["resultType"] == "complete" and modern["cacheScope"] == "public"


def test_2026_errors(server_env):
    by_id = exchange(server_env, [
        "{not json",
        {"jsonrpc": "2.0", "id": 1, "method": "tools/list",
         "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": MODERN}}},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list",
         "params": {"_meta": dict(META, **{"io.modelcontextprotocol/protocolVersion": "2031-01-01"})}},
        {"jsonrpc": "2.0", "id": 3, "method": "ping", "params": {"_meta": META}},
        {"jsonrpc": "2.0", "id": 4, "method": "resources/read", "params": {"_meta": META, "uri": "cctap://nowhere"}},
        {"jsonrpc": "2.0", "id": 5, "method": "resources/subscribe", "params": {"_meta": META, "uri": "cctap://sessions"}},
    ], 6)
    assert by_id["null"]["error"]["code"] == -32700
    assert by_id["1"]["error"]["code"] == -32602 and "clientCapabilities" in by_id["1"]["error"]["message"]
    unsupported = by_id["2"]["error"]
    assert unsupported["code"] == -32022 and unsupported["data"]["requested"] == "2031-01-01"
    assert MODERN in unsupported["data"]["supported"]
    assert by_id["3"]["error"]["code"] == -32601
    assert by_id["4"]["error"]["code"] == -32602
    assert by_id["5"]["error"]["code"] == -32601
