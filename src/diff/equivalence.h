// Proves, with Z3, that OLD and NEW answer a decision the same in one jurisdiction over a
// period, or finds the cases where they differ. Both rule bases are encoded over the same
// fact variables (a fact is the variable `layer.name` in either) in one solver; a case
// differs when the decision applies in one and not the other, is decided in one and not the
// other (a gap or a conflict), or is decided with different values. Every case the solver
// finds is replayed through both evaluators, and only a case they answer differently is kept.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "diff/cone.h"
#include "loket/diff.h"
#include "loket/evaluate.h"
#include "sema/model.h"

namespace loket::diff {

struct SideOf {
  const sema::Model* model = nullptr;
  const sema::Layer* layer = nullptr;
  const Program* program = nullptr;
};

struct ProveOptions {
  Period period;
  unsigned rlimit = 2'000'000;
  unsigned time_limit_ms = 30'000;  // for the whole jurisdiction
  int witnesses = 3;
};

// One solver per jurisdiction, kept across its decisions.
class JurisdictionProver {
 public:
  JurisdictionProver(SideOf old_side, SideOf new_side, const ProveOptions& options);
  ~JurisdictionProver();
  JurisdictionProver(const JurisdictionProver&) = delete;
  JurisdictionProver& operator=(const JurisdictionProver&) = delete;

  // Fills `result`'s verdict (kProvedSame, kChanged or kUndetermined), reason and witnesses.
  void Prove(const ast::DecisionDecl& old_decision, const ast::DecisionDecl& new_decision,
             DecisionDiff& result);
  int queries() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loket::diff
