#include "diff/compare.h"

#include <map>
#include <memory>
#include <optional>

#include "analysis/witness.h"
#include "diff/equivalence.h"

namespace loket::diff {
namespace {

std::vector<const ast::DecisionDecl*> ChainDecisions(const sema::Model& model,
                                                     const sema::Layer& layer) {
  std::vector<const ast::DecisionDecl*> out;
  for (const sema::Layer* l : model.Chain(layer)) {
    for (const ast::DecisionDecl* d : l->decisions) out.push_back(d);
  }
  return out;
}

const ast::DecisionDecl* FindByName(const std::vector<const ast::DecisionDecl*>& decisions,
                                    const std::string& name) {
  for (const ast::DecisionDecl* d : decisions) {
    if (d->name == name) return d;
  }
  return nullptr;
}

void Count(const DecisionDiff& d, DiffStats& stats) {
  switch (d.verdict) {
    case DiffVerdict::kSame:
      ++stats.structurally_same;
      break;
    case DiffVerdict::kProvedSame:
      ++stats.proved_same;
      break;
    case DiffVerdict::kChanged:
      ++stats.changed;
      break;
    case DiffVerdict::kUndetermined:
      ++stats.undetermined;
      break;
    case DiffVerdict::kAdded:
    case DiffVerdict::kRemoved:
      ++stats.added_or_removed;
      break;
  }
}

// The names a message quotes in backticks, sorted: what a finding is about.
std::string FindingKey(const Diagnostic& d) {
  std::vector<std::string> names;
  std::size_t at = 0;
  while ((at = d.message.find('`', at)) != std::string::npos) {
    std::size_t end = d.message.find('`', at + 1);
    if (end == std::string::npos) break;
    names.push_back(d.message.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  std::sort(names.begin(), names.end());
  std::string key = d.code + "|" + d.layer;
  for (const std::string& n : names) key += "|" + n;
  return key;
}

}  // namespace

void CompareModels(const sema::Model& old_model, const sema::Model& new_model,
                   const CompareOptions& options, RuleBaseDiff& out) {
  ConeBuilder old_cones(old_model, options.period);
  ConeBuilder new_cones(new_model, options.period);
  analysis::ProgramCache old_programs(old_model);
  analysis::ProgramCache new_programs(new_model);
  ProveOptions prove;
  prove.period = options.period;
  prove.rlimit = options.rlimit;
  prove.time_limit_ms = options.time_limit_ms;
  prove.witnesses = options.witnesses;

  auto compare = [&](const sema::Layer& old_layer, const sema::Layer& new_layer) {
    ++out.stats.jurisdictions;
    std::vector<const ast::DecisionDecl*> old_decisions = ChainDecisions(old_model, old_layer);
    std::vector<const ast::DecisionDecl*> new_decisions = ChainDecisions(new_model, new_layer);
    std::vector<const sema::Layer*> old_chain = old_model.Chain(old_layer);
    std::vector<const sema::Layer*> new_chain = new_model.Chain(new_layer);
    std::unique_ptr<JurisdictionProver> prover;
    for (const ast::DecisionDecl* nd : new_decisions) {
      DecisionDiff result;
      result.jurisdiction = new_layer.name;
      result.decision = nd->name;
      const ast::DecisionDecl* od = FindByName(old_decisions, nd->name);
      if (!od) {
        result.verdict = DiffVerdict::kAdded;
      } else {
        result.changes =
            ConeChanges(old_cones.Build(old_chain, *od), new_cones.Build(new_chain, *nd));
        if (result.changes.empty()) {
          result.verdict = DiffVerdict::kSame;
        } else {
          const Program* old_program = old_programs.Get(old_layer);
          const Program* new_program = new_programs.Get(new_layer);
          if (!old_program || !new_program) {
            result.verdict = DiffVerdict::kUndetermined;
            result.reason = "the jurisdiction does not compile";
          } else {
            if (!prover) {
              prover = std::make_unique<JurisdictionProver>(
                  SideOf{&old_model, &old_layer, old_program},
                  SideOf{&new_model, &new_layer, new_program}, prove);
            }
            prover->Prove(*od, *nd, result);
          }
        }
      }
      ++out.stats.decisions;
      Count(result, out.stats);
      out.decisions.push_back(std::move(result));
    }
    for (const ast::DecisionDecl* od : old_decisions) {
      if (FindByName(new_decisions, od->name)) continue;
      DecisionDiff result;
      result.jurisdiction = old_layer.name;
      result.decision = od->name;
      result.verdict = DiffVerdict::kRemoved;
      ++out.stats.decisions;
      Count(result, out.stats);
      out.decisions.push_back(std::move(result));
    }
    if (prover) out.stats.solver_queries += prover->queries();
  };

  auto whole = [&](const std::string& name, DiffVerdict verdict) {
    DecisionDiff result;
    result.jurisdiction = name;
    result.verdict = verdict;
    Count(result, out.stats);
    out.decisions.push_back(std::move(result));
  };

  if (!options.new_jurisdiction.empty() || !options.old_jurisdiction.empty()) {
    const sema::Layer* o = old_model.FindLayer(options.old_jurisdiction);
    const sema::Layer* n = new_model.FindLayer(options.new_jurisdiction);
    if (o && n) {
      compare(*o, *n);
    } else if (n) {
      whole(n->name, DiffVerdict::kAdded);
    } else if (o) {
      whole(o->name, DiffVerdict::kRemoved);
    }
    return;
  }
  for (const auto& layer : new_model.layers) {
    if (const sema::Layer* o = old_model.FindLayer(layer->name)) {
      compare(*o, *layer);
    } else {
      whole(layer->name, DiffVerdict::kAdded);
    }
  }
  for (const auto& layer : old_model.layers) {
    if (!new_model.FindLayer(layer->name)) whole(layer->name, DiffVerdict::kRemoved);
  }
}

std::vector<Diagnostic> NewFindings(const std::vector<Diagnostic>& before,
                                    const std::vector<Diagnostic>& after) {
  std::map<std::string, int> seen;
  for (const Diagnostic& d : before) {
    if (d.severity != Severity::kNote) ++seen[FindingKey(d)];
  }
  std::vector<Diagnostic> out;
  for (const Diagnostic& d : after) {
    if (d.severity == Severity::kNote) continue;
    auto it = seen.find(FindingKey(d));
    if (it != seen.end() && it->second > 0) {
      --it->second;
      continue;
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace loket::diff
