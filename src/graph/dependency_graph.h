// The dependency graph of a checked model: which declarations read, write, except, delegate
// to and belong under which. It gives the evaluator its evaluation order, finds cycles and
// unused declarations, and draws the rule base (DOT / JSON). Boost.Graph is an implementation
// detail of the .cpp; this header speaks only in declarations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ast/ast.h"
#include "diag/diagnostic.h"
#include "sema/model.h"

namespace loket::graph {

enum class VertexKind : std::uint8_t { kLayer, kFact, kParam, kLet, kDecision, kRule };
enum class EdgeKind : std::uint8_t {
  kReads,        // let / rule / decision default -> what its expressions read
  kWrites,       // rule -> decision it assigns
  kExceptionOf,  // exception rule -> its base rule
  kUnder,        // layer -> parent layer; declaration -> its layer
  kDelegatedTo,  // decision -> layer that may decide it (a lower layer assigning it)
};

const char* VertexKindName(VertexKind kind);
const char* EdgeKindName(EdgeKind kind);

// One let or decision to compute, in dependency order.
struct EvaluationStep {
  const ast::LetDecl* let = nullptr;  // exactly one of let / decision is set
  const ast::DecisionDecl* decision = nullptr;
  bool on_cycle = false;  // depends on itself (an L401 error): no order exists for it
};

struct GraphExportOptions {
  std::string jurisdiction;  // non-empty: only the layers of this jurisdiction's chain
  std::string decision;      // non-empty: only what this decision depends on and its rules
  // Findings to draw in red: a vertex is marked when a diagnostic lies in its declaration.
  const std::vector<diag::Diagnostic>* findings = nullptr;
};

class DependencyGraph {
 public:
  static DependencyGraph Build(const sema::Model& model);

  // graph::EvaluationOrder on the graph's model.
  std::vector<EvaluationStep> EvaluationOrder(const sema::Layer& jurisdiction) const;

  // graph::CheckStructure on the graph's model.
  void CheckStructure(diag::DiagnosticSink& sink) const;

  // Graphviz DOT with layers as clusters; JSON {"vertices": [...], "edges": [...]}.
  std::string ToDot(const GraphExportOptions& options) const;
  std::string ToJson(const GraphExportOptions& options) const;

  std::size_t vertex_count() const;
  std::size_t edge_count() const;

  struct Impl;

 private:
  explicit DependencyGraph(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Per-jurisdiction L401 results of earlier checks, keyed by the content of the
// jurisdiction's chain of layers (sema::ChainKeys), so a re-check of an edited rule base
// looks for cycles again only in the jurisdictions the edit touches. Keeps the results of
// the latest check only. Keep one across re-checks; not thread-safe: one check at a time.
class StructureCache {
 public:
  StructureCache();
  ~StructureCache();
  StructureCache(const StructureCache&) = delete;
  StructureCache& operator=(const StructureCache&) = delete;
  std::size_t size() const;  // jurisdictions remembered

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// The one dependency order of a jurisdiction, which the compiler runs and L401 checks: its
// lets and decisions (its layer's and every layer's above), strong components in topological
// order, dependencies first (the model: Souffle's TopologicallySortedSCCGraph). A let depends
// on what its value reads; a decision on what its default reads and, for every rule of the
// chain deciding it, on what the rule's condition and assigned value read and on what the
// conditions of every rule of the rule's exception tree read (they say whether it is
// defeated). On a cycle the members follow declaration order and are marked `on_cycle`.
// Needs no DependencyGraph.
std::vector<EvaluationStep> EvaluationOrder(const sema::Model& model,
                                            const sema::Layer& jurisdiction);

// The structural checks of a model without errors: L401 definition cycles in the graph of
// graph::EvaluationOrder (per jurisdiction, each reported once per layer, in the layer whose
// rule or declaration wrote the cycle's deepest edge), L402 exception cycles, L403 unused facts,
// L404 decisions no rule decides, L405 unused lets. Needs no DependencyGraph. With `cache`, a
// jurisdiction whose chain of layers is unchanged since the last check reuses its cycles; the
// findings are the same as without. `chain_keys`: sema::ChainKeys(model) when the caller has them
// already.
void CheckStructure(const sema::Model& model, diag::DiagnosticSink& sink,
                    StructureCache* cache = nullptr,
                    const std::vector<std::uint64_t>* chain_keys = nullptr);

// Calls `visit` for every name an expression reads (kName and kKnown nodes), recursively.
template <typename Visit>
void ForEachName(const ast::Expr& expr, Visit&& visit) {
  if (expr.kind == ast::ExprKind::kName || expr.kind == ast::ExprKind::kKnown) visit(expr);
  for (const ast::ExprPtr& operand : expr.operands) {
    if (operand) ForEachName(*operand, visit);
  }
}

}  // namespace loket::graph
