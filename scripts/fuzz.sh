#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang-14 with AddressSanitizer and UBSan) in
# build-fuzz/ and runs each for a bounded time, starting from its corpus in tests/fuzz/.
# New inputs go to a scratch folder, not into the repository; a crash fails the script and
# leaves its input in build-fuzz/ (crash-*). LOKET_FUZZ_SECONDS sets the time per target
# (default 60).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${LOKET_FUZZ_SECONDS:-60}
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j "${LOKET_JOBS:-2}" --target parse_fuzzer case_fuzzer batch_fuzzer
run() {
  local fuzzer=$1 corpus=$2
  shift 2
  local scratch
  scratch=$(mktemp -d)
  cp -r "tests/fuzz/$corpus/." "$scratch/"
  echo "fuzz: $fuzzer for ${seconds}s"
  # pipefail (set above): a crash fails the pipeline, and so the script.
  (cd build-fuzz && "./bin/$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 "$@" "$scratch" 2>&1 | tail -n 15)
  rm -rf "$scratch"
}
run parse_fuzzer corpus -dict="$root/tests/fuzz/loket.dict"
run case_fuzzer corpus_case
run batch_fuzzer corpus_batch
