#!/usr/bin/env python3
"""`loket diff` on git revisions (`git:REV[:PATH]`), in a repository the test makes.

usage: git_revision_test.py --loket BIN --work DIR

DIR (emptied first) becomes a git repository with two commits: rules/ of this repository,
then rules/ amended with examples/changes/04 (a rule of The Hague renamed; the cheapest of
the examples to compare). From DIR:
  1. `loket diff git:HEAD~1 rules` (the folder at the older revision against the working
     tree) and `loket diff git:HEAD~1:rules git:HEAD:rules` must both give the verdicts of
     the two folders compared directly (nothing changed; only The Hague's `referrals` needs
     the solver), and name the renamed rule as the change;
  2. nothing is checked out: the working tree and the index are as before (`git status`
     clean, HEAD unchanged);
  3. an unknown revision is a clear error (exit 2, naming the revision).
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
PATCH = os.path.join(REPO, "examples", "changes", "04-den-haag-rename-no-change",
                     "amendment.patch")
DATE = "2026-09-01"
# The test's commits must not depend on the user's git configuration.
GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME="loket test", GIT_AUTHOR_EMAIL="test@example.invalid",
               GIT_COMMITTER_NAME="loket test", GIT_COMMITTER_EMAIL="test@example.invalid",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")


def git(work, *args):
    return subprocess.run(["git", "-C", work] + list(args), check=True, capture_output=True,
                          text=True, env=GIT_ENV, timeout=120).stdout


def changed(report):
    return sorted((d["jurisdiction"], d["decision"]) for d in report.get("decisions", [])
                  if d.get("verdict") == "changed")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loket", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args(argv)
    loket = os.path.abspath(args.loket) if os.sep in args.loket else args.loket
    work = os.path.abspath(args.work)
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(os.path.join(work, "examples"))
    shutil.copytree(os.path.join(REPO, "rules"), os.path.join(work, "rules"))
    shutil.copytree(os.path.join(REPO, "examples", "cases"),
                    os.path.join(work, "examples", "cases"))
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "rules as in the repository")
    subprocess.run(["patch", "-p1", "--batch", "--fuzz=0", "--quiet", "-d", work, "-i", PATCH],
                   check=True, timeout=120)
    git(work, "commit", "-q", "-a", "-m", "The Hague: rule renamed")
    head = git(work, "rev-parse", "HEAD")
    failures = []

    def diff(old, new):
        run = subprocess.run([loket, "diff", old, new, "--on", DATE, "--format", "json"],
                             cwd=work, capture_output=True, text=True, timeout=900)
        try:
            return run.returncode, json.loads(run.stdout), run.stderr
        except ValueError:
            return run.returncode, None, run.stderr

    # The reference: the two folders compared directly.
    old_folder = os.path.join(work, "old")
    os.makedirs(old_folder)
    archive = subprocess.run(["git", "-C", work, "archive", "HEAD~1", "rules"], check=True,
                             capture_output=True, env=GIT_ENV, timeout=120).stdout
    subprocess.run(["tar", "-x", "-C", old_folder], input=archive, check=True, timeout=120)
    code, reference, stderr = diff(os.path.join(old_folder, "rules"), "rules")
    if reference is None:
        failures.append(f"folders: exit {code}, no JSON report: {stderr[-2000:]}")
        reference = {}
    shutil.rmtree(old_folder)
    if changed(reference):
        failures.append(f"folders: changed {changed(reference)}, expected nothing")
    renamed = "rule den_haag.dh.tenant_protection (added)"

    for old, new in (("git:HEAD~1", "rules"), ("git:HEAD~1:rules", "git:HEAD:rules")):
        code, report, stderr = diff(old, new)
        if report is None:
            failures.append(f"{old} {new}: exit {code}, no JSON report: {stderr[-2000:]}")
            continue
        if changed(report):
            failures.append(f"{old} {new}: changed {changed(report)}, expected nothing")
        if not any(renamed in d.get("changes", []) for d in report.get("decisions", [])):
            failures.append(f"{old} {new}: no decision names `{renamed}` as its change")
        verdicts = sorted((d["jurisdiction"], d["decision"], d["verdict"])
                          for d in report.get("decisions", []))
        reference_verdicts = sorted((d["jurisdiction"], d["decision"], d["verdict"])
                                    for d in reference.get("decisions", []))
        if verdicts != reference_verdicts:
            failures.append(f"{old} {new}: verdicts differ from the folders' comparison")

    if git(work, "status", "--porcelain").strip():
        failures.append("the working tree changed: " + git(work, "status", "--porcelain"))
    if git(work, "rev-parse", "HEAD") != head:
        failures.append("HEAD moved")

    run = subprocess.run([loket, "diff", "git:no-such-revision", "rules", "--on", DATE],
                         cwd=work, capture_output=True, text=True, timeout=120)
    if run.returncode != 2 or "no-such-revision" not in run.stderr:
        failures.append(f"unknown revision: exit {run.returncode}, stderr {run.stderr[-500:]!r}")

    for failure in failures:
        print("FAILED:", failure)
    print("git revisions:", "OK" if not failures else "FAIL")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
