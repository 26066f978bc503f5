#!/usr/bin/env bash
# Measures `loket serve` on 2 cores (docs/benchmarks.md, "The HTTP service"): single decides
# without and with explanation over N keep-alive connections, cases/s through decide-batch,
# the server's memory before and after a million requests, and beside it the cost of one
# `loket eval` process per case. Loopback only; the server is started and stopped here.
#
# usage: bench/serve-load.sh [SECONDS=10] [MILLION=1000000]
# Environment: LOKET, LOKET_HTTP_LOAD (binaries; default build/bin/...).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
million=${2:-1000000}
loket=${LOKET:-$root/build/bin/loket}
load=${LOKET_HTTP_LOAD:-$root/build/bin/loket_http_load}
work=$(mktemp -d /tmp/loket-serve-load.XXXXXX)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# The Polish greenhouse worker of examples/cases as JSON, and a batch of 10 000 variations of
# her: birth dates 1958-2007 and expected days 0-184 (facts of rules/ national/schema.loket; a
# fact the rules do not know makes every record an L601 error record).
python3 - "$root/examples/cases/polish-greenhouse-worker.yaml" "$work" <<'PY'
import json, sys
facts = {}
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].rstrip()
    if not line or ":" not in line:
        continue
    key, value = line.split(":", 1)
    value = value.strip().strip('"')
    if value in ("true", "false"):
        value = value == "true"
    else:
        try:
            value = int(value)
        except ValueError:
            pass
    facts[key.strip()] = value
open(sys.argv[2] + "/case.json", "w").write(json.dumps(facts))
with open(sys.argv[2] + "/cases.jsonl", "w") as out:
    for i in range(10000):
        facts["birth_date"] = "%d-06-02" % (1958 + i % 50)
        facts["expected_days_next_half_year"] = (i * 7) % 185
        out.write(json.dumps(facts) + "\n")
PY

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$loket" serve "$root/rules" --listen "127.0.0.1:$port" --threads 2 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
rss() { sed -n 's/VmRSS:\s*//p' "/proc/$server/status"; }
decide="/v1/jurisdictions/westland/decide?on=2025-06-01"
echo "== server RSS at start: $(rss)"
"$load" --port "$port" --path "$decide" --body "$work/case.json" --connections 8 --seconds "$seconds"
"$load" --port "$port" --path "$decide&explain=true" --body "$work/case.json" --connections 8 --seconds "$seconds"
"$load" --port "$port" --path "/v1/jurisdictions/westland/decide-batch?on=2025-06-01" \
  --body "$work/cases.jsonl" --content-type application/x-ndjson --connections 2 --seconds "$seconds"
echo "== server RSS before $million requests: $(rss)"
"$load" --port "$port" --path "$decide" --body "$work/case.json" --connections 8 \
  --requests $((million / 8))
echo "== server RSS after $million requests: $(rss)"

echo "== one loket eval process per case (20 runs)"
yaml="$root/examples/cases/polish-greenhouse-worker.yaml"
start=$(date +%s.%N)
for _ in $(seq 20); do
  "$loket" eval "$root/rules" -m westland --on 2025-06-01 "$yaml" >/dev/null
done
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "RESULT cli_per_case_ms=%.1f\n", (b - a) * 1000 / 20 }'
