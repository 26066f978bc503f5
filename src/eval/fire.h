// Which of a decision's word tests hold, eight at a time: bit i of the result is set when
// (bits & masks[i]) == wants[i], for `count` tests (a multiple of 8, at most 64). The
// evaluator's pure decisions (compile::Decision::pure) spend most of their time here.
#pragma once

#include <cstdint>

namespace loket::eval {

using FireFunction = std::uint64_t (*)(const std::uint64_t* masks, const std::uint64_t* wants,
                                       std::int32_t count, std::uint64_t bits);

// The variants; the vector ones only where the processor has the instructions.
std::uint64_t FirePlain(const std::uint64_t* masks, const std::uint64_t* wants,
                        std::int32_t count, std::uint64_t bits);
std::uint64_t FireAvx2(const std::uint64_t* masks, const std::uint64_t* wants,
                       std::int32_t count, std::uint64_t bits);
std::uint64_t FireAvx512(const std::uint64_t* masks, const std::uint64_t* wants,
                         std::int32_t count, std::uint64_t bits);
bool CpuHasAvx2();
bool CpuHasAvx512();

// The best variant for this processor, chosen once.
FireFunction Fire();

}  // namespace loket::eval
