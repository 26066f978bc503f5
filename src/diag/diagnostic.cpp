#include "diag/diagnostic.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "loket/diagnostic.h"

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

std::optional<Kind> KindOfCode(std::string_view code) {
  // Codes are L followed by three digits, so a table by number finds them without a search.
  static const std::vector<std::int16_t> by_number = [] {
    std::vector<std::int16_t> table(1000, -1);
    for (const KindInfo& info : AllKinds()) {
      const int number = std::stoi(std::string(info.code.substr(1)));
      table[static_cast<std::size_t>(number)] = static_cast<std::int16_t>(info.kind);
    }
    return table;
  }();
  if (code.size() != 4 || code[0] != 'L') return std::nullopt;
  int number = 0;
  for (char c : code.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  const std::int16_t kind = by_number[static_cast<std::size_t>(number)];
  if (kind < 0) return std::nullopt;
  return static_cast<Kind>(kind);
}

bool IsCompetenceKind(Kind kind) {
  return kind == Kind::kNoCompetenceClosed || kind == Kind::kNoCompetenceOwned ||
         kind == Kind::kExceptionAcrossLayers;
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

loket::Diagnostic MakePublic(Kind kind, std::string message, std::string subject) {
  const KindInfo& info = Info(kind);
  loket::Diagnostic out;
  out.code = std::string(info.code);
  out.kind = std::string(info.name);
  switch (info.severity) {
    case Severity::kNote:
      out.severity = loket::Severity::kNote;
      break;
    case Severity::kWarning:
      out.severity = loket::Severity::kWarning;
      break;
    case Severity::kError:
      out.severity = loket::Severity::kError;
      break;
  }
  out.message = std::move(message);
  out.subject = std::move(subject);
  return out;
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
// The edit distance of a and b when it is at most `limit`, else limit + 1. Bounded so that a
// 1 MB identifier costs linear time: a length difference beyond the limit needs no table,
// only the band of cells within `limit` of the diagonal is filled, and a row whose every
// cell exceeds the limit ends the comparison.
std::size_t BoundedEditDistance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t too_far = limit + 1;
  const std::size_t difference = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (difference > limit) return too_far;
  std::vector<std::size_t> row(b.size() + 1, too_far);
  for (std::size_t j = 0; j <= std::min(b.size(), limit); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const std::size_t lo = i > limit ? i - limit : 1;
    const std::size_t hi = std::min(b.size(), i + limit);
    std::size_t diagonal = row[lo - 1];
    row[lo - 1] = lo == 1 ? std::min(i, too_far) : too_far;
    std::size_t row_min = row[lo - 1];
    for (std::size_t j = lo; j <= hi; ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + cost, too_far});
      row_min = std::min(row_min, row[j]);
      diagonal = above;
    }
    if (row_min > limit) return too_far;
  }
  return row[b.size()];
}
}  // namespace

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  // A third of the name's length, at least one edit and at most 16: catches typos, not
  // unrelated words (and keeps the comparison linear in the name's length).
  constexpr std::size_t kMaxEdits = 16;
  const std::size_t limit = std::clamp<std::size_t>(name.size() / 3, 1, kMaxEdits);
  std::size_t best_distance = limit + 1;
  std::string best;
  for (const auto& candidate : candidates) {
    std::size_t distance = BoundedEditDistance(name, candidate, limit);
    if (distance > limit) continue;
    if (distance < best_distance ||
        (distance == best_distance && !best.empty() && candidate < best)) {
      best_distance = distance;
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

// Every word of `name` among the words of `candidate`, in the same order. A name of one word
// must be the candidate's first or last word (`salary`: `gross_monthly_salary`), which
// keeps `age` from suggesting `school_age_children`.
bool WordsIn(const std::vector<std::string_view>& name, std::string_view candidate) {
  std::vector<std::string_view> words = Words(candidate);
  if (name.empty() || words.empty()) return false;
  if (name.size() == 1) return words.front() == name[0] || words.back() == name[0];
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
    // By whole words: `age` is no part of `preferred_language`.
    const bool contains = WordsIn(words, candidate);
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
