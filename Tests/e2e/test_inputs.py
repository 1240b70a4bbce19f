"""Everything a session asks, answered from here, through every surface (the command line, the MCP
server over stdio with the official client, a C host and the Python binding), and stale sessions
pruned (issue 24):

- a dialog (request_user_dialog) completed with a result, and one cancelled: the turn goes on;
- a form (an MCP server's elicitation) accepted with content that fits its schema; content that does
  not, and an action of the wrong kind, refused before anything is sent (the emulator's request log
  shows no post);
- "always allow" sends the prompt's permission_suggestions back, and the same command then runs
  without a prompt while another still asks;
- prune: a dry run names exactly the stale sessions and archives none; a real run archives exactly
  those it names; a running stale session and a recent one stay.

The scripted worker (Sources/CCTapEmulator/ScriptedWorker.swift) asks a dialog on "dialog", a form on
"elicit", and a Bash permission on "run <command>"."""
import json

import pytest

from harness import TOKEN, ORG, clean_environment, emulator_call, run, running_emulator
from hostile_proxy import Surfaces

SURFACES = ["cli", "mcp", "c", "python"]


@pytest.fixture(scope="module")
def late():
    yield from running_emulator()


def environment(base, folder):
    home = folder / "home"
    home.mkdir(exist_ok=True)
    return clean_environment(HOME=str(home), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                             CCTAP_POLL_INTERVAL="0.1")


def fresh_session(base, title, **extra):
    return emulator_call(base, "POST", "/_emulator/sessions", dict({"turns": 1, "title": title}, **extra))["id"]


def tail(session_id):
    """The part of an id both spellings share (session_X / cse_X)."""
    return session_id.split("_", 1)[1]


def posts(base):
    return [line for line in emulator_call(base, "GET", "/_emulator/requests")["requests"] if str(line).startswith("POST")]


def refused(outcome):
    """Refused as bad input: the C library and the binding name the kind; the command line and the MCP
    server say it in words (checked by each test), and neither died."""
    return not outcome.ok and not outcome.died and outcome.kind in (("invalid_argument",) if outcome.surface in ("c", "python")
                                                                     else ("invalid_argument", "error"))


def ask(surfaces, surface, session, text):
    asked = surfaces.call(surface, "send_and_wait", session_id=session, message=text, timeout=60)
    assert asked.ok, str(asked)
    return asked.result


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("action, result, reply", [
    ("complete", "Continue", "you chose Continue"),
    ("cancel", None, "The dialog was cancelled"),
])
def test_a_dialog_is_answered_and_the_turn_goes_on(surface, action, result, reply, late, tmp_path):
    surfaces = Surfaces(None, late, environment(late, tmp_path), tmp_path)
    session = fresh_session(late, f"dialog {action} {surface}")
    asked = ask(surfaces, surface, session, "open a dialog please")
    assert asked["status"] == "waiting_for_input", asked
    dialog = asked["pending_inputs"][0]
    assert dialog["kind"] == "dialog" and dialog["actions"] == ["complete", "cancel"], dialog
    assert dialog["dialog_kind"] == "confirm" and "Continue with the migration?" in dialog["summary"], dialog
    arguments = dict(session_id=session, request_id=dialog["request_id"], action=action)
    if result is not None:
        arguments["result"] = result
    answered = surfaces.call(surface, "respond_to_input", **arguments)
    assert answered.ok, str(answered)
    assert answered.result["status"] == "acknowledged", answered.result
    behavior = answered.result["sent"]["response"]["response"]["behavior"]
    assert behavior == ("completed" if action == "complete" else "cancelled"), answered.result
    done = surfaces.call(surface, "wait_for_reply", session_id=session, cursor=asked["cursor"], timeout=60)
    assert done.ok and done.result["status"] == "complete", str(done)
    assert reply in done.result["reply"] and done.result["pending_inputs"] == [], done.result


@pytest.mark.parametrize("surface", SURFACES)
def test_a_form_takes_fitting_content_and_misfits_are_refused_before_sending(surface, late, tmp_path):
    surfaces = Surfaces(None, late, environment(late, tmp_path), tmp_path)
    session = fresh_session(late, f"form {surface}")
    asked = ask(surfaces, surface, session, "elicit a release target")
    assert asked["status"] == "waiting_for_input", asked
    form = asked["pending_inputs"][0]
    assert form["kind"] == "elicitation" and form["mcp_server_name"] == "deploy-tools", form
    assert form["requested_schema"]["required"] == ["environment"], form
    before = len(posts(late))
    misfit = surfaces.call(surface, "respond_to_input", session_id=session, request_id=form["request_id"],
                           action="accept", result={"environment": "moon", "replicas": 20})
    assert refused(misfit), str(misfit)
    assert "environment must be one of staging, production" in misfit.message, misfit.message
    assert "replicas must be at most 10" in misfit.message, misfit.message
    wrong = surfaces.call(surface, "respond_to_input", session_id=session, request_id=form["request_id"],
                          action="complete", result="x")
    assert refused(wrong) and "accept, decline, cancel" in wrong.message, str(wrong)
    assert len(posts(late)) == before, "a refused answer was sent"
    accepted = surfaces.call(surface, "respond_to_input", session_id=session, request_id=form["request_id"],
                             action="accept", result={"environment": "production", "replicas": 2})
    assert accepted.ok and accepted.result["status"] == "acknowledged", str(accepted)
    done = surfaces.call(surface, "wait_for_reply", session_id=session, cursor=asked["cursor"], timeout=60)
    assert done.ok and "Releasing to production with 2 replicas." in done.result["reply"], str(done)


@pytest.mark.parametrize("surface", SURFACES)
def test_always_allow_keeps_allowing_that_command_and_only_that(surface, late, tmp_path):
    surfaces = Surfaces(None, late, environment(late, tmp_path), tmp_path)
    session = fresh_session(late, f"always {surface}")
    asked = ask(surfaces, surface, session, "run make check")
    prompt = asked["pending_permissions"][0]
    assert prompt["always_allows"] == ["allow Bash(make check) for the rest of this session"], prompt
    answered = surfaces.call(surface, "respond_to_permission", session_id=session, request_id=prompt["request_id"],
                             decision="allow", always=True)
    assert answered.ok and answered.result["always"] is True, str(answered)
    assert answered.result["sent"]["response"]["response"]["updatedPermissions"] == prompt["permission_suggestions"]
    done = surfaces.call(surface, "wait_for_reply", session_id=session, cursor=asked["cursor"], timeout=60)
    assert done.ok and done.result["status"] == "complete", str(done)
    again = ask(surfaces, surface, session, "run make check")
    assert again["status"] == "complete" and "`make check` ran" in again["reply"], again
    other = ask(surfaces, surface, session, "run make clean")
    assert other["status"] == "waiting_for_permission", other


@pytest.mark.parametrize("surface", SURFACES)
def test_prune_names_exactly_the_stale_sessions_and_archives_only_those(surface, tmp_path):
    for base in running_emulator():
        surfaces = Surfaces(None, base, environment(base, tmp_path), tmp_path)

        def session(id):
            info = surfaces.call("cli", "get_session_info", session_id=id)
            assert info.ok, str(info)
            return info.result["session"]

        def prune(**arguments):
            outcome = surfaces.call(surface, "prune_sessions", older_than_days=30, **arguments)
            assert outcome.ok, str(outcome)
            return outcome.result, {tail(s["id"]) for s in outcome.result["sessions"]}

        offline = fresh_session(base, "old, offline", days_ago=40, connected=False)
        online = fresh_session(base, "old, machine on", days_ago=40, connected=True)
        recent = fresh_session(base, "recent", days_ago=3, connected=False)
        # Old, offline, and on a turn: blocked on a prompt its person has not answered.
        waiting = fresh_session(base, "old, waiting on its person")
        asked = surfaces.call("cli", "send_and_wait", session_id=waiting, message="run make deploy", timeout=60)
        assert asked.ok and asked.result["status"] == "waiting_for_permission", str(asked)
        emulator_call(base, "POST", f"/_emulator/sessions/{waiting}/age", {"days_ago": 40, "connected": False})

        shown, named = prune(offline_only=True, dry_run=True)
        assert shown["dry_run"] is True and named == {tail(offline)}, shown
        assert {s["outcome"] for s in shown["sessions"]} == {"would_archive"}
        assert all(session(s)["status"] == "active" for s in (offline, online, recent, waiting))

        done, archived = prune(offline_only=True, dry_run=False)
        assert archived == named and {s["outcome"] for s in done["sessions"]} == {"archived"}, done
        shown, named = prune(dry_run=True)
        assert named == {tail(online)}, shown
        done, archived = prune(dry_run=False)
        assert archived == named, done
        statuses = {s: session(s)["status"] for s in (offline, online, recent, waiting)}
        assert statuses == {offline: "archived", online: "archived", recent: "active", waiting: "active"}, statuses
        assert session(waiting)["worker_status"] == "requires_action"


def test_the_command_line_asks_before_pruning_and_refuses_without_a_terminal(tmp_path):
    for base in running_emulator():
        env = environment(base, tmp_path)
        stale = fresh_session(base, "old", days_ago=40, connected=False)
        # No --yes, no --dry-run, and no terminal to ask on (stdin is not a tty under subprocess).
        done = run(["prune", "--older-than", "30"], env)
        assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
        assert "would archive 1 session(s)" in done.stderr and "--dry-run" in done.stderr and "--yes" in done.stderr
        assert run(["info", stale, "--json"], env).stdout.count('"status" : "active"') == 1
        both = run(["prune", "--older-than", "30", "--dry-run", "--yes"], env)
        assert both.returncode != 0 and "not both" in both.stderr, both.stderr


def test_a_client_that_shows_forms_is_asked_and_the_session_gets_its_persons_choice(late, tmp_path):
    """The official client with an elicitation callback plays the person: send_and_wait meets the remote
    dialog, the server shows it as a form with the dialog's options, and answers the session with the
    option the person picked; the wait then goes on to the turn's end, in the same call."""
    import anyio
    import mcp.types as types
    from mcp import Client, StdioServerParameters
    from mcp.client.stdio import stdio_client

    from harness import BIN

    session = fresh_session(late, "dialog through the client's form")
    forms = []

    async def person(context, params):
        forms.append(params)
        return types.ElicitResult(action="accept", content={"answer": "Stop"})

    async def main():
        env = environment(late, tmp_path)
        with open(tmp_path / "server.log", "w") as errlog:
            transport = stdio_client(StdioServerParameters(command=str(BIN / "cc-tap"), env=env), errlog=errlog)
            async with Client(transport, read_timeout_seconds=120, elicitation_callback=person, mode="legacy") as client:
                return await client.call_tool("send_and_wait", {"session_id": session, "message": "open a dialog please",
                                                                "timeout": 100})

    result = anyio.run(main)
    assert not result.is_error, result
    assert len(forms) == 1, forms
    form = forms[0]
    assert "Continue with the migration?" in form.message, form.message
    assert form.requested_schema["properties"]["answer"]["enum"] == ["Continue", "Stop"], form.requested_schema
    waited = result.structured_content
    assert waited["status"] == "complete" and "you chose Stop" in waited["reply"], waited
    assert "The person answered through this client: complete to request_user_dialog" in waited["hint"], waited["hint"]


def test_the_command_line_archives_what_the_person_agreed_to_on_a_terminal(tmp_path):
    """On a terminal (a pseudo-terminal here), prune lists what would go, asks, and on "y" archives
    exactly those."""
    import os
    import pty
    import subprocess

    from harness import BIN

    for base in running_emulator():
        env = environment(base, tmp_path)
        stale = fresh_session(base, "old, to go", days_ago=40, connected=False)
        leader, follower = pty.openpty()
        proc = subprocess.Popen([str(BIN / "cc-tap"), "prune", "--older-than", "30", "--json"], env=env,
                                stdin=follower, stderr=follower, stdout=subprocess.PIPE)
        os.close(follower)
        seen = b""
        while b"[y/N]" not in seen:
            chunk = os.read(leader, 4096)
            assert chunk, seen
            seen += chunk
        assert tail(stale).encode() in seen, seen
        os.write(leader, b"y\n")
        out, _ = proc.communicate(timeout=60)
        os.close(leader)
        assert proc.returncode == 0, (proc.returncode, out, seen)
        result = json.loads(out)
        assert [(tail(s["id"]), s["outcome"]) for s in result["sessions"]] == [(tail(stale), "archived")], result
        assert '"status" : "archived"' in run(["info", stale, "--json"], env).stdout


def test_a_form_the_person_leaves_open_does_not_hold_the_call(late, tmp_path):
    """A client that shows forms, whose person never answers: send_and_wait returns within its timeout,
    with the request still pending and a cursor, and says the form went unanswered."""
    import anyio
    from mcp import Client, StdioServerParameters
    from mcp.client.stdio import stdio_client

    from harness import BIN

    session = fresh_session(late, "a form nobody answers")

    async def absent(context, params):
        await anyio.sleep(3600)

    async def main():
        env = environment(late, tmp_path)
        with open(tmp_path / "server.log", "w") as errlog:
            transport = stdio_client(StdioServerParameters(command=str(BIN / "cc-tap"), env=env), errlog=errlog)
            async with Client(transport, read_timeout_seconds=120, elicitation_callback=absent, mode="legacy") as client:
                with anyio.fail_after(90):
                    return await client.call_tool("send_and_wait", {"session_id": session, "message": "open a dialog",
                                                                    "timeout": 8})

    result = anyio.run(main)
    waited = result.structured_content
    assert not result.is_error and waited["status"] == "waiting_for_input", result
    assert "did not answer the form" in waited["hint"], waited["hint"]
    assert waited["pending_inputs"][0]["kind"] == "dialog" and waited["cursor"], waited
