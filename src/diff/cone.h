// The dependency cone of a decision in one jurisdiction: every declaration its outcome can
// depend on (its rules in force in the period with their exception trees, and what they,
// its default and its `applies when` read: lets, params, decisions, facts, enums, and the
// chain's assumptions), each with the source text it was written as. Two cones with the same
// declarations and texts (and the same layer and file validity) decide every case the same
// way, so a decision whose cone is unchanged needs no solver.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sema/model.h"
#include "support/date.h"

namespace loket::diff {

// Inclusive range of day numbers the comparison covers.
struct Period {
  support::DayNumber from = 0;
  support::DayNumber until = 0;
};

// "rule national.wi.duty" -> a hash of its text and of the validity of its layer and file.
using Cone = std::map<std::string, std::uint64_t>;

// Builds cones in one model for one period; keeps what it learned about declarations.
class ConeBuilder {
 public:
  ConeBuilder(const sema::Model& model, Period period);
  Cone Build(const std::vector<const sema::Layer*>& chain, const ast::DecisionDecl& decision);
  // In force on some day of the period (the rule, its file's header and its layer).
  bool InForceDuring(const ast::RuleDecl& rule) const;

 private:
  std::uint64_t TextHash(source::SourceRange range) const;

  const sema::Model& model_;
  Period period_;
  std::map<const ast::RuleDecl*, const ast::Validity*> file_validity_;
};

// The keys that differ, as "rule national.wi.duty (changed)" / "(added)" / "(removed)".
std::vector<std::string> ConeChanges(const Cone& old_cone, const Cone& new_cone);

}  // namespace loket::diff
