#include "differential_check.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include <catch2/catch.hpp>

namespace loket::difftest {
namespace {

std::uint64_t MaskOf(const RefValue& value) {
  std::uint64_t mask = 0;
  for (int m : value.members) mask |= std::uint64_t(1) << m;
  return mask;
}

std::string CodeOf(DecisionStatus status) {
  return DecisionStatusCode(status);
}

}  // namespace

// Puts a generated case into a loket::Case through the typed setters.
void Fill(const Program& program, const RefCase& facts, Case& out) {
  out.Clear();
  for (const auto& [name, value] : facts) {
    int slot = program.FactSlot(name);
    REQUIRE(slot >= 0);
    out.SetRaw(slot,
               value.kind == ast::TypeKind::kSet ? std::int64_t(MaskOf(value)) : value.number);
  }
}

JurisdictionCheck::JurisdictionCheck(const sema::Model& model, const sema::Layer& layer,
                                     const Program& program)
    : program_(program), reference_(model, layer) {
  for (const sema::Layer* l : reference_.chain()) {
    for (const ast::DecisionDecl* d : l->decisions)
      decision_types_[d->name] = model.annotations.TypeOf(d->type);
  }
}

std::string JurisdictionCheck::Compare(const GeneratedCase& generated, Case& facts,
                                       Outcome& outcome) {
  Fill(program_, generated.facts, facts);
  program_.Evaluate(facts, Date{generated.date}, outcome);
  RefOutcome expected = reference_.Evaluate(generated.facts, generated.date);

  std::ostringstream diff;
  if (!expected.case_error.empty()) {
    std::string actual = outcome.case_errors().empty() ? "" : outcome.case_errors()[0].code;
    if (actual != expected.case_error) {
      diff << "  case error: loket " << (actual.empty() ? "none" : actual) << ", reference "
           << expected.case_error << "\n";
    }
    for (int d = 0; d < outcome.decision_count(); ++d) {
      if (outcome.status(d) != DecisionStatus::kNotEvaluated) {
        diff << "  " << outcome.info(d).name << ": evaluated although the case is invalid\n";
      }
    }
    return diff.str();
  }
  if (!outcome.case_errors().empty()) {
    diff << "  case error: loket " << outcome.case_errors()[0].code << " ("
         << outcome.case_errors()[0].message << "), reference none\n";
    return diff.str();
  }
  if (outcome.decision_count() != int(expected.decisions.size())) {
    diff << "  loket has " << outcome.decision_count() << " decisions, the reference "
         << expected.decisions.size() << "\n";
  }
  for (const auto& [name, want] : expected.decisions) {
    int index = outcome.FindDecision(name);
    if (index < 0) {
      diff << "  " << name << ": missing from loket's outcome\n";
      continue;
    }
    DecisionStatus status = outcome.status(index);
    const ast::Type& type = decision_types_[name];
    if (want.not_applicable || status == DecisionStatus::kNotApplicable) {
      const bool same_value =
          !want.value || outcome.raw(index) == (type.kind == ast::TypeKind::kSet
                                                    ? std::int64_t(MaskOf(*want.value))
                                                    : want.value->number);
      if (!want.not_applicable || status != DecisionStatus::kNotApplicable || !same_value ||
          outcome.winner_indices(index).first != outcome.winner_indices(index).second) {
        diff << "  " << name << ": loket " << DecisionStatusName(status) << " "
             << outcome.value(index).ToString() << ", reference "
             << (want.not_applicable ? "not applicable" : "applicable") << "\n";
      }
      continue;
    }
    if (!want.error_code.empty() || DecisionStatusCode(status)[0] != '\0') {
      if (CodeOf(status) != want.error_code) {
        diff << "  " << name << ": loket " << DecisionStatusName(status) << " " << CodeOf(status)
             << ", reference "
             << (want.error_code.empty() ? "value " + ToString(*want.value, type) : want.error_code)
             << "\n";
      }
      continue;
    }
    std::int64_t want_raw =
        type.kind == ast::TypeKind::kSet ? std::int64_t(MaskOf(*want.value)) : want.value->number;
    bool want_default = want.rules.empty();
    bool got_default = status == DecisionStatus::kDefault;
    std::vector<std::string> got_rules;
    for (const RuleRefInfo& rule : outcome.winners(index)) {
      got_rules.push_back(rule.layer + "." + rule.id);
    }
    std::sort(got_rules.begin(), got_rules.end());
    if (outcome.raw(index) != want_raw || want_default != got_default || got_rules != want.rules) {
      diff << "  " << name << ": loket " << outcome.value(index).ToString() << " ("
           << DecisionStatusName(status) << " by";
      for (const auto& r : got_rules) diff << " " << r;
      diff << "), reference " << ToString(*want.value, type) << " ("
           << (want_default ? "default" : "decided") << " by";
      for (const auto& r : want.rules) diff << " " << r;
      diff << ")\n";
    }
  }
  return diff.str();
}

}  // namespace loket::difftest
