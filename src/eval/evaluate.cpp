// The evaluator: runs a compiled program on one case (docs/language.md §9). The public value
// types it fills (Date, Case, Outcome) are in values.cpp; the Program's schema in program.cpp.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "compile/program.h"
#include "diag/diagnostic.h"
#include "eval/engine.h"
#include "eval/fire.h"
#include "eval/interpreter.h"
#include "eval/machine.h"
#include "eval/program_access.h"
#include "eval/support.h"
#include "loket/evaluate.h"
#include "support/date.h"

namespace loket {

using compile::CompiledProgram;
using compile::Fault;

// ---------------------------------------------------------------------------------------------
// Evaluation

namespace eval {

RunResult Run(const compile::Instr* code, std::int64_t* regs, const Fault* fault,
              const std::int32_t* detail) {
  return RunInline(code, regs, fault, detail);
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
class __attribute__((visibility("hidden"))) Engine::Evaluator {
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
        status_(out.status_.data()),
        raw_(out.raw_.data()),
        winner_begin_(out.winner_begin_.data()),
        winner_end_(out.winner_end_.data()),
        error_detail_(out.error_detail_.data()),
        winners_(out.winners_.data()),
        faulted_(s_.facts_absent),
        fire_(s_.fire),
        range_atoms_(s_.range_atoms),
        mask_atoms_(s_.mask_atoms),
        day_(day) {}

  // The atoms this step needs first, into the atom words: the range and the mask atoms in a
  // bit-parallel pass each (consecutive ids, see compile::Step), then `known` atoms and
  // comparisons, then the fault bits. (Only the first step, a let's or a decision's, computes
  // the atoms on the case's facts.)
  void ComputeAtoms(const compile::Step& step) {
    // Adds the bits of `count` (at most 64) consecutive atoms from id `first` to the words.
    const auto add_run = [&](std::int32_t first, std::int32_t count, std::uint64_t bits) {
      const std::int32_t shift = first & 63;
      bits_[first >> 6] |= bits << shift;
      if (shift != 0 && shift + count > 64) bits_[(first >> 6) + 1] |= bits >> (64 - shift);
    };
    const std::int32_t* const atom_regs = p_.atom_regs.data();
    const std::int64_t* const atom_lo = p_.atom_lo.data();
    const std::uint64_t* const atom_span = p_.atom_span.data();
    if (step.range_count <= 4) {  // a few atoms (a later step's): tested in place
      if (step.range_count > 0) {
        const std::int32_t first = step.range_first;
        add_run(first, step.range_count,
                eval::RangeAtomsPlain(regs_, atom_regs + first, atom_lo + first, atom_span + first,
                                      step.range_count));
      }
    } else {
      for (std::int32_t done = 0; done < step.range_count; done += 64) {
        const std::int32_t first = step.range_first + done;
        const std::int32_t count = std::min<std::int32_t>(64, step.range_count - done);
        add_run(first, count,
                range_atoms_(regs_, atom_regs + first, atom_lo + first, atom_span + first, count));
      }
    }
    if (step.mask_count <= 4) {
      if (step.mask_count > 0) {
        const std::int32_t first = step.mask_first;
        add_run(first, step.mask_count,
                eval::MaskAtomsPlain(regs_, atom_regs + first, atom_span + first, step.mask_count));
      }
    } else {
      for (std::int32_t done = 0; done < step.mask_count; done += 64) {
        const std::int32_t first = step.mask_first + done;
        const std::int32_t count = std::min<std::int32_t>(64, step.mask_count - done);
        add_run(first, count, mask_atoms_(regs_, atom_regs + first, atom_span + first, count));
      }
    }
    const compile::AtomOp* const ops = p_.atom_ops.data();
    for (std::int32_t i = step.ops_begin; i != step.ops_end; ++i) {
      const compile::AtomOp& op = ops[i];
      const bool holds = op.kind == compile::Atom::kKnown
                             ? fault_[op.reg] == Fault::kNone
                             : Compare(op.kind, regs_[op.reg], regs_[op.lo]);
      bits_[op.word] |= static_cast<std::uint64_t>(holds) << op.shift;
    }
    if (!faulted_) return;  // no register has a fault yet: no fault bits to set
    const compile::AtomCheck* const checks = p_.atom_checks.data();
    for (std::int32_t i = step.checks_begin; i != step.checks_end; ++i) {
      const compile::AtomCheck& check = checks[i];
      faults_[check.word] |=
          (0 - static_cast<std::uint64_t>(fault_[check.reg] != Fault::kNone)) & check.bits;
    }
  }

  static bool Compare(compile::Atom::Kind kind, std::int64_t a, std::int64_t b) {
    switch (kind) {
      case compile::Atom::kLess:
        return a < b;
      case compile::Atom::kLessEqual:
        return a <= b;
      default:
        return a == b;
    }
  }

  // How DecideEntry's fault ranks among a decision's errors (docs/language.md §9 *Failure*:
  // "a decision fails with the first of these errors"): a rule's condition, then the search
  // of an exception tree, then a value; within a kind, the first in rule order.
  static constexpr int kConditionFault = -1;
  static constexpr int kExceptionFault = -2;
  static constexpr int kValueFault = -3;

  // A fault of DecideEntry (`result` < 0) seen while deciding: a condition's ends the search
  // (true); the others are kept in `deferred` while they outrank what it holds, and the
  // search goes on, since a later rule's condition error comes first.
  static bool NoteFault(int result, const RunResult& failure, int& deferred_kind,
                        RunResult& deferred) {
    if (result == kConditionFault) return true;
    if (deferred_kind == 0 || result > deferred_kind) {
      deferred_kind = result;
      deferred = failure;
    }
    return false;
  }

  // One rule of a decision: < 0 on a fault (in `failure`; see kConditionFault), 0 when it
  // does not apply or is defeated, 1 when it contributes `contribution`.
  int DecideEntry(const compile::Entry& e, RunResult& failure, std::int64_t& contribution) {
    const int r = e.rule;
    bool applies;
    if (e.flags & compile::Entry::kMemo) {
      std::uint8_t st = Applies(r, failure);
      if (st & kFaulted) return kConditionFault;
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
        return kConditionFault;
      }
      applies = result.value != 0;
      state_[r] = static_cast<std::uint8_t>(kComputed | (applies ? kApplies : 0));
    }
    if (!applies) return 0;
    if (e.flags & compile::Entry::kHasDefeaters) {
      bool defeated = Defeated(r, failure);
      if (failure.fault != Fault::kNone) return kExceptionFault;
      if (defeated) return 0;
    }
    contribution = e.value;
    if (!(e.flags & compile::Entry::kConstant)) {
      RunResult v = ValueOf(p_.assignments[static_cast<std::size_t>(e.assignment)].value);
      if (v.fault != Fault::kNone) {
        failure = v;
        return kValueFault;
      }
      contribution = v.value;
    }
    return 1;
  }

  // Whether a faulted atom is read by one of the decision's simple entries: then its fast
  // path does not apply (the ordered atoms must say which read comes first).
  bool FaultTouches(const compile::Decision& d) const {
    for (const compile::WordTest& test : d.fault_masks) {
      if (faults_[test.word] & test.mask) return true;
    }
    return false;
  }

  void DecideByWordTests(const compile::Decision& d, std::int64_t& value, bool& conflict,
                         RunResult& failure) {
    const bool one_word = p_.atom_words == 1;
    if (d.collect) {
      if (d.always_in_force) {
        one_word ? WordTests<true, true, true>(d, value, conflict, failure)
                 : WordTests<false, true, true>(d, value, conflict, failure);
      } else {
        one_word ? WordTests<true, false, true>(d, value, conflict, failure)
                 : WordTests<false, false, true>(d, value, conflict, failure);
      }
    } else if (d.always_in_force) {
      one_word ? WordTests<true, true, false>(d, value, conflict, failure)
               : WordTests<false, true, false>(d, value, conflict, failure);
    } else {
      one_word ? WordTests<true, false, false>(d, value, conflict, failure)
               : WordTests<false, false, false>(d, value, conflict, failure);
    }
  }

  // compile::DecisionPath::kWordTests: the simple entries' word tests give a bit per
  // entry that fires, 64 entries at a time, without data-dependent branches; then the fired
  // entries and the others (decided rule by rule here) are taken in entry order, so winners
  // are exactly DecideRuleByRule's. Simple rules leave their
  // rule state alone: no other decision or exception asks about them, and an applying one is
  // always a winner, which is what explanations look at.
  template <bool kOneWord, bool kAlwaysInForce, bool kCollect>
  void WordTests(const compile::Decision& d, std::int64_t& value, bool& conflict,
                 RunResult& failure) {
    const compile::FastEntry* const entries = p_.fast_entries.data() + d.fast_begin;
    const std::int32_t* general = d.general.data();
    const std::int32_t* const general_end = general + d.general.size();
    std::int32_t* const w = winners_;
    std::int32_t n = count_;
    const std::uint64_t bits0 = kOneWord ? bits_[0] : 0;
    const std::uint64_t day = static_cast<std::uint64_t>(static_cast<std::int64_t>(day_));
    std::uint64_t set = 0;
    std::int64_t first = 0;
    bool have = false;
    bool disagree = false;
    const auto take = [&](std::int32_t rule, std::int64_t contribution) {
      w[n++] = rule;
      if (kCollect) {
        set |= static_cast<std::uint64_t>(contribution);
      } else if (!have) {
        first = contribution;
        have = true;
      } else {
        disagree = disagree || contribution != first;
      }
    };
    int deferred_kind = 0;
    RunResult deferred{0, Fault::kNone, 0};
    constexpr std::int32_t kNone = std::numeric_limits<std::int32_t>::max();
    const std::int32_t size = static_cast<std::int32_t>(d.entries.size());
    for (std::int32_t base = 0; base < size; base += 64) {
      const std::int32_t count = std::min<std::int32_t>(64, size - base);
      std::uint64_t fired = 0;
      for (std::int32_t i = 0; i < count; ++i) {
        const compile::FastEntry& e = entries[base + i];
        const std::uint64_t bits = kOneWord ? bits0 : bits_[e.word];
        std::uint64_t fires = (bits & e.mask) == e.want;
        if (!kAlwaysInForce) {
          const std::int64_t lo = e.from;
          fires &= day - static_cast<std::uint64_t>(lo) <
                   static_cast<std::uint64_t>(static_cast<std::int64_t>(e.until) - lo);
        }
        fired |= fires << i;
      }
      for (;;) {
        const std::int32_t simple = fired ? base + __builtin_ctzll(fired) : kNone;
        const std::int32_t next =
            general != general_end && *general < base + count ? *general : kNone;
        if (simple == kNone && next == kNone) break;
        if (next < simple) {
          ++general;
          std::int64_t contribution = 0;
          const int result =
              DecideEntry(d.entries[static_cast<std::size_t>(next)], failure, contribution);
          if (result < 0) {
            if (NoteFault(result, failure, deferred_kind, deferred)) {
              count_ = n;
              return;
            }
            failure = RunResult{0, Fault::kNone, 0};
          }
          if (result > 0) take(entries[next].rule, contribution);
        } else {
          take(entries[simple].rule, entries[simple].value);
          fired &= fired - 1;
        }
      }
    }
    count_ = n;
    if (deferred_kind != 0) {
      failure = deferred;
      return;
    }
    value = kCollect ? static_cast<std::int64_t>(set) : first;
    conflict = disagree;
  }

  // compile::DecisionPath::kRuleByRule: every entry in order (a delegated single-valued
  // decision, or a faulted atom read by a simple entry).
  void DecideRuleByRule(const compile::Decision& d, std::int64_t& value, bool& conflict,
                        RunResult& failure) {
    std::int32_t* const winners = winners_;
    const std::int32_t begin = count_;
    bool have_value = false;
    int best_depth = -1;
    int deferred_kind = 0;
    RunResult deferred{0, Fault::kNone, 0};
    for (const compile::Entry& e : d.entries) {
      std::int64_t contribution = 0;
      const int result = DecideEntry(e, failure, contribution);
      if (result < 0) {
        if (NoteFault(result, failure, deferred_kind, deferred)) return;
        failure = RunResult{0, Fault::kNone, 0};
        continue;
      }
      if (result == 0) continue;
      if (d.collect) {
        value |= contribution;
        winners[count_++] = e.rule;
        continue;
      }
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
    if (deferred_kind != 0) failure = deferred;
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
      if (atom->other_check && fault_[atom->lo] != Fault::kNone) {  // a comparison's second read
        if (holds) return {0, fault_[atom->lo], detail_[atom->lo]};
        return {0, Fault::kNone, 0};
      }
      const std::uint64_t v = static_cast<std::uint64_t>(regs_[reg]);
      std::uint64_t bit;
      switch (atom->kind) {
        case compile::Atom::kRange:
          bit = v - static_cast<std::uint64_t>(atom->lo) <= atom->span;
          break;
        case compile::Atom::kMask:
          bit = eval::InMask(static_cast<std::int64_t>(atom->span), regs_[reg]);
          break;
        case compile::Atom::kLess:
        case compile::Atom::kLessEqual:
        case compile::Atom::kEqual:
          bit = Compare(atom->kind, regs_[reg], regs_[atom->lo]);
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

  // Whether some rule of the rule's exception tree holds (docs/language.md §4): its
  // exceptions in rule order, depth first, each exception before its own exceptions, up to the
  // first that holds; that one goes into defeated_by. Whether the holding exception is itself
  // defeated does not matter. On a fault (a condition of the tree that cannot be evaluated
  // before a holding rule is found) `failure` is set.
  // The search has no depth limit (§4 sets none): it walks the tree with an explicit path
  // instead of recursion. Exception cycles are rejected by the checker (L402); should one
  // reach here, the path outgrows the number of rules and the search stops.
  bool Defeated(int rule_index, RunResult& failure) {
    if (state_[rule_index] & kDefeatComputed) return (state_[rule_index] & kDefeated) != 0;
    auto& path = s_.defeat_path;
    path.clear();
    path.emplace_back(rule_index, 0);
    // A holding rule found: every rule on the path is defeated by it.
    const auto defeat_path_by = [&](int by) {
      for (const auto& level : path) {
        state_[level.first] |= kDefeatComputed | kDefeated;
        s_.defeated_by[static_cast<std::size_t>(level.first)] = by;
      }
      return true;
    };
    while (!path.empty()) {
      auto& [rule, next] = path.back();
      const std::vector<int>& defeaters = p_.rules[static_cast<std::size_t>(rule)].defeaters;
      if (static_cast<std::size_t>(next) == defeaters.size()) {  // no rule of its tree holds
        state_[rule] |= kDefeatComputed;
        path.pop_back();
        if (!path.empty()) ++path.back().second;
        continue;
      }
      const int defeater = defeaters[static_cast<std::size_t>(next)];
      const std::uint8_t dst = Applies(defeater, failure);
      if (dst & kFaulted) return false;
      if (dst & kApplies) return defeat_path_by(defeater);
      const std::uint8_t below = state_[defeater];
      if (p_.rules[static_cast<std::size_t>(defeater)].defeaters.empty() ||
          ((below & kDefeatComputed) && !(below & kDefeated))) {
        ++next;
      } else if (below & kDefeatComputed) {
        return defeat_path_by(s_.defeated_by[static_cast<std::size_t>(defeater)]);
      } else if (path.size() > p_.rules.size()) {  // a cycle (see above)
        ++next;
      } else {
        path.emplace_back(defeater, 0);
      }
    }
    return false;
  }

  void Fail(std::size_t d, int slot, RunResult failure) {
    faulted_ = true;
    status_[d] = eval::StatusOf(failure.fault);
    error_detail_[d] = failure.detail;
    raw_[d] = 0;
    fault_[slot] = failure.fault;
    detail_[slot] = failure.detail;
    regs_[slot] = 0;
  }

  // compile::DecisionPath::kMasks: a bit per entry that fires, then the winners
  // in entry order; nothing here can fault but a computed default.
  void DecideByMasks(const compile::Decision& d, int decision_index) {
    const std::size_t di = static_cast<std::size_t>(decision_index);
    const compile::FastEntry* const entries = p_.fast_entries.data() + d.fast_begin;
    // A few rules (most single-valued decisions have one to four) are tested in place; the
    // vector pass pays off from a handful on.
    std::uint64_t fired;
    if (d.fire_count == 8) {
      fired =
          eval::FirePlain(p_.fire_masks.data() + d.fire_begin, p_.fire_wants.data() + d.fire_begin,
                          static_cast<std::int32_t>(d.entries.size()), bits_[0]);
    } else {
      fired = fire_(p_.fire_masks.data() + d.fire_begin, p_.fire_wants.data() + d.fire_begin,
                    d.fire_count, bits_[0]);
    }
    const std::int32_t begin = count_;
    std::int32_t* w = winners_ + begin;
    winner_begin_[di] = begin;
    std::int64_t value = 0;
    DecisionStatus status = DecisionStatus::kDecided;
    bool conflict = false;
    if (d.collect) {
      std::uint64_t set = 0;
      for (; fired; fired &= fired - 1) {
        const compile::FastEntry& e = entries[__builtin_ctzll(fired)];
        set |= static_cast<std::uint64_t>(e.value);
        *w++ = e.rule;
      }
      value = static_cast<std::int64_t>(set);
      if (w == winners_ + begin) status = DecisionStatus::kDefault;
    } else if (d.default_value.is_constant && !d.entries.empty()) {
      // Usually one rule or none applies, and which varies from case to case: the first
      // fired entry (or the last entry, not counted, when none fired) is written and read
      // without branching; more than one is the rare case.
      const std::uint64_t any = fired != 0;
      const std::uint64_t last = std::uint64_t{1} << (d.entries.size() - 1);
      const compile::FastEntry& e = entries[__builtin_ctzll(fired | last)];
      *w = e.rule;
      w += any;
      const std::uint64_t pick = 0 - any;
      value =
          static_cast<std::int64_t>((static_cast<std::uint64_t>(e.value) & pick) |
                                    (static_cast<std::uint64_t>(d.default_value.constant) & ~pick));
      for (fired &= fired - 1; fired; fired &= fired - 1) {
        const compile::FastEntry& other = entries[__builtin_ctzll(fired)];
        conflict = conflict || other.value != e.value;
        *w++ = other.rule;
      }
      // kDecided (0) when one fired, else kDefault or kGap, by a mask rather than a branch.
      static_assert(static_cast<int>(DecisionStatus::kDecided) == 0, "status encoding");
      const auto none = static_cast<std::uint8_t>(d.has_default ? DecisionStatus::kDefault
                                                                : DecisionStatus::kGap);
      status = static_cast<DecisionStatus>(none & static_cast<std::uint8_t>(any - 1));
      if (conflict) status = DecisionStatus::kConflict;
    } else if (fired) {
      value = entries[__builtin_ctzll(fired)].value;
      for (; fired; fired &= fired - 1) {
        const compile::FastEntry& e = entries[__builtin_ctzll(fired)];
        conflict = conflict || e.value != value;
        *w++ = e.rule;
      }
      if (conflict) status = DecisionStatus::kConflict;
    } else if (d.has_default) {
      const RunResult v = ValueOf(d.default_value);
      if (v.fault != Fault::kNone) {
        winner_end_[di] = begin;
        Fail(di, d.slot, v);
        return;
      }
      value = v.value;
      status = DecisionStatus::kDefault;
    } else {
      status = DecisionStatus::kGap;
    }
    count_ = static_cast<std::int32_t>(w - winners_);
    winner_end_[di] = count_;
    Settle(d, decision_index, status, value);
  }

  // Records a decided (or gap / conflict) decision in the outcome and its register.
  void Settle(const compile::Decision& d, int decision_index, DecisionStatus status,
              std::int64_t value) {
    const std::size_t di = static_cast<std::size_t>(decision_index);
    status_[di] = status;
    raw_[di] = status == DecisionStatus::kConflict ? 0 : value;
    error_detail_[di] = -1;
    regs_[d.slot] = value;
    fault_[d.slot] = Fault::kNone;
    if (status == DecisionStatus::kGap || status == DecisionStatus::kConflict) {
      // Readers of an undecided decision cannot go on; they report it as theirs.
      fault_[d.slot] = status == DecisionStatus::kGap ? Fault::kGap : Fault::kConflict;
      detail_[d.slot] = decision_index;
      faulted_ = true;
    }
  }

  // One decision by its compile::DecisionPath; a fault in the atoms a path relies on sends it
  // down the next path (masks -> word tests -> rule by rule).
  void Decide(const compile::Decision& d, int decision_index) {
    if (!d.applies.empty() && !AppliesToCase(d, decision_index)) return;
    if (d.path == compile::DecisionPath::kMasks && (faults_[0] & d.masks_fault_mask) == 0) {
      DecideByMasks(d, decision_index);
      return;
    }
    DecideByEntries(d, decision_index);
  }

  // `applies when`: true when the condition holds and the rules are to be consulted; else
  // the decision is settled here, as not applicable or, when reading the condition failed,
  // with that failure. A decision that does not apply holds its default for its readers;
  // without a default, reading it fails as reading a gap does (the message says why).
  __attribute__((noinline)) bool AppliesToCase(const compile::Decision& d, int decision_index) {
    const std::size_t di = static_cast<std::size_t>(decision_index);
    const RunResult condition = Exec(d.applies);
    if (condition.fault == Fault::kNone && condition.value != 0) return true;
    winner_begin_[di] = count_;
    winner_end_[di] = count_;
    if (condition.fault != Fault::kNone) {
      Fail(di, d.slot, condition);
      return false;
    }
    std::int64_t value = 0;
    if (d.has_default) {
      const RunResult v = ValueOf(d.default_value);
      if (v.fault != Fault::kNone) {
        Fail(di, d.slot, v);
        return false;
      }
      value = v.value;
    }
    status_[di] = DecisionStatus::kNotApplicable;
    raw_[di] = value;
    error_detail_[di] = -1;
    regs_[d.slot] = value;
    fault_[d.slot] = Fault::kNone;
    if (!d.has_default) {
      fault_[d.slot] = Fault::kGap;
      detail_[d.slot] = decision_index;
      faulted_ = true;
    }
    return false;
  }

  // kWordTests or kRuleByRule, then the status from the winners (or the default).
  __attribute__((noinline)) void DecideByEntries(const compile::Decision& d, int decision_index) {
    const std::size_t di = static_cast<std::size_t>(decision_index);
    const int slot = d.slot;
    const std::int32_t begin = count_;
    winner_begin_[di] = begin;
    std::int64_t value = 0;
    bool conflict = false;
    RunResult failure{0, Fault::kNone, 0};
    if (d.path != compile::DecisionPath::kRuleByRule && !FaultTouches(d)) {
      DecideByWordTests(d, value, conflict, failure);
    } else {
      DecideRuleByRule(d, value, conflict, failure);
    }
    if (failure.fault != Fault::kNone) {
      // §9 *Failure*: a rule holding on a decision that failed takes no part in its outcome,
      // so a failed decision has no winners (whatever rules came before the error).
      count_ = begin;
      winner_end_[di] = begin;
      Fail(di, slot, failure);
      return;
    }
    winner_end_[di] = count_;
    const bool any = winner_end_[di] != begin;
    error_detail_[di] = -1;
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
    Settle(d, decision_index, status, value);
  }

  void ComputeLet(int let_index) {
    const compile::Let& let = p_.lets[static_cast<std::size_t>(let_index)];
    if (let.fast && (faults_[let.word] & let.fault_mask) == 0) {
      const std::uint64_t bits = bits_[let.word];
      bool holds = false;
      for (const compile::FastEntry& term : let.terms) {
        holds |= (bits & term.mask) == term.want;  // no branch: which term holds varies
      }
      // A select without a branch: which way it goes varies from case to case.
      const std::uint64_t pick = 0 - static_cast<std::uint64_t>(holds);
      regs_[let.slot] = static_cast<std::int64_t>(
          static_cast<std::uint64_t>(let.if_false) ^
          ((static_cast<std::uint64_t>(let.if_true) ^ static_cast<std::uint64_t>(let.if_false)) &
           pick));
      fault_[let.slot] = Fault::kNone;
      return;
    }
    RunResult v = ValueOf(let.value);
    regs_[let.slot] = v.value;
    fault_[let.slot] = v.fault;
    detail_[let.slot] = v.detail;
    faulted_ = faulted_ || v.fault != Fault::kNone;
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
  // The outcome's buffers (sized by Prepare).
  DecisionStatus* status_;
  std::int64_t* raw_;
  std::int32_t* winner_begin_;
  std::int32_t* winner_end_;
  std::int32_t* error_detail_;
  std::int32_t* winners_;
  // Whether any register has a fault (an absent optional fact, a failed let or decision).
  bool faulted_;
  eval::FireFunction fire_;
  eval::RangeFunction range_atoms_;
  eval::MaskFunction mask_atoms_;
  std::int32_t day_;
  std::int32_t count_ = 0;  // winners written so far, into out_.winners_
};

namespace {
void SetFactDetails(const CompiledProgram& program, Outcome::Scratch& s) {
  // A fact's detail (the slot an absent optional read reports) is the slot itself, set here
  // rather than per case: evaluation writes the details of lets and decisions only, which
  // sit above the program's facts, so the facts of a program with fewer of them stay intact.
  for (int i = s.fact_details; i < program.fact_count; ++i) {
    s.detail[static_cast<std::size_t>(i)] = i;
  }
  s.fact_details = program.fact_count;
}
}  // namespace

void Engine::Prepare(const std::shared_ptr<const CompiledProgram>& program, Outcome& out) {
  // (A moved-from outcome keeps its program pointer but no scratch: prepare it anew.)
  if (out.program_ == program.get() && out.scratch_) return;
  // Switching programs (e.g. a batch across municipalities) only resizes: once every buffer
  // has grown to the largest program, this allocates nothing. Registers need no clearing:
  // each evaluation writes every register (and fault) it reads.
  bool known = false;
  for (const auto& kept : out.programs_) known |= kept.get() == program.get();  // no branch
  out.program_ = program.get();
  const std::size_t decisions = program->decisions.size();
  if (out.status_.size() != decisions) {  // the five are always resized together
    out.status_.resize(decisions);
    out.raw_.resize(decisions);
    out.winner_begin_.resize(decisions);
    out.winner_end_.resize(decisions);
    out.error_detail_.resize(decisions);
  }
  if (!out.scratch_) out.scratch_ = std::make_unique<Outcome::Scratch>();
  Outcome::Scratch& s = *out.scratch_;
  s.params_ready = false;
  // Likewise the batch columns: a program freed and another compiled at its address must not
  // find this one's params there.
  s.columns_program = nullptr;
  // The buffers only grow, so a program used before with this outcome fits them.
  if (known) {
    SetFactDetails(*program, s);
    return;
  }
  if (out.programs_.size() >= 16) out.programs_.erase(out.programs_.begin());
  out.programs_.push_back(program);
  auto grow = [](auto& buffer, std::size_t size) {
    if (buffer.size() < size) buffer.resize(size);
  };
  const std::size_t registers = static_cast<std::size_t>(program->register_count);
  const std::size_t rules = program->rules.size();
  grow(s.regs, registers);
  grow(s.fault, registers + 8);  // LoadCase reads and writes the facts' faults a word at a time
  grow(s.detail, registers);
  grow(s.rule_state, (rules + 7) / 8 * 8);  // cleared eight bytes at a time
  grow(s.defeated_by, rules);
  grow(s.rule_fault, rules);
  grow(s.atom_bits, static_cast<std::size_t>(program->atom_words));
  grow(s.atom_faults, static_cast<std::size_t>(program->atom_words));
  SetFactDetails(*program, s);
  // Every decision writes its winners after the previous one's: at most one per assignment.
  grow(out.winners_, program->assignments.size() + 1);
}

void Engine::Reject(const std::shared_ptr<const CompiledProgram>& program, Outcome& out,
                    std::string message) {
  Prepare(program, out);
  out.case_errors_.clear();
  out.case_errors_.push_back(eval::MakeDiagnostic(diag::Kind::kMalformedCase, std::move(message)));
  std::fill(out.status_.begin(), out.status_.end(), DecisionStatus::kNotEvaluated);
  std::fill(out.raw_.begin(), out.raw_.end(), 0);
  std::fill(out.winner_begin_.begin(), out.winner_begin_.end(), 0);
  std::fill(out.winner_end_.begin(), out.winner_end_.end(), 0);
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
  if (internal::ProgramAccess::CompiledOf(facts) != &p) {
    out.case_errors_.push_back(eval::MakeDiagnostic(
        diag::Kind::kMalformedCase, internal::ProgramAccess::CompiledOf(facts) == nullptr
                                        ? "the case was not made by Program::NewCase()"
                                        : "the case was made for another program (jurisdiction)"));
  } else {
    const std::size_t n = static_cast<std::size_t>(p.fact_count);
    if (n > 0) std::memcpy(s.regs.data(), facts.values(), n * sizeof(std::int64_t));
    // The fact slots' details (the slot itself) are set once per program by Prepare; the
    // required-facts check is folded into the presence loop, which vectorizes.
    const std::uint8_t* present = facts.present();
    const std::uint8_t* required = p.required_flags.data();
    Fault* fault = s.fault.data();
    static_assert(static_cast<int>(Fault::kAbsentOptional) == 1, "fault byte = absent");
    // Eight facts at a time (too few facts for the vectorizer): a byte of `absent` is 1 where
    // the presence byte is 0 (exact for any byte value), else 0.
    constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
    std::uint64_t missing_words = 0;
    std::uint64_t any_absent = 0;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t word;
      std::uint64_t needed;
      std::memcpy(&word, present + i, sizeof word);
      std::memcpy(&needed, required + i, sizeof needed);
      const std::uint64_t absent = ~(((word & kLow7) + kLow7) | word | kLow7) >> 7;
      std::memcpy(fault + i, &absent, sizeof absent);
      missing_words |= absent & needed;
      any_absent |= absent;
    }
    if (i < n) {
      // The last one to seven facts as one word too: the presence bytes and the required
      // flags are padded to whole words (Case, compile), the fault buffer by eight bytes
      // (Prepare); the fault bytes past the facts are kept.
      const std::uint64_t keep = ~std::uint64_t{0} << (8 * (n - i));
      std::uint64_t word;
      std::uint64_t needed;
      std::uint64_t old;
      std::memcpy(&word, present + i, sizeof word);
      std::memcpy(&needed, required + i, sizeof needed);
      std::memcpy(&old, fault + i, sizeof old);
      const std::uint64_t absent = (~(((word & kLow7) + kLow7) | word | kLow7) >> 7) & ~keep;
      const std::uint64_t merged = (old & keep) | absent;
      std::memcpy(fault + i, &merged, sizeof merged);
      missing_words |= absent & needed;
      any_absent |= absent;
    }
    const bool missing = missing_words != 0;
    s.facts_absent = any_absent != 0;
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
  // Cleared eight bytes at a time (Prepare pads the buffer): a memset call costs more here.
  std::uint8_t* const state = s.rule_state.data();
  for (std::size_t i = 0; i < p.rules.size(); i += 8) {
    const std::uint64_t zero = 0;
    std::memcpy(state + i, &zero, sizeof zero);
  }
  if (p.has_exceptions)
    std::fill(s.defeated_by.begin(),
              s.defeated_by.begin() + static_cast<std::ptrdiff_t>(p.rules.size()), -1);
  const std::size_t words = static_cast<std::size_t>(p.atom_words);
  if (words == 1) {  // the usual case, without the memset calls the loop becomes
    s.atom_bits[0] = 0;
    s.atom_faults[0] = 0;
  } else {
    std::fill_n(s.atom_bits.begin(), words, 0);
    std::fill_n(s.atom_faults.begin(), words, 0);
  }
  Evaluator evaluator(p, out, on.day);
  for (const compile::Step& step : p.steps) {
    if (step.has_atoms) evaluator.ComputeAtoms(step);
    if (step.is_let) {
      evaluator.ComputeLet(step.index);
    } else {
      evaluator.Decide(p.decisions[static_cast<std::size_t>(step.index)], step.index);
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
  internal::Engine::EvaluateOne(compiled_, facts, on, out, options);
}

}  // namespace loket
