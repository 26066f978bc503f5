// The reference interpreter's own calendar, written apart from src/support/date.cpp and the
// evaluator so that a mistake in theirs cannot hide in the differential and property tests:
// plain loops over years and months instead of the evaluator's closed formulas. Day numbers
// count days since 1970-01-01 (proleptic Gregorian), as loket's do. Both calendars are
// checked against tests/unit/support/data/calendar_table.csv, computed outside the project.
#pragma once

#include <cstdint>
#include <optional>

namespace loket::difftest::refcal {

struct YearMonthDay {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

bool IsLeap(std::int64_t year);
int MonthLength(std::int64_t year, int month);
std::int64_t ToDays(const YearMonthDay& date);
YearMonthDay FromDays(std::int64_t days);

// `date + months months`, clamped to the month's last day (docs/language.md, §3).
std::int64_t PlusMonths(std::int64_t days, std::int64_t months);

// Full years from `from` to `to` as an age is counted: someone born on 29 February completes
// a year on 1 March when the year has no 29 February; -YearsBetween(to, from) when `to` is
// before `from` (docs/language.md, "Built-ins").
std::int64_t YearsBetween(std::int64_t from, std::int64_t to);

// `valid from F until U`: from inclusive, until exclusive (docs/language.md, §6).
bool InForce(std::int64_t day, const std::optional<std::int32_t>& from,
             const std::optional<std::int32_t>& until);

}  // namespace loket::difftest::refcal
