// What sema learned about the syntax, kept beside it: the type of every expression and
// declaration, what every name refers to, the rules and decisions that exceptions and
// assignments name, and what citations cite. The syntax trees stay unchanged, so a re-check
// shares the trees of unchanged files instead of copying them (cel-cpp's checked AST keeps its
// reference and type maps beside the expression the same way). Tables are per file id and
// indexed by the NodeId the parser gave each node; a node sema did not reach reads as
// unannotated (an error type, an unresolved symbol, no target). A re-check that reuses a
// layer's results borrows the tables of its files from the earlier check (Borrow): they are
// shared, never changed; a write to a borrowed table first copies it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ast/ast.h"

namespace loket::sema {

// A citation of a declared law, as sema read it.
struct CitationInfo {
  std::string text;  // as people read it: "Wet inburgering 2021, art. 3 lid 2"
  const ast::LawDecl* law_decl = nullptr;
  std::string article;     // "3", "2.2", "4a", "2:6"; empty: the law as a whole
  std::string article_to;  // the end of a range `art 15-16`; empty when none
  std::string paragraph;   // lid
  std::string sub;         // sub / onder
};

class Annotations {
  struct FileTables;

 public:
  // One file's tables, as an earlier check left them; shared, never changed.
  using SharedTables = std::shared_ptr<const FileTables>;

  // Sizes the tables for `files` (each parsed as its own file id), every entry unannotated,
  // except the files whose tables are in `borrowed` (by file id; null entries and ids past
  // its end get fresh tables): those are shared.
  void Reset(const std::vector<std::shared_ptr<const ast::File>>& files,
             const std::vector<SharedTables>& borrowed = {});
  // The tables of file `id`, to be borrowed by a later check; null when it has none.
  SharedTables Share(source::FileId id) const {
    return id < tables_.size() ? tables_[id].tables : nullptr;
  }

  const ast::Type& TypeOf(const ast::Expr& expr) const {
    return Of(expr.id).expr_types[expr.id.index];
  }
  const ast::Symbol& SymbolOf(const ast::Expr& expr) const {
    return Of(expr.id).symbols[expr.id.index];
  }
  const ast::Type& TypeOf(const ast::TypeRef& type) const {
    return Of(type.id).type_refs[type.id.index];
  }
  const ast::Type& TypeOf(const ast::LetDecl& let) const { return Of(let.id).lets[let.id.index]; }
  // The rule an `exception to` names (its first version); null when unresolved.
  const ast::RuleDecl* TargetOf(const ast::RuleRef& ref) const {
    return Of(ref.id).rule_refs[ref.id.index];
  }
  // Every version of that rule (§6: one id, each with its own period), the one TargetOf gives
  // first: an exception sets aside each of them. Empty when unresolved.
  const std::vector<const ast::RuleDecl*>& TargetsOf(const ast::RuleRef& ref) const {
    return Of(ref.id).rule_ref_versions[ref.id.index];
  }
  const ast::DecisionDecl* DecisionOf(const ast::Assignment& assignment) const {
    return Of(assignment.id).assignments[assignment.id.index];
  }
  const CitationInfo& InfoOf(const ast::Citation& citation) const {
    return Of(citation.id).citations[citation.id.index];
  }
  // The legal basis as people read it: the citation as written, or, for a citation list, the
  // entries joined by "; " with each law's title.
  const std::string& CitationText(const ast::RuleDecl& rule) const {
    const std::optional<std::string>& text = Of(rule.node_id).rules[rule.node_id.index];
    return text ? *text : rule.citation;
  }

  // For sema, which fills the tables in.
  ast::Type& Type(const ast::Expr& expr) { return Of(expr.id).expr_types[expr.id.index]; }
  ast::Symbol& Symbol(const ast::Expr& expr) { return Of(expr.id).symbols[expr.id.index]; }
  ast::Type& Type(const ast::TypeRef& type) { return Of(type.id).type_refs[type.id.index]; }
  ast::Type& Type(const ast::LetDecl& let) { return Of(let.id).lets[let.id.index]; }
  const ast::RuleDecl*& Target(const ast::RuleRef& ref) {
    return Of(ref.id).rule_refs[ref.id.index];
  }
  std::vector<const ast::RuleDecl*>& Targets(const ast::RuleRef& ref) {
    return Of(ref.id).rule_ref_versions[ref.id.index];
  }
  const ast::DecisionDecl*& Decision(const ast::Assignment& assignment) {
    return Of(assignment.id).assignments[assignment.id.index];
  }
  CitationInfo& Info(const ast::Citation& citation) {
    return Of(citation.id).citations[citation.id.index];
  }
  std::optional<std::string>& Citation(const ast::RuleDecl& rule) {
    return Of(rule.node_id).rules[rule.node_id.index];
  }

 private:
  struct FileTables {
    std::vector<ast::Type> expr_types;
    std::vector<ast::Symbol> symbols;
    std::vector<ast::Type> type_refs;
    std::vector<ast::Type> lets;
    std::vector<const ast::RuleDecl*> rule_refs;
    std::vector<std::vector<const ast::RuleDecl*>> rule_ref_versions;
    std::vector<CitationInfo> citations;
    std::vector<const ast::DecisionDecl*> assignments;
    std::vector<std::optional<std::string>> rules;
  };

  struct Slot {
    SharedTables tables;
    FileTables* own = nullptr;  // `tables`, when this check may write them; null when borrowed
  };

  const FileTables& Of(ast::NodeId id) const { return *tables_[id.file].tables; }
  FileTables& Of(ast::NodeId id) {
    Slot& slot = tables_[id.file];
    if (!slot.own) {  // borrowed: copy before the first write
      auto copy = std::make_shared<FileTables>(*slot.tables);
      slot.own = copy.get();
      slot.tables = std::move(copy);
    }
    return *slot.own;
  }

  std::vector<Slot> tables_;  // by file id
};

}  // namespace loket::sema
