#!/usr/bin/env python3
"""Fails when a public header (include/loket/*.h) names loket's internals.

A public header may not name a stage's namespace (compile::, sema::, analysis::, ...), and
may name `internal::` only where a user cannot reach it: an opaque forward declaration inside
`namespace internal { ... }`, a `friend` declaration, or a private or protected member.
Loket's own stages reach the internals behind a public type through access classes
(src/eval/program_access.h, src/api/rule_base_impl.h).

usage: check_public_headers.py REPO [HEADER...]   (headers default to include/loket/*.h)
"""
import pathlib
import re
import sys

STAGES = ["support", "source", "diag", "syntax", "ast", "sema", "graph", "compile", "eval",
          "analysis", "api", "cli", "serve", "loket_gen"]
STAGE_NAME = re.compile(r"\b(?:loket::)?(" + "|".join(STAGES) + r")::")
STAGE_NAMESPACE = re.compile(r"\bnamespace\s+(?:loket::)?(" + "|".join(STAGES) + r")\b")
INTERNAL = re.compile(r"\binternal::")
TYPE_OPEN = re.compile(r"\b(class|struct|union)\s+\w+[^;{]*\{")
ACCESS = re.compile(r"^\s*(public|private|protected)\s*:")


def strip_comments_and_strings(text):
    """The text with comments and string literals blanked, line structure kept."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join("\n" if c == "\n" else " " for c in text[i:end]))
            i = end
        elif text.startswith('R"(', i):
            end = text.find(')"', i + 3)
            end = n if end < 0 else end + 2
            out.append("".join("\n" if c == "\n" else " " for c in text[i:end]))
            i = end
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif text[i] == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            out.append("''")
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def problems_in(path, display):
    problems = []
    code = strip_comments_and_strings(path.read_text(encoding="utf-8"))
    # A stack of open braces: ("type", hidden) for a class body, ("ns", internal?) for a
    # namespace, ("other", None) for anything else. `hidden`: the current access is private.
    stack = []
    for number, line in enumerate(code.split("\n"), 1):
        where = f"{display}:{number}"
        for match in STAGE_NAME.finditer(line):
            problems.append(f"{where}: names the internal namespace `{match.group(1)}::`")
        for match in STAGE_NAMESPACE.finditer(line):
            problems.append(f"{where}: opens the internal namespace `{match.group(1)}`")
        access = ACCESS.match(line)
        if access and stack and stack[-1][0] == "type":
            stack[-1] = ("type", access.group(1) != "public")
        if INTERNAL.search(line):
            in_internal_namespace = any(kind == "ns" and flag for kind, flag in stack)
            hidden = any(kind == "type" and flag for kind, flag in stack)
            if not (in_internal_namespace or hidden or re.search(r"\bfriend\b", line)):
                problems.append(f"{where}: names `internal::` where users can reach it: "
                                f"{line.strip()}")
        # Track braces, in order, on this line.
        pos = 0
        while True:
            open_at = line.find("{", pos)
            close_at = line.find("}", pos)
            if open_at < 0 and close_at < 0:
                break
            if close_at >= 0 and (open_at < 0 or close_at < open_at):
                if stack:
                    stack.pop()
                pos = close_at + 1
                continue
            before = line[:open_at + 1]
            ns = re.search(r"\bnamespace\s*([\w:]*)\s*\{$", before)
            typ = TYPE_OPEN.search(before)
            if ns is not None:
                stack.append(("ns", ns.group(1).split("::")[-1] == "internal"))
            elif typ is not None and not re.search(r"\benum\b", before):
                stack.append(("type", typ.group(1) == "class"))
            else:
                stack.append(("other", None))
            pos = open_at + 1
    return problems


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else ".").resolve()
    headers = [pathlib.Path(p) for p in argv[2:]] or sorted((root / "include" / "loket").glob("*.h"))
    problems = []
    for header in headers:
        try:
            display = header.resolve().relative_to(root)
        except ValueError:
            display = header
        problems += problems_in(header, display)
    for problem in problems:
        print(problem)
    print(f"public headers: {len(problems)} problem(s) in {len(headers)} header(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
