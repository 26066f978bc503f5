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

std::string Cite(const ast::RuleDecl& rule, const sema::Annotations& annotations) {
  return fmt::format("`{}` (\"{}\")", RuleName(rule), annotations.CitationText(rule));
}

bool IsLiteral(const ast::Expr& e, const sema::Annotations& annotations) {
  switch (e.kind) {
    case ast::ExprKind::kBoolLit:
    case ast::ExprKind::kIntLit:
    case ast::ExprKind::kMoneyLit:
    case ast::ExprKind::kDateLit:
    case ast::ExprKind::kSetLit:
      return true;
    case ast::ExprKind::kNeg:
      return IsLiteral(*e.operands[0], annotations);
    case ast::ExprKind::kName:
      return annotations.SymbolOf(e).kind == ast::SymbolKind::kEnumMember;
    default:
      return false;
  }
}

const ast::Expr* AssignedExpr(const ast::RuleDecl& rule, const ast::DecisionDecl& decision,
                              const sema::Annotations& annotations) {
  for (const ast::Assignment& a : rule.assignments) {
    if (annotations.DecisionOf(a) == &decision) return a.value.get();
  }
  return nullptr;
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
        enc_(worker.vars, model, chain_, layer.name) {
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
      auto& d = Add(diag::Kind::kUndetermined,
                    layer_.header ? layer_.header->name_range : source::SourceRange{},
                    fmt::format("analysis of layer `{}` stopped after its time limit of {} ms; "
                                "the checks after that point were not made",
                                layer_.name, out.limit_ms));
      d.help.push_back(
          "raise the time limit (`loket check --solver-time-limit SECONDS`, "
          "LoadOptions::solver_time_limit_ms), or simplify the date arithmetic of the layer");
      ++w_.stats.undetermined;
      PopQuietly(solver);
    } catch (const z3::exception& e) {
      Add(diag::Kind::kUndetermined,
          layer_.header ? layer_.header->name_range : source::SourceRange{},
          fmt::format("analysis of layer `{}` stopped: {}", layer_.name, e.msg()));
      ++w_.stats.undetermined;
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

  diag::Diagnostic& Add(diag::Kind kind, source::SourceRange range, std::string message) {
    diag::Diagnostic d;
    d.kind = kind;
    d.severity = diag::Info(kind).severity;
    d.range = range;
    d.message = std::move(message);
    d.layer = layer_.name;
    result_.diagnostics.push_back(std::move(d));
    return result_.diagnostics.back();
  }

  void Note(diag::Diagnostic& d, const ast::RuleDecl& rule, const std::string& message) {
    d.notes.push_back({rule.id_range, message});
  }

  // An undetermined query is reported, never taken as "no finding".
  bool Undetermined(const Answer& answer, source::SourceRange range, const std::string& what) {
    if (answer.verdict != Verdict::kUnknown) return false;
    ++w_.stats.undetermined;
    auto& d = Add(diag::Kind::kUndetermined, range,
                  fmt::format("could not decide {} within the solver's resource limit ({})", what,
                              answer.reason.empty() ? "unknown" : answer.reason));
    d.help.push_back("raise LoadOptions::solver_rlimit, or simplify the condition");
    return true;
  }

  z3::model Prettify(const z3::expr& query, const std::vector<Encoder*>& encoders,
                     const z3::model& model, const std::vector<int>& copies) {
    return analysis::Prettify(w_.solver, w_.vars, enc_.facts(), query, encoders, model, copies);
  }

  // Builds a witness for copy `copy` of the facts, replayed in `layer`; returns the replay.
  struct Built {
    WitnessCase witness;
    std::optional<Replay> replay;
    const Program* program = nullptr;
  };
  Built Build(const z3::model& model, const z3::expr& query, int copy,
              const sema::Layer& jurisdiction, const ast::FactDecl* twin = nullptr) {
    std::set<std::string> constrained;
    CollectConstants(query, constrained);
    Built built;
    // Only the facts of the replaying jurisdiction: a parent has no municipal facts.
    std::vector<const ast::FactDecl*> facts;
    for (const sema::Layer* layer : model_.Chain(jurisdiction)) {
      facts.insert(facts.end(), layer->facts.begin(), layer->facts.end());
    }
    built.witness = ExtractCase(model, w_.vars, facts, copy ? twin : nullptr, constrained);
    if (options_.replay_witnesses) {
      built.program = programs_.Get(jurisdiction);
      if (built.program) built.replay = RunReplay(*built.program, built.witness);
    }
    return built;
  }

  void Attach(diag::Diagnostic& d, const Built& built, const std::string& title,
              const sema::Layer& jurisdiction, const std::vector<std::string>& decisions) {
    diag::Witness witness;
    witness.title = title;
    witness.jurisdiction = jurisdiction.name;
    witness.date = support::FormatIsoDate(static_cast<support::DayNumber>(built.witness.date));
    witness.case_yaml = CaseToYaml(built.witness);
    witness.facts_read_yaml = CaseToYaml(built.witness, /*read_only=*/true);
    if (built.replay && built.replay->ok) {
      for (const std::string& decision : decisions) {
        witness.replay += DescribeDecision(*built.program, *built.replay->outcome, decision);
        witness.replay += "\n";
      }
    } else if (built.replay) {
      witness.replay = "could not replay: " + built.replay->error + "\n";
    }
    d.witnesses.push_back(std::move(witness));
  }

  // L514: the replay does not show what the finding claims.
  void ReplayFailed(const diag::Diagnostic& finding, const std::string& why) {
    diag::Diagnostic d;
    d.kind = diag::Kind::kWitnessDidNotReplay;
    d.severity = diag::Info(d.kind).severity;
    d.range = finding.range;
    d.layer = finding.layer;
    d.message = fmt::format("internal: the witness of {} [{}] did not replay as claimed: {}",
                            diag::Info(finding.kind).code, finding.message, why);
    d.witnesses = finding.witnesses;
    d.help.push_back("please report this: the analysis and the evaluator disagree");
    result_.diagnostics.push_back(std::move(d));
  }

  bool Replayed(const Built& built) const { return built.replay && built.replay->ok; }

  // Checks a replay claim; reports L514 and returns false when it does not hold.
  bool Confirm(std::size_t finding_index, const Built& built,
               const std::function<std::string(const Program&, const Outcome&)>& claim) {
    if (!options_.replay_witnesses) return true;
    const diag::Diagnostic& finding = result_.diagnostics[finding_index];
    if (!built.program) {
      ReplayFailed(finding, "the jurisdiction could not be compiled");
      return false;
    }
    if (!Replayed(built)) {
      ReplayFailed(finding, built.replay ? built.replay->error : "no replay");
      return false;
    }
    std::string why = claim(*built.program, *built.replay->outcome);
    if (why.empty()) return true;
    ReplayFailed(finding, why);
    return false;
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
          const ast::RuleDecl& a = *versions[i];
          const ast::RuleDecl& b = *versions[j];
          z3::expr both = enc_.InForce(a) && enc_.InForce(b);
          Answer answer = w_.solver.Check(both, {&enc_}, true);
          if (Undetermined(answer, b.id_range, "whether versions overlap")) continue;
          if (answer.verdict != Verdict::kSat) continue;
          auto& d = Add(diag::Kind::kOverlappingVersions,
                        b.validity.range.valid() ? b.validity.range : b.id_range,
                        fmt::format("two versions of rule `{}` are in force on the same days "
                                    "(e.g. {})",
                                    id,
                                    support::FormatIsoDate(
                                        static_cast<support::DayNumber>(ModelDay(*answer.model)))));
          Note(d, a, fmt::format("the other version {}", Cite(a, model_.annotations)));
          d.help.push_back("end the earlier version `until` the day the later one starts");
          std::size_t index = result_.diagnostics.size() - 1;
          // The witness shows the overlap: a case on a common day where both versions'
          // conditions hold (both decide), else where one of them does.
          int deciding = 0;
          z3::expr shown = both;
          z3::model model = *answer.model;
          const std::pair<z3::expr, int> tries[] = {
              {both && enc_.Condition(a) && enc_.Condition(b), 2},
              {both && enc_.Condition(b), 1},
              {both && enc_.Condition(a), 1}};
          for (const auto& [q, count] : tries) {
            Answer found = w_.solver.Check(q, {&enc_}, true);
            if (found.verdict != Verdict::kSat) continue;
            shown = q;
            deciding = count;
            model = Prettify(q, {&enc_}, *found.model, {0});
            break;
          }
          Built built = Build(model, shown, 0, layer_);
          std::vector<std::string> decisions;
          for (const auto& assignment : b.assignments) {
            if (model_.annotations.DecisionOf(assignment))
              decisions.push_back(model_.annotations.DecisionOf(assignment)->name);
          }
          Attach(result_.diagnostics[index], built,
                 deciding == 2   ? "both versions in force and applying"
                 : deciding == 1 ? "both versions in force, one applying"
                                 : "both versions in force",
                 layer_, decisions);
          Confirm(index, built, [&](const Program&, const Outcome& o) -> std::string {
            if (deciding == 0 || decisions.empty()) return {};
            int dec = o.FindDecision(decisions.front());
            if (dec < 0) return "decision missing";
            int versions_deciding = 0;
            for (const RuleRefInfo& winner : o.winners(dec)) {
              versions_deciding += winner.layer == layer_.name && winner.id == id;
            }
            if (versions_deciding < deciding) {
              return fmt::format("{} version(s) of `{}` decided, not {}", versions_deciding, id,
                                 deciding);
            }
            return {};
          });
        }
      }
    }
  }

  std::int64_t ModelDay(const z3::model& model) {
    std::int64_t day = 0;
    model.eval(w_.vars.date(), true).is_numeral_i64(day);
    return day;
  }

  // --- L507 dead rules ------------------------------------------------------------------------
  bool CheckDead(const ast::RuleDecl& rule) {
    z3::expr q = enc_.InForce(rule) && enc_.Condition(rule);
    Answer answer = w_.solver.Check(q, {&enc_}, false);
    if (Undetermined(answer, rule.id_range, fmt::format("whether rule `{}` can apply", rule.id))) {
      return true;
    }
    if (answer.verdict == Verdict::kSat) return true;
    auto& d =
        Add(diag::Kind::kDeadRule, rule.id_range,
            fmt::format("rule {} can never apply: its condition is false for every case "
                        "allowed by the facts' ranges and the `assume`s{}",
                        Cite(rule, model_.annotations),
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
      d.help.push_back(
          "no witness case exists: the facts' ranges and the `assume`s exclude every case");
    } else {
      d.help.push_back(fmt::format(
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
          if (model_.annotations.TargetOf(ref) == &to) return true;
          if (model_.annotations.TargetOf(ref)) stack.push_back(model_.annotations.TargetOf(ref));
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
        if (!model_.annotations.DecisionOf(a) || model_.annotations.DecisionOf(a)->collect)
          continue;
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

  void CheckPair(const ast::DecisionDecl& decision, const ast::RuleDecl& a,
                 const ast::RuleDecl& b) {
    if (Related(a, b)) return;
    const ast::Expr* va = AssignedExpr(a, decision, model_.annotations);
    const ast::Expr* vb = AssignedExpr(b, decision, model_.annotations);
    if (!va || !vb) return;
    // Exact cheap tests first: equal constant values never disagree; disjoint boxes (validity
    // included) never overlap.
    if (IsLiteral(*va, model_.annotations) && IsLiteral(*vb, model_.annotations) &&
        SameLiteral(*va, *vb)) {
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
    Answer answer = w_.solver.Check(q, {&enc_}, true);
    if (Undetermined(answer, b.id_range,
                     fmt::format("whether rules `{}` and `{}` can disagree", a.id, b.id))) {
      return;
    }
    if (answer.verdict != Verdict::kSat) return;
    z3::model model = Prettify(q, {&enc_}, *answer.model, {0});
    std::string value_a = ValueOf(model, ta, model_.annotations.TypeOf(decision.type));
    std::string value_b = ValueOf(model, tb, model_.annotations.TypeOf(decision.type));
    auto& d = Add(diag::Kind::kAmbiguity, b.id_range,
                  fmt::format("rules {} and {} can both apply to one case and decide `{}` "
                              "differently ({} vs {}); neither is an exception to the other",
                              Cite(b, model_.annotations), Cite(a, model_.annotations),
                              decision.name, value_b, value_a));
    Note(d, a,
         fmt::format("{} decides `{}` = {} for the witness case", Cite(a, model_.annotations),
                     decision.name, value_a));
    d.help.push_back(
        fmt::format("make one rule an exception to the other (`exception to {}`), "
                    "or make their conditions exclusive",
                    a.id));
    std::size_t index = result_.diagnostics.size() - 1;
    Built built = Build(model, q, 0, layer_);
    Attach(result_.diagnostics[index], built, "both rules apply", layer_, {decision.name});
    Confirm(index, built, [&](const Program& p, const Outcome& o) -> std::string {
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

  bool SameLiteral(const ast::Expr& a, const ast::Expr& b) const {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case ast::ExprKind::kBoolLit:
        return a.bool_value == b.bool_value;
      case ast::ExprKind::kName:
        return model_.annotations.SymbolOf(a).enum_index ==
                   model_.annotations.SymbolOf(b).enum_index &&
               model_.annotations.SymbolOf(a).enum_decl == model_.annotations.SymbolOf(b).enum_decl;
      case ast::ExprKind::kNeg:
        return SameLiteral(*a.operands[0], *b.operands[0]);
      case ast::ExprKind::kSetLit: {
        if (a.operands.size() != b.operands.size()) return false;
        std::set<int> x, y;
        for (auto& e : a.operands) x.insert(model_.annotations.SymbolOf(*e).enum_index);
        for (auto& e : b.operands) y.insert(model_.annotations.SymbolOf(*e).enum_index);
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
    Box box = Box::Of(rule, model_.annotations);
    boxes_.emplace(&rule, box);
    return box;
  }

  // --- L505 exceptions broader than their base; L511 exception outliving its base -------------
  void CheckExceptions(const std::vector<const ast::RuleDecl*>& live) {
    for (const ast::RuleDecl* e : live) {
      for (const ast::RuleRef& ref : e->exception_to) {
        if (!model_.annotations.TargetOf(ref)) continue;
        const ast::RuleDecl& base = *model_.annotations.TargetOf(ref);
        CheckBroader(*e, base);
        CheckOutlives(*e, base, ref.range);  // in any layer: a local base can expire too
      }
    }
  }

  void CheckBroader(const ast::RuleDecl& e, const ast::RuleDecl& base) {
    for (const ast::Assignment& assignment : e.assignments) {
      const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment);
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
      Answer answer = w_.solver.Check(q, {&enc_}, true);
      if (Undetermined(answer, e.id_range,
                       fmt::format("whether exception `{}` is broader than `{}`", e.id, base.id))) {
        continue;
      }
      if (answer.verdict != Verdict::kSat) continue;
      z3::model model = Prettify(q, {&enc_}, *answer.model, {0});
      auto& d = Add(
          diag::Kind::kExceptionBroaderThanBase, e.id_range,
          fmt::format("exception {} also applies where its base rule {} does not, "
                      "and there decides `{}` = {} on its own",
                      Cite(e, model_.annotations), Cite(base, model_.annotations), decision->name,
                      ValueOf(model, value, model_.annotations.TypeOf(decision->type))));
      Note(d, base,
           fmt::format("base rule {}; its condition is false for the witness case",
                       Cite(base, model_.annotations)));
      d.help.push_back(
          fmt::format("repeat the base rule's condition in the exception, or make "
                      "`{}` a rule of its own",
                      e.id));
      std::size_t index = result_.diagnostics.size() - 1;
      Built built = Build(model, q, 0, layer_);
      Attach(result_.diagnostics[index], built, "the exception applies, its base does not", layer_,
             {decision->name});
      Confirm(index, built, [&](const Program& p, const Outcome& o) -> std::string {
        int dec = o.FindDecision(decision->name);
        if (!IsWinner(o, dec, RuleIndexOf(p, e))) return "the exception did not decide";
        WhyNotExplanation why = p.WhyNot(built.replay->facts, built.replay->date, RuleName(base));
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
    Answer answer = w_.solver.Check(q, {&enc_}, true);
    if (Undetermined(answer, e.id_range, "whether an exception outlives its base")) return;
    if (answer.verdict != Verdict::kSat) return;
    z3::model model = Prettify(q, {&enc_}, *answer.model, {0});
    auto& d =
        Add(diag::Kind::kValidityOutsideBase, e.id_range,
            fmt::format("exception {} is in force on {}, when its base rule {} is not",
                        Cite(e, model_.annotations),
                        support::FormatIsoDate(static_cast<support::DayNumber>(ModelDay(model))),
                        Cite(base, model_.annotations)));
    d.notes.push_back({ref, fmt::format("builds on {}", Cite(base, model_.annotations))});
    Note(d, base, "the base rule's validity");
    d.help.push_back("align the exception's `valid from/until` with its base rule's");
    std::size_t index = result_.diagnostics.size() - 1;
    Built built = Build(model, q, 0, layer_);
    std::vector<std::string> decisions;
    for (const auto& a : e.assignments) {
      if (model_.annotations.DecisionOf(a))
        decisions.push_back(model_.annotations.DecisionOf(a)->name);
    }
    Attach(result_.diagnostics[index], built, "the exception applies without its base", layer_,
           decisions);
    Confirm(index, built, [&](const Program& p, const Outcome&) -> std::string {
      WhyNotExplanation why = p.WhyNot(built.replay->facts, built.replay->date, RuleName(base));
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
        if (!here) continue;
        z3::expr possible = enc_.InForce(*rule) && enc_.Condition(*rule);
        z3::expr wins = possible && !enc_.Defeated(*rule);
        Answer answer = w_.solver.Check(wins, {&enc_}, false);
        if (Undetermined(answer, rule->id_range, "whether a rule is always defeated")) continue;
        if (answer.verdict != Verdict::kUnsat) continue;
        Answer applies = w_.solver.Check(possible, {&enc_}, true);
        if (applies.verdict != Verdict::kSat) continue;  // dead: L507 says it
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
        z3::model model = Prettify(possible, {&enc_}, *applies.model, {0});
        const ast::RuleDecl& located = rule->layer == layer_.name ? *rule : *exceptions.front();
        auto& d = Add(diag::Kind::kShadowedRule, located.id_range,
                      fmt::format("rule {} is always defeated: wherever it applies, one of its "
                                  "exceptions applies too",
                                  Cite(*rule, model_.annotations)));
        for (const ast::RuleDecl* e : exceptions) {
          if (e != &located) Note(d, *e, fmt::format("exception {}", Cite(*e, model_.annotations)));
        }
        if (&located != rule)
          Note(d, *rule, fmt::format("the shadowed rule {}", Cite(*rule, model_.annotations)));
        if (rule->layer == layer_.name) {
          d.help.push_back("remove the rule, or narrow its exceptions");
        } else {
          // The rule is a higher layer's law: this layer can only change its own exceptions.
          std::string local;
          for (const ast::RuleDecl* e : exceptions) {
            if (e->layer != layer_.name) continue;
            local += (local.empty() ? "`" : ", `") + e->id + "`";
          }
          d.help.push_back(fmt::format(
              "in {} `{}` the {} rule `{}` never decides: narrow the local exception{} {} to the "
              "cases it is meant for; the {} rule itself is not this {}'s to change",
              LayerWord(layer_), layer_.name, rule->layer, RuleName(*rule),
              local.find(',') == std::string::npos ? "" : "s", local, rule->layer,
              LayerWord(layer_)));
        }
        std::size_t index = result_.diagnostics.size() - 1;
        Built built = Build(model, possible, 0, layer_);
        std::vector<std::string> decisions;
        for (const auto& a : rule->assignments) {
          if (model_.annotations.DecisionOf(a))
            decisions.push_back(model_.annotations.DecisionOf(a)->name);
        }
        Attach(result_.diagnostics[index], built, "the rule's condition holds, yet it loses",
               layer_, decisions);
        Confirm(index, built, [&](const Program& p, const Outcome&) -> std::string {
          WhyNotExplanation why =
              p.WhyNot(built.replay->facts, built.replay->date, RuleName(*rule));
          if (why.reason != WhyNotExplanation::Reason::kDefeated) {
            return std::string("the rule was not defeated (") + WhyNotReasonName(why.reason) + ")";
          }
          return {};
        });
      }
    }
  }

  // --- L503 outside `within`, L504 less favourable, L511 outliving the delegating rules ------
  void CheckDelegated(const std::vector<const ast::RuleDecl*>& live) {
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

  void CheckWithin(const ast::RuleDecl& rule, const ast::DecisionDecl& decision,
                   const ast::Assignment& assignment) {
    const ast::Delegation& delegation = *decision.delegation;
    bool has_within = !delegation.within_set.empty() || delegation.within_lo;
    if (!has_within || !assignment.value || IsLiteral(*assignment.value, model_.annotations))
      return;  // L312
    Term value = enc_.Assigned(rule, decision);
    z3::expr inside = w_.ctx.bool_val(false);
    std::vector<std::int64_t> allowed;
    for (const ast::ExprPtr& e : delegation.within_set) {
      inside = inside || Encoder::Equal(value, enc_.Encode(*e));
    }
    if (delegation.within_lo && delegation.within_hi) {
      inside = value.scalar >= enc_.Encode(*delegation.within_lo).scalar &&
               value.scalar <= enc_.Encode(*delegation.within_hi).scalar;
    }
    z3::expr q = enc_.Applies(rule) && !inside;
    Answer answer = w_.solver.Check(q, {&enc_}, true);
    if (Undetermined(answer, assignment.range, "whether a value stays within its delegation")) {
      return;
    }
    if (answer.verdict != Verdict::kSat) return;
    z3::model model = Prettify(q, {&enc_}, *answer.model, {0});
    std::string shown = ValueOf(model, value, model_.annotations.TypeOf(decision.type));
    auto& d =
        Add(diag::Kind::kOutsideWithinCase, assignment.range,
            fmt::format("rule {} can decide `{}` = {}, outside what the delegation by "
                        "the {} layer allows",
                        Cite(rule, model_.annotations), decision.name, shown, decision.layer));
    d.notes.push_back({delegation.range, fmt::format("`{}` is delegated here", decision.name)});
    std::size_t index = result_.diagnostics.size() - 1;
    Built built = Build(model, q, 0, layer_);
    Attach(result_.diagnostics[index], built, "the local outcome leaves the delegated room", layer_,
           {decision.name});
    Confirm(index, built, [&](const Program& p, const Outcome& o) -> std::string {
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
    Answer answer = w_.solver.Check(q, {&enc_, parent_.get()}, true);
    if (Undetermined(answer, rule.id_range, "whether a local outcome is less favourable")) {
      return;
    }
    if (answer.verdict != Verdict::kSat) return;
    z3::model model = Prettify(q, {&enc_, parent_.get()}, *answer.model, {0});
    std::string local_value = ValueOf(model, local, model_.annotations.TypeOf(decision.type));
    std::string higher_value = ValueOf(model, higher, model_.annotations.TypeOf(decision.type));
    const sema::Layer& parent_layer = *layer_.parent;
    // The higher rules that decide the witness case: what the local rule falls short of.
    std::vector<const ast::RuleDecl*> higher_rules;
    for (const ast::RuleDecl* r : parent_->RulesOn(decision)) {
      if (model.eval(parent_->Applies(*r), true).is_true()) higher_rules.push_back(r);
    }
    std::string higher_basis =
        higher_rules.empty()
            ? fmt::format("the default of `{}`", decision.name)
            : fmt::format("rule {}", Cite(*higher_rules.front(), model_.annotations));
    auto& d =
        Add(diag::Kind::kLessFavourable, rule.id_range,
            fmt::format("rule {} makes `{}` = {} where the {} layer `{}` decides {} by {}; "
                        "the delegation only allows outcomes in the person's favour",
                        Cite(rule, model_.annotations), decision.name, local_value,
                        LayerWord(parent_layer), parent_layer.name, higher_value, higher_basis));
    for (const ast::RuleDecl* r : higher_rules) {
      Note(d, *r,
           fmt::format("{} decides `{}` = {} for the witness case", Cite(*r, model_.annotations),
                       decision.name, higher_value));
    }
    d.help.push_back(fmt::format(
        "give at least what {} gives ({} = {}), or limit `{}` to the cases where it is more "
        "favourable",
        higher_basis, decision.name, higher_value, rule.id));
    d.notes.push_back({decision.delegation->favours_range.valid()
                           ? decision.delegation->favours_range
                           : decision.delegation->range,
                       fmt::format("`{}` is delegated in favour of the person", decision.name)});
    std::size_t index = result_.diagnostics.size() - 1;
    Built local_built = Build(model, q, 0, layer_);
    Attach(result_.diagnostics[index], local_built, "in " + layer_.name, layer_, {decision.name});
    Built higher_built = Build(model, q, 0, parent_layer);
    Attach(result_.diagnostics[index], higher_built, "in " + parent_layer.name, parent_layer,
           {decision.name});
    if (Confirm(index, higher_built,
                [](const Program&, const Outcome&) { return std::string(); })) {
      Confirm(index, local_built, [&](const Program&, const Outcome& o) -> std::string {
        const Outcome& h = *higher_built.replay->outcome;
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
        z3::expr none = enc_.AppliesWhen(*decision);  // not applicable is no gap
        for (const ast::RuleDecl* rule : enc_.RulesOn(*decision)) {
          none = none && !enc_.Applies(*rule);
        }
        Answer answer = w_.solver.Check(none, {&enc_}, true);
        if (Undetermined(answer, decision->name_range, "whether a decision has gaps")) continue;
        if (answer.verdict != Verdict::kSat) continue;
        result_.gaps.insert(decision->layer + "." + decision->name);
        z3::model model = Prettify(none, {&enc_}, *answer.model, {0});
        auto& d = Add(diag::Kind::kGap, decision->name_range,
                      fmt::format("in {} `{}`, no rule decides `{}` for some cases and it has "
                                  "no default",
                                  LayerWord(layer_), layer_.name, decision->name));
        d.help.push_back(
            fmt::format("add a `default` to `{}`, or a rule for the witness case", decision->name));
        std::size_t index = result_.diagnostics.size() - 1;
        Built built = Build(model, none, 0, layer_);
        Attach(result_.diagnostics[index], built, "no rule applies", layer_, {decision->name});
        Confirm(index, built, [&](const Program&, const Outcome& o) -> std::string {
          int dec = o.FindDecision(decision->name);
          if (dec < 0 || o.status(dec) != DecisionStatus::kGap) {
            return "the evaluator found no gap";
          }
          return {};
        });
      }
    }
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
        const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment);
        if (!decision || !decision->applies_when) continue;
        z3::expr q = enc_.Applies(*rule) && !enc_.AppliesWhen(*decision);
        Answer answer = w_.solver.Check(q, {&enc_}, true);
        if (Undetermined(answer, rule->id_range,
                         fmt::format("whether rule `{}` decides `{}` where it does not apply",
                                     rule->id, decision->name))) {
          continue;
        }
        if (answer.verdict != Verdict::kSat) continue;
        const std::string condition = ConditionText(*decision->applies_when);
        z3::model model = Prettify(q, {&enc_}, *answer.model, {0});
        auto& d = Add(diag::Kind::kDecidedWhereNotApplicable, rule->id_range,
                      fmt::format("rule {} decides `{}` for cases where it does not apply "
                                  "(`applies when {}` is false); there the rule is not consulted",
                                  Cite(*rule, model_.annotations), decision->name, condition));
        d.notes.push_back({decision->applies_when->range,
                           fmt::format("`{}` applies only when this holds", decision->name)});
        d.help.push_back(fmt::format(
            "add the condition to the rule (`when {} and ...`), or widen the decision's "
            "`applies when` if the rule is right",
            condition));
        std::size_t index = result_.diagnostics.size() - 1;
        Built built = Build(model, q, 0, layer_);
        Attach(result_.diagnostics[index], built, "the rule applies, the decision does not", layer_,
               {decision->name});
        Confirm(index, built, [&](const Program&, const Outcome& o) -> std::string {
          int dec = o.FindDecision(decision->name);
          if (dec < 0 || o.status(dec) != DecisionStatus::kNotApplicable) {
            return "the evaluator did not find `" + decision->name + "` not applicable";
          }
          return {};
        });
      }
    }
  }

  // --- L509 restating a higher layer's rule --------------------------------------------------
  void CheckRestatements(const std::vector<const ast::RuleDecl*>& live) {
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
            !SameLiteral(*value, *assignment.value))
          continue;
        // Only rules reading the same facts can be equivalent (cheap exact filter).
        if (FactsRead(*rule) != FactsRead(*other)) {
          ++w_.stats.decided_without_solver;
          continue;
        }
        z3::expr both = enc_.InForce(*rule) && enc_.InForce(*other);
        z3::expr differ = both && (enc_.Condition(*rule) != enc_.Condition(*other));
        Answer answer = w_.solver.Check(differ, {&enc_}, false);
        if (Undetermined(answer, rule->id_range, "whether a rule restates a higher one")) {
          continue;
        }
        if (answer.verdict != Verdict::kUnsat) continue;
        z3::expr q = both && enc_.Condition(*rule);
        Answer example = w_.solver.Check(q, {&enc_}, true);
        if (example.verdict != Verdict::kSat) continue;
        z3::model model = Prettify(q, {&enc_}, *example.model, {0});
        auto& d = Add(diag::Kind::kRestatesHigherRule, rule->id_range,
                      fmt::format("rule {} restates {}: same condition, same outcome `{}`",
                                  Cite(*rule, model_.annotations), Cite(*other, model_.annotations),
                                  decision->name));
        Note(d, *other,
             fmt::format("the {} rule {}", other->layer, Cite(*other, model_.annotations)));
        d.help.push_back(
            "drop the local copy: it would silently diverge after the next "
            "amendment above");
        std::size_t index = result_.diagnostics.size() - 1;
        Built built = Build(model, q, 0, layer_);
        Attach(result_.diagnostics[index], built, "both rules apply", layer_, {decision->name});
        Confirm(index, built, [&](const Program& p, const Outcome& o) -> std::string {
          int dec = o.FindDecision(decision->name);
          if (!IsWinner(o, dec, RuleIndexOf(p, *rule))) {
            return "the local rule did not decide";
          }
          return {};
        });
        break;
      }
    }
  }

  // Facts a rule reads, through lets and decisions of this chain.
  std::set<const ast::FactDecl*> FactsRead(const ast::RuleDecl& rule) {
    std::set<const ast::FactDecl*> facts;
    std::set<const void*> seen;
    std::function<void(const ast::Expr*)> walk = [&](const ast::Expr* expr) {
      if (!expr) return;
      const ast::Symbol& s = model_.annotations.SymbolOf(*expr);
      if (expr->kind == ast::ExprKind::kName || expr->kind == ast::ExprKind::kKnown) {
        if (s.kind == ast::SymbolKind::kFact) facts.insert(s.fact);
        if (s.kind == ast::SymbolKind::kLet && seen.insert(s.let).second) walk(s.let->value.get());
        if (s.kind == ast::SymbolKind::kDecision && seen.insert(s.decision).second) {
          walk(s.decision->default_value.get());
          for (const ast::RuleDecl* r : enc_.RulesOn(*s.decision)) {
            walk(r->condition.get());
            walk(AssignedExpr(*r, *s.decision, model_.annotations));
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
          const ast::DecisionDecl* decision = model_.annotations.DecisionOf(assignment);
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
    std::vector<Encoder*> encoders{&enc_, &twin, parent_.get(), &parent_twin};
    Answer answer = w_.solver.Check(q, encoders, true);
    if (Undetermined(answer, rule.id_range, "whether an outcome depends on a protected fact")) {
      return;
    }
    if (answer.verdict != Verdict::kSat) return;
    z3::model model = Prettify(q, encoders, *answer.model, {0, 1});
    std::string a = ValueOf(model, local, model_.annotations.TypeOf(decision.type));
    std::string b = ValueOf(model, local_twin, model_.annotations.TypeOf(decision.type));
    std::string fa = ValueOf(model, w_.vars.Fact(&fact, 0), model_.annotations.TypeOf(fact.type));
    std::string fb = ValueOf(model, w_.vars.Fact(&fact, 1), model_.annotations.TypeOf(fact.type));
    auto& d = Add(diag::Kind::kProtectedCriterion, rule.id_range,
                  fmt::format("in {} `{}`, `{}` changes ({} vs {}) when only the protected fact "
                              "`{}` changes ({} vs {}); rule {} reads it",
                              LayerWord(layer_), layer_.name, decision.name, a, b, fact.name, fa,
                              fb, Cite(rule, model_.annotations)));
    d.notes.push_back({fact.name_range, fmt::format("`{}` is declared protected", fact.name)});
    d.help.push_back("distinguish on residence status or another allowed criterion instead");
    std::size_t index = result_.diagnostics.size() - 1;
    Built first = Build(model, q, 0, layer_);
    Built second = Build(model, q, 1, layer_, &fact);
    second.witness.date = first.witness.date;
    Attach(result_.diagnostics[index], first, fmt::format("with {} = {}", fact.name, fa), layer_,
           {decision.name});
    Attach(result_.diagnostics[index], second, fmt::format("with {} = {}", fact.name, fb), layer_,
           {decision.name});
    if (Confirm(index, first, [](const Program&, const Outcome&) { return std::string(); })) {
      Confirm(index, second, [&](const Program&, const Outcome& o) -> std::string {
        const Outcome& other = *first.replay->outcome;
        int d1 = other.FindDecision(decision.name), d2 = o.FindDecision(decision.name);
        if (d1 < 0 || d2 < 0) return "decision missing";
        if (other.value(d1).ToString() == o.value(d2).ToString()) {
          return "both cases got the same outcome";
        }
        return {};
      });
    }
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
    diag::SortDiagnostics(diagnostics, model.sources);
    for (diag::Diagnostic& d : diagnostics) {
      ++stats.findings;
      sink.Append(std::move(d));
    }
  }
  return stats;
}

}  // namespace loket::analysis
