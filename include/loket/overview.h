// A council member's overview of one municipality's rule base on a date: every decision the
// desk takes, per domain, with the rules in force and their legal basis, what differs from
// the national default (local rules, delegated room that is used, local decisions) and the
// delegated room that is left unused.
// Built from a checked RuleBase; `loket doc` renders it as Markdown or HTML.
#pragma once

#include <string>
#include <vector>

#include "loket/evaluate.h"
#include "loket/rule_base.h"
#include "loket/status.h"

namespace loket {

// One rule in force on the overview's date.
struct OverviewRule {
  std::string id;
  std::string layer;
  std::string citation;
  std::vector<CitationInfo> citations;  // source by source, linked on the overview's date
  std::vector<std::string> notes;
  std::string valid_from;   // ISO date, empty when open
  std::string valid_until;  // ISO date (exclusive), empty when open
  std::string condition;    // as written, whitespace collapsed; empty: always applies
  std::string outcome;      // the assignment to this decision as written, e.g. "route = b1"
  std::vector<std::string> exception_to;  // rule ids as written
  bool local = false;                     // declared below the national (root) layer
};

enum class OverviewCompetence {
  kClosed,     // only the declaring layer decides
  kDelegated,  // lower layers may decide, within bounds
  kOwned,      // an authority decides (DUO, IND)
  kLocal,      // a decision the municipality itself declares
};

struct OverviewDecision {
  std::string name;
  std::string description;
  std::string layer;          // the declaring layer
  std::string type;           // as written, e.g. "set of Service"
  std::string default_value;  // as written; empty when none (or a collect decision)
  bool collect = false;
  OverviewCompetence competence = OverviewCompetence::kClosed;
  std::string applies_when;         // the `applies when` condition as written; empty: always
  std::string competence_text;      // e.g. "delegated to municipality within 0..50"
  std::vector<OverviewRule> rules;  // in force on the date, higher layers first
  // Local rules in force decide it, or the municipality declares it: it differs from what
  // the national layer alone would do.
  bool differs_from_national = false;
};

struct OverviewDomain {
  std::string name;  // empty for decisions outside any domain
  std::string title;
  std::vector<OverviewDecision> decisions;
};

struct Overview {
  std::string jurisdiction;
  std::string title;
  std::string code;
  std::string date;                // ISO
  std::vector<std::string> chain;  // layer names, national first
  std::vector<OverviewDomain> domains;
  int rules_in_force = 0;
  int local_rules_in_force = 0;
  int rules_not_in_force = 0;  // rule versions of the chain left out because of the date
};

// Fails with kNotFound for an unknown jurisdiction and kInvalidArgument for a rule base with
// errors.
Result<Overview> BuildOverview(const RuleBase& rules, const std::string& jurisdiction, Date on);

std::string RenderOverviewMarkdown(const Overview& overview);
std::string RenderOverviewHtml(const Overview& overview);

}  // namespace loket
