"""Answering what a session asks, measured: for each kind of answer (a permission allowed once, allowed
"always", a dialog completed, a form accepted), the HTTP requests the answer costs and the time from the
call to the moment the session's turn goes on (the call returns then: it watches for the worker's next
event), then to the turn's end. One long-lived client (the C library through the Python binding), the
emulator's worker stepping every 10 ms, `--rounds` rounds of each on fresh sessions.

The published cc-tap 0.1.0 has no tool that answers any of these: there is nothing to put beside them.

    python bench/answers.py [--rounds 20]    # needs the debug build and .build/debug-dist (scripts/test.sh makes both)
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
sys.path.insert(0, str(ROOT / "bindings" / "python"))
from harness import LIBRARY, ORG, TOKEN, emulator_call, running_emulator, settle  # noqa: E402

import cctap  # noqa: E402

KINDS = [
    ("permission, allow once", "run make check",
     lambda c, s, r: c.respond_to_permission(s, r["pending_permissions"][0]["request_id"], "allow")),
    ("permission, always", "run make check",
     lambda c, s, r: c.respond_to_permission(s, r["pending_permissions"][0]["request_id"], "allow", always=True)),
    ("dialog, complete", "open a dialog",
     lambda c, s, r: c.respond_to_input(s, r["pending_inputs"][0]["request_id"], "complete", "Continue")),
    ("form, accept", "elicit a target",
     lambda c, s, r: c.respond_to_input(s, r["pending_inputs"][0]["request_id"], "accept", {"environment": "staging"})),
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    rows = []
    for base in running_emulator():
        with cctap.Client(base_url=base, access_token=TOKEN, organization_uuid=ORG, poll_interval=0.1,
                          library=str(LIBRARY)) as client:
            for name, text, answer in KINDS:
                requests, going_on, ended = [], [], []
                for _ in range(args.rounds):
                    session = emulator_call(base, "POST", "/_emulator/sessions", {"turns": 1, "title": name})["id"]
                    asked = client.send_and_wait(session, text, timeout=60)
                    assert asked["status"].startswith("waiting_for_"), asked
                    before = settle(base)["service_requests"]
                    started = time.monotonic()
                    answered = answer(client, session, asked)
                    going_on.append(time.monotonic() - started)
                    assert answered["status"] == "acknowledged", answered
                    requests.append(settle(base)["service_requests"] - before)
                    done = client.wait_for_reply(session, asked["cursor"], timeout=60)
                    ended.append(time.monotonic() - started)
                    assert done["status"] == "complete", done
                rows.append((name, requests, going_on, ended))
    print(f"answers, {args.rounds} rounds each, one client (C library via ctypes), debug build, emulator step 10 ms")
    print("| answer | requests (median) | to the turn going on, median / p95 | to the turn's end, median / p95 |")
    print("|---|---|---|---|")
    for name, requests, going_on, ended in rows:
        print(f"| {name} | {statistics.median(requests):g} | {statistics.median(going_on) * 1000:.0f} / "
              f"{percentile(going_on, 0.95) * 1000:.0f} ms | {statistics.median(ended) * 1000:.0f} / "
              f"{percentile(ended, 0.95) * 1000:.0f} ms |")
    print("requests: the read that finds the request, the answer's POST, and the watch for the worker's next"
          " event (the stream's open, or polls); the published cc-tap 0.1.0 cannot answer any of these.")


if __name__ == "__main__":
    main()
