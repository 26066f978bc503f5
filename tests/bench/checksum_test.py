#!/usr/bin/env python3
"""bench.migrant_desk.checksum: `loket eval` over the migrant-desk workload must print the
CHECKSUM line of the hand-written reference. Everything it needs is in the repository: the
cases come from the project's port of the workload generator, the expected line (printed once
by the shared reference, `reference.sh 2000 42`) is committed next to this script.

usage: checksum_test.py WRITE_CASES LOKET REPO WORK_DIR
"""
import os
import subprocess
import sys


def main(write_cases, loket, repo, work):
    os.makedirs(work, exist_ok=True)
    cases = os.path.join(work, "cases.jsonl")
    decisions = os.path.join(work, "decisions.jsonl")
    with open(cases, "w") as out:
        subprocess.run([write_cases, "2000", "42"], stdout=out, check=True)
    desk = os.path.join(repo, "examples", "bench", "migrant-desk")
    subprocess.run([loket, "eval", desk, "--cases", cases, "--out", decisions,
                    "--jurisdiction-field", "municipality", "--on", "2025-01-01"], check=True)
    got = subprocess.run([sys.executable, os.path.join(desk, "checksum"), decisions],
                         capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(repo, "tests", "bench", "migrant-desk-2000-42.checksum")) as f:
        want = f.read().strip()
    if got != want:
        print(f"CHECKSUM MISMATCH\n  reference: {want}\n  loket:     {got}")
        return 1
    print(got)
    print("CHECKSUM OK: loket's line equals the reference's")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
