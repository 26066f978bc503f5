// The compiler's passes and what they share; compile.cpp runs them in order. Internal to
// src/compile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ast/ast.h"
#include "compile/program.h"
#include "diag/diagnostic.h"
#include "sema/model.h"

namespace loket::compile {

// Unsupported constructs end compilation with a diagnostic; thrown by the passes, caught by
// compile::Compile.
struct CompileError {
  diag::Kind kind;
  source::SourceRange range;
  std::string message;
};

// Registers of the named values, shared by every code block.
struct SlotMap {
  std::unordered_map<const ast::FactDecl*, int> facts;
  std::unordered_map<const ast::ParamDecl*, int> params;
  std::unordered_map<const ast::LetDecl*, int> lets;
  std::unordered_map<const ast::DecisionDecl*, int> decisions;
  std::unordered_set<const ast::FactDecl*> optional_facts;
  int reference_date = -1;
  int temp_base = 0;
  const sema::Annotations* annotations = nullptr;  // the model's: names' symbols, types
};

inline bool IsComparison(ast::ExprKind kind) {
  using ast::ExprKind;
  return kind == ExprKind::kEq || kind == ExprKind::kNe || kind == ExprKind::kLt ||
         kind == ExprKind::kLe || kind == ExprKind::kGt || kind == ExprKind::kGe;
}

// --- Code generation (codegen.cpp) ---------------------------------------------------------
// The value of a constant expression (literals, and operators on them), if it is one.
std::optional<std::int64_t> FoldConstant(const ast::Expr& e, const sema::Annotations& annotations);
// Emits one code block into `code`: a condition (its result 0 or 1) or a value. The registers
// it reads go into `reads`; `register_count` grows to cover its temporaries.
CodeRef GenerateCondition(const ast::Expr& condition, const SlotMap& slots,
                          std::vector<Instr>& code, int& register_count, std::vector<int>& reads);
CodeRef GenerateValue(const ast::Expr& value, const SlotMap& slots, std::vector<Instr>& code,
                      int& register_count, std::vector<int>& reads);

// --- Atom extraction (atoms.cpp) -----------------------------------------------------------
// One conjunct as an atom (a range, mask, comparison or `known` test on one register), when
// it has that simple form.
bool MakeAtom(const ast::Expr& e, bool negate, const SlotMap& slots, Atom& atom);
// A condition as a disjunction of conjunctions of atoms (a few terms at most), or false when
// some part is not an atom.
bool Disjunction(const ast::Expr& e, const SlotMap& slots, std::vector<std::vector<Atom>>& terms);

// --- Lowering (lower.cpp) ------------------------------------------------------------------
// The jurisdiction's slots, enums, params, lets, rules, decisions and assumptions as code
// blocks and atoms, and its steps in graph::EvaluationOrder.
void Lower(const sema::Model& model, const sema::Layer& jurisdiction, CompiledProgram& program);

// --- Acceleration planning -----------------------------------------------------------------
// Atoms as bits of words: each distinct atom numbered, each atom-form condition as word tests,
// each atom computed at the first step that needs it (atom_plan.cpp).
void PlanAtoms(CompiledProgram& program);
// Per decision its entries and the execution path that decides it; whether the program runs
// column-wise (decision_plan.cpp).
void PlanDecisions(CompiledProgram& program);

}  // namespace loket::compile
