#!/usr/bin/env bash
# The footprint of what users run, measured: the stripped sizes of libcctap.so.0 and of the installed
# cc-tap (release, Swift runtime linked in, as scripts/install.sh builds them), and the MCP server's
# memory over the benchmark's workload (bench/compare.py --ours-only: start-up, 5 turns, waits on
# 5,000- and 900-event sessions, list_sessions while 8 waits pend, then every read tool).
#   scripts/footprint.sh [--turns N]     prints a Markdown table with the goals of issues 14 and 25
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
turns=5
[ "${1:-}" = --turns ] && turns=${2:?--turns needs a number}

scripts/build-dist.sh >/dev/null
scripts/static-build.sh --product cc-tap >/dev/null
scripts/static-build.sh --product cc-tap-emulator >/dev/null
python_venv .venv-test "mcp==2.3.0"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
strip --strip-unneeded -o "$work/cc-tap" .build-static/release/cc-tap
figures=$(.venv-test/bin/python bench/compare.py --ours "$work/cc-tap" --emulator .build-static/release/cc-tap-emulator \
  --ours-only --startups 10 --turns "$turns" --rounds 1 --samples-per-round 20 --long-timeout 15 2>/dev/null | tail -1)

library=$(stat -c %s dist/lib/libcctap.so.0)
server=$(stat -c %s "$work/cc-tap")
linked=$(ldd "$work/cc-tap" | awk '{print $1}' | grep -c . || true)
swift_linked=$(ldd "$work/cc-tap" | grep -ci swift || true)
FIGURES="$figures" LIBRARY="$library" SERVER="$server" python3 - <<'PY'
import json, os
f = json.loads(os.environ["FIGURES"])
mb = lambda b: f"{int(b) / 1e6:.1f} MB ({int(b) / 2**20:.1f} MiB)"
rows = [
    ("libcctap.so.0, stripped", mb(os.environ["LIBRARY"]), "<= 30 MB", int(os.environ["LIBRARY"]) <= 30e6),
    ("cc-tap as installed, stripped", mb(os.environ["SERVER"]), "<= 35 MiB", int(os.environ["SERVER"]) <= 35 * 2**20),
    ("server start-up to tools/list, median of 10", f"{f['startup_ms']:.0f} ms", "<= 30 ms", f["startup_ms"] <= 30),
    ("server resident memory after start-up (VmHWM)", f"{f['rss_after_start_mib']:.1f} MiB", "", None),
    ("server peak resident memory over the workload (VmHWM)", f"{f['peak_rss_mib']:.1f} MiB", "<= 21 MiB", f["peak_rss_mib"] <= 21),
    ("  of it at the end: anonymous / file-backed", f"{f['rss_anon_mib_at_end']:.1f} / {f['rss_file_mib_at_end']:.1f} MiB", "", None),
]
print("| figure | measured | goal | met |")
print("|---|---|---|---|")
for name, value, goal, met in rows:
    print(f"| {name} | {value} | {goal} | {'' if met is None else ('yes' if met else '**no**')} |")
PY
echo "cc-tap loads $linked shared libraries, $swift_linked of them Swift's; the workload's figures: $figures"
