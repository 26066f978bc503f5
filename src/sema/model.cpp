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

int Model::VersionIndex(const ast::RuleDecl& rule) const {
  int version = 0;
  if (const Layer* layer = FindLayer(rule.layer)) {
    for (const ast::RuleDecl* other : layer->rules) {
      if (other == &rule) break;
      version += other->id == rule.id;
    }
  }
  return version;
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

std::string TypeName(const ast::Type& type) {
  switch (type.kind) {
    case ast::TypeKind::kError:
      return "<error>";
    case ast::TypeKind::kBool:
      return "bool";
    case ast::TypeKind::kInt:
      return "int";
    case ast::TypeKind::kMoney:
      return "money";
    case ast::TypeKind::kDate:
      return "date";
    case ast::TypeKind::kDuration:
      return "duration";
    case ast::TypeKind::kEnum:
      return type.enum_decl ? type.enum_decl->name : "enum";
    case ast::TypeKind::kSet:
      return "set of " + (type.enum_decl ? type.enum_decl->name : std::string("?"));
    case ast::TypeKind::kEmptySet:
      return "empty set";
  }
  return "?";
}

void Annotations::Reset(const std::vector<std::shared_ptr<const ast::File>>& files,
                        const std::vector<SharedTables>& borrowed) {
  tables_.clear();
  for (const auto& file : files) {
    if (file->id == source::kNoFile) continue;
    if (tables_.size() <= file->id) tables_.resize(file->id + 1);
    Slot& slot = tables_[file->id];
    if (file->id < borrowed.size() && borrowed[file->id]) {
      slot.tables = borrowed[file->id];
      slot.own = nullptr;
      continue;
    }
    auto fresh = std::make_shared<FileTables>();
    FileTables& tables = *fresh;
    const ast::NodeCounts& counts = file->counts;
    tables.expr_types.assign(counts.exprs, ast::Type());
    tables.symbols.assign(counts.exprs, ast::Symbol());
    tables.type_refs.assign(counts.type_refs, ast::Type());
    tables.lets.assign(counts.lets, ast::Type());
    tables.rule_refs.assign(counts.rule_refs, nullptr);
    tables.rule_ref_versions.assign(counts.rule_refs, {});
    tables.citations.assign(counts.citations, CitationInfo());
    tables.assignments.assign(counts.assignments, nullptr);
    tables.rules.assign(counts.rules, std::nullopt);
    slot.own = fresh.get();
    slot.tables = std::move(fresh);
  }
}

std::unique_ptr<Model> Analyze(std::vector<std::shared_ptr<const ast::File>> files,
                               source::SourceManager& sources, diag::DiagnosticSink& sink) {
  auto model = std::make_unique<Model>();
  model->sources = &sources;
  model->files = std::move(files);
  detail::Analyzer(*model, sink).Run();
  model->has_errors = sink.has_errors();
  return model;
}

std::unique_ptr<Model> Analyze(std::vector<std::shared_ptr<const ast::File>> files,
                               source::SourceManager& sources, diag::DiagnosticSink& sink,
                               ReuseMemo& memo) {
  auto model = std::make_unique<Model>();
  model->sources = &sources;
  model->files = std::move(files);
  detail::Analyzer(*model, sink, &memo).Run();
  model->has_errors = sink.has_errors();
  return model;
}

std::unique_ptr<Model> Analyze(std::vector<std::unique_ptr<ast::File>> files,
                               source::SourceManager& sources, diag::DiagnosticSink& sink) {
  std::vector<std::shared_ptr<const ast::File>> shared;
  shared.reserve(files.size());
  for (auto& file : files) shared.push_back(std::move(file));
  return Analyze(std::move(shared), sources, sink);
}

}  // namespace loket::sema
