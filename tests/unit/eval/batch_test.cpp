// Batches (Program::EvaluateBatch, EvaluateRows, CaseTable) decide every case exactly as
// Program::Evaluate does, on the column-wise path and off it: gaps, conflicts, absent facts,
// values outside the declared ranges, another program's cases, partial blocks, outcomes reused
// across programs and dates. Also: the column-wise passes' variants agree with the plain ones.
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "compile/program.h"
#include "eval/columns.h"
#include "eval/engine.h"
#include "eval/program_access.h"
#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

// Simple rules only, so the programs are column-wise; `route` can be a gap or a conflict,
// `level` a conflict or agreeing winners.
const char* kColumnar = R"(layer national "Test"

enum Kind { a, b, c, d }
enum Route { none, low, high }
enum Service { intake, desk, course, housing, local }

fact age: int in 0..120
fact kind: Kind
fact member: bool
fact income: int in 0..100000
fact remark: int in 0..10 optional

param limit: int = 30 from 2020-01-01 = 40 from 2024-01-01

let adult = age >= 18 or (member and income < 1000)
let threshold = if age >= 30 then 5000 else 3000

decision eligible: bool default false
decision route: Route
decision level: int default 0
decision services: set of Service collect delegated to municipality

rule r.eligible "Test"
  when adult and kind in {a, b}
  then eligible = true

rule r.low "Test"
  when eligible and age < 40
  then route = low

rule r.high "Test"
  when eligible and age >= 35
  then route = high

rule r.none "Test"
  when not eligible and kind != d
  then route = none

rule r.level_income "Test"
  when income < threshold
  then level = 1

rule r.level_kind "Test"
  when kind == c
  then level = 1

rule r.level_member "Test"
  when member and kind == d
  then level = 2

rule r.intake "Test"
  when eligible
  then services += {intake}

rule r.desk "Test"
  when income < threshold
  then services += {desk}

rule r.course "Test"
  when age < limit
  then services += {course}

rule r.housing "Test"
  when known(remark)
  then services += {housing}
)";

const char* kMunicipality = R"(layer municipality westland "Westland" under national

rule w.local "Test"
  when kind == b and age < 25
  then services += {local}
)";

// The same decisions with an exception: not column-wise, so batches go case by case.
const char* kWithException = R"(layer municipality delft "Delft" under national

rule d.no_intake "Test"
  exception to r.intake
  when age > 100
  then services += {local}
)";

// Cases of every kind: values in and out of the declared ranges, absent optional facts,
// absent required facts, and now and then a case of another program or of none.
std::vector<Case> MakeCases(const Program& program, const Program& other, int count,
                            std::uint64_t seed) {
  std::mt19937_64 random(seed);
  const int age = program.FactSlot("age");
  const int kind = program.FactSlot("kind");
  const int member = program.FactSlot("member");
  const int income = program.FactSlot("income");
  const int remark = program.FactSlot("remark");
  std::vector<Case> cases;
  for (int i = 0; i < count; ++i) {
    const std::uint64_t pick = random() % 100;
    if (pick == 0) {
      cases.push_back(other.NewCase());
      cases.back().SetInt(other.FactSlot("age"), 30);
      continue;
    }
    if (pick == 1) {
      cases.emplace_back();  // made by no program
      continue;
    }
    Case c = program.NewCase();
    c.SetInt(age, pick == 2 ? -3 : pick == 3 ? 500 : static_cast<std::int64_t>(random() % 121));
    c.SetEnum(kind, pick == 4 ? 9 : static_cast<int>(random() % 4));
    c.SetBool(member, random() % 2 == 0);
    c.SetInt(income,
             pick == 5 ? (std::int64_t{1} << 40) : static_cast<std::int64_t>(random() % 8000));
    if (random() % 10 < 7) c.SetInt(remark, static_cast<std::int64_t>(random() % 11));
    if (pick == 6) c.Unset(kind);  // a missing required fact: L605
    cases.push_back(std::move(c));
  }
  return cases;
}

void CheckSame(const Program& program, const std::vector<Case>& cases, Date on,
               const std::vector<Outcome>& got, const char* path) {
  Outcome expected;
  int differences = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    program.Evaluate(cases[i], on, expected);
    const std::string want = DescribeOutcome(program, expected);
    const std::string have = DescribeOutcome(program, got[i]);
    if (want != have && ++differences <= 3) {
      INFO(path << " case " << i << " on " << on.ToString() << "\nEvaluate:      " << want << "\n"
                << path << ": " << have);
      CHECK(want == have);
    }
  }
  CHECK(differences == 0);
}

struct Programs {
  RuleBase rules = Load({kColumnar, kMunicipality, kWithException});
  Program national = Compile(rules, "national");
  Program westland = Compile(rules, "westland");
  Program delft = Compile(rules, "delft");
};

TEST_CASE("batch: the test programs are column-wise where they should be", "[eval][batch]") {
  Programs p;
  CHECK(internal::ProgramAccess::Compiled(p.national).columnar);
  CHECK(internal::ProgramAccess::Compiled(p.westland).columnar);
  CHECK_FALSE(internal::ProgramAccess::Compiled(p.delft).columnar);
  // `remark` is read only by known(); `kind`, `age`, `member` and `income` by atoms.
  CHECK(internal::ProgramAccess::Compiled(p.national).column_facts.size() == 5);
}

TEST_CASE("batch: EvaluateBatch and EvaluateRows decide as Evaluate does", "[eval][batch]") {
  Programs p;
  for (const Program* program : {&p.national, &p.westland, &p.delft}) {
    const Program& other = program == &p.national ? p.westland : p.national;
    // 203 cases: three full blocks of 64 and a partial one of 11 (not a multiple of 4).
    const std::vector<Case> cases = MakeCases(*program, other, 203, 42);
    std::vector<Outcome> outcomes;
    // The same outcomes on two dates (the param `limit` changes) and after another program.
    for (const char* on : {"2023-06-01", "2025-06-01"}) {
      INFO("jurisdiction " << program->jurisdiction() << " on " << on);
      const std::uint64_t column_cases_before =
          outcomes.empty() ? 0 : internal::Engine::ScratchOf(outcomes[0]).column_cases;
      program->EvaluateBatch(cases, D(on), outcomes);
      CheckSame(*program, cases, D(on), outcomes, "EvaluateBatch");
      // The column-wise programs decide most cases column-wise (the rest have an absent fact,
      // a gap or a conflict, or belong to another program); the other goes one by one.
      const std::uint64_t column_cases =
          internal::Engine::ScratchOf(outcomes[0]).column_cases - column_cases_before;
      if (program == &p.delft) {
        CHECK(column_cases == 0);
      } else {
        CHECK(column_cases > cases.size() / 3);
      }
      // Straight after, the same outcomes on another date (the params' columns change).
      program->EvaluateBatch(cases, D("2024-02-01"), outcomes);
      CheckSame(*program, cases, D("2024-02-01"), outcomes, "EvaluateBatch");
      program->EvaluateBatch(cases, D(on), outcomes);
      CheckSame(*program, cases, D(on), outcomes, "EvaluateBatch");
      other.EvaluateBatch(MakeCases(other, *program, 70, 7), D(on), outcomes);

      CaseTable table = program->NewTable();
      for (const Case& c : cases)
        CHECK(table.Append(c) == (internal::ProgramAccess::CompiledOf(c) ==
                                  internal::ProgramAccess::CompiledOf(cases[1])));
      std::vector<Case> kept;  // the cases the table holds, in row order
      for (const Case& c : cases) {
        if (internal::ProgramAccess::CompiledOf(c) == internal::ProgramAccess::CompiledOf(cases[1]))
          kept.push_back(c);
      }
      REQUIRE(table.size() == kept.size());
      std::vector<Outcome> rows(table.size());
      // Uneven chunks: a run of rows need not start at a block boundary.
      for (std::size_t first = 0; first < table.size(); first += 37) {
        program->EvaluateRows(table, first, std::min<std::size_t>(37, table.size() - first), D(on),
                              rows.data() + first);
      }
      CheckSame(*program, kept, D(on), rows, "EvaluateRows");
    }
  }
}

TEST_CASE("batch: the column-wise path meets gaps, conflicts and agreeing winners",
          "[eval][batch]") {
  Programs p;
  const Program& program = p.national;
  auto make = [&](std::int64_t age, int kind, bool member, std::int64_t income) {
    Case c = program.NewCase();
    c.SetInt(program.FactSlot("age"), age);
    c.SetEnum(program.FactSlot("kind"), kind);
    c.SetBool(program.FactSlot("member"), member);
    c.SetInt(program.FactSlot("income"), income);
    c.SetInt(program.FactSlot("remark"), 1);
    return c;
  };
  const std::vector<Case> cases = {
      make(20, 0, false, 9000),  // eligible, low
      make(37, 1, false, 9000),  // eligible, low and high: a conflict
      make(10, 3, false, 9000),  // not eligible, kind d: no route, a gap
      make(50, 2, true, 100),    // level 1 twice (agreeing winners)
      make(50, 3, true, 100),    // level 1 and 2: a conflict
  };
  std::vector<Outcome> outcomes;
  program.EvaluateBatch(cases, D("2025-01-01"), outcomes);
  CheckSame(program, cases, D("2025-01-01"), outcomes, "EvaluateBatch");
  // Cases 0 and 3 were decided column-wise; the gap and the conflicts went one by one.
  CHECK(internal::Engine::ScratchOf(outcomes[0]).column_cases == 2);
  CHECK(StatusOf(program, outcomes[0], "route") == DecisionStatus::kDecided);
  CHECK(ValueOf(program, outcomes[0], "route") == "low");
  CHECK(StatusOf(program, outcomes[1], "route") == DecisionStatus::kConflict);
  CHECK(StatusOf(program, outcomes[2], "route") == DecisionStatus::kGap);
  CHECK(WinnerIds(program, outcomes[3], "level") ==
        std::vector<std::string>{"national.r.level_income", "national.r.level_kind"});
  CHECK(StatusOf(program, outcomes[4], "level") == DecisionStatus::kConflict);
  CHECK(ValueOf(program, outcomes[0], "services") == "{intake, course, housing}");
}

TEST_CASE("batch: an outcome used with another program drops its batch columns", "[eval][batch]") {
  // The params' columns are kept per program address; a program freed and another compiled
  // at the same address must not find them, so switching programs forgets them.
  Programs p;
  std::vector<Case> cases = MakeCases(p.national, p.westland, 10, 1);
  std::vector<Outcome> outcomes;
  p.national.EvaluateBatch(cases, D("2025-01-01"), outcomes);
  CHECK(internal::Engine::ScratchOf(outcomes[0]).columns_program ==
        &internal::ProgramAccess::Compiled(p.national));
  p.westland.Evaluate(cases[0], D("2025-01-01"), outcomes[0]);
  CHECK(internal::Engine::ScratchOf(outcomes[0]).columns_program == nullptr);
}

// Every kind of fact (negative and very wide ranges, money, dates, sets, unranged ints, more
// than 16 facts so a Case keeps them on the heap), comparisons of two facts, of a fact with
// the reference date and with a param, a decision without rules.
const char* kEveryKind = R"(layer national "Test"
enum Kind { a, b, c }
enum Service { x, y, z }
fact f1: int in -1000..1000
fact f2: money in €0..€10.000
fact f3: date in 2000-01-01..2099-12-31
fact f4: Kind
fact f5: set of Service
fact f6: int
fact f7: int in -9000000000000000000..9000000000000000000
fact b8: bool
fact b9: bool
fact b10: bool
fact b11: bool
fact b12: bool
fact b13: bool
fact b14: bool
fact b15: bool
fact b16: bool
fact b17: bool
fact opt: int in 0..5 optional
param p: int = 5
decision d1: bool default false
decision d2: int default 7
decision d3: Kind
decision s: set of Service collect
rule r1 "Test"
  when f1 < f6
  then d1 = true
rule r2 "Test"
  when f3 < reference_date and f7 >= 0
  then s += {z}
rule r4 "Test"
  when d1 and f4 == a
  then d3 = a
rule r5 "Test"
  when not d1
  then d3 = b
rule r6 "Test"
  when b17 and f2 < €5.000
  then s += {y}
rule r7 "Test"
  when known(opt) and f1 < p
  then s += {x}
)";

TEST_CASE("batch: every kind of fact, in a CaseTable and in batches", "[eval][batch]") {
  RuleBase rules = Load({kEveryKind});
  Program program = Compile(rules, "national");
  REQUIRE(internal::ProgramAccess::Compiled(program).columnar);
  std::mt19937_64 random(1);
  std::vector<Case> cases;
  for (int i = 0; i < 500; ++i) {
    Case c = program.NewCase();
    const std::uint64_t pick = random() % 20;
    c.SetInt(program.FactSlot("f1"),
             pick == 0 ? 5000 : static_cast<std::int64_t>(random() % 2001) - 1000);
    c.SetMoneyCents(program.FactSlot("f2"),
                    pick == 1 ? -5 : static_cast<std::int64_t>(random() % 1000001));
    c.SetDate(program.FactSlot("f3"), Date{static_cast<std::int32_t>(10957 + random() % 36500)});
    c.SetEnum(program.FactSlot("f4"), static_cast<int>(random() % 3));
    c.SetSetMask(program.FactSlot("f5"), pick == 3 ? 64 : random() % 8);
    c.SetInt(program.FactSlot("f6"), static_cast<std::int64_t>(random()));
    c.SetInt(program.FactSlot("f7"),
             pick == 2 ? INT64_MIN : static_cast<std::int64_t>(random()) % 9000000000000000000LL);
    for (int b = 8; b <= 17; ++b) {
      c.SetBool(program.FactSlot("b" + std::to_string(b)), random() % 2 == 0);
    }
    if (random() % 4 != 0)
      c.SetInt(program.FactSlot("opt"), static_cast<std::int64_t>(random() % 6));
    cases.push_back(std::move(c));
  }
  CaseTable table = program.NewTable();
  for (const Case& c : cases) REQUIRE(table.Append(c));
  Case row;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    REQUIRE(table.CopyRow(i, row));
    for (int slot = 0; slot < cases[i].slot_count(); ++slot) {
      INFO("row " << i << " slot " << slot);
      REQUIRE(row.IsSet(slot) == cases[i].IsSet(slot));
      if (row.IsSet(slot)) CHECK(row.raw(slot) == cases[i].raw(slot));
    }
  }
  for (const char* on : {"2020-01-01", "2050-06-01"}) {
    std::vector<Outcome> batch;
    program.EvaluateBatch(cases, D(on), batch);
    CheckSame(program, cases, D(on), batch, "EvaluateBatch");
    CHECK(internal::Engine::ScratchOf(batch[0]).column_cases > 0);
    std::vector<Outcome> rows(cases.size());
    program.EvaluateRows(table, 0, cases.size(), D(on), rows.data());
    CheckSame(program, cases, D(on), rows, "EvaluateRows");
  }
}

TEST_CASE("batch: EvaluateRows reports rows it cannot read", "[eval][batch]") {
  Programs p;
  CaseTable table = p.national.NewTable();
  Case c = p.national.NewCase();
  c.SetInt(p.national.FactSlot("age"), 30);
  c.SetEnum(p.national.FactSlot("kind"), 1);
  c.SetBool(p.national.FactSlot("member"), true);
  c.SetInt(p.national.FactSlot("income"), 100);
  REQUIRE(table.Append(c));
  CHECK_FALSE(table.Append(p.westland.NewCase()));
  CHECK_FALSE(CaseTable().Append(c));

  std::vector<Outcome> outcomes(3);
  p.national.EvaluateRows(table, 0, 3, D("2025-01-01"), outcomes.data());
  CHECK(outcomes[0].ok());
  for (int i : {1, 2}) {
    REQUIRE(outcomes[static_cast<std::size_t>(i)].case_errors().size() == 1);
    CHECK(outcomes[static_cast<std::size_t>(i)].case_errors()[0].code == "L611");
    CHECK(outcomes[static_cast<std::size_t>(i)].case_errors()[0].message ==
          "row " + std::to_string(i) + " is past the end of the table (1 rows)");
    CHECK(outcomes[static_cast<std::size_t>(i)].status(0) == DecisionStatus::kNotEvaluated);
  }
  p.westland.EvaluateRows(table, 0, 1, D("2025-01-01"), outcomes.data());
  REQUIRE(outcomes[0].case_errors().size() == 1);
  CHECK(outcomes[0].case_errors()[0].message ==
        "the table was made for another program (jurisdiction)");
  p.national.EvaluateRows(CaseTable(), 0, 1, D("2025-01-01"), outcomes.data());
  CHECK(outcomes[0].case_errors()[0].message == "the table was not made by Program::NewTable()");
  p.national.EvaluateRows(table, 0, 0, D("2025-01-01"), outcomes.data());  // nothing to do
  p.national.EvaluateBatch(nullptr, nullptr, 0, D("2025-01-01"));
}

TEST_CASE("batch: a CaseTable keeps every case exactly", "[eval][batch]") {
  Programs p;
  const std::vector<Case> cases = MakeCases(p.national, p.westland, 300, 3);
  CaseTable table = p.national.NewTable();
  table.Reserve(cases.size());
  std::vector<const Case*> kept;
  for (const Case& c : cases) {
    if (table.Append(c)) kept.push_back(&c);
  }
  REQUIRE(table.size() == kept.size());
  Case row;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    REQUIRE(table.CopyRow(i, row));
    CHECK(internal::ProgramAccess::CompiledOf(row) ==
          internal::ProgramAccess::CompiledOf(*kept[i]));
    for (int slot = 0; slot < kept[i]->slot_count(); ++slot) {
      INFO("row " << i << " slot " << slot);
      REQUIRE(row.IsSet(slot) == kept[i]->IsSet(slot));
      if (row.IsSet(slot)) CHECK(row.raw(slot) == kept[i]->raw(slot));
    }
  }
  CHECK_FALSE(table.CopyRow(kept.size(), row));
  table.Clear();
  CHECK(table.size() == 0);
  CHECK_FALSE(table.CopyRow(0, row));
}

TEST_CASE("batch: the column-wise passes agree with the plain ones", "[eval][batch]") {
  // The AVX2 passes against the plain ones, whatever LOKET_SIMD selects for evaluation.
  if (eval::Avx2Columns() == nullptr) {
    WARN("this processor has no AVX2: only the plain passes exist");
    CHECK(&eval::Columns() == &eval::PlainColumns());
    return;
  }
  const eval::ColumnPasses& chosen = *eval::Avx2Columns();
  const eval::ColumnPasses& plain = eval::PlainColumns();
  CHECK(&eval::Columns() ==
        (std::getenv("LOKET_SIMD") != nullptr && std::string(std::getenv("LOKET_SIMD")) == "plain"
             ? &plain
             : &chosen));
  std::mt19937_64 random(5);
  constexpr std::int32_t kLanes = eval::kBlockLanes;
  for (int round = 0; round < 300; ++round) {
    const std::int32_t lanes = 4 * static_cast<std::int32_t>(1 + random() % 16);
    std::vector<std::int64_t> columns(4 * kLanes);
    for (std::int64_t& value : columns) {
      value = random() % 4 == 0 ? static_cast<std::int64_t>(random())
                                : static_cast<std::int64_t>(random() % 80) - 8;
    }
    const std::int32_t count = static_cast<std::int32_t>(1 + random() % 20);
    const std::int32_t first = static_cast<std::int32_t>(random() % (64 - count + 1));
    std::vector<std::int32_t> reg(static_cast<std::size_t>(count));
    std::vector<std::int64_t> lo(reg.size());
    std::vector<std::uint64_t> span(reg.size());
    for (std::size_t i = 0; i < reg.size(); ++i) {
      reg[i] = static_cast<std::int32_t>(random() % 4);
      lo[i] = static_cast<std::int64_t>(random() % 40) - 4;
      span[i] = random() % 3 == 0 ? random() : random() % 50;
    }
    std::vector<std::uint64_t> want(kLanes), got(kLanes);
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = got[i] = random() & random();
    plain.range(columns.data(), reg.data(), lo.data(), span.data(), first, count, want.data(),
                lanes);
    chosen.range(columns.data(), reg.data(), lo.data(), span.data(), first, count, got.data(),
                 lanes);
    CHECK(want == got);
    plain.mask(columns.data(), reg.data(), span.data(), first, count, want.data(), lanes);
    chosen.mask(columns.data(), reg.data(), span.data(), first, count, got.data(), lanes);
    CHECK(want == got);

    std::vector<compile::FastEntry> entries(static_cast<std::size_t>(1 + random() % 64));
    for (compile::FastEntry& entry : entries) {
      entry.mask = random() & random() & random();
      entry.want = random() % 2 ? (want[random() % static_cast<std::size_t>(lanes)] & entry.mask)
                                : (random() & entry.mask);
      entry.value = static_cast<std::int64_t>(random() % 2 ? random() % 5 : random());
    }
    const std::int32_t n = static_cast<std::int32_t>(entries.size());
    std::vector<std::int64_t> column_want(kLanes), column_got(kLanes);
    std::vector<std::uint64_t> fired_want(kLanes), fired_got(kLanes);
    for (bool collect : {false, true}) {
      plain.decide(want.data(), entries.data(), n, collect, -1, fired_want.data(),
                   column_want.data(), lanes);
      chosen.decide(want.data(), entries.data(), n, collect, -1, fired_got.data(),
                    column_got.data(), lanes);
      CHECK(std::vector<std::uint64_t>(fired_want.begin(), fired_want.begin() + lanes) ==
            std::vector<std::uint64_t>(fired_got.begin(), fired_got.begin() + lanes));
      CHECK(std::vector<std::int64_t>(column_want.begin(), column_want.begin() + lanes) ==
            std::vector<std::int64_t>(column_got.begin(), column_got.begin() + lanes));
    }
    const std::int32_t terms = std::min<std::int32_t>(n, 4);
    plain.let(want.data(), entries.data(), terms, 7, -2, column_want.data(), lanes);
    chosen.let(want.data(), entries.data(), terms, 7, -2, column_got.data(), lanes);
    CHECK(std::vector<std::int64_t>(column_want.begin(), column_want.begin() + lanes) ==
          std::vector<std::int64_t>(column_got.begin(), column_got.begin() + lanes));
  }
}

}  // namespace
}  // namespace loket::evaltest
