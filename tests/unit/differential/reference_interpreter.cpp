#include "reference_interpreter.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>
#include <utility>

#include "reference_calendar.h"

namespace loket::difftest {
namespace {

using ast::ExprKind;
using ast::TypeKind;

// An evaluation error; carries the diagnostic code the evaluator reports for it.
struct EvalError {
  std::string code;
  std::string message;
};

[[noreturn]] void Fail(std::string code, std::string message) {
  throw EvalError{std::move(code), std::move(message)};
}

std::int64_t CheckedAdd(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) Fail("L612", "overflow in +");
  return r;
}
std::int64_t CheckedSub(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) Fail("L612", "overflow in -");
  return r;
}
std::int64_t CheckedMul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) Fail("L612", "overflow in *");
  return r;
}

// One evaluation of one case: the memo tables live here.
class Evaluation {
 public:
  Evaluation(const sema::Model& model, const std::vector<const sema::Layer*>& chain,
             const RefCase& facts, support::DayNumber date)
      : annotations_(model.annotations), chain_(chain), facts_(facts), date_(date) {
    for (const auto& file : model.files) {
      for (const auto& rule : file->rules) file_of_rule_[rule.get()] = file.get();
    }
    for (const sema::Layer* layer : chain_) {
      for (const ast::RuleDecl* rule : layer->rules) {
        rules_.push_back(rule);
        layer_of_rule_[rule] = layer;
      }
    }
    // §6: an exception to a rule is an exception to every version of it (the same id in the
    // same layer). Found here by id, not taken from sema's list of versions.
    for (const ast::RuleDecl* rule : rules_) {
      for (const ast::RuleRef& ref : rule->exception_to) {
        const ast::RuleDecl* named = annotations_.TargetOf(ref);
        if (!named) continue;
        for (const ast::RuleDecl* version : rules_) {
          if (version->layer == named->layer && version->id == named->id && version != rule) {
            exceptions_to_[version].push_back(rule);
          }
        }
      }
    }
  }

  RefOutcome Run() {
    RefOutcome outcome;
    // docs/language.md §9.1: a case without a required fact is an error as a whole.
    for (const sema::Layer* layer : chain_) {
      for (const ast::FactDecl* fact : layer->facts) {
        if (!fact->is_optional && !facts_.count(fact->name)) {
          outcome.case_error = "L605";
          return outcome;
        }
      }
    }
    // §9.1: a case that breaks a domain assumption is an error as a whole.
    for (const sema::Layer* layer : chain_) {
      for (const ast::AssumeDecl* assume : layer->assumes) {
        try {
          if (!Eval(*assume->condition).number) {
            outcome.case_error = "L606";
            return outcome;
          }
        } catch (const EvalError&) {
          // §9.1: an assumption that cannot be evaluated (it reads an absent optional fact)
          // cannot be checked for this case: the case error is L606 as for a broken one.
          outcome.case_error = "L606";
          return outcome;
        }
      }
    }
    for (const sema::Layer* layer : chain_) {
      for (const ast::DecisionDecl* decision : layer->decisions) {
        RefDecision& result = outcome.decisions[decision->name];
        try {
          result.value = Decide(*decision);
          result.rules = deciding_rules_[decision];
        } catch (const EvalError& error) {
          result.value.reset();
          result.error_code = error.code;
        }
        // Not applicable is an answer, also without a default (only its readers fail).
        if (not_applicable_.count(decision) &&
            (result.error_code.empty() || !decision->default_value)) {
          result.not_applicable = true;
          result.error_code.clear();
        }
      }
    }
    return outcome;
  }

 private:
  // --- rules ------------------------------------------------------------------------------

  bool InForce(const ast::RuleDecl& rule) const {
    // The reference's own calendar (reference_calendar.h), not ast::Validity::InForce.
    const auto in_force = [&](const ast::Validity& v) {
      return refcal::InForce(date_, v.from, v.until);
    };
    const sema::Layer* layer = layer_of_rule_.at(&rule);
    if (!in_force(rule.validity) || !in_force(layer->validity)) return false;
    auto file = file_of_rule_.find(&rule);
    if (file != file_of_rule_.end() && file->second->header &&
        !in_force(file->second->header->validity)) {
      return false;
    }
    return true;
  }

  // docs/language.md §9: a rule holds when it is in force and its condition is true.
  bool Holds(const ast::RuleDecl& rule) {
    return InForce(rule) && (!rule.condition || Eval(*rule.condition).number != 0);
  }

  // §4: the exception tree of a rule — its exceptions, their exceptions, and so on — listed
  // depth first in rule order, each exception before its own exceptions. Exceptions form an
  // acyclic graph (the checker rejects cycles, L402), so this ends.
  void ExceptionTree(const ast::RuleDecl& rule, std::vector<const ast::RuleDecl*>& tree) const {
    auto exceptions = exceptions_to_.find(&rule);
    if (exceptions == exceptions_to_.end()) return;
    for (const ast::RuleDecl* exception : exceptions->second) {
      tree.push_back(exception);
      ExceptionTree(*exception, tree);
    }
  }

  // §4: a rule is defeated when any rule of its exception tree holds, defeated or not; the
  // tree is searched in the order above up to the first rule that holds (an error on the way
  // is the decision's error). A rule applies (takes part in §9's step 3) when it holds and is
  // not defeated.
  bool Defeated(const ast::RuleDecl& rule) {
    std::vector<const ast::RuleDecl*> tree;
    ExceptionTree(rule, tree);
    for (const ast::RuleDecl* member : tree) {
      if (Holds(*member)) return true;
    }
    return false;
  }

  std::string Qualified(const ast::RuleDecl& rule) const { return rule.layer + "." + rule.id; }

  // --- decisions ----------------------------------------------------------------------------

  RefValue Decide(const ast::DecisionDecl& decision) {
    auto memo = decisions_.find(&decision);
    if (memo != decisions_.end()) {
      if (memo->second.error) throw *memo->second.error;
      return memo->second.value;
    }
    if (in_progress_.count(&decision)) Fail("cycle", "cycle through " + decision.name);
    in_progress_.insert(&decision);
    Memo entry;
    try {
      entry.value = NotApplicable(decision) ? ValueWhereNotApplicable(decision)
                    : decision.collect      ? Collect(decision)
                                            : DecideSingle(decision);
    } catch (const EvalError& error) {
      entry.error = error;
    }
    in_progress_.erase(&decision);
    decisions_[&decision] = entry;
    if (entry.error) throw *entry.error;
    return entry.value;
  }

  // `applies when` false: no rule is consulted; readers see the default, or fail without one.
  bool NotApplicable(const ast::DecisionDecl& decision) {
    if (!decision.applies_when || Eval(*decision.applies_when).number != 0) return false;
    not_applicable_.insert(&decision);
    deciding_rules_[&decision] = {};
    return true;
  }
  RefValue ValueWhereNotApplicable(const ast::DecisionDecl& decision) {
    if (decision.collect) {
      RefValue empty;
      empty.kind = TypeKind::kSet;
      return empty;
    }
    if (!decision.default_value) Fail("L608", "not applicable, no default: " + decision.name);
    return Eval(*decision.default_value);
  }

  struct Candidate {
    const ast::RuleDecl* rule;
    const ast::Assignment* assignment;
  };

  std::vector<Candidate> ApplyingAssignments(const ast::DecisionDecl& decision) {
    // §9 *Failure*: the decision's first error is a condition's of one of its rules in force
    // (every such rule is consulted), then the search of an exception tree, then a value
    // (read by the callers): the conditions are read first, then the trees.
    std::vector<Candidate> holding;
    for (const ast::RuleDecl* rule : rules_) {
      for (const ast::Assignment& assignment : rule->assignments) {
        if (annotations_.DecisionOf(assignment) != &decision) continue;
        if (Holds(*rule)) holding.push_back({rule, &assignment});
      }
    }
    std::vector<Candidate> found;
    for (const Candidate& candidate : holding) {
      if (!Defeated(*candidate.rule)) found.push_back(candidate);
    }
    return found;
  }

  // §9.4: the union of every applying rule's contribution, in every layer in force.
  RefValue Collect(const ast::DecisionDecl& decision) {
    RefValue result;
    result.kind = TypeKind::kSet;
    std::vector<std::string> rules;
    for (const Candidate& candidate : ApplyingAssignments(decision)) {
      RefValue part = Eval(*candidate.assignment->value);
      result.members.insert(part.members.begin(), part.members.end());
      rules.push_back(Qualified(*candidate.rule));
    }
    std::sort(rules.begin(), rules.end());
    rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
    deciding_rules_[&decision] = rules;
    return result;
  }

  // §9.3: the applying rules; on a delegated decision only those of the lowest layer that has
  // any; one value if they agree, the default if there are none, else a conflict.
  RefValue DecideSingle(const ast::DecisionDecl& decision) {
    std::vector<Candidate> candidates = ApplyingAssignments(decision);
    // §9 *Failure*: the value of every applying rule is read, in rule order, before the
    // layers are chosen and the values compared: an error in any of them is the decision's.
    for (const Candidate& c : candidates) Eval(*c.assignment->value);
    if (decision.delegation && !candidates.empty()) {
      int lowest = 0;
      for (const Candidate& c : candidates)
        lowest = std::max(lowest, layer_of_rule_[c.rule]->depth);
      std::vector<Candidate> lowest_only;
      for (const Candidate& c : candidates) {
        if (layer_of_rule_[c.rule]->depth == lowest) lowest_only.push_back(c);
      }
      candidates = lowest_only;
    }
    if (candidates.empty()) {
      deciding_rules_[&decision] = {};
      if (!decision.default_value) Fail("L608", "gap: " + decision.name);
      return Eval(*decision.default_value);
    }
    RefValue value = Eval(*candidates.front().assignment->value);
    std::vector<std::string> rules;
    for (const Candidate& c : candidates) {
      if (Eval(*c.assignment->value) != value) Fail("L609", "conflict: " + decision.name);
      rules.push_back(Qualified(*c.rule));
    }
    std::sort(rules.begin(), rules.end());
    deciding_rules_[&decision] = rules;
    return value;
  }

  // --- names --------------------------------------------------------------------------------

  RefValue Fact(const ast::FactDecl& fact) const {
    auto found = facts_.find(fact.name);
    if (found == facts_.end()) Fail("L610", "absent optional fact " + fact.name);
    return found->second;
  }

  // The value in force on the reference date: the last one whose `from` is not after it;
  // before the first `from`, the first value (include/loket/evaluate.h, CompiledProgram).
  RefValue Param(const ast::ParamDecl& param) {
    const ast::ParamValue* in_force = &param.values.at(0);
    for (const ast::ParamValue& value : param.values) {
      if (!value.from || *value.from <= date_) in_force = &value;
    }
    return Eval(*in_force->value);
  }

  RefValue Let(const ast::LetDecl& let) {
    auto memo = lets_.find(&let);
    if (memo != lets_.end()) {
      if (memo->second.error) throw *memo->second.error;
      return memo->second.value;
    }
    Memo entry;
    try {
      entry.value = Eval(*let.value);
    } catch (const EvalError& error) {
      entry.error = error;
    }
    lets_[&let] = entry;
    if (entry.error) throw *entry.error;
    return entry.value;
  }

  RefValue Name(const ast::Expr& e) {
    switch (annotations_.SymbolOf(e).kind) {
      case ast::SymbolKind::kFact:
        return Fact(*annotations_.SymbolOf(e).fact);
      case ast::SymbolKind::kParam:
        return Param(*annotations_.SymbolOf(e).param);
      case ast::SymbolKind::kLet:
        return Let(*annotations_.SymbolOf(e).let);
      case ast::SymbolKind::kDecision:
        return Decide(*annotations_.SymbolOf(e).decision);
      case ast::SymbolKind::kEnumMember:
        return RefValue::Of(TypeKind::kEnum, annotations_.SymbolOf(e).enum_index);
      case ast::SymbolKind::kReferenceDate:
        return RefValue::Of(TypeKind::kDate, date_);
      case ast::SymbolKind::kUnresolved:
        break;
    }
    Fail("internal", "unresolved name " + e.name);
  }

  // --- expressions ----------------------------------------------------------------------------

  RefValue Eval(const ast::Expr& e) {
    const auto operand = [&](std::size_t i) { return Eval(*e.operands.at(i)); };
    switch (e.kind) {
      case ExprKind::kBoolLit:
        return RefValue::Bool(e.bool_value);
      case ExprKind::kIntLit:
        return RefValue::Of(TypeKind::kInt, e.int_value);
      case ExprKind::kMoneyLit:
        return RefValue::Of(TypeKind::kMoney, e.int_value);
      case ExprKind::kDateLit:
        return RefValue::Of(TypeKind::kDate, e.int_value);
      case ExprKind::kDurationLit: {
        RefValue v = RefValue::Of(TypeKind::kDuration, e.int_value);
        v.unit = e.unit;
        return v;
      }
      case ExprKind::kSetLit: {
        RefValue set;
        set.kind = TypeKind::kSet;
        for (const auto& element : e.operands) set.members.insert(int(Eval(*element).number));
        return set;
      }
      case ExprKind::kName:
        return Name(e);
      case ExprKind::kKnown:
        return RefValue::Bool(facts_.count(annotations_.SymbolOf(e).fact->name) > 0);
      case ExprKind::kCall:
        return Call(e);
      case ExprKind::kNeg: {
        RefValue v = operand(0);
        v.number = CheckedSub(0, v.number);
        return v;
      }
      case ExprKind::kNot:
        return RefValue::Bool(!operand(0).number);
      // and / or / implies / if evaluate their right side only when it matters.
      case ExprKind::kAnd:
        return RefValue::Bool(operand(0).number && operand(1).number);
      case ExprKind::kOr:
        return RefValue::Bool(operand(0).number || operand(1).number);
      case ExprKind::kImplies:
        return RefValue::Bool(!operand(0).number || operand(1).number);
      case ExprKind::kIf:
        return operand(0).number ? operand(1) : operand(2);
      case ExprKind::kAdd:
        return Add(operand(0), operand(1), +1);
      case ExprKind::kSub:
        return Add(operand(0), operand(1), -1);
      case ExprKind::kMul: {
        RefValue a = operand(0), b = operand(1);
        TypeKind kind = a.kind == TypeKind::kMoney || b.kind == TypeKind::kMoney ? TypeKind::kMoney
                                                                                 : TypeKind::kInt;
        return RefValue::Of(kind, CheckedMul(a.number, b.number));
      }
      case ExprKind::kDiv: {
        RefValue a = operand(0), b = operand(1);
        if (b.number == 0) Fail("L613", "division by zero");
        if (a.number == std::numeric_limits<std::int64_t>::min() && b.number == -1) {
          Fail("L612", "overflow in /");
        }
        // money / money is a plain number; money / int stays money.
        TypeKind kind = a.kind == TypeKind::kMoney && b.kind != TypeKind::kMoney ? TypeKind::kMoney
                                                                                 : TypeKind::kInt;
        return RefValue::Of(kind, a.number / b.number);
      }
      case ExprKind::kEq:
        return RefValue::Bool(operand(0) == operand(1));
      case ExprKind::kNe:
        return RefValue::Bool(operand(0) != operand(1));
      case ExprKind::kLt:
        return RefValue::Bool(operand(0).number < operand(1).number);
      case ExprKind::kLe:
        return RefValue::Bool(operand(0).number <= operand(1).number);
      case ExprKind::kGt:
        return RefValue::Bool(operand(0).number > operand(1).number);
      case ExprKind::kGe:
        return RefValue::Bool(operand(0).number >= operand(1).number);
      case ExprKind::kIn:
        return RefValue::Bool(In(e));
      case ExprKind::kNotIn:
        return RefValue::Bool(!In(e));
      case ExprKind::kInRange:
      case ExprKind::kNotInRange: {
        // §9 *Failure*: `hi` is read only when `x >= lo`.
        std::int64_t x = operand(0).number, lo = operand(1).number;
        bool inside = lo <= x && x <= operand(2).number;
        return RefValue::Bool(e.kind == ExprKind::kInRange ? inside : !inside);
      }
    }
    Fail("internal", "unknown expression kind");
  }

  // `x in {a, b}` compares x with each element; `x in s` (s a set value) tests membership.
  bool In(const ast::Expr& e) {
    RefValue x = Eval(*e.operands.at(0));
    const ast::Expr& rhs = *e.operands.at(1);
    if (rhs.kind == ExprKind::kSetLit) {
      // §9 *Failure*: `in` reads all its operands, every element, also after a match.
      bool found = false;
      for (const auto& element : rhs.operands) found = (Eval(*element) == x) || found;
      return found;
    }
    RefValue set = Eval(rhs);
    if (x.kind == TypeKind::kSet) {
      return std::includes(set.members.begin(), set.members.end(), x.members.begin(),
                           x.members.end());
    }
    return set.members.count(int(x.number)) > 0;
  }

  // §9 *Failure*: adding months or years fails (L612) when the date leaves the years 1..9999.
  static std::int64_t PlusMonths(std::int64_t days, std::int64_t months) {
    const auto in_years = [](std::int64_t year) { return year >= 1 && year <= 9999; };
    // 120000 months leave any date of the years 1..9999; checked first so that the
    // calendar's year cannot overflow.
    if (!in_years(refcal::FromDays(days).year) || months > 120000 || months < -120000) {
      Fail("L612", "date out of the years 1..9999");
    }
    const std::int64_t result = refcal::PlusMonths(days, months);
    if (!in_years(refcal::FromDays(result).year)) Fail("L612", "date out of the years 1..9999");
    return result;
  }

  RefValue Add(const RefValue& a, const RefValue& b, int sign) {
    if (a.kind == TypeKind::kDate && b.kind == TypeKind::kDuration) {
      std::int64_t amount = sign * b.number;
      switch (b.unit) {
        case ast::DurationUnit::kDays:
          return RefValue::Of(TypeKind::kDate, CheckedAdd(a.number, amount));
        case ast::DurationUnit::kWeeks:
          return RefValue::Of(TypeKind::kDate, CheckedAdd(a.number, CheckedMul(amount, 7)));
        case ast::DurationUnit::kMonths:
          return RefValue::Of(TypeKind::kDate, PlusMonths(a.number, amount));
        case ast::DurationUnit::kYears:
          return RefValue::Of(TypeKind::kDate, PlusMonths(a.number, CheckedMul(amount, 12)));
      }
    }
    if (a.kind == TypeKind::kSet) {
      RefValue result = a;
      if (sign > 0) {
        result.members.insert(b.members.begin(), b.members.end());
      } else {
        for (int m : b.members) result.members.erase(m);
      }
      return result;
    }
    if (a.kind == TypeKind::kDate && b.kind == TypeKind::kDate) {
      return RefValue::Of(TypeKind::kInt, CheckedSub(a.number, b.number));
    }
    return RefValue::Of(a.kind,
                        sign > 0 ? CheckedAdd(a.number, b.number) : CheckedSub(a.number, b.number));
  }

  RefValue Call(const ast::Expr& e) {
    std::vector<RefValue> args;
    for (const auto& arg : e.operands) args.push_back(Eval(*arg));
    if (e.name == "min") return args.at(0).number <= args.at(1).number ? args[0] : args[1];
    if (e.name == "max") return args.at(0).number >= args.at(1).number ? args[0] : args[1];
    if (e.name == "days_between") {
      return RefValue::Of(TypeKind::kInt, args.at(1).number - args.at(0).number);
    }
    if (e.name == "years_between") {
      return RefValue::Of(TypeKind::kInt,
                          refcal::YearsBetween(args.at(0).number, args.at(1).number));
    }
    Fail("internal", "unknown builtin " + e.name);
  }

  struct Memo {
    RefValue value;
    std::optional<EvalError> error;
  };

  const sema::Annotations& annotations_;
  const std::vector<const sema::Layer*>& chain_;
  const RefCase& facts_;
  support::DayNumber date_;
  std::vector<const ast::RuleDecl*> rules_;  // every rule of the chain, root layer first
  std::map<const ast::RuleDecl*, const sema::Layer*> layer_of_rule_;
  std::map<const ast::RuleDecl*, const ast::File*> file_of_rule_;
  std::map<const ast::RuleDecl*, std::vector<const ast::RuleDecl*>> exceptions_to_;
  std::map<const ast::LetDecl*, Memo> lets_;
  std::map<const ast::DecisionDecl*, Memo> decisions_;
  std::map<const ast::DecisionDecl*, std::vector<std::string>> deciding_rules_;
  std::set<const ast::DecisionDecl*> not_applicable_;
  std::set<const ast::DecisionDecl*> in_progress_;
};

}  // namespace

bool RefValue::operator==(const RefValue& other) const {
  if (kind == TypeKind::kSet || other.kind == TypeKind::kSet || kind == TypeKind::kEmptySet ||
      other.kind == TypeKind::kEmptySet) {
    return members == other.members;
  }
  return number == other.number && (kind != TypeKind::kDuration || unit == other.unit);
}

ReferenceInterpreter::ReferenceInterpreter(const sema::Model& model,
                                           const sema::Layer& jurisdiction)
    : model_(model), chain_(model.Chain(jurisdiction)) {}

RefOutcome ReferenceInterpreter::Evaluate(const RefCase& facts,
                                          support::DayNumber reference_date) const {
  return Evaluation(model_, chain_, facts, reference_date).Run();
}

std::string ToString(const RefValue& value, const ast::Type& type) {
  switch (type.kind) {
    case TypeKind::kBool:
      return value.number ? "true" : "false";
    case TypeKind::kInt:
      return std::to_string(value.number);
    case TypeKind::kMoney:
      return std::to_string(value.number) + " cents";
    case TypeKind::kDate:
      return support::FormatIsoDate(support::DayNumber(value.number));
    case TypeKind::kEnum:
      if (type.enum_decl && value.number >= 0 &&
          value.number < std::int64_t(type.enum_decl->members.size())) {
        return type.enum_decl->members[std::size_t(value.number)].name;
      }
      return "#" + std::to_string(value.number);
    case TypeKind::kSet:
    case TypeKind::kEmptySet: {
      std::string text = "{";
      for (int m : value.members) {
        if (text.size() > 1) text += ", ";
        text += type.enum_decl && m >= 0 && m < int(type.enum_decl->members.size())
                    ? type.enum_decl->members[std::size_t(m)].name
                    : "#" + std::to_string(m);
      }
      return text + "}";
    }
    default:
      return std::to_string(value.number);
  }
}

}  // namespace loket::difftest
