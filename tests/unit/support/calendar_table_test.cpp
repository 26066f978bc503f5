// loket's calendar against a table computed outside the project (data/calendar_table.csv,
// written by data/make_calendar_table.py with Python's datetime and calendar): day numbers,
// month arithmetic with end-of-month clamping, and ages by `years_between` (29 February
// included). Checked: support/date (parsing, formatting, AddMonths), the evaluator's
// years_between and month addition, `years_between` through a compiled program, and the
// reference interpreter's own calendar (tests/unit/differential/reference_calendar.h).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
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

TEST_CASE(
    "Calendar: years_between from a constant date through a compiled program equals the "
    "table",
    "[support]") {
  // One decision per distinct first date of the table, each `years_between(<literal>, on)`:
  // the compiler computes the literal's civil form once (kYearsSinceImm).
  const std::vector<Row> rows = ReadTable();
  std::map<std::string, int> from_dates;
  std::string text = "layer national \"Nederland\"\nfact on: date \"a later or earlier date\"\n";
  for (const Row& row : rows) {
    if (row.kind != "years_between" || from_dates.count(row.a) > 0) continue;
    const int index = static_cast<int>(from_dates.size());
    from_dates.emplace(row.a, index);
    text += "decision age_" + std::to_string(index) + ": int default years_between(" + row.a +
            ", on) \"age\"\n";
  }
  REQUIRE(from_dates.size() > 400);
  loket::LoadOptions options;
  options.analyze_conflicts = false;
  loket::RuleBase rule_base = loket::RuleBase::FromSources({{"national.loket", text}}, options);
  REQUIRE_FALSE(rule_base.has_errors());
  loket::Result<loket::Program> program = rule_base.Compile("national");
  REQUIRE(program.ok());
  loket::Case facts = program->NewCase();
  loket::Outcome outcome;
  const int on = program->FactSlot("on");
  int ages = 0;
  for (const Row& row : rows) {
    if (row.kind != "years_between") continue;
    ++ages;
    facts.Clear();
    facts.SetRaw(on, Day(row.b));
    program->Evaluate(facts, *loket::Date::Parse("2025-01-01"), outcome);
    INFO(row.a << " to " << row.b);
    REQUIRE(outcome.ok());
    const int age = program->DecisionIndex("age_" + std::to_string(from_dates.at(row.a)));
    CHECK(outcome.raw(age) == std::stol(row.result));
  }
  CHECK(ages > 5000);
}

TEST_CASE("Calendar: the evaluator's year counter gives YearsBetween's result for any day numbers",
          "[support]") {
  // Within int32 the counter subtracts civil keys, remembering its last conversion; beyond,
  // it falls back to YearsBetween (which truncates day numbers to int32). One counter serves
  // the whole sequence, so remembered conversions are reused across calls as in a code block.
  const std::int64_t edges[] = {std::numeric_limits<std::int64_t>::min(),
                                -(std::int64_t{1} << 40),
                                std::int64_t{std::numeric_limits<std::int32_t>::min()} - 1,
                                std::numeric_limits<std::int32_t>::min(),
                                std::int64_t{std::numeric_limits<std::int32_t>::min()} + 365,
                                -719162,  // 0001-01-01
                                -25567,   // 1900-01-01
                                -1,
                                0,
                                59,       // 1970-03-01
                                11016,    // 2000-02-29
                                11382,    // 2001-02-28
                                11383,    // 2001-03-01
                                2932896,  // 9999-12-31
                                std::int64_t{std::numeric_limits<std::int32_t>::max()} - 365,
                                std::numeric_limits<std::int32_t>::max(),
                                std::int64_t{std::numeric_limits<std::int32_t>::max()} + 1,
                                (std::int64_t{1} << 32) + 11016,
                                std::numeric_limits<std::int64_t>::max()};
  loket::eval::YearsCounter counter;
  int checked = 0;
  for (std::int64_t from : edges) {
    for (std::int64_t to : edges) {
      INFO(from << " to " << to);
      CHECK(counter.Between(from, to) == loket::eval::YearsBetween(from, to));
      ++checked;
    }
  }
  // Every pair of days over eight years around a leap day, from a constant date's key too.
  for (std::int64_t from = 10600; from < 10600 + 8 * 366; from += 7) {
    const std::int64_t from_key =
        loket::support::CivilKey(loket::support::CivilFromDays(static_cast<DayNumber>(from)));
    for (std::int64_t to = 10600 - 400; to < 10600 + 8 * 366 + 400; to += 3) {
      const std::int64_t want = loket::eval::YearsBetween(from, to);
      if (counter.Between(from, to) != want || counter.Since(from, from_key, to) != want) {
        FAIL_CHECK(from << " to " << to << ": want " << want);
      }
      ++checked;
    }
    for (std::int64_t to : edges) {
      INFO(from << " to " << to);
      CHECK(counter.Since(from, from_key, to) == loket::eval::YearsBetween(from, to));
    }
  }
  CHECK(checked > 100000);
}
