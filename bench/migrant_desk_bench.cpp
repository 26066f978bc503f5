// Google Benchmark programs for loket's evaluator on the shared "migrant desk" workload
// (/work/shared/bench/WORKLOAD.md, rule base examples/bench/migrant-desk), through the public
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
  } else {
    std::fprintf(stderr, "loket_bench: %s\n", w.error.c_str());
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return w.error.empty() ? 0 : 1;
}
