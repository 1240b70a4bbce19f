"""cc-tap as a Claude Code channel, and the session list resource following the account, spoken to
as raw JSON-RPC over stdio: the official Python client has no place for the experimental
`notifications/claude/channel`, and raw frames also show the `initialize` result exactly as sent."""
import json
import queue
import subprocess
import threading
import time

import pytest

from harness import BIN, ORG, TOKEN, clean_environment, emulator_call, running_emulator

PENDING = "session_01HPendingPermission0003"
SEEDED_REQUEST = "0b5e7c1e-2f3a-4d5b-8c6d-7e8f9a0b1c2d"


def cse(session_id):
    return "cse_" + session_id[len("session_"):]


class RawClient:
    """A JSON-RPC peer on a cc-tap process's stdio: requests by id, notifications in arrival order."""

    def __init__(self, args, env, capabilities=None):
        self.proc = subprocess.Popen([str(BIN / "cc-tap"), *args], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.frames = queue.Queue()
        self.notifications = []
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()
        self.initialized = self.request("initialize", {
            "protocolVersion": "2025-11-25", "capabilities": capabilities or {},
            "clientInfo": {"name": "channel-test", "version": "1"}})
        self.notify("notifications/initialized")

    def _read(self):
        for line in self.proc.stdout:
            if line.strip():
                self.frames.put(json.loads(line))

    def _send(self, frame):
        self.proc.stdin.write((json.dumps(frame) + "\n").encode())
        self.proc.stdin.flush()

    def notify(self, method, params=None):
        self._send({"jsonrpc": "2.0", "method": method, **({"params": params} if params is not None else {})})

    def _pump(self, deadline):
        frame = self.frames.get(timeout=max(0.01, deadline - time.monotonic()))
        if "id" not in frame:
            self.notifications.append(frame)
        return frame

    def request(self, method, params, timeout=60):
        ident = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            frame = self._pump(deadline)
            if frame.get("id") == ident:
                assert "error" not in frame, frame
                return frame["result"]

    def call_tool(self, name, arguments):
        result = self.request("tools/call", {"name": name, "arguments": arguments})
        assert not result.get("isError"), result
        return result["structuredContent"]

    def wait_for_notification(self, match, what, timeout=60):
        """The first notification (already received or arriving) for which match(frame) is true."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for frame in self.notifications[seen:]:
                if match(frame):
                    return frame
            seen = len(self.notifications)
            try:
                self._pump(deadline)
            except queue.Empty:
                raise AssertionError(f"no {what} within {timeout} s; got {[f['method'] for f in self.notifications]}")

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def environment(base, tmp_path):
    return clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                             CCTAP_POLL_INTERVAL="0.1")


@pytest.fixture
def env(own_emulator, tmp_path):
    return environment(own_emulator, tmp_path)


def channel_message(session=None, reason=None):
    def match(frame):
        meta = frame.get("params", {}).get("meta", {})
        return (frame["method"] == "notifications/claude/channel" and (session is None or meta.get("session_id") == session)
                and (reason is None or meta.get("reason") == reason))
    return match


@pytest.mark.parametrize("watch", ["served", "refused"])
def test_as_a_channel_it_pushes_what_needs_the_user_and_takes_answers_through_the_tools(watch, tmp_path):
    for own_emulator in running_emulator("both", *([] if watch == "served" else ["--no-watch"])):
        channel_round(environment(own_emulator, tmp_path), own_emulator)


def channel_round(env, own_emulator):
    # A client that declares the channel capability itself (an object value, which swift-sdk 0.12.1
    # alone would refuse with -32603) still gets through the handshake.
    client = RawClient(["serve", "--channel"], env, capabilities={"experimental": {"claude/channel": {}}})
    try:
        assert client.initialized["capabilities"]["experimental"] == {"claude/channel": {}}
        # At start: the prompt already waiting is pushed, with what answering it needs.
        seeded = client.wait_for_notification(channel_message(cse(PENDING), "permission"), "the seeded prompt")
        assert seeded["params"]["meta"]["request_id"] == SEEDED_REQUEST
        assert "respond_to_permission" in seeded["params"]["content"]

        created = emulator_call(own_emulator, "POST", "/_emulator/sessions", {"turns": 0, "title": "pushed"})["id"]
        client.call_tool("send_message", {"session_id": created, "message": "permission to run ls?"})
        asked = client.wait_for_notification(channel_message(cse(created), "permission"), "the new prompt")
        meta = asked["params"]["meta"]
        assert meta["tool_name"] == "Bash" and "pushed" in asked["params"]["content"]
        # Results that were unread before the channel started are old news and were not pushed.
        assert not [f for f in client.notifications if channel_message(reason="unread_result")(f)]

        answered = client.call_tool("respond_to_permission", {
            "session_id": meta["session_id"], "request_id": meta["request_id"], "decision": "allow"})
        assert answered["status"] == "acknowledged"
        done = client.wait_for_notification(channel_message(cse(created), "unread_result"), "the finished turn")
        assert "ran" in done["params"]["content"] and "mark_read" in done["params"]["content"]
        # Each occasion once: one push for the prompt, one for the result.
        pushes = [f for f in client.notifications if channel_message(cse(created))(f)]
        assert [p["params"]["meta"]["reason"] for p in pushes] == ["permission", "unread_result"]
    finally:
        client.close()


def test_without_the_flag_nothing_is_declared(env):
    client = RawClient(["serve"], env, capabilities={"experimental": {"claude/channel": {}}})
    try:
        assert "experimental" not in client.initialized["capabilities"]
        assert client.initialized["capabilities"]["resources"]["listChanged"] is True
    finally:
        client.close()


@pytest.mark.parametrize("watch", ["served", "refused"])
def test_the_session_list_resource_follows_the_account(watch, tmp_path):
    """Subscribed to cctap://sessions, a client hears `updated` when a session changes and
    `list_changed` when one appears or goes, from the watch stream or, where it is refused, polls."""
    extra = [] if watch == "served" else ["--no-watch"]
    for base in running_emulator("both", *extra):
        env = clean_environment(HOME=str(tmp_path), CCTAP_BASE_URL=base, CCTAP_ACCESS_TOKEN=TOKEN, CCR_ORG_UUID=ORG,
                                CCTAP_POLL_INTERVAL="0.1")
        client = RawClient(["serve"], env)
        try:
            client.request("resources/subscribe", {"uri": "cctap://sessions"})
            # The subscription reads the board first; wait until it follows (it lists the sessions).
            deadline = time.monotonic() + 60
            while not [r for r in emulator_call(base, "GET", "/_emulator/requests")["requests"]
                       if "/v1/code/sessions?" in r["request"]]:
                assert time.monotonic() < deadline, "the subscription never read the list"
                time.sleep(0.05)
            created = emulator_call(base, "POST", "/_emulator/sessions", {"turns": 0, "title": "appears"})["id"]
            client.wait_for_notification(lambda f: f["method"] == "notifications/resources/list_changed", "list_changed")
            client.wait_for_notification(
                lambda f: f["method"] == "notifications/resources/updated" and f["params"]["uri"] == "cctap://sessions",
                "updated")
            resources = client.request("resources/list", {})["resources"]
            assert f"cctap://sessions/{cse(created)}/transcript" in {r["uri"] for r in resources}
        finally:
            client.close()
