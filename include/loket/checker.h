// Re-checking a rule base while it is being edited: an IncrementalChecker remembers the
// parsed syntax of every file, and sema's checks, the cycle check and the conflict analysis of
// every layer, so a re-check after a change parses only the changed files and runs those
// again only for the layers the change touches (the layer and the layers below it); in those
// layers the conflict analysis runs again only for the decisions whose checks read what
// changed. The syntax of an unchanged file (same path and text, wherever it is in the list) is
// shared between checks, not copied.
#pragma once

#include <memory>
#include <vector>

#include "loket/rule_base.h"

namespace loket {

class IncrementalChecker {
 public:
  explicit IncrementalChecker(LoadOptions options = {});
  ~IncrementalChecker();
  IncrementalChecker(IncrementalChecker&&) noexcept;
  IncrementalChecker& operator=(IncrementalChecker&&) noexcept;
  IncrementalChecker(const IncrementalChecker&) = delete;
  IncrementalChecker& operator=(const IncrementalChecker&) = delete;

  // Checks the whole rule base like RuleBase::FromSources (same diagnostics), reusing what
  // earlier calls learned about unchanged files (same path and text, or the same text under
  // another path: a copy of the rule base) and layers. Each
  // returned RuleBase is independent of the checker and of later calls. Not thread-safe:
  // one Check at a time.
  RuleBase Check(std::vector<SourceText> sources);

  struct Stats {
    int files_parsed = 0;  // files whose text was new or changed
    int files_reused = 0;  // unchanged files: their earlier syntax was shared
    // Layers sema checked, and layers whose unchanged chain let sema reuse its earlier
    // results (docs/architecture.md).
    int layers_checked = 0;
    int layers_reused = 0;
    // Layers in which the conflict analysis asked the solver again, and layers whose results
    // were all reused (whole, or unit by unit: a layer with layers below goes by its units).
    int layers_analyzed = 0;
    int layers_from_cache = 0;
    // In the layers not reused whole: decisions with something to check, analysed again
    // because what their checks read changed (their cones, docs/architecture.md), and reused.
    int decisions_analyzed = 0;
    int decisions_from_cache = 0;
  };
  // What the last Check did.
  Stats last_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loket
