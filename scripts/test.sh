#!/usr/bin/env bash
# Install what is needed, build, and run the whole test suite: unit and language tests,
# CLI tests, the rule suites in rules/tests, the conflict examples, the differential test
# and a consumer project built against the installed package; then the sanitizer run of the
# parser, case readers and batch path (scripts/asan.sh) and the fuzz targets (scripts/fuzz.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j "${LOKET_JOBS:-2}" --timeout 900
# AddressSanitizer and UBSan over the parser, case readers and batch path: their unit tests,
# the fuzz corpora and every CLI test (build-asan/, only what those need; LOKET_ASAN=0 skips).
if [ "${LOKET_ASAN:-1}" != 0 ]; then
  cd "$root"
  bash scripts/asan.sh
fi
# The fuzz targets, 60 s each (scripts/fuzz.sh builds them with clang in build-fuzz/;
# LOKET_FUZZ_SECONDS=N for another time, LOKET_FUZZ=0 or LOKET_FUZZ_SECONDS=0 to skip). Their corpora are also replayed above as ordinary tests
# (fuzz.replay.*).
if [ "${LOKET_FUZZ:-1}" != 0 ] && [ "${LOKET_FUZZ_SECONDS:-60}" != 0 ]; then
  cd "$root"
  bash scripts/fuzz.sh
fi
