#!/usr/bin/env python3
"""Tests examples/changes/population: deterministic, and every record decided by rules/.

usage: population_test.py --loket BIN --work DIR [--records N]

1. The generator writes the same bytes twice for one seed, other bytes for another seed.
2. `loket eval rules --cases FILE --jurisdiction-field municipality --on 2026-09-01` decides
   every record (exit 0, one decisions object per line, no record with errors).
3. The population holds the people the amendments of examples/changes are about (so a count
   over it can show them): per municipality, EU workers in the RNI range in Westland,
   knowledge migrants between the 2026 and the 2027 criterion, status holders of Amsterdam's
   taakstelling.
Prints every failed check; exits 0 when all passed, 1 otherwise.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GENERATOR = os.path.join(REPO, "examples", "changes", "population")
DATE = "2026-09-01"


def generate(path, n, seed):
    subprocess.run([sys.executable, GENERATOR, path, str(n), str(seed)], check=True,
                   timeout=600)
    with open(path, "rb") as handle:
        return handle.read()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loket", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--records", type=int, default=400)
    args = parser.parse_args(argv)
    if os.path.exists(args.work):
        shutil.rmtree(args.work)
    os.makedirs(args.work)
    failures = []

    first = os.path.join(args.work, "population.jsonl")
    data = generate(first, args.records, 7)
    if generate(os.path.join(args.work, "again.jsonl"), args.records, 7) != data:
        failures.append("the same seed gave different bytes")
    if generate(os.path.join(args.work, "other.jsonl"), args.records, 8) == data:
        failures.append("another seed gave the same bytes")
    records = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    if len(records) != args.records:
        failures.append(f"{len(records)} records, expected {args.records}")

    out = os.path.join(args.work, "decisions.jsonl")
    run = subprocess.run([args.loket, "eval", os.path.join(REPO, "rules"), "--cases", first,
                          "--jurisdiction-field", "municipality", "--on", DATE, "--out", out],
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        failures.append(f"loket eval exited {run.returncode}: {run.stderr[-2000:]}")
    else:
        with open(out, encoding="utf-8") as handle:
            answers = [json.loads(line) for line in handle]
        if len(answers) != len(records):
            failures.append(f"{len(answers)} answers for {len(records)} records")
        failed = [a for a in answers if "errors" in a]
        if failed:
            failures.append(f"{len(failed)} records not decided, first: {failed[0]}")

    def count(test):
        return sum(1 for r in records if test(r))

    wanted = {
        "every municipality": all(count(lambda r, m=m: r["municipality"] == m) > 0
                                  for m in ["westland", "amstelveen", "amsterdam", "rotterdam",
                                            "den_haag"]),
        "EU workers in Westland's RNI range": count(
            lambda r: r["municipality"] == "westland" and r["residence"] == "eu_free_movement"
            and r["expected_days_next_half_year"] < 122) > 0,
        "knowledge migrants between the 2026 and 2027 criterion": count(
            lambda r: r["purpose"] == "knowledge_migrant"
            and 4357 <= r.get("gross_monthly_salary", 0) < 6207) > 0,
        "status holders of Amsterdam's taakstelling": count(
            lambda r: r["municipality"] == "amsterdam" and r["residence"] == "asylum_fixed"
            and r.get("in_reception") and r.get("linked_to_municipality")) > 0,
    }
    failures += [f"no {what}" for what, present in wanted.items() if not present]

    for failure in failures:
        print("FAILED:", failure)
    print("population:", "OK" if not failures else "FAIL")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
