// Every construct of the grammar, parsed into the AST: kinds, values and source ranges.
#include <catch2/catch.hpp>

#include "parse_helpers.h"
#include "support/date.h"

using namespace loket;
using loket::syntax::testing::Parse;
using Kind = ast::ExprKind;

namespace {

support::DayNumber Day(const char* iso) {
  return *support::ParseIsoDate(iso);
}

}  // namespace

TEST_CASE("Parse: layer headers in their three forms", "[syntax]") {
  auto root = Parse("layer national \"Nederland\"\n");
  REQUIRE(root->sink.diagnostics().empty());
  REQUIRE(root->file->header);
  CHECK(root->file->header->name == "national");
  CHECK(root->file->header->kind.empty());
  CHECK(root->file->header->title == "Nederland");
  CHECK(root->file->header->is_declaration());

  auto municipality = Parse(
      "layer municipality westland \"Gemeente Westland\" under haaglanden code GM1783\n"
      "  valid from 2023-01-01 until 2030-01-01\n");
  REQUIRE(municipality->sink.diagnostics().empty());
  const auto& header = *municipality->file->header;
  CHECK(header.kind == "municipality");
  CHECK(header.name == "westland");
  CHECK(header.parent == "haaglanden");
  CHECK(header.code == "GM1783");
  CHECK(municipality->Text(header.name_range) == "westland");
  CHECK(municipality->Text(header.parent_range) == "haaglanden");
  CHECK(municipality->Text(header.code_range) == "GM1783");
  CHECK(header.validity.from == Day("2023-01-01"));
  CHECK(header.validity.until == Day("2030-01-01"));
  CHECK(municipality->Position(header.validity.range) == "2:3");

  auto bare = Parse("layer westland\n");
  REQUIRE(bare->sink.diagnostics().empty());
  CHECK(bare->file->header->name == "westland");
  CHECK_FALSE(bare->file->header->is_declaration());
}

TEST_CASE("Parse: enums, authorities, facts and their types", "[syntax]") {
  auto parsed = Parse(R"(layer national "Nederland"
enum Permit "residence permit" {
  none,
  asylum_fixed "asiel bepaalde tijd",
  regular_fixed,
}
authority duo "Dienst Uitvoering Onderwijs"
fact age: int in 0..130 "age in full years"
fact income: money in €0..€1.000.000,00
fact arrival: date in 2000-01-01..2099-12-31
fact balance: int in -5..-1
fact permit: Permit
fact nationality: Permit protected optional
fact services: set of Permit
)");
  REQUIRE(parsed->Messages().empty());
  const auto& file = *parsed->file;
  REQUIRE(file.enums.size() == 1);
  const auto& permit = *file.enums[0];
  CHECK(permit.name == "Permit");
  CHECK(permit.description == "residence permit");
  REQUIRE(permit.members.size() == 3);
  CHECK(permit.members[1].name == "asylum_fixed");
  CHECK(permit.members[1].description == "asiel bepaalde tijd");
  CHECK(parsed->Text(permit.members[1].range) == "asylum_fixed \"asiel bepaalde tijd\"");
  CHECK(parsed->Position(permit.range) == "2:1");

  REQUIRE(file.authorities.size() == 1);
  CHECK(file.authorities[0]->name == "duo");
  CHECK(file.authorities[0]->description == "Dienst Uitvoering Onderwijs");

  REQUIRE(file.facts.size() == 7);
  const auto& age = *file.facts[0];
  CHECK(age.name == "age");
  CHECK(age.type.name == "int");
  REQUIRE(age.type.range);
  CHECK(age.type.range->lo == 0);
  CHECK(age.type.range->hi == 130);
  CHECK(parsed->Text(age.type.range_source) == "0..130");
  CHECK(parsed->Text(age.type.source) == "int in 0..130");
  CHECK(age.description == "age in full years");
  CHECK(parsed->Text(age.range) == "fact age: int in 0..130 \"age in full years\"");
  CHECK(parsed->Text(age.name_range) == "age");

  CHECK(file.facts[1]->type.range->hi == 100000000);  // cents
  CHECK(file.facts[2]->type.range->lo == Day("2000-01-01"));
  CHECK(file.facts[3]->type.range->lo == -5);
  CHECK(file.facts[3]->type.range->hi == -1);
  CHECK_FALSE(file.facts[4]->type.range);
  CHECK(file.facts[5]->is_protected);
  CHECK(file.facts[5]->is_optional);
  CHECK_FALSE(file.facts[4]->is_optional);
  CHECK(file.facts[6]->type.is_set);
  CHECK(file.facts[6]->type.name == "Permit");
  for (const auto& fact : file.facts) CHECK(fact->layer == "national");
}

TEST_CASE("Parse: params with dated values, lets and assumptions", "[syntax]") {
  auto parsed = Parse(R"(layer national
param aow_age: int
  = 66 from 2021-01-01
  = 67 from 2024-01-01
  "AOW age"
param fine: money = 250 EUR
let of_working_age = age >= 16 and age < aow_age
let deadline: date = arrival + 3 years "report by"
assume eu: permit == eu implies nationality in {eu_eea}
assume age >= 0
)",
                      {}, "rules/national/base.loket");
  REQUIRE(parsed->Messages().empty());
  const auto& file = *parsed->file;
  REQUIRE(file.params.size() == 2);
  const auto& aow = *file.params[0];
  REQUIRE(aow.values.size() == 2);
  CHECK(aow.values[0].value->kind == Kind::kIntLit);
  CHECK(aow.values[0].value->int_value == 66);
  CHECK(aow.values[0].from == Day("2021-01-01"));
  CHECK(aow.values[1].value->int_value == 67);
  CHECK(parsed->Text(aow.values[1].range) == "= 67 from 2024-01-01");
  CHECK(aow.description == "AOW age");
  CHECK_FALSE(file.params[1]->values[0].from);
  CHECK(file.params[1]->values[0].value->kind == Kind::kMoneyLit);
  CHECK(file.params[1]->values[0].value->int_value == 25000);

  REQUIRE(file.lets.size() == 2);
  CHECK_FALSE(file.lets[0]->declared_type);
  CHECK(file.lets[0]->value->kind == Kind::kAnd);
  REQUIRE(file.lets[1]->declared_type);
  CHECK(file.lets[1]->declared_type->name == "date");
  CHECK(file.lets[1]->description == "report by");
  const auto& plus = *file.lets[1]->value;
  CHECK(plus.kind == Kind::kAdd);
  CHECK(plus.operands[1]->kind == Kind::kDurationLit);
  CHECK(plus.operands[1]->int_value == 3);
  CHECK(plus.operands[1]->unit == ast::DurationUnit::kYears);

  REQUIRE(file.assumes.size() == 2);
  CHECK(file.assumes[0]->named);
  CHECK(file.assumes[0]->name == "eu");
  CHECK(file.assumes[0]->condition->kind == Kind::kImplies);
  CHECK_FALSE(file.assumes[1]->named);
  CHECK(file.assumes[1]->name == "assume@rules/national/base.loket:10");
  CHECK(file.assumes[1]->layer == "national");
}

TEST_CASE("Parse: decisions with every modifier, inside and outside a domain", "[syntax]") {
  auto parsed = Parse(R"(layer national "Nederland"
domain integration "Inburgering" {
  decision integration_duty: bool default false "inburgeringsplicht"
  decision housing: Housing default none
    delegated to municipality within {none, short_stay} favours higher
}
decision hours: int default 800 delegated to municipality within 0..1000 favours lower
decision paid: bool default false delegated to region favours true
decision unpaid: bool default true delegated to region favours false
decision fine: money default €250 closed
decision exemption: bool owned by duo
decision referrals: set of Service collect
)");
  REQUIRE(parsed->Messages().empty());
  const auto& file = *parsed->file;
  REQUIRE(file.domains.size() == 1);
  CHECK(file.domains[0]->name == "integration");
  CHECK(file.domains[0]->title == "Inburgering");
  CHECK(parsed->Position(file.domains[0]->range) == "2:1");
  REQUIRE(file.decisions.size() == 8);
  const auto& duty = *file.decisions[0];
  CHECK(duty.domain == "integration");
  CHECK(duty.default_value->kind == Kind::kBoolLit);
  CHECK_FALSE(duty.default_value->bool_value);
  CHECK(duty.description == "inburgeringsplicht");
  CHECK_FALSE(duty.delegation);

  const auto& housing = *file.decisions[1];
  CHECK(housing.domain == "integration");
  REQUIRE(housing.delegation);
  CHECK(housing.delegation->to_kind == "municipality");
  REQUIRE(housing.delegation->within_set.size() == 2);
  CHECK(housing.delegation->within_set[1]->name == "short_stay");
  CHECK(housing.delegation->favours == ast::Favours::kHigher);
  CHECK(parsed->Text(housing.delegation->favours_range) == "higher");

  const auto& hours = *file.decisions[2];
  CHECK(hours.domain.empty());
  CHECK(hours.delegation->within_lo->int_value == 0);
  CHECK(hours.delegation->within_hi->int_value == 1000);
  CHECK(hours.delegation->favours == ast::Favours::kLower);
  CHECK(file.decisions[3]->delegation->to_kind == "region");
  CHECK(file.decisions[3]->delegation->favours == ast::Favours::kTrue);
  CHECK(file.decisions[4]->delegation->favours == ast::Favours::kFalse);
  CHECK(file.decisions[5]->closed);
  CHECK(file.decisions[5]->default_value->int_value == 25000);
  CHECK(file.decisions[6]->owned_by == "duo");
  CHECK(parsed->Text(file.decisions[6]->owned_by_range) == "duo");
  CHECK(file.decisions[7]->collect);
  CHECK(file.decisions[7]->type.is_set);
  for (const auto& decision : file.decisions) CHECK(decision->layer == "national");
}

TEST_CASE("Parse: rules with notes, validity, exceptions, conditions and outcomes", "[syntax]") {
  auto parsed = Parse(R"(layer westland
rule wi.exempt "Wet inburgering 2021, art. 4 lid 1 sub a"
  note "Eight years of school \"count\""
  valid from 2022-01-01 until 2026-07-01
  exception to wi.duty
  exception to national.wi.duty
  when years_in_school >= 8
  when not exempted
  then integration_duty = false, route = none
       referrals += {intake}
rule always "Art. 1"
  then x = 1
)");
  REQUIRE(parsed->Messages().empty());
  const auto& file = *parsed->file;
  REQUIRE(file.rules.size() == 2);
  const auto& rule = *file.rules[0];
  CHECK(rule.id == "wi.exempt");
  CHECK(parsed->Text(rule.id_range) == "wi.exempt");
  CHECK(rule.citation == "Wet inburgering 2021, art. 4 lid 1 sub a");
  CHECK(parsed->Text(rule.citation_range) == "\"Wet inburgering 2021, art. 4 lid 1 sub a\"");
  REQUIRE(rule.notes.size() == 1);
  CHECK(rule.notes[0] == "Eight years of school \"count\"");
  CHECK(rule.validity.from == Day("2022-01-01"));
  CHECK(rule.validity.until == Day("2026-07-01"));
  CHECK_FALSE(rule.validity.InForce(Day("2026-07-01")));  // until is exclusive
  REQUIRE(rule.exception_to.size() == 2);
  CHECK(rule.exception_to[0].text == "wi.duty");
  CHECK(rule.exception_to[1].text == "national.wi.duty");
  CHECK(parsed->Text(rule.exception_to[1].range) == "national.wi.duty");
  // Two `when` clauses must both hold.
  REQUIRE(rule.condition);
  CHECK(rule.condition->kind == Kind::kAnd);
  CHECK(rule.condition->operands[0]->kind == Kind::kGe);
  CHECK(rule.condition->operands[1]->kind == Kind::kNot);
  REQUIRE(rule.assignments.size() == 3);
  CHECK(rule.assignments[0].name == "integration_duty");
  CHECK(rule.assignments[0].op == ast::AssignOp::kSet);
  CHECK(parsed->Text(rule.assignments[0].range) == "integration_duty = false");
  CHECK(rule.assignments[2].op == ast::AssignOp::kAdd);
  CHECK(rule.assignments[2].value->kind == Kind::kSetLit);
  CHECK(parsed->Text(rule.assignments[2].name_range) == "referrals");
  CHECK(rule.layer == "westland");
  CHECK(parsed->Position(rule.range) == "2:1");

  const auto& always = *file.rules[1];
  CHECK_FALSE(always.condition);
  CHECK_FALSE(always.validity.from);
  CHECK_FALSE(always.validity.until);
}

namespace {

// Parses `let x = <expression>` and returns the expression.
struct ParsedExpr {
  std::unique_ptr<syntax::testing::Parsed> parsed;
  const ast::Expr* expr = nullptr;
};

ParsedExpr ParseExpr(const std::string& expression) {
  ParsedExpr result;
  result.parsed = Parse("layer national\nlet x = " + expression + "\n");
  INFO(expression);
  INFO(result.parsed->Messages());
  REQUIRE(result.parsed->sink.diagnostics().empty());
  REQUIRE(result.parsed->file->lets.size() == 1);
  result.expr = result.parsed->file->lets[0]->value.get();
  return result;
}

Kind KindOf(const std::string& expression) {
  return ParseExpr(expression).expr->kind;
}

}  // namespace

TEST_CASE("Parse: every expression kind", "[syntax]") {
  CHECK(KindOf("true") == Kind::kBoolLit);
  CHECK(KindOf("42") == Kind::kIntLit);
  CHECK(KindOf("€1.234,56") == Kind::kMoneyLit);
  CHECK(KindOf("2024-02-29") == Kind::kDateLit);
  CHECK(KindOf("5 days") == Kind::kDurationLit);
  CHECK(KindOf("{a, b}") == Kind::kSetLit);
  CHECK(KindOf("{}") == Kind::kSetLit);
  CHECK(KindOf("age") == Kind::kName);
  CHECK(KindOf("known(income)") == Kind::kKnown);
  CHECK(KindOf("years_between(birth, reference_date)") == Kind::kCall);
  CHECK(KindOf("-a") == Kind::kNeg);
  CHECK(KindOf("not a") == Kind::kNot);
  CHECK(KindOf("a and b") == Kind::kAnd);
  CHECK(KindOf("a or b") == Kind::kOr);
  CHECK(KindOf("a implies b") == Kind::kImplies);
  CHECK(KindOf("a + b") == Kind::kAdd);
  CHECK(KindOf("a - b") == Kind::kSub);
  CHECK(KindOf("a * b") == Kind::kMul);
  CHECK(KindOf("a / b") == Kind::kDiv);
  CHECK(KindOf("a == b") == Kind::kEq);
  CHECK(KindOf("a != b") == Kind::kNe);
  CHECK(KindOf("a < b") == Kind::kLt);
  CHECK(KindOf("a <= b") == Kind::kLe);
  CHECK(KindOf("a > b") == Kind::kGt);
  CHECK(KindOf("a >= b") == Kind::kGe);
  CHECK(KindOf("a in {b}") == Kind::kIn);
  CHECK(KindOf("a not in {b}") == Kind::kNotIn);
  CHECK(KindOf("a in 1..3") == Kind::kInRange);
  CHECK(KindOf("a not in 1..3") == Kind::kNotInRange);
  CHECK(KindOf("if a then b else c") == Kind::kIf);
}

TEST_CASE("Parse: literal values", "[syntax]") {
  CHECK(ParseExpr("true").expr->bool_value);
  CHECK_FALSE(ParseExpr("false").expr->bool_value);
  CHECK(ParseExpr("9223372036854775807").expr->int_value == 9223372036854775807);
  CHECK(ParseExpr("€250").expr->int_value == 25000);
  CHECK(ParseExpr("€ 1.234,56").expr->int_value == 123456);
  CHECK(ParseExpr("250 EUR").expr->int_value == 25000);
  CHECK(ParseExpr("1234.56 EUR").expr->int_value == 123456);
  CHECK(ParseExpr("1970-01-02").expr->int_value == 1);
  auto weeks = ParseExpr("10 weeks");
  CHECK(weeks.expr->int_value == 10);
  CHECK(weeks.expr->unit == ast::DurationUnit::kWeeks);
  CHECK(ParseExpr("1 day").expr->unit == ast::DurationUnit::kDays);
  CHECK(ParseExpr("6 months").expr->unit == ast::DurationUnit::kMonths);
  CHECK(ParseExpr("1 year").expr->unit == ast::DurationUnit::kYears);
  auto call = ParseExpr("max(a, 3)");
  CHECK(call.expr->name == "max");
  CHECK(call.parsed->Text(call.expr->name_range) == "max");
  REQUIRE(call.expr->operands.size() == 2);
  CHECK(call.expr->operands[1]->int_value == 3);
  auto known = ParseExpr("known(income)");
  CHECK(known.expr->name == "income");
  CHECK(known.parsed->Text(known.expr->name_range) == "income");
  CHECK(known.parsed->Text(known.expr->range) == "known(income)");
}

TEST_CASE("Parse: operator precedence and associativity", "[syntax]") {
  auto or_and = ParseExpr("a or b and c");
  CHECK(or_and.expr->kind == Kind::kOr);
  CHECK(or_and.expr->operands[1]->kind == Kind::kAnd);

  auto not_and = ParseExpr("not a and b");
  CHECK(not_and.expr->kind == Kind::kAnd);
  CHECK(not_and.expr->operands[0]->kind == Kind::kNot);

  auto not_compare = ParseExpr("not a == b");  // `not` binds looser than comparison
  CHECK(not_compare.expr->kind == Kind::kNot);
  CHECK(not_compare.expr->operands[0]->kind == Kind::kEq);

  auto neg_mul = ParseExpr("-a * b");
  CHECK(neg_mul.expr->kind == Kind::kMul);
  CHECK(neg_mul.expr->operands[0]->kind == Kind::kNeg);

  auto add_mul = ParseExpr("a + b * c - d");
  CHECK(add_mul.expr->kind == Kind::kSub);
  CHECK(add_mul.expr->operands[0]->kind == Kind::kAdd);
  CHECK(add_mul.expr->operands[0]->operands[1]->kind == Kind::kMul);

  auto compare_add = ParseExpr("a + 1 < b");
  CHECK(compare_add.expr->kind == Kind::kLt);
  CHECK(compare_add.expr->operands[0]->kind == Kind::kAdd);

  auto implies = ParseExpr("a implies b implies c");  // right associative
  CHECK(implies.expr->kind == Kind::kImplies);
  CHECK(implies.expr->operands[0]->kind == Kind::kName);
  CHECK(implies.expr->operands[1]->kind == Kind::kImplies);

  auto implies_or = ParseExpr("a or b implies c");
  CHECK(implies_or.expr->kind == Kind::kImplies);
  CHECK(implies_or.expr->operands[0]->kind == Kind::kOr);

  auto choice = ParseExpr("if a then b else c + 1");  // `else` takes everything after it
  CHECK(choice.expr->kind == Kind::kIf);
  CHECK(choice.expr->operands[2]->kind == Kind::kAdd);

  auto in_and = ParseExpr("a in {x} and b not in 1..2");
  CHECK(in_and.expr->kind == Kind::kAnd);
  CHECK(in_and.expr->operands[0]->kind == Kind::kIn);
  CHECK(in_and.expr->operands[1]->kind == Kind::kNotInRange);
  CHECK(in_and.expr->operands[1]->operands.size() == 3);

  auto parens = ParseExpr("(a or b) and c");
  CHECK(parens.expr->kind == Kind::kAnd);
  CHECK(parens.expr->operands[0]->kind == Kind::kOr);

  auto date_math = ParseExpr("arrival + 3 years - 5 days");
  CHECK(date_math.expr->kind == Kind::kSub);
  CHECK(date_math.expr->operands[1]->kind == Kind::kDurationLit);
}

TEST_CASE("Parse: expression ranges cover their text", "[syntax]") {
  auto parsed = ParseExpr("age >= 16 and (permit in {a, b})");
  const auto& text = *parsed.parsed;
  CHECK(text.Text(parsed.expr->range) == "age >= 16 and (permit in {a, b})");
  CHECK(text.Text(parsed.expr->operands[0]->range) == "age >= 16");
  CHECK(text.Text(parsed.expr->operands[0]->operands[0]->range) == "age");
  CHECK(text.Text(parsed.expr->operands[0]->operands[0]->name_range) == "age");
  CHECK(text.Text(parsed.expr->operands[1]->range) == "permit in {a, b}");
  CHECK(text.Text(parsed.expr->operands[1]->operands[1]->range) == "{a, b}");
  CHECK(text.Position(parsed.expr->operands[1]->range) == "2:24");
}

TEST_CASE("Parse: long and/or chains stay shallow and keep their order", "[syntax]") {
  std::string chain = "a0";
  for (int i = 1; i < 5000; ++i) chain += " or a" + std::to_string(i);
  auto parsed = ParseExpr(chain);
  // Walk the leaves left to right; depth stays logarithmic.
  std::vector<std::pair<const ast::Expr*, int>> pending{{parsed.expr, 1}};
  std::vector<std::string> leaves;
  int max_depth = 0;
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    max_depth = std::max(max_depth, depth);
    if (node->kind == Kind::kName) {
      leaves.push_back(node->name);
      continue;
    }
    CHECK(node->kind == Kind::kOr);
    for (auto it = node->operands.rbegin(); it != node->operands.rend(); ++it) {
      pending.push_back({it->get(), depth + 1});
    }
  }
  REQUIRE(leaves.size() == 5000);
  CHECK(leaves.front() == "a0");
  CHECK(leaves[1234] == "a1234");
  CHECK(leaves.back() == "a4999");
  CHECK(max_depth <= 14);
  CHECK(parsed.parsed->Text(parsed.expr->range) == chain);
}

TEST_CASE("Parse: comments, semicolons, a byte-order mark and non-ASCII text", "[syntax]") {
  auto parsed = Parse(
      "\xEF\xBB\xBFlayer national \"Nederland\" // the root\n"
      "/* a block\n   comment */ fact income: money \"bruto \xE2\x82\xAC per maand\";\n"
      "let high = income > \xE2\x82\xAC 2.000\n");
  REQUIRE(parsed->Messages().empty());
  REQUIRE(parsed->file->facts.size() == 1);
  CHECK(parsed->file->facts[0]->description == "bruto \xE2\x82\xAC per maand");
  // Ranges are byte offsets in the file, after the multi-byte `€` and the BOM.
  const auto& high = *parsed->file->lets[0];
  CHECK(parsed->Text(high.value->range) == "income > \xE2\x82\xAC 2.000");
  CHECK(parsed->Text(high.value->operands[1]->range) == "\xE2\x82\xAC 2.000");
  CHECK(parsed->Position(parsed->file->header->name_range) == "1:10");
}

TEST_CASE("Parse: many `when` clauses form one shallow conjunction", "[syntax]") {
  std::string text = "layer national\nrule r \"Art. 1\"\n";
  for (int i = 0; i < 3000; ++i) text += "  when c" + std::to_string(i) + "\n";
  auto parsed = Parse(text + "  then d = true\n");
  REQUIRE(parsed->Messages().empty());
  REQUIRE(parsed->file->rules.size() == 1);
  const ast::Expr* node = parsed->file->rules[0]->condition.get();
  int depth = 1;
  while (node->kind == Kind::kAnd) {
    node = node->operands.front().get();
    ++depth;
  }
  CHECK(node->name == "c0");
  CHECK(depth <= 13);
}

TEST_CASE("Parse: an unknown file id gives an empty file, not a crash", "[syntax]") {
  source::SourceManager sources;
  diag::DiagnosticSink sink;
  auto file = syntax::ParseFile(sources, 7, {}, sink);
  REQUIRE(file);
  CHECK_FALSE(file->header);
  CHECK(file->id == 7u);
}
