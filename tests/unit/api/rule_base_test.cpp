#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "api/rule_base_impl.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"

namespace {

const char* kNational = R"(layer national "Nederland"

enum Residence "residence status" {
  asylum_fixed "asylum permit for a fixed period",
  none "no lawful stay"
}

fact age: int in 0..130 "age in full years"
fact residence: Residence "residence status"

domain integration "Inburgering" {
  decision integration_duty: bool default false closed "obliged to integrate"
}

rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when age >= 16 and residence == asylum_fixed
  then integration_duty = true
)";

const char* kWestland =
    "layer municipality westland \"Gemeente Westland\" under national code GM1783\n";

loket::LoadOptions NoAnalysis() {
  loket::LoadOptions options;
  options.analyze_conflicts = false;
  return options;
}

}  // namespace

TEST_CASE("RuleBase: a clean rule base from sources, with stats and layers", "[api]") {
  loket::RuleBase rules = loket::RuleBase::FromSources(
      {{"national.loket", kNational}, {"westland.loket", kWestland}}, NoAnalysis());
  CHECK_FALSE(rules.has_errors());
  CHECK(rules.diagnostics().empty());
  loket::RuleBaseStats stats = rules.stats();
  CHECK(stats.files == 2);
  CHECK(stats.layers == 2);
  CHECK(stats.rules == 1);
  CHECK(stats.decisions == 1);
  CHECK(stats.facts == 2);
  CHECK(stats.errors == 0);

  std::vector<loket::LayerInfo> layers = rules.layers();
  REQUIRE(layers.size() == 2);
  CHECK(layers[0].name == "national");
  CHECK(layers[0].parent.empty());
  CHECK_FALSE(layers[0].is_leaf);
  CHECK(layers[1].name == "westland");
  CHECK(layers[1].kind == "municipality");
  CHECK(layers[1].title == "Gemeente Westland");
  CHECK(layers[1].parent == "national");
  CHECK(layers[1].code == "GM1783");
  CHECK(layers[1].is_leaf);
}

TEST_CASE("RuleBase: Compile a jurisdiction and decide a case through it", "[api]") {
  loket::RuleBase rules = loket::RuleBase::FromSources(
      {{"national.loket", kNational}, {"westland.loket", kWestland}}, NoAnalysis());
  loket::Result<loket::Program> program = rules.Compile("westland");
  REQUIRE(program.ok());
  CHECK(program->jurisdiction() == "westland");
  loket::Case facts = program->NewCase();
  std::vector<loket::Diagnostic> errors;
  REQUIRE(program->ParseJson(R"({"age": 30, "residence": "asylum_fixed"})", facts, errors));
  loket::Outcome outcome;
  program->Evaluate(facts, *loket::Date::Parse("2025-03-01"), outcome);
  REQUIRE(outcome.ok());
  CHECK(outcome.value(outcome.FindDecision("integration_duty")).AsBool());
}

TEST_CASE("RuleBase: Compile of an unknown layer suggests the closest name", "[api]") {
  loket::RuleBase rules = loket::RuleBase::FromSources(
      {{"national.loket", kNational}, {"westland.loket", kWestland}}, NoAnalysis());
  loket::Result<loket::Program> program = rules.Compile("westlnd");
  REQUIRE_FALSE(program.ok());
  CHECK(program.status().code() == loket::StatusCode::kNotFound);
  CHECK(program.status().message() == "no layer named `westlnd`; did you mean `westland`?");
}

TEST_CASE("RuleBase: Compile takes a layer by its CBS code or its name in any case", "[api]") {
  loket::RuleBase rules = loket::RuleBase::FromSources(
      {{"national.loket", kNational}, {"westland.loket", kWestland}}, NoAnalysis());
  for (const char* given : {"GM1783", "gm1783", "WestLand", "NATIONAL"}) {
    loket::Result<loket::Program> program = rules.Compile(given);
    INFO(given);
    REQUIRE(program.ok());
    CHECK(program->jurisdiction() == (given[0] == 'N' ? "national" : "westland"));
  }
  CHECK_FALSE(rules.Compile("GM1784").ok());
}

TEST_CASE("RuleBase: errors are diagnostics with positions, and block Compile", "[api]") {
  std::string typo = kNational;
  typo.replace(typo.find("when age"), 8, "when agee");
  loket::RuleBase rules =
      loket::RuleBase::FromSources({{"rules/national.loket", typo}}, NoAnalysis());
  REQUIRE(rules.has_errors());
  REQUIRE(rules.diagnostics().size() == 1);
  const loket::Diagnostic& d = rules.diagnostics()[0];
  CHECK(d.code == "L201");
  CHECK(d.kind == "UnknownName");
  CHECK(d.severity == loket::Severity::kError);
  CHECK(d.location.path == "rules/national.loket");
  CHECK(d.location.line == 16);
  CHECK(d.location.column == 8);
  CHECK(d.location.end_line == 16);
  CHECK(d.location.end_column == 12);
  CHECK(d.location.source_line == "  when agee >= 16 and residence == asylum_fixed");
  CHECK(rules.stats().errors == 1);

  loket::Result<loket::Program> program = rules.Compile("national");
  REQUIRE_FALSE(program.ok());
  CHECK(program.status().code() == loket::StatusCode::kInvalidArgument);
}

TEST_CASE("RuleBase: diagnostics are sorted by file and position", "[api]") {
  // Two files, each with an error; given in reverse order of their paths' errors.
  std::string first = kNational;
  first.replace(first.find("when age"), 8, "when agee");
  std::string second = kWestland;
  second +=
      "rule ws.x \"Wet inburgering 2021, art. 16\"\n  when resdence == none\n"
      "  then integration_duty = true\n";
  loket::RuleBase rules = loket::RuleBase::FromSources(
      {{"a/national.loket", first}, {"b/westland.loket", second}}, NoAnalysis());
  const std::vector<loket::Diagnostic>& diagnostics = rules.diagnostics();
  REQUIRE(diagnostics.size() >= 2);
  for (std::size_t i = 1; i < diagnostics.size(); ++i) {
    const loket::Location& a = diagnostics[i - 1].location;
    const loket::Location& b = diagnostics[i].location;
    CHECK((a.path < b.path || (a.path == b.path && a.line <= b.line)));
  }
  CHECK(diagnostics.front().location.path == "a/national.loket");
  // Loading twice gives the same output.
  loket::RuleBase again = loket::RuleBase::FromSources(
      {{"a/national.loket", first}, {"b/westland.loket", second}}, NoAnalysis());
  REQUIRE(again.diagnostics().size() == diagnostics.size());
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    CHECK(loket::RenderText(again.diagnostics()[i]) == loket::RenderText(diagnostics[i]));
  }
}

TEST_CASE("RuleBase: LoadFiles reports missing paths and empty folders as Status", "[api]") {
  auto missing = loket::RuleBase::LoadFiles({LOKET_SOURCE_DIR "/tests/cli/fixtures/nowhere"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == loket::StatusCode::kNotFound);
  CHECK(missing.status().message().find("nowhere") != std::string::npos);

  auto empty = loket::RuleBase::LoadFiles({LOKET_SOURCE_DIR "/tests/cli/fixtures/empty_dir"});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().code() == loket::StatusCode::kNotFound);

  auto nothing = loket::RuleBase::LoadFiles({});
  REQUIRE_FALSE(nothing.ok());
  CHECK(nothing.status().code() == loket::StatusCode::kInvalidArgument);
}

TEST_CASE("RuleBase: LoadFiles searches folders recursively in sorted order", "[api]") {
  auto loaded =
      loket::RuleBase::LoadFiles({LOKET_SOURCE_DIR "/tests/cli/fixtures/desk"}, NoAnalysis());
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded->has_errors());
  CHECK(loaded->stats().files == 2);
  CHECK(loaded->stats().layers == 2);
  // The same file named twice (directly and through its folder) is loaded once.
  auto twice =
      loket::RuleBase::LoadFiles({LOKET_SOURCE_DIR "/tests/cli/fixtures/desk",
                                  LOKET_SOURCE_DIR "/tests/cli/fixtures/desk/national.loket"},
                                 NoAnalysis());
  REQUIRE(twice.ok());
  CHECK(twice->stats().files == 2);
  CHECK_FALSE(twice->has_errors());
}

TEST_CASE("RuleBase: copies share the immutable rule base", "[api]") {
  loket::RuleBase rules =
      loket::RuleBase::FromSources({{"national.loket", kNational}}, NoAnalysis());
  loket::RuleBase copy = rules;
  CHECK(&loket::internal::RuleBaseAccess::Impl(copy) ==
        &loket::internal::RuleBaseAccess::Impl(rules));
  CHECK(copy.stats().rules == 1);
}

TEST_CASE("Version: the project version", "[api]") {
  std::string version = loket::Version();
  CHECK(version.find('.') != std::string::npos);
}
