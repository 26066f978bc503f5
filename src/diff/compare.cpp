#include "diff/compare.h"

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <thread>

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

// What a finding is about, to match it across the two sides: its code, layer and the
// declarations it names as data (a checker finding), or else its whole message (the other
// warnings, whose messages hold no values from a solver model).
std::string FindingKey(const Diagnostic& d) {
  std::string key = d.code + "|" + d.layer;
  if (d.about.empty()) return key + "|" + d.message;
  std::vector<std::string> about = d.about;
  std::sort(about.begin(), about.end());
  for (const std::string& name : about) key += "|" + name;
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

  // One task per jurisdiction: both layers, or the one side that has it.
  struct Task {
    const sema::Layer* old_layer = nullptr;
    const sema::Layer* new_layer = nullptr;
    std::vector<DecisionDiff> results;
    int queries = 0;
  };
  std::vector<Task> tasks;
  if (!options.new_jurisdiction.empty() || !options.old_jurisdiction.empty()) {
    tasks.push_back({old_model.FindLayer(options.old_jurisdiction),
                     new_model.FindLayer(options.new_jurisdiction),
                     {},
                     0});
  } else {
    for (const auto& layer : new_model.layers) {
      tasks.push_back({old_model.FindLayer(layer->name), layer.get(), {}, 0});
    }
    for (const auto& layer : old_model.layers) {
      if (!new_model.FindLayer(layer->name)) tasks.push_back({layer.get(), nullptr, {}, 0});
    }
  }

  auto compare = [&](Task& task) {
    if (!task.old_layer || !task.new_layer) {
      DecisionDiff result;
      result.jurisdiction = task.new_layer ? task.new_layer->name : task.old_layer->name;
      result.verdict = task.new_layer ? DiffVerdict::kAdded : DiffVerdict::kRemoved;
      task.results.push_back(std::move(result));
      return;
    }
    const sema::Layer& old_layer = *task.old_layer;
    const sema::Layer& new_layer = *task.new_layer;
    std::vector<const ast::DecisionDecl*> old_decisions = ChainDecisions(old_model, old_layer);
    std::vector<const ast::DecisionDecl*> new_decisions = ChainDecisions(new_model, new_layer);
    std::vector<const sema::Layer*> old_chain = old_model.Chain(old_layer);
    std::vector<const sema::Layer*> new_chain = new_model.Chain(new_layer);
    if (options.same_chains.count(new_layer.name)) {
      for (const ast::DecisionDecl* nd : new_decisions) {
        DecisionDiff result;
        result.jurisdiction = new_layer.name;
        result.decision = nd->name;
        task.results.push_back(std::move(result));  // kSame
      }
      return;
    }
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
      task.results.push_back(std::move(result));
    }
    for (const ast::DecisionDecl* od : old_decisions) {
      if (FindByName(new_decisions, od->name)) continue;
      DecisionDiff result;
      result.jurisdiction = old_layer.name;
      result.decision = od->name;
      result.verdict = DiffVerdict::kRemoved;
      task.results.push_back(std::move(result));
    }
    if (prover) task.queries = prover->queries();
  };

  // Jurisdictions are independent (each prover has its own Z3 context): worker threads take
  // them in turn; the results are merged in task order, so the output does not depend on them.
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < tasks.size(); i = next++) {
      try {
        compare(tasks[i]);
      } catch (const std::exception& e) {  // never across a thread: the jurisdiction says why
        DecisionDiff failed;
        failed.jurisdiction = tasks[i].new_layer ? tasks[i].new_layer->name : "";
        failed.verdict = DiffVerdict::kUndetermined;
        failed.reason = std::string("internal error while comparing: ") + e.what();
        tasks[i].results.push_back(std::move(failed));
      }
    }
  };
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(tasks.size())));
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (std::thread& t : workers) t.join();

  for (Task& task : tasks) {
    if (task.old_layer && task.new_layer) ++out.stats.jurisdictions;
    out.stats.solver_queries += task.queries;
    for (DecisionDiff& result : task.results) {
      if (!result.decision.empty()) ++out.stats.decisions;
      Count(result, out.stats);
      out.decisions.push_back(std::move(result));
    }
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
