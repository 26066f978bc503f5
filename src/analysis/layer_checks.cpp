// A layer against the layers above: delegated outcomes outside `within` (L503) or less
// favourable than the higher outcome (L504), rules restating a higher rule (L509).
#include "analysis/layer_analysis.h"

#include <string>
#include <vector>

#include <fmt/format.h>

namespace loket::analysis {

// --- L503 outside `within`, L504 less favourable ------------------------------------------
void LayerAnalysis::CheckDelegated(const std::vector<const ast::RuleDecl*>& live) {
  if (!parent_) return;
  for (const ast::RuleDecl* rule : live) {
    for (const ast::Assignment& assignment : rule->assignments) {
      const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment);
      if (!decision || !decision->delegation || decision->layer == layer_.name) continue;
      CheckWithin(*rule, *decision, assignment);
      CheckFavours(*rule, *decision);
    }
  }
}

void LayerAnalysis::CheckWithin(const ast::RuleDecl& rule, const ast::DecisionDecl& decision,
                                const ast::Assignment& assignment) {
  const ast::Delegation& delegation = *decision.delegation;
  bool has_within = !delegation.within_set.empty() || delegation.within_lo;
  if (!has_within || !assignment.value || IsLiteral(*assignment.value, model_.annotations))
    return;  // L312
  Term value = enc_->Assigned(rule, decision);
  z3::expr inside = w_.ctx.bool_val(false);
  for (const ast::ExprPtr& e : delegation.within_set) {
    inside = inside || Encoder::Equal(value, enc_->Encode(*e));
  }
  if (delegation.within_lo && delegation.within_hi) {
    inside = value.scalar >= enc_->Encode(*delegation.within_lo).scalar &&
             value.scalar <= enc_->Encode(*delegation.within_hi).scalar;
  }
  z3::expr q = enc_->Applies(rule) && !enc_->Fails(decision) && !inside;
  Found model = findings_.Find(
      {q, {enc_.get()}, assignment.range, "whether a value stays within its delegation"});
  if (!model) return;
  std::string shown = ValueOf(*model, value, model_.annotations.TypeOf(decision.type));
  findings_
      .Report(diag::Kind::kOutsideWithinCase, assignment.range,
              fmt::format("rule {} can decide `{}` = {}, outside what the delegation by "
                          "the {} layer allows",
                          Cite(rule, model_.annotations), decision.name, shown, decision.layer))
      .About(rule)
      .About(decision)
      .Note(delegation.range, fmt::format("`{}` is delegated here", decision.name))
      .Witness(*model, q, {"the local outcome leaves the delegated room", &layer_, {decision.name}},
               [&](const Program& p, const Replay& replay) -> std::string {
                 const Outcome& o = *replay.outcome;
                 int dec = o.FindDecision(decision.name);
                 if (!IsWinner(o, dec, RuleIndexOf(p, model_, rule)))
                   return "the rule did not decide";
                 if (o.value(dec).ToString() != shown) {
                   return "the evaluator decided " + o.value(dec).ToString() + ", not " + shown;
                 }
                 return {};
               });
}

void LayerAnalysis::CheckFavours(const ast::RuleDecl& rule, const ast::DecisionDecl& decision) {
  ast::Favours favours = decision.delegation->favours;
  if (favours == ast::Favours::kNone) return;
  Term local = enc_->Outcome(decision);
  Term higher = parent_->Outcome(decision);
  if (local.is_set) return;
  z3::expr worse = w_.ctx.bool_val(false);
  switch (favours) {
    case ast::Favours::kHigher:
      worse = local.scalar < higher.scalar;
      break;
    case ast::Favours::kLower:
      worse = local.scalar > higher.scalar;
      break;
    case ast::Favours::kTrue:
      worse = higher.scalar && !local.scalar;
      break;
    case ast::Favours::kFalse:
      worse = !higher.scalar && local.scalar;
      break;
    case ast::Favours::kNone:
      break;
  }
  // Compare only where both layers decide (no gap, conflict or error leaves an outcome).
  z3::expr q = enc_->Applies(rule) && !local.fails && !higher.fails && worse;
  Found model = findings_.Find({q,
                                {enc_.get(), parent_.get()},
                                rule.id_range,
                                "whether a local outcome is less favourable"});
  if (!model) return;
  std::string local_value = ValueOf(*model, local, model_.annotations.TypeOf(decision.type));
  std::string higher_value = ValueOf(*model, higher, model_.annotations.TypeOf(decision.type));
  const sema::Layer& parent_layer = *layer_.parent;
  // The higher rules that decide the witness case: what the local rule falls short of.
  std::vector<const ast::RuleDecl*> higher_rules;
  for (const ast::RuleDecl* r : parent_->RulesOn(decision)) {
    if (model->eval(parent_->Applies(*r), true).is_true()) higher_rules.push_back(r);
  }
  std::string higher_basis =
      higher_rules.empty()
          ? fmt::format("the default of `{}`", decision.name)
          : fmt::format("rule {}", Cite(*higher_rules.front(), model_.annotations));
  Finding finding = findings_.Report(
      diag::Kind::kLessFavourable, rule.id_range,
      fmt::format("rule {} makes `{}` = {} where the {} layer `{}` decides {} by {}; "
                  "the delegation only allows outcomes in the person's favour",
                  Cite(rule, model_.annotations), decision.name, local_value,
                  LayerWord(parent_layer), parent_layer.name, higher_value, higher_basis));
  finding.About(rule).About(decision);
  for (const ast::RuleDecl* r : higher_rules) finding.About(*r);
  for (const ast::RuleDecl* r : higher_rules) {
    finding.Note(*r, fmt::format("{} decides `{}` = {} for the witness case",
                                 Cite(*r, model_.annotations), decision.name, higher_value));
  }
  finding
      .Help(fmt::format(
          "give at least what {} gives ({} = {}), or limit `{}` to the cases where it is more "
          "favourable",
          higher_basis, decision.name, higher_value, rule.id))
      .Note(decision.delegation->favours_range.valid() ? decision.delegation->favours_range
                                                       : decision.delegation->range,
            fmt::format("`{}` is delegated in favour of the person", decision.name));
  // The same case in both jurisdictions; the local one must come out worse.
  Shown in_local = finding.Show(*model, q, {"in " + layer_.name, &layer_, {decision.name}});
  Shown in_higher =
      finding.Show(*model, q, {"in " + parent_layer.name, &parent_layer, {decision.name}});
  if (!finding.Confirm(in_higher)) return;
  finding.Confirm(in_local, [&](const Program&, const Replay& replay) -> std::string {
    const Outcome& o = *replay.outcome;
    const Outcome& h = *in_higher.replay->outcome;
    int dl = o.FindDecision(decision.name), dh = h.FindDecision(decision.name);
    if (dl < 0 || dh < 0) return "decision missing";
    std::int64_t l = o.raw(dl), hv = h.raw(dh);
    bool is_worse = favours == ast::Favours::kHigher  ? l < hv
                    : favours == ast::Favours::kLower ? l > hv
                    : favours == ast::Favours::kTrue  ? (hv && !l)
                                                      : (!hv && l);
    if (!is_worse) return "the local outcome was not less favourable";
    return {};
  });
}

// --- L509 restating a higher layer's rule --------------------------------------------------
void LayerAnalysis::CheckRestatements(const std::vector<const ast::RuleDecl*>& live) {
  if (!parent_) return;
  for (const ast::RuleDecl* rule : live) {
    if (rule->assignments.size() != 1 || !rule->exception_to.empty()) continue;
    const ast::Assignment& assignment = rule->assignments.front();
    const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment);
    if (!decision || !assignment.value || !IsLiteral(*assignment.value, model_.annotations))
      continue;
    for (const ast::RuleDecl* other : parent_->RulesOn(*decision)) {
      if (other->assignments.size() != 1) continue;
      const ast::Expr* value = AssignedExpr(*other, *decision, model_.annotations);
      if (!value || !IsLiteral(*value, model_.annotations) ||
          !SameLiteral(*value, *assignment.value, model_.annotations))
        continue;
      // Only rules reading the same facts can be equivalent (cheap exact filter).
      if (FactsRead(*rule) != FactsRead(*other)) {
        ++w_.stats.decided_without_solver;
        continue;
      }
      if (CheckRestates(*rule, *other, *decision)) break;
    }
  }
}

// True when `rule` restates `other` (reported): one finding per local rule.
bool LayerAnalysis::CheckRestates(const ast::RuleDecl& rule, const ast::RuleDecl& other,
                                  const ast::DecisionDecl& decision) {
  z3::expr both = enc_->InForce(rule) && enc_->InForce(other);
  z3::expr differ = both && (enc_->Condition(rule) != enc_->Condition(other));
  Answer answer = findings_.Ask(
      {differ, {enc_.get()}, rule.id_range, "whether a rule restates a higher one"}, false);
  if (answer.verdict != Verdict::kUnsat) return false;
  z3::expr q = both && enc_->Applies(rule) && !enc_->Faults(decision);
  Found model = findings_.tools().Example(q, {enc_.get()});
  if (!model) return false;
  findings_
      .Report(diag::Kind::kRestatesHigherRule, rule.id_range,
              fmt::format("rule {} restates {}: same condition, same outcome `{}`",
                          Cite(rule, model_.annotations), Cite(other, model_.annotations),
                          decision.name))
      .About(rule)
      .About(other)
      .About(decision)
      .Note(other, fmt::format("the {} rule {}", other.layer, Cite(other, model_.annotations)))
      .Help("drop the local copy: it would silently diverge after the next amendment above")
      .Witness(*model, q, {"both rules apply", &layer_, {decision.name}},
               [&](const Program& p, const Replay& replay) -> std::string {
                 const Outcome& o = *replay.outcome;
                 int dec = o.FindDecision(decision.name);
                 if (!IsWinner(o, dec, RuleIndexOf(p, model_, rule))) {
                   return "the local rule did not decide";
                 }
                 return {};
               });
  return true;
}

}  // namespace loket::analysis
