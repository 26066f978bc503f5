#include "support/money.h"

#include <climits>
#include <cstdint>
#include <random>

#include <catch2/catch.hpp>

#include "support/date.h"

using namespace loket::support;

TEST_CASE("Money: formatted for people the way the rules write it", "[support][money]") {
  CHECK(FormatMoney(0) == "€0");
  CHECK(FormatMoney(5) == "€0,05");
  CHECK(FormatMoney(50) == "€0,50");
  CHECK(FormatMoney(25000) == "€250");
  CHECK(FormatMoney(123456) == "€1.234,56");
  CHECK(FormatMoney(100000000) == "€1.000.000");
  CHECK(FormatMoney(-500) == "-€5");
  CHECK(FormatMoney(-123456) == "-€1.234,56");
  CHECK(FormatMoney(INT64_MAX) == "€92.233.720.368.547.758,07");
  CHECK(FormatMoney(INT64_MIN) == "-€92.233.720.368.547.758,08");
  CHECK(FormatMoney(100000, CentsShown::kAlways) == "€1.000,00");
  CHECK(FormatMoney(-5, CentsShown::kAlways) == "-€0,05");
}

TEST_CASE("Money: as a decimal number for JSON and YAML", "[support][money]") {
  CHECK(FormatMoneyDecimal(0) == "0");
  CHECK(FormatMoneyDecimal(180000) == "1800");
  CHECK(FormatMoneyDecimal(180050) == "1800.50");
  CHECK(FormatMoneyDecimal(180005) == "1800.05");
  CHECK(FormatMoneyDecimal(-5) == "-0.05");
  CHECK(FormatMoneyDecimal(-100) == "-1");
  CHECK(FormatMoneyDecimal(INT64_MAX) == "92233720368547758.07");
  CHECK(FormatMoneyDecimal(INT64_MIN) == "-92233720368547758.08");
  CHECK(FormatMoneyDecimal(100000, CentsShown::kAlways) == "1000.00");
  CHECK(FormatMoneyDecimal(INT64_MIN, CentsShown::kAlways) == "-92233720368547758.08");
  std::string out = "x=";
  AppendMoneyDecimal(out, 1250);
  CHECK(out == "x=12.50");
}

TEST_CASE("Money: input in every notation a case may use", "[support][money]") {
  CHECK(ParseMoneyInput("1800") == 180000);
  CHECK(ParseMoneyInput("1800.5") == 180050);
  CHECK(ParseMoneyInput("1800.50") == 180050);
  CHECK(ParseMoneyInput("1800,5") == 180050);
  CHECK(ParseMoneyInput("€1.800,50") == 180050);
  CHECK(ParseMoneyInput("€1.800") == 180000);
  CHECK(ParseMoneyInput("€1800.50") == 180050);
  CHECK(ParseMoneyInput("€1.80") == 180);  // a lone dot before two digits is a decimal point
  CHECK(ParseMoneyInput("€ 250") == 25000);
  CHECK(ParseMoneyInput("250 EUR") == 25000);
  CHECK(ParseMoneyInput("250 eur") == 25000);
  CHECK(ParseMoneyInput("1.800,50 EUR") == 180050);
  CHECK(ParseMoneyInput("  -12.30 ") == -1230);
  CHECK(ParseMoneyInput("-€5") == -500);
  CHECK(ParseMoneyInput("€-5") == -500);
  CHECK(ParseMoneyInput("+7") == 700);
}

TEST_CASE("Money: malformed input is no amount", "[support][money]") {
  CHECK_FALSE(ParseMoneyInput(""));
  CHECK_FALSE(ParseMoneyInput("€"));
  CHECK_FALSE(ParseMoneyInput("-"));
  CHECK_FALSE(ParseMoneyInput("1.800"));     // a group or a decimal point? neither is sure
  CHECK_FALSE(ParseMoneyInput("1800.505"));  // cents have at most two digits: no rounding
  CHECK_FALSE(ParseMoneyInput("1800,505"));
  CHECK_FALSE(ParseMoneyInput("1800."));
  CHECK_FALSE(ParseMoneyInput("€1.8000"));       // groups have three digits
  CHECK_FALSE(ParseMoneyInput("€1234.567"));     // at most three digits before the first group
  CHECK_FALSE(ParseMoneyInput("1,234.56 EUR"));  // a comma makes it Dutch
  CHECK_FALSE(ParseMoneyInput("--5"));
  CHECK_FALSE(ParseMoneyInput("-€-5"));
  CHECK_FALSE(ParseMoneyInput("12a"));
  CHECK_FALSE(ParseMoneyInput("1E3"));
}

TEST_CASE("Money: the extremes of an int64 parse exactly, one cent beyond does not",
          "[support][money]") {
  CHECK(ParseMoneyInput("92233720368547758.07") == INT64_MAX);
  CHECK_FALSE(ParseMoneyInput("92233720368547758.08"));
  CHECK(ParseMoneyInput("-92233720368547758.08") == INT64_MIN);
  CHECK_FALSE(ParseMoneyInput("-92233720368547758.09"));
  CHECK(ParseMoneyInput("-€92.233.720.368.547.758,08") == INT64_MIN);
  CHECK_FALSE(ParseMoneyInput("99999999999999999999"));
  CHECK_FALSE(ParseMoneyInput("-99999999999999999999999999"));
  CHECK_FALSE(ParseMoneyInput("1,99999999999999999999999"));
}

TEST_CASE("Money: every amount formats and parses back to itself", "[support][money]") {
  std::mt19937_64 random(12);
  for (int i = 0; i < 20000; ++i) {
    std::int64_t cents = static_cast<std::int64_t>(random());
    if (i % 3 == 0) cents %= 1000000;
    if (i == 0) cents = INT64_MIN;
    if (i == 1) cents = INT64_MAX;
    INFO(cents);
    CHECK(ParseMoneyInput(FormatMoney(cents)) == cents);
    CHECK(ParseMoneyInput(FormatMoneyDecimal(cents)) == cents);
    CHECK(ParseMoneyInput(FormatMoney(cents, CentsShown::kAlways)) == cents);
    CHECK(ParseMoneyInput(FormatMoneyDecimal(cents, CentsShown::kAlways)) == cents);
  }
}

TEST_CASE("Money: literals of the language, with the place of a problem", "[support][money]") {
  CHECK(ParseMoneyLiteral("€1.234,56").cents == 123456);
  CHECK(ParseMoneyLiteral("1,234.56 EUR").cents == 123456);
  CHECK(ParseMoneyLiteral("92233720368547758.07 EUR").cents == INT64_MAX);
  MoneyLiteral too_large = ParseMoneyLiteral("92233720368547758.08 EUR");
  CHECK_FALSE(too_large.cents);
  CHECK(too_large.error == "the amount is too large");
  MoneyLiteral negative = ParseMoneyLiteral("€-5");  // a literal has no sign; `-` is an operator
  CHECK_FALSE(negative.cents);
  MoneyLiteral decimals = ParseMoneyLiteral("€1,234");
  CHECK_FALSE(decimals.cents);
  CHECK(decimals.error_at == 5);
  CHECK(decimals.error_length == 3);
}

TEST_CASE("Date: appended as ISO text, also outside the four-digit years", "[support]") {
  std::string out;
  AppendIsoDate(out, *ParseIsoDate("2024-02-29"));
  CHECK(out == "2024-02-29");
  CHECK(FormatIsoDate(INT32_MAX) == "5881580-07-11");
  CHECK(FormatIsoDate(INT32_MIN) == "-5877641-06-23");
}
