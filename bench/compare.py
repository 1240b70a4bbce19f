#!/usr/bin/env python3
"""Our cc-tap against the published Python cc-tap 0.1.0, side by side, on one emulator.

Both MCP servers are driven the way a Claude client drives them: spawned as child processes and
spoken to over stdio by the Python MCP client. One emulator serves both, so they see the same API.
Prints the five figures of issue 5 for both, their ratio and whether the goal is met.

Run it through scripts/bench-compare.sh, which builds our binaries and installs the published
package into its own venv (it needs mcp<2).
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from emulator import ORG, TOKEN, Emulator


@dataclass
class Server:
    name: str
    command: str
    args: list
    env: dict
    marker: str  # one of the server's arguments, to find its process
    figures: dict = field(default_factory=dict)

    def parameters(self) -> StdioServerParameters:
        return StdioServerParameters(command=self.command, args=self.args, env=self.env)


def payload(result) -> dict:
    """A tool result as a dict: our structured content, or the published one's JSON text."""
    # mcp 1.x names it structuredContent, mcp 2.x structured_content.
    structured = getattr(result, "structuredContent", None) or getattr(result, "structured_content", None)
    if structured:
        if set(structured) == {"result"} and isinstance(structured["result"], str):
            try:
                return json.loads(structured["result"])
            except ValueError:
                return {"text": structured["result"]}
        return structured
    text = "".join(getattr(block, "text", "") for block in result.content)
    try:
        return json.loads(text)
    except ValueError:
        return {"text": text}


def child_pid(marker: str) -> int:
    """The pid of our child process that has `marker` as one of its arguments (argv[0] included)."""
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                arguments = cmdline.read().decode(errors="replace").split("\0")
        except (OSError, IndexError, ValueError):
            continue
        if parent == me and marker in arguments:
            return int(entry)
    raise RuntimeError(f"no child process matching {marker}")


def memory_mib(pid: int) -> dict:
    """Peak resident set (VmHWM) and, for insight, the current anonymous and file-backed parts."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "RssAnon", "RssFile"):
                fields[name] = int(value.split()[0]) / 1024
    return fields


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


async def startup_seconds(server: Server, errlog) -> float:
    """Process start to the tools/list answer."""
    started = time.perf_counter()
    async with stdio_client(server.parameters(), errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await session.list_tools()
            return time.perf_counter() - started


async def turn_latencies(session, emulator: Emulator, session_id: str, turns: int) -> list:
    """From the emulator storing a turn's `result` to send_and_wait answering."""
    latencies = []
    for turn in range(turns):
        result = await session.call_tool("send_and_wait", {"session_id": session_id, "message": f"benchmark turn {turn}"})
        answered = time.time()
        status = payload(result).get("status")
        if status != "complete":
            raise RuntimeError(f"turn {turn} ended {status}: {payload(result)}")
        latencies.append(answered - emulator.stats()["last_result_at"][session_id])
    return latencies


async def bytes_for_one_wait(session, emulator: Emulator, session_id: str, timeout: int):
    """API body bytes the emulator sent during one send_and_wait, and how it ended."""
    before = emulator.stats()["response_bytes"]
    result = await session.call_tool(
        "send_and_wait", {"session_id": session_id, "message": "benchmark: one more step", "timeout": timeout})
    return emulator.stats()["response_bytes"] - before, payload(result).get("status")


async def list_latencies_while_waiting(session, session_ids: list, rounds: int, per_round: int) -> list:
    """list_sessions latency, counting only calls made while all 8 send_and_wait calls were pending."""
    samples = []
    for round_number in range(rounds):
        waits = [asyncio.create_task(session.call_tool(
            "send_and_wait", {"session_id": sid, "message": f"slow benchmark round {round_number}", "timeout": 110}))
            for sid in session_ids]
        await asyncio.sleep(0.5)
        taken = 0
        while taken < per_round and not any(wait.done() for wait in waits):
            started = time.perf_counter()
            await session.call_tool("list_sessions", {})
            samples.append(time.perf_counter() - started)
            taken += 1
        for wait in waits:
            status = payload(await wait).get("status")
            if status != "complete":
                raise RuntimeError(f"a pending send_and_wait ended {status}")
    return samples


async def workload(server: Server, emulator: Emulator, args, errlog):
    sessions = {
        "turns": emulator.new_session(2),
        "long": emulator.new_session(1000),  # 5,000 events
        "medium": emulator.new_session(180),  # 900 events
        "busy": [emulator.new_session(2) for _ in range(8)],
    }
    async with AsyncExitStack() as stack:
        read, write = await stack.enter_async_context(stdio_client(server.parameters(), errlog=errlog))
        session = await stack.enter_async_context(ClientSession(read, write))
        await session.initialize()
        await session.list_tools()
        pid = child_pid(server.marker)
        server.figures["rss_after_start_mib"] = memory_mib(pid)["VmHWM"]

        latencies = await turn_latencies(session, emulator, sessions["turns"], args.turns)
        server.figures["turn_median_ms"] = statistics.median(latencies) * 1000
        server.figures["turn_p95_ms"] = percentile(latencies, 0.95) * 1000

        long_bytes, long_status = await bytes_for_one_wait(session, emulator, sessions["long"], args.long_timeout)
        server.figures["long_bytes"] = long_bytes
        server.figures["long_status"] = long_status
        medium_bytes, medium_status = await bytes_for_one_wait(session, emulator, sessions["medium"], 60)
        server.figures["medium_bytes"] = medium_bytes
        server.figures["medium_status"] = medium_status

        listed = await list_latencies_while_waiting(session, sessions["busy"], args.rounds, args.samples_per_round)
        server.figures["list_median_ms"] = statistics.median(listed) * 1000
        server.figures["list_p95_ms"] = percentile(listed, 0.95) * 1000
        server.figures["list_samples"] = len(listed)

        # The rest of a client's day, so peak memory covers every tool.
        await session.call_tool("get_session_info", {"session_id": sessions["medium"]})
        await session.call_tool("read_session", {"session_id": sessions["long"]})
        await session.call_tool("get_session_events", {"session_id": sessions["long"]})
        memory = memory_mib(pid)
        server.figures["peak_rss_mib"] = memory["VmHWM"]
        server.figures["rss_anon_mib_at_end"] = memory["RssAnon"]
        server.figures["rss_file_mib_at_end"] = memory["RssFile"]


LIST_SESSIONS = 73  # the session count issue 25's figure is stated for


class RawClient:
    """A bare JSON-RPC client over stdio (one line out, one line in, json.loads): what a server costs,
    without the official client's validation of each answer against the tool's output schema (which
    in the Python client takes 20-40 ms for a send_and_wait answer)."""

    def __init__(self, server: Server):
        self.process = subprocess.Popen([server.command, *server.args], env=server.env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.number = 0
        self.ask("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                "clientInfo": {"name": "bench", "version": "1"}})
        self.process.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')

    def ask(self, method, params):
        self.number += 1
        line = json.dumps({"jsonrpc": "2.0", "id": self.number, "method": method, "params": params})
        self.process.stdin.write((line + "\n").encode())
        self.process.stdin.flush()
        while True:
            answer = json.loads(self.process.stdout.readline())
            if answer.get("id") == self.number:
                return answer

    def call(self, tool, arguments) -> dict:
        answer = self.ask("tools/call", {"name": tool, "arguments": arguments})
        if "result" not in answer or answer["result"].get("isError"):
            raise RuntimeError(f"{tool} failed: {str(answer)[:300]}")
        return payload_from_json(answer["result"])

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def raw_list_latencies(server: Server, calls: int) -> tuple:
    """list_sessions with the bare client: the latencies (after 20 warm-up calls) and the session
    count of the last answer."""
    client = RawClient(server)
    try:
        latencies, count = [], None
        for number in range(calls + 20):
            started = time.perf_counter()
            listed = client.call("list_sessions", {})
            if number >= 20:
                latencies.append(time.perf_counter() - started)
            count = listed.get("count", count)
        return latencies, count
    finally:
        client.close()


def raw_turn_latencies(server: Server, emulator: Emulator, turns: int) -> list:
    """Turn-end detection as figure 3 measures it, with the bare client."""
    client = RawClient(server)
    session_id = emulator.new_session(2)
    try:
        latencies = []
        for turn in range(turns):
            result = client.call("send_and_wait", {"session_id": session_id, "message": f"bare benchmark turn {turn}"})
            answered = time.time()
            if result.get("status") != "complete":
                raise RuntimeError(f"turn {turn} ended {result.get('status')}: {result}")
            latencies.append(answered - emulator.stats()["last_result_at"][session_id])
        return latencies
    finally:
        client.close()


def payload_from_json(result: dict) -> dict:
    """A raw tools/call result as a dict: structured content, or the JSON text."""
    if isinstance(result.get("structuredContent"), dict) and set(result["structuredContent"]) != {"result"}:
        return result["structuredContent"]
    text = "".join(block.get("text", "") for block in result.get("content", []))
    try:
        return json.loads(text)
    except ValueError:
        return {}


def core_list_median_ms(binary: str, env: dict, calls: int) -> float:
    """The same list through our core in-process (bench/list_sessions_swift, the core's result encoded
    to JSON as every surface does): its median per call."""
    output = subprocess.run([binary, str(calls)], env=env, capture_output=True, text=True, check=True).stdout
    fields = output.split()  # "core CALLS MEDIAN_US P95_US"
    return float(fields[2]) / 1000


def fill_to(emulator: Emulator, server: Server, sessions: int):
    """Adds sessions until the account lists `sessions` (the seed has fewer)."""
    _, count = raw_list_latencies(server, 1)
    for _ in range(max(0, sessions - (count or 0))):
        emulator.new_session(1)


def stripped_size(binary: str) -> int:
    """The size of the binary as installed: stripped of symbols, as scripts/install.sh installs it."""
    with tempfile.TemporaryDirectory() as folder:
        target = os.path.join(folder, "cc-tap")
        subprocess.run(["strip", "--strip-unneeded", "-o", target, binary], check=True)
        return os.path.getsize(target)


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({model}), Python {platform.python_version()}"


def report(ours: Server, theirs: Server, args):
    o, t = ours.figures, theirs.figures

    def ratio(theirs_value, ours_value):
        return f"{theirs_value / ours_value:,.1f}x" if ours_value else "n/a"

    rows = [
        ("1. start-up to tools/list, median of %d" % args.startups,
         f"{o['startup_ms']:,.0f} ms", f"{t['startup_ms']:,.0f} ms", ratio(t["startup_ms"], o["startup_ms"]),
         "<= 1/20", t["startup_ms"] >= 20 * o["startup_ms"]),
        ("2. peak resident memory after the workload",
         f"{o['peak_rss_mib']:,.1f} MiB", f"{t['peak_rss_mib']:,.1f} MiB", ratio(t["peak_rss_mib"], o["peak_rss_mib"]),
         "<= 1/3", o["peak_rss_mib"] * 3 <= t["peak_rss_mib"]),
        ("3. turn-end detection, median of %d turns" % args.turns,
         f"{o['turn_median_ms']:,.1f} ms", f"{t['turn_median_ms']:,.1f} ms", ratio(t["turn_median_ms"], o["turn_median_ms"]),
         "<= 1/10 and < 50 ms", o["turn_median_ms"] * 10 <= t["turn_median_ms"] and o["turn_median_ms"] < 50),
        ("   turn-end detection, p95",
         f"{o['turn_p95_ms']:,.1f} ms", f"{t['turn_p95_ms']:,.1f} ms", ratio(t["turn_p95_ms"], o["turn_p95_ms"]),
         "<= 1/10", o["turn_p95_ms"] * 10 <= t["turn_p95_ms"]),
        ("4. API bytes, send_and_wait on 5,000 events",
         f"{o['long_bytes']:,} B ({o['long_status']})", f"{t['long_bytes']:,} B ({t['long_status']})",
         ratio(t["long_bytes"], o["long_bytes"]), "ours completes",
         o["long_status"] == "complete"),
        ("   API bytes, send_and_wait on 900 events",
         f"{o['medium_bytes']:,} B ({o['medium_status']})", f"{t['medium_bytes']:,} B ({t['medium_status']})",
         ratio(t["medium_bytes"], o["medium_bytes"]), "< 1% of theirs",
         o["medium_bytes"] * 100 < t["medium_bytes"] and t["medium_status"] == "complete"),
        ("5. list_sessions while 8 send_and_wait pend, median",
         f"{o['list_median_ms']:,.1f} ms", f"{t['list_median_ms']:,.1f} ms",
         ratio(t["list_median_ms"], o["list_median_ms"]), "", None),
        ("   list_sessions while 8 send_and_wait pend, p95",
         f"{o['list_p95_ms']:,.1f} ms (n={o['list_samples']})", f"{t['list_p95_ms']:,.1f} ms (n={t['list_samples']})",
         ratio(t["list_p95_ms"], o["list_p95_ms"]), "p95 < 50 ms", o["list_p95_ms"] < 50),
        ("6. cc-tap as installed (static Swift runtime, stripped)",
         f"{o['installed_bytes'] / 2**20:,.1f} MiB", "(a Python package)", "", "<= 35 MiB",
         o["installed_bytes"] <= 35 * 2**20),
    ]
    if "core_list_median_ms" in o:
        rows += [
            (f"7. list_sessions of {o['list_idle_sessions']} sessions, bare JSON-RPC client over stdio, median of {args.list_calls}",
             f"{o['list_idle_median_ms']:,.1f} ms", f"{t['list_idle_median_ms']:,.1f} ms",
             ratio(t["list_idle_median_ms"], o["list_idle_median_ms"]), "", None),
            ("   the same list through our core in-process; MCP over core",
             f"{o['core_list_median_ms']:,.1f} ms; {o['list_idle_median_ms'] / o['core_list_median_ms']:,.2f}x", "", "",
             "MCP <= 2x core", o["list_idle_median_ms"] <= 2 * o["core_list_median_ms"]),
            (f"8. turn-end detection with the bare client, median of {min(args.turns, 10)} turns",
             f"{o['turn_bare_median_ms']:,.1f} ms", f"{t['turn_bare_median_ms']:,.1f} ms",
             ratio(t["turn_bare_median_ms"], o["turn_bare_median_ms"]), "", None),
        ]
    print()
    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}")
    print(f"Published: cc-tap 0.1.0 from PyPI (mcp {args.published_mcp}); ours: {args.ours}")
    print()
    print("| figure | ours | published 0.1.0 | ratio | goal | met |")
    print("|---|---|---|---|---|---|")
    for name, ours_text, theirs_text, ratio_text, goal, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        print(f"| {name} | {ours_text} | {theirs_text} | {ratio_text} | {goal} | {mark} |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"ours": o, "published": t, "machine": machine()}, out, indent=2)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", required=True, help="our cc-tap binary")
    parser.add_argument("--emulator", required=True, help="the cc-tap-emulator binary")
    parser.add_argument("--startups", type=int, default=10)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of 8 pending send_and_wait calls")
    parser.add_argument("--samples-per-round", type=int, default=100)
    parser.add_argument("--long-timeout", type=int, default=15,
                        help="send_and_wait timeout on the 5,000-event session, in seconds")
    parser.add_argument("--slow-turn-seconds", type=float, default=3)
    parser.add_argument("--core", help="the cctap-bench binary: list_sessions through our core in-process, "
                        "the baseline of the MCP layer's cost")
    parser.add_argument("--list-calls", type=int, default=200, help="sequential list_sessions calls per figure")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--ours-only", action="store_true",
                        help="run only our server (scripts/footprint.sh): its figures as JSON on stdout")
    args = parser.parse_args()
    import importlib.metadata
    args.published_mcp = importlib.metadata.version("mcp")

    emulator = Emulator(args.emulator, "--slow-turn-seconds", str(args.slow_turn_seconds))
    home = tempfile.mkdtemp(prefix="cctap-bench-home-")
    common = {"HOME": home, "CLAUDE_CONFIG_DIR": home, "CCTAP_BASE_URL": emulator.url, "CCR_ORG_UUID": ORG}
    launcher = os.path.join(os.path.dirname(os.path.abspath(__file__)), "published_launcher.py")
    ours = Server("ours", args.ours, [], {**common, "CCTAP_ACCESS_TOKEN": TOKEN}, args.ours)
    theirs = Server("published", sys.executable, [launcher], {**common, "CLAUDE_CODE_OAUTH_TOKEN": TOKEN}, launcher)
    errlog = open(os.path.join(home, "servers.log"), "w")
    servers = (ours,) if args.ours_only else (ours, theirs)
    try:
        for server in servers:
            await startup_seconds(server, errlog)  # warm the file cache once, not counted
        times = {server.name: [] for server in servers}
        for _ in range(args.startups):
            for server in servers:  # alternate, so both see the same machine noise
                times[server.name].append(await startup_seconds(server, errlog))
        for server in servers:
            server.figures["startup_ms"] = statistics.median(times[server.name]) * 1000
            print(f"[{server.name}] start-up runs (ms): " + ", ".join(f"{t * 1000:.0f}" for t in times[server.name]),
                  file=sys.stderr)
        ours.figures["installed_bytes"] = stripped_size(args.ours)
        if args.core:
            fill_to(emulator, ours, LIST_SESSIONS)
            for server in servers:
                latencies, count = raw_list_latencies(server, args.list_calls)
                server.figures["list_idle_median_ms"] = statistics.median(latencies) * 1000
                server.figures["list_idle_sessions"] = count
            for server in servers:
                bare = raw_turn_latencies(server, emulator, min(args.turns, 10))
                server.figures["turn_bare_median_ms"] = statistics.median(bare) * 1000
            core_env = {**os.environ, **ours.env}
            ours.figures["core_list_median_ms"] = core_list_median_ms(args.core, core_env, args.list_calls)
        for server in servers:
            print(f"[{server.name}] running the workload...", file=sys.stderr)
            await workload(server, emulator, args, errlog)
            print(f"[{server.name}] {json.dumps(server.figures)}", file=sys.stderr)
    finally:
        errlog.close()
        emulator.stop()
    if args.ours_only:
        print(json.dumps(ours.figures))
    else:
        report(ours, theirs, args)


if __name__ == "__main__":
    asyncio.run(main())
