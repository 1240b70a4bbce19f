"""The fault matrix of Tests/fault-matrix.json (its "about" says what a cell checks), run through any
surface: a surface is a function call(name, arguments) -> Outcome. The core runs the same matrix in
Tests/CCTapCoreTests/FaultMatrixTests.swift."""
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from conftest import ROOT, TOKEN, emulator_call

MATRIX = json.loads((ROOT / "Tests" / "fault-matrix.json").read_text())


@dataclass
class Outcome:
    ok: bool
    kind: str = ""
    message: str = ""
    result: Optional[dict] = None


@dataclass
class LoginFile:
    """Claude Code's credentials file; a cell may renew the login in it, cc-tap must only read it."""
    path: Path
    written: bytes = b""
    tokens: List[str] = field(default_factory=list)

    def write(self, token: str) -> None:
        self.tokens.append(token)
        self.written = json.dumps({"claudeAiOauth": {
            "accessToken": token, "expiresAt": 4102444800000,
            "scopes": ["user:inference", "user:profile", "user:sessions:claude_code"]}}).encode()
        self.path.write_bytes(self.written)
        self.path.chmod(0o600)

    def unchanged(self) -> bool:
        return self.path.read_bytes() == self.written


def login_dir(tmp_path: Path) -> LoginFile:
    folder = tmp_path / "claude-config"
    folder.mkdir()
    login = LoginFile(folder / ".credentials.json")
    login.write(TOKEN)
    return login


def stored_counts(base: str) -> Dict[str, int]:
    return emulator_call(base, "GET", "/_emulator/stats")["user_messages_stored"]


def settled_stored_total(base: str, before: int, late: bool) -> int:
    """The stored total once it stops changing; after send_outcome_unknown, waits for the late store."""
    last = sum(stored_counts(base).values())
    for _ in range(15):
        time.sleep(0.4)
        now = sum(stored_counts(base).values())
        if now == last and (not late or now > before):
            return now
        last = now
    return last


def judge(fault: dict, route: dict, outcome: Outcome, stored: int, fired: bool, duplicates: int) -> Tuple[bool, str]:
    if not fired:
        return False, "the fault was never hit"
    if duplicates:
        return False, "a message was stored twice"
    expected = fault.get("except", {}).get(route["name"], fault["expect"])
    sends = route["call"] in ("send_message", "send_and_wait")
    if outcome.ok and expected == "ok":
        if sends and stored != 1:
            return False, f"succeeded but stored {stored} times"
        if route["call"] == "send_and_wait" and outcome.result.get("status") != "complete":
            return False, f"wait ended {outcome.result.get('status')}: {outcome.result.get('hint')}"
        return True, "ok"
    if not outcome.ok and expected == "error":
        if stored:
            return False, f"failed but the message was stored {stored} times"
        if not any(name.lower() in outcome.message.lower() for name in fault.get("names", [])):
            return False, f"error does not name the cause: {outcome.message[:160]}"
        return True, "error"
    if not outcome.ok and expected == "unknown" and outcome.kind == "send_outcome_unknown":
        return (stored <= 1), ("unknown" if stored <= 1 else f"stored {stored} times")
    if outcome.ok:
        return False, f"expected {expected}, but it succeeded"
    return False, f"expected {expected}, got {outcome.kind}: {outcome.message[:160]}"


def run_matrix(base: str, login: LoginFile, call: Callable[[str, dict], Outcome], title: str) -> Tuple[List[str], str]:
    """Runs every cell through `call`; returns the failures and the table to print."""
    session = MATRIX["session"]
    routes = MATRIX["routes"]
    rows = []
    failures = []
    for fault in MATRIX["faults"]:
        cells = {}
        for route in routes:
            emulator_call(base, "DELETE", "/_emulator/faults")
            if fault.get("renew_login"):
                renewed = "sk-ant-oat01-renewed-" + uuid.uuid4().hex[:8]
                emulator_call(base, "POST", "/_emulator/tokens", {"valid": [renewed]})
                login.write(renewed)
            rule = dict(fault["rule"], method=route["method"], route=route["route"], times=1)
            emulator_call(base, "POST", "/_emulator/faults", rule)
            before = sum(stored_counts(base).values())
            message = f"fault matrix: {fault['name']} on {route['name']}"
            arguments = {} if route["call"] == "list_sessions" else {"session_id": session}
            if route["call"] in ("send_message", "send_and_wait"):
                arguments["message"] = message
            if route["call"] == "send_and_wait":
                arguments["timeout"] = 30
            outcome = call(route["call"], arguments)
            sends = route["call"] in ("send_message", "send_and_wait")
            late = outcome.kind == "send_outcome_unknown"
            stored = (settled_stored_total(base, before, late) if sends else sum(stored_counts(base).values())) - before
            stats = emulator_call(base, "GET", "/_emulator/stats")
            duplicates = sum(1 for n in stats["user_messages_stored"].values() if n > 1)
            passed, what = judge(fault, route, outcome, stored, stats["faults_pending"] == 0, duplicates)
            cells[route["name"]] = what if passed else "FAIL"
            if not passed:
                failures.append(f"{fault['name']} on {route['name']}: {what}")
        rows.append((fault["name"], cells))

    archived = MATRIX["archived_mid_wait"]
    passed, what = archived_cell(base, call, archived["names"])
    rows.append((archived["name"], {archived["route"]: what if passed else "FAIL"}))
    if not passed:
        failures.append(f"{archived['name']}: {what}")
    return failures, table(title, [r["name"] for r in routes], rows, failures)


def archived_cell(base: str, call: Callable[[str, dict], Outcome], names: List[str]) -> Tuple[bool, str]:
    """A wait on a session nobody answers, archived while the wait runs: it must end and say so."""
    emulator_call(base, "DELETE", "/_emulator/faults")
    session = emulator_call(base, "POST", "/_emulator/sessions", {"turns": 0, "title": "archived mid-wait"})["id"]
    emulator_call(base, "POST", f"/_emulator/sessions/{session}/connection", {"connected": False})
    before = sum(stored_counts(base).values())
    archiver = threading.Timer(1.0, lambda: emulator_call(base, "POST", f"/_emulator/sessions/{session}/archive"))
    archiver.start()
    started = time.monotonic()
    outcome = call("send_and_wait", {"session_id": session, "message": "are you there?", "timeout": 40})
    elapsed = time.monotonic() - started
    archiver.join()
    stored = settled_stored_total(base, before, False) - before
    if not outcome.ok:
        return False, f"threw {outcome.kind}: {outcome.message[:160]}"
    hint = outcome.result.get("hint", "")
    if stored != 1:
        return False, f"stored {stored} times"
    if outcome.result.get("status") != "error" or not any(n in hint.lower() for n in names) or elapsed > 20:
        return False, f"wait ended {outcome.result.get('status')} after {elapsed:.1f} s: {hint}"
    return True, "error"


def table(title: str, routes: List[str], rows, failures: List[str]) -> str:
    width = max(28, max(len(name) for name, _ in rows) + 2)
    columns = [max(len(r), 7) + 2 for r in routes]
    lines = [title, "fault \\ route".ljust(width) + "".join(r.ljust(c) for r, c in zip(routes, columns))]
    total = passed = 0
    for name, cells in rows:
        line = name.ljust(width)
        for route, column in zip(routes, columns):
            verdict = cells.get(route)
            if verdict is None:
                line += "-".ljust(column)
                continue
            total += 1
            passed += verdict != "FAIL"
            line += verdict.ljust(column)
        lines.append(line)
    lines.append(f"{passed} of {total} cells passed (ok = recovered, error = clear error naming the cause, "
                 "unknown = told it may not have been sent)")
    lines += [f"  FAIL {f}" for f in failures]
    return "\n" + "\n".join(lines)
