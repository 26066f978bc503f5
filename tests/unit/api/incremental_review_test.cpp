// Review: IncrementalChecker's per-layer analysis cache is keyed by the layer's chain (the layer
// and the layers above), but a layer's findings also depend on the chains below (L507
// AppliesBelow, L508 WinsBelow).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../coaching_rules.h"
#include "loket/checker.h"
#include "loket/rule_base.h"

using loket::testing::CoachingMunicipality;
using loket::testing::CodesAndLayers;
using loket::testing::kCoachingNational;

TEST_CASE(
    "IncrementalChecker review: a municipality's edit changes whether a national rule can "
    "apply below",
    "[api][review3]") {
  loket::LoadOptions options;
  options.threads = 1;
  loket::IncrementalChecker checker(options);
  for (int hours : {5, 20, 5}) {
    INFO("delft decides " << hours << " hours");
    const std::vector<loket::SourceText> sources = {
        {"national.loket", kCoachingNational},
        {"delft.loket", CoachingMunicipality("delft", hours)}};
    loket::RuleBase checked = checker.Check(sources);
    loket::RuleBase fresh = loket::RuleBase::FromSources(sources, options);
    CHECK(CodesAndLayers(fresh.diagnostics(), "L507") ==
          (hours > 10 ? std::vector<std::string>{} : std::vector<std::string>{"L507 national"}));
    CHECK(CodesAndLayers(checked.diagnostics(), "L5") == CodesAndLayers(fresh.diagnostics(), "L5"));
  }
}

TEST_CASE(
    "IncrementalChecker review: a law's new title is not in a unit's key, so a finding keeps the "
    "old citation",
    "[api][review3]") {
  // nl.never can never apply (L507); its message cites it with the law's title (Cite ->
  // CitationText). The law declaration is in no cone and not in the chain's frame; the titles
  // have the same length, so no declaration after it moves (places are in the keys).
  auto sources = [](const std::string& title) {
    return std::vector<loket::SourceText>{{"national.loket",
                                           "layer national \"Nederland\"\n\n"
                                           "law wet \"" +
                                               title +
                                               "\" bwb BWBR0044770\n\n"
                                               "fact age: int in 0..130 \"age in full years\"\n\n"
                                               "domain d \"D\" {\n"
                                               "  decision flag: bool default false \"flag\"\n}\n\n"
                                               "rule nl.never [wet art 1]\n"
                                               "  when age > 100 and age < 50\n"
                                               "  then flag = true\n"}};
  };
  loket::LoadOptions options;
  options.threads = 1;
  loket::IncrementalChecker checker(options);
  for (const char* title : {"Wet coaching", "Wet trajects"}) {
    INFO("law title " << title);
    loket::RuleBase checked = checker.Check(sources(title));
    loket::RuleBase fresh = loket::RuleBase::FromSources(sources(title), options);
    std::vector<std::string> got, want;
    for (const loket::Diagnostic& d : checked.diagnostics())
      got.push_back(d.code + " " + d.message);
    for (const loket::Diagnostic& d : fresh.diagnostics()) want.push_back(d.code + " " + d.message);
    REQUIRE(CodesAndLayers(fresh.diagnostics(), "L507").size() == 1);
    CHECK(got == want);
  }
}
