// Deep copies of parsed files, so a re-check can reuse the syntax of an unchanged file
// instead of parsing it again (parsing dominates checking a large rule base).
#pragma once

#include <memory>

#include "ast/ast.h"
#include "source/source_manager.h"

namespace loket::ast {

// Copies every syntactic field of every node. Fields set by sema (types, symbols, rule
// targets, assigned decisions) are left default: the copy is as if freshly parsed, ready for
// sema in another model. The original is not changed.
std::unique_ptr<File> CloneSyntax(const File& file);

// Same, for the file registered as `as_file` in another SourceManager: the copy's id and
// every valid source range point to `as_file` (a file's ranges all lie in that file).
std::unique_ptr<File> CloneSyntax(const File& file, source::FileId as_file);

}  // namespace loket::ast
