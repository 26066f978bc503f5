// Random valid cases for one jurisdiction of a checked rule base, for the differential test.
// Values are drawn within each fact's type, range and enum, biased towards the constants the
// rules compare with (and one either side of them), towards range ends and, for dates,
// towards validity boundaries and "reference date minus N years", where off-by-one errors
// live. Optional facts are sometimes absent; one case in a hundred lacks a required fact.
// Deterministic for a seed.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "reference_interpreter.h"
#include "sema/model.h"
#include "support/date.h"

namespace loket::difftest {

struct GeneratedCase {
  support::DayNumber date = 0;  // the reference date
  RefCase facts;
  bool lacks_required = false;  // a required fact was left out on purpose (L605)
};

class CaseGenerator {
 public:
  CaseGenerator(const sema::Model& model, const sema::Layer& jurisdiction, std::uint64_t seed);

  GeneratedCase Next();

 private:
  std::int64_t Uniform(std::int64_t lo, std::int64_t hi);
  bool Chance(double p);
  std::int64_t Pick(const std::vector<std::int64_t>& values);
  // A number near one of `interesting` (or uniform), within [lo, hi].
  std::int64_t Number(const std::vector<std::int64_t>& interesting, std::int64_t lo,
                      std::int64_t hi);
  support::DayNumber Date(support::DayNumber reference_date,
                          const std::optional<ast::Range>& range);
  RefValue Value(const ast::FactDecl& fact, support::DayNumber reference_date);

  std::mt19937_64 random_;
  const sema::Annotations& annotations_;
  std::vector<const ast::FactDecl*> facts_;
  std::vector<std::int64_t> ints_;   // int literals of the rule base
  std::vector<std::int64_t> cents_;  // money literals (and int literals as euros)
  std::vector<std::int64_t> dates_;  // date literals, validity bounds, param dates
};

}  // namespace loket::difftest
