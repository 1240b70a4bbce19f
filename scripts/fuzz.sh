#!/usr/bin/env bash
# Fuzzes the core's readers of untrusted input with libFuzzer under AddressSanitizer.
#   scripts/fuzz.sh [target] [seconds]     e.g. scripts/fuzz.sh sse 30
#   scripts/fuzz.sh all [seconds]          every target in turn (the test command runs `all 20`)
#   scripts/fuzz.sh events 3600            a longer run
# Targets:
#   sse          the server-sent-event parser (Fuzz/ServerSentEventParserFuzz.swift)
#   events       event JSON decoding, transcript rendering, the turn tracker and result JSON
#                (Fuzz/EventTranscriptFuzz.swift)
#   credentials  the credentials file, Keychain text and .claude.json readers (Fuzz/CredentialFileFuzz.swift)
#   errors       the error path: status, Retry-After and body -> the error and its message, scrubbed
#                (Fuzz/ErrorAnswerFuzz.swift)
# The committed seeds are in Fuzz/corpus/<target>; new inputs libFuzzer finds go to
# .build-fuzz/<target>-corpus, crashes to .build-fuzz/<target>-crash-*.
# Each target is compiled directly with swiftc from the model target (Sources/CCTapModel: what needs
# no network and no package) and its fuzz harness, so a fuzz build does not rebuild the package; the
# binary is kept in .build-fuzz and reused until the model, the harness, this script or the compiler changes.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-sse}
seconds=${2:-30}
if [ "$target" = all ]; then
  for each in sse events credentials errors; do "$0" "$each" "$seconds"; done
  exit 0
fi
case "$target" in
  sse) harness=Fuzz/ServerSentEventParserFuzz.swift ;;
  events) harness=Fuzz/EventTranscriptFuzz.swift ;;
  credentials) harness=Fuzz/CredentialFileFuzz.swift ;;
  errors) harness=Fuzz/ErrorAnswerFuzz.swift ;;
  *) echo "unknown fuzz target '$target' (known: sse, events, credentials, errors, all)" >&2; exit 2 ;;
esac
mapfile -t model < <(find Sources/CCTapModel -name '*.swift' | LC_ALL=C sort)
sources=("${model[@]}" "$harness")
mkdir -p .build-fuzz/"$target"-corpus
rm -f .build-fuzz/"$target"-crash-*
binary=.build-fuzz/"$target"-fuzzer
# A binary is reused while its sources, this script and the compiler are what built it.
key=$( { swiftc --version 2>&1; cat "$0" "${sources[@]}"; } | sha256sum | cut -d' ' -f1)
if [ -x "$binary" ] && [ "$(cat "$binary.key" 2>/dev/null)" = "$key" ]; then
  echo "fuzz: $target binary is up to date"
else
  rm -f "$binary" "$binary.key"
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name FuzzTarget -package-name cctap "${sources[@]}" -o "$binary" 2>&1 \
    | grep -v "Cannot export local symbol" || true
  [ -x "$binary" ] || { echo "fuzz: build of $target failed" >&2; exit 1; }
  echo "$key" > "$binary.key"
fi
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
