#!/usr/bin/env bash
# The shared "migrant desk" benchmark (docs/benchmarks.md) for loket, side by side
# with the hand-written C++ reference on the same data, in the same run.
#
# usage: run.sh [--check] [N=100000] [SEED=42]
#        (--check: steps 1-3 only, no timing; what the ctest `bench.migrant_desk.checksum` runs)
#
# 1. generates N cases with the shared generator (node),
# 2. builds and runs the C++ reference (its CHECKSUM and RESULT lines),
# 3. runs `loket eval` over the JSON Lines file and checks loket's CHECKSUM line equals the
#    reference's exactly (exit 1 if not),
# 4. measures (a) in-memory evaluation through the library (`loket bench`, and the Google
#    Benchmark program when built) and (b) the whole CLI batch path JSONL -> JSONL (wall time,
#    cases/s, peak RSS), and prints the ratios to the reference.
#
# Environment: LOKET (the loket binary; default: the first of build*/bin/loket),
# LOKET_BENCH_BIN (the Google Benchmark program; default: next to loket),
# LOKET_SHARED_BENCH (default: ../shared/bench next to the repository),
# WORK (scratch folder; default /tmp/loket-migrant-desk-N-SEED).
set -euo pipefail

check_only=false
if [ "${1:-}" = "--check" ]; then check_only=true; shift; fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
n=${1:-100000}
seed=${2:-42}
shared=${LOKET_SHARED_BENCH:-$(cd "$repo/.." && pwd)/shared/bench}
work=${WORK:-/tmp/loket-migrant-desk-$n-$seed}
date_iso=2025-01-01  # the workload has no dates; any reference date decides the same

die() { echo "run.sh: $*" >&2; exit 2; }

loket=${LOKET:-}
if [ -z "$loket" ]; then
  for candidate in "$repo"/build/bin/loket "$repo"/build-*/bin/loket; do
    if [ -x "$candidate" ]; then loket=$candidate; break; fi
  done
fi
[ -n "$loket" ] && [ -x "$loket" ] || die "no loket binary; build it or set LOKET=/path/to/loket"
bench_bin=${LOKET_BENCH_BIN:-$(dirname "$loket")/loket_bench_migrant_desk}
command -v node >/dev/null || die "node is needed for the shared case generator"
[ -f "$shared/gen/generate.js" ] || die "no shared benchmark at $shared (set LOKET_SHARED_BENCH)"

mkdir -p "$work"
echo "== data: $n cases, seed $seed -> $work"
node "$shared/gen/generate.js" "$n" "$seed" "$work" >/dev/null

echo "== reference (hand-written C++, g++ -O2)"
reference_out=$("$shared/reference.sh" "$n" "$seed" "$work")
echo "$reference_out"
reference_checksum=$(grep '^CHECKSUM' <<<"$reference_out")
field() {  # field NAME LINE -> the value of NAME=... in a RESULT line
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"
}
ref_mem=$(grep 'engine=cpp-handwritten ' <<<"$reference_out")
ref_json=$(grep 'engine=cpp-handwritten+json' <<<"$reference_out")
ref_mem_cps=$(field cases_per_s "$ref_mem")
ref_json_cps=$(field cases_per_s "$ref_json")
ref_rss=$(field rss_mib "$ref_json")

echo "== loket: $loket"
"$loket" --version 2>/dev/null || true
# (b) the CLI batch path, timed as a whole process: load + check + compile the rule base,
# read JSON Lines, decide every case, write JSON Lines.
time_log="$work/loket-eval.time"
start=$(date +%s.%N)
/usr/bin/time -v -o "$time_log" "$loket" eval "$here" --cases "$work/cases.jsonl" \
  --out "$work/decisions.jsonl" --jurisdiction-field municipality --date "$date_iso" \
  || die "loket eval failed (see above)"
end=$(date +%s.%N)
cli_wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
cli_rss_kib=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$time_log")
loket_checksum=$("$here/checksum" "$work/decisions.jsonl")
echo "$loket_checksum"
if [ "$loket_checksum" != "$reference_checksum" ]; then
  echo "CHECKSUM MISMATCH" >&2
  echo "  reference: $reference_checksum" >&2
  echo "  loket:     $loket_checksum" >&2
  exit 1
fi
echo "CHECKSUM OK: loket's line equals the reference's"
$check_only && exit 0

# The CLI path without process start and rule loading, when loket can report it itself:
# `loket bench` times in-memory evaluation (cases parsed once) and parse+evaluate separately.
echo "== loket bench (in-memory, through the library)"
bench_out=$("$loket" bench "$here" --cases "$work/cases.jsonl" --jurisdiction-field municipality \
  --date "$date_iso" 2>&1) || die "loket bench failed: $bench_out"
echo "$bench_out"
loket_mem_cps=$(sed -n 's/^evaluate: *\([0-9][0-9.]*\) cases\/s.*/\1/p' <<<"$bench_out")
loket_single_cps=$(sed -n 's/^evaluate 1 by 1: *\([0-9][0-9.]*\) cases\/s.*/\1/p' <<<"$bench_out")
loket_json_cps=$(sed -n 's/^parse+evaluate: *\([0-9][0-9.]*\) cases\/s.*/\1/p' <<<"$bench_out")
loket_bench_rss=$(sed -n 's/^peak RSS: *\([0-9][0-9.]*\) MiB.*/\1/p' <<<"$bench_out")

if [ -x "$bench_bin" ]; then
  echo "== Google Benchmark: $bench_bin"
  LOKET_BENCH_CASES=$n "$bench_bin" --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true 2>&1 | grep -v '^\*\*\*' || true
fi

ratio() { awk -v r="$1" -v l="$2" 'BEGIN { if (l > 0) printf "%.1fx", r / l; else print "n/a" }'; }
cli_cps=$(awk -v n="$n" -v s="$cli_wall" 'BEGIN { printf "%.0f", n / s }')
cli_rss=$(awk -v k="$cli_rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')
echo
echo "== summary (N=$n, seed $seed; ratio = reference speed / loket speed)"
printf '%-44s %14s %12s %12s\n' "path" "cases/s" "peak MiB" "vs reference"
printf '%-44s %14s %12s %12s\n' "reference: decisions in memory" "$ref_mem_cps" "$ref_rss" "1.0x"
printf '%-44s %14s %12s %12s\n' "reference: JSON parsing + decisions" "$ref_json_cps" "$ref_rss" "1.0x"
printf '%-44s %14s %12s %12s\n' "loket bench: evaluate in memory (batches)" "${loket_mem_cps:-n/a}" \
  "${loket_bench_rss:-}" \
  "$(ratio "$ref_mem_cps" "${loket_mem_cps:-0}")"
printf '%-44s %14s %12s %12s\n' "loket bench: evaluate in memory (1 by 1)" \
  "${loket_single_cps:-n/a}" "${loket_bench_rss:-}" \
  "$(ratio "$ref_mem_cps" "${loket_single_cps:-0}")"
printf '%-44s %14s %12s %12s\n' "loket bench: parse JSON + evaluate" "${loket_json_cps:-n/a}" \
  "${loket_bench_rss:-}" \
  "$(ratio "$ref_json_cps" "${loket_json_cps:-0}")"
printf '%-44s %14s %12s %12s\n' "loket eval: whole process JSONL->JSONL" "$cli_cps" "$cli_rss" \
  "$(ratio "$ref_json_cps" "$cli_cps")"
echo "loket eval wall time: ${cli_wall}s for $n cases (includes start-up, loading and output)"
