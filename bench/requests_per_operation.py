"""Requests per operation in each world: how many HTTP requests the emulator receives for each cc-tap
operation, made twice on one long-lived client (the C library through the Python binding), against a
service that serves both route generations, only the 2026 /v1/code/sessions routes, or only the older
/v1/sessions routes. The first call of each kind may try the other generation once; the second shows
the steady state.

    python bench/requests_per_operation.py            # needs the debug build and .build/debug-dist
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
sys.path.insert(0, str(ROOT / "bindings" / "python"))
from harness import LIBRARY, ORG, TOKEN, emulator_call, running_emulator, settle  # noqa: E402

import cctap  # noqa: E402

DEMO = "session_01HFlakyLoginTestDemo0001"
IDLE = "session_01HUnicodeTitle000000002"
PENDING = "session_01HPendingPermission0003"


def operations(client):
    """(name, call) pairs, each run twice; the permission answer runs once (there is one prompt)."""
    return [
        ("list_sessions", lambda: client.list_sessions()),
        ("get_session_info", lambda: client.get_session_info(DEMO)),
        ("read_session", lambda: client.read_session(DEMO, 20)),
        ("get_session_events", lambda: client.get_session_events(DEMO, "", 50)),
        ("send_message", lambda: client.send_message(IDLE, "counting requests")),
        ("send_and_wait", lambda: client.send_and_wait(DEMO, "counting requests", timeout=30)),
        ("interrupt", lambda: client.interrupt(IDLE)),
    ]


def count(base, call):
    before = settle(base)["service_requests"]
    call()
    return settle(base)["service_requests"] - before


def measure(dialect):
    rows = {}
    for base in running_emulator(dialect):
        with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1,
                          library=str(LIBRARY)) as client:
            for name, call in operations(client):
                rows[name] = (count(base, call), count(base, call))
            rows["respond_to_permission"] = (count(base, lambda: client.respond_to_permission(
                PENDING, "0b5e7c1e-2f3a-4d5b-8c6d-7e8f9a0b1c2d", "allow")), None)
    return rows


def main():
    worlds = ["both", "v2", "v1"]
    results = {world: measure(world) for world in worlds}
    print("requests per operation, first call / second call, one client (C library via ctypes)")
    print("operation".ljust(24) + "".join(f"{w} world".ljust(16) for w in worlds))
    for name in results["both"]:
        cells = []
        for world in worlds:
            first, second = results[world][name]
            cells.append((f"{first} / {second}" if second is not None else f"{first}").ljust(16))
        print(name.ljust(24) + "".join(cells))
    print("send_and_wait counts the stream's open (and the emulator's end of it) but not its frames;"
          " interrupt and respond_to_permission include the short watch for the worker's acknowledgement.")


if __name__ == "__main__":
    main()
