// Small helpers shared by the files of src/eval.
#pragma once

#include <string>

#include "compile/program.h"
#include "diag/diagnostic.h"
#include "eval/machine.h"
#include "loket/diagnostic.h"
#include "loket/evaluate.h"

namespace loket::eval {

RuleRefInfo RuleRef(const compile::CompiledProgram& program, int rule);
DecisionStatus StatusOf(compile::Fault fault);
// "int in 0..130", "money", "Permit (one of none, b1, ...)", "set of Service".
std::string TypeDescription(const FactInfo& fact);
Diagnostic MissingFactError(const compile::CompiledProgram& program, int slot);
Diagnostic BrokenAssumption(const compile::Assume& assume, RunResult result,
                            const compile::CompiledProgram& program);
// The value of a register as text (facts, params, lets, decisions).
Value SlotValue(const compile::CompiledProgram& program, int slot, std::int64_t raw);
// A case or evaluation error of `kind` (from the registry), about `subject` (a fact or decision).
Diagnostic MakeDiagnostic(diag::Kind kind, std::string message, std::string subject = {});

}  // namespace loket::eval
