#!/usr/bin/env bash
# `loket diff` counting a population on the real rule base (issue 16, item 7; bench/diff.sh
# times the synthetic country and the migrant-desk records):
#
#   bench/diff-population.sh [WORK] [RECORDS]       (defaults: /tmp/loket-diff-population, 1000000)
#
# examples/changes/population WORK/population.jsonl RECORDS (seed 1) for the five
# municipalities of rules/; rules/ amended with examples/changes/02 (Westland's language offer)
# in WORK/rules-02. Timed: `loket eval rules --cases` (one rule base, for scale) and `loket diff
# rules WORK/rules-02/rules --cases ... --jurisdiction-field municipality` (the proof per
# decision, then every record decided under both rule bases and the changes counted). Each
# timing is one run: wall and user seconds and peak RSS from /usr/bin/time -v (or the shell's
# clock without GNU time). `loket diff` exits 1 when answers change, which they do here.
# LOKET=path/to/loket selects the binary (default: the newest build*/bin/loket of the
# repository). Outputs stay in WORK (*.out, *.log); the counts are printed at the end.
set -euo pipefail

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
work=${1:-/tmp/loket-diff-population}
records=${2:-1000000}
date_iso=2026-09-01

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
loket=${LOKET:-}
if [[ -z "$loket" ]]; then
  loket=$(ls -t "$repo"/build*/bin/loket 2>/dev/null | head -n 1 || true)
fi
if [[ -z "$loket" || ! -x "$loket" ]]; then
  echo "diff-population.sh: no loket binary; build it or set LOKET=/path/to/loket" >&2
  exit 2
fi
mkdir -p "$work"

# timed NAME EXPECTED_EXITS COMMAND...: runs COMMAND with stdout to WORK/NAME.out, prints one
# line of figures; fails when the exit status is not in EXPECTED_EXITS (e.g. "0 1").
timed() {
  local name=$1 exits=$2 status=0
  shift 2
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.log" ||
      status=$?
    local wall user rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.time")
    user=$(sed -n 's/.*User time (seconds): //p' "$work/$name.time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
    printf '%-28s wall %s, user %ss, peak RSS %s KiB, exit %d\n' "$name" "$wall" "$user" \
      "$rss" "$status"
  else
    local start end
    start=$(date +%s.%N)
    "$@" >"$work/$name.out" 2>"$work/$name.log" || status=$?
    end=$(date +%s.%N)
    printf '%-28s wall %.2fs, exit %d\n' "$name" "$(echo "$end - $start" | bc)" "$status"
  fi
  if [[ " $exits " != *" $status "* ]]; then
    echo "diff-population.sh: $name exited $status (expected one of: $exits); see $work/$name.log" >&2
    tail -n 20 "$work/$name.log" >&2
    exit 2
  fi
}

echo "loket: $loket ($("$loket" --version)); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- a population counted under two rule bases -----------------------------------------------
python3 "$repo/examples/changes/population" "$work/population.jsonl" "$records" 1
echo "population: $(wc -l <"$work/population.jsonl") records, $(du -h "$work/population.jsonl" | cut -f1)"
rm -rf "$work/rules-02"
mkdir -p "$work/rules-02"
cp -r "$repo/rules" "$work/rules-02/rules"
patch -p1 --batch --fuzz=0 --quiet -d "$work/rules-02" \
  -i "$repo/examples/changes/02-westland-language-offer-rni/amendment.patch"
# Never `--out /dev/null`: the output is written atomically (a temporary file renamed over
# the target), which as root replaces the device /dev/null with a regular file.
timed population-eval "0" "$loket" eval "$repo/rules" --cases "$work/population.jsonl" \
  --jurisdiction-field municipality --on "$date_iso" --out "$work/decisions.jsonl"
timed population-diff "1" "$loket" diff "$repo/rules" "$work/rules-02/rules" \
  --cases "$work/population.jsonl" --jurisdiction-field municipality --on "$date_iso" \
  --format json
python3 - "$work/population-diff.out" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["population"]
print("records {}, changed {}, refused by OLD {}, by NEW {}".format(
    p["records"], p["changed_records"], p["failed_old"], p["failed_new"]))
for c in p["changes"]:
    print("  {} · {}: {} -> {}: {}".format(c["jurisdiction"], c["decision"], c["from"], c["to"],
                                           c["count"]))
PY
