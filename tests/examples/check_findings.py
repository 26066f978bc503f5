#!/usr/bin/env python3
"""Compares the findings of `loket check DIR --format json` with DIR/expected.json.

expected.json is a JSON array; each entry names one finding exactly:

    {"code": "L502", "layer": "westland", "rules": ["ws.rni_zoning", "brp.register"],
     "mentions": ["registration"]}       # "mentions" is optional

A finding matches an entry when its code and layer are equal and every rule id (and every
"mentions" string) is mentioned in the finding: in its message, notes or help, or in a
"rules" field should the JSON carry one, or by pointing into the rule's text (its primary
location lies in that rule). A rule id counts as mentioned on its own or
qualified by a layer (`national.wi.duty`), never as part of a longer name.

The check passes when every entry matches exactly one finding, every finding matches an
entry (nothing unexpected, notes included), and every conflict finding (L5xx) carries at
least one witness with a non-empty replay, except L507: a dead rule has no case in which it
applies, so its evidence is the contradiction, not a witness. Competence errors (L310, L311,
L314) need a witness too when they are the only errors (then the model is fully annotated and
the checker searches one), unless a note says the local rule can never apply.

Usage:
  check_findings.py --loket BIN DIR [DIR...]   run `BIN check DIR --format json` per DIR
  check_findings.py --json FILE --expected FILE   compare an existing JSON output
Prints one line per problem and a summary; exits 0 when everything matched, 1 otherwise.
"""

import argparse
import json
import os
import re
import subprocess
import sys

# Conflict findings whose evidence cannot be a case (see the docstring).
NO_WITNESS_CODES = {"L507"}
# Competence errors found from the declarations, witnessed when they are the only errors.
COMPETENCE_CODES = {"L310", "L311", "L314"}
NEVER_APPLIES = "the local rule can never apply"
CHECK_TIMEOUT_SECONDS = 600


def load_findings(text):
    """The diagnostics of `--format json`: an array, or an object holding one."""
    data = json.loads(text)
    if isinstance(data, dict):
        for key in ("diagnostics", "findings"):
            if isinstance(data.get(key), list):
                return data[key]
        raise ValueError("JSON object without a 'diagnostics' array")
    if not isinstance(data, list):
        raise ValueError("JSON output is neither an array nor an object")
    return data


RULE_HEADER = re.compile(r"^\s*rule\s+([A-Za-z_][\w.]*)")
DECLARATION = re.compile(r"^\s*(rule|decision|fact|let|param|assume|enum|domain|authority)\b")


def located_rule(finding):
    """The id of the rule whose text holds the finding's primary location, if any: a
    finding that points into a rule is about that rule even if its message does not name
    it (e.g. `16 is outside within 0..10` on the rule's assignment)."""
    location = finding.get("location") or {}
    path, line = location.get("path"), location.get("line") or 0
    if not path or line < 1:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")[:line]
    except OSError:
        return None
    for text in reversed(lines):
        header = RULE_HEADER.match(text)
        if header:
            return header.group(1)
        if DECLARATION.match(text):
            return None
    return None


def finding_text(finding):
    parts = [str(finding.get("message", ""))]
    rule = located_rule(finding)
    if rule:
        parts.append(f"`{rule}`")
    for note in finding.get("notes") or []:
        parts.append(str(note.get("message", "")) if isinstance(note, dict) else str(note))
    parts.extend(str(h) for h in finding.get("help") or [])
    parts.extend(str(r) for r in finding.get("rules") or [])
    return "\n".join(parts)


def mentions(text, name):
    # Not inside a longer name: nothing name-like before (bar one layer qualifier such as
    # `national.`) and nothing name-like after (a full stop ending a sentence is fine).
    pattern = r"(?<![\w.])(?:[A-Za-z_]\w*\.)?" + re.escape(name) + r"(?!\w|\.\w)"
    return re.search(pattern, text) is not None


def matches(entry, finding):
    if finding.get("code") != entry.get("code"):
        return False
    if finding.get("layer", "") != entry.get("layer", ""):
        return False
    text = finding_text(finding)
    wanted = list(entry.get("rules", [])) + list(entry.get("mentions", []))
    return all(mentions(text, name) for name in wanted)


def assign(expected, findings):
    """Maximum matching of expected entries to findings (augmenting paths; sets are small
    per code and layer, so this stays cheap even for a country)."""
    candidates = []
    for entry in expected:
        candidates.append([j for j, f in enumerate(findings) if matches(entry, f)])
    owner = {}  # finding index -> entry index

    def augment(i, seen):
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    sys.setrecursionlimit(max(1000, 4 * len(expected) + 100))
    for i in range(len(expected)):
        augment(i, set())
    matched_entries = set(owner.values())
    missed = [expected[i] for i in range(len(expected)) if i not in matched_entries]
    unexpected = [findings[j] for j in range(len(findings)) if j not in owner]
    return len(owner), missed, unexpected


def needs_witness(finding, only_competence_errors):
    code = str(finding.get("code", ""))
    if code in COMPETENCE_CODES:
        notes = finding.get("notes") or []
        never = any(NEVER_APPLIES in (n.get("message", "") if isinstance(n, dict) else str(n))
                    for n in notes)
        return only_competence_errors and not never
    return code.startswith("L5") and code not in NO_WITNESS_CODES


def witness_problems(findings):
    problems = []
    errors = [str(f.get("code", "")) for f in findings if f.get("severity", "error") == "error"]
    only_competence_errors = all(code in COMPETENCE_CODES for code in errors)
    for finding in findings:
        if not needs_witness(finding, only_competence_errors):
            continue
        witnesses = finding.get("witnesses") or []
        if not witnesses:
            problems.append((finding, "has no witness"))
        elif not all(isinstance(w, dict) and str(w.get("replay", "")).strip() for w in witnesses):
            problems.append((finding, "has a witness without a replay"))
    return problems


def describe(finding):
    loc = finding.get("location") or {}
    where = f"{loc.get('path', '')}:{loc.get('line', 0)}" if loc.get("path") else "-"
    return (f"{finding.get('code')} [{finding.get('layer', '')}] {where}: "
            f"{finding.get('message', '')}")


def compare(expected, findings, label):
    """Prints the differences; returns (ok, counts)."""
    found, missed, unexpected = assign(expected, findings)
    problems = witness_problems(findings)
    for entry in missed:
        print(f"{label}: MISSED {json.dumps(entry, ensure_ascii=False)}")
    for finding in unexpected:
        print(f"{label}: UNEXPECTED {describe(finding)}")
    for finding, what in problems:
        print(f"{label}: WITNESS {describe(finding)} {what}")
    ok = not missed and not unexpected and not problems
    print(f"{label}: expected={len(expected)} found={found} missed={len(missed)} "
          f"unexpected={len(unexpected)} witness_problems={len(problems)} "
          f"{'OK' if ok else 'FAIL'}")
    return ok, (found, len(missed), len(unexpected), len(problems))


def run_check(loket, directory):
    """The findings of `loket check DIR --format json`, or an error message."""
    try:
        proc = subprocess.run([loket, "check", directory, "--format", "json"],
                              capture_output=True, text=True, timeout=CHECK_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"could not run {loket}: {error}"
    # 0: clean; 1: findings with errors. Anything else (usage, could not run, a signal)
    # is a failure of the tool, not a result.
    if proc.returncode not in (0, 1):
        return None, (f"`loket check` exited with {proc.returncode}\n"
                      f"stderr: {proc.stderr.strip()[:2000]}")
    try:
        return load_findings(proc.stdout), None
    except ValueError as error:
        return None, (f"output is not the JSON findings array ({error}); "
                      f"stdout starts {proc.stdout[:300]!r}; stderr {proc.stderr[:300]!r}")


def load_expected(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if isinstance(data, dict):
        data = data.get("findings", [])
    return data


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loket", help="the loket binary")
    parser.add_argument("--json", help="an existing `loket check --format json` output")
    parser.add_argument("--expected", help="expected.json (default: DIR/expected.json)")
    parser.add_argument("dirs", nargs="*", help="rule-base folders with an expected.json")
    args = parser.parse_args(argv)

    all_ok = True
    if args.json:
        if not args.expected:
            parser.error("--json needs --expected")
        with open(args.json, encoding="utf-8") as handle:
            findings = load_findings(handle.read())
        ok, _ = compare(load_expected(args.expected), findings, os.path.basename(args.json))
        return 0 if ok else 1

    if not args.loket or not args.dirs:
        parser.error("give --loket BIN and at least one DIR (or --json and --expected)")
    passed = failed = 0
    for directory in args.dirs:
        label = os.path.basename(os.path.normpath(directory))
        expected_path = args.expected or os.path.join(directory, "expected.json")
        if not os.path.isfile(expected_path):
            findings, error = None, f"no {expected_path}"
        else:
            findings, error = run_check(args.loket, directory)
        if error:
            print(f"{label}: ERROR {error}")
            ok = False
        else:
            ok, _ = compare(load_expected(expected_path), findings, label)
        passed += ok
        failed += not ok
        all_ok = all_ok and ok
    print(f"{passed} passed, {failed} failed")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
