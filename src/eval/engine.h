// Internal access to the evaluator's state for the files of src/eval (evaluation, case input,
// explanations). Case and Outcome befriend Engine; nothing outside src/eval uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "compile/program.h"
#include "eval/machine.h"
#include "loket/evaluate.h"

namespace loket::internal {

struct Engine {
  // Sizes the outcome's buffers for `program` (allocates only when the program changes).
  static void Prepare(const std::shared_ptr<const compile::CompiledProgram>& program, Outcome& out);
  // Loads facts, reference date and dated params into the registers; false (with case
  // errors in `out`) when the case is invalid.
  static bool LoadCase(const compile::CompiledProgram& program, const Case& facts, Date on,
                       Outcome& out);
  // Checks assumptions, then computes lets and decisions in dependency order.
  static void EvaluateLoaded(const compile::CompiledProgram& program, Date on, Outcome& out,
                             const EvalOptions& options);

  // Program::EvaluateBatch and EvaluateRows (eval/batch.cpp): column-wise where the program
  // allows it. The sources of cases: Case objects, or rows of a CaseTable.
  struct CaseSource;
  struct TableSource;
  template <typename Source>
  static void EvaluateBatch(const std::shared_ptr<const compile::CompiledProgram>& program,
                            Source& source, std::size_t count, Date on, const EvalOptions& options);
  // Gives the outcome the case error L611 with `message` (the case could not be read).
  static void Reject(const std::shared_ptr<const compile::CompiledProgram>& program, Outcome& out,
                     std::string message);
  // Program::Evaluate: one case.
  static void EvaluateOne(const std::shared_ptr<const compile::CompiledProgram>& program,
                          const Case& facts, Date on, Outcome& out, const EvalOptions& options) {
    Prepare(program, out);
    if (LoadCase(*program, facts, on, out)) EvaluateLoaded(*program, on, out, options);
  }

  static Outcome::Scratch& ScratchOf(Outcome& out) { return *out.scratch_; }
  static const Outcome::Scratch& ScratchOf(const Outcome& out) { return *out.scratch_; }
  static std::vector<Diagnostic>& CaseErrors(Outcome& out) { return out.case_errors_; }
  static std::int32_t ErrorDetail(const Outcome& out, int decision) {
    return out.error_detail_[static_cast<std::size_t>(decision)];
  }

  static std::int64_t* Values(Case& c) { return c.values(); }
  static std::uint8_t* Present(Case& c) { return c.present(); }
  static const std::uint8_t* Present(const Case& c) { return c.present(); }
  static void Resize(Case& c, int slots) { c.Resize(slots); }

  class Evaluator;
};

}  // namespace loket::internal
