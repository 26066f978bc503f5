// Review findings (docs/language.md §4 `exception to`, §6 rule versions): an exception to a rule
// that has several versions binds to the first version only, in the evaluator and in the
// checker; the checker then claims a conflict whose replay it reports as an internal
// disagreement (L514), although the replay names both rules.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

const char* kVersions = R"L(layer national "Review (synthetic, not law)"
fact y: int in 0..10 "y"
decision d: int default 0 "d"
rule r.base "Art. 1 (old)"
  valid until 2025-01-01
  when y >= 1
  then d = 1
rule r.base "Art. 1 (new)"
  valid from 2025-01-01
  when y >= 1
  then d = 5
rule r.exc "Art. 2"
  exception to r.base
  when y > 3
  then d = 2
)L";

}  // namespace

TEST_CASE(
    "Review: the checker reports no internal disagreement (L514) for an exception to a "
    "rule with two versions",
    "[review]") {
  LoadOptions options;
  options.threads = 1;
  const RuleBase checked = RuleBase::FromSources({{"national.loket", kVersions}}, options);
  std::string all;
  std::vector<std::string> codes;
  for (const Diagnostic& d : checked.diagnostics()) {
    all += RenderText(d) + "\n";
    codes.push_back(d.code);
  }
  INFO(all);
  // L514 says "the analysis and the evaluator disagree"; here its replay shows the very
  // conflict that L501 claims ("conflict between national.r.base, national.r.exc").
  CHECK(std::find(codes.begin(), codes.end(), "L514") == codes.end());
}

TEST_CASE("Review: an exception to a versioned rule defeats the version in force", "[review]") {
  // §4: "where this rule holds, rule R does not decide"; §6: a rule may have several versions
  // with the same id. The spec does not say that `exception to r.base` means only the first
  // version; the evaluator binds it to "Art. 1 (old)" only, so on 2025-03-01 "Art. 1 (new)"
  // and r.exc conflict (L609) where on 2024-06-01 r.exc decides.
  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base = RuleBase::FromSources({{"national.loket", kVersions}}, options);
  REQUIRE_FALSE(rule_base.has_errors());
  const Program program = Compile(rule_base, "national");
  Outcome out;
  program.Evaluate(Facts(program, "{y: 5}"), D("2024-06-01"), out);
  CHECK(WinnerIds(program, out, "d") == std::vector<std::string>{"national.r.exc"});
  program.Evaluate(Facts(program, "{y: 5}"), D("2025-03-01"), out);
  CHECK(StatusOf(program, out, "d") == DecisionStatus::kDecided);
  CHECK(WinnerIds(program, out, "d") == std::vector<std::string>{"national.r.exc"});
}

}  // namespace loket::evaltest

namespace loket::evaltest {

TEST_CASE("Review: --why-not on a rule of a decision that does not apply, whose condition fails",
          "[review]") {
  // §4 *Applicability*: where the `applies when` condition is false "none of its rules is
  // consulted ... `--why-not` on such a rule says that what it decides does not apply". The
  // evaluator gives d the status not applicable without reading x; WhyNot evaluates the
  // rule's condition first and reports an evaluation error (L610-like) instead.
  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base =
      RuleBase::FromSources({{"national.loket", R"L(layer national "Review (synthetic, not law)"
fact x: int in 0..10 optional "x, when asked"
fact y: int in 0..10 "y"
decision d: int default 0 applies when y > 5 "d"
rule r.one "Art. 1"
  when x > 3
  then d = 1
)L"}},
                            options);
  REQUIRE_FALSE(rule_base.has_errors());
  const Program program = Compile(rule_base, "national");
  const Case facts = Facts(program, "{y: 2}");
  Outcome out;
  program.Evaluate(facts, D("2025-03-01"), out);
  REQUIRE(StatusOf(program, out, "d") == DecisionStatus::kNotApplicable);
  const WhyNotExplanation why = program.WhyNot(facts, D("2025-03-01"), "r.one");
  INFO(why.message);
  CHECK(why.reason == WhyNotExplanation::Reason::kDecisionNotApplicable);
}

}  // namespace loket::evaltest
