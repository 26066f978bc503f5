// The checker and `applies when`: L520 for a rule that decides a decision where it does not
// apply (with a witness that replays), and no ambiguity or gap where the decision does not
// apply, since there its rules are not consulted.
#include <catch2/catch.hpp>

#include "analysis_helpers.h"

using loket::analysis::testing::Check;
using loket::diag::Kind;

namespace {

const char* kHeader = R"L(layer national "Nederland"
fact age: int in 0..130 "age"
fact eu_citizen: bool "EU citizen"
fact has_pip: bool "has a PIP"
decision integration_duty: bool default false
rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when age >= 16 and not eu_citizen
  then integration_duty = true
)L";

}  // namespace

TEST_CASE("L520: a rule deciding an exemption for people without the duty", "[analysis]") {
  auto checked = Check({{"national.loket", std::string(kHeader) + R"L(
decision wi_exempt: bool default false applies when integration_duty
rule wi.exempt_age "Wet inburgering 2021, art. 4"
  when age >= 67
  then wi_exempt = true
)L"}});
  INFO(checked->Dump());
  REQUIRE(checked->Codes() == std::vector<std::string>{"L520"});
  const auto findings = checked->Of(Kind::kDecidedWhereNotApplicable);
  REQUIRE(findings.size() == 1);
  const auto& d = *findings[0];
  CHECK(d.severity == loket::diag::Severity::kWarning);
  CHECK(d.message.find("`national.wi.exempt_age`") != std::string::npos);
  CHECK(d.message.find("`applies when integration_duty` is false") != std::string::npos);
  REQUIRE(d.witnesses.size() == 1);
  // The witness is a case the rule fits and the duty does not: 67 or older and an EU citizen.
  CHECK(d.witnesses[0].case_yaml.find("eu_citizen: true") != std::string::npos);
  CHECK(d.witnesses[0].replay.find("wi_exempt: not applicable") != std::string::npos);
}

TEST_CASE("L520: no finding when the rule states the applicability condition", "[analysis]") {
  auto checked = Check({{"national.loket", std::string(kHeader) + R"L(
decision wi_exempt: bool default false applies when integration_duty
rule wi.exempt_age "Wet inburgering 2021, art. 4"
  when integration_duty and age >= 67
  then wi_exempt = true
)L"}});
  INFO(checked->Dump());
  CHECK(checked->Codes().empty());
}

TEST_CASE("rules that disagree only where the decision does not apply are no ambiguity or gap",
          "[analysis]") {
  // Without a default, and rules only for the obliged: no gap (L506) where it does not apply.
  // The two rules disagree only for EU citizens, for whom the deadline does not apply: no L501,
  // but each is an L520.
  auto checked = Check({{"national.loket", std::string(kHeader) + R"L(
decision pip_weeks: int in 0..52 applies when integration_duty
rule wi.pip "Besluit inburgering 2021, art. 5.3 lid 1"
  when integration_duty or eu_citizen
  then pip_weeks = 10
rule wi.pip_eu "test"
  when eu_citizen
  then pip_weeks = 20
)L"}});
  INFO(checked->Dump());
  CHECK(checked->Codes() == std::vector<std::string>{"L520", "L520"});
}
