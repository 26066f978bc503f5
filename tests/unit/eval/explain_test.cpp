// Explanations and "why not" as plain data.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

const char* kNational = R"(layer national "Nederland"

enum Permit { none, asylum_fixed, regular_fixed }

fact age: int in 0..130
fact permit: Permit
fact schooling_years: int in 0..30 optional

domain integration "Inburgering" {
  decision integration_duty: bool default false
}
decision support_hours: int default 800 delegated to municipality

rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when age >= 16 and permit in {asylum_fixed, regular_fixed}
  then integration_duty = true

rule wi.exempt "Wet inburgering 2021, art. 4 lid 1 sub a"
  exception to wi.duty
  when known(schooling_years) and schooling_years >= 8
  then integration_duty = false

rule wi.late "Test: a rule not yet in force"
  valid from 2030-01-01
  then integration_duty = true

rule wi.hours "Test: national hours"
  when permit == asylum_fixed
  then support_hours = 900
)";

const char* kWestland = R"(layer municipality westland "Gemeente Westland" under national

rule ws.hours "Verordening Westland, art. 2"
  when age < 30
  then support_hours = 1000
)";

struct Fixture {
  RuleBase rule_base = Load({kNational, kWestland});
  Program westland = Compile(rule_base, "westland");

  const DecisionExplanation& Find(const Explanation& ex, const std::string& name) {
    auto it = std::find_if(ex.decisions.begin(), ex.decisions.end(),
                           [&](const DecisionExplanation& d) { return d.name == name; });
    REQUIRE(it != ex.decisions.end());
    return *it;
  }
};

TEST_CASE_METHOD(Fixture, "explain: winners with citation, layer and the values read",
                 "[eval][explain]") {
  Case c = Facts(westland, "{age: 40, permit: asylum_fixed}");
  Explanation ex = westland.Explain(c, D("2025-03-01"));
  CHECK(ex.jurisdiction == "westland");
  CHECK(ex.date == "2025-03-01");
  const DecisionExplanation& duty = Find(ex, "integration_duty");
  CHECK(duty.domain == "integration");
  CHECK(duty.domain_title == "Inburgering");
  CHECK(duty.value == "true");
  CHECK(duty.value_json == "true");
  CHECK_FALSE(duty.default_used);
  REQUIRE(duty.winners.size() == 1);
  const RuleExplanation& winner = duty.winners[0];
  CHECK(winner.rule.id == "wi.duty");
  CHECK(winner.rule.layer == "national");
  CHECK(winner.rule.citation == "Wet inburgering 2021, art. 3 lid 1");
  CHECK(winner.condition == "age >= 16 and permit in {asylum_fixed, regular_fixed}");
  CHECK(winner.contributes == "true");
  REQUIRE(winner.reads.size() == 2);
  CHECK(winner.reads[0].name == "age");
  CHECK(winner.reads[0].kind == "fact");
  CHECK(winner.reads[0].value == "40");
  CHECK(winner.reads[1].name == "permit");
  CHECK(winner.reads[1].value == "asylum_fixed");
}

TEST_CASE_METHOD(Fixture, "explain: defeated rules and by what, and the default",
                 "[eval][explain]") {
  Case c = Facts(westland, "{age: 25, permit: asylum_fixed, schooling_years: 10}");
  Explanation ex = westland.Explain(c, D("2025-03-01"));
  const DecisionExplanation& duty = Find(ex, "integration_duty");
  CHECK(duty.value == "false");
  REQUIRE(duty.winners.size() == 1);
  CHECK(duty.winners[0].rule.id == "wi.exempt");
  REQUIRE(duty.defeated.size() == 1);
  CHECK(duty.defeated[0].rule.id == "wi.duty");
  CHECK(duty.defeated[0].defeated_by.id == "wi.exempt");
  CHECK(duty.defeated[0].how == "exception");

  const DecisionExplanation& hours = Find(ex, "support_hours");
  CHECK(hours.value == "1000");
  REQUIRE(hours.defeated.size() == 1);
  CHECK(hours.defeated[0].rule.id == "wi.hours");
  CHECK(hours.defeated[0].defeated_by.id == "ws.hours");
  CHECK(hours.defeated[0].how == "lower layer");

  Case none = Facts(westland, "{age: 40, permit: none}");
  Explanation ex2 = westland.Explain(none, D("2025-03-01"));
  const DecisionExplanation& default_hours = Find(ex2, "support_hours");
  CHECK(default_hours.default_used);
  CHECK(default_hours.value == "800");
  CHECK(default_hours.winners.empty());
}

TEST_CASE_METHOD(Fixture, "why-not: the first false part of the condition", "[eval][explain]") {
  Case c = Facts(westland, "{age: 40, permit: none}");
  WhyNotExplanation why = westland.WhyNot(c, D("2025-03-01"), "wi.duty");
  CHECK(why.reason == WhyNotExplanation::Reason::kConditionFalse);
  CHECK(why.failed_part == "permit in {asylum_fixed, regular_fixed}");
  REQUIRE(why.reads.size() == 1);
  CHECK(why.reads[0].name == "permit");
  CHECK(why.reads[0].value == "none");
  CHECK(why.message.find("permit = none") != std::string::npos);

  Case young = Facts(westland, "{age: 12, permit: asylum_fixed}");
  why = westland.WhyNot(young, D("2025-03-01"), "national.wi.duty");
  CHECK(why.reason == WhyNotExplanation::Reason::kConditionFalse);
  CHECK(why.failed_part == "age >= 16");
}

TEST_CASE_METHOD(Fixture, "why-not: not in force, defeated, applied, unknown", "[eval][explain]") {
  Case c = Facts(westland, "{age: 25, permit: asylum_fixed, schooling_years: 10}");
  WhyNotExplanation why = westland.WhyNot(c, D("2025-03-01"), "wi.late");
  CHECK(why.reason == WhyNotExplanation::Reason::kNotInForce);
  REQUIRE(why.valid_from);
  CHECK(why.valid_from->ToString() == "2030-01-01");

  why = westland.WhyNot(c, D("2025-03-01"), "wi.duty");
  CHECK(why.reason == WhyNotExplanation::Reason::kDefeated);
  CHECK(why.defeat_how == "exception");
  REQUIRE(why.defeated_by.size() == 1);
  CHECK(why.defeated_by[0].id == "wi.exempt");

  why = westland.WhyNot(c, D("2025-03-01"), "wi.hours");
  CHECK(why.reason == WhyNotExplanation::Reason::kDefeated);
  CHECK(why.defeat_how == "lower layer");
  REQUIRE(why.defeated_by.size() == 1);
  CHECK(why.defeated_by[0].id == "ws.hours");

  why = westland.WhyNot(c, D("2025-03-01"), "ws.hours");
  CHECK(why.reason == WhyNotExplanation::Reason::kApplied);

  why = westland.WhyNot(c, D("2025-03-01"), "ws.nothing");
  CHECK(why.reason == WhyNotExplanation::Reason::kUnknownRule);
  CHECK(std::string(WhyNotReasonName(why.reason)) == "unknown rule");
}

TEST_CASE_METHOD(Fixture, "why-not: an invalid case", "[eval][explain]") {
  Case c = westland.NewCase();
  WhyNotExplanation why = westland.WhyNot(c, D("2025-03-01"), "wi.duty");
  CHECK(why.reason == WhyNotExplanation::Reason::kInvalidCase);
  REQUIRE_FALSE(why.case_errors.empty());
  CHECK(why.case_errors[0].code == "L605");
}

// A rule base with an exclusion rule (a "no" with its own article), a let between the facts
// and a rule, a decision read by another rule, and notes.
const char* kAnswers = R"(layer national "Nederland"

enum Nationality { dutch, eu, other }

fact age: int in 0..130
fact nationality: Nationality
fact aow_age_reached: bool

let of_working_age = age >= 18 and not aow_age_reached
let in_scope = of_working_age and nationality == other

domain integration "Inburgering" {
  decision integration_duty: bool default false
  decision exempt: bool default false
  decision loan: bool default false
}

rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  note "DUO decides the exemption"
  when in_scope
  then integration_duty = true

rule wi.eu "Wet inburgering 2021, art. 3 lid 2"
  note "EU citizens are outside the act"
  when nationality == eu
  then integration_duty = false

rule wi.exempt "Wet inburgering 2021, art. 4 lid 1"
  when integration_duty and age >= 60
  then exempt = true

rule wi.loan "Wet inburgering 2021, art. 20"
  when integration_duty
  then loan = true

rule wi.loan_old "Wet inburgering 2013, art. 20"
  valid until 2022-01-01
  when integration_duty
  then loan = true
)";

struct AnswerFixture {
  RuleBase rule_base = Load({kAnswers});
  Program national = Compile(rule_base, "national");

  static const DecisionExplanation& Find(const Explanation& ex, const std::string& name) {
    auto it = std::find_if(ex.decisions.begin(), ex.decisions.end(),
                           [&](const DecisionExplanation& d) { return d.name == name; });
    REQUIRE(it != ex.decisions.end());
    return *it;
  }
};

TEST_CASE_METHOD(AnswerFixture, "explain: the answer status of each decision", "[eval][explain]") {
  Case eu = Facts(national, "{age: 30, nationality: eu, aow_age_reached: false}");
  Explanation ex = national.Explain(eu, D("2025-03-01"));
  // Decided by the exclusion rule with the default's value: a "no" with its basis.
  const DecisionExplanation& duty = Find(ex, "integration_duty");
  CHECK(duty.answer == AnswerStatus::kDefaultWithBasis);
  CHECK(std::string(AnswerStatusName(duty.answer)) == "default_with_basis");
  REQUIRE(duty.winners.size() == 1);
  CHECK(duty.winners[0].rule.citation == "Wet inburgering 2021, art. 3 lid 2");
  CHECK(duty.winners[0].rule.notes == std::vector<std::string>{"EU citizens are outside the act"});
  CHECK(duty.candidates.empty());
  // No rule decides it.
  const DecisionExplanation& loan = Find(ex, "loan");
  CHECK(loan.answer == AnswerStatus::kDefaultWithoutBasis);
  CHECK(std::string(AnswerStatusName(loan.answer)) == "default_without_basis");

  Case other = Facts(national, "{age: 30, nationality: other, aow_age_reached: false}");
  Explanation ex2 = national.Explain(other, D("2025-03-01"));
  CHECK(Find(ex2, "integration_duty").answer == AnswerStatus::kDecided);
  CHECK(Find(ex2, "integration_duty").winners[0].rule.notes ==
        std::vector<std::string>{"DUO decides the exemption"});
  CHECK(Find(ex2, "loan").answer == AnswerStatus::kDecided);
}

TEST_CASE_METHOD(AnswerFixture, "explain: a default lists every rule that could have decided it",
                 "[eval][explain]") {
  Case eu = Facts(national, "{age: 30, nationality: eu, aow_age_reached: false}");
  Explanation ex = national.Explain(eu, D("2025-03-01"));
  const DecisionExplanation& loan = Find(ex, "loan");
  REQUIRE(loan.candidates.size() == 2);
  // In force, its condition false on this case: the part and the value it read.
  CHECK(loan.candidates[0].rule.id == "wi.loan");
  CHECK(loan.candidates[0].rule.citation == "Wet inburgering 2021, art. 20");
  CHECK(loan.candidates[0].reason == WhyNotExplanation::Reason::kConditionFalse);
  CHECK(loan.candidates[0].failed_part == "integration_duty");
  REQUIRE(loan.candidates[0].reads.size() == 1);
  CHECK(loan.candidates[0].reads[0].kind == "decision");
  CHECK(loan.candidates[0].reads[0].value == "false");
  // Not in force on the date: listed all the same.
  CHECK(loan.candidates[1].rule.id == "wi.loan_old");
  CHECK(loan.candidates[1].reason == WhyNotExplanation::Reason::kNotInForce);
  // The same answer as Program::WhyNot gives for the rule.
  WhyNotExplanation why = national.WhyNot(eu, D("2025-03-01"), "wi.loan");
  CHECK(why.message == loan.candidates[0].message);
}

TEST_CASE_METHOD(AnswerFixture, "explain: derived values lead down to the case facts",
                 "[eval][explain]") {
  Case other = Facts(national, "{age: 30, nationality: other, aow_age_reached: false}");
  Explanation ex = national.Explain(other, D("2025-03-01"));
  const DerivedValue* scope = ex.FindDerived("in_scope");
  REQUIRE(scope);
  CHECK(scope->kind == "let");
  CHECK(scope->value == "true");
  REQUIRE(scope->reads.size() == 2);
  CHECK(scope->reads[0].name == "of_working_age");
  CHECK(scope->reads[0].kind == "let");
  CHECK(scope->reads[1].name == "nationality");
  const DerivedValue* working = ex.FindDerived("of_working_age");
  REQUIRE(working);
  REQUIRE(working->reads.size() == 2);
  CHECK(working->reads[0].name == "age");
  CHECK(working->reads[0].value == "30");
  CHECK(working->reads[1].name == "aow_age_reached");
  // A decision read by another rule: its value, its deciding rule and what that rule read.
  const DerivedValue* duty = ex.FindDerived("integration_duty");
  REQUIRE(duty);
  CHECK(duty->kind == "decision");
  CHECK(duty->value == "true");
  REQUIRE(duty->rules.size() == 1);
  CHECK(duty->rules[0].id == "wi.duty");
  REQUIRE(duty->reads.size() == 1);
  CHECK(duty->reads[0].name == "in_scope");
  // A default decision has no deciding rule.
  Case eu = Facts(national, "{age: 30, nationality: eu, aow_age_reached: false}");
  Explanation ex2 = national.Explain(eu, D("2025-03-01"));
  const DerivedValue* exempt = ex2.FindDerived("exempt");
  REQUIRE(exempt);
  CHECK(exempt->default_used);
  CHECK(exempt->rules.empty());
  CHECK(ex2.FindDerived("age") == nullptr);  // facts are leaves
}

}  // namespace
}  // namespace loket::evaltest
