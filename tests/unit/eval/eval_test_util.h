// Shared helpers for the evaluator tests: build programs from rule texts through the public API.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "loket/diagnostic.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"

namespace loket::evaltest {

inline RuleBase Load(const std::vector<std::string>& texts) {
  std::vector<SourceText> sources;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    sources.push_back({"test" + std::to_string(i) + ".loket", texts[i]});
  }
  LoadOptions options;
  options.analyze_conflicts = false;  // these rule bases contain deliberate conflicts
  RuleBase rule_base = RuleBase::FromSources(std::move(sources), options);
  for (const Diagnostic& d : rule_base.diagnostics()) {
    if (d.severity == Severity::kError) INFO(RenderText(d));
  }
  if (rule_base.has_errors()) {
    std::string all;
    for (const Diagnostic& d : rule_base.diagnostics()) all += RenderText(d) + "\n";
    FAIL_CHECK(all);
  }
  return rule_base;
}

inline Program Compile(const RuleBase& rule_base, const std::string& jurisdiction) {
  Result<Program> program = rule_base.Compile(jurisdiction);
  if (!program.ok()) FAIL(program.status().message());
  return *program;
}

inline Date D(const char* iso) {
  return *Date::Parse(iso);
}

// Parses a YAML case, failing the test on any case error.
inline Case Facts(const Program& program, const std::string& yaml) {
  Case c = program.NewCase();
  std::vector<Diagnostic> errors;
  bool ok = program.ParseYaml(yaml, c, errors);
  std::string all;
  for (const Diagnostic& d : errors) all += d.code + " " + d.message + "\n";
  INFO(all);
  REQUIRE(ok);
  return c;
}

inline std::string ValueOf(const Program& program, const Outcome& out, const char* decision) {
  int d = program.DecisionIndex(decision);
  REQUIRE(d >= 0);
  return out.value(d).ToString();
}

inline DecisionStatus StatusOf(const Program& program, const Outcome& out, const char* decision) {
  int d = program.DecisionIndex(decision);
  REQUIRE(d >= 0);
  return out.status(d);
}

inline std::vector<std::string> WinnerIds(const Program& program, const Outcome& out,
                                          const char* decision) {
  std::vector<std::string> ids;
  for (const RuleRefInfo& r : out.winners(program.DecisionIndex(decision))) {
    ids.push_back(r.layer + "." + r.id);
  }
  return ids;
}

// Everything an outcome says, on one line: case errors, then per decision its status, raw
// value, winners in order and error message (for comparing two ways of evaluating).
inline std::string DescribeOutcome(const Program& program, const Outcome& out) {
  std::string text;
  for (const Diagnostic& error : out.case_errors()) text += error.code + " " + error.message + "; ";
  for (int d = 0; d < out.decision_count(); ++d) {
    text += program.decisions()[static_cast<std::size_t>(d)].name + "=" +
            DecisionStatusName(out.status(d)) + ":" + std::to_string(out.raw(d)) + " by";
    const auto winners = out.winner_indices(d);
    for (const int* r = winners.first; r != winners.second; ++r) text += " " + std::to_string(*r);
    if (std::optional<Diagnostic> error = out.error(d)) text += " (" + error->message + ")";
    text += "; ";
  }
  return text;
}

}  // namespace loket::evaltest
