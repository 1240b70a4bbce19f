"""The one driver and judge of the fault matrix (Tests/fault-matrix.json; its "about" says what a cell
checks). A surface is a function call(name, arguments) -> Outcome; test_fault_matrix.py gives one for
the core (through the cc-tap command line), the MCP server and the C ABI (through the Python binding)."""
import json
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from harness import ROOT, TOKEN, emulator_call, settle, stats, stored_total, wait_until

MATRIX = json.loads((ROOT / "Tests" / "fault-matrix.json").read_text())
ROUTES = {route["name"]: route for route in MATRIX["routes"]}
FAULTS = {fault["name"]: fault for fault in MATRIX["faults"]}
SENDS = ("send_message", "send_and_wait")


@dataclass
class Outcome:
    ok: bool
    kind: str = ""
    message: str = ""
    result: Optional[dict] = None


@dataclass
class Cell:
    """One fault on one route, or (fault None) the session archived in the middle of a wait."""
    route: str
    fault: Optional[dict] = None

    @property
    def row(self) -> str:
        return self.fault["name"] if self.fault else MATRIX["archived_mid_wait"]["name"]


def cells(which: str) -> List[Cell]:
    """'all': every fault on every route; 'smoke': each error class once (the JSON's "smoke" list).
    Both end with the archived-mid-wait cell."""
    if which == "all":
        chosen = [Cell(route["name"], fault) for fault in MATRIX["faults"] for route in MATRIX["routes"]]
    else:
        chosen = [Cell(route, FAULTS[fault]) for fault, route in MATRIX["smoke"]]
    return chosen + [Cell(MATRIX["archived_mid_wait"]["route"])]


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


def judge(fault: dict, route: dict, outcome: Outcome, stored: int, fired: bool, duplicates: int) -> Tuple[bool, str]:
    """The verdict on one cell: (passed, what to print in the table or why it failed)."""
    if not fired:
        return False, "the fault was never hit"
    if duplicates:
        return False, "a message was stored twice"
    expected = fault.get("except", {}).get(route["name"], fault["expect"])
    sends = route["call"] in SENDS
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


def run_matrix(base: str, login: LoginFile, call: Callable[[str, dict], Outcome], title: str,
               which: str = "all") -> Tuple[List[str], str]:
    """Runs the chosen cells through `call`; returns the failures and the table to print."""
    verdicts: Dict[str, Dict[str, str]] = {}
    failures = []
    for cell in cells(which):
        passed, what = fault_cell(base, login, call, cell) if cell.fault else archived_cell(base, call)
        verdicts.setdefault(cell.row, {})[cell.route] = what if passed else "FAIL"
        if not passed:
            failures.append(f"{cell.row} on {cell.route}: {what}")
    return failures, table(title, [r["name"] for r in MATRIX["routes"]], verdicts, failures)


def fault_cell(base: str, login: LoginFile, call: Callable[[str, dict], Outcome], cell: Cell) -> Tuple[bool, str]:
    """One fault, once, on one route; then the call that uses the route, and the verdict."""
    fault, route = cell.fault, ROUTES[cell.route]
    emulator_call(base, "DELETE", "/_emulator/faults")
    if fault.get("renew_login"):
        renewed = "sk-ant-oat01-renewed-" + uuid.uuid4().hex[:8]
        emulator_call(base, "POST", "/_emulator/tokens", {"valid": [renewed]})
        login.write(renewed)
    emulator_call(base, "POST", "/_emulator/faults", dict(fault["rule"], method=route["method"], route=route["route"], times=1))
    before = stored_total(stats(base))
    arguments = {} if route["call"] == "list_sessions" else {"session_id": MATRIX["session"]}
    if route["call"] in SENDS:
        arguments["message"] = f"fault matrix: {fault['name']} on {route['name']}"
    if route["call"] == "send_and_wait":
        arguments["timeout"] = 30
    outcome = call(route["call"], arguments)
    # A stalled ('hold') request ends now that the call has returned; everything the call sent has had
    # its effect once the emulator has answered it all (a post that outlived the timeout is stored now).
    emulator_call(base, "POST", "/_emulator/faults/release")
    after = settle(base)
    duplicates = sum(1 for n in after["user_messages_stored"].values() if n > 1)
    return judge(fault, route, outcome, stored_total(after) - before, after["faults_pending"] == 0, duplicates)


def archived_cell(base: str, call: Callable[[str, dict], Outcome]) -> Tuple[bool, str]:
    """A wait on a session nobody answers, archived once its message is stored: it must end and say so
    (a wait that missed the archiving would run into its 40 s timeout and end 'timeout')."""
    emulator_call(base, "DELETE", "/_emulator/faults")
    session = emulator_call(base, "POST", "/_emulator/sessions", {"turns": 0, "title": "archived mid-wait"})["id"]
    emulator_call(base, "POST", f"/_emulator/sessions/{session}/connection", {"connected": False})
    before = stored_total(stats(base))

    def archive_once_stored():
        wait_until(lambda: stored_total(stats(base)) > before, "the wait's message to be stored")
        emulator_call(base, "POST", f"/_emulator/sessions/{session}/archive")

    archiver = threading.Thread(target=archive_once_stored)
    archiver.start()
    outcome = call("send_and_wait", {"session_id": session, "message": "are you there?", "timeout": 40})
    archiver.join()
    stored = stored_total(settle(base)) - before
    if not outcome.ok:
        return False, f"threw {outcome.kind}: {outcome.message[:160]}"
    hint = outcome.result.get("hint", "")
    if stored != 1:
        return False, f"stored {stored} times"
    names = MATRIX["archived_mid_wait"]["names"]
    if outcome.result.get("status") != "error" or not any(n in hint.lower() for n in names):
        return False, f"wait ended {outcome.result.get('status')}: {hint}"
    return True, "error"


def table(title: str, routes: List[str], verdicts: Dict[str, Dict[str, str]], failures: List[str]) -> str:
    width = max(28, max(len(name) for name in verdicts) + 2)
    columns = [max(len(r), 7) + 2 for r in routes]
    lines = [title, "fault \\ route".ljust(width) + "".join(r.ljust(c) for r, c in zip(routes, columns))]
    total = passed = 0
    for name, row in verdicts.items():
        line = name.ljust(width)
        for route, column in zip(routes, columns):
            verdict = row.get(route)
            total += verdict is not None
            passed += verdict not in (None, "FAIL")
            line += (verdict or "-").ljust(column)
        lines.append(line)
    lines.append(f"{passed} of {total} cells passed (ok = recovered, error = clear error naming the cause, "
                 "unknown = told it may not have been sent)")
    lines += [f"  FAIL {f}" for f in failures]
    return "\n" + "\n".join(lines)
