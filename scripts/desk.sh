#!/usr/bin/env bash
# The main job: install what is needed, build, check the bundled rule base and decide the
# example personas at the desk. Usage: scripts/desk.sh [--on YYYY-MM-DD]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
on=${2:-2025-03-01}
[ "${1:-}" = "--on" ] || on=2025-03-01

bash scripts/install-deps.sh
bash scripts/build.sh
loket=build/bin/loket

echo
echo "== loket check rules/"
"$loket" check rules/

echo
echo "== loket test rules/"
"$loket" test rules/

echo
echo "== the desk: every persona in examples/cases/, decided on $on"
for case_file in examples/cases/*.yaml; do
  jurisdiction=$(sed -n 's/^# *jurisdiction: *\([a-z_]*\).*/\1/p' "$case_file" | head -n 1)
  [ -n "$jurisdiction" ] || jurisdiction=national
  echo
  echo "---- $(basename "$case_file" .yaml) ($jurisdiction)"
  "$loket" eval rules/ --municipality "$jurisdiction" --on "$on" "$case_file"
done
