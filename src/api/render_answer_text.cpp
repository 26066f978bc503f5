// The answer sheet for people (docs/cli.md, "The answer sheet"): per domain first what applies
// to the person, with the deciding rules, their citations and notes, then one line of what
// does not apply and why. With `all` every decision in full; with `explain` also the
// conditions, the fact trees and, for a default, the rules that could have decided it.
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "api/fact_tree.h"
#include "loket/answer.h"

namespace loket {
namespace {

constexpr std::size_t kWidth = 100;  // the "does not apply" line wraps here

struct DomainGroup {
  std::string name;
  std::string title;
  std::vector<const DecisionExplanation*> decisions;
};

std::vector<DomainGroup> GroupByDomain(const Explanation& explanation) {
  std::vector<DomainGroup> groups;
  for (const DecisionExplanation& decision : explanation.decisions) {
    DomainGroup* group = nullptr;
    for (DomainGroup& existing : groups) {
      if (existing.name == decision.domain) group = &existing;
    }
    if (!group) {
      groups.push_back({decision.domain, decision.domain_title, {}});
      group = &groups.back();
    }
    if (group->title.empty()) group->title = decision.domain_title;
    group->decisions.push_back(&decision);
  }
  return groups;
}

std::string RuleLine(const RuleRefInfo& rule) {
  std::string line = rule.id + " (" + rule.layer + ")";
  if (!rule.citation.empty()) line += ": " + rule.citation;
  return line;
}

// The official texts of a rule's sources on the sheet's date (docs/language.md, "Citations"),
// one link a line under the rule.
void WriteLinks(std::ostream& out, const RuleRefInfo& rule, const std::string& date,
                const std::string& indent) {
  const std::optional<Date> on = Date::Parse(date);
  if (!on) return;
  for (const CitationInfo& citation : rule.citations) {
    const std::string link = CitationLink(citation, *on);
    if (!link.empty()) out << indent << link << "\n";
  }
}

std::string ReadText(const ReadValue& read) {
  return read.name + " = " + (read.known ? read.value : "(absent)");
}

std::string JoinReads(const std::vector<ReadValue>& reads) {
  std::string text;
  for (const ReadValue& read : reads) text += (text.empty() ? "" : ", ") + ReadText(read);
  return text;
}

// `prefix` then `text` wrapped at spaces to kWidth columns (counted in bytes, so a line with
// accents wraps a little early), later lines indented to where the text began.
void WriteParagraph(std::ostream& out, const std::string& prefix, const std::string& text) {
  const std::string indent(prefix.size(), ' ');
  const std::size_t room = kWidth > prefix.size() + 20 ? kWidth - prefix.size() : 20;
  std::size_t start = 0;
  bool first = true;
  while (start < text.size()) {
    std::size_t end = text.size();
    if (end - start > room) {
      end = text.rfind(' ', start + room);
      if (end == std::string::npos || end <= start) end = text.find(' ', start + room);
      if (end == std::string::npos) end = text.size();
    }
    out << (first ? prefix : indent) << text.substr(start, end - start) << "\n";
    first = false;
    start = end + 1;
  }
  if (first) out << prefix << "\n";
}

// A rule's notes, once per sheet: `noted` holds the rules whose notes were shown already.
void WriteWrapped(std::ostream& out, const std::string& prefix,
                  const std::vector<std::string>& items);

void WriteNotes(std::ostream& out, const RuleRefInfo& rule, const std::string& indent,
                std::set<std::string>& noted) {
  if (!noted.insert(rule.layer + "." + rule.id).second) return;
  for (const std::string& note : rule.notes) WriteParagraph(out, indent + "note: ", note);
}

// The derived values among `nodes`, each on its own line with what it was computed from,
// indented below the line that read it.
void WriteTree(std::ostream& out, const std::vector<internal::FactNode>& nodes,
               const std::string& indent) {
  for (const internal::FactNode& node : nodes) {
    if (!node.derived) continue;
    const DerivedValue& value = *node.derived;
    out << indent << value.name << " = " << (value.known ? value.value : "(not known)");
    if (value.kind == "decision") {
      if (value.default_used) out << "  (default, no rule decides)";
      for (const RuleRefInfo& rule : value.rules) out << "  by " << RuleLine(rule);
    }
    if (!value.reads.empty()) out << "  from " << JoinReads(value.reads);
    out << "\n";
    WriteTree(out, node.children, indent + "  ");
  }
}

void WriteReads(std::ostream& out, const Explanation& explanation,
                const std::vector<ReadValue>& reads, const std::string& indent,
                std::set<std::string>& expanded) {
  if (reads.empty()) return;
  out << indent << "read: " << JoinReads(reads) << "\n";
  WriteTree(out, internal::BuildFactTree(explanation, reads, expanded), indent + "  ");
}

// Why a rule that could have decided a default did not: one or two short lines.
void WriteCandidate(std::ostream& out, const Explanation& explanation, const WhyNotExplanation& why,
                    std::set<std::string>& expanded) {
  using Reason = WhyNotExplanation::Reason;
  out << "      not by " << RuleLine(why.rule) << "\n";
  const std::string indent = "         ";
  switch (why.reason) {
    case Reason::kConditionFalse:
      out << indent << "false: " << ConditionOnOneLine(why.failed_part) << "\n";
      WriteReads(out, explanation, why.reads, indent, expanded);
      break;
    case Reason::kNotInForce:
      out << indent << "not in force on " << explanation.date << " (valid";
      if (why.valid_from) out << " from " << why.valid_from->ToString();
      if (why.valid_until) out << " until " << why.valid_until->ToString();
      if (!why.valid_from && !why.valid_until) out << " never";
      out << ")\n";
      break;
    case Reason::kDefeated:
      for (const RuleRefInfo& rule : why.defeated_by) {
        out << indent << "applies, but is defeated by "
            << (why.defeat_how == "exception" ? "its exception " : "the lower layer's ")
            << RuleLine(rule) << "\n";
      }
      break;
    default:
      out << indent << why.message << "\n";
      WriteReads(out, explanation, why.reads, indent, expanded);
      break;
  }
}

void WriteDecision(std::ostream& out, const Explanation& explanation,
                   const DecisionExplanation& decision, bool explain,
                   std::set<std::string>& noted) {
  std::set<std::string> expanded;  // each derived value expanded once per decision
  if (decision.error) {
    out << "  " << decision.name << ": not decided, error[" << decision.error->code
        << "]: " << decision.error->message << "\n";
    for (const RuleExplanation& rule : decision.winners) {
      out << "      " << RuleLine(rule.rule) << " says " << rule.contributes << "\n";
    }
    if (explain) {
      for (const WhyNotExplanation& why : decision.candidates) {
        WriteCandidate(out, explanation, why, expanded);
      }
    }
    return;
  }
  if (decision.answer == AnswerStatus::kNotApplicable) {
    out << "  " << decision.name << ": not applicable (niet van toepassing): applies only when "
        << ConditionOnOneLine(decision.applies_when) << "\n";
    if (explain) WriteReads(out, explanation, decision.applies_reads, "      ", expanded);
    return;
  }
  if (decision.value.size() > 2 && decision.value.front() == '{' &&
      4 + decision.name.size() + decision.value.size() > kWidth) {
    // A long set (the referrals): its members wrapped like the line of what does not apply.
    std::vector<std::string> members;
    const std::string inner = decision.value.substr(1, decision.value.size() - 2);
    for (std::size_t start = 0; start <= inner.size();) {
      std::size_t end = inner.find(", ", start);
      if (end == std::string::npos) end = inner.size();
      members.push_back(inner.substr(start, end - start));
      start = end + 2;
    }
    members.front() = "{" + members.front();
    members.back() += "}";
    WriteWrapped(out, "  " + decision.name + " =", members);
  } else {
    out << "  " << decision.name << " = " << decision.value;
    if (decision.answer == AnswerStatus::kDefaultWithoutBasis) {
      out << "  (default, no rule decides)";
    }
    out << "\n";
  }
  for (const RuleExplanation& rule : decision.winners) {
    out << "      by " << RuleLine(rule.rule) << "\n";
    WriteLinks(out, rule.rule, explanation.date, "         ");
    WriteNotes(out, rule.rule, "         ", noted);
    if (explain) {
      if (!rule.condition.empty())
        out << "         when " << ConditionOnOneLine(rule.condition) << "\n";
      WriteReads(out, explanation, rule.reads, "         ", expanded);
    }
  }
  if (!explain) return;
  for (const WhyNotExplanation& why : decision.candidates) {
    WriteCandidate(out, explanation, why, expanded);
  }
  for (const DefeatExplanation& defeat : decision.defeated) {
    out << "      defeated: " << defeat.rule.id << " (" << defeat.rule.layer << ") by "
        << (defeat.how == "exception" ? "exception " : "lower-layer rule ") << defeat.defeated_by.id
        << " (" << defeat.defeated_by.layer << ")\n";
  }
}

// A value that says "no": false, the empty set, zero (an amount or a count).
bool IsNo(const DecisionExplanation& decision) {
  return decision.value_json == "false" || decision.value_json == "[]" ||
         decision.value_json == "0";
}

// `prefix` then the items separated by ", ", wrapped at kWidth with a hanging indent.
void WriteWrapped(std::ostream& out, const std::string& prefix,
                  const std::vector<std::string>& items) {
  std::string line = prefix;
  int on_line = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = items[i] + (i + 1 < items.size() ? "," : "");
    if (on_line > 0 && line.size() + 1 + item.size() > kWidth) {
      out << line << "\n";
      line = "   ";  // with the space below: four
      on_line = 0;
    }
    line += " " + item;
    ++on_line;
  }
  out << line << "\n";
}

// A value that does not apply, as the short line names it: a bare name for a "no" (false,
// nothing, zero), else `name = value` (`route = none`).
std::string ShortValue(const DecisionExplanation& decision) {
  if (IsNo(decision)) return decision.name;
  return decision.name + " = " + decision.value;
}

// The compact sheet's summary of a domain's decisions that do not apply to the person: those
// a rule decided with the default's value (with their citations) and those no rule decides.
void WriteNotApplying(std::ostream& out, const std::vector<const DecisionExplanation*>& decisions,
                      std::set<std::string>& noted) {
  std::vector<std::string> with_basis;
  std::vector<std::string> without_basis;
  std::vector<std::string> not_applicable;
  std::vector<std::pair<std::string, std::string>> notes;  // prefix, text
  for (const DecisionExplanation* decision : decisions) {
    if (decision->answer == AnswerStatus::kNotApplicable) {
      not_applicable.push_back(decision->name);
    } else if (decision->answer == AnswerStatus::kDefaultWithoutBasis) {
      without_basis.push_back(ShortValue(*decision));
    } else if (decision->answer == AnswerStatus::kDefaultWithBasis) {
      std::string item = ShortValue(*decision);
      std::string citations;
      for (const RuleExplanation& rule : decision->winners) {
        const std::string& basis = rule.rule.citation.empty() ? rule.rule.id : rule.rule.citation;
        citations += (citations.empty() ? "" : "; ") + basis;
        if (!noted.insert(rule.rule.layer + "." + rule.rule.id).second) continue;
        for (const std::string& note : rule.rule.notes) {
          notes.emplace_back("    note on " + decision->name + ": ", note);
        }
      }
      with_basis.push_back(item + " (" + citations + ")");
    }
  }
  if (!with_basis.empty()) WriteWrapped(out, "  Does not apply:", with_basis);
  for (const auto& [prefix, note] : notes) WriteParagraph(out, prefix, note);
  if (!without_basis.empty()) WriteWrapped(out, "  No rule decides (default):", without_basis);
  if (!not_applicable.empty()) {
    WriteWrapped(out, "  Not applicable (niet van toepassing):", not_applicable);
  }
}

// What the compact sheet shows in full: what a rule decided for the person, and errors. A
// rule's answer with the default's value that is a "no" (false, nothing, zero) joins the line
// of what does not apply; any other value a rule gave (a desk, a route) is shown in full.
bool Applies(const DecisionExplanation& decision) {
  switch (decision.answer) {
    case AnswerStatus::kDecided:
    case AnswerStatus::kError:
      return true;
    case AnswerStatus::kDefaultWithBasis:
      return !IsNo(decision);
    case AnswerStatus::kDefaultWithoutBasis:
    case AnswerStatus::kNotApplicable:
      return false;
  }
  return true;
}

}  // namespace

std::string RenderAnswerText(const Explanation& explanation, const AnswerOptions& options) {
  const bool all = options.all || options.explain;
  std::ostringstream out;
  out << "Decisions for " << explanation.jurisdiction;
  if (!options.jurisdiction_title.empty()) out << " (" << options.jurisdiction_title << ")";
  out << " on " << explanation.date << "\n";
  std::set<std::string> noted;
  for (const DomainGroup& group : GroupByDomain(explanation)) {
    out << "\n";
    if (group.name.empty()) {
      out << "Other decisions\n";
    } else {
      out << (group.title.empty() ? group.name : group.title) << " [" << group.name << "]\n";
    }
    std::vector<const DecisionExplanation*> folded;
    for (const DecisionExplanation* decision : group.decisions) {
      if (!all && !Applies(*decision)) {
        folded.push_back(decision);
        continue;
      }
      WriteDecision(out, explanation, *decision, options.explain, noted);
    }
    WriteNotApplying(out, folded, noted);
  }
  return out.str();
}

std::string RenderWhyNotText(const WhyNotExplanation& why, std::string_view requested,
                             const Explanation* explanation) {
  std::ostringstream out;
  out << "Why not " << (why.rule.id.empty() ? std::string(requested) : why.rule.id) << ": "
      << why.message << "\n";
  if (!why.failed_part.empty()) out << "  false: " << ConditionOnOneLine(why.failed_part) << "\n";
  if (explanation) {
    std::set<std::string> expanded;
    WriteReads(out, *explanation, why.reads, "  ", expanded);
  } else if (!why.reads.empty()) {
    out << "  read: " << JoinReads(why.reads) << "\n";
  }
  for (const RuleRefInfo& rule : why.defeated_by) out << "  defeated by " << RuleLine(rule) << "\n";
  std::set<std::string> noted;
  WriteNotes(out, why.rule, "  ", noted);
  return out.str();
}

std::string ConditionOnOneLine(const std::string& text) {
  std::string line;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !line.empty();
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  return line;
}

}  // namespace loket
