// The evaluator's bit-parallel tests, four at a time where the processor has AVX2 (chosen
// once at run time; plain loops elsewhere):
//
// - Fire: which of a decision's word tests hold: bit i of the result is set when
//   (bits & masks[i]) == wants[i], for `count` tests (a multiple of 8, at most 64). The pure
//   decisions (compile::Decision::pure) spend most of their time here.
// - RangeGroups / MaskGroups: a step's atoms, a register at a time (compile::AtomGroup):
//   atom i holds on the register's value when `(uint64)(value - lo[i]) <= span[i]`, or when
//   bit `value & 63` of span[i] is set.
#pragma once

#include <cstdint>

#include "compile/program.h"

namespace loket::eval {

using FireFunction = std::uint64_t (*)(const std::uint64_t* masks, const std::uint64_t* wants,
                                       std::int32_t count, std::uint64_t bits);

// The variants; the AVX2 ones only where the processor has it.
std::uint64_t FirePlain(const std::uint64_t* masks, const std::uint64_t* wants,
                        std::int32_t count, std::uint64_t bits);
std::uint64_t FireAvx2(const std::uint64_t* masks, const std::uint64_t* wants,
                       std::int32_t count, std::uint64_t bits);
bool CpuHasAvx2();

// Ranges and masks by group (compile::AtomGroup): each group's atoms are tested against its
// register's value and their bits OR-ed into the atom words. `lo` / `span` are per atom id,
// readable four entries past the last id.
using GroupFunction = void (*)(const std::int64_t* regs, const compile::AtomGroup* groups,
                               std::int32_t count, const std::int64_t* lo,
                               const std::uint64_t* span, std::uint64_t* words);
void RangeGroupsPlain(const std::int64_t* regs, const compile::AtomGroup* groups,
                      std::int32_t count, const std::int64_t* lo, const std::uint64_t* span,
                      std::uint64_t* words);
void RangeGroupsAvx2(const std::int64_t* regs, const compile::AtomGroup* groups,
                     std::int32_t count, const std::int64_t* lo, const std::uint64_t* span,
                     std::uint64_t* words);
void MaskGroupsPlain(const std::int64_t* regs, const compile::AtomGroup* groups,
                     std::int32_t count, const std::int64_t* lo, const std::uint64_t* span,
                     std::uint64_t* words);
void MaskGroupsAvx2(const std::int64_t* regs, const compile::AtomGroup* groups,
                    std::int32_t count, const std::int64_t* lo, const std::uint64_t* span,
                    std::uint64_t* words);

// The best variants for this processor, chosen once.
FireFunction Fire();
GroupFunction RangeGroups();
GroupFunction MaskGroups();

}  // namespace loket::eval
