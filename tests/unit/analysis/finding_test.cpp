// The finding protocol (src/analysis/finding.h) on its own, as a new check would use it:
// find a case, report, show witnesses, confirm each replay.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <z3++.h>

#include "analysis/finding.h"
#include "analysis_helpers.h"

namespace loket::analysis::testing {
namespace {

constexpr const char* kAdults = R"L(layer national "Nederland"
fact age: int in 0..120 "age in years"
decision adult: bool default false
rule r.adult "Wet X, art. 1"
  when age >= 18
  then adult = true
)L";

// The solver state of one layer's analysis, for the protocol to work on.
struct Protocol {
  explicit Protocol(const sema::Model& model)
      : layer(*model.layers.front()),
        solver(ctx, 2'000'000),
        vars(ctx),
        programs(model),
        enc(vars, model, model.Chain(layer), layer.name),
        findings({solver, vars, model, programs, true}, layer.name, out, undetermined) {
    solver.solver().add(enc.Axioms());
  }
  const sema::Layer& layer;
  z3::context ctx;
  QuerySolver solver;
  Variables vars;
  ProgramCache programs;
  Encoder enc;
  std::vector<diag::Diagnostic> out;
  int undetermined = 0;
  Findings findings;
};

std::string AdultIs(const Replay& replay, const std::string& expected) {
  const Outcome& outcome = *replay.outcome;
  int decision = outcome.FindDecision("adult");
  if (decision < 0) return "no decision `adult`";
  std::string value = outcome.value(decision).ToString();
  return value == expected ? std::string() : "adult = " + value;
}

TEST_CASE("finding protocol: a found case, replayed and confirmed, adds only the finding",
          "[analysis]") {
  auto checked = Check({{"national.loket", kAdults}});
  REQUIRE(checked->model);
  Protocol p(*checked->model);
  const ast::RuleDecl& rule = *p.layer.rules.front();
  z3::expr q = p.enc.Applies(rule);
  Found found = p.findings.Find({q, {&p.enc}, rule.id_range, "whether the rule applies"});
  REQUIRE(found);
  Finding finding = p.findings.Report(diag::Kind::kAmbiguity, rule.id_range, "the rule applies");
  finding.Note(rule, "this rule").Help("nothing to do");
  CHECK(finding.Witness(
      *found, q, {"the rule applies", &p.layer, {"adult"}},
      [](const Program&, const Replay& replay) { return AdultIs(replay, "true"); }));
  REQUIRE(p.out.size() == 1);
  const diag::Diagnostic& d = p.out[0];
  CHECK(d.layer == "national");
  CHECK(d.notes.size() == 1);
  CHECK(d.help == std::vector<std::string>{"nothing to do"});
  REQUIRE(d.witnesses.size() == 1);
  CHECK(d.witnesses[0].title == "the rule applies");
  CHECK(d.witnesses[0].jurisdiction == "national");
  // The case satisfies the query, and the replay says what the evaluator decided by which rule.
  CHECK(d.witnesses[0].replay.find("adult = true") != std::string::npos);
  CHECK(d.witnesses[0].replay.find("national.r.adult") != std::string::npos);
  CHECK(p.undetermined == 0);
}

TEST_CASE("finding protocol: a claim the replay does not show is an L514 with every witness",
          "[analysis]") {
  auto checked = Check({{"national.loket", kAdults}});
  REQUIRE(checked->model);
  Protocol p(*checked->model);
  const ast::RuleDecl& rule = *p.layer.rules.front();
  z3::expr q = p.enc.Applies(rule);
  Found found = p.findings.Find({q, {&p.enc}, rule.id_range, "whether the rule applies"});
  REQUIRE(found);
  Finding finding = p.findings.Report(diag::Kind::kAmbiguity, rule.id_range, "the rule applies");
  // Two witnesses shown before either is confirmed: an L514 carries both.
  Shown first = finding.Show(*found, q, {"first", &p.layer, {"adult"}});
  Shown second = finding.Show(*found, q, {"second", &p.layer, {"adult"}});
  CHECK(finding.Confirm(first));
  CHECK_FALSE(finding.Confirm(
      second, [](const Program&, const Replay& replay) { return AdultIs(replay, "false"); }));
  REQUIRE(p.out.size() == 2);
  const diag::Diagnostic& failed = p.out[1];
  CHECK(failed.kind == diag::Kind::kWitnessDidNotReplay);
  CHECK(failed.range.begin == rule.id_range.begin);
  CHECK(failed.message.find("[the rule applies]") != std::string::npos);
  CHECK(failed.message.find("adult = true") != std::string::npos);
  CHECK(failed.witnesses.size() == 2);
}

TEST_CASE("finding protocol: an unsatisfiable question finds nothing and reports nothing",
          "[analysis]") {
  auto checked = Check({{"national.loket", kAdults}});
  REQUIRE(checked->model);
  Protocol p(*checked->model);
  const ast::RuleDecl& rule = *p.layer.rules.front();
  z3::expr never = p.enc.Applies(rule) && !p.enc.Condition(rule);
  Found found = p.findings.Find({never, {&p.enc}, rule.id_range, "whether it can be"});
  CHECK_FALSE(found);
  CHECK(found.answer.verdict == Verdict::kUnsat);
  CHECK(p.out.empty());
  CHECK(p.undetermined == 0);
}

TEST_CASE("findings say what they are about as data, in the order their messages name it",
          "[analysis]") {
  // loket diff matches findings across two rule bases by these names, not by the message.
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact age: int in 0..120 "age in years"
decision adult: bool default false
rule r.one "Wet X, art. 1"
  when age >= 18
  then adult = true
rule r.two "Wet X, art. 2"
  when age >= 16
  then adult = false
rule r.three "Wet X, art. 3"
  when age < 10 and age > 12
  then adult = true
)L"}});
  INFO(checked->Dump());
  const auto ambiguities = checked->Of(diag::Kind::kAmbiguity);
  REQUIRE(ambiguities.size() == 1);
  CHECK(ambiguities[0]->about ==
        std::vector<std::string>{"national.r.two", "national.r.one", "national.adult"});
  const auto dead = checked->Of(diag::Kind::kDeadRule);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0]->about == std::vector<std::string>{"national.r.three"});
}

}  // namespace
}  // namespace loket::analysis::testing
