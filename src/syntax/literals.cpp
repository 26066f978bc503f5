#include "syntax/literals.h"

#include <limits>
#include <utility>

#include "support/money.h"

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
  support::MoneyLiteral literal = support::ParseMoneyLiteral(text);
  if (literal.cents) return {literal.cents, {}, 0, 0};
  return Fail<std::int64_t>(std::move(literal.error), literal.error_at, literal.error_length);
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
