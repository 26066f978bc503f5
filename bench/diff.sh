#!/usr/bin/env bash
# `loket diff` timed (docs/benchmarks.md, "Diff"): (1) one municipality's amendment against the
# synthetic country (examples/country/generate, 342 municipalities), (2) a population of
# migrant-desk records (the shared generator) counted under the desk rules and an amendment of
# the knowledge-migrant salary thresholds, next to one `loket eval` of the same records.
#
# usage: bench/diff.sh [RECORDS=1000000] [RUNS=3]
# Environment: LOKET (default: build/bin/loket of the repository), LOKET_SHARED_BENCH (default:
# ../shared/bench next to the repository; node runs its generator), WORK (scratch folder,
# default /tmp/loket-diff-bench). Prints wall and user seconds and peak RSS per run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
records=${1:-1000000}
runs=${2:-3}
loket=${LOKET:-$repo/build/bin/loket}
shared=${LOKET_SHARED_BENCH:-$(cd "$repo/.." && pwd)/shared/bench}
work=${WORK:-/tmp/loket-diff-bench}
die() { echo "diff.sh: $*" >&2; exit 2; }
[ -x "$loket" ] || die "no loket binary at $loket; build it or set LOKET"
mkdir -p "$work"

timed() {  # label, command...: one line "label: W s wall, U s user, R MB" (exit 1 is "changed")
  local label=$1; shift
  local log=$work/time.log
  set +e
  /usr/bin/time -f "%e %U %M" -o "$log" "$@" >"$work/out" 2>"$work/err"
  local status=$?
  set -e
  [ "$status" -le 1 ] || { cat "$work/err" >&2; die "$label: exit $status"; }
  read -r wall user rss < <(tail -n 1 "$log")
  printf '%s: %s s wall, %s s user, %d MB peak RSS (exit %d)\n' "$label" "$wall" "$user" \
    $((rss / 1024)) "$status"
}

echo "== $("$loket" --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. The country and one municipality's amendment: gm0005 widens its voluntary language offer
#    for EU citizens from their first 24 to their first 36 months.
python3 "$repo/examples/country/generate" "$work/country" >/dev/null
rm -rf "$work/country_new"
cp -r "$work/country" "$work/country_new"
sed -i '0,/category in {eu_worker, eu_other} and months_in_nl < 24/s//category in {eu_worker, eu_other} and months_in_nl < 36/' \
  "$work/country_new/municipalities/gm0005.loket"
cmp -s "$work/country/municipalities/gm0005.loket" "$work/country_new/municipalities/gm0005.loket" \
  && die "the amendment did not apply"
for i in $(seq "$runs"); do
  timed "country, gm0005 amended, run $i" \
    "$loket" diff "$work/country" "$work/country_new" --on 2025-03-01
done
tail -n 1 "$work/out"
timed "country, unchanged (baseline: both checked, every cone compared)" \
  "$loket" diff "$work/country" "$work/country" --on 2025-03-01
timed "loket check --no-analysis of the country (one side, for scale)" \
  "$loket" check "$work/country" --no-analysis

# 2. A population: the migrant desk with new knowledge-migrant salary thresholds.
command -v node >/dev/null || die "node is needed for the shared case generator"
cases=$work/desk-$records/cases.jsonl
[ -f "$cases" ] || node "$shared/gen/generate.js" "$records" 42 "$work/desk-$records" >/dev/null
desk=$repo/examples/bench/migrant-desk
rm -rf "$work/desk_new"
cp -r "$desk" "$work/desk_new"
sed -i 's/let salary_threshold = if age >= 30 then 5000 else 3700/let salary_threshold = if age >= 30 then 5300 else 3900/' \
  "$work/desk_new/national.loket"
cmp -s "$desk/national.loket" "$work/desk_new/national.loket" && die "the amendment did not apply"
for i in $(seq "$runs"); do
  timed "population of $records records, run $i" \
    "$loket" diff "$desk" "$work/desk_new" --on 2025-01-01 --cases "$cases" \
    --jurisdiction-field municipality --format json
done
python3 - "$work/out" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["population"]
print("records {}, changed {}, refused by OLD {}, by NEW {}".format(
    p["records"], p["changed_records"], p["failed_old"], p["failed_new"]))
for c in p["changes"][:6]:
    print("  {} · {}: {} -> {}: {}".format(c["jurisdiction"], c["decision"], c["from"], c["to"],
                                           c["count"]))
PY
timed "loket eval of the same records (one rule base, for scale)" \
  "$loket" eval "$desk" --cases "$cases" --out "$work/decisions.jsonl" \
  --jurisdiction-field municipality --date 2025-01-01
