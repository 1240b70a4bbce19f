"""The access token must never appear in anything cc-tap shows: stdout, stderr (debug logs
included), MCP results, CLI output, error messages."""
import json
import subprocess

from harness import BIN, TOKEN, emulator_call, run

DEMO = "session_01HFlakyLoginTestDemo0001"


def test_token_never_appears_in_mcp_traffic_or_debug_logs(env, emulator):
    env = dict(env, CCTAP_LOG="debug", CCTAP_POLL_INTERVAL="0.1")
    # Faults on the way: retried errors, a refused request, a Cloudflare page, a reset.
    for rule in ({"kind": "status", "status": 503, "path": "/v1/sessions", "times": 1},
                 {"kind": "cloudflare", "path": "/v1/sessions/", "times": 1},
                 {"kind": "reset_before", "method": "POST", "path": "/events", "times": 1},
                 {"kind": "status", "status": 401, "path": "/events", "method": "GET", "times": 2}):
        emulator_call(emulator, "POST", "/_emulator/faults", rule)
    calls = [
        ("tools/list", {}),
        ("tools/call", {"name": "list_sessions", "arguments": {}}),
        ("tools/call", {"name": "get_session_info", "arguments": {"session_id": DEMO}}),
        ("tools/call", {"name": "read_session", "arguments": {"session_id": DEMO}}),
        ("tools/call", {"name": "send_and_wait", "arguments": {"session_id": DEMO, "message": "hi", "timeout": 10}}),
        ("tools/call", {"name": "read_session", "arguments": {"session_id": "session_01NoSuchSession0000"}}),
    ]
    lines = [{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}]
    lines += [{"jsonrpc": "2.0", "id": i + 1, "method": m, "params": p} for i, (m, p) in enumerate(calls)]
    proc = subprocess.run([str(BIN / "cc-tap")], env=env, input="\n".join(json.dumps(x) for x in lines) + "\n",
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    replies = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(replies) == len(lines)
    assert "debug" in proc.stderr  # debug logging really was on
    assert TOKEN not in proc.stdout and TOKEN not in proc.stderr
    emulator_call(emulator, "DELETE", "/_emulator/faults")


def test_token_never_appears_in_cli_output(env):
    wrong = dict(env, CCTAP_ACCESS_TOKEN="sk-ant-oat01-not-the-right-one")
    for args, environment in ((["sessions", "--verbose"], env), (["doctor", "--verbose"], env),
                              (["sessions", "--verbose"], wrong), (["read", DEMO, "--verbose"], wrong)):
        out = run(args, environment)
        text = out.stdout + out.stderr
        assert environment["CCTAP_ACCESS_TOKEN"] not in text, args
        assert "sk-ant-oat01" not in text, args
