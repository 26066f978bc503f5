// docs/language.md §9 *Failure*: the value of every rule that applies is read (here it
// overflows for y = 3), also of a higher
// layer's rule that a municipality's rules replace on a delegated decision, so an error in it
// is the decision's error. The evaluator does this; the reference interpreter must too (it
// used to read only the values of the lowest layer's rules).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "api/rule_base_impl.h"
#include "case_generator.h"
#include "differential_check.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "sema/model.h"
#include "support/date.h"

namespace loket::difftest {

TEST_CASE("Differential: an error in a replaced higher layer's value fails the decision",
          "[differential]") {
  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base = RuleBase::FromSources(
      {{"national.loket", R"L(layer national "Failure (synthetic, not law)"
fact y: int in 0..10 "y"
decision d: int default 0 delegated to municipality "d"
rule n.d "Art. 1"
  then d = y * 4000000000000000000
)L"},
       {"m1.loket", R"L(layer municipality m1 "Gemeente 1" under national code GM9911
rule m.d "Verordening, art. 1"
  then d = 5
)L"}},
      options);
  REQUIRE_FALSE(rule_base.has_errors());
  const sema::Model& model = *internal::RuleBaseAccess::Impl(rule_base).model;
  const sema::Layer* m1 = model.FindLayer("m1");
  REQUIRE(m1 != nullptr);
  Result<Program> program = rule_base.Compile("m1");
  REQUIRE(program.ok());
  JurisdictionCheck check(model, *m1, *program);
  Case facts = program->NewCase();
  Outcome outcome;
  for (int y : {3, 1}) {
    GeneratedCase generated;
    generated.date = support::DaysFromCivil({2025, 3, 1});
    generated.facts["y"] = RefValue::Of(ast::TypeKind::kInt, y);
    INFO("y = " << y);
    CHECK(check.Compare(generated, facts, outcome) == "");
    const int d = outcome.FindDecision("d");
    REQUIRE(d >= 0);
    CHECK(outcome.status(d) == (y == 3 ? DecisionStatus::kOverflow : DecisionStatus::kDecided));
  }
}

}  // namespace loket::difftest
