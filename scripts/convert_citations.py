#!/usr/bin/python3
"""Converts the citations of rules/ to citation lists over declared laws.

A rule written `rule wi.duty "Wet inburgering 2021, art. 3 lid 1; Besluit inburgering 2021,
art. 2.2"` becomes `rule wi.duty [wi2021 art 3 lid 1; besluit_wi2021 art 2.2]`, so that
explanations, JSON and `loket doc` link each source to its official text on the reference
date (docs/language.md, "Citations"). The laws are declared once, in
rules/national/laws.loket, which this script writes.

Only laws whose official BWB identifier is in the research notes are converted
(the shared research notes (../shared/docs/research/domain.md): §1 Wi2021 and the Besluit, §1 Participatiewet, §2.1
Huisvestingswet 2014, §3 Wet BRP, §4 Leerplichtwet 1969, §5.1 Buwav). Every other source,
and any part of a citation this script cannot read exactly, stays free text in quotes, so a
conversion never changes what a citation says: the text people read is the same as before
(the script checks that). Lines already converted are left alone, so it can be run again
after rules are edited:

    /usr/bin/python3 scripts/convert_citations.py            # rewrites rules/ in place
    /usr/bin/python3 scripts/convert_citations.py --check    # exit 1 if anything would change
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# (name in the rules, title as the rules cite it, BWB identifier, where the id comes from).
# Never add an identifier without a source.
LAWS = [
    ("wi2021", "Wet inburgering 2021", "BWBR0044770", "domain.md §1"),
    ("besluit_wi2021", "Besluit inburgering 2021", "BWBR0045555", "domain.md §1"),
    ("hw2014", "Huisvestingswet 2014", "BWBR0035303", "domain.md §2.1"),
    ("participatiewet", "Participatiewet", "BWBR0015703", "domain.md §1 (ontzorgen)"),
    ("wet_brp", "Wet BRP", "BWBR0033715", "domain.md §3 (Wet basisregistratie personen)"),
    ("leerplichtwet", "Leerplichtwet 1969", "BWBR0002628", "domain.md §4"),
    ("buwav", "Besluit uitvoering Wet arbeid vreemdelingen", "BWBR0007523", "domain.md §5.1"),
]

ARTICLE = r"\d+[a-z]?(?:[.:]\d+[a-z]?)*"
PIECE = re.compile(
    rf"^(?P<art>art\. )?(?P<number>{ARTICLE})(?:-(?P<to>{ARTICLE}))?"
    r"(?: lid (?P<lid>\d+))?(?: sub (?P<sub>[a-z0-9]+))?(?: \((?P<remark>[^()]*)\))?$")
RULE_LINE = re.compile(r'^(?P<head>\s*rule\s+[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)*\s+)'
                       r'"(?P<text>(?:[^"\\]|\\.)*)"(?P<tail>.*)$')


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Entry:
    """One source: a law reference (law set) or free text."""

    def __init__(self, law=None, title="", number="", to="", lid="", sub="", remark=""):
        self.law, self.title, self.number, self.to = law, title, number, to
        self.lid, self.sub, self.remark = lid, sub, remark

    def source(self):
        if self.law is None:
            return quote(self.remark)
        out = self.law
        if self.number:
            out += " art " + self.number + ("-" + self.to if self.to else "")
            if self.lid:
                out += " lid " + self.lid
            if self.sub:
                out += " sub " + self.sub
        if self.remark:
            out += " " + quote(self.remark)
        return out

    def reads(self):
        """The text loket shows for this entry (as sema composes it)."""
        if self.law is None:
            return self.remark
        out = self.title
        if self.number:
            out += ", art. " + self.number + ("-" + self.to if self.to else "")
            if self.lid:
                out += " lid " + self.lid
            if self.sub:
                out += " sub " + self.sub
        if self.remark:
            out += " (" + self.remark + ")"
        return out


def convert_part(part):
    """The entries of one `;`-separated part of a citation."""
    for name, title, _, _ in sorted(LAWS, key=lambda law: -len(law[1])):
        if part == title:
            return [Entry(name, title)]
        if part.startswith(title + " (") and part.endswith(")") and part.count("(") == 1:
            return [Entry(name, title, remark=part[len(title) + 2:-1])]
        if not part.startswith(title + ", "):
            continue
        body = part[len(title) + 2:]
        flag = ""
        if body.endswith(" [?]"):
            body, flag = body[:-4], "[?]"
        entries = []
        for i, piece in enumerate(body.split(" and ")):
            match = PIECE.match(piece)
            if not match or (i == 0 and not match.group("art")):
                return [Entry(remark=part)]
            entries.append(Entry(name, title, match.group("number"), match.group("to") or "",
                                 match.group("lid") or "", match.group("sub") or "",
                                 match.group("remark") or ""))
        if flag:
            last = entries[-1]
            last.remark = (last.remark + " " + flag).strip()
        return entries
    return [Entry(remark=part)]


def convert_citation(text):
    """The citation list for a citation string, or None when nothing in it is a known law or
    when the list would not read as the string does. Two rephrasings are allowed: `art. 12 lid 4
    and art. 28` becomes two sources (each read with the law's title), and a trailing `[?]`
    moves into the last source's remark."""
    entries = []
    for part in text.split("; "):
        converted = convert_part(part)
        rephrased = " and " in part or part.endswith(" [?]")
        if not rephrased and "; ".join(entry.reads() for entry in converted) != part:
            converted = [Entry(remark=part)]
        entries.extend(converted)
    if all(entry.law is None for entry in entries):
        return None
    return "[" + "; ".join(entry.source() for entry in entries) + "]", entries


# Decisions that only have meaning for someone with the integration duty (Wi2021 art. 3): the
# learning route, the PIP, the term and the fines all follow from the duty (art. 7-9, 15, 11,
# 22-25). Declared `applies when integration_duty`, they show as "not applicable" for everyone
# else instead of a default that reads as an answer; the checker (L520) then reports any rule
# that decides one of them without the duty.
APPLICABILITY = {
    name: "integration_duty"
    for name in ["route", "pip_deadline_weeks", "pip_overdue", "integration_term_years",
                 "term_expired", "fine_intake", "fine_non_cooperation", "college_fines_cap",
                 "fine_pvt_map", "fine_route_max"]
}
DECISION_LINE = re.compile(r'^(?P<body>\s*decision\s+(?P<name>[A-Za-z_][A-Za-z_0-9]*)\s*:.*?)'
                           r'(?P<description>\s+"(?:[^"\\]|\\.)*")?(?P<comment>\s*//.*)?$')


def add_applicability(line):
    """The decision line with its `applies when`, if the table names it and it has none."""
    match = DECISION_LINE.match(line)
    if not match or match.group("name") not in APPLICABILITY or " applies when " in line:
        return line
    return (match.group("body") + " applies when " + APPLICABILITY[match.group("name")] +
            (match.group("description") or "") + (match.group("comment") or ""))


def laws_file():
    lines = [
        "layer national",
        "",
        "// The laws the rules cite, each once with its official BWB identifier, so citations link",
        "// to the text valid on the reference date (docs/language.md, \"Citations\"). Written by",
        "// scripts/convert_citations.py; identifiers from the shared research notes (../shared/docs/research/domain.md).",
        "// Sources without a known identifier stay free text in the rules.",
        "",
    ]
    for name, title, bwb, source in LAWS:
        lines.append(f"law {name} {quote(title)} bwb {bwb}  // {source}")
    return "\n".join(lines) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", default=str(ROOT / "rules"), help="the rule base folder")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    args = parser.parse_args(argv)
    rules = pathlib.Path(args.rules)
    changed = []
    converted = 0
    for path in sorted(rules.rglob("*.loket")):
        if path.name == "laws.loket":
            continue
        old = path.read_text(encoding="utf-8")
        out = []
        for line in old.split("\n"):
            line = add_applicability(line)
            match = RULE_LINE.match(line)
            result = convert_citation(match.group("text")) if match else None
            if result is None:
                out.append(line)
                continue
            listing, _ = result
            out.append(match.group("head") + listing + match.group("tail"))
            converted += 1
        new = "\n".join(out)
        if new != old:
            changed.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    laws = rules / "national" / "laws.loket"
    if not laws.exists() or laws.read_text(encoding="utf-8") != laws_file():
        changed.append(laws)
        if not args.check:
            laws.write_text(laws_file(), encoding="utf-8")
    for path in changed:
        print(("would change " if args.check else "changed ") + str(path.relative_to(rules.parent)))
    print(f"{converted} citation(s) converted")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
