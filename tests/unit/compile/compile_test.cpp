// The compiler's output: slots, fused compare-and-branch conditions, dependency order, dated
// params and effective validity.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../eval/eval_test_util.h"
#include "api/rule_base_impl.h"
#include "compile/compile.h"
#include "diag/diagnostic.h"
#include "support/date.h"

namespace loket::compile {
namespace {

const char* kRules = R"(layer national "Nederland" valid from 2020-01-01

enum Route { none, b1, education }

fact age: int in 0..130
fact stay_months: int in 0..600

param aow_age: int = 66 from 2021-01-01 = 67 from 2024-01-01

let senior = age >= aow_age

decision route: Route default none
decision duty: bool default false
decision later: bool default false

rule r.later "Test"
  when duty and route == b1
  then later = true

rule r.route "Test"
  valid until 2030-01-01
  when duty
  then route = b1

rule r.duty "Test"
  when age >= 16 and age < 67 and not senior
  then duty = true
)";

std::shared_ptr<const CompiledProgram> CompileNational(const RuleBase& rule_base) {
  const internal::RuleBaseImpl& impl = internal::RuleBaseAccess::Impl(rule_base);
  REQUIRE(impl.model);
  const sema::Layer* layer = impl.model->FindLayer("national");
  REQUIRE(layer);
  diag::DiagnosticSink sink;
  auto program = Compile(*impl.model, *layer, sink);
  REQUIRE(sink.diagnostics().empty());
  REQUIRE(program);
  return program;
}

TEST_CASE("compile: slots for facts first, then params, lets, decisions", "[compile]") {
  RuleBase rule_base = evaltest::Load({kRules});
  auto p = CompileNational(rule_base);
  CHECK(p->fact_count == 2);
  CHECK(p->slots[0].name == "age");
  CHECK(p->slots[0].kind == SlotKind::kFact);
  CHECK(p->slots[2].name == "aow_age");
  CHECK(p->slots[2].kind == SlotKind::kParam);
  CHECK(p->slots[3].name == "senior");
  CHECK(p->slots[3].kind == SlotKind::kLet);
  CHECK(p->slots[4].kind == SlotKind::kDecision);
  CHECK(p->slots[p->reference_date_slot].kind == SlotKind::kReferenceDate);
  CHECK(p->register_count > p->reference_date_slot);
  CHECK(p->required_facts == std::vector<int>{0, 1});
}

TEST_CASE("compile: comparisons fuse into one jump each", "[compile]") {
  RuleBase rule_base = evaltest::Load({kRules});
  auto p = CompileNational(rule_base);
  const Rule& duty = p->rules[static_cast<std::size_t>(p->FindRule("r.duty"))];
  std::vector<Op> ops;
  for (int i = duty.condition.begin; i < duty.condition.end; ++i) {
    ops.push_back(p->code[static_cast<std::size_t>(i)].op);
  }
  // age >= 16: jump if age < 16; age < 67: jump if age >= 67; not senior: check the let,
  // jump if it is true; then the two returns.
  CHECK(ops == std::vector<Op>{Op::kJumpLtImm, Op::kJumpGeImm, Op::kCheck, Op::kJumpIf,
                               Op::kReturnTrue, Op::kReturnFalse});
  CHECK(duty.parts.size() == 3);
  CHECK(duty.parts[0].text == "age >= 16");
  CHECK(duty.parts[2].text == "not senior");
}

TEST_CASE("compile: lets and decisions in dependency order", "[compile]") {
  RuleBase rule_base = evaltest::Load({kRules});
  auto p = CompileNational(rule_base);
  auto position = [&](const std::string& name) {
    for (std::size_t i = 0; i < p->steps.size(); ++i) {
      const Step& step = p->steps[i];
      int slot = step.is_let ? p->lets[static_cast<std::size_t>(step.index)].slot
                             : p->decisions[static_cast<std::size_t>(step.index)].slot;
      if (p->slots[static_cast<std::size_t>(slot)].name == name) return static_cast<int>(i);
    }
    return -1;
  };
  REQUIRE(p->steps.size() == 4);
  CHECK(position("senior") < position("duty"));
  CHECK(position("duty") < position("route"));
  CHECK(position("route") < position("later"));
}

TEST_CASE("compile: dated params by date, and validity includes the layer's", "[compile]") {
  RuleBase rule_base = evaltest::Load({kRules});
  auto p = CompileNational(rule_base);
  REQUIRE(p->params.size() == 1);
  const Param& aow = p->params[0];
  REQUIRE(aow.values.size() == 2);
  CHECK(aow.values[0].value == 66);
  CHECK(aow.values[0].from == *support::ParseIsoDate("2021-01-01"));
  CHECK(aow.values[1].value == 67);
  const Rule& route = p->rules[static_cast<std::size_t>(p->FindRule("r.route"))];
  CHECK(route.from == *support::ParseIsoDate("2020-01-01"));  // the layer's validity
  CHECK(route.until == *support::ParseIsoDate("2030-01-01"));
  CHECK_FALSE(route.InForce(*support::ParseIsoDate("2019-12-31")));
  CHECK(route.InForce(*support::ParseIsoDate("2029-12-31")));
  CHECK_FALSE(route.InForce(*support::ParseIsoDate("2030-01-01")));
}

TEST_CASE("compile: the compiled program outlives the rule base", "[compile]") {
  std::shared_ptr<const CompiledProgram> p;
  {
    RuleBase rule_base = evaltest::Load({kRules});
    p = CompileNational(rule_base);
  }
  CHECK(p->rules[static_cast<std::size_t>(p->FindRule("r.duty"))].condition_text ==
        "age >= 16 and age < 67 and not senior");
  CHECK(p->FindRule("national.r.later") >= 0);
  CHECK(p->FindRule("r.nothing") == -1);
}

TEST_CASE("compile: an enum of more than 64 members is L231", "[compile]") {
  std::string members;
  for (int i = 0; i <= 64; ++i) members += (i ? ", m" : "m") + std::to_string(i);
  RuleBase rule_base = evaltest::Load({"layer national \"Nederland\"\nenum Big { " + members +
                                       " }\nfact kind: Big\ndecision last: bool default false\n"
                                       "rule r.last \"Test\"\n  when kind == m64\n"
                                       "  then last = true\n"});
  const internal::RuleBaseImpl& impl = internal::RuleBaseAccess::Impl(rule_base);
  REQUIRE(impl.model);
  diag::DiagnosticSink sink;
  CHECK(Compile(*impl.model, *impl.model->FindLayer("national"), sink) == nullptr);
  REQUIRE(sink.diagnostics().size() == 1);
  CHECK(sink.diagnostics()[0].kind == diag::Kind::kEnumTooLarge);
  CHECK(std::string(diag::Info(diag::Kind::kEnumTooLarge).code) == "L231");
  CHECK(sink.diagnostics()[0].message.find("`Big` has more than 64 members") != std::string::npos);
  // Through the public API: the jurisdiction cannot be compiled, and the status says why.
  Result<Program> program = rule_base.Compile("national");
  REQUIRE_FALSE(program.ok());
  CHECK(program.status().message().find("L231") != std::string::npos);
}

}  // namespace
}  // namespace loket::compile
