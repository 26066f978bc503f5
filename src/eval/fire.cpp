// The variants of eval::Fire. The library is built for any x86-64 (or other) processor, so
// the vector variants are compiled with target attributes and picked at run time.
#include "eval/fire.h"

#include <cstdlib>
#include <string_view>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LOKET_FIRE_X86 1
#include <immintrin.h>
#endif

namespace loket::eval {

namespace {
std::uint64_t LowBits(std::int32_t count) {
  return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
}
}  // namespace

#ifdef LOKET_FIRE_X86

// Four lanes each; the loops below take eight at a time so that programs whose counts differ
// a little (a municipality's few extra rules) run the same number of rounds, which keeps
// the loop branch predictable when cases of several jurisdictions alternate.
// The four registers' values by plain loads: as fast as a gather where gathers are quick,
// and much faster where they are slow (AMD Zen, Intel with the gather microcode fix).
__attribute__((target("avx2"))) inline __m256i Load4(const std::int64_t* regs,
                                                     const std::int32_t* reg) {
  return _mm256_set_epi64x(regs[reg[3]], regs[reg[2]], regs[reg[1]], regs[reg[0]]);
}

__attribute__((target("avx2"))) inline unsigned RangeLanes(const std::int64_t* regs,
                                                           const std::int32_t* reg,
                                                           const std::int64_t* lo,
                                                           const std::uint64_t* span) {
  // Unsigned a <= b is not (a ^ sign) > (b ^ sign) in signed terms.
  const __m256i sign = _mm256_set1_epi64x(static_cast<long long>(0x8000000000000000ULL));
  const __m256i value = Load4(regs, reg);
  const __m256i offset =
      _mm256_sub_epi64(value, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lo)));
  const __m256i limit = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(span));
  const __m256i above =
      _mm256_cmpgt_epi64(_mm256_xor_si256(offset, sign), _mm256_xor_si256(limit, sign));
  return ~static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(above))) & 0xfu;
}

__attribute__((target("avx2"))) inline unsigned MaskLanes(const std::int64_t* regs,
                                                          const std::int32_t* reg,
                                                          const std::uint64_t* span) {
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i value = Load4(regs, reg);
  const __m256i members = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(span));
  // A shift by 64 or more (a value under 0 or over 63: no member) gives 0.
  const __m256i bit = _mm256_and_si256(_mm256_srlv_epi64(members, value), one);
  return static_cast<unsigned>(
      _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(bit, one))));
}

__attribute__((target("avx2"))) inline unsigned FireLanes(const std::uint64_t* masks,
                                                          const std::uint64_t* wants,
                                                          __m256i word) {
  const __m256i mask = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks));
  const __m256i want = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wants));
  const __m256i equal = _mm256_cmpeq_epi64(_mm256_and_si256(word, mask), want);
  return static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(equal)));
}

__attribute__((target("avx2"))) std::uint64_t RangeAtomsAvx2(const std::int64_t* regs,
                                                             const std::int32_t* reg,
                                                             const std::int64_t* lo,
                                                             const std::uint64_t* span,
                                                             std::int32_t count) {
  std::uint64_t bits = 0;
  for (std::int32_t i = 0; i < count; i += 8) {
    const unsigned low = RangeLanes(regs, reg + i, lo + i, span + i);
    const unsigned high = RangeLanes(regs, reg + i + 4, lo + i + 4, span + i + 4);
    bits |= static_cast<std::uint64_t>(low | high << 4) << i;
  }
  return bits & LowBits(count);
}

__attribute__((target("avx2"))) std::uint64_t MaskAtomsAvx2(const std::int64_t* regs,
                                                            const std::int32_t* reg,
                                                            const std::uint64_t* span,
                                                            std::int32_t count) {
  std::uint64_t bits = 0;
  for (std::int32_t i = 0; i < count; i += 8) {
    const unsigned low = MaskLanes(regs, reg + i, span + i);
    const unsigned high = MaskLanes(regs, reg + i + 4, span + i + 4);
    bits |= static_cast<std::uint64_t>(low | high << 4) << i;
  }
  return bits & LowBits(count);
}

__attribute__((target("avx2"))) std::uint64_t FireAvx2(const std::uint64_t* masks,
                                                       const std::uint64_t* wants,
                                                       std::int32_t count, std::uint64_t bits) {
  const __m256i word = _mm256_set1_epi64x(static_cast<long long>(bits));
  std::uint64_t fired = 0;
  for (std::int32_t i = 0; i < count; i += 8) {
    const unsigned low = FireLanes(masks + i, wants + i, word);
    const unsigned high = FireLanes(masks + i + 4, wants + i + 4, word);
    fired |= static_cast<std::uint64_t>(low | high << 4) << i;
  }
  return fired;
}

bool CpuHasAvx2() {
  return __builtin_cpu_supports("avx2");
}

#else

std::uint64_t RangeAtomsAvx2(const std::int64_t* regs, const std::int32_t* reg,
                             const std::int64_t* lo, const std::uint64_t* span,
                             std::int32_t count) {
  return RangeAtomsPlain(regs, reg, lo, span, count);
}
std::uint64_t MaskAtomsAvx2(const std::int64_t* regs, const std::int32_t* reg,
                            const std::uint64_t* span, std::int32_t count) {
  return MaskAtomsPlain(regs, reg, span, count);
}

std::uint64_t FireAvx2(const std::uint64_t* masks, const std::uint64_t* wants, std::int32_t count,
                       std::uint64_t bits) {
  return FirePlain(masks, wants, count, bits);
}
bool CpuHasAvx2() {
  return false;
}

#endif

namespace {
// LOKET_SIMD=plain turns the vector variants off (for measurements and tests).
// AVX-512 variants were measured slower than AVX2 on the machines we run (AMD Zen 4: its
// 512-bit gathers), so there are none.
int SimdLevel() {
  static const int level = [] {
    const char* wanted = std::getenv("LOKET_SIMD");
    if (wanted != nullptr && std::string_view(wanted) == "plain") return 0;
    return CpuHasAvx2() ? 1 : 0;
  }();
  return level;
}
}  // namespace

bool UseAvx2() {
  return SimdLevel() == 1;
}

RangeFunction RangeAtoms() {
  static const RangeFunction chosen = [] {
    if (SimdLevel() == 1) return &RangeAtomsAvx2;
    return &RangeAtomsPlain;
  }();
  return chosen;
}

MaskFunction MaskAtoms() {
  static const MaskFunction chosen = [] {
    if (SimdLevel() == 1) return &MaskAtomsAvx2;
    return &MaskAtomsPlain;
  }();
  return chosen;
}

FireFunction Fire() {
  static const FireFunction chosen = [] {
    if (SimdLevel() == 1) return &FireAvx2;
    return &FirePlain;
  }();
  return chosen;
}

}  // namespace loket::eval
