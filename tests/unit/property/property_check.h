// The property that keeps the checker, the evaluator and the reference interpreter one
// (issue 10): for a rule base that passes sema,
//  (a) every finding's witness replays to what the finding says (no L514);
//  (b) for a decision the checker reports no ambiguity (L501), gap (L506) or undetermined
//      result (L513) for — nor for any decision it reads —, the evaluator decides every
//      sampled case without L608, L609 or L610; and on every case the evaluator and the
//      reference interpreter agree on every decision;
//  (c) a rule the evaluator applies on a sampled case is never reported dead (L507); one that
//      applies and is not defeated by an exception in a jurisdiction is never reported
//      shadowed (L508) by a finding of that jurisdiction's layer or a layer above it; an
//      observed conflict always has its L501 and an observed gap its L506 (for the decision
//      or one it reads, in a layer of the jurisdiction).
// Cases come from the differential test's CaseGenerator: literals ±1, range ends, validity
// boundaries, birthdays and 29 February.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loket/rule_base.h"

namespace loket::proptest {

struct PropertyReport {
  bool has_errors = false;  // the rule base did not pass sema or the graph checks
  std::string errors;       // its diagnostics, when it did not
  // One line per violation, each starting with its kind ("L514:", "disagree:", "L609 where
  // the checker is silent:", ...), at most a few per kind.
  std::vector<std::string> failures;
  int findings = 0;         // L5xx findings of the checker
  int clean_decisions = 0;  // (decision, jurisdiction) pairs held to (b)
  long cases = 0;           // cases evaluated, over all jurisdictions
  int rules_applied = 0;    // rules seen applying on some case (held to (c))

  bool ok() const { return failures.empty(); }
  // The kind of the first failure ("" when none): a shrunk rule base must keep it.
  std::string FirstKind() const;
  std::string Text() const;
};

// Checks the property on `sources` with `cases` random cases per jurisdiction; the checker
// runs with `solver_rlimit` per query (what it cannot decide within it is L513, and the
// decisions concerned are not held to (b)).
PropertyReport CheckProperty(std::vector<SourceText> sources, long cases, std::uint64_t seed,
                             unsigned solver_rlimit);

}  // namespace loket::proptest
