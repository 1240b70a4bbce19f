"""The fault matrix (Tests/fault-matrix.json) through the MCP server over stdio and through the C ABI
(libcctap.so via the ctypes binding). Each run has its own emulator, reads the login from a credentials
file, logs at debug level, and ends by searching everything it saw (results, errors, logs) for every
token it used."""
import json
import os

import anyio
import anyio.from_thread
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import BIN, ORG, ROOT, running_emulator
from fault_matrix import MATRIX, Outcome, login_dir, run_matrix

LIBRARY = ROOT / "dist" / "lib" / "libcctap.so.0"


@pytest.fixture
def matrix_emulator():
    """An emulator of its own: the matrix renews logins and archives a session."""
    yield from running_emulator()


def clean_env(base, login):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CCTAP_", "CCR_", "CLAUDE_"))}
    env.update({"CCTAP_BASE_URL": base, "CLAUDE_CONFIG_DIR": str(login.path.parent), "CCR_ORG_UUID": ORG,
                "CCTAP_REQUEST_TIMEOUT": str(MATRIX["request_timeout"]), "CCTAP_POLL_INTERVAL": "0.1",
                "CCTAP_LOG": "debug"})
    return env


def assert_no_token(texts, tokens):
    for text in texts:
        for token in tokens:
            assert token not in text, "a token leaked"
        assert "sk-ant-oat01-" not in text


def test_fault_matrix_over_mcp(matrix_emulator, tmp_path, capfd):
    login = login_dir(tmp_path)
    env = clean_env(matrix_emulator, login)
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
                    kind = "send_outcome_unknown" if "may or may not have been stored" in text else "error"
                    return Outcome(False, kind, text)
                return Outcome(True, result=result.structured_content)

            failures, printed = run_matrix(matrix_emulator, login, call, "Fault matrix through the MCP server (stdio)")
    with capfd.disabled():
        print(printed, flush=True)
    logs = stderr_path.read_text()
    assert "debug" in logs, "debug logging was not on"
    assert_no_token(seen + [logs], login.tokens)
    assert login.unchanged(), "the credentials file was modified"
    assert not failures, failures


def test_fault_matrix_over_c_abi(matrix_emulator, tmp_path, capfd):
    import cctap

    login = login_dir(tmp_path)
    env = clean_env(matrix_emulator, login)
    seen = []
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # CCTAP_LOG for the library's logger
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

            failures, printed = run_matrix(matrix_emulator, login, call, "Fault matrix through the C ABI (libcctap.so, ctypes)")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    captured = capfd.readouterr()
    with capfd.disabled():
        print(printed, flush=True)
    assert "debug" in captured.out + captured.err, "debug logging was not on"
    assert_no_token(seen + [captured.out, captured.err], login.tokens)
    assert login.unchanged(), "the credentials file was modified"
    assert not failures, failures
