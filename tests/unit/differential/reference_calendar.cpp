#include "reference_calendar.h"

namespace loket::difftest::refcal {
namespace {

constexpr std::int64_t kDaysIn400Years = 146097;

std::int64_t YearLength(std::int64_t year) {
  return IsLeap(year) ? 366 : 365;
}

// The day on which someone born on `born` completes a year of age in `year`.
YearMonthDay Anniversary(const YearMonthDay& born, std::int64_t year) {
  if (born.month == 2 && born.day == 29 && !IsLeap(year)) return {year, 3, 1};
  return {year, born.month, born.day};
}

bool Before(const YearMonthDay& a, const YearMonthDay& b) {
  if (a.year != b.year) return a.year < b.year;
  if (a.month != b.month) return a.month < b.month;
  return a.day < b.day;
}

}  // namespace

bool IsLeap(std::int64_t year) {
  if (year % 400 == 0) return true;
  if (year % 100 == 0) return false;
  return year % 4 == 0;
}

int MonthLength(std::int64_t year, int month) {
  static constexpr int kLengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kLengths[month - 1];
}

std::int64_t ToDays(const YearMonthDay& date) {
  // Whole 400-year cycles first (each has the same length), then year by year from 1970.
  std::int64_t year = date.year;
  std::int64_t days = 0;
  const std::int64_t cycles = (year - 1970) / 400;
  year -= cycles * 400;
  days += cycles * kDaysIn400Years;
  for (std::int64_t y = 1970; y < year; ++y) days += YearLength(y);
  for (std::int64_t y = year; y < 1970; ++y) days -= YearLength(y);
  for (int m = 1; m < date.month; ++m) days += MonthLength(date.year, m);
  return days + date.day - 1;
}

YearMonthDay FromDays(std::int64_t days) {
  YearMonthDay date;
  const std::int64_t cycles = days / kDaysIn400Years;
  date.year += cycles * 400;
  days -= cycles * kDaysIn400Years;
  while (days < 0) {
    --date.year;
    days += YearLength(date.year);
  }
  while (days >= YearLength(date.year)) {
    days -= YearLength(date.year);
    ++date.year;
  }
  while (days >= MonthLength(date.year, date.month)) {
    days -= MonthLength(date.year, date.month);
    ++date.month;
  }
  date.day = int(days) + 1;
  return date;
}

std::int64_t PlusMonths(std::int64_t days, std::int64_t months) {
  YearMonthDay date = FromDays(days);
  // Step a year at a time, then a month at a time; clamp the day once at the end.
  date.year += months / 12;
  months %= 12;
  for (; months > 0; --months) {
    if (++date.month == 13) date.month = 1, ++date.year;
  }
  for (; months < 0; ++months) {
    if (--date.month == 0) date.month = 12, --date.year;
  }
  if (date.day > MonthLength(date.year, date.month)) date.day = MonthLength(date.year, date.month);
  return ToDays(date);
}

std::int64_t YearsBetween(std::int64_t from, std::int64_t to) {
  if (to < from) return -YearsBetween(to, from);
  const YearMonthDay born = FromDays(from);
  const YearMonthDay on = FromDays(to);
  std::int64_t years = on.year - born.year;
  // The last anniversary not after `on` decides: this year's, or last year's.
  if (Before(on, Anniversary(born, on.year))) --years;
  return years;
}

bool InForce(std::int64_t day, const std::optional<std::int32_t>& from,
             const std::optional<std::int32_t>& until) {
  if (from && day < *from) return false;
  if (until && day >= *until) return false;
  return true;
}

}  // namespace loket::difftest::refcal
