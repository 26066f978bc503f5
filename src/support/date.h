// Civil dates as day numbers (days since 1970-01-01, proleptic Gregorian), so comparisons,
// the solver and the evaluator all work on plain integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loket::support {

using DayNumber = std::int32_t;

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

DayNumber DaysFromCivil(CivilDate date);
CivilDate CivilFromDays(DayNumber days);

// A civil date as one integer that orders like the dates: year * 512 + month * 32 + day. The
// month-and-day part of two keys differs by less than 512, so the difference of two keys
// divided by 512 (truncated toward zero) is the full years between the dates (eval's
// years_between), with no comparison of fields.
inline std::int64_t CivilKey(CivilDate date) {
  return static_cast<std::int64_t>(date.year) * 512 + date.month * 32 + date.day;
}
bool IsValidCivil(CivilDate date);
int DaysInMonth(int year, int month);

// Parses exactly YYYY-MM-DD and checks the calendar (2023-02-29 is rejected).
std::optional<DayNumber> ParseIsoDate(std::string_view text);
std::string FormatIsoDate(DayNumber days);
// The same text appended to `out` without a temporary (the batch evaluator's hot path).
void AppendIsoDate(std::string& out, DayNumber days);

// Month arithmetic clamps to the end of the month: 2024-01-31 + 1 month = 2024-02-29,
// 2023-01-31 + 1 month = 2023-02-28. Years are 12 months (2024-02-29 + 1 year = 2025-02-28).
DayNumber AddMonths(DayNumber days, std::int64_t months);

}  // namespace loket::support
