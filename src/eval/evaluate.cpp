// The evaluator: runs a compiled program on one case (language-sketch §5).
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "compile/program.h"
#include "diag/diagnostic.h"
#include "eval/engine.h"
#include "eval/interpreter.h"
#include "eval/machine.h"
#include "eval/support.h"
#include "loket/evaluate.h"
#include "support/date.h"

namespace loket {

using compile::CompiledProgram;
using compile::Fault;

// ---------------------------------------------------------------------------------------------
// Date

std::optional<Date> Date::Parse(std::string_view iso) {
  auto day = support::ParseIsoDate(iso);
  if (!day) return std::nullopt;
  return Date{*day};
}

std::optional<Date> Date::FromCivil(int year, int month, int day_of_month) {
  support::CivilDate civil{year, month, day_of_month};
  if (!support::IsValidCivil(civil)) return std::nullopt;
  return Date{support::DaysFromCivil(civil)};
}

std::string Date::ToString() const {
  return support::FormatIsoDate(day);
}

// ---------------------------------------------------------------------------------------------
// Case

void Case::Clear() {
  std::fill(present_.begin(), present_.end(), std::uint8_t{0});
}

// ---------------------------------------------------------------------------------------------
// Statuses

const char* DecisionStatusName(DecisionStatus status) {
  switch (status) {
    case DecisionStatus::kDecided:
      return "decided";
    case DecisionStatus::kDefault:
      return "default";
    case DecisionStatus::kGap:
      return "gap";
    case DecisionStatus::kConflict:
      return "conflict";
    case DecisionStatus::kAbsentOptional:
      return "absent optional fact";
    case DecisionStatus::kOverflow:
      return "overflow";
    case DecisionStatus::kDivisionByZero:
      return "division by zero";
    case DecisionStatus::kNotEvaluated:
      return "not evaluated";
  }
  return "?";
}

const char* DecisionStatusCode(DecisionStatus status) {
  switch (status) {
    case DecisionStatus::kGap:
      return "L608";
    case DecisionStatus::kConflict:
      return "L609";
    case DecisionStatus::kAbsentOptional:
      return "L610";
    case DecisionStatus::kOverflow:
      return "L612";
    case DecisionStatus::kDivisionByZero:
      return "L613";
    case DecisionStatus::kNotEvaluated:
      return "L605";
    default:
      return "";
  }
}

// ---------------------------------------------------------------------------------------------
// Outcome

Outcome::Outcome() : scratch_(std::make_unique<Scratch>()) {}
Outcome::Outcome(Outcome&&) noexcept = default;
Outcome& Outcome::operator=(Outcome&&) noexcept = default;
Outcome::~Outcome() = default;
Outcome::Outcome(const Outcome& other)
    : program_(other.program_),
      programs_(other.programs_),
      status_(other.status_),
      raw_(other.raw_),
      winner_begin_(other.winner_begin_),
      winner_end_(other.winner_end_),
      winners_(other.winners_),
      error_detail_(other.error_detail_),
      case_errors_(other.case_errors_),
      scratch_(std::make_unique<Scratch>(other.scratch_ ? *other.scratch_ : Scratch{})) {}
Outcome& Outcome::operator=(const Outcome& other) {
  if (this != &other) {
    Outcome copy(other);
    *this = std::move(copy);
  }
  return *this;
}

bool Outcome::ok() const {
  if (!case_errors_.empty()) return false;
  for (DecisionStatus s : status_) {
    if (s != DecisionStatus::kDecided && s != DecisionStatus::kDefault) return false;
  }
  return true;
}

int Outcome::FindDecision(std::string_view name) const {
  return program_ ? program_->FindDecision(name) : -1;
}

const DecisionInfo& Outcome::info(int decision) const {
  return program_->decision_infos[static_cast<std::size_t>(decision)];
}

Value Outcome::value(int decision) const {
  const DecisionInfo& d = info(decision);
  Value v;
  v.type = d.type;
  v.raw = raw_[static_cast<std::size_t>(decision)];
  if (d.type == ValueType::kEnum || d.type == ValueType::kSet) v.members = &d.members;
  return v;
}

std::pair<const int*, const int*> Outcome::winner_indices(int decision) const {
  const int* base = winners_.data();
  return {base + winner_begin_[static_cast<std::size_t>(decision)],
          base + winner_end_[static_cast<std::size_t>(decision)]};
}

std::vector<RuleRefInfo> Outcome::winners(int decision) const {
  std::vector<RuleRefInfo> out;
  auto range = winner_indices(decision);
  for (const int* r = range.first; r != range.second; ++r) {
    out.push_back(eval::RuleRef(*program_, *r));
  }
  return out;
}

std::optional<Diagnostic> Outcome::error(int decision) const {
  const DecisionStatus s = status(decision);
  if (s == DecisionStatus::kDecided || s == DecisionStatus::kDefault) return std::nullopt;
  const DecisionInfo& d = info(decision);
  const CompiledProgram& p = *program_;
  Diagnostic diagnostic;
  diagnostic.severity = Severity::kError;
  diagnostic.code = DecisionStatusCode(s);
  diagnostic.layer = p.jurisdiction;
  auto names = [&]() {
    std::string text;
    auto range = winner_indices(decision);
    for (const int* r = range.first; r != range.second; ++r) {
      const compile::Rule& rule = p.rules[static_cast<std::size_t>(*r)];
      if (!text.empty()) text += r + 1 == range.second ? " and " : ", ";
      text += "`" + rule.layer + "." + rule.id + "`";
    }
    return text;
  };
  switch (s) {
    case DecisionStatus::kGap:
    case DecisionStatus::kConflict: {
      const bool gap = s == DecisionStatus::kGap;
      diagnostic.kind = gap ? "EvalGap" : "EvalConflict";
      const int origin = error_detail_[static_cast<std::size_t>(decision)];
      if (origin >= 0 && origin != decision) {
        diagnostic.message =
            fmt::format("`{}` cannot be decided: it reads `{}`, {}", d.name,
                        p.decision_infos[static_cast<std::size_t>(origin)].name,
                        gap ? "which no rule decides for this case (and it has no default)"
                            : "on which the rules disagree for this case");
        break;
      }
      if (gap) {
        diagnostic.message =
            fmt::format("no rule decides `{}` for this case and it has no default", d.name);
        break;
      }
      diagnostic.message = fmt::format("rules {} disagree on `{}`", names(), d.name);
      auto range = winner_indices(decision);
      for (const int* r = range.first; r != range.second; ++r) {
        const compile::Rule& rule = p.rules[static_cast<std::size_t>(*r)];
        std::string value;
        for (int a : rule.assignments) {
          const compile::Assignment& assignment = p.assignments[static_cast<std::size_t>(a)];
          if (assignment.decision == decision && assignment.value.is_constant) {
            Value v{d.type, assignment.value.constant,
                    d.type == ValueType::kEnum || d.type == ValueType::kSet ? &d.members : nullptr};
            value = v.ToString();
          }
        }
        DiagnosticNote note;
        note.message = fmt::format("`{}.{}` (\"{}\") applies{}", rule.layer, rule.id, rule.citation,
                                   value.empty() ? "" : " and decides " + value);
        diagnostic.notes.push_back(std::move(note));
      }
      break;
    }
    case DecisionStatus::kAbsentOptional: {
      diagnostic.kind = "AbsentOptionalRead";
      int slot = error_detail_[static_cast<std::size_t>(decision)];
      std::string fact = slot >= 0 && static_cast<std::size_t>(slot) < p.slots.size()
                             ? p.slots[static_cast<std::size_t>(slot)].name
                             : std::string("?");
      diagnostic.message = fmt::format(
          "deciding `{}` read the optional fact `{}`, which this case does not give", d.name, fact);
      diagnostic.help.push_back(
          fmt::format("give `{}` in the case, or guard the read with `known({})`", fact, fact));
      break;
    }
    case DecisionStatus::kOverflow:
      diagnostic.kind = "ArithmeticOverflow";
      diagnostic.message = fmt::format("arithmetic overflow while deciding `{}`", d.name);
      break;
    case DecisionStatus::kDivisionByZero:
      diagnostic.kind = "EvalDivisionByZero";
      diagnostic.message = fmt::format("division by zero while deciding `{}`", d.name);
      break;
    case DecisionStatus::kNotEvaluated:
      diagnostic.kind = "MissingFact";
      diagnostic.message = fmt::format("`{}` was not evaluated: the case is invalid", d.name);
      if (!case_errors_.empty()) diagnostic.code = case_errors_.front().code;
      break;
    default:
      break;
  }
  return diagnostic;
}

std::vector<Diagnostic> Outcome::errors() const {
  std::vector<Diagnostic> out = case_errors_;
  if (!case_errors_.empty()) return out;
  for (int d = 0; d < decision_count(); ++d) {
    if (auto e = error(d)) out.push_back(std::move(*e));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Program: schema

Program::Program(std::shared_ptr<const CompiledProgram> compiled)
    : compiled_(std::move(compiled)) {}

const std::string& Program::jurisdiction() const {
  return compiled_->jurisdiction;
}
const std::vector<std::string>& Program::layers() const {
  return compiled_->layers;
}
const std::vector<FactInfo>& Program::facts() const {
  return compiled_->fact_infos;
}
const std::vector<DecisionInfo>& Program::decisions() const {
  return compiled_->decision_infos;
}
const std::vector<RuleInfo>& Program::rules() const {
  return compiled_->rule_infos;
}
int Program::FactSlot(std::string_view name) const {
  return compiled_->FindFact(name);
}
int Program::DecisionIndex(std::string_view name) const {
  return compiled_->FindDecision(name);
}
int Program::RuleIndex(std::string_view id) const {
  return compiled_->FindRule(id);
}

Case Program::NewCase() const {
  Case c;
  c.program_ = compiled_;
  c.values_.assign(static_cast<std::size_t>(compiled_->fact_count), 0);
  c.present_.assign(static_cast<std::size_t>(compiled_->fact_count), 0);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

namespace eval {

RunResult Run(const compile::Instr* code, std::int64_t* regs, const Fault* fault,
              const std::int32_t* detail) {
  return RunInline(code, regs, fault, detail);
}

RuleRefInfo RuleRef(const CompiledProgram& program, int rule) {
  const compile::Rule& r = program.rules[static_cast<std::size_t>(rule)];
  return RuleRefInfo{rule, r.id, r.layer, r.citation};
}

DecisionStatus StatusOf(Fault fault) {
  switch (fault) {
    case Fault::kAbsentOptional:
      return DecisionStatus::kAbsentOptional;
    case Fault::kOverflow:
      return DecisionStatus::kOverflow;
    case Fault::kDivisionByZero:
      return DecisionStatus::kDivisionByZero;
    case Fault::kGap:
      return DecisionStatus::kGap;
    case Fault::kConflict:
      return DecisionStatus::kConflict;
    default:
      return DecisionStatus::kDecided;
  }
}

Diagnostic MakeDiagnostic(const char* code, const char* kind, std::string message) {
  Diagnostic d;
  d.code = code;
  d.kind = kind;
  d.severity = Severity::kError;
  d.message = std::move(message);
  return d;
}

Diagnostic MissingFactError(const CompiledProgram& p, int slot) {
  const FactInfo& fact = p.fact_infos[static_cast<std::size_t>(slot)];
  Diagnostic d = MakeDiagnostic("L605", "MissingFact",
                                fmt::format("the case does not give the required fact `{}` ({})",
                                            fact.name, TypeDescription(fact)));
  d.layer = fact.layer;
  return d;
}

Diagnostic BrokenAssumption(const compile::Assume& assume, RunResult result,
                            const CompiledProgram& p) {
  std::string message;
  if (result.fault == Fault::kNone) {
    message = fmt::format("the case breaks the assumption `{}`: {}", assume.name, assume.text);
  } else {
    std::string why =
        result.fault == Fault::kAbsentOptional && result.detail >= 0 && result.detail < p.fact_count
            ? fmt::format("it reads the absent optional fact `{}`",
                          p.slots[static_cast<std::size_t>(result.detail)].name)
            : std::string("its evaluation failed");
    message =
        fmt::format("the assumption `{}` cannot be checked for this case: {}", assume.name, why);
  }
  Diagnostic d = MakeDiagnostic("L606", "AssumptionBroken", std::move(message));
  d.layer = assume.layer;
  return d;
}

}  // namespace eval

namespace internal {

using eval::kApplies;
using eval::kComputed;
using eval::kDefeatComputed;
using eval::kDefeated;
using eval::kFaulted;
using eval::RunInline;
using eval::RunResult;

// The evaluation of one case; lives on the stack of Program::Evaluate.
class Engine::Evaluator {
 public:
  Evaluator(const CompiledProgram& program, Outcome& out, std::int32_t day)
      : p_(program),
        out_(out),
        s_(*out.scratch_),
        code_(program.code.data()),
        atoms_(program.atoms.data()),
        regs_(s_.regs.data()),
        fault_(s_.fault.data()),
        detail_(s_.detail.data()),
        state_(s_.rule_state.data()),
        bits_(s_.atom_bits.data()),
        faults_(s_.atom_faults.data()),
        tests_(program.word_tests.data()),
        day_(day) {}

  // The atoms this step needs first, into the atom words.
  void ComputeAtoms(const compile::Step& step) {
    const std::int32_t* id = p_.step_atoms.data() + step.atoms_begin;
    const std::int32_t* end = p_.step_atoms.data() + step.atoms_end;
    if (id == end) return;
    if (p_.atom_words == 1) {
      ComputeOneWord(step);
      return;
    }
    const compile::Atom* unique = p_.unique_atoms.data();
    // The ids ascend: accumulate a word in registers, store it when the word changes.
    int word = *id >> 6;
    std::uint64_t bits = 0;
    std::uint64_t faults = 0;
    for (; id != end; ++id) {
      if ((*id >> 6) != word) {
        bits_[word] |= bits;
        faults_[word] |= faults;
        word = *id >> 6;
        bits = 0;
        faults = 0;
      }
      const compile::Atom& atom = unique[*id];
      const std::int32_t reg = atom.reg;
      const std::uint64_t v = static_cast<std::uint64_t>(regs_[reg]);
      const std::uint64_t faulted = fault_[reg] != Fault::kNone;
      // Branch-free: all three tests, then pick by kind.
      const std::uint64_t in_range = v - static_cast<std::uint64_t>(atom.lo) <= atom.span;
      const std::uint64_t in_mask = (atom.span >> (v & 63u)) & 1u;
      const std::uint64_t kind = atom.kind;
      const std::uint64_t bit = (in_range & static_cast<std::uint64_t>(kind == 0)) |
                                (in_mask & static_cast<std::uint64_t>(kind == 1)) |
                                ((faulted ^ 1u) & static_cast<std::uint64_t>(kind == 2));
      const int shift = *id & 63;
      bits |= bit << shift;
      faults |= (faulted & static_cast<std::uint64_t>(atom.check)) << shift;
    }
    bits_[word] |= bits;
    faults_[word] |= faults;
  }

  // The usual case, all atoms in one word: a straight loop per kind.
  void ComputeOneWord(const compile::Step& step) {
    const compile::AtomOp* ops = p_.atom_ops.data();
    std::uint64_t bits = 0;
    for (const compile::AtomOp* op = ops + step.ranges_begin; op != ops + step.ranges_end; ++op) {
      const std::uint64_t v = static_cast<std::uint64_t>(regs_[op->reg]);
      bits |= static_cast<std::uint64_t>(v - static_cast<std::uint64_t>(op->lo) <= op->span)
              << op->shift;
    }
    for (const compile::AtomOp* op = ops + step.masks_begin; op != ops + step.masks_end; ++op) {
      const std::uint64_t v = static_cast<std::uint64_t>(regs_[op->reg]);
      bits |= ((op->span >> (v & 63u)) & 1u) << op->shift;
    }
    for (const compile::AtomOp* op = ops + step.knowns_begin; op != ops + step.knowns_end; ++op) {
      bits |= static_cast<std::uint64_t>(fault_[op->reg] == Fault::kNone) << op->shift;
    }
    std::uint64_t faults = 0;
    for (const compile::AtomOp* op = ops + step.checks_begin; op != ops + step.checks_end; ++op) {
      faults |= static_cast<std::uint64_t>(fault_[op->reg] != Fault::kNone) << op->shift;
    }
    bits_[0] |= bits;
    faults_[0] |= faults;
  }

  // One rule of a decision: -1 on a fault (in `failure`), 0 when it does not apply or is
  // defeated, 1 when it contributes `contribution`.
  int General(const compile::Entry& e, RunResult& failure, std::int64_t& contribution) {
    const int r = e.rule;
    bool applies;
    if (e.flags & compile::Entry::kMemo) {
      std::uint8_t st = Applies(r, failure);
      if (st & kFaulted) return -1;
      applies = (st & kApplies) != 0;
    } else if (day_ < e.from || day_ >= e.until) {
      state_[r] = kComputed;
      applies = false;
    } else if (e.flags & compile::Entry::kUnconditional) {
      state_[r] = kComputed | kApplies;
      applies = true;
    } else {
      const compile::Rule& rule = p_.rules[static_cast<std::size_t>(r)];
      RunResult result = rule.has_tests   ? Tests(e.test_begin, e.test_end, rule)
                         : rule.has_atoms ? Atoms(rule)
                                          : Exec(rule.condition);
      if (result.fault != Fault::kNone) {
        state_[r] = kComputed | kFaulted;
        s_.rule_fault[static_cast<std::size_t>(r)] = result;
        failure = result;
        return -1;
      }
      applies = result.value != 0;
      state_[r] = static_cast<std::uint8_t>(kComputed | (applies ? kApplies : 0));
    }
    if (!applies) return 0;
    if (e.flags & compile::Entry::kHasDefeaters) {
      bool defeated = Defeated(r, failure);
      if (failure.fault != Fault::kNone) return -1;
      if (defeated) return 0;
    }
    contribution = e.value;
    if (!(e.flags & compile::Entry::kConstant)) {
      RunResult v = ValueOf(p_.assignments[static_cast<std::size_t>(e.assignment)].value);
      if (v.fault != Fault::kNone) {
        failure = v;
        return -1;
      }
      contribution = v.value;
    }
    return 1;
  }

  // A collect decision: the union of the contributions. Simple rules (a constant and one
  // word test) go without data-dependent branches. The atom words do not change while a
  // decision is decided, so one-word programs keep theirs in registers.
  //
  // Simple rules leave their rule state alone: nothing reads it. They are not memoized (no
  // other decision, no exception asks whether they apply), and an applying simple rule of a
  // collect or an undelegated single-valued decision is always among the winners, which is
  // what explanations look at; rule_state stays 0 ("not computed") for them.
  bool Collect(const compile::Decision& d, std::int64_t& value, std::int32_t begin,
               RunResult& failure) {
    if (p_.atom_words == 1) {
      // The usual case: no atom faulted, so no simple rule needs the general path.
      if (faults_[0] == 0) {
        return d.always_in_force ? CollectWords<true, true, true>(d, value, begin, failure)
                                 : CollectWords<true, false, true>(d, value, begin, failure);
      }
      return d.always_in_force ? CollectWords<true, true, false>(d, value, begin, failure)
                               : CollectWords<true, false, false>(d, value, begin, failure);
    }
    return d.always_in_force ? CollectWords<false, true, false>(d, value, begin, failure)
                             : CollectWords<false, false, false>(d, value, begin, failure);
  }

  // Whether an entry's rule is in force on the evaluation day, as 0/1 without branching.
  template <bool kAlwaysInForce>
  static std::uint64_t InForce(const compile::Entry& e, std::uint64_t day) {
    if (kAlwaysInForce) return 1;
    return day - static_cast<std::uint64_t>(static_cast<std::int64_t>(e.from)) <
           static_cast<std::uint64_t>(static_cast<std::int64_t>(e.until) - e.from);
  }

  template <bool kOneWord, bool kAlwaysInForce, bool kNoFaults>
  bool CollectWords(const compile::Decision& d, std::int64_t& value, std::int32_t begin,
                    RunResult& failure) {
    std::int32_t* const w = out_.winners_.data();
    const std::uint64_t* const bit_words = bits_;
    const std::uint64_t* const fault_words = faults_;
    const std::uint64_t bits0 = kOneWord ? bit_words[0] : 0;
    const std::uint64_t faults0 = kOneWord ? fault_words[0] : 0;
    std::int32_t n = begin;
    std::uint64_t mask = 0;
    const std::uint64_t day = static_cast<std::uint64_t>(static_cast<std::int64_t>(day_));
    for (const compile::Entry& e : d.entries) {
      const std::uint64_t bits = kOneWord ? bits0 : bit_words[e.word];
      const std::uint64_t faults = kOneWord ? faults0 : fault_words[e.word];
      if ((e.flags & compile::Entry::kSimple) && (kNoFaults || !(faults & e.mask))) {
        const std::uint64_t applies =
            static_cast<std::uint64_t>((bits & e.mask) == e.want) & InForce<kAlwaysInForce>(e, day);
        mask |= static_cast<std::uint64_t>(e.value) & (0 - applies);
        w[n] = e.rule;
        n += static_cast<std::int32_t>(applies);
        continue;
      }
      std::int64_t contribution = 0;
      const int result = General(e, failure, contribution);
      if (result < 0) {
        count_ = n;
        return false;
      }
      if (result > 0) {
        mask |= static_cast<std::uint64_t>(contribution);
        w[n++] = e.rule;
      }
    }
    count_ = n;
    value = static_cast<std::int64_t>(mask);
    return true;
  }

  // A single-valued, undelegated decision whose rules are all simple, branch-free. False
  // (nothing written) when a faulted atom is involved: then the general loop decides.
  bool SingleSimple(const compile::Decision& d, std::int64_t& value, std::int32_t begin,
                    bool& conflict) {
    const bool one_word = p_.atom_words == 1;
    if (d.always_in_force) {
      return one_word ? SingleSimpleWords<true, true>(d, value, begin, conflict)
                      : SingleSimpleWords<false, true>(d, value, begin, conflict);
    }
    return one_word ? SingleSimpleWords<true, false>(d, value, begin, conflict)
                    : SingleSimpleWords<false, false>(d, value, begin, conflict);
  }

  template <bool kOneWord, bool kAlwaysInForce>
  bool SingleSimpleWords(const compile::Decision& d, std::int64_t& value, std::int32_t begin,
                         bool& conflict) {
    const std::uint64_t* const bit_words = bits_;
    const std::uint64_t* const fault_words = faults_;
    const std::uint64_t bits0 = kOneWord ? bit_words[0] : 0;
    const std::uint64_t faults0 = kOneWord ? fault_words[0] : 0;
    if (!kOneWord || faults0 != 0) {  // one word without faults: no entry can be involved
      for (const compile::Entry& e : d.entries) {
        if ((kOneWord ? faults0 : fault_words[e.word]) & e.mask) return false;
      }
    }
    std::int32_t* const w = out_.winners_.data();
    std::int32_t n = begin;
    std::uint64_t have = 0;
    std::uint64_t disagree = 0;
    std::int64_t first = 0;
    const std::uint64_t day = static_cast<std::uint64_t>(static_cast<std::int64_t>(day_));
    for (const compile::Entry& e : d.entries) {
      const std::uint64_t bits = kOneWord ? bits0 : bit_words[e.word];
      const std::uint64_t applies =
          static_cast<std::uint64_t>((bits & e.mask) == e.want) & InForce<kAlwaysInForce>(e, day);
      const std::uint64_t take = applies & (have ^ 1u);
      first = take ? e.value : first;
      disagree |= applies & have & static_cast<std::uint64_t>(e.value != first);
      have |= applies;
      w[n] = e.rule;
      n += static_cast<std::int32_t>(applies);
    }
    count_ = n;
    value = first;
    conflict = disagree != 0;
    return true;
  }

  RunResult Exec(compile::CodeRef block) {
    return RunInline(code_ + block.begin, regs_, fault_, detail_);
  }

  // A conjunction of atoms in condition order, for exact short-circuit semantics.
  RunResult Atoms(const compile::Rule& rule) {
    const compile::Atom* atom = atoms_ + rule.atom_begin;
    const compile::Atom* end = atoms_ + rule.atom_end;
    std::uint64_t holds = 1;
    for (; atom != end; ++atom) {
      const std::int32_t reg = atom->reg;
      if (atom->check && fault_[reg] != Fault::kNone) {
        // An earlier false atom means this read never happens.
        if (holds) return {0, fault_[reg], detail_[reg]};
        return {0, Fault::kNone, 0};
      }
      const std::uint64_t v = static_cast<std::uint64_t>(regs_[reg]);
      std::uint64_t bit;
      switch (atom->kind) {
        case compile::Atom::kRange:
          bit = v - static_cast<std::uint64_t>(atom->lo) <= atom->span;
          break;
        case compile::Atom::kMask:
          bit = (atom->span >> (v & 63u)) & 1u;
          break;
        default:
          bit = fault_[reg] == Fault::kNone;
          break;
      }
      holds &= bit ^ static_cast<std::uint64_t>(atom->negate);
    }
    return {static_cast<std::int64_t>(holds), Fault::kNone, 0};
  }

  // A condition as tests on the atom words; with a faulted atom involved, the ordered atoms
  // decide (they know which read comes first).
  RunResult Tests(std::int32_t begin, std::int32_t end, const compile::Rule& rule) {
    const compile::WordTest* test = tests_ + begin;
    const compile::WordTest* last = tests_ + end;
    for (const compile::WordTest* t = test; t != last; ++t) {
      if (faults_[t->word] & t->mask) return Atoms(rule);
    }
    for (; test != last; ++test) {
      if ((bits_[test->word] & test->mask) != test->value) return {0, Fault::kNone, 0};
    }
    return {1, Fault::kNone, 0};
  }

  RunResult ValueOf(const compile::ValueCode& value) {
    if (value.is_constant) return {value.constant, Fault::kNone, 0};
    return Exec(value.code);
  }

  // Whether a rule is in force and its condition holds; memoized per case.
  std::uint8_t Applies(int rule_index, RunResult& failure) {
    std::uint8_t& st = state_[rule_index];
    if (st & kComputed) {
      if (st & kFaulted) failure = s_.rule_fault[static_cast<std::size_t>(rule_index)];
      return st;
    }
    const compile::Rule& rule = p_.rules[static_cast<std::size_t>(rule_index)];
    st = kComputed;
    if (!rule.InForce(day_)) return st;
    if (rule.condition.empty()) {
      st |= kApplies;
      return st;
    }
    RunResult result = rule.has_tests   ? Tests(rule.test_begin, rule.test_end, rule)
                       : rule.has_atoms ? Atoms(rule)
                                        : Exec(rule.condition);
    if (result.fault != Fault::kNone) {
      st |= kFaulted;
      s_.rule_fault[static_cast<std::size_t>(rule_index)] = result;
      failure = result;
      return st;
    }
    if (result.value != 0) st |= kApplies;
    return st;
  }

  // Whether an applying exception that is not itself defeated defeats the rule. On a fault
  // (an exception whose condition failed) `failure` is set.
  bool Defeated(int rule_index, RunResult& failure, int depth = 0) {
    std::uint8_t& st = state_[rule_index];
    if (st & kDefeatComputed) return (st & kDefeated) != 0;
    const compile::Rule& rule = p_.rules[static_cast<std::size_t>(rule_index)];
    bool defeated = false;
    if (depth < 64) {  // exception cycles are rejected by the checker (L402)
      for (int defeater : rule.defeaters) {
        std::uint8_t dst = Applies(defeater, failure);
        if (dst & kFaulted) return false;
        if (!(dst & kApplies)) continue;
        bool defeater_defeated = Defeated(defeater, failure, depth + 1);
        if (failure.fault != Fault::kNone) return false;
        if (!defeater_defeated) {
          defeated = true;
          s_.defeated_by[static_cast<std::size_t>(rule_index)] = defeater;
          break;
        }
      }
    }
    state_[rule_index] |= kDefeatComputed;
    if (defeated) state_[rule_index] |= kDefeated;
    return defeated;
  }

  void Fail(std::size_t d, int slot, RunResult failure) {
    out_.status_[d] = eval::StatusOf(failure.fault);
    out_.error_detail_[d] = failure.detail;
    out_.raw_[d] = 0;
    fault_[slot] = failure.fault;
    detail_[slot] = failure.detail;
    regs_[slot] = 0;
  }

  void Decide(int decision_index) {
    const compile::Decision& d = p_.decisions[static_cast<std::size_t>(decision_index)];
    const std::size_t di = static_cast<std::size_t>(decision_index);
    const int slot = d.slot;
    std::int32_t* winners = out_.winners_.data();
    const std::int32_t begin = count_;
    out_.winner_begin_[di] = begin;
    std::int64_t value = 0;
    bool have_value = false;
    bool conflict = false;
    int best_depth = -1;
    RunResult failure{0, Fault::kNone, 0};
    if (d.collect) {
      Collect(d, value, begin, failure);
    } else if (d.all_simple && SingleSimple(d, value, begin, conflict)) {
      // decided without data-dependent branches
    } else {
      for (const compile::Entry& e : d.entries) {
        std::int64_t contribution = 0;
        const int result = General(e, failure, contribution);
        if (result < 0) break;
        if (result == 0) continue;
        if (d.delegated && e.depth != best_depth) {
          if (e.depth < best_depth) continue;
          // A deeper layer's applying rules replace what higher layers decided.
          count_ = begin;
          have_value = false;
          conflict = false;
          best_depth = e.depth;
        }
        if (!have_value) {
          value = contribution;
          have_value = true;
        } else if (contribution != value) {
          conflict = true;
        }
        winners[count_++] = e.rule;
      }
    }
    out_.winner_end_[di] = count_;
    if (failure.fault != Fault::kNone) {
      Fail(di, slot, failure);
      return;
    }
    const bool any = out_.winner_end_[di] != begin;
    out_.error_detail_[di] = -1;
    DecisionStatus status;
    if (d.collect) {
      status = any ? DecisionStatus::kDecided : DecisionStatus::kDefault;
    } else if (conflict) {
      status = DecisionStatus::kConflict;
    } else if (any) {
      status = DecisionStatus::kDecided;
    } else if (d.has_default) {
      RunResult v = ValueOf(d.default_value);
      if (v.fault != Fault::kNone) {
        Fail(di, slot, v);
        return;
      }
      value = v.value;
      status = DecisionStatus::kDefault;
    } else {
      status = DecisionStatus::kGap;
    }
    out_.status_[di] = status;
    out_.raw_[di] = conflict ? 0 : value;
    regs_[slot] = value;
    fault_[slot] = Fault::kNone;
    if (status == DecisionStatus::kGap || status == DecisionStatus::kConflict) {
      // Readers of an undecided decision cannot go on; they report it as theirs.
      fault_[slot] = status == DecisionStatus::kGap ? Fault::kGap : Fault::kConflict;
      detail_[slot] = decision_index;
    }
  }

  void ComputeLet(int let_index) {
    const compile::Let& let = p_.lets[static_cast<std::size_t>(let_index)];
    RunResult v = ValueOf(let.value);
    regs_[let.slot] = v.value;
    fault_[let.slot] = v.fault;
    detail_[let.slot] = v.detail;
  }

 private:
  const CompiledProgram& p_;
  Outcome& out_;
  Outcome::Scratch& s_;
  const compile::Instr* code_;
  const compile::Atom* atoms_;
  std::int64_t* regs_;
  Fault* fault_;
  std::int32_t* detail_;
  std::uint8_t* state_;
  std::uint64_t* bits_;
  std::uint64_t* faults_;
  const compile::WordTest* tests_;
  std::int32_t day_;
  std::int32_t count_ = 0;  // winners written so far, into out_.winners_
};

void Engine::Prepare(const std::shared_ptr<const CompiledProgram>& program, Outcome& out) {
  if (out.program_ == program.get()) return;
  // Switching programs (e.g. a batch across municipalities) only resizes: once every buffer
  // has grown to the largest program, this allocates nothing. Registers need no clearing:
  // each evaluation writes every register (and fault) it reads.
  bool known = false;
  for (const auto& kept : out.programs_) known = known || kept.get() == program.get();
  if (!known) {
    if (out.programs_.size() >= 16) out.programs_.erase(out.programs_.begin());
    out.programs_.push_back(program);
  }
  out.program_ = program.get();
  if (!out.scratch_) out.scratch_ = std::make_unique<Outcome::Scratch>();
  Outcome::Scratch& s = *out.scratch_;
  auto grow = [](auto& buffer, std::size_t size) {
    if (buffer.size() < size) buffer.resize(size);
  };
  const std::size_t registers = static_cast<std::size_t>(program->register_count);
  const std::size_t rules = program->rules.size();
  grow(s.regs, registers);
  grow(s.fault, registers);
  grow(s.detail, registers);
  grow(s.rule_state, rules);
  grow(s.defeated_by, rules);
  grow(s.rule_fault, rules);
  grow(s.atom_bits, static_cast<std::size_t>(program->atom_words));
  grow(s.atom_faults, static_cast<std::size_t>(program->atom_words));
  // A fact's detail (the slot an absent optional read reports) is the slot itself, set here
  // rather than per case: evaluation writes the details of lets and decisions only, which
  // sit above the program's facts, so the facts of a program with fewer of them stay intact.
  for (int i = s.fact_details; i < program->fact_count; ++i) {
    s.detail[static_cast<std::size_t>(i)] = i;
  }
  s.fact_details = program->fact_count;
  s.params_ready = false;
  const std::size_t decisions = program->decisions.size();
  out.status_.resize(decisions);
  out.raw_.resize(decisions);
  out.winner_begin_.resize(decisions);
  out.winner_end_.resize(decisions);
  out.error_detail_.resize(decisions);
  // Every decision writes its winners after the previous one's: at most one per assignment.
  grow(out.winners_, program->assignments.size() + 1);
}

namespace {
void MarkNotEvaluated(Outcome& out, std::vector<DecisionStatus>& status,
                      std::vector<std::int64_t>& raw, std::vector<std::int32_t>& begin,
                      std::vector<std::int32_t>& end) {
  (void)out;
  std::fill(status.begin(), status.end(), DecisionStatus::kNotEvaluated);
  std::fill(raw.begin(), raw.end(), 0);
  std::fill(begin.begin(), begin.end(), 0);
  std::fill(end.begin(), end.end(), 0);
}
}  // namespace

bool Engine::LoadCase(const CompiledProgram& p, const Case& facts, Date on, Outcome& out) {
  Outcome::Scratch& s = *out.scratch_;
  out.case_errors_.clear();
  if (facts.program() != &p) {
    out.case_errors_.push_back(eval::MakeDiagnostic(
        "L611", "MalformedCase",
        facts.program() == nullptr ? "the case was not made by Program::NewCase()"
                                   : "the case was made for another program (jurisdiction)"));
  } else {
    const std::size_t n = static_cast<std::size_t>(p.fact_count);
    if (n > 0) std::memcpy(s.regs.data(), facts.values_.data(), n * sizeof(std::int64_t));
    // The fact slots' details (the slot itself) are set once per program by Prepare; the
    // required-facts check is folded into the presence loop, which vectorizes.
    const std::uint8_t* present = facts.present_.data();
    const std::uint8_t* required = p.required_flags.data();
    Fault* fault = s.fault.data();
    static_assert(static_cast<int>(Fault::kAbsentOptional) == 1, "fault byte = absent");
    // Eight facts at a time (too few facts for the vectorizer): a byte of `absent` is 1 where
    // the presence byte is 0 (exact for any byte value), else 0.
    constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
    std::uint64_t missing_words = 0;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t word;
      std::uint64_t needed;
      std::memcpy(&word, present + i, sizeof word);
      std::memcpy(&needed, required + i, sizeof needed);
      const std::uint64_t absent = ~(((word & kLow7) + kLow7) | word | kLow7) >> 7;
      std::memcpy(fault + i, &absent, sizeof absent);
      missing_words |= absent & needed;
    }
    std::uint8_t missing = missing_words != 0;
    for (; i < n; ++i) {
      const std::uint8_t absent = present[i] == 0;
      fault[i] = static_cast<Fault>(absent);
      missing |= absent & required[i];
    }
    if (missing) {
      for (int slot : p.required_facts) {
        if (!present[slot]) out.case_errors_.push_back(eval::MissingFactError(p, slot));
      }
    }
  }
  s.regs[static_cast<std::size_t>(p.reference_date_slot)] = on.day;
  s.fault[static_cast<std::size_t>(p.reference_date_slot)] = Fault::kNone;
  if (!s.params_ready || s.params_day != on.day) {
    for (const compile::Param& param : p.params) {
      std::int64_t value = param.values.front().value;
      for (const compile::DatedValue& dated : param.values) {
        if (dated.from <= on.day) value = dated.value;
      }
      s.regs[static_cast<std::size_t>(param.slot)] = value;
      s.fault[static_cast<std::size_t>(param.slot)] = Fault::kNone;
    }
    s.params_day = on.day;
    s.params_ready = true;
  }
  if (!out.case_errors_.empty()) {
    MarkNotEvaluated(out, out.status_, out.raw_, out.winner_begin_, out.winner_end_);
    return false;
  }
  return true;
}

void Engine::EvaluateLoaded(const CompiledProgram& p, Date on, Outcome& out,
                            const EvalOptions& options) {
  Outcome::Scratch& s = *out.scratch_;
  if (!p.rules.empty()) std::memset(s.rule_state.data(), 0, p.rules.size());
  if (p.has_exceptions)
    std::fill(s.defeated_by.begin(),
              s.defeated_by.begin() + static_cast<std::ptrdiff_t>(p.rules.size()), -1);
  const std::size_t words = static_cast<std::size_t>(p.atom_words);
  std::fill(s.atom_bits.begin(), s.atom_bits.begin() + static_cast<std::ptrdiff_t>(words), 0);
  std::fill(s.atom_faults.begin(), s.atom_faults.begin() + static_cast<std::ptrdiff_t>(words), 0);
  Evaluator evaluator(p, out, on.day);
  for (const compile::Step& step : p.steps) {
    if (step.is_let) {
      evaluator.ComputeLet(step.index);
    } else {
      evaluator.ComputeAtoms(step);
      evaluator.Decide(step.index);
    }
  }
  // Assumptions may read lets, so they are checked once those are known.
  for (const compile::Assume& assume : p.assumes) {
    RunResult result = eval::Run(p, assume.condition, s);
    if (result.fault != Fault::kNone || result.value == 0) {
      out.case_errors_.push_back(eval::BrokenAssumption(assume, result, p));
    }
  }
  if (!out.case_errors_.empty() && options.stop_on_broken_assumption) {
    MarkNotEvaluated(out, out.status_, out.raw_, out.winner_begin_, out.winner_end_);
  }
}

}  // namespace internal

void Program::Evaluate(const Case& facts, Date on, Outcome& out, const EvalOptions& options) const {
  const CompiledProgram& p = *compiled_;
  internal::Engine::Prepare(compiled_, out);
  if (!internal::Engine::LoadCase(p, facts, on, out)) return;
  internal::Engine::EvaluateLoaded(p, on, out, options);
}

}  // namespace loket
