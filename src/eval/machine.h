// The bytecode interpreter and the per-evaluation state behind loket::Program::Evaluate.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "compile/program.h"
#include "eval/fire.h"
#include "loket/evaluate.h"

namespace loket {
namespace eval {
struct RunResult {
  std::int64_t value;
  compile::Fault fault;
  std::int32_t detail;
};
}  // namespace eval

// Per-outcome scratch: the register file with its fault bytes, and per-rule memo.
struct Outcome::Scratch {
  std::vector<std::int64_t> regs;
  std::vector<compile::Fault> fault;
  std::vector<std::int32_t> detail;  // kAbsentOptional: the fact slot that was absent
  // Per rule: bit 0 computed, bit 1 applies, bit 2 faulted, bit 3 defeat computed,
  // bit 4 defeated.
  std::vector<std::uint8_t> rule_state;
  // Per defeated rule: the holding rule of its exception tree that defeats it (the first
  // found, see Engine::Evaluator::Defeated).
  std::vector<std::int32_t> defeated_by;
  // Engine::Evaluator::Defeated's path down an exception tree: (rule, next defeater) per
  // level, kept here so that deep trees need no recursion and no allocation per case.
  std::vector<std::pair<std::int32_t, std::int32_t>> defeat_path;
  std::vector<eval::RunResult> rule_fault;  // per faulted rule: why
  std::vector<std::uint64_t> atom_bits;     // the atoms computed so far (see WordTest)
  std::vector<std::uint64_t> atom_faults;
  // detail[i] == i holds for the slots below this count (the facts of the programs used).
  std::int32_t fact_details = 0;
  std::int32_t params_day = 0;
  bool facts_absent = false;  // the loaded case leaves an (optional) fact absent
  // The variants of the bit-parallel tests for this processor (eval/fire.h).
  eval::FireFunction fire = eval::Fire();
  eval::RangeFunction range_atoms = eval::RangeAtoms();
  eval::MaskFunction mask_atoms = eval::MaskAtoms();
  bool params_ready = false;
  // Program::EvaluateBatch's column-wise blocks (eval/batch.cpp), in a batch's first outcome:
  // a column of eval::kBlockLanes values per register, each lane's atom word, and per decision
  // each lane's fired entries. The params' and the reference date's columns hold the values
  // for `columns_program` on `columns_day`.
  std::vector<std::int64_t> columns;
  std::vector<std::uint64_t> lane_bits;
  std::vector<std::uint64_t> lane_fired;
  const compile::CompiledProgram* columns_program = nullptr;
  std::int32_t columns_day = 0;
  std::uint64_t column_cases = 0;  // cases this outcome's batches decided column-wise (tests)
  Case table_row;                  // Program::EvaluateRows: a row evaluated on its own
};

namespace eval {

RunResult Run(const compile::Instr* code, std::int64_t* regs, const compile::Fault* fault,
              const std::int32_t* detail);

inline RunResult Run(const compile::CompiledProgram& program, compile::CodeRef block,
                     Outcome::Scratch& scratch) {
  return Run(program.code.data() + block.begin, scratch.regs.data(), scratch.fault.data(),
             scratch.detail.data());
}

enum RuleBits : std::uint8_t {
  kComputed = 1,
  kApplies = 2,
  kFaulted = 4,
  kDefeatComputed = 8,
  kDefeated = 16,
};

}  // namespace eval
}  // namespace loket
