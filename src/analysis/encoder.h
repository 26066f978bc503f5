// Encodes the checked model into Z3 terms, exactly as the evaluator computes it: bools, ints,
// money in cents, dates as day numbers, enums as member indices, sets as one Bool per member;
// lets, params and decisions are inlined (Z3 shares the terms). One Encoder speaks for one
// chain of layers (a jurisdiction); the decisions it reads follow that chain's semantics.
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <z3++.h>

#include "ast/ast.h"
#include "sema/model.h"

namespace loket::analysis {

// A value: `scalar` for bool/int/money/date/enum, `members` (one Bool each) for sets.
// `fails`: evaluating it is an error in the evaluator (docs/language.md §9, *Failure*): it
// reads an absent optional fact, a failed or undecided decision, divides by zero, ... The
// value means something only where `fails` is false.
struct Term {
  explicit Term(z3::context& ctx) : scalar(ctx), fails(ctx.bool_val(false)) {}
  explicit Term(z3::expr value) : scalar(std::move(value)), fails(scalar.ctx().bool_val(false)) {}
  z3::expr scalar;
  std::vector<z3::expr> members;
  bool is_set = false;
  z3::expr fails;
};

// Variables of one query context, shared by the encoders of several chains so that a
// municipality's and its parent's outcomes speak about the same case.
class Variables {
 public:
  explicit Variables(z3::context& ctx) : ctx_(ctx), date_(ctx.int_const("reference_date")) {}
  z3::context& ctx() { return ctx_; }
  const z3::expr& date() const { return date_; }
  // The value of a fact in copy `copy` (0 = the case; 1 = the twin case of L510).
  const Term& Fact(const ast::FactDecl* fact, int copy);
  const z3::expr& Known(const ast::FactDecl* fact, int copy);
  // Bounds: enum index range, declared ranges, dates within years 1..9999.
  z3::expr Domain(const ast::FactDecl* fact, int copy);
  z3::expr DateDomain(const z3::expr& day);
  // The facts' types are sema's annotations of the model the encoders read (each Encoder
  // tells its Variables).
  void ReadTypesFrom(const sema::Annotations& annotations) { annotations_ = &annotations; }
  const ast::Type& TypeOf(const ast::FactDecl* fact) const {
    return annotations_->TypeOf(fact->type);
  }

 private:
  z3::context& ctx_;
  const sema::Annotations* annotations_ = nullptr;
  z3::expr date_;
  std::map<std::pair<const ast::FactDecl*, int>, Term> facts_;
  std::map<std::pair<const ast::FactDecl*, int>, z3::expr> known_;
};

class Encoder {
 public:
  // With `twin` set, this encoder reads the twin case's copy of that fact (copy 1) and the
  // shared copy 0 of every other fact.
  Encoder(Variables& vars, const sema::Model& model, std::vector<const sema::Layer*> chain,
          std::string tag, const ast::FactDecl* twin = nullptr);

  z3::context& ctx() { return vars_.ctx(); }
  const std::vector<const sema::Layer*>& chain() const { return chain_; }

  // Before encoding anything: the parts of a calendar decomposition (the year, month, ... of a
  // date) are named after the term they decompose instead of numbered. Each is a function of
  // that term, so encoders with the same tag (OLD and NEW in `loket diff`) share it and the
  // solver sees one term where both compute someone's age. Off in the checker, whose
  // queries are tuned with numbered names (a name changes Z3's order of terms). Numbered
  // names are per encoder: two encoders in one context with one tag must both name by term.
  void NameCalendarByTerm() { name_by_term_ = true; }

  Term Encode(const ast::Expr& expr);
  // A condition evaluates to true, without an error (null: true).
  z3::expr Bool(const ast::Expr* expr);

  // Rules in this chain.
  z3::expr InForce(const ast::RuleDecl& rule);
  // InForce and the condition as separate conjuncts (the condition split at its top-level
  // `and`s), each with what it is for a person: "`age < 16`", "the rule's `valid from
  // 2025-01-01`". Their conjunction is InForce(rule) && Condition(rule).
  struct Part {
    z3::expr term;
    std::string what;
  };
  std::vector<Part> ConditionParts(const ast::RuleDecl& rule);
  // The condition evaluates to true without an error (true without conditions).
  z3::expr Condition(const ast::RuleDecl& rule) { return Bool(rule.condition.get()); }
  // In force and evaluating the condition fails (docs/language.md §9, *Failure*): the
  // decisions the rule assigns fail.
  z3::expr ConditionFails(const ast::RuleDecl& rule);
  // In force and condition true (docs/language.md §9: the rule holds).
  z3::expr Holds(const ast::RuleDecl& rule);
  // Holds, is not defeated and the search of its exception tree did not fail: the rule
  // decides (before a delegated decision's layer choice), as the evaluator's winners.
  z3::expr Applies(const ast::RuleDecl& rule);
  // The search of its exception tree in this chain (depth first in rule order, docs/language.md
  // §4) finds a rule that holds — whether or not that rule is defeated itself — before a
  // condition that fails. Without failures: some rule of the tree holds.
  z3::expr Defeated(const ast::RuleDecl& rule);
  // That search meets a condition that fails first (where the rule holds, its decisions fail).
  z3::expr DefeatFails(const ast::RuleDecl& rule);
  Term Assigned(const ast::RuleDecl& rule, const ast::DecisionDecl& decision);
  // The decision's outcome for this chain: the winning rules' value (the first applying one
  // when several disagree), the default, or an unconstrained value when there is a gap.
  // Where its `applies when` is false: the default (the empty set for collect), or an
  // unconstrained value without one, as readers of a decision that does not apply see it.
  // Its `fails` is Fails(decision): where a reader of the decision fails.
  Term Outcome(const ast::DecisionDecl& decision);
  // The evaluator stops deciding `decision` with an evaluation error (docs/language.md §9,
  // *Failure*): its `applies when`, a condition of one of its rules in force, the search of an
  // applying rule's exception tree, an applying rule's value or the default fails. Status of
  // the decision: not a conflict (L609) or gap (L608), but that error.
  z3::expr Faults(const ast::DecisionDecl& decision);
  // A reader of `decision` fails: it faults, its rules conflict, it has a gap, or it does not
  // apply and has no default.
  z3::expr Fails(const ast::DecisionDecl& decision) { return Outcome(decision).fails; }
  // The evaluator decides `decision` (a value or the default, no error), so a rule reading it
  // can be evaluated: !Fails(decision). A witness that should show a rule applying prefers
  // cases where what it reads is decided.
  z3::expr Decisive(const ast::DecisionDecl& decision);
  // The decision's `applies when` condition holds, without an error (true when it has none).
  z3::expr AppliesWhen(const ast::DecisionDecl& decision) {
    return Bool(decision.applies_when.get());
  }
  // The rules of this chain deciding `decision`, root layer first, in file order.
  const std::vector<const ast::RuleDecl*>& RulesOn(const ast::DecisionDecl& decision);
  // Exceptions (in this chain) to `rule`.
  std::vector<const ast::RuleDecl*> ExceptionsTo(const ast::RuleDecl& rule) const;

  // Facts of the chain, in chain and file order.
  const std::vector<const ast::FactDecl*>& facts() const { return facts_; }
  // Domain bounds of every fact, the reference date, and every `assume` of the chain.
  z3::expr Axioms();
  // Definitions of auxiliary variables (calendar decompositions) created while encoding;
  // conjoin them to every query that uses this encoder's terms.
  z3::expr SideConstraints();

  static z3::expr Equal(const Term& a, const Term& b);

 private:
  z3::expr Int(std::int64_t value) { return ctx().int_val(static_cast<int64_t>(value)); }
  z3::expr False() { return ctx().bool_val(false); }
  Term Scalar(z3::expr e) { return Term(std::move(e)); }
  Term EncodeName(const ast::Expr& expr);
  Term EncodeParam(const ast::ParamDecl& param);
  Term Cyclic(const ast::Expr& expr);
  z3::expr AddMonths(const z3::expr& day, std::int64_t months);
  z3::expr YearsBetween(const z3::expr& from, const z3::expr& to);
  // The calendar in linear arithmetic without division: a year is split into its 400-, 100-
  // and 4-year cycles by fresh bounded variables, so that Z3's integer solver never has to
  // reason about `div`/`mod` (which made date queries take minutes).
  struct Year {
    z3::expr days_before;  // days from 0001-01-01 to 1 January of the year
    z3::expr leap;
  };
  Year YearOf(const z3::expr& year);
  // y, m, d of a day number (fresh variables tied by a side constraint).
  struct Civil {
    z3::expr year, month, day;
    Year shape;
  };
  Civil Decompose(const z3::expr& day);
  // A part of a calendar decomposition of `of` (its year, month, ...): numbered, or with
  // NameCalendarByTerm, named after `of`.
  z3::expr CalendarVariable(const char* what, const z3::expr& of);
  z3::expr FromCivil(const Year& year, const z3::expr& m, const z3::expr& d);
  z3::expr DaysInMonth(const Year& year, const z3::expr& m);
  z3::expr ValidityTerm(const ast::Validity& validity);
  int Copy(const ast::FactDecl* fact) const { return fact == twin_ ? copy_ : 0; }

  Variables& vars_;
  const sema::Model& model_;
  std::vector<const sema::Layer*> chain_;
  std::string tag_;
  const ast::FactDecl* twin_ = nullptr;
  int copy_ = 0;
  std::vector<const ast::FactDecl*> facts_;
  std::unordered_map<const ast::Expr*, Term> memo_;
  std::unordered_map<const void*, Term> decl_memo_;  // lets, params, decisions
  std::unordered_map<const ast::RuleDecl*, z3::expr> applies_memo_;
  // Defeated and DefeatFails of a rule, computed together.
  struct DefeatSearch {
    z3::expr defeated, fails;
  };
  const DefeatSearch& SearchExceptions(const ast::RuleDecl& rule);
  std::unordered_map<const ast::RuleDecl*, DefeatSearch> defeat_memo_;
  std::unordered_map<const ast::DecisionDecl*, z3::expr> faults_memo_;
  std::unordered_map<const ast::DecisionDecl*, std::vector<const ast::RuleDecl*>> rules_on_;
  std::unordered_map<const ast::RuleDecl*, std::vector<const ast::RuleDecl*>> exceptions_;
  std::unordered_map<const ast::RuleDecl*, const ast::Validity*> file_validity_;
  std::vector<std::pair<z3::expr, Civil>> civil_memo_;
  std::vector<std::pair<z3::expr, Year>> year_memo_;
  std::vector<z3::expr> side_;
  std::set<const void*> in_progress_;  // lets and decisions being encoded (cycle guard)
  int fresh_ = 0;
  bool name_by_term_ = false;

 public:
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
};

}  // namespace loket::analysis
