// What a loket::RuleBase holds: the source texts, the checked model and the diagnostics in
// both forms (internal, with byte ranges, for loket's own tools; public, with lines and
// columns, for the API). Built once by the pipeline, then only read.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "ast/ast.h"
#include "diag/diagnostic.h"
#include "graph/dependency_graph.h"
#include "loket/diagnostic.h"
#include "loket/rule_base.h"
#include "sema/model.h"
#include "source/source_manager.h"

namespace loket::internal {

struct RuleBaseImpl {
  LoadOptions options;
  // Owned through a pointer: the model and every diagnostic refer to it.
  std::unique_ptr<source::SourceManager> sources = std::make_unique<source::SourceManager>();
  std::unique_ptr<sema::Model> model;                  // null only when the pipeline could not run
  std::vector<diag::Diagnostic> internal_diagnostics;  // sorted like `diagnostics`
  std::vector<Diagnostic> diagnostics;                 // sorted by file and position
  RuleBaseStats stats;
  bool has_errors = false;
  // RuleBase::ContentHash(), computed on first use: SHA-256 over every file costs a re-check
  // of the country about 3 ms, and only receipts ask for it. The sources never change after
  // the check, so once is enough.
  mutable std::once_flag content_hash_once;
  mutable std::string content_hash;
};

// For loket's own stages and the unit tests: the representation behind a public RuleBase,
// which the public header keeps to itself (include/loket names no internals).
struct RuleBaseAccess {
  static const RuleBaseImpl& Impl(const RuleBase& rules) { return *rules.impl_; }
};

// RuleBase::ContentHash() of the files in `sources` (in the order they were added).
std::string ContentHash(const source::SourceManager& sources);

// The pipeline behind RuleBase::LoadFiles and FromSources: parse, analyze, graph checks and,
// when asked and the rule base has no errors, the conflict analysis.
// LoadOptions::accept_competence_errors is set, every error is a competence error (L310,
// L311, L314) and the dependency graph has no cycle: the rules can be evaluated as written.
bool AcceptedAsWritten(const RuleBaseImpl& impl);

std::shared_ptr<RuleBaseImpl> RunPipeline(std::vector<SourceText> sources,
                                          const LoadOptions& options);
// What a check may reuse from earlier checks of the same rule base (IncrementalChecker);
// null: nothing.
struct CheckCaches {
  analysis::AnalysisCache* analysis = nullptr;  // per-layer conflict analysis results
  graph::StructureCache* structure = nullptr;   // per-jurisdiction definition cycles
  // sema::TextHash of every file's text by file id, if known (for the caches' keys).
  const std::vector<std::uint64_t>* file_hashes = nullptr;
  sema::ReuseMemo* sema = nullptr;  // sema's per-layer results of the previous check
};

// The pipeline after parsing, on `impl` whose sources and options are set: `files` were
// parsed from impl.sources, each as its own id there (their parse diagnostics already in
// `sink`); they are shared, never changed. Fills impl's model,
// diagnostics and stats. `caches` let the graph checks and the analysis reuse results.
// Returns the analysis' stats (all zero when it did not run).
analysis::AnalysisStats CheckParsed(RuleBaseImpl& impl,
                                    std::vector<std::shared_ptr<const ast::File>> files,
                                    diag::DiagnosticSink& sink, CheckCaches caches = {});

// The layer a user names as the jurisdiction: by its name, else by its name or its code (the
// CBS code, `GM0363`) in any case; null when none matches.
const sema::Layer* FindJurisdiction(const sema::Model& model, std::string_view name_or_code);

Severity ToPublic(diag::Severity severity);
// Converts one internal diagnostic, resolving byte ranges to lines, columns and source text.
Diagnostic ToPublic(const diag::Diagnostic& diagnostic, const source::SourceManager& sources);
Location ToLocation(source::SourceRange range, const source::SourceManager& sources);

}  // namespace loket::internal
