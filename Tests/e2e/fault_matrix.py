"""The one driver and judge of the fault matrix (Tests/fault-matrix.json; its "about" says what a cell
checks). A surface is a function call(name, arguments) -> Outcome; test_fault_matrix.py gives one for
the core (through the cc-tap command line), the MCP server and the C ABI (through the Python binding).
Clients talk to the emulator through a hostile proxy (hostile_proxy.py), which passes everything through
unless a cell's rule is of kind "proxy": the driver sets that one on the proxy, every other on the emulator."""
import json
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from harness import ROOT, TOKEN, emulator_call, settle, stats, stored_total, wait_until
from hostile_proxy import HostileProxy

MATRIX = json.loads((ROOT / "Tests" / "fault-matrix.json").read_text())
ROUTES = {route["name"]: route for route in MATRIX["routes"]}
FAULTS = {fault["name"]: fault for fault in MATRIX["faults"]}
SENDS = ("send_message", "send_and_wait")
# The trusted-device token the matrix's login file holds beside the token: sent, never shown.
DEVICE = "tdt-matrix-never-shown-0123456789"


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
        chosen = [Cell(route["name"], fault) for fault in MATRIX["faults"] for route in MATRIX["routes"]
                  if applies(fault, route["name"])]
    else:
        chosen = [Cell(route, FAULTS[fault]) for fault, route in MATRIX["smoke"]]
    return chosen + [Cell(MATRIX["archived_mid_wait"]["route"])]


def applies(fault: dict, route: str) -> bool:
    """A fault row applies to every route, or to those its "routes" names (the others show "-")."""
    return route in fault.get("routes", ROUTES)


def route_pattern(route: str) -> str:
    """A route of the JSON ("/v1/code/sessions/{id}/events") as the proxy's path pattern."""
    return "^" + route.replace("{id}", "[^/]+") + "$"


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
            "scopes": ["user:inference", "user:profile", "user:sessions:claude_code"]},
            "trustedDeviceToken": DEVICE}).encode()
        self.path.write_bytes(self.written)
        self.path.chmod(0o600)

    def unchanged(self) -> bool:
        return self.path.read_bytes() == self.written


def login_dir(tmp_path: Path) -> LoginFile:
    folder = tmp_path / "claude-config"
    folder.mkdir()
    login = LoginFile(folder / ".credentials.json", tokens=[DEVICE])
    login.write(TOKEN)
    return login


def judge(fault: dict, route: dict, outcome: Outcome, stored: int, fired: bool, duplicates: int,
          secrets: Sequence[str] = ()) -> Tuple[bool, str]:
    """The verdict on one cell: (passed, what to print in the table or why it failed). `secrets`: the
    credentials in use, none of which may appear in the outcome (its message or result)."""
    if not fired:
        return False, "the fault was never hit"
    shown = outcome.message + json.dumps(outcome.result)
    if any(secret in shown for secret in secrets) or "Bearer sk-" in shown:
        return False, "a token appeared in the output"
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


def run_matrix(base: str, proxy: HostileProxy, login: LoginFile, call: Callable[[str, dict], Outcome], title: str,
               which: str = "all") -> Tuple[List[str], str]:
    """Runs the chosen cells through `call`, whose client talks to the emulator at `base` through
    `proxy`; returns the failures and the table to print."""
    verdicts: Dict[str, Dict[str, str]] = {}
    failures = []
    for cell in cells(which):
        passed, what = fault_cell(base, proxy, login, call, cell) if cell.fault else archived_cell(base, call)
        verdicts.setdefault(cell.row, {})[cell.route] = what if passed else "FAIL"
        if not passed:
            failures.append(f"{cell.row} on {cell.route}: {what}")
    return failures, table(title, [r["name"] for r in MATRIX["routes"]], verdicts, failures)


def fault_cell(base: str, proxy: HostileProxy, login: LoginFile, call: Callable[[str, dict], Outcome],
               cell: Cell) -> Tuple[bool, str]:
    """One fault, once, on one route (on the emulator, or on the proxy for a rule of kind "proxy");
    then the call that uses the route, and the verdict."""
    fault, route = cell.fault, ROUTES[cell.route]
    emulator_call(base, "DELETE", "/_emulator/faults")
    proxy.clear()
    if fault.get("renew_login"):
        renewed = "sk-ant-oat01-renewed-" + uuid.uuid4().hex[:8]
        emulator_call(base, "POST", "/_emulator/tokens", {"valid": [renewed]})
        login.write(renewed)
    rule = None
    if fault["rule"]["kind"] == "proxy":
        params = {k: v for k, v in fault["rule"].items() if k not in ("kind", "mode", "times")}
        rule = proxy.add_rule(fault["rule"]["mode"], route["method"], route_pattern(route["route"]),
                              times=fault["rule"].get("times", 1), **params)
    else:
        emulator_call(base, "POST", "/_emulator/faults", dict(fault["rule"], method=route["method"], route=route["route"], times=1))
    before = stored_total(stats(base))
    arguments = {} if route["call"] == "list_sessions" else {"session_id": MATRIX["session"]}
    if route["call"] in SENDS:
        arguments["message"] = f"fault matrix: {fault['name']} on {route['name']}"
    if route["call"] == "send_and_wait":
        arguments["timeout"] = 30
    outcome = call(route["call"], arguments)
    # A stalled ('hold') request ends now that the call has returned, and so does an answer the proxy
    # holds; everything the call sent has had its effect once the proxy's late forwards are done and
    # the emulator has answered it all (a post that outlived the timeout is stored now).
    emulator_call(base, "POST", "/_emulator/faults/release")
    proxy.clear()
    proxy.late_forwards_done()
    after = settle(base)
    duplicates = sum(1 for n in after["user_messages_stored"].values() if n > 1)
    fired = rule.hits > 0 if rule else after["faults_pending"] == 0
    return judge(fault, route, outcome, stored_total(after) - before, fired, duplicates, login.tokens)


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
