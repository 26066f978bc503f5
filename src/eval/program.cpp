// The public Program's schema: what a compiled jurisdiction holds (facts, decisions, rules)
// and new cases for it. Evaluating is in evaluate.cpp.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compile/program.h"
#include "loket/evaluate.h"

namespace loket {

using compile::CompiledProgram;

Program::Program(std::shared_ptr<const CompiledProgram> compiled)
    : compiled_(std::move(compiled)) {}

const std::string& Program::jurisdiction() const {
  return compiled_->jurisdiction;
}
const std::vector<std::string>& Program::layers() const {
  return compiled_->layers;
}
const std::vector<FactInfo>& Program::facts() const {
  return compiled_->fact_infos;
}
const std::vector<DecisionInfo>& Program::decisions() const {
  return compiled_->decision_infos;
}
const std::vector<RuleInfo>& Program::rules() const {
  return compiled_->rule_infos;
}
int Program::FactSlot(std::string_view name) const {
  return compiled_->FindFact(name);
}
int Program::DecisionIndex(std::string_view name) const {
  return compiled_->FindDecision(name);
}
int Program::RuleIndex(std::string_view id) const {
  return compiled_->FindRule(id);
}

Case Program::NewCase() const {
  Case c;
  c.program_ = compiled_;
  c.Resize(compiled_->fact_count);
  return c;
}

}  // namespace loket
