// The forms of a RuleBaseDiff (loket/diff.h): text for the terminal, JSON for systems,
// Markdown and HTML for the council (the report form of `loket check --report`), and the
// witnesses as `loket test` suites expecting NEW's answers.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/html.h"
#include "api/report_format.h"
#include "loket/diff.h"

namespace loket {
namespace {

using Json = nlohmann::ordered_json;

std::string Joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out += prefix + line + "\n";
  return out;
}

std::string Plural(std::int64_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

// The differences grouped by the changes that cause them, in first-seen order.
struct Group {
  std::string changes;
  std::vector<const DecisionDiff*> decisions;
};

std::vector<Group> ChangedGroups(const RuleBaseDiff& diff) {
  std::vector<Group> groups;
  std::map<std::string, std::size_t> index;
  for (const DecisionDiff& d : diff.decisions) {
    if (d.verdict != DiffVerdict::kChanged) continue;
    std::string key = Joined(d.changes, "; ");
    auto [it, fresh] = index.try_emplace(key, groups.size());
    if (fresh) groups.push_back({key, {}});
    groups[it->second].decisions.push_back(&d);
  }
  return groups;
}

std::vector<const DecisionDiff*> With(const RuleBaseDiff& diff,
                                      std::initializer_list<DiffVerdict> verdicts) {
  std::vector<const DecisionDiff*> out;
  for (const DecisionDiff& d : diff.decisions) {
    for (DiffVerdict v : verdicts) {
      if (d.verdict == v) out.push_back(&d);
    }
  }
  return out;
}

std::string Name(const DecisionDiff& d) {
  return d.decision.empty() ? d.jurisdiction + " (the whole jurisdiction)"
                            : d.jurisdiction + " · " + d.decision;
}

std::string SideText(const DiffAnswer& a) {
  std::string out = a.answer;
  if (!a.citations.empty()) out += "\n[" + Joined(a.citations, "] [") + "]";
  return out;
}

// "all 4 decisions", "the other 9267 decisions", "the only decision".
std::string Others(const RuleBaseDiff& diff) {
  const int same = diff.stats.structurally_same;
  if (same == diff.stats.decisions) {
    return same == 1 ? "the only decision" : "all " + Plural(same, "decision", "decisions");
  }
  return "the other " + Plural(same, "decision", "decisions");
}

std::string Summary(const RuleBaseDiff& diff) {
  const DiffStats& s = diff.stats;
  std::string out = fmt::format(
      "compared {} in {} {}: {} changed, {} undetermined, {} unchanged ({} by unchanged "
      "rules, {} proved by the solver), {} added or removed; {}",
      Plural(s.decisions, "decision", "decisions"),
      Plural(s.jurisdictions, "jurisdiction", "jurisdictions"), diff.period, s.changed,
      s.undetermined, s.structurally_same + s.proved_same, s.structurally_same, s.proved_same,
      s.added_or_removed,
      Plural(static_cast<std::int64_t>(diff.new_findings.size()), "new finding", "new findings"));
  return out;
}

// ---------------------------------------------------------------------------------------------

std::string RenderText(const RuleBaseDiff& diff) {
  std::string out =
      fmt::format("loket diff {} → {}, {}\n", diff.old_label, diff.new_label, diff.period);
  auto errors = [&](const std::vector<Diagnostic>& list, const std::string& label) {
    if (list.empty()) return;
    out += fmt::format("\n{} does not check clean ({}):\n", label,
                       Plural(static_cast<std::int64_t>(list.size()), "error", "errors"));
    std::ostringstream text;
    RenderText(text, list);
    out += text.str();
  };
  if (!diff.old_clean || !diff.new_clean) {
    errors(diff.old_errors, diff.old_label);
    errors(diff.new_errors, diff.new_label);
    out += "\nnothing compared: both rule bases must check without errors\n";
    return out;
  }
  if (!diff.new_findings.empty()) {
    out += fmt::format("\nNew findings — {} has them, {} did not; they block adoption:\n\n",
                       diff.new_label, diff.old_label);
    std::ostringstream text;
    RenderText(text, diff.new_findings);
    out += text.str();
  }
  std::vector<Group> groups = ChangedGroups(diff);
  if (!groups.empty()) out += "\nAnswers that change, by the changes that cause them:\n";
  for (const Group& group : groups) {
    out += "\n* because of: " + group.changes + "\n";
    for (const DecisionDiff* d : group.decisions) {
      out += "  " + Name(*d) + ": answers change\n";
      for (const DiffWitness& w : d->witnesses) {
        out += "    " + DiffChangeText(w.change) + ", for a case on " + w.date + ":\n";
        out += Indent(w.facts_read_yaml, "      ");
        out += "      old: " + Indent(SideText(w.old_answer), "           ").substr(11);
        out += "      new: " + Indent(SideText(w.new_answer), "           ").substr(11);
      }
    }
  }
  std::vector<const DecisionDiff*> undetermined = With(diff, {DiffVerdict::kUndetermined});
  if (!undetermined.empty()) out += "\nUndetermined:\n";
  for (const DecisionDiff* d : undetermined) {
    out += "  " + Name(*d) + ": " + d->reason + "\n";
    if (!d->changes.empty()) out += "    changed: " + Joined(d->changes, "; ") + "\n";
  }
  std::vector<const DecisionDiff*> added = With(diff, {DiffVerdict::kAdded, DiffVerdict::kRemoved});
  if (!added.empty()) out += "\nAdded or removed:\n";
  for (const DecisionDiff* d : added) {
    out += "  " + Name(*d) + ": " +
           (d->verdict == DiffVerdict::kAdded ? "only in " + diff.new_label
                                              : "only in " + diff.old_label) +
           "\n";
  }
  std::vector<const DecisionDiff*> proved = With(diff, {DiffVerdict::kProvedSame});
  if (!proved.empty())
    out += "\nNo one's answer changes (proved by the solver despite changed rules):\n";
  for (const DecisionDiff* d : proved) {
    out += "  " + Name(*d) + " (changed: " + Joined(d->changes, "; ") + ")\n";
  }
  if (diff.stats.structurally_same > 0) {
    out += fmt::format("\nNo one's answer changes for {}: their rules did not change.\n",
                       Others(diff));
  }
  if (diff.has_population) {
    const PopulationDiff& p = diff.population;
    out += fmt::format("\nPopulation: {} of {} change ({} {} refuses, {} {} refuses)\n",
                       Plural(p.changed_records, "record", "records"), p.records, p.failed_old,
                       diff.old_label, p.failed_new, diff.new_label);
    for (const AnswerChange& c : p.changes) {
      std::vector<std::string> numbers;
      for (std::int64_t r : c.records) numbers.push_back(std::to_string(r));
      out += fmt::format("  {} · {}: {} → {}: {} (records {}{})\n", c.jurisdiction, c.decision,
                         c.from, c.to, c.count, Joined(numbers, ", "),
                         c.count > static_cast<std::int64_t>(c.records.size()) ? ", ..." : "");
    }
    for (const auto& [record, why] : p.failing_differently) {
      out += fmt::format("  record {}: {}\n", record, why);
    }
  }
  out += "\n" + Summary(diff) + "\n";
  return out;
}

// ---------------------------------------------------------------------------------------------

Json AnswerJson(const DiffAnswer& a) {
  Json j;
  j["answer"] = a.answer;
  j["status"] = a.status;
  if (!a.value.empty()) j["value"] = a.value;
  if (!a.error_code.empty()) j["error_code"] = a.error_code;
  j["rules"] = a.rules;
  j["citations"] = a.citations;
  return j;
}

Json DiagnosticsJson(const std::vector<Diagnostic>& list) {
  return Json::parse(RenderJson(list));
}

std::string RenderJsonText(const RuleBaseDiff& diff) {
  Json j;
  j["old"] = diff.old_label;
  j["new"] = diff.new_label;
  j["period"] = diff.period;
  j["unchanged"] = diff.Unchanged();
  j["old_clean"] = diff.old_clean;
  j["new_clean"] = diff.new_clean;
  if (!diff.old_clean) j["old_errors"] = DiagnosticsJson(diff.old_errors);
  if (!diff.new_clean) j["new_errors"] = DiagnosticsJson(diff.new_errors);
  j["new_findings"] = DiagnosticsJson(diff.new_findings);
  Json decisions = Json::array();
  for (const DecisionDiff& d : diff.decisions) {
    if (d.verdict == DiffVerdict::kSame) continue;  // counted in stats
    Json e;
    e["jurisdiction"] = d.jurisdiction;
    e["decision"] = d.decision;
    e["verdict"] = DiffVerdictName(d.verdict);
    e["changes"] = d.changes;
    if (!d.reason.empty()) e["reason"] = d.reason;
    Json witnesses = Json::array();
    for (const DiffWitness& w : d.witnesses) {
      Json wj;
      wj["date"] = w.date;
      wj["change"] = w.change;
      wj["case_yaml"] = w.case_yaml;
      wj["facts_read_yaml"] = w.facts_read_yaml;
      wj["old"] = AnswerJson(w.old_answer);
      wj["new"] = AnswerJson(w.new_answer);
      witnesses.push_back(std::move(wj));
    }
    e["witnesses"] = std::move(witnesses);
    decisions.push_back(std::move(e));
  }
  j["decisions"] = std::move(decisions);
  const DiffStats& s = diff.stats;
  j["stats"] = {{"jurisdictions", s.jurisdictions},
                {"decisions", s.decisions},
                {"structurally_same", s.structurally_same},
                {"proved_same", s.proved_same},
                {"changed", s.changed},
                {"undetermined", s.undetermined},
                {"added_or_removed", s.added_or_removed},
                {"solver_queries", s.solver_queries}};
  if (diff.has_population) {
    const PopulationDiff& p = diff.population;
    Json pj;
    pj["records"] = p.records;
    pj["changed_records"] = p.changed_records;
    pj["failed_old"] = p.failed_old;
    pj["failed_new"] = p.failed_new;
    pj["failing_differently"] = p.failing_differently_count;
    Json changes = Json::array();
    for (const AnswerChange& c : p.changes) {
      changes.push_back({{"jurisdiction", c.jurisdiction},
                         {"decision", c.decision},
                         {"from", c.from},
                         {"to", c.to},
                         {"count", c.count},
                         {"records", c.records}});
    }
    pj["changes"] = std::move(changes);
    j["population"] = std::move(pj);
  }
  return j.dump(2) + "\n";
}

// ---------------------------------------------------------------------------------------------

std::string RenderDocument(const RuleBaseDiff& diff, bool html) {
  auto esc = [&](const std::string& text) { return html ? internal::HtmlEscape(text) : text; };
  auto h2 = [&](const std::string& text) {
    return html ? "<h2>" + esc(text) + "</h2>\n" : "## " + text + "\n\n";
  };
  auto h3 = [&](const std::string& text) {
    return html ? "<h3>" + esc(text) + "</h3>\n" : "### " + text + "\n\n";
  };
  auto para = [&](const std::string& text) {
    return html ? "<p>" + esc(text) + "</p>\n" : text + "\n\n";
  };
  auto pre = [&](const std::string& text, const char* lang) {
    return html ? "<pre>" + esc(text) + "</pre>\n"
                : std::string("```") + lang + "\n" + text +
                      (text.empty() || text.back() == '\n' ? "" : "\n") + "```\n\n";
  };
  auto list = [&](const std::vector<std::string>& items) {
    std::string out = html ? "<ul>\n" : "";
    for (const std::string& item : items)
      out += html ? "<li>" + esc(item) + "</li>\n" : "- " + item + "\n";
    return out + (html ? "</ul>\n" : "\n");
  };
  std::string out = internal::ReportStart(
      "What changes: " + diff.old_label + " → " + diff.new_label + ", " + diff.period, html);
  out += para(Summary(diff));
  if (!diff.old_clean || !diff.new_clean) {
    out += h2("The rule bases do not check clean");
    for (const Diagnostic& d : diff.old_errors) internal::AppendFinding(out, d, html);
    for (const Diagnostic& d : diff.new_errors) internal::AppendFinding(out, d, html);
    out += internal::ReportEnd(html);
    return out;
  }
  if (!diff.new_findings.empty()) {
    out += h2("New findings (they block adoption)");
    for (const Diagnostic& d : diff.new_findings) internal::AppendFinding(out, d, html);
  }
  std::vector<Group> groups = ChangedGroups(diff);
  if (!groups.empty()) out += h2("Answers that change");
  for (const Group& group : groups) {
    out += h3("Because of: " + group.changes);
    for (const DecisionDiff* d : group.decisions) {
      out += para(Name(*d) + ": answers change");
      for (const DiffWitness& w : d->witnesses) {
        std::string what = DiffChangeText(w.change);
        what[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(what[0])));
        out += para(what + ", for a case on " + w.date + ":");
        out += pre(w.facts_read_yaml, "yaml");
        out += list({"old: " + w.old_answer.answer +
                         (w.old_answer.citations.empty()
                              ? ""
                              : " [" + Joined(w.old_answer.citations, "] [") + "]"),
                     "new: " + w.new_answer.answer +
                         (w.new_answer.citations.empty()
                              ? ""
                              : " [" + Joined(w.new_answer.citations, "] [") + "]")});
      }
    }
  }
  std::vector<std::string> items;
  for (const DecisionDiff* d : With(diff, {DiffVerdict::kUndetermined})) {
    items.push_back(Name(*d) + ": " + d->reason);
  }
  if (!items.empty()) out += h2("Undetermined") + list(items);
  items.clear();
  for (const DecisionDiff* d : With(diff, {DiffVerdict::kAdded, DiffVerdict::kRemoved})) {
    items.push_back(Name(*d) + ": only in " +
                    (d->verdict == DiffVerdict::kAdded ? diff.new_label : diff.old_label));
  }
  if (!items.empty()) out += h2("Added or removed") + list(items);
  items.clear();
  for (const DecisionDiff* d : With(diff, {DiffVerdict::kProvedSame})) {
    items.push_back(Name(*d) + " (changed: " + Joined(d->changes, "; ") + ")");
  }
  if (!items.empty() || diff.stats.structurally_same > 0) {
    out += h2("No one's answer changes");
    if (!items.empty()) out += para("Proved by the solver despite changed rules:") + list(items);
    if (diff.stats.structurally_same > 0) {
      out += para(
          fmt::format("{} {}: their rules did not change.",
                      diff.stats.structurally_same == diff.stats.decisions ? "All" : "The other",
                      Plural(diff.stats.structurally_same, "decision", "decisions")));
    }
  }
  if (diff.has_population) {
    const PopulationDiff& p = diff.population;
    out += h2("Population");
    out += para(
        fmt::format("{} of {} change.", Plural(p.changed_records, "record", "records"), p.records));
    items.clear();
    for (const AnswerChange& c : p.changes) {
      std::vector<std::string> numbers;
      for (std::int64_t r : c.records) numbers.push_back(std::to_string(r));
      items.push_back(fmt::format("{} · {}: {} → {}: {} (records {})", c.jurisdiction, c.decision,
                                  c.from, c.to, c.count, Joined(numbers, ", ")));
    }
    out += list(items);
  }
  out += internal::ReportEnd(html);
  return out;
}

std::string SafeFileName(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "diff" : out;
}

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace

std::string RenderDiff(const RuleBaseDiff& diff, DiffFormat format) {
  switch (format) {
    case DiffFormat::kText:
      return RenderText(diff);
    case DiffFormat::kJson:
      return RenderJsonText(diff);
    case DiffFormat::kMarkdown:
      return RenderDocument(diff, false);
    case DiffFormat::kHtml:
      return RenderDocument(diff, true);
  }
  return {};
}

Result<std::vector<std::string>> WriteDiffWitnessSuites(const RuleBaseDiff& diff,
                                                        const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return Status(StatusCode::kIoError, "cannot create `" + directory + "`: " + error.message());
  }
  std::map<std::string, std::string> suites;  // jurisdiction -> cases
  std::map<std::string, int> counts;
  for (const DecisionDiff& d : diff.decisions) {
    for (const DiffWitness& w : d.witnesses) {
      std::string& cases = suites[w.jurisdiction];
      int n = ++counts[w.jurisdiction];
      cases += "  - name: " +
               Quote(fmt::format("{}: {} → {} (case {})", d.decision, w.old_answer.answer,
                                 w.new_answer.answer, n)) +
               "\n";
      cases +=
          "    # " + DiffChangeText(w.change) + "; because of: " + Joined(d.changes, "; ") + "\n";
      cases += "    # " + diff.old_label + ": " + w.old_answer.answer + "\n";
      cases += "    # " + diff.new_label + ": " + w.new_answer.answer + "\n";
      cases += "    date: " + w.date + "\n";
      cases += "    facts:\n" + Indent(w.case_yaml, "      ");
      if (!w.new_answer.error_code.empty()) {
        cases += "    expect_error: " + w.new_answer.error_code + "\n";
      } else if (w.new_answer.status == "not applicable") {
        cases += "    expect_not_applicable: [" + d.decision + "]\n";
      } else if (w.new_answer.value.empty()) {
        cases += "    # NEW does not decide it here (" + w.new_answer.status + ")\n";
        cases += "    expect: {}\n";
      } else {
        cases += "    expect:\n      " + d.decision + ": " + w.new_answer.value + "\n";
      }
    }
  }
  std::vector<std::string> written;
  for (const auto& [jurisdiction, cases] : suites) {
    std::filesystem::path path =
        std::filesystem::path(directory) / (SafeFileName(jurisdiction) + ".diff.yaml");
    std::string text =
        "# Cases whose answer changes from " + diff.old_label + " to " + diff.new_label +
        " (`loket diff`), " + diff.period +
        ".\n# Each `expect` holds NEW's answer: keep the suite as a regression test.\n";
    text += "suite: " + Quote("loket diff: " + jurisdiction) + "\n";
    text += "jurisdiction: " + jurisdiction + "\n";
    text += "cases:\n" + cases;
    // Written next to the target and renamed over it: complete or not at all.
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary);
      out << text;
      out.close();
      if (!out) {
        std::filesystem::remove(temporary, error);
        return Status(StatusCode::kIoError, "cannot write `" + path.string() + "`");
      }
    }
    std::filesystem::rename(temporary, path, error);
    if (error) {
      std::filesystem::remove(temporary, error);
      return Status(StatusCode::kIoError, "cannot write `" + path.string() + "`");
    }
    written.push_back(path.string());
  }
  return written;
}

}  // namespace loket
