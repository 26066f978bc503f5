// Diagnostics as data: built from the registry, carrying what they are about and, for
// findings, the witness replay as structs, so no caller reads it back out of the message.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "loket/diagnostic.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "loket/testing.h"

namespace {

const char* kSupport = R"L(layer national "Nederland"
enum Permit { work, study }
fact income: money in €0..€100000 "monthly income"
fact age: int in 0..130 "age"
fact permit: Permit optional "residence permit"
decision support: bool default false "support"
decision level: int "level"
rule r.low "Wet X, art. 1"
  when income < €2000
  then support = true
rule r.young "Wet X, art. 2"
  when age < 30
  then support = false
rule r.level "Wet X, art. 3"
  when age >= 65
  then level = 1
)L";

loket::RuleBase Load(bool analyze) {
  loket::LoadOptions options;
  options.analyze_conflicts = analyze;
  return loket::RuleBase::FromSources({{"national.loket", kSupport}}, options);
}

}  // namespace

TEST_CASE("Diagnostics: built from a kind, with the registry's code, name and severity",
          "[api][diag]") {
  using loket::diag::Kind;
  for (const loket::diag::KindInfo& info : loket::diag::AllKinds()) {
    loket::Diagnostic d = loket::diag::MakePublic(info.kind, "message", "subject");
    CHECK(d.code == info.code);
    CHECK(d.kind == info.name);
    CHECK(std::string(loket::SeverityName(d.severity)) ==
          std::string(loket::diag::SeverityName(info.severity)));
    CHECK(d.subject == "subject");
    CHECK(loket::diag::KindOfCode(info.code) == info.kind);
  }
  CHECK_FALSE(loket::diag::KindOfCode("L999"));
  CHECK_FALSE(loket::diag::KindOfCode("X101"));
  CHECK_FALSE(loket::diag::KindOfCode("L1"));
  loket::Diagnostic closed = loket::diag::MakePublic(Kind::kNoCompetenceClosed, "");
  CHECK(loket::IsCompetenceError(closed));
  CHECK_FALSE(loket::IsCompetenceError(loket::diag::MakePublic(Kind::kUnknownName, "")));
}

TEST_CASE("Diagnostics: case and evaluation errors name their fact or decision", "[api][diag]") {
  loket::RuleBase rules = Load(false);
  REQUIRE_FALSE(rules.has_errors());
  auto program = rules.Compile("national");
  REQUIRE(program.ok());
  loket::Case facts = program->NewCase();
  std::vector<loket::Diagnostic> errors;
  CHECK_FALSE(program->ParseJson(R"({"income": "lots", "age": 40})", facts, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "L602");
  CHECK(errors[0].subject == "income");

  errors.clear();
  REQUIRE(program->ParseJson(R"({"income": 5000, "age": 40})", facts, errors));
  loket::Outcome outcome;
  program->Evaluate(facts, *loket::Date::Parse("2025-01-01"), outcome);
  std::vector<loket::Diagnostic> evaluation = outcome.errors();
  REQUIRE(evaluation.size() == 1);
  CHECK(evaluation[0].code == "L608");
  CHECK(evaluation[0].kind == "EvalGap");
  CHECK(evaluation[0].subject == "level");
}

TEST_CASE("Diagnostics: a finding's witness replay comes as data, line by line", "[api][diag]") {
  loket::RuleBase rules = Load(true);
  const loket::Diagnostic* ambiguity = nullptr;
  for (const loket::Diagnostic& d : rules.diagnostics()) {
    if (d.code == "L501") ambiguity = &d;
  }
  REQUIRE(ambiguity != nullptr);
  REQUIRE_FALSE(ambiguity->witnesses.empty());
  const loket::Witness& witness = ambiguity->witnesses.front();
  REQUIRE_FALSE(witness.replay_lines.empty());
  std::string text;
  for (const loket::ReplayLine& line : witness.replay_lines) text += line.text + "\n";
  CHECK(text == witness.replay);
  const loket::ReplayLine& support = witness.replay_lines.front();
  CHECK(support.decision == "support");
  CHECK(support.status == "conflict");
  CHECK_FALSE(support.decided);
  CHECK(support.error_code == "L609");
  CHECK(support.rules == std::vector<std::string>{"national.r.low", "national.r.young"});
}

TEST_CASE("Diagnostics: a case error says whether the key or the value given is at fault",
          "[api][diag]") {
  loket::RuleBase rules = Load(false);
  REQUIRE_FALSE(rules.has_errors());
  auto program = rules.Compile("national");
  REQUIRE(program.ok());
  loket::Case facts = program->NewCase();
  std::vector<loket::Diagnostic> errors;
  CHECK_FALSE(program->ParseJson(R"({"income": "lots", "age": 131, "permit": "wrk", "agee": 3})",
                                 facts, errors));
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].code == "L602");
  CHECK(errors[0].value_at_fault);
  CHECK(errors[0].given.empty());
  CHECK(errors[1].code == "L603");
  CHECK(errors[1].subject == "age");
  CHECK(errors[1].value_at_fault);
  CHECK(errors[2].code == "L604");
  CHECK(errors[2].subject == "permit");
  CHECK(errors[2].value_at_fault);
  CHECK(errors[2].given == "wrk");
  CHECK(errors[3].code == "L601");
  CHECK(errors[3].subject == "agee");
  CHECK_FALSE(errors[3].value_at_fault);
  CHECK(errors[3].given.empty());
}

TEST_CASE("Diagnostics: rule-test failures and coverage warnings are told by predicate",
          "[api][diag]") {
  using loket::diag::Kind;
  CHECK(loket::IsTestFailure(loket::diag::MakePublic(Kind::kTestFailed, "")));
  CHECK_FALSE(loket::IsTestFailure(loket::diag::MakePublic(Kind::kUncoveredRule, "")));
  CHECK(loket::IsUncoveredRule(loket::diag::MakePublic(Kind::kUncoveredRule, "")));
  CHECK_FALSE(loket::IsUncoveredRule(loket::diag::MakePublic(Kind::kTestFailed, "")));
  CHECK_FALSE(loket::IsUncoveredRule(loket::diag::MakePublic(Kind::kMalformedTestSuite, "")));
}

TEST_CASE("Diagnostics: the JSON form carries the subject and the replay lines", "[api][diag]") {
  loket::RuleBase rules = Load(true);
  std::vector<loket::Diagnostic> ambiguities;
  for (const loket::Diagnostic& d : rules.diagnostics()) {
    if (d.code == "L501") ambiguities.push_back(d);
  }
  REQUIRE(ambiguities.size() == 1);
  const loket::Witness& witness = ambiguities[0].witnesses.front();
  nlohmann::json finding = nlohmann::json::parse(loket::RenderJson(ambiguities))[0];
  const nlohmann::json& shown = finding["witnesses"][0];
  CHECK(shown["facts_read"] == witness.facts_read_yaml);
  REQUIRE(shown["replay_lines"].size() == witness.replay_lines.size());
  const nlohmann::json& support = shown["replay_lines"][0];
  CHECK(support["decision"] == "support");
  CHECK(support["status"] == "conflict");
  CHECK(support["decided"] == false);
  CHECK(support["value"] == witness.replay_lines[0].value);
  CHECK(support["rules"] == nlohmann::json::array({"national.r.low", "national.r.young"}));
  CHECK(support["error_code"] == "L609");
  CHECK(support["text"] == witness.replay_lines[0].text);
  CHECK(finding["subject"] == "");
  CHECK(finding["value_at_fault"] == false);

  loket::RuleBase unchecked = Load(false);
  auto program = unchecked.Compile("national");
  REQUIRE(program.ok());
  loket::Case facts = program->NewCase();
  std::vector<loket::Diagnostic> errors;
  CHECK_FALSE(program->ParseJson(R"({"income": 5000, "age": 40, "permit": "wrk"})", facts, errors));
  REQUIRE(errors.size() == 1);
  nlohmann::json error = nlohmann::json::parse(loket::RenderJson(errors))[0];
  CHECK(error["code"] == "L604");
  CHECK(error["subject"] == "permit");
  CHECK(error["value_at_fault"] == true);
  CHECK(error["given"] == "wrk");
}

TEST_CASE("Diagnostics: a front end's \"did you mean\" is the checker's", "[api][diag]") {
  const std::vector<std::string> commands = {"check", "eval", "test", "diff", "serve"};
  CHECK(loket::ClosestName("chek", commands) == "check");
  CHECK(loket::ClosestName("serv", commands) == "serve");
  CHECK(loket::ClosestName("frobnicate", commands).empty());
  for (const std::string& name : {"chek", "tset", "evl", "dif", "xyz"}) {
    CHECK(loket::ClosestName(name, commands) == loket::diag::ClosestName(name, commands));
  }
}
