"""Python bindings of libcctap: see into and talk to Claude Code Remote Control sessions.

Every method of :class:`Client` returns a dict: the JSON the C library returns, which is the same
as the cc-tap MCP tools' ``structuredContent``. Failures raise a subclass of :class:`CCTapError`.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import logging
import os
import subprocess
import sys
import threading
import weakref
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Type

__all__ = [
    "Client", "CCTapError", "InvalidArgumentError", "InvalidHandleError", "CredentialsError", "OrganizationError",
    "AuthError", "PermissionDeniedError", "NotFoundError", "RateLimitedError", "ServerError", "APIError",
    "NetworkError", "RequestTimeoutError", "BadResponseError", "SendOutcomeUnknownError", "CancelledError",
    "WouldDeadlockError", "InternalError", "library_version", "load_library",
]

__version__ = "0.2.0"  # include/cctap.h's CCTAP_VERSION (Tests/e2e/test_version.py keeps them equal)


class CCTapError(Exception):
    """A failed cctap call. ``status`` is the C status code, ``status_name`` its name."""

    status = -1

    def __init__(self, message: str, status: int, status_name: str) -> None:
        super().__init__(message)
        self.status = status
        self.status_name = status_name


class InvalidArgumentError(CCTapError, ValueError):
    """An argument was rejected before anything was sent."""


class InvalidHandleError(CCTapError):
    """The client was closed."""


class CredentialsError(CCTapError):
    """No usable Claude Code login, or it expired: run ``claude`` once."""


class OrganizationError(CCTapError):
    """The organisation UUID could not be found: set CCR_ORG_UUID."""


class AuthError(CCTapError):
    """HTTP 401: the login was refused."""


class PermissionDeniedError(CCTapError):
    """HTTP 403."""


class NotFoundError(CCTapError):
    """HTTP 404: no such session."""


class RateLimitedError(CCTapError):
    """HTTP 429 after retries: wait and retry."""


class ServerError(CCTapError):
    """HTTP 5xx after retries."""


class APIError(CCTapError):
    """Another HTTP error status."""


class NetworkError(CCTapError, ConnectionError):
    """No answer: connection refused, reset or cut off."""


class RequestTimeoutError(CCTapError, TimeoutError):
    """No complete answer within the request timeout."""


class BadResponseError(CCTapError):
    """The service answered something unreadable."""


class SendOutcomeUnknownError(CCTapError):
    """A message may or may not have been stored: read the session before sending it again."""


class CancelledError(CCTapError):
    """The call was cancelled by :meth:`Client.cancel`."""


class WouldDeadlockError(CCTapError):
    """Called from a thread of the library's own runtime (e.g. inside a progress callback)."""


class InternalError(CCTapError):
    """A failure inside the library; please report it."""


# Keyed by the names the library gives its status codes (cctap_status_name), never by their numbers,
# so the binding cannot drift from the header; a test checks every code the library names has a class.
_ERRORS: Dict[str, Type[CCTapError]] = {
    "CCTAP_E_INVALID_ARGUMENT": InvalidArgumentError, "CCTAP_E_INVALID_HANDLE": InvalidHandleError,
    "CCTAP_E_CREDENTIALS": CredentialsError, "CCTAP_E_ORGANIZATION": OrganizationError, "CCTAP_E_AUTHENTICATION": AuthError,
    "CCTAP_E_PERMISSION": PermissionDeniedError, "CCTAP_E_NOT_FOUND": NotFoundError,
    "CCTAP_E_RATE_LIMITED": RateLimitedError, "CCTAP_E_SERVER": ServerError, "CCTAP_E_API": APIError,
    "CCTAP_E_NETWORK": NetworkError, "CCTAP_E_TIMEOUT": RequestTimeoutError, "CCTAP_E_BAD_RESPONSE": BadResponseError,
    "CCTAP_E_SEND_OUTCOME_UNKNOWN": SendOutcomeUnknownError, "CCTAP_E_CANCELLED": CancelledError,
    "CCTAP_E_WOULD_DEADLOCK": WouldDeadlockError, "CCTAP_E_INTERNAL": InternalError,
}

_PROGRESS = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
_OUT = ctypes.POINTER(ctypes.c_void_p)  # char ** read as void * so the string can be freed by cctap

_lock = threading.Lock()
_library: Optional[ctypes.CDLL] = None


# What the library is called where it is built (scripts/package.sh names it the same in its artefacts).
LIBRARY_NAME = "libcctap.dylib" if sys.platform == "darwin" else "libcctap.so.0"


def _pkg_config_libdir() -> Optional[str]:
    try:
        done = subprocess.run(["pkg-config", "--variable=libdir", "cctap"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = done.stdout.strip()
    return libdir if done.returncode == 0 and libdir else None


def search_order() -> List[str]:
    """Where the library is looked for, first found wins: ``CCTAP_LIBRARY``; the copy inside this
    package (the wheel carries one); the libdir pkg-config gives for ``cctap``; the system loader's
    path (``LD_LIBRARY_PATH``, ``ldconfig``), by name; then the ``dist/lib`` of the cc-tap repository
    this package sits in, if it does."""
    order = []
    explicit = os.environ.get("CCTAP_LIBRARY")
    if explicit:
        order.append(explicit)
    bundled = Path(__file__).resolve().parent / LIBRARY_NAME
    if bundled.is_file():
        order.append(str(bundled))
    libdir = _pkg_config_libdir()
    if libdir:
        order.append(str(Path(libdir) / LIBRARY_NAME))
    order.append(LIBRARY_NAME)  # a bare name: the loader searches its own path
    repository = Path(__file__).resolve().parents[3]
    if (repository / "Package.swift").is_file():
        order.append(str(repository / "dist" / "lib" / LIBRARY_NAME))
    return order


def load_library(path: Optional[str] = None) -> ctypes.CDLL:
    """Loads libcctap once, from ``path`` or the first place of :func:`search_order` that has it."""
    global _library
    with _lock:
        if _library is not None:
            return _library
        tried = []
        library = None
        for candidate in [path] if path else search_order():
            if "/" in candidate and not Path(candidate).is_file():
                tried.append(f"{candidate} (no such file)")
                continue
            try:
                library = ctypes.CDLL(str(Path(candidate).resolve()) if "/" in candidate else candidate)
                break
            except OSError as error:
                tried.append(f"{candidate} ({error})")
        if library is None:
            raise OSError("libcctap not found; tried: " + "; ".join(tried) + ". Set CCTAP_LIBRARY to the path of "
                          "libcctap.so.0, or install it (scripts/build-dist.sh builds it into dist/lib/).")
        _declare(library)
        _library = library
        return library


def _declare(lib: ctypes.CDLL) -> None:
    c_char_p, c_int, c_double, c_void_p = ctypes.c_char_p, ctypes.c_int, ctypes.c_double, ctypes.c_void_p
    signatures = {
        "cctap_version": ([], c_char_p),
        "cctap_status_name": ([c_int], c_char_p),
        "cctap_last_status": ([], c_int),
        "cctap_last_error": ([], c_char_p),
        "cctap_string_free": ([c_void_p], None),
        "cctap_client_new": ([c_char_p, ctypes.POINTER(c_void_p)], c_int),
        "cctap_client_free": ([c_void_p], None),
        "cctap_client_cancel": ([c_void_p], c_int),
        "cctap_list_sessions": ([c_void_p, c_char_p, _OUT], c_int),
        "cctap_get_session_info": ([c_void_p, c_char_p, _OUT], c_int),
        "cctap_read_session": ([c_void_p, c_char_p, c_int, _OUT], c_int),
        "cctap_get_session_events": ([c_void_p, c_char_p, c_char_p, c_int, _OUT], c_int),
        "cctap_send_message": ([c_void_p, c_char_p, c_char_p, _OUT], c_int),
        "cctap_send_and_wait": ([c_void_p, c_char_p, c_char_p, c_double, _PROGRESS, c_void_p, _OUT], c_int),
        "cctap_wait_for_reply": ([c_void_p, c_char_p, c_char_p, c_double, _PROGRESS, c_void_p, _OUT], c_int),
        "cctap_respond_to_permission": ([c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, _OUT], c_int),
        "cctap_respond_to_input": ([c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, _OUT], c_int),
        "cctap_interrupt": ([c_void_p, c_char_p, _OUT], c_int),
        "cctap_wait_for_attention": ([c_void_p, c_char_p, c_double, c_char_p, _PROGRESS, c_void_p, _OUT], c_int),
        "cctap_set_permission_mode": ([c_void_p, c_char_p, c_char_p, c_int, _OUT], c_int),
        "cctap_set_model": ([c_void_p, c_char_p, c_char_p, _OUT], c_int),
        "cctap_rename_session": ([c_void_p, c_char_p, c_char_p, _OUT], c_int),
        "cctap_archive_session": ([c_void_p, c_char_p, _OUT], c_int),
        "cctap_mark_read": ([c_void_p, c_char_p, _OUT], c_int),
        "cctap_prune_sessions": ([c_void_p, c_double, c_int, c_int, c_char_p, _OUT], c_int),
        "cctap_set_log_handler": ([c_int, _LOG_FN, c_void_p], c_int),
    }
    for name, (argtypes, restype) in signatures.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = restype


# The library's log messages go to the "cctap" logger, and only from the level it is enabled for, so
# nothing crosses into Python that nobody reads. Like any library, it prints nothing unless the
# application configures logging.
logger = logging.getLogger("cctap")
logger.addHandler(logging.NullHandler())
_LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
_PYTHON_LEVELS = [5, logging.DEBUG, logging.INFO, 25, logging.WARNING, logging.ERROR, logging.CRITICAL]


def _log_from_library(level: int, message: bytes, _user_data: Optional[int]) -> None:
    python_level = _PYTHON_LEVELS[level] if 0 <= level < len(_PYTHON_LEVELS) else logging.WARNING
    logger.log(python_level, "%s", message.decode("utf-8", errors="replace"))


_log_callback = _LOG_FN(_log_from_library)  # kept alive for as long as the library may call it


def _follow_logger_level(lib: ctypes.CDLL) -> None:
    """Tells the library the least severe level the "cctap" logger passes on."""
    wanted = logger.getEffectiveLevel()
    level = next((index for index, python in enumerate(_PYTHON_LEVELS) if python >= wanted), len(_PYTHON_LEVELS) - 1)
    lib.cctap_set_log_handler(level, _log_callback, None)


def library_version() -> str:
    """The loaded library's version, e.g. ``"0.2.0"``."""
    return load_library().cctap_version().decode()


def _text(value: Optional[str], name: str) -> Optional[bytes]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value.encode("utf-8", errors="strict")


# How messages and hints name the next step: this package's methods, not the C functions beneath.
_WORDING = {
    "wait": "call client.wait_for_reply()",
    "answer_permission": "call client.respond_to_permission() with a request_id from pending_permissions",
    "answer_input": "call client.respond_to_input() with a request_id from pending_inputs",
    "list_sessions": "call client.list_sessions()",
    "read_session": "call client.read_session()",
    "wait_for_attention": "call client.wait_for_attention() with this result's resume_token",
}


class Client:
    """A connection to the service. Safe to share between threads; close it (or use ``with``).

    Options left as None come from the environment (CCTAP_BASE_URL, CCTAP_ACCESS_TOKEN, ...), as
    the cc-tap README describes. ``presence=True`` tells the service a person is watching while a
    wait runs, which holds back that user's phone notifications: leave it off for unattended code.
    ``sender`` says who writes the messages this client sends: "agent" (the default; a program's or a
    model's words go out as another Claude session's, which they are) or "person" (words a person
    typed, sent as theirs: only when a person asked for it).
    """

    def __init__(self, *, base_url: Optional[str] = None, access_token: Optional[str] = None,
                 organization_uuid: Optional[str] = None, claude_config_dir: Optional[str] = None,
                 request_timeout: Optional[float] = None, poll_interval: Optional[float] = None,
                 event_source: Optional[str] = None, presence: Optional[bool] = None,
                 sender: Optional[str] = None, library: Optional[str] = None) -> None:
        self._lib = load_library(library)
        _follow_logger_level(self._lib)
        if presence is not None and not isinstance(presence, bool):
            raise TypeError(f"presence must be a bool, not {type(presence).__name__}")
        options = {key: value for key, value in {
            "base_url": base_url, "access_token": access_token, "organization_uuid": organization_uuid,
            "claude_config_dir": claude_config_dir, "request_timeout": request_timeout,
            "poll_interval": poll_interval, "event_source": event_source, "presence": presence,
            "sender": sender,
        }.items() if value is not None}
        options["wording"] = _WORDING
        handle = ctypes.c_void_p()
        status = self._lib.cctap_client_new(json.dumps(options).encode(), ctypes.byref(handle))
        self._raise_for(status)
        self._handle: Optional[int] = handle.value
        # A client nobody closed is released when it is collected.
        self._finalizer = weakref.finalize(self, self._lib.cctap_client_free, handle.value)

    # Lifecycle

    def close(self) -> None:
        """Releases the client. Calls still running on other threads finish first."""
        self._handle = None
        self._finalizer()  # frees the handle once; later calls do nothing

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cancel(self) -> None:
        """Cancels the waits running on this client (from any thread); they raise CancelledError."""
        self._raise_for(self._lib.cctap_client_cancel(self._live()))

    # Operations

    def list_sessions(self, status_filter: Optional[str] = None) -> Dict[str, Any]:
        """Every session, all pages. ``status_filter``: None, "active", "archived", a worker state
        ("running", "idle", "requires_action") or "needs_attention"."""
        return self._call(self._lib.cctap_list_sessions, _text(status_filter, "status_filter"))

    def get_session_info(self, session_id: str) -> Dict[str, Any]:
        """One session's details and pending permission prompts."""
        return self._call(self._lib.cctap_get_session_info, _text(session_id, "session_id"))

    def read_session(self, session_id: str, last_n: int = 20) -> Dict[str, Any]:
        """The newest ``last_n`` (1..1000) conversation entries."""
        return self._call(self._lib.cctap_read_session, _text(session_id, "session_id"), int(last_n))

    def get_session_events(self, session_id: str, event_types: str = "", last_n: int = 50) -> Dict[str, Any]:
        """The newest ``last_n`` raw events; ``event_types`` comma-separated, "" for all."""
        return self._call(self._lib.cctap_get_session_events, _text(session_id, "session_id"),
                          _text(event_types, "event_types"), int(last_n))

    def send_message(self, session_id: str, message: str) -> Dict[str, Any]:
        """Sends a message without waiting; returns a ``cursor`` for :meth:`wait_for_reply`."""
        return self._call(self._lib.cctap_send_message, _text(session_id, "session_id"), _text(message, "message"))

    def send_and_wait(self, session_id: str, message: str, timeout: float = 50.0,
                      on_progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> Dict[str, Any]:
        """Sends a message and waits for the turn to end, a permission prompt, or ``timeout`` seconds.
        ``on_progress`` gets ``{"reply", "elapsed_seconds", ...}`` whenever the reply grows (on a
        library thread); ``"live_text"``, when present, is the end of the reply the session streamed
        live and has not stored yet."""
        callback, raised = self._progress(on_progress)
        return self._surfacing(raised, self._call, self._lib.cctap_send_and_wait, _text(session_id, "session_id"),
                               _text(message, "message"), float(timeout), callback, None)

    def wait_for_reply(self, session_id: str, cursor: str, timeout: float = 50.0,
                       on_progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> Dict[str, Any]:
        """Keeps waiting from the ``cursor`` of an earlier send or wait."""
        callback, raised = self._progress(on_progress)
        return self._surfacing(raised, self._call, self._lib.cctap_wait_for_reply, _text(session_id, "session_id"),
                               _text(cursor, "cursor"), float(timeout), callback, None)

    def wait_for_attention(self, session_ids: Optional[List[str]] = None, timeout: float = 50.0,
                           resume_token: Optional[str] = None,
                           on_progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> Dict[str, Any]:
        """Waits until any of ``session_ids`` (every live session when None or empty) needs its user:
        a prompt to answer, a finished turn unread, or a machine gone mid-turn. Returns at once when
        one already does and ``resume_token`` (from the previous result) did not report it. The result
        has ``status`` "attention" with ``items`` (each: ``session``, ``reason``,
        ``pending_permissions``, ``reply``, ``cursor``) or "timeout", and a new ``resume_token``.
        ``on_progress`` gets ``{"sessions_watched", "source", "elapsed_seconds", ...}`` every 2 s."""
        ids = list(session_ids or [])
        for value in ids:
            if not isinstance(value, str) or "," in value:
                raise TypeError(f"session_ids must be session id strings, got {value!r}")
        callback, raised = self._progress(on_progress)
        return self._surfacing(raised, self._call, self._lib.cctap_wait_for_attention,
                               _text(",".join(ids), "session_ids"), float(timeout),
                               _text(resume_token, "resume_token"), callback, None)

    def respond_to_permission(self, session_id: str, request_id: str, decision: str, message: Optional[str] = None,
                              updated_input: Optional[Dict[str, Any]] = None, always: bool = False) -> Dict[str, Any]:
        """Answers a permission prompt by its ``request_id``; ``decision`` is "allow" or "deny".

        ``always=True`` (with allow) also sends back the prompt's ``permission_suggestions``, so the session
        stops asking for that rule; its ``always_allows`` says what that would allow, and where."""
        if not isinstance(always, bool):
            raise TypeError(f"always must be a bool, not {type(always).__name__}")
        if always:
            if decision != "allow":
                raise ValueError('always=True goes with decision "allow"')
            decision = "always"
        updated = json.dumps(updated_input) if updated_input is not None else None
        return self._call(self._lib.cctap_respond_to_permission, _text(session_id, "session_id"),
                          _text(request_id, "request_id"), _text(decision, "decision"), _text(message, "message"),
                          _text(updated, "updated_input"))

    def respond_to_input(self, session_id: str, request_id: str, action: str, result: Any = None) -> Dict[str, Any]:
        """Answers a dialog ("complete" with ``result``, or "cancel") or an MCP server's form ("accept" with
        ``result`` a dict fitting its ``requested_schema``, "decline" or "cancel"), an entry of
        ``pending_inputs``. Content that does not fit the form raises before anything is sent."""
        value = json.dumps(result) if result is not None else None
        return self._call(self._lib.cctap_respond_to_input, _text(session_id, "session_id"),
                          _text(request_id, "request_id"), _text(action, "action"), _text(value, "result"))

    def interrupt(self, session_id: str) -> Dict[str, Any]:
        """Asks the session to stop its current turn."""
        return self._call(self._lib.cctap_interrupt, _text(session_id, "session_id"))

    # Steering: each result has "status": "acknowledged"/"refused" (the worker's answer), "queued", or
    # "applied" (by the service).

    def set_permission_mode(self, session_id: str, mode: str, confirm_bypass: bool = False) -> Dict[str, Any]:
        """Sets "default", "plan", "acceptEdits", "auto" (a second model reviews each action), "dontAsk"
        (what would ask is denied) or "bypassPermissions" (which runs every tool without asking, and needs
        ``confirm_bypass=True``: pass it only when the person asked). The worker acknowledges or refuses."""
        return self._call(self._lib.cctap_set_permission_mode, _text(session_id, "session_id"), _text(mode, "mode"),
                          1 if confirm_bypass is True else 0)

    def set_model(self, session_id: str, model: str) -> Dict[str, Any]:
        """Switches the session's worker to another model."""
        return self._call(self._lib.cctap_set_model, _text(session_id, "session_id"), _text(model, "model"))

    def rename_session(self, session_id: str, title: str) -> Dict[str, Any]:
        """Gives the session a new title."""
        return self._call(self._lib.cctap_rename_session, _text(session_id, "session_id"), _text(title, "title"))

    def archive_session(self, session_id: str) -> Dict[str, Any]:
        """Archives the session; already archived is a success."""
        return self._call(self._lib.cctap_archive_session, _text(session_id, "session_id"))

    def prune_sessions(self, older_than_days: float, offline_only: bool = False, dry_run: bool = True,
                       session_ids: Optional[List[str]] = None) -> Dict[str, Any]:
        """Archives active sessions idle for more than ``older_than_days`` and not on a turn (with
        ``offline_only``, only those whose machine is disconnected). ``dry_run`` (the default) archives
        nothing and lists exactly what would go; ``session_ids`` (the ids a dry run named) limits a real
        run to those."""
        for name, flag in (("offline_only", offline_only), ("dry_run", dry_run)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be a bool, not {type(flag).__name__}")
        ids = None
        if session_ids is not None:
            if isinstance(session_ids, str) or not all(isinstance(i, str) for i in session_ids):
                raise TypeError("session_ids must be a list of str")
            ids = ",".join(session_ids)
        return self._call(self._lib.cctap_prune_sessions, float(older_than_days), 1 if offline_only else 0,
                          1 if dry_run else 0, _text(ids, "session_ids"))

    def mark_read(self, session_id: str) -> Dict[str, Any]:
        """Marks the session read."""
        return self._call(self._lib.cctap_mark_read, _text(session_id, "session_id"))

    # Plumbing

    def _live(self) -> int:
        if self._handle is None:
            raise InvalidHandleError("the client is closed", 2, "CCTAP_E_INVALID_HANDLE")
        return self._handle

    def _call(self, function: Any, *arguments: Any) -> Dict[str, Any]:
        out = ctypes.c_void_p()
        status = function(self._live(), *arguments, ctypes.byref(out))
        self._raise_for(status)
        try:
            return json.loads(ctypes.string_at(out.value).decode("utf-8"))
        finally:
            self._lib.cctap_string_free(out)

    def _raise_for(self, status: int) -> None:
        if status == 0:
            return
        message = (self._lib.cctap_last_error() or b"").decode("utf-8", errors="replace")
        name = self._lib.cctap_status_name(status).decode()
        raise _ERRORS.get(name, CCTapError)(message, status, name)

    @staticmethod
    def _progress(on_progress: Optional[Callable[[Dict[str, Any]], None]]) -> Any:
        """The C callback for ``on_progress``, and the list where it keeps the first exception the
        callback raised: an exception must not cross into the C library, so it is raised again by the
        call that ran the callback, once that call returns."""
        raised: List[BaseException] = []
        if on_progress is None:
            return _PROGRESS(), raised  # a NULL function pointer

        def relay(progress_json: bytes, _user_data: Any) -> None:
            if raised:
                return  # the caller will hear of the first failure; later progress is not delivered
            try:
                on_progress(json.loads(progress_json.decode("utf-8")))
            except BaseException as error:  # noqa: B902 - handed to the caller, never dropped
                raised.append(error)
        return _PROGRESS(relay), raised

    @staticmethod
    def _surfacing(raised: List[BaseException], call: Callable[..., Dict[str, Any]], *arguments: Any) -> Dict[str, Any]:
        """Runs ``call``; if the progress callback raised meanwhile, raises that (the call's own error, if
        any, is its ``__context__``)."""
        try:
            result = call(*arguments)
        except CCTapError:
            if raised:
                raise raised[0]
            raise
        if raised:
            raise raised[0]
        return result
