// The variants of eval::Fire. The library is built for any x86-64 (or other) processor, so
// the vector variants are compiled with target attributes and picked at run time.
#include "eval/fire.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LOKET_FIRE_X86 1
#include <immintrin.h>
#endif

namespace loket::eval {

std::uint64_t FirePlain(const std::uint64_t* masks, const std::uint64_t* wants,
                        std::int32_t count, std::uint64_t bits) {
  std::uint64_t fired = 0;
  for (std::int32_t i = 0; i < count; ++i) {
    fired |= static_cast<std::uint64_t>((bits & masks[i]) == wants[i]) << i;
  }
  return fired;
}

#ifdef LOKET_FIRE_X86

__attribute__((target("avx2"))) std::uint64_t FireAvx2(const std::uint64_t* masks,
                                                       const std::uint64_t* wants,
                                                       std::int32_t count, std::uint64_t bits) {
  const __m256i word = _mm256_set1_epi64x(static_cast<long long>(bits));
  std::uint64_t fired = 0;
  for (std::int32_t i = 0; i < count; i += 4) {
    const __m256i mask = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks + i));
    const __m256i want = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wants + i));
    const __m256i equal = _mm256_cmpeq_epi64(_mm256_and_si256(word, mask), want);
    const int lanes = _mm256_movemask_pd(_mm256_castsi256_pd(equal));
    fired |= static_cast<std::uint64_t>(static_cast<unsigned>(lanes)) << i;
  }
  return fired;
}

__attribute__((target("avx512f"))) std::uint64_t FireAvx512(const std::uint64_t* masks,
                                                            const std::uint64_t* wants,
                                                            std::int32_t count,
                                                            std::uint64_t bits) {
  const __m512i word = _mm512_set1_epi64(static_cast<long long>(bits));
  std::uint64_t fired = 0;
  for (std::int32_t i = 0; i < count; i += 8) {
    const __m512i mask = _mm512_loadu_si512(masks + i);
    const __m512i want = _mm512_loadu_si512(wants + i);
    const __mmask8 equal = _mm512_cmpeq_epi64_mask(_mm512_and_si512(word, mask), want);
    fired |= static_cast<std::uint64_t>(equal) << i;
  }
  return fired;
}

bool CpuHasAvx2() {
  return __builtin_cpu_supports("avx2");
}
bool CpuHasAvx512() {
  return __builtin_cpu_supports("avx512f");
}

#else

std::uint64_t FireAvx2(const std::uint64_t* masks, const std::uint64_t* wants,
                       std::int32_t count, std::uint64_t bits) {
  return FirePlain(masks, wants, count, bits);
}
std::uint64_t FireAvx512(const std::uint64_t* masks, const std::uint64_t* wants,
                         std::int32_t count, std::uint64_t bits) {
  return FirePlain(masks, wants, count, bits);
}
bool CpuHasAvx2() {
  return false;
}
bool CpuHasAvx512() {
  return false;
}

#endif

FireFunction Fire() {
  static const FireFunction chosen = [] {
    if (CpuHasAvx512()) return &FireAvx512;
    if (CpuHasAvx2()) return &FireAvx2;
    return &FirePlain;
  }();
  return chosen;
}

}  // namespace loket::eval
