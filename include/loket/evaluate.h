// Evaluating cases: a Program is the rule base compiled for one jurisdiction (a layer and every
// layer above it). It decides a Case on a reference Date into an Outcome, and explains why.
//
//   loket::Result<loket::Program> program = rule_base.Compile("westland");
//   loket::Case facts = program->NewCase();
//   std::vector<loket::Diagnostic> errors;
//   program->ParseJson(R"({"age": 34, "permit": "asylum_fixed"})", facts, errors);
//   loket::Outcome outcome;
//   program->Evaluate(facts, *loket::Date::Parse("2025-03-01"), outcome);
//
// Semantics (docs/language.md, language-sketch §5): rules take part when in force on the date
// (`valid from` inclusive, `until` exclusive, together with their file's and layer's validity)
// and their condition holds. An applying exception that is not itself defeated defeats its base
// rule entirely (all its assignments). For a delegated decision the applying rules of the
// deepest layer replace those of higher layers. Remaining rules that agree all win; rules that
// disagree are a conflict (L609); no rule means the default, or a gap (L608). A collect
// decision is the union of every applying, undefeated rule's contribution in all layers.
//
// Thread safety: Program is immutable and may be shared by threads; Case and Outcome are
// per-thread buffers. Nothing here throws.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loket/diagnostic.h"

namespace loket {

namespace internal {
struct CompiledProgram;  // the compiled form (src/compile/program.h)
struct ProgramAccess;
struct Engine;
}  // namespace internal

// A civil date as a day number (days since 1970-01-01, proleptic Gregorian).
struct Date {
  std::int32_t day = 0;

  // Exactly YYYY-MM-DD, checked against the calendar.
  static std::optional<Date> Parse(std::string_view iso);
  static std::optional<Date> FromCivil(int year, int month, int day_of_month);
  std::string ToString() const;  // YYYY-MM-DD

  bool operator==(Date other) const { return day == other.day; }
  bool operator!=(Date other) const { return day != other.day; }
  bool operator<(Date other) const { return day < other.day; }
};

enum class ValueType : std::uint8_t { kBool, kInt, kMoney, kDate, kEnum, kSet };
const char* ValueTypeName(ValueType type);  // "bool", "int", "money", "date", "enum", "set"

// A typed value. Raw encoding: bool 0/1, int, money in cents, date day number, enum member
// index, set as a bit mask over the enum's members (bit i = member i).
struct Value {
  ValueType type = ValueType::kBool;
  std::int64_t raw = 0;
  // For kEnum and kSet: the member names of the enum (owned by the Program).
  const std::vector<std::string>* members = nullptr;

  bool AsBool() const { return raw != 0; }
  std::int64_t AsInt() const { return raw; }
  std::int64_t AsCents() const { return raw; }
  Date AsDate() const { return Date{static_cast<std::int32_t>(raw)}; }
  int AsEnumIndex() const { return static_cast<int>(raw); }
  std::uint64_t AsSetMask() const { return static_cast<std::uint64_t>(raw); }
  std::string AsEnumName() const;
  std::vector<std::string> AsSetNames() const;

  // For people: `true`, `34`, `€1.800,50`, `2025-03-01`, `b1`, `{a, b}`.
  std::string ToString() const;
  // A JSON fragment: `true`, `34`, `1800.5` (euros), `"2025-03-01"`, `"b1"`, `["a","b"]`.
  std::string ToJson() const;
  // A YAML flow fragment as cases and test suites accept it: money as `1800.50`.
  std::string ToYaml() const;
};

// ---------------------------------------------------------------------------------------------
// Schema of a compiled program.

struct FactInfo {
  std::string name;
  ValueType type = ValueType::kBool;
  std::string enum_name;             // kEnum / kSet: the enum
  std::vector<std::string> members;  // kEnum / kSet: member names in declaration order
  // kEnum / kSet: each member's description as declared (`asylum_fixed "asiel, bepaalde
  // tijd"`), parallel to `members`; empty for a member declared without one.
  std::vector<std::string> member_descriptions;
  bool has_range = false;  // lo..hi inclusive (cents for money, days for dates)
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  bool optional = false;
  bool is_protected = false;
  std::string description;
  std::string layer;
};

struct DecisionInfo {
  std::string name;
  ValueType type = ValueType::kBool;
  std::string enum_name;
  std::vector<std::string> members;
  std::string domain;        // empty when declared outside a domain block
  std::string domain_title;  // the domain's title, when declared
  std::string description;
  std::string layer;
  bool collect = false;
  bool has_default = false;
  bool delegated = false;
  // The `applies when` condition as written; empty when the decision always applies.
  std::string applies_when;
};

// One source a rule rests on: a declared law with its official identifier and an article
// reference (`[wi2021 art 3 lid 2]` in the rules), or free text (a municipal policy rule, a
// council decision, or a rule written with a single citation string).
struct CitationInfo {
  std::string text;        // as people read it: "Wet inburgering 2021, art. 3 lid 2"
  std::string law;         // the law's name in the rules ("wi2021"); empty: free text
  std::string law_title;   // "Wet inburgering 2021"
  std::string registry;    // "bwb" or "cvdr"; empty when no official identifier is known
  std::string identifier;  // "BWBR0044770", "CVDR718456"
  std::string article;     // "3", "2.2", "4a"; empty: the law as a whole
  std::string article_to;  // the last article of a range (`art 15-16`); usually empty
  std::string paragraph;   // lid
  std::string sub;         // sub / onder
  std::string remark;      // free text, or a remark after a law reference
};
// The official text of a cited law: for a BWB identifier the wetten.overheid.nl Juriconnect
// (jci 1.3) link to the article (lid, onderdeel) in the version valid on `on`; for a CVDR
// identifier its lokaleregelgeving.overheid.nl page. Empty without an identifier.
std::string CitationLink(const CitationInfo& citation, Date on);

struct RuleInfo {
  std::string id;                       // "wi.duty"
  std::string layer;                    // "national"
  std::string qualified_id;             // "national.wi.duty"
  std::string citation;                 // every source as one text, as people read it
  std::vector<CitationInfo> citations;  // the same, source by source
  std::vector<std::string> notes;
  std::optional<Date> valid_from;         // inclusive; absent: open
  std::optional<Date> valid_until;        // exclusive; absent: open
  std::vector<std::string> exception_to;  // qualified ids of the base rules
  std::vector<std::string> decisions;     // the decisions it assigns
};

// ---------------------------------------------------------------------------------------------
// A case: the fact values for one Program, stored by slot. Reusable: Clear() and set again;
// after the first use nothing allocates. Obtain one with Program::NewCase(). A case of up to
// 16 facts keeps them inside the object (a std::vector<Case> is one block of memory, which a
// batch reads in order); larger ones in one heap block.

class Case {
 public:
  Case() = default;
  Case(const Case& other);
  Case& operator=(const Case& other);
  Case(Case&& other) noexcept;
  Case& operator=(Case&& other) noexcept;
  ~Case() = default;

  int slot_count() const { return slot_count_; }
  // Absent facts are unset; only optional facts may stay absent.
  bool IsSet(int slot) const { return present()[slot] != 0; }
  std::int64_t raw(int slot) const { return values()[slot]; }

  // Typed setters by slot (Program::FactSlot). They do not check types or ranges: the
  // validating paths are Program::ParseJson / ParseYaml / ParseFacts / SetFact.
  void SetBool(int slot, bool value) { SetRaw(slot, value ? 1 : 0); }
  void SetInt(int slot, std::int64_t value) { SetRaw(slot, value); }
  void SetMoneyCents(int slot, std::int64_t cents) { SetRaw(slot, cents); }
  void SetDate(int slot, Date date) { SetRaw(slot, date.day); }
  void SetEnum(int slot, int member_index) { SetRaw(slot, member_index); }
  void SetSetMask(int slot, std::uint64_t mask) { SetRaw(slot, static_cast<std::int64_t>(mask)); }
  void SetRaw(int slot, std::int64_t raw) {
    values()[slot] = raw;
    present()[slot] = 1;
  }
  void Unset(int slot) { present()[slot] = 0; }
  void Clear();  // every fact absent

 private:
  friend class Program;
  friend class CaseTable;
  friend struct internal::ProgramAccess;
  friend struct internal::Engine;
  static constexpr int kInlineSlots = 16;

  std::int64_t* values() { return slot_count_ <= kInlineSlots ? inline_values_ : heap_.get(); }
  const std::int64_t* values() const {
    return slot_count_ <= kInlineSlots ? inline_values_ : heap_.get();
  }
  // On the heap the presence bytes follow the values in the same block. Either way they are
  // padded to whole eight-byte words (the evaluator reads them eight at a time).
  std::uint8_t* present() {
    return slot_count_ <= kInlineSlots ? inline_present_
                                       : reinterpret_cast<std::uint8_t*>(heap_.get() + slot_count_);
  }
  const std::uint8_t* present() const {
    return slot_count_ <= kInlineSlots
               ? inline_present_
               : reinterpret_cast<const std::uint8_t*>(heap_.get() + slot_count_);
  }
  void Resize(int slots);  // every value 0, every fact absent
  static std::size_t HeapWords(int slots) {
    return static_cast<std::size_t>(slots) + (static_cast<std::size_t>(slots) + 7) / 8;
  }

  std::shared_ptr<const internal::CompiledProgram> program_;
  int slot_count_ = 0;
  std::unique_ptr<std::int64_t[]> heap_;  // more than kInlineSlots facts
  std::int64_t inline_values_[kInlineSlots] = {};
  std::uint8_t inline_present_[kInlineSlots] = {};
};

// ---------------------------------------------------------------------------------------------
// Many cases of one Program, kept column by column, each fact in the narrowest integer its
// declared type and range allow (a case of the migrant-desk benchmark takes 16 bytes here,
// 176 as a Case). For holding large batches in memory and deciding them with
// Program::EvaluateRows, which reads them in order. A case with an absent fact, or a value
// outside its column (the Case setters do not check ranges), is kept whole beside the columns,
// so every appended case is kept exactly. Obtain one with Program::NewTable().

class CaseTable {
 public:
  CaseTable() = default;

  std::size_t size() const { return rows_; }
  void Reserve(std::size_t rows);
  void Clear();  // no rows; the memory is kept
  // Appends a copy of `facts`. False (nothing appended) when the case was made for another
  // program than the table.
  bool Append(const Case& facts);
  // Row `row` into `out` (made anew for the table's program). False when there is no such row.
  bool CopyRow(std::size_t row, Case& out) const;

 private:
  friend class Program;
  friend struct internal::ProgramAccess;
  friend struct internal::Engine;
  struct Column {
    std::int64_t base = 0;   // a row's value is base + the stored unsigned integer
    std::uint8_t width = 8;  // bytes per row: 1, 2, 4 or 8
    std::vector<std::uint8_t> bytes;
  };

  std::shared_ptr<const internal::CompiledProgram> program_;
  std::size_t rows_ = 0;
  std::vector<Column> columns_;      // per fact slot
  std::vector<std::uint8_t> whole_;  // per row: 1 when the row is kept whole in `kept_`
  std::vector<std::pair<std::size_t, Case>> kept_;  // those rows, in row order
};

// ---------------------------------------------------------------------------------------------
// The result of one evaluation.

enum class DecisionStatus : std::uint8_t {
  kDecided,         // one or more agreeing rules decided it (collect: at least one contributed)
  kDefault,         // no rule applied: the default (collect: the empty set)
  kGap,             // L608: no rule applied and there is no default
  kConflict,        // L609: applying rules disagree; winners() lists them all
  kAbsentOptional,  // L610: a condition or value read an absent optional fact
  kOverflow,        // L612: arithmetic overflow
  kDivisionByZero,  // L613
  kNotEvaluated,    // the case itself was invalid (missing fact L605, broken assume L606)
  // Its `applies when` condition is false for this case: it has no meaning here, no rule was
  // consulted, and value() is its default (what rules reading it see), or 0 without one.
  kNotApplicable,
};
const char* DecisionStatusName(DecisionStatus status);  // "decided", "default", "gap", ...
// The diagnostic code of an error status ("L608"); empty for kDecided / kDefault.
const char* DecisionStatusCode(DecisionStatus status);

struct RuleRefInfo {
  int rule = -1;  // index into Program::rules()
  std::string id;
  std::string layer;
  std::string citation;
  std::vector<std::string> notes;       // the rule's `note` texts (filled in explanations)
  std::vector<CitationInfo> citations;  // as RuleInfo::citations
};

class Outcome {
 public:
  Outcome();
  Outcome(Outcome&&) noexcept;
  Outcome& operator=(Outcome&&) noexcept;
  Outcome(const Outcome&);
  Outcome& operator=(const Outcome&);
  ~Outcome();

  // True when the case was valid and every decision was decided, defaulted or not applicable.
  bool ok() const;
  // L605 / L606 (and L611 from the parsing helpers, when given): the case could not be
  // evaluated at all. Built only when the case is invalid.
  const std::vector<Diagnostic>& case_errors() const { return case_errors_; }

  int decision_count() const { return static_cast<int>(status_.size()); }
  int FindDecision(std::string_view name) const;  // -1 when unknown
  const DecisionInfo& info(int decision) const;
  DecisionStatus status(int decision) const { return status_[static_cast<std::size_t>(decision)]; }
  Value value(int decision) const;
  // The deciding rules (indices into Program::rules()): the agreeing winners, every
  // contributor of a collect decision, or the disagreeing rules of a conflict.
  std::pair<const int*, const int*> winner_indices(int decision) const;
  std::vector<RuleRefInfo> winners(int decision) const;
  // The error of a decision as a diagnostic (code, message naming the decision, the rules or
  // the fact), or nullopt when it was decided or defaulted.
  std::optional<Diagnostic> error(int decision) const;
  // Every error: case errors, then per-decision errors in decision order.
  std::vector<Diagnostic> errors() const;

  // For the JSON Lines / bench paths: the raw value of a decision without building a Value.
  std::int64_t raw(int decision) const { return raw_[static_cast<std::size_t>(decision)]; }

  // Scratch of the evaluator (value registers, per-rule memo); opaque.
  struct Scratch;

 private:
  friend class Program;
  friend struct internal::ProgramAccess;
  friend struct internal::Engine;
  // The program of the last evaluation, kept alive by `programs_`, which holds the few
  // programs recently used with this outcome so that alternating between them (a batch
  // across jurisdictions) costs no reference counting.
  const internal::CompiledProgram* program_ = nullptr;
  std::vector<std::shared_ptr<const internal::CompiledProgram>> programs_;
  std::vector<DecisionStatus> status_;
  std::vector<std::int64_t> raw_;
  std::vector<std::int32_t> winner_begin_;  // per decision, into winners_
  std::vector<std::int32_t> winner_end_;
  std::vector<std::int32_t> winners_;
  // kAbsentOptional: the fact slot read; kGap / kConflict: the decision read that is
  // undecided (-1: this decision itself).
  std::vector<std::int32_t> error_detail_;
  std::vector<Diagnostic> case_errors_;
  std::unique_ptr<Scratch> scratch_;
};

struct EvalOptions {
  // Assumptions are always checked; this only selects whether a broken one stops the
  // evaluation (true, the default) or is reported alongside the decisions.
  bool stop_on_broken_assumption = true;
};

// ---------------------------------------------------------------------------------------------
// Explanations: plain data for renderers (text grouped per domain, JSON).

struct ReadValue {
  std::string name;   // a fact, param, let or decision read by the condition
  std::string kind;   // "fact", "param", "let", "decision", "reference_date"
  bool known = true;  // false: an absent optional fact
  std::string value;  // Value::ToString(), empty when unknown
};

struct RuleExplanation {
  RuleRefInfo rule;
  std::string condition;         // source text of the `when` condition; empty when none
  std::vector<ReadValue> reads;  // what the condition (and assigned values) read, with values
  std::string contributes;       // the value this rule assigns to the decision, as text
};

struct DefeatExplanation {
  RuleRefInfo rule;  // the defeated rule (it applied)
  RuleRefInfo defeated_by;
  std::string how;  // "exception" or "lower layer"
};

// How an answer stands for the person: what the answer sheet shows first (kDecided), what it
// sums up as not applying, with or without a legal basis, and what went wrong. New statuses
// are added at the end (renderers name them with AnswerStatusName).
enum class AnswerStatus : std::uint8_t {
  kDecided,              // a rule decided a value other than the default (collect: not empty)
  kDefaultWithBasis,     // a rule decided it, with the default's value: a "no" with its article
  kDefaultWithoutBasis,  // no rule decides it: the default
  kError,                // not decided (gap, conflict, absent optional fact, ...): see `error`
  kNotApplicable,        // its `applies when` is false: the question does not arise
};
// "decided", "default_with_basis", "default_without_basis", "error", "not_applicable".
const char* AnswerStatusName(AnswerStatus status);

struct WhyNotExplanation {
  enum class Reason {
    kApplied,         // it applied and was not defeated (it took part in the outcome)
    kUnknownRule,     // no such rule in this jurisdiction
    kNotInForce,      // outside its validity (or its file's / layer's) on the date
    kConditionFalse,  // `failed_part` was false
    kError,           // its condition, or deciding what it decides, failed (docs/language.md §9)
    kDefeated,        // it applied but was defeated by `defeated_by`
    kInvalidCase,     // the case itself is invalid (see case_errors)
    // It would apply, but every decision it decides is not applicable to this case (their
    // `applies when` is false), so it was not consulted.
    kDecisionNotApplicable,
  };
  Reason reason = Reason::kUnknownRule;
  RuleRefInfo rule;
  std::string message;           // one sentence for people
  std::string failed_part;       // kConditionFalse / kError: source text of the first false part
  std::vector<ReadValue> reads;  // values that part read
  std::optional<Date> valid_from;
  std::optional<Date> valid_until;
  std::vector<RuleRefInfo> defeated_by;  // kDefeated
  std::string defeat_how;                // "exception" or "lower layer"
  std::vector<Diagnostic> case_errors;
};
const char* WhyNotReasonName(WhyNotExplanation::Reason reason);

struct DecisionExplanation {
  int decision = -1;
  std::string name;
  std::string domain;
  std::string domain_title;
  std::string description;  // the decision's description text
  DecisionStatus status = DecisionStatus::kDecided;
  AnswerStatus answer = AnswerStatus::kDecided;
  std::string value;  // Value::ToString(); empty on errors
  std::string value_json;
  bool default_used = false;
  bool collect = false;
  std::vector<RuleExplanation> winners;
  std::vector<DefeatExplanation> defeated;
  // When no rule decided it (a default or a gap): every rule in the jurisdiction's layers that
  // assigns it, in force or not, with why it did not decide (Program::WhyNot's answer).
  std::vector<WhyNotExplanation> candidates;
  std::optional<Diagnostic> error;
  // The `applies when` condition as written (DecisionInfo::applies_when); empty when the
  // decision always applies. kNotApplicable: applies_reads are the values it read, which say
  // why the decision has no meaning for this case.
  std::string applies_when;
  std::vector<ReadValue> applies_reads;
};

// A derived value (a let, or a decision read by a rule) with what it was computed from, so an
// explanation can be followed down to the case facts.
struct DerivedValue {
  std::string name;
  std::string kind;                // "let" or "decision"
  bool known = true;               // false: its evaluation failed
  std::string value;               // Value::ToString(), empty when unknown
  bool default_used = false;       // a decision that took its default (no rule decided it)
  std::vector<ReadValue> reads;    // a let: what its value read; a decision: its deciding rules'
  std::vector<RuleRefInfo> rules;  // a decision: the rules that decided it
};

struct Explanation {
  std::string jurisdiction;
  std::string date;  // ISO
  std::vector<Diagnostic> case_errors;
  std::vector<DecisionExplanation> decisions;  // in decision order; group by domain to show
  std::vector<DerivedValue> derived;           // every let and decision, for the fact trees
  const DerivedValue* FindDerived(std::string_view name) const;
};

// ---------------------------------------------------------------------------------------------

struct ParseOptions {
  bool reset = true;        // clear the case first (false: layer values over earlier ones)
  bool require_all = true;  // report L605 for required facts still absent at the end
  // A top-level member that is not a fact and is left out (not reported as unknown): the
  // jurisdiction field of a record in a batch across municipalities. Empty: none.
  std::string_view skip_member;
};

class Program {
 public:
  Program(const Program&) = default;
  Program& operator=(const Program&) = default;
  Program(Program&&) noexcept = default;
  Program& operator=(Program&&) noexcept = default;
  ~Program() = default;

  const std::string& jurisdiction() const;
  // The layers in force, root first, the jurisdiction last.
  const std::vector<std::string>& layers() const;

  const std::vector<FactInfo>& facts() const;
  const std::vector<DecisionInfo>& decisions() const;
  const std::vector<RuleInfo>& rules() const;
  int FactSlot(std::string_view name) const;       // -1 when unknown
  int DecisionIndex(std::string_view name) const;  // -1 when unknown
  // A rule by id ("wi.duty", resolved from the jurisdiction upward) or qualified id
  // ("national.wi.duty"); -1 when unknown.
  int RuleIndex(std::string_view id) const;

  Case NewCase() const;

  // Case input. Errors are appended as diagnostics (L601 unknown key with "did you mean",
  // L602 wrong type, L603 outside range, L604 unknown enum member, L605 missing required
  // fact, L611 not an object) with the fact name in the message; their location is left
  // for the caller (ParseYaml fills the line within the text). Returns true when no error
  // was added. The case keeps every valid value even when others were wrong.
  bool ParseJson(std::string_view object, Case& out, std::vector<Diagnostic>& errors,
                 const ParseOptions& options = {}) const;
  bool ParseYaml(std::string_view mapping, Case& out, std::vector<Diagnostic>& errors,
                 const ParseOptions& options = {}) const;
  // From name/value texts as YAML flow scalars: `34`, `true`, `asylum_fixed`, `2024-05-01`,
  // `1800.50`, `"€1.800,50"`, `[a, b]` (quotes optional).
  bool ParseFacts(const std::vector<std::pair<std::string, std::string>>& facts, Case& out,
                  std::vector<Diagnostic>& errors, const ParseOptions& options = {}) const;
  bool SetFact(Case& out, std::string_view name, std::string_view value_text,
               std::vector<Diagnostic>& errors) const;
  // L605 for each required fact absent from the case.
  bool CheckRequired(const Case& facts, std::vector<Diagnostic>& errors) const;
  // L606 for each assumption the case breaks on `on` (naming the assumption).
  bool CheckAssumptions(const Case& facts, Date on, std::vector<Diagnostic>& errors) const;

  // The case as a YAML flow mapping of every set fact, in fact order (for witnesses).
  std::string CaseToYaml(const Case& facts) const;
  std::string CaseToJson(const Case& facts) const;

  // The hot path: no heap allocation per case once `out` has been used with this program.
  void Evaluate(const Case& facts, Date on, Outcome& out, const EvalOptions& options = {}) const;
  // Many cases on one date: *cases[i] into *outcomes[i], each exactly as Evaluate decides it
  // (the same values, statuses, winners and errors). Faster for a batch: a program whose
  // decisions are made of simple rules only (docs/architecture.md, "Batches") is evaluated
  // column-wise, 64 cases side by side; cases with an absent fact, a gap or a conflict, and
  // every case of other programs, are evaluated one by one. Cases and outcomes must be
  // distinct objects. No heap allocation once the outcomes have been used with this program.
  void EvaluateBatch(const Case* const* cases, Outcome* const* outcomes, std::size_t count, Date on,
                     const EvalOptions& options = {}) const;
  // The same for a vector of cases; `outcomes` is resized to match.
  void EvaluateBatch(const std::vector<Case>& cases, Date on, std::vector<Outcome>& outcomes,
                     const EvalOptions& options = {}) const;
  // Rows first .. first + count - 1 of a table into outcomes[0 .. count - 1], as EvaluateBatch
  // decides them. Rows past the table's end, or a table made for another program, give each
  // outcome the case error L611. A few dozen outcomes reused chunk after chunk keep a large
  // table's run in the cache.
  void EvaluateRows(const CaseTable& table, std::size_t first, std::size_t count, Date on,
                    Outcome* outcomes, const EvalOptions& options = {}) const;
  CaseTable NewTable() const;

  // Evaluates and explains every decision (allocates; not for bulk runs).
  Explanation Explain(const Case& facts, Date on) const;
  // Why a rule did not take part in the outcome (or that it did).
  WhyNotExplanation WhyNot(const Case& facts, Date on, std::string_view rule_id) const;

 private:
  friend struct internal::ProgramAccess;
  explicit Program(std::shared_ptr<const internal::CompiledProgram> compiled);
  std::shared_ptr<const internal::CompiledProgram> compiled_;
};

}  // namespace loket
