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

TEST_CASE_METHOD(Fixture, "explain: defeated rules and by what, and the default", "[eval][explain]") {
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

}  // namespace
}  // namespace loket::evaltest
