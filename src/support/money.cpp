#include "support/money.h"

#include <cctype>
#include <charconv>
#include <limits>

namespace loket::support {

namespace {

constexpr std::uint64_t kLargestPositive = std::numeric_limits<std::int64_t>::max();
// The magnitude of INT64_MIN, which has no positive int64.
constexpr std::uint64_t kLargestNegative = kLargestPositive + 1;
constexpr std::string_view kEuroSign = "\xE2\x82\xAC";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Appends one digit to a whole number of euros; false once it no longer fits an int64.
bool PushDigit(std::uint64_t& value, char digit) {
  const std::uint64_t d = static_cast<std::uint64_t>(digit - '0');
  if (value > (kLargestPositive - d) / 10) return false;
  value = value * 10 + d;
  return true;
}

enum class Problem {
  kNone,
  kNoDigits,
  kMisplacedGroup,
  kGroupSize,
  kDecimals,
  kTrailing,
  kTooLarge
};

struct Scan {
  std::uint64_t cents = 0;  // the magnitude, when problem is kNone
  Problem problem = Problem::kNone;
  std::size_t at = 0;
  std::size_t length = 0;
};

Scan Fail(Problem problem, std::size_t at, std::size_t length) {
  Scan scan;
  scan.problem = problem;
  scan.at = at;
  scan.length = length;
  return scan;
}

// The one reading of an unsigned amount, text[begin, end): digits, then groups of exactly
// three digits after `group` (0: no grouping; at most three digits before the first group),
// then `decimal` and one or two digits. The magnitude in cents may be at most `limit`.
Scan ScanAmount(std::string_view text, std::size_t begin, std::size_t end, char group, char decimal,
                std::uint64_t limit) {
  std::size_t pos = begin;
  std::uint64_t euros = 0;
  std::size_t leading_digits = 0;
  while (pos < end && IsDigit(text[pos])) {
    if (!PushDigit(euros, text[pos])) return Fail(Problem::kTooLarge, begin, end - begin);
    ++pos;
    ++leading_digits;
  }
  if (leading_digits == 0) return Fail(Problem::kNoDigits, begin, end - begin);
  bool grouped = false;
  while (group != 0 && pos < end && text[pos] == group) {
    if (!grouped && leading_digits > 3) return Fail(Problem::kMisplacedGroup, pos, 1);
    grouped = true;
    ++pos;
    std::size_t group_digits = 0;
    while (pos < end && IsDigit(text[pos])) {
      if (!PushDigit(euros, text[pos])) return Fail(Problem::kTooLarge, begin, end - begin);
      ++pos;
      ++group_digits;
    }
    if (group_digits != 3) return Fail(Problem::kGroupSize, pos - group_digits, group_digits);
  }
  std::uint64_t cents = 0;
  if (pos < end && text[pos] == decimal) {
    ++pos;
    std::size_t decimals = 0;
    while (pos < end && IsDigit(text[pos])) {
      if (decimals < 2) cents = cents * 10 + static_cast<std::uint64_t>(text[pos] - '0');
      ++pos;
      ++decimals;
    }
    if (decimals == 0 || decimals > 2) return Fail(Problem::kDecimals, pos - decimals, decimals);
    if (decimals == 1) cents *= 10;
  }
  if (pos != end) return Fail(Problem::kTrailing, pos, end - pos);
  if (euros > (limit - cents) / 100) return Fail(Problem::kTooLarge, begin, end - begin);
  Scan scan;
  scan.cents = euros * 100 + cents;
  return scan;
}

std::int64_t Signed(std::uint64_t magnitude, bool negative) {
  // Through unsigned arithmetic, so the magnitude of INT64_MIN negates without overflow.
  return static_cast<std::int64_t>(negative ? 0 - magnitude : magnitude);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool EndsWithEur(std::string_view text) {
  if (text.size() <= 3) return false;
  std::string_view tail = text.substr(text.size() - 3);
  return (tail[0] == 'E' || tail[0] == 'e') && (tail[1] == 'U' || tail[1] == 'u') &&
         (tail[2] == 'R' || tail[2] == 'r');
}

void AppendUnsigned(std::string& out, std::uint64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, static_cast<std::size_t>(end - buffer));
}

std::uint64_t Magnitude(std::int64_t cents) {
  return cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
}

void AppendTwoDigits(std::string& out, std::uint64_t value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

}  // namespace

MoneyLiteral ParseMoneyLiteral(std::string_view text) {
  MoneyLiteral result;
  const bool dutch = text.substr(0, kEuroSign.size()) == kEuroSign;
  std::size_t begin = 0;
  std::size_t end = text.size();
  if (dutch) {
    begin = kEuroSign.size();
    while (begin < end && text[begin] == ' ') ++begin;
  } else {
    // "<amount> EUR": drop the currency and the spaces before it.
    if (end < 3 || text.substr(end - 3) != "EUR") {
      result.error = "an amount is written €250 or 250 EUR";
      result.error_length = text.size();
      return result;
    }
    end -= 3;
    while (end > 0 && text[end - 1] == ' ') --end;
  }
  // Dutch after `€` (1.234,56), English before `EUR` (1,234.56).
  const Scan scan =
      ScanAmount(text, begin, end, dutch ? '.' : ',', dutch ? ',' : '.', kLargestPositive);
  const std::string example = dutch ? "€1.234,56" : "1,234.56 EUR";
  switch (scan.problem) {
    case Problem::kNone:
      result.cents = static_cast<std::int64_t>(scan.cents);
      return result;
    case Problem::kNoDigits:
      result.error = "an amount needs digits, as in " + example;
      break;
    case Problem::kMisplacedGroup:
      result.error =
          std::string(dutch ? "after `€` a dot groups thousands and a comma starts the cents"
                            : "before `EUR` a comma groups thousands and a dot starts the cents") +
          ", as in " + example;
      break;
    case Problem::kGroupSize:
      result.error = "a group of thousands has three digits, as in " + example;
      break;
    case Problem::kDecimals:
      result.error = "cents are written with one or two digits, as in " + example;
      break;
    case Problem::kTrailing:
      result.error = "the amount goes on after its cents; write it as in " + example;
      break;
    case Problem::kTooLarge:
      result.error = "the amount is too large";
      break;
  }
  result.error_at = scan.at;
  result.error_length = scan.length;
  return result;
}

std::optional<std::int64_t> ParseMoneyInput(std::string_view text) {
  text = Trim(text);
  bool negative = false;
  bool signed_amount = false;
  auto take_sign = [&] {
    if (!signed_amount && !text.empty() && (text[0] == '-' || text[0] == '+')) {
      negative = text[0] == '-';
      signed_amount = true;
      text.remove_prefix(1);
    }
  };
  take_sign();
  bool marked = false;
  if (text.substr(0, kEuroSign.size()) == kEuroSign) {
    marked = true;
    text = Trim(text.substr(kEuroSign.size()));
  } else if (EndsWithEur(text)) {
    marked = true;
    text = Trim(text.substr(0, text.size() - 3));
  }
  take_sign();
  char group = 0;
  char decimal = '.';
  if (text.find(',') != std::string_view::npos) {
    group = '.';  // Dutch: 1.800,50
    decimal = ',';
  } else if (const std::size_t dot = text.find('.'); dot != std::string_view::npos) {
    const bool decimal_dot =
        text.find('.', dot + 1) == std::string_view::npos && text.size() - dot - 1 <= 2;
    if (!decimal_dot) {
      if (!marked) return std::nullopt;  // 1.800 alone could be either
      group = '.';                       // €1.800
      decimal = ',';
    }
  }
  const Scan scan = ScanAmount(text, 0, text.size(), group, decimal,
                               negative ? kLargestNegative : kLargestPositive);
  if (scan.problem != Problem::kNone) return std::nullopt;
  return Signed(scan.cents, negative);
}

std::string FormatMoney(std::int64_t cents, CentsShown shown) {
  const std::uint64_t magnitude = Magnitude(cents);
  std::string euros;
  AppendUnsigned(euros, magnitude / 100);
  std::string text = cents < 0 ? "-€" : "€";
  for (std::size_t i = 0; i < euros.size(); ++i) {
    if (i > 0 && (euros.size() - i) % 3 == 0) text += '.';
    text += euros[i];
  }
  if (magnitude % 100 != 0 || shown == CentsShown::kAlways) {
    text += ',';
    AppendTwoDigits(text, magnitude % 100);
  }
  return text;
}

void AppendMoneyDecimal(std::string& out, std::int64_t cents, CentsShown shown) {
  const std::uint64_t magnitude = Magnitude(cents);
  if (cents < 0) out += '-';
  AppendUnsigned(out, magnitude / 100);
  if (magnitude % 100 != 0 || shown == CentsShown::kAlways) {
    out += '.';
    AppendTwoDigits(out, magnitude % 100);
  }
}

std::string FormatMoneyDecimal(std::int64_t cents, CentsShown shown) {
  std::string text;
  AppendMoneyDecimal(text, cents, shown);
  return text;
}

}  // namespace loket::support
