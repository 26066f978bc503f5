// The checker's calendar (date + months/years with month-end clamping, years_between) against
// the evaluator's, on dates chosen where calendars go wrong: month ends, 29 February, century
// years, year boundaries, negative offsets. Each value is asked of the solver with the date
// pinned by a constraint (not a literal), so the symbolic encoding is what is tested.
#include <catch2/catch.hpp>

#include <z3++.h>

#include "analysis/encoder.h"
#include "analysis_helpers.h"
#include "eval/interpreter.h"
#include "support/date.h"

using loket::analysis::Encoder;
using loket::analysis::Variables;
using loket::analysis::testing::Check;

namespace {

const char* kCalendar = R"L(layer national "Nederland"
fact x: date "a date"
let plus_1_month: date = x + 1 month
let plus_13_months: date = x + 13 months
let minus_1_month: date = x - 1 month
let minus_13_months: date = x - 13 months
let plus_1_year: date = x + 1 year
let plus_4_years: date = x + 4 years
let minus_1_year: date = x - 1 year
let plus_100_years: date = x + 100 years
let age: int = years_between(x, reference_date)
let age_back: int = years_between(reference_date, x)
)L";

loket::support::DayNumber Day(int y, int m, int d) {
  return loket::support::DaysFromCivil({y, m, d});
}

std::int64_t Months(const std::string& let) {
  if (let == "plus_1_month") return 1;
  if (let == "plus_13_months") return 13;
  if (let == "minus_1_month") return -1;
  if (let == "minus_13_months") return -13;
  if (let == "plus_1_year") return 12;
  if (let == "plus_4_years") return 48;
  if (let == "minus_1_year") return -12;
  return 1200;  // plus_100_years
}

}  // namespace

TEST_CASE("the checker's calendar arithmetic equals the evaluator's", "[analysis][calendar]") {
  auto checked = Check({{"national.loket", kCalendar}});
  INFO(checked->Dump());
  REQUIRE(checked->model);
  const loket::sema::Layer& layer = *checked->model->layers.at(0);
  z3::context ctx;
  Variables vars(ctx);
  Encoder enc(vars, *checked->model, checked->model->Chain(layer), "test");
  const loket::ast::FactDecl* x = layer.facts.at(0);
  z3::expr x_var = vars.Fact(x, 0).scalar;

  std::vector<loket::support::DayNumber> dates = {
      Day(2024, 2, 29),  Day(2023, 2, 28), Day(2024, 1, 31), Day(2024, 3, 31), Day(2023, 12, 31),
      Day(2025, 1, 1),   Day(1900, 2, 28), Day(2000, 2, 29), Day(2100, 2, 28), Day(1999, 12, 31),
      Day(2024, 12, 31), Day(1970, 1, 1),  Day(2400, 2, 29), Day(1, 3, 1),     Day(2024, 10, 31)};
  std::vector<loket::support::DayNumber> references = {
      Day(2025, 2, 28), Day(2025, 3, 1), Day(2024, 2, 28), Day(2028, 2, 29), Day(2000, 1, 1)};
  z3::solver solver(ctx);
  solver.add(enc.Axioms());
  int compared = 0;
  for (loket::support::DayNumber date : dates) {
    for (loket::support::DayNumber reference : references) {
      solver.push();
      solver.add(x_var == ctx.int_val(static_cast<int64_t>(date)));
      solver.add(vars.date() == ctx.int_val(static_cast<int64_t>(reference)));
      std::vector<std::pair<const loket::ast::LetDecl*, z3::expr>> terms;
      for (const loket::ast::LetDecl* let : layer.lets) {
        terms.emplace_back(let, enc.Encode(*let->value).scalar);
      }
      solver.add(enc.SideConstraints());
      REQUIRE(solver.check() == z3::sat);
      z3::model model = solver.get_model();
      for (const auto& [let, term] : terms) {
        std::int64_t got = 0;
        REQUIRE(model.eval(term, true).is_numeral_i64(got));
        std::int64_t want = 0;
        if (let->name == "age") {
          want = loket::eval::YearsBetween(date, reference);
        } else if (let->name == "age_back") {
          want = loket::eval::YearsBetween(reference, date);
        } else {
          want = loket::support::AddMonths(date, Months(let->name));
        }
        INFO(let->name << " of " << loket::support::FormatIsoDate(date) << " on "
                       << loket::support::FormatIsoDate(reference));
        CHECK(got == want);
        ++compared;
      }
      solver.pop();
    }
  }
  CHECK(compared == 15 * 5 * 10);
}

// The two ways to say "less than a year" differ only for a 29 February permit on 28 February;
// the checker must find that one case (it took minutes before the calendar was encoded
// without division).
TEST_CASE("years_between and adding a year differ only on 29 February", "[analysis][calendar]") {
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact permit_since: date "date the residence permit was granted"
decision newcomer: bool default false "newcomer"
rule r.new "Wet X, art. 1"
  when years_between(permit_since, reference_date) < 1
  then newcomer = true
rule r.old "Wet X, art. 2"
  when permit_since + 1 year <= reference_date
  then newcomer = false
)L"}});
  INFO(checked->Dump());
  REQUIRE(checked->Codes() == std::vector<std::string>{"L501"});
  const auto& witness = checked->findings.at(0).witnesses.at(0);
  CHECK(witness.case_yaml.find("-02-29") != std::string::npos);
  CHECK(witness.date.substr(4) == "-02-28");
  CHECK(witness.replay.find("conflict") != std::string::npos);
}
