"""JSON-RPC 2.0 / MCP wire rules of `cc-tap serve`, as a table (GitHub issue 21, point 8).

Each row is (name, frames written raw to the server's stdin, the answer expected on stdout). Only the
wire is tested, so the rows stay true whatever implements the MCP layer. A reader thread collects the
newline-delimited answers; every wait has a generous deadline, so an answer that never comes fails its
row with a message instead of hanging the suite. After every row the server must still answer a ping
(or, on a connection that was never initialized, an initialize and a tools/list).

Rows that cannot disturb the next share one initialized server process; a row that fails discards it,
so a failure never cascades. The oversize frame, the last line without a newline and the requests
before initialize each get a process of their own.
"""
import json
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional

import pytest

from harness import BIN, emulator_call, settle

DEADLINE = 20.0  # seconds for any one answer: only a missing answer, not a busy machine, reaches it
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "table", "version": "0"}}}
INITIALIZED = b'{"jsonrpc":"2.0","method":"notifications/initialized"}'
SENTINEL = "table:"  # ids of the checks the harness adds; rows never use them
NULL_ID_CANARY = "session_01HTableNullIdCanary00001"
NULL_ID_CONTROL = "session_01HTableNullIdControl0001"


def same(a, b) -> bool:
    """Equal JSON values of the same JSON types (1, 1.0 and true are three different ids)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


# ---------------------------------------------------------------------------------------------------
# The server process, over raw pipes


class Server:
    def __init__(self, env: dict):
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([str(BIN / "cc-tap"), "serve"], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr)
        self.frames: List[Any] = []  # every stdout line, parsed (or {"unparseable": text})
        self.taken: set = set()
        self.eof = False
        self.changed = threading.Condition()
        self.sent = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            if not line.strip():
                continue
            try:
                frame = json.loads(line)
            except ValueError:
                frame = {"unparseable": line[:500].decode(errors="replace")}
            with self.changed:
                self.frames.append(frame)
                self.changed.notify_all()
        with self.changed:
            self.eof = True
            self.changed.notify_all()

    def state(self) -> str:
        code = self.proc.poll()
        self.stderr.seek(0)
        tail = self.stderr.read()[-1500:].decode(errors="replace")
        return f"(server {'running' if code is None else f'exited with {code}'}; stderr tail: {tail!r})"

    def write(self, data: bytes):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError as error:
            pytest.fail(f"writing to the server's stdin failed ({error}) {self.state()}")

    def send(self, frame: bytes):
        self.write(frame + b"\n")

    def close_stdin(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def take(self, match: Callable[[Any], bool], what: str, timeout: float = DEADLINE):
        """The first answer not yet taken that `match`es; fails after `timeout` s or at EOF."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for index, frame in enumerate(self.frames):
                    if index not in self.taken and match(frame):
                        self.taken.add(index)
                        return frame
                left = deadline - time.monotonic()
                if self.eof:
                    pytest.fail(f"no answer for {what}: the server closed stdout first {self.state()}")
                if left <= 0:
                    pytest.fail(f"no answer for {what} within {timeout:.0f} s {self.state()}")
                self.changed.wait(left)

    def untaken(self) -> list:
        with self.changed:
            return [f for i, f in enumerate(self.frames) if i not in self.taken]

    def ping(self):
        """The server survives: a ping still gets its empty result."""
        self.sent += 1
        ident = f"{SENTINEL}alive-{self.sent}"
        self.send(json.dumps({"jsonrpc": "2.0", "id": ident, "method": "ping"}).encode())
        answer = self.take(lambda f: isinstance(f, dict) and same(f.get("id"), ident), "the ping that follows the row")
        assert same(answer.get("result"), {}), f"the ping after the row was not answered with {{}}: {answer}"

    def initialize(self, ident=1):
        self.send(json.dumps(dict(INITIALIZE, id=ident)).encode())
        answer = self.take(lambda f: isinstance(f, dict) and same(f.get("id"), ident), "initialize")
        assert "protocolVersion" in answer.get("result", {}), f"initialize failed: {answer}"
        self.send(INITIALIZED)

    def close(self):
        self.close_stdin()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.stderr.close()


class Pool:
    """One initialized server for the rows that share a process; replaced once a row fails or it died."""

    def __init__(self):
        self.server: Optional[Server] = None

    def get(self, env) -> Server:
        if self.server is not None and (self.server.proc.poll() is not None or self.server.eof):
            self.discard()
        if self.server is None:
            self.server = Server(env)
            self.server.initialize()
        return self.server

    def discard(self):
        if self.server is not None:
            self.server.proc.kill()
            self.server.close()
            self.server = None


@pytest.fixture(scope="module")
def pool():
    shared = Pool()
    yield shared
    shared.discard()


# ---------------------------------------------------------------------------------------------------
# The table


@dataclass
class Answer:
    id: Any  # None: the answer's "id" must be present and null
    codes: tuple = ()  # an error with one of these codes (empty: any code); None: a result
    result: Any = None  # for a result: the exact value, or a predicate
    says: Optional[str] = None  # a word the error message must contain (case-insensitive)


def error(ident, *codes, says=None):
    return Answer(ident, codes, says=says)


def result(ident, value):
    return Answer(ident, None, value)


@dataclass
class Row:
    name: str
    frames: List[bytes]
    answer: Optional[Answer]  # None: no answer at all
    process: str = "shared"  # shared (initialized, reused) | fresh (initialized, own) | bare (own, never initialized)
    eof_after: bool = False  # the last frame goes without its newline and stdin is closed
    oversize: int = 0  # bytes of padding in the one frame streamed before `frames`
    check: Optional[Callable] = field(default=None, repr=False)  # check(server, emulator) after the survival ping


def ping(ident) -> bytes:
    return b'{"jsonrpc":"2.0","id":' + ident + b',"method":"ping"}'


def null_id_call_not_executed(server: Server, emulator: str):
    """The refused call never reached the service; a like call with a real id did (the log works)."""
    server.send(json.dumps({"jsonrpc": "2.0", "id": f"{SENTINEL}control", "method": "tools/call", "params": {
        "name": "get_session_info", "arguments": {"session_id": NULL_ID_CONTROL}}}).encode())
    server.take(lambda f: isinstance(f, dict) and same(f.get("id"), f"{SENTINEL}control"), "the control tools/call")
    settle(emulator)
    requests = [r["request"] for r in emulator_call(emulator, "GET", "/_emulator/requests")["requests"]]
    suffix = lambda sid: sid[len("session_"):]
    assert any(suffix(NULL_ID_CONTROL) in r for r in requests), "the control call reached no service route"
    assert not any(suffix(NULL_ID_CANARY) in r for r in requests), \
        "the tools/call with \"id\": null was executed: the service saw its session"


def tools_listed(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("tools"), list) and len(value["tools"]) > 0


ROWS = [
    # Parse error.
    Row("parse error", [b"{not json"], error(None, -32700)),
    # Invalid Request: id echoed when it is a valid id, else null.
    Row("jsonrpc 1.0", [b'{"jsonrpc":"1.0","id":11,"method":"ping"}'], error(11, -32600)),
    Row("jsonrpc missing", [b'{"id":12,"method":"ping"}'], error(12, -32600)),
    Row("numeric method", [b'{"jsonrpc":"2.0","id":13,"method":5}'], error(13, -32600)),
    Row("numeric method, no id", [b'{"jsonrpc":"2.0","method":5}'], error(None, -32600)),
    Row("jsonrpc 1.0 with an object id", [b'{"jsonrpc":"1.0","id":{"a":1},"method":"ping"}'], error(None, -32600)),
    # Invalid params (after initialize).
    Row("tools/list params 5", [b'{"jsonrpc":"2.0","id":21,"method":"tools/list","params":5}'], error(21, -32602)),
    Row("tools/list params a list", [b'{"jsonrpc":"2.0","id":22,"method":"tools/list","params":[]}'],
        error(22, -32602)),
    Row("tools/call params a string", [b'{"jsonrpc":"2.0","id":23,"method":"tools/call","params":"wrong"}'],
        error(23, -32602)),
    Row("tools/call arguments a list",
        [b'{"jsonrpc":"2.0","id":24,"method":"tools/call","params":{"name":"list_sessions","arguments":[1]}}'],
        error(24, -32602)),
    Row("tools/call arguments a string",
        [b'{"jsonrpc":"2.0","id":25,"method":"tools/call","params":{"name":"list_sessions","arguments":"x"}}'],
        error(25, -32602)),
    Row("tools/call without name", [b'{"jsonrpc":"2.0","id":26,"method":"tools/call","params":{"arguments":{}}}'],
        error(26, -32602)),
    # Ids that are answered with the same id (same JSON type, same digits).
    Row("id string", [ping(b'"s-31"')], result("s-31", {})),
    Row("id string of digits", [ping(b'"32"')], result("32", {})),
    Row("id 0", [ping(b"0")], result(0, {})),
    Row("id negative", [ping(b"-7")], result(-7, {})),
    Row("id 2^53", [ping(b"9007199254740992")], result(2 ** 53, {})),
    Row("id 2^53+1", [ping(b"9007199254740993")], result(2 ** 53 + 1, {})),
    # Ids that are refused.
    Row("id float", [ping(b"1.5")], error(None, -32600)),
    Row("id 2^64", [ping(b"18446744073709551616")], error(None, -32600)),
    Row("id object", [ping(b'{"a":1}')], error(None, -32600)),
    Row("id array", [ping(b"[1]")], error(None, -32600)),
    Row("id true", [ping(b"true")], error(None, -32600)),
    Row("id null is refused and not executed",
        [json.dumps({"jsonrpc": "2.0", "id": None, "method": "tools/call", "params": {
            "name": "get_session_info", "arguments": {"session_id": NULL_ID_CANARY}}}).encode()],
        error(None, -32600), check=null_id_call_not_executed),
    # A notification is never answered, not even when its method is unknown.
    Row("unknown notification", [b'{"jsonrpc":"2.0","method":"notifications/table/no_such_thing","params":{}}'], None),
    # Framing.
    Row("frame over 64 MiB", [], error(None, -32600, -32700), process="fresh", oversize=65 * 1024 * 1024),
    Row("last line without newline, then EOF", [b'{"jsonrpc":"2.0","id":51,"method":"tools/list"}'],
        result(51, tools_listed), process="fresh", eof_after=True),
    # Before initialize (a legacy connection: no 2026 _meta).
    Row("tools/list before initialize", [b'{"jsonrpc":"2.0","id":61,"method":"tools/list"}'],
        error(61, says="initializ"), process="bare"),
    Row("tools/call before initialize",
        [b'{"jsonrpc":"2.0","id":62,"method":"tools/call","params":{"name":"list_sessions","arguments":{}}}'],
        error(62, says="initializ"), process="bare"),
    Row("ping before initialize", [ping(b"63")], result(63, {}), process="bare"),
]


def check_answer(frame, expected: Answer, row: Row):
    where = f"row {row.name!r}: answer {json.dumps(frame)[:600]}"
    assert isinstance(frame, dict) and "unparseable" not in frame, f"{where} is not a JSON object"
    assert same(frame.get("jsonrpc"), "2.0"), f"{where} lacks \"jsonrpc\": \"2.0\""
    assert "id" in frame, f"{where} has no \"id\" member (it must be present, null when unknown)"
    assert same(frame["id"], expected.id), f"{where} has id {frame['id']!r}, expected {expected.id!r}"
    if expected.codes is None:
        assert "error" not in frame and "result" in frame, f"{where} is not a result"
        value = frame["result"]
        ok = expected.result(value) if callable(expected.result) else same(value, expected.result)
        assert ok, f"{where} has an unexpected result"
        return
    assert "result" not in frame and isinstance(frame.get("error"), dict), f"{where} is not an error"
    code, message = frame["error"].get("code"), frame["error"].get("message")
    assert type(code) is int and isinstance(message, str), f"{where}: an error needs an integer code and a message"
    if expected.codes:
        assert code in expected.codes, f"{where} has code {code}, expected {' or '.join(map(str, expected.codes))}"
    if expected.says:
        assert expected.says in message.lower(), f"{where}: the message should say {expected.says!r}"


def stream_oversize(server: Server, padding: int):
    """Writes one line of `padding` + a few bytes, 1 MiB at a time, on a thread of its own."""
    chunk = b"x" * (1 << 20)
    failures = []

    def write():
        try:
            server.proc.stdin.write(b'{"jsonrpc":"2.0","id":41,"method":"ping","params":{"pad":"')
            for _ in range(padding // len(chunk)):
                server.proc.stdin.write(chunk)
            server.proc.stdin.write(chunk[:padding % len(chunk)] + b'"}}\n')
            server.proc.stdin.flush()
        except OSError as error:
            failures.append(error)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    writer.join(timeout=120)
    if writer.is_alive():
        server.proc.kill()
        pytest.fail(f"the server stopped reading stdin during the {padding >> 20} MiB frame {server.state()}")
    if failures:
        pytest.fail(f"writing the {padding >> 20} MiB frame failed ({failures[0]}) {server.state()}")


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_jsonrpc_rule(row: Row, pool: Pool, server_env, emulator):
    own = row.process != "shared"
    server = Server(server_env) if own else pool.get(server_env)
    passed = False
    try:
        if row.process == "fresh":
            server.initialize()
        if row.oversize:
            stream_oversize(server, row.oversize)
        for index, frame in enumerate(row.frames):
            last = index == len(row.frames) - 1
            server.write(frame if (last and row.eof_after) else frame + b"\n")
        if row.eof_after:
            server.close_stdin()
        if row.answer is not None:
            frame = server.take(lambda f: not (isinstance(f, dict) and str(f.get("id")).startswith(SENTINEL)),
                                f"row {row.name!r}")
            check_answer(frame, row.answer, row)
        if row.eof_after:
            try:
                code = server.proc.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                pytest.fail(f"row {row.name!r}: the server did not exit after stdin closed {server.state()}")
            assert code == 0, f"row {row.name!r}: the server exited with {code} {server.state()}"
        elif row.process == "bare":
            # Still serving, and the refusal did not spoil the connection: the handshake then works.
            server.initialize(f"{SENTINEL}initialize")
            server.send(json.dumps({"jsonrpc": "2.0", "id": f"{SENTINEL}list", "method": "tools/list"}).encode())
            listed = server.take(lambda f: isinstance(f, dict) and same(f.get("id"), f"{SENTINEL}list"),
                                 "tools/list after initialize")
            assert tools_listed(listed.get("result")), f"tools/list after initialize failed: {listed}"
        else:
            server.ping()
        if row.check:
            row.check(server, emulator)
        extra = server.untaken()
        assert not extra, f"row {row.name!r}: unexpected answers {json.dumps(extra)[:600]}"
        passed = True
    finally:
        if own:
            if not passed:
                server.proc.kill()
            server.close()
        elif not passed:
            pool.discard()
