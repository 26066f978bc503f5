// Reading cases: JSON (simdjson on-demand, straight into the case's slots), YAML (yaml-cpp)
// and name/value texts, each validated against the program's facts (L601-L605, L611).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include "diag/diagnostic.h"
#include "eval/engine.h"
#include "eval/support.h"
#include "loket/evaluate.h"
#include "support/date.h"

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

// Euros with up to two decimals: digits, optional thousands separator `thousands`, optional
// decimal separator `decimal`. Returns cents.
std::optional<std::int64_t> ParseEuros(std::string_view text, char thousands, char decimal) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  std::string_view whole = text;
  std::string_view fraction;
  if (auto dot = text.find(decimal); dot != std::string_view::npos) {
    whole = text.substr(0, dot);
    fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 2) return std::nullopt;
  }
  if (whole.empty()) return std::nullopt;
  std::int64_t euros = 0;
  int digits_in_group = 0;
  bool grouped = false;
  for (char c : whole) {
    if (thousands != 0 && c == thousands) {
      if (digits_in_group == 0 || (grouped && digits_in_group != 3)) return std::nullopt;
      grouped = true;
      digits_in_group = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    ++digits_in_group;
    if (__builtin_mul_overflow(euros, 10, &euros) ||
        __builtin_add_overflow(euros, c - '0', &euros)) {
      return std::nullopt;
    }
  }
  if (grouped && digits_in_group != 3) return std::nullopt;
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    cents = cents * 10 + (c - '0');
  }
  std::int64_t total;
  if (__builtin_mul_overflow(euros, 100, &total) || __builtin_add_overflow(total, cents, &total)) {
    return std::nullopt;
  }
  return negative ? -total : total;
}

// `1800`, `1800.50`, `€1.800,50`, `€ 250`, `250 EUR`, `1.800,50 EUR`.
std::optional<std::int64_t> ParseMoney(std::string_view text) {
  text = Trim(text);
  bool marked = false;
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  static constexpr std::string_view kEuro = "\xE2\x82\xAC";  // €
  if (text.substr(0, kEuro.size()) == kEuro) {
    marked = true;
    text = Trim(text.substr(kEuro.size()));
  } else if (text.size() > 3 && EqualsIgnoreCase(text.substr(text.size() - 3), "EUR")) {
    marked = true;
    text = Trim(text.substr(0, text.size() - 3));
  }
  if (!text.empty() && text[0] == '-') {
    if (negative) return std::nullopt;
    negative = true;
    text.remove_prefix(1);
  }
  std::optional<std::int64_t> cents;
  if (text.find(',') != std::string_view::npos) {
    cents = ParseEuros(text, '.', ',');  // Dutch: 1.800,50
  } else {
    std::size_t dot = text.find('.');
    bool decimal_dot = dot != std::string_view::npos &&
                       text.find('.', dot + 1) == std::string_view::npos &&
                       text.size() - dot - 1 <= 2;
    if (dot == std::string_view::npos || decimal_dot) {
      cents = ParseEuros(text, 0, '.');
    } else if (marked) {
      cents = ParseEuros(text, '.', ',');  // €1.800
    }
  }
  if (!cents) return std::nullopt;
  return negative ? -*cents : *cents;
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
        errors_(errors) {}

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
    Diagnostic d = eval::MakeDiagnostic(
        "L601", "UnknownFactKey",
        fmt::format("unknown fact `{}` in the case for jurisdiction `{}`", key, p_.jurisdiction));
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
                                     : fmt::format("{} `{}`", InputKindName(kind), text);
    rejected_.push_back(slot);
    Diagnostic d = eval::MakeDiagnostic(
        "L602", "FactWrongType",
        fmt::format("fact `{}` expects {}, not {}{}", fact.name, eval::TypeDescription(fact), given,
                    why.empty() ? "" : fmt::format(" ({})", why)));
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
          eval::MakeDiagnostic("L603", "FactOutOfRange",
                               fmt::format("fact `{}` = {} is outside its range {}..{}", fact.name,
                                           v.ToString(), lo.ToString(), hi.ToString()));
      d.location.line = line;
      errors_.push_back(std::move(d));
      return false;
    }
    values_[static_cast<std::size_t>(slot)] = value;
    present_[static_cast<std::size_t>(slot)] = 1;
    return true;
  }

  void Absent(int slot) { present_[static_cast<std::size_t>(slot)] = 0; }

  // The index of an enum member, or -1 after reporting L604.
  int Member(int slot, std::string_view name, int line) {
    const FactInfo& fact = Fact(slot);
    for (std::size_t i = 0; i < fact.members.size(); ++i) {
      if (fact.members[i] == name) return static_cast<int>(i);
    }
    rejected_.push_back(slot);
    Diagnostic d = eval::MakeDiagnostic(
        "L604", "FactUnknownEnumMember",
        fmt::format("`{}` is not a member of {} (fact `{}`)", name, fact.enum_name, fact.name));
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
          WrongType(slot, kind, text, line, "a whole number is needed");
          return false;
        }
        break;
      case ValueType::kMoney:
        if (kind == InputKind::kNumber || kind == InputKind::kPlain || kind == InputKind::kString) {
          if (auto v = ParseMoney(text)) return Store(slot, *v, line);
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
  const CompiledProgram& p_;
  std::int64_t* values_;
  std::uint8_t* present_;
  std::vector<Diagnostic>& errors_;
  std::vector<int> rejected_;  // filled only on errors
  int hint_ = 0;
};

Diagnostic NotAnObject(std::string message, int line = 0) {
  Diagnostic d = eval::MakeDiagnostic("L611", "MalformedCase", std::move(message));
  d.location.line = line;
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
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string buffer;
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
  for (auto field : fields) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return malformed(error);
    if (!options.skip_member.empty() && key == options.skip_member) continue;
    simdjson::ondemand::value value;
    if (auto error = field.value().get(value)) return malformed(error);
    int slot = writer.Slot(key);
    // Values not visited (unknown keys, wrong types) are skipped by the next iteration.
    if (slot < 0) continue;
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
      case simdjson::ondemand::json_type::null:
        if (!value.is_null()) return malformed(simdjson::INCORRECT_TYPE);
        writer.Scalar(slot, InputKind::kNull, {});
        break;
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
  YAML::Node root;
  try {
    root = YAML::Load(std::string(mapping));
  } catch (const YAML::Exception& e) {
    errors.push_back(NotAnObject(fmt::format("the case is not valid YAML: {}", e.msg),
                                 e.mark.line >= 0 ? e.mark.line + 1 : 0));
    return false;
  }
  if (root.IsNull()) {
    // An empty document: no facts at all.
    return Finish(p, out, errors, errors_before, options, &writer);
  }
  if (!root.IsMap()) {
    errors.push_back(NotAnObject("the case is not a YAML mapping of facts",
                                 root.Mark().line >= 0 ? root.Mark().line + 1 : 0));
    return false;
  }
  for (const auto& entry : root) {
    const YAML::Node& key = entry.first;
    const YAML::Node& value = entry.second;
    int line = key.Mark().line >= 0 ? key.Mark().line + 1 : 0;
    if (!key.IsScalar()) {
      errors.push_back(NotAnObject("a fact name must be a plain name", line));
      continue;
    }
    if (!options.skip_member.empty() && key.Scalar() == options.skip_member) continue;
    int slot = writer.Slot(key.Scalar(), line);
    if (slot < 0) continue;
    if (value.IsNull()) {
      writer.Scalar(slot, InputKind::kNull, {}, line);
    } else if (value.IsScalar()) {
      const bool quoted = value.Tag() == "!";
      if (writer.Fact(slot).type == ValueType::kSet) {
        writer.WrongType(slot, quoted ? InputKind::kString : InputKind::kPlain, value.Scalar(),
                         line, "a list like [a, b] is needed");
      } else {
        writer.Scalar(slot, quoted ? InputKind::kString : InputKind::kPlain, value.Scalar(), line);
      }
    } else if (value.IsSequence()) {
      if (writer.Fact(slot).type != ValueType::kSet) {
        writer.WrongType(slot, InputKind::kList, {}, line);
        continue;
      }
      std::vector<std::string> names;
      bool ok = true;
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          writer.WrongType(slot, InputKind::kList, {}, line, "the list must hold member names");
          ok = false;
          break;
        }
        names.push_back(item.Scalar());
      }
      if (ok) {
        std::vector<std::string_view> views(names.begin(), names.end());
        StoreSet(writer, slot, views, line);
      }
    } else {
      writer.WrongType(slot, InputKind::kObject, {}, line);
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
  if (facts.program() != compiled_.get()) {
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
  if (facts.program() == &p) {
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
