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

std::uint64_t FirePlain(const std::uint64_t* masks, const std::uint64_t* wants,
                        std::int32_t count, std::uint64_t bits) {
  std::uint64_t fired = 0;
  for (std::int32_t i = 0; i < count; ++i) {
    fired |= static_cast<std::uint64_t>((bits & masks[i]) == wants[i]) << i;
  }
  return fired;
}

namespace {
// ORs the bits of a group's atoms (`lanes`, bit 0 = atom `first`) into the atom words,
// through `word` / `acc`, the word being filled (groups come in ascending ids).
inline void Accumulate(const compile::AtomGroup& group, std::uint64_t lanes, std::uint64_t* words,
                       std::int32_t& word, std::uint64_t& acc) {
  const std::int32_t at = group.first >> 6;
  if (at != word) {
    words[word] |= acc;
    acc = 0;
    word = at;
  }
  const std::int32_t shift = group.first & 63;
  acc |= lanes << shift;
  if (shift + group.count > 64) {  // the group runs into the next word
    words[word] |= acc;
    acc = lanes >> (64 - shift);
    word = at + 1;
  }
}

}  // namespace

void RangeGroupsPlain(const std::int64_t* regs, const compile::AtomGroup* groups,
                      std::int32_t count, const std::int64_t* lo, const std::uint64_t* span,
                      std::uint64_t* words) {
  if (count == 0) return;
  std::int32_t word = groups[0].first >> 6;
  std::uint64_t acc = 0;
  for (std::int32_t g = 0; g < count; ++g) {
    const compile::AtomGroup& group = groups[g];
    const std::uint64_t value = static_cast<std::uint64_t>(regs[group.reg]);
    std::uint64_t lanes = 0;
    for (std::int32_t i = 0; i < group.count; ++i) {
      const std::int32_t id = group.first + i;
      lanes |= static_cast<std::uint64_t>(value - static_cast<std::uint64_t>(lo[id]) <= span[id])
               << i;
    }
    Accumulate(group, lanes, words, word, acc);
  }
  words[word] |= acc;
}

void MaskGroupsPlain(const std::int64_t* regs, const compile::AtomGroup* groups,
                     std::int32_t count, const std::int64_t* lo, const std::uint64_t* span,
                     std::uint64_t* words) {
  (void)lo;
  if (count == 0) return;
  std::int32_t word = groups[0].first >> 6;
  std::uint64_t acc = 0;
  for (std::int32_t g = 0; g < count; ++g) {
    const compile::AtomGroup& group = groups[g];
    const std::uint64_t member = static_cast<std::uint64_t>(regs[group.reg]) & 63u;
    std::uint64_t lanes = 0;
    for (std::int32_t i = 0; i < group.count; ++i) {
      lanes |= ((span[group.first + i] >> member) & 1u) << i;
    }
    Accumulate(group, lanes, words, word, acc);
  }
  words[word] |= acc;
}

#ifdef LOKET_FIRE_X86

__attribute__((target("avx2"))) void RangeGroupsAvx2(const std::int64_t* regs,
                                                     const compile::AtomGroup* groups,
                                                     std::int32_t count, const std::int64_t* lo,
                                                     const std::uint64_t* span,
                                                     std::uint64_t* words) {
  if (count == 0) return;
  // Unsigned a <= b is not (a ^ sign) > (b ^ sign) in signed terms.
  const __m256i sign = _mm256_set1_epi64x(static_cast<long long>(0x8000000000000000ULL));
  std::int32_t word = groups[0].first >> 6;
  std::uint64_t acc = 0;
  for (std::int32_t g = 0; g < count; ++g) {
    const compile::AtomGroup& group = groups[g];
    const __m256i offset = _mm256_sub_epi64(
        _mm256_set1_epi64x(regs[group.reg]),
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lo + group.first)));
    const __m256i limit =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(span + group.first));
    const __m256i above =
        _mm256_cmpgt_epi64(_mm256_xor_si256(offset, sign), _mm256_xor_si256(limit, sign));
    const unsigned lanes = ~static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(above)));
    Accumulate(group, lanes & ((1u << group.count) - 1), words, word, acc);
  }
  words[word] |= acc;
}

__attribute__((target("avx2"))) void MaskGroupsAvx2(const std::int64_t* regs,
                                                    const compile::AtomGroup* groups,
                                                    std::int32_t count, const std::int64_t* lo,
                                                    const std::uint64_t* span,
                                                    std::uint64_t* words) {
  (void)lo;
  if (count == 0) return;
  const __m256i one = _mm256_set1_epi64x(1);
  std::int32_t word = groups[0].first >> 6;
  std::uint64_t acc = 0;
  for (std::int32_t g = 0; g < count; ++g) {
    const compile::AtomGroup& group = groups[g];
    const __m256i members =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(span + group.first));
    const __m256i member = _mm256_set1_epi64x(regs[group.reg] & 63);
    const __m256i bit = _mm256_and_si256(_mm256_srlv_epi64(members, member), one);
    const unsigned lanes = static_cast<unsigned>(
        _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(bit, one))));
    Accumulate(group, lanes & ((1u << group.count) - 1), words, word, acc);
  }
  words[word] |= acc;
}

__attribute__((target("avx2"))) inline unsigned FireLanes(const std::uint64_t* masks,
                                                          const std::uint64_t* wants,
                                                          __m256i word) {
  const __m256i mask = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks));
  const __m256i want = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wants));
  const __m256i equal = _mm256_cmpeq_epi64(_mm256_and_si256(word, mask), want);
  return static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(equal)));
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

void RangeGroupsAvx2(const std::int64_t* regs, const compile::AtomGroup* groups,
                     std::int32_t count, const std::int64_t* lo, const std::uint64_t* span,
                     std::uint64_t* words) {
  RangeGroupsPlain(regs, groups, count, lo, span, words);
}
void MaskGroupsAvx2(const std::int64_t* regs, const compile::AtomGroup* groups,
                    std::int32_t count, const std::int64_t* lo, const std::uint64_t* span,
                    std::uint64_t* words) {
  MaskGroupsPlain(regs, groups, count, lo, span, words);
}
std::uint64_t FireAvx2(const std::uint64_t* masks, const std::uint64_t* wants,
                       std::int32_t count, std::uint64_t bits) {
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

GroupFunction RangeGroups() {
  static const GroupFunction chosen = SimdLevel() == 1 ? &RangeGroupsAvx2 : &RangeGroupsPlain;
  return chosen;
}

GroupFunction MaskGroups() {
  static const GroupFunction chosen = SimdLevel() == 1 ? &MaskGroupsAvx2 : &MaskGroupsPlain;
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
