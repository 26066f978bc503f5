// State shared by the pieces of one ParseFile call: where tokens are in the file, the sink,
// and the syntax-error budget. Internal to src/syntax (it names ANTLR types).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "antlr4-runtime.h"
#include "diag/diagnostic.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

namespace loket::syntax {

// Thrown to abandon a parse once the error budget is spent; caught in ParseFile.
struct StopParsing {};

class ParseState {
 public:
  ParseState(const source::SourceManager& sources, source::FileId file, const ParseLimits& limits,
             diag::DiagnosticSink& sink)
      : sources_(sources), file_(file), limits_(limits), sink_(sink) {}

  // ANTLR counts code points; diagnostics count bytes. `byte_of_code_point` is empty when
  // the lexed text is ASCII (then the two agree), `base` skips a byte-order mark.
  void SetOffsets(std::vector<std::uint32_t> byte_of_code_point, std::uint32_t base,
                  std::uint32_t end) {
    byte_of_code_point_ = std::move(byte_of_code_point);
    base_ = base;
    end_ = end;
  }

  const std::vector<std::uint32_t>& byte_of_code_point() const { return byte_of_code_point_; }

  std::uint32_t Byte(std::size_t code_point) const {
    if (byte_of_code_point_.empty()) {
      std::size_t byte = base_ + code_point;
      return byte > end_ ? end_ : static_cast<std::uint32_t>(byte);
    }
    if (code_point >= byte_of_code_point_.size()) return end_;
    return byte_of_code_point_[code_point];
  }

  source::SourceRange Range(std::uint32_t begin, std::uint32_t end) const {
    return {file_, begin, end < begin ? begin : end};
  }
  source::SourceRange TokenRange(const antlr4::Token* token) const {
    if (token == nullptr || token->getStartIndex() == INVALID_INDEX) return Range(end_, end_);
    if (token->getType() == antlr4::Token::EOF) return Range(end_, end_);
    return Range(Byte(token->getStartIndex()), Byte(token->getStopIndex() + 1));
  }
  source::SourceRange ContextRange(antlr4::ParserRuleContext* context) const {
    const antlr4::Token* start = context->getStart();
    const antlr4::Token* stop = context->getStop();
    source::SourceRange first = TokenRange(start);
    if (stop == nullptr || stop->getType() == antlr4::Token::EOF ||
        stop->getStopIndex() == INVALID_INDEX || stop->getStopIndex() < start->getStartIndex()) {
      return first;
    }
    return source::SourceRange::Join(first, TokenRange(stop));
  }

  // A lexer or parser error: counts toward limits.max_errors; past it, reports L111 once and
  // throws StopParsing.
  void ReportSyntax(diag::Kind kind, source::SourceRange range, std::string message) {
    if (syntax_errors_ >= limits_.max_errors) {
      sink_.Report(diag::Kind::kTooManyErrors, range,
                   "more than {} syntax errors; stopped reading the file here", limits_.max_errors);
      throw StopParsing{};
    }
    ++syntax_errors_;
    sink_.Add(kind, range, std::move(message));
  }

  const source::SourceManager& sources() const { return sources_; }
  source::FileId file() const { return file_; }
  const ParseLimits& limits() const { return limits_; }
  diag::DiagnosticSink& sink() { return sink_; }
  unsigned syntax_errors() const { return syntax_errors_; }
  std::uint32_t end() const { return end_; }

 private:
  const source::SourceManager& sources_;
  source::FileId file_;
  const ParseLimits& limits_;
  diag::DiagnosticSink& sink_;
  std::vector<std::uint32_t> byte_of_code_point_;
  std::uint32_t base_ = 0;
  std::uint32_t end_ = 0;
  unsigned syntax_errors_ = 0;
};

}  // namespace loket::syntax
