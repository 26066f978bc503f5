// Acceleration planning, atoms: every distinct atom gets a bit in the atom words; each
// atom-form condition becomes tests on those words; each atom is computed at the first step
// that needs it, the range and mask atoms of a step consecutive for the bit-parallel passes.
#include <algorithm>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "compile/passes.h"

namespace loket::compile {
namespace {

class AtomPlanner {
 public:
  explicit AtomPlanner(CompiledProgram& program) : program_(&program) {}

  void Run() {
    BuildWordTests();
    ScheduleAtoms();
  }

 private:
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

  CompiledProgram* program_;
};

}  // namespace

void PlanAtoms(CompiledProgram& program) {
  AtomPlanner(program).Run();
}

}  // namespace loket::compile
