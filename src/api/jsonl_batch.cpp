#include "loket/batch.h"

#include "api/json_text.h"
#include "support/date.h"
#include "support/money.h"
#include "support/utf8.h"

#include <string.h>  // memmem
#include <charconv>

#include <cstring>
#include <utility>

namespace loket {
namespace {

void AppendInt(std::string& out, std::int64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, static_cast<std::size_t>(end - buffer));
}

std::string Code(diag::Kind kind) {
  return std::string(diag::Info(kind).code);
}

void AppendDate(std::string& out, std::int64_t days) {
  out += '"';
  support::AppendIsoDate(out, static_cast<support::DayNumber>(days));
  out += '"';
}

const char* SkipSpace(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  return p;
}

// Skips a JSON string starting at the opening quote; returns the position after the closing
// quote, or null when it is not terminated.
const char* SkipString(const char* p, const char* end) {
  for (++p; p < end; ++p) {
    if (*p == '\\') {
      ++p;
    } else if (*p == '"') {
      return p + 1;
    }
  }
  return nullptr;
}

// Skips one JSON value (without validating scalars); null when malformed.
const char* SkipValue(const char* p, const char* end) {
  if (p >= end) return nullptr;
  if (*p == '"') return SkipString(p, end);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    while (p < end) {
      char c = *p;
      if (c == '"') {
        p = SkipString(p, end);
        if (!p) return nullptr;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return p + 1;
      }
      ++p;
    }
    return nullptr;
  }
  while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\r' &&
         *p != '\n') {
    ++p;
  }
  return p;
}

}  // namespace

namespace {

bool ReadHex4(std::string_view text, std::size_t at, std::uint32_t& code) {
  if (at + 4 > text.size()) return false;
  code = 0;
  for (std::size_t k = at; k < at + 4; ++k) {
    const char c = text[k];
    code <<= 4;
    if (c >= '0' && c <= '9') {
      code |= static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      code |= static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      code |= static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
  }
  return true;
}
}  // namespace

bool DecodeJsonString(std::string_view text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) return false;
    switch (text[i]) {
      case '"':
      case '\\':
      case '/':
        out += text[i];
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        std::uint32_t code = 0;
        if (!ReadHex4(text, i + 1, code)) return false;
        i += 4;
        if (code >= 0xD800 && code <= 0xDBFF) {  // a surrogate pair
          std::uint32_t low = 0;
          if (i + 2 >= text.size() || text[i + 1] != '\\' || text[i + 2] != 'u' ||
              !ReadHex4(text, i + 3, low) || low < 0xDC00 || low > 0xDFFF) {
            return false;
          }
          i += 6;
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xDC00 && code <= 0xDFFF) {
          return false;
        }
        support::AppendUtf8(out, code);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

namespace {

// The fast path for flat objects (every valid case is one): find `"field"` with memmem. An
// unescaped quote cannot occur inside a string, so `"field"` preceded by `{` or `,` and
// followed by `:` is a key, and without a nested `{` it is a top-level one. Returns false
// when the record needs the full scanner (nested objects, escapes, anything unusual).
bool ExtractFlatMember(std::string_view object, std::string_view field, std::string_view& value,
                       std::string* rest) {
  const char* begin = object.data();
  const char* end = begin + object.size();
  const char* p = SkipSpace(begin, end);
  if (p == end || *p != '{' || std::memchr(p + 1, '{', static_cast<std::size_t>(end - p - 1))) {
    return false;
  }
  char key[256];
  if (field.size() + 2 > sizeof key) return false;
  key[0] = '"';
  std::memcpy(key + 1, field.data(), field.size());
  key[field.size() + 1] = '"';
  const std::size_t key_size = field.size() + 2;
  const char* search = p + 1;
  while (true) {
    auto* found = static_cast<const char*>(
        memmem(search, static_cast<std::size_t>(end - search), key, key_size));
    if (!found) return false;
    const char* before = found - 1;
    while (before > p &&
           (*before == ' ' || *before == '\t' || *before == '\n' || *before == '\r')) {
      --before;
    }
    const char* colon = SkipSpace(found + key_size, end);
    if ((*before != '{' && *before != ',') || colon == end || *colon != ':') {
      search = found + 1;
      continue;
    }
    const char* quote = SkipSpace(colon + 1, end);
    if (quote == end || *quote != '"') return false;
    auto* close = static_cast<const char*>(
        std::memchr(quote + 1, '"', static_cast<std::size_t>(end - quote - 1)));
    if (!close || std::memchr(quote + 1, '\\', static_cast<std::size_t>(close - quote - 1))) {
      return false;
    }
    value = std::string_view(quote + 1, static_cast<std::size_t>(close - quote - 1));
    const char* after = SkipSpace(close + 1, end);
    if (after == end) return false;
    const char* cut_begin = found;
    const char* cut_end;
    if (*after == ',') {
      cut_end = after + 1;
    } else if (*after == '}') {
      cut_end = after;
      if (*before == ',') cut_begin = before;  // the last member: drop the comma before it
    } else {
      return false;
    }
    if (rest) {
      rest->assign(begin, static_cast<std::size_t>(cut_begin - begin));
      rest->append(cut_end, static_cast<std::size_t>(end - cut_end));
    }
    return true;
  }
}

}  // namespace

bool ExtractStringMember(std::string_view object, std::string_view field, std::string_view& value,
                         std::string* rest, std::string& error, diag::Kind& kind) {
  if (ExtractFlatMember(object, field, value, rest)) return true;
  kind = diag::Kind::kMalformedCase;
  const char* begin = object.data();
  const char* end = begin + object.size();
  const char* p = SkipSpace(begin, end);
  if (p == end || *p != '{') {
    error = "record is not a JSON object";
    return false;
  }
  ++p;
  const char* previous_separator = nullptr;  // the comma before the current member
  while (true) {
    p = SkipSpace(p, end);
    if (p < end && *p == '}') break;
    if (p >= end || *p != '"') {
      error = "record is not a well-formed JSON object";
      return false;
    }
    const char* member_begin = p;
    const char* key_end = SkipString(p, end);
    if (!key_end) {
      error = "record is not a well-formed JSON object";
      return false;
    }
    std::string_view key(p + 1, static_cast<std::size_t>(key_end - p - 2));
    p = SkipSpace(key_end, end);
    if (p >= end || *p != ':') {
      error = "record is not a well-formed JSON object";
      return false;
    }
    p = SkipSpace(p + 1, end);
    const char* value_begin = p;
    const char* value_end = SkipValue(p, end);
    if (!value_end) {
      error = "record is not a well-formed JSON object";
      return false;
    }
    p = SkipSpace(value_end, end);
    const bool last = p < end && *p == '}';
    if (!last && (p >= end || *p != ',')) {
      error = "record is not a well-formed JSON object";
      return false;
    }
    if (key == field) {
      if (*value_begin != '"') {
        kind = diag::Kind::kUnknownJurisdiction;
        error = "`" + std::string(field) + "` must be a string naming a layer";
        return false;
      }
      value =
          std::string_view(value_begin + 1, static_cast<std::size_t>(value_end - value_begin - 2));
      // Cut the member with one adjacent comma, so the rest stays a valid object.
      const char* cut_begin = member_begin;
      const char* cut_end = p;
      if (!last) {
        cut_end = p + 1;
      } else if (previous_separator) {
        cut_begin = previous_separator;
      }
      if (rest) {
        rest->assign(begin, static_cast<std::size_t>(cut_begin - begin));
        rest->append(cut_end, static_cast<std::size_t>(end - cut_end));
      }
      return true;
    }
    if (last) break;
    previous_separator = p;
    ++p;
  }
  kind = diag::Kind::kUnknownJurisdiction;
  error = "record has no `" + std::string(field) + "` field naming its jurisdiction";
  return false;
}

BatchEvaluator::BatchEvaluator(const RuleBase& rules, BatchOptions options)
    : rules_(rules), options_(std::move(options)) {}

Status BatchEvaluator::Prepare() {
  if (options_.jurisdiction_field.empty() && SlotFor(options_.jurisdiction) < 0) {
    return Status(StatusCode::kNotFound, failure_);
  }
  return Status::Ok();
}

int BatchEvaluator::SlotFor(std::string_view jurisdiction) {
  if (last_slot_ >= 0 && jurisdiction == last_name_) return last_slot_;
  auto found = slot_by_name_.find(jurisdiction);
  int index;
  if (found != slot_by_name_.end()) {
    index = found->second;
  } else {
    // Names that are no layer keep only their message, in a bounded cache: a batch where every
    // record names another unknown jurisdiction must not grow without end.
    if (auto failed = failed_names_.find(jurisdiction); failed != failed_names_.end()) {
      failure_ = failed->second;
      return -1;
    }
    Result<Program> program = rules_.Compile(std::string(jurisdiction));
    if (!program.ok()) {
      failure_ = program.status().message();
      if (failed_names_.size() >= kMaxRememberedFailures) failed_names_.clear();
      failed_names_.emplace(std::string(jurisdiction), failure_);
      return -1;
    }
    Slot slot;
    slot.program = std::make_unique<Program>(std::move(program).value());
    slot.facts = slot.program->NewCase();
    const std::vector<DecisionInfo>& decisions = slot.program->decisions();
    for (const DecisionInfo& decision : decisions) {
      std::string lead(slot.leads.empty() ? "{" : ",");
      AppendJsonString(lead, decision.name);
      lead += ':';
      std::vector<std::string> values;
      if (decision.type == ValueType::kBool) {
        values = {lead + "false", lead + "true"};
      } else if (decision.type == ValueType::kEnum || decision.type == ValueType::kSet) {
        const std::string prefix = decision.type == ValueType::kEnum ? lead : "";
        for (const std::string& member : decision.members) {
          std::string text = prefix;
          AppendJsonString(text, member);
          values.push_back(std::move(text));
        }
        if (decision.type == ValueType::kEnum) values.push_back(lead + "null");
      }
      slot.leads.push_back(std::move(lead));
      slot.value_json.push_back(std::move(values));
    }
    index = static_cast<int>(slots_.size());
    slots_.push_back(std::move(slot));
    slot_by_name_.emplace(std::string(jurisdiction), index);
  }
  last_slot_ = index;
  last_name_.assign(jurisdiction.data(), jurisdiction.size());
  return index;
}

bool BatchEvaluator::SelectProgram(std::string_view record, std::string_view& facts_text, int& slot,
                                   std::string& error_code, std::string& error_message) {
  facts_text = record;  // ParseJson skips the jurisdiction field (SkipJurisdiction)
  if (options_.jurisdiction_field.empty()) {
    slot = SlotFor(options_.jurisdiction);
    return true;
  }
  std::string_view jurisdiction;
  diag::Kind kind = diag::Kind::kMalformedCase;
  if (!ExtractStringMember(record, options_.jurisdiction_field, jurisdiction, nullptr,
                           error_message, kind)) {
    error_code = Code(kind);
    return false;
  }
  // `"municipality": "west\u006cand"` names westland: escapes are decoded first.
  if (jurisdiction.find('\\') != std::string_view::npos) {
    if (!DecodeJsonString(jurisdiction, decoded_name_)) {
      error_code = Code(diag::Kind::kMalformedCase);
      error_message = "the `" + options_.jurisdiction_field + "` field has a malformed escape";
      return false;
    }
    jurisdiction = decoded_name_;
  }
  slot = SlotFor(jurisdiction);
  if (slot < 0) {
    error_code = Code(diag::Kind::kUnknownJurisdiction);
    error_message = failure_;
    return false;
  }
  return true;
}

void BatchEvaluator::AppendDecisions(const Slot& slot, const Outcome& outcome,
                                     std::string& out) const {
  // One append per bool or enum decision: its text with the key is prepared (SlotFor).
  const std::vector<DecisionInfo>& decisions = slot.program->decisions();
  if (decisions.empty()) out += '{';
  for (std::size_t d = 0; d < decisions.size(); ++d) {
    const std::int64_t raw = outcome.raw(static_cast<int>(d));
    const auto& values = slot.value_json[d];
    switch (decisions[d].type) {
      case ValueType::kBool:
        out += values[raw != 0 ? 1 : 0];
        break;
      case ValueType::kInt:
        out += slot.leads[d];
        AppendInt(out, raw);
        break;
      case ValueType::kMoney:
        out += slot.leads[d];
        support::AppendMoneyDecimal(out, raw);
        break;
      case ValueType::kDate:
        out += slot.leads[d];
        AppendDate(out, raw);
        break;
      case ValueType::kEnum: {
        // The last text is the lead with null: for a value that names no member.
        const std::size_t members = values.size() - 1;
        out += values[raw >= 0 && static_cast<std::size_t>(raw) < members
                          ? static_cast<std::size_t>(raw)
                          : members];
        break;
      }
      case ValueType::kSet: {
        const auto& members = values;
        const auto mask = static_cast<std::uint64_t>(raw);
        out += slot.leads[d];
        out += '[';
        bool first = true;
        for (std::size_t m = 0; m < members.size() && m < 64; ++m) {
          if (mask & (std::uint64_t{1} << m)) {
            if (!first) out += ',';
            out += members[m];
            first = false;
          }
        }
        out += ']';
        break;
      }
    }
  }
  out += "}\n";
}

void BatchEvaluator::AppendErrorRecord(
    std::int64_t record_number, const std::vector<std::pair<std::string, std::string>>& errors,
    std::string& out) {
  out += "{\"record\":";
  AppendInt(out, record_number);
  out += ",\"errors\":[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"code\":";
    AppendJsonString(out, errors[i].first);
    out += ",\"message\":";
    AppendJsonString(out, errors[i].second);
    out += '}';
  }
  out += "]}\n";
}

bool BatchEvaluator::DecideRecord(std::string_view record, std::int64_t record_number,
                                  std::string& out, std::string& error) {
  std::string_view facts_text;
  int slot_index = -1;
  std::string code;
  if (!SelectProgram(record, facts_text, slot_index, code, error)) {
    errors_.clear();
    errors_.emplace_back(code, error);
    AppendErrorRecord(record_number, errors_, out);
    error = "error[" + code + "]: " + error;
    return false;
  }
  Slot& slot = slots_[static_cast<std::size_t>(slot_index)];
  diagnostics_.clear();
  if (!slot.program->ParseJson(facts_text, slot.facts, diagnostics_, SkipJurisdiction())) {
    return FailRecord(record_number, out, error);
  }
  slot.program->Evaluate(slot.facts, options_.on, slot.outcome);
  return FinishRecord(slot, slot.outcome, record_number, out, error);
}

bool BatchEvaluator::FinishRecord(const Slot& slot, const Outcome& outcome,
                                  std::int64_t record_number, std::string& out,
                                  std::string& error) {
  if (outcome.ok()) {
    AppendDecisions(slot, outcome, out);
    return true;
  }
  diagnostics_ = outcome.errors();
  return FailRecord(record_number, out, error);
}

bool BatchEvaluator::FailRecord(std::int64_t record_number, std::string& out, std::string& error) {
  errors_.clear();
  error.clear();
  for (const Diagnostic& diagnostic : diagnostics_) {
    errors_.emplace_back(diagnostic.code, diagnostic.message);
    if (!error.empty()) error += "; ";
    error += "error[" + diagnostic.code + "]: " + diagnostic.message;
  }
  if (errors_.empty()) {
    const std::string code = Code(diag::Kind::kMalformedCase);
    errors_.emplace_back(code, "record could not be decided");
    error = "error[" + code + "]: record could not be decided";
  }
  AppendErrorRecord(record_number, errors_, out);
  return false;
}

void BatchEvaluator::Queue(std::string_view record, std::int64_t record_number) {
  Queued queued;
  queued.record_number = record_number;
  std::string_view facts_text;
  int slot_index = -1;
  std::string code;
  const auto fail = [&] {
    queued.line_end = failed_lines_.size();
    failed_messages_ += error_;
    queued.message_end = failed_messages_.size();
    queued_.push_back(queued);
  };
  queued.line_begin = failed_lines_.size();
  queued.message_begin = failed_messages_.size();
  if (!SelectProgram(record, facts_text, slot_index, code, error_)) {
    errors_.clear();
    errors_.emplace_back(code, error_);
    AppendErrorRecord(record_number, errors_, failed_lines_);
    error_ = "error[" + code + "]: " + error_;
    fail();
    return;
  }
  Slot& slot = slots_[static_cast<std::size_t>(slot_index)];
  if (slot.queued == slot.queued_cases.size()) {
    slot.queued_cases.push_back(slot.program->NewCase());
    slot.queued_outcomes.emplace_back();
  }
  diagnostics_.clear();
  if (!slot.program->ParseJson(facts_text, slot.queued_cases[slot.queued], diagnostics_,
                               SkipJurisdiction())) {
    FailRecord(record_number, failed_lines_, error_);
    fail();
    return;
  }
  queued.slot = slot_index;
  queued.index = slot.queued++;
  queued_.push_back(queued);
}

std::size_t BatchEvaluator::Flush(
    std::string& out, const std::function<void(std::int64_t, const std::string&)>& failed,
    const DecidedRecord& decided_record) {
  for (Slot& slot : slots_) {
    if (slot.queued == 0) continue;
    slot.case_pointers.clear();
    slot.outcome_pointers.clear();
    for (std::size_t i = 0; i < slot.queued; ++i) {
      slot.case_pointers.push_back(&slot.queued_cases[i]);
      slot.outcome_pointers.push_back(&slot.queued_outcomes[i]);
    }
    slot.program->EvaluateBatch(slot.case_pointers.data(), slot.outcome_pointers.data(),
                                slot.queued, options_.on);
  }
  std::size_t decided = 0;
  for (const Queued& queued : queued_) {
    if (queued.slot < 0) {
      out.append(failed_lines_, queued.line_begin, queued.line_end - queued.line_begin);
      error_.assign(failed_messages_, queued.message_begin,
                    queued.message_end - queued.message_begin);
      failed(queued.record_number, error_);
      continue;
    }
    const Slot& slot = slots_[static_cast<std::size_t>(queued.slot)];
    if (FinishRecord(slot, slot.queued_outcomes[queued.index], queued.record_number, out, error_)) {
      ++decided;
      if (decided_record) {
        decided_record(*slot.program, slot.queued_cases[queued.index],
                       slot.queued_outcomes[queued.index]);
      }
    } else {
      failed(queued.record_number, error_);
    }
  }
  queued_.clear();
  failed_lines_.clear();
  failed_messages_.clear();
  for (Slot& slot : slots_) slot.queued = 0;
  return decided;
}

bool BatchEvaluator::ParseRecord(std::string_view record, Parsed& parsed, std::string& error) {
  std::string_view facts_text;
  std::string code;
  if (!SelectProgram(record, facts_text, parsed.slot, code, error)) {
    parsed.slot = -1;
    return false;
  }
  const Slot& slot = slots_[static_cast<std::size_t>(parsed.slot)];
  parsed.facts = slot.program->NewCase();
  diagnostics_.clear();
  if (!slot.program->ParseJson(facts_text, parsed.facts, diagnostics_, SkipJurisdiction())) {
    error = diagnostics_.empty() ? "invalid case" : diagnostics_.front().message;
    parsed.slot = -1;
    return false;
  }
  return true;
}

bool BatchEvaluator::Evaluate(const Parsed& parsed) {
  Slot& slot = slots_[static_cast<std::size_t>(parsed.slot)];
  slot.program->Evaluate(parsed.facts, options_.on, slot.outcome);
  return slot.outcome.ok();
}

}  // namespace loket
