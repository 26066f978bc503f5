// Hidden benchmark (run with `loket_unit_tests "[.country-recheck]"`): the synthetic country
// from examples/country/generate in $LOKET_COUNTRY_DIR (default /tmp/country), checked
// through an IncrementalChecker, then re-checked after a constant in one municipality's rule
// changed. Prints wall and CPU time of both checks, the re-check's stats, the re-check without
// the conflict analysis, and what the stages after parsing cost on their own (sema on the
// shared syntax, the graph checks).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "../country_files.h"
#include "analysis/analysis.h"
#include "diag/diagnostic.h"
#include "graph/dependency_graph.h"
#include "loket/checker.h"
#include "loket/rule_base.h"
#include "sema/model.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}
double CpuMillis(std::clock_t since) {
  return 1000.0 * static_cast<double>(std::clock() - since) / CLOCKS_PER_SEC;
}

}  // namespace

TEST_CASE("country re-check through the IncrementalChecker", "[.country-recheck]") {
  namespace fs = std::filesystem;
  std::string why;
  const fs::path dir = loket::testing::CountryDir(why);
  if (dir.empty()) {
    WARN(why);
    return;
  }
  const std::vector<std::string> paths = loket::testing::CountryFiles(dir);
  std::vector<loket::SourceText> sources;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    sources.push_back({path, text.str()});
  }

  loket::LoadOptions options;
  options.threads = 2;
  loket::IncrementalChecker checker(options);
  auto start = Clock::now();
  std::clock_t cpu_start = std::clock();
  loket::RuleBase first = checker.Check(sources);
  double first_ms = Millis(start);
  double first_cpu_ms = CpuMillis(cpu_start);

  // Change a constant in one rule of one municipality, five times (a different constant
  // each time, so each re-check sees a new text); report the median.
  const std::string from = "months_in_nl < 6";
  auto edited = std::find_if(sources.begin(), sources.end(), [&](const loket::SourceText& s) {
    return s.path.find("municipalities") != std::string::npos &&
           s.text.find(from) != std::string::npos;
  });
  REQUIRE(edited != sources.end());
  const std::size_t at = edited->text.find(from);
  std::vector<std::pair<double, double>> runs;  // (wall, CPU) ms
  std::vector<loket::RuleBase> results;         // kept, so freeing the last result is not timed
  loket::IncrementalChecker::Stats stats;
  for (int constant = 7; constant <= 11; ++constant) {
    const std::string current = edited->text.substr(at, edited->text.find('\n', at) - at);
    edited->text.replace(at, current.size(), "months_in_nl < " + std::to_string(constant));
    start = Clock::now();
    cpu_start = std::clock();
    results.push_back(checker.Check(sources));
    runs.push_back({Millis(start), CpuMillis(cpu_start)});
    stats = checker.last_stats();
  }
  std::sort(runs.begin(), runs.end());
  double recheck_ms = runs[runs.size() / 2].first;
  double recheck_cpu_ms = runs[runs.size() / 2].second;

  CHECK(stats.files_parsed == 1);
  CHECK(stats.layers_checked == 1);  // sema: the edited municipality; the rest reused
  CHECK(stats.layers_analyzed == 1);
  CHECK(results.back().diagnostics().size() == first.diagnostics().size());

  // The same re-checks without the conflict analysis: what the syntax, sema and the graph
  // checks cost, apart from the solver's work on the edited layer.
  loket::LoadOptions front_options = options;
  front_options.analyze_conflicts = false;
  loket::IncrementalChecker front_checker(front_options);
  front_checker.Check(sources);
  std::vector<std::pair<double, double>> front_runs;
  for (int constant = 12; constant <= 16; ++constant) {
    const std::string current = edited->text.substr(at, edited->text.find('\n', at) - at);
    edited->text.replace(at, current.size(), "months_in_nl < " + std::to_string(constant));
    start = Clock::now();
    cpu_start = std::clock();
    results.push_back(front_checker.Check(sources));
    front_runs.push_back({Millis(start), CpuMillis(cpu_start)});
  }
  CHECK(front_checker.last_stats().files_parsed == 1);
  std::sort(front_runs.begin(), front_runs.end());
  const double front_ms = front_runs[front_runs.size() / 2].first;
  const double front_cpu_ms = front_runs[front_runs.size() / 2].second;

  // The stages after parsing, each on its own, on the edited country.
  loket::source::SourceManager manager;
  loket::diag::DiagnosticSink sink;
  std::vector<std::shared_ptr<const loket::ast::File>> parsed;
  for (const auto& source : sources) {
    auto id = manager.AddFile(source.path, source.text);
    parsed.push_back(loket::syntax::ParseFile(manager, id, {}, sink));
  }
  start = Clock::now();
  auto model = loket::sema::Analyze(parsed, manager, sink);
  double sema_ms = Millis(start);
  start = Clock::now();
  loket::graph::CheckStructure(*model, sink);  // as the pipeline runs it, without a cache
  double graph_ms = Millis(start);

  // The analysis with every layer's results in the cache: what reusing them costs.
  loket::analysis::AnalysisCache cache;
  loket::analysis::AnalysisOptions analysis_options;
  analysis_options.threads = 2;
  analysis_options.cache = &cache;
  loket::diag::DiagnosticSink cold_sink, warm_sink;
  loket::analysis::RunConflictAnalysis(*model, analysis_options, cold_sink);
  start = Clock::now();
  loket::analysis::RunConflictAnalysis(*model, analysis_options, warm_sink);
  double warm_ms = Millis(start);

  std::cout << "country through IncrementalChecker: " << sources.size() << " files; first check "
            << first_ms << " ms wall, " << first_cpu_ms << " ms CPU; re-check after editing "
            << edited->path << " (median of " << runs.size() << "): " << recheck_ms << " ms wall, "
            << recheck_cpu_ms << " ms CPU (files parsed " << stats.files_parsed << ", reused "
            << stats.files_reused << "; sema: layers checked " << stats.layers_checked
            << ", reused " << stats.layers_reused << "; layers analysed " << stats.layers_analyzed
            << ", from cache " << stats.layers_from_cache << "; in those, decisions analysed "
            << stats.decisions_analyzed << ", from cache " << stats.decisions_from_cache
            << "); without the conflict analysis " << front_ms << " ms wall, " << front_cpu_ms
            << " ms CPU; alone: sema " << sema_ms << " ms, graph checks (uncached) " << graph_ms
            << " ms, analysis with every layer cached " << warm_ms << " ms\n";
}
