"""The fault matrix (Tests/fault-matrix.json) through every surface: the core (the cc-tap command line,
one process a call), the MCP server over stdio with the official client, and the C ABI (libcctap through
the ctypes binding). The fast tier runs the smoke cells on each; the full tier every cell through the
core. Each run has its own emulator, with a hostile proxy in front that the clients talk to (pass-through
unless a cell sets a proxy rule), reads the login from a credentials file, logs at debug level, and ends by
searching everything it saw (results, errors, logs) for every token it used. A call that does not return
within a generous bound is a failed cell, not a hung run."""
import json
import logging
import os
import subprocess
import threading

import anyio
import anyio.from_thread
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from fault_matrix import MATRIX, Outcome, login_dir, run_matrix
from harness import BIN, LIBRARY, ORG, clean_environment
from hostile_proxy import hostile_service

UNKNOWN_OUTCOME = "may or may not have been stored"


# Longer than any call of a cell takes (a send_and_wait's 40 s included); a call still running then hung.
BOUND = 120


@pytest.fixture
def matrix_service():
    """(emulator base, proxy): an emulator of the matrix's own, serving the matrix's dialect, and the
    hostile proxy in front of it that the clients talk to."""
    for proxy, base, _ in hostile_service(MATRIX["dialect"]):
        yield base, proxy


def matrix_env(base, login):
    return clean_environment(CCTAP_BASE_URL=base, CLAUDE_CONFIG_DIR=str(login.path.parent), CCR_ORG_UUID=ORG,
                             CCTAP_REQUEST_TIMEOUT=str(MATRIX["request_timeout"]), CCTAP_POLL_INTERVAL="0.1",
                             CCTAP_LOG="debug", CCTAP_PRESENCE="1")


def finish(capfd, printed, failures, login, seen, logs):
    """What every surface's run ends with: its table printed, debug logging shown to have been on, no
    token in anything it saw or logged, the credentials file as the test last wrote it, no failed cell."""
    with capfd.disabled():
        print(printed, flush=True)
    assert "debug" in logs, "debug logging was not on"
    for text in seen + [logs]:
        for token in login.tokens:
            assert token not in text, "a token leaked"
        assert "sk-ant-oat01-" not in text
    assert login.unchanged(), "the credentials file was modified"
    assert not failures, failures


CLI_ARGUMENTS = {
    "list_sessions": lambda a: ["sessions"],
    "get_session_info": lambda a: ["info", a["session_id"]],
    "read_session": lambda a: ["read", a["session_id"]],
    "send_message": lambda a: ["send", a["session_id"], a["message"]],
    "send_and_wait": lambda a: ["send", a["session_id"], a["message"], "--wait", "--timeout", str(a["timeout"])],
}


@pytest.mark.parametrize("which", ["smoke", pytest.param("all", marks=pytest.mark.full)])
def test_fault_matrix_through_the_core(matrix_service, tmp_path, capfd, which):
    emulator, proxy = matrix_service
    login = login_dir(tmp_path)
    env = matrix_env(proxy.base, login)
    seen, logs = [], []

    def call(name, arguments):
        try:
            done = subprocess.run([str(BIN / "cc-tap"), *CLI_ARGUMENTS[name](arguments), "--json", "--verbose"],
                                  env=env, capture_output=True, text=True, timeout=BOUND)
        except subprocess.TimeoutExpired:
            return Outcome(False, "hung", f"no answer within {BOUND} s")
        seen.append(done.stdout)
        logs.append(done.stderr)
        if done.returncode < 0 or done.returncode >= 128:
            return Outcome(False, "crashed", f"exit status {done.returncode}: {done.stderr[-300:]}")
        if done.returncode != 0:
            kind = "send_outcome_unknown" if UNKNOWN_OUTCOME in done.stderr else "error"
            return Outcome(False, kind, done.stderr)
        return Outcome(True, result=json.loads(done.stdout))

    failures, printed = run_matrix(emulator, proxy, login, call, f"Fault matrix through the core (cc-tap CLI), {which} cells",
                                   which)
    finish(capfd, printed, failures, login, seen, "".join(logs))


def test_fault_matrix_over_mcp(matrix_service, tmp_path, capfd):
    emulator, proxy = matrix_service
    login = login_dir(tmp_path)
    env = matrix_env(proxy.base, login)
    stderr_path = tmp_path / "server-stderr.log"
    seen = []

    with open(stderr_path, "w") as errlog, anyio.from_thread.start_blocking_portal() as portal:
        transport = stdio_client(StdioServerParameters(command=str(BIN / "cc-tap"), env=env), errlog=errlog)
        with portal.wrap_async_context_manager(Client(transport, read_timeout_seconds=BOUND)) as client:
            def call(name, arguments):
                try:
                    result = portal.call(client.call_tool, name, arguments)
                except Exception as error:  # noqa: BLE001 - no answer in time, or the server died
                    return Outcome(False, "no answer", repr(error)[:300])
                text = "\n".join(getattr(c, "text", "") for c in result.content)
                seen.append(text)
                seen.append(json.dumps(result.structured_content))
                if result.is_error:
                    return Outcome(False, "send_outcome_unknown" if UNKNOWN_OUTCOME in text else "error", text)
                return Outcome(True, result=result.structured_content)

            failures, printed = run_matrix(emulator, proxy, login, call, "Fault matrix through the MCP server (stdio), smoke cells",
                                           "smoke")
    finish(capfd, printed, failures, login, seen, stderr_path.read_text())


def test_fault_matrix_over_c_abi(matrix_service, tmp_path, capfd):
    import cctap

    emulator, proxy = matrix_service
    login = login_dir(tmp_path)
    env = matrix_env(proxy.base, login)
    seen = []
    # The library logs through the binding into Python's logging (never to the terminal): collect
    # the "cctap" logger's records at debug level.
    records = []
    collector = logging.Handler()
    collector.emit = lambda record: records.append(f"{record.levelname.lower()} {record.getMessage()}")
    library_logger = logging.getLogger("cctap")
    saved_level = library_logger.level
    library_logger.addHandler(collector)
    library_logger.setLevel(logging.DEBUG)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        with cctap.Client(base_url=proxy.base, claude_config_dir=str(login.path.parent), organization_uuid=ORG,
                          request_timeout=MATRIX["request_timeout"], poll_interval=0.1, library=str(LIBRARY)) as client:
            def blocking_call(name, arguments):
                try:
                    result = getattr(client, name)(**arguments)
                except cctap.CCTapError as error:
                    seen.append(str(error))
                    kind = "send_outcome_unknown" if isinstance(error, cctap.SendOutcomeUnknownError) else error.status_name
                    return Outcome(False, kind, str(error))
                seen.append(json.dumps(result))
                return Outcome(True, result=result)

            def call(name, arguments):
                # On a thread of its own, so a call that never returns fails its cell instead of hanging
                # the run (the proxy's close ends what it holds).
                outcome = []
                worker = threading.Thread(target=lambda: outcome.append(blocking_call(name, arguments)), daemon=True)
                worker.start()
                worker.join(BOUND)
                return outcome[0] if outcome else Outcome(False, "hung", f"no answer within {BOUND} s")

            failures, printed = run_matrix(emulator, proxy, login, call,
                                           "Fault matrix through the C ABI (libcctap, ctypes), smoke cells", "smoke")
    finally:
        os.environ.clear()
        os.environ.update(saved)
        library_logger.removeHandler(collector)
        library_logger.setLevel(saved_level)
    captured = capfd.readouterr()
    assert captured.out + captured.err == "", "the library wrote to the terminal"
    finish(capfd, printed, failures, login, seen, "\n".join(records))
