// A deliberately simple reference interpreter for loket, used only by the differential tests.
//
// It walks the checked AST of a sema::Model directly and follows docs/language.md §4 and §9 as
// literally as possible: lets and decisions are evaluated on demand and memoised, a rule
// applies when it holds (in force, condition true) and no rule of its exception tree holds,
// lower-layer rules replace higher ones on a delegated decision, collect decisions take the
// union, and no rule means the default (or a gap). It is written to be obviously right, not
// fast: values are small structs, sets are std::set, errors are C++ exceptions internally.
// The compiled evaluator (loket::Program) must agree with it on every case.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ast/ast.h"
#include "sema/model.h"
#include "support/date.h"

namespace loket::difftest {

// One value of any loket type. `number` holds a bool (0/1), an int, money in cents, a date's
// day number or an enum member's index; `members` holds the member indexes of a set.
struct RefValue {
  ast::TypeKind kind = ast::TypeKind::kError;
  std::int64_t number = 0;
  ast::DurationUnit unit = ast::DurationUnit::kDays;  // kDuration
  std::set<int> members;                              // kSet

  static RefValue Bool(bool b) { return {ast::TypeKind::kBool, b ? 1 : 0, {}, {}}; }
  static RefValue Of(ast::TypeKind kind, std::int64_t n) { return {kind, n, {}, {}}; }
  bool operator==(const RefValue& other) const;
  bool operator!=(const RefValue& other) const { return !(*this == other); }
};

// A case: fact name -> value. An optional fact that is absent has no entry.
using RefCase = std::map<std::string, RefValue>;

struct RefDecision {
  std::optional<RefValue> value;   // absent when the decision is an error
  std::string error_code;          // "L608" (gap), "L609" (conflict), "L610", "L612", ...
  std::vector<std::string> rules;  // the deciding rules as "layer.id", sorted
  bool not_applicable = false;     // `applies when` is false; `value`: the default, if any
};

struct RefOutcome {
  std::string case_error;  // a case-level error (e.g. "L606": an assumption is broken)
  std::map<std::string, RefDecision> decisions;  // every decision of the jurisdiction
};

class ReferenceInterpreter {
 public:
  // `jurisdiction` is a layer of `model`; the rules in force are those of it and its ancestors.
  ReferenceInterpreter(const sema::Model& model, const sema::Layer& jurisdiction);

  RefOutcome Evaluate(const RefCase& facts, support::DayNumber reference_date) const;

  // The layers of the jurisdiction, root first.
  const std::vector<const sema::Layer*>& chain() const { return chain_; }

 private:
  const sema::Model& model_;
  std::vector<const sema::Layer*> chain_;
};

// Renders a value as loket prints it in cases and outcomes: true/false, 42, €12,34 as cents
// 1234, 2025-01-01, an enum member's name, a set as "{a, b}". For test failure messages.
std::string ToString(const RefValue& value, const ast::Type& type);

}  // namespace loket::difftest
