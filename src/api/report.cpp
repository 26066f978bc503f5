// Witness suites and the report for legal teams (include/loket/analysis.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "api/html.h"
#include "api/report_format.h"
#include "loket/analysis.h"

namespace loket {

namespace {

// A value as printed by the evaluator, in the YAML form test suites accept.
std::string YamlValue(const std::string& value) {
  if (!value.empty() && value.front() == '{' && value.back() == '}') {
    return "[" + value.substr(1, value.size() - 2) + "]";
  }
  if (value.find("€") != std::string::npos) return "\"" + value + "\"";
  return value;
}

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string SafeFileName(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "witnesses" : out;
}

// A report shows the facts the finding's rules read; the witness suites keep every fact.
const std::string& Shown(const Witness& w) {
  return w.facts_read_yaml.empty() ? w.case_yaml : w.facts_read_yaml;
}

std::string Where(const Location& location) {
  if (location.path.empty()) return {};
  return fmt::format("{}:{}:{}", location.path, location.line, location.column);
}

std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out += prefix + line + "\n";
  return out;
}

// The decision a finding is about: the first decision its first witness replays.
std::string DecisionOf(const Diagnostic& d) {
  for (const Witness& w : d.witnesses) {
    if (!w.replay_lines.empty()) return w.replay_lines.front().decision;
  }
  return {};
}

}  // namespace

namespace internal {

std::string ReportStart(const std::string& title, bool html) {
  if (!html) return "# " + title + "\n\n";
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
         HtmlEscape(title) +
         "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
         "pre{background:#f4f4f4;padding:.5em;overflow:auto}.error{color:#b00}"
         ".warning{color:#a60}.note{color:#555}td,th{padding:.2em .6em;text-align:left}"
         "</style></head><body>\n<h1>" +
         HtmlEscape(title) + "</h1>\n";
}

std::string ReportEnd(bool html) {
  return html ? "</body></html>\n" : "";
}

void AppendFinding(std::string& out, const Diagnostic& finding, bool html) {
  const Diagnostic* d = &finding;  // written as a pointer where it was a loop variable
  auto esc = [&](const std::string& text) { return html ? HtmlEscape(text) : text; };
  const char* severity = SeverityName(d->severity);
  std::string where = Where(d->location);
  if (html) {
    out += fmt::format("<h4 class=\"{}\">{} {} ({})</h4>\n<p>", severity, esc(d->code),
                       esc(d->kind), severity);
    if (!where.empty()) out += "<code>" + esc(where) + "</code>: ";
    out += esc(d->message) + "</p>\n";
    if (!d->notes.empty() || !d->help.empty()) {
      out += "<ul>\n";
      for (const DiagnosticNote& n : d->notes) {
        std::string at = Where(n.location);
        out += "<li>note: " + esc(n.message) +
               (at.empty() ? "" : " (<code>" + esc(at) + "</code>)") + "</li>\n";
      }
      for (const std::string& h : d->help) out += "<li>help: " + esc(h) + "</li>\n";
      out += "</ul>\n";
    }
    for (const Witness& w : d->witnesses) {
      out += fmt::format("<p>Witness <em>{}</em> — {} on {}:</p>\n<pre>{}</pre>\n", esc(w.title),
                         esc(w.jurisdiction), esc(w.date), esc(Shown(w)));
      if (!w.replay.empty())
        out += "<p>The evaluator decides:</p>\n<pre>" + esc(w.replay) + "</pre>\n";
    }
  } else {
    out += fmt::format("#### {} {} ({})\n\n", d->code, d->kind, severity);
    if (!where.empty()) out += "`" + where + "`: ";
    out += d->message + "\n\n";
    for (const DiagnosticNote& n : d->notes) {
      std::string at = Where(n.location);
      out += "- note: " + n.message + (at.empty() ? "" : " (`" + at + "`)") + "\n";
    }
    for (const std::string& h : d->help) out += "- help: " + h + "\n";
    if (!d->notes.empty() || !d->help.empty()) out += "\n";
    for (const Witness& w : d->witnesses) {
      out += fmt::format("Witness *{}* — {} on {}:\n\n```yaml\n{}```\n\n", w.title, w.jurisdiction,
                         w.date, Shown(w));
      if (!w.replay.empty()) {
        out += "The evaluator decides:\n\n```\n" + w.replay + "```\n\n";
      }
    }
  }
}

}  // namespace internal

Result<std::vector<std::string>> WriteWitnessSuites(const std::vector<Diagnostic>& diagnostics,
                                                    const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return Status(StatusCode::kIoError, "cannot create `" + directory + "`: " + error.message());
  }
  // jurisdiction -> cases (YAML text)
  std::map<std::string, std::vector<std::string>> suites;
  for (const Diagnostic& d : diagnostics) {
    for (std::size_t i = 0; i < d.witnesses.size(); ++i) {
      const Witness& w = d.witnesses[i];
      if (w.jurisdiction.empty()) continue;
      std::vector<std::string>& cases = suites[w.jurisdiction];
      std::string name =
          fmt::format("{} {}: {} (case {})", d.code, d.kind, w.title, cases.size() + 1);
      std::string text = "  - name: " + Quote(name) + "\n";
      text += Indent(d.message, "    # ");
      if (!d.location.path.empty()) text += "    # at " + Where(d.location) + "\n";
      text += "    date: " + w.date + "\n";
      text += "    facts:\n" + Indent(w.case_yaml, "      ");
      std::string expect, expect_error, comments;
      for (const ReplayLine& line : w.replay_lines) {
        comments += "    # the evaluator today: " + line.text + "\n";
        if (line.decided) {
          expect += "      " + line.decision + ": " + YamlValue(line.value) + "\n";
        } else if (expect_error.empty() && !line.error_code.empty()) {
          expect_error = line.error_code;
        }
      }
      text += comments;
      text += "    # TODO(legal): replace with the intended outcome\n";
      if (!expect_error.empty()) {
        text += "    expect_error: " + expect_error + "\n";
      } else if (!expect.empty()) {
        text += "    expect:\n" + expect;
      }
      cases.push_back(std::move(text));
    }
  }
  std::vector<std::string> written;
  for (const auto& [jurisdiction, cases] : suites) {
    std::filesystem::path path =
        std::filesystem::path(directory) / (SafeFileName(jurisdiction) + ".witnesses.yaml");
    std::ofstream out(path, std::ios::binary);
    out << "# Witness cases found by `loket check`, one per finding. Each `expect` holds what\n"
           "# the evaluator decides today; correct it into the intended outcome and keep the\n"
           "# suite as a regression test (`loket test`).\n";
    out << "suite: " << Quote("loket check witnesses: " + jurisdiction) << "\n";
    out << "jurisdiction: " << jurisdiction << "\n";
    out << "cases:\n";
    for (const std::string& c : cases) out << c;
    out.close();
    if (!out) return Status(StatusCode::kIoError, "cannot write `" + path.string() + "`");
    written.push_back(path.string());
  }
  return written;
}

std::string RenderReport(const std::vector<Diagnostic>& diagnostics, ReportFormat format,
                         const std::string& title) {
  const bool html = format == ReportFormat::kHtml;
  auto esc = [&](const std::string& text) { return html ? internal::HtmlEscape(text) : text; };
  // layer -> section -> findings, in input order. A layer's legal findings come first, by
  // decision; then findings about structure and validity; notes (unused facts, restated
  // rules) last.
  enum Section { kDecision, kStructure, kNotes };
  std::map<std::string, std::map<std::pair<Section, std::string>, std::vector<const Diagnostic*>>>
      groups;
  std::map<std::string, int> by_code;
  std::map<std::string, std::string> code_title;
  for (const Diagnostic& d : diagnostics) {
    std::string layer = d.layer.empty() ? "(no layer)" : d.layer;
    std::string decision = DecisionOf(d);
    Section section = d.severity == Severity::kNote ? kNotes
                      : decision.empty()            ? kStructure
                                                    : kDecision;
    groups[layer][{section, section == kDecision ? decision : ""}].push_back(&d);
    ++by_code[d.code];
    code_title[d.code] = d.kind;
  }
  std::string out = internal::ReportStart(title, html);
  if (diagnostics.empty()) {
    out += html ? "<p>No findings.</p>\n" : "No findings.\n";
    out += internal::ReportEnd(html);
    return out;
  }
  // Summary.
  if (html) {
    out += "<table><tr><th>code</th><th>kind</th><th>findings</th></tr>\n";
    for (const auto& [code, count] : by_code) {
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(code),
                         esc(code_title[code]), count);
    }
    out += "</table>\n";
  } else {
    out += "| code | kind | findings |\n|---|---|---|\n";
    for (const auto& [code, count] : by_code) {
      out += fmt::format("| {} | {} | {} |\n", code, code_title[code], count);
    }
    out += "\n";
  }
  for (const auto& [layer, decisions] : groups) {
    out += html ? "<h2>" + esc(layer) + "</h2>\n" : "## " + layer + "\n\n";
    for (const auto& [key, findings] : decisions) {
      const auto& [section, decision] = key;
      std::string heading = section == kNotes       ? "Notes"
                            : section == kStructure ? "Structure and validity"
                                                    : "Decision `" + decision + "`";
      if (html) {
        heading = section == kDecision ? "Decision <code>" + esc(decision) + "</code>" : heading;
        out += "<h3>" + heading + "</h3>\n";
      } else {
        out += "### " + heading + "\n\n";
      }
      for (const Diagnostic* d : findings) internal::AppendFinding(out, *d, html);
    }
  }
  out += internal::ReportEnd(html);
  return out;
}

Status WriteReport(const std::vector<Diagnostic>& diagnostics, const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  ReportFormat format;
  if (extension == ".md" || extension == ".markdown") {
    format = ReportFormat::kMarkdown;
  } else if (extension == ".html" || extension == ".htm") {
    format = ReportFormat::kHtml;
  } else {
    return Status(StatusCode::kInvalidArgument,
                  "report `" + path + "`: use a .md or .html file name to choose the format");
  }
  std::ofstream out(path, std::ios::binary);
  out << RenderReport(diagnostics, format);
  out.close();
  if (!out) return Status(StatusCode::kIoError, "cannot write `" + path + "`");
  return Status::Ok();
}

}  // namespace loket
