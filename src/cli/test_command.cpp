// `loket test RULES... [TESTS...]`: run YAML rule test suites, show a diff (expected vs got,
// with the evaluator's explanation) for each failure, rule coverage, and a summary line
// `N passed, M failed` on its own line for CI.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <loket/loket.h>
#include <loket/testing.h>

#include "command.h"
#include "common.h"

namespace loket::cli {
namespace {

struct TestCommandOptions {
  std::vector<std::string> inputs;  // rule files/folders, then suites (.yaml/.yml or folders)
  std::vector<std::string> suites;  // --suite: explicit suite files or folders
  bool require_coverage = false;
  bool quiet_coverage = false;
  bool as_written = false;
  std::string format = "text";
  std::string color = "auto";
  int error_limit = kDefaultErrorLimit;
};

// At most `limit` errors shown in a run (0: all), as `check` does: a failed test counts as
// one, and so does each error of a case or a suite.
class ErrorBudget {
 public:
  explicit ErrorBudget(int limit) : limit_(limit) {}
  bool Take() {
    if (limit_ > 0 && shown_ >= static_cast<std::size_t>(limit_)) {
      ++left_out_;
      return false;
    }
    ++shown_;
    return true;
  }
  std::vector<Diagnostic> Trim(const std::vector<Diagnostic>& diagnostics) {
    std::vector<Diagnostic> kept;
    for (const Diagnostic& diagnostic : diagnostics) {
      if (diagnostic.severity != Severity::kError || Take()) kept.push_back(diagnostic);
    }
    return kept;
  }
  std::size_t left_out() const { return left_out_; }

 private:
  int limit_;
  std::size_t shown_ = 0;
  std::size_t left_out_ = 0;
};

bool IsSuite(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  return extension == ".yaml" || extension == ".yml";
}

// The explanation of the decisions a failed case checks (all of them when it checks none):
// the value, the deciding rules with what they read, and the rules that were defeated.
void PrintExplanation(const TestCaseResult& result, std::ostream& stream) {
  const Explanation& explanation = result.explanation;
  std::ostringstream out;
  for (const DecisionExplanation& decision : explanation.decisions) {
    const auto& checked = result.checked_decisions;
    if (!checked.empty() &&
        std::find(checked.begin(), checked.end(), decision.name) == checked.end()) {
      continue;
    }
    out << "    " << decision.name << " = ";
    if (decision.error) {
      out << "error[" << decision.error->code << "]: " << decision.error->message << "\n";
    } else {
      out << decision.value << (decision.default_used ? "  (default: no rule applied)" : "")
          << "\n";
    }
    for (const RuleExplanation& rule : decision.winners) {
      out << "      " << (decision.error ? "" : "by ") << rule.rule.id << " (" << rule.rule.layer
          << ")";
      if (decision.error && !rule.contributes.empty()) out << " says " << rule.contributes;
      out << "\n";
      if (!rule.condition.empty())
        out << "        when " << ConditionOnOneLine(rule.condition) << "\n";
      std::string reads;
      for (const ReadValue& read : rule.reads) {
        reads += (reads.empty() ? "" : ", ") + read.name + " = " +
                 (read.known ? read.value : std::string("(absent)"));
      }
      if (!reads.empty()) out << "        read: " << reads << "\n";
    }
    for (const DefeatExplanation& defeat : decision.defeated) {
      out << "      defeated: " << defeat.rule.id << " (" << defeat.rule.layer << ") by "
          << defeat.defeated_by.id << " (" << defeat.how << ")\n";
    }
  }
  if (out.tellp() > 0) {
    stream << "  explanation (" << explanation.jurisdiction << ", " << explanation.date << "):\n"
           << out.str();
  }
}

int RunTest(const TestCommandOptions& options) {
  std::vector<std::string> rule_paths;
  std::vector<std::string> suites = options.suites;
  for (const std::string& input : options.inputs) {
    (IsSuite(input) ? suites : rule_paths).push_back(input);
  }
  if (rule_paths.empty()) {
    PrintError("no rule files or folders given");
    return kExitUsage;
  }
  if (suites.empty()) {
    // Default: RULES/tests/ of every rule folder.
    for (const std::string& path : rule_paths) {
      std::error_code error;
      std::filesystem::path tests = std::filesystem::path(path) / "tests";
      if (std::filesystem::is_directory(tests, error)) suites.push_back(tests.generic_string());
    }
    if (suites.empty()) {
      PrintError("no test suites given and no `tests` folder in the rule folders");
      return kExitUsage;
    }
  }
  int exit_code = kExitOk;
  std::optional<RuleBase> rules =
      LoadCleanRuleBase(rule_paths, exit_code, options.error_limit, options.as_written);
  if (!rules) return exit_code;

  TestOptions test_options;
  test_options.require_coverage = options.require_coverage;
  Result<TestReport> ran = RunTests(*rules, suites, test_options);
  if (!ran.ok()) {
    PrintError(ran.status());
    return kExitUsage;
  }
  const TestReport& report = *ran;

  ErrorBudget budget(options.error_limit);
  if (options.format == "json") {
    std::cout << RenderJson(budget.Trim(report.diagnostics)) << "\n";
  } else {
    RenderOptions render;
    render.color = UseColor(options.color);
    const char* red = render.color ? "\x1b[1;31m" : "";
    const char* reset = render.color ? "\x1b[0m" : "";
    for (const TestCaseResult& result : report.cases) {
      if (result.passed || !budget.Take()) continue;
      std::cout << red << "FAIL" << reset << " " << result.location.path << ":"
                << result.location.line << ": " << result.name << " (" << result.jurisdiction
                << ", " << result.date << ")\n";
      for (const std::string& difference : result.differences) {
        std::cout << "  " << difference << "\n";
      }
      if (result.evaluated) PrintExplanation(result, std::cout);
      if (!result.errors.empty()) RenderText(std::cout, budget.Trim(result.errors), render);
    }
    // Suite problems and coverage; failures were shown above in full.
    std::vector<Diagnostic> others;
    for (const Diagnostic& diagnostic : report.diagnostics) {
      if (IsTestFailure(diagnostic)) continue;
      if (IsUncoveredRule(diagnostic) && options.quiet_coverage && !options.require_coverage) {
        continue;
      }
      others.push_back(diagnostic);
    }
    RenderText(std::cout, budget.Trim(others), render);
    if (report.rules_total > 0) {
      const int covered = report.rules_total - static_cast<int>(report.uncovered_rules.size());
      std::cout << "coverage: " << covered << " of " << report.rules_total
                << " rules fired in some test\n";
    }
  }
  PrintErrorsLeftOut(budget.left_out());
  // Alone on its own line, for CI.
  (options.format == "json" ? std::cerr : std::cout)
      << report.passed << " passed, " << report.failed << " failed\n";
  return report.ok() ? kExitOk : kExitFindings;
}

const RegisterCommand kTest{
    {"test", "Run YAML rule test suites, with diffs for failures and rule coverage", 30,
     [](CLI::App& app) -> Action {
       auto options = std::make_shared<TestCommandOptions>();
       app.add_option("INPUT", options->inputs,
                      "Rule files or folders, then suites (.yaml/.yml); default suites: the "
                      "`tests` folder of each rule folder")
           ->required();
       app.add_option("--suite", options->suites, "A suite file or folder of suites");
       app.add_flag("--require-coverage", options->require_coverage,
                    "Fail when a rule fires in no test (L703 becomes an error)");
       app.add_flag("--no-coverage-warnings", options->quiet_coverage,
                    "Do not list the rules no test made fire");
       app.add_flag("--as-written", options->as_written,
                    "Evaluate the rules as written when their only errors are competence errors "
                    "(L310, L311, L314), to replay those findings' witnesses");
       app.add_option("--format", options->format, "Output format")
           ->check(CLI::IsMember({"text", "json"}))
           ->capture_default_str();
       app.add_option("--error-limit", options->error_limit,
                      "Show at most this many errors and failed tests (0: all); the summary "
                      "counts them all")
           ->check(CLI::NonNegativeNumber)
           ->capture_default_str();
       app.add_option("--color", options->color, "Colour the text output")
           ->check(CLI::IsMember({"auto", "always", "never"}))
           ->capture_default_str();
       return [options] { return RunTest(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
