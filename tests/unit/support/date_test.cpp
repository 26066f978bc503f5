#include "support/date.h"

#include <catch2/catch.hpp>

using namespace loket::support;

TEST_CASE("Date: ISO round trip and calendar checks", "[support]") {
  REQUIRE(ParseIsoDate("1970-01-01") == 0);
  REQUIRE(FormatIsoDate(*ParseIsoDate("2024-02-29")) == "2024-02-29");
  REQUIRE_FALSE(ParseIsoDate("2023-02-29"));
  REQUIRE_FALSE(ParseIsoDate("2023-13-01"));
  REQUIRE_FALSE(ParseIsoDate("2023-1-01"));
  REQUIRE(*ParseIsoDate("2000-03-01") - *ParseIsoDate("2000-02-28") == 2);
}

TEST_CASE("Date: adding months clamps to the end of the month", "[support]") {
  REQUIRE(FormatIsoDate(AddMonths(*ParseIsoDate("2024-01-31"), 1)) == "2024-02-29");
  REQUIRE(FormatIsoDate(AddMonths(*ParseIsoDate("2023-01-31"), 1)) == "2023-02-28");
  REQUIRE(FormatIsoDate(AddMonths(*ParseIsoDate("2024-02-29"), 12)) == "2025-02-28");
  REQUIRE(FormatIsoDate(AddMonths(*ParseIsoDate("2024-03-15"), -3)) == "2023-12-15");
  REQUIRE(FormatIsoDate(AddMonths(*ParseIsoDate("2022-01-01"), 36)) == "2025-01-01");
}
