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

namespace {

std::vector<std::string_view> Words(std::string_view name) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('_', start);
    if (end == std::string_view::npos) end = name.size();
    if (end > start) words.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Every word of `name` among the words of `candidate`, in the same order.
bool WordsIn(const std::vector<std::string_view>& name, std::string_view candidate) {
  std::vector<std::string_view> words = Words(candidate);
  std::size_t at = 0;
  for (std::string_view word : name) {
    while (at < words.size() && words[at] != word) ++at;
    if (at == words.size()) return false;
    ++at;
  }
  return true;
}

// The common prefix of a and b, cut back to a whole word of `a` (up to a `_` or a's end).
std::size_t WholeWordPrefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  if (n == a.size() && (n == b.size() || b[n] == '_')) return n;
  while (n > 0 && a[n - 1] != '_') --n;
  return n > 0 ? n - 1 : 0;  // without the `_`
}

}  // namespace

std::string RelatedName(std::string_view name, const std::vector<std::string>& candidates) {
  // Names are identifiers; a longer "name" is not a misspelt one (and stays cheap).
  constexpr std::size_t kMaxName = 200;
  constexpr std::size_t kMinPrefix = 4;
  if (name.size() < 3 || name.size() > kMaxName) return {};
  const std::vector<std::string_view> words = Words(name);
  const auto better = [](const std::string& candidate, const std::string& best) {
    return best.empty() || candidate.size() < best.size() ||
           (candidate.size() == best.size() && candidate < best);
  };
  std::string contained;
  std::string prefixed;
  std::size_t best_prefix = kMinPrefix - 1;
  for (const std::string& candidate : candidates) {
    if (candidate == name) continue;
    const bool contains = candidate.find(name) != std::string::npos ||
                          (words.size() > 1 && WordsIn(words, candidate));
    if (contains) {
      if (better(candidate, contained)) contained = candidate;
      continue;
    }
    const std::size_t prefix = WholeWordPrefix(name, candidate);
    if (prefix > best_prefix ||
        (prefix == best_prefix && !prefixed.empty() && better(candidate, prefixed))) {
      best_prefix = prefix;
      prefixed = candidate;
    }
  }
  return contained.empty() ? prefixed : contained;
}

}  // namespace loket::diag
