// The public value types of evaluation (include/loket/evaluate.h): Date, Case, the decision
// statuses and Outcome with its errors. The evaluator that fills an Outcome is evaluate.cpp.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "compile/program.h"
#include "diag/diagnostic.h"
#include "eval/machine.h"
#include "eval/support.h"
#include "loket/evaluate.h"
#include "support/date.h"

namespace loket {

using compile::CompiledProgram;

// ---------------------------------------------------------------------------------------------
// Date

std::optional<Date> Date::Parse(std::string_view iso) {
  auto day = support::ParseIsoDate(iso);
  if (!day) return std::nullopt;
  return Date{*day};
}

std::optional<Date> Date::FromCivil(int year, int month, int day_of_month) {
  support::CivilDate civil{year, month, day_of_month};
  if (!support::IsValidCivil(civil)) return std::nullopt;
  return Date{support::DaysFromCivil(civil)};
}

std::string Date::ToString() const {
  return support::FormatIsoDate(day);
}

// ---------------------------------------------------------------------------------------------
// Case

void Case::Clear() {
  std::fill(present(), present() + slot_count_, std::uint8_t{0});
}

void Case::Resize(int slots) {
  slot_count_ = slots;
  heap_.reset();
  std::fill(std::begin(inline_values_), std::end(inline_values_), 0);
  std::fill(std::begin(inline_present_), std::end(inline_present_), std::uint8_t{0});
  if (slots > kInlineSlots) {
    heap_.reset(new std::int64_t[HeapWords(slots)]());
  }
}

Case::Case(const Case& other) : program_(other.program_), slot_count_(other.slot_count_) {
  std::copy(std::begin(other.inline_values_), std::end(other.inline_values_), inline_values_);
  std::copy(std::begin(other.inline_present_), std::end(other.inline_present_), inline_present_);
  if (other.heap_) {
    const std::size_t words = HeapWords(slot_count_);
    heap_.reset(new std::int64_t[words]);
    std::copy(other.heap_.get(), other.heap_.get() + words, heap_.get());
  }
}

Case& Case::operator=(const Case& other) {
  if (this != &other) {
    Case copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Case::Case(Case&& other) noexcept
    : program_(std::move(other.program_)),
      slot_count_(other.slot_count_),
      heap_(std::move(other.heap_)) {
  std::copy(std::begin(other.inline_values_), std::end(other.inline_values_), inline_values_);
  std::copy(std::begin(other.inline_present_), std::end(other.inline_present_), inline_present_);
  other.slot_count_ = 0;
}

Case& Case::operator=(Case&& other) noexcept {
  if (this != &other) {
    program_ = std::move(other.program_);
    slot_count_ = other.slot_count_;
    heap_ = std::move(other.heap_);
    std::copy(std::begin(other.inline_values_), std::end(other.inline_values_), inline_values_);
    std::copy(std::begin(other.inline_present_), std::end(other.inline_present_), inline_present_);
    other.slot_count_ = 0;
  }
  return *this;
}

// ---------------------------------------------------------------------------------------------
// Statuses

const char* DecisionStatusName(DecisionStatus status) {
  switch (status) {
    case DecisionStatus::kDecided:
      return "decided";
    case DecisionStatus::kDefault:
      return "default";
    case DecisionStatus::kGap:
      return "gap";
    case DecisionStatus::kConflict:
      return "conflict";
    case DecisionStatus::kAbsentOptional:
      return "absent optional fact";
    case DecisionStatus::kOverflow:
      return "overflow";
    case DecisionStatus::kDivisionByZero:
      return "division by zero";
    case DecisionStatus::kNotEvaluated:
      return "not evaluated";
    case DecisionStatus::kNotApplicable:
      return "not applicable";
  }
  return "?";
}

namespace {
// The registry's kind of an error status; empty for a status that is no error.
std::optional<diag::Kind> ErrorKind(DecisionStatus status) {
  switch (status) {
    case DecisionStatus::kGap:
      return diag::Kind::kEvalGap;
    case DecisionStatus::kConflict:
      return diag::Kind::kEvalConflict;
    case DecisionStatus::kAbsentOptional:
      return diag::Kind::kAbsentOptionalRead;
    case DecisionStatus::kOverflow:
      return diag::Kind::kArithmeticOverflow;
    case DecisionStatus::kDivisionByZero:
      return diag::Kind::kEvalDivisionByZero;
    case DecisionStatus::kNotEvaluated:
      return diag::Kind::kMissingFact;
    default:
      return std::nullopt;
  }
}
}  // namespace

const char* DecisionStatusCode(DecisionStatus status) {
  // The registry's codes are string literals (kinds.def), so the view is terminated.
  const std::optional<diag::Kind> kind = ErrorKind(status);
  return kind ? diag::Info(*kind).code.data() : "";
}

// ---------------------------------------------------------------------------------------------
// Outcome

Outcome::Outcome() : scratch_(std::make_unique<Scratch>()) {}
Outcome::Outcome(Outcome&&) noexcept = default;
Outcome& Outcome::operator=(Outcome&&) noexcept = default;
Outcome::~Outcome() = default;
Outcome::Outcome(const Outcome& other)
    : program_(other.program_),
      programs_(other.programs_),
      status_(other.status_),
      raw_(other.raw_),
      winner_begin_(other.winner_begin_),
      winner_end_(other.winner_end_),
      winners_(other.winners_),
      error_detail_(other.error_detail_),
      case_errors_(other.case_errors_),
      scratch_(std::make_unique<Scratch>(other.scratch_ ? *other.scratch_ : Scratch{})) {}
Outcome& Outcome::operator=(const Outcome& other) {
  if (this != &other) {
    Outcome copy(other);
    *this = std::move(copy);
  }
  return *this;
}

bool Outcome::ok() const {
  if (!case_errors_.empty()) return false;
  for (DecisionStatus s : status_) {
    if (s != DecisionStatus::kDecided && s != DecisionStatus::kDefault &&
        s != DecisionStatus::kNotApplicable) {
      return false;
    }
  }
  return true;
}

int Outcome::FindDecision(std::string_view name) const {
  return program_ ? program_->FindDecision(name) : -1;
}

const DecisionInfo& Outcome::info(int decision) const {
  return program_->decision_infos[static_cast<std::size_t>(decision)];
}

Value Outcome::value(int decision) const {
  const DecisionInfo& d = info(decision);
  Value v;
  v.type = d.type;
  v.raw = raw_[static_cast<std::size_t>(decision)];
  if (d.type == ValueType::kEnum || d.type == ValueType::kSet) v.members = &d.members;
  return v;
}

std::pair<const int*, const int*> Outcome::winner_indices(int decision) const {
  const int* base = winners_.data();
  return {base + winner_begin_[static_cast<std::size_t>(decision)],
          base + winner_end_[static_cast<std::size_t>(decision)]};
}

std::vector<RuleRefInfo> Outcome::winners(int decision) const {
  std::vector<RuleRefInfo> out;
  auto range = winner_indices(decision);
  for (const int* r = range.first; r != range.second; ++r) {
    out.push_back(eval::RuleRef(*program_, *r));
  }
  return out;
}

std::optional<Diagnostic> Outcome::error(int decision) const {
  const DecisionStatus s = status(decision);
  if (s == DecisionStatus::kDecided || s == DecisionStatus::kDefault ||
      s == DecisionStatus::kNotApplicable) {
    return std::nullopt;
  }
  const DecisionInfo& d = info(decision);
  const CompiledProgram& p = *program_;
  const std::optional<diag::Kind> kind = ErrorKind(s);
  if (!kind) return std::nullopt;
  Diagnostic diagnostic = eval::MakeDiagnostic(*kind, {}, d.name);
  diagnostic.layer = p.jurisdiction;
  auto names = [&]() {
    std::string text;
    auto range = winner_indices(decision);
    for (const int* r = range.first; r != range.second; ++r) {
      const compile::Rule& rule = p.rules[static_cast<std::size_t>(*r)];
      if (!text.empty()) text += r + 1 == range.second ? " and " : ", ";
      text += "`" + rule.layer + "." + rule.id + "`";
    }
    return text;
  };
  switch (s) {
    case DecisionStatus::kGap:
    case DecisionStatus::kConflict: {
      const bool gap = s == DecisionStatus::kGap;
      const int origin = error_detail_[static_cast<std::size_t>(decision)];
      if (origin >= 0 && origin != decision) {
        const bool not_applicable =
            status(origin) == DecisionStatus::kNotApplicable;  // `applies when` was false
        diagnostic.message =
            fmt::format("`{}` cannot be decided: it reads `{}`, {}", d.name,
                        p.decision_infos[static_cast<std::size_t>(origin)].name,
                        not_applicable ? "which does not apply to this case (and it has no default)"
                        : gap ? "which no rule decides for this case (and it has no default)"
                              : "on which the rules disagree for this case");
        break;
      }
      if (gap) {
        diagnostic.message =
            fmt::format("no rule decides `{}` for this case and it has no default", d.name);
        break;
      }
      diagnostic.message = fmt::format("rules {} disagree on `{}`", names(), d.name);
      auto range = winner_indices(decision);
      for (const int* r = range.first; r != range.second; ++r) {
        const compile::Rule& rule = p.rules[static_cast<std::size_t>(*r)];
        std::string value;
        for (int a : rule.assignments) {
          const compile::Assignment& assignment = p.assignments[static_cast<std::size_t>(a)];
          if (assignment.decision == decision && assignment.value.is_constant) {
            Value v{d.type, assignment.value.constant,
                    d.type == ValueType::kEnum || d.type == ValueType::kSet ? &d.members : nullptr};
            value = v.ToString();
          }
        }
        DiagnosticNote note;
        note.message = fmt::format("`{}.{}` (\"{}\") applies{}", rule.layer, rule.id, rule.citation,
                                   value.empty() ? "" : " and decides " + value);
        diagnostic.notes.push_back(std::move(note));
      }
      break;
    }
    case DecisionStatus::kAbsentOptional: {
      int slot = error_detail_[static_cast<std::size_t>(decision)];
      std::string fact = slot >= 0 && static_cast<std::size_t>(slot) < p.slots.size()
                             ? p.slots[static_cast<std::size_t>(slot)].name
                             : std::string("?");
      diagnostic.message = fmt::format(
          "deciding `{}` read the optional fact `{}`, which this case does not give", d.name, fact);
      diagnostic.help.push_back(
          fmt::format("give `{}` in the case, or guard the read with `known({})`", fact, fact));
      break;
    }
    case DecisionStatus::kOverflow:
      diagnostic.message = fmt::format("arithmetic overflow while deciding `{}`", d.name);
      break;
    case DecisionStatus::kDivisionByZero:
      diagnostic.message = fmt::format("division by zero while deciding `{}`", d.name);
      break;
    case DecisionStatus::kNotEvaluated:
      diagnostic.message = fmt::format("`{}` was not evaluated: the case is invalid", d.name);
      if (!case_errors_.empty()) diagnostic.code = case_errors_.front().code;
      break;
    default:
      break;
  }
  return diagnostic;
}

std::vector<Diagnostic> Outcome::errors() const {
  std::vector<Diagnostic> out = case_errors_;
  if (!case_errors_.empty()) return out;
  for (int d = 0; d < decision_count(); ++d) {
    if (auto e = error(d)) out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace loket
