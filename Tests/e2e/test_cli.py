"""The cc-tap command line, run as a person or a script would, against cc-tap-emulator."""
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
import uuid

import pytest

from harness import BIN, ORG, TOKEN, clean_environment, emulator_call, run, running_emulator

DEMO = "session_01HFlakyLoginTestDemo0001"
LONG = "session_01HLongSession5000ev0006"
UNICODE = "session_01HUnicodeTitle000000002"


def test_sessions_json_lists_every_page(env):
    out = run(["sessions", "--json"], env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["count"] == 31
    assert len({s["id"] for s in result["sessions"]}) == 31
    assert {"id", "title", "status", "connection_status"} <= set(result["sessions"][0])


def test_sessions_table_for_people(env):
    out = run(["sessions", "--status", "active"], env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["ID", "STATE", "CONNECTION", "ACTIVITY", "NEEDS-YOU", "TITLE"]
    assert "Résumé parser — поддержка 日本語 🚀" in out.stdout
    assert "archived" not in out.stdout.split("TITLE", 1)[1].replace("(archived)", "")


@pytest.mark.parametrize("dialect", ["v1", "v2"])
def test_the_command_line_in_the_other_worlds(dialect, tmp_path):
    for base in running_emulator(dialect):
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                                CCTAP_POLL_INTERVAL="0.1")
        listed = run(["sessions", "--json"], env)
        assert listed.returncode == 0 and json.loads(listed.stdout)["count"] == 31, listed.stderr
        sent = run(["send", DEMO, f"hi from the CLI in {dialect}", "--wait", "--json"], env)
        assert sent.returncode == 0, sent.stderr
        assert json.loads(sent.stdout)["status"] == "complete"


def test_read_shows_the_newest_entries(env):
    out = run(["read", LONG, "--last", "4", "--json"], env)
    assert out.returncode == 0, out.stderr
    transcript = json.loads(out.stdout)
    assert [e["kind"] for e in transcript["entries"]] == ["turn_result", "user", "assistant", "turn_result"]
    assert transcript["entries"][1]["text"].startswith("Step 1000:")
    assert transcript["has_older"] is True


def test_send_and_wait(env):
    out = run(["send", DEMO, "hello from the CLI test", "--wait", "--timeout", "30", "--json"], env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "complete"
    assert "hello from the CLI test" in result["reply"]
    assert result["cursor"].startswith("seq:")
    assert result["event_source"] == "stream"


def test_send_and_wait_by_polling_the_v1_list(env):
    polled = dict(env, CCTAP_EVENT_SOURCE="poll-v1")
    out = run(["send", DEMO, "hello by polling", "--wait", "--timeout", "30", "--json"], polled)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "complete"
    assert result["event_source"] == "poll-v1"
    assert result["cursor"].startswith("sevt_")


def printed_command(text: str, pattern: str) -> list:
    """The one command in backticks that `pattern` (a regex of its start) finds in `text`, as argv."""
    found = re.findall(r"`cc-tap (" + pattern + r"[^`]*)`", text)
    assert len(found) == 1, text
    return found[0].split()


def test_send_without_wait_prints_the_command_that_waits(env, emulator):
    """`send` prints the `cc-tap wait` command for the reply; running it as printed returns that reply."""
    text = f"fire and forget {uuid.uuid4().hex[:8]}"
    out = run(["send", DEMO, text], env)
    assert out.returncode == 0, out.stderr
    printed = re.fullmatch(r"Sent to \S+ \(uuid ([0-9a-f-]{36})\) as an agent\.[^`]* Stored[^`]*\. To wait for the reply, run "
                           r"`cc-tap (wait \S+ --cursor \S+)`\.\n", out.stdout)
    assert printed, out.stdout
    command = printed.group(2).split()
    assert command[1] == DEMO and re.fullmatch(r"(seq:\d+|sevt_\w+),msg=[0-9a-f-]{36},ahead=\d+,running=[01]", command[3]), command
    assert text in emulator_call(emulator, "GET", f"/_emulator/sessions/{DEMO}/user-messages")["texts"]
    waited = run(command + ["--timeout", "30", "--json"], env)
    assert waited.returncode == 0, waited.stderr
    reply = json.loads(waited.stdout)
    assert reply["status"] == "complete"
    assert f"You said: {text}" in reply["reply"]


def test_a_timed_out_wait_says_how_to_go_on_in_commands(env):
    """The hint of a wait that ran out is the `cc-tap wait` command with the session and the cursor
    filled in, not an MCP tool; running it as printed sees the turn end. (The slow turn streams for
    seconds; a zero timeout cannot reach its end.)"""
    out = run(["send", DEMO, "slow and steady", "--wait", "--timeout", "0", "--json"], env)
    assert out.returncode == 0, out.stderr
    first = json.loads(out.stdout)
    assert first["status"] == "timeout"
    assert first["hint"].endswith(f"Run `cc-tap wait {DEMO} --cursor {first['cursor']}` to keep waiting.")
    assert "wait_for_reply" not in first["hint"]
    resumed = run(printed_command(first["hint"], "wait") + ["--timeout", "30", "--json"], env)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["status"] == "complete"


def test_wait_without_a_cursor_follows_the_turn_running_now(env):
    """`cc-tap wait SESSION` with no cursor waits from now: it ends with the turn that runs."""
    sent = run(["send", DEMO, "slow and steady, from now", "--json"], env)
    assert sent.returncode == 0, sent.stderr
    waited = run(["wait", DEMO, "--timeout", "60", "--json"], env)
    assert waited.returncode == 0, waited.stderr
    result = json.loads(waited.stdout)
    assert result["status"] == "complete" and "slow and steady, from now" in result["reply"], result


def test_interrupt_stops_the_running_turn(env):
    """`cc-tap interrupt` stops a turn the way the Stop button does: the worker acknowledges it, the wait
    from the send's cursor ends `interrupted`, and the text says how to see that in commands."""
    sent = run(["send", DEMO, "a long one, until stopped", "--json"], env)
    assert sent.returncode == 0, sent.stderr
    cursor = json.loads(sent.stdout)["cursor"]
    stopped = run(["interrupt", DEMO], env)
    assert stopped.returncode == 0, stopped.stderr
    assert "to stop its current turn" in stopped.stdout and "The worker acknowledged it." in stopped.stdout, stopped.stdout
    assert f"Run `cc-tap wait {DEMO}` to see the turn end." in stopped.stdout and "wait_for_reply" not in stopped.stdout
    end = run(["wait", DEMO, "--cursor", cursor, "--timeout", "30", "--json"], env)
    assert end.returncode == 0, end.stderr
    ended = json.loads(end.stdout)
    assert ended["status"] == "interrupted" and ended["result"]["subtype"] == "error_during_execution", ended
    missing = run(["interrupt", "not a session"], env)
    assert missing.returncode == 1 and "is not a session id" in missing.stderr, missing.stderr


def test_respond_answers_a_permission_prompt(env):
    out = run(["send", DEMO, "run make tour", "--wait", "--timeout", "30", "--json"], env)
    assert out.returncode == 0, out.stderr
    asked = json.loads(out.stdout)
    assert asked["status"] == "waiting_for_permission"
    # One prompt is open: the hint is its command, request id and all, then the wait from the cursor.
    request_id = asked["pending_permissions"][0]["request_id"]
    assert asked["hint"].endswith(f"Decide: run `cc-tap respond {DEMO} {request_id} allow` to allow it, or "
                                  f"`cc-tap respond {DEMO} {request_id} deny` to deny it, then run "
                                  f"`cc-tap wait {DEMO} --cursor {asked['cursor']}`."), asked["hint"]
    respond = printed_command(asked["hint"], r"respond \S+ \S+ deny")
    answered = run(respond + ["--message", "not now", "--json"], env)
    assert answered.returncode == 0, answered.stderr
    result = json.loads(answered.stdout)
    assert result["status"] == "acknowledged" and result["decision"] == "deny"
    assert result["note"].endswith(f"Run `cc-tap wait {DEMO}` to follow the turn.")
    after = run(printed_command(asked["hint"], "wait") + ["--timeout", "30", "--json"], env)
    assert after.returncode == 0, after.stderr
    assert "did not run" in json.loads(after.stdout)["reply"]
    wrong = run(["respond", DEMO, request_id, "perhaps"], env)
    assert wrong.returncode != 0 and "perhaps" in wrong.stderr


def test_attention_reports_then_resumes_quietly(env):
    """`cc-tap attention` prints what needs you with the token to resume from; run again with it, nothing
    new comes back and the hint names the command again."""
    out = run(["attention", "--session", "session_01HPendingPermission0003", "--timeout", "30"], env)
    assert out.returncode == 0, out.stderr
    assert "permission" in out.stdout and "request_id 0b5e7c1e-2f3a-4d5b-8c6d-7e8f9a0b1c2d" in out.stdout
    token = re.search(r"^resume_token: (att2\.[0-9a-f]+)$", out.stdout, re.M).group(1)
    # The command to keep watching, as printed: the same session, and the token filled in.
    command = printed_command(out.stdout, "attention")
    assert command == ["attention", "--session", "session_01HPendingPermission0003", "--resume", token], command
    again = run(command + ["--timeout", "0.5", "--json"], env)
    assert again.returncode == 0, again.stderr
    quiet = json.loads(again.stdout)
    assert quiet["status"] == "timeout" and quiet["items"] == []
    assert quiet["hint"].endswith("Run `cc-tap attention --session session_01HPendingPermission0003 --resume "
                                  f"{quiet['resume_token']}` to keep watching.")
    forged = run(["attention", "--resume", "not-a-token", "--timeout", "1"], env)
    # The option as typed on the command line, not the MCP argument's name.
    assert forged.returncode == 1 and "--resume" in forged.stderr and "resume_token" not in forged.stderr


def test_steering_commands(own_emulator, tmp_path):
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=own_emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG)
    created = emulator_call(own_emulator, "POST", "/_emulator/sessions", {"turns": 1})["id"]

    def ok(*args):
        out = run([*args, "--json"], env)
        assert out.returncode == 0, (args, out.stderr)
        return json.loads(out.stdout)

    assert ok("mode", created, "acceptEdits")["status"] == "acknowledged"
    refused = run(["mode", created, "bypassPermissions"], env)
    assert refused.returncode == 1 and "confirm" in refused.stderr
    assert ok("mode", created, "bypassPermissions", "--confirm-bypass")["status"] == "acknowledged"
    assert ok("model", created, "claude-opus-4-8")["value"] == "claude-opus-4-8"
    assert ok("rename", created, "named from the shell")["status"] == "applied"
    assert ok("mark-read", created)["status"] == "applied"
    human = run(["archive", created], env)
    assert human.returncode == 0 and "archive: applied. Archived." in human.stdout
    assert ok("archive", created)["detail"] == "it was already archived"
    info = ok("info", created)["session"]
    assert info["title"] == "named from the shell" and info["status"] == "archived"


def test_watch_prints_a_line_per_change_when_piped(own_emulator, tmp_path):
    env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=own_emulator, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                            CCTAP_POLL_INTERVAL="0.1")
    proc = subprocess.Popen([str(BIN / "cc-tap"), "watch"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        first = json.loads(proc.stdout.readline())
        assert first["event"] == "sessions" and len(first["sessions"]) >= 6
        assert any(s["attention_reason"] == "permission" for s in first["sessions"] if s["needs_attention"])
        emulator_call(own_emulator, "POST", "/_emulator/sessions", {"turns": 0, "title": "watched appearing"})
        change = json.loads(proc.stdout.readline())
        assert change["event"] == "changed" and change["session"]["title"] == "watched appearing"
        emulator_call(own_emulator, "POST", f"/_emulator/sessions/{UNICODE}/archive")
        gone = json.loads(proc.stdout.readline())
        assert gone == {"event": "removed", "id": "cse_01HUnicodeTitle000000002"}
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0


def read_until(fd, needle, seen=b""):
    """Reads a pseudo-terminal until `needle` has appeared after what was `seen`; returns all read."""
    deadline = time.monotonic() + 60
    start = len(seen)
    while needle not in seen[start:]:
        assert time.monotonic() < deadline, seen[-800:]
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            seen += os.read(fd, 65536)
    return seen


def test_watch_fits_the_terminal_and_redraws_when_it_is_resized(env):
    """On a terminal 10 lines high the sessions that need you come first, as many as fit, with a count of
    the rest; made taller (SIGWINCH), it draws them all. With NO_COLOR, no colour."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 160, 0, 0))
    proc = subprocess.Popen([str(BIN / "cc-tap"), "watch"], env=dict(env, NO_COLOR="1"), stdin=child, stdout=child,
                            stderr=child)
    os.close(child)
    try:
        seen = read_until(main, b"q or Ctrl-C to leave")
        frame = seen.rsplit(b"\x1b[2J", 1)[1]
        lines = frame.split(b"\r\n")
        assert len(lines) <= 10, lines
        assert b"more: make the terminal taller" in frame, frame
        assert b"NEEDS-YOU" in lines[0] and b"  ! " in lines[2], lines[:4]  # the first row needs you
        assert b"\x1b[1;31m" not in seen
        fcntl.ioctl(main, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 160, 0, 0))
        proc.send_signal(signal.SIGWINCH)
        seen = read_until(main, b"q or Ctrl-C to leave", seen)
        frame = seen.rsplit(b"\x1b[2J", 1)[1]
        assert b"more: make the terminal taller" not in frame and len(frame.split(b"\r\n")) > 10, frame
        assert b" ago" in frame or b"just now" in frame
        os.write(main, b"q")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)


def test_watch_draws_on_a_terminal_and_leaves_on_q(env):
    """Under a pseudo-terminal: the table is drawn on the alternate screen, `q` leaves with exit 0, and the
    terminal is put back (cursor shown, main screen, echo on)."""
    main, child = pty.openpty()
    proc = subprocess.Popen([str(BIN / "cc-tap"), "watch"], env=env, stdin=child, stdout=child, stderr=child)
    os.close(child)
    seen = b""
    try:
        seen = read_until(main, b"need(s) you")
        assert b"\x1b[?1049h" in seen and b"Deploy the staging build" in seen and b"! permission" in seen
        os.write(main, b"q")
        assert proc.wait(timeout=30) == 0
        while True:
            ready, _, _ = select.select([main], [], [], 0.5)
            if not ready:
                break
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        assert seen.rstrip().endswith(b"\x1b[?25h\x1b[?1049l")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)


def test_bad_session_id_is_a_clear_error(env):
    out = run(["read", "../../etc/passwd"], env)
    assert out.returncode == 1
    assert "is not a session id" in out.stderr
    assert "Run `cc-tap sessions` for valid session ids." in out.stderr
    assert out.stdout == ""


def test_unknown_session_is_not_found(env):
    out = run(["read", "session_01NoSuchSession000"], env)
    assert out.returncode == 1
    assert "HTTP 404" in out.stderr and "request-id req_" in out.stderr
    assert "Run `cc-tap sessions` for valid session ids." in out.stderr


def test_doctor_reports_without_secrets(env):
    out = run(["doctor"], env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "login: found in env CCTAP_ACCESS_TOKEN" in out.stdout
    assert ORG in out.stdout
    assert "API answers: 31 session(s)" in out.stdout
    assert "✓ stream: /v1/code/sessions/{id}/events/stream ✓ the event stream of cse_" in out.stdout
    assert "presence: off" in out.stdout
    assert TOKEN not in out.stdout + out.stderr


def test_doctor_and_probe_as_json(env, own_emulator):
    """`--json` on doctor and probe: the same checks and sections, as JSON, and no secret in them."""
    out = run(["doctor", "--json"], env)
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["healthy"] is True and all(set(check) == {"ok", "text"} for check in report["checks"])
    assert any(check["text"].startswith("API answers: 31 session(s)") and check["ok"] is True for check in report["checks"])
    assert TOKEN not in out.stdout + out.stderr
    broken = run(["doctor", "--json"], dict(env, CCTAP_BASE_URL="http://127.0.0.1:9"))
    assert broken.returncode == 1 and json.loads(broken.stdout)["healthy"] is False, broken.stdout
    probed = run(["probe", "--stream-seconds", "1", "--json"], dict(env, CCTAP_BASE_URL=own_emulator), timeout=120)
    assert probed.returncode == 0, probed.stdout + probed.stderr
    sections = json.loads(probed.stdout)["sections"]
    assert [section["title"] for section in sections][:2] == ["Routes [PROTOCOL.md §1]", "List paging [PROTOCOL.md §3, paging]"]
    assert all(isinstance(line, str) for section in sections for line in section["lines"])
    assert TOKEN not in probed.stdout + probed.stderr


@pytest.mark.parametrize("dialect, works, fails", [
    ("v2", "/v1/code/sessions ✓", "/v1/sessions ✗ 404"),
    ("v1", "/v1/sessions ✓", "/v1/code/sessions ✗ 404"),
])
def test_doctor_shows_which_routes_answer(dialect, works, fails, tmp_path):
    """Read-only, and healthy (exit 0) whenever one generation serves every operation."""
    for base in running_emulator(dialect):
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG)
        out = run(["doctor"], env)
        assert out.returncode == 0, out.stdout + out.stderr
        sessions = next(line for line in out.stdout.splitlines() if line.startswith("✓ sessions: "))
        assert works in sessions and fails in sessions
        assert re.search(r"^✓ history: .*✓", out.stdout, re.M) and re.search(r"^✓ writes: .*never writes", out.stdout, re.M)
        requests = [r["request"] for r in emulator_call(base, "GET", "/_emulator/requests")["requests"]]
        assert not [r for r in requests if r.startswith("POST")], "doctor wrote"


def test_probe_reports_the_open_questions_redacted(env, own_emulator):
    env["CCTAP_BASE_URL"] = own_emulator
    out = run(["probe", "--stream-seconds", "1"], env, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    for heading in ("Routes", "List paging", "Session object fields", "Event stream frames", "Required headers"):
        assert heading in out.stdout
    assert "cursor=<next_cursor>: honoured" in out.stdout
    assert "page=<next_cursor>: ignored" in out.stdout
    assert "frames: " in out.stdout and "session_update" in out.stdout
    assert "without x-organization-uuid" in out.stdout
    # The late-2026 questions a read can settle (PROTOCOL.md §15, §16): the single read's wrapper, the
    # shapes of external_metadata's values, the peer policy, and the watch's frame names.
    assert "v2 detail wrapped: yes, in response_shape" in out.stdout, out.stdout
    assert re.search(r"external_metadata: .*cross_session_inbound \(string\)", out.stdout), out.stdout
    assert "cross_session_inbound: available" in out.stdout, out.stdout
    assert "Account watch frames" in out.stdout and re.search(r"frames: .*added", out.stdout), out.stdout
    # Redacted: no token, no title, no whole session id.
    assert TOKEN not in out.stdout + out.stderr
    assert "Refactor the billing module" not in out.stdout and "Fix the flaky login test" not in out.stdout
    assert not re.search(r"(cse|session)_01H[A-Za-z0-9]{20,}", out.stdout), out.stdout
    requests = [r["request"] for r in emulator_call(own_emulator, "GET", "/_emulator/requests")["requests"]]
    assert not [r for r in requests if r.startswith("POST")], "probe wrote"


def test_doctor_with_claude_codes_credentials_file(env, tmp_path):
    del env["CCTAP_ACCESS_TOKEN"]
    claude = tmp_path / "home" / ".claude"
    claude.mkdir()
    (claude / ".credentials.json").write_text(json.dumps({
        "claudeAiOauth": {
            "accessToken": TOKEN, "refreshToken": "sk-ant-ort01-secret", "expiresAt": 4102444800000,
            "scopes": ["user:inference", "user:profile", "user:sessions:claude_code"],
        }
    }))
    (claude / ".credentials.json").chmod(0o600)
    out = run(["doctor"], env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "credentials file" in out.stdout
    assert "scope user:sessions:claude_code: present" in out.stdout
    assert TOKEN not in out.stdout and "sk-ant-ort01-secret" not in out.stdout


def test_doctor_refuses_plain_http_to_a_remote_host(env):
    env["CCTAP_BASE_URL"] = "http://api.example.com"
    out = run(["doctor"], env)
    assert out.returncode == 1
    assert "unencrypted" in out.stdout


def test_expired_login_tells_the_fix(env, tmp_path):
    del env["CCTAP_ACCESS_TOKEN"]
    claude = tmp_path / "home" / ".claude"
    claude.mkdir()
    (claude / ".credentials.json").write_text(json.dumps({"claudeAiOauth": {"accessToken": TOKEN, "expiresAt": 1000}}))
    out = run(["sessions"], env)
    assert out.returncode == 1
    assert "expired" in out.stderr and "Run `claude`" in out.stderr


def test_errors_name_the_command_lines_options(env):
    """A refused argument is named as the option a person typed, and the exit code is 1 (the README's)."""
    too_many = run(["read", DEMO, "--last", "5000"], env)
    assert too_many.returncode == 1 and "--last" in too_many.stderr and "last_n" not in too_many.stderr, too_many.stderr
    bypass = run(["mode", DEMO, "bypassPermissions"], env)
    assert bypass.returncode == 1 and "--confirm-bypass" in bypass.stderr and "confirm_bypass" not in bypass.stderr, bypass.stderr
    token = run(["attention", "--resume", "att2.zz", "--timeout", "1"], env)
    assert token.returncode == 1 and "--resume" in token.stderr and "resume_token" not in token.stderr, token.stderr
