#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <z3++.h>

#include "analysis/analysis.h"
#include "analysis/box.h"
#include "analysis/encoder.h"
#include "analysis/finding.h"
#include "analysis/query.h"
#include "analysis/witness.h"
#include "sema/content_key.h"
#include "support/date.h"

namespace loket::analysis {

// ---------------------------------------------------------------------------------------------
// The cache: per layer key, the findings and the decisions with a gap.

struct CachedLayer {
  std::vector<diag::Diagnostic> diagnostics;
  std::set<std::string> gaps;  // decisions with a gap in this layer's chain
};

struct AnalysisCache::Impl {
  std::unordered_map<std::uint64_t, CachedLayer> layers;
  // Z3 contexts outlive a run: creating one costs tens of milliseconds, more than analysing
  // the one layer an edit usually touches. Solvers and variables are made anew per run.
  std::vector<std::unique_ptr<z3::context>> contexts;
};

AnalysisCache::AnalysisCache() : impl_(std::make_unique<Impl>()) {}
AnalysisCache::~AnalysisCache() = default;
std::size_t AnalysisCache::size() const {
  return impl_->layers.size();
}

namespace {

// One worker thread's solver state for one run: created up front on the main thread, on a
// context that only this worker uses during the run.
struct Worker {
  Worker(z3::context& context, unsigned rlimit) : ctx(context), solver(ctx, rlimit), vars(ctx) {}
  z3::context& ctx;
  QuerySolver solver;
  Variables vars;
  AnalysisStats stats;
};

const char* LayerWord(const sema::Layer& layer) {
  return layer.kind.c_str();
}

std::string RuleName(const ast::RuleDecl& rule) {
  return rule.layer + "." + rule.id;
}

std::string Cite(const ast::RuleDecl& rule) {
  return fmt::format("`{}` (\"{}\")", RuleName(rule), rule.citation);
}

bool IsLiteral(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::kBoolLit:
    case ast::ExprKind::kIntLit:
    case ast::ExprKind::kMoneyLit:
    case ast::ExprKind::kDateLit:
    case ast::ExprKind::kSetLit:
      return true;
    case ast::ExprKind::kNeg:
      return IsLiteral(*e.operands[0]);
    case ast::ExprKind::kName:
      return e.symbol.kind == ast::SymbolKind::kEnumMember;
    default:
      return false;
  }
}

const ast::Expr* AssignedExpr(const ast::RuleDecl& rule, const ast::DecisionDecl& decision) {
  for (const ast::Assignment& a : rule.assignments) {
    if (a.decision == &decision) return a.value.get();
  }
  return nullptr;
}

// The decisions a rule assigns, by name.
std::vector<std::string> DecisionsOf(const ast::RuleDecl& rule) {
  std::vector<std::string> decisions;
  for (const ast::Assignment& a : rule.assignments) {
    if (a.decision) decisions.push_back(a.decision->name);
  }
  return decisions;
}

// What one layer's analysis produces.
struct LayerResult {
  std::vector<diag::Diagnostic> diagnostics;
  std::set<std::string> gaps;
  bool from_cache = false;
};

class LayerAnalysis {
 public:
  LayerAnalysis(Worker& worker, const sema::Model& model, const sema::Layer& layer,
                const AnalysisOptions& options, ProgramCache& programs,
                const std::set<std::string>* parent_gaps)
      : w_(worker),
        model_(model),
        layer_(layer),
        options_(options),
        programs_(programs),
        parent_gaps_(parent_gaps),
        chain_(model.Chain(layer)),
        enc_(worker.vars, model, chain_, layer.name),
        findings_({worker.solver, worker.vars, model, programs, options.replay_witnesses},
                  layer.name, result_.diagnostics, worker.stats.undetermined) {
    if (layer.parent) {
      std::vector<const sema::Layer*> parent_chain(chain_.begin(), chain_.end() - 1);
      parent_ = std::make_unique<Encoder>(worker.vars, model, parent_chain, "parent!" + layer.name);
    }
  }

  LayerResult Run() {
    z3::solver& solver = w_.solver.solver();
    try {
      w_.solver.StartBudget(options_.layer_time_limit_ms);
      solver.push();
      solver.add(enc_.Axioms());
      RunChecks();
      solver.pop();
    } catch (const OutOfTime& out) {
      // Findings so far stand; what was not asked is undetermined, said once for the layer.
      findings_
          .Undetermined(layer_.header ? layer_.header->name_range : source::SourceRange{},
                        fmt::format("analysis of layer `{}` stopped after its time limit of {} ms; "
                                    "the checks after that point were not made",
                                    layer_.name, out.limit_ms))
          .Help(
              "raise the time limit (`loket check --solver-time-limit SECONDS`, "
              "LoadOptions::solver_time_limit_ms), or simplify the date arithmetic of the layer");
      PopQuietly(solver);
    } catch (const z3::exception& e) {
      findings_.Undetermined(
          layer_.header ? layer_.header->name_range : source::SourceRange{},
          fmt::format("analysis of layer `{}` stopped: {}", layer_.name, e.msg()));
      PopQuietly(solver);
    }
    return std::move(result_);
  }

 private:
  static void PopQuietly(z3::solver& solver) {
    try {
      solver.pop();
    } catch (const z3::exception&) {
    }
  }

  void RunChecks() {
    CheckVersions();
    std::vector<const ast::RuleDecl*> live;
    for (const ast::RuleDecl* rule : layer_.rules) {
      if (CheckDead(*rule)) live.push_back(rule);
    }
    CheckAmbiguity(live);
    CheckExceptions(live);
    CheckShadowed();
    CheckDelegated(live);
    CheckGaps();
    CheckNotApplicable(live);
    CheckRestatements(live);
    CheckProtected(live);
  }

  std::string ValueOf(const z3::model& model, const Term& term, const ast::Type& type) {
    if (term.is_set) {
      std::uint64_t mask = 0;
      for (std::size_t i = 0; i < term.members.size() && i < 64; ++i) {
        if (model.eval(term.members[i], true).is_true()) mask |= std::uint64_t{1} << i;
      }
      return FormatValue(type, static_cast<std::int64_t>(mask));
    }
    z3::expr v = model.eval(term.scalar, true);
    if (v.is_bool()) return v.is_true() ? "true" : "false";
    std::int64_t raw = 0;
    v.is_numeral_i64(raw);
    return FormatValue(type, raw);
  }

  // --- L512 overlapping versions -------------------------------------------------------------
  void CheckVersions() {
    std::map<std::string, std::vector<const ast::RuleDecl*>> by_id;
    for (const ast::RuleDecl* rule : layer_.rules) by_id[rule->id].push_back(rule);
    for (auto& [id, versions] : by_id) {
      for (std::size_t i = 0; i < versions.size(); ++i) {
        for (std::size_t j = i + 1; j < versions.size(); ++j) {
          CheckVersionPair(id, *versions[i], *versions[j]);
        }
      }
    }
  }

  void CheckVersionPair(const std::string& id, const ast::RuleDecl& a, const ast::RuleDecl& b) {
    z3::expr both = enc_.InForce(a) && enc_.InForce(b);
    Answer answer = findings_.Ask({both, {&enc_}, b.id_range, "whether versions overlap"}, true);
    if (answer.verdict != Verdict::kSat) return;
    Finding finding =
        findings_
            .Report(
                diag::Kind::kOverlappingVersions,
                b.validity.range.valid() ? b.validity.range : b.id_range,
                fmt::format("two versions of rule `{}` are in force on the same days (e.g. {})", id,
                            support::FormatIsoDate(
                                static_cast<support::DayNumber>(ModelDay(*answer.model)))))
            .Note(a, fmt::format("the other version {}", Cite(a)))
            .Help("end the earlier version `until` the day the later one starts");
    // The witness shows the overlap: a case on a common day where both versions' conditions
    // hold (both decide), else where one of them does.
    int deciding = 0;
    z3::expr shown = both;
    z3::model model = *answer.model;
    const std::pair<z3::expr, int> tries[] = {{both && enc_.Condition(a) && enc_.Condition(b), 2},
                                              {both && enc_.Condition(b), 1},
                                              {both && enc_.Condition(a), 1}};
    for (const auto& [q, count] : tries) {
      Found found = findings_.tools().Example(q, {&enc_});
      if (!found) continue;
      shown = q;
      deciding = count;
      model = *found;
      break;
    }
    std::vector<std::string> decisions = DecisionsOf(b);
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
                        return fmt::format("{} version(s) of `{}` decided, not {}",
                                           versions_deciding, id, deciding);
                      }
                      return {};
                    });
  }

  std::int64_t ModelDay(const z3::model& model) {
    std::int64_t day = 0;
    model.eval(w_.vars.date(), true).is_numeral_i64(day);
    return day;
  }

  // --- L507 dead rules ------------------------------------------------------------------------
  bool CheckDead(const ast::RuleDecl& rule) {
    z3::expr q = enc_.InForce(rule) && enc_.Condition(rule);
    Answer answer = findings_.Ask(
        {q, {&enc_}, rule.id_range, fmt::format("whether rule `{}` can apply", rule.id)}, false);
    if (answer.verdict != Verdict::kUnsat) return true;  // it can, or undetermined (L513)
    Finding finding = findings_.Report(
        diag::Kind::kDeadRule, rule.id_range,
        fmt::format("rule {} can never apply: its condition is false for every case "
                    "allowed by the facts' ranges and the `assume`s{}",
                    Cite(rule),
                    rule.validity.from || rule.validity.until ? " while it is in force" : ""));
    // Which part can never hold: a minimal set of the condition's conjuncts (and validity
    // bounds) that no case allowed by the ranges and `assume`s satisfies.
    std::vector<Encoder::Part> parts = enc_.ConditionParts(rule);
    std::vector<z3::expr> terms;
    for (const Encoder::Part& part : parts) terms.push_back(part.term);
    std::vector<std::size_t> core = w_.solver.MinimalUnsatisfiable(terms, {&enc_});
    std::string what;
    for (std::size_t k = 0; k < core.size(); ++k) {
      if (k > 0) what += k + 1 == core.size() ? " together with " : ", ";
      what += parts[core[k]].what;
    }
    if (core.empty()) {
      finding.Help(
          "no witness case exists: the facts' ranges and the `assume`s exclude every case");
    } else {
      finding.Help(fmt::format(
          "no witness case exists: {} can never hold{}; correct that part or remove the rule", what,
          core.size() == 1 ? " for a case the facts' ranges and the `assume`s allow" : ""));
    }
    return false;
  }

  // --- L501 ambiguity -------------------------------------------------------------------------
  bool Related(const ast::RuleDecl& a, const ast::RuleDecl& b) {
    // Either is (transitively) an exception to the other.
    auto reaches = [&](const ast::RuleDecl& from, const ast::RuleDecl& to) {
      std::vector<const ast::RuleDecl*> stack{&from};
      std::set<const ast::RuleDecl*> seen;
      while (!stack.empty()) {
        const ast::RuleDecl* r = stack.back();
        stack.pop_back();
        if (!seen.insert(r).second) continue;
        for (const ast::RuleRef& ref : r->exception_to) {
          if (ref.target == &to) return true;
          if (ref.target) stack.push_back(ref.target);
        }
      }
      return false;
    };
    return reaches(a, b) || reaches(b, a);
  }

  void CheckAmbiguity(const std::vector<const ast::RuleDecl*>& live) {
    std::map<const ast::DecisionDecl*, std::vector<const ast::RuleDecl*>> by_decision;
    std::vector<const ast::DecisionDecl*> order;
    for (const ast::RuleDecl* rule : live) {
      for (const ast::Assignment& a : rule->assignments) {
        if (!a.decision || a.decision->collect) continue;
        if (by_decision[a.decision].empty()) order.push_back(a.decision);
        by_decision[a.decision].push_back(rule);
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

  void CheckPair(const ast::DecisionDecl& decision, const ast::RuleDecl& a,
                 const ast::RuleDecl& b) {
    if (Related(a, b)) return;
    const ast::Expr* va = AssignedExpr(a, decision);
    const ast::Expr* vb = AssignedExpr(b, decision);
    if (!va || !vb) return;
    // Exact cheap tests first: equal constant values never disagree; disjoint boxes (validity
    // included) never overlap.
    if (IsLiteral(*va) && IsLiteral(*vb) && SameLiteral(*va, *vb)) {
      ++w_.stats.decided_without_solver;
      return;
    }
    if (BoxesDisjoint(a, b)) {
      ++w_.stats.decided_without_solver;
      return;
    }
    Term ta = enc_.Assigned(a, decision), tb = enc_.Assigned(b, decision);
    // Only where the decision applies: elsewhere its rules are not consulted.
    z3::expr q =
        enc_.Applies(a) && enc_.Applies(b) && !Encoder::Equal(ta, tb) && enc_.AppliesWhen(decision);
    Found model =
        findings_.Find({q,
                        {&enc_},
                        b.id_range,
                        fmt::format("whether rules `{}` and `{}` can disagree", a.id, b.id)});
    if (!model) return;
    std::string value_a = ValueOf(*model, ta, decision.type.type);
    std::string value_b = ValueOf(*model, tb, decision.type.type);
    findings_
        .Report(diag::Kind::kAmbiguity, b.id_range,
                fmt::format("rules {} and {} can both apply to one case and decide `{}` "
                            "differently ({} vs {}); neither is an exception to the other",
                            Cite(b), Cite(a), decision.name, value_b, value_a))
        .Note(a, fmt::format("{} decides `{}` = {} for the witness case", Cite(a), decision.name,
                             value_a))
        .Help(fmt::format("make one rule an exception to the other (`exception to {}`), "
                          "or make their conditions exclusive",
                          a.id))
        .Witness(
            *model, q, {"both rules apply", &layer_, {decision.name}},
            [&](const Program& p, const Replay& replay) -> std::string {
              const Outcome& o = *replay.outcome;
              int dec = o.FindDecision(decision.name);
              if (dec < 0 || o.status(dec) != DecisionStatus::kConflict) {
                return "the evaluator did not report a conflict on `" + decision.name + "`";
              }
              if (!IsWinner(o, dec, RuleIndexOf(p, a)) || !IsWinner(o, dec, RuleIndexOf(p, b))) {
                return "the conflict does not name both rules";
              }
              return {};
            });
  }

  static bool SameLiteral(const ast::Expr& a, const ast::Expr& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case ast::ExprKind::kBoolLit:
        return a.bool_value == b.bool_value;
      case ast::ExprKind::kName:
        return a.symbol.enum_index == b.symbol.enum_index &&
               a.symbol.enum_decl == b.symbol.enum_decl;
      case ast::ExprKind::kNeg:
        return SameLiteral(*a.operands[0], *b.operands[0]);
      case ast::ExprKind::kSetLit: {
        if (a.operands.size() != b.operands.size()) return false;
        std::set<int> x, y;
        for (auto& e : a.operands) x.insert(e->symbol.enum_index);
        for (auto& e : b.operands) y.insert(e->symbol.enum_index);
        return x == y;
      }
      default:
        return a.int_value == b.int_value;
    }
  }

  bool BoxesDisjoint(const ast::RuleDecl& a, const ast::RuleDecl& b) {
    Box ba = BoxOf(a), bb = BoxOf(b);
    return !ba.Intersects(bb);
  }

  Box BoxOf(const ast::RuleDecl& rule) {
    auto it = boxes_.find(&rule);
    if (it != boxes_.end()) return it->second;
    Box box = Box::Of(rule);
    boxes_.emplace(&rule, box);
    return box;
  }

  // --- L505 exceptions broader than their base; L511 exception outliving its base -------------
  void CheckExceptions(const std::vector<const ast::RuleDecl*>& live) {
    for (const ast::RuleDecl* e : live) {
      for (const ast::RuleRef& ref : e->exception_to) {
        if (!ref.target) continue;
        const ast::RuleDecl& base = *ref.target;
        CheckBroader(*e, base);
        CheckOutlives(*e, base, ref.range);  // in any layer: a local base can expire too
      }
    }
  }

  void CheckBroader(const ast::RuleDecl& e, const ast::RuleDecl& base) {
    for (const ast::Assignment& assignment : e.assignments) {
      const ast::DecisionDecl* decision = assignment.decision;
      if (!decision) continue;
      Term value = enc_.Assigned(e, *decision);
      z3::expr changes = w_.ctx.bool_val(true);
      if (decision->collect) {
        changes = w_.ctx.bool_val(false);
        for (const z3::expr& m : value.members) changes = changes || m;
      } else if (decision->default_value) {
        changes = !Encoder::Equal(value, enc_.Encode(*decision->default_value));
      }
      z3::expr q = enc_.InForce(e) && enc_.InForce(base) && enc_.Condition(e) &&
                   !enc_.Defeated(e) && !enc_.Condition(base) && changes;
      Found model = findings_.Find(
          {q,
           {&enc_},
           e.id_range,
           fmt::format("whether exception `{}` is broader than `{}`", e.id, base.id)});
      if (!model) continue;
      findings_
          .Report(diag::Kind::kExceptionBroaderThanBase, e.id_range,
                  fmt::format("exception {} also applies where its base rule {} does not, "
                              "and there decides `{}` = {} on its own",
                              Cite(e), Cite(base), decision->name,
                              ValueOf(*model, value, decision->type.type)))
          .Note(base, fmt::format("base rule {}; its condition is false for the witness case",
                                  Cite(base)))
          .Help(fmt::format("repeat the base rule's condition in the exception, or make "
                            "`{}` a rule of its own",
                            e.id))
          .Witness(*model, q,
                   {"the exception applies, its base does not", &layer_, {decision->name}},
                   [&](const Program& p, const Replay& replay) -> std::string {
                     const Outcome& o = *replay.outcome;
                     int dec = o.FindDecision(decision->name);
                     if (!IsWinner(o, dec, RuleIndexOf(p, e)))
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

  void CheckOutlives(const ast::RuleDecl& e, const ast::RuleDecl& base, source::SourceRange ref) {
    z3::expr q = enc_.Applies(e) && !enc_.InForce(base);
    Found model =
        findings_.Find({q, {&enc_}, e.id_range, "whether an exception outlives its base"});
    if (!model) return;
    findings_
        .Report(
            diag::Kind::kValidityOutsideBase, e.id_range,
            fmt::format("exception {} is in force on {}, when its base rule {} is not", Cite(e),
                        support::FormatIsoDate(static_cast<support::DayNumber>(ModelDay(*model))),
                        Cite(base)))
        .Note(ref, fmt::format("builds on {}", Cite(base)))
        .Note(base, "the base rule's validity")
        .Help("align the exception's `valid from/until` with its base rule's")
        .Witness(*model, q, {"the exception applies without its base", &layer_, DecisionsOf(e)},
                 [&](const Program& p, const Replay& replay) -> std::string {
                   WhyNotExplanation why = p.WhyNot(replay.facts, replay.date, RuleName(base));
                   if (why.reason != WhyNotExplanation::Reason::kNotInForce) {
                     return "the base rule was in force";
                   }
                   return {};
                 });
  }

  // --- L508 shadowed rules --------------------------------------------------------------------
  void CheckShadowed() {
    for (const sema::Layer* layer : chain_) {
      for (const ast::RuleDecl* rule : layer->rules) {
        std::vector<const ast::RuleDecl*> exceptions = enc_.ExceptionsTo(*rule);
        if (exceptions.empty()) continue;
        // Check where something new is: the rule or one of its exceptions is in this layer.
        bool here = rule->layer == layer_.name;
        for (const ast::RuleDecl* e : exceptions) here = here || e->layer == layer_.name;
        if (here) CheckShadowedRule(*rule, exceptions);
      }
    }
  }

  void CheckShadowedRule(const ast::RuleDecl& rule,
                         const std::vector<const ast::RuleDecl*>& exceptions) {
    z3::expr possible = enc_.InForce(rule) && enc_.Condition(rule);
    z3::expr wins = possible && !enc_.Defeated(rule);
    Answer answer =
        findings_.Ask({wins, {&enc_}, rule.id_range, "whether a rule is always defeated"}, false);
    if (answer.verdict != Verdict::kUnsat) return;
    Answer applies = w_.solver.Check(possible, {&enc_}, true);
    if (applies.verdict != Verdict::kSat) return;  // dead: L507 says it
    // The witness shows the rule applying and defeated: prefer a case where every decision
    // of the chain is decided, so that a condition reading one can be evaluated.
    z3::expr decided = w_.ctx.bool_val(true);
    for (const sema::Layer* l : chain_) {
      for (const ast::DecisionDecl* decision : l->decisions) {
        decided = decided && enc_.Decisive(*decision);
      }
    }
    Answer clear = w_.solver.Check(possible && decided, {&enc_}, true);
    if (clear.verdict == Verdict::kSat) {
      possible = possible && decided;
      applies = std::move(clear);
    }
    z3::model model = findings_.tools().Prettify(possible, {&enc_}, *applies.model);
    const ast::RuleDecl& located = rule.layer == layer_.name ? rule : *exceptions.front();
    Finding finding =
        findings_.Report(diag::Kind::kShadowedRule, located.id_range,
                         fmt::format("rule {} is always defeated: wherever it applies, one of its "
                                     "exceptions applies too",
                                     Cite(rule)));
    for (const ast::RuleDecl* e : exceptions) {
      if (e != &located) finding.Note(*e, fmt::format("exception {}", Cite(*e)));
    }
    if (&located != &rule) finding.Note(rule, fmt::format("the shadowed rule {}", Cite(rule)));
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
        model, possible, {"the rule's condition holds, yet it loses", &layer_, DecisionsOf(rule)},
        [&](const Program& p, const Replay& replay) -> std::string {
          WhyNotExplanation why = p.WhyNot(replay.facts, replay.date, RuleName(rule));
          if (why.reason != WhyNotExplanation::Reason::kDefeated) {
            return std::string("the rule was not defeated (") + WhyNotReasonName(why.reason) + ")";
          }
          return {};
        });
  }

  // --- L503 outside `within`, L504 less favourable ------------------------------------------
  void CheckDelegated(const std::vector<const ast::RuleDecl*>& live) {
    if (!parent_) return;
    for (const ast::RuleDecl* rule : live) {
      for (const ast::Assignment& assignment : rule->assignments) {
        const ast::DecisionDecl* decision = assignment.decision;
        if (!decision || !decision->delegation || decision->layer == layer_.name) continue;
        CheckWithin(*rule, *decision, assignment);
        CheckFavours(*rule, *decision);
      }
    }
  }

  void CheckWithin(const ast::RuleDecl& rule, const ast::DecisionDecl& decision,
                   const ast::Assignment& assignment) {
    const ast::Delegation& delegation = *decision.delegation;
    bool has_within = !delegation.within_set.empty() || delegation.within_lo;
    if (!has_within || !assignment.value || IsLiteral(*assignment.value)) return;  // L312
    Term value = enc_.Assigned(rule, decision);
    z3::expr inside = w_.ctx.bool_val(false);
    for (const ast::ExprPtr& e : delegation.within_set) {
      inside = inside || Encoder::Equal(value, enc_.Encode(*e));
    }
    if (delegation.within_lo && delegation.within_hi) {
      inside = value.scalar >= enc_.Encode(*delegation.within_lo).scalar &&
               value.scalar <= enc_.Encode(*delegation.within_hi).scalar;
    }
    z3::expr q = enc_.Applies(rule) && !inside;
    Found model = findings_.Find(
        {q, {&enc_}, assignment.range, "whether a value stays within its delegation"});
    if (!model) return;
    std::string shown = ValueOf(*model, value, decision.type.type);
    findings_
        .Report(diag::Kind::kOutsideWithinCase, assignment.range,
                fmt::format("rule {} can decide `{}` = {}, outside what the delegation by "
                            "the {} layer allows",
                            Cite(rule), decision.name, shown, decision.layer))
        .Note(delegation.range, fmt::format("`{}` is delegated here", decision.name))
        .Witness(*model, q,
                 {"the local outcome leaves the delegated room", &layer_, {decision.name}},
                 [&](const Program& p, const Replay& replay) -> std::string {
                   const Outcome& o = *replay.outcome;
                   int dec = o.FindDecision(decision.name);
                   if (!IsWinner(o, dec, RuleIndexOf(p, rule))) return "the rule did not decide";
                   if (o.value(dec).ToString() != shown) {
                     return "the evaluator decided " + o.value(dec).ToString() + ", not " + shown;
                   }
                   return {};
                 });
  }

  void CheckFavours(const ast::RuleDecl& rule, const ast::DecisionDecl& decision) {
    ast::Favours favours = decision.delegation->favours;
    if (favours == ast::Favours::kNone) return;
    Term local = enc_.Outcome(decision);
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
    // Gaps above leave the higher outcome undefined: compare only where the parent decides.
    z3::expr parent_decides = w_.ctx.bool_val(true);
    if (!decision.default_value) {
      parent_decides = w_.ctx.bool_val(false);
      for (const ast::RuleDecl* r : parent_->RulesOn(decision)) {
        parent_decides = parent_decides || parent_->Applies(*r);
      }
    }
    z3::expr q = enc_.Applies(rule) && parent_decides && worse;
    Found model = findings_.Find(
        {q, {&enc_, parent_.get()}, rule.id_range, "whether a local outcome is less favourable"});
    if (!model) return;
    std::string local_value = ValueOf(*model, local, decision.type.type);
    std::string higher_value = ValueOf(*model, higher, decision.type.type);
    const sema::Layer& parent_layer = *layer_.parent;
    // The higher rules that decide the witness case: what the local rule falls short of.
    std::vector<const ast::RuleDecl*> higher_rules;
    for (const ast::RuleDecl* r : parent_->RulesOn(decision)) {
      if (model->eval(parent_->Applies(*r), true).is_true()) higher_rules.push_back(r);
    }
    std::string higher_basis = higher_rules.empty()
                                   ? fmt::format("the default of `{}`", decision.name)
                                   : fmt::format("rule {}", Cite(*higher_rules.front()));
    Finding finding = findings_.Report(
        diag::Kind::kLessFavourable, rule.id_range,
        fmt::format("rule {} makes `{}` = {} where the {} layer `{}` decides {} by {}; "
                    "the delegation only allows outcomes in the person's favour",
                    Cite(rule), decision.name, local_value, LayerWord(parent_layer),
                    parent_layer.name, higher_value, higher_basis));
    for (const ast::RuleDecl* r : higher_rules) {
      finding.Note(*r, fmt::format("{} decides `{}` = {} for the witness case", Cite(*r),
                                   decision.name, higher_value));
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

  // --- L506 gaps -----------------------------------------------------------------------------
  void CheckGaps() {
    for (const sema::Layer* layer : chain_) {
      for (const ast::DecisionDecl* decision : layer->decisions) {
        if (decision->default_value || decision->collect) continue;
        // The gap was already reported for the parent's chain.
        if (parent_gaps_ && parent_gaps_->count(decision->layer + "." + decision->name)) {
          result_.gaps.insert(decision->layer + "." + decision->name);
          continue;
        }
        CheckGap(*decision);
      }
    }
  }

  void CheckGap(const ast::DecisionDecl& decision) {
    z3::expr none = enc_.AppliesWhen(decision);  // not applicable is no gap
    for (const ast::RuleDecl* rule : enc_.RulesOn(decision)) {
      none = none && !enc_.Applies(*rule);
    }
    Found model =
        findings_.Find({none, {&enc_}, decision.name_range, "whether a decision has gaps"});
    if (!model) return;
    result_.gaps.insert(decision.layer + "." + decision.name);
    findings_
        .Report(diag::Kind::kGap, decision.name_range,
                fmt::format("in {} `{}`, no rule decides `{}` for some cases and it has "
                            "no default",
                            LayerWord(layer_), layer_.name, decision.name))
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

  std::string ConditionText(const ast::Expr& condition) const {
    const source::SourceRange range = condition.range;
    if (!model_.sources || !range.valid() || range.file >= model_.sources->file_count()) return {};
    std::string_view text = model_.sources->text(range.file);
    if (range.end > text.size() || range.begin > range.end) return {};
    return std::string(text.substr(range.begin, range.end - range.begin));
  }

  // --- L520 a rule deciding a decision where it does not apply ------------------------------
  // The rule applies to some case where the decision's `applies when` is false: there it is
  // not consulted, so its condition claims more than it can decide (usually the rule lacks the
  // applicability condition, or the decision's condition is too narrow).
  void CheckNotApplicable(const std::vector<const ast::RuleDecl*>& live) {
    for (const ast::RuleDecl* rule : live) {
      for (const ast::Assignment& assignment : rule->assignments) {
        const ast::DecisionDecl* decision = assignment.decision;
        if (!decision || !decision->applies_when) continue;
        CheckDecidedWhereNotApplicable(*rule, *decision);
      }
    }
  }

  void CheckDecidedWhereNotApplicable(const ast::RuleDecl& rule,
                                      const ast::DecisionDecl& decision) {
    z3::expr q = enc_.Applies(rule) && !enc_.AppliesWhen(decision);
    Found model =
        findings_.Find({q,
                        {&enc_},
                        rule.id_range,
                        fmt::format("whether rule `{}` decides `{}` where it does not apply",
                                    rule.id, decision.name)});
    if (!model) return;
    const std::string condition = ConditionText(*decision.applies_when);
    findings_
        .Report(diag::Kind::kDecidedWhereNotApplicable, rule.id_range,
                fmt::format("rule {} decides `{}` for cases where it does not apply "
                            "(`applies when {}` is false); there the rule is not consulted",
                            Cite(rule), decision.name, condition))
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

  // --- L509 restating a higher layer's rule --------------------------------------------------
  void CheckRestatements(const std::vector<const ast::RuleDecl*>& live) {
    if (!parent_) return;
    for (const ast::RuleDecl* rule : live) {
      if (rule->assignments.size() != 1 || !rule->exception_to.empty()) continue;
      const ast::Assignment& assignment = rule->assignments.front();
      const ast::DecisionDecl* decision = assignment.decision;
      if (!decision || !assignment.value || !IsLiteral(*assignment.value)) continue;
      for (const ast::RuleDecl* other : parent_->RulesOn(*decision)) {
        if (other->assignments.size() != 1) continue;
        const ast::Expr* value = AssignedExpr(*other, *decision);
        if (!value || !IsLiteral(*value) || !SameLiteral(*value, *assignment.value)) continue;
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
  bool CheckRestates(const ast::RuleDecl& rule, const ast::RuleDecl& other,
                     const ast::DecisionDecl& decision) {
    z3::expr both = enc_.InForce(rule) && enc_.InForce(other);
    z3::expr differ = both && (enc_.Condition(rule) != enc_.Condition(other));
    Answer answer = findings_.Ask(
        {differ, {&enc_}, rule.id_range, "whether a rule restates a higher one"}, false);
    if (answer.verdict != Verdict::kUnsat) return false;
    z3::expr q = both && enc_.Condition(rule);
    Found model = findings_.tools().Example(q, {&enc_});
    if (!model) return false;
    findings_
        .Report(diag::Kind::kRestatesHigherRule, rule.id_range,
                fmt::format("rule {} restates {}: same condition, same outcome `{}`", Cite(rule),
                            Cite(other), decision.name))
        .Note(other, fmt::format("the {} rule {}", other.layer, Cite(other)))
        .Help("drop the local copy: it would silently diverge after the next amendment above")
        .Witness(*model, q, {"both rules apply", &layer_, {decision.name}},
                 [&](const Program& p, const Replay& replay) -> std::string {
                   const Outcome& o = *replay.outcome;
                   int dec = o.FindDecision(decision.name);
                   if (!IsWinner(o, dec, RuleIndexOf(p, rule))) {
                     return "the local rule did not decide";
                   }
                   return {};
                 });
    return true;
  }

  // Facts a rule reads, through lets and decisions of this chain.
  std::set<const ast::FactDecl*> FactsRead(const ast::RuleDecl& rule) {
    std::set<const ast::FactDecl*> facts;
    std::set<const void*> seen;
    std::function<void(const ast::Expr*)> walk = [&](const ast::Expr* expr) {
      if (!expr) return;
      const ast::Symbol& s = expr->symbol;
      if (expr->kind == ast::ExprKind::kName || expr->kind == ast::ExprKind::kKnown) {
        if (s.kind == ast::SymbolKind::kFact) facts.insert(s.fact);
        if (s.kind == ast::SymbolKind::kLet && seen.insert(s.let).second) walk(s.let->value.get());
        if (s.kind == ast::SymbolKind::kDecision && seen.insert(s.decision).second) {
          walk(s.decision->default_value.get());
          for (const ast::RuleDecl* r : enc_.RulesOn(*s.decision)) {
            walk(r->condition.get());
            walk(AssignedExpr(*r, *s.decision));
          }
        }
      }
      for (const auto& op : expr->operands) walk(op.get());
    };
    walk(rule.condition.get());
    for (const auto& a : rule.assignments) walk(a.value.get());
    return facts;
  }

  // --- L510 protected criteria ----------------------------------------------------------------
  void CheckProtected(const std::vector<const ast::RuleDecl*>& live) {
    if (!parent_) return;
    std::set<std::pair<const ast::FactDecl*, const ast::DecisionDecl*>> done;
    for (const ast::RuleDecl* rule : live) {
      std::set<const ast::FactDecl*> read = FactsRead(*rule);
      for (const ast::FactDecl* fact : read) {
        if (!fact->is_protected) continue;
        for (const ast::Assignment& assignment : rule->assignments) {
          const ast::DecisionDecl* decision = assignment.decision;
          if (!decision || !done.insert({fact, decision}).second) continue;
          CheckProtectedPair(*rule, *fact, *decision);
        }
      }
    }
  }

  void CheckProtectedPair(const ast::RuleDecl& rule, const ast::FactDecl& fact,
                          const ast::DecisionDecl& decision) {
    Encoder twin(w_.vars, model_, chain_, layer_.name + "!twin", &fact);
    std::vector<const sema::Layer*> parent_chain(chain_.begin(), chain_.end() - 1);
    Encoder parent_twin(w_.vars, model_, parent_chain, "parent!" + layer_.name + "!twin", &fact);
    Term local = enc_.Outcome(decision), local_twin = twin.Outcome(decision);
    Term higher = parent_->Outcome(decision), higher_twin = parent_twin.Outcome(decision);
    z3::expr q =
        twin.Axioms() && !Encoder::Equal(local, local_twin) && Encoder::Equal(higher, higher_twin);
    Found model = findings_.Find({q,
                                  {&enc_, &twin, parent_.get(), &parent_twin},
                                  rule.id_range,
                                  "whether an outcome depends on a protected fact"},
                                 {0, 1});
    if (!model) return;
    std::string a = ValueOf(*model, local, decision.type.type);
    std::string b = ValueOf(*model, local_twin, decision.type.type);
    std::string fa = ValueOf(*model, w_.vars.Fact(&fact, 0), fact.type.type);
    std::string fb = ValueOf(*model, w_.vars.Fact(&fact, 1), fact.type.type);
    Finding finding =
        findings_
            .Report(diag::Kind::kProtectedCriterion, rule.id_range,
                    fmt::format("in {} `{}`, `{}` changes ({} vs {}) when only the protected fact "
                                "`{}` changes ({} vs {}); rule {} reads it",
                                LayerWord(layer_), layer_.name, decision.name, a, b, fact.name, fa,
                                fb, Cite(rule)))
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

  Worker& w_;
  const sema::Model& model_;
  const sema::Layer& layer_;
  const AnalysisOptions& options_;
  ProgramCache& programs_;
  const std::set<std::string>* parent_gaps_;
  std::vector<const sema::Layer*> chain_;
  Encoder enc_;
  std::unique_ptr<Encoder> parent_;
  std::unordered_map<const ast::RuleDecl*, Box> boxes_;
  LayerResult result_;
  Findings findings_;
};

}  // namespace

AnalysisStats RunConflictAnalysis(const sema::Model& model, const AnalysisOptions& options,
                                  diag::DiagnosticSink& sink) {
  AnalysisStats stats;
  const std::size_t n = model.layers.size();
  if (n == 0) return stats;
  std::vector<LayerResult> results(n);
  std::unordered_map<const sema::Layer*, std::size_t> index;
  int max_depth = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const sema::Layer& layer = *model.layers[i];
    index[&layer] = i;
    max_depth = std::max(max_depth, layer.depth);
  }
  // A layer's results depend only on its chain of layers: its key covers their content.
  std::vector<std::uint64_t> keys;
  if (options.cache) keys = options.chain_keys ? *options.chain_keys : sema::ChainKeys(model);

  unsigned thread_count = std::max(1u, options.threads);
  std::vector<std::unique_ptr<z3::context>> local_contexts;
  std::vector<std::unique_ptr<z3::context>>& contexts =
      options.cache ? options.cache->impl().contexts : local_contexts;
  std::vector<std::unique_ptr<Worker>> workers;
  ProgramCache programs(model);

  for (int depth = 0; depth <= max_depth; ++depth) {
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < n; ++i) {
      if (model.layers[i]->depth != depth) continue;
      if (options.cache) {
        auto& cached = options.cache->impl().layers;
        auto it = cached.find(keys[i]);
        if (it != cached.end()) {
          results[i].diagnostics = it->second.diagnostics;
          results[i].gaps = it->second.gaps;
          results[i].from_cache = true;
          ++stats.layers_from_cache;
          continue;
        }
      }
      todo.push_back(i);
    }
    if (todo.empty()) continue;
    // Z3 contexts are created up front, on this thread, and only as many as there is work.
    while (workers.size() < std::min<std::size_t>(thread_count, todo.size())) {
      if (contexts.size() <= workers.size()) contexts.push_back(std::make_unique<z3::context>());
      workers.push_back(std::make_unique<Worker>(*contexts[workers.size()], options.solver_rlimit));
    }
    // Each worker takes every `used`-th layer, in order: which context analyses which layer,
    // and after which others, is then the same on every run, so Z3 returns the same models
    // and the witnesses in a report do not change between runs.
    const std::size_t used = std::min<std::size_t>(workers.size(), todo.size());
    auto work = [&](Worker& worker, std::size_t first) {
      for (std::size_t k = first; k < todo.size(); k += used) {
        std::size_t i = todo[k];
        const sema::Layer& layer = *model.layers[i];
        const std::set<std::string>* parent_gaps =
            layer.parent ? &results[index[layer.parent]].gaps : nullptr;
        LayerAnalysis analysis(worker, model, layer, options, programs, parent_gaps);
        results[i] = analysis.Run();
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < used; ++t) threads.emplace_back(work, std::ref(*workers[t]), t);
    work(*workers[0], 0);
    for (std::thread& t : threads) t.join();
  }

  for (const auto& worker : workers) {
    stats.solver_queries += worker->solver.queries();
    stats.decided_without_solver += worker->stats.decided_without_solver;
    stats.undetermined += worker->stats.undetermined;
  }
  for (std::size_t i = 0; i < n; ++i) {
    ++stats.layers;
    if (options.cache && !results[i].from_cache) {
      options.cache->impl().layers[keys[i]] = {results[i].diagnostics, results[i].gaps};
    }
    std::vector<diag::Diagnostic>& diagnostics = results[i].diagnostics;
    diag::SortDiagnostics(diagnostics);
    for (diag::Diagnostic& d : diagnostics) {
      ++stats.findings;
      sink.Append(std::move(d));
    }
  }
  return stats;
}

}  // namespace loket::analysis
