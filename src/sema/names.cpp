// Declarations and visibility: a layer sees its own names and those of the layers above it,
// never those of lower or sibling layers, and may not redeclare a higher layer's name.
#include <algorithm>

#include "sema/analyzer.h"

namespace loket::sema::detail {

namespace {

bool IsReserved(NameSpace space, std::string_view name) {
  static constexpr std::string_view kTypes[] = {"bool", "int", "money", "date", "duration"};
  static constexpr std::string_view kValues[] = {"reference_date", "min", "max", "days_between",
                                                 "years_between"};
  if (space == NameSpace::kType) {
    return std::find(std::begin(kTypes), std::end(kTypes), name) != std::end(kTypes);
  }
  if (space == NameSpace::kValue) {
    return std::find(std::begin(kValues), std::end(kValues), name) != std::end(kValues);
  }
  return false;
}

}  // namespace

void Analyzer::Declare(NameSpace space, std::string_view name, const Entity& entity) {
  const Layer* layer = entity.layer;
  std::string_view what = EntityKindName(entity.kind);
  if (IsReserved(space, name)) {
    Report(diag::Kind::kReservedName, entity.name_range,
           fmt::format("`{}` is reserved and cannot name a {}", name, what))
        .help.push_back(space == NameSpace::kType
                            ? std::string("it is a built-in type; choose another name")
                            : std::string("it is a built-in of the language; choose another name"));
    return;
  }
  auto& own = own_[layer].names[static_cast<int>(space)];
  auto found = own.find(std::string(name));
  if (found != own.end()) {
    Report(diag::Kind::kDuplicateName, entity.name_range,
           fmt::format("`{}` is already declared in layer `{}`", name, layer->name))
        .notes.push_back(
            {found->second.name_range, fmt::format("first declaration of {} `{}`",
                                                   EntityKindName(found->second.kind), name)});
    return;
  }
  for (const Layer* above = layer->parent; above; above = above->parent) {
    auto it = own_.find(above);
    if (it == own_.end()) continue;
    auto& names = it->second.names[static_cast<int>(space)];
    auto higher = names.find(std::string(name));
    if (higher == names.end()) continue;
    auto& diagnostic =
        Report(diag::Kind::kShadowsHigherName, entity.name_range,
               fmt::format("`{}` is already declared in higher layer `{}`", name, above->name));
    diagnostic.notes.push_back(
        {higher->second.name_range,
         fmt::format("{} `{}` is declared here", EntityKindName(higher->second.kind), name)});
    diagnostic.help.push_back(fmt::format(
        "`{}` can read the higher `{}` as it is; to define something new, choose another name",
        layer->name, name));
    return;
  }
  own.emplace(std::string(name), entity);
  all_[static_cast<int>(space)][std::string(name)].push_back(entity);
}

void Analyzer::DeclareNames() {
  for (auto& layer_ptr : model_.layers) {
    const Layer* layer = layer_ptr.get();
    current_layer_ = layer;
    own_[layer];
    for (const ast::File* file : FilesOf(layer)) {
      for (auto& decl : file->enums) {
        Entity entity{EntityKind::kEnum, layer, decl->name_range};
        entity.enum_decl = decl.get();
        Declare(NameSpace::kType, decl->name, entity);
        for (std::size_t i = 0; i < decl->members.size(); ++i) {
          for (std::size_t j = 0; j < i; ++j) {
            if (decl->members[j].name != decl->members[i].name) continue;
            Report(
                diag::Kind::kDuplicateEnumMember, decl->members[i].range,
                fmt::format("`{}` is listed twice in enum `{}`", decl->members[i].name, decl->name))
                .notes.push_back({decl->members[j].range, "first listed here"});
            break;
          }
        }
      }
      for (auto& decl : file->authorities) {
        Entity entity{EntityKind::kAuthority, layer, decl->name_range};
        entity.authority = decl.get();
        Declare(NameSpace::kAuthority, decl->name, entity);
      }
      for (auto& decl : file->laws) {
        Entity entity{EntityKind::kLaw, layer, decl->name_range};
        entity.law = decl.get();
        Declare(NameSpace::kLaw, decl->name, entity);
        CheckLaw(*decl);
      }
      for (auto& decl : file->facts) {
        Entity entity{EntityKind::kFact, layer, decl->name_range};
        entity.fact = decl.get();
        Declare(NameSpace::kValue, decl->name, entity);
      }
      for (auto& decl : file->params) {
        Entity entity{EntityKind::kParam, layer, decl->name_range};
        entity.param = decl.get();
        Declare(NameSpace::kValue, decl->name, entity);
      }
      for (auto& decl : file->lets) {
        Entity entity{EntityKind::kLet, layer, decl->name_range};
        entity.let = decl.get();
        Declare(NameSpace::kValue, decl->name, entity);
      }
      for (auto& decl : file->decisions) {
        Entity entity{EntityKind::kDecision, layer, decl->name_range};
        entity.decision = decl.get();
        Declare(NameSpace::kValue, decl->name, entity);
      }
    }
  }
  current_layer_ = nullptr;
}

const Entity* Analyzer::Lookup(const Layer& layer, NameSpace space, std::string_view name) const {
  std::string key(name);
  for (const Layer* at = &layer; at; at = at->parent) {
    auto it = own_.find(at);
    if (it == own_.end()) continue;
    auto& names = it->second.names[static_cast<int>(space)];
    auto found = names.find(key);
    if (found != names.end()) return &found->second;
  }
  return nullptr;
}

const Entity* Analyzer::LookupHidden(const Layer& layer, NameSpace space,
                                     std::string_view name) const {
  reads_outside_.insert(&layer);  // every layer's declarations
  auto found = all_[static_cast<int>(space)].find(std::string(name));
  if (found == all_[static_cast<int>(space)].end()) return nullptr;
  for (const Entity& entity : found->second) {
    if (!IsAncestorOrSelf(entity.layer, &layer)) return &entity;
  }
  return nullptr;
}

std::vector<std::string> Analyzer::VisibleNames(const Layer& layer, NameSpace space) const {
  std::vector<std::string> names;
  for (const Layer* at = &layer; at; at = at->parent) {
    auto it = own_.find(at);
    if (it == own_.end()) continue;
    for (const auto& entry : it->second.names[static_cast<int>(space)]) {
      names.push_back(entry.first);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

diag::Diagnostic& Analyzer::ReportUnresolved(const Layer& layer, NameSpace space,
                                             std::string_view name, source::SourceRange range,
                                             diag::Kind unknown_kind, std::string_view what,
                                             std::optional<EntityKind> only) {
  reads_outside_.insert(&layer);  // LookupHidden below, or the layer tree (cut off)
  // Cut off from the root (L301/L303), the layer sees none of the names above it: that one
  // error is the cause, not each name it hides.
  if (cut_off_.count(&layer)) return Discard();
  if (const Entity* hidden = LookupHidden(layer, space, name)) {
    bool lower = IsAncestorOrSelf(&layer, hidden->layer);
    auto& diagnostic =
        Report(diag::Kind::kNameNotVisible, range,
               fmt::format("{} `{}` belongs to {} layer `{}`, which `{}` cannot see",
                           EntityKindName(hidden->kind), name, lower ? "lower" : "sibling",
                           hidden->layer->name, layer.name));
    diagnostic.notes.push_back({hidden->name_range, fmt::format("`{}` is declared here, in `{}`",
                                                                name, hidden->layer->name)});
    diagnostic.help.push_back(
        "a layer sees only its own names and those of the layers above it; declare it in a "
        "layer both can see");
    return diagnostic;
  }
  std::vector<std::string> candidates;
  for (std::string& candidate : VisibleNames(layer, space)) {
    if (only && Lookup(layer, space, candidate)->kind != *only) continue;
    candidates.push_back(std::move(candidate));
  }
  if (space == NameSpace::kType) {
    for (const char* builtin : {"bool", "int", "money", "date"}) candidates.emplace_back(builtin);
  }
  std::string closest = diag::ClosestName(name, candidates);
  const Entity* suggestion = closest.empty() ? nullptr : Lookup(layer, space, closest);
  std::string_view noun = what;
  if (suggestion && space == NameSpace::kValue) noun = EntityKindName(suggestion->kind);
  auto& diagnostic = Report(unknown_kind, range, fmt::format("unknown {} `{}`", noun, name));
  if (!closest.empty()) {
    diagnostic.help.push_back(fmt::format("did you mean `{}`?", closest));
    if (suggestion) {
      diagnostic.notes.push_back(
          {suggestion->name_range, fmt::format("`{}` is declared here", closest)});
    }
  }
  return diagnostic;
}

}  // namespace loket::sema::detail
