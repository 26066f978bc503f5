#include "syntax/parse.h"

#include <pthread.h>

#include <algorithm>
#include <deque>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "antlr4-runtime.h"
#include "syntax/ast_builder.h"
#include "syntax/char_stream.h"
#include "syntax/dfa_cache.h"
#include "syntax/error_strategy.h"
#include "syntax/generated.h"
#include "syntax/input_checks.h"
#include "syntax/parse_state.h"

namespace loket::syntax {

namespace {

using loket_gen::LoketLexer;
using loket_gen::LoketParser;

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
// Files up to this size are lexed once: the fast pass parses the first pass's tokens.
constexpr std::size_t kKeepTokensUpTo = 256 * 1024;

// The byte offset of every code point, for mapping ANTLR's indices back to the file.
std::vector<std::uint32_t> CodePointOffsets(std::string_view text, std::uint32_t base) {
  std::vector<std::uint32_t> offsets;
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return offsets;
  offsets.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      offsets.push_back(static_cast<std::uint32_t>(base + i));
    }
  }
  offsets.push_back(static_cast<std::uint32_t>(base + text.size()));
  return offsets;
}

bool IsOperandEnd(std::size_t type) {
  switch (type) {
    case LoketLexer::ID:
    case LoketLexer::INT:
    case LoketLexer::MONEY:
    case LoketLexer::DATE:
    case LoketLexer::STRING:
    case LoketLexer::RPAREN:
    case LoketLexer::RBRACE:
    case LoketLexer::TRUE:
    case LoketLexer::FALSE:
    case LoketLexer::UNIT:
      return true;
    default:
      return false;
  }
}

// Tokens after which an expression cannot still be open at the same bracket level, so a
// chain of prefix operators before them has ended.
bool EndsChain(std::size_t type) {
  switch (type) {
    case LoketLexer::LAYER:
    case LoketLexer::ENUM:
    case LoketLexer::AUTHORITY:
    case LoketLexer::LAW:
    case LoketLexer::DOMAIN:
    case LoketLexer::FACT:
    case LoketLexer::PARAM:
    case LoketLexer::LET:
    case LoketLexer::ASSUME:
    case LoketLexer::DECISION:
    case LoketLexer::RULE:
    case LoketLexer::NOTE:
    case LoketLexer::VALID:
    case LoketLexer::EXCEPTION:
    case LoketLexer::WHEN:
    case LoketLexer::DEFAULT:
    case LoketLexer::COLLECT:
    case LoketLexer::DELEGATED:
    case LoketLexer::WITHIN:
    case LoketLexer::FAVOURS:
    case LoketLexer::CLOSED:
    case LoketLexer::OWNED:
    case LoketLexer::APPLIES:
    case LoketLexer::COMMA:
    case LoketLexer::SEMI:
    case LoketLexer::COLON:
    case LoketLexer::ASSIGN:
    case LoketLexer::PLUSEQ:
      return true;
    default:
      return false;
  }
}

// Reads the tokens the parser will see, before it runs. Reports bad characters (L102) and
// unclosed comments, and refuses input the recursive-descent parser could not survive:
// ANTLR recurses once per nested bracket and per prefix operator (`not`, `-`, `if`,
// `implies`), so their nesting is measured here and capped (L105) — 10 000 `(` never reach
// the parser. Also caps the token count (L104), which bounds the parser's memory.
class TokenScanner {
  // The keywords a declaration begins with (a parse tree is built and freed per declaration,
  // so its token count bounds the parser's memory; see ParseTokens).
  static bool StartsDeclaration(std::size_t type) {
    switch (type) {
      case LoketLexer::LAYER:
      case LoketLexer::ENUM:
      case LoketLexer::AUTHORITY:
      case LoketLexer::DOMAIN:
      case LoketLexer::FACT:
      case LoketLexer::PARAM:
      case LoketLexer::LET:
      case LoketLexer::ASSUME:
      case LoketLexer::DECISION:
      case LoketLexer::RULE:
        return true;
      default:
        return false;
    }
  }
  std::size_t declaration_start_ = 0;
  source::SourceRange declaration_range_;

 public:
  // With `report`, problems are reported (the first pass over the file); without, the same
  // tokens are yielded silently (the passes that parse).
  TokenScanner(ParseState& state, std::string_view text, LoketLexer& lexer, bool report)
      : state_(state), text_(text), lexer_(lexer), report_(report) {}

  // The next token the parser sees (EOF last), or null when the file must not be parsed.
  std::unique_ptr<antlr4::Token> Next() {
    while (ready_.empty()) {
      if (!Pull()) return nullptr;
    }
    std::unique_ptr<antlr4::Token> token = std::move(ready_.front());
    ready_.pop_front();
    return token;
  }

 private:
  // Reads one token from the lexer; a kept one goes to ready_ (a `/` waits in held_ until
  // the next token shows it does not open an unclosed comment). False when the file must
  // not be parsed.
  bool Pull() {
    std::unique_ptr<antlr4::Token> token = lexer_.nextToken();
    std::size_t type = token->getType();
    if (type != LoketLexer::BAD_CHAR) FlushBadRun();
    if (type == antlr4::Token::EOF) {
      if (held_) ready_.push_back(std::move(held_));
      ready_.push_back(std::move(token));
      return true;
    }
    if (in_unclosed_comment_ || token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) return true;
    source::SourceRange range = state_.TokenRange(token.get());
    if (range.begin < skip_line_until_) return true;
    if (type == LoketLexer::BAD_CHAR) {
      skip_line_until_ = ReportBadCharacter(*token, range);
      return true;
    }
    if (type == LoketLexer::STAR && held_ && state_.TokenRange(held_.get()).end == range.begin) {
      // `/*` lexes as a comment whenever a `*/` follows; here none does.
      source::SourceRange opening = state_.TokenRange(held_.get());
      held_.reset();
      --kept_;
      Syntax(diag::Kind::kSyntaxError, state_.Range(opening.begin, range.end),
             "this comment is never closed; end it with `*/`");
      in_unclosed_comment_ = true;
      return true;
    }
    if (kept_ >= state_.limits().max_tokens) {
      if (report_) {
        state_.sink().Report(diag::Kind::kFileTooLarge, range,
                             "the file has more than {} tokens; split it into several files",
                             state_.limits().max_tokens);
      }
      return false;
    }
    if (StartsDeclaration(type)) {
      declaration_start_ = kept_;
      declaration_range_ = range;
    } else if (kept_ - declaration_start_ >= state_.limits().max_declaration_tokens) {
      if (report_) {
        state_.sink().Report(diag::Kind::kFileTooLarge, declaration_range_,
                             "this declaration has more than {} tokens; split it, e.g. name "
                             "parts of a long condition with `let`",
                             state_.limits().max_declaration_tokens);
      }
      return false;
    }
    if (!Measure(type, range)) return false;
    previous_type_ = type;
    ++kept_;
    if (held_) ready_.push_back(std::move(held_));
    if (type == LoketLexer::SLASH) {
      held_ = std::move(token);
    } else {
      ready_.push_back(std::move(token));
    }
    return true;
  }

  void Syntax(diag::Kind kind, source::SourceRange range, std::string message) {
    if (report_) state_.ReportSyntax(kind, range, std::move(message));
  }

  // Returns the offset up to which further tokens are skipped (the rest of the line after
  // an unclosed quote, which would only produce follow-on errors).
  std::uint32_t ReportBadCharacter(antlr4::Token& token, source::SourceRange range) {
    std::string text = token.getText();
    if (text == "\"" || text == "\xE2\x82\xAC") FlushBadRun();
    if (text == "\"") {
      std::size_t line_end = text_.find('\n', range.begin);
      if (line_end == std::string_view::npos) line_end = text_.size();
      Syntax(diag::Kind::kInvalidCharacter,
             state_.Range(range.begin, static_cast<std::uint32_t>(line_end)),
             "this text in quotes is not closed on its line; end it with `\"`");
      return static_cast<std::uint32_t>(line_end);
    }
    if (text == "\xE2\x82\xAC") {
      Syntax(diag::Kind::kInvalidCharacter, range,
             "`€` must be followed by an amount, as in €250 or €1.234,56");
      return 0;
    }
    // Other characters: adjacent ones (`¤¤¤`, a pasted symbol) make one report.
    if (bad_run_ && bad_run_->range.end == range.begin) {
      bad_run_->range.end = range.end;
      bad_run_->count += 1;
      if (bad_run_->shown.size() < 40) bad_run_->shown += Shown(text);
      return 0;
    }
    FlushBadRun();
    bad_run_ = BadRun{range, Shown(text), 1};
    return 0;
  }

  static std::string Shown(const std::string& text) {
    unsigned char first = text.empty() ? 0 : static_cast<unsigned char>(text[0]);
    if (first < 0x20 || first == 0x7F) return fmt::format("U+{:04X}", first);
    return text;
  }

  void FlushBadRun() {
    if (!bad_run_) return;
    BadRun run = std::move(*bad_run_);
    bad_run_.reset();
    if (run.shown.size() > 40) run.shown = std::string(Utf8Prefix(run.shown, 40)) + "...";
    Syntax(diag::Kind::kInvalidCharacter, run.range,
           run.count == 1 ? fmt::format("the character `{}` is not allowed here", run.shown)
                          : fmt::format("the characters `{}` are not allowed here", run.shown));
  }

  // Operators that make the parser recurse and are still open at the current bracket level.
  // `-` closes at the next binary operator, `not` at `and`/`or`/`implies` (it binds more
  // loosely than comparisons), both at `then`/`else`; `if` and `implies` stay open to the end
  // of the expression. So `not a and not b and ...` stays flat, as it is for the parser.
  enum class Open : char { kMinus, kNot, kIf, kImplies };

  void CloseWhile(std::initializer_list<Open> kinds) {
    while (!open_.empty() && std::find(kinds.begin(), kinds.end(), open_.back()) != kinds.end()) {
      open_.pop_back();
    }
  }

  bool Measure(std::size_t type, source::SourceRange range) {
    bool after_operand = IsOperandEnd(previous_type_);
    switch (type) {
      case LoketLexer::LPAREN:
      case LoketLexer::LBRACE:
        enclosing_open_ += open_.size();
        levels_.push_back(std::move(open_));
        open_.clear();
        break;
      case LoketLexer::RPAREN:
      case LoketLexer::RBRACE:
        if (!levels_.empty()) {
          open_ = std::move(levels_.back());
          levels_.pop_back();
          enclosing_open_ -= open_.size();
        }
        return true;
      case LoketLexer::NOT:
        if (after_operand) {  // `x not in ...`
          CloseWhile({Open::kMinus});
          return true;
        }
        open_.push_back(Open::kNot);
        break;
      case LoketLexer::MINUS:
        if (after_operand) {
          CloseWhile({Open::kMinus});
          return true;
        }
        open_.push_back(Open::kMinus);
        break;
      case LoketLexer::IF:
        open_.push_back(Open::kIf);
        break;
      case LoketLexer::IMPLIES:
        CloseWhile({Open::kMinus, Open::kNot});
        open_.push_back(Open::kImplies);
        break;
      case LoketLexer::AND:
      case LoketLexer::OR:
        CloseWhile({Open::kMinus, Open::kNot});
        return true;
      case LoketLexer::THEN:
      case LoketLexer::ELSE:
        CloseWhile({Open::kMinus, Open::kNot, Open::kImplies});
        return true;
      case LoketLexer::STAR:
      case LoketLexer::SLASH:
      case LoketLexer::PLUS:
      case LoketLexer::EQEQ:
      case LoketLexer::NEQ:
      case LoketLexer::LT:
      case LoketLexer::LE:
      case LoketLexer::GT:
      case LoketLexer::GE:
      case LoketLexer::IN:
      case LoketLexer::DOTDOT:
        CloseWhile({Open::kMinus});
        return true;
      default:
        if (EndsChain(type)) open_.clear();
        return true;
    }
    std::size_t depth = levels_.size() + enclosing_open_ + open_.size();
    if (depth <= state_.limits().max_nesting_depth) return true;
    if (!report_) return false;
    state_.sink().Report(diag::Kind::kNestingTooDeep, range,
                         "expression nested more than {} levels deep (brackets, `not`, `-`, "
                         "`if` and `implies` each add a level); split it with `let`",
                         state_.limits().max_nesting_depth);
    return false;
  }

  struct BadRun {
    source::SourceRange range;
    std::string shown;
    std::size_t count = 0;
  };

  ParseState& state_;
  std::string_view text_;
  LoketLexer& lexer_;
  bool report_;
  std::deque<std::unique_ptr<antlr4::Token>> ready_;  // kept, for the parser
  std::unique_ptr<antlr4::Token> held_;               // a kept `/`, see Pull
  std::size_t kept_ = 0;                              // tokens kept so far
  std::uint32_t skip_line_until_ = 0;
  bool in_unclosed_comment_ = false;
  std::optional<BadRun> bad_run_;  // characters outside the language, not yet reported
  std::size_t previous_type_ = 0;
  std::vector<Open> open_;                 // at the current bracket level
  std::vector<std::vector<Open>> levels_;  // those of each enclosing bracket level
  std::size_t enclosing_open_ = 0;         // their total size
};

// Tokens the first pass read and kept, for the fast pass (small files only: see ParseTokens).
using KeptTokens = std::deque<std::unique_ptr<antlr4::Token>>;

// Feeds the parser the scanner's tokens, lexed as it asks for them, or the first pass's
// tokens when it kept them.
class ScannedTokenSource : public antlr4::TokenSource {
 public:
  ScannedTokenSource(TokenScanner* scanner, KeptTokens* kept, LoketLexer& lexer)
      : scanner_(scanner), kept_(kept), lexer_(lexer) {}
  std::unique_ptr<antlr4::Token> nextToken() override {
    std::unique_ptr<antlr4::Token> token;
    if (kept_ && !kept_->empty()) {
      token = std::move(kept_->front());
      kept_->pop_front();
    } else if (scanner_) {
      token = scanner_->Next();
    }
    // The first pass read the same tokens and let the file through.
    if (!token) throw std::logic_error("the tokens changed between two passes");
    return token;
  }
  size_t getLine() const override { return lexer_.getLine(); }
  size_t getCharPositionInLine() override { return lexer_.getCharPositionInLine(); }
  antlr4::CharStream* getInputStream() override { return lexer_.getInputStream(); }
  std::string getSourceName() override { return lexer_.getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return lexer_.getTokenFactory();
  }

 private:
  TokenScanner* scanner_;
  KeptTokens* kept_;
  LoketLexer& lexer_;
};

// A token stream that frees the tokens the parser is done with (about 110 bytes each): those
// of declarations already built. Only the fast pass uses it; it never seeks back.
class ReleasingTokenStream : public antlr4::CommonTokenStream {
 public:
  using antlr4::CommonTokenStream::CommonTokenStream;
  void ReleaseBefore(std::size_t index) {
    for (; released_ < index && released_ < _tokens.size(); ++released_) _tokens[released_].reset();
  }

 private:
  std::size_t released_ = 0;
};

// The fast pass: SLL prediction, one declaration parsed, built and freed at a time, tokens
// lexed as needed (or taken from `kept`, which `first_lexer` read) and freed after the next
// declaration is built, so memory follows the largest declaration, not the file (a parse tree
// costs ~800 bytes a token: a whole 2.8 MB file's took 660 MB). False on a syntax error
// (nothing reported).
bool ParseFast(ParseState& state, std::string_view text, Utf8CharStream& input, ast::File& file,
               DfaCacheLease& dfas, KeptTokens* kept, LoketLexer& first_lexer) {
  std::optional<LoketLexer> lexer;
  std::optional<TokenScanner> scanner;
  if (!kept) {
    input.seek(0);
    lexer.emplace(&input);
    dfas.Install(*lexer);
    lexer->removeErrorListeners();
    scanner.emplace(state, text, *lexer, /*report=*/false);
  }
  ScannedTokenSource source(scanner ? &*scanner : nullptr, kept, lexer ? *lexer : first_lexer);
  ReleasingTokenStream tokens(&source);
  LoketParser parser(&tokens);
  dfas.Install(parser);
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    if (BuildHeaderAst(parser.layerHeader(), state, file)) {
      while (tokens.LA(1) != antlr4::Token::EOF) {
        const std::size_t start = tokens.index();
        BuildDeclarationAst(parser.declaration(), state, file);
        parser.getTreeTracker().reset();
        // The parser may still look one token back, into this declaration.
        tokens.ReleaseBefore(start);
      }
    }
  } catch (const antlr4::ParseCancellationException&) {
    parser.getTreeTracker().reset();
    return false;
  }
  parser.getTreeTracker().reset();
  return true;
}

// Lexes, scans, parses and builds; runs on a thread with a large stack (see ParseFile).
void ParseTokens(ParseState& state, std::string_view text, std::uint32_t base, ast::File& file) {
  state.SetOffsets(CodePointOffsets(text, base), base,
                   static_cast<std::uint32_t>(base + text.size()));
  Utf8CharStream input(text, state.byte_of_code_point(), base);
  DfaCacheLease dfas;

  // First pass: every token is checked and problems reported (bad characters, limits). The
  // tokens of a small file are kept for the fast pass (about 110 bytes each); a large file's
  // are lexed again there, a declaration at a time, so its memory stays bounded.
  LoketLexer first_lexer(&input);
  dfas.Install(first_lexer);
  first_lexer.removeErrorListeners();
  LexerErrorListener lexer_errors(state);
  first_lexer.addErrorListener(&lexer_errors);
  KeptTokens kept;
  const bool keep = text.size() <= kKeepTokensUpTo;
  {
    TokenScanner scanner(state, text, first_lexer, /*report=*/true);
    std::unique_ptr<antlr4::Token> first = scanner.Next();
    if (!first) return;
    if (first->getType() == antlr4::Token::EOF) {
      state.sink().Report(diag::Kind::kEmptyFile, state.Range(0, 0),
                          "the file is empty; every file starts with a layer header such as "
                          "`layer national \"Nederland\"`");
      return;
    }
    antlr4::Token* const first_token = first.get();
    if (keep) kept.push_back(std::move(first));
    for (std::unique_ptr<antlr4::Token> token = scanner.Next();; token = scanner.Next()) {
      if (!token) return;
      const bool end = token->getType() == antlr4::Token::EOF;
      if (keep) kept.push_back(std::move(token));
      if (end) break;
    }
    if (first_token->getType() != LoketLexer::LAYER) {
      state.sink().Report(diag::Kind::kEmptyFile, state.TokenRange(first_token),
                          "a file starts with its layer header, such as `layer westland`; found {}",
                          DescribeToken(first_token));
      return;
    }
  }

  const std::size_t diagnostics_before = state.sink().diagnostics().size();
  if (ParseFast(state, text, input, file, dfas, keep ? &kept : nullptr, first_lexer)) return;

  // A syntax error: start again, from a clean file, with full prediction and recovery.
  const source::FileId id = file.id;
  file = ast::File{};
  file.id = id;
  state.sink().Truncate(diagnostics_before);
  input.seek(0);
  LoketLexer lexer(&input);
  dfas.Install(lexer);
  lexer.removeErrorListeners();
  TokenScanner scanner(state, text, lexer, /*report=*/false);
  ScannedTokenSource source(&scanner, nullptr, lexer);
  antlr4::CommonTokenStream tokens(&source);
  LoketParser parser(&tokens);
  dfas.Install(parser);
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::LL);
  parser.setErrorHandler(std::make_shared<FriendlyErrorStrategy>(state));
  BuildAst(parser.file(), state, file);
}

struct ParseJob {
  ParseState* state;
  std::string_view text;
  std::uint32_t base;
  ast::File* file;
};

// Everything ANTLR might throw stops here: nothing crosses ParseFile.
void RunGuarded(ParseJob& job) {
  try {
    ParseTokens(*job.state, job.text, job.base, *job.file);
  } catch (const StopParsing&) {
    // L111 was reported; what was built so far stays.
  } catch (const std::bad_alloc&) {
    job.state->sink().Report(diag::Kind::kFileTooLarge, job.state->Range(0, 0),
                             "ran out of memory while reading the file");
  } catch (const std::exception& e) {
    job.state->sink().Report(diag::Kind::kSyntaxError, job.state->Range(0, 0),
                             "the parser failed on this file: {}", e.what());
  } catch (...) {
    job.state->sink().Report(diag::Kind::kSyntaxError, job.state->Range(0, 0),
                             "the parser failed on this file");
  }
}

void* RunParseThread(void* argument) {
  RunGuarded(*static_cast<ParseJob*>(argument));
  return nullptr;
}

// The parser and the AST builder recurse; the nesting cap keeps them shallow, and a
// dedicated stack keeps that true whatever stack the caller runs on (threads, sanitizers).
void RunWithLargeStack(ParseJob& job, unsigned nesting_limit) {
  std::size_t stack_bytes = (std::size_t{64} << 20) + std::size_t{nesting_limit} * (16u << 10);
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) == 0) {
    pthread_t thread;
    bool started = pthread_attr_setstacksize(&attributes, stack_bytes) == 0 &&
                   pthread_create(&thread, &attributes, &RunParseThread, &job) == 0;
    pthread_attr_destroy(&attributes);
    if (started) {
      pthread_join(thread, nullptr);
      return;
    }
  }
  RunGuarded(job);  // no thread to be had: the caller's stack must do
}

}  // namespace

std::unique_ptr<ast::File> ParseFile(const source::SourceManager& sources, source::FileId file,
                                     const ParseLimits& limits, diag::DiagnosticSink& sink) {
  auto result = std::make_unique<ast::File>();
  result->id = file;
  if (file >= sources.file_count()) return result;  // no such file: nothing to read
  try {
    ParseState state(sources, file, limits, sink);
    std::string_view text = sources.text(file);
    if (text.size() > limits.max_file_bytes) {
      sink.Report(diag::Kind::kFileTooLarge, state.Range(0, 0),
                  // Callers may read only a little past the limit, so the size is not shown.
                  "the file is larger than the limit of {} bytes; split it into several files",
                  limits.max_file_bytes);
      return result;
    }
    if (auto nul = FindNulByte(text)) {
      auto at = static_cast<std::uint32_t>(*nul);
      sink.Report(diag::Kind::kBinaryFile, state.Range(at, at + 1),
                  "the file contains a NUL byte at offset {}; it looks like a binary file, "
                  "not rules",
                  *nul);
      return result;
    }
    if (auto bad = FindInvalidUtf8(text)) {
      auto at = static_cast<std::uint32_t>(*bad);
      sink.Report(diag::Kind::kInvalidUtf8, state.Range(at, at + 1),
                  "byte 0x{:02X} at offset {} is not valid UTF-8; save the file as UTF-8",
                  static_cast<unsigned char>(text[*bad]), *bad);
      return result;
    }
    std::uint32_t base = 0;
    if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
      base = static_cast<std::uint32_t>(kByteOrderMark.size());
      text.remove_prefix(kByteOrderMark.size());
    }
    ParseJob job{&state, text, base, result.get()};
    RunWithLargeStack(job, limits.max_nesting_depth);
  } catch (...) {
    // Only allocation can fail out here; the file stays as built.
  }
  return result;
}

}  // namespace loket::syntax
