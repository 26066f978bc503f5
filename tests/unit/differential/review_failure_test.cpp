// Review of docs/language.md §9 *Failure*: cases where the compiled evaluator and the reference
// interpreter disagree (or where one of them departs from the text). Each test compares the
// two on one case with JurisdictionCheck::Compare, as the differential test does, and states
// what the specification says.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "api/rule_base_impl.h"
#include "case_generator.h"
#include "differential_check.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "sema/model.h"
#include "support/date.h"

namespace loket::difftest {
namespace {

struct Run {
  std::string diff;
  DecisionStatus status = DecisionStatus::kNotEvaluated;
};

// Evaluates one national rule base on one case with both implementations.
Run CompareOne(const std::string& text, const RefCase& facts, const std::string& decision) {
  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base = RuleBase::FromSources({{"national.loket", text}}, options);
  REQUIRE_FALSE(rule_base.has_errors());
  const sema::Model& model = *internal::RuleBaseAccess::Impl(rule_base).model;
  const sema::Layer* national = model.FindLayer("national");
  REQUIRE(national != nullptr);
  Result<Program> program = rule_base.Compile("national");
  REQUIRE(program.ok());
  JurisdictionCheck check(model, *national, *program);
  Case loket_case = program->NewCase();
  Outcome outcome;
  GeneratedCase generated;
  generated.date = support::DaysFromCivil({2025, 3, 1});
  generated.facts = facts;
  Run run;
  run.diff = check.Compare(generated, loket_case, outcome);
  const int d = outcome.FindDecision(decision);
  REQUIRE(d >= 0);
  run.status = outcome.status(d);
  return run;
}

}  // namespace

TEST_CASE("Review: a rule's condition error comes before an earlier rule's value error",
          "[review]") {
  // §9 *Failure*: "the condition of one of its rules that is in force fails — every rule in
  // force is consulted, so this is the decision's error whatever the other rules decide" is
  // listed before "the value of a rule that applies ... fails". Here r.one holds and its value
  // overflows (L612); r.two's condition reads the absent x (L610). The reference interpreter
  // reads every condition before any value (L610); the evaluator stops at r.one's value (L612).
  const Run run = CompareOne(R"L(layer national "Review (synthetic, not law)"
fact x: int in 0..10 optional "x, when asked"
fact y: int in 0..10 "y"
decision d: int default 0 "d"
rule r.one "Art. 1"
  when y >= 0
  then d = y * 4000000000000000000
rule r.two "Art. 2"
  when x > 5
  then d = 3
)L",
                             {{"y", RefValue::Of(ast::TypeKind::kInt, 3)}}, "d");
  CHECK(run.diff == "");
  CHECK(run.status == DecisionStatus::kAbsentOptional);
}

TEST_CASE("Review: `x in lo..hi` does not read hi when x is below lo", "[review]") {
  // §9 *Failure*: "`x in lo..hi` reads `hi` only when `x >= lo`". y = 2 is below 5, so the
  // absent x is not read and no rule holds: d is its default. The evaluator and the checker's
  // encoding do this; the reference interpreter reads hi always (L610).
  const Run run = CompareOne(R"L(layer national "Review (synthetic, not law)"
fact x: int in 0..10 optional "x, when asked"
fact y: int in 0..10 "y"
decision d: int default 0 "d"
rule r.one "Art. 1"
  when y in 5..x
  then d = 1
)L",
                             {{"y", RefValue::Of(ast::TypeKind::kInt, 2)}}, "d");
  CHECK(run.diff == "");
  CHECK(run.status == DecisionStatus::kDefault);
}

TEST_CASE("Review: adding years to a date beyond the year 9999 fails (L612)", "[review]") {
  // §9 *Failure*: a decision fails when it "adds months or years to a date so that it leaves
  // the years 1..9999 (L612)". The evaluator and the encoder do; the reference interpreter's
  // PlusMonths computes a date in the year 11000 and decides d = true.
  const Run run = CompareOne(
      R"L(layer national "Review (synthetic, not law)"
fact since: date "since"
decision d: bool default false "d"
rule r.one "Art. 1"
  when since + 9000 years > reference_date
  then d = true
)L",
      {{"since", RefValue::Of(ast::TypeKind::kDate, support::DaysFromCivil({2000, 1, 1}))}}, "d");
  CHECK(run.diff == "");
  CHECK(run.status == DecisionStatus::kOverflow);
}

TEST_CASE("Review: an assumption that cannot be evaluated is a case error L606", "[review]") {
  // §4 assume: "evaluating such a case is an error naming the axiom (L606)". The evaluator
  // reports L606 ("cannot be checked for this case") when the axiom reads an absent optional
  // fact, and the checker ignores such cases; the reference interpreter reports L610. §9 does
  // not say which code an axiom that fails (rather than is false) gets.
  const Run run = CompareOne(R"L(layer national "Review (synthetic, not law)"
fact x: int in 0..10 optional "x, when asked"
fact y: int in 0..10 "y"
assume x_large: x > 3
decision d: int default 0 "d"
rule r.two "Art. 2"
  when y > 2
  then d = 2
)L",
                             {{"y", RefValue::Of(ast::TypeKind::kInt, 5)}}, "d");
  CHECK(run.diff == "");
}

}  // namespace loket::difftest
