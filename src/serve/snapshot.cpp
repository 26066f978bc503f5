#include "serve/snapshot.h"

#include <sstream>
#include <utility>

namespace loket::serve {

const LayerInfo* Snapshot::FindLayer(const std::string& name_or_code) const {
  std::string name = rules.ResolveJurisdiction(name_or_code);
  for (const LayerInfo& layer : layers) {
    if (layer.name == name) return &layer;
  }
  return nullptr;
}

const Program* Snapshot::ProgramOf(const std::string& layer_name) const {
  auto it = programs.find(layer_name);
  return it == programs.end() ? nullptr : &it->second;
}

std::vector<std::string> Snapshot::Chain(const LayerInfo& layer) const {
  std::vector<std::string> chain{layer.name};
  const LayerInfo* current = &layer;
  while (!current->parent.empty() && chain.size() <= layers.size()) {
    const LayerInfo* parent = nullptr;
    for (const LayerInfo& candidate : layers) {
      if (candidate.name == current->parent) parent = &candidate;
    }
    if (!parent) break;
    chain.insert(chain.begin(), parent->name);
    current = parent;
  }
  return chain;
}

std::shared_ptr<const Snapshot> LoadSnapshot(const std::vector<std::string>& paths,
                                             std::uint64_t generation, LoadFailure& failure) {
  Result<RuleBase> loaded = RuleBase::LoadFiles(paths);
  if (!loaded.ok()) {
    failure.text = "loket: error: " + loaded.status().message() + "\n";
    return nullptr;
  }
  if (loaded->has_errors()) {
    std::ostringstream out;
    RenderText(out, loaded->diagnostics());
    RuleBaseStats stats = loaded->stats();
    out << "the rule base has " << stats.errors << " error(s); not serving it\n";
    failure.rule_errors = true;
    failure.text = out.str();
    return nullptr;
  }
  auto snapshot = std::make_shared<Snapshot>(Snapshot{std::move(*loaded), {}, {}, generation});
  snapshot->layers = snapshot->rules.layers();
  for (const LayerInfo& layer : snapshot->layers) {
    Result<Program> program = snapshot->rules.Compile(layer.name);
    if (!program.ok()) {
      failure.text = "loket: error: " + program.status().message() + "\n";
      return nullptr;
    }
    snapshot->programs.emplace(layer.name, std::move(*program));
  }
  return snapshot;
}

}  // namespace loket::serve
