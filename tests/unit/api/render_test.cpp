#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "loket/diagnostic.h"

namespace {

loket::Diagnostic UnknownNameWithNoteAndHelp() {
  loket::Diagnostic d;
  d.code = "L201";
  d.kind = "UnknownName";
  d.severity = loket::Severity::kError;
  d.message = "unknown name `agee`";
  d.location = {"rules/wi.loket", 12, 8, 12, 12, "  when agee >= 18"};
  d.notes.push_back(
      {{"rules/facts.loket", 3, 6, 3, 9, "fact age: int in 0..130"}, "`age` is declared here"});
  d.notes.push_back({{}, "names are resolved in the rule's layer and the layers above it"});
  d.help.push_back("did you mean `age`?");
  return d;
}

}  // namespace

TEST_CASE("RenderText: location, snippet, caret, notes and help", "[api]") {
  const std::string expected =
      "rules/wi.loket:12:8: error[L201]: unknown name `agee`\n"
      " 12 |   when agee >= 18\n"
      "    |        ^~~~\n"
      "rules/facts.loket:3:6: note: `age` is declared here\n"
      " 3 | fact age: int in 0..130\n"
      "   |      ^~~\n"
      "note: names are resolved in the rule's layer and the layers above it\n"
      "help: did you mean `age`?\n";
  CHECK(loket::RenderText(UnknownNameWithNoteAndHelp()) == expected);

  std::ostringstream out;
  loket::RenderText(out, {UnknownNameWithNoteAndHelp(), UnknownNameWithNoteAndHelp()});
  CHECK(out.str() == expected + expected);
}

TEST_CASE("RenderText: tabs and UTF-8 keep the caret under the range", "[api]") {
  loket::Diagnostic d;
  d.code = "L204";
  d.severity = loket::Severity::kWarning;
  d.message = "m";
  // "\tx = \"één\" + y": the tab expands to 4 columns; "één" is 5 bytes but 3 columns.
  std::string line = "\tx = \"\xC3\xA9\xC3\xA9n\" + y";
  int y_byte = static_cast<int>(line.find('y'));  // 0-based
  d.location = {"f.loket", 2, y_byte + 1, 2, y_byte + 2, line};
  REQUIRE(y_byte == 15);
  // Display: 4 columns of tab, then `x = "` (5), `één` (3), `" + ` (4): `y` at column 16.
  const std::string expected =
      "f.loket:2:16: warning[L204]: m\n"
      " 2 |     x = \"\xC3\xA9\xC3\xA9n\" + y\n"
      "   | " +
      std::string(16, ' ') + "^\n";
  CHECK(loket::RenderText(d) == expected);
}

TEST_CASE("RenderText: a range running past its line is underlined to the line's end", "[api]") {
  loket::Diagnostic d;
  d.code = "L101";
  d.message = "m";
  d.location = {"f.loket", 1, 6, 3, 2, "rule a.b"};
  CHECK(loket::RenderText(d) ==
        "f.loket:1:6: error[L101]: m\n"
        " 1 | rule a.b\n"
        "   |      ^~~\n");
}

TEST_CASE("RenderText: a diagnostic without location has no prefix or snippet", "[api]") {
  loket::Diagnostic d;
  d.code = "L305";
  d.message = "no national (root) layer";
  CHECK(loket::RenderText(d) == "error[L305]: no national (root) layer\n");
  d.location.path = "rules";
  CHECK(loket::RenderText(d) == "rules: error[L305]: no national (root) layer\n");
}

TEST_CASE("RenderText: witnesses are indented YAML with their replay", "[api]") {
  loket::Diagnostic d;
  d.code = "L501";
  d.message = "rules `a` and `b` can decide `route` differently";
  d.witnesses.push_back({"case 1", "westland", "2025-03-01", "age: 30\npermit: asylum_fixed\n",
                         "route = b1 by a\nroute = z by b"});
  const std::string expected =
      "error[L501]: rules `a` and `b` can decide `route` differently\n"
      "witness: case 1 (jurisdiction westland, date 2025-03-01)\n"
      "    age: 30\n"
      "    permit: asylum_fixed\n"
      "  replay:\n"
      "    route = b1 by a\n"
      "    route = z by b\n";
  CHECK(loket::RenderText(d) == expected);
  loket::RenderOptions no_witnesses;
  no_witnesses.show_witnesses = false;
  CHECK(loket::RenderText(d, no_witnesses) ==
        "error[L501]: rules `a` and `b` can decide `route` differently\n");
}

TEST_CASE("RenderText: colour only when asked", "[api]") {
  loket::Diagnostic d = UnknownNameWithNoteAndHelp();
  CHECK(loket::RenderText(d).find('\x1b') == std::string::npos);
  loket::RenderOptions color;
  color.color = true;
  std::string colored = loket::RenderText(d, color);
  CHECK(colored.find("\x1b[1;31merror[L201]:") != std::string::npos);
  CHECK(colored.find("\x1b[1;36mnote:") != std::string::npos);
}

TEST_CASE("RenderJson: the same facts as the text form", "[api]") {
  nlohmann::json parsed = nlohmann::json::parse(loket::RenderJson({UnknownNameWithNoteAndHelp()}));
  REQUIRE(parsed.is_array());
  REQUIRE(parsed.size() == 1);
  const nlohmann::json& d = parsed[0];
  CHECK(d["code"] == "L201");
  CHECK(d["kind"] == "UnknownName");
  CHECK(d["severity"] == "error");
  CHECK(d["message"] == "unknown name `agee`");
  CHECK(d["location"]["path"] == "rules/wi.loket");
  CHECK(d["location"]["line"] == 12);
  CHECK(d["location"]["column"] == 8);
  CHECK(d["location"]["end_line"] == 12);
  CHECK(d["location"]["end_column"] == 12);
  REQUIRE(d["notes"].size() == 2);
  CHECK(d["notes"][0]["message"] == "`age` is declared here");
  CHECK(d["notes"][0]["location"]["line"] == 3);
  CHECK(d["help"] == nlohmann::json::array({"did you mean `age`?"}));
  CHECK(d["witnesses"].empty());
  CHECK(d["layer"] == "");
}

TEST_CASE("RenderJson: invalid UTF-8 is replaced, not thrown", "[api]") {
  loket::Diagnostic d;
  d.code = "L103";
  d.message = "bad \xFF byte";
  d.location.path = "rules/\xC3(.loket";  // a truncated two-byte sequence
  nlohmann::json parsed;
  REQUIRE_NOTHROW(parsed = nlohmann::json::parse(loket::RenderJson({d})));
  REQUIRE(parsed.size() == 1);
  // Each invalid byte becomes U+FFFD (EF BF BD); the valid text around it is kept.
  CHECK(parsed[0]["message"] == "bad \xEF\xBF\xBD byte");
  CHECK(parsed[0]["location"]["path"] == "rules/\xEF\xBF\xBD(.loket");
}

TEST_CASE("DiagnosticKinds: the registry, with codes, kinds and severities", "[api]") {
  std::vector<loket::DiagnosticKind> kinds = loket::DiagnosticKinds();
  REQUIRE(!kinds.empty());
  bool found = false;
  for (const auto& kind : kinds) {
    if (kind.code == "L201") {
      found = true;
      CHECK(kind.kind == "UnknownName");
      CHECK(kind.severity == loket::Severity::kError);
    }
    if (kind.code == "L403") CHECK(kind.severity == loket::Severity::kNote);
  }
  CHECK(found);
}
