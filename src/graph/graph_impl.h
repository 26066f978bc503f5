// The dependency graph's storage, private to src/graph: the Boost graph of declarations and
// their edges, shared by building and checking (dependency_graph.cpp) and by the export to DOT
// and JSON (export.cpp).
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include <boost/graph/adjacency_list.hpp>

#include "graph/dependency_graph.h"

namespace loket::graph {

struct VertexData {
  VertexKind kind = VertexKind::kLayer;
  std::string name;
  std::string layer;  // the owning layer (for a layer vertex: its parent)
  const void* decl = nullptr;
  source::SourceRange range;       // whole declaration
  source::SourceRange name_range;  // the declared name / rule id
};

struct EdgeData {
  EdgeKind kind = EdgeKind::kReads;
  source::SourceRange range;  // where the reference is written, when there is one
};

using BoostGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, VertexData, EdgeData>;
using VertexId = BoostGraph::vertex_descriptor;

struct DependencyGraph::Impl {
  const sema::Model* model = nullptr;
  BoostGraph graph;
  std::unordered_map<const void*, VertexId> vertex_of;
  std::map<std::string, VertexId> layer_vertex;

  VertexId AddVertex(VertexKind kind, std::string name, std::string layer, const void* decl,
                     source::SourceRange range, source::SourceRange name_range) {
    VertexId v = boost::add_vertex(
        VertexData{kind, std::move(name), std::move(layer), decl, range, name_range}, graph);
    if (decl) vertex_of[decl] = v;
    return v;
  }
  void AddEdge(VertexId from, VertexId to, EdgeKind kind, source::SourceRange range = {}) {
    boost::add_edge(from, to, EdgeData{kind, range}, graph);
  }
};

}  // namespace loket::graph
