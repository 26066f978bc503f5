#!/usr/bin/env bash
# AddressSanitizer and UBSan (preset `asan`: Debug, -fsanitize=address,undefined) over the
# paths hostile input reaches: the parser, the case readers and the batch path. Builds in
# build-asan/ only what they need, then runs their unit tests, the fuzz corpora replayed
# (fuzz.replay.*) and every CLI test (cli.*, the hostile-input matrix among them). Any
# sanitizer report fails the run. scripts/test.sh runs this unless LOKET_ASAN=0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${LOKET_JOBS:-2}
# Only the syntax and eval stages' unit tests are built (`cmake --preset asan` builds all).
cmake --preset asan -DLOKET_UNIT_TEST_STAGES="syntax;eval" >/dev/null
cmake --build build-asan -j "$jobs" --target loket_cli loket_unit_tests parse_fuzzer_replay \
  case_fuzzer_replay batch_fuzzer_replay
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
echo "asan: unit tests of the parser, the case readers and the batch path"
build-asan/tests/loket_unit_tests "[syntax],[case],[batch],[yaml]"
echo "asan: fuzz corpora and CLI tests"
ctest --preset asan -j "$jobs" --timeout 900 -R '^(fuzz\.replay\.|cli\.)'
