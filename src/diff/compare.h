// Comparing two checked models decision by decision: unchanged dependency cones are equal
// without the solver; the rest go to a JurisdictionProver. And matching the checker's
// findings of OLD and NEW, to list the ones NEW brings.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "diff/cone.h"
#include "loket/diff.h"
#include "sema/model.h"

namespace loket::diff {

struct CompareOptions {
  std::string old_jurisdiction;  // both empty: every layer of either model
  std::string new_jurisdiction;
  Period period;
  unsigned rlimit = 2'000'000;
  unsigned time_limit_ms = 30'000;
  int witnesses = 3;
  unsigned threads = 0;  // worker threads over jurisdictions; 0: hardware concurrency
  // Jurisdictions whose chain has the same content key in both (sema::ChainKeys): every
  // decision is the same without building its cones.
  std::set<std::string> same_chains;
};

// Fills out.decisions and out.stats. Models must be free of errors.
void CompareModels(const sema::Model& old_model, const sema::Model& new_model,
                   const CompareOptions& options, RuleBaseDiff& out);

// The findings (errors and warnings) of `after` that `before` does not have, matched by
// code, layer and the names the message quotes (rules, decisions), not by position.
std::vector<Diagnostic> NewFindings(const std::vector<Diagnostic>& before,
                                    const std::vector<Diagnostic>& after);

}  // namespace loket::diff
