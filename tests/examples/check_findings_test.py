#!/usr/bin/env python3
"""Unit tests of check_findings.py: the comparison must be exact in both directions."""

import io
import contextlib
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_findings  # noqa: E402


def finding(code, layer, message, notes=(), witnesses=None):
    if witnesses is None:
        witnesses = [{"title": "case", "replay": "decided by ..."}]
    return {"code": code, "layer": layer, "message": message,
            "notes": [{"message": n} for n in notes], "help": [], "witnesses": witnesses}


def compare(expected, findings):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        ok, counts = check_findings.compare(expected, findings, "t")
    return ok, counts, out.getvalue()


class MentionsTest(unittest.TestCase):
    def test_whole_rule_ids_only(self):
        text = "rule `ws.rni_zoning` contradicts national.brp.register."
        self.assertTrue(check_findings.mentions(text, "ws.rni_zoning"))
        self.assertTrue(check_findings.mentions(text, "brp.register"))
        self.assertFalse(check_findings.mentions(text, "ws.rni"))
        self.assertFalse(check_findings.mentions(text, "brp.registe"))
        self.assertFalse(check_findings.mentions("rule wi.duty_x", "wi.duty"))
        self.assertFalse(check_findings.mentions("rule wi.duty.x", "wi.duty"))


class CompareTest(unittest.TestCase):
    expected = [{"code": "L502", "layer": "westland", "rules": ["ws.rni_zoning", "brp.register"]}]

    def test_exact_match(self):
        found = [finding("L502", "westland", "`ws.rni_zoning` contradicts",
                         notes=["national rule `brp.register` decides otherwise"])]
        ok, counts, _ = compare(self.expected, found)
        self.assertTrue(ok)
        self.assertEqual(counts, (1, 0, 0, 0))

    def test_missing_rule_mention_is_missed_and_unexpected(self):
        found = [finding("L502", "westland", "`ws.rni_zoning` contradicts a national rule")]
        ok, counts, out = compare(self.expected, found)
        self.assertFalse(ok)
        self.assertEqual(counts, (0, 1, 1, 0))
        self.assertIn("MISSED", out)

    def test_wrong_layer_or_code(self):
        for code, layer in (("L501", "westland"), ("L502", "national")):
            found = [finding(code, layer, "ws.rni_zoning brp.register")]
            ok, _, _ = compare(self.expected, found)
            self.assertFalse(ok)

    def test_extra_finding_is_unexpected(self):
        found = [finding("L502", "westland", "ws.rni_zoning brp.register"),
                 finding("L403", "national", "fact `x` is never read", witnesses=[])]
        ok, counts, out = compare(self.expected, found)
        self.assertFalse(ok)
        self.assertEqual(counts, (1, 0, 1, 0))
        self.assertIn("UNEXPECTED L403", out)

    def test_duplicate_finding_counts_once(self):
        found = [finding("L502", "westland", "ws.rni_zoning brp.register")] * 2
        ok, counts, _ = compare(self.expected, found)
        self.assertFalse(ok)
        self.assertEqual(counts, (1, 0, 1, 0))

    def test_conflict_finding_needs_witness_with_replay(self):
        for witnesses in ([], [{"title": "case", "replay": ""}]):
            found = [finding("L502", "westland", "ws.rni_zoning brp.register",
                             witnesses=witnesses)]
            ok, counts, _ = compare(self.expected, found)
            self.assertFalse(ok)
            self.assertEqual(counts[3], 1)

    def test_competence_error_needs_witness_when_it_is_the_only_kind_of_error(self):
        expected = [{"code": "L310", "layer": "westland", "rules": ["ws.rni_zoning"]}]
        bare = finding("L310", "westland", "rule `ws.rni_zoning` assigns `registration`",
                       witnesses=[])
        ok, counts, _ = compare(expected, [bare])
        self.assertFalse(ok)
        self.assertEqual(counts[3], 1)
        self.assertTrue(compare(expected, [finding("L310", "westland", "ws.rni_zoning")])[0])
        never = finding("L310", "westland", "ws.rni_zoning", witnesses=[],
                        notes=["the local rule can never apply: no case ..."])
        self.assertTrue(compare(expected, [never])[0])
        # Another error stops the witness search: then the finding has none.
        other = finding("L312", "westland", "ams.pip 16 is outside", witnesses=[])
        both = expected + [{"code": "L312", "layer": "westland", "rules": ["ams.pip"]}]
        self.assertTrue(compare(both, [bare, other])[0])

    def test_dead_rule_needs_no_witness(self):
        expected = [{"code": "L507", "layer": "g", "rules": ["hv.course"]}]
        ok, _, _ = compare(expected, [finding("L507", "g", "hv.course never applies",
                                              witnesses=[])])
        self.assertTrue(ok)

    def test_matching_is_a_maximum_matching(self):
        # The first finding fits both entries, the second only the first entry.
        expected = [{"code": "L501", "layer": "g", "rules": ["a.x"]},
                    {"code": "L501", "layer": "g", "rules": ["a.x", "a.y"]}]
        found = [finding("L501", "g", "a.x and a.y overlap"), finding("L501", "g", "a.x")]
        ok, counts, _ = compare(expected, found)
        self.assertTrue(ok)
        self.assertEqual(counts, (2, 0, 0, 0))

    def test_location_inside_a_rule_counts_as_mentioning_it(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".loket", delete=False) as handle:
            handle.write('layer x\n\nrule ams.pip "c"\n  when a\n  then w = 16\n'
                         'decision d: bool\n')
        try:
            expected = [{"code": "L312", "layer": "x", "rules": ["ams.pip"]}]
            inside = finding("L312", "x", "16 is outside `within 0..10`", witnesses=[])
            inside["location"] = {"path": handle.name, "line": 5}
            self.assertTrue(compare(expected, [inside])[0])
            after = dict(inside, location={"path": handle.name, "line": 6})
            self.assertFalse(compare(expected, [after])[0])
        finally:
            os.unlink(handle.name)

    def test_mentions(self):
        expected = [{"code": "L506", "layer": "g", "rules": [], "mentions": ["welcome_offer"]}]
        self.assertTrue(compare(expected, [finding("L506", "g", "gap in `welcome_offer`")])[0])
        self.assertFalse(compare(expected, [finding("L506", "g", "gap in `welcome`")])[0])

    def test_load_findings_accepts_array_or_object(self):
        self.assertEqual(check_findings.load_findings("[]"), [])
        self.assertEqual(check_findings.load_findings('{"diagnostics": [{"code": "L1"}]}'),
                         [{"code": "L1"}])
        with self.assertRaises(ValueError):
            check_findings.load_findings('"text"')

    def test_every_example_has_a_well_formed_expected_json(self):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                            "conflicts")
        folders = [d for d in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, d))]
        self.assertGreaterEqual(len(folders), 15)
        for folder in folders:
            with open(os.path.join(root, folder, "expected.json"), encoding="utf-8") as handle:
                entries = json.load(handle)
            self.assertIsInstance(entries, list, folder)
            for entry in entries:
                self.assertRegex(entry["code"], r"^L[0-9]{3}$", folder)
                self.assertTrue(entry["layer"], folder)
                self.assertIsInstance(entry["rules"], list, folder)
            self.assertTrue(any(f.endswith(".loket") for f in os.listdir(os.path.join(root, folder))))


if __name__ == "__main__":
    unittest.main()
