// Decision receipts: what makes an answer reproducible. Every decision loket gives to a person
// (`loket eval --format json`, `loket serve`) carries one: the same facts, reference date and
// rule-base hash always give the same answer, so a receipt and the rule files it names are
// enough to re-decide the case years later (`loket replay`).
#pragma once

#include <string>

#include "loket/evaluate.h"
#include "loket/rule_base.h"

namespace loket {

struct Receipt {
  std::string decision_id;     // random 128 bits as a UUID (version 4), unique per decision
  std::string rule_base_hash;  // RuleBase::ContentHash(): "sha256:<64 hex digits>"
  std::string loket_version;   // Version()
  std::string jurisdiction;    // the layer decided for
  std::string reference_date;  // YYYY-MM-DD
  std::string decided_at;      // UTC time of the decision, RFC 3339 with milliseconds
};

// A receipt for a decision taken now.
Receipt MakeReceipt(const RuleBase& rules, const std::string& jurisdiction, Date on);
// The receipt as a JSON object, members in the order above.
std::string ReceiptJson(const Receipt& receipt);

// A new random decision id (UUID version 4 text); thread-safe.
std::string NewDecisionId();

}  // namespace loket
