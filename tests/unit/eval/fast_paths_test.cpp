// The evaluator's fast paths give exactly what the rules say: the vector variants of the
// bit-parallel tests, atoms on values outside the declared range (setters do not check),
// lets in atom form (values and the order of their fault reports),
// comparisons between two registers (values and the order of their fault reports), and the
// case's storage (inline up to 16 facts, on the heap beyond) through copies and moves.
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval/fire.h"
#include "eval/program_access.h"
#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

TEST_CASE("eval: LOKET_SIMD=plain selects the plain variants", "[eval]") {
  const char* simd = std::getenv("LOKET_SIMD");
  if (simd == nullptr || std::string(simd) != "plain") {
    CHECK((eval::Fire() == &eval::FireAvx2) == eval::CpuHasAvx2());
    return;
  }
  CHECK(eval::Fire() == &eval::FirePlain);
  CHECK(eval::RangeAtoms() == &eval::RangeAtomsPlain);
  CHECK(eval::MaskAtoms() == &eval::MaskAtomsPlain);
}

TEST_CASE("eval: every fired-bit variant the processor has agrees with the plain one", "[eval]") {
  std::mt19937_64 random(7);
  std::vector<eval::FireFunction> variants;
  if (eval::CpuHasAvx2()) variants.push_back(&eval::FireAvx2);
  variants.push_back(eval::Fire());
  for (int round = 0; round < 2000; ++round) {
    const std::int32_t count = 8 * static_cast<std::int32_t>(1 + random() % 8);
    std::vector<std::uint64_t> masks(static_cast<std::size_t>(count));
    std::vector<std::uint64_t> wants(static_cast<std::size_t>(count));
    const std::uint64_t bits = random();
    for (std::size_t i = 0; i < masks.size(); ++i) {
      masks[i] = random() & random();
      // Half of the tests hold, so both outcomes are exercised.
      wants[i] = random() % 2 ? (bits & masks[i]) : (random() & masks[i]);
    }
    const std::uint64_t expected = eval::FirePlain(masks.data(), wants.data(), count, bits);
    for (eval::FireFunction fire : variants) {
      CHECK(fire(masks.data(), wants.data(), count, bits) == expected);
    }
  }
}

TEST_CASE("eval: every variant of the atom passes agrees with the plain one", "[eval]") {
  std::mt19937_64 random(11);
  std::vector<eval::RangeFunction> ranges{&eval::RangeAtomsPlain, eval::RangeAtoms()};
  std::vector<eval::MaskFunction> masks{&eval::MaskAtomsPlain, eval::MaskAtoms()};
  if (eval::CpuHasAvx2()) {
    ranges.push_back(&eval::RangeAtomsAvx2);
    masks.push_back(&eval::MaskAtomsAvx2);
  }
  std::vector<std::int64_t> regs(32);
  for (int round = 0; round < 2000; ++round) {
    for (std::int64_t& r : regs) {
      // Small values, extremes and anything, so both sides of every test are reached.
      const std::uint64_t pick = random() % 4;
      r = pick == 0   ? static_cast<std::int64_t>(random() % 130)
          : pick == 1 ? (random() % 2 ? INT64_MIN : INT64_MAX)
          : pick == 2 ? -static_cast<std::int64_t>(random() % 5)
                      : static_cast<std::int64_t>(random());
    }
    const std::int32_t count = static_cast<std::int32_t>(1 + random() % 64);
    std::vector<std::int32_t> reg(static_cast<std::size_t>(count) + 8);
    std::vector<std::int64_t> lo(reg.size());
    std::vector<std::uint64_t> span(reg.size());
    for (std::size_t i = 0; i < reg.size(); ++i) {
      reg[i] = static_cast<std::int32_t>(random() % regs.size());
      lo[i] = random() % 3 ? static_cast<std::int64_t>(random() % 100) : INT64_MIN;
      span[i] = random() % 3 ? random() % 100 : random();
    }
    const std::uint64_t expected_ranges =
        eval::RangeAtomsPlain(regs.data(), reg.data(), lo.data(), span.data(), count);
    const std::uint64_t expected_masks =
        eval::MaskAtomsPlain(regs.data(), reg.data(), span.data(), count);
    if (count < 64) CHECK((expected_ranges >> count) == 0);
    for (eval::RangeFunction range : ranges) {
      CHECK(range(regs.data(), reg.data(), lo.data(), span.data(), count) == expected_ranges);
    }
    for (eval::MaskFunction mask : masks) {
      CHECK(mask(regs.data(), reg.data(), span.data(), count) == expected_masks);
    }
  }
}

const char* kLets = R"(layer national "Nederland"
fact age: int in 0..130
fact stay: int in 0..120
fact income: int in 0..100000
fact bonus: int optional

let z = age >= 55 or (stay >= 60 and income < 1500)
let threshold = if age >= 30 then 5000 else 3700
let risky = bonus > 100 or age > 60
let safe = age > 60 or bonus > 100

decision dz: bool default false
rule z.holds "test" when z then dz = true
decision below: bool default false
rule t.below "test" when income < threshold then below = true
decision drisky: bool default false
rule r.holds "test" when risky then drisky = true
decision dsafe: bool default false
rule s.holds "test" when safe then dsafe = true
)";

TEST_CASE("eval: lets that choose on atoms decide as their code does", "[eval]") {
  RuleBase rule_base = Load({kLets});
  Program program = Compile(rule_base, "national");
  Outcome out;
  auto run = [&](const std::string& yaml) {
    program.Evaluate(Facts(program, yaml), D("2025-01-01"), out);
  };
  auto value = [&](const char* decision) { return ValueOf(program, out, decision); };
  auto status = [&](const char* decision) { return out.status(program.DecisionIndex(decision)); };
  run("{age: 56, stay: 0, income: 0}");
  CHECK(value("dz") == "true");
  run("{age: 30, stay: 60, income: 1499}");
  CHECK(value("dz") == "true");
  run("{age: 30, stay: 60, income: 1500}");
  CHECK(value("dz") == "false");
  run("{age: 30, stay: 59, income: 0}");
  CHECK(value("dz") == "false");

  run("{age: 30, stay: 0, income: 4999}");
  CHECK(value("below") == "true");
  run("{age: 30, stay: 0, income: 5000}");
  CHECK(value("below") == "false");
  run("{age: 29, stay: 0, income: 3699}");
  CHECK(value("below") == "true");
  run("{age: 29, stay: 0, income: 3700}");
  CHECK(value("below") == "false");

  // `bonus` is read first in `risky`: absent, that is an error whatever the age.
  run("{age: 61, stay: 0, income: 0}");
  CHECK(status("drisky") == DecisionStatus::kAbsentOptional);
  // `safe` reads `bonus` only when `age > 60` is false.
  CHECK(value("dsafe") == "true");
  run("{age: 60, stay: 0, income: 0}");
  CHECK(status("dsafe") == DecisionStatus::kAbsentOptional);
  REQUIRE(out.error(program.DecisionIndex("dsafe")));
  CHECK(out.error(program.DecisionIndex("dsafe"))->message.find("`bonus`") != std::string::npos);
  run("{age: 60, stay: 0, income: 0, bonus: 101}");
  CHECK(value("drisky") == "true");
  CHECK(value("dsafe") == "true");
  run("{age: 60, stay: 0, income: 0, bonus: 100}");
  CHECK(value("drisky") == "false");
  CHECK(value("dsafe") == "false");
}

const char* kRanges = R"(layer national "Nederland"
enum Permit { none, asylum, regular }
fact age: int in 0..130
fact permit: Permit
fact income: money
fact threshold: money
fact cap: money optional
fact limit: money optional

decision band: int default 0
rule r.child "test" when age < 18 then band = 1
rule r.adult "test" when age >= 18 and age < 67 then band = 2
rule r.senior "test" when age >= 67 then band = 3

decision kind: int default 0
rule k.none "test" when permit == none then kind = 1
rule k.asylum "test" when permit in {asylum, regular} and permit != regular then kind = 2

decision below: bool default false
rule c.below "test" when income < threshold then below = true
decision at_most: bool default false
rule c.at_most "test" when income <= threshold then at_most = true
decision above: bool default false
rule c.above "test" when income > threshold then above = true
decision at_least: bool default false
rule c.at_least "test" when income >= threshold then at_least = true
decision same: bool default false
rule c.same "test" when income == threshold then same = true
decision differs: bool default false
rule c.differs "test" when income != threshold then differs = true

decision capped: bool default false
rule c.capped "test" when cap < limit then capped = true
)";

struct RangeFixture {
  RuleBase rule_base = Load({kRanges});
  Program program = Compile(rule_base, "national");
  Outcome out;

  Case Base() { return Facts(program, "{age: 30, permit: none, income: 100, threshold: 200}"); }
  std::int64_t Raw(const char* decision) {
    const int d = program.DecisionIndex(decision);
    REQUIRE(d >= 0);
    REQUIRE(out.status(d) != DecisionStatus::kAbsentOptional);
    return out.raw(d);
  }
};

TEST_CASE_METHOD(RangeFixture,
                 "eval: atoms decide values outside the declared range as the rules say",
                 "[eval]") {
  Case c = Base();
  const int age = program.FactSlot("age");
  const int permit = program.FactSlot("permit");
  const std::vector<std::pair<std::int64_t, std::int64_t>> bands = {
      {0, 1},
      {17, 1},
      {18, 2},
      {66, 2},
      {67, 3},
      {130, 3},
      // Outside 0..130: only reachable through the unchecked setters, still decided literally.
      {131, 3},
      {500, 3},
      {-1, 1},
      {INT64_MIN, 1},
      {INT64_MAX, 3}};
  for (const auto& [value, band] : bands) {
    INFO("age " << value);
    c.SetInt(age, value);
    program.Evaluate(c, D("2025-01-01"), out);
    CHECK(Raw("band") == band);
  }
  // Enum members by index; 3, 65 and -63 name no member and are in no set (65 & 63 and
  // -63 & 63 would be member 1).
  const std::vector<std::pair<int, std::int64_t>> kinds = {{0, 1}, {1, 2},  {2, 0},
                                                           {3, 0}, {65, 0}, {-63, 0}};
  for (const auto& [member, kind] : kinds) {
    INFO("permit " << member);
    c.SetEnum(permit, member);
    program.Evaluate(c, D("2025-01-01"), out);
    CHECK(Raw("kind") == kind);
  }
}

TEST_CASE_METHOD(RangeFixture, "eval: comparisons between two facts", "[eval]") {
  Case c = Base();
  const int income = program.FactSlot("income");
  const int threshold = program.FactSlot("threshold");
  struct Row {
    std::int64_t income, threshold;
    bool below, at_most, above, at_least, same, differs;
  };
  const std::vector<Row> rows = {
      {100, 200, true, true, false, false, false, true},
      {200, 200, false, true, false, true, true, false},
      {300, 200, false, false, true, true, false, true},
      {-5, INT64_MIN, false, false, true, true, false, true},
  };
  for (const Row& row : rows) {
    INFO(row.income << " vs " << row.threshold);
    c.SetMoneyCents(income, row.income);
    c.SetMoneyCents(threshold, row.threshold);
    program.Evaluate(c, D("2025-01-01"), out);
    CHECK(Raw("below") == row.below);
    CHECK(Raw("at_most") == row.at_most);
    CHECK(Raw("above") == row.above);
    CHECK(Raw("at_least") == row.at_least);
    CHECK(Raw("same") == row.same);
    CHECK(Raw("differs") == row.differs);
  }
}

TEST_CASE_METHOD(RangeFixture, "eval: a comparison reports the first absent operand", "[eval]") {
  const int capped = program.DecisionIndex("capped");
  auto absent_fact = [&]() {
    REQUIRE(out.status(capped) == DecisionStatus::kAbsentOptional);
    auto error = out.error(capped);
    REQUIRE(error);
    CHECK(error->code == "L610");
    return error->message;
  };
  program.Evaluate(Base(), D("2025-01-01"), out);
  CHECK(absent_fact().find("`cap`") != std::string::npos);

  Case only_cap = Facts(program, "{age: 30, permit: none, income: 1, threshold: 2, cap: 5}");
  program.Evaluate(only_cap, D("2025-01-01"), out);
  CHECK(absent_fact().find("`limit`") != std::string::npos);

  Case only_limit = Facts(program, "{age: 30, permit: none, income: 1, threshold: 2, limit: 5}");
  program.Evaluate(only_limit, D("2025-01-01"), out);
  CHECK(absent_fact().find("`cap`") != std::string::npos);

  Case both = Facts(program, "{age: 30, permit: none, income: 1, threshold: 2, cap: 4, limit: 5}");
  program.Evaluate(both, D("2025-01-01"), out);
  CHECK(Raw("capped") == 1);
}

// A rule `valid until` before its layer's `valid from` is in force on no day, also on the fast
// path of a decision whose rules are not always in force.
TEST_CASE("eval: a rule whose periods do not overlap is never in force", "[eval]") {
  RuleBase rule_base = Load({R"(layer national "Nederland" valid from 2025-06-01
fact n: int in 0..10
decision level: int default 0
rule l.never "test" valid until 2025-01-01 when n >= 2 then level = 1
rule l.later "test" valid from 2026-01-01 when n >= 5 then level = 2
)"});
  Program program = Compile(rule_base, "national");
  Outcome out;
  const int level = program.DecisionIndex("level");
  for (const char* day : {"2024-03-01", "2025-03-01", "2025-07-01", "2026-02-01"}) {
    INFO(day);
    program.Evaluate(Facts(program, "{n: 3}"), D(day), out);
    CHECK(out.status(level) == DecisionStatus::kDefault);
    CHECK(out.raw(level) == 0);
  }
  program.Evaluate(Facts(program, "{n: 6}"), D("2026-02-01"), out);
  CHECK(out.raw(level) == 2);
  CHECK(WinnerIds(program, out, "level") == std::vector<std::string>{"national.l.later"});
}

// Case::SetRaw may store a bool as any number: not 0 is true, as the bytecode and the
// reference read it, in conditions and in lets.
TEST_CASE("eval: a raw bool other than 0 or 1 counts as true", "[eval]") {
  RuleBase rule_base = Load({R"(layer national "Nederland"
fact x: bool
fact y: bool
let copy = x
let both = x and y
decision direct: bool default false
rule d.direct "test" when x then direct = true
decision negated: bool default false
rule d.negated "test" when not x then negated = true
decision via_copy: bool default false
rule d.copy "test" when copy then via_copy = true
decision via_both: bool default false
rule d.both "test" when both then via_both = true
)"});
  Program program = Compile(rule_base, "national");
  Case c = program.NewCase();
  c.SetRaw(program.FactSlot("x"), 2);
  c.SetBool(program.FactSlot("y"), true);
  Outcome out;
  program.Evaluate(c, D("2025-01-01"), out);
  CHECK(ValueOf(program, out, "direct") == "true");
  CHECK(ValueOf(program, out, "negated") == "false");
  CHECK(ValueOf(program, out, "via_copy") == "true");
  CHECK(ValueOf(program, out, "via_both") == "true");
}

TEST_CASE("eval: a moved-from outcome can be used again", "[eval]") {
  RuleBase rule_base = Load({kRanges});
  Program program = Compile(rule_base, "national");
  Case c = Facts(program, "{age: 70, permit: none, income: 100, threshold: 200}");
  Outcome first;
  program.Evaluate(c, D("2025-01-01"), first);
  Outcome second(std::move(first));
  CHECK(ValueOf(program, second, "band") == "3");
  program.Evaluate(c, D("2025-01-01"), first);  // NOLINT(bugprone-use-after-move): on purpose
  CHECK(ValueOf(program, first, "band") == "3");
}

// Twenty facts: more than a case keeps inline.
std::string ManyFacts() {
  std::string text = "layer national \"Nederland\"\n";
  for (int i = 0; i < 20; ++i) text += "fact f" + std::to_string(i) + ": int in 0..100\n";
  text += "decision total: int default 0\n";
  text += "rule t.high \"test\" when f0 >= 50 and f19 >= 50 then total = 2\n";
  return text;
}

TEST_CASE("eval: a case keeps its values through copies and moves, inline or not", "[eval]") {
  for (bool many : {false, true}) {
    INFO((many ? "20 facts (heap)" : "6 facts (inline)"));
    RuleBase rule_base = Load({many ? ManyFacts() : kRanges});
    Program program = Compile(rule_base, "national");
    Case original = program.NewCase();
    REQUIRE(original.slot_count() == static_cast<int>(program.facts().size()));
    for (int slot = 0; slot < original.slot_count(); ++slot) {
      CHECK_FALSE(original.IsSet(slot));
      if (slot % 3 != 2) original.SetInt(slot, 50 + slot);
    }
    auto same_as_original = [&](const Case& c) {
      REQUIRE(c.slot_count() == original.slot_count());
      CHECK(internal::ProgramAccess::CompiledOf(c) ==
            internal::ProgramAccess::CompiledOf(original));
      for (int slot = 0; slot < c.slot_count(); ++slot) {
        CHECK(c.IsSet(slot) == (slot % 3 != 2));
        if (c.IsSet(slot)) CHECK(c.raw(slot) == 50 + slot);
      }
    };
    Case copy(original);
    same_as_original(copy);
    copy.SetInt(0, 1);  // the copy owns its values
    CHECK(original.raw(0) == 50);
    Case assigned = program.NewCase();
    assigned = original;
    same_as_original(assigned);
    Case moved(std::move(assigned));
    same_as_original(moved);
    Case move_assigned;
    move_assigned = std::move(moved);
    same_as_original(move_assigned);
    std::vector<Case> many_cases(3, original);  // as a batch holds them
    many_cases.push_back(original);
    for (const Case& c : many_cases) same_as_original(c);
    move_assigned.Clear();
    for (int slot = 0; slot < move_assigned.slot_count(); ++slot) {
      CHECK_FALSE(move_assigned.IsSet(slot));
    }
  }
}

}  // namespace
}  // namespace loket::evaltest
