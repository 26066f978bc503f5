// Checks a rule base held in memory through the installed library, as another system would.
#include <loket/loket.h>

#include <iostream>

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
  auto broken = loket::RuleBase::FromSources(
      {{"memory/broken.loket", "layer national \"Nederland\"\nfact age: int\n"
                               "decision adult: bool default false\n"
                               "rule r \"BW 1:233\" when agee >= 18 then adult = true\n"}});
  if (!broken.has_errors() || broken.diagnostics().empty() ||
      broken.diagnostics().front().location.line != 4) {
    std::cerr << "expected an error on line 4 for the misspelled fact\n";
    return 1;
  }
  std::cout << "consumer: loket " << loket::Version() << " checked " << clean.stats().rules
            << " rule(s); broken input gave " << broken.diagnostics().front().code << "\n";
  return 0;
}
