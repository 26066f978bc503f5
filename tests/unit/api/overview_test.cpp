// BuildOverview and its renderings on a small two-layer rule base written for the test, plus
// one check against the real rule base in rules/.
#include <string>

#include <catch2/catch.hpp>

#include "loket/loket.h"
#include "loket/overview.h"

namespace {

const char* kNational = R"(layer national "Nederland"
fact age: int in 0..130
domain integration "Inburgering" {
  decision duty: bool default false closed "inburgeringsplicht"
  decision hours: int in 0..5000 default 0 delegated to municipality favours higher
}
rule n.duty "Wet inburgering 2021, art. 3"
  valid from 2022-01-01
  note "officer note"
  when age >= 16
  then duty = true
rule n.hours "Besluit inburgering 2021, art. 3.14"
  when duty
  then hours = 800
rule n.old "Oude regeling"
  valid until 2020-01-01
  when age >= 18
  then duty = true
)";

const char* kLocal = R"(layer municipality stad "Gemeente Stad" under national code GM9999
domain integration {
  decision welcome: bool default false "welkomstpakket"
}
rule s.hours "Gemeentewet, art. 108"
  when duty and age >= 60
  then hours = 1000
rule s.welcome "Gemeentewet, art. 108"
  then welcome = true
)";

const char* kOther = R"(layer municipality dorp "Gemeente Dorp" under national code GM9998
)";

loket::RuleBase Load() {
  loket::LoadOptions options;
  options.analyze_conflicts = false;
  return loket::RuleBase::FromSources(
      {{"national.loket", kNational}, {"stad.loket", kLocal}, {"dorp.loket", kOther}}, options);
}

const loket::OverviewDecision* Find(const loket::Overview& overview, const std::string& name) {
  for (const auto& domain : overview.domains) {
    for (const auto& decision : domain.decisions) {
      if (decision.name == name) return &decision;
    }
  }
  return nullptr;
}

loket::Date On(const char* iso) {
  return *loket::Date::Parse(iso);
}

}  // namespace

TEST_CASE("overview lists decisions per domain with the rules in force", "[api][overview]") {
  const loket::RuleBase rules = Load();
  REQUIRE_FALSE(rules.has_errors());
  auto overview = loket::BuildOverview(rules, "stad", On("2025-01-01"));
  REQUIRE(overview.ok());
  CHECK(overview->title == "Gemeente Stad");
  CHECK(overview->code == "GM9999");
  CHECK(overview->chain == std::vector<std::string>{"national", "stad"});
  REQUIRE(overview->domains.size() == 1);
  CHECK(overview->domains[0].title == "Inburgering");

  const auto* duty = Find(*overview, "duty");
  REQUIRE(duty != nullptr);
  CHECK(duty->competence == loket::OverviewCompetence::kClosed);
  CHECK(duty->default_value == "false");
  CHECK_FALSE(duty->differs_from_national);
  // n.old ended in 2020 and is left out; n.duty is in force.
  REQUIRE(duty->rules.size() == 1);
  CHECK(duty->rules[0].id == "n.duty");
  CHECK(duty->rules[0].citation == "Wet inburgering 2021, art. 3");
  CHECK(duty->rules[0].condition == "age >= 16");
  CHECK(duty->rules[0].outcome == "duty = true");
  CHECK(duty->rules[0].valid_from == "2022-01-01");
  CHECK(duty->rules[0].notes == std::vector<std::string>{"officer note"});
  CHECK_FALSE(duty->rules[0].local);

  const auto* hours = Find(*overview, "hours");
  REQUIRE(hours != nullptr);
  CHECK(hours->competence == loket::OverviewCompetence::kDelegated);
  CHECK(hours->competence_text == "delegated to municipality favours higher");
  CHECK(hours->differs_from_national);
  REQUIRE(hours->rules.size() == 2);
  CHECK(hours->rules[1].id == "s.hours");
  CHECK(hours->rules[1].local);

  const auto* welcome = Find(*overview, "welcome");
  REQUIRE(welcome != nullptr);
  CHECK(welcome->competence == loket::OverviewCompetence::kLocal);
  CHECK(welcome->differs_from_national);
  CHECK(welcome->rules[0].condition.empty());

  CHECK(overview->rules_in_force == 4);
  CHECK(overview->local_rules_in_force == 2);
  CHECK(overview->rules_not_in_force == 1);
}

TEST_CASE("overview follows the date", "[api][overview]") {
  const loket::RuleBase rules = Load();
  auto before = loket::BuildOverview(rules, "stad", On("2019-06-01"));
  REQUIRE(before.ok());
  const auto* duty = Find(*before, "duty");
  REQUIRE(duty != nullptr);
  REQUIRE(duty->rules.size() == 1);
  CHECK(duty->rules[0].id == "n.old");
  CHECK(duty->rules[0].valid_until == "2020-01-01");
}

TEST_CASE("a municipality without local rules differs in nothing", "[api][overview]") {
  const loket::RuleBase rules = Load();
  auto overview = loket::BuildOverview(rules, "dorp", On("2025-01-01"));
  REQUIRE(overview.ok());
  for (const auto& domain : overview->domains) {
    for (const auto& decision : domain.decisions) CHECK_FALSE(decision.differs_from_national);
  }
  const std::string md = loket::RenderOverviewMarkdown(*overview);
  CHECK(md.find("Nothing: the national rules apply as they are.") != std::string::npos);
  // dorp leaves the delegated `hours` to the national rule.
  CHECK(md.find("- Inburgering: `hours` (delegated to municipality favours higher)") !=
        std::string::npos);
  CHECK(Find(*overview, "welcome") == nullptr);  // stad's own decision is not dorp's
}

TEST_CASE("overview errors: unknown jurisdiction, rule base with errors", "[api][overview]") {
  const loket::RuleBase rules = Load();
  auto unknown = loket::BuildOverview(rules, "atlantis", On("2025-01-01"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == loket::StatusCode::kNotFound);

  const loket::RuleBase broken = loket::RuleBase::FromSources(
      {{"bad.loket", "layer national \"N\"\nrule x \"c\" then nothing = 1\n"}});
  REQUIRE(broken.has_errors());
  auto failed = loket::BuildOverview(broken, "national", On("2025-01-01"));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == loket::StatusCode::kInvalidArgument);
}

TEST_CASE("markdown and html renderings carry the same facts", "[api][overview]") {
  const loket::RuleBase rules = Load();
  auto overview = loket::BuildOverview(rules, "stad", On("2025-01-01"));
  REQUIRE(overview.ok());
  const std::string md = loket::RenderOverviewMarkdown(*overview);
  CHECK(md.find("# Gemeente Stad (stad, GM9999) on 2025-01-01") != std::string::npos);
  CHECK(md.find("| Inburgering | `hours` | delegated room used") != std::string::npos);
  CHECK(md.find("`s.hours` (local)") != std::string::npos);
  CHECK(md.find("`age >= 16`") != std::string::npos);
  CHECK(md.find("n.old") == std::string::npos);
  // stad uses the only delegated decision.
  CHECK(md.find("None: every delegated decision has local rules.") != std::string::npos);

  const std::string html = loket::RenderOverviewHtml(*overview);
  CHECK(html.find("<h1>Gemeente Stad (stad, GM9999) on 2025-01-01</h1>") != std::string::npos);
  CHECK(html.find("<code>age &gt;= 16</code>") != std::string::npos);
  CHECK(html.find("class=\"local\"") != std::string::npos);
}

TEST_CASE("overview of the real rule base: Westland's local rules are listed", "[api][overview]") {
  loket::LoadOptions options;
  options.analyze_conflicts = false;
  auto rules = loket::RuleBase::LoadFiles({std::string(LOKET_SOURCE_DIR) + "/rules"}, options);
  REQUIRE(rules.ok());
  REQUIRE_FALSE(rules->has_errors());
  auto overview = loket::BuildOverview(*rules, "westland", On("2025-06-01"));
  REQUIRE(overview.ok());
  CHECK(overview->code == "GM1783");
  const auto* housing_route = Find(*overview, "housing_route");
  REQUIRE(housing_route != nullptr);
  CHECK(housing_route->differs_from_national);
  bool found = false;
  for (const auto& rule : housing_route->rules) found = found || rule.id == "ws.short_stay_housing";
  CHECK(found);
  // The urgency versions: only the one in force on the date is shown.
  const auto* urgency = Find(*overview, "housing_urgency");
  REQUIRE(urgency != nullptr);
  REQUIRE(urgency->rules.size() == 1);
  CHECK(urgency->rules[0].valid_until == "2026-07-01");
}
