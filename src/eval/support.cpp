// The evaluator's helpers shared with explanations and batches (eval/support.h): rule
// references, statuses of faults, and the case diagnostics (L605, L606).
#include "eval/support.h"

#include <string>
#include <utility>

#include <fmt/format.h>

#include "compile/program.h"
#include "eval/machine.h"
#include "loket/evaluate.h"

namespace loket {

using compile::CompiledProgram;
using compile::Fault;

namespace eval {

RuleRefInfo RuleRef(const CompiledProgram& program, int rule) {
  const compile::Rule& r = program.rules[static_cast<std::size_t>(rule)];
  RuleRefInfo info;
  info.rule = rule;
  info.id = r.id;
  info.layer = r.layer;
  info.citation = r.citation;
  info.citations = program.rule_infos[static_cast<std::size_t>(rule)].citations;
  return info;
}

DecisionStatus StatusOf(Fault fault) {
  switch (fault) {
    case Fault::kAbsentOptional:
      return DecisionStatus::kAbsentOptional;
    case Fault::kOverflow:
      return DecisionStatus::kOverflow;
    case Fault::kDivisionByZero:
      return DecisionStatus::kDivisionByZero;
    case Fault::kGap:
      return DecisionStatus::kGap;
    case Fault::kConflict:
      return DecisionStatus::kConflict;
    default:
      return DecisionStatus::kDecided;
  }
}

Diagnostic MakeDiagnostic(diag::Kind kind, std::string message, std::string subject) {
  return diag::MakePublic(kind, std::move(message), std::move(subject));
}

Diagnostic MissingFactError(const CompiledProgram& p, int slot) {
  const FactInfo& fact = p.fact_infos[static_cast<std::size_t>(slot)];
  Diagnostic d = MakeDiagnostic(diag::Kind::kMissingFact,
                                fmt::format("the case does not give the required fact `{}` ({})",
                                            fact.name, TypeDescription(fact)),
                                fact.name);
  d.layer = fact.layer;
  return d;
}

Diagnostic BrokenAssumption(const compile::Assume& assume, RunResult result,
                            const CompiledProgram& p) {
  std::string message;
  if (result.fault == Fault::kNone) {
    message = fmt::format("the case breaks the assumption `{}`: {}", assume.name, assume.text);
  } else {
    std::string why =
        result.fault == Fault::kAbsentOptional && result.detail >= 0 && result.detail < p.fact_count
            ? fmt::format("it reads the absent optional fact `{}`",
                          p.slots[static_cast<std::size_t>(result.detail)].name)
            : std::string("its evaluation failed");
    message =
        fmt::format("the assumption `{}` cannot be checked for this case: {}", assume.name, why);
  }
  Diagnostic d = MakeDiagnostic(diag::Kind::kAssumptionBroken, std::move(message));
  d.layer = assume.layer;
  return d;
}

}  // namespace eval
}  // namespace loket
