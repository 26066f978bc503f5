// Diagnostics inside the pipeline: a kind from the registry (kinds.def), a source range, a
// message, notes pointing at related declarations, help lines and, for conflict findings,
// witness cases. src/api/ turns these into the public loket::Diagnostic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "source/source_manager.h"

namespace loket {
struct Diagnostic;
}

namespace loket::diag {

enum class Severity : std::uint8_t { kNote, kWarning, kError };

enum class Kind : std::uint16_t {
#define LOKET_DIAG(name, code, severity, title) k##name,
#include "diag/kinds.def"
#undef LOKET_DIAG
  kCount
};

struct KindInfo {
  Kind kind;
  std::string_view name;  // "UnknownName"
  std::string_view code;  // "L201"
  Severity severity;
  std::string_view title;  // "unknown name"
};

const KindInfo& Info(Kind kind);
// The registry's "what to do" for a kind, for findings without a help line of their own
// (empty for kinds whose help always depends on the finding).
std::string_view DefaultHelp(Kind kind);
const std::vector<KindInfo>& AllKinds();
// The kind with this code ("L201"), if the registry has one.
std::optional<Kind> KindOfCode(std::string_view code);
// The competence errors (L310, L311, L314): the model is complete despite them, so with
// LoadOptions::accept_competence_errors the rules can be evaluated as written.
bool IsCompetenceKind(Kind kind);
std::string_view SeverityName(Severity severity);

struct Note {
  source::SourceRange range;  // may be invalid: a note without a location
  std::string message;
};

// One decision of a witness replay: what the evaluator made of it, as data.
struct ReplayLine {
  std::string decision;
  std::string status;              // DecisionStatusName: "decided", "default", "conflict", ...
  bool decided = false;            // by rules or by default: `value` holds the value
  std::string value;               // the value as people read it
  std::vector<std::string> rules;  // the winners, or the rules in conflict ("layer.id")
  std::optional<Kind> error;       // an error status: its kind (kEvalConflict, kEvalGap, ...)
  std::string text;                // the line of `Witness::replay`
};

// A concrete case that shows a finding, with what the evaluator made of it.
struct Witness {
  std::string title;            // "case 1", "with nationality = syrian"
  std::string jurisdiction;     // the leaf layer the case was replayed for
  std::string date;             // ISO reference date
  std::string case_yaml;        // every fact, ready to paste into a test suite
  std::string replay;           // the evaluator's decisions and winning rules for the case
  std::string facts_read_yaml;  // only the facts the rules read: what the text shows
  std::vector<ReplayLine> replay_lines = {};  // the same, one struct per decision
};

struct Diagnostic {
  Kind kind = Kind::kSyntaxError;
  Severity severity = Severity::kError;
  source::SourceRange range;
  std::string message;
  std::vector<Note> notes;
  std::vector<std::string> help;
  std::vector<Witness> witnesses;
  std::string layer;  // the layer the finding is about, when there is one
  // A checker finding's rules ("layer.id"), decisions and facts ("layer.name"), in the order
  // the finding names them: what it is about, as data (loket diff matches findings by them).
  std::vector<std::string> about;
};

// Collects diagnostics. Not thread-safe; each pass owns one or is given one.
class DiagnosticSink {
 public:
  template <typename... Args>
  Diagnostic& Report(Kind kind, source::SourceRange range, fmt::format_string<Args...> format,
                     Args&&... args) {
    return Add(kind, range, fmt::format(format, std::forward<Args>(args)...));
  }
  Diagnostic& Add(Kind kind, source::SourceRange range, std::string message);
  void Append(Diagnostic diagnostic) { diagnostics_.push_back(std::move(diagnostic)); }

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  std::vector<Diagnostic> Take() { return std::move(diagnostics_); }
  // Drops the diagnostics after the first `count` (a pass that is redone from the start).
  void Truncate(std::size_t count) {
    if (count < diagnostics_.size()) diagnostics_.resize(count);
  }
  std::size_t error_count() const;
  bool has_errors() const { return error_count() > 0; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A public diagnostic (include/loket/diagnostic.h) of `kind`: its code, name and severity from
// the registry, for the stages that report straight to the API (case input, evaluation, rule
// tests). Every diagnostic is built from its kind; no code is written out elsewhere.
loket::Diagnostic MakePublic(Kind kind, std::string message, std::string subject = {});

// Sorts by file (in the order `sources` added them, else by id), offset, severity and code, so
// output does not depend on pass order.
void SortDiagnostics(std::vector<Diagnostic>& diagnostics,
                     const source::SourceManager* sources = nullptr);

// "did you mean" support: the candidate closest to `name` by edit distance, or empty when
// none is close enough to be a plausible typo.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

// "did you mean" beyond typos: the candidate whose words (`_`-separated) include all of
// `name`'s words in order (`gross_salary` -> `gross_monthly_salary`; a one-word name as the
// first or last word: `salary` -> `gross_monthly_salary`), or failing that the one sharing
// the longest common prefix of whole words, four letters or more (`gross_pay` ->
// `gross_monthly_salary`); empty when none is related. Ties go to the shortest, then the
// first in alphabetical order.
std::string RelatedName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace loket::diag
