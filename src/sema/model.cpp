#include "sema/model.h"

#include <algorithm>

#include "sema/analyzer.h"

namespace loket::sema {

const ast::RuleDecl* Layer::FindRule(std::string_view id) const {
  for (const ast::RuleDecl* rule : rules) {
    if (rule->id == id) return rule;
  }
  return nullptr;
}

const Layer* Model::FindLayer(std::string_view name) const {
  for (const auto& layer : layers) {
    if (layer->name == name) return layer.get();
  }
  return nullptr;
}

std::vector<const Layer*> Model::Chain(const Layer& leaf) const {
  std::vector<const Layer*> chain;
  // Bounded by the layer count, so a malformed tree cannot loop forever.
  for (const Layer* layer = &leaf; layer && chain.size() <= layers.size(); layer = layer->parent) {
    chain.push_back(layer);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

std::unique_ptr<Model> Analyze(std::vector<std::unique_ptr<ast::File>> files,
                               source::SourceManager& sources, diag::DiagnosticSink& sink) {
  auto model = std::make_unique<Model>();
  model->sources = &sources;
  model->files = std::move(files);
  detail::Analyzer(*model, sink).Run();
  model->has_errors = sink.has_errors();
  return model;
}

}  // namespace loket::sema
