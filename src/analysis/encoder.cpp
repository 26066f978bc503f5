#include "analysis/encoder.h"

#include <fmt/format.h>

#include "support/date.h"

namespace loket::analysis {

namespace {

const std::int64_t kMinDay = support::DaysFromCivil({1, 1, 1});
const std::int64_t kMaxDay = support::DaysFromCivil({9999, 12, 31});

bool IsSetType(const ast::Type& type) {
  return type.kind == ast::TypeKind::kSet || type.kind == ast::TypeKind::kEmptySet;
}

std::size_t MemberCount(const ast::Type& type) {
  return type.enum_decl ? type.enum_decl->members.size() : 0;
}

// Connectives that fold constants, so that what cannot fail adds nothing to a query.
z3::expr Or(const z3::expr& a, const z3::expr& b) {
  if (a.is_false() || b.is_true()) return b;
  if (b.is_false() || a.is_true()) return a;
  return a || b;
}

z3::expr And(const z3::expr& a, const z3::expr& b) {
  if (a.is_true() || b.is_false()) return b;
  if (b.is_true() || a.is_false()) return a;
  return a && b;
}

z3::expr Not(const z3::expr& a) {
  if (a.is_true()) return a.ctx().bool_val(false);
  if (a.is_false()) return a.ctx().bool_val(true);
  return !a;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Variables

const Term& Variables::Fact(const ast::FactDecl* fact, int copy) {
  auto key = std::make_pair(fact, copy);
  auto it = facts_.find(key);
  if (it != facts_.end()) return it->second;
  std::string name = fmt::format("{}.{}{}", fact->layer, fact->name, copy ? "'" : "");
  Term term(ctx_.bool_val(false));
  const ast::Type& type = TypeOf(fact);
  switch (type.kind) {
    case ast::TypeKind::kBool:
      term.scalar = ctx_.bool_const(name.c_str());
      break;
    case ast::TypeKind::kSet:
      term.is_set = true;
      for (std::size_t i = 0; i < MemberCount(type); ++i) {
        term.members.push_back(
            ctx_.bool_const(fmt::format("{}#{}", name, type.enum_decl->members[i].name).c_str()));
      }
      break;
    default:
      term.scalar = ctx_.int_const(name.c_str());
      break;
  }
  return facts_.emplace(key, std::move(term)).first->second;
}

const z3::expr& Variables::Known(const ast::FactDecl* fact, int copy) {
  auto key = std::make_pair(fact, copy);
  auto it = known_.find(key);
  if (it != known_.end()) return it->second;
  z3::expr known =
      fact->is_optional
          ? ctx_.bool_const(
                fmt::format("known({}.{}){}", fact->layer, fact->name, copy ? "'" : "").c_str())
          : ctx_.bool_val(true);
  return known_.emplace(key, known).first->second;
}

z3::expr Variables::DateDomain(const z3::expr& day) {
  return day >= ctx_.int_val(static_cast<int64_t>(kMinDay)) &&
         day <= ctx_.int_val(static_cast<int64_t>(kMaxDay));
}

z3::expr Variables::Domain(const ast::FactDecl* fact, int copy) {
  const Term& term = Fact(fact, copy);
  const ast::Type& type = TypeOf(fact);
  z3::expr result = ctx_.bool_val(true);
  if (type.kind == ast::TypeKind::kEnum) {
    result = term.scalar >= 0 && term.scalar < ctx_.int_val(static_cast<int>(MemberCount(type)));
  } else if (type.kind == ast::TypeKind::kDate) {
    result = DateDomain(term.scalar);
  }
  if (fact->type.range && (type.kind == ast::TypeKind::kInt || type.kind == ast::TypeKind::kMoney ||
                           type.kind == ast::TypeKind::kDate)) {
    result = result && term.scalar >= ctx_.int_val(static_cast<int64_t>(fact->type.range->lo)) &&
             term.scalar <= ctx_.int_val(static_cast<int64_t>(fact->type.range->hi));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Encoder

Encoder::Encoder(Variables& vars, const sema::Model& model, std::vector<const sema::Layer*> chain,
                 std::string tag, const ast::FactDecl* twin)
    : vars_(vars), model_(model), chain_(std::move(chain)), tag_(std::move(tag)), twin_(twin) {
  vars_.ReadTypesFrom(model.annotations);
  copy_ = twin ? 1 : 0;
  for (const sema::Layer* layer : chain_) {
    for (const ast::FactDecl* fact : layer->facts) facts_.push_back(fact);
    for (const ast::RuleDecl* rule : layer->rules) {
      for (const ast::RuleRef& ref : rule->exception_to) {
        for (const ast::RuleDecl* base : model_.annotations.TargetsOf(ref)) {
          exceptions_[base].push_back(rule);
        }
      }
    }
  }
  for (const auto& file : model_.files) {
    if (!file->header || (!file->header->validity.from && !file->header->validity.until)) continue;
    for (const auto& rule : file->rules) file_validity_[rule.get()] = &file->header->validity;
  }
}

z3::expr Encoder::Axioms() {
  z3::expr result = vars_.DateDomain(vars_.date());
  for (const ast::FactDecl* fact : facts_) result = result && vars_.Domain(fact, Copy(fact));
  for (const sema::Layer* layer : chain_) {
    for (const ast::AssumeDecl* assume : layer->assumes) {
      result = result && Bool(assume->condition.get());
    }
  }
  return result;
}

z3::expr Encoder::SideConstraints() {
  z3::expr result = ctx().bool_val(true);
  for (const z3::expr& e : side_) result = result && e;
  return result;
}

z3::expr Encoder::Equal(const Term& a, const Term& b) {
  if (a.is_set || b.is_set) {
    z3::context& ctx =
        a.is_set ? a.members.empty() ? b.scalar.ctx() : a.members[0].ctx() : a.scalar.ctx();
    z3::expr result = ctx.bool_val(true);
    std::size_t n = std::max(a.members.size(), b.members.size());
    for (std::size_t i = 0; i < n; ++i) {
      z3::expr x = i < a.members.size() ? a.members[i] : ctx.bool_val(false);
      z3::expr y = i < b.members.size() ? b.members[i] : ctx.bool_val(false);
      result = result && (x == y);
    }
    return result;
  }
  return a.scalar == b.scalar;
}

z3::expr Encoder::Bool(const ast::Expr* expr) {
  if (!expr) return ctx().bool_val(true);
  Term term = Encode(*expr);
  return And(term.scalar, Not(term.fails));
}

z3::expr Encoder::ValidityTerm(const ast::Validity& validity) {
  z3::expr result = ctx().bool_val(true);
  if (validity.from) result = result && vars_.date() >= ctx().int_val(*validity.from);
  if (validity.until) result = result && vars_.date() < ctx().int_val(*validity.until);
  return result;
}

z3::expr Encoder::InForce(const ast::RuleDecl& rule) {
  z3::expr result = ValidityTerm(rule.validity);
  auto file = file_validity_.find(&rule);
  if (file != file_validity_.end()) result = result && ValidityTerm(*file->second);
  if (const sema::Layer* layer = model_.FindLayer(rule.layer)) {
    result = result && ValidityTerm(layer->validity);
  }
  return result;
}

std::vector<Encoder::Part> Encoder::ConditionParts(const ast::RuleDecl& rule) {
  std::vector<Part> parts;
  auto validity = [&](const ast::Validity& v, const std::string& whose) {
    if (v.from) {
      parts.push_back({vars_.date() >= ctx().int_val(*v.from),
                       fmt::format("{} `valid from {}`", whose, support::FormatIsoDate(*v.from))});
    }
    if (v.until) {
      parts.push_back({vars_.date() < ctx().int_val(*v.until),
                       fmt::format("{} `until {}`", whose, support::FormatIsoDate(*v.until))});
    }
  };
  validity(rule.validity, "the rule's");
  auto file = file_validity_.find(&rule);
  if (file != file_validity_.end()) validity(*file->second, "its file's");
  if (const sema::Layer* layer = model_.FindLayer(rule.layer)) {
    validity(layer->validity, fmt::format("layer `{}`'s", layer->name));
  }
  std::vector<const ast::Expr*> stack;
  if (rule.condition) stack.push_back(rule.condition.get());
  while (!stack.empty()) {
    const ast::Expr* e = stack.back();
    stack.pop_back();
    if (e->kind == ast::ExprKind::kAnd) {  // left operand first
      stack.push_back(e->operands[1].get());
      stack.push_back(e->operands[0].get());
      continue;
    }
    std::string text = "the condition";
    if (model_.sources && e->range.valid()) {
      std::string_view file_text = model_.sources->text(e->range.file);
      if (e->range.end <= file_text.size() && e->range.begin < e->range.end) {
        text = fmt::format("`{}`", file_text.substr(e->range.begin, e->range.end - e->range.begin));
      }
    }
    parts.push_back({Bool(e), text});
  }
  return parts;
}

std::vector<const ast::RuleDecl*> Encoder::ExceptionsTo(const ast::RuleDecl& rule) const {
  auto it = exceptions_.find(&rule);
  return it == exceptions_.end() ? std::vector<const ast::RuleDecl*>{} : it->second;
}

z3::expr Encoder::Holds(const ast::RuleDecl& rule) {
  return And(InForce(rule), Condition(rule));
}

z3::expr Encoder::ConditionFails(const ast::RuleDecl& rule) {
  if (!rule.condition) return False();
  return And(InForce(rule), Encode(*rule.condition).fails);
}

// docs/language.md §4: a rule is defeated when some rule of its exception tree holds, whether or
// not that rule is itself defeated (Catala's exception trees: the most specific holding rule
// decides). The evaluator searches the tree depth first in rule order, each exception before its
// own exceptions, and stops at the first rule that holds or the first condition that fails.
const Encoder::DefeatSearch& Encoder::SearchExceptions(const ast::RuleDecl& rule) {
  auto it = defeat_memo_.find(&rule);
  if (it != defeat_memo_.end()) return it->second;
  // Guard against exception cycles (an L402 error): the guard only makes the encoding end.
  defeat_memo_.emplace(&rule, DefeatSearch{False(), False()});
  const std::vector<const ast::RuleDecl*> exceptions = ExceptionsTo(rule);
  // From the last exception back: what the search finds from exception i on.
  z3::expr defeated = False(), fails = False();
  for (auto e = exceptions.rbegin(); e != exceptions.rend(); ++e) {
    const z3::expr holds = Holds(**e);
    const z3::expr breaks = ConditionFails(**e);
    const DefeatSearch below = SearchExceptions(**e);
    const z3::expr next_defeated =
        And(Not(breaks), Or(holds, And(Not(below.fails), Or(below.defeated, defeated))));
    fails = Or(breaks, And(Not(holds), Or(below.fails, And(Not(below.defeated), fails))));
    defeated = next_defeated;
  }
  DefeatSearch& result = defeat_memo_.find(&rule)->second;
  result = DefeatSearch{defeated, fails};
  return result;
}

z3::expr Encoder::Defeated(const ast::RuleDecl& rule) {
  return SearchExceptions(rule).defeated;
}

z3::expr Encoder::DefeatFails(const ast::RuleDecl& rule) {
  return SearchExceptions(rule).fails;
}

z3::expr Encoder::Applies(const ast::RuleDecl& rule) {
  auto it = applies_memo_.find(&rule);
  if (it != applies_memo_.end()) return it->second;
  const DefeatSearch search = SearchExceptions(rule);
  z3::expr result = And(Holds(rule), And(Not(search.defeated), Not(search.fails)));
  applies_memo_.emplace(&rule, result);
  return result;
}

Term Encoder::Assigned(const ast::RuleDecl& rule, const ast::DecisionDecl& decision) {
  for (const ast::Assignment& assignment : rule.assignments) {
    if (model_.annotations.DecisionOf(assignment) == &decision && assignment.value)
      return Encode(*assignment.value);
  }
  return Scalar(ctx().bool_val(false));
}

const std::vector<const ast::RuleDecl*>& Encoder::RulesOn(const ast::DecisionDecl& decision) {
  auto it = rules_on_.find(&decision);
  if (it != rules_on_.end()) return it->second;
  std::vector<const ast::RuleDecl*> rules;
  for (const sema::Layer* layer : chain_) {
    for (const ast::RuleDecl* rule : layer->rules) {
      for (const ast::Assignment& a : rule->assignments) {
        if (model_.annotations.DecisionOf(a) == &decision) {
          rules.push_back(rule);
          break;
        }
      }
    }
  }
  return rules_on_.emplace(&decision, std::move(rules)).first->second;
}

z3::expr Encoder::Decisive(const ast::DecisionDecl& decision) {
  return Not(Fails(decision));
}

z3::expr Encoder::Faults(const ast::DecisionDecl& decision) {
  Outcome(decision);
  auto it = faults_memo_.find(&decision);
  return it == faults_memo_.end() ? False() : it->second;
}

// docs/language.md §9 (*Failure*): the evaluator takes every rule of the decision in force; an
// error in a condition, in the search of an applying rule's exception tree or in an applying
// rule's value is the decision's error, whatever the other rules decide.
Term Encoder::Outcome(const ast::DecisionDecl& decision) {
  auto memo = decl_memo_.find(&decision);
  if (memo != decl_memo_.end()) return memo->second;
  const std::vector<const ast::RuleDecl*>& rules = RulesOn(decision);
  const ast::Type& type = model_.annotations.TypeOf(decision.type);
  z3::expr applicable = ctx().bool_val(true), not_applicable = False(), when_fails = False();
  if (decision.applies_when) {
    Term when = Encode(*decision.applies_when);
    when_fails = when.fails;
    applicable = And(when.scalar, Not(when.fails));
    not_applicable = And(Not(when.scalar), Not(when.fails));
  }
  z3::expr rule_faults = False();
  for (const ast::RuleDecl* rule : rules) {
    rule_faults = Or(rule_faults, ConditionFails(*rule));
    rule_faults = Or(rule_faults, And(Holds(*rule), DefeatFails(*rule)));
    rule_faults = Or(rule_faults, And(Applies(*rule), Assigned(*rule, decision).fails));
  }
  Term result(ctx());
  if (decision.collect || IsSetType(type)) {
    result.is_set = true;
    std::size_t n = MemberCount(type);
    if (decision.collect) {
      for (std::size_t i = 0; i < n; ++i) result.members.push_back(ctx().bool_val(false));
      for (const ast::RuleDecl* rule : rules) {
        z3::expr applies = Applies(*rule);
        Term value = Assigned(*rule, decision);
        for (std::size_t i = 0; i < n && i < value.members.size(); ++i) {
          result.members[i] = result.members[i] || (applies && value.members[i]);
        }
      }
      if (decision.applies_when) {
        for (z3::expr& m : result.members) m = applicable && m;
      }
      for (z3::expr& m : result.members) m = m.simplify();
      // A collect decision has no conflict or gap; not applicable, it is the empty set.
      result.fails = Or(when_fails, And(applicable, rule_faults));
      faults_memo_.emplace(&decision, result.fails);
      decl_memo_.emplace(&decision, result);
      return result;
    }
  }
  // Single-valued: the fallback first (default or an unconstrained gap value), then layer by
  // layer from the root, each deeper layer's applying rules replacing the ones above when the
  // decision is delegated.
  Term fallback(ctx());
  if (decision.default_value) {
    fallback = Encode(*decision.default_value);
  } else {
    std::string name = fmt::format("gap!{}!{}", decision.name, tag_);
    if (result.is_set) {
      fallback.is_set = true;
      for (std::size_t i = 0; i < MemberCount(type); ++i) {
        fallback.members.push_back(ctx().bool_const(fmt::format("{}#{}", name, i).c_str()));
      }
    } else if (type.kind == ast::TypeKind::kBool) {
      fallback.scalar = ctx().bool_const(name.c_str());
    } else {
      fallback.scalar = ctx().int_const(name.c_str());
    }
  }
  const z3::expr default_fails = fallback.fails;
  fallback.fails = False();
  auto ite = [&](const z3::expr& c, const Term& a, const Term& b) {
    Term t(ctx());
    t.is_set = a.is_set;
    if (a.is_set) {
      for (std::size_t i = 0; i < a.members.size() && i < b.members.size(); ++i) {
        t.members.push_back(z3::ite(c, a.members[i], b.members[i]));
      }
    } else {
      t.scalar = z3::ite(c, a.scalar, b.scalar);
    }
    return t;
  };
  std::vector<std::vector<const ast::RuleDecl*>> groups;
  if (decision.delegation) {
    for (const sema::Layer* layer : chain_) {
      std::vector<const ast::RuleDecl*> group;
      for (const ast::RuleDecl* rule : rules) {
        if (rule->layer == layer->name) group.push_back(rule);
      }
      if (!group.empty()) groups.push_back(std::move(group));
    }
  } else if (!rules.empty()) {
    groups.push_back(rules);
  }
  Term value = fallback;
  z3::expr some = False();            // some rule applies
  z3::expr conflict = False();        // the deciding group's applying rules disagree
  for (const auto& group : groups) {  // root first; deeper groups wrap around
    Term pick = value;
    z3::expr any = False();
    for (auto it = group.rbegin(); it != group.rend(); ++it) {
      z3::expr applies = Applies(**it);
      pick = ite(applies, Assigned(**it, decision), pick);
      any = Or(any, applies);
    }
    z3::expr disagree = False();
    for (const ast::RuleDecl* rule : group) {
      disagree = Or(disagree, And(Applies(*rule), Not(Equal(Assigned(*rule, decision), pick))));
    }
    conflict = Or(And(any, disagree), And(Not(any), conflict));
    value = ite(any, pick, value);
    some = Or(some, any);
  }
  if (decision.applies_when) {
    // Not applicable: the default, or (without one) a value of its own, unconstrained.
    Term elsewhere = fallback;
    if (!decision.default_value) {
      std::string name = fmt::format("na!{}!{}", decision.name, tag_);
      if (fallback.is_set) {
        for (std::size_t i = 0; i < elsewhere.members.size(); ++i) {
          elsewhere.members[i] = ctx().bool_const(fmt::format("{}#{}", name, i).c_str());
        }
      } else {
        elsewhere.scalar = type.kind == ast::TypeKind::kBool ? ctx().bool_const(name.c_str())
                                                             : ctx().int_const(name.c_str());
      }
    }
    value = ite(applicable, value, elsewhere);
  }
  // The default is evaluated where no rule applies, and where the decision does not apply.
  const z3::expr faults =
      Or(when_fails, Or(And(applicable, Or(rule_faults, And(Not(some), default_fails))),
                        And(not_applicable, default_fails)));
  faults_memo_.emplace(&decision, faults);
  z3::expr undecided = decision.default_value ? conflict : Or(conflict, Not(some));
  value.fails = Or(faults, And(applicable, undecided));
  if (!decision.default_value) value.fails = Or(value.fails, not_applicable);
  decl_memo_.emplace(&decision, value);
  return value;
}

Term Encoder::EncodeParam(const ast::ParamDecl& param) {
  auto memo = decl_memo_.find(&param);
  if (memo != decl_memo_.end()) return memo->second;
  Term value(ctx());
  bool first = true;
  for (const ast::ParamValue& v : param.values) {
    Term term = Encode(*v.value);
    if (first || !v.from) {
      value = term;
      first = false;
      continue;
    }
    z3::expr from = vars_.date() >= ctx().int_val(*v.from);
    if (term.is_set) {
      for (std::size_t i = 0; i < term.members.size() && i < value.members.size(); ++i) {
        value.members[i] = z3::ite(from, term.members[i], value.members[i]);
      }
    } else {
      value.scalar = z3::ite(from, term.scalar, value.scalar);
    }
  }
  decl_memo_.emplace(&param, value);
  return value;
}

Term Encoder::EncodeName(const ast::Expr& expr) {
  const ast::Symbol& symbol = model_.annotations.SymbolOf(expr);
  switch (symbol.kind) {
    case ast::SymbolKind::kFact: {
      Term value = vars_.Fact(symbol.fact, Copy(symbol.fact));
      // Reading an absent optional fact is an error (L610); `known(x)` does not read it.
      if (symbol.fact->is_optional) value.fails = !vars_.Known(symbol.fact, Copy(symbol.fact));
      return value;
    }
    case ast::SymbolKind::kParam:
      return EncodeParam(*symbol.param);
    case ast::SymbolKind::kLet: {
      auto memo = decl_memo_.find(symbol.let);
      if (memo != decl_memo_.end()) return memo->second;
      if (!in_progress_.insert(symbol.let).second) return Cyclic(expr);
      Term value = Encode(*symbol.let->value);
      in_progress_.erase(symbol.let);
      decl_memo_.emplace(symbol.let, value);
      return value;
    }
    case ast::SymbolKind::kDecision: {
      auto memo = decl_memo_.find(symbol.decision);
      if (memo != decl_memo_.end()) return memo->second;
      if (!in_progress_.insert(symbol.decision).second) return Cyclic(expr);
      Term value = Outcome(*symbol.decision);
      in_progress_.erase(symbol.decision);
      return value;
    }
    case ast::SymbolKind::kEnumMember:
      return Scalar(ctx().int_val(symbol.enum_index));
    case ast::SymbolKind::kReferenceDate:
      return Scalar(vars_.date());
    case ast::SymbolKind::kUnresolved:
      break;
  }
  // Only reachable on a model with errors; a fresh value keeps the encoding total.
  return Scalar(ctx().int_const(fmt::format("unresolved!{}", fresh_++).c_str()));
}

// A definition that reads itself (L401, reported by the graph): an unconstrained value keeps
// the encoding finite; the pipeline does not run the analysis on such a model anyway.
Term Encoder::Cyclic(const ast::Expr& expr) {
  std::string name = fmt::format("cyclic!{}!{}", expr.name, fresh_++);
  if (IsSetType(model_.annotations.TypeOf(expr))) {
    Term t(ctx());
    t.is_set = true;
    for (std::size_t i = 0; i < MemberCount(model_.annotations.TypeOf(expr)); ++i) {
      t.members.push_back(ctx().bool_const(fmt::format("{}#{}", name, i).c_str()));
    }
    return t;
  }
  if (model_.annotations.TypeOf(expr).kind == ast::TypeKind::kBool)
    return Scalar(ctx().bool_const(name.c_str()));
  return Scalar(ctx().int_const(name.c_str()));
}

z3::expr Encoder::CalendarVariable(const char* what, const z3::expr& of) {
  if (!name_by_term_) return ctx().int_const(fmt::format("{}!{}!{}", what, tag_, fresh_++).c_str());
  return ctx().int_const(fmt::format("{}!{}!{}", what, tag_, of.to_string()).c_str());
}

z3::expr Encoder::DaysInMonth(const Year& year, const z3::expr& m) {
  return z3::ite(m == 2, z3::ite(year.leap, Int(29), Int(28)),
                 z3::ite(m == 4 || m == 6 || m == 9 || m == 11, Int(30), Int(31)));
}

// With Y = year - 1 = 400 e + 100 c + 4 q + r (0 <= c, r <= 3, 0 <= q <= 24), the days
// before the year are 146097 e + 36524 c + 1461 q + 365 r: the leap day of each cycle falls
// in its last year. The year is a leap year when r = 3 (year % 4 == 0), unless q = 24 too
// (year % 100 == 0) without c = 3 (year % 400 == 0). Exact for every year; no division.
Encoder::Year Encoder::YearOf(const z3::expr& year) {
  z3::expr simplified = year.simplify();
  for (const auto& [known_year, shape] : year_memo_) {
    if (z3::eq(known_year, simplified)) return shape;
  }
  std::int64_t value = 0;
  if (simplified.is_numeral_i64(value)) {
    std::int64_t before =
        support::DaysFromCivil({static_cast<int>(value), 1, 1}) - support::DaysFromCivil({1, 1, 1});
    bool leap = support::DaysInMonth(static_cast<int>(value), 2) == 29;
    Year shape{Int(before), ctx().bool_val(leap)};
    year_memo_.emplace_back(simplified, shape);
    return shape;
  }
  auto var = [&](const char* what) { return CalendarVariable(what, simplified); };
  z3::expr e = var("cycle400"), c = var("cycle100"), q = var("cycle4"), r = var("year4");
  // Years 1..9999 (the evaluator's range; its date arithmetic fails outside), with one
  // 400-year cycle of slack on either side for the results of date + duration.
  side_.push_back(e >= -1 && e <= 25 && c >= 0 && c <= 3 && q >= 0 && q <= 24 && r >= 0 && r <= 3 &&
                  simplified - 1 == 400 * e + 100 * c + 4 * q + r);
  Year shape{146097 * e + 36524 * c + 1461 * q + 365 * r, r == 3 && (q != 24 || c == 3)};
  year_memo_.emplace_back(simplified, shape);
  return shape;
}

z3::expr Encoder::FromCivil(const Year& year, const z3::expr& m, const z3::expr& d) {
  static const int kDaysBeforeMonth[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  z3::expr before_month = Int(kDaysBeforeMonth[11]);
  for (int month = 11; month >= 1; --month) {
    before_month = z3::ite(m == month, Int(kDaysBeforeMonth[month - 1]), before_month);
  }
  z3::expr leap_day = z3::ite(m > 2 && year.leap, Int(1), Int(0));
  return Int(support::DaysFromCivil({1, 1, 1})) + year.days_before + before_month + leap_day + d -
         1;
}

Encoder::Civil Encoder::Decompose(const z3::expr& day) {
  for (const auto& [known_day, civil] : civil_memo_) {
    if (z3::eq(known_day, day)) return civil;
  }
  // A constant date (an anchor such as 1899-08-01) is split here rather than by the solver,
  // which would otherwise re-solve its side constraint in every query.
  if (day.is_numeral()) {
    support::CivilDate c =
        support::CivilFromDays(static_cast<support::DayNumber>(day.get_numeral_int64()));
    Civil civil{Int(c.year), Int(c.month), Int(c.day), YearOf(Int(c.year))};
    civil_memo_.emplace_back(day, civil);
    return civil;
  }
  z3::expr year = CalendarVariable("y", day);
  Civil civil{year, CalendarVariable("m", day), CalendarVariable("d", day), YearOf(year)};
  side_.push_back(civil.month >= 1 && civil.month <= 12 && civil.day >= 1 &&
                  civil.day <= DaysInMonth(civil.shape, civil.month) &&
                  FromCivil(civil.shape, civil.month, civil.day) == day);
  civil_memo_.emplace_back(day, civil);
  return civil;
}

z3::expr Encoder::AddMonths(const z3::expr& day, std::int64_t months) {
  z3::expr simplified = day.simplify();
  if (simplified.is_numeral()) {
    return Int(support::AddMonths(static_cast<support::DayNumber>(simplified.get_numeral_int64()),
                                  months));
  }
  Civil c = Decompose(simplified);
  z3::expr y = c.year + Int(months / 12);
  z3::expr m = c.month;
  if (months % 12 != 0) {  // a month of another year: y * 12 + m - 1 moves by `months`
    y = CalendarVariable(fmt::format("y{:+}", months).c_str(), simplified);
    m = CalendarVariable(fmt::format("m{:+}", months).c_str(), simplified);
    side_.push_back(m >= 1 && m <= 12 && y * 12 + m == c.year * 12 + c.month + Int(months));
  }
  Year year = YearOf(y);
  z3::expr dim = DaysInMonth(year, m);
  z3::expr d = z3::ite(c.day <= dim, c.day, dim);  // clamped to the month's last day
  return FromCivil(year, m, d);
}

// Full years from `from` to `to` as the evaluator counts them: the year difference, minus one
// when the (month, day) of `to` comes before that of `from`; negated when `to` < `from`.
z3::expr Encoder::YearsBetween(const z3::expr& from, const z3::expr& to) {
  Civil a = Decompose(from.simplify());
  Civil b = Decompose(to.simplify());
  z3::expr b_before_a = b.month < a.month || (b.month == a.month && b.day < a.day);
  z3::expr a_before_b = a.month < b.month || (a.month == b.month && a.day < b.day);
  z3::expr forward = b.year - a.year - z3::ite(b_before_a, Int(1), Int(0));
  z3::expr backward = -(a.year - b.year - z3::ite(a_before_b, Int(1), Int(0)));
  return z3::ite(to >= from, forward, backward);
}

Term Encoder::Encode(const ast::Expr& expr) {
  auto memo = memo_.find(&expr);
  if (memo != memo_.end()) return memo->second;
  auto operand = [&](std::size_t i) { return Encode(*expr.operands[i]); };
  // Whether evaluating operand i fails; operands are evaluated left to right, and an error in
  // one is the error of the whole expression (docs/language.md §9, *Failure*).
  auto fails = [&](std::size_t i) { return Encode(*expr.operands[i]).fails; };
  auto strict = [&]() {
    z3::expr any = False();
    for (std::size_t i = 0; i < expr.operands.size(); ++i) any = Or(any, fails(i));
    return any;
  };
  Term result = Scalar(ctx().bool_val(false));
  z3::expr failure = False();
  switch (expr.kind) {
    case ast::ExprKind::kBoolLit:
      result = Scalar(ctx().bool_val(expr.bool_value));
      break;
    case ast::ExprKind::kIntLit:
    case ast::ExprKind::kMoneyLit:
    case ast::ExprKind::kDateLit:
    case ast::ExprKind::kDurationLit:
      result = Scalar(Int(expr.int_value));
      break;
    case ast::ExprKind::kSetLit: {
      result.is_set = true;
      std::size_t n = MemberCount(model_.annotations.TypeOf(expr));
      for (std::size_t i = 0; i < n; ++i) result.members.push_back(ctx().bool_val(false));
      for (const ast::ExprPtr& element : expr.operands) {
        Term e = Encode(*element);
        failure = Or(failure, e.fails);
        for (std::size_t i = 0; i < n; ++i) {
          result.members[i] = result.members[i] || (e.scalar == ctx().int_val(static_cast<int>(i)));
        }
      }
      for (z3::expr& m : result.members) m = m.simplify();
      break;
    }
    case ast::ExprKind::kName:
      result = EncodeName(expr);
      failure = result.fails;
      break;
    case ast::ExprKind::kKnown:
      result = Scalar(model_.annotations.SymbolOf(expr).fact
                          ? vars_.Known(model_.annotations.SymbolOf(expr).fact,
                                        Copy(model_.annotations.SymbolOf(expr).fact))
                          : ctx().bool_val(true));
      break;
    case ast::ExprKind::kCall: {
      failure = strict();
      if (expr.name == "min" && expr.operands.size() == 2) {
        z3::expr a = operand(0).scalar, b = operand(1).scalar;
        result = Scalar(z3::ite(a <= b, a, b));
      } else if (expr.name == "max" && expr.operands.size() == 2) {
        z3::expr a = operand(0).scalar, b = operand(1).scalar;
        result = Scalar(z3::ite(a >= b, a, b));
      } else if (expr.name == "days_between" && expr.operands.size() == 2) {
        result = Scalar(operand(1).scalar - operand(0).scalar);
      } else if (expr.name == "years_between" && expr.operands.size() == 2) {
        result = Scalar(YearsBetween(operand(0).scalar, operand(1).scalar));
      } else {
        result = Scalar(ctx().int_const(fmt::format("call!{}", fresh_++).c_str()));
      }
      break;
    }
    case ast::ExprKind::kNeg:
      result = Scalar(-operand(0).scalar);
      failure = fails(0);
      break;
    case ast::ExprKind::kNot:
      result = Scalar(!operand(0).scalar);
      failure = fails(0);
      break;
    // `and`, `or` and `=>` read their right operand only when the left one does not decide.
    case ast::ExprKind::kAnd:
      result = Scalar(operand(0).scalar && operand(1).scalar);
      failure = Or(fails(0), And(operand(0).scalar, fails(1)));
      break;
    case ast::ExprKind::kOr:
      result = Scalar(operand(0).scalar || operand(1).scalar);
      failure = Or(fails(0), And(Not(operand(0).scalar), fails(1)));
      break;
    case ast::ExprKind::kImplies:
      result = Scalar(z3::implies(operand(0).scalar, operand(1).scalar));
      failure = Or(fails(0), And(operand(0).scalar, fails(1)));
      break;
    case ast::ExprKind::kAdd:
    case ast::ExprKind::kSub: {
      bool add = expr.kind == ast::ExprKind::kAdd;
      const ast::Expr& rhs = *expr.operands[1];
      failure = strict();
      if (IsSetType(model_.annotations.TypeOf(expr))) {
        Term a = operand(0), b = operand(1);
        result.is_set = true;
        for (std::size_t i = 0; i < a.members.size(); ++i) {
          z3::expr bi = i < b.members.size() ? b.members[i] : ctx().bool_val(false);
          result.members.push_back(add ? (a.members[i] || bi) : (a.members[i] && !bi));
        }
      } else if (rhs.kind == ast::ExprKind::kDurationLit) {
        z3::expr day = operand(0).scalar;
        std::int64_t amount = add ? rhs.int_value : -rhs.int_value;
        switch (rhs.unit) {
          case ast::DurationUnit::kDays:
            result = Scalar(day + Int(amount));
            break;
          case ast::DurationUnit::kWeeks:
            result = Scalar(day + Int(7 * amount));
            break;
          case ast::DurationUnit::kMonths:
          case ast::DurationUnit::kYears: {
            std::int64_t months = rhs.unit == ast::DurationUnit::kYears ? 12 * amount : amount;
            result = Scalar(AddMonths(day, months));
            // The evaluator's calendar arithmetic stays within years 1..9999 (L612 outside).
            failure = Or(failure, Not(vars_.DateDomain(day)));
            failure = Or(failure, Not(vars_.DateDomain(result.scalar)));
            break;
          }
        }
      } else {
        result = Scalar(add ? operand(0).scalar + operand(1).scalar
                            : operand(0).scalar - operand(1).scalar);
      }
      break;
    }
    case ast::ExprKind::kMul:
      result = Scalar(operand(0).scalar * operand(1).scalar);
      failure = strict();
      break;
    case ast::ExprKind::kDiv: {
      // Truncating division, as the evaluator computes it; by zero it is L613.
      z3::expr a = operand(0).scalar, b = operand(1).scalar;
      z3::expr abs_a = z3::ite(a >= 0, a, -a), abs_b = z3::ite(b >= 0, b, -b);
      z3::expr q = abs_a / abs_b;
      result = Scalar(z3::ite((a >= 0) == (b >= 0), q, -q));
      failure = Or(strict(), b == 0);
      break;
    }
    case ast::ExprKind::kEq:
      result = Scalar(Equal(operand(0), operand(1)));
      failure = strict();
      break;
    case ast::ExprKind::kNe:
      result = Scalar(!Equal(operand(0), operand(1)));
      failure = strict();
      break;
    case ast::ExprKind::kLt:
      result = Scalar(operand(0).scalar < operand(1).scalar);
      failure = strict();
      break;
    case ast::ExprKind::kLe:
      result = Scalar(operand(0).scalar <= operand(1).scalar);
      failure = strict();
      break;
    case ast::ExprKind::kGt:
      result = Scalar(operand(0).scalar > operand(1).scalar);
      failure = strict();
      break;
    case ast::ExprKind::kGe:
      result = Scalar(operand(0).scalar >= operand(1).scalar);
      failure = strict();
      break;
    case ast::ExprKind::kIn:
    case ast::ExprKind::kNotIn: {
      Term a = operand(0);
      const ast::Expr& rhs_expr = *expr.operands[1];
      failure = strict();
      z3::expr in = ctx().bool_val(false);
      if (a.is_set) {  // subset
        Term b = operand(1);
        in = ctx().bool_val(true);
        for (std::size_t i = 0; i < a.members.size(); ++i) {
          z3::expr bi = i < b.members.size() ? b.members[i] : ctx().bool_val(false);
          in = in && z3::implies(a.members[i], bi);
        }
      } else if (rhs_expr.kind == ast::ExprKind::kSetLit &&
                 model_.annotations.TypeOf(*expr.operands[0]).kind != ast::TypeKind::kEnum) {
        for (const ast::ExprPtr& element : rhs_expr.operands) {
          in = in || (a.scalar == Encode(*element).scalar);
        }
      } else {
        Term b = operand(1);
        for (std::size_t i = 0; i < b.members.size(); ++i) {
          in = in || (a.scalar == ctx().int_val(static_cast<int>(i)) && b.members[i]);
        }
      }
      result = Scalar(expr.kind == ast::ExprKind::kIn ? in : !in);
      break;
    }
    case ast::ExprKind::kInRange:
    case ast::ExprKind::kNotInRange: {
      z3::expr x = operand(0).scalar;
      z3::expr in = x >= operand(1).scalar && x <= operand(2).scalar;
      result = Scalar(expr.kind == ast::ExprKind::kInRange ? in : !in);
      // The upper bound is read only when x is not below the lower one.
      failure = Or(Or(fails(0), fails(1)), And(x >= operand(1).scalar, fails(2)));
      break;
    }
    case ast::ExprKind::kIf: {
      z3::expr c = operand(0).scalar;
      Term a = operand(1), b = operand(2);
      if (a.is_set || b.is_set) {
        result.is_set = true;
        std::size_t n = std::max(a.members.size(), b.members.size());
        for (std::size_t i = 0; i < n; ++i) {
          z3::expr ai = i < a.members.size() ? a.members[i] : ctx().bool_val(false);
          z3::expr bi = i < b.members.size() ? b.members[i] : ctx().bool_val(false);
          result.members.push_back(z3::ite(c, ai, bi));
        }
      } else {
        result = Scalar(z3::ite(c, a.scalar, b.scalar));
      }
      failure =
          Or(fails(0),
             a.fails.is_false() && b.fails.is_false() ? False() : z3::ite(c, a.fails, b.fails));
      break;
    }
  }
  result.fails = failure;
  memo_.emplace(&expr, result);
  return result;
}

}  // namespace loket::analysis
