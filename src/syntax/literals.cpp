#include "syntax/literals.h"

#include <limits>

namespace loket::syntax {

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Appends one digit to `value`; false on overflow.
bool PushDigit(std::int64_t& value, char digit) {
  std::int64_t d = digit - '0';
  if (value > (kMax - d) / 10) return false;
  value = value * 10 + d;
  return true;
}

template <typename T>
Converted<T> Fail(std::string message, std::size_t at, std::size_t length) {
  Converted<T> result;
  result.error = std::move(message);
  result.error_at = static_cast<std::uint32_t>(at);
  result.error_length = static_cast<std::uint32_t>(length);
  return result;
}

}  // namespace

Converted<std::int64_t> ConvertInt(std::string_view text) {
  std::int64_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return Fail<std::int64_t>("not a whole number", 0, text.size());
    if (!PushDigit(value, c)) {
      return Fail<std::int64_t>("the number " +
                                    std::string(text.size() > 40 ? text.substr(0, 37) : text) +
                                    (text.size() > 40 ? "..." : "") +
                                    " is too large (the largest is 9223372036854775807)",
                                0, text.size());
    }
  }
  if (text.empty()) return Fail<std::int64_t>("not a whole number", 0, 0);
  return {value, {}, 0, 0};
}

Converted<std::int64_t> ConvertMoney(std::string_view text) {
  static constexpr std::string_view kEuroSign = "\xE2\x82\xAC";
  bool dutch = text.substr(0, kEuroSign.size()) == kEuroSign;
  std::size_t pos = 0;
  std::size_t end = text.size();
  if (dutch) {
    pos = kEuroSign.size();
    while (pos < end && text[pos] == ' ') ++pos;
  } else {
    // "<amount> EUR": drop the currency and the spaces before it.
    if (end < 3 || text.substr(end - 3) != "EUR") {
      return Fail<std::int64_t>("an amount is written €250 or 250 EUR", 0, text.size());
    }
    end -= 3;
    while (end > 0 && text[end - 1] == ' ') --end;
  }
  // Dutch after `€` (1.234,56), English before `EUR` (1,234.56).
  const char group_separator = dutch ? '.' : ',';
  const char decimal_separator = dutch ? ',' : '.';
  const std::string example = dutch ? "€1.234,56" : "1,234.56 EUR";
  const std::size_t amount_begin = pos;

  std::int64_t euros = 0;
  std::size_t leading_digits = 0;
  while (pos < end && IsDigit(text[pos])) {
    if (!PushDigit(euros, text[pos])) {
      return Fail<std::int64_t>("the amount is too large", amount_begin, end - amount_begin);
    }
    ++pos;
    ++leading_digits;
  }
  if (leading_digits == 0) {
    return Fail<std::int64_t>("an amount needs digits, as in " + example, amount_begin,
                              end - amount_begin);
  }
  bool grouped = false;
  while (pos < end && text[pos] == group_separator) {
    // A group of exactly three digits, after at most three leading digits.
    if (!grouped && leading_digits > 3) {
      return Fail<std::int64_t>(
          std::string(dutch ? "after `€` a dot groups thousands and a comma starts the cents"
                            : "before `EUR` a comma groups thousands and a dot starts the cents") +
              ", as in " + example,
          pos, 1);
    }
    grouped = true;
    ++pos;
    std::size_t group_digits = 0;
    while (pos < end && IsDigit(text[pos])) {
      if (!PushDigit(euros, text[pos])) {
        return Fail<std::int64_t>("the amount is too large", amount_begin, end - amount_begin);
      }
      ++pos;
      ++group_digits;
    }
    if (group_digits != 3) {
      return Fail<std::int64_t>("a group of thousands has three digits, as in " + example,
                                pos - group_digits, group_digits);
    }
  }
  std::int64_t cents = 0;
  if (pos < end && text[pos] == decimal_separator) {
    ++pos;
    std::size_t decimals = 0;
    while (pos < end && IsDigit(text[pos])) {
      if (decimals < 2) cents = cents * 10 + (text[pos] - '0');
      ++pos;
      ++decimals;
    }
    if (decimals == 0 || decimals > 2) {
      return Fail<std::int64_t>("cents are written with one or two digits, as in " + example,
                                pos - decimals, decimals);
    }
    if (decimals == 1) cents *= 10;
  }
  if (pos != end) {
    return Fail<std::int64_t>("the amount goes on after its cents; write it as in " + example, pos,
                              end - pos);
  }
  if (euros > (kMax - cents) / 100) {
    return Fail<std::int64_t>("the amount is too large", amount_begin, end - amount_begin);
  }
  return {euros * 100 + cents, {}, 0, 0};
}

Converted<std::string> ConvertString(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
    return Fail<std::string>("a text is written between double quotes", 0, text.size());
  }
  std::string value;
  value.reserve(text.size() - 2);
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (c != '\\') {
      value.push_back(c);
      continue;
    }
    char next = text[i + 1];
    if (i + 2 == text.size()) next = '\0';  // the backslash escapes the closing quote
    switch (next) {
      case '"':
        value.push_back('"');
        break;
      case '\\':
        value.push_back('\\');
        break;
      case 'n':
        value.push_back('\n');
        break;
      default: {
        // Cover the whole (possibly multi-byte) escaped character.
        std::size_t length = 2;
        while (i + length < text.size() - 1 &&
               (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) {
          ++length;
        }
        return Fail<std::string>(
            "unknown escape; inside quotes only \\\", \\\\ and \\n are allowed", i, length);
      }
    }
    ++i;
  }
  return {std::move(value), {}, 0, 0};
}

}  // namespace loket::syntax
