#!/usr/bin/env bash
# Installs the built loket into a scratch prefix, builds tests/package and examples/embedding
# against it with find_package(loket), and runs both.
# Args: BUILD_DIR SOURCE_DIR SCRATCH_DIR [LINK_FLAGS] (LINK_FLAGS: for a sanitized build)
set -euo pipefail
build=$1 src=$2 scratch=$3 link_flags=${4:-}
rm -rf "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
for project in tests/package examples/embedding; do
  [ -f "$src/$project/CMakeLists.txt" ] || continue
  name=$(basename "$project")
  cmake -S "$src/$project" -B "$scratch/$name" -DCMAKE_PREFIX_PATH="$scratch/prefix" \
    -DCMAKE_EXE_LINKER_FLAGS="$link_flags" >/dev/null
  cmake --build "$scratch/$name" -j 2 >/dev/null
done
"$scratch/package/consumer"
if [ -x "$scratch/embedding/embedding" ]; then
  "$scratch/embedding/embedding" "$src/rules"
fi
# The installed CLI runs from the prefix too (RPATH to the installed library).
"$scratch/prefix/bin/loket" --version
