"""The Python binding over the real libcctap (ctypes), against the emulator."""
import logging
import threading
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import pytest

import cctap
from harness import LIBRARY, ORG, TOKEN, emulator_call, running_emulator, stats, stored_total, wait_until

DEMO = "session_01HFlakyLoginTestDemo0001"
PENDING = "session_01HPendingPermission0003"
OFFLINE = "session_01HDisconnected00000005"
LONG = "session_01HLongSession5000ev0006"
UNICODE = "session_01HUnicodeTitle000000002"


def test_version_matches_the_package():
    assert cctap.library_version() == cctap.__version__


def test_reads(client):
    sessions = client.list_sessions()
    assert sessions["count"] == 31
    assert all(s["status"] != "archived" for s in client.list_sessions("active")["sessions"])
    info = client.get_session_info(PENDING)
    assert info["pending_permissions"][0]["tool_name"] == "Bash"
    transcript = client.read_session(LONG, last_n=4)
    assert [e["kind"] for e in transcript["entries"]] == ["turn_result", "user", "assistant", "turn_result"]
    events = client.get_session_events(LONG, "user", last_n=3)
    assert [e["type"] for e in events["events"]] == ["user"] * 3


def test_errors_map_to_exceptions(client, emulator):
    with pytest.raises(cctap.NotFoundError) as missing:
        client.get_session_info("session_01NoSuchSession0000")
    assert "404" in str(missing.value) and missing.value.status_name == "CCTAP_E_NOT_FOUND"
    with pytest.raises(cctap.InvalidArgumentError) as bad_id:
        client.read_session("../etc/passwd")
    # Said with this package's methods, not the C functions beneath it.
    assert "Call client.list_sessions() for valid session ids." in str(bad_id.value)
    assert "cctap_" not in str(bad_id.value)
    with pytest.raises(cctap.InvalidArgumentError):
        client.read_session(DEMO, last_n=0)
    with pytest.raises(cctap.InvalidArgumentError):
        client.respond_to_permission(PENDING, "x", "perhaps")
    with pytest.raises(TypeError):
        client.read_session(12345)
    with pytest.raises(cctap.AuthError) as refused:
        with cctap.Client(base_url=emulator, access_token="wrong", organization_uuid=ORG) as other:
            other.list_sessions()
    assert "run `claude`" in str(refused.value) and "wrong" not in str(refused.value)
    with pytest.raises(cctap.InvalidArgumentError):
        cctap.Client(base_url="http://example.com")
    # Durations are checked by the core's one rule, in the words of the option the caller used.
    for bad in (0, 1e9, "30"):
        with pytest.raises(cctap.InvalidArgumentError) as refused:
            cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, request_timeout=bad)
        assert "options_json: request_timeout must be a number of seconds from 0.1 to 600" in str(refused.value)
    with pytest.raises(cctap.InvalidArgumentError) as refused:
        cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.01)
    assert "poll_interval must be a number of seconds from 0.05 to 60 (got 0.01)" in str(refused.value)


def test_closed_client_raises(emulator):
    c = cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG)
    c.close()
    c.close()  # twice is fine
    with pytest.raises(cctap.InvalidHandleError):
        c.list_sessions()


def test_conversation_with_progress_and_permission(client):
    seen = []
    answer = client.send_and_wait(DEMO, "slow python hello", timeout=30, on_progress=lambda p: seen.append(p["reply"]))
    assert answer["status"] == "complete" and "slow python hello" in answer["reply"]
    assert answer["event_source"] == "stream"
    assert seen and all(answer["reply"].startswith(r) for r in seen)

    asked = client.send_and_wait(DEMO, "run pytest -q", timeout=30)
    assert asked["status"] == "waiting_for_permission"
    prompt = asked["pending_permissions"][0]
    answered = client.respond_to_permission(DEMO, prompt["request_id"], "deny", message="use make test")
    assert answered["status"] == "acknowledged"
    done = client.wait_for_reply(DEMO, asked["cursor"], timeout=30)
    assert done["status"] == "complete" and "did not run" in done["reply"]

    sent = client.send_message(DEMO, "on and on until stopped")
    assert client.interrupt(DEMO)["status"] == "acknowledged"
    stopped = client.wait_for_reply(DEMO, sent["cursor"], timeout=30)
    assert stopped["status"] == "interrupted"


@pytest.mark.parametrize("dialect", ["v1", "v2"])
def test_the_other_worlds(dialect):
    """A service with only the older routes, or only the 2026 ones (the shared emulator serves both)."""
    for base in running_emulator(dialect):
        with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1,
                          library=str(LIBRARY)) as c:
            listed = c.list_sessions()
            assert listed["count"] == 31 and listed["complete"]
            answer = c.send_and_wait(DEMO, f"hello in {dialect}", timeout=30)
            assert answer["status"] == "complete" and f"hello in {dialect}" in answer["reply"]
            assert answer["session_id"] == (DEMO if dialect == "v1" else "cse_" + DEMO[len("session_"):])


def test_presence_only_when_asked(emulator):
    """Presence hides the user's phone notifications, so it is off unless the caller says a person watches."""
    def presence_for(session):
        return [p for p in emulator_call(emulator, "GET", "/_emulator/stats")["presence"] if p["session"] == session]

    with cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, library=str(LIBRARY)) as quiet:
        assert quiet.send_and_wait(UNICODE, "nobody is watching", timeout=30)["status"] == "complete"
    assert presence_for(UNICODE) == []
    with cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, library=str(LIBRARY),
                      presence=True) as watched:
        assert watched.send_and_wait(UNICODE, "a person is watching", timeout=30)["status"] == "complete"
    entries = presence_for(UNICODE)
    assert entries and not entries[0]["clear"] and entries[-1]["clear"]
    with pytest.raises(TypeError):
        cctap.Client(base_url=emulator, presence="yes")


@pytest.mark.parametrize("source", ["poll", "poll-v1"])
def test_polling_event_sources(emulator, source):
    with cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, event_source=source) as polled:
        answer = polled.send_and_wait(DEMO, "hello by polling", timeout=30)
    assert answer["status"] == "complete"
    assert answer["event_source"] == source


def test_timeout_then_resume(client):
    first = client.send_and_wait(DEMO, "slow please", timeout=0.2)
    assert first["status"] == "timeout"
    assert first["hint"].endswith(f"Call client.wait_for_reply() with cursor {first['cursor']} to keep waiting.")
    rest = client.wait_for_reply(DEMO, first["cursor"], timeout=30)
    assert rest["status"] == "complete"


def test_cancel_from_another_thread(client, emulator):
    """A wait nobody answers (60 s timeout), cancelled from another thread once its message is stored,
    ends with CancelledError long before its timeout; the client keeps working."""
    message = f"nobody is there {time.monotonic_ns()}"
    outcome = []

    def wait():
        try:
            outcome.append(client.send_and_wait(OFFLINE, message, timeout=60))
        except cctap.CCTapError as error:
            outcome.append(error)

    before = stored_total(stats(emulator))
    waiter = threading.Thread(target=wait)
    waiter.start()
    wait_until(lambda: stored_total(stats(emulator)) > before, "the message to be stored")
    client.cancel()
    waiter.join(timeout=30)  # generous, and still half the wait's own timeout
    assert not waiter.is_alive(), "the cancelled wait went on"
    assert len(outcome) == 1 and isinstance(outcome[0], cctap.CancelledError), outcome
    assert client.list_sessions()["count"] == 31


def test_eight_threads_share_one_client(client):
    def work(i):
        if i % 3 == 0:
            return client.list_sessions()["count"]
        if i % 3 == 1:
            return len(client.read_session(DEMO, last_n=3)["entries"])
        try:
            client.get_session_info("session_01NoSuchSession0000")
        except cctap.NotFoundError:
            return "not found"
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(400)))
    assert results.count(31) == 134 and results.count(3) == 133 and results.count("not found") == 133


def test_progress_callback_cannot_deadlock(client):
    """A blocking call made inside a progress callback is refused instead of hanging."""
    errors = []

    def reenter(_progress):
        try:
            client.list_sessions()
        except cctap.WouldDeadlockError as e:
            errors.append(e)
    answer = client.send_and_wait(DEMO, "slow re-entrant", timeout=30, on_progress=reenter)
    assert answer["status"] == "complete"
    assert errors, "the nested call should have been refused"


def test_every_status_the_library_names_has_its_exception():
    """The exception classes are keyed by cctap_status_name, so they follow the header; none is missing."""
    lib = cctap.load_library(str(LIBRARY))
    names = []
    for code in range(1, 256):
        name = lib.cctap_status_name(code).decode()
        if name == "CCTAP_E_UNKNOWN":
            break
        names.append(name)
    assert names and set(names) == set(cctap._ERRORS)
    assert all(cctap._ERRORS[n] is not cctap.CCTapError for n in names)


def test_an_exception_in_a_progress_callback_surfaces_from_the_call(client):
    class Stop(Exception):
        pass

    def refuse(progress):
        raise Stop(progress["reply"])

    with pytest.raises(Stop):
        client.send_and_wait(DEMO, "slow, with a failing progress callback", timeout=30, on_progress=refuse)
    # The client is fine afterwards.
    assert client.send_and_wait(DEMO, "slow, without a callback", timeout=30)["status"] == "complete"


def test_an_unclosed_client_is_released_when_collected(emulator):
    import gc

    c = cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, library=str(LIBRARY))
    finalizer = c._finalizer
    assert finalizer.alive
    del c
    gc.collect()
    assert not finalizer.alive  # cctap_client_free ran


def test_the_library_is_looked_up_in_a_fixed_order(monkeypatch):
    monkeypatch.setenv("CCTAP_LIBRARY", "/opt/elsewhere/libcctap.so.0")
    order = cctap.search_order()
    assert order[0] == "/opt/elsewhere/libcctap.so.0"
    assert "libcctap.so.0" in order  # the loader's own path, by name
    # Exactly: the variable, the copy inside the package (a wheel's), pkg-config's libdir (if it names
    # one), the loader, this repository's dist/.
    libdir = cctap._pkg_config_libdir()
    bundled = Path(cctap.__file__).resolve().parent / "libcctap.so.0"
    repository_dist = str(Path(cctap.__file__).resolve().parents[3] / "dist" / "lib" / "libcctap.so.0")
    expected = (["/opt/elsewhere/libcctap.so.0"] + ([str(bundled)] if bundled.is_file() else [])
                + ([f"{libdir}/libcctap.so.0"] if libdir else []) + ["libcctap.so.0"])
    assert order[:len(expected)] == expected
    assert order[len(expected):] in ([], [repository_dist])  # nothing found by walking up the tree


def test_library_logs_reach_python_logging_only(capfd, caplog):
    """The library's messages arrive as records of the "cctap" logger, from the level it is enabled
    for, and nothing is written to the terminal. (Only the v1 routes are served, which the client logs
    when it learns it.)"""
    for base in running_emulator("v1"):
        with caplog.at_level(logging.WARNING, logger="cctap"):
            with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1) as quiet:
                quiet.send_and_wait(DEMO, "nobody listens", timeout=30)
        assert [r for r in caplog.records if r.name == "cctap"] == []
        with caplog.at_level(logging.DEBUG, logger="cctap"):
            with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1) as heard:
                heard.send_and_wait(DEMO, "someone listens", timeout=30)
        said = [r.getMessage() for r in caplog.records if r.name == "cctap"]
        # Learning that only the older routes answer is logged at debug level.
        assert any(m.endswith("v1 answered") and r.levelno == logging.DEBUG
                   for r, m in zip([r for r in caplog.records if r.name == "cctap"], said)), said
    captured = capfd.readouterr()
    assert "cctap" not in captured.out + captured.err


def test_wait_for_attention_reports_each_new_prompt_once(client, emulator):
    """A wait on a new session returns when it asks for permission, with the prompt to answer; the
    resume token keeps it from being reported twice; a pending wait is cancellable."""
    created = emulator_call(emulator, "POST", "/_emulator/sessions", {"turns": 0, "title": "attention from Python"})["id"]
    quiet = client.wait_for_attention([created], timeout=0.5)
    assert quiet["status"] == "timeout" and quiet["items"] == []
    assert quiet["hint"].endswith("Call client.wait_for_attention() with this result's resume_token to keep watching.")

    outcome, progress = [], []

    def wait():
        outcome.append(client.wait_for_attention([created], timeout=60, resume_token=quiet["resume_token"],
                                                 on_progress=progress.append))

    waiter = threading.Thread(target=wait)
    waiter.start()
    wait_until(lambda: stats(emulator)["open_watches"] >= 1, "the account watch to open")
    client.send_message(created, "please ask permission to run ls")
    waiter.join(timeout=60)
    assert not waiter.is_alive()
    result = outcome[0]
    assert result["status"] == "attention" and result["source"] == "watch"
    [item] = result["items"]
    assert item["reason"] == "permission" and item["session"]["attention_reason"] == "permission"
    [prompt] = item["pending_permissions"]
    assert prompt["request_id"] in [p["request_id"] for p in client.get_session_info(created)["pending_permissions"]]

    # Told once: the same prompt is not news for a wait given the new token.
    again = client.wait_for_attention([created], timeout=0.5, resume_token=result["resume_token"])
    assert again["status"] == "timeout"
    client.respond_to_permission(created, prompt["request_id"], "allow")

    calm = emulator_call(emulator, "POST", "/_emulator/sessions", {"turns": 0, "title": "nothing happens here"})["id"]
    cancelled, underway = [], []

    def pending():
        try:
            client.wait_for_attention([calm], timeout=60, on_progress=underway.append)
        except cctap.CCTapError as error:
            cancelled.append(error)

    waiter = threading.Thread(target=pending)
    waiter.start()
    wait_until(lambda: underway, "the wait to report progress")
    assert underway[0]["sessions_watched"] == 1 and underway[0]["source"] == "watch"
    client.cancel()
    waiter.join(timeout=30)
    assert not waiter.is_alive() and len(cancelled) == 1 and isinstance(cancelled[0], cctap.CancelledError)

    with pytest.raises(cctap.InvalidArgumentError):
        client.wait_for_attention(["cse_01HNoSuchSession0099"], timeout=1)
    with pytest.raises(TypeError):
        client.wait_for_attention(["a,b"], timeout=1)


def test_steering(emulator):
    """Mode and model go to the worker, which acknowledges them; the title, read mark and archive are
    applied by the service; bypass needs its confirmation, and only a real True gives it."""
    created = emulator_call(emulator, "POST", "/_emulator/sessions", {"turns": 1, "title": "steer me"})["id"]
    with cctap.Client(base_url=emulator, access_token=TOKEN, organization_uuid=ORG, library=str(LIBRARY)) as client:
        assert client.set_permission_mode(created, "plan")["status"] == "acknowledged"
        with pytest.raises(cctap.InvalidArgumentError, match="confirm"):
            client.set_permission_mode(created, "bypassPermissions", confirm_bypass="yes")
        assert client.set_permission_mode(created, "bypassPermissions", confirm_bypass=True)["status"] == "acknowledged"
        assert client.set_model(created, "claude-opus-4-8")["status"] == "acknowledged"
        assert client.get_session_info(created)["session"]["model"] == "claude-opus-4-8"
        assert client.rename_session(created, "steered")["status"] == "applied"
        assert client.mark_read(created)["status"] == "applied"
        assert client.get_session_info(created)["session"]["needs_attention"] is False
        first = client.archive_session(created)
        assert first["status"] == "applied" and "detail" not in first
        again = client.archive_session(created)
        assert again["status"] == "applied" and again["detail"] == "it was already archived"
        assert client.get_session_info(created)["session"]["status"] == "archived"


def test_wait_for_attention_polls_where_the_watch_is_refused():
    for base in running_emulator("v2", "--no-watch"):
        created = emulator_call(base, "POST", "/_emulator/sessions", {"turns": 0, "title": "polled"})["id"]
        with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, library=str(LIBRARY)) as client:
            quiet = client.wait_for_attention([created], timeout=0.5)
            outcome = []
            waiter = threading.Thread(target=lambda: outcome.append(client.wait_for_attention(
                [created], timeout=60, resume_token=quiet["resume_token"])))
            waiter.start()
            client.send_message(created, "permission to run ls?")
            waiter.join(timeout=60)
            assert outcome and outcome[0]["source"] == "poll"
            assert outcome[0]["items"][0]["reason"] == "permission"
