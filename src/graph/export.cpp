// The dependency graph as pictures and data: DOT for Graphviz and JSON, of the whole rule base
// or a selection (one jurisdiction's layers, one decision's cone), findings marked.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/graph_impl.h"

namespace loket::graph {

namespace {

struct ExportSelection {
  std::vector<bool> vertex;  // which vertices to draw
  std::vector<bool> finding;
};

bool WithinRange(source::SourceRange outer, source::SourceRange inner) {
  return outer.valid() && inner.valid() && outer.file == inner.file && inner.begin >= outer.begin &&
         inner.begin < outer.end;
}

}  // namespace

static ExportSelection Select(const DependencyGraph::Impl& impl,
                              const GraphExportOptions& options) {
  const BoostGraph& g = impl.graph;
  const std::size_t n = boost::num_vertices(g);
  ExportSelection sel;
  sel.vertex.assign(n, true);
  sel.finding.assign(n, false);
  if (!options.jurisdiction.empty()) {
    std::set<std::string> chain;
    if (const sema::Layer* leaf = impl.model->FindLayer(options.jurisdiction)) {
      for (const sema::Layer* l : impl.model->Chain(*leaf)) chain.insert(l->name);
    }
    for (std::size_t v = 0; v < n; ++v) {
      const VertexData& d = g[v];
      const std::string& layer = d.kind == VertexKind::kLayer ? d.name : d.layer;
      sel.vertex[v] = chain.count(layer) > 0;
    }
  }
  if (!options.decision.empty()) {
    // The cone: the decision, the rules that write it, what those read, transitively.
    std::vector<bool> in_cone(n, false);
    std::vector<VertexId> stack;
    for (std::size_t v = 0; v < n; ++v) {
      if (g[v].kind == VertexKind::kDecision && g[v].name == options.decision && sel.vertex[v]) {
        in_cone[v] = true;
        stack.push_back(v);
      }
    }
    // Reverse "writes" edges: rules writing a decision.
    std::vector<std::vector<VertexId>> writers(n);
    for (auto [it, end] = boost::edges(g); it != end; ++it) {
      if (g[*it].kind == EdgeKind::kWrites) {
        writers[boost::target(*it, g)].push_back(boost::source(*it, g));
      }
    }
    while (!stack.empty()) {
      VertexId v = stack.back();
      stack.pop_back();
      std::vector<VertexId> next = writers[v];
      for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
        EdgeKind kind = g[*it].kind;
        if (kind == EdgeKind::kReads || kind == EdgeKind::kExceptionOf) {
          next.push_back(boost::target(*it, g));
        }
      }
      for (VertexId w : next) {
        if (!in_cone[w] && sel.vertex[w]) {
          in_cone[w] = true;
          stack.push_back(w);
        }
      }
    }
    for (std::size_t v = 0; v < n; ++v) {
      if (g[v].kind != VertexKind::kLayer) sel.vertex[v] = sel.vertex[v] && in_cone[v];
    }
  }
  if (options.findings) {
    for (std::size_t v = 0; v < n; ++v) {
      for (const diag::Diagnostic& d : *options.findings) {
        if (WithinRange(g[v].range, d.range) && g[v].kind != VertexKind::kLayer &&
            (d.layer.empty() || d.layer == g[v].layer || d.severity != diag::Severity::kNote)) {
          sel.finding[v] = true;
          break;
        }
      }
    }
  }
  return sel;
}

namespace {

std::string DotEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

const char* Shape(VertexKind kind) {
  switch (kind) {
    case VertexKind::kFact:
      return "ellipse";
    case VertexKind::kParam:
      return "note";
    case VertexKind::kLet:
      return "box";
    case VertexKind::kDecision:
      return "doubleoctagon";
    case VertexKind::kRule:
      return "component";
    case VertexKind::kLayer:
      return "folder";
  }
  return "box";
}

}  // namespace

std::string DependencyGraph::ToDot(const GraphExportOptions& options) const {
  const BoostGraph& g = impl_->graph;
  ExportSelection sel = Select(*impl_, options);
  const std::size_t n = boost::num_vertices(g);
  std::map<std::string, std::vector<VertexId>> members;  // layer -> vertices
  for (std::size_t v = 0; v < n; ++v) {
    if (sel.vertex[v] && g[v].kind != VertexKind::kLayer) members[g[v].layer].push_back(v);
  }
  std::string out =
      "digraph loket {\n  rankdir=LR;\n  compound=true;\n"
      "  node [fontname=\"Helvetica\", fontsize=10];\n"
      "  edge [fontname=\"Helvetica\", fontsize=8];\n";
  // Layers nest as clusters following the layer tree.
  std::function<void(const sema::Layer&, int)> emit_layer = [&](const sema::Layer& layer,
                                                                int depth) {
    VertexId lv = impl_->layer_vertex.at(layer.name);
    if (!sel.vertex[lv]) return;
    std::string indent(2 * depth + 2, ' ');
    out += fmt::format("{}subgraph \"cluster_{}\" {{\n", indent, DotEscape(layer.name));
    std::string label = layer.kind == layer.name ? layer.name : layer.kind + " " + layer.name;
    if (!layer.title.empty()) label += " (" + layer.title + ")";
    out += fmt::format("{}  label=\"{}\";\n", indent, DotEscape(label));
    for (VertexId v : members[layer.name]) {
      const VertexData& d = g[v];
      out += fmt::format("{}  n{} [label=\"{}\\n{}\", shape={}{}];\n", indent, v,
                         VertexKindName(d.kind), DotEscape(d.name), Shape(d.kind),
                         sel.finding[v] ? ", color=red, fontcolor=red, penwidth=2" : "");
    }
    for (const sema::Layer* child : layer.children) emit_layer(*child, depth + 1);
    out += indent + "}\n";
  };
  if (impl_->model->root) emit_layer(*impl_->model->root, 0);
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const EdgeData& e = g[*it];
    VertexId from = boost::source(*it, g), to = boost::target(*it, g);
    if (e.kind == EdgeKind::kUnder) continue;  // drawn as cluster nesting
    if (!sel.vertex[from] || !sel.vertex[to]) continue;
    if (e.kind == EdgeKind::kDelegatedTo) {
      // The target is a layer: point at its cluster through one of its members, if any.
      auto m = members.find(g[to].name);
      if (m == members.end() || m->second.empty()) continue;
      out += fmt::format("  n{} -> n{} [lhead=\"cluster_{}\", style=dashed, label=\"{}\"];\n", from,
                         m->second.front(), DotEscape(g[to].name), EdgeKindName(e.kind));
      continue;
    }
    const char* style = e.kind == EdgeKind::kWrites        ? "bold"
                        : e.kind == EdgeKind::kExceptionOf ? "dashed"
                                                           : "solid";
    out += fmt::format("  n{} -> n{} [label=\"{}\", style={}];\n", from, to, EdgeKindName(e.kind),
                       style);
  }
  out += "}\n";
  return out;
}

std::string DependencyGraph::ToJson(const GraphExportOptions& options) const {
  const BoostGraph& g = impl_->graph;
  ExportSelection sel = Select(*impl_, options);
  const sema::Model& model = *impl_->model;
  nlohmann::json layers = nlohmann::json::array();
  nlohmann::json vertices = nlohmann::json::array();
  nlohmann::json edges = nlohmann::json::array();
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
    if (!sel.vertex[v]) continue;
    const VertexData& d = g[v];
    if (d.kind == VertexKind::kLayer) {
      const sema::Layer* layer = model.FindLayer(d.name);
      layers.push_back({{"id", v},
                        {"name", d.name},
                        {"kind", layer ? layer->kind : ""},
                        {"title", layer ? layer->title : ""},
                        {"parent", d.layer}});
      continue;
    }
    nlohmann::json vertex = {{"id", v},
                             {"kind", VertexKindName(d.kind)},
                             {"name", d.name},
                             {"layer", d.layer},
                             {"finding", sel.finding[v]}};
    if (d.range.valid() && model.sources && d.range.file < model.sources->file_count()) {
      vertex["path"] = model.sources->path(d.range.file);
      vertex["line"] = model.sources->Position(d.range.file, d.range.begin).line;
    }
    vertices.push_back(std::move(vertex));
  }
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    VertexId from = boost::source(*it, g), to = boost::target(*it, g);
    if (!sel.vertex[from] || !sel.vertex[to]) continue;
    edges.push_back({{"from", from}, {"to", to}, {"kind", EdgeKindName(g[*it].kind)}});
  }
  nlohmann::json doc = {{"layers", layers}, {"vertices", vertices}, {"edges", edges}};
  return doc.dump(2) + "\n";
}

}  // namespace loket::graph
