// Converts the ANTLR parse tree of one file into loket's AST, converting literals (and
// reporting malformed ones) on the way. Declarations whose subtree holds a syntax error are
// left out: the parser already reported them, and half-built nodes would only mislead sema.
#pragma once

#include "ast/ast.h"
#include "syntax/generated.h"
#include "syntax/parse_state.h"

namespace loket::syntax {

void BuildAst(loket_gen::LoketParser::FileContext* tree, ParseState& state, ast::File& file);

// The same a piece at a time, so that the parse tree of each declaration can be freed once it
// is built (memory in proportion to the largest declaration, not the file), for the fast pass,
// which stops at the first syntax error: these trees hold none. BuildHeaderAst returns false
// when there is no header (then nothing further is built).
bool BuildHeaderAst(loket_gen::LoketParser::LayerHeaderContext* header, ParseState& state,
                    ast::File& file);
void BuildDeclarationAst(loket_gen::LoketParser::DeclarationContext* declaration, ParseState& state,
                         ast::File& file);

}  // namespace loket::syntax
