// Hidden benchmark (run with `loket_unit_tests "[.country]"`): the synthetic country from
// examples/country/generate in $LOKET_COUNTRY_DIR (default /tmp/country). Prints the time of
// the front end, of a full analysis, and of a re-check after changing one municipality
// through the per-layer cache; checks the findings against expected.json (codes per layer).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "../country_files.h"
#include "analysis_helpers.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// CPU seconds of the process (all threads): meaningful on a loaded machine.
double CpuSeconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

}  // namespace

TEST_CASE("country benchmark", "[.country]") {
  namespace fs = std::filesystem;
  std::string why;
  const fs::path dir = loket::testing::CountryDir(why);
  if (dir.empty()) {
    WARN(why);
    return;
  }
  const std::vector<std::string> paths = loket::testing::CountryFiles(dir);
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& path : paths) {
    files.emplace_back(path, loket::analysis::testing::ReadText(path));
  }

  loket::analysis::AnalysisCache cache;
  loket::analysis::AnalysisOptions options;
  options.threads = 2;
  options.cache = &cache;
  auto start = std::chrono::steady_clock::now();
  auto checked = loket::analysis::testing::Check(files, options);
  double total = Seconds(start);

  // The analysis alone, re-run on the same model without cache.
  loket::analysis::AnalysisOptions fresh;
  fresh.threads = 2;
  loket::diag::DiagnosticSink sink;
  start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  auto stats = loket::analysis::RunConflictAnalysis(*checked->model, fresh, sink);
  double analysis = Seconds(start);
  double analysis_cpu = CpuSeconds() - cpu_start;

  // Change one municipality's rule text and re-check through the cache: only that layer runs.
  auto& [first_path, first_text] = files.front();  // municipalities/ sort before national/
  first_text +=
      "\n// edited\nrule edited.extra \"Verordening (test edit)\"\n"
      "  then referrals += {welcome_meeting}\n";
  auto edited = loket::analysis::testing::Check(files, loket::analysis::AnalysisOptions{});
  loket::diag::DiagnosticSink cached_sink;
  start = std::chrono::steady_clock::now();
  cpu_start = CpuSeconds();
  auto recheck = loket::analysis::RunConflictAnalysis(*edited->model, options, cached_sink);
  double incremental = Seconds(start);
  double incremental_cpu = CpuSeconds() - cpu_start;

  std::cout << "country: " << files.size() << " files, front end + analysis " << total
            << " s; analysis alone " << analysis << " s wall, " << analysis_cpu << " s CPU ("
            << stats.solver_queries << " solver queries, " << stats.decided_without_solver
            << " pairs settled without the solver); re-check after one edit " << incremental
            << " s wall, " << incremental_cpu << " s CPU (" << recheck.layers_from_cache << " of "
            << recheck.layers << " layers from the cache)\n";

  // Findings: exactly the planted ones, by (code, layer).
  auto expected =
      nlohmann::json::parse(loket::analysis::testing::ReadText((dir / "expected.json").string()));
  std::multiset<std::pair<std::string, std::string>> want, got;
  for (const auto& e : expected) {
    want.insert({e["code"].get<std::string>(), e["layer"].get<std::string>()});
  }
  for (const auto& d : checked->findings) {
    got.insert({std::string(loket::diag::Info(d.kind).code), d.layer});
  }
  for (const auto& d : checked->graph) {
    got.insert({std::string(loket::diag::Info(d.kind).code), d.layer});
  }
  CHECK(got == want);
  CHECK(checked->stats.undetermined == 0);
}
