// The syntax stage: the only code that sees ANTLR. Parses one file's text into loket's AST,
// reporting every lexer and parser error (and every limit hit) as a diagnostic.
#pragma once

#include <cstddef>
#include <memory>

#include "ast/ast.h"
#include "diag/diagnostic.h"
#include "source/source_manager.h"

namespace loket::syntax {

struct ParseLimits {
  std::size_t max_file_bytes = 16u << 20;
  unsigned max_nesting_depth = 200;
  unsigned max_errors = 50;
  // Bound the memory of reading a file: the AST and sema cost about 250-400 bytes a token
  // (tokens are freed with their declaration), the parse tree of the declaration being built
  // about 800 more (docs/language.md "Limits"). Real rule files have a few thousand tokens,
  // real declarations a few hundred.
  std::size_t max_tokens = 250'000;
  std::size_t max_declaration_tokens = 20'000;
};

// Never throws. Returns a File even on errors (with what could be built; header may be
// absent); callers check the sink.
std::unique_ptr<ast::File> ParseFile(const source::SourceManager& sources, source::FileId file,
                                     const ParseLimits& limits, diag::DiagnosticSink& sink);

}  // namespace loket::syntax
