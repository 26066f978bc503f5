#!/usr/bin/env bash
# Install what is needed, build, and run the whole test suite: unit and language tests,
# CLI tests, the rule suites in rules/tests, the conflict examples, the differential test
# and a consumer project built against the installed package.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j "${LOKET_JOBS:-2}" --timeout 900
# The fuzz targets, a bounded time each (LOKET_FUZZ_SECONDS, default 60; 0 skips): about
# 15 minutes of instrumented build on two cores, then three minutes of fuzzing.
if [ "${LOKET_FUZZ_SECONDS:-60}" != 0 ]; then
  cd "$root"
  bash scripts/fuzz.sh
fi
