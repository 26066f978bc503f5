// Code generation: one expression as a block of register bytecode (compile/program.h,
// Instr), with constant folding and jumps for short-circuit conditions.
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compile/passes.h"
#include "support/date.h"

namespace loket::compile {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::TypeKind;

std::optional<std::int64_t> CheckedAdd(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}
std::optional<std::int64_t> CheckedMul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

Op Negate(Op op) {
  switch (op) {
    case Op::kJumpEq:
      return Op::kJumpNe;
    case Op::kJumpNe:
      return Op::kJumpEq;
    case Op::kJumpLt:
      return Op::kJumpGe;
    case Op::kJumpLe:
      return Op::kJumpGt;
    case Op::kJumpGt:
      return Op::kJumpLe;
    case Op::kJumpGe:
      return Op::kJumpLt;
    default:
      return op;
  }
}
// `c OP x` as `x OP' c`.
Op Mirror(Op op) {
  switch (op) {
    case Op::kJumpLt:
      return Op::kJumpGt;
    case Op::kJumpLe:
      return Op::kJumpGe;
    case Op::kJumpGt:
      return Op::kJumpLt;
    case Op::kJumpGe:
      return Op::kJumpLe;
    default:
      return op;
  }
}
Op WithImmediate(Op op) {
  return static_cast<Op>(static_cast<int>(op) - static_cast<int>(Op::kJumpEq) +
                         static_cast<int>(Op::kJumpEqImm));
}
Op JumpOf(ExprKind kind) {
  switch (kind) {
    case ExprKind::kEq:
      return Op::kJumpEq;
    case ExprKind::kNe:
      return Op::kJumpNe;
    case ExprKind::kLt:
      return Op::kJumpLt;
    case ExprKind::kLe:
      return Op::kJumpLe;
    case ExprKind::kGt:
      return Op::kJumpGt;
    default:
      return Op::kJumpGe;
  }
}

// Emits one code block (a condition or a value) into the program's instruction array.
class CodeGen {
 public:
  CodeGen(std::vector<Instr>& code, const SlotMap& slots, int& register_count,
          std::vector<int>& reads)
      : code_(code),
        slots_(slots),
        register_count_(register_count),
        reads_(reads),
        begin_(static_cast<std::int32_t>(code.size())),
        next_temp_(slots.temp_base) {}

  CodeRef Condition(const Expr& condition) {
    if (Pure(condition)) {
      // Nothing in it can fault: compute it straight through, without data-dependent jumps.
      Instr ret;
      ret.op = Op::kReturn;
      ret.a = PureValue(condition);
      code_.push_back(ret);
      return Finish();
    }
    Label is_false;
    Branch(condition, false, is_false);
    Emit(Op::kReturnTrue);
    Bind(is_false);
    Emit(Op::kReturnFalse);
    return Finish();
  }

  CodeRef Value(const Expr& value) {
    Instr ret;
    ret.op = Op::kReturn;
    ret.a = ValueOf(value);
    code_.push_back(ret);
    return Finish();
  }

  std::optional<std::int64_t> Fold(const Expr& e) const { return Fold(e, *slots_.annotations); }

  static std::optional<std::int64_t> Fold(const Expr& e, const sema::Annotations& annotations) {
    switch (e.kind) {
      case ExprKind::kBoolLit:
        return e.bool_value ? 1 : 0;
      case ExprKind::kIntLit:
      case ExprKind::kMoneyLit:
      case ExprKind::kDateLit:
        return e.int_value;
      case ExprKind::kName:
        if (annotations.SymbolOf(e).kind == ast::SymbolKind::kEnumMember)
          return annotations.SymbolOf(e).enum_index;
        return std::nullopt;
      case ExprKind::kSetLit: {
        std::uint64_t mask = 0;
        for (const auto& element : e.operands) {
          if (annotations.SymbolOf(*element).kind != ast::SymbolKind::kEnumMember)
            return std::nullopt;
          if (annotations.SymbolOf(*element).enum_index < 0 ||
              annotations.SymbolOf(*element).enum_index >= 64) {
            return std::nullopt;
          }
          mask |= std::uint64_t{1} << annotations.SymbolOf(*element).enum_index;
        }
        return static_cast<std::int64_t>(mask);
      }
      case ExprKind::kNeg: {
        auto v = Fold(*e.operands[0], annotations);
        if (!v || *v == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
        return -*v;
      }
      case ExprKind::kAdd:
      case ExprKind::kSub:
      case ExprKind::kMul: {
        if (annotations.TypeOf(e).kind == TypeKind::kSet ||
            annotations.TypeOf(e).kind == TypeKind::kDate)
          return std::nullopt;
        auto l = Fold(*e.operands[0], annotations);
        auto r = Fold(*e.operands[1], annotations);
        if (!l || !r) return std::nullopt;
        if (e.kind == ExprKind::kMul) return CheckedMul(*l, *r);
        if (e.kind == ExprKind::kSub) {
          if (*r == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
          return CheckedAdd(*l, -*r);
        }
        return CheckedAdd(*l, *r);
      }
      default:
        return std::nullopt;
    }
  }

 private:
  struct Label {
    std::int32_t position = -1;
    std::vector<std::size_t> patches;
  };

  CodeRef Finish() { return {begin_, static_cast<std::int32_t>(code_.size())}; }

  std::int32_t Here() const { return static_cast<std::int32_t>(code_.size()) - begin_; }

  void Emit(Op op, int dst = 0, int a = 0, int b = 0, std::int64_t imm = 0) {
    Instr instr;
    instr.op = op;
    instr.dst = dst;
    instr.a = a;
    instr.b = b;
    instr.imm = imm;
    code_.push_back(instr);
  }
  void EmitJump(Op op, Label& label, int a = 0, int b = 0, std::int64_t imm = 0) {
    Emit(op, 0, a, b, imm);
    if (label.position >= 0) {
      code_.back().target = label.position;
    } else {
      label.patches.push_back(code_.size() - 1);
    }
  }
  void Bind(Label& label) {
    label.position = Here();
    for (std::size_t patch : label.patches) code_[patch].target = label.position;
    label.patches.clear();
  }

  int Temp() {
    int reg = next_temp_++;
    register_count_ = std::max(register_count_, next_temp_);
    return reg;
  }

  void NoteRead(int reg) {
    if (std::find(reads_.begin(), reads_.end(), reg) == reads_.end()) reads_.push_back(reg);
  }

  // The register of a named value; emits a check when reading it may fail.
  int Read(const Expr& e) {
    const ast::Symbol& symbol = slots_.annotations->SymbolOf(e);
    int reg = -1;
    bool may_fail = false;
    switch (symbol.kind) {
      case ast::SymbolKind::kFact: {
        auto it = slots_.facts.find(symbol.fact);
        if (it == slots_.facts.end()) break;
        reg = it->second;
        may_fail = slots_.optional_facts.count(symbol.fact) > 0;
        break;
      }
      case ast::SymbolKind::kParam: {
        auto it = slots_.params.find(symbol.param);
        if (it != slots_.params.end()) reg = it->second;
        break;
      }
      case ast::SymbolKind::kLet: {
        auto it = slots_.lets.find(symbol.let);
        if (it != slots_.lets.end()) reg = it->second;
        may_fail = true;
        break;
      }
      case ast::SymbolKind::kDecision: {
        auto it = slots_.decisions.find(symbol.decision);
        if (it != slots_.decisions.end()) reg = it->second;
        may_fail = true;
        break;
      }
      case ast::SymbolKind::kReferenceDate:
        reg = slots_.reference_date;
        break;
      default:
        break;
    }
    if (reg < 0) {
      throw CompileError{diag::Kind::kUnknownName, e.range,
                         "`" + e.name + "` is not visible in this jurisdiction"};
    }
    NoteRead(reg);
    if (may_fail) Emit(Op::kCheck, 0, reg);
    return reg;
  }

  int Constant(std::int64_t value) {
    int t = Temp();
    Emit(Op::kLoadImm, t, 0, 0, value);
    return t;
  }

  // Whether evaluating `e` can neither fault nor depend on evaluation order: then `and`,
  // `or` and `if` may evaluate every operand.
  bool Pure(const Expr& e) const {
    switch (e.kind) {
      case ExprKind::kBoolLit:
      case ExprKind::kIntLit:
      case ExprKind::kMoneyLit:
      case ExprKind::kDateLit:
      case ExprKind::kSetLit:
        return Fold(e, *slots_.annotations).has_value();
      case ExprKind::kKnown:
        return slots_.annotations->SymbolOf(e).kind == ast::SymbolKind::kFact &&
               slots_.facts.count(slots_.annotations->SymbolOf(e).fact) > 0;
      case ExprKind::kName:
        switch (slots_.annotations->SymbolOf(e).kind) {
          case ast::SymbolKind::kEnumMember:
          case ast::SymbolKind::kParam:
          case ast::SymbolKind::kReferenceDate:
            return true;
          case ast::SymbolKind::kFact:
            return slots_.facts.count(slots_.annotations->SymbolOf(e).fact) > 0 &&
                   slots_.optional_facts.count(slots_.annotations->SymbolOf(e).fact) == 0;
          default:
            return false;
        }
      case ExprKind::kNot:
      case ExprKind::kAnd:
      case ExprKind::kOr:
      case ExprKind::kImplies:
      case ExprKind::kEq:
      case ExprKind::kNe:
      case ExprKind::kLt:
      case ExprKind::kLe:
      case ExprKind::kGt:
      case ExprKind::kGe:
      case ExprKind::kIf:
      case ExprKind::kInRange:
      case ExprKind::kNotInRange:
        for (const auto& operand : e.operands) {
          if (!Pure(*operand)) return false;
        }
        return true;
      case ExprKind::kIn:
      case ExprKind::kNotIn:
        return slots_.annotations->TypeOf(*e.operands[0]).kind == TypeKind::kEnum &&
               e.operands[1]->kind == ExprKind::kSetLit && Fold(*e.operands[1]).has_value() &&
               Pure(*e.operands[0]);
      default:
        return false;
    }
  }

  // `known(x)` as 0/1 in a temporary.
  int KnownValue(const Expr& e) {
    int t = Temp();
    Emit(Op::kKnown, t, KnownRegister(e));
    return t;
  }

  // Straight-line code for a pure expression (see Pure).
  int PureValue(const Expr& e) {
    if (auto folded = Fold(e)) return Constant(*folded);
    auto binary = [&](Op op, int a, int b) {
      int t = Temp();
      Emit(op, t, a, b);
      return t;
    };
    switch (e.kind) {
      case ExprKind::kName:
        return Read(e);
      case ExprKind::kKnown:
        return KnownValue(e);
      case ExprKind::kNot: {
        int a = PureValue(*e.operands[0]);
        int t = Temp();
        Emit(Op::kNot, t, a);
        return t;
      }
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        int a = PureValue(*e.operands[0]);
        int b = PureValue(*e.operands[1]);
        return binary(e.kind == ExprKind::kAnd ? Op::kAnd : Op::kOr, a, b);
      }
      case ExprKind::kImplies: {
        int a = PureValue(*e.operands[0]);
        int not_a = Temp();
        Emit(Op::kNot, not_a, a);
        int b = PureValue(*e.operands[1]);
        return binary(Op::kOr, not_a, b);
      }
      case ExprKind::kIf: {
        int c = PureValue(*e.operands[0]);
        int x = PureValue(*e.operands[1]);
        int y = PureValue(*e.operands[2]);
        int t = Temp();
        Emit(Op::kSelect, t, c, x);
        code_.back().target = y;
        return t;
      }
      case ExprKind::kIn:
      case ExprKind::kNotIn: {
        int x = PureValue(*e.operands[0]);
        int t = Temp();
        Emit(Op::kInMask, t, x, 0, *Fold(*e.operands[1]));
        if (e.kind == ExprKind::kNotIn) Emit(Op::kNot, t, t);
        return t;
      }
      case ExprKind::kInRange:
      case ExprKind::kNotInRange: {
        int x = PureValue(*e.operands[0]);
        int lo = PureCompare(ExprKind::kGe, x, *e.operands[1]);
        int hi = PureCompare(ExprKind::kLe, x, *e.operands[2]);
        int t = binary(Op::kAnd, lo, hi);
        if (e.kind == ExprKind::kNotInRange) Emit(Op::kNot, t, t);
        return t;
      }
      default:
        break;
    }
    // A comparison.
    const Expr& l = *e.operands[0];
    const Expr& r = *e.operands[1];
    if (Fold(l) && !Fold(r)) {
      ExprKind mirrored = e.kind;
      switch (e.kind) {
        case ExprKind::kLt:
          mirrored = ExprKind::kGt;
          break;
        case ExprKind::kLe:
          mirrored = ExprKind::kGe;
          break;
        case ExprKind::kGt:
          mirrored = ExprKind::kLt;
          break;
        case ExprKind::kGe:
          mirrored = ExprKind::kLe;
          break;
        default:
          break;
      }
      return PureCompare(mirrored, PureValue(r), l);
    }
    return PureCompare(e.kind, PureValue(l), r);
  }

  // A register holding `x OP rhs`.
  int PureCompare(ExprKind kind, int x, const Expr& rhs) {
    const int index = static_cast<int>(JumpOf(kind)) - static_cast<int>(Op::kJumpEq);
    if (auto c = Fold(rhs)) {
      int t = Temp();
      Emit(static_cast<Op>(static_cast<int>(Op::kCmpEqImm) + index), t, x, 0, *c);
      return t;
    }
    int y = PureValue(rhs);
    int t = Temp();
    Emit(static_cast<Op>(static_cast<int>(Op::kCmpEq) + index), t, x, y);
    return t;
  }

  int ValueOf(const Expr& e) {
    if (auto folded = Fold(e)) return Constant(*folded);
    if (e.kind != ExprKind::kName && Pure(e)) return PureValue(e);
    switch (e.kind) {
      case ExprKind::kName:
        return Read(e);
      case ExprKind::kKnown:
        return KnownValue(e);
      case ExprKind::kNeg: {
        int a = ValueOf(*e.operands[0]);
        int t = Temp();
        Emit(Op::kNeg, t, a);
        return t;
      }
      case ExprKind::kAdd:
      case ExprKind::kSub:
        return Additive(e);
      case ExprKind::kMul: {
        const Expr& l = *e.operands[0];
        const Expr& r = *e.operands[1];
        int t;
        if (auto c = Fold(r)) {
          int a = ValueOf(l);
          t = Temp();
          Emit(Op::kMulImm, t, a, 0, *c);
        } else if (auto c2 = Fold(l)) {
          int a = ValueOf(r);
          t = Temp();
          Emit(Op::kMulImm, t, a, 0, *c2);
        } else {
          int a = ValueOf(l);
          int b = ValueOf(r);
          t = Temp();
          Emit(Op::kMul, t, a, b);
        }
        return t;
      }
      case ExprKind::kDiv: {
        int a = ValueOf(*e.operands[0]);
        int b = ValueOf(*e.operands[1]);
        int t = Temp();
        Emit(Op::kDiv, t, a, b);
        return t;
      }
      case ExprKind::kCall:
        return Call(e);
      case ExprKind::kIf: {
        int t = Temp();
        Label otherwise;
        Label done;
        Branch(*e.operands[0], false, otherwise);
        Emit(Op::kMove, t, ValueOf(*e.operands[1]));
        EmitJump(Op::kJump, done);
        Bind(otherwise);
        Emit(Op::kMove, t, ValueOf(*e.operands[2]));
        Bind(done);
        return t;
      }
      case ExprKind::kNot:
      case ExprKind::kAnd:
      case ExprKind::kOr:
      case ExprKind::kImplies:
      case ExprKind::kEq:
      case ExprKind::kNe:
      case ExprKind::kLt:
      case ExprKind::kLe:
      case ExprKind::kGt:
      case ExprKind::kGe:
      case ExprKind::kIn:
      case ExprKind::kNotIn:
      case ExprKind::kInRange:
      case ExprKind::kNotInRange: {
        int t = Temp();
        Label done;
        Emit(Op::kLoadImm, t, 0, 0, 0);
        Branch(e, false, done);
        Emit(Op::kLoadImm, t, 0, 0, 1);
        Bind(done);
        return t;
      }
      default:
        throw CompileError{diag::Kind::kTypeMismatch, e.range,
                           "this expression cannot be evaluated on its own"};
    }
  }

  int KnownRegister(const Expr& e) {
    if (slots_.annotations->SymbolOf(e).kind == ast::SymbolKind::kFact) {
      auto it = slots_.facts.find(slots_.annotations->SymbolOf(e).fact);
      if (it != slots_.facts.end()) {
        NoteRead(it->second);
        return it->second;
      }
    }
    throw CompileError{diag::Kind::kUnknownName, e.range,
                       "`known()` needs a fact of this jurisdiction"};
  }

  int Additive(const Expr& e) {
    const Expr& l = *e.operands[0];
    const Expr& r = *e.operands[1];
    const bool subtract = e.kind == ExprKind::kSub;
    if (r.kind == ExprKind::kDurationLit) {
      int a = ValueOf(l);
      int t = Temp();
      std::int64_t amount = r.int_value;
      switch (r.unit) {
        case ast::DurationUnit::kDays:
        case ast::DurationUnit::kWeeks: {
          std::int64_t days = r.unit == ast::DurationUnit::kWeeks ? amount * 7 : amount;
          Emit(Op::kAddImm, t, a, 0, subtract ? -days : days);
          break;
        }
        case ast::DurationUnit::kMonths:
        case ast::DurationUnit::kYears: {
          std::int64_t months = r.unit == ast::DurationUnit::kYears ? amount * 12 : amount;
          Emit(subtract ? Op::kAddMonthsNeg : Op::kAddMonths, t, a, 0, months);
          break;
        }
      }
      return t;
    }
    if (slots_.annotations->TypeOf(e).kind == TypeKind::kSet) {
      int a = ValueOf(l);
      int b = ValueOf(r);
      int t = Temp();
      Emit(subtract ? Op::kDifference : Op::kUnion, t, a, b);
      return t;
    }
    if (auto c = Fold(r); c && !(subtract && *c == std::numeric_limits<std::int64_t>::min())) {
      int a = ValueOf(l);
      int t = Temp();
      Emit(Op::kAddImm, t, a, 0, subtract ? -*c : *c);
      return t;
    }
    int a = ValueOf(l);
    int b = ValueOf(r);
    int t = Temp();
    Emit(subtract ? Op::kSub : Op::kAdd, t, a, b);
    return t;
  }

  int Call(const Expr& e) {
    const std::string& name = e.name;
    if (e.operands.size() != 2) {
      throw CompileError{diag::Kind::kWrongArgumentCount, e.range,
                         "`" + name + "` takes two arguments"};
    }
    if (name == "years_between") {
      // From a constant date (a literal), its civil form is computed here once instead of
      // on every evaluation.
      auto from = Fold(*e.operands[0]);
      const auto day = static_cast<support::DayNumber>(from.value_or(0));
      const std::int64_t key = support::CivilKey(support::CivilFromDays(day));
      if (from && *from == day && key == static_cast<std::int32_t>(key)) {
        int b = ValueOf(*e.operands[1]);
        int t = Temp();
        Emit(Op::kYearsSinceImm, t, b, static_cast<int>(key), *from);
        return t;
      }
    }
    int a = ValueOf(*e.operands[0]);
    int b = ValueOf(*e.operands[1]);
    int t = Temp();
    if (name == "min") {
      Emit(Op::kMin, t, a, b);
    } else if (name == "max") {
      Emit(Op::kMax, t, a, b);
    } else if (name == "days_between") {
      Emit(Op::kSub, t, b, a);
    } else if (name == "years_between") {
      Emit(Op::kYearsBetween, t, a, b);
    } else {
      throw CompileError{diag::Kind::kUnknownFunction, e.name_range,
                         "unknown function `" + name + "`"};
    }
    return t;
  }

  // Emits code that jumps to `label` when `e` evaluates to `jump_when`, else falls through.
  void Branch(const Expr& e, bool jump_when, Label& label) {
    if (slots_.annotations->TypeOf(e).kind == TypeKind::kBool) {
      if (auto folded = Fold(e)) {
        if ((*folded != 0) == jump_when) EmitJump(Op::kJump, label);
        return;
      }
    }
    switch (e.kind) {
      case ExprKind::kNot:
        Branch(*e.operands[0], !jump_when, label);
        return;
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        // `and` jumps on false after the first operand; `or` on true.
        const bool short_value = e.kind == ExprKind::kOr;
        if (jump_when == short_value) {
          Branch(*e.operands[0], jump_when, label);
          Branch(*e.operands[1], jump_when, label);
        } else {
          Label skip;
          Branch(*e.operands[0], short_value, skip);
          Branch(*e.operands[1], jump_when, label);
          Bind(skip);
        }
        return;
      }
      case ExprKind::kImplies: {  // not a or b
        if (jump_when) {
          Branch(*e.operands[0], false, label);
          Branch(*e.operands[1], true, label);
        } else {
          Label skip;
          Branch(*e.operands[0], false, skip);
          Branch(*e.operands[1], false, label);
          Bind(skip);
        }
        return;
      }
      case ExprKind::kIf: {
        Label otherwise;
        Label done;
        Branch(*e.operands[0], false, otherwise);
        Branch(*e.operands[1], jump_when, label);
        EmitJump(Op::kJump, done);
        Bind(otherwise);
        Branch(*e.operands[2], jump_when, label);
        Bind(done);
        return;
      }
      case ExprKind::kKnown: {
        int reg = KnownRegister(e);
        EmitJump(jump_when ? Op::kJumpKnown : Op::kJumpUnknown, label, reg);
        return;
      }
      case ExprKind::kIn:
      case ExprKind::kNotIn: {
        const bool want = (e.kind == ExprKind::kIn) == jump_when;
        Membership(*e.operands[0], *e.operands[1], want, label);
        return;
      }
      case ExprKind::kInRange:
      case ExprKind::kNotInRange: {
        const bool want = (e.kind == ExprKind::kInRange) == jump_when;
        const Expr& x = *e.operands[0];
        int reg = ValueOf(x);
        if (want) {
          Label skip;
          CompareRegister(Op::kJumpLt, reg, *e.operands[1], skip);
          CompareRegister(Op::kJumpLe, reg, *e.operands[2], label);
          Bind(skip);
        } else {
          CompareRegister(Op::kJumpLt, reg, *e.operands[1], label);
          CompareRegister(Op::kJumpGt, reg, *e.operands[2], label);
        }
        return;
      }
      default:
        break;
    }
    if (IsComparison(e.kind)) {
      Op op = JumpOf(e.kind);
      if (!jump_when) op = Negate(op);
      const Expr& l = *e.operands[0];
      const Expr& r = *e.operands[1];
      if (Fold(l) && !Fold(r)) {
        int reg = ValueOf(r);
        EmitJump(WithImmediate(Mirror(op)), label, reg, 0, *Fold(l));
        return;
      }
      int reg = ValueOf(l);
      CompareRegister(op, reg, r, label);
      return;
    }
    int reg = ValueOf(e);
    EmitJump(jump_when ? Op::kJumpIf : Op::kJumpIfNot, label, reg);
  }

  // Jumps when `reg OP rhs`.
  void CompareRegister(Op op, int reg, const Expr& rhs, Label& label) {
    if (auto c = Fold(rhs)) {
      EmitJump(WithImmediate(op), label, reg, 0, *c);
    } else {
      EmitJump(op, label, reg, ValueOf(rhs));
    }
  }

  void Membership(const Expr& element, const Expr& set, bool jump_when_member, Label& label) {
    const bool element_is_set = slots_.annotations->TypeOf(element).kind == TypeKind::kSet ||
                                slots_.annotations->TypeOf(element).kind == TypeKind::kEmptySet;
    if (set.kind == ExprKind::kSetLit && !element_is_set && !Fold(set)) {
      // A literal of plain values (`age in {16, 18}`): a chain of equalities. `in` reads all
      // its operands (docs/language.md §9 *Failure*): every element is computed before the
      // first comparison can jump, so an element that fails fails the test also after a match.
      int reg = ValueOf(element);
      std::vector<int> option_regs;
      for (const auto& option : set.operands) {
        option_regs.push_back(Fold(*option) ? -1 : ValueOf(*option));
      }
      const auto compare = [&](Label& to) {
        for (std::size_t i = 0; i < set.operands.size(); ++i) {
          if (option_regs[i] < 0) {
            EmitJump(WithImmediate(Op::kJumpEq), to, reg, 0, *Fold(*set.operands[i]));
          } else {
            EmitJump(Op::kJumpEq, to, reg, option_regs[i]);
          }
        }
      };
      if (jump_when_member) {
        compare(label);
      } else {
        Label found;
        compare(found);
        EmitJump(Op::kJump, label);
        Bind(found);
      }
      return;
    }
    if (!element_is_set) {
      if (auto mask = Fold(set)) {
        int reg = ValueOf(element);
        EmitJump(jump_when_member ? Op::kJumpInMask : Op::kJumpNotInMask, label, reg, 0, *mask);
        return;
      }
    }
    int a = ValueOf(element);
    int b = ValueOf(set);
    int t = Temp();
    Emit(element_is_set ? Op::kSubset : Op::kHas, t, a, b);
    EmitJump(jump_when_member ? Op::kJumpIf : Op::kJumpIfNot, label, t);
  }

  std::vector<Instr>& code_;
  const SlotMap& slots_;
  int& register_count_;
  std::vector<int>& reads_;
  std::int32_t begin_;
  int next_temp_;
};

}  // namespace

std::optional<std::int64_t> FoldConstant(const Expr& e, const sema::Annotations& annotations) {
  return CodeGen::Fold(e, annotations);
}

CodeRef GenerateCondition(const Expr& condition, const SlotMap& slots, std::vector<Instr>& code,
                          int& register_count, std::vector<int>& reads) {
  CodeGen gen(code, slots, register_count, reads);
  return gen.Condition(condition);
}

CodeRef GenerateValue(const Expr& value, const SlotMap& slots, std::vector<Instr>& code,
                      int& register_count, std::vector<int>& reads) {
  CodeGen gen(code, slots, register_count, reads);
  return gen.Value(value);
}

}  // namespace loket::compile
