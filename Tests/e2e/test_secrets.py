"""The access token must never appear in anything cc-tap shows: stdout, stderr (debug logs
included), MCP results, CLI output, error messages; not even when the service echoes it back."""
import json
import subprocess

import pytest

from harness import BIN, ORG, TOKEN, clean_environment, emulator_call, run, running_emulator
from hostile_proxy import EVENTS, LIST, SESSION, Surfaces, hostile_service

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


# Under a hostile service (issue 21): a proxy in front of the emulator echoes the request's headers,
# the bearer token among them, in its error pages; and logins whose token cannot be a header value.

DEVICE = "tdt-secret-never-shown-0123456789"


@pytest.fixture
def hostile():
    yield from hostile_service("v2", "--trusted-device-token", DEVICE)


def shown(text):
    """The secrets (whole or in part) found in `text`."""
    return [s for s in (TOKEN, "oat01-emulator", DEVICE, "tdt-secret", f"Bearer {TOKEN[:12]}") if s in text]


def test_headers_echoed_in_error_pages_never_reach_the_output(hostile, tmp_path):
    """A JSON error and an HTML page (title and body, and the request-id header) that repeat every
    request header: neither the token, nor the trusted-device token, nor `Bearer <token>` is in the
    output, the --json output or the debug log of any command."""
    proxy, emulator, base = hostile
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                            CCTAP_TRUSTED_DEVICE_TOKEN=DEVICE, CCTAP_REQUEST_TIMEOUT="2", CCTAP_POLL_INTERVAL="0.1")
    for form, status, method, path, args in (
            ("json", 500, "GET", LIST, ["sessions", "--verbose"]),  # retried, then shown
            ("html", 400, "GET", LIST, ["sessions", "--json", "--verbose"]),
            ("html", 502, "GET", SESSION, ["info", DEMO, "--verbose"]),
            ("json", 403, "GET", SESSION, ["info", DEMO, "--json", "--verbose"]),
            ("json", 400, "POST", EVENTS, ["send", DEMO, "echo json", "--verbose"]),
            ("html", 403, "POST", EVENTS, ["send", DEMO, "echo html", "--json", "--verbose"])):
        proxy.clear()
        rule = proxy.add_rule("echo_headers", method, path, status=status, format=form)
        out = run(args, env, timeout=90)
        assert rule.hits >= 1, args
        assert 0 < out.returncode < 128, (args, out.returncode, out.stderr[-1000:])
        assert not shown(out.stdout + out.stderr), (form, status, args, out.stderr[-1000:])


def test_a_token_with_a_line_break_in_the_credentials_file_is_refused(hostile, tmp_path):
    """A stored token ending in a line break is no header value: refused before any request, naming the
    file and never quoting the token, by the command line and the C library alike."""
    proxy, emulator, base = hostile
    secret = "sk-ant-oat01-linebreak-secret-4242"
    config = tmp_path / "claude"
    config.mkdir()
    path = config / ".credentials.json"
    path.write_text(json.dumps({"claudeAiOauth": {"accessToken": secret + "\n", "expiresAt": 4102444800000}}))
    path.chmod(0o600)
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CLAUDE_CONFIG_DIR=str(config), CCR_ORG_UUID=ORG,
                            CCTAP_LOG="debug")
    for args in (["sessions", "--verbose"], ["send", DEMO, "hello", "--verbose"]):
        out = run(args, env)
        assert 0 < out.returncode < 128, (args, out.returncode, out.stderr)
        assert str(path) in out.stderr, out.stderr
        assert "linebreak-secret" not in out.stdout + out.stderr
    library = Surfaces(proxy, emulator, env, tmp_path).call(
        "c", "list_sessions", options={"claude_config_dir": str(config), "base_url": base, "organization_uuid": ORG})
    assert not library.died and not library.ok and library.kind == "credentials", str(library)
    assert str(path) in library.message and "linebreak-secret" not in library.text
    assert not [r for r in proxy.requests if "/sessions" in r.path], "a request went out with it"


def test_an_access_token_option_with_a_line_break_is_refused(hostile, tmp_path):
    """The C option {"access_token": "a\\nb"} (and the binding's access_token=) is refused, and the
    message quotes neither part of it."""
    proxy, emulator, base = hostile
    env = clean_environment(HOME=str(tmp_path), CCTAP_LOG="debug")
    surfaces = Surfaces(proxy, emulator, env, tmp_path)
    options = {"access_token": "sk-ant-oat01-option-secret\ninjected-secret: yes", "base_url": base,
               "organization_uuid": ORG}
    for surface in ("c", "python"):
        outcome = surfaces.call(surface, "list_sessions", options=options)
        assert not outcome.died and not outcome.ok, str(outcome)
        assert outcome.kind in ("invalid_argument", "credentials") and outcome.message, str(outcome)
        assert "option-secret" not in outcome.text and "injected-secret" not in outcome.text, outcome.text
    assert not [r for r in proxy.requests if "/sessions" in r.path], "a request went out with it"
