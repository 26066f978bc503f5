// Witness cases: a solver model turned into a case of every fact of a jurisdiction (YAML ready
// to paste into a test suite, facts the query does not constrain marked "any value"), and the
// replay of that case through the evaluator.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <z3++.h>

#include "analysis/encoder.h"
#include "diag/diagnostic.h"
#include "loket/evaluate.h"
#include "sema/model.h"

namespace loket::analysis {

struct FactValue {
  const ast::FactDecl* fact = nullptr;
  ast::Type type;  // the fact's
  bool present = true;
  std::int64_t raw = 0;  // sets: bit mask
  bool any = false;      // the query does not constrain it
};

struct WitnessCase {
  std::int64_t date = 0;
  std::vector<FactValue> facts;
};

// Names of the uninterpreted constants in `e` (fact variables, known(...) flags).
void CollectConstants(const z3::expr& e, std::set<std::string>& names);

// Reads the case from a model; `twin` (when set) is read from its copy 1, the twin case.
WitnessCase ExtractCase(const z3::model& model, Variables& vars,
                        const std::vector<const ast::FactDecl*>& facts, const ast::FactDecl* twin,
                        const std::set<std::string>& constrained);

// Formats a raw value of a type for people: `true`, `34`, `€1.800,50`, `2025-03-01`, `b1`.
std::string FormatValue(const ast::Type& type, std::int64_t raw);
// The case as YAML lines `name: value` (money in euros, sets as [a, b]); with `read_only`
// only the facts the query reads (a comment line when it reads none).
std::string CaseToYaml(const WitnessCase& witness, bool read_only = false);

// Compiled programs per jurisdiction, shared by the worker threads.
class ProgramCache {
 public:
  explicit ProgramCache(const sema::Model& model) : model_(model) {}
  // Null when the jurisdiction cannot be compiled.
  const Program* Get(const sema::Layer& layer);

 private:
  const sema::Model& model_;
  std::mutex mutex_;
  std::map<const sema::Layer*, std::unique_ptr<Program>> programs_;
};

struct Replay {
  bool ok = false;  // the case parsed and was evaluated
  std::string error;
  std::optional<Outcome> outcome;
  Case facts;
  Date date;
};

Replay RunReplay(const Program& program, const WitnessCase& witness);

// "route = b1 (by wi.route_b1)", "integration_duty: conflict between a (true), b (false)".
std::string DescribeDecision(const Program& program, const Outcome& outcome,
                             const std::string& decision);
// What the evaluator made of `decision` in a replayed witness, as data and as its line.
diag::ReplayLine DescribeReplay(const Outcome& outcome, const std::string& decision);
// Appends that line to the witness: to its replay text and to its replay_lines.
void AppendReplay(diag::Witness& witness, const Outcome& outcome, const std::string& decision);
// Index of a rule among the program's rules, -1 when absent. A rule with several versions
// (§6: one id) is found by its place among them: the program has the layer's rules in order.
int RuleIndexOf(const Program& program, const sema::Model& model, const ast::RuleDecl& rule);
// Whether `rule` decided `decision` (alone, with agreeing rules, or in a conflict); not when
// deciding failed with an error.
bool IsWinner(const Outcome& outcome, int decision, int rule);

}  // namespace loket::analysis
