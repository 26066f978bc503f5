#!/usr/bin/env bash
# Configure and build loket in build/ (Release with debug info), two jobs by default, and the
# web desk's bundle in build/web (npm ci from web/package-lock.json, then esbuild through
# cmake/web.cmake) when node and npm are installed; `loket serve` serves it from there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
# The web desk's packages first: the build (cmake/web.cmake) bundles the page when they exist.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "build: node/npm not found; the web desk (build/web) is not built" >&2
fi
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build build -j "${LOKET_JOBS:-2}"
