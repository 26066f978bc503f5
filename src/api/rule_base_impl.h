// What a loket::RuleBase holds: the source texts, the checked model and the diagnostics in
// both forms (internal, with byte ranges, for loket's own tools; public, with lines and
// columns, for the API). Built once by the pipeline, then only read.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
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
};

// The pipeline behind RuleBase::LoadFiles and FromSources: parse, analyze, graph checks and,
// when asked and the rule base has no errors, the conflict analysis.
std::shared_ptr<RuleBaseImpl> RunPipeline(std::vector<SourceText> sources,
                                          const LoadOptions& options);

Severity ToPublic(diag::Severity severity);
// Converts one internal diagnostic, resolving byte ranges to lines, columns and source text.
Diagnostic ToPublic(const diag::Diagnostic& diagnostic, const source::SourceManager& sources);
Location ToLocation(source::SourceRange range, const source::SourceManager& sources);

}  // namespace loket::internal
