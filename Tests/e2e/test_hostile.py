"""Under a hostile or broken service (issue 21): no crash, no hang, no lost or doubled message, no
secret in an error. Each finding through every surface: the cc-tap command line, the MCP server over
stdio (the official client), libcctap through a C host (bindings/c/tests/hostile_host.c) and the Python
binding, each in a process of its own so that a crash is seen as that process dying. The service is an
emulator of the test's own behind a hostile proxy (hostile_proxy.py) that misbehaves as each test says.

Clients run with a 2 s request timeout; a call that hung before the fix is bounded at 90 s (its
process is killed and the test fails). The fast tier runs one representative of each finding on each
surface; the full tier (`-m full`) every value, route and surface."""
import json
import os
import re
import subprocess
import threading
import time

import pytest

from harness import BIN, ORG, TOKEN, clean_environment, emulator_call, settle, stats, stored_total
from hostile_proxy import (BOUND, EVENTS, LIST, LONE_SURROGATE, SESSION, STREAM, SURFACES, TERMINAL_ESCAPES, Surfaces,
                           deep_nesting, hostile_service, user_messages)

DEVICE = "tdt-secret-hostile-0123456789abcdef"
# What must never be shown, whole or in part: the access token, the trusted-device token, the header.
SECRETS = (TOKEN, "oat01-emulator", DEVICE, "tdt-secret", f"Bearer {TOKEN[:12]}")
MARK = "HOSTILEMARK"
ROUTES = {
    "list": ("GET", LIST, "list_sessions"),
    "session": ("GET", SESSION, "get_session_info"),
    "post": ("POST", EVENTS, "send_message"),
}


def environment(base, home, **settings):
    return clean_environment(HOME=str(home), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                             CCTAP_TRUSTED_DEVICE_TOKEN=DEVICE, CCTAP_REQUEST_TIMEOUT="2", CCTAP_POLL_INTERVAL="0.1",
                             **settings)


@pytest.fixture
def hostile():
    """(proxy, emulator base, proxy base): an emulator of the test's own that serves only the 2026 routes
    and requires the trusted-device token, with a pass-through proxy in front."""
    yield from hostile_service("v2", "--trusted-device-token", DEVICE)


@pytest.fixture
def surfaces(hostile, tmp_path):
    proxy, emulator, base = hostile
    home = tmp_path / "home"
    home.mkdir()
    return Surfaces(proxy, emulator, environment(base, home), tmp_path)


def fresh_session(surfaces, title="hostile test"):
    """A connected, idle session of the test's own (its worker answers)."""
    return emulator_call(surfaces.emulator, "POST", "/_emulator/sessions", {"turns": 1, "title": title})["id"]


def same_session(a: str, b: str) -> bool:
    return a.split("_", 1)[-1] == b.split("_", 1)[-1]


def survived(outcome):
    assert not outcome.died, str(outcome)


def no_secret(outcome):
    for secret in SECRETS:
        assert secret not in outcome.text, f"{outcome.surface} showed a secret ({secret[:10]}…): {outcome}"


def cases(all_cases, fast):
    """Parameters for every case, those not in `fast` marked for the full tier."""
    return [pytest.param(*case, marks=() if case in fast else pytest.mark.full, id="-".join(map(str, case)))
            for case in all_cases]


# a. Retry-After values nothing sensible can be made of.

NONSENSE = ["99999999999999999999", "1e300", "inf", "nan", "-5"]
FAST_RETRY = [("cli", "inf", "list"), ("cli", "99999999999999999999", "post"), ("mcp", "1e300", "session"),
              ("c", "nan", "post"), ("python", "-5", "list")]


def rate_limited(outcome):
    survived(outcome)
    assert not outcome.ok and outcome.kind == "rate_limited", str(outcome)
    assert re.search(r"rate.limit", outcome.message, re.I), str(outcome)
    # "wait a little", or a whole number of seconds no larger than a day: never negative, huge or not a number.
    for wait in re.findall(r"\bwait\s+(\S+)\s+s\b", outcome.message):
        assert re.fullmatch(r"\d{1,5}", wait) and int(wait) <= 86_400, f"told to wait {wait} s: {outcome}"
    assert not re.search(r"\bwait\s+(-|inf|nan|\d{6,}|[\d.]+e)", outcome.message, re.I), str(outcome)


@pytest.mark.parametrize("surface, value, route",
                         cases([(s, v, r) for s in SURFACES for v in NONSENSE for r in ROUTES], FAST_RETRY))
def test_a_nonsense_retry_after_is_no_crash(surfaces, surface, value, route):
    method, path, operation = ROUTES[route]
    session = fresh_session(surfaces)
    text = f"rate limited {surface} {value}"
    rule = surfaces.proxy.add_rule("retry_after", method, path, value=value)
    outcome = surfaces.call(surface, operation, session_id=session, message=text)
    survived(outcome)
    assert rule.hits >= 1
    rate_limited(outcome)
    no_secret(outcome)
    assert text not in user_messages(surfaces.emulator, session)


@pytest.mark.parametrize("surface", [pytest.param(s, marks=() if s == "cli" else pytest.mark.full) for s in SURFACES])
def test_a_long_retry_after_is_returned_at_once(surfaces, surface):
    """A sane Retry-After beyond what a client waits on its own (30 s) is handed to the caller at once."""
    surfaces.proxy.add_rule("retry_after", "GET", LIST, value="120")
    outcome = surfaces.call(surface, "list_sessions")
    rate_limited(outcome)
    assert "wait 120 s" in outcome.message, str(outcome)
    assert outcome.seconds < 20, f"took {outcome.seconds:.1f} s: it waited instead of returning"
    assert len([r for r in surfaces.proxy.requests if r.path == "/v1/code/sessions"]) == 1


def test_a_credentials_expiry_beyond_any_date_is_no_crash(hostile, tmp_path):
    proxy, emulator, base = hostile
    config = tmp_path / "claude"
    config.mkdir()
    (config / ".credentials.json").write_text(
        '{"claudeAiOauth":{"accessToken":"%s","expiresAt":1e300,"scopes":["user:sessions:claude_code"]}}' % TOKEN)
    (config / ".credentials.json").chmod(0o600)
    env = environment(base, tmp_path, CLAUDE_CONFIG_DIR=str(config))
    del env["CCTAP_ACCESS_TOKEN"]
    for args in (["doctor"], ["sessions", "--json"]):
        out = subprocess.run([str(BIN / "cc-tap"), *args], env=env, capture_output=True, text=True, timeout=BOUND)
        assert 0 <= out.returncode < 128, (args, out.returncode, out.stderr[-2000:])
        assert TOKEN not in out.stdout + out.stderr
    assert out.returncode == 0, out.stderr


# b. An answer whose body stalls or drips after its head.

SLOW = [(s, m, r) for s in SURFACES for m in ("stall", "drip") for r in ROUTES]
FAST_SLOW = [("cli", "stall", "list"), ("mcp", "stall", "list"), ("c", "drip", "post"), ("python", "stall", "session")]


@pytest.mark.parametrize("surface, mode, route", cases(SLOW, FAST_SLOW))
def test_b_a_stalled_or_dripping_body_times_out(surfaces, surface, mode, route):
    method, path, operation = ROUTES[route]
    session = fresh_session(surfaces)
    text = f"slow body {surface} {mode}"
    # A byte a second: a list or a session object takes thousands of seconds. A post's answer is two
    # bytes, so its second comes after longer than the bound (a client that waits for it hangs).
    params = {"interval": 2.0 * BOUND if route == "post" else 1.0} if mode == "drip" else {}
    rule = surfaces.proxy.add_rule(mode, method, path, **params)
    outcome = surfaces.call(surface, operation, session_id=session, message=text)
    survived(outcome)  # within BOUND: before the fix the call never returned
    assert rule.hits >= 1
    no_secret(outcome)
    if route == "post":
        # The post was forwarded (and stored) before its answer stalled: sent, or at worst unknown, and
        # never posted twice.
        surfaces.proxy.clear()
        settle(surfaces.emulator)
        assert outcome.ok or outcome.kind == "send_outcome_unknown", str(outcome)
        assert user_messages(surfaces.emulator, session).count(text) == 1
        assert len(surfaces.proxy.posts(session)) == 1
    else:
        assert not outcome.ok and outcome.kind == "timeout", str(outcome)
        assert re.search(r"complete|in time|within", outcome.message, re.I), str(outcome)


# c. A gateway that gives up (504, or a reset) while the service goes on to store the message.

LATE = [(s, status) for s in SURFACES for status in (504, "reset")]
FAST_LATE = [("cli", 504), ("mcp", "reset"), ("c", 504), ("python", "reset")]


@pytest.mark.parametrize("surface, status", cases(LATE, FAST_LATE))
def test_c_a_message_stored_late_is_stored_once_and_reported_sent(surfaces, surface, status):
    session = fresh_session(surfaces)
    text = f"stored late {surface} {status}"
    rule = surfaces.proxy.add_rule("store_late", "POST", EVENTS, times=1, status=status, delay=1.5)
    before = stored_total(stats(surfaces.emulator))
    outcome = surfaces.call(surface, "send_message", session_id=session, message=text)
    surfaces.proxy.late_forwards_done()
    counters = settle(surfaces.emulator)
    survived(outcome)
    assert rule.hits == 1
    assert stored_total(counters) == before + 1
    assert user_messages(surfaces.emulator, session).count(text) == 1, "stored twice, or not at all"
    assert len(surfaces.proxy.posts(session)) == 1, "posted again"
    assert all(n == 1 for n in counters["user_messages_stored"].values())
    assert outcome.ok, str(outcome)
    no_secret(outcome)


# d. A 2xx answer to a post that stored nothing.

NOT_STORED = ["{", "{}", '{"data":[]}', '{"data":[{"id":"evt_doesnotexist"}]}']
FAST_NOT_STORED = [("cli", "{}"), ("mcp", '{"data":[{"id":"evt_doesnotexist"}]}'), ("c", "{"), ("python", '{"data":[]}')]


@pytest.mark.parametrize("surface, body", cases([(s, b) for s in SURFACES for b in NOT_STORED], FAST_NOT_STORED))
def test_d_a_2xx_that_stored_nothing_is_never_reported_sent(surfaces, surface, body):
    session = fresh_session(surfaces)
    text = f"not stored {surface} {body}"
    rule = surfaces.proxy.add_rule("ok_not_stored", "POST", EVENTS, body=body)
    outcome = surfaces.call(surface, "send_message", session_id=session, message=text)
    survived(outcome)
    assert rule.hits >= 1
    assert not outcome.ok, f"reported sent: {outcome}"
    assert outcome.kind == "send_outcome_unknown", str(outcome)
    if surface in ("cli", "mcp"):
        assert "may or may not have been stored" in outcome.message, str(outcome)
    settle(surfaces.emulator)
    assert text not in user_messages(surfaces.emulator, session)
    no_secret(outcome)


# e. An error page that echoes the request's headers (the token among them).

ECHO = [("list", "json", 500), ("list", "html", 400), ("post", "json", 400), ("post", "html", 500)]
FAST_ECHO = [("cli", "list", "json", 500), ("mcp", "post", "html", 400), ("c", "list", "html", 400),
             ("python", "post", "json", 400)]


@pytest.mark.parametrize("surface, route, form, status", cases([(s, *e) for s in SURFACES for e in ECHO], FAST_ECHO))
def test_e_echoed_headers_never_show_a_secret(surfaces, surface, route, form, status):
    method, path, operation = ROUTES[route]
    session = fresh_session(surfaces)
    rule = surfaces.proxy.add_rule("echo_headers", method, path, status=status, format=form)
    outcome = surfaces.call(surface, operation, env={"CCTAP_LOG": "debug"}, session_id=session,
                            message=f"echo {surface} {form}")
    survived(outcome)
    assert rule.hits >= 1
    assert not outcome.ok and outcome.message, str(outcome)
    no_secret(outcome)


# f. Text the JSON decoder refuses: a lone surrogate, nesting deeper than its limit.

@pytest.mark.parametrize("surface", SURFACES)
def test_f_a_title_with_a_lone_surrogate_does_not_fail_the_list(surfaces, surface):
    created = fresh_session(surfaces, title=MARK)
    rule = surfaces.proxy.add_rule("rewrite", "GET", LIST, find=f'"{MARK}"', replace=LONE_SURROGATE)
    outcome = surfaces.call(surface, "list_sessions")
    survived(outcome)
    assert outcome.ok, str(outcome)
    assert rule.replaced >= 1
    sessions = outcome.result["sessions"]
    assert len(sessions) >= 32 and any(s["title"].startswith("Résumé parser") for s in sessions)
    [mine] = [s for s in sessions if same_session(s["id"], created)]
    assert mine["title"].startswith("bad ") and "\ufffd" in mine["title"], mine["title"]
    if surface == "cli":
        table = subprocess.run([str(BIN / "cc-tap"), "sessions"], env=surfaces.env, capture_output=True, timeout=BOUND)
        assert table.returncode == 0, table.stderr
        assert "\ufffd".encode() in table.stdout and "Résumé parser".encode() in table.stdout


EVENT_PAYLOADS = {
    # The user's own message, as its event comes back, holds a lone surrogate.
    "surrogate": (MARK, LONE_SURROGATE, "complete"),
    # The tool_use input (and the permission prompt's) nested 700 deep.
    "deep": (f"run {MARK}", deep_nesting(700), "waiting_for_permission"),
}
FAST_EVENTS = [("cli", "surrogate"), ("cli", "deep"), ("mcp", "deep"), ("c", "surrogate"), ("python", "deep")]


@pytest.mark.parametrize("surface, payload", cases([(s, p) for s in SURFACES for p in EVENT_PAYLOADS], FAST_EVENTS))
def test_f_an_unreadable_event_does_not_fail_the_session(surfaces, surface, payload):
    message, replacement, status = EVENT_PAYLOADS[payload]
    session = fresh_session(surfaces)
    rule = surfaces.proxy.add_rule("rewrite", "GET", r"/events(/stream)?$", find=f'"{MARK}"', replace=replacement)
    waited = surfaces.call(surface, "send_and_wait", session_id=session, message=message, timeout=30)
    survived(waited)
    assert waited.ok and waited.result["status"] == status, str(waited)
    if payload == "surrogate":
        assert f"You said: {MARK}" in waited.result["reply"]
    for operation in ("read_session", "get_session_info"):
        outcome = surfaces.call(surface, operation, session_id=session)
        survived(outcome)
        assert outcome.ok, str(outcome)
    assert rule.replaced >= 1, "the hostile bytes never went out"


# g. An event stream that sends keepalives and never an event.

@pytest.mark.parametrize("surface", SURFACES)
def test_g_a_stream_of_keepalives_only_does_not_hide_the_reply(surfaces, surface):
    session = fresh_session(surfaces)
    rule = surfaces.proxy.add_rule("keepalive_only", "GET", STREAM, interval=1.0)
    text = f"hi through keepalives {surface}"
    outcome = surfaces.call(surface, "send_and_wait", session_id=session, message=text, timeout=60)
    survived(outcome)
    assert rule.hits >= 1
    assert outcome.ok and outcome.result["status"] == "complete", str(outcome)
    assert f"You said: {text}" in outcome.result["reply"]
    assert outcome.seconds < 45, f"took {outcome.seconds:.1f} s of its 60"


# h. What reaches a terminal, and a credentials file of absurd size.

def test_h_a_title_with_terminal_escapes_is_printed_harmless(surfaces):
    fresh_session(surfaces, title=MARK)
    rule = surfaces.proxy.add_rule("rewrite", "GET", LIST, find=f'"{MARK}"', replace=TERMINAL_ESCAPES)
    table = subprocess.run([str(BIN / "cc-tap"), "sessions"], env=surfaces.env, capture_output=True, timeout=BOUND)
    assert rule.replaced >= 1
    assert table.returncode == 0, table.stderr
    for raw in (b"\x1b", b"\x07", b"\x00"):
        assert raw not in table.stdout + table.stderr, f"{raw!r} reached the terminal"
    line = next(line for line in table.stdout.splitlines() if b"pwned" in line)
    assert b"[2J" in line and b" x" in line and b"y" in line, line
    listed = subprocess.run([str(BIN / "cc-tap"), "sessions", "--json"], env=surfaces.env, capture_output=True,
                            timeout=BOUND)
    assert listed.returncode == 0, listed.stderr
    assert any("pwned" in s["title"] for s in json.loads(listed.stdout)["sessions"])


def run_measured(args, env, timeout=BOUND):
    """Runs a command; returns (returncode, stdout, stderr, peak resident memory in KiB)."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = {}
    readers = [threading.Thread(target=lambda name, pipe: output.__setitem__(name, pipe.read()), args=(n, p))
               for n, p in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"{args} ran past {timeout} s")
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return proc.returncode, output["out"].decode(errors="replace"), output["err"].decode(errors="replace"), usage.ru_maxrss


def test_h_a_huge_credentials_file_is_refused_unread(hostile, tmp_path):
    proxy, emulator, base = hostile
    config = tmp_path / "claude"
    config.mkdir()
    path = config / ".credentials.json"
    with open(path, "wb") as sparse:  # 700 MiB that take no disk: a hole
        sparse.truncate(700 << 20)
    path.chmod(0o600)
    env = environment(base, tmp_path, CLAUDE_CONFIG_DIR=str(config))
    del env["CCTAP_ACCESS_TOKEN"]
    code, out, err, peak_kib = run_measured([str(BIN / "cc-tap"), "sessions"], env)
    assert 0 < code < 128, (code, err)
    assert str(path) in err and re.search(r"larger|too (large|big)|bytes", err), err
    assert peak_kib < 200 * 1024, f"peak memory {peak_kib // 1024} MiB: the file was read"
    assert not [r for r in proxy.requests if "/sessions" in r.path], "it went on without a login"
