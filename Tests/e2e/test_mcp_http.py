"""The MCP server over Streamable HTTP (`cc-tap serve --http`), driven by the official Python client 2.3
in `mode="legacy"`, `mode="2026-07-28"` and `mode="auto"`, and by raw HTTP for what a client must be
refused: a missing or wrong token (401), a foreign `Host` (421) or `Origin` (403), GET (405), a
2026 request whose headers disagree with its body (400, -32020), and a non-loopback address without
`--allow-remote`."""
import json
import re
import socket
import time
from urllib.parse import urlparse
import subprocess
import urllib.error
import urllib.request

import anyio
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from harness import BIN, ORG, TOKEN, clean_environment, emulator_call, run
from tool_tour import TOOLS, every_tool

DEMO = "session_01HFlakyLoginTestDemo0001"
TOKEN_VALUE = "test-token-0123456789abcdef"
MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}


@pytest.fixture
def http_server(server_env):
    yield from serving(server_env)


def serving(server_env):
    """Yields the URL of a `cc-tap serve --http` process that stops when the fixture ends."""
    env = dict(server_env, CCTAP_HTTP_TOKEN=TOKEN_VALUE)
    proc = subprocess.Popen([str(BIN / "cc-tap"), "serve", "--http", "127.0.0.1:0"], env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        url = None
        while url is None:
            line = proc.stderr.readline()
            assert line, "the server ended before listening"
            found = re.search(r"at (http://127\.0\.0\.1:\d+/mcp)", line)
            url = found.group(1) if found else None
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def post(url, body, headers=None, token=TOKEN_VALUE):
    headers = dict({"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}, **(headers or {}))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("mode, version", [("legacy", "2025-11-25"), (MODERN, MODERN), ("auto", MODERN)])
def test_every_era_over_http(mode, version, http_server, server_env):
    base = server_env["CCTAP_BASE_URL"]

    async def main():
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN_VALUE}"})
        async with Client(streamable_http_client(http_server, http_client=http), read_timeout_seconds=60, mode=mode) as client:
            assert client.protocol_version == version
            tools = (await client.list_tools()).tools
            assert len(tools) == TOOLS
            called = await every_tool(client, base, f"http {mode}")
            assert set(called) == {tool.name for tool in tools}
            waited = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": f"over http, {mode}", "timeout": 30})
            assert waited.structured_content["status"] == "complete", waited.structured_content
            assert f"over http, {mode}" in waited.structured_content["reply"]
            read = await client.read_resource("cctap://sessions")
            assert json.loads(read.contents[0].text)["count"] >= 1
    anyio.run(main)


def test_progress_arrives_on_the_requests_stream(http_server):
    seen = []

    async def main():
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN_VALUE}"})
        async with Client(streamable_http_client(http_server, http_client=http), read_timeout_seconds=60, mode="legacy") as client:
            async def progress(value, total, message):
                seen.append(message)
            result = await client.call_tool("send_and_wait", {"session_id": DEMO, "message": "slow, with progress", "timeout": 60},
                                            progress_callback=progress)
            assert result.structured_content["status"] == "complete"
    anyio.run(main)
    assert seen, "no progress reached the client"


def test_what_is_refused(http_server):
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": META}}
    assert post(http_server, listing, token=None)[0] == 401
    assert post(http_server, listing, token="wrong-token-000000000")[0] == 401
    assert post(http_server, listing, {"Host": "evil.example:80"})[0] == 421
    assert post(http_server, listing, {"Origin": "https://evil.example"})[0] == 403
    status, body = post(http_server, listing, {"MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call"})
    assert status == 400 and json.loads(body)["error"]["code"] == -32020
    status, body = post(http_server, listing, {"MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list"})
    assert status == 200 and json.loads(body)["result"]["resultType"] == "complete"
    request = urllib.request.Request(http_server, method="GET", headers={"Authorization": f"Bearer {TOKEN_VALUE}"})
    with pytest.raises(urllib.error.HTTPError) as got:
        urllib.request.urlopen(request, timeout=10)
    assert got.value.code == 405
    # A notification is accepted and answered with nothing.
    assert post(http_server, {"jsonrpc": "2.0", "method": "notifications/initialized"})[0] == 202


def test_a_remote_address_needs_its_flag(server_env):
    done = run(["serve", "--http", "0.0.0.0:0"], dict(server_env, CCTAP_HTTP_TOKEN=TOKEN_VALUE), timeout=30)
    assert done.returncode != 0 and "--allow-remote" in done.stderr


def open_streams(base):
    return emulator_call(base, "GET", "/_emulator/stats")["open_event_streams"]


def until(condition, what, seconds=60):
    """Waits for an event the test means, checking as it goes; the bound only ends a broken run."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("answer", ["json", "sse"])
def test_a_client_that_goes_away_cancels_its_request(answer, own_emulator, tmp_path):
    """A wait that would last 100 s, its client gone after a moment: the server cancels the call, so the
    wait's stream to the service closes long before its timeout, and the server goes on serving."""
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=own_emulator, CCTAP_ACCESS_TOKEN=TOKEN,
                            CCR_ORG_UUID=ORG, CCTAP_POLL_INTERVAL="0.1")
    for url in serving(env):
        session = emulator_call(own_emulator, "POST", "/_emulator/sessions", {"turns": 1, "title": "goes away"})["id"]
        params = {"name": "send_and_wait", "arguments": {"session_id": session, "message": "on and on until stopped", "timeout": 100}}
        if answer == "sse":
            params["_meta"] = {"progressToken": "p1"}  # progress asked: the answer is an event stream
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}).encode()
        where = urlparse(url)
        client = socket.create_connection((where.hostname, where.port))
        client.sendall(
            f"POST {where.path} HTTP/1.1\r\nHost: {where.netloc}\r\nAuthorization: Bearer {TOKEN_VALUE}\r\n"
            f"Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        # The wait is following the turn: its stream to the service is open.
        until(lambda: open_streams(own_emulator) == 1, "the wait opened its stream")
        client.close()
        until(lambda: open_streams(own_emulator) == 0, "the cancelled wait closed its stream")
        status, answered = post(url, {"jsonrpc": "2.0", "id": 2, "method": "ping"},
                                headers={"MCP-Protocol-Version": "2025-11-25"})
        assert status == 200 and json.loads(answered)["id"] == 2, answered
