// The impact of a rule change: which answers differ between an OLD and a NEW rule base, for
// whom, and because of which changed rules. Per jurisdiction and decision the solver proves
// that both answer the same on a date (or over a period), or finds witness cases — people
// for whom the answer changes — each replayed through both evaluators. With a population
// (JSON Lines records) every record is decided under both and the changed answers counted.
// New findings of the checker (NEW has them, OLD did not) are listed first: they block
// adoption.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include "loket/diagnostic.h"
#include "loket/rule_base.h"
#include "loket/status.h"

namespace loket {

struct DiffOptions {
  std::string jurisdiction;  // empty: every layer of either rule base
  // The date the answers are compared on (ISO), or a period `from` .. `until` (both
  // inclusive) over which rules and params may change with their dates. Exactly one of `on`
  // and the pair is set.
  std::string on;
  std::string from;
  std::string until;
  unsigned solver_rlimit = 2'000'000;  // per query; exhausted: the decision is undetermined
  // Wall-clock budget per jurisdiction (0: none); spent: its remaining decisions are
  // undetermined (as `loket check --solver-time-limit`).
  unsigned solver_time_limit_ms = 30'000;
  int witnesses_per_decision = 3;  // distinct "old -> new" transitions shown per decision
  unsigned threads = 0;            // jurisdictions compared side by side; 0: one per core
};

enum class DiffVerdict {
  kSame,          // the decision's dependency cone is identical in OLD and NEW (no solver)
  kProvedSame,    // the cone changed, the solver proved no case is answered differently
  kChanged,       // witness cases answered differently, confirmed by both evaluators
  kUndetermined,  // the solver's limit was hit, or it could not compare (see `reason`)
  kAdded,         // only NEW has the decision (or the jurisdiction, `decision` empty)
  kRemoved,       // only OLD has it
};
const char* DiffVerdictName(DiffVerdict verdict);  // "same", "proved-same", "changed", ...

// One side of a witness: what that rule base's evaluator decides for the case.
struct DiffAnswer {
  std::string answer;      // "integration_duty = true (by national.wi.duty)", "... gap (L608)"
  std::string value;       // the value as a YAML scalar or list; empty when not decided
  std::string status;      // DecisionStatusName: "decided", "default", "gap", "not applicable", ...
  std::string error_code;  // "L608" when not decided; empty otherwise
  std::vector<std::string> rules;      // the deciding rules, layer.id
  std::vector<std::string> citations;  // their legal basis, one per rule
};

struct DiffWitness {
  std::string jurisdiction;
  std::string date;             // ISO
  std::string case_yaml;        // every fact of NEW's jurisdiction, as a test-suite entry
  std::string facts_read_yaml;  // only the facts the difference depends on
  DiffAnswer old_answer;
  DiffAnswer new_answer;
  // What happens to this person, from the two statuses: "new_gap", "new_conflict",
  // "gap_closed", "conflict_resolved", "now_applies", "no_longer_applies", "refused_by_old",
  // "refused_by_new", "new_error", "error_gone", "other_value" or "other_error".
  std::string change;
};

// "a new gap (NEW decides nothing)" ... for a DiffWitness::change.
std::string DiffChangeText(const std::string& change);

struct DecisionDiff {
  std::string jurisdiction;
  std::string decision;  // empty: the jurisdiction as a whole was added or removed
  DiffVerdict verdict = DiffVerdict::kSame;
  // The declarations of its dependency cone that differ: "rule national.wi.duty (changed)",
  // "param municipality.x (added)". Differences are grouped by this list.
  std::vector<std::string> changes;
  std::string reason;  // kUndetermined: why; otherwise empty
  std::vector<DiffWitness> witnesses;
};

struct DiffStats {
  int jurisdictions = 0;
  int decisions = 0;  // (jurisdiction, decision) pairs compared
  int structurally_same = 0;
  int solver_queries = 0;
  int proved_same = 0;
  int changed = 0;
  int undetermined = 0;
  int added_or_removed = 0;
};

// Counting a population: every record decided under both rule bases.
struct PopulationOptions {
  std::string jurisdiction;        // fixed jurisdiction, or
  std::string jurisdiction_field;  // the member of each record that names it
  std::string on;                  // ISO date
  int example_records = 5;         // record numbers kept per change
};

struct AnswerChange {
  std::string jurisdiction;
  std::string decision;
  std::string from;  // OLD's answer: a value, or a status ("gap (L608)", "not applicable")
  std::string to;
  std::int64_t count = 0;
  std::vector<std::int64_t> records;  // the first few record numbers (1-based)
};

struct PopulationDiff {
  std::int64_t records = 0;
  std::int64_t changed_records = 0;  // records with at least one changed answer
  std::int64_t failed_old = 0;       // records OLD could not decide (invalid, unknown place)
  std::int64_t failed_new = 0;
  // Records that one rule base decides and the other refuses (the first few), with why.
  std::vector<std::pair<std::int64_t, std::string>> failing_differently;
  std::int64_t failing_differently_count = 0;
  std::vector<AnswerChange> changes;  // by jurisdiction, decision, then most frequent first
};

struct RuleBaseDiff {
  // Both rule bases must check without errors other than the conflict analysis' findings
  // (L5xx, which the comparison reports); otherwise their errors, and nothing else.
  bool old_clean = true;
  bool new_clean = true;
  std::vector<Diagnostic> old_errors;
  std::vector<Diagnostic> new_errors;
  // Findings (errors, warnings) NEW has that OLD did not, matched by code, layer, decision
  // and rules involved — not by line numbers. They block adoption.
  std::vector<Diagnostic> new_findings;
  std::string period;  // "on 2025-01-01" or "from 2025-01-01 until 2025-12-31"
  std::string old_label = "OLD";
  std::string new_label = "NEW";
  std::vector<DecisionDiff> decisions;  // every compared pair, in layer and decision order
  DiffStats stats;
  bool has_population = false;
  PopulationDiff population;

  // Nothing answers differently, nothing undetermined, no new findings, both clean.
  bool Unchanged() const;
};

// Checks OLD and NEW for a comparison. Both are checked in full except for the conflict
// analysis, which runs only where they differ: in the layers whose chain (the layer and the
// layers above) differs, and the layers above those, only for the units of decisions whose
// content differs (a unit with the same content has the same findings in both, so what NEW
// brings is found in the others). With options.analyze_conflicts false no analysis runs.
struct RuleBasePair {
  RuleBase old_rules;  // checked without the conflict analysis
  RuleBase new_rules;
  // The conflict analysis' findings (L5xx) of the units whose content differs.
  std::vector<Diagnostic> old_findings;
  std::vector<Diagnostic> new_findings;
  int layers_analyzed = 0;  // layers with a unit analysed, both sides together
  int units_analyzed = 0;   // units of decisions analysed, both sides together
};
RuleBasePair CheckPair(std::vector<SourceText> old_sources, std::vector<SourceText> new_sources,
                       const LoadOptions& options = {});

// Compares a checked pair. kInvalidArgument for a bad date or period, kNotFound for a
// jurisdiction neither has. When either has errors the result carries them and no comparison.
Result<RuleBaseDiff> DiffRuleBases(const RuleBasePair& rules, const DiffOptions& options);

// Decides every JSON Lines record of `records` under both rule bases (the JSON Lines batch
// evaluator, loket/batch.h) and counts the changed answers per jurisdiction and decision.
// kInvalidArgument for a bad date or neither jurisdiction option; kNotFound for an unknown
// fixed jurisdiction.
Result<PopulationDiff> CountChanges(const RuleBase& old_rules, const RuleBase& new_rules,
                                    std::istream& records, const PopulationOptions& options);

enum class DiffFormat { kText, kJson, kMarkdown, kHtml };

// New findings first, then the differences grouped by the changes that cause them (each
// witness "old -> new" with rules and citations on both sides), what is undetermined, what
// is proved unchanged ("no one's answer changes"), and the population's counts.
std::string RenderDiff(const RuleBaseDiff& diff, DiffFormat format);

// Writes `<directory>/<jurisdiction>.diff.yaml`, one `loket test` suite per jurisdiction with
// a difference, one case per witness, expecting NEW's answer. Returns the paths written.
Result<std::vector<std::string>> WriteDiffWitnessSuites(const RuleBaseDiff& diff,
                                                        const std::string& directory);

}  // namespace loket
