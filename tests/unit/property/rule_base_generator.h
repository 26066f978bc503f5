// Random layered rule bases for the property test (property_test.cpp): a national layer and
// one to three municipalities; delegated and closed decisions of type bool, int, enum and
// money, with and without defaults (some computed); rules whose conditions compare ints, money,
// enums, dates, `years_between` ages, dated params, lets, guarded optional facts and earlier
// decisions; nested exception chains up to depth 5, several exceptions to one rule, municipal
// exceptions to national rules; dated rules. Deterministic for a seed.
//
// The rule base is kept as data (GenRuleBase) and rendered to .loket texts, so a failing one
// can be shrunk (Shrinks) rule by rule and condition part by condition part.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loket/rule_base.h"

namespace loket::proptest {

enum class GenType { kBool, kInt, kEnum, kMoney };

struct GenDecision {
  std::string name;
  GenType type = GenType::kBool;
  bool delegated = false;       // delegated to municipality; otherwise closed
  bool favours_higher = false;  // int and delegated only
  std::string default_value;    // a literal or an expression; empty: no default (gaps possible)
  std::vector<int> reads;       // decisions (indexes, all smaller) its rules' conditions read
};

struct GenRule {
  std::string id;    // unique within its layer
  int layer = 0;     // 0: national, k: municipality k
  int decision = 0;  // the decision it assigns
  std::string value;
  std::vector<std::string> atoms;       // the `when` conditions (all must hold)
  int base = -1;                        // index of the rule it is an exception to, or -1
  std::string valid_from, valid_until;  // ISO dates, or empty
  int version_of = -1;  // a later version (§6: same id, the next period) of this rule, or -1
};

struct GenRuleBase {
  int municipalities = 1;
  std::vector<GenDecision> decisions;
  std::vector<GenRule> rules;
};

// The rule base of one seed.
GenRuleBase Generate(std::uint64_t seed);

// The .loket files: national.loket and m<k>.loket.
std::vector<SourceText> Render(const GenRuleBase& rule_base);

// Smaller variants of `rule_base`, most reducing first: without one rule (and the exceptions
// built on it), without a condition part, without a validity bound, without the last
// municipality, an exception turned into a plain rule.
std::vector<GenRuleBase> Shrinks(const GenRuleBase& rule_base);

// The layer names of municipality k (1-based) and of the national layer (0).
std::string LayerName(int layer);

}  // namespace loket::proptest
