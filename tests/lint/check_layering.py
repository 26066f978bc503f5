#!/usr/bin/env python3
"""Fails when a source file includes a stage it must not depend on.

Stages may include only earlier stages (docs/architecture.md); ANTLR only in src/syntax;
Boost only in src/graph (and src/analysis may not either); Z3 only in src/analysis and src/diff
(which compares two rule bases with the analysis' encoder); the CLI,
the HTTP service (src/serve) and the public headers only <loket/...> plus the standard library
and CLI/format/HTTP helpers.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
ORDER = ["support", "source", "diag", "syntax", "ast", "sema", "graph", "compile", "eval",
         "analysis", "diff", "api"]
# Foundations every stage may use; syntax builds the AST, so ast is allowed to be "earlier".
FOUNDATION = {"support", "source", "diag", "ast"}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)

problems = []


def allowed_stage(stage, included):
    if included in FOUNDATION or included == stage:
        return True
    return ORDER.index(included) < ORDER.index(stage)


for path in sorted((ROOT / "src").rglob("*")):
    if path.suffix not in {".h", ".cpp", ".def"}:
        continue
    stage = path.relative_to(ROOT / "src").parts[0]
    text = path.read_text(encoding="utf-8", errors="replace")
    for header in INCLUDE.findall(text):
        first = header.split("/")[0]
        rel = path.relative_to(ROOT)
        if stage in {"cli", "serve"}:
            # The CLI and the HTTP service are clients of the public API (include/loket).
            if first in ORDER:
                problems.append(f"{rel}: `{stage}` includes internal `{header}`; use <loket/...>")
            continue
        if first in ORDER and not allowed_stage(stage, first):
            problems.append(f"{rel}: stage `{stage}` includes later stage `{header}`")
        if (first in {"antlr4-runtime", "loket_gen"} or header.startswith("antlr4")) and stage != "syntax":
            problems.append(f"{rel}: ANTLR header `{header}` outside src/syntax")
        if header.startswith("z3") and stage not in {"analysis", "diff"}:
            problems.append(f"{rel}: Z3 header `{header}` outside src/analysis and src/diff")
        if header.startswith("boost/") and stage not in {"graph"}:
            problems.append(f"{rel}: Boost header `{header}` outside src/graph")

for path in sorted((ROOT / "include" / "loket").glob("*.h")):
    for header in INCLUDE.findall(path.read_text(encoding="utf-8")):
        if "/" in header and not header.startswith("loket/"):
            problems.append(f"{path.relative_to(ROOT)}: public header includes `{header}`")

for problem in problems:
    print(problem)
print(f"layering: {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
