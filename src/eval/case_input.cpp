// Reading cases: JSON (simdjson on-demand, straight into the case's slots), YAML (our own reader of
// the subset cases use, eval/yaml_subset.h) and name/value texts, each validated against the
// program's facts (L601-L605, L611).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "diag/diagnostic.h"
#include "eval/engine.h"
#include "eval/program_access.h"
#include "eval/support.h"
#include "eval/yaml_subset.h"
#include "loket/evaluate.h"
#include "support/date.h"
#include "support/money.h"
#include "support/utf8.h"

namespace loket {

using compile::CompiledProgram;

namespace {

enum class InputKind { kNull, kBool, kNumber, kString, kPlain, kList, kObject };

const char* InputKindName(InputKind kind) {
  switch (kind) {
    case InputKind::kNull:
      return "null";
    case InputKind::kBool:
      return "a boolean";
    case InputKind::kNumber:
      return "a number";
    case InputKind::kString:
      return "a string";
    case InputKind::kPlain:
      return "a value";
    case InputKind::kList:
      return "a list";
    case InputKind::kObject:
      return "an object";
  }
  return "a value";
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// The first `limit` bytes of `text` with every byte that is not UTF-8 replaced by U+FFFD, so
// messages stay valid text for the JSON and text renderers; sets `cut` when text was longer.
std::string ValidUtf8(std::string_view text, std::size_t limit, bool& cut) {
  std::string valid;
  std::size_t i = 0;
  while (i < text.size() && i < limit) {
    const std::size_t length = support::Utf8SequenceLength(text, i);
    if (length == 0) {
      valid += "\xEF\xBF\xBD";
      ++i;
    } else {
      valid.append(text.data() + i, length);
      i += length;
    }
  }
  cut = i < text.size();
  return valid;
}

// A value quoted in a message: whole when short, else its start and its length, so a rejected
// 100 MB value is not echoed.
std::string Shown(std::string_view text) {
  bool cut = false;
  std::string shown = ValidUtf8(text, 64, cut);
  if (cut) shown += fmt::format("\xE2\x80\xA6 ({} bytes)", text.size());
  return shown;
}

// Where a byte offset lies in a text: `line L, column C`, or `column C` on a one-line text.
std::string Place(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::size_t newlines =
      static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  const std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t column =
      offset - (line_start == std::string_view::npos || newlines == 0 ? 0 : line_start + 1) + 1;
  if (text.find('\n') == std::string_view::npos) return fmt::format("column {}", column);
  return fmt::format("line {}, column {}", newlines + 1, column);
}

// The text of 1-based line `line` (empty past the end).
std::string_view LineOf(std::string_view text, int line) {
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  return text.substr(start, text.find('\n', start) - start);
}

// Whole numbers written with digits only: too large for 64 bits is out of range, not a
// wrong type.
bool AllDigits(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ASCII case folding, as std::tolower does in the "C" locale, without a call per character.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  if (i == text.size()) return std::nullopt;
  std::int64_t value = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, negative ? -(c - '0') : (c - '0'), &value)) {
      return std::nullopt;
    }
  }
  return value;
}

std::string_view Unquote(std::string_view text, bool& quoted) {
  quoted = false;
  if (text.size() >= 2 && ((text.front() == '"' && text.back() == '"') ||
                           (text.front() == '\'' && text.back() == '\''))) {
    quoted = true;
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// Writes validated values into a case.
class CaseWriter {
 public:
  CaseWriter(const CompiledProgram& program, Case& c, std::vector<Diagnostic>& errors)
      : p_(program),
        values_(internal::Engine::Values(c)),
        present_(internal::Engine::Present(c)),
        errors_(errors),
        marks_(ThreadMarks()) {
    // A generation per case marks the facts given so far without clearing an array per case.
    if (++marks_.generation == 0) {
      std::fill(marks_.stamp.begin(), marks_.stamp.end(), 0u);
      marks_.generation = 1;
    }
    if (marks_.stamp.size() < static_cast<std::size_t>(p_.fact_count)) {
      marks_.stamp.resize(static_cast<std::size_t>(p_.fact_count), 0u);
      marks_.place.resize(static_cast<std::size_t>(p_.fact_count), 0);
    }
  }

  // Notes that the fact in `slot` is given at `place` (a line, or a byte offset); when it was
  // given before, sets `earlier` to that place and returns false.
  bool FirstTime(int slot, std::int64_t place, std::int64_t& earlier) {
    const auto index = static_cast<std::size_t>(slot);
    if (marks_.stamp[index] == marks_.generation) {
      earlier = marks_.place[index];
      return false;
    }
    marks_.stamp[index] = marks_.generation;
    marks_.place[index] = place;
    return true;
  }

  void GivenTwice(int slot, const std::string& first, const std::string& second, int line) {
    rejected_.push_back(slot);
    Diagnostic d = eval::MakeDiagnostic(
        diag::Kind::kMalformedCase,
        fmt::format("fact `{}` is given twice, at {} and at {}: give each fact once",
                    Fact(slot).name, first, second),
        Fact(slot).name);
    d.location.line = line;
    errors_.push_back(std::move(d));
  }

  std::size_t error_count() const { return errors_.size(); }

  // Facts whose value was rejected: not reported again as missing (L605).
  bool Rejected(int slot) const {
    return std::find(rejected_.begin(), rejected_.end(), slot) != rejected_.end();
  }

  // The slot of a key, or -1 after reporting L601. Keys usually come in fact order, so the
  // slot after the previous one is tried first.
  int Slot(std::string_view key, int line = 0) {
    const int n = p_.fact_count;
    if (hint_ < n && p_.slots[static_cast<std::size_t>(hint_)].name == key) return hint_++;
    for (int i = 0; i < n; ++i) {
      if (p_.slots[static_cast<std::size_t>(i)].name == key) {
        hint_ = i + 1;
        return i;
      }
    }
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back(p_.slots[static_cast<std::size_t>(i)].name);
    Diagnostic d =
        eval::MakeDiagnostic(diag::Kind::kUnknownFactKey,
                             fmt::format("unknown fact `{}` in the case for jurisdiction `{}`",
                                         Shown(key), p_.jurisdiction),
                             std::string(key));
    std::string closest = diag::ClosestName(key, names);
    if (closest.empty()) closest = diag::RelatedName(key, names);
    if (!closest.empty()) {
      d.help.push_back(fmt::format("did you mean `{}`?", closest));
      // One mistake, one error: the fact the key was probably meant for is not reported
      // missing (L605) as well.
      for (int i = 0; i < n; ++i) {
        if (p_.slots[static_cast<std::size_t>(i)].name == closest) rejected_.push_back(i);
      }
    }
    d.location.line = line;
    errors_.push_back(std::move(d));
    return -1;
  }

  const FactInfo& Fact(int slot) const { return p_.fact_infos[static_cast<std::size_t>(slot)]; }

  void WrongType(int slot, InputKind kind, std::string_view text, int line,
                 std::string_view why = {}) {
    const FactInfo& fact = Fact(slot);
    std::string given = text.empty() ? std::string(InputKindName(kind))
                                     : fmt::format("{} `{}`", InputKindName(kind), Shown(text));
    rejected_.push_back(slot);
    Diagnostic d = eval::MakeDiagnostic(
        diag::Kind::kFactWrongType,
        fmt::format("fact `{}` expects {}, not {}{}", fact.name, eval::TypeDescription(fact), given,
                    why.empty() ? "" : fmt::format(" ({})", why)),
        fact.name);
    d.value_at_fault = true;
    d.location.line = line;
    errors_.push_back(std::move(d));
  }

  bool Store(int slot, std::int64_t value, int line) {
    const FactInfo& fact = Fact(slot);
    if (fact.has_range && (value < fact.lo || value > fact.hi)) {
      rejected_.push_back(slot);
      Value v{fact.type, value, nullptr};
      Value lo{fact.type, fact.lo, nullptr};
      Value hi{fact.type, fact.hi, nullptr};
      Diagnostic d =
          eval::MakeDiagnostic(diag::Kind::kFactOutOfRange,
                               fmt::format("fact `{}` = {} is outside its range {}..{}", fact.name,
                                           v.ToString(), lo.ToString(), hi.ToString()),
                               fact.name);
      d.value_at_fault = true;
      d.location.line = line;
      errors_.push_back(std::move(d));
      return false;
    }
    values_[static_cast<std::size_t>(slot)] = value;
    present_[static_cast<std::size_t>(slot)] = 1;
    return true;
  }

  // Digits beyond 64 bits: outside the declared range, or else outside what loket holds.
  bool TooLarge(int slot, std::string_view text, int line) {
    const FactInfo& fact = Fact(slot);
    rejected_.push_back(slot);
    std::string range;
    if (fact.has_range) {
      range = fmt::format("its range {}..{}", Value{fact.type, fact.lo, nullptr}.ToString(),
                          Value{fact.type, fact.hi, nullptr}.ToString());
    } else {
      range = fmt::format("the whole numbers loket holds, {}..{}",
                          std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max());
    }
    Diagnostic d = eval::MakeDiagnostic(
        diag::Kind::kFactOutOfRange,
        fmt::format("fact `{}` = {} is outside {}", fact.name, Shown(text), range), fact.name);
    d.value_at_fault = true;
    d.location.line = line;
    errors_.push_back(std::move(d));
    return false;
  }

  void Absent(int slot) { present_[static_cast<std::size_t>(slot)] = 0; }

  // The index of an enum member, or -1 after reporting L604.
  int Member(int slot, std::string_view name, int line) {
    const FactInfo& fact = Fact(slot);
    for (std::size_t i = 0; i < fact.members.size(); ++i) {
      if (fact.members[i] == name) return static_cast<int>(i);
    }
    rejected_.push_back(slot);
    Diagnostic d = eval::MakeDiagnostic(diag::Kind::kFactUnknownEnumMember,
                                        fmt::format("`{}` is not a member of {} (fact `{}`)",
                                                    Shown(name), fact.enum_name, fact.name),
                                        fact.name);
    d.value_at_fault = true;
    d.given = Shown(name);
    std::string closest = diag::ClosestName(name, fact.members);
    if (!closest.empty()) d.help.push_back(fmt::format("did you mean `{}`?", closest));
    std::string list;
    for (std::size_t i = 0; i < fact.members.size(); ++i) {
      if (i > 0) list += ", ";
      list += fact.members[i];
    }
    DiagnosticNote note;
    note.message = fmt::format("{} has the members {}", fact.enum_name, list);
    d.notes.push_back(std::move(note));
    d.location.line = line;
    errors_.push_back(std::move(d));
    return -1;
  }

  // A JSON boolean for the fact in `slot`: stored as is for a bool fact.
  bool Bool(int slot, bool value, int line = 0) {
    if (Fact(slot).type == ValueType::kBool) return Store(slot, value ? 1 : 0, line);
    WrongType(slot, InputKind::kBool, value ? "true" : "false", line);
    return false;
  }

  // A single (non-list) value for the fact in `slot`.
  bool Scalar(int slot, InputKind kind, std::string_view text, int line = 0) {
    const FactInfo& fact = Fact(slot);
    if (kind == InputKind::kNull) {
      Absent(slot);
      return true;
    }
    switch (fact.type) {
      case ValueType::kBool:
        if (kind == InputKind::kBool || kind == InputKind::kPlain) {
          if (EqualsIgnoreCase(text, "true")) return Store(slot, 1, line);
          if (EqualsIgnoreCase(text, "false")) return Store(slot, 0, line);
        }
        break;
      case ValueType::kInt:
        if (kind == InputKind::kNumber || kind == InputKind::kPlain) {
          if (auto v = ParseInteger(text)) return Store(slot, *v, line);
          if (AllDigits(text)) return TooLarge(slot, text, line);
          WrongType(slot, kind, text, line, "a whole number is needed");
          return false;
        }
        break;
      case ValueType::kMoney:
        if (kind == InputKind::kNumber || kind == InputKind::kPlain || kind == InputKind::kString) {
          if (auto v = support::ParseMoneyInput(text)) return Store(slot, *v, line);
          WrongType(slot, kind, text, line,
                    "euros with at most two decimals, like 1800.50 or \"€1.800,50\"");
          return false;
        }
        break;
      case ValueType::kDate:
        if (kind == InputKind::kString || kind == InputKind::kPlain) {
          if (auto day = support::ParseIsoDate(text)) return Store(slot, *day, line);
          WrongType(slot, kind, text, line, "not a calendar date YYYY-MM-DD");
          return false;
        }
        break;
      case ValueType::kEnum:
        if (kind == InputKind::kString || kind == InputKind::kPlain) {
          int member = Member(slot, text, line);
          return member >= 0 && Store(slot, member, line);
        }
        break;
      case ValueType::kSet:
        break;
    }
    WrongType(slot, kind, text, line);
    return false;
  }

  const CompiledProgram& program() const { return p_; }

 private:
  struct Marks {
    std::vector<std::uint32_t> stamp;
    std::vector<std::int64_t> place;
    std::uint32_t generation = 0;
  };
  static Marks& ThreadMarks() {
    thread_local Marks marks;
    return marks;
  }

  const CompiledProgram& p_;
  std::int64_t* values_;
  std::uint8_t* present_;
  std::vector<Diagnostic>& errors_;
  std::vector<int> rejected_;  // filled only on errors
  int hint_ = 0;
  // The thread's marks, looked up once per case: in a shared library each thread_local access
  // is a call (__tls_get_addr), and FirstTime runs for every fact.
  Marks& marks_;
};

Diagnostic NotAnObject(std::string message, int line = 0, int column = 0) {
  Diagnostic d = eval::MakeDiagnostic(diag::Kind::kMalformedCase, std::move(message));
  d.location.line = line;
  d.location.column = column;
  return d;
}

void Begin(const CompiledProgram& p, Case& c, const ParseOptions& options) {
  if (c.slot_count() != p.fact_count) {
    internal::Engine::Resize(c, p.fact_count);
  } else if (options.reset) {
    c.Clear();
  }
}

bool Finish(const CompiledProgram& p, const Case& c, std::vector<Diagnostic>& errors,
            std::size_t errors_before, const ParseOptions& options,
            const CaseWriter* writer = nullptr) {
  if (options.require_all) {
    const std::uint8_t* present = internal::Engine::Present(c);
    for (int slot : p.required_facts) {
      if (!present[static_cast<std::size_t>(slot)] &&
          (writer == nullptr || !writer->Rejected(slot))) {
        errors.push_back(eval::MissingFactError(p, slot));
      }
    }
  }
  return errors.size() == errors_before;
}

// Parses `[a, b]` or `a, b` flow text into items.
std::vector<std::string_view> SplitList(std::string_view text) {
  std::vector<std::string_view> items;
  text = Trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (Trim(text).empty()) return items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    bool quoted;
    items.push_back(Unquote(Trim(text.substr(start, comma - start)), quoted));
    start = comma + 1;
  }
  return items;
}

// A set from member names (L604 for unknown ones).
bool StoreSet(CaseWriter& writer, int slot, const std::vector<std::string_view>& items, int line) {
  std::uint64_t mask = 0;
  bool ok = true;
  for (std::string_view item : items) {
    int member = writer.Member(slot, item, line);
    if (member < 0) {
      ok = false;
    } else {
      mask |= std::uint64_t{1} << member;
    }
  }
  return ok && writer.Store(slot, static_cast<std::int64_t>(mask), line);
}

// One name/value text as `ParseFacts` takes it.
bool StoreText(CaseWriter& writer, int slot, std::string_view value_text) {
  std::string_view text = Trim(value_text);
  const FactInfo& fact = writer.Fact(slot);
  if (fact.type == ValueType::kSet) {
    if (text.empty() || text.front() != '[') {
      writer.WrongType(slot, InputKind::kPlain, text, 0, "a list like [a, b] is needed");
      return false;
    }
    return StoreSet(writer, slot, SplitList(text), 0);
  }
  if (text.empty() || text == "null" || text == "~") {
    return writer.Scalar(slot, InputKind::kNull, text);
  }
  if (text.front() == '[') {
    writer.WrongType(slot, InputKind::kList, text, 0);
    return false;
  }
  bool quoted;
  std::string_view inner = Unquote(text, quoted);
  return writer.Scalar(slot, quoted ? InputKind::kString : InputKind::kPlain, inner);
}

// The parser and the padded copy of the text, per thread, looked up once per case: in a shared
// library each use of a thread_local is a call (__tls_get_addr), and inlined, the lookup was
// repeated a dozen times per case.
struct JsonScratch {
  simdjson::ondemand::parser parser;
  std::string buffer;
};
__attribute__((noinline)) JsonScratch& ThreadJsonScratch() {
  thread_local JsonScratch scratch;
  return scratch;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

bool Program::ParseJson(std::string_view object, Case& out, std::vector<Diagnostic>& errors,
                        const ParseOptions& options) const {
  const CompiledProgram& p = *compiled_;
  const std::size_t errors_before = errors.size();
  if (out.program_ != compiled_) out = NewCase();
  Begin(p, out, options);
  CaseWriter writer(p, out, errors);

  // simdjson reads a little past the end: give it a padded copy, reused across calls.
  JsonScratch& scratch = ThreadJsonScratch();
  simdjson::ondemand::parser& parser = scratch.parser;
  std::string& buffer = scratch.buffer;
  if (buffer.size() < object.size() + simdjson::SIMDJSON_PADDING) {
    buffer.resize(object.size() + simdjson::SIMDJSON_PADDING + 1024);
  }
  std::copy(object.begin(), object.end(), buffer.begin());
  std::fill(
      buffer.begin() + static_cast<std::ptrdiff_t>(object.size()),
      buffer.begin() + static_cast<std::ptrdiff_t>(object.size() + simdjson::SIMDJSON_PADDING),
      '\0');
  simdjson::padded_string_view input(buffer.data(), object.size(), buffer.size());

  auto malformed = [&](simdjson::error_code code) {
    errors.push_back(NotAnObject(fmt::format("the case is not a well-formed JSON object: {}",
                                             simdjson::error_message(code))));
    return false;
  };
  // On-demand parsing does not look past the object: check its outline here.
  std::string_view outline = Trim(object);
  if (outline.empty() || outline.front() != '{' || outline.back() != '}') {
    errors.push_back(NotAnObject("the case is not a JSON object of facts"));
    return false;
  }
  simdjson::ondemand::document doc;
  if (auto error = parser.iterate(input).get(doc)) return malformed(error);
  simdjson::ondemand::json_type root_type;
  if (auto error = doc.type().get(root_type)) return malformed(error);
  if (root_type != simdjson::ondemand::json_type::object) {
    errors.push_back(NotAnObject("the case is not a JSON object of facts"));
    return false;
  }
  simdjson::ondemand::object fields;
  if (auto error = doc.get_object().get(fields)) return malformed(error);
  std::size_t skip_member_at = std::string_view::npos;
  for (auto field : fields) {
    // The key's opening quote, to name the places of a fact given twice.
    simdjson::ondemand::raw_json_string raw;
    if (auto error = field.key().get(raw)) return malformed(error);
    const char* raw_key = raw.raw();
    const std::size_t key_at =
        raw_key > buffer.data() ? static_cast<std::size_t>(raw_key - buffer.data()) - 1 : 0;
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return malformed(error);
    if (!options.skip_member.empty() && key == options.skip_member) {
      if (skip_member_at != std::string_view::npos) {
        errors.push_back(NotAnObject(
            fmt::format("the jurisdiction field `{}` is given twice, at {} and at {}: give it once",
                        Shown(key), Place(object, skip_member_at), Place(object, key_at))));
        return false;
      }
      skip_member_at = key_at;
      continue;
    }
    simdjson::ondemand::value value;
    if (auto error = field.value().get(value)) return malformed(error);
    int slot = writer.Slot(key);
    // Values not visited (unknown keys, wrong types) are skipped by the next iteration.
    if (slot < 0) continue;
    std::int64_t earlier = 0;
    if (!writer.FirstTime(slot, static_cast<std::int64_t>(key_at), earlier)) {
      const int line =
          1 + static_cast<int>(std::count(object.begin(), object.begin() + key_at, '\n'));
      writer.GivenTwice(slot, Place(object, static_cast<std::size_t>(earlier)),
                        Place(object, key_at), line);
      continue;
    }
    simdjson::ondemand::json_type type;
    if (auto error = value.type().get(type)) return malformed(error);
    switch (type) {
      case simdjson::ondemand::json_type::number: {
        std::string_view token = Trim(value.raw_json_token());
        writer.Scalar(slot, InputKind::kNumber, token);
        break;
      }
      case simdjson::ondemand::json_type::string: {
        std::string_view text;
        if (auto error = value.get_string().get(text)) return malformed(error);
        writer.Scalar(slot, InputKind::kString, text);
        break;
      }
      case simdjson::ondemand::json_type::boolean: {
        bool b;
        if (auto error = value.get_bool().get(b)) return malformed(error);
        writer.Bool(slot, b);
        break;
      }
      case simdjson::ondemand::json_type::null: {
        // `nul`, `nulls`: is_null() reports the error instead of throwing it out of here.
        bool is_null = false;
        if (auto error = value.is_null().get(is_null)) return malformed(error);
        if (!is_null) return malformed(simdjson::INCORRECT_TYPE);
        writer.Scalar(slot, InputKind::kNull, {});
        break;
      }
      case simdjson::ondemand::json_type::array: {
        if (writer.Fact(slot).type != ValueType::kSet) {
          writer.WrongType(slot, InputKind::kList, {}, 0);
          break;
        }
        simdjson::ondemand::array items;
        if (auto error = value.get_array().get(items)) return malformed(error);
        std::uint64_t mask = 0;
        bool ok = true;
        for (auto item_result : items) {
          std::string_view name;
          if (item_result.get_string().get(name)) {
            writer.WrongType(slot, InputKind::kList, {}, 0, "the list must hold member names");
            ok = false;
            break;
          }
          int member = writer.Member(slot, name, 0);
          if (member < 0) {
            ok = false;
          } else {
            mask |= std::uint64_t{1} << member;
          }
        }
        if (ok) writer.Store(slot, static_cast<std::int64_t>(mask), 0);
        break;
      }
      case simdjson::ondemand::json_type::object:
        writer.WrongType(slot, InputKind::kObject, {}, 0);
        break;
    }
  }
  // `{...}{...}`: a second object would otherwise be ignored without a word.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) {  // not at the end
    errors.push_back(NotAnObject(
        "the case has more after its JSON object (one object per case, one case per line)"));
    return false;
  }
  return Finish(p, out, errors, errors_before, options, &writer);
}

bool Program::ParseYaml(std::string_view mapping, Case& out, std::vector<Diagnostic>& errors,
                        const ParseOptions& options) const {
  const CompiledProgram& p = *compiled_;
  const std::size_t errors_before = errors.size();
  if (out.program_ != compiled_) out = NewCase();
  Begin(p, out, options);
  CaseWriter writer(p, out, errors);
  eval::YamlNode root;
  eval::YamlError error;
  if (!eval::ReadYaml(mapping, root, error)) {
    switch (error.kind) {
      case eval::YamlError::Kind::kSecondDocument:
        // `---` and more: one case per file, never a second one ignored.
        errors.push_back(NotAnObject(
            "the file holds more than one YAML document (`---`); give one case per file",
            error.line, error.column));
        // At the start of a `---` line: the marker itself is the place to point at.
        if (error.column == 1 && LineOf(mapping, error.line).substr(0, 3) == "---") {
          errors.back().location.end_line = error.line;
          errors.back().location.end_column = 4;
        }
        break;
      case eval::YamlError::Kind::kTooDeep:
        errors.push_back(NotAnObject(
            fmt::format("the case is nested more than {} levels deep, the limit of the YAML "
                        "reader (a case is a mapping of facts to values)",
                        eval::kMaxYamlDepth),
            error.line, error.column));
        break;
      default:
        errors.push_back(NotAnObject(fmt::format("the case is not valid YAML: {}", error.message),
                                     error.line, error.column));
    }
    return false;
  }
  if (root.kind == eval::YamlNode::Kind::kNull) {
    // An empty document: no facts at all.
    return Finish(p, out, errors, errors_before, options, &writer);
  }
  if (root.kind != eval::YamlNode::Kind::kMapping) {
    errors.push_back(NotAnObject("the case is not a YAML mapping of facts", root.line));
    return false;
  }
  for (const auto& [key, value] : root.entries) {
    const int line = key.line;
    if (key.kind != eval::YamlNode::Kind::kScalar) {
      errors.push_back(NotAnObject("a fact name must be a plain name", line));
      continue;
    }
    if (!options.skip_member.empty() && key.text == options.skip_member) continue;
    int slot = writer.Slot(key.text, line);
    if (slot < 0) continue;
    std::int64_t earlier = 0;
    if (!writer.FirstTime(slot, line, earlier)) {
      writer.GivenTwice(slot, fmt::format("line {}", earlier), fmt::format("line {}", line), line);
      continue;
    }
    switch (value.kind) {
      case eval::YamlNode::Kind::kNull:
        writer.Scalar(slot, InputKind::kNull, {}, line);
        break;
      case eval::YamlNode::Kind::kScalar: {
        const InputKind kind = value.quoted ? InputKind::kString : InputKind::kPlain;
        if (writer.Fact(slot).type == ValueType::kSet) {
          writer.WrongType(slot, kind, value.text, line, "a list like [a, b] is needed");
        } else {
          writer.Scalar(slot, kind, value.text, line);
        }
        break;
      }
      case eval::YamlNode::Kind::kSequence: {
        if (writer.Fact(slot).type != ValueType::kSet) {
          writer.WrongType(slot, InputKind::kList, {}, line);
          break;
        }
        std::vector<std::string_view> names;
        bool ok = true;
        for (const eval::YamlNode& item : value.items) {
          if (item.kind != eval::YamlNode::Kind::kScalar) {
            writer.WrongType(slot, InputKind::kList, {}, line, "the list must hold member names");
            ok = false;
            break;
          }
          names.push_back(item.text);
        }
        if (ok) StoreSet(writer, slot, names, line);
        break;
      }
      case eval::YamlNode::Kind::kMapping:
        writer.WrongType(slot, InputKind::kObject, {}, line);
        break;
    }
  }
  return Finish(p, out, errors, errors_before, options, &writer);
}

bool Program::ParseFacts(const std::vector<std::pair<std::string, std::string>>& facts, Case& out,
                         std::vector<Diagnostic>& errors, const ParseOptions& options) const {
  const CompiledProgram& p = *compiled_;
  const std::size_t errors_before = errors.size();
  if (out.program_ != compiled_) out = NewCase();
  Begin(p, out, options);
  CaseWriter writer(p, out, errors);
  for (const auto& [name, text] : facts) {
    if (!options.skip_member.empty() && name == options.skip_member) continue;
    int slot = writer.Slot(name);
    if (slot >= 0) StoreText(writer, slot, text);
  }
  return Finish(p, out, errors, errors_before, options, &writer);
}

bool Program::SetFact(Case& out, std::string_view name, std::string_view value_text,
                      std::vector<Diagnostic>& errors) const {
  const CompiledProgram& p = *compiled_;
  const std::size_t errors_before = errors.size();
  if (out.program_ != compiled_) out = NewCase();
  CaseWriter writer(p, out, errors);
  int slot = writer.Slot(name);
  if (slot >= 0) StoreText(writer, slot, value_text);
  return errors.size() == errors_before;
}

bool Program::CheckRequired(const Case& facts, std::vector<Diagnostic>& errors) const {
  const std::size_t errors_before = errors.size();
  if (internal::ProgramAccess::CompiledOf(facts) != compiled_.get()) {
    errors.push_back(NotAnObject("the case was made for another program"));
    return false;
  }
  ParseOptions options;
  return Finish(*compiled_, facts, errors, errors_before, options);
}

namespace {
// Every set fact of a case as `{<fact>, <fact>}`, each written by `field(name, value)`.
template <typename Field>
std::string CaseFields(const CompiledProgram& p, const Case& facts, Field field) {
  std::string text = "{";
  if (internal::ProgramAccess::CompiledOf(facts) == &p) {
    for (int slot = 0; slot < p.fact_count; ++slot) {
      if (!facts.IsSet(slot)) continue;
      if (text.size() > 1) text += ", ";
      text += field(p.slots[static_cast<std::size_t>(slot)].name,
                    eval::SlotValue(p, slot, facts.raw(slot)));
    }
  }
  return text + "}";
}
}  // namespace

std::string Program::CaseToYaml(const Case& facts) const {
  return CaseFields(*compiled_, facts, [](const std::string& name, const Value& v) {
    return name + ": " + (v.type == ValueType::kDate ? v.ToString() : v.ToYaml());
  });
}

std::string Program::CaseToJson(const Case& facts) const {
  return CaseFields(*compiled_, facts, [](const std::string& name, const Value& v) {
    return "\"" + name + "\": " + v.ToJson();
  });
}

}  // namespace loket
