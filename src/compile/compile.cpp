// The compiler: the checked model of one jurisdiction to a CompiledProgram, pass by pass.
// Each pass is a file of src/compile with one entry point (compile/passes.h).
#include "compile/compile.h"

#include <memory>
#include <string_view>

#include "compile/passes.h"

namespace loket::compile {

std::shared_ptr<const CompiledProgram> Compile(const sema::Model& model,
                                               const sema::Layer& jurisdiction,
                                               diag::DiagnosticSink& sink) {
  auto program = std::make_shared<CompiledProgram>();
  try {
    // Slots, enums, params; lets, rules, decisions and assumptions as code blocks and atoms
    // (code generation: codegen.cpp, atom extraction: atoms.cpp); steps in the dependency
    // order of src/graph.
    Lower(model, jurisdiction, *program);
    // Acceleration: atoms as bits and their schedule over the steps; per decision its entries
    // and execution path; column-wise batches.
    PlanAtoms(*program);
    PlanDecisions(*program);
  } catch (const CompileError& error) {
    sink.Add(error.kind, error.range, error.message);
    return nullptr;
  }
  return program;
}

}  // namespace loket::compile

namespace loket::internal {

int CompiledProgram::FindFact(std::string_view name) const {
  for (int i = 0; i < fact_count; ++i) {
    if (slots[static_cast<std::size_t>(i)].name == name) return i;
  }
  return -1;
}

int CompiledProgram::FindDecision(std::string_view name) const {
  for (std::size_t i = 0; i < decision_infos.size(); ++i) {
    if (decision_infos[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int CompiledProgram::FindRule(std::string_view id) const {
  // Unqualified: the jurisdiction's own rules first, then upward.
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (rules[i].layer == *layer && rules[i].id == id) return static_cast<int>(i);
    }
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const compile::Rule& rule = rules[i];
    if (id.size() == rule.layer.size() + 1 + rule.id.size() &&
        id.substr(0, rule.layer.size()) == rule.layer && id[rule.layer.size()] == '.' &&
        id.substr(rule.layer.size() + 1) == rule.id) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

const std::vector<std::string>* CompiledProgram::MembersOf(int slot) const {
  if (slot < 0 || static_cast<std::size_t>(slot) >= slots.size()) return nullptr;
  int e = slots[static_cast<std::size_t>(slot)].enum_index;
  if (e < 0) return nullptr;
  return &enums[static_cast<std::size_t>(e)].members;
}

}  // namespace loket::internal
