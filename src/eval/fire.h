// The evaluator's bit-parallel tests, four at a time where the processor has AVX2 (chosen
// once at run time; plain loops elsewhere):
//
// - Fire: which of a decision's word tests hold: bit i of the result is set when
//   (bits & masks[i]) == wants[i], for `count` tests (a multiple of 8, at most 64). The pure
//   decisions (compile::DecisionPath::kMasks) spend most of their time here.
// - RangeAtoms / MaskAtoms: consecutive atoms of a step (compile::Step): bit i is set when
//   atom i holds on regs[reg[i]]: `(uint64)(value - lo[i]) <= span[i]`, or bit `value` of
//   span[i] (none when the value is under 0 or over 63); for `count` atoms (at most 64; the arrays
//   are readable eight entries past the end); the bits from `count` up are 0.
#pragma once

#include <cstdint>

namespace loket::eval {

using FireFunction = std::uint64_t (*)(const std::uint64_t* masks, const std::uint64_t* wants,
                                       std::int32_t count, std::uint64_t bits);

// The variants; the AVX2 ones only where the processor has it. The plain ones are inline:
// the evaluator also calls them directly for a few tests, where a vector pass does not pay.
inline std::uint64_t FirePlain(const std::uint64_t* masks, const std::uint64_t* wants,
                               std::int32_t count, std::uint64_t bits) {
  std::uint64_t fired = 0;
  for (std::int32_t i = 0; i < count; ++i) {
    fired |= static_cast<std::uint64_t>((bits & masks[i]) == wants[i]) << i;
  }
  return fired;
}

std::uint64_t FireAvx2(const std::uint64_t* masks, const std::uint64_t* wants, std::int32_t count,
                       std::uint64_t bits);
bool CpuHasAvx2();

using RangeFunction = std::uint64_t (*)(const std::int64_t* regs, const std::int32_t* reg,
                                        const std::int64_t* lo, const std::uint64_t* span,
                                        std::int32_t count);
using MaskFunction = std::uint64_t (*)(const std::int64_t* regs, const std::int32_t* reg,
                                       const std::uint64_t* span, std::int32_t count);

inline std::uint64_t RangeAtomsPlain(const std::int64_t* regs, const std::int32_t* reg,
                                     const std::int64_t* lo, const std::uint64_t* span,
                                     std::int32_t count) {
  std::uint64_t bits = 0;
  for (std::int32_t i = 0; i < count; ++i) {
    const std::uint64_t offset =
        static_cast<std::uint64_t>(regs[reg[i]]) - static_cast<std::uint64_t>(lo[i]);
    bits |= static_cast<std::uint64_t>(offset <= span[i]) << i;
  }
  return bits;
}

std::uint64_t RangeAtomsAvx2(const std::int64_t* regs, const std::int32_t* reg,
                             const std::int64_t* lo, const std::uint64_t* span, std::int32_t count);
inline std::uint64_t MaskAtomsPlain(const std::int64_t* regs, const std::int32_t* reg,
                                    const std::uint64_t* span, std::int32_t count) {
  std::uint64_t bits = 0;
  for (std::int32_t i = 0; i < count; ++i) {
    // A value that names no member (under 0 or over 63) is in no set.
    const std::uint64_t value = static_cast<std::uint64_t>(regs[reg[i]]);
    bits |= static_cast<std::uint64_t>(value < 64 && ((span[i] >> value) & 1u) != 0) << i;
  }
  return bits;
}

std::uint64_t MaskAtomsAvx2(const std::int64_t* regs, const std::int32_t* reg,
                            const std::uint64_t* span, std::int32_t count);

// Whether the AVX2 variants are in use: the processor has AVX2 and LOKET_SIMD is not `plain`.
bool UseAvx2();

// The best variants for this processor, chosen once.
FireFunction Fire();
RangeFunction RangeAtoms();
MaskFunction MaskAtoms();

}  // namespace loket::eval
