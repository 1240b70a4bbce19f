"""The per-call cost of list_sessions through the Python binding (see scripts/bench-cabi.sh).
Usage: python bench/list_sessions_python.py CALLS; prints "python CALLS MEDIAN_US P95_US"."""
import sys
import time

import cctap

calls = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
with cctap.Client() as client:
    for _ in range(100):  # warm-up
        client.list_sessions()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        client.list_sessions()
        samples.append((time.perf_counter() - start) * 1e6)
samples.sort()
print(f"python {calls} {samples[calls // 2]:.1f} {samples[calls * 95 // 100]:.1f}")
