// Running rule test suites: YAML files of cases with expected decisions, deciding rules or
// evaluation errors (format: docs/testing.md). Failures come back as data with a readable
// diff and the evaluator's explanation; malformed suites as L702 diagnostics with file:line;
// rules that no test made fire as L703 (coverage).
#pragma once

#include <string>
#include <vector>

#include "loket/diagnostic.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "loket/status.h"

namespace loket {

struct TestOptions {
  // Report rules no test made fire as errors instead of warnings.
  bool require_coverage = false;
};

struct TestCaseResult {
  std::string suite;  // the suite's title (`suite:`), or its path when untitled
  Location location;  // the case's entry in the suite file
  std::string name;
  std::string jurisdiction;
  std::string date;  // ISO
  bool passed = false;
  // One line per difference, e.g. "route: expected b1, got a2".
  std::vector<std::string> differences;
  // Problems with the case itself (unknown fact, wrong type, unknown jurisdiction), located
  // in the suite file.
  std::vector<Diagnostic> errors;
  // The decisions the case names in `expect` / `expect_rules`, in the order it names them.
  std::vector<std::string> checked_decisions;
  // What the evaluator decided, with reasons; filled when the case was evaluated.
  bool evaluated = false;
  Explanation explanation;
};

struct TestReport {
  std::vector<TestCaseResult> cases;  // in suite order, then case order
  // L701 per failed case, L702 malformed suites, L704 unknown decisions, L703 coverage.
  std::vector<Diagnostic> diagnostics;
  int passed = 0;
  int failed = 0;
  int rules_total = 0;                       // rules of every layer of the rule base
  std::vector<std::string> uncovered_rules;  // qualified ids, sorted
  bool ok() const;                           // no failed case and no error diagnostic
};

// The L701 of a failed case (TestReport::cases holds the failure in full) and the L703 of a
// rule no test made fire, for a caller that shows these apart from the suites' problems.
bool IsTestFailure(const Diagnostic& diagnostic);
bool IsUncoveredRule(const Diagnostic& diagnostic);

// Runs the suites (files, or folders searched for *.yaml / *.yml, sorted) against a rule
// base without errors. A missing suite file is a Status error; everything in the files is
// reported in the TestReport.
Result<TestReport> RunTests(const RuleBase& rules, const std::vector<std::string>& suite_paths,
                            const TestOptions& options = {});

}  // namespace loket
