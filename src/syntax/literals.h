// Converting literal tokens to values. Pure functions on the token text, so they are tested
// without a parser. Each returns an error message (for the caller's diagnostic) on bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loket::syntax {

template <typename T>
struct Converted {
  std::optional<T> value;
  std::string error;           // set when value is absent
  std::uint32_t error_at = 0;  // byte offset of the problem within the token text
  std::uint32_t error_length = 0;
};

// A decimal integer literal; fails when it does not fit in 64 bits.
Converted<std::int64_t> ConvertInt(std::string_view text);

// `€250`, `€ 1.234,56`, `€1,5`, `250 EUR`, `1234.56 EUR` to cents. Dutch notation after `€`
// (dot groups thousands, comma separates cents); English notation before `EUR`. The reading
// itself is support::ParseMoneyLiteral's.
Converted<std::int64_t> ConvertMoney(std::string_view text);

// A quoted string with its quotes; understands \" \\ and \n.
Converted<std::string> ConvertString(std::string_view text);

}  // namespace loket::syntax
