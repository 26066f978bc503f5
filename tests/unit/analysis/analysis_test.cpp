// The conflict analysis on small rule bases: validity periods, undetermined results, the
// cache, legitimate variants, witnesses.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "analysis_helpers.h"

using loket::analysis::AnalysisCache;
using loket::analysis::AnalysisOptions;
using loket::analysis::testing::Check;
using loket::analysis::testing::CheckExample;
using loket::diag::Kind;

namespace {

const char* kNational = R"L(layer national "Nederland"
enum Category { status_holder, family_migrant, eu_worker }
fact category: Category "category"
fact age: int in 0..130 "age"
fact months_in_nl: int in 0..1200 "months in NL"
fact income: money in €0..€100000 "monthly income"
decision hours: int in 0..5000 default 0 delegated to municipality favours higher "hours"
rule wi.hours "Besluit inburgering 2021, art. 3.14"
  when category == status_holder
  then hours = 800
)L";

std::string Local(const std::string& rules) {
  return "layer municipality havenstad \"Gemeente Havenstad\" under national code GM9903\n" + rules;
}

}  // namespace

TEST_CASE("rules in force on different dates never conflict", "[analysis]") {
  auto checked = Check({{"national.loket", kNational}, {"havenstad.loket", Local(R"L(
rule hs.young "Beleidsregel A (test)"
  valid from 2024-01-01 until 2025-01-01
  when category == status_holder and age < 28
  then hours = 1200
rule hs.newcomer "Beleidsregel B (test)"
  valid from 2025-01-01
  when category == status_holder and months_in_nl < 12
  then hours = 1000
)L")}});
  INFO(checked->Dump());
  CHECK(checked->Codes().empty());
}

TEST_CASE("overlapping validity makes the same rules ambiguous, on a date in both", "[analysis]") {
  auto checked = Check({{"national.loket", kNational}, {"havenstad.loket", Local(R"L(
rule hs.young "Beleidsregel A (test)"
  valid from 2024-01-01 until 2025-02-01
  when category == status_holder and age < 28
  then hours = 1200
rule hs.newcomer "Beleidsregel B (test)"
  valid from 2025-01-01
  when category == status_holder and months_in_nl < 12
  then hours = 1000
)L")}});
  INFO(checked->Dump());
  REQUIRE(checked->Codes() == std::vector<std::string>{"L501"});
  const auto* d = checked->Of(Kind::kAmbiguity)[0];
  REQUIRE(d->witnesses.size() == 1);
  CHECK(d->witnesses[0].date == "2025-01-01");
  CHECK(d->witnesses[0].replay.find("conflict") != std::string::npos);
}

TEST_CASE("a rule and its exception, or disjoint conditions, are not ambiguous", "[analysis]") {
  auto checked = Check({{"national.loket", kNational}, {"havenstad.loket", Local(R"L(
rule hs.base "Beleidsregel A (test)"
  when category == status_holder
  then hours = 1200
rule hs.young "Beleidsregel B (test)"
  exception to hs.base
  when category == status_holder and age < 18
  then hours = 1500
rule hs.family "Beleidsregel C (test)"
  when category == family_migrant and income < €2000
  then hours = 900
rule hs.family_rich "Beleidsregel D (test)"
  when category == family_migrant and income >= €2000
  then hours = 850
)L")}});
  INFO(checked->Dump());
  CHECK(checked->Codes().empty());
  CHECK(checked->stats.decided_without_solver >= 1);  // the box test settled a pair
}

TEST_CASE("a tiny solver budget gives L513 undetermined, never silence", "[analysis]") {
  AnalysisOptions options;
  options.solver_rlimit = 1;
  auto checked = CheckExample("ambiguity", options);
  INFO(checked->Dump());
  CHECK(checked->Of(Kind::kAmbiguity).empty());
  REQUIRE(!checked->Of(Kind::kUndetermined).empty());
  CHECK(checked->stats.undetermined > 0);
  CHECK(checked->Of(Kind::kUndetermined)[0]->message.find("resource limit") != std::string::npos);
}

TEST_CASE("a layer over its wall-clock limit stops with one L513 naming the limit", "[analysis]") {
  AnalysisOptions options;
  options.layer_time_limit_ms = 1;  // far less than the layer's queries take
  auto checked = CheckExample("ambiguity", options);
  INFO(checked->Dump());
  CHECK(checked->Of(Kind::kAmbiguity).empty());
  auto undetermined = checked->Of(Kind::kUndetermined);
  int stopped = 0;
  for (const auto* d : undetermined) {
    stopped += d->message.find("stopped after its time limit of 1 ms") != std::string::npos;
  }
  CHECK(stopped >= 1);
  CHECK(stopped <= 2);  // once per layer (national and havenstad), not once per question
}

TEST_CASE("dated params take the value in force on the reference date", "[analysis]") {
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact age: int in 0..130 "age"
param aow_age: int = 66 from 2021-01-01 = 67 from 2024-01-01
decision duty: bool "integration duty"
rule wi.duty "Wet inburgering 2021, art. 3"
  when age >= 16 and age < aow_age
  then duty = true
rule wi.old "Wet inburgering 2021, art. 3"
  when age >= 67 or age < 16
  then duty = false
)L"}});
  INFO(checked->Dump());
  // Age 66 is covered by wi.duty only from 2024: before that, a gap.
  REQUIRE(checked->Codes() == std::vector<std::string>{"L506"});
  const auto& w = checked->Of(Kind::kGap)[0]->witnesses.at(0);
  CHECK(w.case_yaml.find("age: 66") != std::string::npos);
  CHECK(w.date < "2024-01-01");
  CHECK(w.replay.find("gap") != std::string::npos);
}

// Issue 10, point 5: before the `years_between` / year-addition encoding without division the
// checker could not decide this pair within its solver limit (L513 after minutes).
TEST_CASE("date arithmetic with months and years is exact", "[analysis]") {
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact arrival: date in 2000-01-01..2030-12-31 "arrival date"
decision settled: bool default false
decision long_stay: bool default false
rule r.settled "Wet X, art. 1"
  when arrival + 3 years <= reference_date
  then settled = true
rule r.short "Wet X, art. 2"
  when years_between(arrival, reference_date) < 3
  then long_stay = false
rule r.long "Wet X, art. 3"
  when arrival + 36 months <= reference_date
  then long_stay = true
)L"}});
  INFO(checked->Dump());
  // `arrival + 36 months` clamps 29 February to 28 February, while `years_between` completes
  // the third year only on 1 March: r.short and r.long both apply on exactly one day, to
  // someone who arrived on 29 February (docs/language.md, "Built-ins"). On every other
  // arrival date they are exclusive. Exactly one ambiguity, with that person as its witness.
  REQUIRE(checked->Codes() == std::vector<std::string>{"L501"});
  const auto* d = checked->Of(Kind::kAmbiguity)[0];
  REQUIRE(d->witnesses.size() == 1);
  const auto& w = d->witnesses[0];
  CHECK(w.case_yaml.find("-02-29") != std::string::npos);
  CHECK(w.date.substr(4) == "-02-28");
  CHECK(w.replay.find("conflict") != std::string::npos);
  CHECK(checked->Of(Kind::kWitnessDidNotReplay).empty());
}

// A calendar-month count as rules/national/schema.loket writes it: twelve years_between terms
// against constant anchor dates. The anchors are split into year, month and day by the encoder,
// not by the solver; solving them in every query made each query exceed the default budget
// (L513 on every rule).
TEST_CASE("years_between against constant anchor dates stays within the solver budget",
          "[analysis]") {
  std::string months = "years_between(1899-01-01, birth)";
  for (int m = 2; m <= 12; ++m) {
    months += fmt::format(" + years_between(1899-{:02}-01, birth)", m);
  }
  std::string now = months;
  for (std::size_t at = now.find("birth"); at != std::string::npos; at = now.find("birth", at)) {
    now.replace(at, 5, "reference_date");
  }
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact birth: date in 1900-01-01..2100-12-31 "birth date"
let birth_month: int = )L" + months + R"L(
let reference_month: int = )L" + now + R"L(
decision school: bool default false "leerplicht"
rule lpw.yes "Leerplichtwet 1969, art. 3 lid 1"
  when reference_month >= birth_month + 61
  then school = true
rule lpw.no "Leerplichtwet 1969, art. 3 lid 1"
  when reference_month < birth_month + 61
  then school = false
)L"}});
  INFO(checked->Dump());
  CHECK(checked->Of(Kind::kUndetermined).empty());
  CHECK(checked->Codes().empty());
}

TEST_CASE("the cache re-analyses only layers whose content changed", "[analysis]") {
  AnalysisCache cache;
  AnalysisOptions options;
  options.cache = &cache;
  std::string a = Local(R"L(
rule hs.young "Beleidsregel A (test)"
  when category == status_holder and age < 28
  then hours = 1200
)L");
  std::string other = R"L(layer municipality dijkstad "Gemeente Dijkstad" under national code GM9905
rule ds.young "Beleidsregel (test)"
  when category == status_holder and age < 20
  then hours = 900
)L";
  auto first = Check(
      {{"national.loket", kNational}, {"havenstad.loket", a}, {"dijkstad.loket", other}}, options);
  INFO(first->Dump());
  CHECK(first->stats.layers_from_cache == 0);
  CHECK(cache.size() == 3);
  // dijkstad's hours = 900 for under-20s is below the national 800? No: above. Legitimate.
  CHECK(first->Codes().empty());
  std::string b = Local(R"L(
rule hs.young "Beleidsregel A (test)"
  when category == status_holder and age < 28
  then hours = 700
)L");
  auto second = Check(
      {{"national.loket", kNational}, {"havenstad.loket", b}, {"dijkstad.loket", other}}, options);
  INFO(second->Dump());
  CHECK(second->stats.layers_from_cache == 2);  // national and dijkstad unchanged
  CHECK(second->Codes() == std::vector<std::string>{"L504"});
  auto third = Check(
      {{"national.loket", kNational}, {"havenstad.loket", b}, {"dijkstad.loket", other}}, options);
  CHECK(third->stats.layers_from_cache == 3);
  CHECK(third->Codes() == std::vector<std::string>{"L504"});
}

TEST_CASE("L512: two versions of one rule id in force together", "[analysis]") {
  auto checked = CheckExample("overlapping-versions");
  INFO(checked->Dump());
  // Two versions of one rule id with different validity are allowed (docs/language.md), so
  // sema must not reject them as duplicates (L212); otherwise L512 could never be reached.
  REQUIRE(checked->Of(Kind::kDuplicateRuleId).empty());
  REQUIRE(checked->Codes() == std::vector<std::string>{"L512"});
  const auto* d = checked->Of(Kind::kOverlappingVersions)[0];
  REQUIRE(d->witnesses.size() == 1);
  CHECK(d->witnesses[0].date >= "2025-07-01");
  CHECK(d->witnesses[0].date < "2026-01-01");
  // The witness shows the overlap: both versions decide the case together.
  CHECK(d->witnesses[0].title == "both versions in force and applying");
  CHECK(d->witnesses[0].replay.find("(by heuvelstad.hv.local_tie, heuvelstad.hv.local_tie)") !=
        std::string::npos);
}

TEST_CASE("witness facts the finding does not read are marked any value", "[analysis]") {
  auto checked = CheckExample("ambiguity");
  const auto* d = checked->Of(Kind::kAmbiguity).at(0);
  const std::string& yaml = d->witnesses.at(0).case_yaml;
  // Both rules read category, pip_route, age and months_in_nl; nothing else exists here.
  CHECK(yaml.find("# any value") == std::string::npos);
  auto protected_case = CheckExample("protected-criterion");
  const auto& witnesses = protected_case->Of(Kind::kProtectedCriterion).at(0)->witnesses;
  INFO(witnesses.at(0).case_yaml);
  CHECK(witnesses.at(0).case_yaml.find("temporary_purpose: false  # any value") !=
        std::string::npos);
  // The text shows only the facts the rules read; the complete case stays in case_yaml.
  CHECK(witnesses.at(0).facts_read_yaml.find("temporary_purpose") == std::string::npos);
  // (which of the two witnesses is the Dutch one is the solver's choice)
  CHECK(witnesses.at(0).facts_read_yaml.find("nationality: ") != std::string::npos);
}

TEST_CASE("L514: a witness the evaluator decides otherwise is an internal error", "[analysis]") {
  // The solver's integers are unbounded; the evaluator's overflow at 2^63. The witness of
  // this ambiguity overflows in the evaluator, so the replay does not show the conflict.
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact n: int in 1000000000000000000..2000000000000000000 "a huge number"
decision d: bool default false
rule r.big "Wet X, art. 1"
  when n * 10 > n
  then d = true
rule r.positive "Wet X, art. 2"
  when n >= 1000000000000000000
  then d = false
)L"}});
  INFO(checked->Dump());
  auto failed = checked->Of(Kind::kWitnessDidNotReplay);
  REQUIRE(failed.size() == 1);
  CHECK(std::string(loket::diag::Info(failed[0]->kind).code) == "L514");
  CHECK(failed[0]->message.find("L501") != std::string::npos);
  CHECK(failed[0]->witnesses.size() == 1);
}

TEST_CASE("the parent's witness of L504 holds only the parent's facts", "[analysis]") {
  auto checked = Check({{"national.loket", kNational}, {"havenstad.loket", Local(R"L(
fact local_course_done: bool "finished the local course"
rule hs.fewer "Beleidsregel (test)"
  when category == status_holder and local_course_done
  then hours = 400
)L")}});
  INFO(checked->Dump());
  REQUIRE(checked->Codes() == std::vector<std::string>{"L504"});
  const auto* d = checked->Of(Kind::kLessFavourable)[0];
  REQUIRE(d->witnesses.size() == 2);
  CHECK(d->witnesses[0].case_yaml.find("local_course_done: true") != std::string::npos);
  CHECK(d->witnesses[1].jurisdiction == "national");
  CHECK(d->witnesses[1].case_yaml.find("local_course_done") == std::string::npos);
  CHECK(d->witnesses[1].replay.find("hours = 800") != std::string::npos);
}

TEST_CASE("L508 on a national rule a municipality defeats asks to narrow the local exception",
          "[analysis]") {
  auto checked = Check({{"national.loket", kNational}, {"havenstad.loket", Local(R"L(
rule hs.all_status_holders "Beleidsregel (test)"
  exception to wi.hours
  when category == status_holder
  then hours = 1000
)L")}});
  INFO(checked->Dump());
  auto shadowed = checked->Of(Kind::kShadowedRule);
  REQUIRE(shadowed.size() == 1);
  const auto* d = shadowed[0];
  CHECK(d->layer == "havenstad");
  REQUIRE(d->help.size() == 1);
  CHECK(d->help[0].find("remove the rule") == std::string::npos);
  CHECK(d->help[0].find("narrow the local exception `hs.all_status_holders`") != std::string::npos);
  CHECK(d->help[0].find("not this municipality's to change") != std::string::npos);
}

TEST_CASE("witness values look like a person's: inside the range, round, not at its ends",
          "[analysis]") {
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact income: money in €0..€100000 "monthly income"
fact age: int in 0..130 "age"
decision support: bool default false "support"
rule r.low "Wet X, art. 1"
  when income < €2000
  then support = true
rule r.young "Wet X, art. 2"
  when age < 30
  then support = false
)L"}});
  INFO(checked->Dump());
  REQUIRE(checked->Codes() == std::vector<std::string>{"L501"});
  const auto& w = checked->findings.at(0).witnesses.at(0);
  CHECK(w.date == "2025-01-01");
  // Not a cent, not a newborn: the lower band of each range, in round numbers.
  CHECK(w.case_yaml.find("income: 1000.00\n") != std::string::npos);
  CHECK(w.case_yaml.find("age: 20\n") != std::string::npos);
}
