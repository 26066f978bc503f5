// Witness cases for competence errors (L310, L311, L314). Sema reports a lower layer
// assigning a closed or authority-owned decision from the declarations alone; here a solver
// finds a case in which the offending rule applies, preferably one where the higher layers
// decide the decision differently (a real contradiction with higher law), and replays it
// through the evaluator so the finding shows what the rule would do. The witness is found,
// prettified and shown with the analysis' finding protocol (finding.h); what differs is that
// it annotates sema's finding instead of making one.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <z3++.h>

#include "analysis/analysis.h"
#include "analysis/encoder.h"
#include "analysis/finding.h"
#include "analysis/query.h"
#include "analysis/witness.h"
#include "graph/dependency_graph.h"

namespace loket::analysis {
namespace {

bool IsCompetenceError(diag::Kind kind) {
  return kind == diag::Kind::kNoCompetenceClosed || kind == diag::Kind::kNoCompetenceOwned ||
         kind == diag::Kind::kExceptionAcrossLayers;
}

bool SameRange(source::SourceRange a, source::SourceRange b) {
  return a.valid() && a.file == b.file && a.begin == b.begin && a.end == b.end;
}

// The offending rule of a competence error and the higher layer's decisions it assigns.
struct Offence {
  const sema::Layer* layer = nullptr;
  const ast::RuleDecl* rule = nullptr;
  std::vector<const ast::DecisionDecl*> decisions;
};

Offence FindOffence(const sema::Model& model, const diag::Diagnostic& d) {
  const sema::Annotations& annotations = model.annotations;
  for (const auto& layer : model.layers) {
    for (const ast::RuleDecl* rule : layer->rules) {
      Offence offence{layer.get(), rule, {}};
      if (d.kind == diag::Kind::kExceptionAcrossLayers) {
        bool points_here = false;
        for (const ast::RuleRef& ref : rule->exception_to) {
          points_here = points_here || SameRange(ref.range, d.range);
        }
        if (!points_here) continue;
        // Every assignment sema judged: a decision of a higher layer, not delegated.
        for (const ast::Assignment& a : rule->assignments) {
          if (annotations.DecisionOf(a) && annotations.DecisionOf(a)->layer != layer->name &&
              !annotations.DecisionOf(a)->delegation) {
            offence.decisions.push_back(annotations.DecisionOf(a));
          }
        }
      } else {
        for (const ast::Assignment& a : rule->assignments) {
          if (annotations.DecisionOf(a) && SameRange(a.name_range, d.range))
            offence.decisions.push_back(annotations.DecisionOf(a));
        }
      }
      if (!offence.decisions.empty()) return offence;
    }
  }
  return {};
}

class CompetenceSearch {
 public:
  CompetenceSearch(const sema::Model& model, const AnalysisOptions& options)
      : model_(model),
        options_(options),
        solver_(ctx_, options.solver_rlimit),
        vars_(ctx_),
        programs_(model) {}

  void Explain(diag::Diagnostic& d) {
    Offence offence = FindOffence(model_, d);
    if (!offence.rule || !offence.layer->parent) return;
    try {
      solver_.StartBudget(options_.layer_time_limit_ms);
      Search(d, offence);
    } catch (const OutOfTime& out) {
      d.help.push_back(
          fmt::format("no witness case: the solver's time limit of {} ms ran out", out.limit_ms));
    } catch (const z3::exception& e) {
      d.help.push_back(fmt::format("no witness case: the solver stopped ({})", e.msg()));
    }
  }

 private:
  Verdict Check(const z3::expr& query, Encoder& a, Encoder& b, z3::model* model) {
    Answer answer = solver_.Check(query, {&a, &b}, model != nullptr);
    if (answer.verdict == Verdict::kSat && model) *model = *answer.model;
    return answer.verdict;
  }

  void Search(diag::Diagnostic& d, const Offence& offence) {
    const sema::Layer& layer = *offence.layer;
    const sema::Layer& parent = *layer.parent;
    const ast::RuleDecl& rule = *offence.rule;
    std::vector<const sema::Layer*> chain = model_.Chain(layer);
    std::vector<const sema::Layer*> parent_chain(chain.begin(), chain.end() - 1);
    std::string tag = fmt::format("competence!{}!{}", layer.name, rule.id);
    Encoder local(vars_, model_, chain, tag);
    Encoder higher(vars_, model_, parent_chain, "parent!" + tag);

    z3::expr applies = local.Axioms() && local.Applies(rule);
    // Preferably a case where the higher layers decide one of the decisions differently.
    z3::expr differs = ctx_.bool_val(false);
    for (const ast::DecisionDecl* decision : offence.decisions) {
      differs =
          differs || !Encoder::Equal(local.Assigned(rule, *decision), higher.Outcome(*decision));
    }
    z3::model model(ctx_);
    z3::expr query = applies && differs;
    bool contradicts = true;
    Verdict verdict = Check(query, local, higher, &model);
    if (verdict != Verdict::kSat) {
      contradicts = false;
      query = applies;
      verdict = Check(query, local, higher, &model);
    }
    if (verdict == Verdict::kUnknown) {
      d.help.push_back(
          "no witness case: the solver could not decide within its resource limit; raise "
          "LoadOptions::solver_rlimit");
      return;
    }
    if (verdict == Verdict::kUnsat) {
      d.notes.push_back({rule.id_range, fmt::format("the local rule can never apply: no case "
                                                    "allowed by the facts' ranges and the "
                                                    "`assume`s satisfies `{}` while it is in force",
                                                    rule.id)});
      return;
    }
    model = Prettify(query, local, higher, model);

    std::vector<std::string> names;
    for (const ast::DecisionDecl* decision : offence.decisions) names.push_back(decision->name);
    std::string title =
        contradicts ? fmt::format("`{}` applies and {} decides otherwise", rule.id, parent.name)
                    : fmt::format("`{}` applies", rule.id);
    const diag::Witness* local_replay = Attach(d, model, query, layer, title, names);
    if (options_.replay_witnesses && local_replay && !ShowsRule(*local_replay, rule)) {
      d.help.push_back(
          fmt::format("internal: the witness did not replay with `{}` deciding; "
                      "please report this",
                      rule.id));
    }
    if (contradicts) {
      Attach(d, model, query, parent, fmt::format("the same case in {}", parent.name), names);
    }
  }

  // The replay has the rule among the winners (or among the conflicting rules).
  static bool ShowsRule(const diag::Witness& witness, const ast::RuleDecl& rule) {
    const std::string name = rule.layer + "." + rule.id;
    for (const diag::ReplayLine& line : witness.replay_lines) {
      if (std::find(line.rules.begin(), line.rules.end(), name) != line.rules.end()) return true;
    }
    return false;
  }

  z3::model Prettify(const z3::expr& query, Encoder& local, Encoder& higher, z3::model model) {
    return tools_.Prettify(query, {&local, &higher}, model);
  }

  // Adds the case, replayed in `jurisdiction`; returns the witness when it was replayed.
  const diag::Witness* Attach(diag::Diagnostic& d, const z3::model& model, const z3::expr& query,
                              const sema::Layer& jurisdiction, const std::string& title,
                              const std::vector<std::string>& decisions) {
    Shown shown = ShowWitness(tools_, d, model, query, {title, &jurisdiction, decisions});
    diag::Witness& witness = d.witnesses.back();
    // No L514 follows a competence error's witness: the witness itself says it was not replayed.
    if (options_.replay_witnesses && !shown.program) {
      witness.replay = "could not replay: the jurisdiction could not be compiled\n";
      return nullptr;
    }
    return witness.replay_lines.empty() ? nullptr : &witness;
  }

  const sema::Model& model_;
  const AnalysisOptions& options_;
  z3::context ctx_;
  QuerySolver solver_;
  Variables vars_;
  ProgramCache programs_;
  FindingTools tools_{solver_, vars_, model_, programs_, options_.replay_witnesses};
};

}  // namespace

void AttachCompetenceWitnesses(const sema::Model& model, const AnalysisOptions& options,
                               diag::DiagnosticSink& sink) {
  bool any = false;
  for (const diag::Diagnostic& d : sink.diagnostics()) {
    if (d.severity != diag::Severity::kError) continue;
    if (!IsCompetenceError(d.kind)) return;  // the model is not fully annotated
    any = true;
  }
  if (!any) return;
  // Cycles would make the encoding meaningless; graph findings themselves stay unreported
  // here, as for any model with sema errors.
  diag::DiagnosticSink graph_sink;
  graph::CheckStructure(model, graph_sink);
  if (graph_sink.has_errors()) return;

  std::vector<diag::Diagnostic> diagnostics = sink.Take();
  try {
    CompetenceSearch search(model, options);
    for (diag::Diagnostic& d : diagnostics) {
      if (IsCompetenceError(d.kind)) search.Explain(d);
    }
  } catch (const z3::exception&) {
    // Could not start the solver: the findings stand without witnesses.
  }
  for (diag::Diagnostic& d : diagnostics) sink.Append(std::move(d));
}

}  // namespace loket::analysis
