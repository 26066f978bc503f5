#include "syntax/error_strategy.h"

#include <vector>

#include "syntax/generated.h"
#include "syntax/input_checks.h"

namespace loket::syntax {

namespace {

using loket_gen::LoketLexer;
using loket_gen::LoketParser;

const antlr4::dfa::Vocabulary& Vocabulary() {
  // The generated vocabulary is reachable only through an instance.
  static antlr4::ANTLRInputStream empty_input("");
  static LoketLexer lexer(&empty_input);
  return lexer.getVocabulary();
}

std::string Quote(const std::string& text) {
  return "`" + text + "`";
}

// "a", "a or b", "a, b or c".
std::string JoinAlternatives(const std::vector<std::string>& parts) {
  std::string result;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) result += i + 1 == parts.size() ? " or " : ", ";
    result += parts[i];
  }
  return result;
}

bool ContainsAll(const antlr4::misc::IntervalSet& set, std::initializer_list<std::size_t> types) {
  for (std::size_t type : types) {
    if (!set.contains(type)) return false;
  }
  return true;
}

// Token groups that are described as one phrase rather than listed.
const std::vector<std::size_t> kExpressionStarts = {
    LoketLexer::NOT,   LoketLexer::MINUS,  LoketLexer::IF,    LoketLexer::LPAREN,
    LoketLexer::INT,   LoketLexer::MONEY,  LoketLexer::DATE,  LoketLexer::TRUE,
    LoketLexer::FALSE, LoketLexer::LBRACE, LoketLexer::KNOWN, LoketLexer::ID};
const std::vector<std::size_t> kOperators = {
    LoketLexer::STAR, LoketLexer::SLASH, LoketLexer::PLUS,    LoketLexer::MINUS,
    LoketLexer::EQEQ, LoketLexer::NEQ,   LoketLexer::LT,      LoketLexer::LE,
    LoketLexer::GT,   LoketLexer::GE,    LoketLexer::IN,      LoketLexer::NOT,
    LoketLexer::AND,  LoketLexer::OR,    LoketLexer::IMPLIES, LoketLexer::UNIT};
const std::vector<std::size_t> kDeclarationStarts = {
    LoketLexer::ENUM,     LoketLexer::AUTHORITY, LoketLexer::LAW, LoketLexer::DOMAIN,
    LoketLexer::FACT,     LoketLexer::PARAM,     LoketLexer::LET, LoketLexer::ASSUME,
    LoketLexer::DECISION, LoketLexer::RULE,      LoketLexer::SEMI};

std::string DescribeExpected(antlr4::misc::IntervalSet expected) {
  std::vector<std::string> parts;
  if (ContainsAll(expected, {LoketLexer::RULE, LoketLexer::FACT, LoketLexer::DECISION})) {
    for (std::size_t type : kDeclarationStarts) expected.remove(type);
    parts.push_back("a declaration (`fact`, `decision`, `rule`, ...)");
  }
  if (ContainsAll(expected, {LoketLexer::INT, LoketLexer::LPAREN, LoketLexer::NOT})) {
    for (std::size_t type : kExpressionStarts) expected.remove(type);
    parts.push_back("an expression");
  }
  bool operators = false;
  if (ContainsAll(expected, {LoketLexer::AND, LoketLexer::OR})) {
    for (std::size_t type : kOperators) expected.remove(type);
    operators = true;
  }
  std::vector<std::string> tokens;
  for (std::size_t type : expected.toList()) {
    if (type == antlr4::Token::EPSILON) continue;
    tokens.push_back(DescribeTokenType(type));
  }
  // Long lists do not help; the first few show the shape of what fits.
  if (tokens.size() > 6) {
    tokens.resize(5);
    tokens.push_back("...");
  }
  parts.insert(parts.end(), tokens.begin(), tokens.end());
  if (operators) parts.push_back("an operator");
  if (parts.empty()) return "something else";
  return JoinAlternatives(parts);
}

std::string TokenName(const antlr4::Token* token) {
  if (token == nullptr || token->getStartIndex() == INVALID_INDEX) return "";
  return token->getText();
}

// Where in the file's structure the parser was, for "expected X <where>, found Y".
std::string DescribeWhere(antlr4::ParserRuleContext* context) {
  for (auto* node = context; node != nullptr;
       node = dynamic_cast<antlr4::ParserRuleContext*>(node->parent)) {
    switch (node->getRuleIndex()) {
      case LoketParser::RuleLayerHeader:
        return "in the layer header";
      case LoketParser::RuleEnumDecl: {
        auto* decl = static_cast<LoketParser::EnumDeclContext*>(node);
        std::string name = TokenName(decl->name);
        return name.empty() ? "in an enum" : "in enum " + Quote(name);
      }
      case LoketParser::RuleAuthorityDecl:
        return "in an authority declaration";
      case LoketParser::RuleLawDecl:
        return "in a law declaration (`law name \"Title\" bwb BWBR...`)";
      case LoketParser::RuleCitationList:
      case LoketParser::RuleCitationEntry:
      case LoketParser::RuleArticleToken:
        return "in the rule's citations (`[law art 3 lid 2; \"free text\"]`)";
      case LoketParser::RuleDomainDecl: {
        auto* decl = static_cast<LoketParser::DomainDeclContext*>(node);
        std::string name = TokenName(decl->name);
        return name.empty() ? "in a domain" : "in domain " + Quote(name);
      }
      case LoketParser::RuleFactDecl: {
        std::string name = TokenName(static_cast<LoketParser::FactDeclContext*>(node)->name);
        return name.empty() ? "in a fact" : "in fact " + Quote(name);
      }
      case LoketParser::RuleParamDecl: {
        std::string name = TokenName(static_cast<LoketParser::ParamDeclContext*>(node)->name);
        return name.empty() ? "in a param" : "in param " + Quote(name);
      }
      case LoketParser::RuleLetDecl: {
        std::string name = TokenName(static_cast<LoketParser::LetDeclContext*>(node)->name);
        return name.empty() ? "in a let" : "in let " + Quote(name);
      }
      case LoketParser::RuleAssumeDecl:
        return "in an assumption";
      case LoketParser::RuleDecisionDecl: {
        std::string name = TokenName(static_cast<LoketParser::DecisionDeclContext*>(node)->name);
        return name.empty() ? "in a decision" : "in decision " + Quote(name);
      }
      case LoketParser::RuleRuleClause:
        if (dynamic_cast<LoketParser::WhenClauseContext*>(node) != nullptr) {
          return "in the rule's conditions";
        }
        break;
      case LoketParser::RuleRuleId:
        return "in a rule id (names joined by dots, such as `wi.duty`; each name starts with "
               "a letter)";
      case LoketParser::RuleThenClause:
      case LoketParser::RuleAssignment:
        return "in the rule's outcome";
      case LoketParser::RuleRuleDecl: {
        auto* rule = static_cast<LoketParser::RuleDeclContext*>(node);
        for (auto* clause : rule->ruleClause()) {
          if (dynamic_cast<LoketParser::WhenClauseContext*>(clause) != nullptr) {
            return "after the rule's conditions";
          }
        }
        return rule->citation != nullptr || rule->citationList() != nullptr
                   ? "after the rule's legal basis"
                   : "in a rule";
      }
      default:
        break;
    }
  }
  return "";
}

}  // namespace

std::string DescribeTokenType(std::size_t type) {
  switch (type) {
    case antlr4::Token::EOF:
      return "the end of the file";
    case LoketLexer::ID:
      return "a name";
    case LoketLexer::INT:
      return "a whole number";
    case LoketLexer::MONEY:
      return "an amount (€250)";
    case LoketLexer::DATE:
      return "a date (2024-01-31)";
    case LoketLexer::STRING:
      return "a text in double quotes";
    case LoketLexer::UNIT:
      return "a unit (days, weeks, months, years)";
    default:
      break;
  }
  // Keywords and punctuation: their spelling, from the grammar's literal names ('then').
  std::string literal = Vocabulary().getLiteralName(type);
  if (literal.size() >= 2 && literal.front() == '\'' && literal.back() == '\'') {
    return Quote(literal.substr(1, literal.size() - 2));
  }
  return Vocabulary().getDisplayName(type);
}

std::string DescribeToken(const antlr4::Token* token) {
  if (token == nullptr || token->getType() == antlr4::Token::EOF) return "the end of the file";
  std::string text = token->getText();
  if (token->getType() == LoketLexer::STRING) {
    if (text.size() > 40) text = std::string(Utf8Prefix(text, 36)) + "...\"";
    return "the text " + text;
  }
  if (text.size() > 40) text = std::string(Utf8Prefix(text, 37)) + "...";
  return Quote(text);
}

void FriendlyErrorStrategy::Report(antlr4::Parser* parser, antlr4::Token* found,
                                   const antlr4::misc::IntervalSet& expected) {
  std::string where = DescribeWhere(parser->getContext());
  std::string expected_text;
  auto* context = parser->getContext();
  bool in_rule = false;
  for (auto* node = context; node != nullptr;
       node = dynamic_cast<antlr4::ParserRuleContext*>(node->parent)) {
    if (node->getRuleIndex() == LoketParser::RuleRuleDecl) in_rule = true;
  }
  // Inside a rule, `then` is the one clause that is always required: name it alone.
  if (in_rule && expected.contains(static_cast<std::size_t>(LoketLexer::THEN)) &&
      context->getRuleIndex() == LoketParser::RuleRuleDecl) {
    expected_text = "`then`";
  } else {
    expected_text = DescribeExpected(expected);
  }
  std::string message = "expected " + expected_text;
  if (!where.empty()) message += " " + where;
  message += ", found " + DescribeToken(found);
  // The mistakes policy officers make most get a direct hint.
  if (context->getRuleIndex() == LoketParser::RuleRuleDecl &&
      expected.contains(static_cast<std::size_t>(LoketLexer::STRING)) &&
      expected.contains(static_cast<std::size_t>(LoketLexer::LBRACK)) && expected.size() == 2) {
    // (A citation list `[wi2021 art 3]` is the other form; the quoted text is the one every
    // rule base knows.)
    message =
        "expected the rule's legal basis in double quotes after its id, such as "
        "\"Wet inburgering 2021, art. 3\"; found " +
        DescribeToken(found);
  } else if (found != nullptr && found->getType() == LoketLexer::ASSIGN &&
             !expected.contains(static_cast<std::size_t>(LoketLexer::ASSIGN))) {
    message += " (to compare, write `==`, `>=` or `<=`; `=` assigns a decision after `then`)";
  }

  source::SourceRange range = state_.TokenRange(found);
  if (found == nullptr || found->getType() == antlr4::Token::EOF) {
    // Point just after the last real token: that is where something is missing.
    antlr4::Token* last = parser->getTokenStream()->LT(-1);
    if (last != nullptr && last->getType() != antlr4::Token::EOF) {
      source::SourceRange after = state_.TokenRange(last);
      range = state_.Range(after.end, after.end);
    }
  }
  state_.ReportSyntax(diag::Kind::kSyntaxError, range, std::move(message));
}

void FriendlyErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser,
                                                      const antlr4::NoViableAltException& e) {
  Report(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void FriendlyErrorStrategy::reportInputMismatch(antlr4::Parser* parser,
                                                const antlr4::InputMismatchException& e) {
  Report(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void FriendlyErrorStrategy::reportFailedPredicate(antlr4::Parser* parser,
                                                  const antlr4::FailedPredicateException& e) {
  Report(parser, e.getOffendingToken(), parser->getExpectedTokens());
}

void FriendlyErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  Report(parser, parser->getCurrentToken(), getExpectedTokens(parser));
}

void FriendlyErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  Report(parser, parser->getCurrentToken(), getExpectedTokens(parser));
}

// ANTLR drops one token when the next one fits ("extraneous input"). Dropping the keyword
// that starts a declaration loses the whole declaration (`let x =` then `fact y: int` would
// parse as `let x = y`), so such keywords are kept and the broken construct ends there.
antlr4::Token* FriendlyErrorStrategy::singleTokenDeletion(antlr4::Parser* parser) {
  std::size_t type = parser->getCurrentToken()->getType();
  for (std::size_t start : kDeclarationStarts) {
    if (type == start && type != LoketLexer::SEMI) return nullptr;
  }
  // Likewise the keywords that open a rule's clauses: `when a and then x = 1` must not
  // become `when a and x`.
  switch (type) {
    case LoketLexer::THEN:
    case LoketLexer::WHEN:
    case LoketLexer::NOTE:
    case LoketLexer::VALID:
    case LoketLexer::EXCEPTION:
      return nullptr;
    default:
      return DefaultErrorStrategy::singleTokenDeletion(parser);
  }
}

void LexerErrorListener::syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* /*offending*/,
                                     size_t /*line*/, size_t /*column*/,
                                     const std::string& /*message*/, std::exception_ptr /*e*/) {
  auto* lexer = dynamic_cast<antlr4::Lexer*>(recognizer);
  std::uint32_t begin = lexer != nullptr ? state_.Byte(lexer->tokenStartCharIndex) : state_.end();
  std::uint32_t end = lexer != nullptr ? state_.Byte(lexer->getCharIndex() + 1) : state_.end();
  state_.ReportSyntax(diag::Kind::kInvalidCharacter, state_.Range(begin, end),
                      "this character is not allowed here");
}

}  // namespace loket::syntax
