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
# The fuzz targets, 60 s each (scripts/fuzz.sh: builds them with clang in build-fuzz/, about
# 20 CPU-minutes cold; LOKET_FUZZ_SECONDS=N for another time, LOKET_FUZZ=0 or
# LOKET_FUZZ_SECONDS=0 to skip). Their corpora are also replayed above as ordinary tests
# (fuzz.replay.*).
if [ "${LOKET_FUZZ:-1}" != 0 ] && [ "${LOKET_FUZZ_SECONDS:-60}" != 0 ]; then
  cd "$root"
  bash scripts/fuzz.sh
fi
