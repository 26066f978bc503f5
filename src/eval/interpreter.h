// The interpreter loop, header-only so the evaluator can inline it into its hot loop.
#pragma once

#include <cstdint>
#include <limits>

#include "eval/machine.h"
#include "support/date.h"

namespace loket::eval {

// Whether enum member `member` is in the set `mask` (bit i = member i); a value that names no
// member (only Case::SetRaw can store one) is in no set.
inline bool InMask(std::int64_t mask, std::int64_t member) {
  const auto index = static_cast<std::uint64_t>(member);
  return index < 64 && ((static_cast<std::uint64_t>(mask) >> index) & 1u) != 0;
}

// Full years from date `from` to date `to` (an age); negative when `to` is earlier.
inline std::int64_t YearsBetween(std::int64_t from, std::int64_t to) {
  if (to < from) return -YearsBetween(to, from);
  support::CivilDate a = support::CivilFromDays(static_cast<support::DayNumber>(from));
  support::CivilDate b = support::CivilFromDays(static_cast<support::DayNumber>(to));
  std::int64_t years = b.year - a.year;
  if (b.month < a.month || (b.month == a.month && b.day < a.day)) --years;
  return years;
}

// YearsBetween for one run of a code block, remembering the last date it converted to its
// civil key (support::CivilKey): a let that counts years from twelve dates to `birth_date`
// converts `birth_date` once. Day numbers beyond int32 take YearsBetween itself, whose
// conversion truncates them, so every result is YearsBetween's.
class YearsCounter {
 public:
  std::int64_t Between(std::int64_t from, std::int64_t to) {
    if (!InDays(from) || !InDays(to)) return YearsBetween(from, to);
    return (Key(to) - Key(from)) / 512;
  }
  // From a constant date `from_day` whose key the compiler computed.
  std::int64_t Since(std::int64_t from_day, std::int64_t from_key, std::int64_t to) {
    if (!InDays(to)) return YearsBetween(from_day, to);
    return (Key(to) - from_key) / 512;
  }

 private:
  static bool InDays(std::int64_t day) { return day == static_cast<support::DayNumber>(day); }
  std::int64_t Key(std::int64_t day) {
    if (day != day_) {
      day_ = day;
      key_ = support::CivilKey(support::CivilFromDays(static_cast<support::DayNumber>(day)));
    }
    return key_;
  }
  std::int64_t day_ = std::numeric_limits<std::int64_t>::min();  // no day number: not in int32
  std::int64_t key_ = 0;
};

inline std::int64_t AddMonthsChecked(std::int64_t day, std::int64_t months, bool& overflow) {
  // Keep dates within years 1..9999 so calendar arithmetic stays exact.
  constexpr std::int64_t kMinDay = -719162;  // 0001-01-01
  constexpr std::int64_t kMaxDay = 2932896;  // 9999-12-31
  if (day < kMinDay || day > kMaxDay || months > 120000 || months < -120000) {
    overflow = true;
    return 0;
  }
  std::int64_t result = support::AddMonths(static_cast<support::DayNumber>(day), months);
  if (result < kMinDay || result > kMaxDay) overflow = true;
  return result;
}

__attribute__((always_inline)) inline RunResult RunInline(const compile::Instr* code,
                                                          std::int64_t* r,
                                                          const compile::Fault* fault,
                                                          const std::int32_t* detail) {
  using compile::Fault;
  using compile::Op;
  const compile::Instr* pc = code;
  YearsCounter years;
  for (;;) {
    const compile::Instr& in = *pc;
    switch (in.op) {
      case Op::kCheck:
        if (fault[in.a] != Fault::kNone) return {0, fault[in.a], detail[in.a]};
        break;
      case Op::kLoadImm:
        r[in.dst] = in.imm;
        break;
      case Op::kMove:
        r[in.dst] = r[in.a];
        break;
      case Op::kAdd:
        if (__builtin_add_overflow(r[in.a], r[in.b], &r[in.dst])) return {0, Fault::kOverflow, -1};
        break;
      case Op::kSub:
        if (__builtin_sub_overflow(r[in.a], r[in.b], &r[in.dst])) return {0, Fault::kOverflow, -1};
        break;
      case Op::kMul:
        if (__builtin_mul_overflow(r[in.a], r[in.b], &r[in.dst])) return {0, Fault::kOverflow, -1};
        break;
      case Op::kDiv:
        if (r[in.b] == 0) return {0, Fault::kDivisionByZero, -1};
        if (r[in.b] == -1 && r[in.a] == std::numeric_limits<std::int64_t>::min()) {
          return {0, Fault::kOverflow, -1};
        }
        r[in.dst] = r[in.a] / r[in.b];
        break;
      case Op::kAddImm:
        if (__builtin_add_overflow(r[in.a], in.imm, &r[in.dst])) return {0, Fault::kOverflow, -1};
        break;
      case Op::kMulImm:
        if (__builtin_mul_overflow(r[in.a], in.imm, &r[in.dst])) return {0, Fault::kOverflow, -1};
        break;
      case Op::kNeg:
        if (__builtin_sub_overflow(std::int64_t{0}, r[in.a], &r[in.dst])) {
          return {0, Fault::kOverflow, -1};
        }
        break;
      case Op::kMin:
        r[in.dst] = r[in.a] < r[in.b] ? r[in.a] : r[in.b];
        break;
      case Op::kMax:
        r[in.dst] = r[in.a] > r[in.b] ? r[in.a] : r[in.b];
        break;
      case Op::kAddMonths:
      case Op::kAddMonthsNeg: {
        bool overflow = false;
        r[in.dst] = AddMonthsChecked(r[in.a], in.op == Op::kAddMonths ? in.imm : -in.imm, overflow);
        if (overflow) return {0, Fault::kOverflow, -1};
        break;
      }
      case Op::kYearsBetween:
        r[in.dst] = years.Between(r[in.a], r[in.b]);
        break;
      case Op::kYearsSinceImm:
        r[in.dst] = years.Since(in.imm, in.b, r[in.a]);
        break;
      case Op::kUnion:
        r[in.dst] = r[in.a] | r[in.b];
        break;
      case Op::kDifference:
        r[in.dst] = r[in.a] & ~r[in.b];
        break;
      case Op::kIntersect:
        r[in.dst] = r[in.a] & r[in.b];
        break;
      case Op::kNot:
        r[in.dst] = r[in.a] == 0;
        break;
      case Op::kKnown:
        r[in.dst] = fault[in.a] == Fault::kNone;
        break;
      case Op::kCmpEq:
        r[in.dst] = r[in.a] == r[in.b];
        break;
      case Op::kCmpNe:
        r[in.dst] = r[in.a] != r[in.b];
        break;
      case Op::kCmpLt:
        r[in.dst] = r[in.a] < r[in.b];
        break;
      case Op::kCmpLe:
        r[in.dst] = r[in.a] <= r[in.b];
        break;
      case Op::kCmpGt:
        r[in.dst] = r[in.a] > r[in.b];
        break;
      case Op::kCmpGe:
        r[in.dst] = r[in.a] >= r[in.b];
        break;
      case Op::kCmpEqImm:
        r[in.dst] = r[in.a] == in.imm;
        break;
      case Op::kCmpNeImm:
        r[in.dst] = r[in.a] != in.imm;
        break;
      case Op::kCmpLtImm:
        r[in.dst] = r[in.a] < in.imm;
        break;
      case Op::kCmpLeImm:
        r[in.dst] = r[in.a] <= in.imm;
        break;
      case Op::kCmpGtImm:
        r[in.dst] = r[in.a] > in.imm;
        break;
      case Op::kCmpGeImm:
        r[in.dst] = r[in.a] >= in.imm;
        break;
      case Op::kInMask:
        r[in.dst] = InMask(in.imm, r[in.a]);
        break;
      case Op::kAnd:
        r[in.dst] = r[in.a] & r[in.b];
        break;
      case Op::kOr:
        r[in.dst] = r[in.a] | r[in.b];
        break;
      case Op::kSelect:
        r[in.dst] = r[in.a] ? r[in.b] : r[in.target];
        break;
      case Op::kHas:
        r[in.dst] = r[in.a] >= 0 && r[in.a] < 64 &&
                    ((static_cast<std::uint64_t>(r[in.b]) >> r[in.a]) & 1u) != 0;
        break;
      case Op::kSubset:
        r[in.dst] = (r[in.a] & ~r[in.b]) == 0;
        break;
      case Op::kJump:
        pc = code + in.target;
        continue;
#define LOKET_JUMP_IF(cond) \
  if (cond) {               \
    pc = code + in.target;  \
    continue;               \
  }                         \
  break;
      case Op::kJumpIf:
        LOKET_JUMP_IF(r[in.a] != 0)
      case Op::kJumpIfNot:
        LOKET_JUMP_IF(r[in.a] == 0)
      case Op::kJumpEq:
        LOKET_JUMP_IF(r[in.a] == r[in.b])
      case Op::kJumpNe:
        LOKET_JUMP_IF(r[in.a] != r[in.b])
      case Op::kJumpLt:
        LOKET_JUMP_IF(r[in.a] < r[in.b])
      case Op::kJumpLe:
        LOKET_JUMP_IF(r[in.a] <= r[in.b])
      case Op::kJumpGt:
        LOKET_JUMP_IF(r[in.a] > r[in.b])
      case Op::kJumpGe:
        LOKET_JUMP_IF(r[in.a] >= r[in.b])
      case Op::kJumpEqImm:
        LOKET_JUMP_IF(r[in.a] == in.imm)
      case Op::kJumpNeImm:
        LOKET_JUMP_IF(r[in.a] != in.imm)
      case Op::kJumpLtImm:
        LOKET_JUMP_IF(r[in.a] < in.imm)
      case Op::kJumpLeImm:
        LOKET_JUMP_IF(r[in.a] <= in.imm)
      case Op::kJumpGtImm:
        LOKET_JUMP_IF(r[in.a] > in.imm)
      case Op::kJumpGeImm:
        LOKET_JUMP_IF(r[in.a] >= in.imm)
      case Op::kJumpInMask:
        LOKET_JUMP_IF(InMask(in.imm, r[in.a]))
      case Op::kJumpNotInMask:
        LOKET_JUMP_IF(!InMask(in.imm, r[in.a]))
      case Op::kJumpKnown:
        LOKET_JUMP_IF(fault[in.a] == Fault::kNone)
      case Op::kJumpUnknown:
        LOKET_JUMP_IF(fault[in.a] != Fault::kNone)
#undef LOKET_JUMP_IF
      case Op::kReturn:
        return {r[in.a], Fault::kNone, 0};
      case Op::kReturnTrue:
        return {1, Fault::kNone, 0};
      case Op::kReturnFalse:
        return {0, Fault::kNone, 0};
    }
    ++pc;
  }
}

}  // namespace loket::eval
