// The column-wise passes of Program::EvaluateBatch (eval/batch.cpp): a block of up to
// kBlockLanes cases side by side, each register a column of kBlockLanes values
// (columns[reg * kBlockLanes + lane]) and each case's atom word one entry of `bits`. Every pass
// runs over `lanes` cases, a multiple of four (the lanes past the block's cases hold values
// nobody reads). Four lanes at a time with AVX2 where the processor has it, plain loops
// elsewhere (LOKET_SIMD=plain), chosen once at run time like eval/fire.h.
#pragma once

#include <cstdint>

#include "compile/program.h"

namespace loket::eval {

inline constexpr std::int32_t kBlockLanes = 64;

struct ColumnPasses {
  // Atoms first .. first + count - 1 (consecutive ids of one kind, all below 64): bit
  // first + i of bits[lane] is set when atom i holds on the lane's register reg[i]; the same
  // tests as RangeAtoms / MaskAtoms (eval/fire.h).
  void (*range)(const std::int64_t* columns, const std::int32_t* reg, const std::int64_t* lo,
                const std::uint64_t* span, std::int32_t first, std::int32_t count,
                std::uint64_t* bits, std::int32_t lanes);
  void (*mask)(const std::int64_t* columns, const std::int32_t* reg, const std::uint64_t* span,
               std::int32_t first, std::int32_t count, std::uint64_t* bits, std::int32_t lanes);
  // A fast let (compile::Let): if_true where some term holds on the lane's bits, else if_false.
  void (*let)(const std::uint64_t* bits, const compile::FastEntry* terms, std::int32_t count,
              std::int64_t if_true, std::int64_t if_false, std::int64_t* column,
              std::int32_t lanes);
  // A decision on compile::DecisionPath::kMasks of `count` entries (at most 64): bit e of
  // fired[lane] when entry e's test holds; column[lane] the union of the fired entries'
  // values (`collect`), else the first fired entry's value, or `none` when none fired.
  void (*decide)(const std::uint64_t* bits, const compile::FastEntry* entries, std::int32_t count,
                 bool collect, std::int64_t none, std::uint64_t* fired, std::int64_t* column,
                 std::int32_t lanes);
};

// The best variants for this processor, chosen once.
const ColumnPasses& Columns();
// The plain loops, whatever the processor, and the AVX2 ones where the processor has AVX2
// (null elsewhere), whatever LOKET_SIMD says (for tests).
const ColumnPasses& PlainColumns();
const ColumnPasses* Avx2Columns();

}  // namespace loket::eval
