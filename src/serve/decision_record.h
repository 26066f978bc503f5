// The decision log's record — the one owner of its format — and `loket replay`, which reads
// it back. A record is one JSON line:
//   {"receipt": {...}, "facts": {...}, "outcome": {"decisions": {name: value|null},
//    "status": {name: "decided"|"default"|...}, "rules": {name: ["layer.rule", ...]}}}
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <loket/loket.h>
#include <loket/receipt.h>

namespace loket::serve {

// The record of one decision, without a newline.
std::string DecisionRecord(const Receipt& receipt, const Program& program, const Case& facts,
                           const Outcome& outcome);

// The "outcome" member of a record.
std::string OutcomeRecord(const Program& program, const Outcome& outcome);

struct ReplaySummary {
  std::size_t records = 0;
  std::size_t same = 0;
  std::size_t different = 0;   // another outcome today
  std::size_t other_hash = 0;  // decided under another rule base than the one given
  std::size_t unreadable = 0;  // not a record, or its case no longer reads
};

// Re-decides every record of the log at `log_path` with `rules` and writes a line to `report`
// for each record whose outcome differs, whose rule-base hash differs from the rules' hash, or
// that cannot be read, then a summary line. A Status error when the log cannot be read.
Result<ReplaySummary> ReplayLog(const std::string& log_path, const RuleBase& rules,
                                std::ostream& report);

}  // namespace loket::serve
