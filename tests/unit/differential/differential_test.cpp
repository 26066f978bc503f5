// Differential test: the compiled evaluator (loket::Program) against the reference interpreter
// (reference_interpreter.h) on random valid cases, for every layer of every rule base in rules/
// and examples/. They must agree on every decision's status, value and deciding rules.
//
// LOKET_DIFF_CASES sets the number of cases per jurisdiction (default 2000; the nightly run
// uses 100000, see docs/benchmarks.md). LOKET_DIFF_SEED changes the seed.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../eval/eval_test_util.h"
#include "api/rule_base_impl.h"
#include "case_generator.h"
#include "compile/program.h"
#include "differential_check.h"
#include "eval/program_access.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "reference_interpreter.h"

namespace loket::difftest {
namespace {

namespace fs = std::filesystem;

long EnvOr(const char* name, long fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  return std::strtol(text, nullptr, 10);
}

bool HasLoketFiles(const fs::path& dir, bool recursive) {
  std::error_code ec;
  if (recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".loket") return true;
    }
  } else {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".loket") return true;
    }
  }
  return false;
}

// The rule bases to test: rules/ as a whole, under examples/ every folder that holds .loket
// files itself (with everything below it, the outermost such folder only), and corpus/.
std::vector<fs::path> RuleBaseFolders() {
  const fs::path root = LOKET_SOURCE_DIR;
  std::vector<fs::path> folders;
  if (fs::is_directory(root / "rules") && HasLoketFiles(root / "rules", true)) {
    folders.push_back(root / "rules");
  }
  std::vector<fs::path> pending = {root / "examples"};
  while (!pending.empty()) {
    fs::path dir = pending.back();
    pending.pop_back();
    if (!fs::is_directory(dir)) continue;
    if (HasLoketFiles(dir, false)) {
      folders.push_back(dir);
      continue;
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_directory()) pending.push_back(entry.path());
    }
  }
  std::sort(folders.begin(), folders.end());
  // The corpus of this test: the language features the real rule bases hardly use.
  folders.push_back(root / "tests" / "unit" / "differential" / "corpus");
  return folders;
}

TEST_CASE("Differential: compiled evaluator agrees with the reference interpreter",
          "[differential]") {
  const long cases_per_jurisdiction = EnvOr("LOKET_DIFF_CASES", 2000);
  const std::uint64_t seed = std::uint64_t(EnvOr("LOKET_DIFF_SEED", 20261127));
  const std::vector<fs::path> folders = RuleBaseFolders();
  // examples/bench/migrant-desk is committed, so there is always at least one rule base.
  REQUIRE_FALSE(folders.empty());
  int evaluated_rule_bases = 0;

  for (const fs::path& folder : folders) {
    LoadOptions options;
    options.analyze_conflicts = false;  // not needed to evaluate; keeps the test fast
    Result<RuleBase> loaded = RuleBase::LoadFiles({folder.string()}, options);
    INFO("rule base " << folder.string());
    REQUIRE(loaded.ok());
    const RuleBase& rule_base = *loaded;
    if (rule_base.has_errors()) {
      // Some examples are broken on purpose (examples/conflicts/exception-cycle); a rule
      // base with errors cannot be compiled, so there is nothing to compare. Any other rule
      // base with errors would silently drop out of the comparison: that fails.
      std::ostringstream text;
      RenderText(text, rule_base.diagnostics());
      INFO(text.str());
      CHECK(folder.parent_path().filename() == "conflicts");
      continue;
    }
    ++evaluated_rule_bases;
    std::set<DecisionStatus> seen;  // every status some decision had, over all cases
    const sema::Model& model = *internal::RuleBaseAccess::Impl(rule_base).model;

    for (const auto& layer : model.layers) {
      Result<Program> program = rule_base.Compile(layer->name);
      INFO("jurisdiction " << layer->name);
      REQUIRE(program.ok());
      JurisdictionCheck check(model, *layer, *program);
      CaseGenerator generator(model, *layer, seed ^ std::hash<std::string>()(layer->name));
      Case facts = program->NewCase();
      Outcome outcome;
      long mismatches = 0;
      std::string first_mismatches;
      for (long i = 0; i < cases_per_jurisdiction; ++i) {
        GeneratedCase generated = generator.Next();
        std::string diff = check.Compare(generated, facts, outcome);
        for (int d = 0; d < outcome.decision_count(); ++d) seen.insert(outcome.status(d));
        if (diff.empty()) continue;
        if (++mismatches <= 5) {
          first_mismatches += "case " + std::to_string(i) + " on " +
                              support::FormatIsoDate(generated.date) + ": " +
                              program->CaseToJson(facts) + "\n" + diff;
        }
      }
      INFO(first_mismatches);
      CHECK(mismatches == 0);
    }
    if (folder.filename() == "corpus" && cases_per_jurisdiction >= 1000) {
      // The corpus exists to reach these outcomes; without them the comparison is too easy.
      for (DecisionStatus status :
           {DecisionStatus::kDecided, DecisionStatus::kDefault, DecisionStatus::kGap,
            DecisionStatus::kConflict, DecisionStatus::kAbsentOptional, DecisionStatus::kOverflow,
            DecisionStatus::kNotEvaluated, DecisionStatus::kNotApplicable}) {
        INFO("status never reached in the corpus: " << DecisionStatusName(status));
        CHECK(seen.count(status) == 1);
      }
    }
  }
  CHECK(evaluated_rule_bases > 0);
}

// Calls `visit(model, layer, program)` for every jurisdiction of every rule base without
// errors (the first test reports the others).
template <typename Visit>
void ForEachJurisdiction(Visit&& visit) {
  for (const fs::path& folder : RuleBaseFolders()) {
    LoadOptions options;
    options.analyze_conflicts = false;
    Result<RuleBase> loaded = RuleBase::LoadFiles({folder.string()}, options);
    REQUIRE(loaded.ok());
    if (loaded->has_errors()) continue;
    const sema::Model& model = *internal::RuleBaseAccess::Impl(*loaded).model;
    for (const auto& layer : model.layers) {
      Result<Program> program = loaded->Compile(layer->name);
      INFO(folder.string() << " " << layer->name);
      REQUIRE(program.ok());
      visit(model, *layer, *program);
    }
  }
}

// Batches (Program::EvaluateBatch, EvaluateRows) against one-by-one evaluation on the same
// random cases, for every jurisdiction: column-wise where the program allows it, case by case
// otherwise. Each chunk of cases is decided on the date of its first case.
TEST_CASE("Differential: batches decide as one-by-one evaluation", "[differential]") {
  const long cases_per_jurisdiction = std::max(64L, EnvOr("LOKET_DIFF_CASES", 2000) / 2);
  const std::uint64_t seed = std::uint64_t(EnvOr("LOKET_DIFF_SEED", 20261127)) + 1;
  int columnar_programs = 0;
  ForEachJurisdiction(
      [&](const sema::Model& model, const sema::Layer& layer, const Program& program_object) {
        const Program* program = &program_object;
        columnar_programs += internal::ProgramAccess::Compiled(*program).columnar;
        CaseGenerator generator(model, layer, seed ^ std::hash<std::string>()(layer.name));
        constexpr std::size_t kChunk = 100;
        std::vector<Case> cases;
        std::vector<Outcome> batch(kChunk);
        std::vector<Outcome> rows(kChunk);
        Outcome single;
        long differences = 0;
        for (long done = 0; done < cases_per_jurisdiction; done += long(kChunk)) {
          cases.clear();
          const Date on{generator.Next().date};
          CaseTable table = program->NewTable();
          for (std::size_t i = 0; i < kChunk; ++i) {
            cases.push_back(program->NewCase());
            Fill(*program, generator.Next().facts, cases.back());
            REQUIRE(table.Append(cases.back()));
          }
          program->EvaluateBatch(cases, on, batch);
          program->EvaluateRows(table, 0, kChunk, on, rows.data());
          for (std::size_t i = 0; i < kChunk; ++i) {
            program->Evaluate(cases[i], on, single);
            const std::string want = evaltest::DescribeOutcome(*program, single);
            const std::string got_batch = evaltest::DescribeOutcome(*program, batch[i]);
            const std::string got_rows = evaltest::DescribeOutcome(*program, rows[i]);
            if ((want != got_batch || want != got_rows) && ++differences <= 3) {
              INFO("case " << program->CaseToJson(cases[i]) << " on " << on.ToString());
              CHECK(want == got_batch);
              CHECK(want == got_rows);
            }
          }
        }
        CHECK(differences == 0);
      });
  // examples/bench/migrant-desk is column-wise: the comparison covers that path.
  CHECK(columnar_programs > 0);
}

// The generated cases must be valid for the evaluator's own case validation; otherwise the
// differential test would compare answers to cases no caller could submit.
TEST_CASE("Differential: generated cases pass loket's case validation", "[differential]") {
  ForEachJurisdiction(
      [&](const sema::Model& model, const sema::Layer& layer, const Program& program_object) {
        const Program* program = &program_object;
        CaseGenerator generator(model, layer, 7);
        Case facts = program->NewCase();
        Case reparsed = program->NewCase();
        for (int i = 0; i < 200; ++i) {
          GeneratedCase generated = generator.Next();
          Fill(*program, generated.facts, facts);
          std::string json = program->CaseToJson(facts);
          std::vector<Diagnostic> errors;
          INFO(json);
          bool has_huge_int =
              std::any_of(generated.facts.begin(), generated.facts.end(), [](const auto& fact) {
                return fact.second.number > (std::int64_t(1) << 52) ||
                       fact.second.number < -(std::int64_t(1) << 52);
              });
          if (has_huge_int) continue;  // beyond what JSON numbers carry exactly
          if (generated.lacks_required) {
            // Loket's validation must reject it as the reference interpreter does (L605).
            CHECK_FALSE(program->ParseJson(json, reparsed, errors));
            REQUIRE(!errors.empty());
            CHECK(errors[0].code == "L605");
            continue;
          }
          CHECK(program->ParseJson(json, reparsed, errors));
          for (int slot = 0; slot < facts.slot_count(); ++slot) {
            REQUIRE(facts.IsSet(slot) == reparsed.IsSet(slot));
            if (facts.IsSet(slot)) CHECK(facts.raw(slot) == reparsed.raw(slot));
          }
        }
      });
}

}  // namespace
}  // namespace loket::difftest
