#!/usr/bin/env bash
# The main job: install what is needed, build, check the bundled rule base, run its test
# suites, and decide every persona in examples/cases/ at the desk for the jurisdiction and
# date its README names (the first three with a full explanation).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
bash scripts/build.sh
loket=build/bin/loket

echo
echo "== loket check rules/"
"$loket" check rules/

echo
echo "== loket test rules/"
"$loket" test rules/ --require-coverage

echo
echo "== the desk: every persona of examples/cases/README.md"
shown=0
# Table rows: | file.yaml | who | jurisdiction date ... |
grep -E '^\| [a-z0-9-]+\.yaml \|' examples/cases/README.md | while IFS='|' read -r _ file who where _; do
  file=$(echo "$file" | xargs)
  read -r jurisdiction date _ <<<"$(echo "$where" | tr ',' ' ')"
  echo
  echo "---- ${file%.yaml}:$(echo "$who" | sed 's/ *$//') — $jurisdiction, $date"
  explain=()
  [ "$shown" -lt 3 ] && explain=(--explain)
  "$loket" eval rules/ --municipality "$jurisdiction" --on "$date" "examples/cases/$file" "${explain[@]}"
  shown=$((shown + 1))
done
