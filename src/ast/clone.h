// Deep copies of parsed files under another file id, so a re-check can reuse the syntax of a
// file whose text it has already parsed under another path (a copy of the rule base: the two
// sides of `loket diff`) instead of parsing it again. A tree's ranges and NodeIds name its
// file, so a tree is shared as it is only under its own id.
#pragma once

#include <memory>

#include "ast/ast.h"
#include "source/source_manager.h"

namespace loket::ast {

// Copies every field of every node for the file registered as `as_file`: the copy's id, every
// valid source range and every NodeId name `as_file` (a file's ranges all lie in that file).
std::unique_ptr<File> CloneSyntax(const File& file, source::FileId as_file);

}  // namespace loket::ast
