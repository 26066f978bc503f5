// loket's calendar against a table computed outside the project (data/calendar_table.csv,
// written by data/make_calendar_table.py with Python's datetime and calendar): day numbers,
// month arithmetic with end-of-month clamping, and ages by `years_between` (29 February
// included). Checked: support/date (parsing, formatting, AddMonths), the evaluator's
// years_between and month addition, `years_between` through a compiled program, and the
// reference interpreter's own calendar (tests/unit/differential/reference_calendar.h).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../differential/reference_calendar.h"
#include "eval/interpreter.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "support/date.h"

namespace {

using loket::support::DayNumber;
namespace refcal = loket::difftest::refcal;

struct Row {
  std::string kind;
  std::string a, b, result;
};

std::vector<Row> ReadTable() {
  std::ifstream in(std::string(LOKET_SOURCE_DIR) + "/tests/unit/support/data/calendar_table.csv");
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Row row;
    std::getline(fields, row.kind, ',');
    std::getline(fields, row.a, ',');
    std::getline(fields, row.b, ',');
    std::getline(fields, row.result, ',');
    rows.push_back(row);
  }
  return rows;
}

DayNumber Day(const std::string& iso) {
  std::optional<DayNumber> day = loket::support::ParseIsoDate(iso);
  REQUIRE(day.has_value());
  return *day;
}

}  // namespace

TEST_CASE("Calendar: day numbers, month arithmetic and ages equal the independent table",
          "[support]") {
  const std::vector<Row> rows = ReadTable();
  int days = 0, months = 0, ages = 0;
  for (const Row& row : rows) {
    INFO(row.kind << "," << row.a << "," << row.b << "," << row.result);
    if (row.kind == "days") {
      ++days;
      const DayNumber want = DayNumber(std::stol(row.b));
      CHECK(Day(row.a) == want);
      CHECK(loket::support::FormatIsoDate(want) == row.a);
      const refcal::YearMonthDay civil = refcal::FromDays(want);
      CHECK(refcal::ToDays(civil) == want);
      char text[32];
      std::snprintf(text, sizeof text, "%04lld-%02d-%02d", static_cast<long long>(civil.year),
                    civil.month, civil.day);
      CHECK(std::string(text) == row.a);
    } else if (row.kind == "add_months") {
      ++months;
      const std::int64_t by = std::stol(row.b);
      const DayNumber want = Day(row.result);
      CHECK(loket::support::AddMonths(Day(row.a), by) == want);
      bool overflow = false;
      CHECK(loket::eval::AddMonthsChecked(Day(row.a), by, overflow) == want);
      CHECK_FALSE(overflow);
      CHECK(refcal::PlusMonths(Day(row.a), by) == want);
    } else if (row.kind == "years_between") {
      ++ages;
      const std::int64_t want = std::stol(row.result);
      CHECK(loket::eval::YearsBetween(Day(row.a), Day(row.b)) == want);
      CHECK(refcal::YearsBetween(Day(row.a), Day(row.b)) == want);
    } else {
      FAIL("unknown row kind");
    }
  }
  // The table is there and covers each kind (a lost file must not pass as an empty table).
  CHECK(days > 400);
  CHECK(months > 2000);
  CHECK(ages > 5000);
}

TEST_CASE("Calendar: years_between through a compiled program equals the table", "[support]") {
  loket::LoadOptions options;
  options.analyze_conflicts = false;
  loket::RuleBase rule_base = loket::RuleBase::FromSources({{"national.loket", R"L(
layer national "Nederland"
fact born: date "birth date"
fact on: date "a later or earlier date"
decision age: int default years_between(born, on) "age"
)L"}},
                                                           options);
  REQUIRE_FALSE(rule_base.has_errors());
  loket::Result<loket::Program> program = rule_base.Compile("national");
  REQUIRE(program.ok());
  loket::Case facts = program->NewCase();
  loket::Outcome outcome;
  const int born = program->FactSlot("born"), on = program->FactSlot("on");
  const int age = program->DecisionIndex("age");
  int ages = 0;
  for (const Row& row : ReadTable()) {
    if (row.kind != "years_between") continue;
    ++ages;
    facts.Clear();
    facts.SetRaw(born, Day(row.a));
    facts.SetRaw(on, Day(row.b));
    program->Evaluate(facts, *loket::Date::Parse("2025-01-01"), outcome);
    INFO(row.a << " to " << row.b);
    REQUIRE(outcome.ok());
    CHECK(outcome.raw(age) == std::stol(row.result));
  }
  CHECK(ages > 5000);
}
