"""A hostile (or merely broken) service in front of an emulator, for issue 21: a threaded HTTP/1.1
proxy on 127.0.0.1 that forwards every request verbatim and relays the answer as it arrives (event
streams included), unless a rule set by the test says to misbehave on that request:

  drip            forward; send the answer's head, then its body one byte per `interval` s (default 1)
  stall           forward; send the head and the first `bytes` (default 3; never the whole body) of the
                  body, then nothing until the client goes away or clear()/close() releases it
  store_late      answer at once with `status` (504 default, 503, or "reset": close with no answer) and
                  forward the request `delay` s later (default 1.5) in the background: a gateway timeout
  ok_not_stored   answer `status` (200) with the raw `body` without forwarding
  echo_headers    answer `status` (500) with a body echoing the request's headers, as `format` "json"
                  (an Anthropic error) or "html" (a proxy's error page)
  retry_after     answer 429 with an Anthropic error and the raw `Retry-After: value`
  keepalive_only  answer 200 text/event-stream with `: keepalive` every `interval` s (default 1), no event
  rewrite         forward, and replace the bytes `find` by `replace` in the answer (Content-Length fixed;
                  an event stream is rewritten line by line)

    proxy = HostileProxy(emulator_base)
    rule = proxy.add_rule("stall", method="GET", path=LIST)
    ... the client calls proxy.base ...
    proxy.requests            # every request seen: method, path, query, headers, body
    rule.hits                 # how many requests the rule acted on
    proxy.clear()             # drop the rules, release stalled answers
    proxy.close()

Every answer the proxy gives carries `Connection: close`, so each request has a connection of its own
and a rule never hits a request that a pooled connection carried unexpectedly. The emulator's control
routes are not proxied; tests call them on the emulator directly.

Beside the proxy: hostile_service() (an emulator of its own with a proxy in front, for fixtures), and
Surfaces, which makes one call through the command line, the MCP server, the C library (through
bindings/c/tests/hostile_host.c) or the Python binding, each in a process of its own, and says what it
came to (Outcome): whether the process survived, the result or the error's kind and message, and
everything it printed or logged, for the secret search. test_hostile.py, test_secrets.py and the fault
matrix (fault_matrix.py) use them."""
import http.client
import json
import os
import re
import select
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from harness import BIN, DIST, LIBRARY, ORG, ROOT, TOKEN, emulator_call, start_emulator, wait_until

# Path patterns of the routes cc-tap uses (the 2026 generation), for rules.
LIST = r"^/v1/code/sessions$"
SESSION = r"^/v1/code/sessions/(?!watch$)[^/]+$"
EVENTS = r"^/v1/code/sessions/[^/]+/events$"
STREAM = r"^/v1/code/sessions/[^/]+/events/stream$"
PRESENCE = r"^/v1/code/sessions/[^/]+/client/presence$"
WATCH = r"^/v1/code/sessions/watch$"

MODES = ("drip", "stall", "store_late", "ok_not_stored", "echo_headers", "retry_after", "keepalive_only", "rewrite")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass
class Rule:
    """What to do to requests with `method` (any if None) whose path matches the regex `path`, for
    the first `times` of them (all if None)."""
    mode: str
    method: Optional[str] = None
    path: str = ".*"
    times: Optional[int] = None
    params: Dict = field(default_factory=dict)
    hits: int = 0
    # For rewrite: how many times `find` was replaced in what went out.
    replaced: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        return re.search(self.path, path) is not None


@dataclass
class Seen:
    """A request as the proxy received it."""
    method: str
    path: str
    query: str
    headers: List[Tuple[str, str]]
    body: bytes

    def header(self, name: str) -> Optional[str]:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class HostileProxy:
    def __init__(self, upstream: str):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port or 80)
        self._lock = threading.Lock()
        self._rules: List[Rule] = []
        self._requests: List[Seen] = []
        self._release = threading.Event()  # set: stalled and dripping answers end
        self._closed = threading.Event()
        self._sockets: set = set()
        self._late: List[threading.Thread] = []
        proxy = self

        class Handler(ProxyHandler):
            owner = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    # The test's API

    def add_rule(self, mode: str, method: Optional[str] = None, path: str = ".*", times: Optional[int] = None,
                 **params) -> Rule:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        rule = Rule(mode, method, path, times, params)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Drops every rule and releases the answers held by stall, drip and keepalive_only (their
        connections are closed). Forwards that store_late scheduled still happen."""
        with self._lock:
            self._rules.clear()
            self._release.set()
            self._release = threading.Event()

    def forget(self) -> None:
        """Forgets the requests seen so far."""
        with self._lock:
            self._requests.clear()

    @property
    def requests(self) -> List[Seen]:
        with self._lock:
            return list(self._requests)

    def posts(self, session: Optional[str] = None, path: str = EVENTS) -> List[Seen]:
        """The POSTs seen to paths matching `path` (by default a session's events: sends), only those
        to `session` (in any spelling: session_X, cse_X) when given."""
        suffix = session.split("_", 1)[-1] if session else ""
        return [r for r in self.requests
                if r.method == "POST" and re.search(path, r.path) and (not session or f"_{suffix}/" in r.path)]

    def late_forwards_done(self, timeout: float = 60) -> None:
        """Waits until every forward store_late scheduled has been answered by the emulator."""
        def done():
            with self._lock:
                return all(not t.is_alive() for t in self._late)
        wait_until(done, "the proxy's late forwards to reach the emulator", timeout)

    def close(self) -> None:
        self._closed.set()
        self.clear()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.close()
            except OSError:
                pass

    # For the handler

    def _take(self, seen: Seen) -> Tuple[Optional[Rule], threading.Event]:
        with self._lock:
            self._requests.append(seen)
            for rule in self._rules:
                if rule.matches(seen.method, seen.path):
                    rule.hits += 1
                    return rule, self._release
            return None, self._release

    def _track(self, sock, add: bool) -> None:
        with self._lock:
            (self._sockets.add if add else self._sockets.discard)(sock)

    def _schedule_late(self, seen: Seen, delay: float) -> None:
        def later():
            if self._closed.wait(delay):
                return
            try:
                connection, response = self._forward(seen, timeout=30)
                response.read()
                connection.close()
            except OSError:
                pass

        thread = threading.Thread(target=later, daemon=True)
        with self._lock:
            self._late = [t for t in self._late if t.is_alive()] + [thread]
        thread.start()

    def _forward(self, seen: Seen, timeout: Optional[float]):
        connection = http.client.HTTPConnection(*self.upstream, timeout=timeout)
        target = seen.path + (f"?{seen.query}" if seen.query else "")
        connection.putrequest(seen.method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in seen.headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                connection.putheader(name, value)
        if seen.body or seen.method in ("POST", "PUT", "PATCH"):
            connection.putheader("Content-Length", str(len(seen.body)))
        connection.putheader("Connection", "close")
        connection.endheaders(seen.body or None)
        return connection, connection.getresponse()


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: HostileProxy

    def log_message(self, *args) -> None:  # quiet
        pass

    def handle(self) -> None:
        self.owner._track(self.connection, True)
        try:
            super().handle()
        except OSError:
            pass  # the client went away, or close() closed it
        finally:
            self.owner._track(self.connection, False)

    def do_GET(self): self._proxy()
    def do_POST(self): self._proxy()
    def do_PUT(self): self._proxy()
    def do_PATCH(self): self._proxy()
    def do_DELETE(self): self._proxy()
    def do_HEAD(self): self._proxy()

    # Reading the request

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _proxy(self) -> None:
        self.close_connection = True
        path, _, query = self.path.partition("?")
        seen = Seen(self.command, path, query, list(self.headers.items()), self._body())
        rule, release = self.owner._take(seen)
        mode = rule.mode if rule else None
        p = rule.params if rule else {}
        if mode == "store_late":
            self.owner._schedule_late(seen, float(p.get("delay", 1.5)))
            status = p.get("status", 504)
            if status == "reset":
                return self._reset()
            return self._answer(int(status), *gateway_error(int(status)))
        if mode == "ok_not_stored":
            return self._answer(int(p.get("status", 200)), p.get("body", "{}").encode(), "application/json")
        if mode == "echo_headers":
            return self._answer(int(p.get("status", 500)), *echoed(seen, p.get("format", "json")),
                                extra=[("request-id", seen.header("Authorization") or "req_echo")])
        if mode == "retry_after":
            body = json.dumps({"type": "error", "error": {"type": "rate_limit_error", "message": "Rate limited"},
                               "request_id": "req_hostile_429"}).encode()
            return self._answer(429, body, "application/json", extra=[("Retry-After", str(p["value"]))])
        if mode == "keepalive_only":
            return self._keepalives(float(p.get("interval", 1.0)), release)
        try:
            connection, response = self.owner._forward(seen, timeout=None if re.search(r"/stream$|/watch$", path) else 60)
        except OSError:
            return self._reset()
        try:
            head = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            streaming = "text/event-stream" in (response.getheader("Content-Type") or "")
            if mode in ("drip", "stall") and streaming:
                return self._slow_stream(response, head, mode, p, release)
            if mode in ("drip", "stall"):
                body = response.read()
                return self._slow(response.status, response.reason, head, body, mode, p, release)
            if mode == "rewrite":
                find, replace = as_bytes(p["find"]), as_bytes(p["replace"])

                def rewritten(data: bytes) -> bytes:
                    rule.replaced += data.count(find)
                    return data.replace(find, replace)
                if not streaming:
                    return self._answer(response.status, rewritten(response.read()), None, head=head, reason=response.reason)
                return self._relay_stream(response, head, rewritten)
            if streaming or response.getheader("Content-Length") is None:
                return self._relay_stream(response, head, None)
            self._head(response.status, response.reason, head, length=int(response.getheader("Content-Length")))
            while True:
                chunk = response.read1(65536)
                if not chunk:
                    break
                self.wfile.write(chunk)
        finally:
            connection.close()

    # Answering

    def _head(self, status: int, reason: Optional[str], headers, length: Optional[int]) -> None:
        self.send_response_only(status, reason)
        for name, value in headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()

    def _answer(self, status: int, body: bytes, content_type: Optional[str], extra=(), head=None, reason=None) -> None:
        headers = list(head or [])
        if content_type:
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"] + [("Content-Type", content_type)]
        headers += list(extra)
        if not any(k.lower() == "request-id" for k, _ in headers):
            headers.append(("request-id", "req_hostile_proxy"))
        self._head(status, reason, headers, length=len(body))
        self.wfile.write(body)

    def _chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _relay_stream(self, response, head, rewrite) -> None:
        """Relays a body of unknown length (an event stream) chunk by chunk as it arrives; with
        `rewrite`, line by line (server-sent events are lines)."""
        self._head(response.status, response.reason, head, length=None)
        done = threading.Event()
        threading.Thread(target=self._end_upstream_when_client_leaves, args=(response, done), daemon=True).start()
        try:
            self._relay_lines(response, rewrite)
        finally:
            done.set()

    def _end_upstream_when_client_leaves(self, response, done: threading.Event) -> None:
        """A relayed stream ends as soon as its client goes away, not at the emulator's next keepalive."""
        while not done.is_set() and not self._client_gone(0.05):
            pass
        if not done.is_set():
            try:
                response.fp.raw._sock.shutdown(socket.SHUT_RDWR)
            except (AttributeError, OSError):
                pass

    def _client_gone(self, seconds: float) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], seconds)
            # The request was read whole; whatever the client sends now is ignored, and nothing is its close.
            return bool(readable) and not self.connection.recv(4096)
        except (OSError, ValueError):
            return True

    def _relay_lines(self, response, rewrite) -> None:
        pending = b""
        while True:
            try:
                chunk = response.read1(65536)
            except (OSError, ValueError, http.client.HTTPException):
                return
            if not chunk:
                break
            if rewrite is None:
                self._chunk(chunk)
                continue
            pending += chunk
            lines = pending.split(b"\n")
            pending = lines.pop()
            self._chunk(b"".join(rewrite(line) + b"\n" for line in lines))
        if pending:
            self._chunk(rewrite(pending) if rewrite else pending)
        self.wfile.write(b"0\r\n\r\n")

    def _slow(self, status, reason, head, body: bytes, mode: str, p: dict, release: threading.Event) -> None:
        self._head(status, reason, head, length=len(body))
        if mode == "stall":
            # Never the whole body, however short (a post's answer is `{}`).
            self.wfile.write(body[:max(0, min(int(p.get("bytes", 3)), len(body) - 1))])
            self._hold(release, None)
            return
        interval = float(p.get("interval", 1.0))
        for index in range(len(body)):
            self.wfile.write(body[index:index + 1])
            if index + 1 < len(body) and self._hold(release, interval):
                return

    def _slow_stream(self, response, head, mode: str, p: dict, release: threading.Event) -> None:
        """stall or drip on an answer that never ends (an event stream): what the emulator sends is
        passed on as the rule says, read from it only as fast as it goes out."""
        self._head(response.status, response.reason, head, length=None)
        if mode == "stall":
            wanted = int(p.get("bytes", 3))
            sent = b""
            while len(sent) < wanted:
                chunk = response.read1(wanted - len(sent))
                if not chunk:
                    break
                sent += chunk
            self._chunk(sent)
            self._hold(release, None)
            return
        interval = float(p.get("interval", 1.0))
        while True:
            byte = response.read(1)
            if not byte:
                return
            self._chunk(byte)
            if self._hold(release, interval):
                return

    def _hold(self, release: threading.Event, seconds: Optional[float]) -> bool:
        """Sends nothing for `seconds` (forever if None); True when it ended because the client
        closed the connection or the test released held answers."""
        waited = 0.0
        while seconds is None or waited < seconds:
            if release.is_set() or self.owner._closed.is_set():
                return True
            step = 0.05 if seconds is None else min(0.05, seconds - waited)
            if self._client_gone(step):
                return True
            waited += step
        return False

    def _keepalives(self, interval: float, release: threading.Event) -> None:
        self._head(200, "OK", [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")], length=None)
        while True:
            self._chunk(b": keepalive\n\n")
            if self._hold(release, interval):
                return

    def _reset(self) -> None:
        """Closes the connection with a TCP reset and no answer."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.connection.close()


def as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def gateway_error(status: int) -> Tuple[bytes, str]:
    """What a gateway answers when the service behind it did not answer in time (or is unavailable)."""
    if status == 504:
        return (b"<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1>"
                b"</center><hr><center>nginx</center></body></html>", "text/html")
    body = {"type": "error", "error": {"type": "overloaded_error" if status == 529 else "api_error",
                                       "message": "upstream connect error or disconnect/reset before headers"}}
    return json.dumps(body).encode(), "application/json"


def echoed(seen: Seen, form: str) -> Tuple[bytes, str]:
    """An error body that repeats every header of the request, the Authorization one included."""
    text = "; ".join(f"{name}: {value}" for name, value in seen.headers)
    bearer = seen.header("Authorization") or ""
    if form == "html":
        page = (f"<html><head><title>{text}</title></head><body><h1>Bad gateway</h1><p>Request was sent with {bearer}</p>"
                f"<pre>{text}</pre></body></html>")
        return page.encode(), "text/html; charset=utf-8"
    body = {"type": "error", "error": {"type": "api_error", "message": text}, "request_id": bearer,
            "detail": f"rejected {bearer}"}
    return json.dumps(body).encode(), "application/json"


# Payloads for `rewrite`: raw JSON text to put where a string was.
LONE_SURROGATE = '"bad \\ud800 title"'
TERMINAL_ESCAPES = '"\\u001b[2J\\u001b]0;pwned\\u0007 x\\u0000y"'


def deep_nesting(depth: int = 700) -> str:
    """An array/object nested `depth` deep, as JSON text."""
    return '{"a":' * (depth // 2) + "[" * (depth - depth // 2) + "1" + "]" * (depth - depth // 2) + "}" * (depth // 2)


def hostile_service(dialect: str = "v2", *extra: str):
    """Yields (proxy, emulator base URL, proxy base URL): an emulator of its own (serving only the 2026
    routes by default, so no fault is routed around) with a pass-through proxy in front."""
    proc, base = start_emulator(dialect, *extra)
    proxy = HostileProxy(base)
    try:
        yield proxy, base, proxy.base
    finally:
        try:
            proxy.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)


# Driving each surface through the proxy. Every call is made by a process of its own, so a crash of
# the code under test is seen as that process dying (a signal, or an exit code above 127), never as
# pytest dying; each call records everything its process printed or logged, for the secret search.

SURFACES = ("cli", "mcp", "c", "python")
# The way a signal shows in an exit status: negative from subprocess, or 128 + the signal from a shell.
SIGNALLED = range(128, 256)
# Long enough for four attempts of 2 s each with their backoff; a hang before the fix ran > 100 s.
BOUND = 90
# Where the C host is built: beside the other C test programs built against the same library.
C_HOST_SOURCE = ROOT / "bindings" / "c" / "tests" / "hostile_host.c"
C_HOST = ROOT / "bindings" / "c" / "build" / DIST.name / "hostile_host"

_CLI_ARGUMENTS = {
    "list_sessions": lambda a: ["sessions"],
    "get_session_info": lambda a: ["info", a["session_id"]],
    "read_session": lambda a: ["read", a["session_id"]],
    "send_message": lambda a: ["send", a["session_id"], a["message"]],
    "send_and_wait": lambda a: ["send", a["session_id"], a["message"], "--wait", "--timeout", str(a.get("timeout", 30))],
    "wait_for_reply": lambda a: ["wait", a["session_id"], "--cursor", a["cursor"], "--timeout", str(a.get("timeout", 30))],
    "respond_to_permission": lambda a: ["respond", a["session_id"], a["request_id"], a["decision"],
                                        *(["--always"] if a.get("always") else [])],
    "respond_to_input": lambda a: ["respond-input", a["session_id"], a["request_id"], a["action"],
                                   *(["--result", json.dumps(a["result"])] if "result" in a else [])],
    "prune_sessions": lambda a: ["prune", "--older-than", str(a["older_than_days"]),
                                 *(["--offline-only"] if a.get("offline_only") else []),
                                 "--dry-run" if a.get("dry_run", True) else "--yes"],
}
_C_ARGUMENTS = {
    "list_sessions": lambda a: ["list"],
    "get_session_info": lambda a: ["info", a["session_id"]],
    "read_session": lambda a: ["read", a["session_id"]],
    "send_message": lambda a: ["send", a["session_id"], a["message"]],
    "send_and_wait": lambda a: ["send_and_wait", a["session_id"], a["message"], str(a.get("timeout", 30))],
    "wait_for_reply": lambda a: ["wait", a["session_id"], a["cursor"], str(a.get("timeout", 30))],
    "respond_to_permission": lambda a: ["respond", a["session_id"], a["request_id"],
                                        "always" if a.get("always") else a["decision"]],
    "respond_to_input": lambda a: ["respond_input", a["session_id"], a["request_id"], a["action"],
                                   *([json.dumps(a["result"])] if "result" in a else [])],
    "prune_sessions": lambda a: ["prune", str(a["older_than_days"]), "1" if a.get("offline_only") else "0",
                                 "1" if a.get("dry_run", True) else "0",
                                 *([",".join(a["session_ids"])] if a.get("session_ids") else [])],
}
# The arguments each operation takes (the others a test passes are dropped: MCP refuses them).
_TAKES = {
    "new": (), "list_sessions": ("status_filter",), "get_session_info": ("session_id",), "read_session": ("session_id",),
    "send_message": ("session_id", "message"), "send_and_wait": ("session_id", "message", "timeout"),
    "wait_for_reply": ("session_id", "cursor", "timeout"),
    "respond_to_permission": ("session_id", "request_id", "decision", "always"),
    "respond_to_input": ("session_id", "request_id", "action", "result"),
    "prune_sessions": ("older_than_days", "offline_only", "dry_run", "session_ids"),
}
# The C status names, as the CLI's and MCP's kinds (TapError.Kind's raw values).
_C_KINDS = {"CCTAP_OK": "", "CCTAP_E_AUTHENTICATION": "authentication"}

# The Python host: the binding in a process of its own. Its log records and its outcome go to stdout.
_PYTHON_HOST = r'''
import json, logging, sys
import cctap
class Printer(logging.Handler):
    def emit(self, record):
        print("log", record.levelname.lower(), record.getMessage(), flush=True)
logger = logging.getLogger("cctap")
logger.addHandler(Printer())
logger.setLevel(logging.DEBUG)
operation, arguments, options = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
try:
    with cctap.Client(**options) as client:
        result = {} if operation == "new" else getattr(client, operation)(**arguments)
    outcome = {"ok": True, "result": result}
except cctap.CCTapError as error:
    outcome = {"ok": False, "status_name": error.status_name, "message": str(error)}
print("OUTCOME " + json.dumps(outcome), flush=True)
'''


@dataclass
class Outcome:
    """What one call through one surface came to."""
    surface: str
    ok: bool = False
    kind: str = ""
    message: str = ""
    result: Optional[dict] = None
    # Why the process under test did not survive the call ("" when it did): a signal, a hang, a
    # server that stopped answering.
    died: str = ""
    # Everything the call printed, returned or logged.
    texts: List[str] = field(default_factory=list)
    seconds: float = 0.0
    returncode: Optional[int] = None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def __str__(self) -> str:
        return (f"{self.surface}: ok={self.ok} kind={self.kind!r} died={self.died!r} after {self.seconds:.1f} s: "
                f"{(self.message or json.dumps(self.result))[:600]}")


def kind_of(text: str) -> str:
    """The kind of failure a message describes: a `kind` field where the surface gives one (a JSON
    error), else what the message's words say."""
    for candidate in [text] + text.splitlines():
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        found = _find_kind(value)
        if found:
            return found
    if "may or may not have been stored" in text:
        return "send_outcome_unknown"
    if re.search(r"HTTP 429|rate.limited", text, re.I):
        return "rate_limited"
    if re.search(r"no complete answer|did not complete|timed out", text, re.I):
        return "timeout"
    if re.search(r"HTTP 5\d\d", text):
        return "server"
    return "error"


def _find_kind(value) -> str:
    if isinstance(value, dict):
        if isinstance(value.get("kind"), str):
            return value["kind"]
        return next((k for k in map(_find_kind, value.values()) if k), "")
    return ""


def _run(args, env, timeout) -> Tuple[Optional[subprocess.CompletedProcess], float]:
    started = time.monotonic()
    try:
        done = subprocess.run([str(a) for a in args], env=env, capture_output=True, text=True, timeout=timeout,
                              errors="replace")
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - started
    return done, time.monotonic() - started


def _died(done: Optional[subprocess.CompletedProcess], timeout: float) -> str:
    if done is None:
        return f"no answer within {timeout} s (killed)"
    if done.returncode < 0:
        return f"killed by signal {-done.returncode}"
    if done.returncode in SIGNALLED:
        return f"exit code {done.returncode} (a signal)"
    return ""


def build_c_host() -> Path:
    """Compiles hostile_host.c against the library under test (once per library), with pkg-config."""
    if not LIBRARY.exists():
        raise AssertionError(f"{LIBRARY} is missing: run scripts/build-dist.sh --debug first")
    if C_HOST.exists() and C_HOST.stat().st_mtime >= max(C_HOST_SOURCE.stat().st_mtime, LIBRARY.stat().st_mtime):
        return C_HOST
    C_HOST.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PKG_CONFIG_PATH=str(DIST / "lib" / "pkgconfig"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "cctap"], env=env, capture_output=True, text=True)
    assert flags.returncode == 0, flags.stderr
    out = subprocess.run(["gcc", "-std=c99", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Werror", "-O1", "-g",
                          str(C_HOST_SOURCE), "-o", str(C_HOST), *flags.stdout.split(), "-lpthread"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    return C_HOST


class Surfaces:
    """Calls an operation (an MCP tool name: list_sessions, get_session_info, read_session,
    send_message, send_and_wait) through one surface, against `base` (the proxy), with `env`."""

    def __init__(self, proxy: "HostileProxy", emulator: str, env: dict, folder: Path):
        self.proxy = proxy
        self.emulator = emulator
        self.env = env
        self.folder = folder
        self._calls = 0

    def call(self, surface: str, operation: str, env: Optional[dict] = None, timeout: float = BOUND,
             options: Optional[dict] = None, **arguments) -> Outcome:
        env = dict(self.env, **(env or {}))
        arguments = {k: v for k, v in arguments.items() if k in _TAKES[operation]}
        return getattr(self, f"_{surface}")(operation, arguments, env, timeout, options)

    def _cli(self, operation, arguments, env, timeout, options) -> Outcome:
        done, seconds = _run([BIN / "cc-tap", *_CLI_ARGUMENTS[operation](arguments), "--json", "--verbose"], env, timeout)
        outcome = Outcome("cli", seconds=seconds, died=_died(done, timeout))
        if done is None:
            return outcome
        outcome.returncode = done.returncode
        outcome.texts = [done.stdout, done.stderr]
        if done.returncode == 0:
            outcome.ok = True
            try:
                outcome.result = json.loads(done.stdout)
            except ValueError:
                outcome.died = outcome.died or "exit 0 without a JSON result"
            return outcome
        # The error itself, without the debug log lines --verbose writes before it.
        lines = [line for line in done.stderr.splitlines() if not re.match(r"^\S+ (trace|debug|info|notice) ", line)]
        outcome.message = "\n".join(lines) or done.stderr
        outcome.kind = kind_of(done.stdout + "\n" + outcome.message)
        return outcome

    def _mcp(self, operation, arguments, env, timeout, options) -> Outcome:
        """One server for the call: the call, then a tools/list that shows the server still answers.
        Its stderr, at debug level, is part of what it printed."""
        import anyio
        from mcp import Client, StdioServerParameters
        from mcp.client.stdio import stdio_client

        self._calls += 1
        errlog_path = self.folder / f"mcp-server-{self._calls}.log"
        outcome = Outcome("mcp")
        env = dict(env, CCTAP_LOG=env.get("CCTAP_LOG", "debug"))

        async def main():
            with open(errlog_path, "w") as errlog:
                transport = stdio_client(StdioServerParameters(command=str(BIN / "cc-tap"), env=env), errlog=errlog)
                async with Client(transport, read_timeout_seconds=timeout) as client:
                    started = time.monotonic()
                    try:
                        result = await client.call_tool(operation, arguments)
                    except Exception as error:  # noqa: BLE001 - an MCP error or a dead server: judged below
                        outcome.died = f"no result: {error!r}"
                        return
                    finally:
                        outcome.seconds = time.monotonic() - started
                    text = "\n".join(getattr(c, "text", "") for c in result.content)
                    outcome.texts += [text, json.dumps(result.structured_content)]
                    if result.is_error:
                        outcome.message, outcome.kind = text, kind_of(text)
                    else:
                        outcome.ok, outcome.result = True, result.structured_content
                    try:
                        await client.list_tools()
                    except Exception as error:  # noqa: BLE001
                        outcome.died = f"the server stopped answering: {error!r}"

        try:
            anyio.run(main)
        except BaseException as error:  # noqa: BLE001 - the server died under the client
            outcome.died = outcome.died or f"the session with the server broke: {error!r}"
        outcome.texts.append(errlog_path.read_text(errors="replace") if errlog_path.exists() else "")
        return outcome

    def _c(self, operation, arguments, env, timeout, options) -> Outcome:
        host = build_c_host()
        args = [host] + (["--options", json.dumps(options)] if options is not None else [])
        done, seconds = _run(args + _C_ARGUMENTS[operation](arguments), env, timeout)
        outcome = Outcome("c", seconds=seconds, died=_died(done, timeout))
        if done is None:
            return outcome
        outcome.returncode = done.returncode
        outcome.texts = [done.stdout, done.stderr]
        status = re.search(r"^status: (\S+)$", done.stdout, re.M)
        if done.returncode != 0 or not status:
            outcome.died = outcome.died or f"exit code {done.returncode}, no status printed: {done.stderr[-500:]}"
            return outcome
        name = status.group(1)
        error = done.stdout[status.end():].partition("\nerror: ")[2].rpartition("\njson: ")[0]
        outcome.ok = name == "CCTAP_OK"
        outcome.kind = _C_KINDS.get(name, name.replace("CCTAP_E_", "").lower())
        outcome.message = error
        if outcome.ok and operation != "new":
            payload = done.stdout.rpartition("\njson: ")[2]
            outcome.result = json.JSONDecoder().raw_decode(payload.strip())[0]
        return outcome

    def _python(self, operation, arguments, env, timeout, options) -> Outcome:
        env = dict(env, CCTAP_LIBRARY=str(LIBRARY))
        given = dict(options or {}, library=str(LIBRARY))
        done, seconds = _run([sys.executable, "-c", _PYTHON_HOST, operation, json.dumps(arguments), json.dumps(given)],
                             env, timeout)
        outcome = Outcome("python", seconds=seconds, died=_died(done, timeout))
        if done is None:
            return outcome
        outcome.returncode = done.returncode
        outcome.texts = [done.stdout, done.stderr]
        printed = re.search(r"^OUTCOME (.*)$", done.stdout, re.M)
        if done.returncode != 0 or not printed:
            outcome.died = outcome.died or f"exit code {done.returncode}: {done.stderr[-800:]}"
            return outcome
        told = json.loads(printed.group(1))
        outcome.ok, outcome.result = told["ok"], told.get("result")
        if not outcome.ok:
            outcome.message = told["message"]
            outcome.kind = _C_KINDS.get(told["status_name"], told["status_name"].replace("CCTAP_E_", "").lower())
        return outcome


def service_call(base: str, method: str, path: str, body=None, device: Optional[str] = None):
    """A call to the emulator's service routes with the emulator's login (not through the proxy)."""
    headers = {"Authorization": f"Bearer {TOKEN}", "x-organization-uuid": ORG, "Content-Type": "application/json",
               "anthropic-version": "2023-06-01"}
    if device:
        headers["X-Trusted-Device-Token"] = device
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def user_messages(emulator: str, session: str) -> List[str]:
    """The texts of the user messages a session holds."""
    return emulator_call(emulator, "GET", f"/_emulator/sessions/{session}/user-messages")["texts"]
