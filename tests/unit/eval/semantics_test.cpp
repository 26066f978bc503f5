// The evaluation semantics of language-sketch §5, one rule at a time, through the public API.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

const char* kNational = R"(layer national "Nederland"

enum Permit { none, asylum_fixed, regular_fixed }
enum Route { none, b1, education }
enum Service { intake, housing_desk, language_course }

fact age: int in 0..130 "age in full years"
fact permit: Permit
fact income: money
fact arrival: date
fact birth_date: date
fact schooling_years: int in 0..30 optional
fact diploma: bool optional

param aow_age: int = 66 from 2021-01-01 = 67 from 2024-01-01

let of_working_age = age >= 16 and age < aow_age

assume young_children_have_no_fixed_permit: age < 12 implies permit == none

domain integration "Inburgering" {
  decision integration_duty: bool default false "inburgeringsplicht"
  decision route: Route default none
  decision deadline: date "the date by which the exam must be passed"
}
decision referrals: set of Service collect delegated to municipality
decision support_hours: int default 800 delegated to municipality
decision fine: money default €250
decision certificate: bool default false
decision pip_due: date default 2000-01-01
decision exam_age: int default 0
decision pilot: bool default false

rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when of_working_age and permit in {asylum_fixed, regular_fixed}
  then integration_duty = true

rule wi.exempt "Wet inburgering 2021, art. 4 lid 1 sub a"
  exception to wi.duty
  when known(schooling_years) and schooling_years >= 8
  then integration_duty = false

rule wi.exempt_revoked "Test: an exception to the exception"
  exception to wi.exempt
  when known(diploma) and not diploma
  then integration_duty = true

rule wi.route_b1 "Wet inburgering 2021, art. 7"
  when integration_duty and age >= 28
  then route = b1

rule wi.route_edu "Wet inburgering 2021, art. 8"
  when integration_duty and age < 30
  then route = education

rule wi.deadline "Wet inburgering 2021, art. 7 lid 3"
  when integration_duty
  then deadline = arrival + 3 years

rule wi.intake "Wet inburgering 2021, art. 14"
  when integration_duty
  then referrals += {intake}

rule wi.hours "Test: national support hours"
  when permit == asylum_fixed
  then support_hours = 900

rule wi.fine "Test: fine doubles with income"
  when income > €1.000,00
  then fine = income * 2 + €0,01

rule wi.certificate "Test: unguarded optional read"
  when diploma
  then certificate = true

rule wi.pip "Test: month arithmetic"
  when age >= 0
  then pip_due = arrival + 1 months

rule wi.exam_age "Test: years_between"
  then exam_age = years_between(birth_date, reference_date)

rule wi.pilot "Test: a pilot in force for two years"
  valid from 2022-01-01 until 2024-01-01
  then pilot = true
)";

const char* kWestland =
    R"(layer municipality westland "Gemeente Westland" under national code GM1783

rule ws.hours "Verordening Westland, art. 2"
  when age < 30
  then support_hours = 1000

rule ws.housing "Huisvestingsverordening Westland, art. 4"
  when permit == asylum_fixed
  then referrals += {housing_desk}
)";

const char* kBase =
    "{age: 35, permit: asylum_fixed, income: 900, arrival: 2024-01-31, birth_date: 1990-03-01";

// The base case with `extra` facts ("name: value, ..."); one given in both takes the value
// in `extra` (a case names each fact once).
std::string CaseText(const std::string& extra = "") {
  std::string text = std::string(kBase) + ", ";
  std::size_t start = 0;
  while (start < extra.size()) {
    std::size_t comma = extra.find(", ", start);
    if (comma == std::string::npos) comma = extra.size();
    const std::string fact = extra.substr(start, comma - start);
    const std::string name = fact.substr(0, fact.find(':'));
    std::size_t at = text.find(name + ": ");
    if (at != std::string::npos) {
      text.replace(at, text.find(", ", at) - at, fact);
    } else {
      text += fact + ", ";
    }
    start = comma + 2;
  }
  return text.substr(0, text.size() - 2) + "}";
}

struct Fixture {
  RuleBase rule_base = Load({kNational, kWestland});
  Program national = Compile(rule_base, "national");
  Program westland = Compile(rule_base, "westland");
  Outcome out;

  Outcome& Run(const Program& program, const std::string& yaml, const char* date = "2025-03-01") {
    Case c = Facts(program, yaml);
    program.Evaluate(c, D(date), out);
    return out;
  }
};

TEST_CASE_METHOD(Fixture, "eval: a rule that applies decides, otherwise the default", "[eval]") {
  Run(national, CaseText());
  CHECK(ValueOf(national, out, "integration_duty") == "true");
  CHECK(StatusOf(national, out, "integration_duty") == DecisionStatus::kDecided);
  CHECK(WinnerIds(national, out, "integration_duty") ==
        std::vector<std::string>{"national.wi.duty"});

  Run(national,
      "{age: 35, permit: none, income: 900, arrival: 2024-01-31, birth_date: 1990-03-01}");
  CHECK(ValueOf(national, out, "integration_duty") == "false");
  CHECK(StatusOf(national, out, "integration_duty") == DecisionStatus::kDefault);
  CHECK(out.winners(national.DecisionIndex("integration_duty")).empty());
  CHECK(ValueOf(national, out, "route") == "none");
}

TEST_CASE_METHOD(Fixture, "eval: lets and dated params follow the reference date", "[eval]") {
  // aow_age is 66 before 2024-01-01 and 67 from then: a 66-year-old is of working age only
  // from 2024.
  const std::string yaml =
      "{age: 66, permit: asylum_fixed, income: 900, arrival: 2020-01-01, birth_date: 1957-01-01}";
  Run(national, yaml, "2023-12-31");
  CHECK(ValueOf(national, out, "integration_duty") == "false");
  Run(national, yaml, "2024-01-01");
  CHECK(ValueOf(national, out, "integration_duty") == "true");
}

TEST_CASE_METHOD(Fixture, "eval: validity from is inclusive, until exclusive", "[eval]") {
  Run(national, CaseText(), "2021-12-31");
  CHECK(ValueOf(national, out, "pilot") == "false");
  Run(national, CaseText(), "2022-01-01");
  CHECK(ValueOf(national, out, "pilot") == "true");
  Run(national, CaseText(), "2023-12-31");
  CHECK(ValueOf(national, out, "pilot") == "true");
  Run(national, CaseText(), "2024-01-01");
  CHECK(ValueOf(national, out, "pilot") == "false");
  CHECK(StatusOf(national, out, "pilot") == DecisionStatus::kDefault);
}

TEST_CASE_METHOD(Fixture, "eval: an applying exception defeats its base rule", "[eval]") {
  Run(national, CaseText("schooling_years: 10"));
  CHECK(ValueOf(national, out, "integration_duty") == "false");
  CHECK(WinnerIds(national, out, "integration_duty") ==
        std::vector<std::string>{"national.wi.exempt"});
  // Not applying (7 years): the base rule decides.
  Run(national, CaseText("schooling_years: 7"));
  CHECK(ValueOf(national, out, "integration_duty") == "true");
  CHECK(WinnerIds(national, out, "integration_duty") ==
        std::vector<std::string>{"national.wi.duty"});
}

TEST_CASE_METHOD(Fixture, "eval: an exception to an exception defeats the whole chain above it",
                 "[eval]") {
  // wi.exempt holds, and so does wi.exempt_revoked (an exception to it): both wi.exempt and
  // wi.duty are defeated, the deepest holding link decides alone (docs/language.md §4).
  Run(national, CaseText("schooling_years: 10, diploma: false"));
  CHECK(ValueOf(national, out, "integration_duty") == "true");
  CHECK(WinnerIds(national, out, "integration_duty") ==
        std::vector<std::string>{"national.wi.exempt_revoked"});
  // wi.exempt_revoked holds where wi.exempt does not (7 years of schooling): it still
  // defeats wi.duty, two levels up.
  Run(national, CaseText("schooling_years: 7, diploma: false"));
  CHECK(WinnerIds(national, out, "integration_duty") ==
        std::vector<std::string>{"national.wi.exempt_revoked"});
  Run(national, CaseText("schooling_years: 10, diploma: true"));
  CHECK(ValueOf(national, out, "integration_duty") == "false");
}

TEST_CASE_METHOD(Fixture, "eval: disagreeing rules are a conflict naming them", "[eval]") {
  Run(national,
      "{age: 29, permit: asylum_fixed, income: 900, arrival: 2024-01-31, "
      "birth_date: 1996-01-01}");
  const int route = national.DecisionIndex("route");
  CHECK(out.status(route) == DecisionStatus::kConflict);
  CHECK(WinnerIds(national, out, "route") ==
        std::vector<std::string>{"national.wi.route_b1", "national.wi.route_edu"});
  auto error = out.error(route);
  REQUIRE(error);
  CHECK(error->code == "L609");
  CHECK(error->message.find("wi.route_b1") != std::string::npos);
  CHECK(error->message.find("wi.route_edu") != std::string::npos);
  CHECK(error->message.find("route") != std::string::npos);
  CHECK_FALSE(out.ok());
  // Other decisions are still decided.
  CHECK(ValueOf(national, out, "integration_duty") == "true");
}

TEST_CASE_METHOD(Fixture, "eval: agreeing rules are all winners", "[eval]") {
  // Only one route rule applies at 35; at 29 both apply with different values (above).
  Run(national, CaseText());
  CHECK(ValueOf(national, out, "route") == "b1");
  CHECK(StatusOf(national, out, "route") == DecisionStatus::kDecided);
  // Two rules, neither an exception to the other, that agree.
  const RuleBase agreeing = Load({R"L(layer national "Test"
fact age: int in 0..130 "age"
decision adult: bool default false
rule a.by_age "Test: adult by age"
  when age >= 18
  then adult = true
rule a.by_law "Test: adult by another law"
  when age >= 21
  then adult = true
)L"});
  const Program program = Compile(agreeing, "national");
  Outcome both;
  program.Evaluate(Facts(program, "{age: 25}"), D("2025-03-01"), both);
  CHECK(StatusOf(program, both, "adult") == DecisionStatus::kDecided);
  CHECK(WinnerIds(program, both, "adult") ==
        std::vector<std::string>{"national.a.by_age", "national.a.by_law"});
}

TEST_CASE_METHOD(Fixture, "eval: no rule and no default is a gap", "[eval]") {
  Run(national,
      "{age: 35, permit: none, income: 900, arrival: 2024-01-31, birth_date: 1990-03-01}");
  const int deadline = national.DecisionIndex("deadline");
  CHECK(out.status(deadline) == DecisionStatus::kGap);
  auto error = out.error(deadline);
  REQUIRE(error);
  CHECK(error->code == "L608");
  CHECK(error->message.find("deadline") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "eval: date arithmetic clamps to the month's end", "[eval]") {
  Run(national, CaseText());  // arrival 2024-01-31
  CHECK(ValueOf(national, out, "pip_due") == "2024-02-29");
  CHECK(ValueOf(national, out, "deadline") == "2027-01-31");
  Run(national,
      "{age: 35, permit: asylum_fixed, income: 900, arrival: 2024-02-29, "
      "birth_date: 1990-03-01}");
  CHECK(ValueOf(national, out, "deadline") == "2027-02-28");
  CHECK(ValueOf(national, out, "pip_due") == "2024-03-29");
}

TEST_CASE_METHOD(Fixture, "eval: years_between counts full years", "[eval]") {
  Run(national, CaseText(), "2025-02-28");  // born 1990-03-01
  CHECK(ValueOf(national, out, "exam_age") == "34");
  Run(national, CaseText(), "2025-03-01");
  CHECK(ValueOf(national, out, "exam_age") == "35");
}

TEST_CASE_METHOD(Fixture, "eval: money is exact and overflow is an error", "[eval]") {
  Run(national,
      "{age: 35, permit: asylum_fixed, income: \"€1.234,56\", arrival: 2024-01-31, "
      "birth_date: 1990-03-01}");
  CHECK(ValueOf(national, out, "fine") == "€2.469,13");
  CHECK(out.raw(national.DecisionIndex("fine")) == 246913);
  Run(national,
      "{age: 35, permit: asylum_fixed, income: 0.10, arrival: 2024-01-31, "
      "birth_date: 1990-03-01}");
  CHECK(ValueOf(national, out, "fine") == "€250");
  Run(national,
      "{age: 35, permit: asylum_fixed, income: 50000000000000000, arrival: 2024-01-31, "
      "birth_date: 1990-03-01}");
  const int fine = national.DecisionIndex("fine");
  CHECK(out.status(fine) == DecisionStatus::kOverflow);
  REQUIRE(out.error(fine));
  CHECK(out.error(fine)->code == "L612");
}

TEST_CASE_METHOD(Fixture, "eval: reading an absent optional fact is an error unless known()",
                 "[eval]") {
  Run(national, CaseText());  // no diploma, no schooling_years
  const int certificate = national.DecisionIndex("certificate");
  CHECK(out.status(certificate) == DecisionStatus::kAbsentOptional);
  auto error = out.error(certificate);
  REQUIRE(error);
  CHECK(error->code == "L610");
  CHECK(error->message.find("diploma") != std::string::npos);
  // The guarded reads in wi.exempt / wi.exempt_revoked are fine.
  CHECK(StatusOf(national, out, "integration_duty") == DecisionStatus::kDecided);
  Run(national, CaseText("diploma: true"));
  CHECK(ValueOf(national, out, "certificate") == "true");
}

TEST_CASE_METHOD(Fixture, "eval: a broken assumption is reported and stops the case", "[eval]") {
  Case c = Facts(national,
                 "{age: 5, permit: asylum_fixed, income: 0, arrival: 2024-01-31, "
                 "birth_date: 2019-06-01}");
  national.Evaluate(c, D("2025-03-01"), out);
  REQUIRE(out.case_errors().size() == 1);
  CHECK(out.case_errors()[0].code == "L606");
  CHECK(out.case_errors()[0].message.find("young_children_have_no_fixed_permit") !=
        std::string::npos);
  CHECK(out.status(0) == DecisionStatus::kNotEvaluated);
  CHECK_FALSE(out.ok());
  std::vector<Diagnostic> errors;
  CHECK_FALSE(national.CheckAssumptions(c, D("2025-03-01"), errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "L606");
}

TEST_CASE_METHOD(Fixture, "eval: a missing required fact stops the case", "[eval]") {
  Case c = national.NewCase();
  std::vector<Diagnostic> errors;
  ParseOptions lenient;
  lenient.require_all = false;
  REQUIRE(national.ParseYaml("{age: 30}", c, errors, lenient));
  national.Evaluate(c, D("2025-03-01"), out);
  REQUIRE_FALSE(out.case_errors().empty());
  CHECK(out.case_errors()[0].code == "L605");
  CHECK(out.case_errors()[0].message.find("permit") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "eval: on a delegated decision the lower layer's rules replace",
                 "[eval]") {
  Run(westland, CaseText("age: 25"));
  CHECK(ValueOf(westland, out, "support_hours") == "1000");
  CHECK(WinnerIds(westland, out, "support_hours") == std::vector<std::string>{"westland.ws.hours"});
  // The municipal rule does not apply at 40: the national rule decides.
  Run(westland,
      "{age: 40, permit: asylum_fixed, income: 900, arrival: 2024-01-31, "
      "birth_date: 1985-01-01}");
  CHECK(ValueOf(westland, out, "support_hours") == "900");
  // Nationally the municipal rule does not exist.
  Run(national, CaseText("age: 25"));
  CHECK(ValueOf(national, out, "support_hours") == "900");
}

TEST_CASE_METHOD(Fixture, "eval: collect is the union over all layers", "[eval]") {
  Run(westland, CaseText());
  CHECK(ValueOf(westland, out, "referrals") == "{intake, housing_desk}");
  CHECK(WinnerIds(westland, out, "referrals") ==
        std::vector<std::string>{"national.wi.intake", "westland.ws.housing"});
  Run(national, CaseText());
  CHECK(ValueOf(national, out, "referrals") == "{intake}");
  Run(national,
      "{age: 35, permit: none, income: 900, arrival: 2024-01-31, birth_date: 1990-03-01}");
  CHECK(ValueOf(national, out, "referrals") == "{}");
  CHECK(StatusOf(national, out, "referrals") == DecisionStatus::kDefault);
}

TEST_CASE_METHOD(Fixture, "eval: an outcome can be reused across programs and cases", "[eval]") {
  Run(westland, CaseText());
  Run(national, CaseText());
  CHECK(out.decision_count() == static_cast<int>(national.decisions().size()));
  CHECK(ValueOf(national, out, "referrals") == "{intake}");
  Case foreign = westland.NewCase();
  national.Evaluate(foreign, D("2025-01-01"), out);
  REQUIRE_FALSE(out.case_errors().empty());
  CHECK(out.case_errors()[0].code == "L611");
}

TEST_CASE_METHOD(Fixture, "eval: schema introspection", "[eval]") {
  CHECK(westland.jurisdiction() == "westland");
  CHECK(westland.layers() == std::vector<std::string>{"national", "westland"});
  const int age = westland.FactSlot("age");
  REQUIRE(age >= 0);
  const FactInfo& fact = westland.facts()[static_cast<std::size_t>(age)];
  CHECK(fact.type == ValueType::kInt);
  CHECK(fact.has_range);
  CHECK(fact.hi == 130);
  CHECK(fact.description == "age in full years");
  const FactInfo& permit = westland.facts()[static_cast<std::size_t>(westland.FactSlot("permit"))];
  CHECK(permit.members == std::vector<std::string>{"none", "asylum_fixed", "regular_fixed"});
  CHECK(westland.facts()[static_cast<std::size_t>(westland.FactSlot("diploma"))].optional);
  CHECK(westland.FactSlot("nope") == -1);
  const DecisionInfo& duty =
      westland.decisions()[static_cast<std::size_t>(westland.DecisionIndex("integration_duty"))];
  CHECK(duty.domain == "integration");
  CHECK(duty.domain_title == "Inburgering");
  CHECK(duty.has_default);
  CHECK(
      westland.decisions()[static_cast<std::size_t>(westland.DecisionIndex("referrals"))].collect);
  CHECK(westland.RuleIndex("ws.hours") >= 0);
  CHECK(westland.RuleIndex("national.wi.duty") >= 0);
  CHECK(westland.RuleIndex("wi.duty") == westland.RuleIndex("national.wi.duty"));
  const RuleInfo& pilot =
      westland.rules()[static_cast<std::size_t>(westland.RuleIndex("wi.pilot"))];
  REQUIRE(pilot.valid_from);
  CHECK(pilot.valid_from->ToString() == "2022-01-01");
  CHECK(pilot.valid_until->ToString() == "2024-01-01");
  const RuleInfo& exempt =
      westland.rules()[static_cast<std::size_t>(westland.RuleIndex("wi.exempt"))];
  CHECK(exempt.exception_to == std::vector<std::string>{"national.wi.duty"});
}

TEST_CASE_METHOD(Fixture, "eval: typed setters by slot", "[eval]") {
  Case c = national.NewCase();
  c.SetInt(national.FactSlot("age"), 35);
  c.SetEnum(national.FactSlot("permit"), 1);
  c.SetMoneyCents(national.FactSlot("income"), 90000);
  c.SetDate(national.FactSlot("arrival"), D("2024-01-31"));
  c.SetDate(national.FactSlot("birth_date"), D("1990-03-01"));
  national.Evaluate(c, D("2025-03-01"), out);
  CHECK(out.case_errors().empty());
  CHECK(ValueOf(national, out, "integration_duty") == "true");
  CHECK(national.CaseToYaml(c) ==
        "{age: 35, permit: asylum_fixed, income: 900, arrival: 2024-01-31, "
        "birth_date: 1990-03-01}");
  c.Unset(national.FactSlot("age"));
  national.Evaluate(c, D("2025-03-01"), out);
  REQUIRE_FALSE(out.case_errors().empty());
  CHECK(out.case_errors()[0].code == "L605");
}

}  // namespace
}  // namespace loket::evaltest

namespace loket::evaltest {
namespace {

// Division by zero (L613) cannot reach the evaluator: the checker rejects any divisor that is
// not a non-zero constant or param (L224); the evaluator still checks it.
TEST_CASE("eval: integer division truncates, with dated param divisors", "[eval]") {
  RuleBase rule_base = Load({R"(layer national "Nederland"

fact hours: int
param parts: int = 3 from 2020-01-01 = -7 from 2025-01-01

decision share: int default 0

rule share "Test: an equal share"
  then share = hours / parts
)"});
  Program program = Compile(rule_base, "national");
  Case c = Facts(program, "{hours: 100}");
  Outcome out;
  program.Evaluate(c, D("2024-06-01"), out);
  CHECK(ValueOf(program, out, "share") == "33");
  program.Evaluate(c, D("2025-06-01"), out);
  CHECK(ValueOf(program, out, "share") == "-14");
}

}  // namespace
}  // namespace loket::evaltest
