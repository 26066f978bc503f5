#!/usr/bin/env python3
"""Runs a command and checks its exit code, output and (optionally) a file it wrote.

usage: expect.py [--exit N] [--stdout RE]... [--stderr RE]... [--not-stdout RE]...
                 [--json EXPR]... [--jsonl EXPR]...
                 [--file PATH (--file-jsonl EXPR | --file-text RE)...]
                 [--cwd DIR] [--stdout-to PATH] [--max-stderr BYTES] -- COMMAND...

Regular expressions are searched with re.MULTILINE. --json evaluates EXPR with `d` bound to
stdout parsed as JSON; --jsonl with `d` the list of JSON lines of stdout; --file-jsonl the
same for PATH after the command ran. Every failed check is printed; the exit code is 1 when
any check failed. --stdout-to sends stdout to PATH (e.g. /dev/full) instead of capturing it;
--max-stderr fails when stderr is longer than BYTES.
"""
import json
import os
import re
import subprocess
import sys


def main(argv):
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    checks = {"exit": None, "stdout": [], "stderr": [], "not-stdout": [], "json": [],
              "jsonl": [], "file": None, "file-jsonl": [], "file-text": [], "cwd": None,
              "stdout-to": None, "max-stderr": None}
    i = 0
    while i < len(options):
        key = options[i].lstrip("-")
        value = options[i + 1]
        if isinstance(checks[key], list):
            checks[key].append(value)
        else:
            checks[key] = value
        i += 2

    # LOKET_CLI=/path/to/an/older/loket runs the same checks against another build (to see
    # that a test fails without the fix it guards).
    if os.environ.get("LOKET_CLI"):
        command[0] = os.environ["LOKET_CLI"]
    if checks["stdout-to"]:
        with open(checks["stdout-to"], "w") as sink:
            run = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, text=True,
                                 cwd=checks["cwd"], timeout=300, errors="replace")
        run.stdout = ""
    else:
        run = subprocess.run(command, capture_output=True, text=True, cwd=checks["cwd"],
                             timeout=300, errors="replace")
    if checks["max-stderr"] is not None and len(run.stderr) > int(checks["max-stderr"]):
        failures_early = [f"stderr has {len(run.stderr)} characters, more than {checks['max-stderr']}"]
    else:
        failures_early = []
    failures = failures_early
    if checks["exit"] is not None and run.returncode != int(checks["exit"]):
        failures.append(f"exit code {run.returncode}, expected {checks['exit']}")
    for pattern in checks["stdout"]:
        if not re.search(pattern, run.stdout, re.MULTILINE):
            failures.append(f"stdout does not match /{pattern}/")
    for pattern in checks["not-stdout"]:
        if re.search(pattern, run.stdout, re.MULTILINE):
            failures.append(f"stdout matches /{pattern}/ but should not")
    for pattern in checks["stderr"]:
        if not re.search(pattern, run.stderr, re.MULTILINE):
            failures.append(f"stderr does not match /{pattern}/")

    def evaluate(kind, expressions, text):
        if not expressions:
            return
        try:
            if kind == "json":
                d = json.loads(text)
            else:
                d = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as error:
            failures.append(f"{kind} output does not parse: {error}")
            return
        for expression in expressions:
            try:
                ok = eval(expression, {}, {"d": d})
            except Exception as error:  # a failed lookup is a failed check
                ok = False
                expression += f" ({type(error).__name__}: {error})"
            if not ok:
                failures.append(f"{kind} check failed: {expression}")

    evaluate("json", checks["json"], run.stdout)
    evaluate("jsonl", checks["jsonl"], run.stdout)
    if checks["file"]:
        try:
            with open(checks["file"], encoding="utf-8") as f:
                text = f.read()
            evaluate("jsonl", checks["file-jsonl"], text)
            for pattern in checks["file-text"]:
                if not re.search(pattern, text, re.MULTILINE):
                    failures.append(f"{checks['file']} does not match /{pattern}/")
        except OSError as error:
            failures.append(f"cannot read {checks['file']}: {error}")

    if failures:
        print("command:", " ".join(command))
        print("---- stdout\n" + run.stdout[:20000] + "---- stderr\n" + run.stderr[:20000] + "----")
        for failure in failures:
            print("FAILED:", failure)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
