// One comparison of the compiled evaluator (loket::Program) with the reference interpreter on
// a generated case; shared by the differential test and the property test.
#pragma once

#include <map>
#include <string>

#include "case_generator.h"
#include "loket/evaluate.h"
#include "reference_interpreter.h"
#include "sema/model.h"

namespace loket::difftest {

// Puts a generated case into a loket::Case through the typed setters.
void Fill(const Program& program, const RefCase& facts, Case& out);

// The evaluator and the reference interpreter for one jurisdiction.
class JurisdictionCheck {
 public:
  JurisdictionCheck(const sema::Model& model, const sema::Layer& layer, const Program& program);

  // Evaluates `generated` with both (the evaluator's outcome is left in `outcome`); returns an
  // empty string when they agree on every decision's status, value and deciding rules, else
  // what differs.
  std::string Compare(const GeneratedCase& generated, Case& facts, Outcome& outcome);

 private:
  const Program& program_;
  ReferenceInterpreter reference_;
  std::map<std::string, ast::Type> decision_types_;
};

}  // namespace loket::difftest
