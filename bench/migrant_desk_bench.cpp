// Google Benchmark programs for loket's evaluator on the shared "migrant desk" workload
// (docs/benchmarks.md, rule base examples/bench/migrant-desk), through the public
// API only:
//
//   BM_EvaluateInMemory/N    cases already parsed into loket::Case; Program::Evaluate per case,
//                            cycling through the first N cases (1000: cache-resident; all)
//   BM_ParseAndEvaluateJson  Program::ParseJson of one JSON Lines record + Evaluate per case
//
// Both report items_per_second (cases/s) and `allocs_per_case`: heap allocations per case
// after warm-up, counted by the global operator new below. The evaluator's contract is zero.
// Before timing, the program checks the workload's CHECKSUM line against the reference for
// N=100000 seed 42 and fails the benchmark when it differs.
//
// Environment: LOKET_BENCH_CASES (default 100000), LOKET_BENCH_RULES (the rule base folder,
// default <source>/examples/bench/migrant-desk).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "migrant_desk_workload.h"

// --- allocation counting ---------------------------------------------------------------------
// Replacing the global operator new in the executable also replaces it for libloket.so.

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size ? size : 1);
}
void* operator new(std::size_t size, std::align_val_t align) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return operator new(size, align);
}
// GCC pairs the replaced operator new with the deletes below only through malloc/free.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

namespace {

using loket::workload::WorkloadCase;

constexpr const char* kReference100k =
    "CHECKSUM n=100000 hash=c3ec0a15 duty=16429 school=35934 route=83571/8013/3833/4583 "
    "refs=16429,8013,3833,4583,9906,1258,3266,3133,3723,11112,6892,15130,3522,9721,26299,10636,"
    "35934,13480,4034,4078,1824,543,267,1132,7541,6087";

int EnvInt(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text && *text ? std::atoi(text) : fallback;
}

// Everything the benchmarks share, built once.
struct Workload {
  std::string error;                     // non-empty: the benchmarks report it instead of running
  std::vector<loket::Program> programs;  // by municipality index
  std::vector<WorkloadCase> cases;
  std::vector<std::string> json;    // per case, without `municipality`
  std::vector<loket::Case> parsed;  // per case, for its municipality's program
  loket::Date date = *loket::Date::Parse("2025-01-01");
  std::string checksum;

  Workload() {
    const char* rules = std::getenv("LOKET_BENCH_RULES");
    const std::string folder =
        rules && *rules ? rules : std::string(LOKET_SOURCE_DIR) + "/examples/bench/migrant-desk";
    loket::LoadOptions options;
    options.analyze_conflicts = false;
    loket::Result<loket::RuleBase> loaded = loket::RuleBase::LoadFiles({folder}, options);
    if (!loaded.ok()) {
      error = "cannot load " + folder + ": " + loaded.status().message();
      return;
    }
    if (loaded->has_errors()) {
      error = "the rule base has errors (run `loket check " + folder + "`)";
      return;
    }
    for (const char* municipality : loket::workload::kMunicipalities) {
      loket::Result<loket::Program> program = loaded->Compile(municipality);
      if (!program.ok()) {
        error = "cannot compile " + std::string(municipality) + ": " + program.status().message();
        return;
      }
      programs.push_back(*program);
    }
    const int n = EnvInt("LOKET_BENCH_CASES", 100000);
    cases = loket::workload::GenerateCases(n, 42);
    std::vector<loket::Diagnostic> errors;
    for (const WorkloadCase& c : cases) {
      json.push_back(loket::workload::ToJson(c, /*with_municipality=*/false));
      const loket::Program& program = programs[static_cast<std::size_t>(c.municipality)];
      parsed.push_back(program.NewCase());
      if (!program.ParseJson(json.back(), parsed.back(), errors)) {
        error = "case " + std::to_string(c.id) + " rejected: " + errors.front().message;
        return;
      }
    }
    // Correctness first: the decisions must give the reference checksum.
    const loket::workload::DecisionIndexes decisions(programs[0]);
    if (!decisions.ok()) {
      error = "the rule base lacks a workload decision";
      return;
    }
    loket::workload::Checksum sum;
    loket::Outcome outcome;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      Program(i).Evaluate(parsed[i], date, outcome);
      if (!outcome.ok()) {
        error = "case " + std::to_string(i) + " has an evaluation error";
        return;
      }
      sum.Add(loket::workload::DecisionCode(outcome, decisions));
    }
    checksum = sum.Line();
    if (n == 100000 && checksum != kReference100k) {
      error = "CHECKSUM differs from the reference: " + checksum;
    }
  }

  const loket::Program& Program(std::size_t i) const {
    return programs[static_cast<std::size_t>(cases[i].municipality)];
  }
};

const Workload& GetWorkload() {
  static const Workload workload;
  return workload;
}

void ReportAllocations(benchmark::State& state, std::uint64_t before) {
  const std::uint64_t allocations = g_allocations.load() - before;
  state.counters["allocs_per_case"] = benchmark::Counter(static_cast<double>(allocations) /
                                                         static_cast<double>(state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_EvaluateInMemory(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  loket::Outcome outcome;
  // Warm-up: one pass over every case sizes the outcome's buffers for every program.
  for (std::size_t i = 0; i < w.cases.size(); ++i)
    w.Program(i).Evaluate(w.parsed[i], w.date, outcome);
  // The argument is how many distinct cases the loop cycles through: all of them (the
  // workload), or the first 1000, whose cases stay in the cache; the difference is the cost
  // of fetching a case from memory.
  const std::size_t working_set =
      std::min(w.cases.size(), static_cast<std::size_t>(state.range(0)));
  std::size_t i = 0;
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    w.Program(i).Evaluate(w.parsed[i], w.date, outcome);
    benchmark::DoNotOptimize(outcome.raw(0));
    if (++i == working_set) i = 0;
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_EvaluateInMemory)->Arg(1000)->Arg(1000000);

// Batches of cases in file order, as `loket bench` runs them: each batch's cases grouped by
// municipality (their program), each group decided by Program::EvaluateBatch into a pool of
// outcomes kept per program. The argument is the batch size.
class BatchRunner {
 public:
  BatchRunner(const Workload& w, std::size_t batch) : w_(w) {
    groups_.resize(w.programs.size());
    for (Group& group : groups_) {
      group.cases.reserve(batch);
      group.outcomes.resize(batch);
      group.outcome_pointers.reserve(batch);
    }
  }

  // Decides cases [begin, end); returns how many were decided without an error.
  std::size_t Run(std::size_t begin, std::size_t end) {
    for (Group& group : groups_) {
      group.cases.clear();
      group.outcome_pointers.clear();
    }
    for (std::size_t i = begin; i < end; ++i) {
      Group& group = groups_[static_cast<std::size_t>(w_.cases[i].municipality)];
      group.outcome_pointers.push_back(&group.outcomes[group.cases.size()]);
      group.cases.push_back(&w_.parsed[i]);
    }
    std::size_t ok = 0;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      Group& group = groups_[g];
      w_.programs[g].EvaluateBatch(group.cases.data(), group.outcome_pointers.data(),
                                   group.cases.size(), w_.date);
      for (std::size_t i = 0; i < group.cases.size(); ++i) ok += group.outcomes[i].ok();
    }
    return ok;
  }

  // The CHECKSUM line of every case decided this way, in batches of `batch` in file order.
  std::string Checksum(std::size_t batch) {
    const loket::workload::DecisionIndexes decisions(w_.programs[0]);
    std::vector<std::uint32_t> codes(w_.cases.size());
    for (std::size_t begin = 0; begin < w_.cases.size(); begin += batch) {
      const std::size_t end = std::min(w_.cases.size(), begin + batch);
      Run(begin, end);
      std::vector<std::size_t> next(groups_.size(), 0);
      for (std::size_t i = begin; i < end; ++i) {
        Group& group = groups_[static_cast<std::size_t>(w_.cases[i].municipality)];
        const loket::Outcome& outcome =
            group.outcomes[next[static_cast<std::size_t>(w_.cases[i].municipality)]++];
        if (!outcome.ok()) return "case " + std::to_string(i) + " has an evaluation error";
        codes[i] = loket::workload::DecisionCode(outcome, decisions);
      }
    }
    loket::workload::Checksum sum;
    for (std::uint32_t code : codes) sum.Add(code);
    return sum.Line();
  }

 private:
  struct Group {
    std::vector<const loket::Case*> cases;
    std::vector<loket::Outcome> outcomes;
    std::vector<loket::Outcome*> outcome_pointers;
  };
  const Workload& w_;
  std::vector<Group> groups_;
};

void BM_EvaluateBatch(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  const std::size_t batch = static_cast<std::size_t>(state.range(0));
  BatchRunner runner(w, batch);
  for (std::size_t begin = 0; begin < w.cases.size(); begin += batch) {  // warm-up
    runner.Run(begin, std::min(w.cases.size(), begin + batch));
  }
  std::size_t begin = 0;
  std::int64_t cases = 0;
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    const std::size_t end = std::min(w.cases.size(), begin + batch);
    benchmark::DoNotOptimize(runner.Run(begin, end));
    cases += static_cast<std::int64_t>(end - begin);
    begin = end == w.cases.size() ? 0 : end;
  }
  const std::uint64_t allocations = g_allocations.load() - before;
  state.counters["allocs_per_case"] =
      benchmark::Counter(static_cast<double>(allocations) / static_cast<double>(cases));
  state.SetItemsProcessed(cases);
}
BENCHMARK(BM_EvaluateBatch)->Arg(1000);

// The same batches with the cases held in a CaseTable per municipality (16 bytes a case
// instead of a Case's 176), decided by Program::EvaluateRows in chunks of 64 outcomes that
// stay in the cache, as `loket bench` runs them.
class TableRunner {
 public:
  static constexpr std::size_t kChunk = 64;

  TableRunner(const Workload& w, std::size_t batch) : w_(w), batch_(batch) {
    for (const loket::Program& program : w.programs) {
      tables_.push_back(program.NewTable());
      outcomes_.emplace_back(kChunk);
    }
    // Per batch, each table's first row: the rows of a municipality keep the file order.
    std::vector<std::size_t> rows(w.programs.size(), 0);
    for (std::size_t i = 0; i < w.cases.size(); ++i) {
      if (i % batch == 0) first_rows_.push_back(rows);
      const std::size_t m = static_cast<std::size_t>(w.cases[i].municipality);
      tables_[m].Append(w.parsed[i]);
      ++rows[m];
    }
    first_rows_.push_back(rows);
  }

  std::size_t batches() const { return first_rows_.size() - 1; }

  // Decides batch `b`; `each(municipality, row, outcome)` sees every outcome.
  template <typename Each>
  void Run(std::size_t b, Each&& each) {
    for (std::size_t m = 0; m < tables_.size(); ++m) {
      const std::size_t end = first_rows_[b + 1][m];
      for (std::size_t row = first_rows_[b][m]; row < end; row += kChunk) {
        const std::size_t n = std::min(kChunk, end - row);
        w_.programs[m].EvaluateRows(tables_[m], row, n, w_.date, outcomes_[m].data());
        for (std::size_t i = 0; i < n; ++i) each(m, row + i, outcomes_[m][i]);
      }
    }
  }

  // The CHECKSUM line of every case decided this way.
  std::string Checksum() {
    const loket::workload::DecisionIndexes decisions(w_.programs[0]);
    std::vector<std::vector<std::uint32_t>> codes(tables_.size());
    for (std::size_t m = 0; m < tables_.size(); ++m) codes[m].resize(tables_[m].size());
    bool ok = true;
    for (std::size_t b = 0; b < batches(); ++b) {
      Run(b, [&](std::size_t m, std::size_t row, const loket::Outcome& outcome) {
        ok = ok && outcome.ok();
        codes[m][row] = loket::workload::DecisionCode(outcome, decisions);
      });
    }
    if (!ok) return "a case has an evaluation error";
    loket::workload::Checksum sum;
    std::vector<std::size_t> next(tables_.size(), 0);
    for (const WorkloadCase& c : w_.cases) {
      const std::size_t m = static_cast<std::size_t>(c.municipality);
      sum.Add(codes[m][next[m]++]);
    }
    return sum.Line();
  }

 private:
  const Workload& w_;
  std::size_t batch_;
  std::vector<loket::CaseTable> tables_;
  std::vector<std::vector<loket::Outcome>> outcomes_;
  std::vector<std::vector<std::size_t>> first_rows_;
};

void BM_EvaluateRows(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  TableRunner runner(w, static_cast<std::size_t>(state.range(0)));
  std::size_t decided = 0;
  const auto count = [&](std::size_t, std::size_t, const loket::Outcome& outcome) {
    decided += outcome.ok();
  };
  for (std::size_t b = 0; b < runner.batches(); ++b) runner.Run(b, count);  // warm-up
  std::size_t b = 0;
  std::int64_t cases = 0;
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    const std::size_t before_batch = decided;
    runner.Run(b, count);
    cases += static_cast<std::int64_t>(decided - before_batch);
    benchmark::DoNotOptimize(decided);
    if (++b == runner.batches()) b = 0;
  }
  const std::uint64_t allocations = g_allocations.load() - before;
  state.counters["allocs_per_case"] =
      benchmark::Counter(static_cast<double>(allocations) / static_cast<double>(cases));
  state.SetItemsProcessed(cases);
}
BENCHMARK(BM_EvaluateRows)->Arg(1000);

void BM_ParseAndEvaluateJson(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  std::vector<loket::Case> scratch;  // one reusable case per program
  for (const loket::Program& program : w.programs) scratch.push_back(program.NewCase());
  loket::Outcome outcome;
  std::vector<loket::Diagnostic> errors;
  const auto run = [&](std::size_t i) {
    loket::Case& facts = scratch[static_cast<std::size_t>(w.cases[i].municipality)];
    if (!w.Program(i).ParseJson(w.json[i], facts, errors)) return false;
    w.Program(i).Evaluate(facts, w.date, outcome);
    return true;
  };
  for (std::size_t i = 0; i < w.cases.size(); ++i) run(i);
  std::size_t i = 0;
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    if (!run(i)) {
      state.SkipWithError("a case was rejected");
      return;
    }
    benchmark::DoNotOptimize(outcome.raw(0));
    if (++i == w.cases.size()) i = 0;
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_ParseAndEvaluateJson);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const Workload& w = GetWorkload();
  if (w.error.empty()) {
    std::printf("%s\n", w.checksum.c_str());
    const std::string batched = BatchRunner(w, 1000).Checksum(1000);
    if (batched != w.checksum) {
      std::fprintf(stderr, "loket_bench: EvaluateBatch gives another CHECKSUM: %s\n",
                   batched.c_str());
      return 1;
    }
    const std::string rows = TableRunner(w, 1000).Checksum();
    if (rows != w.checksum) {
      std::fprintf(stderr, "loket_bench: EvaluateRows gives another CHECKSUM: %s\n", rows.c_str());
      return 1;
    }
  } else {
    std::fprintf(stderr, "loket_bench: %s\n", w.error.c_str());
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return w.error.empty() ? 0 : 1;
}
