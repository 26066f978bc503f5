// Money as text: the one place that reads and writes amounts. Amounts are whole cents in an
// int64 (docs/language.md: exact amounts in euro cents, one or two decimals, no rounding).
// Every amount an int64 holds, INT64_MIN included, formats and parses back to itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loket::support {

// A money literal of the rule language (docs/language.md): `€1.234,56`, `€ 50`, `€0,5`,
// `250 EUR`, `1,234.56 EUR`. Dutch notation after `€`, English before `EUR`; groups of three
// digits, one or two decimals, no sign. On failure `error` says what is wrong and
// `error_at`/`error_length` where, in bytes of `text`.
struct MoneyLiteral {
  std::optional<std::int64_t> cents;
  std::string error;
  std::size_t error_at = 0;
  std::size_t error_length = 0;
};
MoneyLiteral ParseMoneyLiteral(std::string_view text);

// Money as people give it in cases and test expectations: `1800`, `1800.5`, `-12.30`,
// `€1.800,50`, `€ 250`, `-€5`, `250 EUR`, `1.800,50 EUR`. A comma makes the notation Dutch;
// a lone dot with one or two digits after it is a decimal point; after `€` or before `EUR`
// a dot otherwise groups thousands. Empty when the text is no amount or does not fit.
std::optional<std::int64_t> ParseMoneyInput(std::string_view text);

// Whether whole euros are written with ",00" / ".00". Answers leave them off; a witness case
// shows them, so a reader sees an amount, not a count.
enum class CentsShown { kWhenNotZero, kAlways };

// For people, as the rules write it: €1.234,56, -€5, €0,05.
std::string FormatMoney(std::int64_t cents, CentsShown shown = CentsShown::kWhenNotZero);

// As a decimal number of euros, for JSON and YAML: 1800, 1800.50, -0.05.
void AppendMoneyDecimal(std::string& out, std::int64_t cents,
                        CentsShown shown = CentsShown::kWhenNotZero);
std::string FormatMoneyDecimal(std::int64_t cents, CentsShown shown = CentsShown::kWhenNotZero);

}  // namespace loket::support
