// The checker behind sema::Analyze. Internal to src/sema: one object per Analyze call, its
// work split over layers.cpp (the layer tree), names.cpp (declarations and visibility),
// expr.cpp (expression types), decls.cpp (facts, params, lets, decisions), rules.cpp
// (rules, exceptions and competence) and reuse.cpp (an earlier check's per-layer results).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ast/ast.h"
#include "diag/diagnostic.h"
#include "sema/model.h"
#include "sema/reuse.h"

namespace loket::sema::detail {

// Names live in four separate spaces: enum types, authorities, values and laws.
enum class NameSpace : std::uint8_t { kType, kAuthority, kValue, kLaw };
constexpr int kNameSpaces = 4;

enum class EntityKind : std::uint8_t { kEnum, kAuthority, kFact, kParam, kLet, kDecision, kLaw };

// One declared name.
struct Entity {
  EntityKind kind = EntityKind::kFact;
  const Layer* layer = nullptr;
  source::SourceRange name_range;
  const ast::EnumDecl* enum_decl = nullptr;
  const ast::AuthorityDecl* authority = nullptr;
  const ast::FactDecl* fact = nullptr;
  const ast::ParamDecl* param = nullptr;
  const ast::LetDecl* let = nullptr;
  const ast::DecisionDecl* decision = nullptr;
  const ast::LawDecl* law = nullptr;
};

// Where an expression is checked: its layer and the optional facts that a surrounding
// `known(f)` guarantees to be present.
struct ExprScope {
  const Layer* layer = nullptr;
  std::vector<const ast::FactDecl*> guarded;
};

std::string_view EntityKindName(EntityKind kind);
// A constant of an int, money or date type, as the user would write it.
std::string FormatConstant(const ast::Type& type, std::int64_t value);
bool IsLayerKind(std::string_view kind);

// The value of an int, money or date expression built from literals alone (after Check).
std::optional<std::int64_t> EvalConstant(const ast::Expr& expr, const Annotations& annotations);
// Built from literals and enum members alone: what a param value or `within` bound may be.
bool IsConstant(const ast::Expr& expr, const Annotations& annotations);
// The same for every case: constants and params (a param's value depends only on the date).
bool IsCaseIndependent(const ast::Expr& expr, const Annotations& annotations);

class Analyzer {
 public:
  // `memo`, when given: the previous check's per-layer results to reuse, replaced at the end
  // of Run by this check's.
  Analyzer(Model& model, diag::DiagnosticSink& sink, ReuseMemo* memo = nullptr)
      : model_(model), ann_(model.annotations), sink_(sink), memo_(memo) {}

  void Run();

 private:
  // --- layers.cpp
  void BuildLayers();
  void AttachDeclarations();
  void CheckValidity(const ast::Validity& validity);

  // --- names.cpp
  void DeclareNames();
  void Declare(NameSpace space, std::string_view name, const Entity& entity);
  const Entity* Lookup(const Layer& layer, NameSpace space, std::string_view name) const;
  // A declaration of `name` in a layer `layer` cannot see, for L308.
  const Entity* LookupHidden(const Layer& layer, NameSpace space, std::string_view name) const;
  std::vector<std::string> VisibleNames(const Layer& layer, NameSpace space) const;
  // Reports a name that does not resolve: L308 when a lower or sibling layer declares it,
  // else `unknown_kind` (L201, L203, L315) with "did you mean" over the visible names.
  diag::Diagnostic& ReportUnresolved(const Layer& layer, NameSpace space, std::string_view name,
                                     source::SourceRange range, diag::Kind unknown_kind,
                                     std::string_view what,
                                     std::optional<EntityKind> only = std::nullopt);
  static bool IsAncestorOrSelf(const Layer* ancestor, const Layer* layer);

  // --- expr.cpp
  ast::Type Check(const ast::Expr& expr, const ast::Type* expected, ExprScope& scope);
  // Like Check, but a duration is an error: it is a value only right of date + / -.
  ast::Type CheckValue(const ast::Expr& expr, const ast::Type* expected, ExprScope& scope);
  // A condition: a bool, else L226 naming `what` ("the `when` condition").
  void CheckCondition(const ast::Expr& expr, ExprScope& scope, std::string_view what);
  ast::Type CheckName(const ast::Expr& expr, const ast::Type* expected, ExprScope& scope);
  ast::Type CheckKnown(const ast::Expr& expr, ExprScope& scope);
  ast::Type CheckCall(const ast::Expr& expr, const ast::Type* expected, ExprScope& scope);
  ast::Type CheckSet(const ast::Expr& expr, const ast::Type* expected, ExprScope& scope);
  ast::Type CheckArithmetic(const ast::Expr& expr, ExprScope& scope);
  ast::Type CheckComparison(const ast::Expr& expr, ExprScope& scope);
  ast::Type CheckIn(const ast::Expr& expr, ExprScope& scope);
  ast::Type CheckInRange(const ast::Expr& expr, ExprScope& scope);
  ast::Type CheckIf(const ast::Expr& expr, const ast::Type* expected, ExprScope& scope);
  // Two operands whose types must agree, checking first the one that is not a bare enum
  // member so the member can be resolved against the other's type.
  std::pair<ast::Type, ast::Type> CheckPair(const ast::Expr& lhs, const ast::Expr& rhs,
                                            ExprScope& scope);
  bool IsBareMember(const ast::Expr& expr, const Layer& layer) const;
  // The visible enums that have a member `name`, by enum name.
  std::vector<std::pair<const ast::EnumDecl*, int>> MemberOwners(std::string_view name,
                                                                 const Layer& layer) const;
  // The optional facts a condition proves present (`positive`) or absent (`!positive`).
  void CollectKnown(const ast::Expr& expr, bool positive,
                    std::vector<const ast::FactDecl*>& out) const;
  // L208 when `constant` lies outside the range declared for `declared` (a name).
  void CheckConstantAgainst(const ast::Expr& named, const ast::Expr& constant);
  void CheckConstantInRange(const ast::Expr& constant, const ast::TypeRef& type,
                            std::string_view name, source::SourceRange declared_at);
  ast::Type LetType(const ast::LetDecl& let, const Layer& layer);

  // --- decls.cpp
  void ResolveTypeRef(const ast::TypeRef& type, const Layer& layer);
  void CheckDeclarations();
  void CheckParam(const ast::ParamDecl& param, const Layer& layer);
  void CheckLet(const ast::LetDecl& let, const Layer& layer);
  void CheckDecision(const ast::DecisionDecl& decision, const Layer& layer);
  void CheckDelegation(const ast::DecisionDecl& decision, const Layer& layer);
  // Value must have `expected` type, else L204 with `what` ("the default of `x`").
  bool ExpectType(const ast::Expr& value, const ast::Type& actual, const ast::Type& expected,
                  std::string_view what);

  // --- citations.cpp
  void CheckLaw(const ast::LawDecl& law);
  // Resolves a citation list's laws, reads its article references and sets the rule's
  // citation text from them.
  void CheckCitations(const ast::RuleDecl& rule, const Layer& layer);
  // L241 when `citation.reference` is not an article reference; fills article, lid, sub.
  void ReadArticleReference(const ast::Citation& citation);

  // --- reuse.cpp
  // Picks the layers whose previous results hold unchanged (reuse.h), marks their lets done
  // and returns their files' tables, by file id, for Annotations::Reset.
  std::vector<Annotations::SharedTables> ChooseReusedLayers();
  // For a reused layer: reports again what `pass` reported for it last time; true when so,
  // and the pass skips the layer.
  bool Replay(const Layer& layer, LayerPass pass);
  // After `pass` checked `layer`: keeps what it reported (from sink index `first`).
  void Record(const Layer& layer, LayerPass pass, std::size_t first);
  // Replaces the memo's records by this check's.
  void RememberForNextCheck();
  std::vector<const ast::File*> ChainFiles(const Layer& layer) const;

  // --- rules.cpp
  void CheckRules();
  void CheckRuleBody(const ast::RuleDecl& rule, const Layer& layer);
  void ResolveExceptions(const ast::RuleDecl& rule, const Layer& layer);
  // L214: `rule` decides only what `base` decides; true when it reported.
  bool CheckDecidesOnlyBase(const ast::RuleDecl& rule, const ast::RuleDecl& base);
  void CheckCompetence(const ast::RuleDecl& rule, const Layer& layer);
  void CheckWithin(const ast::Assignment& assignment, const ast::DecisionDecl& decision,
                   const Layer& layer);

  diag::Diagnostic& Report(diag::Kind kind, source::SourceRange range, std::string message);
  const Layer* LayerOfDecl(const std::string& name) const;
  Layer* MutableLayer(std::string_view name);

  Model& model_;
  Annotations& ann_;  // model_.annotations, which sema fills in
  diag::DiagnosticSink& sink_;
  const Layer* current_layer_ = nullptr;  // the layer diagnostics are about

  // Per layer, per name space, the names it declares itself.
  struct OwnNames {
    std::unordered_map<std::string, Entity> names[kNameSpaces];
  };
  std::unordered_map<const Layer*, OwnNames> own_;
  // Every declaration of a name in any layer, for L308.
  std::unordered_map<std::string, std::vector<Entity>> all_[kNameSpaces];
  // Layer -> its files, in file order (a file whose header failed or names an unknown layer
  // belongs to none).
  std::unordered_map<const Layer*, std::vector<const ast::File*>> layer_files_;
  const std::vector<const ast::File*>& FilesOf(const Layer* layer) const;

  // Layers cut off from the root by an unknown or cyclic `under` (L301, L303): what they do
  // not see is the consequence of that one error, not another one (no L308 cascade).
  std::unordered_set<const Layer*> cut_off_;
  diag::Diagnostic discarded_;  // the target of reports that are left out
  diag::Diagnostic& Discard();

  enum class LetState : std::uint8_t { kInProgress, kDone };
  std::unordered_map<const ast::LetDecl*, LetState> let_state_;

  ReuseMemo* memo_ = nullptr;
  // The layers whose results come from the memo, with their records there.
  std::unordered_map<const Layer*, ReuseMemo::LayerRecord*> reused_;
  // What each pass reported for each layer checked here (with a memo).
  std::unordered_map<const Layer*, ReuseMemo::LayerRecord> records_;
  // Layers whose checks looked beyond their chain (at every layer's names or rules, to say why
  // a name does not resolve): their results cannot be reused.
  mutable std::unordered_set<const Layer*> reads_outside_;
};

}  // namespace loket::sema::detail
