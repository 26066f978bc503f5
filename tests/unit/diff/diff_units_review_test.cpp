// Review of `loket diff` analysing only the units that differ (src/api/diff.cpp CheckPair):
// cases where its new findings are not those of analysing OLD and NEW in full and comparing.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "loket/diff.h"
#include "loket/rule_base.h"

namespace {

// National rule `nl.bonus` reads `coaching_hours`, which only municipalities decide: in the
// national chain it can never apply (the default 0), but it can in a municipality's chain
// that decides more than 10 hours, so it is not dead (L507 AppliesBelow).
const char* const kNational = R"(layer national "Nederland"

fact age: int in 0..130 "age in full years"

domain coaching "Coaching" {
  decision coaching_hours: int in 0..100 default 0 delegated to municipality within 0..40 "coaching hours"
  decision coaching_bonus: bool default false "coaching bonus"
}

rule nl.bonus "Wet coaching, art. 1"
  when coaching_hours > 10
  then coaching_bonus = true
)";

std::string Municipality(const std::string& name, int hours) {
  return "layer municipality " + name + " \"Gemeente " + name +
         "\" under national\n\n"
         "rule local.coaching \"Verordening coaching " +
         name +
         ", art. 1\"\n"
         "  when age >= 18\n"
         "  then coaching_hours = " +
         std::to_string(hours) + "\n";
}

std::vector<std::string> Codes(const std::vector<loket::Diagnostic>& diagnostics,
                               const std::string& prefix) {
  std::vector<std::string> codes;
  for (const loket::Diagnostic& d : diagnostics) {
    if (d.code.rfind(prefix, 0) == 0) codes.push_back(d.code + " " + d.layer);
  }
  return codes;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "; ";
  return out;
}

}  // namespace

TEST_CASE(
    "diff review: a national unit analysed without the unchanged municipalities below reports a "
    "rule dead that is not",
    "[diff][review3]") {
  // amsterdam is the same on both sides and decides 20 hours, so nl.bonus can apply in its
  // chain on both sides. delft goes from 20 hours to 5. Analysed in full, neither side has an
  // L507; CheckPair analyses national's unit over the changed layers alone (national, delft),
  // where NEW's nl.bonus applies in no chain.
  const std::vector<loket::SourceText> old_sources = {
      {"national.loket", kNational},
      {"amsterdam.loket", Municipality("amsterdam", 20)},
      {"delft.loket", Municipality("delft", 20)}};
  const std::vector<loket::SourceText> new_sources = {
      {"national.loket", kNational},
      {"amsterdam.loket", Municipality("amsterdam", 20)},
      {"delft.loket", Municipality("delft", 5)}};
  loket::LoadOptions options;
  options.threads = 1;
  loket::RuleBase full_old = loket::RuleBase::FromSources(old_sources, options);
  loket::RuleBase full_new = loket::RuleBase::FromSources(new_sources, options);
  REQUIRE_FALSE(full_old.has_errors());
  REQUIRE_FALSE(full_new.has_errors());
  // In full, NEW has no L507 (nl.bonus applies in amsterdam's chain).
  REQUIRE(Codes(full_new.diagnostics(), "L507").empty());
  REQUIRE(Codes(full_old.diagnostics(), "L507").empty());

  loket::RuleBasePair pair = loket::CheckPair(old_sources, new_sources, options);
  loket::DiffOptions diff_options;
  diff_options.on = "2025-03-01";
  loket::Result<loket::RuleBaseDiff> diff = loket::DiffRuleBases(pair, diff_options);
  REQUIRE(diff.ok());
  INFO("new findings: " << Join(Codes(diff->new_findings, "L5")));
  CHECK(Codes(pair.new_findings, "L5").empty());
  CHECK(Codes(diff->new_findings, "L5").empty());
}

TEST_CASE(
    "diff review: removing the only municipality where a national rule can apply makes it dead, "
    "a new finding",
    "[diff][review3]") {
  // OLD: amsterdam decides 20 hours, so nl.bonus can apply in its chain; delft decides 5.
  // NEW: amsterdam is gone, nothing else changed. Analysed in full, NEW has L507 on nl.bonus
  // and OLD has not. No layer of NEW has a chain that differs, so CheckPair analyses nothing
  // (the CheckPair before 5fca059 did not either: national's chain is unchanged).
  const std::vector<loket::SourceText> old_sources = {
      {"national.loket", kNational},
      {"amsterdam.loket", Municipality("amsterdam", 20)},
      {"delft.loket", Municipality("delft", 5)}};
  const std::vector<loket::SourceText> new_sources = {{"national.loket", kNational},
                                                      {"delft.loket", Municipality("delft", 5)}};
  loket::LoadOptions options;
  options.threads = 1;
  loket::RuleBase full_old = loket::RuleBase::FromSources(old_sources, options);
  loket::RuleBase full_new = loket::RuleBase::FromSources(new_sources, options);
  REQUIRE_FALSE(full_old.has_errors());
  REQUIRE_FALSE(full_new.has_errors());
  REQUIRE(Codes(full_old.diagnostics(), "L507").empty());
  REQUIRE(Codes(full_new.diagnostics(), "L507") == std::vector<std::string>{"L507 national"});

  loket::RuleBasePair pair = loket::CheckPair(old_sources, new_sources, options);
  loket::DiffOptions diff_options;
  diff_options.on = "2025-03-01";
  loket::Result<loket::RuleBaseDiff> diff = loket::DiffRuleBases(pair, diff_options);
  REQUIRE(diff.ok());
  CHECK(Codes(diff->new_findings, "L5") == std::vector<std::string>{"L507 national"});
}
