#!/usr/bin/env python3
"""Checks that ctest runs every Catch2 test case of the unit-test binary, each under its own name.

usage: check_discovery.py UNIT_TEST_BINARY BUILD_DIR

catch_discover_tests registers one ctest test per line of `--list-test-names-only`; a name that
CMake splits or mangles (a `;` in it, for one) would register tests that match nothing, and the
real test case would never run. So: the names the binary lists must equal the names of the
ctest tests that run the binary on a single test case (eval.plain_variants and this check run
it differently and are not counted).
"""
import json
import os
import subprocess
import sys


def main(binary, build_dir):
    listed = subprocess.run([binary, "--list-test-names-only"], capture_output=True, text=True)
    names = [line for line in listed.stdout.splitlines() if line.strip()]
    if not names:
        print(f"{binary} lists no test cases:\n{listed.stderr}")
        return 1
    shown = subprocess.run(["ctest", "--test-dir", build_dir, "--show-only=json-v1"],
                           capture_output=True, text=True, check=True)
    discovered = []
    binary_path = os.path.realpath(binary)
    for test in json.loads(shown.stdout)["tests"]:
        command = test.get("command") or []
        if not command or os.path.realpath(command[0]) != binary_path:
            continue
        # Discovered tests run `binary <escaped name> <extra args>`; the others pass a tag list.
        if len(command) > 1 and command[1].startswith("[") and command[1].endswith("]"):
            continue
        discovered.append(test["name"])
    missing = sorted(set(names) - set(discovered))
    extra = sorted(set(discovered) - set(names))
    for name in missing:
        print(f"listed by the binary but not a ctest test: {name!r}")
    for name in extra:
        print(f"a ctest test that is no test case of the binary: {name!r}")
    if len(names) != len(set(names)):
        print("the binary lists a test case name twice")
        return 1
    print(f"{len(names)} test cases listed, {len(discovered)} discovered by ctest")
    return 1 if missing or extra else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
