// The fact tree of an explanation: the values a rule read, each derived value (a let, or a
// decision) expanded into what it was computed from, down to the case facts. Shared by the
// text and JSON renderings of an answer so that both show the same tree.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "loket/evaluate.h"

namespace loket::internal {

struct FactNode {
  const ReadValue* read = nullptr;
  // A let or decision expanded here (null for facts, params, the date, and for a derived
  // value already expanded earlier in the same tree, which `repeated` marks).
  const DerivedValue* derived = nullptr;
  bool repeated = false;
  std::vector<FactNode> children;
};

// `expanded` holds the derived values already expanded in this tree (one decision's
// explanation): each is expanded once and referred to afterwards.
std::vector<FactNode> BuildFactTree(const Explanation& explanation,
                                    const std::vector<ReadValue>& reads,
                                    std::set<std::string>& expanded);

}  // namespace loket::internal
