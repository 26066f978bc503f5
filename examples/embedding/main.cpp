// An integrating system's view of loket: load and check the rule base once, compile the
// program for a municipality once, then decide cases — here one persona from a YAML file,
// decided from two threads sharing the same immutable Program, then as a bulk job would:
// many cases in a CaseTable, decided in batches.
//
//   embedding RULES_DIR [JURISDICTION] [CASE_YAML] [DATE]
#include <loket/evaluate.h>
#include <loket/loket.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

bool ReadFile(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string rules = argc > 1 ? argv[1] : "rules";
  const std::string jurisdiction = argc > 2 ? argv[2] : "westland";
  const std::string case_path =
      argc > 3 ? argv[3] : rules + "/../examples/cases/polish-greenhouse-worker.yaml";
  const std::string date_text = argc > 4 ? argv[4] : "2025-03-01";

  // 1. Load and check. I/O problems are a Status; mistakes in the rules are diagnostics.
  loket::Result<loket::RuleBase> rule_base = loket::RuleBase::LoadFiles({rules});
  if (!rule_base.ok()) {
    std::cerr << "cannot load rules: " << rule_base.status().message() << "\n";
    return 2;
  }
  if (rule_base->has_errors()) {
    loket::RenderText(std::cerr, rule_base->diagnostics());
    return 1;
  }

  // 2. Compile once per jurisdiction.
  loket::Result<loket::Program> program = rule_base->Compile(jurisdiction);
  if (!program.ok()) {
    std::cerr << "cannot compile " << jurisdiction << ": " << program.status().message() << "\n";
    return 2;
  }

  // 3. Read and validate a case.
  std::string yaml;
  if (!ReadFile(case_path, yaml)) {
    std::cerr << "cannot read " << case_path << "\n";
    return 2;
  }
  loket::Case facts = program->NewCase();
  std::vector<loket::Diagnostic> errors;
  if (!program->ParseYaml(yaml, facts, errors)) {
    for (auto& error : errors) error.location.path = case_path;
    loket::RenderText(std::cerr, errors);
    return 1;
  }
  std::optional<loket::Date> on = loket::Date::Parse(date_text);
  if (!on) {
    std::cerr << "not a date: " << date_text << "\n";
    return 2;
  }

  // 4. Decide it on two threads; a Program is shared, Outcomes are per thread.
  loket::Outcome first;
  loket::Outcome second;
  std::thread worker([&] { program->Evaluate(facts, *on, second); });
  program->Evaluate(facts, *on, first);
  worker.join();

  int differences = 0;
  std::cout << "decisions for " << case_path << " in " << jurisdiction << " on " << date_text
            << ":\n";
  for (int d = 0; d < first.decision_count(); ++d) {
    const loket::DecisionInfo& info = first.info(d);
    if (first.status(d) != second.status(d) || first.raw(d) != second.raw(d)) ++differences;
    std::cout << "  " << info.name << " = ";
    if (auto error = first.error(d)) {
      std::cout << "error " << error->code << ": " << error->message << "\n";
      continue;
    }
    std::cout << first.value(d).ToString();
    for (const loket::RuleRefInfo& rule : first.winners(d)) {
      std::cout << "  [" << rule.layer << "." << rule.id << ", " << rule.citation << "]";
    }
    std::cout << "\n";
  }
  if (differences != 0) {
    std::cerr << "threads disagreed on " << differences << " decision(s)\n";
    return 1;
  }

  // 5. A bulk job: cases kept compactly in a CaseTable, decided 64 at a time into reused
  //    outcomes (Program::EvaluateRows); each decides as Evaluate did.
  loket::CaseTable table = program->NewTable();
  for (int i = 0; i < 1000; ++i) table.Append(facts);
  std::vector<loket::Outcome> chunk(64);
  std::size_t agreeing = 0;
  for (std::size_t row = 0; row < table.size(); row += chunk.size()) {
    const std::size_t n = std::min(chunk.size(), table.size() - row);
    program->EvaluateRows(table, row, n, *on, chunk.data());
    for (std::size_t i = 0; i < n; ++i) {
      bool same = chunk[i].ok() == first.ok();
      for (int d = 0; d < first.decision_count(); ++d) {
        same = same && chunk[i].status(d) == first.status(d) && chunk[i].raw(d) == first.raw(d);
      }
      agreeing += same;
    }
  }
  std::cout << "batch: " << agreeing << " of " << table.size()
            << " rows of a CaseTable decided as above\n";
  if (agreeing != table.size()) return 1;
  return first.ok() ? 0 : 1;
}
