#!/usr/bin/env bash
# Fuzzes a parser with libFuzzer under AddressSanitizer.
#   scripts/fuzz.sh [target] [seconds]     e.g. scripts/fuzz.sh sse 30 (the test command's bounded run)
#   scripts/fuzz.sh sse 3600               a longer run
# Targets: sse (the server-sent-event parser). The committed seeds are in Fuzz/corpus/<target>; new
# inputs libFuzzer finds go to .build-fuzz/<target>-corpus, crashes to .build-fuzz/<target>-crash-*.
# The target and the one source file it tests are compiled directly with swiftc, so a fuzz build does
# not rebuild the package.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-sse}
seconds=${2:-30}
case "$target" in
  sse) sources=(Sources/CCTapCore/Feed/ServerSentEvents.swift Fuzz/ServerSentEventParserFuzz.swift) ;;
  *) echo "unknown fuzz target '$target' (known: sse)" >&2; exit 2 ;;
esac
mkdir -p .build-fuzz/"$target"-corpus
rm -f .build-fuzz/"$target"-crash-*
binary=.build-fuzz/"$target"-fuzzer
rm -f "$binary"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name FuzzTarget "${sources[@]}" -o "$binary" 2>&1 \
  | grep -v "Cannot export local symbol" || true
[ -x "$binary" ] || { echo "fuzz: build of $target failed" >&2; exit 1; }
echo "== fuzzing $target for $seconds s"
# `timeout`: a finding's report must not hold the test command up (the crash input is kept either way).
timeout $((seconds + 120)) "$binary" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix=.build-fuzz/"$target"-crash- \
  .build-fuzz/"$target"-corpus Fuzz/corpus/"$target" 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|.*Fatal error)" || true
# libFuzzer exits non-zero on a finding; the pipe above hides its status, so check for artifacts.
if ls .build-fuzz/"$target"-crash-* >/dev/null 2>&1; then
  echo "fuzz: $target found a failing input:" .build-fuzz/"$target"-crash-* >&2
  exit 1
fi
echo "fuzz: $target ok"
