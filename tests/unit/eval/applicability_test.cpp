// `applies when` (docs/language.md, "Applicability"): a decision whose condition is false is
// not applicable — no rule is consulted, the outcome says so, readers see its default.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

const char* kRules = R"(layer national "Nederland"

fact age: int in 0..130
fact eu_citizen: bool
fact has_pip: bool

domain integration "Inburgering" {
  decision integration_duty: bool default false
  decision wi_exempt: bool default false applies when integration_duty
  decision pip_deadline: date applies when has_pip and integration_duty
  decision courses: int default 0 "reads pip_deadline, which has no default"
  decision exempt_seen: bool default false "reads wi_exempt"
}

rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when age >= 16 and not eu_citizen
  then integration_duty = true

rule wi.exempt_age "Wet inburgering 2021, art. 4"
  when age >= 67
  then wi_exempt = true

rule wi.pip "Wet inburgering 2021, art. 15"
  then pip_deadline = 2026-01-01

rule wi.courses "test"
  when pip_deadline > 2025-01-01
  then courses = 3

rule wi.exempt_seen "test"
  when not wi_exempt
  then exempt_seen = true
)";

}  // namespace

TEST_CASE("applies when: false makes the decision not applicable and ignores its rules",
          "[eval][applicability]") {
  RuleBase rule_base = Load({kRules});
  Program program = Compile(rule_base, "national");
  Outcome out;
  // An EU citizen of 70: no integration duty, so the exemption (whose rule would fire) and the
  // PIP deadline (whose rule always fires) do not apply.
  program.Evaluate(Facts(program, "{age: 70, eu_citizen: true, has_pip: true}"), D("2025-06-01"),
                   out);
  CHECK(StatusOf(program, out, "integration_duty") == DecisionStatus::kDefault);
  CHECK(StatusOf(program, out, "wi_exempt") == DecisionStatus::kNotApplicable);
  CHECK(WinnerIds(program, out, "wi_exempt").empty());
  CHECK(StatusOf(program, out, "pip_deadline") == DecisionStatus::kNotApplicable);
  CHECK(WinnerIds(program, out, "pip_deadline").empty());
  CHECK(std::string(DecisionStatusName(DecisionStatus::kNotApplicable)) == "not applicable");
  // Not applicable is an answer, not an error.
  CHECK_FALSE(out.error(program.DecisionIndex("wi_exempt")).has_value());
  // A reader of a decision that does not apply sees its default ...
  CHECK(ValueOf(program, out, "wi_exempt") == "false");
  CHECK(StatusOf(program, out, "exempt_seen") == DecisionStatus::kDecided);
  // ... and without a default it cannot be decided, with a message that says why.
  CHECK(StatusOf(program, out, "courses") == DecisionStatus::kGap);
  auto error = out.error(program.DecisionIndex("courses"));
  REQUIRE(error.has_value());
  CHECK(error->code == "L608");
  CHECK(error->message.find("reads `pip_deadline`, which does not apply to this case") !=
        std::string::npos);
  CHECK_FALSE(out.ok());
}

TEST_CASE("applies when: true leaves the decision to its rules", "[eval][applicability]") {
  RuleBase rule_base = Load({kRules});
  Program program = Compile(rule_base, "national");
  Outcome out;
  program.Evaluate(Facts(program, "{age: 70, eu_citizen: false, has_pip: true}"), D("2025-06-01"),
                   out);
  CHECK(StatusOf(program, out, "wi_exempt") == DecisionStatus::kDecided);
  CHECK(ValueOf(program, out, "wi_exempt") == "true");
  CHECK(WinnerIds(program, out, "wi_exempt") == std::vector<std::string>{"national.wi.exempt_age"});
  CHECK(StatusOf(program, out, "pip_deadline") == DecisionStatus::kDecided);
  CHECK(ValueOf(program, out, "courses") == "3");
  CHECK(out.ok());
  // Applicable with no rule firing: the default, as for any decision.
  program.Evaluate(Facts(program, "{age: 30, eu_citizen: false, has_pip: false}"), D("2025-06-01"),
                   out);
  CHECK(StatusOf(program, out, "wi_exempt") == DecisionStatus::kDefault);
  CHECK(StatusOf(program, out, "pip_deadline") == DecisionStatus::kNotApplicable);
}

TEST_CASE("applies when: explanations, why-not and the schema say why it does not apply",
          "[eval][applicability]") {
  RuleBase rule_base = Load({kRules});
  Program program = Compile(rule_base, "national");
  const DecisionInfo& info =
      program.decisions()[static_cast<std::size_t>(program.DecisionIndex("pip_deadline"))];
  CHECK(info.applies_when == "has_pip and integration_duty");
  Case facts = Facts(program, "{age: 15, eu_citizen: false, has_pip: true}");
  Explanation ex = program.Explain(facts, D("2025-06-01"));
  const DecisionExplanation* exempt = nullptr;
  for (const DecisionExplanation& d : ex.decisions) {
    if (d.name == "wi_exempt") exempt = &d;
  }
  REQUIRE(exempt != nullptr);
  CHECK(exempt->status == DecisionStatus::kNotApplicable);
  CHECK(exempt->value.empty());  // no value shown as if it applied
  CHECK(exempt->winners.empty());
  REQUIRE(exempt->applies_reads.size() == 1);
  CHECK(exempt->applies_reads[0].name == "integration_duty");
  CHECK(exempt->applies_reads[0].value == "false");

  WhyNotExplanation why = program.WhyNot(facts, D("2025-06-01"), "wi.pip");
  CHECK(why.reason == WhyNotExplanation::Reason::kDecisionNotApplicable);
  CHECK(why.message.find("`pip_deadline` (applies when `has_pip and integration_duty`)") !=
        std::string::npos);
}

TEST_CASE("applies when: a batch decides exactly as one by one", "[eval][applicability]") {
  RuleBase rule_base = Load({kRules});
  Program program = Compile(rule_base, "national");
  std::vector<Case> cases;
  for (int age : {10, 16, 40, 67, 90}) {
    for (const char* eu : {"true", "false"}) {
      for (const char* pip : {"true", "false"}) {
        cases.push_back(Facts(program, "{age: " + std::to_string(age) + ", eu_citizen: " + eu +
                                           ", has_pip: " + pip + "}"));
      }
    }
  }
  std::vector<Outcome> batch;
  program.EvaluateBatch(cases, D("2025-06-01"), batch);
  bool seen_not_applicable = false;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Outcome one;
    program.Evaluate(cases[i], D("2025-06-01"), one);
    CHECK(DescribeOutcome(program, batch[i]) == DescribeOutcome(program, one));
    seen_not_applicable = seen_not_applicable ||
                          StatusOf(program, one, "wi_exempt") == DecisionStatus::kNotApplicable;
  }
  CHECK(seen_not_applicable);
}

}  // namespace loket::evaltest
