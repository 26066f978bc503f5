// Program::EvaluateBatch and EvaluateRows: many cases of one program on one date, from Case
// objects or from the rows of a CaseTable. A columnar program
// (compile::CompiledProgram::columnar) is evaluated a block of eval::kBlockLanes cases at a
// time, each step over the whole block (eval/columns.h): the facts the atoms read are copied
// into columns, the atoms of every case computed atom by atom, then each let and decision
// for every case at once. Each case's outcome is then written as DecideByMasks writes it.
//
// The column-wise steps assume what a columnar program guarantees for a case whose facts are
// all present: no register faults, except a decision with a gap or a conflict. A case with an
// absent fact (or made for another program) is not taken into the block, and a case whose
// decision turns out a gap or a conflict is evaluated again one by one, so every outcome is
// exactly the one Program::Evaluate gives.
#include <algorithm>
#include <cstring>
#include <string>

#include "eval/columns.h"
#include "eval/engine.h"
#include "eval/program_access.h"

namespace loket {

using compile::CompiledProgram;

namespace internal {
namespace {

// Whether every one of the first `facts` presence bytes is set (they are padded to whole
// eight-byte words).
bool AllPresent(const std::uint8_t* present, int facts) {
  constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  std::uint64_t absent = 0;
  for (int i = 0; i < facts; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, present + i, sizeof word);
    // 0x80 in each byte that is zero.
    std::uint64_t zero = ~(((word & kLow7) + kLow7) | word | kLow7);
    if (facts - i < 8) zero &= ~(~std::uint64_t{0} << (8 * (facts - i)));
    absent |= zero;
  }
  return absent == 0;
}

// The params' and the reference date's values for `on`, in every lane of their columns.
void FillConstantColumns(const CompiledProgram& p, Date on, std::int64_t* columns) {
  const auto fill = [&](int slot, std::int64_t value) {
    std::fill_n(columns + static_cast<std::ptrdiff_t>(slot) * eval::kBlockLanes, eval::kBlockLanes,
                value);
  };
  fill(p.reference_date_slot, on.day);
  for (const compile::Param& param : p.params) {
    std::int64_t value = param.values.front().value;
    for (const compile::DatedValue& dated : param.values) {
      if (dated.from <= on.day) value = dated.value;
    }
    fill(param.slot, value);
  }
}

// `n` values of a table column from row `first` into a register column.
template <typename Stored>
void Widen(const std::uint8_t* bytes, std::int64_t base, std::size_t first, std::int32_t n,
           std::int64_t* column) {
  const std::uint8_t* at = bytes + first * sizeof(Stored);
  for (std::int32_t lane = 0; lane < n; ++lane) {
    Stored stored;
    std::memcpy(&stored, at + static_cast<std::size_t>(lane) * sizeof(Stored), sizeof stored);
    column[lane] = static_cast<std::int64_t>(static_cast<std::uint64_t>(base) + stored);
  }
}

}  // namespace

// Cases given as Case objects, wherever they are in memory.
struct Engine::CaseSource {
  const Case* const* cases;
  Outcome* const* outcomes;
  std::size_t count;

  Outcome& outcome(std::size_t i) const { return *outcomes[i]; }

  // Copies the facts the atoms read of cases first .. first + n - 1 into the columns; returns
  // the lanes left to the case-by-case evaluator (another program's case, an absent fact).
  std::uint64_t Load(const CompiledProgram& p, std::size_t first, std::int32_t n,
                     std::int64_t* columns) const {
    // The next block's cases are fetched while this one is decided: a batch's cases are
    // seldom next to each other in memory.
    const std::size_t next_end = std::min(count, first + 2 * eval::kBlockLanes);
    for (std::size_t i = first + eval::kBlockLanes; i < next_end; ++i) {
      const char* at = reinterpret_cast<const char*>(cases[i]);
      for (std::size_t offset = 0; offset < sizeof(Case); offset += 64) {
        __builtin_prefetch(at + offset);
      }
    }
    std::uint64_t single = 0;
    for (std::int32_t lane = 0; lane < n; ++lane) {
      const Case& c = *cases[first + static_cast<std::size_t>(lane)];
      if (internal::ProgramAccess::CompiledOf(c) != &p || !AllPresent(c.present(), p.fact_count)) {
        single |= std::uint64_t{1} << lane;
        continue;
      }
      const std::int64_t* values = c.values();
      for (const std::int32_t slot : p.column_facts) {
        columns[slot * eval::kBlockLanes + lane] = values[slot];
      }
    }
    return single;
  }

  void Single(const std::shared_ptr<const CompiledProgram>& program, std::size_t i, Date on,
              const EvalOptions& options) const {
    EvaluateOne(program, *cases[i], on, *outcomes[i], options);
  }
};

// Rows of a CaseTable made for the program (checked by Program::EvaluateRows).
struct Engine::TableSource {
  const CaseTable& table;
  std::size_t first_row;
  Outcome* outcomes;

  Outcome& outcome(std::size_t i) const { return outcomes[i]; }

  std::uint64_t Load(const CompiledProgram& p, std::size_t first, std::int32_t n,
                     std::int64_t* columns) const {
    const std::size_t row = first_row + first;
    for (const std::int32_t slot : p.column_facts) {
      const CaseTable::Column& column = table.columns_[static_cast<std::size_t>(slot)];
      std::int64_t* to = columns + slot * eval::kBlockLanes;
      const std::uint8_t* bytes = column.bytes.data();
      switch (column.width) {
        case 1:
          Widen<std::uint8_t>(bytes, column.base, row, n, to);
          break;
        case 2:
          Widen<std::uint16_t>(bytes, column.base, row, n, to);
          break;
        case 4:
          Widen<std::uint32_t>(bytes, column.base, row, n, to);
          break;
        default:
          Widen<std::uint64_t>(bytes, column.base, row, n, to);
          break;
      }
    }
    std::uint64_t single = 0;
    const std::uint8_t* whole = table.whole_.data() + row;
    for (std::int32_t lane = 0; lane < n; ++lane) {
      single |= static_cast<std::uint64_t>(whole[lane]) << lane;
    }
    return single;
  }

  void Single(const std::shared_ptr<const CompiledProgram>& program, std::size_t i, Date on,
              const EvalOptions& options) const {
    const std::size_t row = first_row + i;
    Outcome& out = outcomes[i];
    Prepare(program, out);
    Case& facts = out.scratch_->table_row;
    table.CopyRow(row, facts);
    EvaluateOne(program, facts, on, out, options);
  }
};

template <typename Source>
void Engine::EvaluateBatch(const std::shared_ptr<const CompiledProgram>& program, Source& source,
                           std::size_t count, Date on, const EvalOptions& options) {
  const CompiledProgram& p = *program;
  if (!p.columnar || count == 0) {
    for (std::size_t i = 0; i < count; ++i) source.Single(program, i, on, options);
    return;
  }
  constexpr std::int32_t kLanes = eval::kBlockLanes;
  Prepare(program, source.outcome(0));
  Outcome::Scratch& s = *source.outcome(0).scratch_;
  const std::size_t registers = static_cast<std::size_t>(p.register_count);
  if (s.columns.size() < registers * kLanes) s.columns.resize(registers * kLanes);
  if (s.lane_bits.size() < kLanes) s.lane_bits.resize(kLanes);
  if (s.lane_fired.size() < p.decisions.size() * kLanes) {
    s.lane_fired.resize(p.decisions.size() * kLanes);
  }
  std::int64_t* const columns = s.columns.data();
  std::uint64_t* const bits = s.lane_bits.data();
  std::uint64_t* const fired = s.lane_fired.data();
  if (s.columns_program != &p || s.columns_day != on.day) {
    FillConstantColumns(p, on, columns);
    s.columns_program = &p;
    s.columns_day = on.day;
  }
  const eval::ColumnPasses& passes = eval::Columns();
  const compile::FastEntry* const fast_entries = p.fast_entries.data();

  for (std::size_t block = 0; block < count; block += kLanes) {
    const std::int32_t n = static_cast<std::int32_t>(std::min<std::size_t>(kLanes, count - block));
    const std::int32_t lanes = (n + 3) & ~3;
    const std::uint64_t single = source.Load(p, block, n, columns);
    std::fill_n(bits, lanes, 0);
    for (const compile::Step& step : p.steps) {
      if (step.range_count > 0) {
        const std::int32_t first = step.range_first;
        passes.range(columns, p.atom_regs.data() + first, p.atom_lo.data() + first,
                     p.atom_span.data() + first, first, step.range_count, bits, lanes);
      }
      if (step.mask_count > 0) {
        const std::int32_t first = step.mask_first;
        passes.mask(columns, p.atom_regs.data() + first, p.atom_span.data() + first, first,
                    step.mask_count, bits, lanes);
      }
      for (std::int32_t i = step.ops_begin; i != step.ops_end; ++i) {
        const compile::AtomOp& op = p.atom_ops[static_cast<std::size_t>(i)];
        const std::uint64_t bit = std::uint64_t{1} << op.shift;
        if (op.kind == compile::Atom::kKnown) {  // no register of a lane here has a fault
          for (std::int32_t lane = 0; lane < lanes; ++lane) bits[lane] |= bit;
          continue;
        }
        const std::int64_t* a = columns + op.reg * kLanes;
        const std::int64_t* b = columns + op.lo * kLanes;
        for (std::int32_t lane = 0; lane < lanes; ++lane) {
          const bool holds = op.kind == compile::Atom::kLess        ? a[lane] < b[lane]
                             : op.kind == compile::Atom::kLessEqual ? a[lane] <= b[lane]
                                                                    : a[lane] == b[lane];
          bits[lane] |= (0 - static_cast<std::uint64_t>(holds)) & bit;
        }
      }
      if (step.is_let) {
        const compile::Let& let = p.lets[static_cast<std::size_t>(step.index)];
        passes.let(bits, let.terms.data(), static_cast<std::int32_t>(let.terms.size()), let.if_true,
                   let.if_false, columns + let.slot * kLanes, lanes);
      } else {
        const compile::Decision& d = p.decisions[static_cast<std::size_t>(step.index)];
        const std::int64_t none = !d.collect && d.has_default ? d.default_value.constant : 0;
        passes.decide(bits, fast_entries + d.fast_begin,
                      static_cast<std::int32_t>(d.entries.size()), d.collect, none,
                      fired + step.index * kLanes, columns + d.slot * kLanes, lanes);
      }
    }

    // Each lane's outcome, decision by decision in step order (as the winners are laid out).
    std::int32_t decided_here = n - __builtin_popcountll(single);
    for (std::int32_t lane = 0; lane < n; ++lane) {
      const std::size_t i = block + static_cast<std::size_t>(lane);
      if ((single >> lane) & 1u) {
        source.Single(program, i, on, options);
        continue;
      }
      Outcome& out = source.outcome(i);
      Prepare(program, out);
      out.case_errors_.clear();
      DecisionStatus* const status = out.status_.data();
      std::int64_t* const raw = out.raw_.data();
      std::int32_t* const winners = out.winners_.data();
      std::int32_t written = 0;
      bool undecided = false;  // a gap or a conflict: the case goes one by one
      for (const compile::Step& step : p.steps) {
        if (step.is_let) continue;
        const std::size_t di = static_cast<std::size_t>(step.index);
        const compile::Decision& d = p.decisions[di];
        const compile::FastEntry* const entries = fast_entries + d.fast_begin;
        std::uint64_t word = fired[step.index * kLanes + lane];
        const std::int64_t value = columns[d.slot * kLanes + lane];
        out.winner_begin_[di] = written;
        DecisionStatus decided = DecisionStatus::kDecided;
        if (word == 0) {
          decided = d.collect || d.has_default ? DecisionStatus::kDefault : DecisionStatus::kGap;
          undecided = decided == DecisionStatus::kGap;
        }
        for (; word; word &= word - 1) {
          const compile::FastEntry& e = entries[__builtin_ctzll(word)];
          undecided = undecided || (!d.collect && e.value != value);
          winners[written++] = e.rule;
        }
        if (undecided) break;
        out.winner_end_[di] = written;
        status[di] = decided;
        raw[di] = value;
        out.error_detail_[di] = -1;
      }
      if (undecided) {
        source.Single(program, i, on, options);
        --decided_here;
      }
    }
    s.column_cases += static_cast<std::uint64_t>(decided_here);
  }
}

}  // namespace internal

void Program::EvaluateBatch(const Case* const* cases, Outcome* const* outcomes, std::size_t count,
                            Date on, const EvalOptions& options) const {
  internal::Engine::CaseSource source{cases, outcomes, count};
  internal::Engine::EvaluateBatch(compiled_, source, count, on, options);
}

void Program::EvaluateBatch(const std::vector<Case>& cases, Date on, std::vector<Outcome>& outcomes,
                            const EvalOptions& options) const {
  if (outcomes.size() != cases.size()) outcomes.resize(cases.size());
  constexpr std::size_t kChunk = 256;
  const Case* case_pointers[kChunk];
  Outcome* outcome_pointers[kChunk];
  for (std::size_t start = 0; start < cases.size(); start += kChunk) {
    const std::size_t n = std::min(kChunk, cases.size() - start);
    for (std::size_t i = 0; i < n; ++i) {
      case_pointers[i] = &cases[start + i];
      outcome_pointers[i] = &outcomes[start + i];
    }
    internal::Engine::CaseSource source{case_pointers, outcome_pointers, n};
    internal::Engine::EvaluateBatch(compiled_, source, n, on, options);
  }
}

void Program::EvaluateRows(const CaseTable& table, std::size_t first, std::size_t count, Date on,
                           Outcome* outcomes, const EvalOptions& options) const {
  const bool ours = internal::ProgramAccess::CompiledOf(table) == compiled_.get();
  const std::size_t rows = ours ? table.size() : 0;
  const std::size_t valid = first >= rows ? 0 : std::min(count, rows - first);
  if (valid > 0) {
    internal::Engine::TableSource source{table, first, outcomes};
    internal::Engine::EvaluateBatch(compiled_, source, valid, on, options);
  }
  for (std::size_t i = valid; i < count; ++i) {
    internal::Engine::Reject(
        compiled_, outcomes[i],
        ours ? "row " + std::to_string(first + i) + " is past the end of the table (" +
                   std::to_string(rows) + " rows)"
             : std::string(internal::ProgramAccess::CompiledOf(table) == nullptr
                               ? "the table was not made by Program::NewTable()"
                               : "the table was made for another program (jurisdiction)"));
  }
}

}  // namespace loket
