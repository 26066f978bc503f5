// Replaying a witness (analysis/witness.h): a finding that claims a rule decides is confirmed
// only by an outcome in which the rule decided — not by the rules a failed decision had found
// before its error (docs/language.md §9, *Failure*).
#include <catch2/catch.hpp>

#include <string>

#include "analysis/witness.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "support/date.h"

namespace loket::analysis {

TEST_CASE("IsWinner: the rules a failed decision found are not its winners", "[analysis]") {
  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base =
      RuleBase::FromSources({{"national.loket", R"L(layer national "Failure (synthetic, not law)"
fact x: int in 0..10 optional "x, when asked"
decision d: int default 0 "d"
rule r.a "Art. 1"
  when not known(x)
  then d = 1
rule r.c "Art. 2"
  when x > 5
  then d = 3
)L"}},
                            options);
  REQUIRE_FALSE(rule_base.has_errors());
  Result<Program> program = rule_base.Compile("national");
  REQUIRE(program.ok());
  int a = -1;
  for (std::size_t i = 0; i < program->rules().size(); ++i) {
    if (program->rules()[i].id == "r.a") a = static_cast<int>(i);
  }
  REQUIRE(a >= 0);
  Case facts = program->NewCase();  // x absent: r.a holds, r.c cannot be read
  Outcome outcome;
  program->Evaluate(facts, Date{support::DaysFromCivil({2025, 3, 1})}, outcome);
  const int d = outcome.FindDecision("d");
  REQUIRE(outcome.status(d) == DecisionStatus::kAbsentOptional);
  // The evaluator found r.a before r.c's error; a failed decision lists no winners (§9), and
  // r.a decided nothing.
  const auto [begin, end] = outcome.winner_indices(d);
  CHECK(end == begin);
  CHECK_FALSE(IsWinner(outcome, d, a));
}

}  // namespace loket::analysis
