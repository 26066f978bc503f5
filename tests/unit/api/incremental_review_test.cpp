// Review: IncrementalChecker's per-layer analysis cache is keyed by the layer's chain (the layer
// and the layers above), but a layer's findings also depend on the chains below (L507
// AppliesBelow, L508 WinsBelow).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "loket/checker.h"
#include "loket/rule_base.h"

namespace {

// National rule `nl.bonus` reads `coaching_hours`, which only municipalities decide: it can
// apply only in the chain of a municipality that decides more than 10 hours.
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

}  // namespace

TEST_CASE(
    "IncrementalChecker review: a municipality's edit changes whether a national rule can "
    "apply below",
    "[api][review3]") {
  loket::LoadOptions options;
  options.threads = 1;
  loket::IncrementalChecker checker(options);
  for (int hours : {5, 20, 5}) {
    INFO("delft decides " << hours << " hours");
    const std::vector<loket::SourceText> sources = {{"national.loket", kNational},
                                                    {"delft.loket", Municipality("delft", hours)}};
    loket::RuleBase checked = checker.Check(sources);
    loket::RuleBase fresh = loket::RuleBase::FromSources(sources, options);
    CHECK(Codes(fresh.diagnostics(), "L507") ==
          (hours > 10 ? std::vector<std::string>{} : std::vector<std::string>{"L507 national"}));
    CHECK(Codes(checked.diagnostics(), "L5") == Codes(fresh.diagnostics(), "L5"));
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
    REQUIRE(Codes(fresh.diagnostics(), "L507").size() == 1);
    CHECK(got == want);
  }
}
