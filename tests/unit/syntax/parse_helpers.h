// Shared by the syntax tests: parse a text and look at its diagnostics by code and position.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

namespace loket::syntax::testing {

struct Parsed {
  source::SourceManager sources;
  source::FileId id = source::kNoFile;
  diag::DiagnosticSink sink;
  std::unique_ptr<ast::File> file;

  // "L101@3:5" for every diagnostic, in report order.
  std::vector<std::string> Codes() const {
    std::vector<std::string> codes;
    for (const auto& d : sink.diagnostics()) {
      auto position = sources.Position(id, d.range.begin);
      codes.push_back(std::string(diag::Info(d.kind).code) + "@" + std::to_string(position.line) +
                      ":" + std::to_string(position.column));
    }
    return codes;
  }
  std::string Messages() const {
    std::string all;
    for (const auto& d : sink.diagnostics()) all += d.message + "\n";
    return all;
  }
  // The text a range covers.
  std::string Text(source::SourceRange range) const {
    return std::string(sources.text(id).substr(range.begin, range.end - range.begin));
  }
  std::string Position(source::SourceRange range) const {
    auto position = sources.Position(id, range.begin);
    return std::to_string(position.line) + ":" + std::to_string(position.column);
  }
};

inline std::unique_ptr<Parsed> Parse(std::string text, ParseLimits limits = {},
                                     std::string path = "test.loket") {
  auto parsed = std::make_unique<Parsed>();
  parsed->id = parsed->sources.AddFile(std::move(path), std::move(text));
  parsed->file = ParseFile(parsed->sources, parsed->id, limits, parsed->sink);
  return parsed;
}

}  // namespace loket::syntax::testing
