#include "compile/compile.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "support/date.h"

namespace loket::compile {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::TypeKind;

// Unsupported constructs end compilation with a diagnostic; thrown only inside this file.
struct CompileError {
  diag::Kind kind;
  source::SourceRange range;
  std::string message;
};

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

bool IsComparison(ExprKind kind) {
  return kind == ExprKind::kEq || kind == ExprKind::kNe || kind == ExprKind::kLt ||
         kind == ExprKind::kLe || kind == ExprKind::kGt || kind == ExprKind::kGe;
}

// Registers of the named values, shared by every code block.
struct SlotMap {
  std::unordered_map<const ast::FactDecl*, int> facts;
  std::unordered_map<const ast::ParamDecl*, int> params;
  std::unordered_map<const ast::LetDecl*, int> lets;
  std::unordered_map<const ast::DecisionDecl*, int> decisions;
  std::unordered_set<const ast::FactDecl*> optional_facts;
  int reference_date = -1;
  int temp_base = 0;
};

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

  static std::optional<std::int64_t> Fold(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kBoolLit:
        return e.bool_value ? 1 : 0;
      case ExprKind::kIntLit:
      case ExprKind::kMoneyLit:
      case ExprKind::kDateLit:
        return e.int_value;
      case ExprKind::kName:
        if (e.symbol.kind == ast::SymbolKind::kEnumMember) return e.symbol.enum_index;
        return std::nullopt;
      case ExprKind::kSetLit: {
        std::uint64_t mask = 0;
        for (const auto& element : e.operands) {
          if (element->symbol.kind != ast::SymbolKind::kEnumMember) return std::nullopt;
          if (element->symbol.enum_index < 0 || element->symbol.enum_index >= 64) {
            return std::nullopt;
          }
          mask |= std::uint64_t{1} << element->symbol.enum_index;
        }
        return static_cast<std::int64_t>(mask);
      }
      case ExprKind::kNeg: {
        auto v = Fold(*e.operands[0]);
        if (!v || *v == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
        return -*v;
      }
      case ExprKind::kAdd:
      case ExprKind::kSub:
      case ExprKind::kMul: {
        if (e.type.kind == TypeKind::kSet || e.type.kind == TypeKind::kDate) return std::nullopt;
        auto l = Fold(*e.operands[0]);
        auto r = Fold(*e.operands[1]);
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
    const ast::Symbol& symbol = e.symbol;
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
        return Fold(e).has_value();
      case ExprKind::kKnown:
        return e.symbol.kind == ast::SymbolKind::kFact && slots_.facts.count(e.symbol.fact) > 0;
      case ExprKind::kName:
        switch (e.symbol.kind) {
          case ast::SymbolKind::kEnumMember:
          case ast::SymbolKind::kParam:
          case ast::SymbolKind::kReferenceDate:
            return true;
          case ast::SymbolKind::kFact:
            return slots_.facts.count(e.symbol.fact) > 0 &&
                   slots_.optional_facts.count(e.symbol.fact) == 0;
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
        return e.operands[0]->type.kind == TypeKind::kEnum &&
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
    if (e.symbol.kind == ast::SymbolKind::kFact) {
      auto it = slots_.facts.find(e.symbol.fact);
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
    if (e.type.kind == TypeKind::kSet) {
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
    if (e.type.kind == TypeKind::kBool) {
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
    const bool element_is_set =
        element.type.kind == TypeKind::kSet || element.type.kind == TypeKind::kEmptySet;
    if (set.kind == ExprKind::kSetLit && !element_is_set && !Fold(set)) {
      // A literal of plain values (`age in {16, 18}`): a chain of equalities.
      int reg = ValueOf(element);
      if (jump_when_member) {
        for (const auto& option : set.operands) CompareRegister(Op::kJumpEq, reg, *option, label);
      } else {
        Label found;
        for (const auto& option : set.operands) CompareRegister(Op::kJumpEq, reg, *option, found);
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

// The register of a plain name read, and whether the read may fault; -1 for other exprs.
int NameRegister(const Expr& e, const SlotMap& slots, bool& may_fail) {
  if (e.kind != ExprKind::kName) return -1;
  may_fail = false;
  switch (e.symbol.kind) {
    case ast::SymbolKind::kFact: {
      auto it = slots.facts.find(e.symbol.fact);
      if (it == slots.facts.end()) return -1;
      may_fail = slots.optional_facts.count(e.symbol.fact) > 0;
      return it->second;
    }
    case ast::SymbolKind::kParam: {
      auto it = slots.params.find(e.symbol.param);
      return it == slots.params.end() ? -1 : it->second;
    }
    case ast::SymbolKind::kLet: {
      auto it = slots.lets.find(e.symbol.let);
      may_fail = true;
      return it == slots.lets.end() ? -1 : it->second;
    }
    case ast::SymbolKind::kDecision: {
      auto it = slots.decisions.find(e.symbol.decision);
      may_fail = true;
      return it == slots.decisions.end() ? -1 : it->second;
    }
    case ast::SymbolKind::kReferenceDate:
      return slots.reference_date;
    default:
      return -1;
  }
}

// One conjunct as an atom, when it has a simple form.
// `a < b` between two registers (facts, params, lets, decisions of the same scalar type),
// keeping `a` as the register read first.
bool MakeComparisonAtom(const Expr& e, bool negate, const SlotMap& slots, Atom& atom) {
  const Expr& left = *e.operands[0];
  const Expr& right = *e.operands[1];
  if (left.type.kind == TypeKind::kSet || right.type.kind == TypeKind::kSet) return false;
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
      if (e.type.kind != TypeKind::kBool) return false;
      int reg = NameRegister(e, slots, may_fail);
      // `x` holds when x is not 0, as in the bytecode (a raw value set by Case::SetRaw may be
      // other than 1): the range [0, 0], negated.
      return reg >= 0 && range(reg, may_fail, 0, 0, !negate);
    }
    case ExprKind::kKnown: {
      if (e.symbol.kind != ast::SymbolKind::kFact) return false;
      auto it = slots.facts.find(e.symbol.fact);
      if (it == slots.facts.end()) return false;
      atom.reg = it->second;
      atom.kind = Atom::kKnown;
      atom.check = false;
      atom.negate = negate;
      return true;
    }
    case ExprKind::kIn:
    case ExprKind::kNotIn: {
      if (e.operands[0]->type.kind != TypeKind::kEnum) return false;
      int reg = NameRegister(*e.operands[0], slots, may_fail);
      auto mask = CodeGen::Fold(*e.operands[1]);
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
      auto lo = CodeGen::Fold(*e.operands[1]);
      auto hi = CodeGen::Fold(*e.operands[2]);
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
  if (!CodeGen::Fold(*constant)) {
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
  auto c = CodeGen::Fold(*constant);
  if (!c) return MakeComparisonAtom(e, negate, slots, atom);
  int reg = NameRegister(*name, slots, may_fail);
  if (reg < 0) return false;
  if (name->type.kind == TypeKind::kSet) return false;
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

ValueType ValueTypeOf(const ast::Type& type) {
  switch (type.kind) {
    case TypeKind::kBool:
      return ValueType::kBool;
    case TypeKind::kInt:
      return ValueType::kInt;
    case TypeKind::kMoney:
      return ValueType::kMoney;
    case TypeKind::kDate:
      return ValueType::kDate;
    case TypeKind::kEnum:
      return ValueType::kEnum;
    case TypeKind::kSet:
    case TypeKind::kEmptySet:
      return ValueType::kSet;
    default:
      return ValueType::kInt;
  }
}

std::string SourceText(const source::SourceManager* sources, source::SourceRange range) {
  if (sources == nullptr || !range.valid() || range.file >= sources->file_count()) return {};
  std::string_view text = sources->text(range.file);
  if (range.end > text.size() || range.begin > range.end) return {};
  return std::string(text.substr(range.begin, range.end - range.begin));
}

void SplitConjuncts(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::kAnd) {
    SplitConjuncts(*e.operands[0], out);
    SplitConjuncts(*e.operands[1], out);
  } else {
    out.push_back(&e);
  }
}

class Compiler {
 public:
  Compiler(const sema::Model& model, const sema::Layer& jurisdiction, diag::DiagnosticSink& sink)
      : model_(model), jurisdiction_(jurisdiction), sink_(sink) {}

  std::shared_ptr<const CompiledProgram> Run() {
    try {
      BuildChain();
      DeclareEnums();
      DeclareSlots();
      CompileParams();
      CompileLets();
      CompileRules();
      CompileDecisions();
      CompileAssumes();
      OrderSteps();
      BuildWordTests();
      ScheduleAtoms();
      BuildEntries();
      PlanColumns();
    } catch (const CompileError& error) {
      sink_.Add(error.kind, error.range, error.message);
      return nullptr;
    }
    program_->register_count = std::max(program_->register_count, slots_.temp_base);
    return program_;
  }

 private:
  void BuildChain() {
    for (const sema::Layer* layer = &jurisdiction_; layer != nullptr; layer = layer->parent) {
      chain_.push_back(layer);
      if (chain_.size() > 1000) break;  // a cycle; sema reports it
    }
    std::reverse(chain_.begin(), chain_.end());
    program_->jurisdiction = jurisdiction_.name;
    for (const sema::Layer* layer : chain_) {
      program_->layers.push_back(layer->name);
      layer_depth_[layer->name] = layer->depth;
    }
    for (const auto& file : model_.files) {
      if (file && file->header) file_validity_[file->id] = file->header->validity;
    }
  }

  int EnumIndex(const ast::EnumDecl* decl) {
    if (decl == nullptr) return -1;
    auto it = enum_index_.find(decl);
    if (it != enum_index_.end()) return it->second;
    // An enum declared outside the chain can still type a value (e.g. via a param).
    int index = static_cast<int>(program_->enums.size());
    EnumInfo info;
    info.name = decl->name;
    for (const auto& member : decl->members) info.members.push_back(member.name);
    program_->enums.push_back(std::move(info));
    enum_index_[decl] = index;
    if (decl->members.size() > 64) {
      throw CompileError{diag::Kind::kTypeMismatch, decl->range,
                         "enum `" + decl->name +
                             "` has more than 64 members; the evaluator "
                             "supports at most 64"};
    }
    return index;
  }

  void DeclareEnums() {
    for (const sema::Layer* layer : chain_) {
      for (const ast::EnumDecl* e : layer->enums) EnumIndex(e);
    }
  }

  int AddSlot(std::string name, SlotKind kind, const ast::Type& type) {
    SlotInfo info;
    info.name = std::move(name);
    info.kind = kind;
    info.type = ValueTypeOf(type);
    info.enum_index = EnumIndex(type.enum_decl);
    program_->slots.push_back(std::move(info));
    return static_cast<int>(program_->slots.size()) - 1;
  }

  void DeclareSlots() {
    CompiledProgram& p = *program_;
    for (const sema::Layer* layer : chain_) {
      for (const ast::FactDecl* fact : layer->facts) {
        int slot = AddSlot(fact->name, SlotKind::kFact, fact->type.type);
        slots_.facts[fact] = slot;
        if (fact->is_optional) slots_.optional_facts.insert(fact);
        FactInfo info;
        info.name = fact->name;
        info.type = ValueTypeOf(fact->type.type);
        int e = EnumIndex(fact->type.type.enum_decl);
        if (e >= 0) {
          info.enum_name = p.enums[static_cast<std::size_t>(e)].name;
          info.members = p.enums[static_cast<std::size_t>(e)].members;
        }
        if (fact->type.range) {
          info.has_range = true;
          info.lo = fact->type.range->lo;
          info.hi = fact->type.range->hi;
        }
        info.optional = fact->is_optional;
        info.is_protected = fact->is_protected;
        info.description = fact->description;
        info.layer = fact->layer;
        p.fact_infos.push_back(std::move(info));
        if (!fact->is_optional) p.required_facts.push_back(slot);
      }
    }
    p.fact_count = static_cast<int>(p.slots.size());
    p.required_flags.assign(p.slots.size() + 8, 0);  // read eight at a time (LoadCase)
    for (int slot : p.required_facts) p.required_flags[static_cast<std::size_t>(slot)] = 1;
    for (const sema::Layer* layer : chain_) {
      for (const ast::ParamDecl* param : layer->params) {
        slots_.params[param] = AddSlot(param->name, SlotKind::kParam, param->type.type);
        params_.push_back(param);
      }
    }
    for (const sema::Layer* layer : chain_) {
      for (const ast::LetDecl* let : layer->lets) {
        slots_.lets[let] = AddSlot(let->name, SlotKind::kLet, let->type);
        lets_.push_back(let);
      }
    }
    for (const sema::Layer* layer : chain_) {
      for (const ast::DecisionDecl* decision : layer->decisions) {
        slots_.decisions[decision] =
            AddSlot(decision->name, SlotKind::kDecision, decision->type.type);
        decision_index_[decision] = static_cast<int>(decisions_.size());
        decisions_.push_back(decision);
      }
    }
    slots_.reference_date = AddSlot("reference_date", SlotKind::kReferenceDate, ast::Type::Date());
    p.reference_date_slot = slots_.reference_date;
    slots_.temp_base = static_cast<int>(p.slots.size());
    p.register_count = slots_.temp_base;
  }

  ValueCode CompileValue(const Expr& e, std::vector<int>& reads) {
    ValueCode value;
    if (auto folded = CodeGen::Fold(e)) {
      value.constant = *folded;
      return value;
    }
    value.is_constant = false;
    CodeGen gen(program_->code, slots_, program_->register_count, reads);
    value.code = gen.Value(e);
    return value;
  }

  CodeRef CompileCondition(const Expr& e, std::vector<int>& reads) {
    CodeGen gen(program_->code, slots_, program_->register_count, reads);
    return gen.Condition(e);
  }

  void CompileParams() {
    for (const ast::ParamDecl* decl : params_) {
      Param param;
      param.slot = slots_.params[decl];
      for (const ast::ParamValue& value : decl->values) {
        if (!value.value) continue;
        auto folded = CodeGen::Fold(*value.value);
        if (!folded) {
          throw CompileError{diag::Kind::kNonConstantParam, value.range,
                             "the value of param `" + decl->name + "` must be a constant"};
        }
        DatedValue dated;
        dated.from = value.from ? *value.from : std::numeric_limits<std::int32_t>::min();
        dated.value = *folded;
        param.values.push_back(dated);
      }
      std::stable_sort(param.values.begin(), param.values.end(),
                       [](const DatedValue& a, const DatedValue& b) { return a.from < b.from; });
      if (param.values.empty()) {
        throw CompileError{diag::Kind::kNonConstantParam, decl->range,
                           "param `" + decl->name + "` has no value"};
      }
      program_->params.push_back(std::move(param));
    }
  }

  void CompileLets() {
    for (const ast::LetDecl* decl : lets_) {
      Let let;
      let.slot = slots_.lets[decl];
      std::vector<int> reads;
      if (!decl->value) {
        throw CompileError{diag::Kind::kTypeMismatch, decl->range,
                           "let `" + decl->name + "` has no value"};
      }
      let.value = CompileValue(*decl->value, reads);
      LetAsAtoms(*decl->value, let);
      let.reads = reads;
      let_reads_.push_back(std::move(reads));
      program_->lets.push_back(std::move(let));
    }
  }

  // A condition as a disjunction of conjunctions of atoms (at most kMaxTerms terms), or
  // false when some part is not an atom.
  static bool Disjunction(const Expr& e, const SlotMap& slots,
                          std::vector<std::vector<Atom>>& terms) {
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

  // A let that is a choice on atoms gets the atom form (Let::fast is decided once the atoms
  // are numbered).
  void LetAsAtoms(const Expr& value, Let& let) {
    const Expr* condition = &value;
    if (value.kind == ExprKind::kIf) {
      auto if_true = CodeGen::Fold(*value.operands[1]);
      auto if_false = CodeGen::Fold(*value.operands[2]);
      if (!if_true || !if_false) return;
      let.if_true = *if_true;
      let.if_false = *if_false;
      condition = value.operands[0].get();
    } else if (value.type.kind != TypeKind::kBool || value.kind == ExprKind::kName) {
      return;  // not a choice, or a copy of another bool (its raw value is kept as is)
    }
    std::vector<std::vector<Atom>> terms;
    if (!Disjunction(*condition, slots_, terms) || terms.empty()) return;
    CompiledProgram& p = *program_;
    let.atom_begin = static_cast<std::int32_t>(p.atoms.size());
    for (const auto& term : terms) {
      p.atoms.insert(p.atoms.end(), term.begin(), term.end());
      let.term_ends.push_back(static_cast<std::int32_t>(p.atoms.size()) - let.atom_begin);
    }
    let.atom_end = static_cast<std::int32_t>(p.atoms.size());
  }

  // The part of the timeline where a rule, its file and its layer are all in force.
  void EffectiveValidity(const ast::RuleDecl& decl, const sema::Layer& layer, Rule& rule) {
    auto narrow = [&rule](const ast::Validity& v) {
      if (v.from) rule.from = std::max(rule.from, *v.from);
      if (v.until) rule.until = std::min(rule.until, *v.until);
    };
    narrow(decl.validity);
    auto file = file_validity_.find(decl.range.file);
    if (file != file_validity_.end()) narrow(file->second);
    narrow(layer.validity);
    // Periods that do not overlap (a rule `valid until` before its layer's `valid from`)
    // leave an empty one: never in force, with until == from for the evaluator's range test.
    if (rule.until < rule.from) rule.until = rule.from;
  }

  void CompileRules() {
    CompiledProgram& p = *program_;
    for (const sema::Layer* layer : chain_) {
      for (const ast::RuleDecl* decl : layer->rules) {
        rule_index_[decl] = static_cast<int>(p.rules.size());
        Rule rule;
        rule.id = decl->id;
        rule.layer = layer->name;
        rule.layer_depth = layer->depth;
        rule.citation = decl->citation;
        EffectiveValidity(*decl, *layer, rule);
        if (decl->condition) {
          rule.condition = CompileCondition(*decl->condition, rule.reads);
          rule.condition_text = SourceText(model_.sources, decl->condition->range);
          std::vector<const Expr*> parts;
          SplitConjuncts(*decl->condition, parts);
          std::vector<Atom> atoms;
          for (const Expr* part : parts) {
            Atom atom;
            if (!MakeAtom(*part, false, slots_, atom)) {
              atoms.clear();
              break;
            }
            atoms.push_back(atom);
          }
          if (!atoms.empty()) {
            rule.has_atoms = true;
            rule.atom_begin = static_cast<std::int32_t>(p.atoms.size());
            p.atoms.insert(p.atoms.end(), atoms.begin(), atoms.end());
            rule.atom_end = static_cast<std::int32_t>(p.atoms.size());
          }
          for (const Expr* part : parts) {
            ConditionPart compiled;
            compiled.text = SourceText(model_.sources, part->range);
            compiled.code = CompileCondition(*part, compiled.reads);
            rule.parts.push_back(std::move(compiled));
          }
        }
        p.rules.push_back(std::move(rule));
        rule_decls_.push_back(decl);
      }
    }
    // Exceptions and assignments need every rule's index.
    for (std::size_t i = 0; i < rule_decls_.size(); ++i) {
      const ast::RuleDecl& decl = *rule_decls_[i];
      Rule& rule = p.rules[i];
      RuleInfo info;
      info.id = rule.id;
      info.layer = rule.layer;
      info.qualified_id = rule.layer + "." + rule.id;
      info.citation = rule.citation;
      info.notes = decl.notes;
      if (rule.from != std::numeric_limits<std::int32_t>::min()) info.valid_from = Date{rule.from};
      if (rule.until != std::numeric_limits<std::int32_t>::max()) {
        info.valid_until = Date{rule.until};
      }
      for (const ast::RuleRef& ref : decl.exception_to) {
        auto it = rule_index_.find(ref.target);
        if (it == rule_index_.end()) continue;  // a rule outside this jurisdiction
        rule.bases.push_back(it->second);
        p.rules[static_cast<std::size_t>(it->second)].defeaters.push_back(static_cast<int>(i));
        const Rule& base = p.rules[static_cast<std::size_t>(it->second)];
        info.exception_to.push_back(base.layer + "." + base.id);
        p.has_exceptions = true;
      }
      for (const ast::Assignment& assignment : decl.assignments) {
        auto it = decision_index_.find(assignment.decision);
        if (it == decision_index_.end() || !assignment.value) {
          throw CompileError{diag::Kind::kAssignToNonDecision, assignment.range,
                             "`" + assignment.name + "` is not a decision of this jurisdiction"};
        }
        Assignment compiled;
        compiled.rule = static_cast<int>(i);
        compiled.decision = it->second;
        compiled.value = CompileValue(*assignment.value, rule.reads);
        rule.assignments.push_back(static_cast<int>(p.assignments.size()));
        p.assignments.push_back(std::move(compiled));
        info.decisions.push_back(assignment.name);
      }
      p.rule_infos.push_back(std::move(info));
    }
  }

  std::string DomainTitle(const std::string& domain) const {
    for (const sema::Layer* layer : chain_) {
      for (const ast::DomainDecl* d : layer->domains) {
        if (d->name == domain && !d->title.empty()) return d->title;
      }
    }
    return {};
  }

  void CompileDecisions() {
    CompiledProgram& p = *program_;
    for (const ast::DecisionDecl* decl : decisions_) {
      Decision decision;
      decision.slot = slots_.decisions[decl];
      decision.collect = decl->collect;
      decision.delegated = decl->delegation.has_value();
      std::vector<int> reads;
      if (decl->default_value) {
        decision.has_default = true;
        decision.default_value = CompileValue(*decl->default_value, reads);
      } else if (decl->collect) {
        decision.has_default = true;  // the empty set
      }
      default_reads_.push_back(std::move(reads));
      DecisionInfo info;
      info.name = decl->name;
      info.type = ValueTypeOf(decl->type.type);
      int e = EnumIndex(decl->type.type.enum_decl);
      if (e >= 0) {
        info.enum_name = p.enums[static_cast<std::size_t>(e)].name;
        info.members = p.enums[static_cast<std::size_t>(e)].members;
      }
      info.domain = decl->domain;
      info.domain_title = DomainTitle(decl->domain);
      info.description = decl->description;
      info.layer = decl->layer;
      info.collect = decl->collect;
      info.has_default = decl->default_value != nullptr;
      info.delegated = decision.delegated;
      p.decisions.push_back(std::move(decision));
      p.decision_infos.push_back(std::move(info));
    }
    for (std::size_t a = 0; a < p.assignments.size(); ++a) {
      Decision& d = p.decisions[static_cast<std::size_t>(p.assignments[a].decision)];
      d.assignments.push_back(static_cast<int>(a));
    }
  }

  void CompileAssumes() {
    for (const sema::Layer* layer : chain_) {
      for (const ast::AssumeDecl* decl : layer->assumes) {
        if (!decl->condition) continue;
        Assume assume;
        assume.name = decl->name;
        assume.layer = decl->layer;
        assume.text = SourceText(model_.sources, decl->condition->range);
        assume.condition = CompileCondition(*decl->condition, assume.reads);
        program_->assumes.push_back(std::move(assume));
        assume_ranges_.push_back(decl->range);
      }
    }
  }

  // Lets and decisions in dependency order. The graph stage (src/graph) rejects cycles with
  // L401 before anything compiles; this local depth-first order only needs the same edges.
  // TODO(graph): take the order from src/graph once it exposes one.
  void OrderSteps() {
    CompiledProgram& p = *program_;
    // Node per let and decision, keyed by register.
    std::unordered_map<int, Step> node_of;
    for (std::size_t i = 0; i < p.lets.size(); ++i) {
      node_of[p.lets[i].slot] = Step{true, static_cast<int>(i)};
    }
    for (std::size_t i = 0; i < p.decisions.size(); ++i) {
      node_of[p.decisions[i].slot] = Step{false, static_cast<int>(i)};
    }
    auto deps_of = [&](const Step& step) {
      std::vector<int> deps;
      if (step.is_let) {
        deps = let_reads_[static_cast<std::size_t>(step.index)];
      } else {
        const Decision& d = p.decisions[static_cast<std::size_t>(step.index)];
        deps = default_reads_[static_cast<std::size_t>(step.index)];
        std::vector<int> pending;
        std::unordered_set<int> seen;
        for (int a : d.assignments)
          pending.push_back(p.assignments[static_cast<std::size_t>(a)].rule);
        while (!pending.empty()) {
          int r = pending.back();
          pending.pop_back();
          if (!seen.insert(r).second) continue;
          const Rule& rule = p.rules[static_cast<std::size_t>(r)];
          deps.insert(deps.end(), rule.reads.begin(), rule.reads.end());
          for (int defeater : rule.defeaters) pending.push_back(defeater);
        }
      }
      return deps;
    };
    std::unordered_map<int, int> state;  // register -> 1 visiting, 2 done
    std::function<void(int)> visit = [&](int reg) {
      auto node = node_of.find(reg);
      if (node == node_of.end()) return;
      int& s = state[reg];
      if (s == 2) return;
      if (s == 1) {
        throw CompileError{
            diag::Kind::kDependencyCycle,
            {},
            "`" + p.slots[static_cast<std::size_t>(reg)].name + "` depends on itself"};
      }
      s = 1;
      for (int dep : deps_of(node->second)) {
        if (dep != reg) visit(dep);
      }
      state[reg] = 2;
      p.steps.push_back(node->second);
    };
    for (const Let& let : p.lets) visit(let.slot);
    for (const Decision& d : p.decisions) visit(d.slot);
  }

  // Distinct atoms and each atom-form rule's tests on the atom words.
  void BuildWordTests() {
    CompiledProgram& p = *program_;
    std::map<std::tuple<int, int, std::int64_t, std::uint64_t>, int> index;
    for (const Let& let : p.lets) {  // lets in atom form: their atoms only (tests come later)
      for (int a = let.atom_begin; a < let.atom_end; ++a) {
        const Atom& atom = p.atoms[static_cast<std::size_t>(a)];
        auto key = std::make_tuple(atom.reg, static_cast<int>(atom.kind), atom.lo, atom.span);
        if (index.count(key)) continue;
        Atom unique = atom;
        unique.negate = false;
        index.emplace(key, static_cast<int>(p.unique_atoms.size()));
        p.unique_atoms.push_back(unique);
      }
    }
    for (Rule& rule : p.rules) {
      if (!rule.has_atoms) continue;
      std::map<int, WordTest> tests;
      bool contradictory = false;
      for (int a = rule.atom_begin; a < rule.atom_end; ++a) {
        const Atom& atom = p.atoms[static_cast<std::size_t>(a)];
        auto key = std::make_tuple(atom.reg, static_cast<int>(atom.kind), atom.lo, atom.span);
        auto it = index.find(key);
        int id;
        if (it == index.end()) {
          id = static_cast<int>(p.unique_atoms.size());
          Atom unique = atom;
          unique.negate = false;
          p.unique_atoms.push_back(unique);
          index.emplace(key, id);
        } else {
          id = it->second;
        }
        WordTest& test = tests[id / 64];
        test.word = id / 64;
        const std::uint64_t bit = std::uint64_t{1} << (id % 64);
        const std::uint64_t want = atom.negate ? 0 : bit;
        if ((test.mask & bit) && (test.value & bit) != want) contradictory = true;
        test.mask |= bit;
        test.value |= want;
      }
      if (contradictory) continue;  // `x and not x`: the ordered atoms say false
      rule.has_tests = true;
      rule.test_begin = static_cast<std::int32_t>(p.word_tests.size());
      for (const auto& entry : tests) p.word_tests.push_back(entry.second);
      rule.test_end = static_cast<std::int32_t>(p.word_tests.size());
    }
    p.atom_words = static_cast<int>((p.unique_atoms.size() + 63) / 64);
  }

  // The rules a decision's step may evaluate: its own and, transitively, their exceptions.
  std::vector<int> StepRules(const Decision& d) const {
    const CompiledProgram& p = *program_;
    std::vector<int> rules;
    std::vector<int> pending;
    for (int a : d.assignments) pending.push_back(p.assignments[static_cast<std::size_t>(a)].rule);
    while (!pending.empty()) {
      int r = pending.back();
      pending.pop_back();
      if (std::find(rules.begin(), rules.end(), r) != rules.end()) continue;
      rules.push_back(r);
      for (int defeater : p.rules[static_cast<std::size_t>(r)].defeaters) {
        pending.push_back(defeater);
      }
    }
    return rules;
  }

  // Each atom is computed at the first step whose rules use it; by then every register it
  // reads is known (the steps are in dependency order).
  void ScheduleAtoms() {
    CompiledProgram& p = *program_;
    std::vector<bool> scheduled(p.unique_atoms.size(), false);
    std::map<std::tuple<int, int, std::int64_t, std::uint64_t>, int> index;
    for (std::size_t i = 0; i < p.unique_atoms.size(); ++i) {
      const Atom& atom = p.unique_atoms[i];
      index[std::make_tuple(atom.reg, static_cast<int>(atom.kind), atom.lo, atom.span)] =
          static_cast<int>(i);
    }
    // Atoms on the case's facts, the params and the reference date are known from the
    // start: the first step computes them all, so each such register's atoms are one group.
    auto is_input = [&](int reg) {
      if (reg < 0 || static_cast<std::size_t>(reg) >= p.slots.size()) return false;
      const SlotKind kind = p.slots[static_cast<std::size_t>(reg)].kind;
      return kind == SlotKind::kFact || kind == SlotKind::kParam ||
             kind == SlotKind::kReferenceDate;
    };
    bool first = true;
    for (Step& step : p.steps) {
      step.atoms_begin = static_cast<std::int32_t>(p.step_atoms.size());
      if (first) {
        first = false;
        for (std::size_t id = 0; id < p.unique_atoms.size(); ++id) {
          const Atom& atom = p.unique_atoms[id];
          if (!is_input(atom.reg)) continue;
          if (atom.IsComparison() && !is_input(static_cast<int>(atom.lo))) continue;
          scheduled[id] = true;
          p.step_atoms.push_back(static_cast<int>(id));
        }
      }
      // The atoms p.atoms[begin, end) not scheduled yet, into this step.
      auto schedule = [&](std::int32_t begin, std::int32_t end) {
        for (std::int32_t a = begin; a < end; ++a) {
          const Atom& atom = p.atoms[static_cast<std::size_t>(a)];
          int id =
              index[std::make_tuple(atom.reg, static_cast<int>(atom.kind), atom.lo, atom.span)];
          if (scheduled[static_cast<std::size_t>(id)]) continue;
          scheduled[static_cast<std::size_t>(id)] = true;
          p.step_atoms.push_back(id);
        }
      };
      if (step.is_let) {
        const Let& let = p.lets[static_cast<std::size_t>(step.index)];
        schedule(let.atom_begin, let.atom_end);
      } else {
        for (int r : StepRules(p.decisions[static_cast<std::size_t>(step.index)])) {
          const Rule& rule = p.rules[static_cast<std::size_t>(r)];
          if (rule.has_tests) schedule(rule.atom_begin, rule.atom_end);
        }
      }
      step.atoms_end = static_cast<std::int32_t>(p.step_atoms.size());
      // Ascending, so the evaluator fills one word at a time in a register.
      std::sort(p.step_atoms.begin() + step.atoms_begin, p.step_atoms.end());
    }
    p.atom_words = static_cast<int>((p.unique_atoms.size() + 63) / 64);
    RenumberAtoms();
    for (Step& step : p.steps) BuildStepAtoms(step);
  }

  // Renumbers the atoms so that each step's range atoms, then its mask atoms, then the rest
  // have consecutive ids (the evaluator tests consecutive range or mask atoms eight at a
  // time), then rebuilds the rules' word tests with the new ids.
  void RenumberAtoms() {
    CompiledProgram& p = *program_;
    const std::size_t count = p.unique_atoms.size();
    std::vector<int> new_id(count, -1);
    std::vector<Atom> renumbered;
    std::vector<int> order;
    auto take = [&](int id) {
      new_id[static_cast<std::size_t>(id)] = static_cast<int>(renumbered.size());
      renumbered.push_back(p.unique_atoms[static_cast<std::size_t>(id)]);
    };
    for (const Step& step : p.steps) {
      // Ranges, then masks, then the rest (each kind's ids consecutive, for the bit-parallel
      // passes); within a kind by register, so neighbouring lanes read the same value.
      std::vector<int> ids(p.step_atoms.begin() + step.atoms_begin,
                           p.step_atoms.begin() + step.atoms_end);
      auto pass_of = [&](int id) {
        const Atom::Kind kind = p.unique_atoms[static_cast<std::size_t>(id)].kind;
        return kind == Atom::kRange ? 0 : kind == Atom::kMask ? 1 : 2;
      };
      std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) {
        return std::make_pair(pass_of(a), p.unique_atoms[static_cast<std::size_t>(a)].reg) <
               std::make_pair(pass_of(b), p.unique_atoms[static_cast<std::size_t>(b)].reg);
      });
      for (int id : ids) take(id);
    }
    for (std::size_t id = 0; id < count; ++id) {  // atoms no step computes (`x and not x`)
      if (new_id[id] < 0) take(static_cast<int>(id));
    }
    p.unique_atoms = std::move(renumbered);
    for (std::int32_t& id : p.step_atoms) id = new_id[static_cast<std::size_t>(id)];
    for (const Step& step : p.steps) {
      std::sort(p.step_atoms.begin() + step.atoms_begin, p.step_atoms.begin() + step.atoms_end);
    }
    // The rules' tests with the new ids.
    std::map<std::tuple<int, int, std::int64_t, std::uint64_t>, int> index;
    for (std::size_t i = 0; i < p.unique_atoms.size(); ++i) {
      const Atom& atom = p.unique_atoms[i];
      index[std::make_tuple(atom.reg, static_cast<int>(atom.kind), atom.lo, atom.span)] =
          static_cast<int>(i);
    }
    p.word_tests.clear();
    for (Rule& rule : p.rules) {
      if (!rule.has_tests) continue;
      std::map<int, WordTest> tests;
      for (int a = rule.atom_begin; a < rule.atom_end; ++a) {
        const Atom& atom = p.atoms[static_cast<std::size_t>(a)];
        const int id =
            index.at(std::make_tuple(atom.reg, static_cast<int>(atom.kind), atom.lo, atom.span));
        WordTest& test = tests[id / 64];
        test.word = id / 64;
        const std::uint64_t bit = std::uint64_t{1} << (id % 64);
        test.mask |= bit;
        test.value |= atom.negate ? 0 : bit;
      }
      rule.test_begin = static_cast<std::int32_t>(p.word_tests.size());
      for (const auto& entry : tests) p.word_tests.push_back(entry.second);
      rule.test_end = static_cast<std::int32_t>(p.word_tests.size());
    }
    for (Let& let : p.lets) {
      if (let.atom_begin == let.atom_end) continue;
      let.fast = true;
      let.word = -1;
      std::int32_t begin = let.atom_begin;
      for (std::int32_t end_offset : let.term_ends) {
        const std::int32_t end = let.atom_begin + end_offset;
        FastEntry term;
        term.want = 0;
        bool contradictory = false;  // `x and not x`: this term never holds
        for (std::int32_t a = begin; a < end; ++a) {
          const Atom& atom = p.atoms[static_cast<std::size_t>(a)];
          const int id =
              index.at(std::make_tuple(atom.reg, static_cast<int>(atom.kind), atom.lo, atom.span));
          if (let.word < 0) let.word = id / 64;
          if (id / 64 != let.word) let.fast = false;  // terms across words: the code decides
          const std::uint64_t bit = std::uint64_t{1} << (id % 64);
          const std::uint64_t want = atom.negate ? 0 : bit;
          if ((term.mask & bit) && (term.want & bit) != want) contradictory = true;
          term.mask |= bit;
          term.want |= want;
          let.fault_mask |= bit;
        }
        if (!contradictory) let.terms.push_back(term);
        begin = end;
      }
      if (!let.fast) let.terms.clear();
    }
    // Per atom id, what the bit-parallel passes read; padded for eight-wide loads.
    for (const Atom& atom : p.unique_atoms) {
      p.atom_regs.push_back(atom.kind == Atom::kRange || atom.kind == Atom::kMask ? atom.reg : 0);
      p.atom_lo.push_back(atom.lo);
      p.atom_span.push_back(atom.span);
    }
    for (int i = 0; i < 8; ++i) {
      p.atom_regs.push_back(0);
      p.atom_lo.push_back(0);
      p.atom_span.push_back(0);
    }
  }

  // A step's atoms as the evaluator computes them: the ranges and the masks by id range
  // (consecutive after RenumberAtoms), `known` atoms and comparisons one by one, and per
  // register the atoms that fault when it does (a comparison: when either register does).
  void BuildStepAtoms(Step& step) {
    CompiledProgram& p = *program_;
    std::map<std::pair<int, int>, std::uint64_t> checks;  // (register, word) -> atom bits
    std::vector<int> ranges;
    std::vector<int> masks;
    step.ops_begin = static_cast<std::int32_t>(p.atom_ops.size());
    for (int i = step.atoms_begin; i < step.atoms_end; ++i) {
      const int id = p.step_atoms[static_cast<std::size_t>(i)];
      const Atom& atom = p.unique_atoms[static_cast<std::size_t>(id)];
      const std::uint64_t bit = std::uint64_t{1} << (id % 64);
      if (atom.check) checks[std::make_pair(atom.reg, id / 64)] |= bit;
      if (atom.IsComparison() && atom.other_check) {
        checks[std::make_pair(static_cast<int>(atom.lo), id / 64)] |= bit;
      }
      if (atom.kind == Atom::kRange) {
        ranges.push_back(id);
      } else if (atom.kind == Atom::kMask) {
        masks.push_back(id);
      } else {
        AtomOp op;
        op.lo = atom.lo;
        op.reg = atom.reg;
        op.word = id / 64;
        op.shift = id % 64;
        op.kind = atom.kind;
        p.atom_ops.push_back(op);
      }
    }
    step.ops_end = static_cast<std::int32_t>(p.atom_ops.size());
    auto consecutive = [](const std::vector<int>& ids, std::int32_t& first, std::int32_t& n) {
      if (ids.empty()) return;
      first = ids.front();
      n = static_cast<std::int32_t>(ids.size());
      if (ids.back() - ids.front() + 1 != n) {
        throw CompileError{diag::Kind::kInternalError, {}, "atoms of a step are not consecutive"};
      }
    };
    consecutive(ranges, step.range_first, step.range_count);
    consecutive(masks, step.mask_first, step.mask_count);
    step.checks_begin = static_cast<std::int32_t>(p.atom_checks.size());
    for (const auto& [key, bits] : checks) {
      p.atom_checks.push_back(AtomCheck{key.first, key.second, bits});
    }
    step.checks_end = static_cast<std::int32_t>(p.atom_checks.size());
    step.has_atoms = step.range_count > 0 || step.mask_count > 0 ||
                     step.ops_begin != step.ops_end || step.checks_begin != step.checks_end;
  }

  void BuildEntries() {
    CompiledProgram& p = *program_;
    for (Decision& d : p.decisions) {
      for (int a : d.assignments) {
        const Assignment& assignment = p.assignments[static_cast<std::size_t>(a)];
        const Rule& rule = p.rules[static_cast<std::size_t>(assignment.rule)];
        Entry entry;
        entry.rule = assignment.rule;
        entry.from = rule.from;
        entry.until = rule.until;
        entry.test_begin = rule.test_begin;
        entry.test_end = rule.test_end;
        entry.assignment = a;
        entry.depth = rule.layer_depth;
        entry.value = assignment.value.constant;
        if (rule.has_tests) entry.flags |= Entry::kWordTests;
        if (assignment.value.is_constant) entry.flags |= Entry::kConstant;
        if (rule.assignments.size() > 1 || !rule.bases.empty()) entry.flags |= Entry::kMemo;
        if (!rule.defeaters.empty()) entry.flags |= Entry::kHasDefeaters | Entry::kMemo;
        if (rule.condition.empty()) entry.flags |= Entry::kUnconditional;
        const bool one_test = rule.has_tests && rule.test_end - rule.test_begin == 1;
        if (p.atom_words > 0 && (entry.flags & (Entry::kMemo | Entry::kHasDefeaters)) == 0 &&
            (entry.flags & Entry::kConstant) && (one_test || rule.condition.empty())) {
          entry.flags |= Entry::kSimple;
        }
        d.entries.push_back(entry);
      }
      d.always_in_force = std::all_of(d.entries.begin(), d.entries.end(), [](const Entry& e) {
        return e.from == std::numeric_limits<std::int32_t>::min() &&
               e.until == std::numeric_limits<std::int32_t>::max();
      });
      BuildFastPath(d);
    }
  }

  // A collect decision, or a single-valued one that is not delegated, decides its simple
  // entries by their word tests at once (CompiledProgram::fast_*); the other entries go the
  // general way, in entry order.
  void BuildFastPath(Decision& d) {
    CompiledProgram& p = *program_;
    if (p.atom_words == 0 || (d.delegated && !d.collect)) return;
    d.fast = true;
    d.fast_begin = static_cast<std::int32_t>(p.fast_entries.size());
    std::map<int, std::uint64_t> fault_masks;  // word -> the simple entries' atoms in it
    for (std::size_t i = 0; i < d.entries.size(); ++i) {
      const Entry& e = d.entries[i];
      const Rule& rule = p.rules[static_cast<std::size_t>(e.rule)];
      FastEntry fast;  // never fires: a general entry
      fast.rule = e.rule;
      fast.value = e.value;
      fast.from = e.from;
      fast.until = e.until;
      if (e.flags & Entry::kSimple) {
        fast.want = 0;  // unconditional, unless it has a word test
        if (rule.has_tests) {
          const WordTest& word_test = p.word_tests[static_cast<std::size_t>(rule.test_begin)];
          fast.mask = word_test.mask;
          fast.want = word_test.value;
          fast.word = word_test.word;
          fault_masks[fast.word] |= word_test.mask;
        }
      } else {
        d.general.push_back(static_cast<std::int32_t>(i));
      }
      p.fast_entries.push_back(fast);
    }
    for (const auto& [word, mask] : fault_masks) d.fault_masks.push_back(WordTest{word, mask, 0});
    d.pure = p.atom_words == 1 && d.general.empty() && d.entries.size() <= 64 && d.always_in_force;
    if (!d.pure) return;
    if (!d.fault_masks.empty()) d.pure_fault_mask = d.fault_masks.front().mask;
    d.fire_begin = static_cast<std::int32_t>(p.fire_masks.size());
    d.fire_count = static_cast<std::int32_t>((d.entries.size() + 7) / 8 * 8);
    for (std::int32_t i = 0; i < d.fire_count; ++i) {
      if (static_cast<std::size_t>(i) < d.entries.size()) {
        const FastEntry& fast = p.fast_entries[static_cast<std::size_t>(d.fast_begin + i)];
        p.fire_masks.push_back(fast.mask);
        p.fire_wants.push_back(fast.want);
      } else {
        p.fire_masks.push_back(0);  // padding: never fires
        p.fire_wants.push_back(1);
      }
    }
  }

  // Whether the program can be evaluated column-wise (CompiledProgram::columnar).
  void PlanColumns() {
    CompiledProgram& p = *program_;
    p.columnar = p.atom_words == 1 && p.assumes.empty() && !p.has_exceptions;
    for (const Step& step : p.steps) {
      if (step.is_let) {
        p.columnar = p.columnar && p.lets[static_cast<std::size_t>(step.index)].fast;
      } else {
        const Decision& d = p.decisions[static_cast<std::size_t>(step.index)];
        p.columnar =
            p.columnar && d.pure && (d.collect || !d.has_default || d.default_value.is_constant);
      }
    }
    if (!p.columnar) return;
    std::vector<bool> read(static_cast<std::size_t>(p.fact_count), false);
    const auto mark = [&](std::int64_t reg) {
      if (reg >= 0 && reg < p.fact_count) read[static_cast<std::size_t>(reg)] = true;
    };
    for (const Atom& atom : p.unique_atoms) {
      mark(atom.reg);
      if (atom.IsComparison()) mark(atom.lo);
    }
    for (int slot = 0; slot < p.fact_count; ++slot) {
      if (read[static_cast<std::size_t>(slot)]) p.column_facts.push_back(slot);
    }
  }

  const sema::Model& model_;
  const sema::Layer& jurisdiction_;
  diag::DiagnosticSink& sink_;
  std::shared_ptr<CompiledProgram> program_ = std::make_shared<CompiledProgram>();
  std::vector<const sema::Layer*> chain_;
  std::unordered_map<std::string, int> layer_depth_;
  std::unordered_map<source::FileId, ast::Validity> file_validity_;
  std::unordered_map<const ast::EnumDecl*, int> enum_index_;
  SlotMap slots_;
  std::vector<const ast::ParamDecl*> params_;
  std::vector<const ast::LetDecl*> lets_;
  std::vector<const ast::DecisionDecl*> decisions_;
  std::unordered_map<const ast::DecisionDecl*, int> decision_index_;
  std::unordered_map<const ast::RuleDecl*, int> rule_index_;
  std::vector<const ast::RuleDecl*> rule_decls_;
  std::vector<std::vector<int>> let_reads_;
  std::vector<std::vector<int>> default_reads_;
  std::vector<source::SourceRange> assume_ranges_;
};

}  // namespace

std::shared_ptr<const CompiledProgram> Compile(const sema::Model& model,
                                               const sema::Layer& jurisdiction,
                                               diag::DiagnosticSink& sink) {
  return Compiler(model, jurisdiction, sink).Run();
}

int CompiledProgram::FindFact(std::string_view name) const {
  for (int i = 0; i < fact_count; ++i) {
    if (slots[static_cast<std::size_t>(i)].name == name) return i;
  }
  return -1;
}

int CompiledProgram::FindDecision(std::string_view name) const {
  for (std::size_t i = 0; i < decision_infos.size(); ++i) {
    if (decision_infos[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int CompiledProgram::FindRule(std::string_view id) const {
  // Unqualified: the jurisdiction's own rules first, then upward.
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (rules[i].layer == *layer && rules[i].id == id) return static_cast<int>(i);
    }
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = rules[i];
    if (id.size() == rule.layer.size() + 1 + rule.id.size() &&
        id.substr(0, rule.layer.size()) == rule.layer && id[rule.layer.size()] == '.' &&
        id.substr(rule.layer.size() + 1) == rule.id) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

const std::vector<std::string>* CompiledProgram::MembersOf(int slot) const {
  if (slot < 0 || static_cast<std::size_t>(slot) >= slots.size()) return nullptr;
  int e = slots[static_cast<std::size_t>(slot)].enum_index;
  if (e < 0) return nullptr;
  return &enums[static_cast<std::size_t>(e)].members;
}

}  // namespace loket::compile
