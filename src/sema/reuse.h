// Reusing sema's per-layer results across checks of a rule base being edited
// (IncrementalChecker). After the global passes (the layer tree, declarations), sema checks
// each layer in four passes (written types; params, lets, assumptions and decisions; rule
// bodies; exceptions and competence). What a layer's passes find depends only on the syntax of
// the files of its chain (itself and the layers above it) — except where a name or rule does
// not resolve, and sema looks at every layer to say why (L308, L319) — so a layer whose chain
// has exactly the same files as in the previous check (the same shared syntax trees), and
// where no layer of that chain looked outside its own chain in the previous check (a layer
// below reads the types of the lets above it), gets exactly the previous results:
// its files' annotation tables are borrowed from that check and the diagnostics its passes
// reported are reported again at the same point, so the result equals a full sema::Analyze.
// Layers cut off from the root (L301, L303) are always checked afresh.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ast/ast.h"
#include "diag/diagnostic.h"
#include "sema/annotations.h"

namespace loket::sema {

namespace detail {
class Analyzer;
}

// The per-layer passes, in the order sema runs them over all layers.
enum class LayerPass : int { kTypes, kDeclarations, kRuleBodies, kExceptions };
constexpr int kLayerPasses = 4;

// What one check learned per layer, for the next check of the same rule base. Passed to
// sema::Analyze, which reads it and replaces it with what that check learned.
class ReuseMemo {
 public:
  // In the last check: layers whose results were reused, and layers checked.
  int layers_reused() const { return layers_reused_; }
  int layers_checked() const { return layers_checked_; }
  // Forgets everything: the next check checks every layer.
  void Clear() { *this = ReuseMemo(); }

 private:
  friend class detail::Analyzer;

  struct LayerRecord {
    // The files of the layer, then of its parent, ..., each layer's list ended by null.
    std::vector<const ast::File*> chain;
    std::vector<std::pair<source::FileId, Annotations::SharedTables>> tables;  // its files'
    std::vector<diag::Diagnostic> diagnostics[kLayerPasses];  // what each pass reported
  };

  std::unordered_map<std::string, LayerRecord> layers_;  // by layer name
  // The files of the check the records come from, kept alive so that no later file can have
  // the address of one in a record's chain.
  std::vector<std::shared_ptr<const ast::File>> files_;
  int layers_reused_ = 0;
  int layers_checked_ = 0;
};

}  // namespace loket::sema
