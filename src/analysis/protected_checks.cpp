// Outcomes that change when only a protected fact changes (L510).
#include "analysis/layer_analysis.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace loket::analysis {

// --- L510 protected criteria ----------------------------------------------------------------
void LayerAnalysis::CheckProtected(const std::vector<const ast::RuleDecl*>& live) {
  if (!parent_) return;
  std::set<std::pair<const ast::FactDecl*, const ast::DecisionDecl*>> done;
  for (const ast::RuleDecl* rule : live) {
    const FactSet read = FactsRead(*rule);
    for (const ast::FactDecl* fact : read) {
      if (!fact->is_protected) continue;
      for (const ast::Assignment& assignment : rule->assignments) {
        const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment);
        if (!decision || !done.insert({fact, decision}).second) continue;
        CheckProtectedPair(*rule, *fact, *decision);
      }
    }
  }
}

void LayerAnalysis::CheckProtectedPair(const ast::RuleDecl& rule, const ast::FactDecl& fact,
                                       const ast::DecisionDecl& decision) {
  Encoder twin(w_.vars, model_, chain_, layer_.name + "!twin", &fact);
  std::vector<const sema::Layer*> parent_chain(chain_.begin(), chain_.end() - 1);
  Encoder parent_twin(w_.vars, model_, parent_chain, "parent!" + layer_.name + "!twin", &fact);
  Term local = enc_->Outcome(decision), local_twin = twin.Outcome(decision);
  Term higher = parent_->Outcome(decision), higher_twin = parent_twin.Outcome(decision);
  z3::expr decided = !local.fails && !local_twin.fails && !higher.fails && !higher_twin.fails;
  z3::expr q = twin.Axioms() && decided && !Encoder::Equal(local, local_twin) &&
               Encoder::Equal(higher, higher_twin);
  Found model = findings_.Find({q,
                                {enc_.get(), &twin, parent_.get(), &parent_twin},
                                rule.id_range,
                                "whether an outcome depends on a protected fact"},
                               {0, 1});
  if (!model) return;
  std::string a = ValueOf(*model, local, model_.annotations.TypeOf(decision.type));
  std::string b = ValueOf(*model, local_twin, model_.annotations.TypeOf(decision.type));
  std::string fa = ValueOf(*model, w_.vars.Fact(&fact, 0), model_.annotations.TypeOf(fact.type));
  std::string fb = ValueOf(*model, w_.vars.Fact(&fact, 1), model_.annotations.TypeOf(fact.type));
  Finding finding =
      findings_
          .Report(diag::Kind::kProtectedCriterion, rule.id_range,
                  fmt::format("in {} `{}`, `{}` changes ({} vs {}) when only the protected fact "
                              "`{}` changes ({} vs {}); rule {} reads it",
                              LayerWord(layer_), layer_.name, decision.name, a, b, fact.name, fa,
                              fb, Cite(rule, model_.annotations)))
          .About(decision)
          .About(fact)
          .About(rule)
          .Note(fact.name_range, fmt::format("`{}` is declared protected", fact.name))
          .Help("distinguish on residence status or another allowed criterion instead");
  // The case and its twin, which differ only in the protected fact (its copy 1).
  Shown first = finding.Show(
      *model, q, {fmt::format("with {} = {}", fact.name, fa), &layer_, {decision.name}});
  Shown second = finding.Show(
      *model, q, {fmt::format("with {} = {}", fact.name, fb), &layer_, {decision.name}, &fact});
  if (!finding.Confirm(first)) return;
  finding.Confirm(second, [&](const Program&, const Replay& replay) -> std::string {
    const Outcome& o = *replay.outcome;
    const Outcome& other = *first.replay->outcome;
    int d1 = other.FindDecision(decision.name), d2 = o.FindDecision(decision.name);
    if (d1 < 0 || d2 < 0) return "decision missing";
    if (other.value(d1).ToString() == o.value(d2).ToString()) {
      return "both cases got the same outcome";
    }
    return {};
  });
}

}  // namespace loket::analysis
