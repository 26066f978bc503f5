// The dependency cone of a decision in one jurisdiction: every declaration its outcome can
// depend on (its rules in force in the period with their exception trees, and what they,
// its default and its `applies when` read: lets, params, decisions, facts, enums, and the
// chain's assumptions), each with the source text it was written as. Two cones with the same
// declarations and texts (and the same layer and file validity) decide every case the same
// way, so a decision whose cone is unchanged needs no solver (`loket diff`). With the places
// of the declarations too, a cone is what the conflict analysis of a decision reads beyond
// the facts and assumptions of its chain (Frame), and keys its per-decision cache.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sema/content_key.h"
#include "sema/model.h"
#include "support/date.h"

namespace loket::sema {

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
  // `places` (a name of every file, by file id): each hash also covers where the declaration
  // is, its file by that name and its byte range, for results that point at it.
  ConeBuilder(const Model& model, Period period,
              const std::vector<std::uint64_t>* places = nullptr);
  // Build and Frame only read: threads may share one builder.
  Cone Build(const std::vector<const Layer*>& chain, const ast::DecisionDecl& decision) const;
  // The union of the cones of `decisions`.
  Cone Build(const std::vector<const Layer*>& chain,
             const std::vector<const ast::DecisionDecl*>& decisions) const;
  // One hash of what every decision of `chain` is analysed over: the chain's layers (name,
  // kind, header, validity), its facts and its assumptions, in order, with their places.
  std::uint64_t Frame(const std::vector<const Layer*>& chain) const;
  // In force on some day of the period (the rule, its file's header and its layer).
  bool InForceDuring(const ast::RuleDecl& rule) const;

 private:
  std::uint64_t TextHash(source::SourceRange range) const;

  const Model& model_;
  Period period_;
  const std::vector<std::uint64_t>* places_ = nullptr;
  // The validity written in each file's header, by file id (a rule's range names its file).
  const ast::Validity* FileValidity(const ast::RuleDecl& rule) const;
  std::vector<const ast::Validity*> file_validity_;
  // Indexes of a layer, made the first time a cone reads it: a cone reads a few rules of a
  // chain, and a unit of the analysis asks for cones in every chain below it.
  struct LayerIndex {
    std::once_flag once;
    // The rules that assign a decision, in file order.
    std::unordered_map<const ast::DecisionDecl*, std::vector<const ast::RuleDecl*>> assigning;
    // This layer's exceptions to a base rule (of any layer).
    std::unordered_map<const ast::RuleDecl*, std::vector<const ast::RuleDecl*>> exceptions;
    std::unordered_map<const ast::RuleDecl*, int> versions;  // Model::VersionIndex
  };
  const LayerIndex& IndexOf(const Layer& layer) const;
  std::unordered_map<std::string_view, const Layer*> layer_by_name_;  // the first of a name
  std::unordered_map<const Layer*, std::size_t> position_;            // in model.layers
  std::unique_ptr<LayerIndex[]> indexes_;                             // by position
};

// The keys that differ, as "rule national.wi.duty (changed)" / "(added)" / "(removed)".
std::vector<std::string> ConeChanges(const Cone& old_cone, const Cone& new_cone);

// One hash of a cone's keys and hashes.
std::uint64_t ConeHash(const Cone& cone);

}  // namespace loket::sema
