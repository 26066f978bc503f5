#include "graph/dependency_graph.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <boost/graph/strong_components.hpp>

#include "graph/graph_impl.h"
#include "sema/content_key.h"

namespace loket::graph {

namespace {

// The graph used for ordering and cycles: lets and decisions, with an edge from each to what
// it needs computed first. `via` is the rule through which a decision reads something;
// `reader` the rule whose expression reads it: `via` itself, or a rule of `via`'s exception
// tree (whether `via` is defeated depends on what that rule's condition reads).
struct DependencyEdge {
  std::size_t to = 0;
  source::SourceRange range;
  const ast::RuleDecl* via = nullptr;
  const ast::RuleDecl* reader = nullptr;
};

}  // namespace

const char* VertexKindName(VertexKind kind) {
  switch (kind) {
    case VertexKind::kLayer:
      return "layer";
    case VertexKind::kFact:
      return "fact";
    case VertexKind::kParam:
      return "param";
    case VertexKind::kLet:
      return "let";
    case VertexKind::kDecision:
      return "decision";
    case VertexKind::kRule:
      return "rule";
  }
  return "?";
}

const char* EdgeKindName(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kReads:
      return "reads";
    case EdgeKind::kWrites:
      return "writes";
    case EdgeKind::kExceptionOf:
      return "exception-of";
    case EdgeKind::kUnder:
      return "under";
    case EdgeKind::kDelegatedTo:
      return "delegated-to";
  }
  return "?";
}

namespace {

const void* SymbolDecl(const ast::Symbol& symbol) {
  switch (symbol.kind) {
    case ast::SymbolKind::kFact:
      return symbol.fact;
    case ast::SymbolKind::kParam:
      return symbol.param;
    case ast::SymbolKind::kLet:
      return symbol.let;
    case ast::SymbolKind::kDecision:
      return symbol.decision;
    default:
      return nullptr;
  }
}

// Lets and decisions an expression reads, with where.
void CollectDependencies(const sema::Annotations& annotations, const ast::Expr* expr,
                         const std::unordered_map<const void*, std::size_t>& index,
                         const ast::RuleDecl* via, const ast::RuleDecl* reader,
                         std::vector<DependencyEdge>& out) {
  if (!expr) return;
  ForEachName(*expr, [&](const ast::Expr& name) {
    const void* decl = nullptr;
    if (annotations.SymbolOf(name).kind == ast::SymbolKind::kLet)
      decl = annotations.SymbolOf(name).let;
    if (annotations.SymbolOf(name).kind == ast::SymbolKind::kDecision)
      decl = annotations.SymbolOf(name).decision;
    if (!decl) return;
    auto it = index.find(decl);
    if (it != index.end()) out.push_back({it->second, name.name_range, via, reader});
  });
}

struct Definition {
  const ast::LetDecl* let = nullptr;
  const ast::DecisionDecl* decision = nullptr;
  std::size_t ordinal = 0;  // position among its layer's lets, then decisions
  const std::string& name() const { return let ? let->name : decision->name; }
  source::SourceRange name_range() const { return let ? let->name_range : decision->name_range; }
};

// The let/decision dependency graph of one jurisdiction's chain of layers.
struct ChainDependencies {
  std::vector<Definition> definitions;
  std::vector<std::vector<DependencyEdge>> edges;
  std::vector<int> component;  // strong component of each definition
  int component_count = 0;
};

ChainDependencies BuildChainDependencies(const std::vector<const sema::Layer*>& chain,
                                         const sema::Annotations& annotations) {
  ChainDependencies deps;
  std::unordered_map<const void*, std::size_t> index;
  for (const sema::Layer* layer : chain) {
    std::size_t ordinal = 0;
    for (const ast::LetDecl* let : layer->lets) {
      index[let] = deps.definitions.size();
      deps.definitions.push_back({let, nullptr, ordinal++});
    }
    for (const ast::DecisionDecl* decision : layer->decisions) {
      index[decision] = deps.definitions.size();
      deps.definitions.push_back({nullptr, decision, ordinal++});
    }
  }
  deps.edges.resize(deps.definitions.size());
  for (std::size_t i = 0; i < deps.definitions.size(); ++i) {
    const Definition& def = deps.definitions[i];
    if (def.let)
      CollectDependencies(annotations, def.let->value.get(), index, nullptr, nullptr,
                          deps.edges[i]);
    if (def.decision) {
      CollectDependencies(annotations, def.decision->default_value.get(), index, nullptr, nullptr,
                          deps.edges[i]);
      // `applies when`: the condition is evaluated before the decision's rules.
      CollectDependencies(annotations, def.decision->applies_when.get(), index, nullptr, nullptr,
                          deps.edges[i]);
    }
  }
  // The exceptions of the chain's rules, by base rule, in chain and file order.
  std::unordered_map<const ast::RuleDecl*, std::vector<const ast::RuleDecl*>> exceptions_to;
  for (const sema::Layer* layer : chain) {
    for (const ast::RuleDecl* rule : layer->rules) {
      for (const ast::RuleRef& ref : rule->exception_to) {
        for (const ast::RuleDecl* base : annotations.TargetsOf(ref)) {
          exceptions_to[base].push_back(rule);
        }
      }
    }
  }
  // A decision needs every rule of the chain that decides it: their conditions and values,
  // and the conditions of every rule of their exception trees, which say whether they are
  // defeated (docs/language.md §4).
  std::vector<const ast::RuleDecl*> tree;
  std::unordered_set<const ast::RuleDecl*> in_tree;
  for (const sema::Layer* layer : chain) {
    for (const ast::RuleDecl* rule : layer->rules) {
      tree.clear();
      in_tree.clear();
      in_tree.insert(rule);
      for (std::size_t next = 0;; ++next) {  // breadth first: tree[next] is the next base
        auto found = exceptions_to.find(next == 0 ? rule : tree[next - 1]);
        if (found != exceptions_to.end()) {
          for (const ast::RuleDecl* exception : found->second) {
            // An exception cycle (L402) ends the walk where it comes round.
            if (in_tree.insert(exception).second) tree.push_back(exception);
          }
        }
        if (next == tree.size()) break;
      }
      for (const ast::Assignment& assignment : rule->assignments) {
        auto it = index.find(annotations.DecisionOf(assignment));
        if (it == index.end()) continue;
        std::vector<DependencyEdge>& edges = deps.edges[it->second];
        CollectDependencies(annotations, rule->condition.get(), index, rule, rule, edges);
        CollectDependencies(annotations, assignment.value.get(), index, rule, rule, edges);
        for (const ast::RuleDecl* exception : tree) {
          CollectDependencies(annotations, exception->condition.get(), index, rule, exception,
                              edges);
        }
      }
    }
  }
  using SmallGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  SmallGraph small(deps.definitions.size());
  for (std::size_t i = 0; i < deps.edges.size(); ++i) {
    for (const DependencyEdge& edge : deps.edges[i]) boost::add_edge(i, edge.to, small);
  }
  deps.component.assign(deps.definitions.size(), 0);
  if (!deps.definitions.empty()) {
    deps.component_count = boost::strong_components(
        small, boost::make_iterator_property_map(deps.component.begin(),
                                                 boost::get(boost::vertex_index, small)));
  }
  return deps;
}

// A shortest cycle through `start` staying inside `start`'s strong component: the sequence
// of edges start -> ... -> start.
template <typename EdgesOf>
std::vector<std::pair<std::size_t, std::size_t>> CycleThrough(std::size_t start,
                                                              const std::vector<int>& component,
                                                              std::size_t count,
                                                              EdgesOf&& edges_of) {
  // BFS from start's successors back to start; parent[v] = (predecessor, edge index).
  std::vector<std::pair<std::size_t, std::size_t>> parent(count, {SIZE_MAX, 0});
  std::vector<std::size_t> queue;
  std::vector<bool> seen(count, false);
  queue.push_back(start);
  std::size_t found_from = SIZE_MAX, found_edge = 0;
  for (std::size_t head = 0; head < queue.size() && found_from == SIZE_MAX; ++head) {
    std::size_t v = queue[head];
    const auto& edges = edges_of(v);
    for (std::size_t e = 0; e < edges.size(); ++e) {
      std::size_t w = edges[e];
      if (component[w] != component[start]) continue;
      if (w == start) {
        found_from = v;
        found_edge = e;
        break;
      }
      if (seen[w]) continue;
      seen[w] = true;
      parent[w] = {v, e};
      queue.push_back(w);
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> path;  // (vertex, edge index out of it)
  if (found_from == SIZE_MAX) return path;
  path.push_back({found_from, found_edge});
  for (std::size_t v = found_from; v != start;) {
    auto [p, e] = parent[v];
    path.push_back({p, e});
    v = p;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

DependencyGraph DependencyGraph::Build(const sema::Model& model) {
  const sema::Annotations& annotations = model.annotations;
  auto impl = std::make_shared<Impl>();
  impl->model = &model;
  for (const auto& layer : model.layers) {
    source::SourceRange range = layer->header ? layer->header->range : source::SourceRange{};
    source::SourceRange name_range =
        layer->header ? layer->header->name_range : source::SourceRange{};
    impl->layer_vertex[layer->name] = impl->AddVertex(
        VertexKind::kLayer, layer->name, layer->parent ? layer->parent->name : std::string(),
        layer.get(), range, name_range);
  }
  for (const auto& layer : model.layers) {
    VertexId lv = impl->layer_vertex[layer->name];
    if (layer->parent) impl->AddEdge(lv, impl->layer_vertex[layer->parent->name], EdgeKind::kUnder);
    auto add = [&](VertexKind kind, const auto* decl, source::SourceRange name_range) {
      VertexId v = impl->AddVertex(kind, decl->name, layer->name, decl, decl->range, name_range);
      impl->AddEdge(v, lv, EdgeKind::kUnder);
    };
    for (const ast::FactDecl* fact : layer->facts) add(VertexKind::kFact, fact, fact->name_range);
    for (const ast::ParamDecl* param : layer->params) {
      add(VertexKind::kParam, param, param->name_range);
    }
    for (const ast::LetDecl* let : layer->lets) add(VertexKind::kLet, let, let->name_range);
    for (const ast::DecisionDecl* decision : layer->decisions) {
      add(VertexKind::kDecision, decision, decision->name_range);
    }
    for (const ast::RuleDecl* rule : layer->rules) {
      VertexId v = impl->AddVertex(VertexKind::kRule, rule->id, layer->name, rule, rule->range,
                                   rule->id_range);
      impl->AddEdge(v, lv, EdgeKind::kUnder);
    }
  }

  std::set<std::pair<VertexId, VertexId>> read_edges;
  auto add_reads = [&](VertexId from, const ast::Expr* expr) {
    if (!expr) return;
    ForEachName(*expr, [&](const ast::Expr& name) {
      const void* decl = SymbolDecl(annotations.SymbolOf(name));
      if (!decl || from == boost::graph_traits<BoostGraph>::null_vertex()) return;
      auto it = impl->vertex_of.find(decl);
      // One reads edge per (reader, declaration): the first reference locates it.
      if (it != impl->vertex_of.end() && read_edges.insert({from, it->second}).second) {
        impl->AddEdge(from, it->second, EdgeKind::kReads, name.name_range);
      }
    });
  };
  const VertexId none = boost::graph_traits<BoostGraph>::null_vertex();
  std::set<std::pair<const void*, const void*>> delegated;  // one edge per (decision, layer)
  for (const auto& layer : model.layers) {
    for (const ast::ParamDecl* param : layer->params) {
      for (const ast::ParamValue& value : param->values) {
        add_reads(impl->vertex_of[param], value.value.get());
      }
    }
    for (const ast::LetDecl* let : layer->lets) add_reads(impl->vertex_of[let], let->value.get());
    for (const ast::AssumeDecl* assume : layer->assumes) add_reads(none, assume->condition.get());
    for (const ast::DecisionDecl* decision : layer->decisions) {
      add_reads(impl->vertex_of[decision], decision->default_value.get());
      add_reads(impl->vertex_of[decision], decision->applies_when.get());  // `applies when`
    }
    for (const ast::RuleDecl* rule : layer->rules) {
      VertexId rv = impl->vertex_of[rule];
      add_reads(rv, rule->condition.get());
      for (const ast::RuleRef& ref : rule->exception_to) {
        for (const ast::RuleDecl* base : annotations.TargetsOf(ref)) {
          auto it = impl->vertex_of.find(base);
          if (it != impl->vertex_of.end()) {
            impl->AddEdge(rv, it->second, EdgeKind::kExceptionOf, ref.range);
          }
        }
      }
      for (const ast::Assignment& assignment : rule->assignments) {
        add_reads(rv, assignment.value.get());
        if (!annotations.DecisionOf(assignment)) continue;
        auto it = impl->vertex_of.find(annotations.DecisionOf(assignment));
        if (it == impl->vertex_of.end()) continue;
        impl->AddEdge(rv, it->second, EdgeKind::kWrites, assignment.name_range);
        // A lower layer deciding a higher layer's decision uses the delegation.
        if (annotations.DecisionOf(assignment)->layer != layer->name &&
            annotations.DecisionOf(assignment)->delegation.has_value() &&
            delegated.insert({annotations.DecisionOf(assignment), layer.get()}).second) {
          impl->AddEdge(it->second, impl->layer_vertex[layer->name], EdgeKind::kDelegatedTo,
                        annotations.DecisionOf(assignment)->delegation->range);
        }
      }
    }
  }
  return DependencyGraph(std::move(impl));
}

std::size_t DependencyGraph::vertex_count() const {
  return boost::num_vertices(impl_->graph);
}
std::size_t DependencyGraph::edge_count() const {
  return boost::num_edges(impl_->graph);
}

namespace {

// Whether each definition lies on a cycle: its strong component has two or more members, or
// it reads itself.
std::vector<bool> OnCycle(const ChainDependencies& deps) {
  std::vector<std::size_t> component_size(static_cast<std::size_t>(deps.component_count), 0);
  for (int c : deps.component) ++component_size[static_cast<std::size_t>(c)];
  std::vector<bool> on_cycle(deps.definitions.size(), false);
  for (std::size_t i = 0; i < deps.definitions.size(); ++i) {
    on_cycle[i] = component_size[static_cast<std::size_t>(deps.component[i])] > 1 ||
                  std::any_of(deps.edges[i].begin(), deps.edges[i].end(),
                              [&](const DependencyEdge& e) { return e.to == i; });
  }
  return on_cycle;
}

}  // namespace

std::vector<EvaluationStep> EvaluationOrder(const sema::Model& model,
                                            const sema::Layer& jurisdiction) {
  ChainDependencies deps = BuildChainDependencies(model.Chain(jurisdiction), model.annotations);
  const std::vector<bool> on_cycle = OnCycle(deps);
  // Tarjan numbers a component after everything it reaches: ascending = dependencies first.
  std::vector<std::size_t> order(deps.definitions.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return deps.component[a] < deps.component[b];
  });
  std::vector<EvaluationStep> steps;
  steps.reserve(order.size());
  for (std::size_t i : order) {
    steps.push_back({deps.definitions[i].let, deps.definitions[i].decision, on_cycle[i]});
  }
  return steps;
}

std::vector<EvaluationStep> DependencyGraph::EvaluationOrder(
    const sema::Layer& jurisdiction) const {
  return graph::EvaluationOrder(*impl_->model, jurisdiction);
}

namespace {

// A definition across models checked one after the other: its layer and ordinal.
using DefinitionId = std::pair<std::string, std::size_t>;

// One L401 cycle of a jurisdiction: its members (sorted) and the finding.
struct LeafCycle {
  std::vector<DefinitionId> members;
  diag::Diagnostic diagnostic;
};

// The definition cycles among the lets and decisions of `leaf`'s chain of layers, one per
// strong component, in definition order. A pure function of the chain's declarations.
std::vector<LeafCycle> LeafCycles(const sema::Model& model, const sema::Layer& leaf) {
  const sema::Annotations& annotations = model.annotations;
  std::vector<LeafCycle> cycles;
  const std::vector<const sema::Layer*> chain = model.Chain(leaf);
  std::unordered_map<std::string_view, std::size_t> chain_position;
  for (std::size_t l = 0; l < chain.size(); ++l) chain_position.emplace(chain[l]->name, l);
  ChainDependencies deps = BuildChainDependencies(chain, model.annotations);
  const std::vector<bool> on_cycle = OnCycle(deps);
  std::vector<std::vector<std::size_t>> targets(deps.definitions.size());
  for (std::size_t i = 0; i < deps.edges.size(); ++i) {
    for (const DependencyEdge& e : deps.edges[i]) targets[i].push_back(e.to);
  }
  const auto layer_of = [&](std::size_t definition) -> const std::string& {
    const Definition& d = deps.definitions[definition];
    return d.let ? d.let->layer : d.decision->layer;
  };
  // The layer that wrote an edge: the reading rule's, or the let's or decision's own.
  const auto edge_layer = [&](std::size_t from, const DependencyEdge& edge) -> const std::string& {
    return edge.reader ? edge.reader->layer : layer_of(from);
  };
  const auto position = [&](const std::string& layer) {
    auto it = chain_position.find(layer);
    return it == chain_position.end() ? std::size_t{0} : it->second;
  };
  std::vector<bool> done(static_cast<std::size_t>(deps.component_count), false);
  for (std::size_t i = 0; i < deps.definitions.size(); ++i) {
    const std::size_t c = static_cast<std::size_t>(deps.component[i]);
    if (done[c] || !on_cycle[i]) continue;
    done[c] = true;
    LeafCycle cycle;
    for (std::size_t j = 0; j < deps.definitions.size(); ++j) {
      if (deps.component[j] != deps.component[i]) continue;
      cycle.members.emplace_back(layer_of(j), deps.definitions[j].ordinal);
    }
    std::sort(cycle.members.begin(), cycle.members.end());
    auto path =
        CycleThrough(i, deps.component, deps.definitions.size(),
                     [&](std::size_t v) -> const std::vector<std::size_t>& { return targets[v]; });
    // The cycle is reported where its deepest edge was written: a cycle that a lower layer's
    // rule closes among higher layers' definitions belongs to that rule's file. The path is
    // rotated to start there.
    std::size_t deepest = 0;
    for (std::size_t k = 1; k < path.size(); ++k) {
      const auto [v, e] = path[k];
      const auto [dv, de] = path[deepest];
      if (position(edge_layer(v, deps.edges[v][e])) >
          position(edge_layer(dv, deps.edges[dv][de]))) {
        deepest = k;
      }
    }
    std::size_t start = i;
    source::SourceRange location = deps.definitions[i].name_range();
    std::string layer = layer_of(i);
    if (!path.empty()) {
      const auto [v, e] = path[deepest];
      const DependencyEdge& edge = deps.edges[v][e];
      if (position(edge_layer(v, edge)) > position(layer_of(i))) {
        std::rotate(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(deepest), path.end());
        start = v;
        location = edge.range;
        layer = edge_layer(v, edge);
      }
    }
    std::string text = deps.definitions[start].name();
    for (auto [v, e] : path) text += " -> " + deps.definitions[targets[v][e]].name();
    diag::DiagnosticSink local;
    diag::Diagnostic& d =
        local.Report(diag::Kind::kDependencyCycle, location, "`{}` depends on itself: {}",
                     deps.definitions[start].name(), text);
    d.layer = layer;
    for (auto [v, e] : path) {
      const DependencyEdge& edge = deps.edges[v][e];
      const std::string& from = deps.definitions[v].name();
      const std::string& to = deps.definitions[edge.to].name();
      if (edge.via == nullptr) {
        d.notes.push_back({edge.range, fmt::format("`{}` reads `{}`", from, to)});
      } else if (edge.reader == edge.via) {
        d.notes.push_back({edge.range, fmt::format("`{}` is decided by rule `{}`, which reads `{}`",
                                                   from, edge.via->id, to)});
      } else {
        const bool direct =
            std::any_of(edge.reader->exception_to.begin(), edge.reader->exception_to.end(),
                        [&](const ast::RuleRef& ref) {
                          const auto& bases = annotations.TargetsOf(ref);
                          return std::find(bases.begin(), bases.end(), edge.via) != bases.end();
                        });
        d.notes.push_back(
            {edge.range,
             fmt::format("`{}` is decided by rule `{}`, which {} `{}` defeats where it holds; "
                         "`{}` reads `{}`",
                         from, edge.via->id,
                         direct ? "its exception" : "the rule of its exception tree",
                         edge.reader->id, edge.reader->id, to)});
      }
    }
    cycle.diagnostic = std::move(local.Take().front());
    cycles.push_back(std::move(cycle));
  }
  return cycles;
}

// A fact or let something reads, or a decision a rule decides: its layer's name and its
// position in that layer's facts, lets or decisions. The same in every model with the same
// declarations, unlike its address.
enum class UseKind : std::uint8_t { kFact, kLet, kDecision };
struct Use {
  std::string layer;
  UseKind kind = UseKind::kFact;
  std::size_t ordinal = 0;

  bool operator<(const Use& other) const {
    return std::tie(layer, kind, ordinal) < std::tie(other.layer, other.kind, other.ordinal);
  }
  bool operator==(const Use& other) const {
    return layer == other.layer && kind == other.kind && ordinal == other.ordinal;
  }
};

// Every fact, let and decision of the model as a Use.
std::unordered_map<const void*, Use> UsesByDeclaration(const sema::Model& model) {
  std::unordered_map<const void*, Use> uses;
  for (const auto& layer : model.layers) {
    for (std::size_t i = 0; i < layer->facts.size(); ++i) {
      uses.emplace(layer->facts[i], Use{layer->name, UseKind::kFact, i});
    }
    for (std::size_t i = 0; i < layer->lets.size(); ++i) {
      uses.emplace(layer->lets[i], Use{layer->name, UseKind::kLet, i});
    }
    for (std::size_t i = 0; i < layer->decisions.size(); ++i) {
      uses.emplace(layer->decisions[i], Use{layer->name, UseKind::kDecision, i});
    }
  }
  return uses;
}

// The facts and lets a layer's expressions read (a param's values, a let's value, an
// assumption, a decision's default, a rule's condition and assigned values: the expressions
// DependencyGraph::Build draws reads edges from) and the decisions its rules decide; sorted.
// Depends only on the layer's chain of layers, where its names resolve.
std::vector<Use> LayerUses(const sema::Layer& layer,
                           const std::unordered_map<const void*, Use>& by_declaration,
                           const sema::Annotations& annotations) {
  std::vector<Use> uses;
  auto add = [&](const void* decl) {
    auto it = by_declaration.find(decl);
    if (it != by_declaration.end()) uses.push_back(it->second);
  };
  auto add_reads = [&](const ast::Expr* expr) {
    if (!expr) return;
    ForEachName(*expr, [&](const ast::Expr& name) {
      if (annotations.SymbolOf(name).kind == ast::SymbolKind::kFact)
        add(annotations.SymbolOf(name).fact);
      if (annotations.SymbolOf(name).kind == ast::SymbolKind::kLet)
        add(annotations.SymbolOf(name).let);
    });
  };
  for (const ast::ParamDecl* param : layer.params) {
    for (const ast::ParamValue& value : param->values) add_reads(value.value.get());
  }
  for (const ast::LetDecl* let : layer.lets) add_reads(let->value.get());
  for (const ast::AssumeDecl* assume : layer.assumes) add_reads(assume->condition.get());
  for (const ast::DecisionDecl* decision : layer.decisions) {
    add_reads(decision->default_value.get());
    add_reads(decision->applies_when.get());  // `applies when`
  }
  for (const ast::RuleDecl* rule : layer.rules) {
    add_reads(rule->condition.get());
    for (const ast::Assignment& assignment : rule->assignments) {
      add_reads(assignment.value.get());
      if (annotations.DecisionOf(assignment)) add(annotations.DecisionOf(assignment));
    }
  }
  std::sort(uses.begin(), uses.end());
  uses.erase(std::unique(uses.begin(), uses.end()), uses.end());
  return uses;
}

}  // namespace

struct StructureCache::Impl {
  // By the key of a layer's chain (sema::ChainKeys), of the latest check only: per
  // jurisdiction its cycles, per layer its uses.
  std::unordered_map<std::uint64_t, std::vector<LeafCycle>> leaves;
  std::unordered_map<std::uint64_t, std::vector<Use>> uses;
};

StructureCache::StructureCache() : impl_(std::make_unique<Impl>()) {}
StructureCache::~StructureCache() = default;
std::size_t StructureCache::size() const {
  return impl_->leaves.size();
}

void DependencyGraph::CheckStructure(diag::DiagnosticSink& sink) const {
  graph::CheckStructure(*impl_->model, sink);
}

void CheckStructure(const sema::Model& model, diag::DiagnosticSink& sink, StructureCache* cache,
                    const std::vector<std::uint64_t>* chain_keys) {
  const sema::Annotations& annotations = model.annotations;
  // L401: cycles among lets and decisions, per jurisdiction (a leaf's chain), reported once.
  std::vector<std::uint64_t> computed_keys;
  if (cache && !chain_keys) {
    computed_keys = sema::ChainKeys(model);
    chain_keys = &computed_keys;
  }
  std::unordered_map<std::uint64_t, std::vector<LeafCycle>> next;
  // A cycle is reported once per layer it is reported in (a cycle that two municipalities
  // each close is theirs to fix twice).
  std::set<std::pair<std::vector<DefinitionId>, std::string>> reported;
  for (std::size_t l = 0; l < model.layers.size(); ++l) {
    const sema::Layer& layer = *model.layers[l];
    if (!layer.is_leaf()) continue;
    std::vector<LeafCycle> computed;
    const std::vector<LeafCycle>* cycles = &computed;
    if (cache) {
      auto& known = cache->impl().leaves;
      std::uint64_t key = (*chain_keys)[l];
      auto it = known.find(key);
      if (it == known.end()) it = known.emplace(key, LeafCycles(model, layer)).first;
      cycles = &next.emplace(key, std::move(it->second)).first->second;
      known.erase(it);
    } else {
      computed = LeafCycles(model, layer);
    }
    for (const LeafCycle& cycle : *cycles) {
      if (reported.insert({cycle.members, cycle.diagnostic.layer}).second) {
        sink.Append(cycle.diagnostic);
      }
    }
  }
  if (cache) cache->impl().leaves = std::move(next);

  // L402: exception cycles over all rules. Only a rule that is an exception to another can be
  // on a cycle: the graph holds those rules, in model order, and the edges among them.
  std::vector<const ast::RuleDecl*> rules;
  std::unordered_map<const ast::RuleDecl*, std::size_t> rule_index;
  for (const auto& layer : model.layers) {
    for (const ast::RuleDecl* rule : layer->rules) {
      bool exception = std::any_of(
          rule->exception_to.begin(), rule->exception_to.end(),
          [&](const ast::RuleRef& ref) { return annotations.TargetOf(ref) != nullptr; });
      if (!exception) continue;
      rule_index[rule] = rules.size();
      rules.push_back(rule);
    }
  }
  std::vector<std::vector<std::size_t>> bases(rules.size());
  std::vector<std::vector<source::SourceRange>> base_refs(rules.size());
  using SmallGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  SmallGraph exceptions(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    for (const ast::RuleRef& ref : rules[i]->exception_to) {
      for (const ast::RuleDecl* base : annotations.TargetsOf(ref)) {
        auto it = rule_index.find(base);
        if (it == rule_index.end()) continue;
        bases[i].push_back(it->second);
        base_refs[i].push_back(ref.range);
        boost::add_edge(i, it->second, exceptions);
      }
    }
  }
  if (!rules.empty()) {
    std::vector<int> component(rules.size());
    int count = boost::strong_components(
        exceptions, boost::make_iterator_property_map(component.begin(),
                                                      boost::get(boost::vertex_index, exceptions)));
    std::vector<std::size_t> size(count, 0);
    for (int c : component) ++size[c];
    std::vector<bool> done(count, false);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      int c = component[i];
      bool self_loop = std::find(bases[i].begin(), bases[i].end(), i) != bases[i].end();
      if (done[c] || (size[c] < 2 && !self_loop)) continue;
      done[c] = true;
      auto path =
          CycleThrough(i, component, rules.size(),
                       [&](std::size_t v) -> const std::vector<std::size_t>& { return bases[v]; });
      std::string text = rules[i]->id;
      for (auto [v, e] : path) text += " -> " + rules[bases[v][e]]->id;
      diag::Diagnostic& d = sink.Report(diag::Kind::kExceptionCycle, rules[i]->id_range,
                                        "rule `{}` is, through its exceptions, an exception to "
                                        "itself: {}",
                                        rules[i]->id, text);
      d.layer = rules[i]->layer;
      for (auto [v, e] : path) {
        d.notes.push_back({base_refs[v][e], fmt::format("`{}` is an exception to `{}`",
                                                        rules[v]->id, rules[bases[v][e]]->id)});
      }
    }
  }

  // L403 / L404 / L405: declarations nothing uses.
  const std::size_t n = model.layers.size();
  std::unordered_map<std::string_view, std::size_t> position;  // of a layer, by name
  std::vector<std::vector<bool>> fact_read(n), let_read(n), decided(n);
  for (std::size_t l = 0; l < n; ++l) {
    const sema::Layer& layer = *model.layers[l];
    position.emplace(layer.name, l);
    fact_read[l].assign(layer.facts.size(), false);
    let_read[l].assign(layer.lets.size(), false);
    decided[l].assign(layer.decisions.size(), false);
  }
  std::unordered_map<const void*, Use> by_declaration;
  std::unordered_map<std::uint64_t, std::vector<Use>> next_uses;
  for (std::size_t l = 0; l < n; ++l) {
    const sema::Layer& layer = *model.layers[l];
    auto compute = [&] {
      if (by_declaration.empty()) by_declaration = UsesByDeclaration(model);
      return LayerUses(layer, by_declaration, model.annotations);
    };
    std::vector<Use> computed;
    const std::vector<Use>* uses = &computed;
    if (cache) {
      std::uint64_t key = (*chain_keys)[l];
      auto& known = cache->impl().uses;
      auto it = known.find(key);
      if (it == known.end()) it = known.emplace(key, compute()).first;
      uses = &next_uses.emplace(key, std::move(it->second)).first->second;
      known.erase(it);
    } else {
      computed = compute();
    }
    for (const Use& use : *uses) {
      auto at = position.find(use.layer);
      if (at == position.end()) continue;
      std::vector<bool>& marks = use.kind == UseKind::kFact  ? fact_read[at->second]
                                 : use.kind == UseKind::kLet ? let_read[at->second]
                                                             : decided[at->second];
      if (use.ordinal < marks.size()) marks[use.ordinal] = true;
    }
  }
  if (cache) cache->impl().uses = std::move(next_uses);
  for (std::size_t l = 0; l < n; ++l) {
    const sema::Layer& layer = *model.layers[l];
    for (std::size_t i = 0; i < layer.facts.size(); ++i) {
      if (fact_read[l][i]) continue;
      const ast::FactDecl* fact = layer.facts[i];
      sink.Report(diag::Kind::kUnusedFact, fact->name_range,
                  "fact `{}` is never read by any rule, let, default or assumption", fact->name)
          .layer = layer.name;
    }
    for (std::size_t i = 0; i < layer.lets.size(); ++i) {
      if (let_read[l][i]) continue;
      const ast::LetDecl* let = layer.lets[i];
      sink.Report(diag::Kind::kUnusedLet, let->name_range, "let `{}` is never read", let->name)
          .layer = layer.name;
    }
    for (std::size_t i = 0; i < layer.decisions.size(); ++i) {
      if (decided[l][i]) continue;
      const ast::DecisionDecl* decision = layer.decisions[i];
      diag::Diagnostic& d =
          sink.Report(diag::Kind::kUnusedDecision, decision->name_range, "no rule decides `{}`{}",
                      decision->name,
                      decision->collect                    ? "; it is always the empty set"
                      : decision->default_value != nullptr ? "; it always takes its default"
                                                           : "");
      d.layer = layer.name;
    }
  }
}

}  // namespace loket::graph
