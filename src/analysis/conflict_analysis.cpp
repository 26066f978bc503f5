// The conflict analysis run (analysis.h): layers of one depth in parallel, each analysed by a
// LayerAnalysis whose checks (layer_analysis.h, one file per family) run in the order
// RunChecks lists; the per-layer cache; the words and values the checks share.
#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <z3++.h>

#include "analysis/analysis.h"
#include "analysis/layer_analysis.h"
#include "sema/content_key.h"

namespace loket::analysis {

// The cache: per layer key, and per key of a unit of a layer's decisions, the findings and the
// decisions with a gap.

struct AnalysisCache::Impl {
  std::unordered_map<std::uint64_t, CachedFindings> layers;
  std::unordered_map<std::uint64_t, CachedFindings> units;
  BelowKeys below;
  // Z3 contexts outlive a run: creating one costs tens of milliseconds, more than analysing
  // the one layer an edit usually touches. Solvers and variables are made anew per run.
  std::vector<OwnedContext> contexts;
};

AnalysisCache::AnalysisCache() : impl_(std::make_unique<Impl>()) {}
AnalysisCache::~AnalysisCache() = default;
std::size_t AnalysisCache::size() const {
  return impl_->layers.size();
}

const char* LayerWord(const sema::Layer& layer) {
  return layer.kind.c_str();
}

std::string RuleName(const ast::RuleDecl& rule) {
  return rule.layer + "." + rule.id;
}

std::string Cite(const ast::RuleDecl& rule, const sema::Annotations& annotations) {
  return fmt::format("`{}` (\"{}\")", RuleName(rule), annotations.CitationText(rule));
}

bool IsLiteral(const ast::Expr& e, const sema::Annotations& annotations) {
  switch (e.kind) {
    case ast::ExprKind::kBoolLit:
    case ast::ExprKind::kIntLit:
    case ast::ExprKind::kMoneyLit:
    case ast::ExprKind::kDateLit:
    case ast::ExprKind::kSetLit:
      return true;
    case ast::ExprKind::kNeg:
      return IsLiteral(*e.operands[0], annotations);
    case ast::ExprKind::kName:
      return annotations.SymbolOf(e).kind == ast::SymbolKind::kEnumMember;
    default:
      return false;
  }
}

const ast::Expr* AssignedExpr(const ast::RuleDecl& rule, const ast::DecisionDecl& decision,
                              const sema::Annotations& annotations) {
  for (const ast::Assignment& a : rule.assignments) {
    if (annotations.DecisionOf(a) == &decision) return a.value.get();
  }
  return nullptr;
}

// The decisions a rule assigns, by name.
std::vector<std::string> DecisionsOf(const ast::RuleDecl& rule,
                                     const sema::Annotations& annotations) {
  std::vector<std::string> decisions;
  for (const ast::Assignment& a : rule.assignments) {
    if (annotations.DecisionOf(a)) decisions.push_back(annotations.DecisionOf(a)->name);
  }
  return decisions;
}

bool SameLiteral(const ast::Expr& a, const ast::Expr& b, const sema::Annotations& annotations) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ast::ExprKind::kBoolLit:
      return a.bool_value == b.bool_value;
    case ast::ExprKind::kName:
      return annotations.SymbolOf(a).enum_index == annotations.SymbolOf(b).enum_index &&
             annotations.SymbolOf(a).enum_decl == annotations.SymbolOf(b).enum_decl;
    case ast::ExprKind::kNeg:
      return SameLiteral(*a.operands[0], *b.operands[0], annotations);
    case ast::ExprKind::kSetLit: {
      if (a.operands.size() != b.operands.size()) return false;
      std::set<int> x, y;
      for (auto& e : a.operands) x.insert(annotations.SymbolOf(*e).enum_index);
      for (auto& e : b.operands) y.insert(annotations.SymbolOf(*e).enum_index);
      return x == y;
    }
    default:
      return a.int_value == b.int_value;
  }
}

LayerAnalysis::LayerAnalysis(AnalysisWorker& worker, const sema::Model& model,
                             const sema::Layer& layer, const AnalysisOptions& options,
                             ProgramCache& programs, const std::set<std::string>* parent_gaps,
                             UnitCacheAccess cache)
    : w_(worker),
      model_(model),
      layer_(layer),
      options_(options),
      programs_(programs),
      parent_gaps_(parent_gaps),
      cache_(cache),
      chain_(model.Chain(layer)),
      enc_(std::make_unique<Encoder>(worker.vars, model, chain_, layer.name)),
      findings_({worker.solver, worker.vars, model, programs, options.replay_witnesses}, layer.name,
                result_.diagnostics, worker.stats.undetermined) {
  if (layer.parent) {
    std::vector<const sema::Layer*> parent_chain(chain_.begin(), chain_.end() - 1);
    parent_ = std::make_unique<Encoder>(worker.vars, model, parent_chain, "parent!" + layer.name);
  }
}

LayerResult LayerAnalysis::Run() {
  z3::solver& solver = w_.solver.solver();
  try {
    w_.solver.StartBudget(options_.layer_time_limit_ms);
    for (const DecisionUnit& unit : Units()) {
      ++result_.units;
      result_.decisions += static_cast<int>(unit.decisions.size());
      std::uint64_t key = 0;
      if (cache_.units && options_.analyse_unit) {
        if (!options_.analyse_unit(layer_, UnitKey(unit))) {
          // Left out; a layer below still reads this chain's gaps (CheckGaps).
          if (!layer_.children.empty() && !unit.gap_candidates.empty()) {
            const std::size_t first = result_.diagnostics.size();
            StartUnit();
            CheckGaps(unit.gap_candidates);
            solver.pop();
            result_.diagnostics.resize(first);
          }
          continue;
        }
        StartUnit();
        RunChecks(unit);
        solver.pop();
        continue;
      }
      if (cache_.units) {
        key = UnitKey(unit);
        auto cached = cache_.units->find(key);
        if (cached != cache_.units->end()) {
          const CachedFindings& found = cached->second;
          std::unordered_map<source::FileId, source::FileId> ids;
          for (const auto& [id, hash] : found.files) {
            auto now = cache_.file_of_place->find(hash);
            if (now != cache_.file_of_place->end()) ids.emplace(id, now->second);
          }
          auto remap = [&](source::SourceRange& range) {
            auto it = ids.find(range.file);
            if (it != ids.end()) range.file = it->second;
          };
          for (diag::Diagnostic d : found.diagnostics) {
            remap(d.range);
            for (diag::Note& note : d.notes) remap(note.range);
            result_.diagnostics.push_back(std::move(d));
          }
          result_.gaps.insert(found.gaps.begin(), found.gaps.end());
          ++result_.units_from_cache;
          result_.decisions_from_cache += static_cast<int>(unit.decisions.size());
          continue;
        }
      }
      const std::size_t first = result_.diagnostics.size();
      StartUnit();
      RunChecks(unit);
      solver.pop();
      if (cache_.units) {
        CachedFindings found;
        found.diagnostics.assign(result_.diagnostics.begin() + static_cast<std::ptrdiff_t>(first),
                                 result_.diagnostics.end());
        for (const ast::DecisionDecl* decision : unit.decisions) {
          const std::string name = decision->layer + "." + decision->name;
          if (result_.gaps.count(name)) found.gaps.insert(name);
        }
        std::set<source::FileId> files;
        for (const diag::Diagnostic& d : found.diagnostics) {
          files.insert(d.range.file);
          for (const diag::Note& note : d.notes) files.insert(note.range.file);
        }
        for (source::FileId id : files) {
          if (id < cache_.file_places->size())
            found.files.emplace_back(id, (*cache_.file_places)[id]);
        }
        result_.analysed.emplace_back(key, std::move(found));
      }
    }
  } catch (const OutOfTime& out) {
    // Findings so far stand; what was not asked is undetermined, said once for the layer.
    findings_
        .Undetermined(layer_.header ? layer_.header->name_range : source::SourceRange{},
                      fmt::format("analysis of layer `{}` stopped after its time limit of {} ms; "
                                  "the checks after that point were not made",
                                  layer_.name, out.limit_ms))
        .Help(
            "raise the time limit (`loket check --solver-time-limit SECONDS`, "
            "LoadOptions::solver_time_limit_ms), or simplify the date arithmetic of the layer");
    PopQuietly(solver);
  } catch (const z3::exception& e) {
    findings_.Undetermined(layer_.header ? layer_.header->name_range : source::SourceRange{},
                           fmt::format("analysis of layer `{}` stopped: {}", layer_.name, e.msg()));
    PopQuietly(solver);
  }
  return std::move(result_);
}

void LayerAnalysis::PopQuietly(z3::solver& solver) {
  try {
    solver.pop();
  } catch (const z3::exception&) {
  }
}

// The layer's checks in units: the decisions of the chain linked by what one check reads
// together (see DecisionUnit), in the order of their first decision; units with nothing to
// check are left out.
std::vector<DecisionUnit> LayerAnalysis::Units() {
  std::vector<const ast::DecisionDecl*> decisions;
  std::unordered_map<const ast::DecisionDecl*, std::size_t> index;
  for (const sema::Layer* layer : chain_) {
    for (const ast::DecisionDecl* decision : layer->decisions) {
      if (index.emplace(decision, decisions.size()).second) decisions.push_back(decision);
    }
  }
  std::vector<std::size_t> root(decisions.size());
  for (std::size_t i = 0; i < root.size(); ++i) root[i] = i;
  auto find = [&](std::size_t i) {
    while (root[i] != i) i = root[i] = root[root[i]];
    return i;
  };
  auto decisions_of = [&](const ast::RuleDecl& rule) {
    std::vector<std::size_t> found;
    for (const ast::Assignment& assignment : rule.assignments) {
      auto it = index.find(model_.annotations.DecisionOf(assignment));
      if (it != index.end()) found.push_back(it->second);
    }
    return found;
  };
  auto link = [&](const ast::RuleDecl& a, const ast::RuleDecl& b) {
    std::vector<std::size_t> all = decisions_of(a), more = decisions_of(b);
    all.insert(all.end(), more.begin(), more.end());
    for (std::size_t k = 1; k < all.size(); ++k) {
      std::size_t x = find(all[0]), y = find(all[k]);
      root[std::max(x, y)] = std::min(x, y);
    }
  };
  // A rule and its decisions; an exception and its base; the versions of a rule.
  std::unordered_map<std::string, const ast::RuleDecl*> first_version;
  for (const ast::RuleDecl* rule : layer_.rules) {
    link(*rule, *rule);
    for (const ast::RuleRef& ref : rule->exception_to) {
      for (const ast::RuleDecl* base : model_.annotations.TargetsOf(ref)) link(*rule, *base);
    }
    auto [version, first] = first_version.emplace(rule->id, rule);
    if (!first) link(*version->second, *rule);
  }
  // A rule that may be shadowed and its exceptions (CheckShadowed).
  std::vector<const ast::RuleDecl*> shadow_candidates;
  for (const sema::Layer* layer : chain_) {
    for (const ast::RuleDecl* rule : layer->rules) {
      std::vector<const ast::RuleDecl*> exceptions = enc_->ExceptionsTo(*rule);
      if (exceptions.empty()) continue;
      bool here = rule->layer == layer_.name;
      for (const ast::RuleDecl* e : exceptions) here = here || e->layer == layer_.name;
      if (!here) continue;
      shadow_candidates.push_back(rule);
      for (const ast::RuleDecl* e : exceptions) link(*rule, *e);
    }
  }

  std::vector<DecisionUnit> units;
  std::unordered_map<std::size_t, std::size_t> unit_of_root;
  DecisionUnit rest;  // rules that decide nothing of the chain
  auto unit_of = [&](const std::vector<std::size_t>& decided) -> DecisionUnit& {
    if (decided.empty()) return rest;
    auto [it, fresh] = unit_of_root.emplace(find(decided.front()), units.size());
    if (fresh) units.emplace_back();
    return units[it->second];
  };
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    DecisionUnit& unit = unit_of({i});
    unit.decisions.push_back(decisions[i]);
    if (!decisions[i]->default_value && !decisions[i]->collect) {
      unit.gap_candidates.push_back(decisions[i]);
    }
  }
  for (const ast::RuleDecl* rule : layer_.rules) unit_of(decisions_of(*rule)).rules.push_back(rule);
  for (const ast::RuleDecl* rule : shadow_candidates) {
    unit_of(decisions_of(*rule)).shadow_candidates.push_back(rule);
  }
  if (!rest.Empty()) units.push_back(std::move(rest));
  units.erase(std::remove_if(units.begin(), units.end(),
                             [](const DecisionUnit& unit) { return unit.Empty(); }),
              units.end());
  return units;
}

// What a unit's findings depend on: the chain's frame and the cones of its decisions, with
// places; whether the parent's chain has a gap in them; the whole chain for L508's witness
// preference (and for rules that decide nothing); the chains below for rules that read a
// decision (L507 and L508 ask those layers).
std::uint64_t LayerAnalysis::UnitKey(const DecisionUnit& unit) {
  const sema::ConeBuilder& cones = *cache_.cones;
  std::uint64_t key = sema::MixKey(cones.Frame(chain_), 0x556e6974ull);
  key = sema::MixKey(key, sema::ConeHash(cones.Build(chain_, unit.decisions)));
  for (const ast::DecisionDecl* decision : unit.gap_candidates) {
    key = sema::MixKey(key, parent_gaps_ != nullptr &&
                                parent_gaps_->count(decision->layer + "." + decision->name) > 0);
  }
  auto chain_key = [&](const sema::Layer& layer) {
    auto it = cache_.chain_keys->find(&layer);
    return it == cache_.chain_keys->end() ? 0 : it->second;
  };
  if (!unit.shadow_candidates.empty() || unit.decisions.empty()) {
    key = sema::MixKey(key, chain_key(layer_));
  }
  bool reads_below = !unit.shadow_candidates.empty();
  for (const ast::RuleDecl* rule : unit.rules) {
    reads_below = reads_below || ReadsDecision(rule->condition.get(), model_.annotations);
  }
  if (reads_below) {
    // What those questions read in each chain below: its frame and the cones there of the
    // unit's decisions, which hold the unit's rules, their exception trees and every decision
    // their conditions read (a lower layer's change elsewhere leaves the key as it was).
    const std::uint64_t own = key;
    std::vector<const sema::Layer*> below(layer_.children.begin(), layer_.children.end());
    while (!below.empty()) {
      const sema::Layer* layer = below.back();
      below.pop_back();
      below.insert(below.end(), layer->children.begin(), layer->children.end());
      // Keys compared between two rule bases (`loket diff`) leave out the layers below that
      // are the same in both: what those add to a key is the same on both sides.
      if (options_.analyse_unit && options_.analyse_layer && !options_.analyse_layer(*layer)) {
        continue;
      }
      if (unit.decisions.empty()) {
        key = sema::MixKey(key, chain_key(*layer));
        continue;
      }
      const std::uint64_t memo = sema::MixKey(own, chain_key(*layer));
      std::uint64_t there = 0;
      bool known = false;
      if (cache_.below) {
        std::lock_guard<std::mutex> lock(cache_.below->mutex);
        auto found = cache_.below->keys.find(memo);
        known = found != cache_.below->keys.end();
        if (known) there = found->second;
      }
      if (!known) {
        const std::vector<const sema::Layer*> chain = model_.Chain(*layer);
        there =
            sema::MixKey(cones.Frame(chain), sema::ConeHash(cones.Build(chain, unit.decisions)));
        if (cache_.below) {
          std::lock_guard<std::mutex> lock(cache_.below->mutex);
          cache_.below->keys.emplace(memo, there);
        }
      }
      key = sema::MixKey(key, there);
    }
  }
  return key;
}

void LayerAnalysis::StartUnit() {
  z3::solver& solver = w_.solver.solver();
  // A scope of its own rather than a reset solver: making a Z3 solver anew costs
  // milliseconds, which over the ~9000 units of the generated country nearly doubled a check.
  solver.push();
  parent_.reset();
  enc_ = std::make_unique<Encoder>(w_.vars, model_, chain_, layer_.name);
  if (layer_.parent) {
    std::vector<const sema::Layer*> parent_chain(chain_.begin(), chain_.end() - 1);
    parent_ = std::make_unique<Encoder>(w_.vars, model_, parent_chain, "parent!" + layer_.name);
  }
  solver.add(enc_->Axioms());
}

// The checks of one unit in the order they run. The order is part of the output: the checks
// of a unit share one solver, whose history decides the values a witness leaves free.
void LayerAnalysis::RunChecks(const DecisionUnit& unit) {
  CheckVersions(unit.rules);
  std::vector<const ast::RuleDecl*> live;
  for (const ast::RuleDecl* rule : unit.rules) {
    if (CheckDead(*rule)) live.push_back(rule);
  }
  CheckAmbiguity(live);
  CheckExceptions(live);
  CheckShadowed(unit.shadow_candidates);
  CheckDelegated(live);
  CheckGaps(unit.gap_candidates);
  CheckNotApplicable(live);
  CheckRestatements(live);
  CheckProtected(live);
}

// Whether the expression reads a decision (through lets too).
bool LayerAnalysis::ReadsDecision(const ast::Expr* e, const sema::Annotations& annotations) {
  if (!e) return false;
  if (e->kind == ast::ExprKind::kName &&
      annotations.SymbolOf(*e).kind == ast::SymbolKind::kDecision) {
    return true;
  }
  if (e->kind == ast::ExprKind::kName && annotations.SymbolOf(*e).kind == ast::SymbolKind::kLet &&
      ReadsDecision(annotations.SymbolOf(*e).let->value.get(), annotations)) {
    return true;
  }
  for (const auto& operand : e->operands) {
    if (ReadsDecision(operand.get(), annotations)) return true;
  }
  return false;
}

std::string LayerAnalysis::ValueOf(const z3::model& model, const Term& term,
                                   const ast::Type& type) {
  if (term.is_set) {
    std::uint64_t mask = 0;
    for (std::size_t i = 0; i < term.members.size() && i < 64; ++i) {
      if (model.eval(term.members[i], true).is_true()) mask |= std::uint64_t{1} << i;
    }
    return FormatValue(type, static_cast<std::int64_t>(mask));
  }
  z3::expr v = model.eval(term.scalar, true);
  if (v.is_bool()) return v.is_true() ? "true" : "false";
  std::int64_t raw = 0;
  v.is_numeral_i64(raw);
  return FormatValue(type, raw);
}

std::int64_t LayerAnalysis::ModelDay(const z3::model& model) {
  std::int64_t day = 0;
  model.eval(w_.vars.date(), true).is_numeral_i64(day);
  return day;
}

std::string LayerAnalysis::ConditionText(const ast::Expr& condition) const {
  const source::SourceRange range = condition.range;
  if (!model_.sources || !range.valid() || range.file >= model_.sources->file_count()) return {};
  std::string_view text = model_.sources->text(range.file);
  if (range.end > text.size() || range.begin > range.end) return {};
  return std::string(text.substr(range.begin, range.end - range.begin));
}

// Facts a rule reads, through lets and decisions of this chain.
LayerAnalysis::FactSet LayerAnalysis::FactsRead(const ast::RuleDecl& rule) {
  FactSet facts;
  std::set<const void*> seen;
  std::function<void(const ast::Expr*)> walk = [&](const ast::Expr* expr) {
    if (!expr) return;
    const ast::Symbol& s = model_.annotations.SymbolOf(*expr);
    if (expr->kind == ast::ExprKind::kName || expr->kind == ast::ExprKind::kKnown) {
      if (s.kind == ast::SymbolKind::kFact) facts.insert(s.fact);
      if (s.kind == ast::SymbolKind::kLet && seen.insert(s.let).second) walk(s.let->value.get());
      if (s.kind == ast::SymbolKind::kDecision && seen.insert(s.decision).second) {
        walk(s.decision->default_value.get());
        for (const ast::RuleDecl* r : enc_->RulesOn(*s.decision)) {
          walk(r->condition.get());
          walk(AssignedExpr(*r, *s.decision, model_.annotations));
        }
      }
    }
    for (const auto& op : expr->operands) walk(op.get());
  };
  walk(rule.condition.get());
  for (const auto& a : rule.assignments) walk(a.value.get());
  return facts;
}

AnalysisStats RunConflictAnalysis(const sema::Model& model, const AnalysisOptions& options,
                                  diag::DiagnosticSink& sink) {
  AnalysisStats stats;
  const std::size_t n = model.layers.size();
  if (n == 0) return stats;
  std::vector<LayerResult> results(n);
  std::unordered_map<const sema::Layer*, std::size_t> index;
  int max_depth = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const sema::Layer& layer = *model.layers[i];
    index[&layer] = i;
    max_depth = std::max(max_depth, layer.depth);
  }
  // A layer's results depend only on its chain of layers: its key covers their content.
  std::vector<std::uint64_t> keys;
  if (options.cache) keys = options.chain_keys ? *options.chain_keys : sema::ChainKeys(model);

  unsigned thread_count = std::max(1u, options.threads);
  std::vector<OwnedContext> local_contexts;
  std::vector<OwnedContext>& contexts =
      options.cache ? options.cache->impl().contexts : local_contexts;
  std::vector<std::unique_ptr<AnalysisWorker>> workers;
  ProgramCache programs(model);
  // For the per-unit cache of the layers whose chain changed, made when the first is met.
  std::optional<sema::ConeBuilder> cones;
  std::unordered_map<const sema::Layer*, std::uint64_t> chain_keys;
  std::vector<std::uint64_t> file_places;
  std::unordered_map<std::uint64_t, source::FileId> file_of_place;
  UnitCacheAccess unit_cache;

  for (int depth = 0; depth <= max_depth; ++depth) {
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < n; ++i) {
      if (model.layers[i]->depth != depth) continue;
      if (options.analyse_unit && options.analyse_layer &&
          !options.analyse_layer(*model.layers[i])) {
        continue;
      }
      // A layer with layers below goes by its units: L507 and L508 ask the chains below,
      // which its own chain's key does not cover.
      if (options.cache && !options.analyse_unit && model.layers[i]->children.empty()) {
        auto& cached = options.cache->impl().layers;
        auto it = cached.find(keys[i]);
        if (it != cached.end()) {
          results[i].diagnostics = it->second.diagnostics;
          results[i].gaps = it->second.gaps;
          results[i].from_cache = true;
          ++stats.layers_from_cache;
          continue;
        }
      }
      todo.push_back(i);
    }
    if (todo.empty()) continue;
    if (options.cache && !cones) {
      constexpr sema::Period kAlways{std::numeric_limits<support::DayNumber>::min(),
                                     std::numeric_limits<support::DayNumber>::max()};
      std::unordered_map<std::string, std::uint64_t> rank;
      for (const auto& file : model.files) {
        if (!file->header || file->id == source::kNoFile) continue;
        const std::uint64_t place =
            sema::MixKey(sema::MixKey(0x46696c65ull, std::hash<std::string>{}(file->header->name)),
                         rank[file->header->name]++);
        if (file_places.size() <= file->id) file_places.resize(file->id + 1, 0);
        file_places[file->id] = place;
        file_of_place.emplace(place, file->id);
      }
      cones.emplace(model, kAlways, &file_places);
      // By text, not file id, like the places: a copy of the rule base reuses them too.
      const std::vector<std::uint64_t> text_keys =
          sema::ChainKeys(model, options.file_hashes, /*files_by_text=*/true);
      for (std::size_t i = 0; i < n; ++i) chain_keys.emplace(model.layers[i].get(), text_keys[i]);
      unit_cache = {
          &options.cache->impl().units, &*cones, &chain_keys, &file_places, &file_of_place,
          &options.cache->impl().below};
    }
    // Z3 contexts are created up front, on this thread, and only as many as there is work.
    while (workers.size() < std::min<std::size_t>(thread_count, todo.size())) {
      if (contexts.size() <= workers.size()) contexts.push_back(NewContext());
      workers.push_back(
          std::make_unique<AnalysisWorker>(*contexts[workers.size()], options.solver_rlimit));
    }
    // Each worker takes every `used`-th layer, in order: which context analyses which layer,
    // and after which others, is then the same on every run, so Z3 returns the same models
    // and the witnesses in a report do not change between runs.
    const std::size_t used = std::min<std::size_t>(workers.size(), todo.size());
    auto work = [&](AnalysisWorker& worker, std::size_t first) {
      for (std::size_t k = first; k < todo.size(); k += used) {
        std::size_t i = todo[k];
        const sema::Layer& layer = *model.layers[i];
        const std::set<std::string>* parent_gaps =
            layer.parent ? &results[index[layer.parent]].gaps : nullptr;
        LayerAnalysis analysis(worker, model, layer, options, programs, parent_gaps, unit_cache);
        results[i] = analysis.Run();
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < used; ++t) threads.emplace_back(work, std::ref(*workers[t]), t);
    work(*workers[0], 0);
    for (std::thread& t : threads) t.join();
  }

  for (const auto& worker : workers) {
    stats.solver_queries += worker->solver.queries();
    stats.decided_without_solver += worker->stats.decided_without_solver;
    stats.undetermined += worker->stats.undetermined;
  }
  for (std::size_t i = 0; i < n; ++i) {
    ++stats.layers;
    // A layer whose every unit came from the per-unit cache was not analysed again either.
    if (!results[i].from_cache && results[i].units > 0 &&
        results[i].units == results[i].units_from_cache) {
      ++stats.layers_from_cache;
    }
    stats.units += results[i].units;
    stats.units_from_cache += results[i].units_from_cache;
    stats.decisions += results[i].decisions;
    stats.decisions_from_cache += results[i].decisions_from_cache;
    if (options.cache && !options.analyse_unit && !results[i].from_cache) {
      options.cache->impl().layers[keys[i]] = {results[i].diagnostics, results[i].gaps, {}};
      for (auto& [key, found] : results[i].analysed) {
        options.cache->impl().units[key] = std::move(found);
      }
    }
    std::vector<diag::Diagnostic>& diagnostics = results[i].diagnostics;
    diag::SortDiagnostics(diagnostics, model.sources);
    for (diag::Diagnostic& d : diagnostics) {
      ++stats.findings;
      sink.Append(std::move(d));
    }
  }
  return stats;
}

}  // namespace loket::analysis
