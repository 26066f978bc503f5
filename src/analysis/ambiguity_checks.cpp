// Rules of one decision that can disagree: versions of a rule in force on the same days
// (L512), rules that can both apply and decide differently (L501).
#include "analysis/layer_analysis.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "support/date.h"

namespace loket::analysis {

// --- L512 overlapping versions -------------------------------------------------------------
void LayerAnalysis::CheckVersions(const std::vector<const ast::RuleDecl*>& rules) {
  std::map<std::string, std::vector<const ast::RuleDecl*>> by_id;
  for (const ast::RuleDecl* rule : rules) by_id[rule->id].push_back(rule);
  for (auto& [id, versions] : by_id) {
    for (std::size_t i = 0; i < versions.size(); ++i) {
      for (std::size_t j = i + 1; j < versions.size(); ++j) {
        CheckVersionPair(id, *versions[i], *versions[j]);
      }
    }
  }
}

void LayerAnalysis::CheckVersionPair(const std::string& id, const ast::RuleDecl& a,
                                     const ast::RuleDecl& b) {
  z3::expr both = enc_->InForce(a) && enc_->InForce(b);
  Answer answer = findings_.Ask({both, {enc_.get()}, b.id_range, "whether versions overlap"}, true);
  if (answer.verdict != Verdict::kSat) return;
  Finding finding =
      findings_
          .Report(
              diag::Kind::kOverlappingVersions,
              b.validity.range.valid() ? b.validity.range : b.id_range,
              fmt::format(
                  "two versions of rule `{}` are in force on the same days (e.g. {})", id,
                  support::FormatIsoDate(static_cast<support::DayNumber>(ModelDay(*answer.model)))))
          .About(b)
          .Note(a, fmt::format("the other version {}", Cite(a, model_.annotations)))
          .Help("end the earlier version `until` the day the later one starts");
  // The witness shows the overlap: a case on a common day where both versions' conditions
  // hold (both decide), else where one of them does.
  int deciding = 0;
  z3::expr shown = both;
  z3::model model = *answer.model;
  const std::pair<z3::expr, int> tries[] = {{both && enc_->Condition(a) && enc_->Condition(b), 2},
                                            {both && enc_->Condition(b), 1},
                                            {both && enc_->Condition(a), 1}};
  for (const auto& [q, count] : tries) {
    Found found = findings_.tools().Example(q, {enc_.get()});
    if (!found) continue;
    shown = q;
    deciding = count;
    model = *found;
    break;
  }
  std::vector<std::string> decisions = DecisionsOf(b, model_.annotations);
  finding.Witness(model, shown,
                  {deciding == 2   ? "both versions in force and applying"
                   : deciding == 1 ? "both versions in force, one applying"
                                   : "both versions in force",
                   &layer_, decisions},
                  [&](const Program&, const Replay& replay) -> std::string {
                    if (deciding == 0 || decisions.empty()) return {};
                    const Outcome& o = *replay.outcome;
                    int dec = o.FindDecision(decisions.front());
                    if (dec < 0) return "decision missing";
                    int versions_deciding = 0;
                    for (const RuleRefInfo& winner : o.winners(dec)) {
                      versions_deciding += winner.layer == layer_.name && winner.id == id;
                    }
                    if (versions_deciding < deciding) {
                      return fmt::format("{} version(s) of `{}` decided, not {}", versions_deciding,
                                         id, deciding);
                    }
                    return {};
                  });
}

// --- L501 ambiguity -------------------------------------------------------------------------
bool LayerAnalysis::Related(const ast::RuleDecl& a, const ast::RuleDecl& b) {
  // Either is (transitively) an exception to the other.
  auto reaches = [&](const ast::RuleDecl& from, const ast::RuleDecl& to) {
    std::vector<const ast::RuleDecl*> stack{&from};
    std::set<const ast::RuleDecl*> seen;
    while (!stack.empty()) {
      const ast::RuleDecl* r = stack.back();
      stack.pop_back();
      if (!seen.insert(r).second) continue;
      for (const ast::RuleRef& ref : r->exception_to) {
        for (const ast::RuleDecl* base : model_.annotations.TargetsOf(ref)) {
          if (base == &to) return true;
          stack.push_back(base);
        }
      }
    }
    return false;
  };
  return reaches(a, b) || reaches(b, a);
}

void LayerAnalysis::CheckAmbiguity(const std::vector<const ast::RuleDecl*>& live) {
  std::map<const ast::DecisionDecl*, std::vector<const ast::RuleDecl*>> by_decision;
  std::vector<const ast::DecisionDecl*> order;
  for (const ast::RuleDecl* rule : live) {
    for (const ast::Assignment& a : rule->assignments) {
      if (!model_.annotations.DecisionOf(a) || model_.annotations.DecisionOf(a)->collect) continue;
      if (by_decision[model_.annotations.DecisionOf(a)].empty())
        order.push_back(model_.annotations.DecisionOf(a));
      by_decision[model_.annotations.DecisionOf(a)].push_back(rule);
    }
  }
  for (const ast::DecisionDecl* decision : order) {
    const auto& rules = by_decision[decision];
    for (std::size_t i = 0; i < rules.size(); ++i) {
      for (std::size_t j = i + 1; j < rules.size(); ++j) {
        CheckPair(*decision, *rules[i], *rules[j]);
      }
    }
  }
}

void LayerAnalysis::CheckPair(const ast::DecisionDecl& decision, const ast::RuleDecl& a,
                              const ast::RuleDecl& b) {
  if (Related(a, b)) return;
  const ast::Expr* va = AssignedExpr(a, decision, model_.annotations);
  const ast::Expr* vb = AssignedExpr(b, decision, model_.annotations);
  if (!va || !vb) return;
  // Exact cheap tests first: equal constant values never disagree; disjoint boxes (validity
  // included) never overlap.
  if (IsLiteral(*va, model_.annotations) && IsLiteral(*vb, model_.annotations) &&
      SameLiteral(*va, *vb, model_.annotations)) {
    ++w_.stats.decided_without_solver;
    return;
  }
  if (BoxesDisjoint(a, b)) {
    ++w_.stats.decided_without_solver;
    return;
  }
  Term ta = enc_->Assigned(a, decision), tb = enc_->Assigned(b, decision);
  // Only where the decision applies: elsewhere its rules are not consulted.
  // The evaluator reports the conflict only where deciding raises no error first.
  z3::expr q = enc_->Applies(a) && enc_->Applies(b) && !Encoder::Equal(ta, tb) &&
               enc_->AppliesWhen(decision) && !enc_->Faults(decision);
  Found model =
      findings_.Find({q,
                      {enc_.get()},
                      b.id_range,
                      fmt::format("whether rules `{}` and `{}` can disagree", a.id, b.id)});
  if (!model) return;
  std::string value_a = ValueOf(*model, ta, model_.annotations.TypeOf(decision.type));
  std::string value_b = ValueOf(*model, tb, model_.annotations.TypeOf(decision.type));
  findings_
      .Report(diag::Kind::kAmbiguity, b.id_range,
              fmt::format("rules {} and {} can both apply to one case and decide `{}` "
                          "differently ({} vs {}); neither is an exception to the other",
                          Cite(b, model_.annotations), Cite(a, model_.annotations), decision.name,
                          value_b, value_a))
      .About(b)
      .About(a)
      .About(decision)
      .Note(a, fmt::format("{} decides `{}` = {} for the witness case", Cite(a, model_.annotations),
                           decision.name, value_a))
      .Help(fmt::format("make one rule an exception to the other (`exception to {}`), "
                        "or make their conditions exclusive",
                        a.id))
      .Witness(*model, q, {"both rules apply", &layer_, {decision.name}},
               [&](const Program& p, const Replay& replay) -> std::string {
                 const Outcome& o = *replay.outcome;
                 int dec = o.FindDecision(decision.name);
                 if (dec < 0 || o.status(dec) != DecisionStatus::kConflict) {
                   return "the evaluator did not report a conflict on `" + decision.name + "`";
                 }
                 if (!IsWinner(o, dec, RuleIndexOf(p, model_, a)) ||
                     !IsWinner(o, dec, RuleIndexOf(p, model_, b))) {
                   return "the conflict does not name both rules";
                 }
                 return {};
               });
}

bool LayerAnalysis::BoxesDisjoint(const ast::RuleDecl& a, const ast::RuleDecl& b) {
  Box ba = BoxOf(a), bb = BoxOf(b);
  return !ba.Intersects(bb);
}

Box LayerAnalysis::BoxOf(const ast::RuleDecl& rule) {
  auto it = boxes_.find(&rule);
  if (it != boxes_.end()) return it->second;
  Box box = Box::Of(rule, model_.annotations);
  boxes_.emplace(&rule, box);
  return box;
}

}  // namespace loket::analysis
