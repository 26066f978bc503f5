// The property test of issue 10 ("the test that keeps them one"), see property_check.h: random
// layered rule bases (rule_base_generator.h) must satisfy the property; a failing one is shrunk
// and printed, to be kept in counterexamples/ (one folder per rule base), which are checked
// again on every run.
//
// LOKET_PROPERTY_RULE_BASES sets how many generated rule bases (default 12, seeds 1..N;
// LOKET_PROPERTY_SEED shifts them), LOKET_PROPERTY_CASES the cases per jurisdiction (default
// 500), LOKET_PROPERTY_RLIMIT the checker's solver limit per query (default 50000). The nightly run
// uses more (docs/benchmarks.md). LOKET_PROPERTY_OUT=<dir> writes each shrunk counterexample there
// as a folder of .loket files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "property_check.h"
#include "rule_base_generator.h"

namespace loket::proptest {
namespace {

namespace fs = std::filesystem;

long EnvOr(const char* name, long fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  return std::strtol(text, nullptr, 10);
}

// The checker's resource limit per solver query: LOKET_PROPERTY_RLIMIT, by default lower than
// loket's own (2000000), to keep the CI run short; L513 marks what it could not decide.
unsigned Rlimit() {
  return unsigned(EnvOr("LOKET_PROPERTY_RLIMIT", 50000));
}

// How many smaller variants shrinking may check (LOKET_PROPERTY_SHRINK, default 40): each is
// a full check, so CI keeps it small; set it higher to shrink a counterexample further.
int ShrinkBudget() {
  return int(EnvOr("LOKET_PROPERTY_SHRINK", 40));
}

std::string Show(const std::vector<SourceText>& sources) {
  std::string out;
  for (const SourceText& s : sources) out += "--- " + s.path + "\n" + s.text;
  return out;
}

// The smallest variant of `rule_base` (by greedy steps, at most `budget` checks) that still
// fails with the same kind of failure.
GenRuleBase Shrink(GenRuleBase rule_base, const std::string& kind, long cases, std::uint64_t seed,
                   int budget) {
  bool smaller = true;
  while (smaller && budget > 0) {
    smaller = false;
    for (const GenRuleBase& candidate : Shrinks(rule_base)) {
      if (--budget < 0) break;
      PropertyReport report = CheckProperty(Render(candidate), cases, seed, Rlimit());
      if (!report.has_errors && report.FirstKind() == kind) {
        rule_base = candidate;
        smaller = true;
        break;
      }
    }
  }
  return rule_base;
}

void Write(const fs::path& dir, const std::vector<SourceText>& sources) {
  fs::create_directories(dir);
  for (const SourceText& s : sources) std::ofstream(dir / s.path) << s.text;
}

std::vector<SourceText> ReadFolder(const fs::path& dir) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".loket") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<SourceText> sources;
  for (const fs::path& path : paths) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    sources.push_back({path.filename().string(), text.str()});
  }
  return sources;
}

}  // namespace

TEST_CASE("Property: generated rule bases render deterministically and pass sema", "[property]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::vector<SourceText> sources = Render(Generate(seed));
    INFO("seed " << seed << "\n" << Show(sources));
    CHECK(Show(Render(Generate(seed))) == Show(sources));
    // Generated rule bases are valid by construction: an error here is a generator bug (or a
    // sema bug), and every such rule base would be lost to the property test.
    LoadOptions options;
    options.analyze_conflicts = false;
    RuleBase rule_base = RuleBase::FromSources(sources, options);
    std::ostringstream text;
    RenderText(text, rule_base.diagnostics());
    INFO(text.str());
    CHECK_FALSE(rule_base.has_errors());
  }
}

TEST_CASE("Property: shrinking keeps a rule base valid and makes it smaller", "[property]") {
  const GenRuleBase rule_base = Generate(3);
  const std::vector<GenRuleBase> shrinks = Shrinks(rule_base);
  REQUIRE(!shrinks.empty());
  for (const GenRuleBase& smaller : shrinks) {
    LoadOptions options;
    options.analyze_conflicts = false;
    RuleBase loaded = RuleBase::FromSources(Render(smaller), options);
    INFO(Show(Render(smaller)));
    CHECK_FALSE(loaded.has_errors());
    CHECK(Show(Render(smaller)).size() < Show(Render(rule_base)).size());
  }
}

TEST_CASE("Property: checker and evaluator and reference interpreter agree on generated rule bases",
          "[property]") {
  const long rule_bases = EnvOr("LOKET_PROPERTY_RULE_BASES", 12);
  const long cases = EnvOr("LOKET_PROPERTY_CASES", 500);
  const std::uint64_t first = std::uint64_t(EnvOr("LOKET_PROPERTY_SEED", 1));
  const char* out = std::getenv("LOKET_PROPERTY_OUT");
  int checked = 0, clean_decisions = 0, findings = 0;
  for (std::uint64_t seed = first; seed < first + std::uint64_t(rule_bases); ++seed) {
    const GenRuleBase rule_base = Generate(seed);
    PropertyReport report = CheckProperty(Render(rule_base), cases, seed, Rlimit());
    REQUIRE_FALSE(report.has_errors);  // the test above says why
    ++checked;
    clean_decisions += report.clean_decisions;
    findings += report.findings;
    if (report.ok()) continue;
    const GenRuleBase shrunk =
        Shrink(rule_base, report.FirstKind(), std::min(cases, 300L), seed, ShrinkBudget());
    const std::vector<SourceText> sources = Render(shrunk);
    if (out) Write(fs::path(out) / ("seed-" + std::to_string(seed)), sources);
    INFO("seed " << seed << ": " << report.Text() << "shrunk to:\n"
                 << Show(sources) << CheckProperty(sources, cases, seed, Rlimit()).Text());
    CHECK(report.ok());
  }
  // The property must have something to hold: findings to replay, and decisions the checker
  // calls clean for the evaluator to decide.
  CHECK(checked == rule_bases);
  CHECK(clean_decisions > 0);
  CHECK(findings > 0);
}

// Every counterexample the property test found, shrunk, as a rule base of its own. A folder
// with a file PENDING holds one that still fails until the fix named in that file is merged:
// for those the property must still fail (so the test reminds us to drop PENDING once fixed).
TEST_CASE("Property: the kept counterexamples hold", "[property]") {
  const fs::path root = fs::path(LOKET_SOURCE_DIR) / "tests/unit/property/counterexamples";
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  REQUIRE(!folders.empty());
  for (const fs::path& folder : folders) {
    PropertyReport report = CheckProperty(ReadFolder(folder), 2000, 1, Rlimit());
    INFO(folder.filename().string() << ": " << report.Text());
    REQUIRE_FALSE(report.has_errors);
    if (fs::exists(folder / "PENDING")) {
      CHECK_FALSE(report.ok());
    } else {
      CHECK(report.ok());
    }
  }
}

}  // namespace loket::proptest

namespace loket::proptest {

// For looking at generated rule bases with the CLI: LOKET_PROPERTY_OUT=<dir>
// loket_unit_tests "[.property-dump]" writes seeds LOKET_PROPERTY_SEED.. (as many as
// LOKET_PROPERTY_RULE_BASES) to <dir>/seed-N/.
TEST_CASE("Property: write generated rule bases", "[.property-dump]") {
  const char* out = std::getenv("LOKET_PROPERTY_OUT");
  REQUIRE(out != nullptr);
  const long count = EnvOr("LOKET_PROPERTY_RULE_BASES", 12);
  const std::uint64_t first = std::uint64_t(EnvOr("LOKET_PROPERTY_SEED", 1));
  for (std::uint64_t seed = first; seed < first + std::uint64_t(count); ++seed) {
    Write(fs::path(out) / ("seed-" + std::to_string(seed)), Render(Generate(seed)));
  }
  CHECK(fs::exists(fs::path(out) / ("seed-" + std::to_string(first))));
}

}  // namespace loket::proptest
