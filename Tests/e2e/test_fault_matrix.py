"""The fault matrix (Tests/fault-matrix.json) through every surface: the core (the cc-tap command line,
one process a call), the MCP server over stdio with the official client, and the C ABI (libcctap through
the ctypes binding). The fast tier runs the smoke cells on each; the full tier every cell through the
core. Each run has its own emulator, reads the login from a credentials file, logs at debug level, and
ends by searching everything it saw (results, errors, logs) for every token it used."""
import json
import logging
import os
import subprocess

import anyio
import anyio.from_thread
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from fault_matrix import MATRIX, Outcome, login_dir, run_matrix
from harness import BIN, LIBRARY, ORG, clean_environment, running_emulator

UNKNOWN_OUTCOME = "may or may not have been stored"


@pytest.fixture
def matrix_emulator():
    """An emulator of the matrix's own, serving the matrix's dialect."""
    yield from running_emulator(MATRIX["dialect"])


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
def test_fault_matrix_through_the_core(matrix_emulator, tmp_path, capfd, which):
    login = login_dir(tmp_path)
    env = matrix_env(matrix_emulator, login)
    seen, logs = [], []

    def call(name, arguments):
        done = subprocess.run([str(BIN / "cc-tap"), *CLI_ARGUMENTS[name](arguments), "--json", "--verbose"],
                              env=env, capture_output=True, text=True, timeout=120)
        seen.append(done.stdout)
        logs.append(done.stderr)
        if done.returncode != 0:
            kind = "send_outcome_unknown" if UNKNOWN_OUTCOME in done.stderr else "error"
            return Outcome(False, kind, done.stderr)
        return Outcome(True, result=json.loads(done.stdout))

    failures, printed = run_matrix(matrix_emulator, login, call, f"Fault matrix through the core (cc-tap CLI), {which} cells", which)
    finish(capfd, printed, failures, login, seen, "".join(logs))


def test_fault_matrix_over_mcp(matrix_emulator, tmp_path, capfd):
    login = login_dir(tmp_path)
    env = matrix_env(matrix_emulator, login)
    stderr_path = tmp_path / "server-stderr.log"
    seen = []

    with open(stderr_path, "w") as errlog, anyio.from_thread.start_blocking_portal() as portal:
        transport = stdio_client(StdioServerParameters(command=str(BIN / "cc-tap"), env=env), errlog=errlog)
        with portal.wrap_async_context_manager(Client(transport, read_timeout_seconds=90)) as client:
            def call(name, arguments):
                result = portal.call(client.call_tool, name, arguments)
                text = "\n".join(getattr(c, "text", "") for c in result.content)
                seen.append(text)
                seen.append(json.dumps(result.structured_content))
                if result.is_error:
                    return Outcome(False, "send_outcome_unknown" if UNKNOWN_OUTCOME in text else "error", text)
                return Outcome(True, result=result.structured_content)

            failures, printed = run_matrix(matrix_emulator, login, call, "Fault matrix through the MCP server (stdio), smoke cells", "smoke")
    finish(capfd, printed, failures, login, seen, stderr_path.read_text())


def test_fault_matrix_over_c_abi(matrix_emulator, tmp_path, capfd):
    import cctap

    login = login_dir(tmp_path)
    env = matrix_env(matrix_emulator, login)
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
        with cctap.Client(base_url=matrix_emulator, claude_config_dir=str(login.path.parent), organization_uuid=ORG,
                          request_timeout=MATRIX["request_timeout"], poll_interval=0.1, library=str(LIBRARY)) as client:
            def call(name, arguments):
                try:
                    result = getattr(client, name)(**arguments)
                except cctap.CCTapError as error:
                    seen.append(str(error))
                    kind = "send_outcome_unknown" if isinstance(error, cctap.SendOutcomeUnknownError) else error.status_name
                    return Outcome(False, kind, str(error))
                seen.append(json.dumps(result))
                return Outcome(True, result=result)

            failures, printed = run_matrix(matrix_emulator, login, call, "Fault matrix through the C ABI (libcctap, ctypes), smoke cells", "smoke")
    finally:
        os.environ.clear()
        os.environ.update(saved)
        library_logger.removeHandler(collector)
        library_logger.setLevel(saved_level)
    captured = capfd.readouterr()
    assert captured.out + captured.err == "", "the library wrote to the terminal"
    finish(capfd, printed, failures, login, seen, "\n".join(records))
