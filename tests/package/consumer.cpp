// Checks a rule base held in memory through the installed library, as another system would.
#include <loket/evaluate.h>
#include <loket/loket.h>

#include <iostream>
#include <vector>

int main() {
  const char* rules =
      "layer national \"Nederland\"\n"
      "fact age: int in 0..130\n"
      "decision adult: bool default false\n"
      "rule adult.by_age \"Burgerlijk Wetboek 1, art. 233\"\n"
      "  when age >= 18\n"
      "  then adult = true\n";
  auto clean = loket::RuleBase::FromSources({{"memory/national.loket", rules}});
  if (clean.has_errors()) {
    loket::RenderText(std::cerr, clean.diagnostics());
    return 1;
  }

  // A misspelled fact must come back as a diagnostic with a position, not an exception.
  auto broken =
      loket::RuleBase::FromSources({{"memory/broken.loket",
                                     "layer national \"Nederland\"\nfact age: int\n"
                                     "decision adult: bool default false\n"
                                     "rule r \"BW 1:233\" when agee >= 18 then adult = true\n"}});
  if (!broken.has_errors() || broken.diagnostics().empty() ||
      broken.diagnostics().front().location.line != 4) {
    std::cerr << "expected an error on line 4 for the misspelled fact\n";
    return 1;
  }
  // Compile for the national layer and decide one case from JSON.
  auto program = clean.Compile("national");
  if (!program.ok()) {
    std::cerr << "compile failed: " << program.status().message() << "\n";
    return 1;
  }
  loket::Case facts = program->NewCase();
  std::vector<loket::Diagnostic> errors;
  if (!program->ParseJson(R"({"age": 19})", facts, errors)) {
    loket::RenderText(std::cerr, errors);
    return 1;
  }
  loket::Outcome outcome;
  program->Evaluate(facts, *loket::Date::Parse("2025-03-01"), outcome);
  int adult = outcome.FindDecision("adult");
  if (adult < 0 || !outcome.ok() || !outcome.value(adult).AsBool() ||
      outcome.winners(adult).empty() || outcome.winners(adult).front().id != "adult.by_age") {
    std::cerr << "expected adult = true by rule adult.by_age\n";
    return 1;
  }
  // Many cases at once: a CaseTable decided by EvaluateRows, as a batch job would.
  loket::CaseTable table = program->NewTable();
  for (int i = 0; i < 3; ++i) table.Append(facts);
  std::vector<loket::Outcome> outcomes(table.size());
  program->EvaluateRows(table, 0, table.size(), *loket::Date::Parse("2025-03-01"), outcomes.data());
  for (const loket::Outcome& row : outcomes) {
    if (!row.ok() || !row.value(adult).AsBool()) {
      std::cerr << "expected adult = true for every row of the table\n";
      return 1;
    }
  }
  // A wrong type in the case is a diagnostic naming the fact.
  errors.clear();
  if (program->ParseJson(R"({"age": "nineteen"})", facts, errors) || errors.empty() ||
      errors.front().code != "L602") {
    std::cerr << "expected L602 for a text age\n";
    return 1;
  }
  std::cout << "consumer: loket " << loket::Version() << " checked " << clean.stats().rules
            << " rule(s); broken input gave " << broken.diagnostics().front().code << "\n";
  return 0;
}
