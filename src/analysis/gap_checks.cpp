// Which cases the rules reach: rules that can never apply (L507), decisions no rule decides
// for some case (L506), rules deciding where their decision does not apply (L520).
#include "analysis/layer_analysis.h"

#include <string>
#include <vector>

#include <fmt/format.h>

namespace loket::analysis {

// --- L507 dead rules ------------------------------------------------------------------------
// A rule whose condition reads a decision can hold in a lower layer's jurisdiction although
// it cannot in this one: that layer may decide a delegated decision differently. Then the
// rule is not dead.
bool LayerAnalysis::AppliesBelow(const ast::RuleDecl& rule) {
  if (!ReadsDecision(rule.condition.get(), model_.annotations)) return false;
  std::vector<const sema::Layer*> below(layer_.children.begin(), layer_.children.end());
  while (!below.empty()) {
    const sema::Layer* layer = below.back();
    below.pop_back();
    below.insert(below.end(), layer->children.begin(), layer->children.end());
    Encoder there(w_.vars, model_, model_.Chain(*layer), "below!" + layer->name);
    Answer answer = w_.solver.Check(there.Axioms() && there.Holds(rule), {&there}, false);
    if (answer.verdict != Verdict::kUnsat) return true;  // undetermined: claim nothing
  }
  return false;
}

bool LayerAnalysis::CheckDead(const ast::RuleDecl& rule) {
  z3::expr q = enc_->InForce(rule) && enc_->Condition(rule);
  Answer answer = findings_.Ask(
      {q, {enc_.get()}, rule.id_range, fmt::format("whether rule `{}` can apply", rule.id)}, false);
  if (answer.verdict != Verdict::kUnsat) return true;  // it can, or undetermined (L513)
  if (AppliesBelow(rule)) return true;
  Finding finding = findings_.Report(
      diag::Kind::kDeadRule, rule.id_range,
      fmt::format("rule {} can never apply: its condition is false for every case "
                  "allowed by the facts' ranges and the `assume`s{}",
                  Cite(rule, model_.annotations),
                  rule.validity.from || rule.validity.until ? " while it is in force" : ""));
  finding.About(rule);
  // Which part can never hold: a minimal set of the condition's conjuncts (and validity
  // bounds) that no case allowed by the ranges and `assume`s satisfies.
  std::vector<Encoder::Part> parts = enc_->ConditionParts(rule);
  std::vector<z3::expr> terms;
  for (const Encoder::Part& part : parts) terms.push_back(part.term);
  std::vector<std::size_t> core = w_.solver.MinimalUnsatisfiable(terms, {enc_.get()});
  std::string what;
  for (std::size_t k = 0; k < core.size(); ++k) {
    if (k > 0) what += k + 1 == core.size() ? " together with " : ", ";
    what += parts[core[k]].what;
  }
  if (core.empty()) {
    finding.Help("no witness case exists: the facts' ranges and the `assume`s exclude every case");
  } else {
    finding.Help(fmt::format(
        "no witness case exists: {} can never hold{}; correct that part or remove the rule", what,
        core.size() == 1 ? " for a case the facts' ranges and the `assume`s allow" : ""));
  }
  return false;
}

// --- L506 gaps -----------------------------------------------------------------------------
void LayerAnalysis::CheckGaps(const std::vector<const ast::DecisionDecl*>& decisions) {
  for (const ast::DecisionDecl* decision : decisions) {
    if (decision->default_value || decision->collect) continue;
    // The gap was already reported for the parent's chain.
    if (parent_gaps_ && parent_gaps_->count(decision->layer + "." + decision->name)) {
      result_.gaps.insert(decision->layer + "." + decision->name);
      continue;
    }
    CheckGap(*decision);
  }
}

void LayerAnalysis::CheckGap(const ast::DecisionDecl& decision) {
  // Not applicable is no gap; an error while deciding is that error, not a gap.
  z3::expr none = enc_->AppliesWhen(decision) && !enc_->Faults(decision);
  for (const ast::RuleDecl* rule : enc_->RulesOn(decision)) {
    none = none && !enc_->Applies(*rule);
  }
  Found model =
      findings_.Find({none, {enc_.get()}, decision.name_range, "whether a decision has gaps"});
  if (!model) return;
  result_.gaps.insert(decision.layer + "." + decision.name);
  findings_
      .Report(diag::Kind::kGap, decision.name_range,
              fmt::format("in {} `{}`, no rule decides `{}` for some cases and it has "
                          "no default",
                          LayerWord(layer_), layer_.name, decision.name))
      .About(decision)
      .Help(fmt::format("add a `default` to `{}`, or a rule for the witness case", decision.name))
      .Witness(*model, none, {"no rule applies", &layer_, {decision.name}},
               [&](const Program&, const Replay& replay) -> std::string {
                 const Outcome& o = *replay.outcome;
                 int dec = o.FindDecision(decision.name);
                 if (dec < 0 || o.status(dec) != DecisionStatus::kGap) {
                   return "the evaluator found no gap";
                 }
                 return {};
               });
}

// --- L520 a rule deciding a decision where it does not apply ------------------------------
// The rule applies to some case where the decision's `applies when` is false: there it is
// not consulted, so its condition claims more than it can decide (usually the rule lacks the
// applicability condition, or the decision's condition is too narrow).
void LayerAnalysis::CheckNotApplicable(const std::vector<const ast::RuleDecl*>& live) {
  for (const ast::RuleDecl* rule : live) {
    for (const ast::Assignment& assignment : rule->assignments) {
      const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment);
      if (!decision || !decision->applies_when) continue;
      CheckDecidedWhereNotApplicable(*rule, *decision);
    }
  }
}

void LayerAnalysis::CheckDecidedWhereNotApplicable(const ast::RuleDecl& rule,
                                                   const ast::DecisionDecl& decision) {
  z3::expr q = enc_->Applies(rule) && !enc_->AppliesWhen(decision) && !enc_->Faults(decision);
  Found model =
      findings_.Find({q,
                      {enc_.get()},
                      rule.id_range,
                      fmt::format("whether rule `{}` decides `{}` where it does not apply", rule.id,
                                  decision.name)});
  if (!model) return;
  const std::string condition = ConditionText(*decision.applies_when);
  findings_
      .Report(diag::Kind::kDecidedWhereNotApplicable, rule.id_range,
              fmt::format("rule {} decides `{}` for cases where it does not apply "
                          "(`applies when {}` is false); there the rule is not consulted",
                          Cite(rule, model_.annotations), decision.name, condition))
      .About(rule)
      .About(decision)
      .Note(decision.applies_when->range,
            fmt::format("`{}` applies only when this holds", decision.name))
      .Help(fmt::format("add the condition to the rule (`when {} and ...`), or widen the "
                        "decision's `applies when` if the rule is right",
                        condition))
      .Witness(*model, q, {"the rule applies, the decision does not", &layer_, {decision.name}},
               [&](const Program&, const Replay& replay) -> std::string {
                 const Outcome& o = *replay.outcome;
                 int dec = o.FindDecision(decision.name);
                 if (dec < 0 || o.status(dec) != DecisionStatus::kNotApplicable) {
                   return "the evaluator did not find `" + decision.name + "` not applicable";
                 }
                 return {};
               });
}

}  // namespace loket::analysis
