// Exceptions and their base rules: exceptions broader than their base (L505) or in force
// when it is not (L511), rules their exceptions always defeat (L508).
#include "analysis/layer_analysis.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "support/date.h"

namespace loket::analysis {

// --- L505 exceptions broader than their base; L511 exception outliving its base -------------
void LayerAnalysis::CheckExceptions(const std::vector<const ast::RuleDecl*>& live) {
  for (const ast::RuleDecl* e : live) {
    for (const ast::RuleRef& ref : e->exception_to) {
      const std::vector<const ast::RuleDecl*>& versions = model_.annotations.TargetsOf(ref);
      if (versions.empty()) continue;
      // Broader than any version in force (§6: an exception to every version).
      for (const ast::RuleDecl* version : versions) CheckBroader(*e, *version);
      // In any layer: a local base can expire too. A base with several versions (§6) is
      // outlived where none of them is in force.
      CheckOutlives(*e, versions, ref.range);
    }
  }
}

void LayerAnalysis::CheckBroader(const ast::RuleDecl& e, const ast::RuleDecl& base) {
  for (const ast::Assignment& assignment : e.assignments) {
    const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment);
    if (!decision) continue;
    Term value = enc_->Assigned(e, *decision);
    z3::expr changes = w_.ctx.bool_val(true);
    if (decision->collect) {
      changes = w_.ctx.bool_val(false);
      for (const z3::expr& m : value.members) changes = changes || m;
    } else if (decision->default_value) {
      changes = !Encoder::Equal(value, enc_->Encode(*decision->default_value));
    }
    // The exception decides (no error on the way) where the base rule's condition is false.
    z3::expr q = enc_->Applies(e) && !enc_->Faults(*decision) && enc_->InForce(base) &&
                 !enc_->Condition(base) && !enc_->ConditionFails(base) && changes;
    Found model =
        findings_.Find({q,
                        {enc_.get()},
                        e.id_range,
                        fmt::format("whether exception `{}` is broader than `{}`", e.id, base.id)});
    if (!model) continue;
    findings_
        .Report(
            diag::Kind::kExceptionBroaderThanBase, e.id_range,
            fmt::format("exception {} also applies where its base rule {} does not, "
                        "and there decides `{}` = {} on its own",
                        Cite(e, model_.annotations), Cite(base, model_.annotations), decision->name,
                        ValueOf(*model, value, model_.annotations.TypeOf(decision->type))))
        .About(e)
        .About(base)
        .About(*decision)
        .Note(base, fmt::format("base rule {}; its condition is false for the witness case",
                                Cite(base, model_.annotations)))
        .Help(fmt::format("repeat the base rule's condition in the exception, or make "
                          "`{}` a rule of its own",
                          e.id))
        .Witness(*model, q, {"the exception applies, its base does not", &layer_, {decision->name}},
                 [&](const Program& p, const Replay& replay) -> std::string {
                   const Outcome& o = *replay.outcome;
                   int dec = o.FindDecision(decision->name);
                   if (!IsWinner(o, dec, RuleIndexOf(p, model_, e)))
                     return "the exception did not decide";
                   WhyNotExplanation why = p.WhyNot(replay.facts, replay.date, RuleName(base));
                   if (why.reason == WhyNotExplanation::Reason::kApplied ||
                       why.reason == WhyNotExplanation::Reason::kDefeated) {
                     return "the base rule applied";
                   }
                   return {};
                 });
    return;  // one finding per exception
  }
}

void LayerAnalysis::CheckOutlives(const ast::RuleDecl& e,
                                  const std::vector<const ast::RuleDecl*>& versions,
                                  source::SourceRange ref) {
  const ast::RuleDecl& base = *versions.front();
  z3::expr q = enc_->Applies(e);
  for (const ast::RuleDecl* version : versions) q = q && !enc_->InForce(*version);
  Found model =
      findings_.Find({q, {enc_.get()}, e.id_range, "whether an exception outlives its base"});
  if (!model) return;
  findings_
      .Report(diag::Kind::kValidityOutsideBase, e.id_range,
              fmt::format("exception {} is in force on {}, when its base rule {} is not",
                          Cite(e, model_.annotations),
                          support::FormatIsoDate(static_cast<support::DayNumber>(ModelDay(*model))),
                          Cite(base, model_.annotations)))
      .About(e)
      .About(base)
      .Note(ref, fmt::format("builds on {}", Cite(base, model_.annotations)))
      .Note(base, "the base rule's validity")
      .Help("align the exception's `valid from/until` with its base rule's")
      .Witness(
          *model, q,
          {"the exception applies without its base", &layer_, DecisionsOf(e, model_.annotations)},
          [&](const Program& p, const Replay& replay) -> std::string {
            WhyNotExplanation why = p.WhyNot(replay.facts, replay.date, RuleName(base));
            if (why.reason != WhyNotExplanation::Reason::kNotInForce) {
              return "the base rule was in force";
            }
            return {};
          });
}

// --- L508 shadowed rules --------------------------------------------------------------------
// Where the rule or a rule of its exception tree reads a decision, a lower layer's
// jurisdiction may let the rule win although this one never does.
bool LayerAnalysis::WinsBelow(const ast::RuleDecl& rule) {
  bool reads = ReadsDecision(rule.condition.get(), model_.annotations);
  std::vector<const ast::RuleDecl*> tree = enc_->ExceptionsTo(rule);
  std::set<const ast::RuleDecl*> seen(tree.begin(), tree.end());
  for (std::size_t i = 0; i < tree.size() && !reads; ++i) {
    reads = ReadsDecision(tree[i]->condition.get(), model_.annotations);
    for (const ast::RuleDecl* e : enc_->ExceptionsTo(*tree[i])) {
      if (seen.insert(e).second) tree.push_back(e);
    }
  }
  if (!reads) return false;
  std::vector<const sema::Layer*> below(layer_.children.begin(), layer_.children.end());
  while (!below.empty()) {
    const sema::Layer* layer = below.back();
    below.pop_back();
    below.insert(below.end(), layer->children.begin(), layer->children.end());
    Encoder there(w_.vars, model_, model_.Chain(*layer), "below!" + layer->name);
    Answer answer = w_.solver.Check(there.Axioms() && there.Holds(rule) && !there.Defeated(rule),
                                    {&there}, false);
    if (answer.verdict != Verdict::kUnsat) return true;  // undetermined: claim nothing
  }
  return false;
}

// The candidates: rules with exceptions where the rule or one of its exceptions is in this
// layer (where something new is), chosen by LayerAnalysis::Units.
void LayerAnalysis::CheckShadowed(const std::vector<const ast::RuleDecl*>& candidates) {
  for (const ast::RuleDecl* rule : candidates) CheckShadowedRule(*rule, enc_->ExceptionsTo(*rule));
}

void LayerAnalysis::CheckShadowedRule(const ast::RuleDecl& rule,
                                      const std::vector<const ast::RuleDecl*>& exceptions) {
  z3::expr possible = enc_->InForce(rule) && enc_->Condition(rule);
  z3::expr wins = possible && !enc_->Defeated(rule);
  Answer answer = findings_.Ask(
      {wins, {enc_.get()}, rule.id_range, "whether a rule is always defeated"}, false);
  if (answer.verdict != Verdict::kUnsat) return;
  if (WinsBelow(rule)) return;
  // The witness shows it defeated (not a failing search of its exceptions), where deciding
  // what it decides raises no error: a decision that fails has no winner to replay (§9).
  possible = possible && enc_->Defeated(rule);
  for (const ast::Assignment& assignment : rule.assignments) {
    if (const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment)) {
      possible = possible && !enc_->Faults(*decision);
    }
  }
  Answer applies = w_.solver.Check(possible, {enc_.get()}, true);
  if (applies.verdict != Verdict::kSat) return;  // dead: L507 says it
  // The witness shows the rule applying and defeated: prefer a case where every decision
  // of the chain is decided, so that a condition reading one can be evaluated.
  z3::expr decided = w_.ctx.bool_val(true);
  for (const sema::Layer* l : chain_) {
    for (const ast::DecisionDecl* decision : l->decisions) {
      decided = decided && enc_->Decisive(*decision);
    }
  }
  Answer clear = w_.solver.Check(possible && decided, {enc_.get()}, true);
  if (clear.verdict == Verdict::kSat) {
    possible = possible && decided;
    applies = std::move(clear);
  }
  z3::model model = findings_.tools().Prettify(possible, {enc_.get()}, *applies.model);
  // Where this layer added something: the rule, else its first exception of this layer.
  const ast::RuleDecl* located = &rule;
  for (const ast::RuleDecl* e : exceptions) {
    if (located->layer != layer_.name && e->layer == layer_.name) located = e;
  }
  Finding finding =
      findings_.Report(diag::Kind::kShadowedRule, located->id_range,
                       fmt::format("rule {} is always defeated: wherever it applies, one of its "
                                   "exceptions applies too",
                                   Cite(rule, model_.annotations)));
  finding.About(rule);
  for (const ast::RuleDecl* e : exceptions) finding.About(*e);
  for (const ast::RuleDecl* e : exceptions) {
    if (e != located) finding.Note(*e, fmt::format("exception {}", Cite(*e, model_.annotations)));
  }
  if (located != &rule)
    finding.Note(rule, fmt::format("the shadowed rule {}", Cite(rule, model_.annotations)));
  if (rule.layer == layer_.name) {
    finding.Help("remove the rule, or narrow its exceptions");
  } else {
    // The rule is a higher layer's law: this layer can only change its own exceptions.
    std::string local;
    for (const ast::RuleDecl* e : exceptions) {
      if (e->layer != layer_.name) continue;
      local += (local.empty() ? "`" : ", `") + e->id + "`";
    }
    finding.Help(fmt::format(
        "in {} `{}` the {} rule `{}` never decides: narrow the local exception{} {} to the "
        "cases it is meant for; the {} rule itself is not this {}'s to change",
        LayerWord(layer_), layer_.name, rule.layer, RuleName(rule),
        local.find(',') == std::string::npos ? "" : "s", local, rule.layer, LayerWord(layer_)));
  }
  finding.Witness(
      model, possible,
      {"the rule's condition holds, yet it loses", &layer_, DecisionsOf(rule, model_.annotations)},
      [&](const Program& p, const Replay& replay) -> std::string {
        WhyNotExplanation why = p.WhyNot(replay.facts, replay.date, RuleName(rule));
        if (why.reason != WhyNotExplanation::Reason::kDefeated) {
          return std::string("the rule was not defeated (") + WhyNotReasonName(why.reason) + ")";
        }
        return {};
      });
}

}  // namespace loket::analysis
