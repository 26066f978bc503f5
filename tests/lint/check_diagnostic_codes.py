#!/usr/bin/env python3
"""Fails when a diagnostic code is written as a string literal outside the registry.

Every diagnostic is built from its diag::Kind (src/diag/kinds.def owns the codes), so a
literal such as "L605" in src/ or include/ outside src/diag is a second copy of the registry.
Comments and help texts that mention a code in a sentence are fine; a literal that is just a
code is not. The clients of the public API (src/cli, src/serve) are held to the same rule:
they compare the diagnostic's data (subject, value_at_fault, ...) or the public predicates
(IsTestFailure, IsCompetenceError), never a code.

usage: check_diagnostic_codes.py REPO [FILE...]   (files default to src/ and include/)
"""
import pathlib
import re
import sys

CODE_LITERAL = re.compile(r'"(L\d{3})"')


def strip_comments(text):
    """Line comments and block comments blanked, string literals kept."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        if text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end))
            i = end
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else ".").resolve()
    if len(argv) > 2:
        files = [pathlib.Path(p).resolve() for p in argv[2:]]
    else:
        files = [p for base in ("src", "include") for p in sorted((root / base).rglob("*"))
                 if p.suffix in {".h", ".cpp", ".def", ".in"}]
    problems = []
    for path in files:
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        if rel.startswith("src/diag/"):
            continue
        code = strip_comments(path.read_text(encoding="utf-8", errors="replace"))
        for number, line in enumerate(code.split("\n"), 1):
            for match in CODE_LITERAL.finditer(line):
                problems.append(f"{rel}:{number}: diagnostic code {match.group(0)} written out; "
                                f"build it from its diag::Kind (src/diag/kinds.def)")
    for problem in problems:
        print(problem)
    print(f"diagnostic codes: {len(problems)} literal(s) outside src/diag")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
