#include "syntax/ast_builder.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/date.h"
#include "syntax/generated.h"
#include "syntax/input_checks.h"
#include "syntax/literals.h"

namespace loket::syntax {

namespace {

using loket_gen::LoketLexer;
using loket_gen::LoketParser;
using source::SourceRange;

// True when the parser recovered from an error somewhere in `tree`.
bool HasError(antlr4::tree::ParseTree* tree) {
  std::vector<antlr4::tree::ParseTree*> pending{tree};
  while (!pending.empty()) {
    antlr4::tree::ParseTree* node = pending.back();
    pending.pop_back();
    if (node == nullptr) return true;
    if (dynamic_cast<antlr4::tree::ErrorNode*>(node) != nullptr) return true;
    if (auto* context = dynamic_cast<antlr4::ParserRuleContext*>(node)) {
      if (context->exception != nullptr) return true;
    }
    for (auto* child : node->children) pending.push_back(child);
  }
  return false;
}

// A token as quoted in a message: long ones are cut (at a character boundary).
std::string Shorten(const std::string& text) {
  if (text.size() <= 40) return text;
  return std::string(Utf8Prefix(text, 37)) + "...";
}

class Builder {
 public:
  Builder(ParseState& state, ast::File& file) : state_(state), file_(file) {}

  void Build(LoketParser::FileContext* tree) {
    if (!BuildHeaderOf(tree->layerHeader())) return;
    for (auto* declaration : tree->declaration()) BuildDeclaration(declaration);
  }

  // The layer the declarations belong to, when the header was built by another Builder.
  void ContinueLayer(std::string layer) { layer_ = std::move(layer); }
  // The tree comes from a parse that stops at the first syntax error (the fast pass), so it
  // holds none and need not be searched for one.
  void TrustErrorFree() { error_free_ = true; }

  bool BuildHeaderOf(LoketParser::LayerHeaderContext* header) {
    if (header == nullptr || (!error_free_ && HasError(header))) return false;
    BuildHeader(header);
    return true;
  }

  void BuildDeclaration(LoketParser::DeclarationContext* declaration) {
    {
      if (declaration->domainDecl() != nullptr) {
        BuildDomain(declaration->domainDecl());
        return;
      }
      if (!error_free_ && HasError(declaration)) return;
      if (auto* decl = declaration->enumDecl()) BuildEnum(decl);
      if (auto* decl = declaration->authorityDecl()) BuildAuthority(decl);
      if (auto* decl = declaration->lawDecl()) BuildLaw(decl);
      if (auto* decl = declaration->factDecl()) BuildFact(decl);
      if (auto* decl = declaration->paramDecl()) BuildParam(decl);
      if (auto* decl = declaration->letDecl()) BuildLet(decl);
      if (auto* decl = declaration->assumeDecl()) BuildAssume(decl);
      if (auto* decl = declaration->decisionDecl()) BuildDecision(decl, "");
      if (auto* decl = declaration->ruleDecl()) BuildRule(decl);
    }
  }

 private:
  SourceRange Range(antlr4::Token* token) const { return state_.TokenRange(token); }
  SourceRange Range(antlr4::tree::TerminalNode* node) const {
    return state_.TokenRange(node->getSymbol());
  }
  SourceRange Range(antlr4::ParserRuleContext* context) const {
    return state_.ContextRange(context);
  }

  // Literal problems are reported here but do not count as parser errors: the parse itself
  // went fine, so the error budget is not touched.
  void Report(diag::Kind kind, SourceRange range, std::string message) {
    state_.sink().Add(kind, range, std::move(message));
  }

  std::string Text(antlr4::Token* token) {
    if (token == nullptr) return "";
    Converted<std::string> converted = ConvertString(token->getText());
    if (converted.value) return *converted.value;
    SourceRange range = Range(token);
    Report(diag::Kind::kInvalidEscape,
           state_.Range(range.begin + converted.error_at,
                        range.begin + converted.error_at + converted.error_length),
           converted.error);
    return "";
  }
  std::string Text(antlr4::tree::TerminalNode* node) {
    return node == nullptr ? "" : Text(node->getSymbol());
  }

  std::optional<support::DayNumber> Date(antlr4::Token* token) {
    if (token == nullptr) return std::nullopt;
    std::string text = token->getText();
    auto day = support::ParseIsoDate(text);
    if (!day) {
      Report(diag::Kind::kInvalidDate, Range(token),
             fmt::format("{} is not a date in the calendar (years 0001-9999, months 01-12, "
                         "days as in that month)",
                         text));
    }
    return day;
  }

  std::int64_t Int(antlr4::Token* token) {
    Converted<std::int64_t> converted = ConvertInt(token->getText());
    if (converted.value) return *converted.value;
    Report(diag::Kind::kIntegerOutOfRange, Range(token), converted.error);
    return 0;
  }

  std::int64_t Money(antlr4::Token* token) {
    Converted<std::int64_t> converted = ConvertMoney(token->getText());
    if (converted.value) return *converted.value;
    SourceRange range = Range(token);
    std::uint32_t begin = range.begin + converted.error_at;
    std::uint32_t end = begin + converted.error_length;
    if (end > range.end || converted.error_length == 0) {
      begin = range.begin;
      end = range.end;
    }
    Report(diag::Kind::kInvalidMoney, state_.Range(begin, end),
           fmt::format("malformed amount {}: {}", Shorten(token->getText()), converted.error));
    return 0;
  }

  ast::Validity BuildValidity(LoketParser::ValidityContext* context) {
    ast::Validity validity;
    validity.range = Range(context);
    if (context->from != nullptr) validity.from = Date(context->from);
    if (context->until != nullptr) validity.until = Date(context->until);
    return validity;
  }

  void BuildHeader(LoketParser::LayerHeaderContext* context) {
    ast::LayerHeader header;
    header.range = Range(context);
    if (context->kind != nullptr) header.kind = context->kind->getText();
    header.name = context->name->getText();
    header.name_range = Range(context->name);
    if (context->title != nullptr) header.title = Text(context->title);
    if (context->parent != nullptr) {
      header.parent = context->parent->getText();
      header.parent_range = Range(context->parent);
    }
    if (context->code != nullptr) {
      header.code = context->code->getText();
      header.code_range = Range(context->code);
    }
    if (context->validity() != nullptr) header.validity = BuildValidity(context->validity());
    layer_ = header.name;
    file_.header = std::move(header);
  }

  void BuildEnum(LoketParser::EnumDeclContext* context) {
    auto decl = std::make_unique<ast::EnumDecl>();
    decl->name = context->name->getText();
    decl->name_range = Range(context->name);
    decl->description = Text(context->description);
    for (auto* member_context : context->enumMember()) {
      ast::EnumMember member;
      member.name = member_context->ID()->getText();
      member.description = Text(member_context->STRING());
      member.range = Range(member_context);
      decl->members.push_back(std::move(member));
    }
    decl->range = Range(context);
    decl->layer = layer_;
    file_.enums.push_back(std::move(decl));
  }

  void BuildAuthority(LoketParser::AuthorityDeclContext* context) {
    auto decl = std::make_unique<ast::AuthorityDecl>();
    decl->name = context->name->getText();
    decl->name_range = Range(context->name);
    decl->description = Text(context->description);
    decl->range = Range(context);
    decl->layer = layer_;
    file_.authorities.push_back(std::move(decl));
  }

  void BuildLaw(LoketParser::LawDeclContext* context) {
    auto decl = std::make_unique<ast::LawDecl>();
    decl->name = context->name->getText();
    decl->name_range = Range(context->name);
    decl->title = Text(context->title);
    if (context->registry != nullptr && context->identifier != nullptr) {
      decl->register_kind = context->registry->getText();
      decl->register_range = Range(context->registry);
      decl->identifier = context->identifier->getText();
      decl->identifier_range = Range(context->identifier);
    }
    decl->range = Range(context);
    decl->layer = layer_;
    file_.laws.push_back(std::move(decl));
  }

  // The source text from the first to the last token of a context, as written.
  static std::string SourceText(antlr4::Token* first, antlr4::Token* last) {
    return first->getInputStream()->getText(
        antlr4::misc::Interval(first->getStartIndex(), last->getStopIndex()));
  }

  void BuildCitations(LoketParser::CitationListContext* context, ast::RuleDecl& rule) {
    rule.citation = SourceText(context->getStart(), context->getStop());
    rule.citation_range = Range(context);
    for (auto* entry : context->citationEntry()) {
      ast::Citation citation;
      citation.id = NextId(file_.counts.citations);
      citation.range = Range(entry);
      if (auto* text = dynamic_cast<LoketParser::FreeCitationContext*>(entry)) {
        citation.remark = Text(text->text);
      } else if (auto* law = dynamic_cast<LoketParser::LawCitationContext*>(entry)) {
        citation.law = law->law->getText();
        citation.law_range = Range(law->law);
        std::vector<LoketParser::ArticleTokenContext*> tokens = law->articleToken();
        if (!tokens.empty()) {
          citation.reference = SourceText(tokens.front()->getStart(), tokens.back()->getStop());
          citation.reference_range =
              state_.Range(Range(tokens.front()).begin, Range(tokens.back()).end);
        }
        citation.remark = Text(law->remark);
      }
      rule.citations.push_back(std::move(citation));
    }
  }

  void BuildDomain(LoketParser::DomainDeclContext* context) {
    // A domain's own tokens must be intact; each decision inside is judged on its own.
    bool own_error = context->exception != nullptr || context->name == nullptr;
    for (auto* child : context->children) {
      if (dynamic_cast<antlr4::tree::ErrorNode*>(child) != nullptr) own_error = true;
    }
    if (own_error) return;
    auto decl = std::make_unique<ast::DomainDecl>();
    decl->name = context->name->getText();
    decl->name_range = Range(context->name);
    decl->title = Text(context->title);
    decl->range = Range(context);
    decl->layer = layer_;
    for (auto* decision : context->decisionDecl()) {
      if (error_free_ || !HasError(decision)) BuildDecision(decision, decl->name);
    }
    file_.domains.push_back(std::move(decl));
  }

  // Range bounds are kept as written (cents for money, day numbers for dates); a bound whose
  // kind does not fit the type is a type error, reported here because the AST keeps only
  // the number.
  std::optional<std::int64_t> Bound(LoketParser::SignedLiteralContext* context,
                                    const std::string& type_name) {
    std::int64_t value = 0;
    bool negative = context->MINUS() != nullptr;
    const char* kind = "";
    if (context->INT() != nullptr) {
      value = Int(context->INT()->getSymbol());
      kind = "int";
    } else if (context->MONEY() != nullptr) {
      value = Money(context->MONEY()->getSymbol());
      kind = "money";
    } else if (context->DATE() != nullptr) {
      auto day = Date(context->DATE()->getSymbol());
      if (!day) return std::nullopt;
      value = *day;
      kind = "date";
    }
    if ((type_name == "int" || type_name == "money" || type_name == "date") && type_name != kind) {
      Report(diag::Kind::kTypeMismatch, Range(context),
             fmt::format("a bound of {0} range must be {0} literal{1}",
                         type_name == "int" ? "an int" : "a " + type_name,
                         type_name == "money"  ? " such as €0 or €1.000"
                         : type_name == "date" ? " such as 2024-01-01"
                                               : " such as 0 or 130"));
    }
    return negative ? -value : value;
  }

  ast::TypeRef BuildType(LoketParser::TypeRefContext* context) {
    ast::TypeRef type;
    type.source = Range(context);
    type.id = NextId(file_.counts.type_refs);
    if (auto* set = dynamic_cast<LoketParser::SetTypeContext*>(context)) {
      type.is_set = true;
      type.name = set->elem->getText();
      return type;
    }
    auto* named = static_cast<LoketParser::NamedTypeContext*>(context);
    type.name = named->name->getText();
    if (named->lo != nullptr && named->hi != nullptr) {
      type.range_source = SourceRange::Join(Range(named->lo), Range(named->hi));
      auto lo = Bound(named->lo, type.name);
      auto hi = Bound(named->hi, type.name);
      if (lo && hi) type.range = ast::Range{*lo, *hi};
    }
    return type;
  }

  void BuildFact(LoketParser::FactDeclContext* context) {
    auto decl = std::make_unique<ast::FactDecl>();
    decl->name = context->name->getText();
    decl->name_range = Range(context->name);
    decl->type = BuildType(context->typeRef());
    for (auto* modifier : context->factModifier()) {
      if (modifier->OPTIONAL() != nullptr) decl->is_optional = true;
      if (modifier->PROTECTED() != nullptr) decl->is_protected = true;
    }
    decl->description = Text(context->description);
    decl->range = Range(context);
    decl->layer = layer_;
    file_.facts.push_back(std::move(decl));
  }

  void BuildParam(LoketParser::ParamDeclContext* context) {
    auto decl = std::make_unique<ast::ParamDecl>();
    decl->name = context->name->getText();
    decl->name_range = Range(context->name);
    decl->type = BuildType(context->typeRef());
    for (auto* value_context : context->paramValue()) {
      ast::ParamValue value;
      value.value = BuildExpr(value_context->expr());
      if (value_context->from != nullptr) value.from = Date(value_context->from);
      value.range = Range(value_context);
      decl->values.push_back(std::move(value));
    }
    decl->description = Text(context->description);
    decl->range = Range(context);
    decl->layer = layer_;
    if (Keep()) file_.params.push_back(std::move(decl));
  }

  void BuildLet(LoketParser::LetDeclContext* context) {
    auto decl = std::make_unique<ast::LetDecl>();
    decl->id = NextId(file_.counts.lets);
    decl->name = context->name->getText();
    decl->name_range = Range(context->name);
    if (context->typeRef() != nullptr) decl->declared_type = BuildType(context->typeRef());
    decl->value = BuildExpr(context->expr());
    decl->description = Text(context->description);
    decl->range = Range(context);
    decl->layer = layer_;
    if (Keep()) file_.lets.push_back(std::move(decl));
  }

  void BuildAssume(LoketParser::AssumeDeclContext* context) {
    auto decl = std::make_unique<ast::AssumeDecl>();
    decl->range = Range(context);
    if (context->name != nullptr) {
      decl->name = context->name->getText();
      decl->named = true;
    } else {
      auto position = state_.sources().Position(state_.file(), decl->range.begin);
      decl->name = fmt::format("assume@{}:{}", state_.sources().path(state_.file()), position.line);
    }
    decl->condition = BuildExpr(context->expr());
    decl->description = Text(context->description);
    decl->layer = layer_;
    if (Keep()) file_.assumes.push_back(std::move(decl));
  }

  void BuildDecision(LoketParser::DecisionDeclContext* context, const std::string& domain) {
    auto decl = std::make_unique<ast::DecisionDecl>();
    decl->name = context->name->getText();
    decl->name_range = Range(context->name);
    decl->type = BuildType(context->typeRef());
    for (auto* modifier : context->decisionModifier()) {
      auto duplicate = [&](const char* what) {
        Report(diag::Kind::kSyntaxError, Range(modifier),
               fmt::format("decision `{}` already has {}", decl->name, what));
      };
      if (auto* with_default = dynamic_cast<LoketParser::DefaultModifierContext*>(modifier)) {
        if (decl->default_value) duplicate("a `default`");
        decl->default_value = BuildExpr(with_default->expr());
      } else if (dynamic_cast<LoketParser::CollectModifierContext*>(modifier) != nullptr) {
        decl->collect = true;
      } else if (dynamic_cast<LoketParser::ClosedModifierContext*>(modifier) != nullptr) {
        decl->closed = true;
      } else if (auto* owned = dynamic_cast<LoketParser::OwnedModifierContext*>(modifier)) {
        if (decl->owned_by) duplicate("an `owned by`");
        decl->owned_by = owned->authority->getText();
        decl->owned_by_range = Range(owned->authority);
      } else if (auto* delegated = dynamic_cast<LoketParser::DelegatedModifierContext*>(modifier)) {
        if (decl->delegation) duplicate("a `delegated to`");
        decl->delegation = BuildDelegation(delegated);
      } else if (auto* applies = dynamic_cast<LoketParser::AppliesModifierContext*>(modifier)) {
        if (decl->applies_when) duplicate("an `applies when`");
        decl->applies_when = BuildExpr(applies->expr());
      }
    }
    decl->domain = domain;
    decl->description = Text(context->description);
    decl->range = Range(context);
    decl->layer = layer_;
    if (Keep()) file_.decisions.push_back(std::move(decl));
  }

  ast::Delegation BuildDelegation(LoketParser::DelegatedModifierContext* context) {
    ast::Delegation delegation;
    delegation.to_kind = context->kind->getText();
    delegation.range = Range(context);
    if (auto* bound = context->bound) {
      if (auto* set = bound->setLiteral()) {
        for (auto* element : set->expr()) delegation.within_set.push_back(BuildExpr(element));
      } else {
        delegation.within_lo = BuildExpr(bound->lo);
        delegation.within_hi = BuildExpr(bound->hi);
      }
    }
    if (auto* favours = context->favours) {
      delegation.favours_range = Range(favours);
      std::string direction = favours->getText();
      if (direction == "higher") {
        delegation.favours = ast::Favours::kHigher;
      } else if (direction == "lower") {
        delegation.favours = ast::Favours::kLower;
      } else if (direction == "true") {
        delegation.favours = ast::Favours::kTrue;
      } else if (direction == "false") {
        delegation.favours = ast::Favours::kFalse;
      } else {
        Report(diag::Kind::kSyntaxError, delegation.favours_range,
               fmt::format("expected `higher`, `lower`, `true` or `false` after `favours`, "
                           "found `{}`",
                           Shorten(direction)));
      }
    }
    return delegation;
  }

  ast::RuleRef BuildRuleRef(LoketParser::RuleIdContext* context) {
    ast::RuleRef ref;
    ref.id = NextId(file_.counts.rule_refs);
    ref.text = context->getText();
    ref.range = Range(context);
    return ref;
  }

  void BuildRule(LoketParser::RuleDeclContext* context) {
    auto decl = std::make_unique<ast::RuleDecl>();
    decl->node_id = NextId(file_.counts.rules);
    decl->id = context->ruleId()->getText();
    decl->id_range = Range(context->ruleId());
    if (context->citationList() != nullptr) {
      BuildCitations(context->citationList(), *decl);
    } else {
      decl->citation = Text(context->citation);
      decl->citation_range = Range(context->citation);
    }
    bool has_validity = false;
    std::vector<LoketParser::ExprContext*> whens;
    for (auto* clause : context->ruleClause()) {
      if (auto* note = dynamic_cast<LoketParser::NoteClauseContext*>(clause)) {
        decl->notes.push_back(Text(note->STRING()));
      } else if (auto* validity = dynamic_cast<LoketParser::ValidityClauseContext*>(clause)) {
        if (has_validity) {
          Report(diag::Kind::kSyntaxError, Range(clause),
                 fmt::format("rule `{}` already has a `valid` clause; write one `valid from .. "
                             "until ..`",
                             decl->id));
        }
        has_validity = true;
        decl->validity = BuildValidity(validity->validity());
      } else if (auto* exception = dynamic_cast<LoketParser::ExceptionClauseContext*>(clause)) {
        decl->exception_to.push_back(BuildRuleRef(exception->ruleId()));
      } else if (auto* when = dynamic_cast<LoketParser::WhenClauseContext*>(clause)) {
        whens.push_back(when->expr());
      }
    }
    // Several `when` clauses must all hold: one balanced `and` over them.
    if (whens.size() == 1) decl->condition = BuildExpr(whens[0]);
    if (whens.size() > 1) decl->condition = BuildConjunction(whens);
    for (auto* assignment_context : context->thenClause()->assignment()) {
      ast::Assignment assignment;
      assignment.id = NextId(file_.counts.assignments);
      assignment.name = assignment_context->name->getText();
      assignment.name_range = Range(assignment_context->name);
      assignment.op = assignment_context->op->getType() == LoketLexer::PLUSEQ ? ast::AssignOp::kAdd
                                                                              : ast::AssignOp::kSet;
      assignment.value = BuildExpr(assignment_context->expr());
      assignment.range = Range(assignment_context);
      decl->assignments.push_back(std::move(assignment));
    }
    decl->range = Range(context);
    decl->layer = layer_;
    if (Keep()) file_.rules.push_back(std::move(decl));
  }

  // --- expressions ---------------------------------------------------------------------

  // False (and ready for the next declaration) when an expression of this one was too deep.
  bool Keep() {
    bool keep = !too_deep_;
    too_deep_ = false;
    return keep;
  }

  ast::ExprPtr Node(ast::ExprKind kind, SourceRange range) {
    auto expr = std::make_unique<ast::Expr>();
    expr->kind = kind;
    expr->range = range;
    expr->id = NextId(file_.counts.exprs);
    return expr;
  }

  // The next NodeId of a kind whose count in this file is `count`.
  ast::NodeId NextId(std::uint32_t& count) { return {file_.id, count++}; }

  // Every expression node is built through here. `depth_` is the depth of the node being
  // built in its expression tree; past the limit the declaration is dropped (L105), so later
  // stages, which recurse over expressions, never meet a deeper tree.
  ast::ExprPtr BuildExpr(LoketParser::ExprContext* context) {
    if (depth_ >= state_.limits().max_nesting_depth) {
      if (!too_deep_) {
        too_deep_ = true;
        Report(diag::Kind::kNestingTooDeep, Range(context),
               fmt::format("expression nested more than {} levels deep; split it with `let`",
                           state_.limits().max_nesting_depth));
      }
      return Node(ast::ExprKind::kBoolLit, Range(context));
    }
    ++depth_;
    ast::ExprPtr expr = BuildExprAt(context);
    --depth_;
    return expr;
  }

  // `a and b and c ...` parses left-deep, one level per operator. `and` and `or` are
  // associative, so a long chain becomes a balanced tree (depth log n) with the operands in
  // their written order: a policy may list hundreds of alternatives.
  template <typename ChainContext>
  ast::ExprPtr BuildChain(ast::ExprKind kind, ChainContext* context) {
    std::vector<LoketParser::ExprContext*> operand_contexts;
    LoketParser::ExprContext* node = context;
    while (auto* link = dynamic_cast<ChainContext*>(node)) {
      operand_contexts.push_back(link->rhs);
      node = link->lhs;
    }
    operand_contexts.push_back(node);
    std::reverse(operand_contexts.begin(), operand_contexts.end());
    // The chain's root is this node (already counted in depth_).
    return BuildBalanced(kind, operand_contexts, 1);
  }

  ast::ExprPtr BuildConjunction(const std::vector<LoketParser::ExprContext*>& conditions) {
    ++depth_;
    ast::ExprPtr result = BuildBalanced(ast::ExprKind::kAnd, conditions, 1);
    --depth_;
    return result;
  }

  // A balanced tree of `kind` over the operands, in order. `counted` levels of it are
  // already in depth_.
  ast::ExprPtr BuildBalanced(ast::ExprKind kind,
                             const std::vector<LoketParser::ExprContext*>& operand_contexts,
                             unsigned counted) {
    unsigned levels = 0;
    while ((std::size_t{1} << levels) < operand_contexts.size()) ++levels;
    std::vector<ast::ExprPtr> operands;
    std::vector<SourceRange> ranges;  // with parentheses, unlike the operands' own ranges
    depth_ += levels - counted;
    for (auto* operand : operand_contexts) {
      operands.push_back(BuildExpr(operand));
      ranges.push_back(Range(operand));
    }
    depth_ -= levels - counted;
    return Balance(kind, operands, ranges, 0, operands.size());
  }

  ast::ExprPtr Balance(ast::ExprKind kind, std::vector<ast::ExprPtr>& operands,
                       const std::vector<SourceRange>& ranges, std::size_t begin, std::size_t end) {
    if (end - begin == 1) return std::move(operands[begin]);
    std::size_t middle = begin + (end - begin + 1) / 2;
    auto expr = Node(kind, SourceRange::Join(ranges[begin], ranges[end - 1]));
    expr->operands.push_back(Balance(kind, operands, ranges, begin, middle));
    expr->operands.push_back(Balance(kind, operands, ranges, middle, end));
    return expr;
  }

  ast::ExprPtr Binary(ast::ExprKind kind, LoketParser::ExprContext* context,
                      LoketParser::ExprContext* lhs, LoketParser::ExprContext* rhs) {
    auto expr = Node(kind, Range(context));
    expr->operands.push_back(BuildExpr(lhs));
    expr->operands.push_back(BuildExpr(rhs));
    return expr;
  }

  ast::ExprPtr BuildExprAt(LoketParser::ExprContext* context) {
    using Kind = ast::ExprKind;
    if (auto* primary = dynamic_cast<LoketParser::PrimaryExprContext*>(context)) {
      return BuildPrimary(primary->primary());
    }
    if (auto* neg = dynamic_cast<LoketParser::NegExprContext*>(context)) {
      auto expr = Node(Kind::kNeg, Range(context));
      expr->operands.push_back(BuildExpr(neg->operand));
      return expr;
    }
    if (auto* negation = dynamic_cast<LoketParser::NotExprContext*>(context)) {
      auto expr = Node(Kind::kNot, Range(context));
      expr->operands.push_back(BuildExpr(negation->operand));
      return expr;
    }
    if (auto* mul = dynamic_cast<LoketParser::MulExprContext*>(context)) {
      return Binary(mul->op->getType() == LoketLexer::STAR ? Kind::kMul : Kind::kDiv, context,
                    mul->lhs, mul->rhs);
    }
    if (auto* add = dynamic_cast<LoketParser::AddExprContext*>(context)) {
      return Binary(add->op->getType() == LoketLexer::PLUS ? Kind::kAdd : Kind::kSub, context,
                    add->lhs, add->rhs);
    }
    if (auto* compare = dynamic_cast<LoketParser::CompareExprContext*>(context)) {
      Kind kind = Kind::kEq;
      switch (compare->op->getType()) {
        case LoketLexer::EQEQ:
          kind = Kind::kEq;
          break;
        case LoketLexer::NEQ:
          kind = Kind::kNe;
          break;
        case LoketLexer::LT:
          kind = Kind::kLt;
          break;
        case LoketLexer::LE:
          kind = Kind::kLe;
          break;
        case LoketLexer::GT:
          kind = Kind::kGt;
          break;
        default:
          kind = Kind::kGe;
          break;
      }
      return Binary(kind, context, compare->lhs, compare->rhs);
    }
    if (auto* in_range = dynamic_cast<LoketParser::InRangeExprContext*>(context)) {
      auto expr =
          Node(in_range->NOT() != nullptr ? Kind::kNotInRange : Kind::kInRange, Range(context));
      expr->operands.push_back(BuildExpr(in_range->lhs));
      expr->operands.push_back(BuildBound(in_range->lo));
      expr->operands.push_back(BuildBound(in_range->hi));
      return expr;
    }
    if (auto* in = dynamic_cast<LoketParser::InExprContext*>(context)) {
      return Binary(in->NOT() != nullptr ? Kind::kNotIn : Kind::kIn, context, in->lhs, in->rhs);
    }
    if (auto* both = dynamic_cast<LoketParser::AndExprContext*>(context)) {
      return BuildChain(Kind::kAnd, both);
    }
    if (auto* either = dynamic_cast<LoketParser::OrExprContext*>(context)) {
      return BuildChain(Kind::kOr, either);
    }
    if (auto* implies = dynamic_cast<LoketParser::ImpliesExprContext*>(context)) {
      return Binary(Kind::kImplies, context, implies->lhs, implies->rhs);
    }
    auto* choice = static_cast<LoketParser::IfExprContext*>(context);
    auto expr = Node(Kind::kIf, Range(context));
    expr->operands.push_back(BuildExpr(choice->cond));
    expr->operands.push_back(BuildExpr(choice->yes));
    expr->operands.push_back(BuildExpr(choice->no));
    return expr;
  }

  ast::ExprPtr BuildBound(LoketParser::RangeBoundContext* context) {
    if (context->MINUS() == nullptr) return BuildPrimary(context->primary());
    auto expr = Node(ast::ExprKind::kNeg, Range(context));
    ++depth_;  // the primary sits one level below the negation
    expr->operands.push_back(BuildPrimary(context->primary()));
    --depth_;
    return expr;
  }

  ast::ExprPtr BuildPrimary(LoketParser::PrimaryContext* context) {
    using Kind = ast::ExprKind;
    SourceRange range = Range(context);
    if (auto* paren = dynamic_cast<LoketParser::ParenPrimaryContext*>(context)) {
      return BuildExpr(paren->expr());
    }
    if (auto* duration = dynamic_cast<LoketParser::DurationPrimaryContext*>(context)) {
      auto expr = Node(Kind::kDurationLit, range);
      expr->int_value = Int(duration->INT()->getSymbol());
      std::string unit = duration->unit->getText();
      if (unit.rfind("day", 0) == 0) {
        expr->unit = ast::DurationUnit::kDays;
      } else if (unit.rfind("week", 0) == 0) {
        expr->unit = ast::DurationUnit::kWeeks;
      } else if (unit.rfind("month", 0) == 0) {
        expr->unit = ast::DurationUnit::kMonths;
      } else {
        expr->unit = ast::DurationUnit::kYears;
      }
      return expr;
    }
    if (auto* integer = dynamic_cast<LoketParser::IntPrimaryContext*>(context)) {
      auto expr = Node(Kind::kIntLit, range);
      expr->int_value = Int(integer->INT()->getSymbol());
      return expr;
    }
    if (auto* money = dynamic_cast<LoketParser::MoneyPrimaryContext*>(context)) {
      auto expr = Node(Kind::kMoneyLit, range);
      expr->int_value = Money(money->MONEY()->getSymbol());
      return expr;
    }
    if (auto* date = dynamic_cast<LoketParser::DatePrimaryContext*>(context)) {
      auto expr = Node(Kind::kDateLit, range);
      expr->int_value = Date(date->DATE()->getSymbol()).value_or(0);
      return expr;
    }
    if (auto* boolean = dynamic_cast<LoketParser::BoolPrimaryContext*>(context)) {
      auto expr = Node(Kind::kBoolLit, range);
      expr->bool_value = boolean->TRUE() != nullptr;
      return expr;
    }
    if (auto* set = dynamic_cast<LoketParser::SetPrimaryContext*>(context)) {
      auto expr = Node(Kind::kSetLit, range);
      for (auto* element : set->setLiteral()->expr()) {
        expr->operands.push_back(BuildExpr(element));
      }
      return expr;
    }
    if (auto* known = dynamic_cast<LoketParser::KnownPrimaryContext*>(context)) {
      auto expr = Node(Kind::kKnown, range);
      expr->name = known->ID()->getText();
      expr->name_range = Range(known->ID());
      return expr;
    }
    if (auto* call = dynamic_cast<LoketParser::CallPrimaryContext*>(context)) {
      auto expr = Node(Kind::kCall, range);
      expr->name = call->callee->getText();
      expr->name_range = Range(call->callee);
      for (auto* argument : call->expr()) expr->operands.push_back(BuildExpr(argument));
      return expr;
    }
    auto* name = static_cast<LoketParser::NamePrimaryContext*>(context);
    auto expr = Node(Kind::kName, range);
    expr->name = name->ID()->getText();
    expr->name_range = range;
    return expr;
  }

  ParseState& state_;
  ast::File& file_;
  std::string layer_;
  unsigned depth_ = 0;
  bool too_deep_ = false;  // the declaration being built has a too deep expression
  bool error_free_ = false;
};

}  // namespace

void BuildAst(LoketParser::FileContext* tree, ParseState& state, ast::File& file) {
  Builder(state, file).Build(tree);
}

bool BuildHeaderAst(LoketParser::LayerHeaderContext* header, ParseState& state, ast::File& file) {
  Builder builder(state, file);
  builder.TrustErrorFree();
  return builder.BuildHeaderOf(header);
}

void BuildDeclarationAst(LoketParser::DeclarationContext* declaration, ParseState& state,
                         ast::File& file) {
  Builder builder(state, file);
  builder.ContinueLayer(file.header ? file.header->name : std::string());
  builder.TrustErrorFree();
  builder.BuildDeclaration(declaration);
}

}  // namespace loket::syntax
