// The registry entries that code outside src/diag relies on by their code string.
#include <catch2/catch.hpp>

#include "diag/diagnostic.h"

TEST_CASE("Diagnostics: the internal-error code of RuleBase::FromSources is registered", "[diag]") {
  // src/api/rule_base.cpp reports an escaped exception as L000 / InternalError.
  bool found = false;
  for (const auto& info : loket::diag::AllKinds()) {
    if (info.code == "L000") {
      found = true;
      CHECK(info.name == "InternalError");
      CHECK(info.severity == loket::diag::Severity::kError);
    }
  }
  CHECK(found);
}
