// loket diff (loket/diff.h): structural equality without the solver, proved equality,
// witnesses replayed on both sides, periods, new findings, populations and the witness suites.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "loket/diff.h"
#include "loket/testing.h"

namespace {

using loket::DecisionDiff;
using loket::DiffVerdict;
using loket::RuleBaseDiff;

std::string National(const std::string& condition = "age >= 16 and residence == asylum_fixed",
                     const std::string& rule_id = "wi.duty", const std::string& extra = "") {
  return R"(layer national "Nederland"

enum Residence "residence status" {
  asylum_fixed "asylum permit for a fixed period",
  eu_free_movement "EU citizen",
  none "no lawful stay"
}

enum Service "where the desk sends the person next" {
  integration_intake "broad intake",
  integration_course "integration course"
}

fact age: int in 0..130 "age in full years"
fact residence: Residence "residence status"

domain integration "Inburgering" {
  decision integration_duty: bool default false closed "obliged to integrate"
}

domain referrals "Doorverwijzingen" {
  decision referrals: set of Service collect delegated to municipality "referrals"
}

rule )" + rule_id +
         R"( "Wet inburgering 2021, art. 3 lid 1"
  when )" +
         condition +
         R"(
  then integration_duty = true

rule ref.integration_intake "Wet inburgering 2021, art. 14"
  when integration_duty
  then referrals += {integration_intake}
)" + extra;
}

const char* kWestland =
    R"(layer municipality westland "Gemeente Westland" under national code GM1783

rule ws.course "Wet inburgering 2021, art. 16"
  when integration_duty
  then referrals += {integration_course}
)";

std::vector<loket::SourceText> Sources(const std::string& national,
                                       const std::string& westland = kWestland) {
  return {{"national.loket", national}, {"westland.loket", westland}};
}

RuleBaseDiff Diff(const std::vector<loket::SourceText>& old_sources,
                  const std::vector<loket::SourceText>& new_sources,
                  loket::DiffOptions options = {}) {
  if (options.on.empty() && options.from.empty()) options.on = "2025-03-01";
  loket::RuleBasePair pair = loket::CheckPair(old_sources, new_sources);
  loket::Result<RuleBaseDiff> diff = loket::DiffRuleBases(pair, options);
  REQUIRE(diff.ok());
  return std::move(diff).value();
}

const DecisionDiff& Find(const RuleBaseDiff& diff, const std::string& jurisdiction,
                         const std::string& decision) {
  for (const DecisionDiff& d : diff.decisions) {
    if (d.jurisdiction == jurisdiction && d.decision == decision) return d;
  }
  FAIL("no " << jurisdiction << " · " << decision);
  return diff.decisions.front();
}

}  // namespace

TEST_CASE("diff: identical rule bases are equal without the solver", "[diff]") {
  RuleBaseDiff diff = Diff(Sources(National()), Sources(National()));
  CHECK(diff.Unchanged());
  CHECK(diff.stats.decisions == 4);
  CHECK(diff.stats.structurally_same == 4);
  CHECK(diff.stats.solver_queries == 0);
}

TEST_CASE("diff: a changed threshold gives replayed witnesses on both sides", "[diff]") {
  RuleBaseDiff diff =
      Diff(Sources(National()), Sources(National("age >= 18 and residence == asylum_fixed")));
  CHECK_FALSE(diff.Unchanged());
  const DecisionDiff& duty = Find(diff, "westland", "integration_duty");
  REQUIRE(duty.verdict == DiffVerdict::kChanged);
  CHECK(duty.changes == std::vector<std::string>{"rule national.wi.duty (changed)"});
  REQUIRE(!duty.witnesses.empty());
  const loket::DiffWitness& w = duty.witnesses.front();
  // Only 16 and 17 year old status holders lose the duty.
  CHECK((w.facts_read_yaml.find("age: 16") != std::string::npos ||
         w.facts_read_yaml.find("age: 17") != std::string::npos));
  CHECK(w.facts_read_yaml.find("residence: asylum_fixed") != std::string::npos);
  CHECK(w.old_answer.value == "true");
  CHECK(w.old_answer.rules == std::vector<std::string>{"national.wi.duty"});
  CHECK(w.old_answer.citations == std::vector<std::string>{"Wet inburgering 2021, art. 3 lid 1"});
  CHECK(w.new_answer.value == "false");
  CHECK(w.new_answer.status == "default");
  // The referrals follow the duty: a second decision changed by the same rule.
  CHECK(Find(diff, "westland", "referrals").verdict == DiffVerdict::kChanged);
  CHECK(diff.stats.changed == 4);
}

TEST_CASE("diff: a renamed rule is proved to change no answer", "[diff]") {
  RuleBaseDiff diff =
      Diff(Sources(National()),
           Sources(National("age >= 16 and residence == asylum_fixed", "wi.integration_duty")));
  CHECK(diff.Unchanged());
  const DecisionDiff& duty = Find(diff, "national", "integration_duty");
  CHECK(duty.verdict == DiffVerdict::kProvedSame);
  CHECK(duty.changes == std::vector<std::string>{"rule national.wi.duty (removed)",
                                                 "rule national.wi.integration_duty (added)"});
  CHECK(diff.stats.proved_same == 4);
  CHECK(diff.stats.solver_queries >= 1);
}

TEST_CASE("diff: a rule in force only later changes nothing on the date, but over the period",
          "[diff]") {
  const std::string later = R"(
rule wi.duty_2026 "Wet inburgering 2021, art. 3 lid 1"
  valid from 2026-01-01
  when age >= 16 and residence == eu_free_movement
  then integration_duty = true
)";
  auto old_sources = Sources(National());
  auto new_sources = Sources(National("age >= 16 and residence == asylum_fixed", "wi.duty", later));
  RuleBaseDiff on_date = Diff(old_sources, new_sources);
  CHECK(on_date.Unchanged());
  CHECK(on_date.stats.structurally_same == 4);

  loket::DiffOptions period;
  period.from = "2025-01-01";
  period.until = "2026-12-31";
  RuleBaseDiff over = Diff(old_sources, new_sources, period);
  const DecisionDiff& duty = Find(over, "national", "integration_duty");
  REQUIRE(duty.verdict == DiffVerdict::kChanged);
  REQUIRE(!duty.witnesses.empty());
  CHECK(duty.witnesses.front().date >= "2026-01-01");
  CHECK(duty.witnesses.front().date <= "2026-12-31");
  CHECK(duty.witnesses.front().new_answer.rules ==
        std::vector<std::string>{"national.wi.duty_2026"});
}

TEST_CASE("diff: over a period, a change in the earlier of two versions is seen", "[diff]") {
  // §6: two versions share an id; the cone has one entry per version, so the later one does
  // not hide a change in the earlier one.
  const auto versions = [](const std::string& first_condition) {
    return std::string(R"L(
rule wi.extra "Wet inburgering 2021, art. 3 lid 2 (old)"
  valid until 2026-01-01
  when )L") +
           first_condition + R"L(
  then integration_duty = true
rule wi.extra "Wet inburgering 2021, art. 3 lid 2 (new)"
  valid from 2026-01-01
  when age >= 18 and residence == none
  then integration_duty = true
)L";
  };
  auto old_sources = Sources(National("age >= 16 and residence == asylum_fixed", "wi.duty",
                                      versions("age >= 18 and residence == none")));
  auto new_sources = Sources(National("age >= 16 and residence == asylum_fixed", "wi.duty",
                                      versions("age >= 21 and residence == none")));
  loket::DiffOptions period;
  period.from = "2025-12-01";
  period.until = "2026-02-01";
  RuleBaseDiff over = Diff(old_sources, new_sources, period);
  const DecisionDiff& duty = Find(over, "national", "integration_duty");
  REQUIRE(duty.verdict == DiffVerdict::kChanged);
  REQUIRE(!duty.witnesses.empty());
  CHECK(duty.witnesses.front().date < "2026-01-01");
}

TEST_CASE("diff: reordered enum members cannot be compared and say so", "[diff]") {
  std::string swapped = National();
  std::string from =
      "  asylum_fixed \"asylum permit for a fixed period\",\n  eu_free_movement \"EU citizen\",";
  std::string to =
      "  eu_free_movement \"EU citizen\",\n  asylum_fixed \"asylum permit for a fixed period\",";
  REQUIRE(swapped.find(from) != std::string::npos);
  swapped.replace(swapped.find(from), from.size(), to);
  RuleBaseDiff diff = Diff(Sources(National()), Sources(swapped));
  const DecisionDiff& duty = Find(diff, "national", "integration_duty");
  CHECK(duty.verdict == DiffVerdict::kUndetermined);
  CHECK(duty.reason.find("residence") != std::string::npos);
  CHECK_FALSE(diff.Unchanged());
}

TEST_CASE("diff: a rule base with errors is not compared", "[diff]") {
  RuleBaseDiff diff = Diff(Sources(National()), Sources(National("age >= 16 and nonsense")));
  CHECK(diff.old_clean);
  CHECK_FALSE(diff.new_clean);
  REQUIRE(!diff.new_errors.empty());
  CHECK(diff.new_errors.front().code == "L201");
  CHECK(diff.decisions.empty());
  CHECK_FALSE(diff.Unchanged());
  CHECK(loket::RenderDiff(diff, loket::DiffFormat::kText).find("does not check clean") !=
        std::string::npos);
}

TEST_CASE("diff: bad dates and unknown jurisdictions are refused", "[diff]") {
  loket::RuleBasePair pair = loket::CheckPair(Sources(National()), Sources(National()));
  loket::DiffOptions options;
  options.on = "2025-02-30";
  CHECK(loket::DiffRuleBases(pair, options).status().code() == loket::StatusCode::kInvalidArgument);
  options.on = "2025-02-01";
  options.jurisdiction = "atlantis";
  CHECK(loket::DiffRuleBases(pair, options).status().code() == loket::StatusCode::kNotFound);
  options.jurisdiction = "GM1783";  // by CBS code
  auto only = loket::DiffRuleBases(pair, options);
  REQUIRE(only.ok());
  CHECK(only->stats.jurisdictions == 1);
}

namespace {

const char* kHousingNational = R"loket(layer national "Nederland"

enum Category "migrant category" {
  status_holder "asylum status holder",
  other "other"
}

fact category: Category "migrant category"
fact in_taakstelling: bool "counted in the taakstelling (Hw2014 art. 28-29)"
fact passed_b1_exam: bool "passed the integration exam at level B1 (Wi2021 art. 7)"

domain housing "Wonen" {
  decision housing_offer: bool default false delegated to municipality favours true "housing"
}

rule hw.statusholder_housing "Huisvestingswet 2014, art. 28"
  when category == status_holder and in_taakstelling
  then housing_offer = true
)loket";

const char* kDijkstadBefore =
    R"loket(layer municipality dijkstad "Gemeente Dijkstad" under national code GM9902

rule ds.housing_other "Huisvestingsverordening Dijkstad (test)"
  when category == other and in_taakstelling
  then housing_offer = true
)loket";

}  // namespace

TEST_CASE("diff: an amendment that takes away a national right is a new finding", "[diff]") {
  std::string after = std::string(kDijkstadBefore) + R"loket(
rule ds.housing_after_b1 "Huisvestingsverordening Dijkstad (test)"
  when category == status_holder and in_taakstelling and not passed_b1_exam
  then housing_offer = false
)loket";
  RuleBaseDiff diff =
      Diff({{"national.loket", kHousingNational}, {"dijkstad.loket", kDijkstadBefore}},
           {{"national.loket", kHousingNational}, {"dijkstad.loket", after}});
  REQUIRE(diff.new_clean);
  REQUIRE(diff.new_findings.size() == 1);
  CHECK(diff.new_findings.front().code == "L504");
  const DecisionDiff& housing = Find(diff, "dijkstad", "housing_offer");
  REQUIRE(housing.verdict == DiffVerdict::kChanged);
  REQUIRE(!housing.witnesses.empty());
  CHECK(housing.witnesses.front().old_answer.value == "true");
  CHECK(housing.witnesses.front().new_answer.rules ==
        std::vector<std::string>{"dijkstad.ds.housing_after_b1"});
  // New findings come first in every report.
  std::string text = loket::RenderDiff(diff, loket::DiffFormat::kMarkdown);
  REQUIRE(text.find("New findings") != std::string::npos);
  CHECK(text.find("New findings") < text.find("Answers that change"));
  CHECK(text.find("L504") != std::string::npos);
}

TEST_CASE("diff: findings OLD already had are not new, wherever they moved", "[diff]") {
  // The same finding three lines further down is not new.
  std::string dead = R"(
rule ws.never "Wet inburgering 2021, art. 16"
  when age > 120 and age < 18
  then referrals += {integration_course}
)";
  RuleBaseDiff moved_diff = Diff(Sources(National(), std::string(kWestland) + dead),
                                 Sources(National(), std::string(kWestland) + "\n\n\n" + dead));
  CHECK(moved_diff.new_findings.empty());
  RuleBaseDiff added =
      Diff(Sources(National()), Sources(National(), std::string(kWestland) + dead));
  REQUIRE(added.new_findings.size() == 1);
  CHECK(added.new_findings.front().code == "L507");
}

TEST_CASE("diff: a population is counted under both rule bases", "[diff]") {
  loket::RuleBasePair pair = loket::CheckPair(
      Sources(National()), Sources(National("age >= 18 and residence == asylum_fixed")));
  std::istringstream records(
      "{\"age\": 17, \"residence\": \"asylum_fixed\", \"gemeente\": \"westland\"}\n"
      "{\"age\": 30, \"residence\": \"asylum_fixed\", \"gemeente\": \"westland\"}\n"
      "\n"
      "{\"age\": 16, \"residence\": \"asylum_fixed\", \"gemeente\": \"national\"}\n"
      "{\"age\": 16, \"residence\": \"eu_free_movement\", \"gemeente\": \"westland\"}\n"
      "{\"age\": 17, \"residence\": \"martian\", \"gemeente\": \"westland\"}\n"
      "{\"age\": 17, \"residence\": \"asylum_fixed\", \"gemeente\": \"westland\"}\n");
  loket::PopulationOptions options;
  options.jurisdiction_field = "gemeente";
  options.on = "2025-03-01";
  options.example_records = 1;
  auto counted = loket::CountChanges(pair.old_rules, pair.new_rules, records, options);
  REQUIRE(counted.ok());
  CHECK(counted->records == 6);
  CHECK(counted->changed_records == 3);  // records 1, 4 and 7 (line numbers)
  CHECK(counted->failed_old == 1);
  CHECK(counted->failed_new == 1);
  CHECK(counted->failing_differently_count == 0);
  REQUIRE(counted->changes.size() == 4);
  const loket::AnswerChange& first = counted->changes.front();
  CHECK(first.jurisdiction == "national");
  CHECK(first.decision == "integration_duty");
  CHECK(first.from == "true");
  CHECK(first.to == "false");
  CHECK(first.count == 1);
  CHECK(first.records == std::vector<std::int64_t>{4});
  const loket::AnswerChange& westland = counted->changes[2];
  CHECK(westland.jurisdiction == "westland");
  CHECK(westland.decision == "integration_duty");
  CHECK(westland.count == 2);
  CHECK(westland.records == std::vector<std::int64_t>{1});  // example_records = 1
  CHECK(counted->changes[3].from == "{integration_intake, integration_course}");
  CHECK(counted->changes[3].to == "{}");
}

TEST_CASE("diff: the witnesses become a test suite that NEW passes", "[diff]") {
  std::vector<loket::SourceText> new_sources =
      Sources(National("age >= 18 and residence == asylum_fixed"));
  RuleBaseDiff diff = Diff(Sources(National()), new_sources);
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("loket-diff-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto written = loket::WriteDiffWitnessSuites(diff, dir.string());
  REQUIRE(written.ok());
  REQUIRE(written->size() == 2);  // national and westland
  loket::LoadOptions no_analysis;
  no_analysis.analyze_conflicts = false;
  loket::RuleBase rules = loket::RuleBase::FromSources(new_sources, no_analysis);
  auto report = loket::RunTests(rules, {dir.string()});
  REQUIRE(report.ok());
  CHECK(report->failed == 0);
  CHECK(report->passed == 4);
  // ... and OLD fails every case: the suite pins the change.
  loket::RuleBase old_rules = loket::RuleBase::FromSources(Sources(National()), no_analysis);
  auto old_report = loket::RunTests(old_rules, {dir.string()});
  REQUIRE(old_report.ok());
  CHECK(old_report->passed == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("diff: the JSON report carries verdicts and witnesses", "[diff]") {
  RuleBaseDiff diff =
      Diff(Sources(National()), Sources(National("age >= 18 and residence == asylum_fixed")));
  std::string json = loket::RenderDiff(diff, loket::DiffFormat::kJson);
  CHECK(json.find("\"verdict\": \"changed\"") != std::string::npos);
  CHECK(json.find("\"unchanged\": false") != std::string::npos);
  std::string html = loket::RenderDiff(diff, loket::DiffFormat::kHtml);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("Because of: rule national.wi.duty (changed)") != std::string::npos);
}

TEST_CASE("diff: a solver limit makes a changed decision undetermined, never equal", "[diff]") {
  loket::DiffOptions options;
  options.solver_rlimit = 1;  // deterministic: no query can finish
  RuleBaseDiff diff = Diff(Sources(National()),
                           Sources(National("age >= 18 and residence == asylum_fixed")), options);
  const DecisionDiff& duty = Find(diff, "national", "integration_duty");
  CHECK(duty.verdict == DiffVerdict::kUndetermined);
  CHECK(duty.reason.find("resource limit") != std::string::npos);
  CHECK_FALSE(diff.Unchanged());
  CHECK(diff.stats.undetermined == 4);
  CHECK(loket::RenderDiff(diff, loket::DiffFormat::kText).find("Undetermined:") !=
        std::string::npos);
}

TEST_CASE("diff: records one side refuses are counted apart", "[diff]") {
  // NEW asks a fact OLD did not have: every record without it is refused by NEW only.
  std::string national = National("age >= 16 and residence == asylum_fixed and not exempt",
                                  "wi.duty", "\nfact exempt: bool \"exempted by DUO\"\n");
  loket::RuleBasePair pair = loket::CheckPair(Sources(National()), Sources(national));
  REQUIRE_FALSE(pair.new_rules.has_errors());
  std::istringstream records(
      "{\"age\": 17, \"residence\": \"asylum_fixed\"}\n"
      "{\"age\": 30, \"residence\": \"none\"}\n");
  loket::PopulationOptions options;
  options.jurisdiction = "westland";
  options.on = "2025-03-01";
  auto counted = loket::CountChanges(pair.old_rules, pair.new_rules, records, options);
  REQUIRE(counted.ok());
  CHECK(counted->records == 2);
  CHECK(counted->failed_old == 0);
  CHECK(counted->failed_new == 2);
  CHECK(counted->failing_differently_count == 2);
  REQUIRE(counted->failing_differently.size() == 2);
  CHECK(counted->failing_differently[0].first == 1);
  CHECK(counted->failing_differently[0].second.find("exempt") != std::string::npos);
  CHECK(counted->changes.empty());
}

TEST_CASE("diff: a new enum member is a change for the people it names", "[diff]") {
  std::string widened = National("age >= 16 and residence in {asylum_fixed, asylum_permanent}");
  const std::string last = "  none \"no lawful stay\"\n";
  REQUIRE(widened.find(last) != std::string::npos);
  widened.replace(widened.find(last), last.size(),
                  "  none \"no lawful stay\",\n  asylum_permanent \"asylum permit, permanent\"\n");
  RuleBaseDiff diff = Diff(Sources(National()), Sources(widened));
  const DecisionDiff& duty = Find(diff, "national", "integration_duty");
  REQUIRE(duty.verdict == DiffVerdict::kChanged);
  bool refused_before = false;
  for (const loket::DiffWitness& w : duty.witnesses) {
    CHECK(w.case_yaml.find("residence: asylum_permanent") != std::string::npos);
    if (w.old_answer.status == "refused" && w.new_answer.value == "true") refused_before = true;
  }
  CHECK(refused_before);
}

TEST_CASE("diff: the conflict analysis runs only where a layer's chain differs", "[diff]") {
  loket::RuleBasePair same = loket::CheckPair(Sources(National()), Sources(National()));
  CHECK(same.layers_analyzed == 0);
  std::string dead = R"(
rule ws.never "Wet inburgering 2021, art. 16"
  when age > 120 and age < 18
  then referrals += {integration_course}
)";
  loket::RuleBasePair changed =
      loket::CheckPair(Sources(National()), Sources(National(), std::string(kWestland) + dead));
  // Only the units of `referrals`, which the new rule decides, differ: westland's, and
  // national's, whose rules read a decision and so are asked about in westland's chain too
  // (L507, L508), where `referrals` now has another rule. Each on both sides.
  CHECK(changed.layers_analyzed == 4);
  CHECK(changed.units_analyzed == 4);
  CHECK(changed.old_findings.empty());
  REQUIRE(changed.new_findings.size() == 1);
  CHECK(changed.new_findings.front().code == "L507");
  CHECK(changed.new_findings.front().layer == "westland");
}

TEST_CASE("diff: a new assumption refuses cases OLD answered", "[diff]") {
  std::string assumed = National("age >= 16 and residence == asylum_fixed", "wi.duty",
                                 "\nassume school_age: age >= 4 \"the desk sees no toddlers\"\n");
  RuleBaseDiff diff = Diff(Sources(National()), Sources(assumed));
  const DecisionDiff& duty = Find(diff, "national", "integration_duty");
  REQUIRE(duty.verdict == DiffVerdict::kChanged);
  CHECK(std::find(duty.changes.begin(), duty.changes.end(), "assume national.school_age (added)") !=
        duty.changes.end());
  REQUIRE(!duty.witnesses.empty());
  const loket::DiffWitness& w = duty.witnesses.front();
  CHECK(w.old_answer.value == "false");
  CHECK(w.new_answer.status == "refused");
  CHECK(w.new_answer.answer.find("school_age") != std::string::npos);
}

TEST_CASE("diff: a new finding is found when NEW drops a file listed before the changed one",
          "[diff]") {
  // Both sides go through one IncrementalChecker, so NEW's westland.loket keeps the file id it
  // had in OLD (2) while it is NEW's second file: the changed layer's sources are found by the
  // order the files were given, not by id.
  const char* maasland =
      R"(layer municipality maasland "Gemeente Maasland" under national code GM9903
)";
  std::string dead = R"(
rule ws.never "Wet inburgering 2021, art. 16"
  when age > 120 and age < 18
  then referrals += {integration_course}
)";
  RuleBaseDiff diff = Diff(
      {{"national.loket", National()}, {"maasland.loket", maasland}, {"westland.loket", kWestland}},
      Sources(National(), std::string(kWestland) + dead));
  REQUIRE(diff.new_clean);
  REQUIRE(diff.new_findings.size() == 1);
  CHECK(diff.new_findings.front().code == "L507");
}

TEST_CASE("diff: a new gap and a new conflict are told apart", "[diff]") {
  const std::string fees = R"(layer national "Nederland"

fact age: int in 0..130 "age in full years"

domain fees "Leges" {
  decision fee: int "the fee in euros"
}

rule fee.adult "Legesverordening, art. 1"
  when age >= 18
  then fee = 100
)";
  auto only = [](const std::string& text) {
    return std::vector<loket::SourceText>{{"national.loket", text}};
  };
  std::string raised = fees;
  raised.replace(raised.find("age >= 18"), 9, "age >= 21");
  RuleBaseDiff gap = Diff(only(fees), only(raised));
  const DecisionDiff& gap_fee = Find(gap, "national", "fee");
  REQUIRE(gap_fee.verdict == DiffVerdict::kChanged);
  REQUIRE(gap_fee.witnesses.size() == 1);
  CHECK(gap_fee.witnesses.front().change == "new_gap");  // 18 to 20: 100, then nothing
  CHECK(gap_fee.witnesses.front().new_answer.status == "gap");

  RuleBaseDiff conflict = Diff(only(fees), only(fees + R"(
rule fee.senior "Legesverordening, art. 2"
  when age >= 65
  then fee = 50
)"));
  const DecisionDiff& conflict_fee = Find(conflict, "national", "fee");
  REQUIRE(conflict_fee.verdict == DiffVerdict::kChanged);
  REQUIRE(!conflict_fee.witnesses.empty());
  CHECK(conflict_fee.witnesses.front().change == "new_conflict");
  // The reverse: OLD's gap closed.
  RuleBaseDiff back = Diff(only(raised), only(fees));
  CHECK(Find(back, "national", "fee").witnesses.front().change == "gap_closed");
  std::string text = loket::RenderDiff(gap, loket::DiffFormat::kText);
  CHECK(text.find("a new gap (NEW decides nothing), for a case on") != std::string::npos);
}

TEST_CASE("diff: a decision that no longer applies is expected not applicable in the suite",
          "[diff]") {
  const std::string fees = R"(layer national "Nederland"

fact age: int in 0..130 "age in full years"

domain fees "Leges" {
  decision fee: int default 0 "the fee in euros"
}

rule fee.adult "Legesverordening, art. 1"
  when age >= 18
  then fee = 100
)";
  std::string limited = fees;
  limited.replace(limited.find("default 0 "), 10, "default 0 applies when age < 65 ");
  std::vector<loket::SourceText> old_sources{{"national.loket", fees}};
  std::vector<loket::SourceText> new_sources{{"national.loket", limited}};
  RuleBaseDiff diff = Diff(old_sources, new_sources);
  const DecisionDiff& fee = Find(diff, "national", "fee");
  REQUIRE(fee.verdict == DiffVerdict::kChanged);
  REQUIRE(fee.witnesses.size() == 1);
  CHECK(fee.witnesses.front().change == "no_longer_applies");
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("loket-diff-na-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto written = loket::WriteDiffWitnessSuites(diff, dir.string());
  REQUIRE(written.ok());
  REQUIRE(written->size() == 1);
  std::ifstream suite(written->front());
  std::stringstream text;
  text << suite.rdbuf();
  CHECK(text.str().find("expect_not_applicable: [fee]") != std::string::npos);
  loket::LoadOptions no_analysis;
  no_analysis.analyze_conflicts = false;
  // NEW passes the case, OLD (which decides 100 for the same person) fails it.
  auto new_report =
      loket::RunTests(loket::RuleBase::FromSources(new_sources, no_analysis), {dir.string()});
  REQUIRE(new_report.ok());
  CHECK(new_report->passed == 1);
  CHECK(new_report->failed == 0);
  auto old_report =
      loket::RunTests(loket::RuleBase::FromSources(old_sources, no_analysis), {dir.string()});
  REQUIRE(old_report.ok());
  CHECK(old_report->passed == 0);
  CHECK(old_report->failed == 1);
  std::filesystem::remove_all(dir);
}
