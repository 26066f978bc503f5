#include "support/date.h"

#include <cstdio>

namespace loket::support {

// Howard Hinnant's days_from_civil / civil_from_days.
DayNumber DaysFromCivil(CivilDate date) {
  int y = date.year - (date.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(date.month + (date.month > 2 ? -3 : 9));
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(date.day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<DayNumber>(era * 146097 + static_cast<int>(doe) - 719468);
}

CivilDate CivilFromDays(DayNumber days) {
  // In 64 bits: the shift by 719468 would overflow an int32 near its largest day.
  const std::int64_t z = static_cast<std::int64_t>(days) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

bool IsValidCivil(CivilDate date) {
  return date.year >= 1 && date.year <= 9999 && date.month >= 1 && date.month <= 12 &&
         date.day >= 1 && date.day <= DaysInMonth(date.year, date.month);
}

std::optional<DayNumber> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t pos, std::size_t count) -> int {
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  CivilDate date{digits(0, 4), digits(5, 2), digits(8, 2)};
  if (date.year < 0 || date.month < 0 || date.day < 0 || !IsValidCivil(date)) return std::nullopt;
  return DaysFromCivil(date);
}

std::string FormatIsoDate(DayNumber days) {
  std::string text;
  AppendIsoDate(text, days);
  return text;
}

void AppendIsoDate(std::string& out, DayNumber days) {
  const CivilDate date = CivilFromDays(days);
  if (date.year < 0 || date.year > 9999) {
    char buffer[32];
    const int length =
        std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
    out.append(buffer, static_cast<std::size_t>(length));
    return;
  }
  const char text[10] = {static_cast<char>('0' + date.year / 1000),
                         static_cast<char>('0' + date.year / 100 % 10),
                         static_cast<char>('0' + date.year / 10 % 10),
                         static_cast<char>('0' + date.year % 10),
                         '-',
                         static_cast<char>('0' + date.month / 10),
                         static_cast<char>('0' + date.month % 10),
                         '-',
                         static_cast<char>('0' + date.day / 10),
                         static_cast<char>('0' + date.day % 10)};
  out.append(text, sizeof text);
}

DayNumber AddMonths(DayNumber days, std::int64_t months) {
  CivilDate date = CivilFromDays(days);
  std::int64_t index = static_cast<std::int64_t>(date.year) * 12 + (date.month - 1) + months;
  int year = static_cast<int>(index >= 0 ? index / 12 : (index - 11) / 12);
  int month = static_cast<int>(index - static_cast<std::int64_t>(year) * 12) + 1;
  int day = date.day;
  int last = DaysInMonth(year, month);
  if (day > last) day = last;
  return DaysFromCivil({year, month, day});
}

}  // namespace loket::support
