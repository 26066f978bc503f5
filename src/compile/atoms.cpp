// Atom extraction: the conjuncts of conditions that test one register against constants
// (ranges, enum masks), another register, or `known`, which the evaluator computes as bits.
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "compile/passes.h"

namespace loket::compile {

using ast::Expr;
using ast::ExprKind;
using ast::TypeKind;

namespace {

// The register of a plain name read, and whether the read may fault; -1 for other exprs.
int NameRegister(const Expr& e, const SlotMap& slots, bool& may_fail) {
  if (e.kind != ExprKind::kName) return -1;
  may_fail = false;
  switch (slots.annotations->SymbolOf(e).kind) {
    case ast::SymbolKind::kFact: {
      auto it = slots.facts.find(slots.annotations->SymbolOf(e).fact);
      if (it == slots.facts.end()) return -1;
      may_fail = slots.optional_facts.count(slots.annotations->SymbolOf(e).fact) > 0;
      return it->second;
    }
    case ast::SymbolKind::kParam: {
      auto it = slots.params.find(slots.annotations->SymbolOf(e).param);
      return it == slots.params.end() ? -1 : it->second;
    }
    case ast::SymbolKind::kLet: {
      auto it = slots.lets.find(slots.annotations->SymbolOf(e).let);
      may_fail = true;
      return it == slots.lets.end() ? -1 : it->second;
    }
    case ast::SymbolKind::kDecision: {
      auto it = slots.decisions.find(slots.annotations->SymbolOf(e).decision);
      may_fail = true;
      return it == slots.decisions.end() ? -1 : it->second;
    }
    case ast::SymbolKind::kReferenceDate:
      return slots.reference_date;
    default:
      return -1;
  }
}

}  // namespace

// One conjunct as an atom, when it has a simple form.
// `a < b` between two registers (facts, params, lets, decisions of the same scalar type),
// keeping `a` as the register read first.
bool MakeComparisonAtom(const Expr& e, bool negate, const SlotMap& slots, Atom& atom) {
  const Expr& left = *e.operands[0];
  const Expr& right = *e.operands[1];
  if (slots.annotations->TypeOf(left).kind == TypeKind::kSet ||
      slots.annotations->TypeOf(right).kind == TypeKind::kSet)
    return false;
  bool left_fails = false;
  bool right_fails = false;
  const int a = NameRegister(left, slots, left_fails);
  const int b = NameRegister(right, slots, right_fails);
  if (a < 0 || b < 0) return false;
  atom.reg = a;
  atom.lo = b;
  atom.span = 0;
  atom.check = left_fails;
  atom.other_check = right_fails;
  switch (e.kind) {
    case ExprKind::kLt:  // a < b
      atom.kind = Atom::kLess;
      atom.negate = negate;
      return true;
    case ExprKind::kLe:  // a <= b
      atom.kind = Atom::kLessEqual;
      atom.negate = negate;
      return true;
    case ExprKind::kGt:  // a > b  is  not (a <= b)
      atom.kind = Atom::kLessEqual;
      atom.negate = !negate;
      return true;
    case ExprKind::kGe:  // a >= b  is  not (a < b)
      atom.kind = Atom::kLess;
      atom.negate = !negate;
      return true;
    case ExprKind::kEq:
      atom.kind = Atom::kEqual;
      atom.negate = negate;
      return true;
    case ExprKind::kNe:
      atom.kind = Atom::kEqual;
      atom.negate = !negate;
      return true;
    default:
      return false;
  }
}

bool MakeAtom(const Expr& e, bool negate, const SlotMap& slots, Atom& atom) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  auto range = [&](int reg, bool may_fail, std::int64_t lo, std::int64_t hi, bool flip) {
    atom.reg = reg;
    atom.kind = Atom::kRange;
    atom.check = may_fail;
    atom.negate = flip;
    atom.lo = lo;
    atom.span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    return true;
  };
  bool may_fail = false;
  switch (e.kind) {
    case ExprKind::kNot:
      return MakeAtom(*e.operands[0], !negate, slots, atom);
    case ExprKind::kName: {
      if (slots.annotations->TypeOf(e).kind != TypeKind::kBool) return false;
      int reg = NameRegister(e, slots, may_fail);
      // `x` holds when x is not 0, as in the bytecode (a raw value set by Case::SetRaw may be
      // other than 1): the range [0, 0], negated.
      return reg >= 0 && range(reg, may_fail, 0, 0, !negate);
    }
    case ExprKind::kKnown: {
      if (slots.annotations->SymbolOf(e).kind != ast::SymbolKind::kFact) return false;
      auto it = slots.facts.find(slots.annotations->SymbolOf(e).fact);
      if (it == slots.facts.end()) return false;
      atom.reg = it->second;
      atom.kind = Atom::kKnown;
      atom.check = false;
      atom.negate = negate;
      return true;
    }
    case ExprKind::kIn:
    case ExprKind::kNotIn: {
      if (slots.annotations->TypeOf(*e.operands[0]).kind != TypeKind::kEnum) return false;
      int reg = NameRegister(*e.operands[0], slots, may_fail);
      auto mask = FoldConstant(*e.operands[1], *slots.annotations);
      if (reg < 0 || !mask || e.operands[1]->kind != ExprKind::kSetLit) return false;
      atom.reg = reg;
      atom.kind = Atom::kMask;
      atom.check = may_fail;
      atom.negate = negate != (e.kind == ExprKind::kNotIn);
      atom.span = static_cast<std::uint64_t>(*mask);
      return true;
    }
    case ExprKind::kInRange:
    case ExprKind::kNotInRange: {
      int reg = NameRegister(*e.operands[0], slots, may_fail);
      auto lo = FoldConstant(*e.operands[1], *slots.annotations);
      auto hi = FoldConstant(*e.operands[2], *slots.annotations);
      if (reg < 0 || !lo || !hi || *lo > *hi) return false;
      return range(reg, may_fail, *lo, *hi, negate != (e.kind == ExprKind::kNotInRange));
    }
    default:
      break;
  }
  if (!IsComparison(e.kind)) return false;
  const Expr* name = e.operands[0].get();
  const Expr* constant = e.operands[1].get();
  ExprKind kind = e.kind;
  if (!FoldConstant(*constant, *slots.annotations)) {
    std::swap(name, constant);
    switch (kind) {  // c < x  is  x > c
      case ExprKind::kLt:
        kind = ExprKind::kGt;
        break;
      case ExprKind::kLe:
        kind = ExprKind::kGe;
        break;
      case ExprKind::kGt:
        kind = ExprKind::kLt;
        break;
      case ExprKind::kGe:
        kind = ExprKind::kLe;
        break;
      default:
        break;
    }
  }
  auto c = FoldConstant(*constant, *slots.annotations);
  if (!c) return MakeComparisonAtom(e, negate, slots, atom);
  int reg = NameRegister(*name, slots, may_fail);
  if (reg < 0) return false;
  if (slots.annotations->TypeOf(*name).kind == TypeKind::kSet) return false;
  switch (kind) {
    case ExprKind::kEq:
      return range(reg, may_fail, *c, *c, negate);
    case ExprKind::kNe:
      return range(reg, may_fail, *c, *c, !negate);
    case ExprKind::kLt:
      return *c != kMin && range(reg, may_fail, kMin, *c - 1, negate);
    case ExprKind::kLe:
      return range(reg, may_fail, kMin, *c, negate);
    case ExprKind::kGt:
      return *c != kMax && range(reg, may_fail, *c + 1, kMax, negate);
    case ExprKind::kGe:
      return range(reg, may_fail, *c, kMax, negate);
    default:
      return false;
  }
}

// A condition as a disjunction of conjunctions of atoms (at most kMaxTerms terms), or
// false when some part is not an atom.
bool Disjunction(const Expr& e, const SlotMap& slots, std::vector<std::vector<Atom>>& terms) {
  constexpr std::size_t kMaxTerms = 8;
  if (e.kind == ExprKind::kOr) {
    std::vector<std::vector<Atom>> left;
    std::vector<std::vector<Atom>> right;
    if (!Disjunction(*e.operands[0], slots, left) || !Disjunction(*e.operands[1], slots, right)) {
      return false;
    }
    terms = std::move(left);
    terms.insert(terms.end(), right.begin(), right.end());
    return terms.size() <= kMaxTerms;
  }
  if (e.kind == ExprKind::kAnd) {
    std::vector<std::vector<Atom>> left;
    std::vector<std::vector<Atom>> right;
    if (!Disjunction(*e.operands[0], slots, left) || !Disjunction(*e.operands[1], slots, right) ||
        left.size() * right.size() > kMaxTerms) {
      return false;
    }
    terms.clear();
    for (const auto& a : left) {
      for (const auto& b : right) {
        std::vector<Atom> term = a;
        term.insert(term.end(), b.begin(), b.end());
        terms.push_back(std::move(term));
      }
    }
    return true;
  }
  Atom atom;
  if (!MakeAtom(e, false, slots, atom)) return false;
  terms = {{atom}};
  return true;
}

}  // namespace loket::compile
