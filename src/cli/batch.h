// Deciding many JSON cases fast: one JSON object per line in, one JSON object per line out,
// in input order. Shared by `loket eval --cases` and `loket bench`.
//
// Per record the engine picks the program (a fixed jurisdiction, or the value of a
// jurisdiction field, compiled once per jurisdiction), parses the case with the evaluator's
// JSON reader into a reused Case, evaluates into a reused Outcome and appends the decisions
// to a reused output buffer. A record that fails becomes {"record": n, "errors": [...]}.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <loket/loket.h>

namespace loket::cli {

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

  // Compiles the fixed jurisdiction up front; prints the Status error and returns false.
  bool Prepare();

 private:
  struct Slot {
    std::unique_ptr<Program> program;  // null: the jurisdiction does not compile / exist
    std::string failure;               // why, when program is null
    Case facts;
    Outcome outcome;
    std::vector<std::string> keys;                      // `"name":` per decision, ready to append
    std::vector<std::vector<std::string>> member_json;  // per decision: `"member"` texts
  };

  int SlotFor(std::string_view jurisdiction);
  // Case parsing leaves the jurisdiction field out (it names the layer, it is not a fact).
  ParseOptions SkipJurisdiction() const {
    ParseOptions parse;
    parse.skip_member = options_.jurisdiction_field;
    return parse;
  }
  bool SelectProgram(std::string_view record, std::string_view& facts_text, int& slot,
                     std::string& error_code, std::string& error_message);
  void AppendDecisions(const Slot& slot, std::string& out) const;
  static void AppendErrorRecord(std::int64_t record_number,
                                const std::vector<std::pair<std::string, std::string>>& errors,
                                std::string& out);

  const RuleBase& rules_;
  BatchOptions options_;
  std::vector<Slot> slots_;
  std::map<std::string, int, std::less<>> slot_by_name_;
  int last_slot_ = -1;
  std::string last_name_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<std::pair<std::string, std::string>> errors_;
};

// Appends `text` as a JSON string literal.
void AppendJsonString(std::string& out, std::string_view text);

// Finds the top-level member `field` of a JSON object. On success `value` is its string
// value (without quotes; escapes left as written) and, when `rest` is given, `*rest` the
// object without the member. Returns false with `error` set when the text is not an object,
// the member is absent or not a string.
bool ExtractStringMember(std::string_view object, std::string_view field, std::string_view& value,
                         std::string* rest, std::string& error);

}  // namespace loket::cli
