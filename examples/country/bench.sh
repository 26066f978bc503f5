#!/usr/bin/env bash
# Checker benchmark on the synthetic country: generate, check, time, compare.
#
#   examples/country/bench.sh OUTDIR [SEED] [generator options...]
#
# LOKET=path/to/loket selects the binary (default: the newest build*/bin/loket of the repo).
# Prints the generator's summary, wall time and peak RSS of `loket check OUTDIR --format
# json`, and the comparison with OUTDIR/expected.json (found / missed / unexpected). The
# findings are kept in OUTDIR/findings.json, the checker's summary line in OUTDIR/check.log.
# Exit status: 0 when found == expected, 1 otherwise, 2 on a usage or run error.
set -euo pipefail

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
outdir=$1
shift
seed=1
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
  seed=$1
  shift
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
loket=${LOKET:-}
if [[ -z "$loket" ]]; then
  loket=$(ls -t "$repo"/build*/bin/loket 2>/dev/null | head -n 1 || true)
fi
if [[ -z "$loket" || ! -x "$loket" ]]; then
  echo "bench.sh: no loket binary; build it or set LOKET=/path/to/loket" >&2
  exit 2
fi

python3 "$here/generate" "$outdir" "$seed" "$@"
rules=$(cat "$outdir"/national/*.loket "$outdir"/municipalities/*.loket | grep -c '^rule ' || true)
echo "rules in total: $rules"

findings=$outdir/findings.json
status=0
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -v -o "$outdir/time.log" "$loket" check "$outdir" --format json \
    >"$findings" 2>"$outdir/check.log" || status=$?
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$outdir/time.log")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$outdir/time.log")
  user=$(sed -n 's/.*User time (seconds): //p' "$outdir/time.log")
  echo "loket check: wall $wall, user ${user}s, peak RSS ${rss} KiB, exit $status"
else
  # No GNU time: measure with getrusage of the child.
  python3 - "$loket" "$outdir" "$findings" <<'PY' || status=$?
import resource, subprocess, sys, time
loket, outdir, findings = sys.argv[1:4]
start = time.monotonic()
with open(findings, "w") as out, open(outdir + "/check.log", "w") as err:
    code = subprocess.call([loket, "check", outdir, "--format", "json"], stdout=out, stderr=err)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"loket check: wall {wall:.2f}s, user {usage.ru_utime:.2f}s, "
      f"peak RSS {usage.ru_maxrss} KiB, exit {code}")
sys.exit(code)
PY
fi
cat "$outdir/check.log"
if [[ $status -ne 0 && $status -ne 1 ]]; then
  echo "bench.sh: loket check failed (exit $status)" >&2
  exit 2
fi

python3 "$repo/tests/examples/check_findings.py" --json "$findings" \
  --expected "$outdir/expected.json" | tail -n 40
