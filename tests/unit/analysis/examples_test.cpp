// The conflict analysis on the examples/conflicts rule bases: each folder must give exactly
// its expected L5xx finding, with witnesses that replayed.
#include <catch2/catch.hpp>

#include "analysis_helpers.h"

using loket::analysis::testing::CheckExample;
using loket::diag::Kind;

namespace {

// The finding of `kind` in `layer` that mentions every rule id.
const loket::diag::Diagnostic* Find(const loket::analysis::testing::Checked& checked, Kind kind,
                                    const std::string& layer,
                                    const std::vector<std::string>& rules) {
  for (const auto* d : checked.Of(kind)) {
    if (d->layer != layer) continue;
    std::string text = d->message;
    for (const auto& note : d->notes) text += "\n" + note.message;
    bool all = true;
    for (const auto& rule : rules) all = all && text.find(rule) != std::string::npos;
    if (all) return d;
  }
  return nullptr;
}

void ExpectOnly(const loket::analysis::testing::Checked& checked, const std::string& code) {
  INFO(checked.Dump());
  std::vector<std::string> expected{code};
  CHECK(checked.Codes() == expected);
  CHECK(checked.graph.empty());
  CHECK(checked.stats.undetermined == 0);
  // Every witness replayed as its finding claims: no L514.
  for (const auto& found : checked.Codes()) CHECK(found != "L514");
}

void ExpectReplayed(const loket::diag::Diagnostic& d, std::size_t witnesses = 1) {
  REQUIRE(d.witnesses.size() == witnesses);
  for (const auto& w : d.witnesses) {
    CHECK(!w.case_yaml.empty());
    CHECK(!w.replay.empty());
    CHECK(w.replay.find("could not replay") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("L501: two local rules decide the Z-route hours differently", "[analysis]") {
  auto checked = CheckExample("ambiguity");
  ExpectOnly(*checked, "L501");
  const auto* d =
      Find(*checked, Kind::kAmbiguity, "havenstad", {"hs.young_intensive", "hs.newcomer_standard"});
  REQUIRE(d != nullptr);
  ExpectReplayed(*d);
  CHECK(d->witnesses[0].replay.find("conflict") != std::string::npos);
  CHECK(d->witnesses[0].case_yaml.find("category: status_holder") != std::string::npos);
}

TEST_CASE("L503: a computed PIP deadline leaves the delegated range", "[analysis]") {
  auto checked = CheckExample("pip-deadline-outside-within");
  ExpectOnly(*checked, "L503");
  REQUIRE(checked->Of(Kind::kOutsideWithinCase).size() == 1);
  ExpectReplayed(*checked->Of(Kind::kOutsideWithinCase)[0]);
}

TEST_CASE("L504: an added condition on a national entitlement", "[analysis]") {
  auto checked = CheckExample("statusholder-housing-b1");
  ExpectOnly(*checked, "L504");
  const auto* d = checked->Of(Kind::kLessFavourable).at(0);
  // It names the national rule it is less favourable than, and says what that rule gives.
  CHECK(d->message.find("by rule `national.hw.statusholder_housing`") != std::string::npos);
  REQUIRE(!d->help.empty());
  CHECK(d->help[0].find("national.hw.statusholder_housing") != std::string::npos);
  CHECK(d->help[0].find("housing_offer = true") != std::string::npos);
  ExpectReplayed(*d, 2);
}

TEST_CASE("L505: an exception broader than its base rule", "[analysis]") {
  auto checked = CheckExample("exception-broader-than-base");
  ExpectOnly(*checked, "L505");
  ExpectReplayed(*checked->Of(Kind::kExceptionBroaderThanBase).at(0));
}

TEST_CASE("L506: a decision without default has a gap", "[analysis]") {
  auto checked = CheckExample("gap");
  ExpectOnly(*checked, "L506");
  const auto* d = checked->Of(Kind::kGap).at(0);
  ExpectReplayed(*d);
  CHECK(d->message.find("welcome_offer") != std::string::npos);
  CHECK(d->witnesses[0].replay.find("gap") != std::string::npos);
}

TEST_CASE("L507: a rule that no case allowed by the assumes reaches", "[analysis]") {
  auto checked = CheckExample("dead-rule");
  ExpectOnly(*checked, "L507");
  const auto* d = checked->Of(Kind::kDeadRule).at(0);
  CHECK(d->witnesses.empty());
  // The help names the part that can never hold: the two conjuncts the `assume` excludes.
  REQUIRE(d->help.size() == 1);
  CHECK(d->help[0].find("`category == eu_worker` together with `residence_basis == regular` can "
                        "never hold") != std::string::npos);
}

TEST_CASE("L508: a rule always defeated by its exception", "[analysis]") {
  auto checked = CheckExample("shadowed-rule");
  ExpectOnly(*checked, "L508");
  ExpectReplayed(*checked->Of(Kind::kShadowedRule).at(0));
}

TEST_CASE("L509: a local copy of a national rule", "[analysis]") {
  auto checked = CheckExample("restated-rule");
  ExpectOnly(*checked, "L509");
  ExpectReplayed(*checked->Of(Kind::kRestatesHigherRule).at(0));
}

TEST_CASE("L510: a local outcome that depends on nationality", "[analysis]") {
  auto checked = CheckExample("protected-criterion");
  ExpectOnly(*checked, "L510");
  const auto* d = checked->Of(Kind::kProtectedCriterion).at(0);
  ExpectReplayed(*d, 2);
  // The two cases differ only in the protected fact.
  auto lines = [](const std::string& yaml) {
    std::vector<std::string> out;
    std::string line;
    for (char c : yaml) {
      if (c == '\n') {
        out.push_back(line);
        line.clear();
      } else {
        line += c;
      }
    }
    return out;
  };
  auto a = lines(d->witnesses[0].case_yaml), b = lines(d->witnesses[1].case_yaml);
  REQUIRE(a.size() == b.size());
  int differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
  CHECK(differing == 1);
}

TEST_CASE("L511: a local exception in force before its national base", "[analysis]") {
  auto checked = CheckExample("validity-outside-base");
  ExpectOnly(*checked, "L511");
  ExpectReplayed(*checked->Of(Kind::kValidityOutsideBase).at(0));
}

TEST_CASE("L511: a local exception outliving a local base in the same municipality", "[analysis]") {
  auto checked = CheckExample("exception-outlives-local-base");
  ExpectOnly(*checked, "L511");
  const auto* d = Find(*checked, Kind::kValidityOutsideBase, "meerstad",
                       {"ms.z_route_young", "ms.z_route_extra"});
  REQUIRE(d != nullptr);
  ExpectReplayed(*d);
  CHECK(d->witnesses[0].date >= "2025-01-01");
  CHECK(d->witnesses[0].replay.find("by meerstad.ms.z_route_young") != std::string::npos);
  // A person, not the lower bound of the range: the rule reads `age < 27`.
  CHECK(d->witnesses[0].case_yaml.find("age: 0\n") == std::string::npos);
}

TEST_CASE("legitimate local variations give no finding", "[analysis]") {
  auto checked = CheckExample("legitimate");
  INFO(checked->Dump());
  CHECK(checked->findings.empty());
  CHECK(checked->graph.empty());
}
