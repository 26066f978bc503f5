// clang-style text rendering of diagnostics:
//
//   rules/wi.loket:12:13: error[L201]: unknown name `agee`
//      12 |   when agee >= 18
//         |        ^~~~
//   rules/wi.loket:3:6: note: `age` is declared here
//   help: did you mean `age`?
//
// Columns in Location count bytes; the caret line is drawn in display columns, so tabs are
// expanded and multi-byte UTF-8 characters (including wide ones) line up under the source.
#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "loket/diagnostic.h"

namespace loket {
namespace {

constexpr int kTabWidth = 4;

struct Style {
  bool color;
  const char* Bold() const { return color ? "\x1b[1m" : ""; }
  const char* Reset() const { return color ? "\x1b[0m" : ""; }
  const char* Caret() const { return color ? "\x1b[1;32m" : ""; }
  const char* Gutter() const { return color ? "\x1b[34m" : ""; }
  const char* Level(Severity severity) const {
    if (!color) return "";
    switch (severity) {
      case Severity::kError:
        return "\x1b[1;31m";
      case Severity::kWarning:
        return "\x1b[1;35m";
      case Severity::kNote:
        return "\x1b[1;36m";
    }
    return "";
  }
};

// Display width of a code point: 0 for combining marks, 2 for East Asian wide and emoji
// ranges, 1 otherwise. Enough to keep carets aligned for real rule files.
int CodePointWidth(std::uint32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
      (cp >= 0xFE00 && cp <= 0xFE0F)) {
    return 0;
  }
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
      (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

// The line as it is displayed, and for every byte offset (0..size) its display column.
struct DisplayLine {
  std::string text;
  std::vector<int> column_of_byte;
};

DisplayLine ToDisplay(std::string_view line) {
  DisplayLine display;
  display.column_of_byte.assign(line.size() + 1, 0);
  int column = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    auto byte = static_cast<unsigned char>(line[i]);
    std::size_t length = 1;
    if (byte == '\t') {
      int spaces = kTabWidth - column % kTabWidth;
      display.column_of_byte[i] = column;
      display.text.append(static_cast<std::size_t>(spaces), ' ');
      column += spaces;
      ++i;
      continue;
    }
    std::uint32_t cp = byte;
    if (byte >= 0xC0 && byte < 0xF8) {
      length = byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
      cp = byte & (0x3F >> (length - 1));
      bool valid = i + length <= line.size();
      for (std::size_t k = 1; valid && k < length; ++k) {
        auto next = static_cast<unsigned char>(line[i + k]);
        if ((next & 0xC0) != 0x80) valid = false;
        cp = (cp << 6) | (next & 0x3F);
      }
      if (!valid) {
        length = 1;
        cp = 0xFFFD;
      }
    } else if (byte >= 0x80) {
      cp = 0xFFFD;  // a stray continuation byte
    }
    for (std::size_t k = 0; k < length; ++k) display.column_of_byte[i + k] = column;
    if (cp == 0xFFFD && length == 1) {
      display.text += '?';
    } else if (cp < 0x20 || cp == 0x7F) {
      display.text += ' ';  // control characters would garble the terminal
    } else {
      display.text.append(line.substr(i, length));
    }
    column += cp == 0xFFFD && length == 1 ? 1 : (cp < 0x20 || cp == 0x7F ? 1 : CodePointWidth(cp));
    i += length;
  }
  display.column_of_byte[line.size()] = column;
  return display;
}

int Digits(int n) {
  int digits = 1;
  while (n >= 10) {
    n /= 10;
    ++digits;
  }
  return digits;
}

// A long line (minified JSON, a generated rule) is shown as a window around the caret: 4 000
// errors on one 55 KB line must not print the line 4 000 times.
constexpr int kSnippetWindow = 160;  // bytes of the line shown at most
constexpr int kSnippetBefore = 60;   // of them before the caret

void RenderSnippet(std::ostream& out, const Location& location, const Style& style) {
  if (location.line <= 0) return;
  std::string_view line = location.source_line;
  int size = static_cast<int>(line.size());
  int begin_byte = std::clamp(location.column - 1, 0, size);
  int end_byte = location.end_line == location.line ? location.end_column - 1 : size;
  end_byte = std::clamp(end_byte, begin_byte, size);
  std::string windowed;
  if (size > kSnippetWindow) {
    const auto continuation = [&](int at) {
      return at < size &&
             (static_cast<unsigned char>(line[static_cast<std::size_t>(at)]) & 0xC0) == 0x80;
    };
    int from = std::max(0, begin_byte - kSnippetBefore);
    while (from > 0 && continuation(from)) --from;
    int to = std::min(size, from + kSnippetWindow);
    while (to < size && continuation(to)) --to;
    const std::string_view ellipsis = "...";
    const int shift = from > 0 ? static_cast<int>(ellipsis.size()) : 0;
    if (from > 0) windowed += ellipsis;
    windowed += line.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
    if (to < size) windowed += ellipsis;
    begin_byte = std::clamp(begin_byte - from + shift, shift, shift + (to - from));
    end_byte = std::clamp(end_byte - from + shift, begin_byte, shift + (to - from));
    line = windowed;
  }
  DisplayLine display = ToDisplay(line);
  int begin = display.column_of_byte[static_cast<std::size_t>(begin_byte)];
  int end = display.column_of_byte[static_cast<std::size_t>(end_byte)];
  int width = std::max(1, end - begin);

  std::string gutter(static_cast<std::size_t>(Digits(location.line)), ' ');
  out << style.Gutter() << ' ' << location.line << " |" << style.Reset();
  if (!display.text.empty()) out << ' ' << display.text;
  out << '\n';
  out << style.Gutter() << ' ' << gutter << " |" << style.Reset() << ' '
      << std::string(static_cast<std::size_t>(begin), ' ') << style.Caret() << '^'
      << std::string(static_cast<std::size_t>(width - 1), '~') << style.Reset() << '\n';
}

void RenderLocationPrefix(std::ostream& out, const Location& location, const Style& style) {
  if (location.path.empty()) return;
  out << style.Bold() << location.path;
  if (location.line > 0) out << ':' << location.line << ':' << location.column;
  out << ':' << style.Reset() << ' ';
}

void RenderIndented(std::ostream& out, std::string_view text, std::string_view indent) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t newline = text.find('\n', start);
    std::string_view line = text.substr(
        start, newline == std::string_view::npos ? text.size() - start : newline - start);
    out << indent << line << '\n';
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
}

}  // namespace

std::string RenderText(const Diagnostic& diagnostic, const RenderOptions& options) {
  Style style{options.color};
  std::ostringstream out;
  RenderLocationPrefix(out, diagnostic.location, style);
  out << style.Level(diagnostic.severity) << SeverityName(diagnostic.severity);
  if (!diagnostic.code.empty()) out << '[' << diagnostic.code << ']';
  out << ':' << style.Reset() << ' ' << style.Bold() << diagnostic.message << style.Reset() << '\n';
  RenderSnippet(out, diagnostic.location, style);

  for (const DiagnosticNote& note : diagnostic.notes) {
    RenderLocationPrefix(out, note.location, style);
    out << style.Level(Severity::kNote) << "note:" << style.Reset() << ' ' << note.message << '\n';
    RenderSnippet(out, note.location, style);
  }
  for (const std::string& help : diagnostic.help) {
    out << style.Bold() << "help:" << style.Reset() << ' ' << help << '\n';
  }
  if (options.show_witnesses) {
    for (const Witness& witness : diagnostic.witnesses) {
      out << style.Bold() << "witness:" << style.Reset() << ' ' << witness.title;
      if (!witness.jurisdiction.empty() || !witness.date.empty()) {
        out << " (";
        if (!witness.jurisdiction.empty()) out << "jurisdiction " << witness.jurisdiction;
        if (!witness.jurisdiction.empty() && !witness.date.empty()) out << ", ";
        if (!witness.date.empty()) out << "date " << witness.date;
        out << ')';
      }
      out << '\n';
      // The facts the rules read; the complete case is in the JSON and the witness suites.
      RenderIndented(out,
                     witness.facts_read_yaml.empty() ? witness.case_yaml : witness.facts_read_yaml,
                     "    ");
      if (!witness.replay.empty()) {
        out << "  replay:\n";
        RenderIndented(out, witness.replay, "    ");
      }
    }
  }
  return out.str();
}

void RenderText(std::ostream& out, const std::vector<Diagnostic>& diagnostics,
                const RenderOptions& options) {
  for (const Diagnostic& diagnostic : diagnostics) out << RenderText(diagnostic, options);
}

}  // namespace loket
