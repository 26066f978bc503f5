// include/loket/analysis.h: graph export, witness suites and the legal report, through the
// public API on the examples/conflicts rule bases.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <loket/analysis.h>
#include <loket/loket.h>

namespace {

loket::RuleBase Load(const std::string& example) {
  auto rules = loket::RuleBase::LoadFiles(
      {std::string(LOKET_SOURCE_DIR) + "/examples/conflicts/" + example});
  REQUIRE(rules.ok());
  return std::move(rules).value();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("ExportGraph: DOT and JSON, filters, errors", "[analysis][report]") {
  loket::RuleBase rules = Load("ambiguity");
  loket::GraphExportOptions options;
  auto dot = loket::ExportGraph(rules, options);
  REQUIRE(dot.ok());
  CHECK(dot->find("digraph loket") != std::string::npos);
  CHECK(dot->find("color=red") != std::string::npos);  // the L501 finding
  options.mark_findings = false;
  auto plain = loket::ExportGraph(rules, options);
  REQUIRE(plain.ok());
  CHECK(plain->find("color=red") == std::string::npos);

  options.format = loket::GraphFormat::kJson;
  options.jurisdiction = "havenstad";
  auto json = loket::ExportGraph(rules, options);
  REQUIRE(json.ok());
  CHECK(json->find("\"hs.young_intensive\"") != std::string::npos);

  options.jurisdiction = "atlantis";
  auto missing = loket::ExportGraph(rules, options);
  REQUIRE(!missing.ok());
  CHECK(missing.status().code() == loket::StatusCode::kNotFound);
  options.jurisdiction.clear();
  options.decision = "no_such_decision";
  CHECK(loket::ExportGraph(rules, options).status().code() == loket::StatusCode::kNotFound);
}

TEST_CASE("ExportGraph refuses a rule base with name errors", "[analysis][report]") {
  loket::RuleBase rules =
      loket::RuleBase::FromSources({{"n.loket", "layer national \"Nederland\"\nlet x = y\n"}});
  REQUIRE(rules.has_errors());
  auto graph = loket::ExportGraph(rules, {});
  REQUIRE(!graph.ok());
  CHECK(graph.status().code() == loket::StatusCode::kInvalidArgument);
}

TEST_CASE("WriteWitnessSuites writes one suite per jurisdiction", "[analysis][report]") {
  loket::RuleBase rules = Load("statusholder-housing-b1");
  auto dir = std::filesystem::temp_directory_path() / "loket-witness-suite-test";
  std::filesystem::remove_all(dir);
  auto written = loket::WriteWitnessSuites(rules.diagnostics(), dir.string());
  REQUIRE(written.ok());
  // L504 has two witnesses: the municipality's case and the national one.
  REQUIRE(written->size() == 2);
  std::string local = Slurp((dir / "dijkstad.witnesses.yaml").string());
  CHECK(local.find("suite: \"loket check witnesses: dijkstad\"") != std::string::npos);
  CHECK(local.find("jurisdiction: dijkstad") != std::string::npos);
  CHECK(local.find("    facts:\n") != std::string::npos);
  CHECK(local.find("    expect:\n      housing_offer: false") != std::string::npos);
  std::string national = Slurp((dir / "national.witnesses.yaml").string());
  CHECK(national.find("housing_offer: true") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("RenderReport groups by layer and decision, with citations and witnesses",
          "[analysis][report]") {
  loket::RuleBase rules = Load("ambiguity");
  std::string md = loket::RenderReport(rules.diagnostics(), loket::ReportFormat::kMarkdown);
  CHECK(md.find("## havenstad") != std::string::npos);
  CHECK(md.find("### Decision `z_course_hours`") != std::string::npos);
  CHECK(md.find("#### L501 Ambiguity (error)") != std::string::npos);
  CHECK(md.find("Beleidsregels inburgering Havenstad, intensief traject jongeren") !=
        std::string::npos);
  CHECK(md.find("```yaml\ncategory: status_holder") != std::string::npos);
  CHECK(md.find("The evaluator decides:") != std::string::npos);

  std::string html = loket::RenderReport(rules.diagnostics(), loket::ReportFormat::kHtml);
  CHECK(html.find("<h2>havenstad</h2>") != std::string::npos);
  CHECK(html.find("<pre>category: status_holder") != std::string::npos);
  CHECK(html.find("&quot;Beleidsregels") != std::string::npos);  // escaped

  CHECK(loket::RenderReport({}, loket::ReportFormat::kMarkdown).find("No findings.") !=
        std::string::npos);
  auto bad = loket::WriteReport(rules.diagnostics(), "/tmp/report.txt");
  CHECK(bad.code() == loket::StatusCode::kInvalidArgument);
}

TEST_CASE("RenderReport puts a layer's legal findings first and its notes last",
          "[analysis][report]") {
  loket::RuleBase rules = Load("restated-rule");
  std::vector<loket::Diagnostic> findings = rules.diagnostics();
  loket::Diagnostic note;  // an unused-fact note placed first in the input
  note.code = "L403";
  note.kind = "UnusedFact";
  note.severity = loket::Severity::kNote;
  note.message = "fact `shoe_size` is never read";
  note.layer = "polderstad";
  loket::Diagnostic legal;
  legal.code = "L501";
  legal.kind = "Ambiguity";
  legal.severity = loket::Severity::kError;
  legal.message = "two rules decide `z_course_hours` differently";
  legal.layer = "polderstad";
  findings.insert(findings.begin(), note);
  findings.push_back(legal);
  std::string md = loket::RenderReport(findings, loket::ReportFormat::kMarkdown);
  INFO(md);
  std::size_t legal_at = md.find("#### L501");
  std::size_t notes_at = md.find("### Notes");
  REQUIRE(legal_at != std::string::npos);
  REQUIRE(notes_at != std::string::npos);
  CHECK(legal_at < notes_at);
  CHECK(md.find("#### L403") > notes_at);
}
