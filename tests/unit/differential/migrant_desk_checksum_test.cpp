// The migrant-desk benchmark workload (docs/benchmarks.md) through loket:
// examples/bench/migrant-desk must print the same CHECKSUM line as the shared benchmark's
// hand-written C++ reference. The expected line for 2000 cases, seed 42, was printed once by
// that reference (`reference.sh 2000 42`) and is committed in
// tests/bench/migrant-desk-2000-42.checksum (also read by bench.migrant_desk.checksum).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../../../bench/migrant_desk_workload.h"
#include "api/rule_base_impl.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "reference_interpreter.h"

namespace loket::difftest {
namespace {

std::string Expected2000() {
  std::ifstream in(std::string(LOKET_SOURCE_DIR) + "/tests/bench/migrant-desk-2000-42.checksum");
  std::string line;
  std::getline(in, line);
  REQUIRE(line.rfind("CHECKSUM n=2000 ", 0) == 0);
  return line;
}

// The workload has no dates; any reference date gives the same decisions.
constexpr const char* kDate = "2025-01-01";

RuleBase LoadMigrantDesk() {
  LoadOptions options;
  options.analyze_conflicts = false;
  Result<RuleBase> loaded = RuleBase::LoadFiles(
      {std::string(LOKET_SOURCE_DIR) + "/examples/bench/migrant-desk"}, options);
  REQUIRE(loaded.ok());
  std::ostringstream text;
  RenderText(text, loaded->diagnostics());
  INFO(text.str());
  REQUIRE_FALSE(loaded->has_errors());
  return std::move(loaded).value();
}

TEST_CASE("Migrant desk: the C++ generator port writes gen/generate.js's first records",
          "[differential][bench]") {
  std::vector<workload::WorkloadCase> cases = workload::GenerateCases(2, 42);
  // The first two lines of `node gen/generate.js 2 42`.
  CHECK(workload::ToJson(cases[0]) ==
        R"({"id":0,"category":"asylum_status_holder","age":40,"eu_citizen":false,)"
        R"("turkish_national":false,"months_in_nl":21,"permit":"asylum_temporary",)"
        R"("has_children_under_18":true,"children_count":6,"municipality":"amstelveen",)"
        R"("income_monthly":8821,"completed_dutch_education":false,"medical_exemption":false})");
  CHECK(workload::ToJson(cases[1]) ==
        R"({"id":1,"category":"labour_eu","age":45,"eu_citizen":true,)"
        R"("turkish_national":false,"months_in_nl":0,"permit":"eu_registration",)"
        R"("has_children_under_18":false,"children_count":0,"municipality":"amstelveen",)"
        R"("income_monthly":617,"completed_dutch_education":false,"medical_exemption":false})");
}

TEST_CASE("Migrant desk: loket prints the reference CHECKSUM for 2000 cases",
          "[differential][bench]") {
  RuleBase rule_base = LoadMigrantDesk();
  std::vector<Program> programs;
  for (const char* municipality : workload::kMunicipalities) {
    Result<Program> program = rule_base.Compile(municipality);
    REQUIRE(program.ok());
    programs.push_back(*program);
  }
  const workload::DecisionIndexes decisions(programs[0]);
  REQUIRE(decisions.ok());

  workload::Checksum checksum;
  Outcome outcome;
  const Date date = *Date::Parse(kDate);
  std::vector<Case> cases;
  for (const Program& program : programs) cases.push_back(program.NewCase());
  for (const workload::WorkloadCase& c : workload::GenerateCases(2000, 42)) {
    // The municipality picks the jurisdiction, as `loket eval --jurisdiction-field` does.
    const std::size_t m = static_cast<std::size_t>(c.municipality);
    std::vector<Diagnostic> errors;
    const std::string json = workload::ToJson(c, /*with_municipality=*/false);
    INFO(json);
    REQUIRE(programs[m].ParseJson(json, cases[m], errors));
    programs[m].Evaluate(cases[m], date, outcome);
    REQUIRE(outcome.ok());
    checksum.Add(workload::DecisionCode(outcome, decisions));
  }
  CHECK(checksum.Line() == Expected2000());
}

// The reference interpreter on its own against the hand-written reference: this checks the
// rule base encoding and the interpreter independently of the compiled evaluator.
TEST_CASE("Migrant desk: the reference interpreter prints the reference CHECKSUM",
          "[differential][bench]") {
  RuleBase rule_base = LoadMigrantDesk();
  const sema::Model& model = *internal::RuleBaseAccess::Impl(rule_base).model;
  std::vector<ReferenceInterpreter> interpreters;
  for (const char* municipality : workload::kMunicipalities) {
    const sema::Layer* layer = model.FindLayer(municipality);
    REQUIRE(layer != nullptr);
    interpreters.emplace_back(model, *layer);
  }
  const sema::Layer& national = *model.FindLayer("national");
  const auto enum_index = [&](const char* enum_name, const char* member) {
    for (const ast::EnumDecl* e : national.enums) {
      if (e->name != enum_name) continue;
      for (std::size_t i = 0; i < e->members.size(); ++i) {
        if (e->members[i].name == member) return std::int64_t(i);
      }
    }
    FAIL("no member " << member << " in " << enum_name);
    return std::int64_t(-1);
  };
  const auto boolean = [](bool b) { return RefValue::Bool(b); };
  const auto integer = [](int i) { return RefValue::Of(ast::TypeKind::kInt, i); };

  workload::Checksum checksum;
  for (const workload::WorkloadCase& c : workload::GenerateCases(2000, 42)) {
    RefCase facts;
    facts["id"] = integer(c.id);
    facts["category"] = RefValue::Of(ast::TypeKind::kEnum,
                                     enum_index("Category", workload::kCategories[c.category]));
    facts["age"] = integer(c.age);
    facts["eu_citizen"] = boolean(c.eu_citizen);
    facts["turkish_national"] = boolean(c.turkish_national);
    facts["months_in_nl"] = integer(c.months_in_nl);
    facts["permit"] =
        RefValue::Of(ast::TypeKind::kEnum, enum_index("Permit", workload::kPermits[c.permit]));
    facts["has_children_under_18"] = boolean(c.has_children_under_18);
    facts["children_count"] = integer(c.children_count);
    facts["income_monthly"] = integer(c.income_monthly);
    facts["completed_dutch_education"] = boolean(c.completed_dutch_education);
    facts["medical_exemption"] = boolean(c.medical_exemption);

    RefOutcome outcome =
        interpreters[std::size_t(c.municipality)].Evaluate(facts, *support::ParseIsoDate(kDate));
    REQUIRE(outcome.case_error.empty());
    for (const auto& [name, decision] : outcome.decisions) {
      INFO(name << " " << decision.error_code);
      REQUIRE(decision.value.has_value());
    }
    std::uint32_t code = std::uint32_t(outcome.decisions["integration_duty"].value->number) |
                         std::uint32_t(outcome.decisions["route"].value->number) << 1 |
                         std::uint32_t(outcome.decisions["school_duty_children"].value->number)
                             << 3;
    for (int k : outcome.decisions["referrals"].value->members) code |= 1u << (4 + k);
    checksum.Add(code);
  }
  CHECK(checksum.Line() == Expected2000());
}

}  // namespace
}  // namespace loket::difftest
