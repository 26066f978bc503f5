// Expression types. Every expression gets a type; names get a symbol. Bare enum members take
// their enum from the context: the other operand, the set's element, the assigned decision.
#include <algorithm>
#include <functional>

#include "sema/analyzer.h"

namespace loket::sema::detail {

using ast::Expr;
using ast::ExprKind;
using ast::Type;
using ast::TypeKind;

namespace {

bool IsNumeric(const Type& type) {
  return type.kind == TypeKind::kInt || type.kind == TypeKind::kMoney;
}
bool IsOrdered(const Type& type) {
  return IsNumeric(type) || type.kind == TypeKind::kDate;
}

std::string_view OperatorText(ExprKind kind) {
  switch (kind) {
    case ExprKind::kAnd:
      return "and";
    case ExprKind::kOr:
      return "or";
    case ExprKind::kImplies:
      return "implies";
    case ExprKind::kAdd:
      return "+";
    case ExprKind::kSub:
      return "-";
    case ExprKind::kMul:
      return "*";
    case ExprKind::kDiv:
      return "/";
    case ExprKind::kEq:
      return "==";
    case ExprKind::kNe:
      return "!=";
    case ExprKind::kLt:
      return "<";
    case ExprKind::kLe:
      return "<=";
    case ExprKind::kGt:
      return ">";
    case ExprKind::kGe:
      return ">=";
    default:
      return "?";
  }
}

int MemberIndex(const ast::EnumDecl& decl, std::string_view name) {
  for (std::size_t i = 0; i < decl.members.size(); ++i) {
    if (decl.members[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool Compatible(const Type& actual, const Type& expected) {
  if (actual == expected) return true;
  return actual.kind == TypeKind::kEmptySet && expected.kind == TypeKind::kSet;
}

source::SourceRange NameRange(const Expr& expr) {
  return expr.name_range.valid() ? expr.name_range : expr.range;
}

const ast::TypeRef* DeclaredType(const ast::Symbol& symbol) {
  switch (symbol.kind) {
    case ast::SymbolKind::kFact:
      return &symbol.fact->type;
    case ast::SymbolKind::kParam:
      return &symbol.param->type;
    case ast::SymbolKind::kDecision:
      return &symbol.decision->type;
    case ast::SymbolKind::kLet:
      return symbol.let->declared_type ? &*symbol.let->declared_type : nullptr;
    default:
      return nullptr;
  }
}

source::SourceRange DeclaredAt(const ast::Symbol& symbol) {
  switch (symbol.kind) {
    case ast::SymbolKind::kFact:
      return symbol.fact->name_range;
    case ast::SymbolKind::kParam:
      return symbol.param->name_range;
    case ast::SymbolKind::kDecision:
      return symbol.decision->name_range;
    case ast::SymbolKind::kLet:
      return symbol.let->name_range;
    default:
      return {};
  }
}

}  // namespace

namespace {

// The value of a param on a date: the last value whose `from` is not after it; before the
// first `from`, the first value (as the evaluator takes it). nullopt: not a literal.
using ParamAt = std::function<std::optional<std::int64_t>(const ast::ParamDecl&)>;

std::optional<std::int64_t> EvalConstantWith(const Expr& expr, const Annotations& annotations,
                                             const ParamAt& param_at) {
  const auto EvalConstant = [&](const Expr& e, const Annotations&) {
    return EvalConstantWith(e, annotations, param_at);
  };
  switch (expr.kind) {
    case ExprKind::kIntLit:
    case ExprKind::kMoneyLit:
    case ExprKind::kDateLit:
      return expr.int_value;
    case ExprKind::kName: {
      const ast::Symbol& symbol = annotations.SymbolOf(expr);
      if (!param_at || symbol.kind != ast::SymbolKind::kParam || !symbol.param) return std::nullopt;
      return param_at(*symbol.param);
    }
    case ExprKind::kNeg: {
      if (expr.operands.size() != 1) return std::nullopt;
      auto value = EvalConstant(*expr.operands[0], annotations);
      if (!value || *value == INT64_MIN) return std::nullopt;
      return -*value;
    }
    case ExprKind::kAdd:
    case ExprKind::kSub:
    case ExprKind::kMul:
    case ExprKind::kDiv: {
      if (expr.operands.size() != 2) return std::nullopt;
      if (annotations.TypeOf(expr).kind == TypeKind::kDate) return std::nullopt;  // date + duration
      auto a = EvalConstant(*expr.operands[0], annotations);
      auto b = EvalConstant(*expr.operands[1], annotations);
      if (!a || !b) return std::nullopt;
      std::int64_t out = 0;
      bool overflow = false;
      switch (expr.kind) {
        case ExprKind::kAdd:
          overflow = __builtin_add_overflow(*a, *b, &out);
          break;
        case ExprKind::kSub:
          overflow = __builtin_sub_overflow(*a, *b, &out);
          break;
        case ExprKind::kMul:
          overflow = __builtin_mul_overflow(*a, *b, &out);
          break;
        default:
          if (*b == 0 || (*a == INT64_MIN && *b == -1)) return std::nullopt;
          out = *a / *b;
      }
      if (overflow) return std::nullopt;
      return out;
    }
    default:
      return std::nullopt;
  }
}

void CollectParams(const Expr& expr, const Annotations& annotations,
                   std::vector<const ast::ParamDecl*>& params) {
  const ast::Symbol& symbol = annotations.SymbolOf(expr);
  if (expr.kind == ExprKind::kName && symbol.kind == ast::SymbolKind::kParam && symbol.param &&
      std::find(params.begin(), params.end(), symbol.param) == params.end()) {
    params.push_back(symbol.param);
  }
  for (const auto& operand : expr.operands) CollectParams(*operand, annotations, params);
}

}  // namespace

std::optional<std::int64_t> EvalConstant(const Expr& expr, const Annotations& annotations) {
  return EvalConstantWith(expr, annotations, {});
}

namespace {

// Whether an expression of constants and params is 0 on some date: it is evaluated with the
// params' values of each date where one of them changes (and before the first change).
bool ZeroForSomeDate(const Expr& expr, const Annotations& annotations) {
  std::vector<const ast::ParamDecl*> params;
  CollectParams(expr, annotations, params);
  if (params.empty()) return false;
  std::vector<decltype(ast::ParamValue::from)> dates = {std::nullopt};
  for (const ast::ParamDecl* param : params) {
    for (const ast::ParamValue& value : param->values) {
      if (value.from) dates.push_back(value.from);
    }
  }
  for (const auto& date : dates) {
    const ParamAt param_at = [&](const ast::ParamDecl& param) -> std::optional<std::int64_t> {
      if (param.values.empty()) return std::nullopt;
      const ast::ParamValue* in_force = &param.values.front();
      for (const ast::ParamValue& value : param.values) {
        if (!value.from || (date && *value.from <= *date)) in_force = &value;
      }
      return in_force->value ? EvalConstantWith(*in_force->value, annotations, {}) : std::nullopt;
    };
    const std::optional<std::int64_t> value = EvalConstantWith(expr, annotations, param_at);
    if (value && *value == 0) return true;
  }
  return false;
}

}  // namespace

bool IsConstant(const Expr& expr, const Annotations& annotations) {
  switch (expr.kind) {
    case ExprKind::kBoolLit:
    case ExprKind::kIntLit:
    case ExprKind::kMoneyLit:
    case ExprKind::kDateLit:
    case ExprKind::kDurationLit:
      return true;
    case ExprKind::kName:
      return annotations.SymbolOf(expr).kind == ast::SymbolKind::kEnumMember;
    case ExprKind::kSetLit:
    case ExprKind::kNeg:
    case ExprKind::kNot:
    case ExprKind::kAdd:
    case ExprKind::kSub:
    case ExprKind::kMul:
    case ExprKind::kDiv:
      return std::all_of(
          expr.operands.begin(), expr.operands.end(),
          [&](const ast::ExprPtr& operand) { return IsConstant(*operand, annotations); });
    default:
      return false;
  }
}

bool IsCaseIndependent(const Expr& expr, const Annotations& annotations) {
  if (expr.kind == ExprKind::kName) {
    return annotations.SymbolOf(expr).kind == ast::SymbolKind::kEnumMember ||
           annotations.SymbolOf(expr).kind == ast::SymbolKind::kParam;
  }
  switch (expr.kind) {
    case ExprKind::kSetLit:
    case ExprKind::kNeg:
    case ExprKind::kNot:
    case ExprKind::kAdd:
    case ExprKind::kSub:
    case ExprKind::kMul:
    case ExprKind::kDiv:
      return std::all_of(
          expr.operands.begin(), expr.operands.end(),
          [&](const ast::ExprPtr& operand) { return IsCaseIndependent(*operand, annotations); });
    default:
      return IsConstant(expr, annotations);
  }
}

void Analyzer::CollectKnown(const Expr& expr, bool positive,
                            std::vector<const ast::FactDecl*>& out) const {
  switch (expr.kind) {
    case ExprKind::kKnown:
      if (positive && ann_.Symbol(expr).kind == ast::SymbolKind::kFact)
        out.push_back(ann_.Symbol(expr).fact);
      break;
    case ExprKind::kNot:
      if (!expr.operands.empty()) CollectKnown(*expr.operands[0], !positive, out);
      break;
    case ExprKind::kAnd:
      // a and b holds: both hold. (not (a or b)) is handled by kOr below.
      if (positive) {
        for (const auto& operand : expr.operands) CollectKnown(*operand, true, out);
      }
      break;
    case ExprKind::kOr:
      if (!positive) {
        for (const auto& operand : expr.operands) CollectKnown(*operand, false, out);
      }
      break;
    default:
      break;
  }
}

Type Analyzer::CheckValue(const Expr& expr, const Type* expected, ExprScope& scope) {
  Type type = Check(expr, expected, scope);
  if (type.kind != TypeKind::kDuration) return type;
  Report(diag::Kind::kTypeMismatch, expr.range, "a duration is not a value on its own")
      .help.push_back("add it to or subtract it from a date: `arrival + 3 years`");
  return Type::Error();
}

void Analyzer::CheckCondition(const Expr& expr, ExprScope& scope, std::string_view what) {
  Type bool_type = Type::Bool();
  Type type = CheckValue(expr, &bool_type, scope);
  if (type.kind == TypeKind::kError || type.kind == TypeKind::kBool) return;
  Report(diag::Kind::kConditionNotBool, expr.range,
         fmt::format("{} is {}, not bool", what, TypeName(type)))
      .help.push_back("compare the value, e.g. `x > 0`, or use a bool fact or let");
}

Type Analyzer::Check(const Expr& expr, const Type* expected, ExprScope& scope) {
  Type type = Type::Error();
  Type bool_type = Type::Bool();
  switch (expr.kind) {
    case ExprKind::kBoolLit:
      type = Type::Bool();
      break;
    case ExprKind::kIntLit:
      type = Type::Int();
      break;
    case ExprKind::kMoneyLit:
      type = Type::Money();
      break;
    case ExprKind::kDateLit:
      type = Type::Date();
      break;
    case ExprKind::kDurationLit:
      type = Type::Duration();
      break;
    case ExprKind::kSetLit:
      type = CheckSet(expr, expected, scope);
      break;
    case ExprKind::kName:
      type = CheckName(expr, expected, scope);
      break;
    case ExprKind::kKnown:
      type = CheckKnown(expr, scope);
      break;
    case ExprKind::kCall:
      type = CheckCall(expr, expected, scope);
      break;
    case ExprKind::kNeg: {
      if (expr.operands.size() != 1) break;
      Type operand = CheckValue(*expr.operands[0], expected, scope);
      if (IsNumeric(operand)) {
        type = operand;
      } else if (operand.kind != TypeKind::kError) {
        Report(diag::Kind::kTypeMismatch, expr.range,
               fmt::format("cannot negate a value of type {}", TypeName(operand)))
            .help.push_back("only int and money values have a sign");
      }
      break;
    }
    case ExprKind::kNot: {
      if (expr.operands.size() != 1) break;
      Type operand = CheckValue(*expr.operands[0], &bool_type, scope);
      // `not` yields a bool whatever its operand: an error inside does not spread upward.
      type = Type::Bool();
      if (operand.kind != TypeKind::kBool && operand.kind != TypeKind::kError) {
        Report(diag::Kind::kTypeMismatch, expr.operands[0]->range,
               fmt::format("`not` needs a bool, but this is {}", TypeName(operand)));
      }
      break;
    }
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kImplies: {
      if (expr.operands.size() != 2) break;
      Type lhs = CheckValue(*expr.operands[0], &bool_type, scope);
      std::size_t guarded = scope.guarded.size();
      CollectKnown(*expr.operands[0], expr.kind != ExprKind::kOr, scope.guarded);
      Type rhs = CheckValue(*expr.operands[1], &bool_type, scope);
      scope.guarded.resize(guarded);
      const Type* sides[] = {&lhs, &rhs};
      for (int i = 0; i < 2; ++i) {
        const Type& side = *sides[i];
        if (side.kind == TypeKind::kBool || side.kind == TypeKind::kError) continue;
        Report(diag::Kind::kTypeMismatch, expr.operands[i]->range,
               fmt::format("`{}` needs bool operands, but this is {}", OperatorText(expr.kind),
                           TypeName(side)));
      }
      type = Type::Bool();  // like `not`: the result is a bool in any case
      break;
    }
    case ExprKind::kAdd:
    case ExprKind::kSub:
    case ExprKind::kMul:
    case ExprKind::kDiv:
      type = CheckArithmetic(expr, scope);
      break;
    case ExprKind::kEq:
    case ExprKind::kNe:
    case ExprKind::kLt:
    case ExprKind::kLe:
    case ExprKind::kGt:
    case ExprKind::kGe:
      type = CheckComparison(expr, scope);
      break;
    case ExprKind::kIn:
    case ExprKind::kNotIn:
      type = CheckIn(expr, scope);
      break;
    case ExprKind::kInRange:
    case ExprKind::kNotInRange:
      type = CheckInRange(expr, scope);
      break;
    case ExprKind::kIf:
      type = CheckIf(expr, expected, scope);
      break;
  }
  ann_.Type(expr) = type;
  return type;
}

Type Analyzer::CheckName(const Expr& expr, const Type* expected, ExprScope& scope) {
  const Layer& layer = *scope.layer;
  if (expr.name == "reference_date") {
    ann_.Symbol(expr).kind = ast::SymbolKind::kReferenceDate;
    return Type::Date();
  }
  auto as_member = [&](const ast::EnumDecl* decl, int index) {
    ann_.Symbol(expr) = {};
    ann_.Symbol(expr).kind = ast::SymbolKind::kEnumMember;
    ann_.Symbol(expr).enum_decl = decl;
    ann_.Symbol(expr).enum_index = index;
    return Type::Enum(decl);
  };
  const ast::EnumDecl* expected_enum =
      expected && (expected->kind == TypeKind::kEnum) ? expected->enum_decl : nullptr;
  if (expected_enum) {
    int index = MemberIndex(*expected_enum, expr.name);
    if (index >= 0) return as_member(expected_enum, index);
  }
  if (const Entity* entity = Lookup(layer, NameSpace::kValue, expr.name)) {
    ast::Symbol& symbol = ann_.Symbol(expr);
    switch (entity->kind) {
      case EntityKind::kFact: {
        symbol.kind = ast::SymbolKind::kFact;
        symbol.fact = entity->fact;
        const ast::FactDecl& fact = *entity->fact;
        if (fact.is_optional &&
            std::find(scope.guarded.begin(), scope.guarded.end(), &fact) == scope.guarded.end()) {
          auto& diagnostic = Report(
              diag::Kind::kOptionalFactUnguarded, NameRange(expr),
              fmt::format("optional fact `{}` is read without `known({})`", fact.name, fact.name));
          diagnostic.notes.push_back(
              {fact.name_range, fmt::format("`{}` is declared `optional` here", fact.name)});
          diagnostic.help.push_back(fmt::format(
              "guard the read: `known({0}) and ...` or `if known({0}) then ... else ...`; a "
              "case without it is an evaluation error",
              fact.name));
        }
        return ann_.TypeOf(fact.type);
      }
      case EntityKind::kParam:
        symbol.kind = ast::SymbolKind::kParam;
        symbol.param = entity->param;
        return ann_.TypeOf(entity->param->type);
      case EntityKind::kLet:
        symbol.kind = ast::SymbolKind::kLet;
        symbol.let = entity->let;
        return LetType(*entity->let, *entity->layer);
      case EntityKind::kDecision:
        symbol.kind = ast::SymbolKind::kDecision;
        symbol.decision = entity->decision;
        return ann_.TypeOf(entity->decision->type);
      default:
        return Type::Error();
    }
  }
  if (expected_enum && !LookupHidden(layer, NameSpace::kValue, expr.name)) {
    std::vector<std::string> members;
    for (const auto& member : expected_enum->members) members.push_back(member.name);
    auto& diagnostic =
        Report(diag::Kind::kUnknownEnumMember, NameRange(expr),
               fmt::format("`{}` is not a member of `{}`", expr.name, expected_enum->name));
    std::string closest = diag::ClosestName(expr.name, members);
    if (!closest.empty()) diagnostic.help.push_back(fmt::format("did you mean `{}`?", closest));
    diagnostic.notes.push_back({expected_enum->name_range,
                                fmt::format("enum `{}` is declared here", expected_enum->name)});
    return Type::Error();
  }
  // No enum expected: a member of exactly one visible enum is still unambiguous. (Where one
  // was expected, the name is declared in a layer this one cannot see: L308 below, not a
  // member of another enum, which would pass for the expected one's member of that index.)
  auto owners =
      expected_enum ? decltype(MemberOwners(expr.name, layer)){} : MemberOwners(expr.name, layer);
  if (owners.size() == 1) return as_member(owners[0].first, owners[0].second);
  if (owners.size() > 1) {
    std::string enums;
    for (const auto& owner : owners)
      enums += (enums.empty() ? "`" : ", `") + owner.first->name + "`";
    Report(diag::Kind::kTypeMismatch, NameRange(expr),
           fmt::format("`{}` is a member of several enums ({}); nothing here says which", expr.name,
                       enums))
        .help.push_back(
            fmt::format("compare it with a value of the enum, e.g. `x == {}`", expr.name));
    return Type::Error();
  }
  ReportUnresolved(layer, NameSpace::kValue, expr.name, NameRange(expr), diag::Kind::kUnknownName,
                   "name");
  return Type::Error();
}

Type Analyzer::CheckKnown(const Expr& expr, ExprScope& scope) {
  const Entity* entity = Lookup(*scope.layer, NameSpace::kValue, expr.name);
  if (!entity) {
    ReportUnresolved(*scope.layer, NameSpace::kValue, expr.name, NameRange(expr),
                     diag::Kind::kUnknownName, "fact", EntityKind::kFact);
    return Type::Bool();
  }
  if (entity->kind != EntityKind::kFact) {
    Report(diag::Kind::kTypeMismatch, NameRange(expr),
           fmt::format("`known()` applies to facts, but `{}` is a {}", expr.name,
                       EntityKindName(entity->kind)))
        .notes.push_back({entity->name_range, fmt::format("`{}` is declared here", expr.name)});
    return Type::Bool();
  }
  ann_.Symbol(expr).kind = ast::SymbolKind::kFact;
  ann_.Symbol(expr).fact = entity->fact;
  if (!entity->fact->is_optional) {
    auto& diagnostic =
        Report(diag::Kind::kKnownOnRequiredFact, NameRange(expr),
               fmt::format("`{0}` is a required fact, so `known({0})` is always true", expr.name));
    diagnostic.notes.push_back(
        {entity->name_range, fmt::format("`{}` is declared here, without `optional`", expr.name)});
    diagnostic.help.push_back("remove the check, or declare the fact `optional`");
  }
  return Type::Bool();
}

Type Analyzer::CheckCall(const Expr& expr, const Type* expected, ExprScope& scope) {
  static const std::vector<std::string> kBuiltins = {"days_between", "max", "min", "years_between"};
  auto check_arguments = [&] {
    for (auto& operand : expr.operands) CheckValue(*operand, nullptr, scope);
  };
  if (std::find(kBuiltins.begin(), kBuiltins.end(), expr.name) == kBuiltins.end()) {
    auto& diagnostic = Report(diag::Kind::kUnknownFunction, NameRange(expr),
                              fmt::format("unknown function `{}`", expr.name));
    std::string closest = diag::ClosestName(expr.name, kBuiltins);
    diagnostic.help.push_back(
        closest.empty() ? std::string("the functions are min, max, days_between and years_between")
                        : fmt::format("did you mean `{}`?", closest));
    check_arguments();
    return Type::Error();
  }
  if (expr.operands.size() != 2) {
    Report(diag::Kind::kWrongArgumentCount, expr.range,
           fmt::format("`{}` takes 2 arguments, but is given {}", expr.name, expr.operands.size()));
    check_arguments();
    return Type::Error();
  }
  if (expr.name == "min" || expr.name == "max") {
    Type a = CheckValue(*expr.operands[0], expected, scope);
    Type b = CheckValue(*expr.operands[1], &a, scope);
    if (a.kind == TypeKind::kError || b.kind == TypeKind::kError) return Type::Error();
    if (a != b || !IsOrdered(a)) {
      Report(diag::Kind::kTypeMismatch, expr.range,
             fmt::format("`{}` needs two int, money or date values of one type, but is given {} "
                         "and {}",
                         expr.name, TypeName(a), TypeName(b)));
      return Type::Error();
    }
    return a;
  }
  // days_between(a, b), years_between(a, b): two dates, an int.
  bool ok = true;
  for (auto& operand : expr.operands) {
    Type type = CheckValue(*operand, nullptr, scope);
    if (type.kind == TypeKind::kDate) continue;
    ok = false;
    if (type.kind != TypeKind::kError) {
      Report(diag::Kind::kTypeMismatch, operand->range,
             fmt::format("`{}` needs dates, but this is {}", expr.name, TypeName(type)));
    }
  }
  return ok ? Type::Int() : Type::Error();
}

Type Analyzer::CheckSet(const Expr& expr, const Type* expected, ExprScope& scope) {
  const ast::EnumDecl* element = nullptr;
  if (expected && (expected->kind == TypeKind::kSet || expected->kind == TypeKind::kEnum)) {
    element = expected->enum_decl;
  }
  if (expr.operands.empty()) {
    if (expected && expected->kind == TypeKind::kSet) return *expected;
    return Type{TypeKind::kEmptySet, nullptr};
  }
  bool ok = true;
  for (auto& operand : expr.operands) {
    Type want = Type::Enum(element);
    Type type = CheckValue(*operand, element ? &want : nullptr, scope);
    if (type.kind == TypeKind::kError) {
      ok = false;
    } else if (type.kind != TypeKind::kEnum) {
      Report(diag::Kind::kTypeMismatch, operand->range,
             fmt::format("a set holds enum members, but this is {}", TypeName(type)))
          .help.push_back("for numbers and dates use a range: `x in lo..hi`");
      ok = false;
    } else if (!element) {
      element = type.enum_decl;
    } else if (type.enum_decl != element) {
      Report(diag::Kind::kTypeMismatch, operand->range,
             fmt::format("this is a `{}`, but the set holds `{}` members", TypeName(type),
                         element->name));
      ok = false;
    }
  }
  return ok && element ? Type::SetOf(element) : Type::Error();
}

bool Analyzer::IsBareMember(const Expr& expr, const Layer& layer) const {
  if (expr.kind == ExprKind::kSetLit) return true;
  return expr.kind == ExprKind::kName && expr.name != "reference_date" &&
         !Lookup(layer, NameSpace::kValue, expr.name);
}

std::pair<Type, Type> Analyzer::CheckPair(const Expr& lhs, const Expr& rhs, ExprScope& scope) {
  auto usable = [](const Type& type) { return type.kind != TypeKind::kError; };
  if (IsBareMember(lhs, *scope.layer) && !IsBareMember(rhs, *scope.layer)) {
    Type right = CheckValue(rhs, nullptr, scope);
    Type left = CheckValue(lhs, usable(right) ? &right : nullptr, scope);
    return {left, right};
  }
  Type left = CheckValue(lhs, nullptr, scope);
  if (!usable(left) && lhs.kind == ExprKind::kName && IsBareMember(lhs, *scope.layer) &&
      rhs.kind == ExprKind::kName && IsBareMember(rhs, *scope.layer) &&
      !MemberOwners(rhs.name, *scope.layer).empty()) {
    // `none == none`: the left side's finding already says the enum is unclear.
    ann_.Type(rhs) = Type::Error();
    return {left, Type::Error()};
  }
  Type right = CheckValue(rhs, usable(left) ? &left : nullptr, scope);
  return {left, right};
}

std::vector<std::pair<const ast::EnumDecl*, int>> Analyzer::MemberOwners(std::string_view name,
                                                                         const Layer& layer) const {
  std::vector<std::pair<const ast::EnumDecl*, int>> owners;
  for (const Layer* at = &layer; at; at = at->parent) {
    auto it = own_.find(at);
    if (it == own_.end()) continue;
    for (const auto& entry : it->second.names[static_cast<int>(NameSpace::kType)]) {
      int index = MemberIndex(*entry.second.enum_decl, name);
      if (index >= 0) owners.emplace_back(entry.second.enum_decl, index);
    }
  }
  std::sort(owners.begin(), owners.end(),
            [](const auto& a, const auto& b) { return a.first->name < b.first->name; });
  return owners;
}

void Analyzer::CheckConstantInRange(const Expr& constant, const ast::TypeRef& type,
                                    std::string_view name, source::SourceRange declared_at) {
  if (!type.range || !IsOrdered(ann_.TypeOf(type))) return;
  auto value = EvalConstant(constant, ann_);
  if (!value || (*value >= type.range->lo && *value <= type.range->hi)) return;
  auto& diagnostic = Report(diag::Kind::kValueOutOfRange, constant.range,
                            fmt::format("{} is outside the range {}..{} of `{}`",
                                        FormatConstant(ann_.TypeOf(type), *value),
                                        FormatConstant(ann_.TypeOf(type), type.range->lo),
                                        FormatConstant(ann_.TypeOf(type), type.range->hi), name));
  diagnostic.notes.push_back({type.range_source.valid() ? type.range_source : declared_at,
                              fmt::format("the range of `{}` is declared here", name)});
  diagnostic.help.push_back("correct the constant, or widen the declared range");
}

void Analyzer::CheckConstantAgainst(const Expr& named, const Expr& constant) {
  if (named.kind != ExprKind::kName) return;
  const ast::TypeRef* declared = DeclaredType(ann_.Symbol(named));
  if (!declared) return;
  CheckConstantInRange(constant, *declared, named.name, DeclaredAt(ann_.Symbol(named)));
}

Type Analyzer::CheckArithmetic(const Expr& expr, ExprScope& scope) {
  if (expr.operands.size() != 2) return Type::Error();
  const Expr& lhs = *expr.operands[0];
  const Expr& rhs = *expr.operands[1];
  bool additive = expr.kind == ExprKind::kAdd || expr.kind == ExprKind::kSub;
  Type left = CheckValue(lhs, nullptr, scope);
  Type right = additive ? Check(rhs, nullptr, scope) : CheckValue(rhs, nullptr, scope);
  if (left.kind == TypeKind::kError || right.kind == TypeKind::kError) return Type::Error();
  auto mismatch = [&](std::string message, std::string help) {
    auto& diagnostic = Report(diag::Kind::kTypeMismatch, expr.range, std::move(message));
    if (!help.empty()) diagnostic.help.push_back(std::move(help));
    return Type::Error();
  };
  std::string_view verb = expr.kind == ExprKind::kAdd   ? "add"
                          : expr.kind == ExprKind::kSub ? "subtract"
                          : expr.kind == ExprKind::kMul ? "multiply"
                                                        : "divide";
  if (additive) {
    if (right.kind == TypeKind::kDuration) {
      if (left.kind == TypeKind::kDate) return Type::Date();
      return mismatch(fmt::format("cannot {} a duration {} {}", verb,
                                  expr.kind == ExprKind::kAdd ? "to" : "from", TypeName(left)),
                      "durations go with dates only: `arrival + 3 years`");
    }
    if (left == right && IsNumeric(left)) return left;
    if (expr.kind == ExprKind::kSub && left.kind == TypeKind::kDate &&
        right.kind == TypeKind::kDate) {
      return mismatch("cannot subtract one date from another",
                      "use `days_between(a, b)` for the days from a to b, or "
                      "`years_between(a, b)` for the full years");
    }
    return mismatch(fmt::format("cannot {} {} and {}", verb, TypeName(left), TypeName(right)),
                    "`+` and `-` work on int with int, money with money, and date with a duration");
  }
  if (expr.kind == ExprKind::kMul) {
    Type result = Type::Error();
    if (left.kind == TypeKind::kInt && right.kind == TypeKind::kInt) result = Type::Int();
    if (left.kind == TypeKind::kMoney && right.kind == TypeKind::kInt) result = Type::Money();
    if (left.kind == TypeKind::kInt && right.kind == TypeKind::kMoney) result = Type::Money();
    if (result.kind == TypeKind::kError) {
      return mismatch(fmt::format("cannot multiply {} by {}", TypeName(left), TypeName(right)),
                      "`*` works on int with int and money with int");
    }
    if (!IsCaseIndependent(lhs, ann_) && !IsCaseIndependent(rhs, ann_)) {
      Report(diag::Kind::kNonLinearArithmetic, expr.range,
             "`*` multiplies two values that differ from case to case")
          .help.push_back(
              "keep one side a constant or a param; the conflict analysis needs "
              "linear arithmetic");
    }
    return result;
  }
  // Division: int by a constant int.
  if (left.kind != TypeKind::kInt || right.kind != TypeKind::kInt) {
    return mismatch(fmt::format("cannot divide {} by {}", TypeName(left), TypeName(right)),
                    "`/` divides an int by a constant int");
  }
  if (!IsCaseIndependent(rhs, ann_)) {
    Report(diag::Kind::kNonLinearArithmetic, rhs.range, "the divisor differs from case to case")
        .help.push_back(
            "divide by a constant or a param; the conflict analysis needs linear "
            "arithmetic");
    return Type::Int();
  }
  auto divisor = EvalConstant(rhs, ann_);
  bool zero = divisor && *divisor == 0;
  const bool one_param =
      rhs.kind == ExprKind::kName && ann_.SymbolOf(rhs).kind == ast::SymbolKind::kParam;
  if (!divisor) zero = ZeroForSomeDate(rhs, ann_);  // params, alone or in an expression
  if (zero) {
    Report(diag::Kind::kDivisionByZero, rhs.range,
           divisor     ? std::string("division by zero")
           : one_param ? fmt::format("division by param `{}`, which is 0 for some dates", rhs.name)
                       : std::string("division by an expression of params that is 0 for some "
                                     "dates"));
  }
  return Type::Int();
}

Type Analyzer::CheckComparison(const Expr& expr, ExprScope& scope) {
  if (expr.operands.size() != 2) return Type::Error();
  const Expr& lhs = *expr.operands[0];
  const Expr& rhs = *expr.operands[1];
  auto [left, right] = CheckPair(lhs, rhs, scope);
  if (left.kind == TypeKind::kError || right.kind == TypeKind::kError) return Type::Bool();
  if (!Compatible(left, right) && !Compatible(right, left)) {
    Report(diag::Kind::kTypeMismatch, expr.range,
           fmt::format("cannot compare {} with {}", TypeName(left), TypeName(right)));
    return Type::Bool();
  }
  bool ordering = expr.kind != ExprKind::kEq && expr.kind != ExprKind::kNe;
  if (ordering && !IsOrdered(left)) {
    Report(diag::Kind::kTypeMismatch, expr.range,
           fmt::format("`{}` needs int, money or date values; {} values have no order",
                       OperatorText(expr.kind), TypeName(left)));
    return Type::Bool();
  }
  CheckConstantAgainst(lhs, rhs);
  CheckConstantAgainst(rhs, lhs);
  return Type::Bool();
}

Type Analyzer::CheckIn(const Expr& expr, ExprScope& scope) {
  if (expr.operands.size() != 2) return Type::Error();
  const Expr& value = *expr.operands[0];
  const Expr& set = *expr.operands[1];
  Type value_type, set_type;
  if (IsBareMember(value, *scope.layer) && !IsBareMember(set, *scope.layer)) {
    set_type = CheckValue(set, nullptr, scope);
    Type element = Type::Enum(set_type.enum_decl);
    value_type = CheckValue(value, set_type.kind == TypeKind::kSet ? &element : nullptr, scope);
  } else {
    value_type = CheckValue(value, nullptr, scope);
    Type want = Type::SetOf(value_type.enum_decl);
    if (value_type.kind != TypeKind::kEnum && set.kind == ExprKind::kSetLit) {
      // `age in {1, 2}`: one finding about the left side, not one per element.
      for (auto& element : set.operands) CheckValue(*element, nullptr, scope);
      ann_.Type(set) = set_type = Type::Error();
      if (value_type.kind == TypeKind::kError) return Type::Bool();
      auto& diagnostic = Report(diag::Kind::kTypeMismatch, value.range,
                                fmt::format("`in {{...}}` needs an enum value on its left, but "
                                            "this is {}",
                                            TypeName(value_type)));
      if (IsOrdered(value_type)) {
        diagnostic.help.push_back("for numbers and dates use a range: `x in lo..hi`");
      }
      return Type::Bool();
    }
    set_type = CheckValue(set, value_type.kind == TypeKind::kEnum ? &want : nullptr, scope);
  }
  if (value_type.kind == TypeKind::kError || set_type.kind == TypeKind::kError) {
    return Type::Bool();
  }
  if (value_type.kind != TypeKind::kEnum) {
    auto& diagnostic = Report(
        diag::Kind::kTypeMismatch, value.range,
        fmt::format("`in` needs an enum value on its left, but this is {}", TypeName(value_type)));
    if (IsOrdered(value_type)) {
      diagnostic.help.push_back("for numbers and dates use a range: `x in lo..hi`");
    }
  } else if (set_type.kind == TypeKind::kEmptySet) {
    // `x in {}`: always false, but well typed.
  } else if (set_type.kind != TypeKind::kSet) {
    Report(diag::Kind::kTypeMismatch, set.range,
           fmt::format("right of `in` must be a set of `{}`, but this is {}",
                       value_type.enum_decl->name, TypeName(set_type)));
  } else if (set_type.enum_decl != value_type.enum_decl) {
    Report(diag::Kind::kTypeMismatch, expr.range,
           fmt::format("cannot look for a `{}` in a {}", value_type.enum_decl->name,
                       TypeName(set_type)));
  }
  return Type::Bool();
}

Type Analyzer::CheckInRange(const Expr& expr, ExprScope& scope) {
  if (expr.operands.size() != 3) return Type::Error();
  const Expr& value = *expr.operands[0];
  Type value_type = CheckValue(value, nullptr, scope);
  Type lo = CheckValue(*expr.operands[1], &value_type, scope);
  Type hi = CheckValue(*expr.operands[2], &value_type, scope);
  if (value_type.kind == TypeKind::kError || lo.kind == TypeKind::kError ||
      hi.kind == TypeKind::kError) {
    return Type::Bool();
  }
  source::SourceRange bounds =
      source::SourceRange::Join(expr.operands[1]->range, expr.operands[2]->range);
  if (!IsOrdered(value_type)) {
    Report(diag::Kind::kRangeOnWrongType, value.range,
           fmt::format("a range needs an int, money or date value, but this is {}",
                       TypeName(value_type)))
        .help.push_back("for enum values use a set: `x in {a, b}`");
  } else if (lo != value_type || hi != value_type) {
    Report(diag::Kind::kTypeMismatch, bounds,
           fmt::format("the bounds are {} and {}, but the value is {}", TypeName(lo), TypeName(hi),
                       TypeName(value_type)));
  } else {
    auto lo_value = EvalConstant(*expr.operands[1], ann_);
    auto hi_value = EvalConstant(*expr.operands[2], ann_);
    if (lo_value && hi_value && *lo_value > *hi_value) {
      Report(diag::Kind::kEmptyRange, bounds,
             fmt::format("the range {}..{} is empty", FormatConstant(value_type, *lo_value),
                         FormatConstant(value_type, *hi_value)))
          .help.push_back("write the lower bound first; both bounds are included");
    }
  }
  return Type::Bool();
}

Type Analyzer::CheckIf(const Expr& expr, const Type* expected, ExprScope& scope) {
  if (expr.operands.size() != 3) return Type::Error();
  const Expr& condition = *expr.operands[0];
  const Expr& yes = *expr.operands[1];
  const Expr& no = *expr.operands[2];
  CheckCondition(condition, scope, "the `if` condition");
  auto branch = [&](const Expr& arm, bool positive, const Type* want) {
    std::size_t guarded = scope.guarded.size();
    CollectKnown(condition, positive, scope.guarded);
    Type type = CheckValue(arm, want, scope);
    scope.guarded.resize(guarded);
    return type;
  };
  Type yes_type, no_type;
  bool has_expected = expected && expected->kind != TypeKind::kError;
  if (has_expected) {
    yes_type = branch(yes, true, expected);
    no_type = branch(no, false, expected);
  } else if (IsBareMember(yes, *scope.layer) && !IsBareMember(no, *scope.layer)) {
    no_type = branch(no, false, nullptr);
    yes_type = branch(yes, true, no_type.kind == TypeKind::kError ? nullptr : &no_type);
  } else {
    yes_type = branch(yes, true, nullptr);
    no_type = branch(no, false, yes_type.kind == TypeKind::kError ? nullptr : &yes_type);
  }
  if (yes_type.kind == TypeKind::kError || no_type.kind == TypeKind::kError) return Type::Error();
  if (yes_type == no_type) return yes_type;
  if (Compatible(yes_type, no_type)) return no_type;
  if (Compatible(no_type, yes_type)) return yes_type;
  Report(
      diag::Kind::kTypeMismatch, expr.range,
      fmt::format("the branches of `if` differ: {} and {}", TypeName(yes_type), TypeName(no_type)));
  return Type::Error();
}

Type Analyzer::LetType(const ast::LetDecl& let, const Layer& layer) {
  auto state = let_state_.find(&let);
  if (state != let_state_.end()) {
    // In progress: the let depends on itself; the dependency graph reports the cycle (L401).
    return state->second == LetState::kDone ? ann_.TypeOf(let) : Type::Error();
  }
  CheckLet(let, layer);
  return ann_.TypeOf(let);
}

}  // namespace loket::sema::detail
