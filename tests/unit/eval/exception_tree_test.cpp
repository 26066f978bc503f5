// Exception trees (docs/language.md §4 `exception to`, §9 step 3): a rule is defeated when any
// rule of its exception tree holds, defeated or not; the rules that hold and are not defeated
// decide. The checker (a full check with the conflict analysis) and the evaluator must agree:
// a rule base that checks clean decides every case without L609.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

// Loads with the conflict analysis (the `loket check` findings).
RuleBase CheckedWithFindings(const std::string& text) {
  LoadOptions options;
  options.threads = 1;
  return RuleBase::FromSources({{"chain.loket", text}}, options);
}

// The same, no errors allowed.
RuleBase Checked(const std::string& text) {
  RuleBase rule_base = CheckedWithFindings(text);
  std::string all;
  for (const Diagnostic& d : rule_base.diagnostics()) all += RenderText(d) + "\n";
  INFO(all);
  REQUIRE_FALSE(rule_base.has_errors());
  return rule_base;
}

std::vector<std::string> Codes(const RuleBase& rule_base) {
  std::vector<std::string> codes;
  for (const Diagnostic& d : rule_base.diagnostics()) codes.push_back(d.code);
  return codes;
}

std::string AllText(const RuleBase& rule_base) {
  std::string all;
  for (const Diagnostic& d : rule_base.diagnostics()) all += RenderText(d) + "\n";
  return all;
}

const char* kHeader = R"L(layer national "Exception trees (synthetic, not law)"

fact age: int in 0..130 "age in full years"
fact months_in_nl: int in 0..1200 "months since arrival"
fact status_holder: bool
)L";

// The issue's chain: base -> status holders -> minor status holders, each link repeating its
// base's condition, the minors' link disagreeing with the base.
const char* kThreeDeep = R"L(
domain welcome "Welkom" {
  decision welcome_hours: int default 0 "hours of the welcome programme"
}

rule welcome "Test: everyone new gets the welcome programme"
  when months_in_nl < 12
  then welcome_hours = 10

rule welcome.status_holders "Test: status holders get it through their own programme"
  exception to welcome
  when months_in_nl < 12 and status_holder
  then welcome_hours = 0

rule welcome.status_holders.minors "Test: minor status holders get the school variant"
  exception to welcome.status_holders
  when months_in_nl < 12 and status_holder and age < 18
  then welcome_hours = 4
)L";

TEST_CASE("exception tree: a 3-deep chain checks clean and decides every age", "[eval]") {
  const RuleBase rule_base = Checked(std::string(kHeader) + kThreeDeep);
  INFO(AllText(rule_base));
  CHECK(Codes(rule_base).empty());
  const Program program = Compile(rule_base, "national");
  Outcome out;
  for (int months : {0, 11, 12}) {
    for (bool holder : {false, true}) {
      for (int age = 0; age <= 130; ++age) {
        const Case c = Facts(program, "{age: " + std::to_string(age) +
                                          ", months_in_nl: " + std::to_string(months) +
                                          ", status_holder: " + (holder ? "true" : "false") + "}");
        program.Evaluate(c, D("2025-03-01"), out);
        INFO("age " << age << ", months " << months << ", status holder " << holder);
        std::string want_value = "0";
        std::vector<std::string> want_winners;
        if (months < 12) {
          if (holder && age < 18) {
            want_value = "4";
            want_winners = {"national.welcome.status_holders.minors"};
          } else if (holder) {
            want_value = "0";
            want_winners = {"national.welcome.status_holders"};
          } else {
            want_value = "10";
            want_winners = {"national.welcome"};
          }
        }
        REQUIRE(StatusOf(program, out, "welcome_hours") ==
                (months < 12 ? DecisionStatus::kDecided : DecisionStatus::kDefault));
        CHECK(ValueOf(program, out, "welcome_hours") == want_value);
        CHECK(WinnerIds(program, out, "welcome_hours") == want_winners);
      }
    }
  }
}

TEST_CASE("exception tree: explanations name the holding rule that defeats", "[eval]") {
  const RuleBase rule_base = Checked(std::string(kHeader) + kThreeDeep);
  const Program program = Compile(rule_base, "national");
  const Case minor = Facts(program, "{age: 16, months_in_nl: 3, status_holder: true}");
  const Explanation ex = program.Explain(minor, D("2025-03-01"));
  REQUIRE(ex.decisions.size() == 1);
  const DecisionExplanation& decision = ex.decisions[0];
  REQUIRE(decision.winners.size() == 1);
  CHECK(decision.winners[0].rule.id == "welcome.status_holders.minors");
  // Both rules above the deciding link held and lost to an exception of their tree.
  REQUIRE(decision.defeated.size() == 2);
  for (const DefeatExplanation& defeat : decision.defeated) {
    CHECK(defeat.how == "exception");
    if (defeat.rule.id == "welcome") {
      CHECK(defeat.defeated_by.id == "welcome.status_holders");
    } else {
      CHECK(defeat.rule.id == "welcome.status_holders");
      CHECK(defeat.defeated_by.id == "welcome.status_holders.minors");
    }
  }
  const WhyNotExplanation why = program.WhyNot(minor, D("2025-03-01"), "welcome.status_holders");
  CHECK(why.reason == WhyNotExplanation::Reason::kDefeated);
  REQUIRE(why.defeated_by.size() == 1);
  CHECK(why.defeated_by[0].id == "welcome.status_holders.minors");
}

// A chain of `depth` links: link k holds from age k (so each is narrower than its base and
// repeats its condition) and decides level = k.
std::string DeepChain(int depth) {
  std::string text = R"L(layer national "Exception trees (synthetic, not law)"

fact age: int in 0..130 "age in full years"
decision level: int default -1 "the deepest link that holds"

rule link0 "Test: the base of a deep chain"
  when age >= 0
  then level = 0
)L";
  for (int k = 1; k < depth; ++k) {
    text += "\nrule link" + std::to_string(k) + " \"Test: link " + std::to_string(k) +
            "\"\n  exception to link" + std::to_string(k - 1) +
            "\n  when age >= " + std::to_string(k) + "\n  then level = " + std::to_string(k) + "\n";
  }
  return text;
}

TEST_CASE("exception tree: a 100-deep chain checks clean and the deepest holding link decides",
          "[eval]") {
  constexpr int kDepth = 100;
  const RuleBase rule_base = Checked(DeepChain(kDepth));
  INFO(AllText(rule_base));
  CHECK(Codes(rule_base).empty());
  const Program program = Compile(rule_base, "national");
  Outcome out;
  for (int age = 0; age <= 130; ++age) {
    const Case c = Facts(program, "{age: " + std::to_string(age) + "}");
    program.Evaluate(c, D("2025-03-01"), out);
    INFO("age " << age);
    const int deepest = std::min(age, kDepth - 1);
    REQUIRE(StatusOf(program, out, "level") == DecisionStatus::kDecided);
    CHECK(ValueOf(program, out, "level") == std::to_string(deepest));
    CHECK(WinnerIds(program, out, "level") ==
          std::vector<std::string>{"national.link" + std::to_string(deepest)});
  }
}

TEST_CASE("exception tree: a link that holds where its base does not defeats the whole chain",
          "[eval]") {
  // pension holds for everyone from 65, also where status_holders (its base) does not hold:
  // it still defeats status_holders and welcome. The checker calls it broader than its base
  // (L505), with a witness that replays.
  const RuleBase rule_base = Checked(std::string(kHeader) + R"L(
decision welcome_hours: int default 0 "hours of the welcome programme"

rule welcome "Test: everyone new gets the welcome programme"
  when months_in_nl < 12
  then welcome_hours = 10

rule welcome.status_holders "Test: status holders get it through their own programme"
  exception to welcome
  when months_in_nl < 12 and status_holder
  then welcome_hours = 0

rule welcome.status_holders.pension "Test: pensioners get a short programme"
  exception to welcome.status_holders
  when months_in_nl < 12 and age >= 65
  then welcome_hours = 2
)L");
  INFO(AllText(rule_base));
  REQUIRE(Codes(rule_base) == std::vector<std::string>{"L505"});
  const Diagnostic& broader = rule_base.diagnostics()[0];
  CHECK(broader.message.find("welcome.status_holders.pension") != std::string::npos);
  REQUIRE(broader.witnesses.size() == 1);
  CHECK(broader.witnesses[0].replay.find("could not replay") == std::string::npos);
  CHECK(broader.witnesses[0].replay.find("welcome.status_holders.pension") != std::string::npos);

  const Program program = Compile(rule_base, "national");
  const Case c = Facts(program, "{age: 70, months_in_nl: 2, status_holder: false}");
  Outcome out;
  program.Evaluate(c, D("2025-03-01"), out);
  REQUIRE(StatusOf(program, out, "welcome_hours") == DecisionStatus::kDecided);
  CHECK(ValueOf(program, out, "welcome_hours") == "2");
  CHECK(WinnerIds(program, out, "welcome_hours") ==
        std::vector<std::string>{"national.welcome.status_holders.pension"});
  // welcome holds and is defeated by the pension link, two levels down its tree.
  const WhyNotExplanation why = program.WhyNot(c, D("2025-03-01"), "welcome");
  CHECK(why.reason == WhyNotExplanation::Reason::kDefeated);
  REQUIRE(why.defeated_by.size() == 1);
  CHECK(why.defeated_by[0].id == "welcome.status_holders.pension");
  CHECK(why.message.find("further down its exception tree") != std::string::npos);
  const WhyNotExplanation middle = program.WhyNot(c, D("2025-03-01"), "welcome.status_holders");
  CHECK(middle.reason == WhyNotExplanation::Reason::kConditionFalse);
}

TEST_CASE("exception tree: sibling exceptions that both hold and disagree are an ambiguity",
          "[eval]") {
  // welcome has two exceptions; the status holders' one has its own (minors). Where only the
  // status holders' branch holds, its deepest link decides alone; where the minors' link and
  // the toddlers' sibling both hold they disagree: L501 in the check, L609 in evaluation.
  const std::string text = std::string(kHeader) + R"L(
decision welcome_hours: int default 0 "hours of the welcome programme"

rule welcome "Test: everyone new gets the welcome programme"
  when months_in_nl < 12
  then welcome_hours = 10

rule welcome.status_holders "Test: status holders get it through their own programme"
  exception to welcome
  when months_in_nl < 12 and status_holder
  then welcome_hours = 1

rule welcome.status_holders.minors "Test: minor status holders get the school variant"
  exception to welcome.status_holders
  when months_in_nl < 12 and status_holder and age < 18
  then welcome_hours = 4

rule welcome.toddlers "Test: toddlers get the parents' programme"
  exception to welcome
  when months_in_nl < 12 and age < 4
  then welcome_hours = 1
)L";
  const RuleBase checked = CheckedWithFindings(text);
  INFO(AllText(checked));
  REQUIRE(Codes(checked) == std::vector<std::string>{"L501"});
  const Diagnostic& ambiguity = checked.diagnostics()[0];
  std::string found = ambiguity.message;
  for (const DiagnosticNote& note : ambiguity.notes) found += "\n" + note.message;
  CHECK(found.find("welcome.status_holders.minors") != std::string::npos);
  CHECK(found.find("welcome.toddlers") != std::string::npos);
  REQUIRE(ambiguity.witnesses.size() == 1);
  CHECK(ambiguity.witnesses[0].replay.find("conflict") != std::string::npos);

  // The evaluator on the same rules (an L501 error stops `loket eval`; the API evaluates a
  // rule base loaded without the conflict analysis).
  const RuleBase rule_base = Load({text});
  const Program program = Compile(rule_base, "national");
  Outcome out;
  // Only the status holders' branch: its minors' link decides alone.
  program.Evaluate(Facts(program, "{age: 10, months_in_nl: 2, status_holder: true}"),
                   D("2025-03-01"), out);
  REQUIRE(StatusOf(program, out, "welcome_hours") == DecisionStatus::kDecided);
  CHECK(ValueOf(program, out, "welcome_hours") == "4");
  CHECK(WinnerIds(program, out, "welcome_hours") ==
        std::vector<std::string>{"national.welcome.status_holders.minors"});
  // Both branches: the two deepest holding links disagree.
  program.Evaluate(Facts(program, "{age: 2, months_in_nl: 2, status_holder: true}"),
                   D("2025-03-01"), out);
  CHECK(StatusOf(program, out, "welcome_hours") == DecisionStatus::kConflict);
  CHECK(WinnerIds(program, out, "welcome_hours") ==
        std::vector<std::string>{"national.welcome.status_holders.minors",
                                 "national.welcome.toddlers"});
  // An adult status holder: the status holders' link decides (the minors' does not hold).
  program.Evaluate(Facts(program, "{age: 30, months_in_nl: 2, status_holder: true}"),
                   D("2025-03-01"), out);
  CHECK(ValueOf(program, out, "welcome_hours") == "1");
  CHECK(WinnerIds(program, out, "welcome_hours") ==
        std::vector<std::string>{"national.welcome.status_holders"});
}

}  // namespace
}  // namespace loket::evaltest
