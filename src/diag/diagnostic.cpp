#include "diag/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace loket::diag {

const std::vector<KindInfo>& AllKinds() {
  static const std::vector<KindInfo> kinds = {
#define LOKET_DIAG(name, code, severity, title) \
  {Kind::k##name, #name, code, Severity::severity, title},
#include "diag/kinds.def"
#undef LOKET_DIAG
  };
  return kinds;
}

std::string_view DefaultHelp(Kind kind) {
  switch (kind) {
#define LOKET_DIAG(name, code, severity, title)
#define LOKET_DIAG_HELP(name, help) \
  case Kind::k##name:               \
    return help;
#include "diag/kinds.def"
#undef LOKET_DIAG_HELP
#undef LOKET_DIAG
    default:
      return {};
  }
}

const KindInfo& Info(Kind kind) {
  return AllKinds()[static_cast<std::size_t>(kind)];
}

std::string_view SeverityName(Severity severity) {
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

Diagnostic& DiagnosticSink::Add(Kind kind, source::SourceRange range, std::string message) {
  Diagnostic diagnostic;
  diagnostic.kind = kind;
  diagnostic.severity = Info(kind).severity;
  diagnostic.range = range;
  diagnostic.message = std::move(message);
  diagnostics_.push_back(std::move(diagnostic));
  return diagnostics_.back();
}

std::size_t DiagnosticSink::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(diagnostics_.begin(), diagnostics_.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

void SortDiagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(
      diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::make_tuple(a.range.file, a.range.begin, a.layer, -static_cast<int>(a.severity),
                               Info(a.kind).code, a.message) <
               std::make_tuple(b.range.file, b.range.begin, b.layer, -static_cast<int>(b.severity),
                               Info(b.kind).code, b.message);
      });
}

namespace {
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  // A third of the name's length, at least one edit: catches typos, not unrelated words.
  std::size_t best_distance = std::max<std::size_t>(1, name.size() / 3) + 1;
  std::string best;
  for (const auto& candidate : candidates) {
    std::size_t distance = EditDistance(name, candidate);
    if (distance < best_distance ||
        (distance == best_distance && !best.empty() && candidate < best)) {
      if (distance < best_distance) best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace loket::diag
