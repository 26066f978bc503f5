// The variants of eval::ColumnPasses. As in eval/fire.cpp, the library is built for any x86-64
// processor: the AVX2 variants carry target attributes and are picked at run time.
#include "eval/columns.h"

#include "eval/fire.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LOKET_COLUMNS_X86 1
#include <immintrin.h>
#endif

namespace loket::eval {

namespace {

using compile::FastEntry;

void RangePlain(const std::int64_t* columns, const std::int32_t* reg, const std::int64_t* lo,
                const std::uint64_t* span, std::int32_t first, std::int32_t count,
                std::uint64_t* bits, std::int32_t lanes) {
  for (std::int32_t i = 0; i < count; ++i) {
    const std::int64_t* column = columns + reg[i] * kBlockLanes;
    const std::uint64_t low = static_cast<std::uint64_t>(lo[i]);
    const std::uint64_t bit = std::uint64_t{1} << (first + i);
    for (std::int32_t lane = 0; lane < lanes; ++lane) {
      const std::uint64_t offset = static_cast<std::uint64_t>(column[lane]) - low;
      bits[lane] |= (0 - static_cast<std::uint64_t>(offset <= span[i])) & bit;
    }
  }
}

void MaskPlain(const std::int64_t* columns, const std::int32_t* reg, const std::uint64_t* span,
               std::int32_t first, std::int32_t count, std::uint64_t* bits, std::int32_t lanes) {
  for (std::int32_t i = 0; i < count; ++i) {
    const std::int64_t* column = columns + reg[i] * kBlockLanes;
    const std::int32_t shift = first + i;
    for (std::int32_t lane = 0; lane < lanes; ++lane) {
      // A value that names no member (under 0 or over 63) is in no set.
      const std::uint64_t value = static_cast<std::uint64_t>(column[lane]);
      const std::uint64_t in = value < 64 ? (span[i] >> value) & 1u : 0u;
      bits[lane] |= in << shift;
    }
  }
}

void LetPlain(const std::uint64_t* bits, const FastEntry* terms, std::int32_t count,
              std::int64_t if_true, std::int64_t if_false, std::int64_t* column,
              std::int32_t lanes) {
  for (std::int32_t lane = 0; lane < lanes; ++lane) {
    bool holds = false;
    for (std::int32_t t = 0; t < count; ++t) holds |= (bits[lane] & terms[t].mask) == terms[t].want;
    column[lane] = holds ? if_true : if_false;
  }
}

void DecidePlain(const std::uint64_t* bits, const FastEntry* entries, std::int32_t count,
                 bool collect, std::int64_t none, std::uint64_t* fired, std::int64_t* column,
                 std::int32_t lanes) {
  for (std::int32_t lane = 0; lane < lanes; ++lane) {
    std::uint64_t word = 0;
    for (std::int32_t e = 0; e < count; ++e) {
      word |= static_cast<std::uint64_t>((bits[lane] & entries[e].mask) == entries[e].want) << e;
    }
    fired[lane] = word;
    if (collect) {
      std::uint64_t set = 0;
      for (std::uint64_t rest = word; rest; rest &= rest - 1) {
        set |= static_cast<std::uint64_t>(entries[__builtin_ctzll(rest)].value);
      }
      column[lane] = static_cast<std::int64_t>(set);
    } else {
      column[lane] = word ? entries[__builtin_ctzll(word)].value : none;
    }
  }
}

#ifdef LOKET_COLUMNS_X86

__attribute__((target("avx2"))) inline __m256i Load(const void* at) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(at));
}
__attribute__((target("avx2"))) inline void Store(void* at, __m256i value) {
  _mm256_storeu_si256(static_cast<__m256i*>(at), value);
}
__attribute__((target("avx2"))) inline __m256i Splat(std::uint64_t value) {
  return _mm256_set1_epi64x(static_cast<long long>(value));
}

// Lanes outside, atoms inside: each group of four lanes keeps its atom words in a register.
__attribute__((target("avx2"))) void RangeAvx2(const std::int64_t* columns, const std::int32_t* reg,
                                               const std::int64_t* lo, const std::uint64_t* span,
                                               std::int32_t first, std::int32_t count,
                                               std::uint64_t* bits, std::int32_t lanes) {
  // Unsigned a <= b is not (a ^ sign) > (b ^ sign) in signed terms.
  const __m256i sign = Splat(0x8000000000000000ULL);
  for (std::int32_t lane = 0; lane < lanes; lane += 4) {
    __m256i word = Load(bits + lane);
    for (std::int32_t i = 0; i < count; ++i) {
      const __m256i value = Load(columns + reg[i] * kBlockLanes + lane);
      const __m256i offset = _mm256_sub_epi64(value, Splat(static_cast<std::uint64_t>(lo[i])));
      const __m256i above = _mm256_cmpgt_epi64(_mm256_xor_si256(offset, sign),
                                               Splat(span[i] ^ 0x8000000000000000ULL));
      word =
          _mm256_or_si256(word, _mm256_andnot_si256(above, Splat(std::uint64_t{1} << (first + i))));
    }
    Store(bits + lane, word);
  }
}

__attribute__((target("avx2"))) void MaskAvx2(const std::int64_t* columns, const std::int32_t* reg,
                                              const std::uint64_t* span, std::int32_t first,
                                              std::int32_t count, std::uint64_t* bits,
                                              std::int32_t lanes) {
  const __m256i one = Splat(1);
  for (std::int32_t lane = 0; lane < lanes; lane += 4) {
    __m256i word = Load(bits + lane);
    for (std::int32_t i = 0; i < count; ++i) {
      const __m256i value = Load(columns + reg[i] * kBlockLanes + lane);
      // A shift by 64 or more (a value under 0 or over 63: no member) gives 0.
      const __m256i in = _mm256_and_si256(_mm256_srlv_epi64(Splat(span[i]), value), one);
      word = _mm256_or_si256(word,
                             _mm256_sllv_epi64(in, Splat(static_cast<std::uint64_t>(first + i))));
    }
    Store(bits + lane, word);
  }
}

__attribute__((target("avx2"))) void LetAvx2(const std::uint64_t* bits, const FastEntry* terms,
                                             std::int32_t count, std::int64_t if_true,
                                             std::int64_t if_false, std::int64_t* column,
                                             std::int32_t lanes) {
  const __m256i when_true = Splat(static_cast<std::uint64_t>(if_true));
  const __m256i when_false = Splat(static_cast<std::uint64_t>(if_false));
  for (std::int32_t lane = 0; lane < lanes; lane += 4) {
    const __m256i word = Load(bits + lane);
    __m256i holds = _mm256_setzero_si256();
    for (std::int32_t t = 0; t < count; ++t) {
      holds = _mm256_or_si256(
          holds,
          _mm256_cmpeq_epi64(_mm256_and_si256(word, Splat(terms[t].mask)), Splat(terms[t].want)));
    }
    Store(column + lane, _mm256_blendv_epi8(when_false, when_true, holds));
  }
}

__attribute__((target("avx2"))) void DecideAvx2(const std::uint64_t* bits, const FastEntry* entries,
                                                std::int32_t count, bool collect, std::int64_t none,
                                                std::uint64_t* fired, std::int64_t* column,
                                                std::int32_t lanes) {
  for (std::int32_t lane = 0; lane < lanes; lane += 4) {
    const __m256i word = Load(bits + lane);
    __m256i fired_bits = _mm256_setzero_si256();
    __m256i value;
    if (collect) {
      value = _mm256_setzero_si256();
      for (std::int32_t e = 0; e < count; ++e) {
        const FastEntry& entry = entries[e];
        const __m256i holds =
            _mm256_cmpeq_epi64(_mm256_and_si256(word, Splat(entry.mask)), Splat(entry.want));
        fired_bits =
            _mm256_or_si256(fired_bits, _mm256_and_si256(holds, Splat(std::uint64_t{1} << e)));
        value = _mm256_or_si256(
            value, _mm256_and_si256(holds, Splat(static_cast<std::uint64_t>(entry.value))));
      }
    } else {
      // The first fired entry's value: the entries from the last to the first, each
      // replacing the value where it fired.
      value = Splat(static_cast<std::uint64_t>(none));
      for (std::int32_t e = count - 1; e >= 0; --e) {
        const FastEntry& entry = entries[e];
        const __m256i holds =
            _mm256_cmpeq_epi64(_mm256_and_si256(word, Splat(entry.mask)), Splat(entry.want));
        fired_bits =
            _mm256_or_si256(fired_bits, _mm256_and_si256(holds, Splat(std::uint64_t{1} << e)));
        value = _mm256_blendv_epi8(value, Splat(static_cast<std::uint64_t>(entry.value)), holds);
      }
    }
    Store(fired + lane, fired_bits);
    Store(column + lane, value);
  }
}

constexpr ColumnPasses kAvx2{&RangeAvx2, &MaskAvx2, &LetAvx2, &DecideAvx2};

#endif

constexpr ColumnPasses kPlain{&RangePlain, &MaskPlain, &LetPlain, &DecidePlain};

}  // namespace

const ColumnPasses& PlainColumns() {
  return kPlain;
}

const ColumnPasses* Avx2Columns() {
#ifdef LOKET_COLUMNS_X86
  if (CpuHasAvx2()) return &kAvx2;
#endif
  return nullptr;
}

const ColumnPasses& Columns() {
  return UseAvx2() ? *Avx2Columns() : kPlain;
}

}  // namespace loket::eval
