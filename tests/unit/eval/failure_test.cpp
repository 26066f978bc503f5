// Failure (docs/language.md §9, *Failure*): a condition that reads an absent optional fact, a
// failed decision, ... fails; every rule of a decision in force is consulted, so such a
// condition is the decision's error. The checker encodes the same rule (Encoder: Term::fails),
// so it claims nothing the evaluator never does: no conflict or exception deciding on its own
// whose witness replays to an error (L514), and no dead rule that a municipality makes apply.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

RuleBase CheckedWithFindings(const std::vector<SourceText>& sources) {
  LoadOptions options;
  options.threads = 1;
  return RuleBase::FromSources(sources, options);
}

std::vector<std::string> Codes(const RuleBase& rule_base) {
  std::vector<std::string> codes;
  for (const Diagnostic& d : rule_base.diagnostics()) codes.push_back(d.code);
  std::sort(codes.begin(), codes.end());
  return codes;
}

std::string AllText(const RuleBase& rule_base) {
  std::string all;
  for (const Diagnostic& d : rule_base.diagnostics()) all += RenderText(d) + "\n";
  return all;
}

// Compiles without the findings (an L501 is an error that makes Compile refuse).
Program CompileUnchecked(const std::vector<SourceText>& sources, const std::string& layer) {
  LoadOptions options;
  options.analyze_conflicts = false;
  RuleBase rule_base = RuleBase::FromSources(sources, options);
  REQUIRE_FALSE(rule_base.has_errors());
  return Compile(rule_base, layer);
}

const char* kOptional = R"L(layer national "Failure (synthetic, not law)"
fact x: int in 0..10 optional "x, when asked"
fact y: int in 0..10 "y"
decision d: int default 0 "d"
)L";

}  // namespace

TEST_CASE(
    "failure: a rule whose condition fails is the decision's error, and no conflict is "
    "claimed that only such cases show",
    "[eval][analysis]") {
  // r.a and r.b disagree only where x is absent, and there r.c cannot be read: the evaluator
  // reports L610, never L609. r.b and r.c do conflict (x > 5).
  const std::vector<SourceText> sources = {{"national.loket", std::string(kOptional) + R"L(
rule r.a "Art. 1"
  when not known(x)
  then d = 1
rule r.b "Art. 2"
  when y >= 0
  then d = 2
rule r.c "Art. 3"
  when x > 5
  then d = 3
)L"}};
  const RuleBase checked = CheckedWithFindings(sources);
  INFO(AllText(checked));
  // L218: r.c reads x without `known(x)`.
  REQUIRE(Codes(checked) == std::vector<std::string>{"L218", "L501"});
  for (const Diagnostic& d : checked.diagnostics()) {
    if (d.code != "L501") continue;
    CHECK(d.message.find("r.c") != std::string::npos);
    CHECK(d.message.find("r.b") != std::string::npos);
  }

  const Program program = CompileUnchecked(sources, "national");
  const Case absent = Facts(program, "{y: 1}");
  Outcome out;
  program.Evaluate(absent, D("2025-03-01"), out);
  CHECK(StatusOf(program, out, "d") == DecisionStatus::kAbsentOptional);
  // r.a holds, but what it decides failed: it takes part in no outcome.
  const WhyNotExplanation why = program.WhyNot(absent, D("2025-03-01"), "r.a");
  CHECK(why.reason == WhyNotExplanation::Reason::kError);
  CHECK(why.message.find("deciding `d` failed") != std::string::npos);
}

TEST_CASE("failure: an exception is not broader than its base (L505) where deciding fails",
          "[eval][analysis]") {
  // r.exc holds where r.base does not only when x is absent, and then r.c cannot be read.
  const std::vector<SourceText> sources = {{"national.loket", std::string(kOptional) + R"L(
rule r.base "Art. 1"
  when known(x)
  then d = 1
rule r.exc "Art. 2"
  exception to r.base
  when y > 3
  then d = 2
rule r.c "Art. 3"
  when x > 8
  then d = 3
)L"}};
  const RuleBase checked = CheckedWithFindings(sources);
  INFO(AllText(checked));
  // r.c disagrees with r.base (y <= 3) and with r.exc (y > 3), both for x > 8.
  CHECK(Codes(checked) == std::vector<std::string>{"L218", "L501", "L501"});

  const Program program = CompileUnchecked(sources, "national");
  Outcome out;
  program.Evaluate(Facts(program, "{y: 5}"), D("2025-03-01"), out);
  CHECK(StatusOf(program, out, "d") == DecisionStatus::kAbsentOptional);
  program.Evaluate(Facts(program, "{x: 2, y: 5}"), D("2025-03-01"), out);
  CHECK(WinnerIds(program, out, "d") == std::vector<std::string>{"national.r.exc"});
}

TEST_CASE("failure: a national rule a municipality makes apply is not dead (L507)",
          "[eval][analysis]") {
  // Nationally `level` is always 0, so r.high cannot hold there; the municipality decides
  // `level` = 400, and there r.high applies.
  const std::vector<SourceText> sources = {
      {"national.loket", R"L(layer national "Failure (synthetic, not law)"
decision level: int in 0..1000 default 0 delegated to municipality "level"
decision support: int default 0 "support"
rule r.high "Art. 1"
  when level >= 400
  then support = 100
)L"},
      {"m1.loket", R"L(layer municipality m1 "Gemeente 1" under national code GM9911
rule m.level "Verordening, art. 1"
  then level = 400
)L"}};
  const RuleBase checked = CheckedWithFindings(sources);
  INFO(AllText(checked));
  CHECK(Codes(checked).empty());

  const Program program = CompileUnchecked(sources, "m1");
  Outcome out;
  program.Evaluate(Facts(program, "{}"), D("2025-03-01"), out);
  CHECK(WinnerIds(program, out, "support") == std::vector<std::string>{"national.r.high"});
}

TEST_CASE("failure: a national rule that wins in a municipality is not always defeated (L508)",
          "[eval][analysis]") {
  // Nationally `level` is always 0, so r.low always holds and defeats r.base there; the
  // municipality decides `level` = 400, and there r.base decides.
  const std::vector<SourceText> sources = {
      {"national.loket", R"L(layer national "Failure (synthetic, not law)"
decision level: int in 0..1000 default 0 delegated to municipality "level"
decision support: int default 0 "support"
rule r.base "Art. 1"
  then support = 100
rule r.low "Art. 2"
  exception to r.base
  when level < 400
  then support = 50
)L"},
      {"m1.loket", R"L(layer municipality m1 "Gemeente 1" under national code GM9911
rule m.level "Verordening, art. 1"
  then level = 400
)L"}};
  const RuleBase checked = CheckedWithFindings(sources);
  INFO(AllText(checked));
  CHECK(Codes(checked).empty());

  const Program program = CompileUnchecked(sources, "m1");
  Outcome out;
  program.Evaluate(Facts(program, "{}"), D("2025-03-01"), out);
  CHECK(WinnerIds(program, out, "support") == std::vector<std::string>{"national.r.base"});
}

}  // namespace loket::evaltest
