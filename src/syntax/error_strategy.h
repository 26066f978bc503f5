// Turns ANTLR's syntax errors into diagnostics a policy officer can act on: tokens are
// spelled as written (`then`, not THEN), and the message says where in the file's structure
// the parser was ("expected `then` after the rule's conditions, found `rule`").
#pragma once

#include <string>

#include "antlr4-runtime.h"
#include "syntax/parse_state.h"

namespace loket::syntax {

// How a token type is described in "expected ..." ("`then`", "a name", "a date").
std::string DescribeTokenType(std::size_t type);
// How a token found in the input is described ("`rule`", "the end of the file").
std::string DescribeToken(const antlr4::Token* token);

class FriendlyErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit FriendlyErrorStrategy(ParseState& state) : state_(state) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser,
                                 const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* parser,
                           const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* parser,
                             const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* parser) override;
  void reportMissingToken(antlr4::Parser* parser) override;
  antlr4::Token* singleTokenDeletion(antlr4::Parser* parser) override;

 private:
  void Report(antlr4::Parser* parser, antlr4::Token* found,
              const antlr4::misc::IntervalSet& expected);

  ParseState& state_;
};

// Lexer errors cannot normally happen (BAD_CHAR matches anything), but a listener keeps the
// console quiet and turns any that do into L102.
class LexerErrorListener : public antlr4::BaseErrorListener {
 public:
  explicit LexerErrorListener(ParseState& state) : state_(state) {}
  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t column, const std::string& message, std::exception_ptr e) override;

 private:
  ParseState& state_;
};

}  // namespace loket::syntax
