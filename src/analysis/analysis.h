// The conflict analysis (L501-L514): decides, exactly over the decidable language, whether
// rules of a layer can be ambiguous, leave gaps, never apply, contradict or undercut the
// layers above, depend on protected facts or outlive what they build on. Every finding
// carries witness cases that were replayed through the evaluator.
//
// Layers are analysed one at a time against their chain (the layer and the layers above);
// layers of one depth run in parallel on worker threads, each with its own Z3 context and one
// long-lived solver (push/pop per query, deterministic rlimit). A layer's checks run in units
// of its chain's decisions (the decisions one check reads together), each in a solver scope of
// its own with fresh encoders.
// A cache keyed by a hash of a layer's declarations and its ancestors' lets a re-check redo
// only the layers that changed (a layer with layers below always goes by its units: L507 and
// L508 ask the chains below); in those, a second cache keyed by the content of a unit's
// decisions' cones (sema/cone.h), in its chain and in the chains below that it asks, lets it
// redo only the units whose cones changed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "diag/diagnostic.h"
#include "sema/model.h"

namespace loket::analysis {

class AnalysisCache;

struct AnalysisOptions {
  unsigned solver_rlimit = 2'000'000;  // per query; exhausted -> L513 undetermined
  // Wall-clock budget per layer (0: none); spent -> the layer stops with one L513. Unlike the
  // rlimit it depends on the machine: reports are reproducible only when it is not reached.
  unsigned layer_time_limit_ms = 30'000;
  unsigned threads = 2;            // worker threads (each with its own Z3 context)
  bool replay_witnesses = true;    // replay every witness through the evaluator (L514)
  AnalysisCache* cache = nullptr;  // reuse per-layer results of an earlier run
  // With a cache: sema::ChainKeys(model) when the caller has them already.
  const std::vector<std::uint64_t>* chain_keys = nullptr;
  // With a cache: sema::TextHash of every file's text by file id, when the caller has them.
  const std::vector<std::uint64_t>* file_hashes = nullptr;
  // With a cache (whose keys it needs): which units to analyse, asked with each unit's layer
  // and key (`loket diff` analyses only the units whose keys differ between its two rule
  // bases: the others have the same findings on both sides). A unit left out has no findings;
  // only the gaps a layer below needs from it are still decided. Nothing is read from the
  // cache or stored in it. Called from the worker threads.
  std::function<bool(const sema::Layer& layer, std::uint64_t unit_key)> analyse_unit;
  // With analyse_unit: the layers to look at (each with every layer above it); the others are
  // left out whole, without their units' keys, and a unit's key leaves out what the layers
  // below it that are left out would add (the caller compares keys of two rule bases in which
  // those layers are the same).
  std::function<bool(const sema::Layer& layer)> analyse_layer;
};

struct AnalysisStats {
  int layers = 0;
  int layers_from_cache = 0;
  // In the layers analysed (not from the layer cache): their units of decisions with checks to
  // make (layer_analysis.h, DecisionUnit), the decisions in those units, and how many of each
  // the per-unit cache answered.
  int units = 0;
  int units_from_cache = 0;
  int decisions = 0;
  int decisions_from_cache = 0;
  int solver_queries = 0;
  int decided_without_solver = 0;  // pairs the box pre-filter settled
  int undetermined = 0;
  int findings = 0;
};

// Appends findings to `sink` (sorted by layer order, then position). The model must have no
// errors. Never throws.
AnalysisStats RunConflictAnalysis(const sema::Model& model, const AnalysisOptions& options,
                                  diag::DiagnosticSink& sink);

// When every error in `sink` is a competence error (L310, L311, L314) and the model has no
// cycles, attaches to each of them a witness case in which the offending lower-layer rule
// applies (preferably one the higher layers decide differently), replayed through the
// evaluator; or a note that the rule can never apply. Adds no findings. Never throws.
void AttachCompetenceWitnesses(const sema::Model& model, const AnalysisOptions& options,
                               diag::DiagnosticSink& sink);

// Per-layer and per-unit results of earlier runs, keyed by the layer's content and its
// ancestors', and by a unit's cones. Keep
// one across re-checks of an edited rule base. Not thread-safe: one run at a time.
class AnalysisCache {
 public:
  AnalysisCache();
  ~AnalysisCache();
  AnalysisCache(const AnalysisCache&) = delete;
  AnalysisCache& operator=(const AnalysisCache&) = delete;
  std::size_t size() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace loket::analysis
