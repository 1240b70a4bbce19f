"""The access token must never appear in anything cc-tap shows: stdout, stderr (debug logs
included), MCP results, CLI output, error messages."""
import json
import subprocess

from harness import BIN, ORG, TOKEN, clean_environment, emulator_call, run, running_emulator

DEMO = "session_01HFlakyLoginTestDemo0001"


def test_token_never_appears_in_mcp_traffic_or_debug_logs(env, emulator):
    env = dict(env, CCTAP_LOG="debug", CCTAP_POLL_INTERVAL="0.1")
    # Faults on the way: retried errors, a refused request, a Cloudflare page, a reset.
    for rule in ({"kind": "status", "status": 503, "path": "/sessions", "times": 1},
                 {"kind": "cloudflare", "path": "/sessions/", "times": 1},
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


def test_trusted_device_token_is_sent_but_never_shown(tmp_path):
    """An organisation that requires Trusted Devices: the token Claude Code stored beside the login is
    sent with every session request (the calls succeed), and appears in no output, log or error."""
    device = "tdt-never-print-me-0123456789"
    config = tmp_path / "claude"
    config.mkdir()
    (config / ".credentials.json").write_text(json.dumps(
        {"claudeAiOauth": {"accessToken": TOKEN, "expiresAt": 4102444800000}, "trustedDeviceToken": device}))
    (config / ".credentials.json").chmod(0o600)
    for base in running_emulator("both", "--trusted-device-token", device):
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CLAUDE_CONFIG_DIR=str(config),
                                CCR_ORG_UUID=ORG, CCTAP_LOG="debug", CCTAP_POLL_INTERVAL="0.1")
        outputs = []
        for args in (["sessions", "--json", "--verbose"], ["doctor", "--verbose"], ["read", DEMO, "--verbose"],
                     ["send", DEMO, "hello", "--wait", "--verbose"], ["read", "session_01NoSuchSession0000"]):
            out = run(args, env)
            outputs.append(out.stdout + out.stderr)
            if args[-1] != "session_01NoSuchSession0000":
                assert out.returncode == 0, (args, out.stderr)
        assert all(device not in text for text in outputs)
        recorded = emulator_call(base, "GET", "/_emulator/requests")["requests"]
        service = [r for r in recorded if "/sessions" in r["request"]]
        assert service and all(r["trusted_device_token"] == "valid" for r in service)
        # Without the stored token the organisation refuses, and says why.
        (config / ".credentials.json").write_text(json.dumps({"claudeAiOauth": {"accessToken": TOKEN}}))
        refused = run(["sessions"], env)
        assert refused.returncode != 0 and "trusted device" in refused.stderr
