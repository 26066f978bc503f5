#include "eval/yaml_subset.h"

#include <cstdint>

#include <fmt/format.h>

#include "support/utf8.h"

namespace loket::eval {
namespace {

struct Failure {
  YamlError error;
};

bool IsSpace(int c) {
  return c == ' ' || c == '\t';
}
bool IsFlowIndicator(int c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

// A character for a message: itself when printable ASCII, else its byte value.
std::string Shown(int c) {
  if (c >= 0x21 && c < 0x7F) return fmt::format("`{}`", static_cast<char>(c));
  return fmt::format("byte 0x{:02X}", c & 0xFF);
}

bool IsNullWord(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// Every step consumes input or fails, and each line is looked at a bounded number of times:
// the reader ends on every input, in time linear in its size.
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  YamlNode ReadDocument() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = line_start_ = 3;
    CheckCharacters();
    if (!SeekContent()) return YamlNode{};
    YamlNode root = ParseBlockNode(-1);
    if (!AtEnd()) Fail("this line does not belong to anything above it; check its indentation");
    return root;
  }

 private:
  // --- positions -----------------------------------------------------------------------------
  int At(std::size_t at) const { return at < s_.size() ? static_cast<unsigned char>(s_[at]) : -1; }
  int Peek(std::size_t ahead = 0) const { return At(pos_ + ahead); }
  bool AtEnd() const { return pos_ >= s_.size(); }
  int Column() const { return static_cast<int>(pos_ - line_start_); }
  bool AtBreak() const { return Peek() == '\n' || (Peek() == '\r' && Peek(1) == '\n'); }

  [[noreturn]] void Fail(std::string message, YamlError::Kind kind = YamlError::Kind::kInvalid) {
    FailAt(std::move(message), line_, Column(), kind);
  }
  [[noreturn]] static void FailAt(std::string message, int line, int column,
                                  YamlError::Kind kind = YamlError::Kind::kInvalid) {
    throw Failure{YamlError{kind, std::move(message), line, column + 1}};
  }

  void Break() {  // at a line break: past it
    pos_ += Peek() == '\r' ? 2 : 1;
    ++line_;
    line_start_ = pos_;
  }

  void SkipSpaces() {
    while (IsSpace(Peek())) ++pos_;
  }

  // A `#` starts a comment at the start of a line or after white space.
  bool AtComment() const { return Peek() == '#' && (pos_ == line_start_ || IsSpace(At(pos_ - 1))); }

  // After a node's text on a line: only white space and a comment may follow, then the break.
  void FinishLine() {
    SkipSpaces();
    if (AtComment()) {
      while (!AtEnd() && !AtBreak()) ++pos_;
    }
    if (AtEnd()) return;
    if (!AtBreak()) {
      if (Peek() == ':') Fail("a `:` after a value; a value cannot be a key as well");
      Fail(fmt::format("unexpected {} after the value on this line", Shown(Peek())));
    }
    Break();
  }

  // YAML allows tab, line feed, carriage return (before a line feed) and printable text.
  void CheckCharacters() {
    for (std::size_t i = pos_; i < s_.size(); ++i) {
      const auto c = static_cast<unsigned char>(s_[i]);
      if (c == '\t' || c == '\n' || (c == '\r' && At(i + 1) == '\n')) continue;
      if (c < 0x20 || c == 0x7F) {
        pos_ = i;
        line_ = 1;
        line_start_ = 0;
        for (std::size_t k = 0; k < i; ++k) {
          if (s_[k] == '\n') {
            ++line_;
            line_start_ = k + 1;
          }
        }
        Fail(fmt::format("a control character (U+{:04X}) is not allowed in YAML", c));
      }
    }
  }

  // From the start of a line (or the end of the text): to the first character of the next
  // line with content, past blank and comment lines and a leading `---`. False at the end.
  bool SeekContent() {
    for (;;) {
      if (AtEnd()) return EndOfText();
      while (Peek() == ' ') ++pos_;
      if (Peek() == '\t') {
        SkipSpaces();
        if (!AtEnd() && !AtBreak() && !AtComment())
          Fail("a tab in the indentation; indent with spaces");
      }
      if (AtComment()) {
        while (!AtEnd() && !AtBreak()) ++pos_;
      }
      if (AtEnd()) return EndOfText();
      if (AtBreak()) {
        Break();
        continue;
      }
      if (Column() == 0 && IsMarker("---")) {
        // A second document is reported where its content starts, or at its `---`.
        const bool second = content_seen_ || document_started_ || document_ended_;
        if (second && second_document_at_ > 0) SecondDocument();
        document_started_ = true;
        pos_ += 3;
        SkipSpaces();
        if (AtEnd() || AtBreak() || AtComment()) {
          if (second) second_document_at_ = line_;
          FinishLine();
          continue;
        }
        if (second) SecondDocument();
      } else if (Column() == 0 && IsMarker("...")) {
        document_ended_ = true;
        pos_ += 3;
        FinishLine();
        continue;
      } else if (Column() == 0 && Peek() == '%') {
        Fail("YAML directives (`%`) are not supported");
      }
      if (document_ended_ || second_document_at_ > 0) SecondDocument();
      content_seen_ = true;
      return true;
    }
  }

  bool IsMarker(std::string_view marker) const {
    return s_.substr(pos_, 3) == marker && (pos_ + 3 >= s_.size() || IsSpace(At(pos_ + 3)) ||
                                            At(pos_ + 3) == '\n' || At(pos_ + 3) == '\r');
  }

  [[noreturn]] void SecondDocument() {
    Fail("a second YAML document", YamlError::Kind::kSecondDocument);
  }
  bool EndOfText() {
    if (second_document_at_ > 0) {
      FailAt("a second YAML document", second_document_at_, 0, YamlError::Kind::kSecondDocument);
    }
    return false;
  }

  struct Depth {
    explicit Depth(Reader& reader) : reader_(reader) {
      if (++reader_.depth_ > kMaxYamlDepth) {
        reader_.Fail(fmt::format("nested more than {} levels deep", kMaxYamlDepth),
                     YamlError::Kind::kTooDeep);
      }
    }
    ~Depth() { --reader_.depth_; }
    Depth(const Depth&) = delete;
    Depth& operator=(const Depth&) = delete;
    Reader& reader_;
  };

  YamlNode Start(YamlNode::Kind kind) const {
    YamlNode node;
    node.kind = kind;
    node.line = line_;
    node.column = Column() + 1;
    return node;
  }

  // --- block context -------------------------------------------------------------------------
  bool AtSequenceEntry() const {
    return Peek() == '-' &&
           (IsSpace(Peek(1)) || Peek(1) == '\n' || Peek(1) == '\r' || Peek(1) == -1);
  }

  // Whether a `key:` starts here (the key on this line, then `:` and white space or the end).
  bool AtKey() const {
    std::size_t at = pos_;
    const int first = At(at);
    if (first == '"' || first == '\'') {
      for (++at; at < s_.size() && s_[at] != '\n'; ++at) {
        if (first == '"' && s_[at] == '\\') {
          ++at;
        } else if (s_[at] == first) {
          if (first == '\'' && At(at + 1) == '\'') {
            ++at;
            continue;
          }
          ++at;
          while (IsSpace(At(at))) ++at;
          return At(at) == ':' && EndsKey(at + 1);
        }
      }
      return false;
    }
    if (first == '[' || first == '{' || first == '#' || first == -1) return false;
    for (; at < s_.size() && s_[at] != '\n'; ++at) {
      if (s_[at] == '#' && at > pos_ && IsSpace(At(at - 1))) return false;
      if (s_[at] == ':' && EndsKey(at + 1)) return true;
    }
    return false;
  }
  bool EndsKey(std::size_t at) const {
    const int c = At(at);
    return c == -1 || IsSpace(c) || c == '\n' || c == '\r';
  }

  // The node at the cursor (content on a line), within a block indented `parent` spaces.
  YamlNode ParseBlockNode(int parent) {
    Depth depth(*this);
    if (AtSequenceEntry()) return ParseBlockSequence();
    if (AtKey()) return ParseBlockMapping();
    return ParseInline(parent);
  }

  // The value after `key:` or `-` when nothing follows on the line: a block on the next lines
  // indented more than `indent` (a sequence may also sit at `indent` after a key), or null.
  YamlNode ParseNestedBlock(int indent, bool after_key, YamlNode empty) {
    FinishLine();
    if (!SeekContent()) return empty;
    if (Column() > indent || (after_key && Column() == indent && AtSequenceEntry())) {
      return ParseBlockNode(indent);
    }
    return empty;
  }

  YamlNode ParseBlockMapping() {
    YamlNode mapping = Start(YamlNode::Kind::kMapping);
    const int indent = Column();
    for (;;) {
      YamlNode key = ParseKey();
      SkipSpaces();
      YamlNode value = Start(YamlNode::Kind::kNull);
      if (AtEnd() || AtBreak() || AtComment()) {
        value = ParseNestedBlock(indent, true, value);
      } else {
        value = ParseInline(indent);
      }
      mapping.entries.push_back(YamlEntry{std::move(key), std::move(value)});
      if (AtEnd() || Column() < indent) return mapping;
      if (Column() > indent) Fail("this line is indented more than the keys above it");
      if (AtSequenceEntry()) Fail("a list entry `-` where a `name: value` is expected");
      if (!AtKey()) Fail("expected `name: value` at the indentation of the keys above");
    }
  }

  YamlNode ParseKey() {
    const int first = Peek();
    if (first == '"' || first == '\'') {
      const int line = line_;
      YamlNode key = ParseQuoted();
      if (line_ != line) Fail("a key in quotes must be on one line");
      SkipSpaces();
      ++pos_;  // the `:` AtKey saw
      return key;
    }
    RefuseIndicator(first);
    YamlNode key = Start(YamlNode::Kind::kScalar);
    const std::size_t begin = pos_;
    while (!(Peek() == ':' && EndsKey(pos_ + 1))) ++pos_;
    std::size_t end = pos_;
    while (end > begin && IsSpace(At(end - 1))) --end;
    key.text.assign(s_.substr(begin, end - begin));
    if (key.text.empty()) Fail("a `:` without a name before it");
    ++pos_;
    return key;
  }

  YamlNode ParseBlockSequence() {
    YamlNode sequence = Start(YamlNode::Kind::kSequence);
    const int indent = Column();
    for (;;) {
      ++pos_;  // the `-`
      SkipSpaces();
      YamlNode item = Start(YamlNode::Kind::kNull);
      if (AtEnd() || AtBreak() || AtComment()) {
        item = ParseNestedBlock(indent, false, item);
      } else {
        item = ParseBlockNode(indent);
      }
      sequence.items.push_back(std::move(item));
      if (AtEnd() || Column() < indent) return sequence;
      if (Column() > indent) Fail("this line is indented more than the list entries above it");
      if (!AtSequenceEntry()) return sequence;  // a key after a sequence at the key's indent
    }
  }

  // Characters that cannot start a plain scalar, refused with what they would have meant.
  void RefuseIndicator(int c) {
    switch (c) {
      case '&':
      case '*':
        Fail("YAML aliases (`*name`) and anchors (`&name`) are not allowed; write the values out",
             YamlError::Kind::kAlias);
      case '!':
        Fail("YAML tags (`!name`) are not supported");
      case '|':
      case '>':
        Fail("block text (`|`, `>`) is not supported; write the text in quotes");
      case '?':
        if (IsSpace(Peek(1)) || Peek(1) == '\n' || Peek(1) == '\r' || Peek(1) == -1) {
          Fail("complex keys (`? `) are not supported");
        }
        return;
      case ',':
        Fail("a `,` outside brackets");
      case ']':
      case '}':
        Fail(fmt::format("a `{}` without its opening bracket", static_cast<char>(c)));
      case '%':
      case '@':
      case '`':
        Fail(fmt::format("a plain value cannot start with {}; put it in quotes", Shown(c)));
      default:
        return;
    }
  }

  // A value on the line of its key or `-`: a flow collection, a quoted or a plain scalar.
  // The cursor ends at the next line with content.
  YamlNode ParseInline(int parent) {
    YamlNode node;
    const int first = Peek();
    if (first == '[' || first == '{') {
      node = ParseFlow();
    } else if (first == '"' || first == '\'') {
      node = ParseQuoted();
    } else if (AtSequenceEntry()) {
      Fail("a list entry `-` cannot follow `name:` on its line; start the list on the next line");
    } else {
      return ParsePlainBlock(parent);
    }
    FinishLine();
    SeekContent();
    return node;
  }

  // A plain scalar in block context; it may go on over lines indented more than `parent`,
  // which are joined with a space.
  YamlNode ParsePlainBlock(int parent) {
    RefuseIndicator(Peek());
    YamlNode node = Start(YamlNode::Kind::kScalar);
    node.text = PlainLine();
    for (;;) {
      FinishLine();
      if (!SeekContent()) break;
      if (Column() <= parent || AtComment()) break;
      if (AtKey()) Fail("a `name: value` inside a value; check the indentation");
      node.text += ' ';
      node.text += PlainLine();
    }
    if (IsNullWord(node.text)) node.kind = YamlNode::Kind::kNull;
    return node;
  }

  // The rest of a plain scalar's line, up to a comment, without trailing white space.
  std::string PlainLine() {
    const std::size_t begin = pos_;
    std::size_t end = pos_;
    while (!AtEnd() && !AtBreak() && !AtComment()) {
      if (Peek() == ':' && EndsKey(pos_ + 1))
        Fail("a `: ` inside a value; put the value in quotes");
      ++pos_;
      if (!IsSpace(At(pos_ - 1))) end = pos_;
    }
    return std::string(s_.substr(begin, end - begin));
  }

  // --- flow context --------------------------------------------------------------------------
  void SkipFlowSpace(int open_line, int open_column, char close) {
    for (;;) {
      SkipSpaces();
      if (AtComment()) {
        while (!AtEnd() && !AtBreak()) ++pos_;
      }
      if (AtEnd()) {
        FailAt(fmt::format("this `{}` is never closed with `{}`", close == ']' ? '[' : '{', close),
               open_line, open_column);
      }
      if (!AtBreak()) return;
      Break();
      if (IsMarker("---") || IsMarker("...")) Fail("a document marker inside brackets");
    }
  }

  YamlNode ParseFlow() {
    Depth depth(*this);
    const bool is_map = Peek() == '{';
    const char close = is_map ? '}' : ']';
    YamlNode node = Start(is_map ? YamlNode::Kind::kMapping : YamlNode::Kind::kSequence);
    const int open_line = line_;
    const int open_column = Column();
    ++pos_;
    for (;;) {
      SkipFlowSpace(open_line, open_column, close);
      if (Peek() == close) {
        ++pos_;
        return node;
      }
      if (Peek() == ',') Fail("an empty entry (`,` after `,` or the bracket)");
      if (is_map) {
        if (Peek() == '[' || Peek() == '{') Fail("a key must be a name, not a list or mapping");
        YamlNode key = ParseFlowItem(close);
        YamlNode value = Start(YamlNode::Kind::kNull);
        SkipFlowSpace(open_line, open_column, close);
        if (Peek() == ':') {
          ++pos_;
          SkipFlowSpace(open_line, open_column, close);
          value = Start(YamlNode::Kind::kNull);
          if (Peek() != ',' && Peek() != close) value = ParseFlowItem(close);
        }
        node.entries.push_back(YamlEntry{std::move(key), std::move(value)});
      } else {
        node.items.push_back(ParseFlowItem(close));
      }
      SkipFlowSpace(open_line, open_column, close);
      if (Peek() == ',') {
        ++pos_;
      } else if (Peek() == ':' && !is_map) {
        Fail("a `name: value` inside `[...]` needs braces: `[{name: value}]`");
      } else if (Peek() != close) {
        Fail(fmt::format("expected `,` or `{}`, found {}", close, Shown(Peek())));
      }
    }
  }

  YamlNode ParseFlowItem(char close) {
    const int first = Peek();
    if (first == '[' || first == '{') return ParseFlow();
    if (first == '"' || first == '\'') return ParseQuoted();
    if (first == '-' && (IsSpace(Peek(1)) || AtBreakAt(pos_ + 1))) {
      Fail("a list entry `- ` inside brackets; separate entries with `,`");
    }
    if (first == ']' || first == '}') {
      Fail(fmt::format("a `{}` where `{}` closes the brackets", static_cast<char>(first), close));
    }
    RefuseIndicator(first);
    YamlNode node = Start(YamlNode::Kind::kScalar);
    const std::size_t begin = pos_;
    std::size_t end = pos_;
    while (!AtEnd() && !AtBreak() && !AtComment() && !IsFlowIndicator(Peek())) {
      if (Peek() == ':' && (EndsKey(pos_ + 1) || IsFlowIndicator(Peek(1)))) break;
      ++pos_;
      if (!IsSpace(At(pos_ - 1))) end = pos_;
    }
    node.text.assign(s_.substr(begin, end - begin));
    if (IsNullWord(node.text)) node.kind = YamlNode::Kind::kNull;
    return node;
  }
  bool AtBreakAt(std::size_t at) const { return At(at) == '\n' || At(at) == '\r' || At(at) == -1; }

  // --- quoted scalars ------------------------------------------------------------------------
  YamlNode ParseQuoted() {
    YamlNode node = Start(YamlNode::Kind::kScalar);
    node.quoted = true;
    const int quote = Peek();
    const int open_line = line_;
    const int open_column = Column();
    ++pos_;
    for (;;) {
      if (AtEnd()) FailAt("this quoted text is never closed", open_line, open_column);
      const int c = Peek();
      if (c == quote) {
        if (quote == '\'' && Peek(1) == '\'') {
          node.text += '\'';
          pos_ += 2;
          continue;
        }
        ++pos_;
        return node;
      }
      if (AtBreak()) {
        Fold(node.text);
        continue;
      }
      if (quote == '"' && c == '\\') {
        Escape(node.text);
        continue;
      }
      node.text += static_cast<char>(c);
      ++pos_;
    }
  }

  // A line break inside quotes: trailing white space goes, the break becomes a space, or a
  // newline for each empty line that follows; the next line's indentation goes.
  void Fold(std::string& text) {
    while (!text.empty() && IsSpace(static_cast<unsigned char>(text.back()))) text.pop_back();
    Break();
    int empty_lines = 0;
    for (;;) {
      SkipSpaces();
      if (!AtBreak()) break;
      Break();
      ++empty_lines;
    }
    if (Column() == 0 && (IsMarker("---") || IsMarker("..."))) {
      Fail("a document marker inside quoted text");
    }
    text.append(empty_lines == 0 ? 1 : static_cast<std::size_t>(empty_lines),
                empty_lines == 0 ? ' ' : '\n');
  }

  void Escape(std::string& text) {
    const int c = Peek(1);
    pos_ += 2;
    switch (c) {
      case '0':
        text += '\0';
        return;
      case 'a':
        text += '\a';
        return;
      case 'b':
        text += '\b';
        return;
      case 't':
      case '\t':
        text += '\t';
        return;
      case 'n':
        text += '\n';
        return;
      case 'v':
        text += '\v';
        return;
      case 'f':
        text += '\f';
        return;
      case 'r':
        text += '\r';
        return;
      case 'e':
        text += '\x1B';
        return;
      case ' ':
        text += ' ';
        return;
      case '"':
        text += '"';
        return;
      case '/':
        text += '/';
        return;
      case '\\':
        text += '\\';
        return;
      case 'N':
        support::AppendUtf8(text, 0x85);
        return;
      case '_':
        support::AppendUtf8(text, 0xA0);
        return;
      case 'L':
        support::AppendUtf8(text, 0x2028);
        return;
      case 'P':
        support::AppendUtf8(text, 0x2029);
        return;
      case 'x':
        support::AppendUtf8(text, Hex(2));
        return;
      case 'u': {
        std::uint32_t code = Hex(4);
        if (code >= 0xD800 && code <= 0xDBFF && Peek() == '\\' && Peek(1) == 'u') {
          pos_ += 2;
          const std::uint32_t low = Hex(4);
          if (low < 0xDC00 || low > 0xDFFF) Fail("`\\u` escapes of a surrogate pair do not match");
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xD800 && code <= 0xDFFF) {
          Fail("a `\\u` escape of half a surrogate pair");
        }
        support::AppendUtf8(text, code);
        return;
      }
      case 'U': {
        const std::uint32_t code = Hex(8);
        if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
          Fail("a `\\U` escape that is not a character");
        }
        support::AppendUtf8(text, code);
        return;
      }
      case '\r':
      case '\n':
        // An escaped line break joins the lines without a space.
        pos_ -= 1;
        Break();
        SkipSpaces();
        return;
      default:
        pos_ -= 1;
        Fail(fmt::format("unknown escape `\\` followed by {} in quoted text", Shown(c)));
    }
  }

  std::uint32_t Hex(int digits) {
    std::uint32_t value = 0;
    for (int i = 0; i < digits; ++i) {
      const int c = Peek();
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0) Fail(fmt::format("an escape needs {} hex digits", digits));
      value = value * 16 + static_cast<std::uint32_t>(digit);
      ++pos_;
    }
    return value;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  int depth_ = 0;
  bool content_seen_ = false;
  bool document_started_ = false;  // a `---` was read
  bool document_ended_ = false;    // a `...` was read
  int second_document_at_ = 0;     // the line of a `---` after the first document
};

}  // namespace

bool ReadYaml(std::string_view text, YamlNode& root, YamlError& error) {
  try {
    root = Reader(text).ReadDocument();
    return true;
  } catch (const Failure& failure) {
    error = failure.error;
    return false;
  }
}

}  // namespace loket::eval
