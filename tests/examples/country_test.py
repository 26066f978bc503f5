#!/usr/bin/env python3
"""Tests of the synthetic-country generator (examples/country/generate).

  country_test.py deterministic --generator GEN --out DIR
      Generates the same small country twice and once with another seed: the first two must
      be byte-identical, the third must differ (the seed matters), and expected.json must
      list at least one planted finding of every analysis kind.
  country_test.py check --generator GEN --loket BIN --out DIR [--municipalities N]
                        [--errors none|graph|sema]
      Generates a small country and compares `loket check` with its expected.json; three
      more runs must give byte-identical JSON reports.
"""

import argparse
import filecmp
import json
import os
import subprocess
import sys

import check_findings

ANALYSIS_KINDS = {"L501", "L503", "L504", "L505", "L506", "L507", "L508", "L509", "L510",
                  "L511", "L512"}


def generate(generator, out, seed, municipalities, errors="none"):
    subprocess.run([sys.executable, generator, out, str(seed), "--municipalities",
                    str(municipalities), "--errors", errors], check=True,
                   stdout=subprocess.DEVNULL)


def tree(directory):
    files = []
    for root, _dirs, names in os.walk(directory):
        for name in names:
            files.append(os.path.relpath(os.path.join(root, name), directory))
    return sorted(files)


def same_tree(a, b):
    if tree(a) != tree(b):
        return False
    return all(filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False)
               for f in tree(a))


def deterministic(args):
    first, second, other = (os.path.join(args.out, name) for name in ("a", "b", "other"))
    generate(args.generator, first, 7, args.municipalities)
    generate(args.generator, second, 7, args.municipalities)
    generate(args.generator, other, 8, args.municipalities)
    failures = []
    if not same_tree(first, second):
        failures.append("two runs with seed 7 differ")
    if same_tree(first, other):
        failures.append("seeds 7 and 8 give the same country")
    with open(os.path.join(first, "expected.json"), encoding="utf-8") as handle:
        expected = json.load(handle)
    missing = ANALYSIS_KINDS - {entry["code"] for entry in expected}
    if missing:
        failures.append(f"no planted finding of {sorted(missing)}")
    files = tree(first)
    municipal = [f for f in files if f.startswith("municipalities" + os.sep)]
    if len(municipal) != args.municipalities:
        failures.append(f"{len(municipal)} municipality files, want {args.municipalities}")
    for failure in failures:
        print(f"FAIL: {failure}")
    print(f"{1 if not failures else 0} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


def check(args):
    out = os.path.join(args.out, "check")
    generate(args.generator, out, args.seed, args.municipalities, args.errors)
    status = check_findings.main(["--loket", args.loket, out])
    # The same input gives the same report, witness cases included, run after run (the
    # analysis runs on two threads; which one analyses which layer must not matter).
    reports = [subprocess.run([args.loket, "check", out, "--format", "json"],
                              capture_output=True, text=True).stdout for _ in range(3)]
    if any(report != reports[0] for report in reports[1:]):
        print("FAIL: `loket check --format json` gave different reports for the same input")
        return 1
    return status


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["deterministic", "check"])
    parser.add_argument("--generator", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--loket")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--municipalities", type=int, default=10)
    parser.add_argument("--errors", choices=["none", "graph", "sema"], default="none",
                        help="passed to the generator: plant graph or sema errors too")
    args = parser.parse_args(argv)
    if args.mode == "check" and not args.loket:
        parser.error("check needs --loket")
    return deterministic(args) if args.mode == "deterministic" else check(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
