#include "sema/analyzer.h"

#include <fmt/format.h>

#include "support/date.h"
#include "support/money.h"

namespace loket::sema::detail {

namespace {
constexpr std::string_view kLayerKinds[] = {"national", "province", "region", "municipality"};
}  // namespace

bool IsLayerKind(std::string_view kind) {
  for (std::string_view known : kLayerKinds) {
    if (kind == known) return true;
  }
  return false;
}

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kEnum:
      return "enum";
    case EntityKind::kAuthority:
      return "authority";
    case EntityKind::kFact:
      return "fact";
    case EntityKind::kParam:
      return "param";
    case EntityKind::kLet:
      return "let";
    case EntityKind::kDecision:
      return "decision";
    case EntityKind::kLaw:
      return "law";
  }
  return "name";
}

std::string FormatConstant(const ast::Type& type, std::int64_t value) {
  if (type.kind == ast::TypeKind::kDate) {
    return support::FormatIsoDate(static_cast<support::DayNumber>(value));
  }
  if (type.kind != ast::TypeKind::kMoney) return std::to_string(value);
  return support::FormatMoney(value);
}

void Analyzer::Run() {
  BuildLayers();
  AttachDeclarations();
  DeclareNames();
  // The global passes above write no annotations: the tables are set up now, sharing those
  // of the layers whose earlier results are reused.
  ann_.Reset(model_.files, ChooseReusedLayers());
  CheckDeclarations();
  CheckRules();
  RememberForNextCheck();
}

diag::Diagnostic& Analyzer::Report(diag::Kind kind, source::SourceRange range,
                                   std::string message) {
  diag::Diagnostic& diagnostic = sink_.Add(kind, range, std::move(message));
  if (current_layer_) diagnostic.layer = current_layer_->name;
  return diagnostic;
}

diag::Diagnostic& Analyzer::Discard() {
  discarded_ = diag::Diagnostic{};
  return discarded_;
}

const std::vector<const ast::File*>& Analyzer::FilesOf(const Layer* layer) const {
  static const std::vector<const ast::File*> kNone;
  auto found = layer_files_.find(layer);
  return found != layer_files_.end() ? found->second : kNone;
}

const Layer* Analyzer::LayerOfDecl(const std::string& name) const {
  return model_.FindLayer(name);
}

Layer* Analyzer::MutableLayer(std::string_view name) {
  for (auto& layer : model_.layers) {
    if (layer->name == name) return layer.get();
  }
  return nullptr;
}

bool Analyzer::IsAncestorOrSelf(const Layer* ancestor, const Layer* layer) {
  for (int steps = 0; layer && steps < (1 << 16); layer = layer->parent, ++steps) {
    if (layer == ancestor) return true;
  }
  return false;
}

}  // namespace loket::sema::detail
