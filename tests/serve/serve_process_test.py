#!/usr/bin/env python3
"""`loket serve` and `loket replay` as processes: refusing to start on rule errors, SIGHUP
(reload and reopening the decision log after rotation), SIGTERM, replay's exit codes, and
`loket eval --format json` carrying a receipt. Loopback only; every server is stopped here.

usage: serve_process_test.py LOKET REPO_ROOT
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

LOKET, ROOT = sys.argv[1], sys.argv[2]
DESK = os.path.join(ROOT, "tests", "cli", "fixtures", "desk")
CASE = '{"age": 30, "residence": "asylum_fixed"}'
failures = []
checks = []


READY_SECONDS = 120  # the ctest TIMEOUT (300 s) bounds the whole test


def check(condition, what):
    checks.append(what)
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(rules, *extra):
    port = free_port()
    process = subprocess.Popen([LOKET, "serve", rules, "--listen", f"127.0.0.1:{port}", *extra],
                               stderr=subprocess.PIPE, text=True)
    # Loading checks the rule base (the conflict analysis included): on two cores shared with
    # the rest of the suite that can take well over 30 s. A bound on waiting, not on speed.
    deadline = time.time() + READY_SECONDS
    while time.time() < deadline:
        if process.poll() is not None:
            return process, port
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not become ready")


def request(port, path, body=None, content_type="application/json"):
    data = body.encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                 headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        code = None
    return code, process.stderr.read()


with tempfile.TemporaryDirectory() as work:
    rules = os.path.join(work, "desk")
    shutil.copytree(DESK, rules)
    shutil.rmtree(os.path.join(rules, "tests"))
    westland = os.path.join(rules, "westland.loket")
    original = open(westland, encoding="utf-8").read()

    # A rule base with errors: no server, the diagnostics as `loket check` prints them, exit 1.
    broken = os.path.join(work, "broken")
    shutil.copytree(rules, broken)
    with open(os.path.join(broken, "westland.loket"), "a", encoding="utf-8") as f:
        f.write('\nrule ws.x "x" when nonsense then referrals += {}\n')
    process, _ = start(broken)
    code, err = process.wait(timeout=30), process.stderr.read()
    check(code == 1, f"serve refuses a rule base with errors (exit {code})")
    check("error[L201]" in err and "not serving it" in err, "and prints its diagnostics")

    # Serving with a decision log; SIGHUP after rotation writes to a new file.
    log = os.path.join(work, "decisions.jsonl")
    process, port = start(rules, "--decision-log", log)
    status, answer = request(port, "/v1/jurisdictions/GM1783/decide?on=2025-06-01", CASE)
    check(status == 200 and answer["decisions"]["integration_duty"] is True, "decide by CBS code")
    hash_before = answer["receipt"]["rule_base_hash"]
    os.rename(log, log + ".1")
    with open(westland, "w", encoding="utf-8") as f:
        f.write(original + "\n// amended\n")
    process.send_signal(signal.SIGHUP)
    deadline = time.time() + READY_SECONDS
    while time.time() < deadline:
        status, ready = request(port, "/readyz")
        if ready.get("generation") == 2:
            break
        time.sleep(0.05)
    check(ready.get("generation") == 2 and ready["rule_base_hash"] != hash_before,
          "SIGHUP reloads the rule base")
    status, answer = request(port, "/v1/jurisdictions/westland/decide?on=2025-06-01", CASE)
    check(answer["receipt"]["rule_base_hash"] == ready["rule_base_hash"],
          "the receipt names the new rule base")
    code, err = stop(process)
    check(code == 0, f"SIGTERM stops the server (exit {code})")
    rotated = open(log + ".1", encoding="utf-8").read().splitlines()
    fresh = open(log, encoding="utf-8").read().splitlines() if os.path.exists(log) else []
    check(len(rotated) == 1 and len(fresh) == 1, "after SIGHUP the log is reopened: one line each")

    # Replay: the same rules replay the new log the same; the old log names another hash.
    result = subprocess.run([LOKET, "replay", log, rules], capture_output=True, text=True)
    check(result.returncode == 0 and "1 the same" in result.stdout,
          f"replay with the same rules: exit {result.returncode}")
    result = subprocess.run([LOKET, "replay", log + ".1", rules], capture_output=True, text=True)
    check(result.returncode == 1 and "decided under rule base" in result.stdout,
          f"replay with other rules: exit {result.returncode}")
    with open(westland, "w", encoding="utf-8") as f:
        f.write(original.replace("ws.course", "ws.course_renamed"))
    result = subprocess.run([LOKET, "replay", log, rules], capture_output=True, text=True)
    check(result.returncode == 1 and "differs" in result.stdout
          and "westland.ws.course_renamed" in result.stdout,
          "replay reports an outcome that differs (the deciding rule)")

    # `loket eval --format json` carries a receipt too.
    case_file = os.path.join(work, "case.json")
    open(case_file, "w").write(CASE)
    result = subprocess.run([LOKET, "eval", DESK, "-m", "westland", "--on", "2025-06-01", case_file,
                             "--format", "json"], capture_output=True, text=True)
    receipt = json.loads(result.stdout).get("receipt", {})
    check(receipt.get("reference_date") == "2025-06-01" and
          receipt.get("rule_base_hash", "").startswith("sha256:"),
          "loket eval --format json carries the receipt")

print(f"{len(checks) - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
