// Review findings: places where the evaluator, the checker, --why-not and the explanations
// read docs/language.md differently, each kept as a test of the reading the spec gives. Among
// them (§4 `exception to`, §6 rule versions): an exception to a rule with several versions
// bound to the first version only, in the evaluator and in the checker; the checker then
// claimed a conflict whose replay it reported as an internal disagreement (L514).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "eval_test_util.h"

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

namespace loket::evaltest {

TEST_CASE("Review: `in` a set literal reads every element", "[review]") {
  // §9 *Failure*: only and/or/implies/if and `x in lo..hi` skip operands; "every other
  // operator reads all its operands". `cat in {a, other}` with cat = a: the evaluator (and the
  // reference interpreter's In) stop at the first matching element and never read `other`,
  // which fails (L610, x absent); the encoder reads all elements (strict), so d fails there and
  // the checker claims no conflict between r.one and r.two — which the evaluator reports (L609).
  const std::vector<SourceText> sources = {
      {"national.loket", R"L(layer national "Review (synthetic, not law)"
enum Cat { a, b, c }
fact x: int in 0..10 optional "x, when asked"
fact cat: Cat "category"
decision other: Cat default c "other"
decision d: int default 0 "d"
rule r.other "Art. 1"
  when x > 3
  then other = b
rule r.one "Art. 2"
  when cat in {a, other}
  then d = 1
rule r.two "Art. 3"
  when cat == a and not known(x)
  then d = 2
)L"}};
  LoadOptions checked_options;
  checked_options.threads = 1;
  const RuleBase checked = RuleBase::FromSources(sources, checked_options);
  std::vector<std::string> codes;
  std::string all;
  for (const Diagnostic& d : checked.diagnostics()) {
    codes.push_back(d.code);
    all += RenderText(d) + "\n";
  }
  INFO(all);
  const bool checker_claims_conflict = std::find(codes.begin(), codes.end(), "L501") != codes.end();

  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base = RuleBase::FromSources(sources, options);
  REQUIRE_FALSE(rule_base.has_errors());
  const Program program = Compile(rule_base, "national");
  Outcome out;
  program.Evaluate(Facts(program, "{cat: a}"), D("2025-03-01"), out);
  const DecisionStatus status = StatusOf(program, out, "d");
  // One semantics: the evaluator's conflict is one the checker finds.
  CHECK((status != DecisionStatus::kConflict || checker_claims_conflict));
  // What §9 says: reading `other` fails, so r.one's condition fails and so does d.
  CHECK(status == DecisionStatus::kAbsentOptional);
}

}  // namespace loket::evaltest

namespace loket::evaltest {

TEST_CASE("Review: a rule is defeated by a holding rule deep in its exception tree", "[review]") {
  // §4: "`R` is defeated when some rule of its exception tree holds"; no depth limit is
  // documented. A chain r0 <- r1 <- ... <- r70 where only r0 and r70 hold: r70 defeats r0 and
  // decides 2. The evaluator's Defeated stops searching at depth 64 (a guard against cycles,
  // which L402 already rejects), so r0 is not defeated and the outcome is a conflict (L609);
  // the checker, whose encoding has no such limit, reports no conflict.
  std::string text = R"L(layer national "Review (synthetic, not law)"
fact y: int in 0..10 "y"
decision d: int default 0 "d"
rule r0 "Art. 0"
  when y >= 0
  then d = 1
)L";
  const int depth = 70;
  for (int i = 1; i <= depth; ++i) {
    text += "rule r" + std::to_string(i) + " \"Art. " + std::to_string(i) + "\"\n";
    text += "  exception to r" + std::to_string(i - 1) + "\n";
    text += i == depth ? "  when y > 5\n  then d = 2\n" : "  when y > 9 and y < 3\n  then d = 1\n";
  }
  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base = RuleBase::FromSources({{"national.loket", text}}, options);
  REQUIRE_FALSE(rule_base.has_errors());
  const Program program = Compile(rule_base, "national");
  Outcome out;
  program.Evaluate(Facts(program, "{y: 7}"), D("2025-03-01"), out);
  INFO(DescribeOutcome(program, out));
  CHECK(StatusOf(program, out, "d") == DecisionStatus::kDecided);
  CHECK(WinnerIds(program, out, "d") == std::vector<std::string>{"national.r70"});
}

}  // namespace loket::evaltest

namespace loket::evaltest {

TEST_CASE("Review: division by a param expression that is zero is L224", "[review]") {
  // docs/diagnostics.md L224: "division by constant zero: `age / 0`, or division by a param
  // that is 0 for some dates". `y / (1 - 1)` and `y / k` (k = 0) are L224; `y / (k - 1)` with
  // k = 1 is not: the checker only warns that r.one can never apply ("its condition is false
  // for every case", L507), while every evaluation of d fails with L613.
  LoadOptions options;
  options.threads = 1;
  const RuleBase checked =
      RuleBase::FromSources({{"national.loket", R"L(layer national "Review (synthetic, not law)"
fact y: int in 0..10 "y"
param k: int = 1 "k"
decision d: int default 0 "d"
rule r.one "Art. 1"
  when y / (k - 1) > 1
  then d = 1
)L"}},
                            options);
  std::vector<std::string> codes;
  std::string all;
  for (const Diagnostic& d : checked.diagnostics()) {
    codes.push_back(d.code);
    all += RenderText(d) + "\n";
  }
  INFO(all);
  CHECK(std::find(codes.begin(), codes.end(), "L224") != codes.end());
}

}  // namespace loket::evaltest

namespace loket::evaltest {

TEST_CASE("Review: --why-not on a rule with two versions looks at the version in force",
          "[review]") {
  // §6: "A rule may have several versions — the same id, each with its own `valid` period".
  // On 2025-03-01 "Art. 1 (new)" decides d = 5, yet WhyNot("r.base") finds the first version
  // only (Program::RuleIndex by qualified id) and answers that r.base is not in force.
  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base =
      RuleBase::FromSources({{"national.loket", R"L(layer national "Review (synthetic, not law)"
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
)L"}},
                            options);
  REQUIRE_FALSE(rule_base.has_errors());
  const Program program = Compile(rule_base, "national");
  const Case facts = Facts(program, "{y: 5}");
  Outcome out;
  program.Evaluate(facts, D("2025-03-01"), out);
  REQUIRE(ValueOf(program, out, "d") == "5");
  const WhyNotExplanation why = program.WhyNot(facts, D("2025-03-01"), "r.base");
  INFO(why.message);
  CHECK(why.reason == WhyNotExplanation::Reason::kApplied);
}

}  // namespace loket::evaltest

namespace loket::evaltest {

TEST_CASE("Review: the explanation of a decision that failed names no deciding rule", "[review]") {
  // §9 *Failure*: "A rule holding on a decision that failed does not take part in an outcome";
  // §9.6: the explanation gives "the deciding rule(s)". Here r.one holds (d = 7) and r.two's
  // condition reads the absent x (L610). The explanation (and JSON "rules", text "says 7")
  // lists r.one as a winner of the failed decision — only because it comes before r.two in
  // rule order; with the rules swapped the list is empty.
  LoadOptions options;
  options.analyze_conflicts = false;
  const RuleBase rule_base =
      RuleBase::FromSources({{"national.loket", R"L(layer national "Review (synthetic, not law)"
fact x: int in 0..10 optional "x, when asked"
fact y: int in 0..10 "y"
decision d: int default 0 "d"
rule r.one "Art. 1"
  when y >= 0
  then d = 7
rule r.two "Art. 2"
  when x > 5
  then d = 3
)L"}},
                            options);
  REQUIRE_FALSE(rule_base.has_errors());
  const Program program = Compile(rule_base, "national");
  const Explanation ex = program.Explain(Facts(program, "{y: 3}"), D("2025-03-01"));
  bool found = false;
  for (const DecisionExplanation& d : ex.decisions) {
    if (d.name != "d") continue;
    found = true;
    CHECK(d.status == DecisionStatus::kAbsentOptional);
    CHECK(d.winners.empty());
  }
  CHECK(found);
}

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

bool Has(const std::vector<std::string>& codes, const char* code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

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

TEST_CASE("Review: an exception outlives a versioned base only where no version is in force",
          "[review]") {
  // §6: `exception to R` sets aside every version of R, so L511 (in force where its base is
  // not) holds only on dates where no version is; before, the second version did not count.
  const auto codes_for = [](const std::string& exception_validity) {
    const std::string text = std::string(R"L(layer national "Review (synthetic, not law)"
fact y: int in 0..10 "y"
decision d: int default 0 "d"
rule r.base "Art. 1 (old)"
  valid until 2025-01-01
  when y >= 1
  then d = 1
rule r.base "Art. 1 (new)"
  valid from 2025-01-01 until 2026-01-01
  when y >= 1
  then d = 5
rule r.exc "Art. 2"
  )L") + exception_validity + R"L(
  exception to r.base
  when y >= 1
  when y > 3
  then d = 2
)L";
    LoadOptions options;
    options.threads = 1;
    const RuleBase checked = RuleBase::FromSources({{"national.loket", text}}, options);
    std::vector<std::string> codes;
    std::string all;
    for (const Diagnostic& d : checked.diagnostics()) {
      codes.push_back(d.code);
      all += RenderText(d) + "\n";
    }
    return std::make_pair(codes, all);
  };
  {
    // In force during both versions: its base is in force throughout.
    const auto [codes, all] = codes_for("valid from 2024-06-01 until 2026-01-01");
    INFO(all);
    CHECK_FALSE(Has(codes, "L511"));
    CHECK_FALSE(Has(codes, "L514"));
  }
  {
    // In force after the last version ends: outlives it from 2026-01-01.
    const auto [codes, all] = codes_for("valid from 2024-06-01 until 2027-01-01");
    INFO(all);
    CHECK(Has(codes, "L511"));
    CHECK(all.find("2026-") != std::string::npos);
    CHECK_FALSE(Has(codes, "L514"));
  }
}

namespace {

// Codes of a checked rule base, whatever order its two versions of n.allow are written in.
std::vector<std::string> CodesOfVersions(const std::string& first, const std::string& second,
                                         const std::string& muni) {
  const std::string national = std::string(R"L(layer national "Nederland"
fact age: int in 0..130 "age"
fact student: bool "student"
domain housing "Wonen" {
  decision allowance: int in 0..5000 default 0 delegated to municipality "allowance"
  decision bonus: int in 0..5000 default 0 delegated to municipality "bonus"
}
)L") + first + second;
  LoadOptions options;
  options.threads = 1;
  std::vector<SourceText> files = {{"national.loket", national}};
  if (!muni.empty()) files.push_back({"muni.loket", muni});
  const RuleBase checked = RuleBase::FromSources(files, options);
  std::vector<std::string> codes;
  for (const Diagnostic& d : checked.diagnostics()) codes.push_back(d.code);
  std::sort(codes.begin(), codes.end());
  return codes;
}

}  // namespace

TEST_CASE("Review: findings about a versioned base do not depend on the versions' order",
          "[review]") {
  const std::string v2020_until_2023 =
      "rule n.allow \"Wet 2020\"\n  valid from 2020-01-01 until 2023-01-01\n"
      "  when age >= 18\n  then allowance = 100\n";
  const std::string muni_prefix =
      "layer municipality mstad \"Gemeente Mstad\" under national code GM9901\n"
      "rule m.student \"Verordening Mstad\"\n";
  SECTION("L505: the exception is broader than the version in force") {
    const std::string v2020 =
        "rule n.allow \"Wet 2020\"\n  valid from 2020-01-01 until 2024-01-01\n"
        "  when age >= 18\n  then allowance = 100\n";
    const std::string v2024 =
        "rule n.allow \"Wet 2024\"\n  valid from 2024-01-01\n  when age >= 21\n"
        "  then allowance = 200\n";
    const std::string muni = muni_prefix +
                             "  valid from 2020-01-01\n  exception to n.allow\n"
                             "  when age >= 18 and student\n  then allowance = 300\n";
    CHECK(Has(CodesOfVersions(v2020, v2024, muni), "L505"));
    CHECK(Has(CodesOfVersions(v2024, v2020, muni), "L505"));
  }
  SECTION("L214: the exception decides what one version does not") {
    const std::string v2023 =
        "rule n.allow \"Wet 2023\"\n  valid from 2023-01-01\n  when age >= 18\n"
        "  then allowance = 200, bonus = 50\n";
    const std::string muni = muni_prefix +
                             "  valid from 2023-01-01\n  exception to n.allow\n"
                             "  when age >= 18 and student\n  then bonus = 80\n";
    CHECK(Has(CodesOfVersions(v2020_until_2023, v2023, muni), "L214"));
    CHECK(Has(CodesOfVersions(v2023, v2020_until_2023, muni), "L214"));
  }
  SECTION("L402: a later version that is an exception to its own id") {
    const std::string v2023 =
        "rule n.allow \"Wet 2023\"\n  valid from 2023-01-01\n  exception to n.allow\n"
        "  when age >= 18\n  then allowance = 200\n";
    const std::vector<std::string> codes = CodesOfVersions(v2020_until_2023, v2023, "");
    CHECK(Has(codes, "L402"));
    CHECK_FALSE(Has(codes, "L514"));
  }
}

}  // namespace loket::evaltest
