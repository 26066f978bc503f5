// Acceleration planning, decisions: each decision's entries (one per rule deciding it) with
// the flags the evaluator dispatches on, the word-test fast path and the pure path where they
// apply, and whether the whole program can run column-wise.
#include <algorithm>
#include <limits>
#include <map>
#include <vector>

#include "compile/passes.h"

namespace loket::compile {
namespace {

class DecisionPlanner {
 public:
  explicit DecisionPlanner(CompiledProgram& program) : program_(&program) {}

  void Run() {
    BuildEntries();
    PlanColumns();
  }

 private:
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
    for (const Decision& d : p.decisions) {
      p.columnar = p.columnar && d.applies.empty();  // the column steps know no `applies when`
    }
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

  CompiledProgram* program_;
};

}  // namespace

void PlanDecisions(CompiledProgram& program) {
  DecisionPlanner(program).Run();
}

}  // namespace loket::compile
