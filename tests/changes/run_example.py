#!/usr/bin/env python3
"""Applies one amendment of examples/changes to a copy of rules/ and checks what it does.

usage: run_example.py --loket BIN --work DIR [--diff] EXAMPLE_DIR

The repository is the one this script lives in. Steps:
  1. DIR (emptied first) gets a copy of rules/ and of examples/cases/ (the persona suite
     reads its cases from ../../examples/cases), then `patch -p1 --fuzz=0 -d DIR` applies
     EXAMPLE_DIR/amendment.patch: the context must still match (offsets are fine), so a
     patch that no longer fits today's rules/ fails here instead of landing elsewhere.
  2. `loket check rules --format json` in DIR must report exactly the findings of
     expected.json's "check" (the format and comparison of tests/examples/check_findings.py).
  3. With "suites_pass": true, `loket test rules` in DIR must pass: the amendment brings its
     own updated expectations.
  4. With --diff, each entry of expected.json's "diffs" runs `loket diff OLD rules --on DATE
     --format json` in DIR, OLD being the unpatched rules/ of the repository, and checks the
     report (check_diff below); with "population", over a population written by
     examples/changes/population (`--cases`), whose counts are checked against the records
     themselves (check_population below).
Prints every failed check; exits 0 when all passed, 1 otherwise.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree from the import below
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "examples"))
import check_findings  # noqa: E402  (one owner of the findings comparison)

TIMEOUT_SECONDS = 1800
POPULATION = os.path.join(REPO, "examples", "changes", "population")


def prepare(work, example):
    """A fresh DIR with rules/ and examples/cases/ and the amendment applied; or a problem."""
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(os.path.join(work, "examples"))
    shutil.copytree(os.path.join(REPO, "rules"), os.path.join(work, "rules"))
    shutil.copytree(os.path.join(REPO, "examples", "cases"),
                    os.path.join(work, "examples", "cases"))
    patch = os.path.join(example, "amendment.patch")
    run = subprocess.run(["patch", "-p1", "--batch", "--forward", "--fuzz=0",
                          "--no-backup-if-mismatch", "-d", work, "-i", patch],
                         capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    if run.returncode != 0:
        return f"amendment.patch does not apply to rules/:\n{run.stdout}{run.stderr}"
    return None


def run_loket(loket, args, cwd):
    """The finished command; a timeout is a result too (exit code None, said in stderr)."""
    try:
        return subprocess.run([loket] + args, capture_output=True, text=True, cwd=cwd,
                              timeout=TIMEOUT_SECONDS, errors="replace")
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess([loket] + args, None, "",
                                           f"timed out after {TIMEOUT_SECONDS} s")


# --- the report of `loket diff --format json` ------------------------------------------------

def yaml_scalar_set(value):
    """A witness value as a set of strings: `[a, b]` (a YAML flow list) or one scalar."""
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        return {item.strip() for item in text[1:-1].split(",") if item.strip()}
    return {text}


def check_witness(expected, witness, failures, where):
    old, new = witness["old"], witness["new"]
    old_value, new_value = str(old.get("value", "")), str(new.get("value", ""))
    if "transitions" in expected:
        if [old_value, new_value] not in [list(t) for t in expected["transitions"]]:
            failures.append(f"{where}: witness {old_value} -> {new_value} is not one of "
                            f"{expected['transitions']}")
    if "gains" in expected:
        old_set, new_set = yaml_scalar_set(old_value), yaml_scalar_set(new_value)
        gained = new_set - old_set
        if not old_set <= new_set or not gained or not gained <= set(expected["gains"]):
            failures.append(f"{where}: witness {old_value} -> {new_value} does not only gain "
                            f"some of {expected['gains']}")
    for side, key in (("old", "old_rules"), ("new", "new_rules")):
        if key in expected:
            rules = witness[side].get("rules", [])
            if not any(rule in expected[key] for rule in rules):
                failures.append(f"{where}: {side} answer decided by {rules}, expected one of "
                                f"{expected[key]}")
    # The facts the difference depends on, else the whole case (lines `fact: value  # ...`).
    case_lines = (witness.get("facts_read_yaml", "") + witness.get("case_yaml", "")).splitlines()
    for fact, value in expected.get("facts", {}).items():
        if not any(line.split("#")[0].strip() == f"{fact}: {value}" for line in case_lines):
            failures.append(f"{where}: witness case lacks `{fact}: {value}`")


def matches_where(record, where):
    """A record against {"field": value | "<N" | ">=N" ...}; absent fields never match."""
    for field, wanted in where.items():
        if field not in record:
            return False
        if isinstance(wanted, list):  # every condition of the list
            if not all(matches_where(record, {field: one}) for one in wanted):
                return False
            continue
        value = record[field]
        if isinstance(wanted, str) and wanted[:2] in ("<=", ">="):
            number = float(wanted[2:])
            if not (value <= number if wanted[:2] == "<=" else value >= number):
                return False
        elif isinstance(wanted, str) and wanted[:1] in ("<", ">"):
            number = float(wanted[1:])
            if not (value < number if wanted[0] == "<" else value > number):
                return False
        elif value != wanted:
            return False
    return True


def check_population(expected, population, records, failures, where):
    """The counts of `--cases` against expected "population": every change listed, counted as
    the records that match its "where" (exactly, or at most and at least one)."""
    if population is None:
        failures.append(f"{where}: the report has no population counts")
        return
    if population.get("records") != len(records):
        failures.append(f"{where}: {population.get('records')} records counted, "
                        f"the file has {len(records)}")
    for key in ("failed_old", "failed_new", "failing_differently"):
        if population.get(key):
            failures.append(f"{where}: {key} = {population[key]}")
    counted = {}
    for change in population.get("changes", []):
        key = (change["jurisdiction"], change["decision"])
        wanted = next((e for e in expected["changes"]
                       if e["jurisdiction"] in (key[0], "*") and e["decision"] == key[1]), None)
        if wanted and wanted["jurisdiction"] == "*":
            key = ("*", key[1])  # counted over every jurisdiction together
        counted[key] = counted.get(key, 0) + change["count"]
        if wanted is None:
            failures.append(f"{where}: unexpected population change {key[0]}.{key[1]}: "
                            f"{change['from']} -> {change['to']} ({change['count']})")
        elif "from" in wanted and [change["from"], change["to"]] != [wanted["from"],
                                                                    wanted["to"]]:
            failures.append(f"{where}: {key[0]}.{key[1]} changes {change['from']} -> "
                            f"{change['to']}, expected {wanted['from']} -> {wanted['to']}")
        for number in change.get("records", []):
            record = records[number - 1] if 0 < number <= len(records) else None
            if (record is None or record.get("municipality") != change["jurisdiction"]
                    or not matches_where(record, wanted["where"] if wanted else {})):
                failures.append(f"{where}: record {number} listed for {key[0]}.{key[1]} "
                                f"does not match {wanted['where'] if wanted else '-'}")
    for entry in expected["changes"]:
        key = (entry["jurisdiction"], entry["decision"])
        where_place = dict(entry["where"])
        if entry["jurisdiction"] != "*":
            where_place["municipality"] = entry["jurisdiction"]
        matching = sum(1 for r in records if matches_where(r, where_place))
        got = counted.get(key, 0)
        if entry.get("exact", True) and got != matching:
            failures.append(f"{where}: {key[0]}.{key[1]} changed for {got} records, "
                            f"{matching} match {entry['where']}")
        if not entry.get("exact", True) and not 0 < got <= matching:
            failures.append(f"{where}: {key[0]}.{key[1]} changed for {got} records, expected "
                            f"1..{matching} (those matching {entry['where']})")


def check_diff(expected, report, exit_code, failures, label):
    """The report's verdicts against one entry of expected.json's "diffs"."""
    where = f"{label} --on {expected['on']}"
    if exit_code != expected["exit"]:
        failures.append(f"{where}: exit code {exit_code}, expected {expected['exit']}")
    # NEW's errors (then nothing is compared) and its new warnings: exactly those expected.
    for key in ("new_errors", "new_findings"):
        found, missed, unexpected = check_findings.assign(expected.get(key, []),
                                                          report.get(key, []))
        for entry in missed:
            failures.append(f"{where}: not in {key}: {json.dumps(entry)}")
        for finding in unexpected:
            failures.append(f"{where}: unexpected in {key}: {check_findings.describe(finding)}")
    if report.get("new_clean") != (not expected.get("new_errors")):
        failures.append(f"{where}: new_clean = {report.get('new_clean')}")
    if expected.get("new_errors"):
        return  # a rule base with errors is not compared
    decisions = report.get("decisions", [])
    jurisdictions = sorted({d["jurisdiction"] for d in decisions})
    verdicts = {(d["jurisdiction"], d["decision"]): d for d in decisions}
    wanted = {}
    for entry in expected.get("changed", []):
        places = jurisdictions if entry["jurisdiction"] == "*" else [entry["jurisdiction"]]
        for place in places:
            wanted[(place, entry["decision"])] = entry
    for key, entry in sorted(wanted.items()):
        got = verdicts.get(key)
        if got is None or got["verdict"] != "changed":
            failures.append(f"{where}: {key[0]}.{key[1]} is "
                            f"{got['verdict'] if got else 'missing'}, expected changed")
            continue
        if not got.get("witnesses"):
            failures.append(f"{where}: {key[0]}.{key[1]} changed without a witness")
        for witness in got.get("witnesses", []):
            check_witness(entry, witness, failures, f"{where}: {key[0]}.{key[1]}")
    for key, got in sorted(verdicts.items()):
        if key in wanted:
            continue
        if got["verdict"] not in ("same", "proved-same"):
            failures.append(f"{where}: {key[0]}.{key[1]} is {got['verdict']}, expected no "
                            f"change ({got.get('reason', '')})")
    for entry in expected.get("proved_same", []):
        got = verdicts.get((entry["jurisdiction"], entry["decision"]))
        if got is None or got["verdict"] != "proved-same":
            failures.append(f"{where}: {entry['jurisdiction']}.{entry['decision']} is "
                            f"{got['verdict'] if got else 'missing'}, expected proved-same")
    if report.get("unchanged") != (not wanted):
        failures.append(f"{where}: the report says unchanged = {report.get('unchanged')}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loket", required=True)
    parser.add_argument("--work", required=True, help="scratch folder (emptied first)")
    parser.add_argument("--diff", action="store_true", help="also check `loket diff`")
    parser.add_argument("example")
    args = parser.parse_args(argv)
    example = os.path.abspath(args.example)
    loket = os.path.abspath(args.loket) if os.sep in args.loket else args.loket
    work = os.path.abspath(args.work)
    label = os.path.basename(example.rstrip("/"))
    with open(os.path.join(example, "expected.json"), encoding="utf-8") as handle:
        expected = json.load(handle)

    problem = prepare(work, example)
    if problem:
        print(f"{label}: {problem}")
        return 1
    failures = []

    cwd = os.getcwd()
    os.chdir(work)  # findings name rules/...; check_findings reads those files
    try:
        findings, error = check_findings.run_check(loket, "rules")
        if error:
            failures.append(error)
        elif not check_findings.compare(expected["check"], findings, f"{label} check")[0]:
            failures.append("`loket check` on the amended rules/ differs from expected.json")
    finally:
        os.chdir(cwd)

    if expected.get("suites_pass"):
        run = run_loket(loket, ["test", "rules", "--color", "never"], work)
        if run.returncode != 0:
            failures.append(f"`loket test rules` failed after the amendment:\n"
                            f"{run.stdout[-4000:]}{run.stderr[-2000:]}")

    if args.diff:
        for entry in expected.get("diffs", []):
            # No wall-clock limit: on a busy machine it would turn answers into
            # "undetermined" at random; the solver's resource limit still bounds each query.
            command = ["diff", os.path.join(REPO, "rules"), "rules", "--on", entry["on"],
                       "--format", "json", "--solver-time-limit", "0"]
            if "jurisdiction" in entry:
                command += ["-m", entry["jurisdiction"]]
            records = None
            if "population" in entry:
                cases = os.path.join(work, "population.jsonl")
                subprocess.run([sys.executable, POPULATION, cases,
                                str(entry["population"]["records"]),
                                str(entry["population"]["seed"])], check=True,
                               timeout=TIMEOUT_SECONDS)
                with open(cases, encoding="utf-8") as handle:
                    records = [json.loads(line) for line in handle]
                if "jurisdiction" in entry:
                    # With -m every record is decided there; `municipality` is no fact.
                    cases = os.path.join(work, "population-facts.jsonl")
                    with open(cases, "w", encoding="utf-8") as out:
                        for record in records:
                            facts = {k: v for k, v in record.items() if k != "municipality"}
                            out.write(json.dumps(facts) + "\n")
                    command += ["--cases", cases]
                else:
                    command += ["--cases", cases, "--jurisdiction-field", "municipality"]
            run = run_loket(loket, command, work)
            try:
                report = json.loads(run.stdout)
            except ValueError as error:
                failures.append(f"--on {entry['on']}: output is not JSON ({error}); stderr "
                                f"{run.stderr[:2000]}")
                continue
            check_diff(entry, report, run.returncode, failures, label)
            if records is not None:
                if "jurisdiction" in entry:
                    records = [dict(r, municipality=entry["jurisdiction"]) for r in records]
                check_population(entry["population"], report.get("population"), records,
                                 failures, f"{label} --on {entry['on']} --cases")

    for failure in failures:
        print("FAILED:", failure)
    print(f"{label}: {'OK' if not failures else 'FAIL'}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
