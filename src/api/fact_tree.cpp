#include "api/fact_tree.h"

namespace loket::internal {

std::vector<FactNode> BuildFactTree(const Explanation& explanation,
                                    const std::vector<ReadValue>& reads,
                                    std::set<std::string>& expanded) {
  std::vector<FactNode> nodes;
  for (const ReadValue& read : reads) {
    FactNode node;
    node.read = &read;
    if (read.kind == "let" || read.kind == "decision") {
      const DerivedValue* derived = explanation.FindDerived(read.name);
      if (derived && !expanded.insert(read.name).second) {
        node.repeated = true;
      } else if (derived) {
        node.derived = derived;
        node.children = BuildFactTree(explanation, derived->reads, expanded);
      }
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace loket::internal
