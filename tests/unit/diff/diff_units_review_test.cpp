// Review of `loket diff` analysing only the units that differ (src/api/diff.cpp CheckPair):
// cases where its new findings are not those of analysing OLD and NEW in full and comparing.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../coaching_rules.h"
#include "loket/diff.h"
#include "loket/rule_base.h"

namespace {

using loket::testing::CoachingMunicipality;
using loket::testing::CodesAndLayers;
using loket::testing::kCoachingNational;

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "; ";
  return out;
}

// The L507s of OLD and NEW each checked in full, and the new findings (L5xx) of their diff.
struct Compared {
  std::vector<std::string> full_old, full_new, pair_new, diff_new;
};

Compared Compare(const std::vector<loket::SourceText>& old_sources,
                 const std::vector<loket::SourceText>& new_sources) {
  loket::LoadOptions options;
  options.threads = 1;
  loket::RuleBase full_old = loket::RuleBase::FromSources(old_sources, options);
  loket::RuleBase full_new = loket::RuleBase::FromSources(new_sources, options);
  REQUIRE_FALSE(full_old.has_errors());
  REQUIRE_FALSE(full_new.has_errors());
  loket::RuleBasePair pair = loket::CheckPair(old_sources, new_sources, options);
  loket::DiffOptions diff_options;
  diff_options.on = "2025-03-01";
  loket::Result<loket::RuleBaseDiff> diff = loket::DiffRuleBases(pair, diff_options);
  REQUIRE(diff.ok());
  return {CodesAndLayers(full_old.diagnostics(), "L507"),
          CodesAndLayers(full_new.diagnostics(), "L507"), CodesAndLayers(pair.new_findings, "L5"),
          CodesAndLayers(diff->new_findings, "L5")};
}

}  // namespace

TEST_CASE(
    "diff review: a national unit analysed without the unchanged municipalities below reports a "
    "rule dead that is not",
    "[diff][review3]") {
  // amsterdam is the same on both sides and decides 20 hours, so nl.bonus can apply in its
  // chain on both sides. delft goes from 20 hours to 5. Analysed in full, neither side has an
  // L507. Before 8fccf06, CheckPair analysed national's unit over the changed layers alone
  // (national, delft), where NEW's nl.bonus applies in no chain: a false new L507.
  const Compared compared = Compare({{"national.loket", kCoachingNational},
                                     {"amsterdam.loket", CoachingMunicipality("amsterdam", 20)},
                                     {"delft.loket", CoachingMunicipality("delft", 20)}},
                                    {{"national.loket", kCoachingNational},
                                     {"amsterdam.loket", CoachingMunicipality("amsterdam", 20)},
                                     {"delft.loket", CoachingMunicipality("delft", 5)}});
  // In full, NEW has no L507 (nl.bonus applies in amsterdam's chain).
  REQUIRE(compared.full_new.empty());
  REQUIRE(compared.full_old.empty());
  INFO("new findings: " << Join(compared.diff_new));
  CHECK(compared.pair_new.empty());
  CHECK(compared.diff_new.empty());
}

TEST_CASE(
    "diff review: removing the only municipality where a national rule can apply makes it dead, "
    "a new finding",
    "[diff][review3]") {
  // OLD: amsterdam decides 20 hours, so nl.bonus can apply in its chain; delft decides 5.
  // NEW: amsterdam is gone, nothing else changed. Analysed in full, NEW has L507 on nl.bonus
  // and OLD has not. No layer of NEW has a chain that differs, so CheckPair analyses nothing
  // (the CheckPair before 5fca059 did not either: national's chain is unchanged).
  const Compared compared = Compare(
      {{"national.loket", kCoachingNational},
       {"amsterdam.loket", CoachingMunicipality("amsterdam", 20)},
       {"delft.loket", CoachingMunicipality("delft", 5)}},
      {{"national.loket", kCoachingNational}, {"delft.loket", CoachingMunicipality("delft", 5)}});
  REQUIRE(compared.full_old.empty());
  REQUIRE(compared.full_new == std::vector<std::string>{"L507 national"});
  CHECK(compared.diff_new == std::vector<std::string>{"L507 national"});
}
