// Internal diagnostics (kind + byte range) to public ones (code + line/column + source line).
#include <string>

#include "api/rule_base_impl.h"

namespace loket::internal {
Severity ToPublic(diag::Severity severity) {
  switch (severity) {
    case diag::Severity::kNote:
      return Severity::kNote;
    case diag::Severity::kWarning:
      return Severity::kWarning;
    case diag::Severity::kError:
      return Severity::kError;
  }
  return Severity::kError;
}

Location ToLocation(source::SourceRange range, const source::SourceManager& sources) {
  Location location;
  if (!range.valid() || range.file >= sources.file_count()) return location;
  location.path = sources.path(range.file);
  const auto size = static_cast<std::uint32_t>(sources.text(range.file).size());
  std::uint32_t begin = range.begin < size ? range.begin : size;
  std::uint32_t end = range.end < begin ? begin : (range.end < size ? range.end : size);
  source::LineColumn start = sources.Position(range.file, begin);
  source::LineColumn stop = sources.Position(range.file, end);
  location.line = static_cast<int>(start.line);
  location.column = static_cast<int>(start.column);
  location.end_line = static_cast<int>(stop.line);
  location.end_column = static_cast<int>(stop.column);
  location.source_line = std::string(sources.LineText(range.file, start.line));
  return location;
}

Diagnostic ToPublic(const diag::Diagnostic& diagnostic, const source::SourceManager& sources) {
  const diag::KindInfo& info = diag::Info(diagnostic.kind);
  Diagnostic out;
  out.code = std::string(info.code);
  out.kind = std::string(info.name);
  out.severity = ToPublic(diagnostic.severity);
  out.message = diagnostic.message;
  out.location = ToLocation(diagnostic.range, sources);
  for (const diag::Note& note : diagnostic.notes) {
    out.notes.push_back({ToLocation(note.range, sources), note.message});
  }
  out.help = diagnostic.help;
  if (out.help.empty() && !diag::DefaultHelp(diagnostic.kind).empty()) {
    out.help.emplace_back(diag::DefaultHelp(diagnostic.kind));
  }
  for (const diag::Witness& witness : diagnostic.witnesses) {
    Witness& converted = out.witnesses.emplace_back();
    converted.title = witness.title;
    converted.jurisdiction = witness.jurisdiction;
    converted.date = witness.date;
    converted.case_yaml = witness.case_yaml;
    converted.replay = witness.replay;
    converted.facts_read_yaml = witness.facts_read_yaml;
    for (const diag::ReplayLine& line : witness.replay_lines) {
      converted.replay_lines.push_back(
          {line.decision, line.status, line.decided, line.value, line.rules,
           line.error ? std::string(diag::Info(*line.error).code) : std::string(), line.text});
    }
  }
  out.layer = diagnostic.layer;
  out.about = diagnostic.about;
  return out;
}

}  // namespace loket::internal

namespace loket {

std::vector<DiagnosticKind> DiagnosticKinds() {
  std::vector<DiagnosticKind> kinds;
  for (const diag::KindInfo& info : diag::AllKinds()) {
    kinds.push_back({std::string(info.code), std::string(info.name),
                     internal::ToPublic(info.severity), std::string(info.title)});
  }
  return kinds;
}

bool IsCompetenceError(const Diagnostic& diagnostic) {
  const std::optional<diag::Kind> kind = diag::KindOfCode(diagnostic.code);
  return kind && diag::IsCompetenceKind(*kind);
}

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  return diag::ClosestName(name, candidates);
}

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kNote:
      return "note";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

}  // namespace loket
