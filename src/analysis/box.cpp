#include "analysis/box.h"

#include <optional>

namespace loket::analysis {

namespace {

// The key of the reference date's dimension.
const int kReferenceDateKey = 0;

std::optional<std::int64_t> Constant(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::kIntLit:
    case ast::ExprKind::kMoneyLit:
    case ast::ExprKind::kDateLit:
      return e.int_value;
    case ast::ExprKind::kNeg: {
      auto inner = Constant(*e.operands[0]);
      if (inner && *inner != std::numeric_limits<std::int64_t>::min()) return -*inner;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

// A fact (of a scalar type, always present) or the reference date.
const void* Dimension(const ast::Expr& e, const sema::Annotations& annotations) {
  if (e.kind != ast::ExprKind::kName) return nullptr;
  if (annotations.SymbolOf(e).kind == ast::SymbolKind::kReferenceDate) return &kReferenceDateKey;
  if (annotations.SymbolOf(e).kind == ast::SymbolKind::kFact && annotations.SymbolOf(e).fact &&
      !annotations.SymbolOf(e).fact->is_optional) {
    return annotations.SymbolOf(e).fact;
  }
  return nullptr;
}

std::optional<int> Member(const ast::Expr& e, const sema::Annotations& annotations) {
  if (e.kind == ast::ExprKind::kName &&
      annotations.SymbolOf(e).kind == ast::SymbolKind::kEnumMember &&
      annotations.SymbolOf(e).enum_index >= 0 && annotations.SymbolOf(e).enum_index < 64) {
    return annotations.SymbolOf(e).enum_index;
  }
  return std::nullopt;
}

ast::ExprKind Mirror(ast::ExprKind kind) {
  switch (kind) {
    case ast::ExprKind::kLt:
      return ast::ExprKind::kGt;
    case ast::ExprKind::kLe:
      return ast::ExprKind::kGe;
    case ast::ExprKind::kGt:
      return ast::ExprKind::kLt;
    case ast::ExprKind::kGe:
      return ast::ExprKind::kLe;
    default:
      return kind;
  }
}

ast::ExprKind Negate(ast::ExprKind kind) {
  switch (kind) {
    case ast::ExprKind::kLt:
      return ast::ExprKind::kGe;
    case ast::ExprKind::kLe:
      return ast::ExprKind::kGt;
    case ast::ExprKind::kGt:
      return ast::ExprKind::kLe;
    case ast::ExprKind::kGe:
      return ast::ExprKind::kLt;
    case ast::ExprKind::kEq:
      return ast::ExprKind::kNe;
    case ast::ExprKind::kNe:
      return ast::ExprKind::kEq;
    case ast::ExprKind::kIn:
      return ast::ExprKind::kNotIn;
    case ast::ExprKind::kNotIn:
      return ast::ExprKind::kIn;
    case ast::ExprKind::kInRange:
      return ast::ExprKind::kNotInRange;
    case ast::ExprKind::kNotInRange:
      return ast::ExprKind::kInRange;
    default:
      return kind;
  }
}

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::uint64_t AllMembers(const ast::Expr& e, const sema::Annotations& annotations) {
  std::size_t n =
      annotations.TypeOf(e).enum_decl ? annotations.TypeOf(e).enum_decl->members.size() : 64;
  return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

}  // namespace

void Box::Restrict(const void* key, std::int64_t lo, std::int64_t hi) {
  Interval& i = intervals_[key];
  if (lo > i.lo) i.lo = lo;
  if (hi < i.hi) i.hi = hi;
  if (i.lo > i.hi) empty_ = true;
}

void Box::RestrictMask(const void* key, std::uint64_t mask) {
  auto it = masks_.find(key);
  std::uint64_t m = it == masks_.end() ? mask : (it->second & mask);
  masks_[key] = m;
  if (m == 0) empty_ = true;
}

void Box::AddConjunct(const ast::Expr& e, bool negated) {
  using K = ast::ExprKind;
  const sema::Annotations& annotations = *annotations_;
  if (e.kind == K::kAnd && !negated) {
    AddConjunct(*e.operands[0], false);
    AddConjunct(*e.operands[1], false);
    return;
  }
  if (e.kind == K::kOr && negated) {  // not (a or b) = not a and not b
    AddConjunct(*e.operands[0], true);
    AddConjunct(*e.operands[1], true);
    return;
  }
  if (e.kind == K::kNot) {
    AddConjunct(*e.operands[0], !negated);
    return;
  }
  if (e.kind == K::kBoolLit) {
    if (e.bool_value == negated) empty_ = true;
    return;
  }
  if (e.kind == K::kName && annotations.TypeOf(e).kind == ast::TypeKind::kBool) {
    if (const void* key = Dimension(e, annotations)) RestrictMask(key, negated ? 1u : 2u);
    return;
  }
  K kind = negated ? Negate(e.kind) : e.kind;
  switch (e.kind) {
    case K::kLt:
    case K::kLe:
    case K::kGt:
    case K::kGe:
    case K::kEq:
    case K::kNe: {
      const ast::Expr* lhs = e.operands[0].get();
      const ast::Expr* rhs = e.operands[1].get();
      if (!Dimension(*lhs, annotations)) {
        std::swap(lhs, rhs);
        kind = Mirror(kind);
      }
      const void* key = Dimension(*lhs, annotations);
      if (!key) return;
      if (annotations.TypeOf(*lhs).kind == ast::TypeKind::kEnum) {
        auto member = Member(*rhs, annotations);
        if (!member) return;
        std::uint64_t bit = std::uint64_t{1} << *member;
        if (kind == K::kEq) RestrictMask(key, bit);
        if (kind == K::kNe) RestrictMask(key, AllMembers(*lhs, annotations) & ~bit);
        return;
      }
      if (annotations.TypeOf(*lhs).kind == ast::TypeKind::kBool) {
        if (rhs->kind != K::kBoolLit) return;
        bool value = rhs->bool_value;
        if (kind == K::kNe) value = !value;
        if (kind == K::kEq || kind == K::kNe) RestrictMask(key, value ? 2u : 1u);
        return;
      }
      auto c = Constant(*rhs);
      if (!c) return;
      switch (kind) {
        case K::kLt:
          if (*c != kMin) Restrict(key, kMin, *c - 1);
          break;
        case K::kLe:
          Restrict(key, kMin, *c);
          break;
        case K::kGt:
          if (*c != kMax) Restrict(key, *c + 1, kMax);
          break;
        case K::kGe:
          Restrict(key, *c, kMax);
          break;
        case K::kEq:
          Restrict(key, *c, *c);
          break;
        default:
          break;  // != is not a box
      }
      return;
    }
    case K::kIn:
    case K::kNotIn: {
      const ast::Expr& lhs = *e.operands[0];
      const ast::Expr& rhs = *e.operands[1];
      const void* key = Dimension(lhs, annotations);
      if (!key || annotations.TypeOf(lhs).kind != ast::TypeKind::kEnum || rhs.kind != K::kSetLit)
        return;
      std::uint64_t mask = 0;
      for (const auto& element : rhs.operands) {
        auto member = Member(*element, annotations);
        if (!member) return;
        mask |= std::uint64_t{1} << *member;
      }
      RestrictMask(key, kind == K::kIn ? mask : AllMembers(lhs, annotations) & ~mask);
      return;
    }
    case K::kInRange: {
      if (kind != K::kInRange) return;  // `not in lo..hi` is two boxes
      const void* key = Dimension(*e.operands[0], annotations);
      auto lo = Constant(*e.operands[1]);
      auto hi = Constant(*e.operands[2]);
      if (key && lo && hi) Restrict(key, *lo, *hi);
      return;
    }
    default:
      return;
  }
}

Box Box::Of(const ast::RuleDecl& rule, const sema::Annotations& annotations) {
  Box box;
  box.annotations_ = &annotations;
  if (rule.validity.from) box.Restrict(&kReferenceDateKey, *rule.validity.from, kMax);
  if (rule.validity.until) box.Restrict(&kReferenceDateKey, kMin, *rule.validity.until - 1);
  if (rule.condition) box.AddConjunct(*rule.condition, false);
  return box;
}

bool Box::Intersects(const Box& other) const {
  if (empty_ || other.empty_) return false;
  for (const auto& [key, interval] : intervals_) {
    auto it = other.intervals_.find(key);
    if (it == other.intervals_.end()) continue;
    if (interval.hi < it->second.lo || it->second.hi < interval.lo) return false;
  }
  for (const auto& [key, mask] : masks_) {
    auto it = other.masks_.find(key);
    if (it != other.masks_.end() && (mask & it->second) == 0) return false;
  }
  return true;
}

}  // namespace loket::analysis
