// Markdown and HTML renderings of an Overview. Both show the same content in the same order:
// a header, the differences from the national default, then every domain with its decisions
// and the rules in force.
#include <optional>
#include <sstream>
#include <string>

#include "api/html.h"
#include "loket/overview.h"

namespace loket {
namespace {

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string Heading(const Overview& overview) {
  std::string heading = overview.title.empty() ? overview.jurisdiction : overview.title;
  heading += " (" + overview.jurisdiction;
  if (!overview.code.empty()) heading += ", " + overview.code;
  heading += ") on " + overview.date;
  return heading;
}

std::string Count(int count, const char* singular, const char* plural) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural);
}

std::string Summary(const Overview& overview) {
  return "Layers in force: " + Join(overview.chain, " > ") + ". " +
         Count(overview.rules_in_force, "rule", "rules") + " in force, " +
         std::to_string(overview.local_rules_in_force) + " of them local; " +
         Count(overview.rules_not_in_force, "rule version", "rule versions") +
         " of these layers not in force on this date, left out.";
}

std::string HowItDiffers(const OverviewDecision& decision) {
  switch (decision.competence) {
    case OverviewCompetence::kLocal:
      return "a decision of the municipality's own";
    case OverviewCompetence::kDelegated:
      return decision.collect ? "local additions (" + decision.competence_text + ")"
                              : "delegated room used (" + decision.competence_text + ")";
    case OverviewCompetence::kClosed:
    case OverviewCompetence::kOwned:
      return "local rule on " + decision.competence_text;
  }
  return {};
}

struct UnusedRoom {
  std::string domain;
  std::string decision;
  std::string competence;
};

// Delegated decisions the municipality leaves to the national rules.
std::vector<UnusedRoom> Unused(const Overview& overview) {
  std::vector<UnusedRoom> unused;
  for (const OverviewDomain& domain : overview.domains) {
    for (const OverviewDecision& decision : domain.decisions) {
      if (decision.competence == OverviewCompetence::kDelegated &&
          !decision.differs_from_national) {
        unused.push_back({domain.title, decision.name, decision.competence_text});
      }
    }
  }
  return unused;
}

std::vector<std::string> LocalRuleIds(const OverviewDecision& decision) {
  std::vector<std::string> ids;
  for (const OverviewRule& rule : decision.rules) {
    if (rule.local) ids.push_back(rule.id);
  }
  return ids;
}

std::string Validity(const OverviewRule& rule) {
  if (rule.valid_from.empty() && rule.valid_until.empty()) return "always";
  std::string text;
  if (!rule.valid_from.empty()) text += "from " + rule.valid_from;
  if (!rule.valid_until.empty()) {
    if (!text.empty()) text += " ";
    text += "until " + rule.valid_until;
  }
  return text;
}

std::string CompetenceSentence(const OverviewDecision& decision) {
  switch (decision.competence) {
    case OverviewCompetence::kClosed:
      return "Closed: only the " + decision.layer + " layer decides.";
    case OverviewCompetence::kOwned:
      return "Owned by an authority (" + decision.competence_text +
             "): no municipality can decide it.";
    case OverviewCompetence::kDelegated:
      return "Open to municipalities: " + decision.competence_text + ".";
    case OverviewCompetence::kLocal:
      return "Declared by " + decision.layer + " itself.";
  }
  return {};
}

// --- Markdown --------------------------------------------------------------------------------

// The official text of a source on the overview's date, or empty (docs/language.md,
// "Citations").
std::string LinkOf(const CitationInfo& citation, const std::string& date) {
  std::optional<Date> on = Date::Parse(date);
  return on ? CitationLink(citation, *on) : std::string();
}

std::string MdCell(const std::string& text);

// The legal basis with each source that has an official identifier linked.
std::string MdCitations(const OverviewRule& rule, const std::string& date) {
  std::string out;
  for (const CitationInfo& citation : rule.citations) {
    if (!out.empty()) out += "; ";
    std::string link = LinkOf(citation, date);
    out += link.empty() ? MdCell(citation.text) : "[" + MdCell(citation.text) + "](" + link + ")";
  }
  return out.empty() ? MdCell(rule.citation) : out;
}

std::string HtmlCitations(const OverviewRule& rule, const std::string& date) {
  std::string out;
  for (const CitationInfo& citation : rule.citations) {
    if (!out.empty()) out += "; ";
    std::string link = LinkOf(citation, date);
    std::string text = internal::HtmlEscape(citation.text);
    out += link.empty() ? text : "<a href=\"" + internal::HtmlEscape(link) + "\">" + text + "</a>";
  }
  return out.empty() ? internal::HtmlEscape(rule.citation) : out;
}

std::string MdCell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out.empty() ? " " : out;
}

std::string MdCode(const std::string& text) {
  if (text.empty()) return "(always)";
  return "`" + MdCell(text) + "`";
}

}  // namespace

std::string RenderOverviewMarkdown(const Overview& overview) {
  std::ostringstream out;
  out << "# " << Heading(overview) << "\n\n" << Summary(overview) << "\n\n";

  out << "## What differs from the national default\n\n";
  bool any = false;
  for (const OverviewDomain& domain : overview.domains) {
    for (const OverviewDecision& decision : domain.decisions) {
      if (!decision.differs_from_national) continue;
      if (!any) {
        out << "| Domain | Decision | How | Local rules |\n|---|---|---|---|\n";
        any = true;
      }
      out << "| " << MdCell(domain.title) << " | `" << decision.name << "` | "
          << MdCell(HowItDiffers(decision)) << " | " << MdCell(Join(LocalRuleIds(decision), ", "))
          << " |\n";
    }
  }
  if (!any) out << "Nothing: the national rules apply as they are.\n";
  out << "\n";

  out << "## Room national law leaves that is not used\n\n";
  const std::vector<UnusedRoom> unused = Unused(overview);
  for (const UnusedRoom& room : unused) {
    out << "- " << room.domain << ": `" << room.decision << "` (" << room.competence << ")\n";
  }
  if (unused.empty()) out << "None: every delegated decision has local rules.\n";
  out << "\n";

  for (const OverviewDomain& domain : overview.domains) {
    out << "## " << domain.title << "\n\n";
    for (const OverviewDecision& decision : domain.decisions) {
      out << "### `" << decision.name << "`";
      if (!decision.description.empty()) out << " — " << decision.description;
      out << "\n\n";
      out << "Type `" << decision.type << "`";
      if (decision.collect)
        out << ", collected from every applying rule";
      else if (!decision.default_value.empty())
        out << ", default `" << decision.default_value << "`";
      else
        out << ", no default";
      out << ". " << CompetenceSentence(decision);
      if (!decision.applies_when.empty()) {
        out << " Applies only when " << MdCode(decision.applies_when) << ".";
      }
      out << "\n\n";
      if (decision.rules.empty()) {
        out << "No rule in force on " << overview.date << "; the default applies.\n\n";
        continue;
      }
      out << "| Rule | Layer | Legal basis | When | Then | In force |\n"
          << "|---|---|---|---|---|---|\n";
      for (const OverviewRule& rule : decision.rules) {
        std::string id = "`" + rule.id + "`";
        if (rule.local) id += " (local)";
        if (!rule.exception_to.empty()) id += " exception to " + Join(rule.exception_to, ", ");
        out << "| " << MdCell(id) << " | " << rule.layer << " | "
            << MdCitations(rule, overview.date) << " | " << MdCode(rule.condition) << " | "
            << MdCode(rule.outcome) << " | " << Validity(rule) << " |\n";
      }
      out << "\n";
      for (const OverviewRule& rule : decision.rules) {
        for (const std::string& note : rule.notes) out << "- `" << rule.id << "`: " << note << "\n";
      }
      bool has_notes = false;
      for (const OverviewRule& rule : decision.rules) has_notes = has_notes || !rule.notes.empty();
      if (has_notes) out << "\n";
    }
  }
  return out.str();
}

namespace {

std::string HtmlCode(const std::string& text) {
  if (text.empty()) return "<em>always</em>";
  return "<code>" + internal::HtmlEscape(text) + "</code>";
}

}  // namespace

std::string RenderOverviewHtml(const Overview& overview) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
      << internal::HtmlEscape(Heading(overview)) << "</title>\n"
      << "<style>body{font-family:sans-serif;max-width:70em;margin:auto}"
         "table{border-collapse:collapse;margin-bottom:1em}"
         "td,th{border:1px solid #bbb;padding:.3em;vertical-align:top;text-align:left}"
         ".local{background:#fff6d5}</style>\n</head>\n<body>\n";
  out << "<h1>" << internal::HtmlEscape(Heading(overview)) << "</h1>\n<p>"
      << internal::HtmlEscape(Summary(overview)) << "</p>\n";

  out << "<h2>What differs from the national default</h2>\n";
  bool any = false;
  for (const OverviewDomain& domain : overview.domains) {
    for (const OverviewDecision& decision : domain.decisions) {
      if (!decision.differs_from_national) continue;
      if (!any) {
        out << "<table>\n<tr><th>Domain</th><th>Decision</th><th>How</th><th>Local rules</th>"
               "</tr>\n";
        any = true;
      }
      out << "<tr><td>" << internal::HtmlEscape(domain.title) << "</td><td><code>"
          << internal::HtmlEscape(decision.name) << "</code></td><td>"
          << internal::HtmlEscape(HowItDiffers(decision)) << "</td><td>"
          << internal::HtmlEscape(Join(LocalRuleIds(decision), ", ")) << "</td></tr>\n";
    }
  }
  if (any)
    out << "</table>\n";
  else
    out << "<p>Nothing: the national rules apply as they are.</p>\n";

  out << "<h2>Room national law leaves that is not used</h2>\n<ul>\n";
  const std::vector<UnusedRoom> unused = Unused(overview);
  for (const UnusedRoom& room : unused) {
    out << "<li>" << internal::HtmlEscape(room.domain) << ": <code>"
        << internal::HtmlEscape(room.decision) << "</code> ("
        << internal::HtmlEscape(room.competence) << ")</li>\n";
  }
  if (unused.empty()) out << "<li>None: every delegated decision has local rules.</li>\n";
  out << "</ul>\n";

  for (const OverviewDomain& domain : overview.domains) {
    out << "<h2>" << internal::HtmlEscape(domain.title) << "</h2>\n";
    for (const OverviewDecision& decision : domain.decisions) {
      out << "<h3><code>" << internal::HtmlEscape(decision.name) << "</code>";
      if (!decision.description.empty()) out << " — " << internal::HtmlEscape(decision.description);
      out << "</h3>\n<p>Type <code>" << internal::HtmlEscape(decision.type) << "</code>";
      if (decision.collect)
        out << ", collected from every applying rule";
      else if (!decision.default_value.empty()) {
        out << ", default <code>" << internal::HtmlEscape(decision.default_value) << "</code>";
      } else {
        out << ", no default";
      }
      out << ". " << internal::HtmlEscape(CompetenceSentence(decision));
      if (!decision.applies_when.empty()) {
        out << " Applies only when " << HtmlCode(decision.applies_when) << ".";
      }
      out << "</p>\n";
      if (decision.rules.empty()) {
        out << "<p>No rule in force on " << internal::HtmlEscape(overview.date)
            << "; the default applies.</p>\n";
        continue;
      }
      out << "<table>\n<tr><th>Rule</th><th>Layer</th><th>Legal basis</th><th>When</th>"
             "<th>Then</th><th>In force</th><th>Note</th></tr>\n";
      for (const OverviewRule& rule : decision.rules) {
        out << "<tr" << (rule.local ? " class=\"local\"" : "") << "><td><code>"
            << internal::HtmlEscape(rule.id) << "</code>";
        if (!rule.exception_to.empty()) {
          out << "<br>exception to " << internal::HtmlEscape(Join(rule.exception_to, ", "));
        }
        out << "</td><td>" << internal::HtmlEscape(rule.layer) << "</td><td>"
            << HtmlCitations(rule, overview.date) << "</td><td>" << HtmlCode(rule.condition)
            << "</td><td>" << HtmlCode(rule.outcome) << "</td><td>"
            << internal::HtmlEscape(Validity(rule)) << "</td><td>"
            << internal::HtmlEscape(Join(rule.notes, " ")) << "</td></tr>\n";
      }
      out << "</table>\n";
    }
  }
  out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace loket
