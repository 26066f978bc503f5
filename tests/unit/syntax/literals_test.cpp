#include "syntax/literals.h"

#include <catch2/catch.hpp>

#include "syntax/input_checks.h"

using namespace loket::syntax;

TEST_CASE("Literals: money in Dutch and English notation, to cents", "[syntax]") {
  CHECK(ConvertMoney("€250").value == 25000);
  CHECK(ConvertMoney("€ 50").value == 5000);
  CHECK(ConvertMoney("€1.234,56").value == 123456);
  CHECK(ConvertMoney("€1.234.567").value == 123456700);
  CHECK(ConvertMoney("€1234,5").value == 123450);
  CHECK(ConvertMoney("€0,07").value == 7);
  CHECK(ConvertMoney("250 EUR").value == 25000);
  CHECK(ConvertMoney("1234.56 EUR").value == 123456);
  CHECK(ConvertMoney("1234.5  EUR").value == 123450);
  CHECK(ConvertMoney("1,234.56 EUR").value == 123456);
}

TEST_CASE("Literals: malformed money is rejected with the place of the problem", "[syntax]") {
  auto misgrouped = ConvertMoney("€1234.567");  // a dot after four digits is no group
  CHECK_FALSE(misgrouped.value);
  CHECK(misgrouped.error_at == 7);
  auto short_group = ConvertMoney("€1.23");
  CHECK_FALSE(short_group.value);
  CHECK(short_group.error.find("three digits") != std::string::npos);
  CHECK_FALSE(ConvertMoney("€").value);
  CHECK_FALSE(ConvertMoney("1234.567 EUR").value);
  CHECK_FALSE(ConvertMoney("1.234,56 EUR").value);  // Dutch notation belongs after `€`
  CHECK_FALSE(ConvertMoney("€1,23.456").value);
  CHECK_FALSE(ConvertMoney("€1,99999999999999999999999").value);  // many decimals, no overflow
  CHECK_FALSE(ConvertMoney("€99999999999999999999").value);
  CHECK_FALSE(ConvertMoney("92233720368547758.08 EUR").value);
  CHECK(ConvertMoney("92233720368547758.07 EUR").value == 9223372036854775807);
}

TEST_CASE("Literals: integers must fit 64 bits", "[syntax]") {
  CHECK(ConvertInt("0").value == 0);
  CHECK(ConvertInt("9223372036854775807").value == 9223372036854775807);
  auto overflow = ConvertInt("9223372036854775808");
  CHECK_FALSE(overflow.value);
  CHECK(overflow.error.find("too large") != std::string::npos);
}

TEST_CASE("Literals: strings understand the escapes of a quote, a backslash and a newline only",
          "[syntax]") {
  CHECK(ConvertString(R"("plain")").value == "plain");
  CHECK(ConvertString(R"("say \"hi\"")").value == "say \"hi\"");
  CHECK(ConvertString(R"("a\\b")").value == "a\\b");
  CHECK(ConvertString(R"("line\nbreak")").value == "line\nbreak");
  CHECK(ConvertString(R"("")").value == "");
  auto bad = ConvertString(R"("tab\there")");
  CHECK_FALSE(bad.value);
  CHECK(bad.error_at == 4);
  CHECK(bad.error_length == 2);
}

TEST_CASE("Input checks: UTF-8 validation finds the first bad byte", "[syntax]") {
  CHECK_FALSE(FindInvalidUtf8("plain ascii"));
  CHECK_FALSE(FindInvalidUtf8("\xE2\x82\xAC 250, caf\xC3\xA9, \xF0\x9F\x98\x80"));
  CHECK(FindInvalidUtf8("ab\xFF") == 2u);
  CHECK(FindInvalidUtf8("a\xC3") == 1u);             // truncated sequence
  CHECK(FindInvalidUtf8("\xC0\xAF") == 0u);          // overlong '/'
  CHECK(FindInvalidUtf8("x\xED\xA0\x80") == 1u);     // a UTF-16 surrogate
  CHECK(FindInvalidUtf8("\xF4\x90\x80\x80") == 0u);  // above U+10FFFF
  CHECK(FindInvalidUtf8("ok\x80") == 2u);            // continuation without lead
  CHECK(FindNulByte(std::string_view("ab\0c", 4)) == 2u);
  CHECK_FALSE(FindNulByte("abc"));
}

TEST_CASE("Input checks: UTF-8 prefixes never split a character", "[syntax]") {
  CHECK(Utf8Prefix("abc", 10) == "abc");
  CHECK(Utf8Prefix("abcdef", 3) == "abc");
  CHECK(Utf8Prefix("a\xE2\x82\xAC"
                   "b",
                   2) == "a");
  CHECK(Utf8Prefix("a\xE2\x82\xAC"
                   "b",
                   3) == "a");
  CHECK(Utf8Prefix("a\xE2\x82\xAC"
                   "b",
                   4) == "a\xE2\x82\xAC");
}
