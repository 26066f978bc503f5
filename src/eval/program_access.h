// For loket's own stages (src/api, src/analysis) and the unit tests: wraps a compiled program
// into the public loket::Program, and reaches the compiled form behind a Program, a Case or
// a CaseTable. The public headers keep these to themselves (include/loket names no internals).
#pragma once

#include <memory>
#include <utility>

#include "compile/program.h"
#include "loket/evaluate.h"

namespace loket::internal {

struct ProgramAccess {
  static Program Wrap(std::shared_ptr<const compile::CompiledProgram> compiled) {
    return Program(std::move(compiled));
  }
  static const compile::CompiledProgram& Compiled(const Program& program) {
    return *program.compiled_;
  }
  // The program a case or table was made for (null for a default-constructed one).
  static const compile::CompiledProgram* CompiledOf(const Case& facts) {
    return facts.program_.get();
  }
  static const compile::CompiledProgram* CompiledOf(const CaseTable& table) {
    return table.program_.get();
  }
};

}  // namespace loket::internal
