#include "sema/cone.h"

#include "sema/content_key.h"

#include <algorithm>
#include <functional>
#include <set>
#include <string_view>
#include <unordered_map>

namespace loket::sema {
namespace {

std::uint64_t MixValidity(std::uint64_t hash, const ast::Validity& validity) {
  hash = MixKey(hash, validity.from ? static_cast<std::uint64_t>(*validity.from) + 1 : 0);
  return MixKey(hash, validity.until ? static_cast<std::uint64_t>(*validity.until) + 1 : 0);
}

bool Overlaps(const ast::Validity& validity, Period period) {
  // In force on [from, until); the period is [period.from, period.until].
  return (!validity.from || *validity.from <= period.until) &&
         (!validity.until || *validity.until > period.from);
}

}  // namespace

ConeBuilder::ConeBuilder(const Model& model, Period period,
                         const std::vector<std::uint64_t>* places)
    : model_(model), period_(period), places_(places) {
  for (const auto& file : model.files) {
    if (!file->header || file->id == source::kNoFile) continue;
    if (file_validity_.size() <= file->id) file_validity_.resize(file->id + 1, nullptr);
    file_validity_[file->id] = &file->header->validity;
  }
  indexes_ = std::make_unique<LayerIndex[]>(model.layers.size());
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const Layer* layer = model.layers[i].get();
    layer_by_name_.emplace(layer->name, layer);  // the first of a name, as FindLayer
    position_.emplace(layer, i);
  }
}

const ConeBuilder::LayerIndex& ConeBuilder::IndexOf(const Layer& layer) const {
  LayerIndex& index = indexes_[position_.at(&layer)];
  std::call_once(index.once, [&] {
    std::unordered_map<std::string_view, int> versions;
    for (const ast::RuleDecl* rule : layer.rules) {
      index.versions.emplace(rule, versions[rule->id]++);
      for (const ast::Assignment& assignment : rule->assignments) {
        std::vector<const ast::RuleDecl*>& rules =
            index.assigning[model_.annotations.DecisionOf(assignment)];
        if (rules.empty() || rules.back() != rule) rules.push_back(rule);
      }
      for (const ast::RuleRef& ref : rule->exception_to) {
        for (const ast::RuleDecl* base : model_.annotations.TargetsOf(ref)) {
          index.exceptions[base].push_back(rule);
        }
      }
    }
  });
  return index;
}

const ast::Validity* ConeBuilder::FileValidity(const ast::RuleDecl& rule) const {
  const source::FileId file = rule.range.file;
  return file < file_validity_.size() ? file_validity_[file] : nullptr;
}

bool ConeBuilder::InForceDuring(const ast::RuleDecl& rule) const {
  if (!Overlaps(rule.validity, period_)) return false;
  const ast::Validity* file = FileValidity(rule);
  if (file && !Overlaps(*file, period_)) return false;
  const Layer* layer = model_.FindLayer(rule.layer);
  return !layer || Overlaps(layer->validity, period_);
}

std::uint64_t ConeBuilder::TextHash(source::SourceRange range) const {
  if (!range.valid() || !model_.sources) return 0;
  std::string_view text = model_.sources->text(range.file);
  if (range.end > text.size() || range.begin > range.end) return 0;
  const std::uint64_t hash =
      std::hash<std::string_view>{}(text.substr(range.begin, range.end - range.begin));
  if (!places_) return hash;
  const std::uint64_t file = range.file < places_->size() ? (*places_)[range.file] : range.file;
  return MixKey(MixKey(MixKey(hash, file), range.begin), range.end);
}

Cone ConeBuilder::Build(const std::vector<const Layer*>& chain,
                        const ast::DecisionDecl& root) const {
  return Build(chain, std::vector<const ast::DecisionDecl*>{&root});
}

Cone ConeBuilder::Build(const std::vector<const Layer*>& chain,
                        const std::vector<const ast::DecisionDecl*>& roots) const {
  Cone cone;
  std::set<const void*> seen;
  std::vector<const ast::DecisionDecl*> pending_decisions;
  std::vector<const LayerIndex*> chain_index;
  for (const Layer* layer : chain) chain_index.push_back(&IndexOf(*layer));

  auto add_enum = [&](const ast::EnumDecl* e) {
    if (!e || !seen.insert(e).second) return;
    cone["enum " + e->layer + "." + e->name] = TextHash(e->range);
  };
  std::function<void(const ast::Expr*)> walk = [&](const ast::Expr* expr) {
    if (!expr) return;
    add_enum(model_.annotations.TypeOf(*expr).enum_decl);
    const ast::Symbol& symbol = model_.annotations.SymbolOf(*expr);
    if (expr->kind == ast::ExprKind::kName || expr->kind == ast::ExprKind::kKnown) {
      switch (symbol.kind) {
        case ast::SymbolKind::kFact:
          if (seen.insert(symbol.fact).second) {
            cone["fact " + symbol.fact->layer + "." + symbol.fact->name] =
                TextHash(symbol.fact->range);
            add_enum(model_.annotations.TypeOf(symbol.fact->type).enum_decl);
          }
          break;
        case ast::SymbolKind::kParam:
          if (seen.insert(symbol.param).second) {
            cone["param " + symbol.param->layer + "." + symbol.param->name] =
                TextHash(symbol.param->range);
            for (const ast::ParamValue& value : symbol.param->values) walk(value.value.get());
          }
          break;
        case ast::SymbolKind::kLet:
          if (seen.insert(symbol.let).second) {
            cone["let " + symbol.let->layer + "." + symbol.let->name] = TextHash(symbol.let->range);
            walk(symbol.let->value.get());
          }
          break;
        case ast::SymbolKind::kDecision:
          pending_decisions.push_back(symbol.decision);
          break;
        default:
          break;
      }
    }
    if (symbol.kind == ast::SymbolKind::kEnumMember) add_enum(symbol.enum_decl);
    for (const auto& operand : expr->operands) walk(operand.get());
  };
  std::function<void(const ast::RuleDecl*)> add_rule = [&](const ast::RuleDecl* rule) {
    if (!seen.insert(rule).second) return;
    std::uint64_t hash = TextHash(rule->range);
    // The citation as people read it, which a cited law's title is part of.
    hash = MixKey(hash, std::hash<std::string>{}(model_.annotations.CitationText(*rule)));
    if (const ast::Validity* file = FileValidity(*rule)) hash = MixValidity(MixKey(hash, 1), *file);
    // One entry per version (§6: versions share an id): the k-th rule of its layer with this id.
    std::string key = "rule " + rule->layer + "." + rule->id;
    if (auto layer = layer_by_name_.find(rule->layer); layer != layer_by_name_.end()) {
      hash = MixValidity(MixKey(hash, 2), layer->second->validity);
      const LayerIndex& index = IndexOf(*layer->second);
      auto version = index.versions.find(rule);
      if (version != index.versions.end() && version->second > 0) {
        key += " version " + std::to_string(version->second + 1);
      }
    }
    cone[key] = hash;
    walk(rule->condition.get());
    for (const ast::Assignment& assignment : rule->assignments) walk(assignment.value.get());
    for (const LayerIndex* index : chain_index) {
      auto it = index->exceptions.find(rule);
      if (it == index->exceptions.end()) continue;
      for (const ast::RuleDecl* exception : it->second) {
        if (InForceDuring(*exception)) add_rule(exception);
      }
    }
  };

  for (const Layer* layer : chain) {
    for (const ast::AssumeDecl* assume : layer->assumes) {
      cone["assume " + assume->layer + "." + assume->name] = TextHash(assume->range);
      walk(assume->condition.get());
    }
  }
  pending_decisions.insert(pending_decisions.end(), roots.rbegin(), roots.rend());
  while (!pending_decisions.empty()) {
    const ast::DecisionDecl* decision = pending_decisions.back();
    pending_decisions.pop_back();
    if (!seen.insert(decision).second) continue;
    const std::uint64_t hash = TextHash(decision->range);
    add_enum(model_.annotations.TypeOf(decision->type).enum_decl);
    walk(decision->default_value.get());
    walk(decision->applies_when.get());
    if (decision->delegation) {
      for (const auto& e : decision->delegation->within_set) walk(e.get());
      walk(decision->delegation->within_lo.get());
      walk(decision->delegation->within_hi.get());
    }
    // Its rules in force (their keys are in the cone: a rule added, removed or renamed shows;
    // their order matters only between disagreeing rules, a conflict either way).
    for (const LayerIndex* index : chain_index) {
      auto rules = index->assigning.find(decision);
      if (rules == index->assigning.end()) continue;
      for (const ast::RuleDecl* rule : rules->second) {
        if (InForceDuring(*rule)) add_rule(rule);
      }
    }
    cone["decision " + decision->layer + "." + decision->name] = hash;
  }
  return cone;
}

std::uint64_t ConeBuilder::Frame(const std::vector<const Layer*>& chain) const {
  std::uint64_t hash = 0x4672616d65ull;
  for (const Layer* layer : chain) {
    hash = MixKey(hash, std::hash<std::string>{}(layer->name));
    hash = MixKey(hash, std::hash<std::string>{}(layer->kind));
    hash = MixKey(hash, layer->header ? TextHash(layer->header->range) : 0);
    hash = MixValidity(hash, layer->validity);
    hash = MixKey(hash, layer->facts.size());
    for (const ast::FactDecl* fact : layer->facts) {
      hash = MixKey(hash, TextHash(fact->range));
      // A witness shows every fact, an enum's by its members' names.
      const ast::EnumDecl* type = model_.annotations.TypeOf(fact->type).enum_decl;
      hash = MixKey(hash, type ? TextHash(type->range) : 0);
    }
    hash = MixKey(hash, layer->assumes.size());
    for (const ast::AssumeDecl* assume : layer->assumes)
      hash = MixKey(hash, TextHash(assume->range));
  }
  return hash;
}

std::uint64_t ConeHash(const Cone& cone) {
  std::uint64_t hash = MixKey(0x436f6e65ull, cone.size());
  for (const auto& [key, value] : cone) {
    hash = MixKey(MixKey(hash, std::hash<std::string>{}(key)), value);
  }
  return hash;
}

std::vector<std::string> ConeChanges(const Cone& old_cone, const Cone& new_cone) {
  std::vector<std::string> changes;
  auto o = old_cone.begin();
  auto n = new_cone.begin();
  while (o != old_cone.end() || n != new_cone.end()) {
    if (n == new_cone.end() || (o != old_cone.end() && o->first < n->first)) {
      changes.push_back(o->first + " (removed)");
      ++o;
    } else if (o == old_cone.end() || n->first < o->first) {
      changes.push_back(n->first + " (added)");
      ++n;
    } else {
      if (o->second != n->second) changes.push_back(o->first + " (changed)");
      ++o;
      ++n;
    }
  }
  return changes;
}

}  // namespace loket::sema
