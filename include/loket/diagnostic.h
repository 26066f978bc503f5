// Diagnostics as loket reports them: a stable code from one registry, a position with the
// source line, notes, help and, for conflict findings, witness cases that were replayed
// through the evaluator. Plain data: copy it, keep it, render it.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace loket {

enum class Severity { kNote, kWarning, kError };

struct Location {
  std::string path;  // as given to the loader; empty for a location-less diagnostic
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based, in bytes of the line
  int end_line = 0;
  int end_column = 0;       // exclusive
  std::string source_line;  // the text of `line`, for the caret display
};

struct DiagnosticNote {
  Location location;  // path empty: a note without a location
  std::string message;
};

// One decision of a witness replay, as data (the line of Witness::replay in `text`).
struct ReplayLine {
  std::string decision;
  std::string status;    // "decided", "default", "conflict", "gap", ... (DecisionStatusName)
  bool decided = false;  // by rules or by default: `value` holds the value
  std::string value;     // the value as people read it
  std::vector<std::string> rules;  // the winning rules, or the rules in conflict ("layer.id")
  std::string error_code;          // an error status: its code ("L609"); empty otherwise
  std::string text;
};

struct Witness {
  std::string title;
  std::string jurisdiction;
  std::string date;       // ISO 8601
  std::string case_yaml;  // every fact of the case, as a test-suite entry
  std::string replay;     // what the evaluator decided for it, and by which rules
  // Only the facts the finding's rules read (what the text and the reports show).
  std::string facts_read_yaml;
  std::vector<ReplayLine> replay_lines = {};  // the same as data: one per decision replayed
};

struct Diagnostic {
  std::string code;  // "L201"
  std::string kind;  // "UnknownName"
  Severity severity = Severity::kError;
  std::string message;
  Location location;
  std::vector<DiagnosticNote> notes;
  std::vector<std::string> help;
  std::vector<Witness> witnesses;
  std::string layer;  // the layer a finding is about, when there is one
  // The fact or decision the diagnostic is about, when there is one: the fact of a case error
  // (L601-L605, a fact given twice), the decision of an evaluation error (L608-L613). Callers
  // read it here instead of from the message.
  std::string subject;
  // A case error about the value given for `subject` rather than its key: a wrong type (L602),
  // a value outside the range (L603), a member the enum lacks (L604). A caller that shows the
  // case's text points at the value (the library reads cases from strings: it knows lines,
  // not where on a line a value stands).
  bool value_at_fault = false;
  // For L604, the member as given that the enum lacks (one item of a list value), as the
  // message quotes it; empty otherwise.
  std::string given;
  // For a checker finding (L5xx): the rules ("national.wi.duty"), decisions and facts
  // ("national.income") it is about, in the order its message names them.
  std::vector<std::string> about;
};

// One entry of the registry of diagnostic kinds (docs/diagnostics.md documents each).
struct DiagnosticKind {
  std::string code;
  std::string kind;
  Severity severity;
  std::string title;
};
std::vector<DiagnosticKind> DiagnosticKinds();

const char* SeverityName(Severity severity);

// "did you mean": the candidate closest to `name` by edit distance (at most a third of its
// length, at least one edit; ties to the first in alphabetical order), "" when none is close
// enough to be a typo. The checker's own suggestions use the same, so a front end's (command
// names, options) read alike.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

// A competence error (L310, L311, L314): the rules are complete despite it, so with
// LoadOptions::accept_competence_errors (`--as-written`) they can be evaluated as written.
bool IsCompetenceError(const Diagnostic& diagnostic);

struct RenderOptions {
  bool color = false;  // ANSI colours, for a terminal
  bool show_witnesses = true;
};

// clang style: `file:line:col: error[L201]: message`, the source line, a caret underline,
// `note:` and `help:` lines, then witnesses.
void RenderText(std::ostream& out, const std::vector<Diagnostic>& diagnostics,
                const RenderOptions& options = {});
std::string RenderText(const Diagnostic& diagnostic, const RenderOptions& options = {});

// A JSON array of diagnostic objects with the same facts (schema in docs/diagnostics.md).
std::string RenderJson(const std::vector<Diagnostic>& diagnostics);

}  // namespace loket
