// The cheap exact pre-filter: a rule's condition over-approximated by a box (one interval,
// member mask or truth value per fact, plus the validity interval of the reference date),
// read from the conjuncts of the condition that compare a fact with a constant. Conjuncts of
// any other shape are left out, so the box contains every case the rule applies to: disjoint
// boxes prove that two rules never apply together, without the solver.
#pragma once

#include <cstdint>
#include <limits>
#include <map>

#include "ast/ast.h"
#include "sema/annotations.h"

namespace loket::analysis {

class Box {
 public:
  static Box Of(const ast::RuleDecl& rule, const sema::Annotations& annotations);
  bool Intersects(const Box& other) const;

 private:
  struct Interval {
    std::int64_t lo = std::numeric_limits<std::int64_t>::min();
    std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  };
  void AddConjunct(const ast::Expr& expr, bool negated);
  void Restrict(const void* key, std::int64_t lo, std::int64_t hi);
  void RestrictMask(const void* key, std::uint64_t mask);

  const sema::Annotations* annotations_ = nullptr;  // the types and symbols of the condition
  std::map<const void*, Interval> intervals_;       // facts (ints, money, dates), reference date
  std::map<const void*, std::uint64_t> masks_;  // enum facts and bool facts (bit 0 false, 1 true)
  bool empty_ = false;
};

}  // namespace loket::analysis
