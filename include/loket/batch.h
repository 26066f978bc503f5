// Deciding many JSON cases fast: one JSON object per line in, one JSON object per line out,
// in input order. The one JSON Lines batch path: `loket eval --cases`, `loket bench` and the
// HTTP service's decide-batch all use it, so a record is answered the same way everywhere.
//
// Per record the engine picks the program (a fixed jurisdiction, or the value of a
// jurisdiction field, compiled once per jurisdiction), parses the case with the evaluator's
// JSON reader into a reused Case, evaluates into a reused Outcome and appends the decisions
// to a reused output buffer. A record that fails becomes {"record": n, "errors": [...]}.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "loket/status.h"

namespace loket {

struct BatchOptions {
  std::string jurisdiction;        // fixed jurisdiction, or
  std::string jurisdiction_field;  // the member of each record that names it
  Date on;
};

class BatchEvaluator {
 public:
  BatchEvaluator(const RuleBase& rules, BatchOptions options);

  // Decides one record (a line without its newline); appends one output line to `out`.
  // Returns false when the record failed; `error` then holds a one-line message.
  bool DecideRecord(std::string_view record, std::int64_t record_number, std::string& out,
                    std::string& error);

  // The same for many records, decided together: Queue parses a record into its
  // jurisdiction's pool (or notes why it failed) until Full(); Flush decides the queued
  // records (Program::EvaluateBatch per jurisdiction), appends their output lines to `out` in
  // input order, calls `failed(record_number, error)` for each record that failed, and
  // returns how many were decided.
  void Queue(std::string_view record, std::int64_t record_number);
  bool Full() const { return queued_.size() >= kQueueSize; }
  // `decided`, when given, sees each record that was decided: its program, case and outcome
  // (the HTTP service logs them).
  using DecidedRecord = std::function<void(const Program&, const Case&, const Outcome&)>;
  std::size_t Flush(std::string& out,
                    const std::function<void(std::int64_t, const std::string&)>& failed,
                    const DecidedRecord& decided = nullptr);

  // Parses one record into its program's case (for bench: parse once, evaluate many).
  // Returns the program slot or -1 with `error` set.
  struct Parsed {
    int slot = -1;
    Case facts;
  };
  bool ParseRecord(std::string_view record, Parsed& parsed, std::string& error);
  // Evaluates a parsed case with its program's reusable outcome; true when the outcome is ok.
  bool Evaluate(const Parsed& parsed);
  // The program of a slot that ParseRecord returned (slots are numbered from 0 up).
  const Program& ProgramOf(int slot) const {
    return *slots_[static_cast<std::size_t>(slot)].program;
  }
  int slot_count() const { return static_cast<int>(slots_.size()); }
  bool HasProgram(int slot) const {
    return slots_[static_cast<std::size_t>(slot)].program != nullptr;
  }

  // Compiles the fixed jurisdiction up front; the Status says why it cannot be.
  Status Prepare();

 private:
  struct Slot {
    std::unique_ptr<Program> program;
    Case facts;
    Outcome outcome;
    // Per decision, ready to append: `{"name":` for the first, `,"name":` for the others, and
    // texts of whole members: for a bool the lead with `false` and with `true`, for an enum
    // the lead with each `"member"` and last with `null`, for a set each `"member"` alone.
    std::vector<std::string> leads;
    std::vector<std::vector<std::string>> value_json;
    // The queued records of this jurisdiction (Queue): their cases and outcomes, reused.
    std::vector<Case> queued_cases;
    std::vector<Outcome> queued_outcomes;
    std::vector<const Case*> case_pointers;
    std::vector<Outcome*> outcome_pointers;
    std::size_t queued = 0;
  };
  // A queued record: its slot and index in the slot's pool, or slot -1 when it failed before
  // evaluation (its output line and message are in failed_lines_ / failed_messages_).
  struct Queued {
    int slot = -1;
    std::size_t index = 0;
    std::int64_t record_number = 0;
    std::size_t line_begin = 0, line_end = 0;
    std::size_t message_begin = 0, message_end = 0;
  };
  static constexpr std::size_t kQueueSize = 256;
  static constexpr std::size_t kMaxRememberedFailures = 64;

  // The slot of a jurisdiction's program, compiled on first use; -1 with failure_ set when it
  // does not compile (no such layer).
  int SlotFor(std::string_view jurisdiction);
  // Case parsing leaves the jurisdiction field out (it names the layer, it is not a fact).
  ParseOptions SkipJurisdiction() const {
    ParseOptions parse;
    parse.skip_member = options_.jurisdiction_field;
    return parse;
  }
  bool SelectProgram(std::string_view record, std::string_view& facts_text, int& slot,
                     std::string& error_code, std::string& error_message);
  void AppendDecisions(const Slot& slot, const Outcome& outcome, std::string& out) const;
  // The output line of an evaluated record: its decisions, or its error record.
  bool FinishRecord(const Slot& slot, const Outcome& outcome, std::int64_t record_number,
                    std::string& out, std::string& error);
  // The error record of diagnostics_ (L611 when there are none); sets `error`, returns false.
  bool FailRecord(std::int64_t record_number, std::string& out, std::string& error);
  static void AppendErrorRecord(std::int64_t record_number,
                                const std::vector<std::pair<std::string, std::string>>& errors,
                                std::string& out);

  const RuleBase& rules_;
  BatchOptions options_;
  std::vector<Slot> slots_;
  std::map<std::string, int, std::less<>> slot_by_name_;
  int last_slot_ = -1;
  std::string last_name_;
  std::map<std::string, std::string, std::less<>> failed_names_;  // at most 64: name -> why
  std::string failure_;                                           // why the last SlotFor failed
  std::string decoded_name_;  // a jurisdiction name with its escapes decoded
  std::vector<Diagnostic> diagnostics_;
  std::vector<std::pair<std::string, std::string>> errors_;
  std::vector<Queued> queued_;
  std::string failed_lines_;
  std::string failed_messages_;
  std::string error_;
};

}  // namespace loket
