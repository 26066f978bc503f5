// For loket's own stages (src/api, src/analysis): wraps a compiled program into the public
// loket::Program, and reaches the compiled form behind one.
#pragma once

#include <memory>
#include <utility>

#include "loket/evaluate.h"

namespace loket::internal {

struct ProgramAccess {
  static Program Wrap(std::shared_ptr<const compile::CompiledProgram> compiled) {
    return Program(std::move(compiled));
  }
  static const compile::CompiledProgram& Compiled(const Program& program) {
    return *program.compiled_;
  }
};

}  // namespace loket::internal
