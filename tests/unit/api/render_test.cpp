#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "loket/answer.h"
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
                         "route = b1 by a\nroute = z by b", /*facts_read_yaml=*/""});
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

// --- the answer sheet and the answer as JSON (include/loket/answer.h) -----------------------

#include "loket/answer.h"

namespace {

loket::RuleRefInfo Rule(const std::string& id, const std::string& citation,
                        std::vector<std::string> notes = {}) {
  loket::RuleRefInfo rule;
  rule.id = id;
  rule.layer = "national";
  rule.citation = citation;
  rule.notes = std::move(notes);
  return rule;
}

loket::ReadValue Read(const std::string& name, const std::string& kind, const std::string& value) {
  return {name, kind, true, value};
}

loket::DecisionExplanation Decision(const std::string& name, const std::string& value,
                                    loket::AnswerStatus answer, const std::string& domain = "",
                                    const std::string& title = "") {
  loket::DecisionExplanation decision;
  decision.name = name;
  decision.value = value;
  decision.value_json = value;
  decision.domain = domain;
  decision.domain_title = title;
  decision.answer = answer;
  decision.default_used = answer == loket::AnswerStatus::kDefaultWithoutBasis;
  decision.status =
      decision.default_used ? loket::DecisionStatus::kDefault : loket::DecisionStatus::kDecided;
  return decision;
}

loket::RuleExplanation Winner(loket::RuleRefInfo rule, std::vector<loket::ReadValue> reads,
                              const std::string& condition = "") {
  loket::RuleExplanation winner;
  winner.rule = std::move(rule);
  winner.reads = std::move(reads);
  winner.condition = condition;
  return winner;
}

// A person obliged to integrate, with a loan excluded by its own article, an exemption no rule
// decides, and a fine outside any domain.
loket::Explanation Sheet() {
  using loket::AnswerStatus;
  loket::Explanation ex;
  ex.jurisdiction = "westland";
  ex.date = "2025-06-01";
  auto duty =
      Decision("integration_duty", "true", AnswerStatus::kDecided, "integration", "Inburgering");
  duty.winners.push_back(Winner(
      Rule("wi.duty", "Wet inburgering 2021, art. 3 lid 1", {"DUO decides the exemption"}),
      {Read("in_scope", "let", "true"), Read("age", "fact", "30")}, "in_scope and age >= 16"));
  ex.decisions.push_back(duty);
  ex.decisions.push_back(
      Decision("exempt", "false", AnswerStatus::kDefaultWithoutBasis, "integration"));
  auto loan = Decision("loan", "false", AnswerStatus::kDefaultWithBasis, "integration");
  loan.winners.push_back(
      Winner(Rule("wi.no_loan", "Wet inburgering 2021, art. 20 lid 2", {"ask DUO"}), {}));
  ex.decisions.push_back(loan);
  auto fine = Decision("fine", "€0", AnswerStatus::kDefaultWithoutBasis);
  fine.value_json = "0";  // money as euros
  ex.decisions.push_back(fine);
  auto route = Decision("route", "none", AnswerStatus::kDefaultWithoutBasis);
  route.value_json = "\"none\"";
  ex.decisions.push_back(route);
  loket::DerivedValue scope;
  scope.name = "in_scope";
  scope.kind = "let";
  scope.value = "true";
  scope.reads = {Read("residence", "fact", "asylum_fixed"), Read("adult", "let", "true")};
  ex.derived.push_back(scope);
  loket::DerivedValue adult;
  adult.name = "adult";
  adult.kind = "let";
  adult.value = "true";
  adult.reads = {Read("age", "fact", "30")};
  ex.derived.push_back(adult);
  return ex;
}

}  // namespace

TEST_CASE("RenderAnswerText: what applies first, then one line of what does not and why",
          "[api][answer]") {
  loket::AnswerOptions options;
  options.jurisdiction_title = "Gemeente Westland";
  CHECK(loket::RenderAnswerText(Sheet(), options) ==
        "Decisions for westland (Gemeente Westland) on 2025-06-01\n"
        "\n"
        "Inburgering [integration]\n"
        "  integration_duty = true\n"
        "      by wi.duty (national): Wet inburgering 2021, art. 3 lid 1\n"
        "         note: DUO decides the exemption\n"
        "  Does not apply: loan (Wet inburgering 2021, art. 20 lid 2)\n"
        "    note on loan: ask DUO\n"
        "  No rule decides (default): exempt\n"
        "\n"
        "Other decisions\n"
        "  No rule decides (default): fine, route = none\n");
}

TEST_CASE("RenderAnswerText: --all shows every decision, --explain the facts behind them",
          "[api][answer]") {
  loket::AnswerOptions options;
  options.all = true;
  const std::string all = loket::RenderAnswerText(Sheet(), options);
  CHECK(all.find("  exempt = false  (default, no rule decides)\n") != std::string::npos);
  CHECK(all.find("  loan = false\n      by wi.no_loan (national): Wet inburgering 2021, art. 20 "
                 "lid 2\n         note: ask DUO\n") != std::string::npos);
  CHECK(all.find("Does not apply") == std::string::npos);
  CHECK(all.find("in_scope") == std::string::npos);  // no conditions without --explain

  options.all = false;
  options.explain = true;  // implies --all
  const std::string explained = loket::RenderAnswerText(Sheet(), options);
  CHECK(explained.find("  exempt = false  (default, no rule decides)\n") != std::string::npos);
  // The let is expanded down to the facts, a level deeper per step.
  CHECK(explained.find("         when in_scope and age >= 16\n"
                       "         read: in_scope = true, age = 30\n"
                       "           in_scope = true  from residence = asylum_fixed, adult = true\n"
                       "             adult = true  from age = 30\n") != std::string::npos);
}

TEST_CASE("RenderAnswerText: a derived value is expanded once per decision", "[api][answer]") {
  loket::Explanation ex = Sheet();
  // A second rule deciding the duty reads the same let: referred to, not expanded again.
  ex.decisions[0].winners.push_back(
      Winner(Rule("wi.duty2", "Test"), {Read("in_scope", "let", "true")}));
  loket::AnswerOptions options;
  options.explain = true;
  const std::string text = loket::RenderAnswerText(ex, options);
  const std::string expansion = "in_scope = true  from";
  const std::size_t first = text.find(expansion);
  REQUIRE(first != std::string::npos);
  CHECK(text.find(expansion, first + 1) == std::string::npos);
  CHECK(text.find("      by wi.duty2 (national): Test\n         read: in_scope = true\n") !=
        std::string::npos);

  const nlohmann::json json = nlohmann::json::parse(loket::RenderAnswerJson(ex));
  const nlohmann::json& rules = json["details"][0]["rules"];
  CHECK(rules[0]["reads"][0]["from"][1]["from"][0]["name"] == "age");
  CHECK(rules[1]["reads"][0]["expanded_above"] == true);
  CHECK_FALSE(rules[1]["reads"][0].contains("from"));
}

TEST_CASE("RenderAnswerText: the line of what does not apply wraps for reading", "[api][answer]") {
  loket::Explanation ex;
  ex.jurisdiction = "national";
  ex.date = "2025-06-01";
  for (int i = 0; i < 12; ++i) {
    ex.decisions.push_back(Decision("a_rather_long_decision_" + std::to_string(i), "false",
                                    loket::AnswerStatus::kDefaultWithoutBasis, "d", "Domein"));
  }
  const std::string text = loket::RenderAnswerText(ex);
  std::istringstream lines(text);
  std::string line;
  int continued = 0;
  while (std::getline(lines, line)) {
    CHECK(line.size() <= 100);
    if (line.rfind("    a_rather_long_decision_", 0) == 0) ++continued;
  }
  CHECK(continued >= 2);
  CHECK(text.find("a_rather_long_decision_11\n") != std::string::npos);
}

TEST_CASE("RenderAnswerJson: every decision with status, rules, notes, candidates",
          "[api][answer]") {
  loket::Explanation ex = Sheet();
  loket::WhyNotExplanation why;
  why.rule = Rule("wi.exempt", "Wet inburgering 2021, art. 4", {"DUO decides"});
  why.reason = loket::WhyNotExplanation::Reason::kConditionFalse;
  why.failed_part = "in_scope";
  why.reads = {Read("in_scope", "let", "false")};
  ex.decisions[1].candidates.push_back(why);
  const nlohmann::json json = nlohmann::json::parse(loket::RenderAnswerJson(ex));
  CHECK(json["jurisdiction"] == "westland");
  CHECK(json["decisions"]["integration_duty"] == true);
  const nlohmann::json& details = json["details"];
  REQUIRE(details.size() == 5);
  CHECK(details[0]["status"] == "decided");
  CHECK(details[0]["domain_title"] == "Inburgering");
  CHECK(details[0]["rules"][0]["citation"] == "Wet inburgering 2021, art. 3 lid 1");
  CHECK(details[0]["rules"][0]["notes"] == nlohmann::json::array({"DUO decides the exemption"}));
  CHECK(details[0]["rules"][0]["condition"] == "in_scope and age >= 16");
  CHECK(details[1]["status"] == "default_without_basis");
  CHECK(details[1]["candidates"][0]["rule"]["id"] == "wi.exempt");
  CHECK(details[1]["candidates"][0]["reason"] == "condition false");
  CHECK(details[1]["candidates"][0]["failed_part"] == "in_scope");
  CHECK(details[1]["candidates"][0]["reads"][0]["from"][0]["name"] == "residence");
  CHECK(details[2]["status"] == "default_with_basis");
  CHECK(details[2]["rules"][0]["notes"] == nlohmann::json::array({"ask DUO"}));
  CHECK(json["errors"] == nlohmann::json::array());
}

TEST_CASE("RenderRunErrorJson and RenderInvalidCaseJson", "[api][answer]") {
  const std::string line = loket::RenderRunErrorJson("usage", "no case given");
  CHECK(line.find('\n') == std::string::npos);
  const nlohmann::json error = nlohmann::json::parse(line);
  CHECK(error ==
        nlohmann::json::parse(
            R"({"errors": [{"code": "usage", "severity": "error", "message": "no case given"}]})"));

  loket::Diagnostic missing;
  missing.code = "L605";
  missing.message = "missing fact `age`";
  const nlohmann::json invalid =
      nlohmann::json::parse(loket::RenderInvalidCaseJson("westland", "2025-06-01", {missing}));
  CHECK(invalid["decisions"] == nlohmann::json::object());
  CHECK(invalid["errors"][0]["code"] == "L605");
}

TEST_CASE("RenderAnswerText: a long set is wrapped member by member", "[api][answer]") {
  loket::Explanation ex;
  ex.jurisdiction = "westland";
  ex.date = "2025-06-01";
  auto referrals = Decision("referrals",
                            "{duo_voluntary_loan, brp_registration, voluntary_dutch_lessons, "
                            "welcome_meeting, short_stay_housing, tenant_protection}",
                            loket::AnswerStatus::kDecided, "referrals", "Doorverwijzingen");
  referrals.winners.push_back(Winner(Rule("ref.brp", "Wet BRP, art. 2.38 lid 1"), {}));
  ex.decisions.push_back(referrals);
  CHECK(loket::RenderAnswerText(ex) ==
        "Decisions for westland on 2025-06-01\n"
        "\n"
        "Doorverwijzingen [referrals]\n"
        "  referrals = {duo_voluntary_loan, brp_registration, voluntary_dutch_lessons, "
        "welcome_meeting,\n"
        "    short_stay_housing, tenant_protection}\n"
        "      by ref.brp (national): Wet BRP, art. 2.38 lid 1\n");
}

TEST_CASE("RenderAnswerText: a long note is wrapped under itself", "[api][answer]") {
  loket::Explanation ex;
  ex.jurisdiction = "national";
  ex.date = "2025-06-01";
  auto duty = Decision("integration_duty", "true", loket::AnswerStatus::kDecided, "integration",
                       "Inburgering");
  duty.winners.push_back(
      Winner(Rule("wi.duty", "Wet inburgering 2021, art. 3 lid 1",
                  {"Only lawful residence under Vw 2000 art. 8 sub a or c creates the duty; no "
                   "lawful stay, an asylum procedure or temporary protection does not."}),
             {}));
  ex.decisions.push_back(duty);
  CHECK(loket::RenderAnswerText(ex) ==
        "Decisions for national on 2025-06-01\n"
        "\n"
        "Inburgering [integration]\n"
        "  integration_duty = true\n"
        "      by wi.duty (national): Wet inburgering 2021, art. 3 lid 1\n"
        "         note: Only lawful residence under Vw 2000 art. 8 sub a or c creates the duty; "
        "no lawful\n"
        "               stay, an asylum procedure or temporary protection does not.\n");
}

TEST_CASE("JsonString: one escaper for every JSON writer, always valid JSON", "[api]") {
  CHECK(loket::JsonString("a\"b\\c\n\r\t\x01") == "\"a\\\"b\\\\c\\n\\r\\t\\u0001\"");
  // Valid UTF-8 is kept; a stray continuation byte, an overlong form, a surrogate and a cut
  // sequence each become U+FFFD as an escape.
  CHECK(loket::JsonString("\xE2\x82\xAC") == "\"\xE2\x82\xAC\"");
  CHECK(loket::JsonString("\x80") == "\"\\ufffd\"");
  CHECK(loket::JsonString("\xC0\xAF") == "\"\\ufffd\\ufffd\"");
  CHECK(loket::JsonString("\xED\xA0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");
  CHECK(loket::JsonString("x\xE2\x82") == "\"x\\ufffd\\ufffd\"");
  std::string appended = "[";
  loket::AppendJsonString(appended, "é");
  CHECK(appended == "[\"é\"");
  CHECK(nlohmann::json::parse(loket::JsonString("\xFF\xFE")) == "\xEF\xBF\xBD\xEF\xBF\xBD");
}
