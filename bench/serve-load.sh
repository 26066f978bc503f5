#!/usr/bin/env bash
# Measures `loket serve` on 2 cores (docs/benchmarks.md, "The HTTP service"): single decides
# without and with explanation over N keep-alive connections, cases/s through decide-batch for
# two rule bases, the server's memory before and after a million requests, and beside it the
# cost of one `loket eval` process per case. Loopback only; the servers are started and
# stopped here.
#
# decide-batch is measured on
#   rules/                          10 000 variations of the Polish greenhouse worker (Westland)
#   examples/bench/migrant-desk     the benchmark workload (docs/benchmarks.md): 40 000 records
#                                   of the project's generator (seed 42), each request one
#                                   municipality's records (the `municipality` field is the
#                                   path's jurisdiction, so it is left out of the record)
# and reports, besides cases/s, the CPU time per case of the server (from /proc/PID/stat) and
# of the load generator (getrusage), and the rate two otherwise idle cores would give at that
# CPU cost: 2 s of CPU per second / (server + client CPU per case). On a shared machine the
# CPU figures are the ones that mean something; wall-clock rates depend on the other load.
#
# usage: bench/serve-load.sh [SECONDS=10] [MILLION=1000000]
# Environment: LOKET, LOKET_HTTP_LOAD, LOKET_WRITE_CASES (binaries; default build/...),
# SCENARIOS (default "decide batch memory cli": the parts to run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
million=${2:-1000000}
loket=${LOKET:-$root/build/bin/loket}
load=${LOKET_HTTP_LOAD:-$root/build/bin/loket_http_load}
write_cases=${LOKET_WRITE_CASES:-$root/build/tests/write_migrant_desk_cases}
scenarios=${SCENARIOS:-decide batch memory cli}
work=$(mktemp -d /tmp/loket-serve-load.XXXXXX)
server=
trap 'stop_server; rm -rf "$work"' EXIT
wants() { [[ " $scenarios " == *" $1 "* ]]; }
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

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

start_server() {  # start_server RULES: serves RULES on a free loopback port ($port)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$loket" serve "$1" --listen "127.0.0.1:$port" --threads 2 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "serve-load.sh: the server on $1 did not become ready" >&2
  cat "$work/serve.log" >&2
  exit 1
}
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}
rss() { sed -n 's/VmRSS:\s*//p' "/proc/$server/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }  # utime + stime
# batch_run NAME LOAD-ARGS...: one decide-batch run (after a warm-up request per connection),
# then its CPU per case.
batch_run() {
  local name=$1
  shift
  "$load" --port "$port" "$@" --content-type application/x-ndjson --connections 2 \
    --requests 1 >/dev/null
  echo "== server RSS after one $name batch per connection: $(rss)"
  local before after result
  before=$(cpu_ticks)
  result=$("$load" --port "$port" "$@" --content-type application/x-ndjson --connections 2 \
    --seconds "$seconds")
  after=$(cpu_ticks)
  echo "$result"
  echo "== server RSS after the $name batches: $(rss)"
  awk -v name="$name" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$result" \
      -v loadavg="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    split(r, fields, " ")
    for (i in fields) { split(fields[i], kv, "="); v[kv[1]] = kv[2] }
    server = ticks / hz * 1e6 / v["cases"]
    client = v["client_cpu_us_per_case"]
    printf "RESULT batch=%s cases=%d cases_per_s=%s server_cpu_us_per_case=%.2f " \
           "client_cpu_us_per_case=%.2f two_idle_cores_cases_per_s=%.0f " \
           "server_alone_two_cores_cases_per_s=%.0f load_average=%s\n",
           name, v["cases"], v["cases_per_s"], server, client, 2e6 / (server + client),
           2e6 / server, loadavg
  }'
}

start_server "$root/rules"
decide="/v1/jurisdictions/westland/decide?on=2025-06-01"
echo "== server RSS at start: $(rss)"
if wants decide; then
  "$load" --port "$port" --path "$decide" --body "$work/case.json" --connections 8 --seconds "$seconds"
  "$load" --port "$port" --path "$decide&explain=true" --body "$work/case.json" --connections 8 \
    --seconds "$seconds"
fi
if wants batch; then
  batch_run rules --path "/v1/jurisdictions/westland/decide-batch?on=2025-06-01" \
    --body "$work/cases.jsonl"
fi
if wants memory; then
  echo "== server RSS before $million requests: $(rss)"
  "$load" --port "$port" --path "$decide" --body "$work/case.json" --connections 8 \
    --requests $((million / 8))
  echo "== server RSS after $million requests: $(rss)"
fi
stop_server

if wants batch; then
  # The benchmark workload: records of the project's generator, one body per municipality.
  "$write_cases" 40000 42 >"$work/migrant-desk.jsonl"
  python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
by_municipality = {}
for line in open(work + "/migrant-desk.jsonl", encoding="utf-8"):
    record = json.loads(line)
    municipality = record.pop("municipality")
    by_municipality.setdefault(municipality, []).append(json.dumps(record, separators=(",", ":")))
for municipality, records in sorted(by_municipality.items()):
    with open("%s/migrant-desk-%s.jsonl" % (work, municipality), "w") as out:
        out.write("\n".join(records) + "\n")
PY
  start_server "$root/examples/bench/migrant-desk"
  pairs=()
  for municipality in westland amstelveen amsterdam other; do
    pairs+=(--path "/v1/jurisdictions/$municipality/decide-batch?on=2025-01-01"
            --body "$work/migrant-desk-$municipality.jsonl")
  done
  batch_run migrant-desk "${pairs[@]}"
  stop_server
fi

if wants cli; then
  echo "== one loket eval process per case (20 runs)"
  yaml="$root/examples/cases/polish-greenhouse-worker.yaml"
  start=$(date +%s.%N)
  for _ in $(seq 20); do
    "$loket" eval "$root/rules" -m westland --on 2025-06-01 "$yaml" >/dev/null
  done
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "RESULT cli_per_case_ms=%.1f\n", (b - a) * 1000 / 20 }'
fi
echo "== load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
