// The checked rule base: the parsed files, the layer tree and, per layer, its declarations.
// Produced by sema::Analyze; after that it is read-only and shared by graph, compile, eval
// and analysis. All annotations (types, resolved names, exception targets, assigned
// decisions) are filled in when Analyze reports no errors.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ast/ast.h"
#include "diag/diagnostic.h"
#include "sema/annotations.h"
#include "source/source_manager.h"

namespace loket::sema {

struct Layer {
  std::string name;
  std::string kind;  // national, province, region, municipality
  std::string title;
  std::string code;
  const ast::LayerHeader* header = nullptr;  // the declaring header
  Layer* parent = nullptr;
  std::vector<Layer*> children;
  int depth = 0;  // root = 0
  ast::Validity validity;

  // This layer's own declarations, in file order.
  std::vector<const ast::EnumDecl*> enums;
  std::vector<const ast::AuthorityDecl*> authorities;
  std::vector<const ast::LawDecl*> laws;
  std::vector<const ast::DomainDecl*> domains;
  std::vector<const ast::FactDecl*> facts;
  std::vector<const ast::ParamDecl*> params;
  std::vector<const ast::LetDecl*> lets;
  std::vector<const ast::AssumeDecl*> assumes;
  std::vector<const ast::DecisionDecl*> decisions;
  std::vector<const ast::RuleDecl*> rules;

  bool is_leaf() const { return children.empty(); }
  const ast::RuleDecl* FindRule(std::string_view id) const;
};

struct Model {
  source::SourceManager* sources = nullptr;  // owned by the caller (the RuleBase)
  // The syntax, never changed: a re-check shares the trees of unchanged files.
  std::vector<std::shared_ptr<const ast::File>> files;
  Annotations annotations;                     // what sema learned about the syntax
  std::vector<std::unique_ptr<Layer>> layers;  // parents before children
  const Layer* root = nullptr;
  bool has_errors = false;

  const Layer* FindLayer(std::string_view name) const;
  // The layers in force for a jurisdiction: root first, `leaf` last.
  std::vector<const Layer*> Chain(const Layer& leaf) const;
  // Which version of its id a rule is (§6: versions share an id): how many rules of its layer
  // with that id come before it. The compiled program keeps a layer's rules in this order.
  int VersionIndex(const ast::RuleDecl& rule) const;
  // The layer that declares a rule / decision (by the decl's `layer` field).
  const Layer* LayerOf(std::string_view layer_name) const { return FindLayer(layer_name); }
};

// A type as the language writes it ("int", "set of Service"), for messages.
std::string TypeName(const ast::Type& type);

// Resolves names across files and layers, builds the layer tree, checks types, ranges,
// assignments, exceptions, citations and competence. Shares the files, never changing them;
// each must have been parsed as its own id in `sources`.
std::unique_ptr<Model> Analyze(std::vector<std::shared_ptr<const ast::File>> files,
                               source::SourceManager& sources, diag::DiagnosticSink& sink);
class ReuseMemo;  // sema/reuse.h
// The same, reusing the per-layer results of the previous check that used `memo` where they
// hold unchanged (sema/reuse.h), and leaving this check's in `memo`: exactly the same result.
std::unique_ptr<Model> Analyze(std::vector<std::shared_ptr<const ast::File>> files,
                               source::SourceManager& sources, diag::DiagnosticSink& sink,
                               ReuseMemo& memo);
// The same, for files just parsed.
std::unique_ptr<Model> Analyze(std::vector<std::unique_ptr<ast::File>> files,
                               source::SourceManager& sources, diag::DiagnosticSink& sink);

}  // namespace loket::sema
