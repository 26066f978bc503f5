// One loaded rule base as the service serves it: checked, every layer compiled, immutable.
// A request takes the current snapshot once and uses it from start to end; a reload builds a
// new snapshot and swaps it in, so no request ever sees two rule bases.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <loket/loket.h>

namespace loket::serve {

struct Snapshot {
  RuleBase rules;
  std::vector<LayerInfo> layers;
  std::map<std::string, Program> programs;  // by layer name
  std::uint64_t generation = 0;             // 1 for the first load, +1 per successful reload

  // The layer named by its name or CBS code (RuleBase::ResolveJurisdiction); nullptr when
  // there is none.
  const LayerInfo* FindLayer(const std::string& name_or_code) const;
  const Program* ProgramOf(const std::string& layer_name) const;
  // The names of a layer's chain, root first, the layer last.
  std::vector<std::string> Chain(const LayerInfo& layer) const;
};

struct LoadFailure {
  bool rule_errors = false;  // the rule base has errors (otherwise it could not be read)
  std::string text;          // what went wrong, as `loket check` prints it
};

// Loads, checks and compiles. Null with `failure` set on a Status error or rule errors.
std::shared_ptr<const Snapshot> LoadSnapshot(const std::vector<std::string>& paths,
                                             std::uint64_t generation, LoadFailure& failure);

}  // namespace loket::serve
