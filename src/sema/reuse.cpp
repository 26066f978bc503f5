// Reusing an earlier check's per-layer results (reuse.h): which layers, replaying what their
// passes reported, and recording this check's results for the next.
#include "sema/analyzer.h"

namespace loket::sema::detail {

std::vector<const ast::File*> Analyzer::ChainFiles(const Layer& layer) const {
  std::vector<const ast::File*> chain;
  std::size_t steps = 0;
  for (const Layer* at = &layer; at && steps <= model_.layers.size(); at = at->parent, ++steps) {
    const std::vector<const ast::File*>& files = FilesOf(at);
    chain.insert(chain.end(), files.begin(), files.end());
    chain.push_back(nullptr);
  }
  return chain;
}

std::vector<Annotations::SharedTables> Analyzer::ChooseReusedLayers() {
  std::vector<Annotations::SharedTables> borrowed;
  if (!memo_) return borrowed;
  for (const auto& layer_ptr : model_.layers) {
    const Layer* layer = layer_ptr.get();
    if (cut_off_.count(layer)) continue;
    auto record = memo_->layers_.find(layer->name);
    if (record == memo_->layers_.end() || record->second.chain != ChainFiles(*layer)) continue;
    reused_.emplace(layer, &record->second);
    for (const auto& [id, tables] : record->second.tables) {
      if (borrowed.size() <= id) borrowed.resize(id + 1);
      borrowed[id] = tables;
    }
    // A checked layer below may read their types (LetType): they are known already.
    for (const ast::LetDecl* let : layer->lets) let_state_[let] = LetState::kDone;
  }
  return borrowed;
}

bool Analyzer::Replay(const Layer& layer, LayerPass pass) {
  auto reused = reused_.find(&layer);
  if (reused == reused_.end()) return false;
  for (const diag::Diagnostic& diagnostic : reused->second->diagnostics[static_cast<int>(pass)]) {
    sink_.Append(diagnostic);
  }
  return true;
}

void Analyzer::Record(const Layer& layer, LayerPass pass, std::size_t first) {
  if (!memo_) return;
  const std::vector<diag::Diagnostic>& reported = sink_.diagnostics();
  auto& kept = records_[&layer].diagnostics[static_cast<int>(pass)];
  kept.assign(reported.begin() + static_cast<std::ptrdiff_t>(first), reported.end());
}

void Analyzer::RememberForNextCheck() {
  if (!memo_) return;
  ReuseMemo next;
  next.files_ = model_.files;
  next.layers_reused_ = static_cast<int>(reused_.size());
  next.layers_checked_ = static_cast<int>(model_.layers.size() - reused_.size());
  for (const auto& layer_ptr : model_.layers) {
    const Layer* layer = layer_ptr.get();
    // A layer that looked outside its chain may find otherwise next time, and so may every
    // layer below it, which reads its annotations (let types, `within` members).
    bool outside = false;
    for (const Layer* at = layer; at && !outside; at = at->parent) {
      outside = cut_off_.count(at) || reads_outside_.count(at);
    }
    if (outside) continue;
    ReuseMemo::LayerRecord record;
    auto reused = reused_.find(layer);
    ReuseMemo::LayerRecord& source = reused != reused_.end() ? *reused->second : records_[layer];
    record.chain = reused != reused_.end() ? std::move(source.chain) : ChainFiles(*layer);
    for (int pass = 0; pass < kLayerPasses; ++pass) {
      record.diagnostics[pass] = std::move(source.diagnostics[pass]);
    }
    for (const ast::File* file : FilesOf(layer)) {
      record.tables.emplace_back(file->id, ann_.Share(file->id));
    }
    next.layers_.emplace(layer->name, std::move(record));
  }
  *memo_ = std::move(next);
}

}  // namespace loket::sema::detail
