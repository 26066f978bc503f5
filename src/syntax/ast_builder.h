// Converts the ANTLR parse tree of one file into loket's AST, converting literals (and
// reporting malformed ones) on the way. Declarations whose subtree holds a syntax error are
// left out: the parser already reported them, and half-built nodes would only mislead sema.
#pragma once

#include "ast/ast.h"
#include "syntax/generated.h"
#include "syntax/parse_state.h"

namespace loket::syntax {

void BuildAst(loket_gen::LoketParser::FileContext* tree, ParseState& state, ast::File& file);

}  // namespace loket::syntax
