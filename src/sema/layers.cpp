// The layer tree: layers from the declaring headers, parents, cycles, roots, codes, and which
// file belongs to which layer.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sema/analyzer.h"

namespace loket::sema::detail {

namespace {

std::vector<std::string> LayerKinds() {
  return {"national", "province", "region", "municipality"};
}

// The range of `word` inside `within`, for tokens the AST keeps no range of (the layer kind).
source::SourceRange FindWord(const source::SourceManager& sources, source::SourceRange within,
                             std::string_view word) {
  if (!within.valid() || word.empty()) return within;
  std::string_view text = sources.text(within.file);
  if (within.end > text.size() || within.begin > within.end) return within;
  std::string_view slice = text.substr(within.begin, within.end - within.begin);
  std::size_t at = slice.find(word, std::string_view("layer").size());
  if (at == std::string_view::npos) return within;
  auto begin = static_cast<std::uint32_t>(within.begin + at);
  return {within.file, begin, static_cast<std::uint32_t>(begin + word.size())};
}

}  // namespace

void Analyzer::CheckValidity(const ast::Validity& validity) {
  if (validity.from && validity.until && *validity.until <= *validity.from) {
    Report(diag::Kind::kInvalidValidity, validity.range,
           fmt::format("the validity period is empty: until {} is not after from {}",
                       support::FormatIsoDate(*validity.until),
                       support::FormatIsoDate(*validity.from)))
        .help.push_back("`valid from A until B` covers A up to B, without B; B must come after A");
  }
}

void Analyzer::BuildLayers() {
  std::vector<std::unique_ptr<Layer>> created;
  std::unordered_map<std::string, Layer*> by_name;
  bool every_file_has_header = true;

  for (auto& file : model_.files) {
    if (!file->header) {
      every_file_has_header = false;
      continue;
    }
    const ast::LayerHeader& header = *file->header;
    if (header.name.empty()) {  // a broken header: the syntax error says enough
      every_file_has_header = false;
      continue;
    }
    CheckValidity(header.validity);
    if (!header.is_declaration()) continue;
    auto found = by_name.find(header.name);
    if (found != by_name.end()) {
      Report(diag::Kind::kDuplicateLayer, header.name_range,
             fmt::format("layer `{}` is declared twice", header.name))
          .notes.push_back({found->second->header->name_range, "first declared here"});
      continue;
    }
    auto layer = std::make_unique<Layer>();
    layer->name = header.name;
    layer->kind = header.kind;
    layer->title = header.title.value_or("");
    layer->code = header.code.value_or("");
    layer->header = &header;
    layer->validity = header.validity;
    if (layer->kind.empty()) {
      // `layer national "Nederland"`: the name doubles as the kind; a root is national.
      if (IsLayerKind(header.name)) {
        layer->kind = header.name;
      } else if (!header.parent) {
        layer->kind = "national";
      } else {
        Report(diag::Kind::kUnknownLayerKind, header.name_range,
               fmt::format("layer `{}` has no kind", header.name))
            .help.push_back(fmt::format(
                "name its kind first: `layer municipality {} ...` (national, province, region "
                "or municipality)",
                header.name));
      }
    } else if (!IsLayerKind(layer->kind)) {
      auto& diagnostic = Report(diag::Kind::kUnknownLayerKind,
                                FindWord(*model_.sources, header.range, layer->kind),
                                fmt::format("unknown layer kind `{}`", layer->kind));
      std::string closest = diag::ClosestName(layer->kind, LayerKinds());
      diagnostic.help.push_back(closest.empty()
                                    ? "the kinds are national, province, region and municipality"
                                    : fmt::format("did you mean `{}`?", closest));
    }
    by_name[layer->name] = layer.get();
    created.push_back(std::move(layer));
  }

  // Municipality codes identify a municipality (CBS code); two layers cannot share one.
  std::unordered_map<std::string, const Layer*> by_code;
  for (const auto& layer : created) {
    if (layer->code.empty()) continue;
    auto [it, inserted] = by_code.emplace(layer->code, layer.get());
    if (!inserted) {
      current_layer_ = layer.get();
      Report(diag::Kind::kDuplicateMunicipalityCode, layer->header->code_range,
             fmt::format("code `{}` of layer `{}` is already used by layer `{}`", layer->code,
                         layer->name, it->second->name))
          .notes.push_back({it->second->header->code_range,
                            fmt::format("`{}` has code `{}` here", it->second->name, layer->code)});
      current_layer_ = nullptr;
    }
  }

  std::vector<std::string> layer_names;
  for (const auto& layer : created) layer_names.push_back(layer->name);
  auto report_unknown_layer = [&](std::string_view name, source::SourceRange range) {
    auto& diagnostic =
        Report(diag::Kind::kUnknownLayer, range, fmt::format("unknown layer `{}`", name));
    std::string closest = diag::ClosestName(name, layer_names);
    if (!closest.empty()) {
      diagnostic.help.push_back(fmt::format("did you mean `{}`?", closest));
      diagnostic.notes.push_back(
          {by_name[closest]->header->name_range, fmt::format("`{}` is declared here", closest)});
    }
    return &diagnostic;
  };

  // Parents.
  std::unordered_set<const Layer*> detached;  // parent unknown or cycle broken: not a root
  for (const auto& layer : created) {
    const ast::LayerHeader& header = *layer->header;
    if (!header.parent) continue;
    auto parent = by_name.find(*header.parent);
    if (parent == by_name.end()) {
      report_unknown_layer(*header.parent, header.parent_range);
      detached.insert(layer.get());
      continue;
    }
    layer->parent = parent->second;
  }

  // Cycles: follow parents from each layer; a walk that comes back has found one.
  std::unordered_set<const Layer*> on_reported_cycle;
  for (const auto& layer : created) {
    if (on_reported_cycle.count(layer.get())) continue;
    std::vector<Layer*> walk;
    std::unordered_set<const Layer*> seen;
    for (Layer* at = layer.get(); at && !seen.count(at); at = at->parent) {
      seen.insert(at);
      walk.push_back(at);
    }
    Layer* last = walk.back();
    if (!last->parent || last->parent != layer.get()) continue;
    // `layer` is on a cycle made of `walk`.
    std::string names;
    for (Layer* member : walk) names += (names.empty() ? "`" : ", `") + member->name + "`";
    current_layer_ = layer.get();
    auto& diagnostic = Report(diag::Kind::kLayerCycle, layer->header->parent_range,
                              fmt::format("layers {} are each under the next: a cycle", names));
    current_layer_ = nullptr;
    if (walk.size() == 1)
      diagnostic.message = fmt::format("layer `{}` is under itself", layer->name);
    for (std::size_t i = 1; i < walk.size(); ++i) {
      diagnostic.notes.push_back(
          {walk[i]->header->parent_range,
           fmt::format("`{}` is under `{}` here", walk[i]->name, walk[i]->parent->name)});
    }
    diagnostic.help.push_back(
        "the national layer is the root; every other layer is under a "
        "layer closer to it");
    for (Layer* member : walk) on_reported_cycle.insert(member);
    layer->parent = nullptr;  // break the cycle so every later walk ends
    detached.insert(layer.get());
  }

  // Roots.
  std::vector<Layer*> roots;
  for (const auto& layer : created) {
    if (!layer->parent && !detached.count(layer.get())) roots.push_back(layer.get());
  }
  if (roots.empty() && every_file_has_header) {
    Report(diag::Kind::kNoRootLayer, {},
           created.empty() ? std::string("no layer is declared")
                           : std::string("no root layer: every layer is declared `under` another"))
        .help.push_back("declare the national layer in one file: `layer national \"Nederland\"`");
  }
  for (std::size_t i = 1; i < roots.size(); ++i) {
    current_layer_ = roots[i];
    auto& diagnostic = Report(diag::Kind::kSeveralRootLayers, roots[i]->header->name_range,
                              fmt::format("layer `{}` has no parent, but `{}` is already the root",
                                          roots[i]->name, roots[0]->name));
    diagnostic.notes.push_back({roots[0]->header->name_range,
                                fmt::format("root layer `{}` is declared here", roots[0]->name)});
    diagnostic.help.push_back(fmt::format("place it in the tree: `... under {}`", roots[0]->name));
    current_layer_ = nullptr;
  }

  // Parents before children; detached layers head their own subtrees so nothing is lost.
  std::unordered_map<const Layer*, std::vector<Layer*>> children;
  for (const auto& layer : created) {
    if (layer->parent) children[layer->parent].push_back(layer.get());
  }
  std::vector<Layer*> order;
  for (const auto& layer : created) {
    if (!layer->parent) order.push_back(layer.get());
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    Layer* layer = order[i];
    layer->depth = layer->parent ? layer->parent->depth + 1 : 0;
    for (Layer* child : children[layer]) {
      layer->children.push_back(child);
      order.push_back(child);
    }
  }
  // Under a layer whose `under` is unknown or cyclic: cut off from the root.
  for (Layer* layer : order) {
    const Layer* top = layer;
    while (top->parent) top = top->parent;
    if (detached.count(top)) cut_off_.insert(layer);
  }
  std::unordered_map<const Layer*, std::unique_ptr<Layer>> owned;
  for (auto& layer : created) owned[layer.get()] = std::move(layer);
  for (Layer* layer : order) model_.layers.push_back(std::move(owned[layer]));
  model_.root = roots.empty() ? nullptr : roots[0];

  // Files: a declaring header belongs to its layer; a bare one names a layer declared elsewhere.
  for (auto& file : model_.files) {
    if (!file->header || file->header->name.empty()) continue;
    const ast::LayerHeader& header = *file->header;
    auto found = by_name.find(header.name);
    if (found == by_name.end()) {
      auto* diagnostic = report_unknown_layer(header.name, header.name_range);
      diagnostic->help.push_back(
          fmt::format("a bare `layer {}` adds a file to a layer declared elsewhere, e.g. `layer "
                      "municipality {} \"Gemeente ...\" under national`",
                      header.name, header.name));
      continue;
    }
    // A second declaration of a layer (L302) contributes nothing: its content would only
    // repeat errors.
    if (header.is_declaration() && found->second->header != &header) continue;
    layer_files_[found->second].push_back(file.get());
  }
}

// The parser gave each declaration its file's layer name, which is the name of the layer the
// file belongs to here.
void Analyzer::AttachDeclarations() {
  for (auto& layer_ptr : model_.layers) {
    Layer* layer = layer_ptr.get();
    for (const ast::File* file : FilesOf(layer)) {
      for (auto& decl : file->enums) layer->enums.push_back(decl.get());
      for (auto& decl : file->authorities) layer->authorities.push_back(decl.get());
      for (auto& decl : file->laws) layer->laws.push_back(decl.get());
      for (auto& decl : file->domains) layer->domains.push_back(decl.get());
      for (auto& decl : file->facts) layer->facts.push_back(decl.get());
      for (auto& decl : file->params) layer->params.push_back(decl.get());
      for (auto& decl : file->lets) layer->lets.push_back(decl.get());
      for (auto& decl : file->assumes) layer->assumes.push_back(decl.get());
      for (auto& decl : file->decisions) layer->decisions.push_back(decl.get());
      for (auto& decl : file->rules) layer->rules.push_back(decl.get());
    }
  }
}

}  // namespace loket::sema::detail
