// Citations that resolve to the law (docs/language.md, "Citations"): the links to the
// official text on a date, the sources a compiled program gives per rule, and `loket doc`.
#include <string>

#include <catch2/catch.hpp>

#include "loket/loket.h"
#include "loket/overview.h"

namespace loket {
namespace {

Date On(const char* iso) {
  return *Date::Parse(iso);
}

CitationInfo Bwb(const char* article, const char* lid = "", const char* sub = "") {
  CitationInfo c;
  c.registry = "bwb";
  c.identifier = "BWBR0044770";
  c.article = article;
  c.paragraph = lid;
  c.sub = sub;
  return c;
}

const char* kRules = R"L(layer national "Nederland"
law wi2021 "Wet inburgering 2021" bwb BWBR0044770
law woonurgentie "Uitvoeringsregels woonurgentie Amstelveen 2024" cvdr CVDR718456
law gemeentewet "Gemeentewet"
fact age: int in 0..130
decision duty: bool default false
decision exempt: bool default false applies when duty
rule wi.exempt "test"
  when duty and age >= 67
  then exempt = true
rule wi.duty [wi2021 art 3 lid 2 sub c; woonurgentie art 4; gemeentewet art 108; "Beleid (test)"]
  when age >= 16
  then duty = true
rule wi.old "Wet inburgering 2021, art. 3"
  when age >= 99
  then duty = true
)L";

RuleBase Load() {
  LoadOptions options;
  options.analyze_conflicts = false;
  RuleBase rules = RuleBase::FromSources({{"national.loket", kRules}}, options);
  REQUIRE_FALSE(rules.has_errors());
  return rules;
}

}  // namespace

TEST_CASE("CitationLink: jci links valid on the date, CVDR pages, nothing without an id",
          "[api][citation]") {
  CHECK(CitationLink(Bwb("3", "2", "c"), On("2025-06-01")) ==
        "https://wetten.overheid.nl/jci1.3:c:BWBR0044770&artikel=3&lid=2&o=c&g=2025-06-01");
  CHECK(CitationLink(Bwb("2.38"), On("2026-07-01")) ==
        "https://wetten.overheid.nl/jci1.3:c:BWBR0044770&artikel=2.38&g=2026-07-01");
  CHECK(CitationLink(Bwb(""), On("2025-06-01")) ==
        "https://wetten.overheid.nl/jci1.3:c:BWBR0044770&g=2025-06-01");  // the law as a whole
  CHECK(CitationLink(Bwb("4 a"), On("2025-06-01")) ==
        "https://wetten.overheid.nl/jci1.3:c:BWBR0044770&artikel=4%20a&g=2025-06-01");
  CitationInfo cvdr;
  cvdr.registry = "cvdr";
  cvdr.identifier = "CVDR718456";
  cvdr.article = "4";
  CHECK(CitationLink(cvdr, On("2025-06-01")) == "https://lokaleregelgeving.overheid.nl/CVDR718456");
  CitationInfo text;
  text.text = "Gemeentewet, art. 108";
  CHECK(CitationLink(text, On("2025-06-01")).empty());
}

TEST_CASE("a compiled program gives each rule's sources, old citation strings as free text",
          "[api][citation]") {
  RuleBase rules = Load();
  Result<Program> program = rules.Compile("national");
  REQUIRE(program.ok());
  const RuleInfo& duty = program->rules()[static_cast<std::size_t>(program->RuleIndex("wi.duty"))];
  CHECK(duty.citation ==
        "Wet inburgering 2021, art. 3 lid 2 sub c; Uitvoeringsregels woonurgentie Amstelveen "
        "2024, art. 4; Gemeentewet, art. 108; Beleid (test)");
  REQUIRE(duty.citations.size() == 4);
  CHECK(duty.citations[0].text == "Wet inburgering 2021, art. 3 lid 2 sub c");
  CHECK(duty.citations[0].law == "wi2021");
  CHECK(duty.citations[0].identifier == "BWBR0044770");
  CHECK(duty.citations[0].article == "3");
  CHECK(duty.citations[0].paragraph == "2");
  CHECK(duty.citations[0].sub == "c");
  CHECK(duty.citations[1].registry == "cvdr");
  CHECK(duty.citations[2].identifier.empty());  // Gemeentewet: no identifier declared
  CHECK(CitationLink(duty.citations[2], On("2025-06-01")).empty());
  CHECK(duty.citations[3].law.empty());
  CHECK(duty.citations[3].text == "Beleid (test)");
  const RuleInfo& old = program->rules()[static_cast<std::size_t>(program->RuleIndex("wi.old"))];
  REQUIRE(old.citations.size() == 1);
  CHECK(old.citations[0].text == "Wet inburgering 2021, art. 3");
  CHECK(old.citations[0].identifier.empty());
  // The deciding rules of an outcome carry the same sources.
  Case facts = program->NewCase();
  std::vector<Diagnostic> errors;
  REQUIRE(program->ParseJson(R"({"age": 30})", facts, errors));
  Outcome out;
  program->Evaluate(facts, On("2025-06-01"), out);
  std::vector<RuleRefInfo> winners = out.winners(program->DecisionIndex("duty"));
  REQUIRE(winners.size() == 1);
  REQUIRE(winners[0].citations.size() == 4);
  CHECK(CitationLink(winners[0].citations[0], On("2025-06-01")) ==
        "https://wetten.overheid.nl/jci1.3:c:BWBR0044770&artikel=3&lid=2&o=c&g=2025-06-01");
}

TEST_CASE("loket doc links each source to its official text on the overview's date",
          "[api][citation]") {
  RuleBase rules = Load();
  Result<Overview> overview = BuildOverview(rules, "national", On("2024-03-01"));
  REQUIRE(overview.ok());
  std::string md = RenderOverviewMarkdown(*overview);
  CHECK(md.find("[Wet inburgering 2021, art. 3 lid 2 sub c](https://wetten.overheid.nl/"
                "jci1.3:c:BWBR0044770&artikel=3&lid=2&o=c&g=2024-03-01)") != std::string::npos);
  CHECK(md.find("[Uitvoeringsregels woonurgentie Amstelveen 2024, art. 4](https://"
                "lokaleregelgeving.overheid.nl/CVDR718456)") != std::string::npos);
  CHECK(md.find("; Gemeentewet, art. 108; Beleid (test)") != std::string::npos);
  CHECK(md.find("Applies only when `duty`.") != std::string::npos);
  std::string html = RenderOverviewHtml(*overview);
  CHECK(
      html.find("<a href=\"https://wetten.overheid.nl/jci1.3:c:BWBR0044770&amp;artikel=3&amp;"
                "lid=2&amp;o=c&amp;g=2024-03-01\">Wet inburgering 2021, art. 3 lid 2 sub c</a>") !=
      std::string::npos);
}

}  // namespace loket
