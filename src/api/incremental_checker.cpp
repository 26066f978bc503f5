// IncrementalChecker: the RuleBase pipeline with the parse step memoized per file (the syntax
// trees of unchanged files are shared with earlier checks; a file whose text was parsed under
// another path is copied under its own id) and, kept
// across checks, one analysis cache (per layer without layers below, keyed by the content of
// its chain, and per unit of decisions, keyed by their cones) and one cache of the graph's cycle
// check (per jurisdiction, keyed by the content of a layer's chain), and sema's per-layer results
// (sema::ReuseMemo: a layer whose chain has the same syntax trees as in the last check is not
// checked again). Those reuse only what is unchanged, and the other graph checks run in full
// on every check, so the result is exactly FromSources'.
#include "loket/checker.h"

#include <exception>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/analysis.h"
#include "api/rule_base_impl.h"
#include "ast/clone.h"
#include "graph/dependency_graph.h"
#include "sema/content_key.h"
#include "sema/reuse.h"
#include "syntax/parse.h"

namespace loket {
namespace {

// A file as parsed. Its syntax is never changed: every check that reuses the file shares it.
struct ParsedFile {
  std::string text;
  std::uint64_t text_hash = 0;            // sema::TextHash(text), for the caches' keys
  source::FileId id = source::kNoFile;    // the id its ranges, node ids and diagnostics carry
  std::shared_ptr<const ast::File> file;  // null when the parser returned nothing
  std::vector<diag::Diagnostic> diagnostics;
};

source::SourceRange Remap(source::SourceRange range, source::FileId from, source::FileId to) {
  if (range.file == from) range.file = to;
  return range;
}

diag::Diagnostic RemapDiagnostic(diag::Diagnostic diagnostic, source::FileId from,
                                 source::FileId to) {
  diagnostic.range = Remap(diagnostic.range, from, to);
  for (diag::Note& note : diagnostic.notes) note.range = Remap(note.range, from, to);
  return diagnostic;
}

void SetHash(std::vector<std::uint64_t>& hashes, source::FileId id, std::uint64_t hash) {
  if (hashes.size() <= id) hashes.resize(id + 1, 0);
  hashes[id] = hash;
}

}  // namespace

struct IncrementalChecker::Impl {
  LoadOptions options;
  std::unordered_map<std::string, ParsedFile> parsed;  // by path
  analysis::AnalysisCache analysis_cache;
  graph::StructureCache structure_cache;
  sema::ReuseMemo sema_memo;  // sema's per-layer results of the last check
  Stats stats;
  // The id the next new file gets. Ids are never handed out twice, so an unchanged file's id
  // is never another file's in a later check; a first check numbers its files 0, 1, 2, ...
  // like RuleBase::FromSources.
  source::FileId next_id = 0;

  std::shared_ptr<internal::RuleBaseImpl> Run(std::vector<SourceText> sources) {
    stats = Stats();
    auto impl = std::make_shared<internal::RuleBaseImpl>();
    impl->options = options;
    syntax::ParseLimits limits;
    limits.max_file_bytes = options.max_file_bytes;
    limits.max_nesting_depth = options.max_nesting_depth;

    diag::DiagnosticSink sink;
    std::vector<std::shared_ptr<const ast::File>> files;
    std::unordered_map<std::string, ParsedFile> next;  // forgets files no longer given
    std::vector<std::uint64_t> file_hashes;            // by file id (0 where none)
    // A file of the same text under another path (a copy of the rule base: the two sides of
    // `loket diff`) reuses that file's syntax too, copied under its own id.
    std::unordered_map<std::uint64_t, std::string> path_by_hash;
    for (const auto& [path, entry] : parsed) path_by_hash.emplace(entry.text_hash, path);
    auto same_text = [&](const std::string& text) -> const ParsedFile* {
      auto twin = path_by_hash.find(sema::TextHash(text));
      if (twin == path_by_hash.end()) return nullptr;
      auto moved = next.find(twin->second);  // reused earlier in this check: moved to `next`
      const ParsedFile& entry = moved != next.end() ? moved->second : parsed.at(twin->second);
      return entry.text == text ? &entry : nullptr;
    };
    for (SourceText& source : sources) {
      // A path given twice: the second is a new file, with an id of its own.
      auto known = next.count(source.path) ? parsed.end() : parsed.find(source.path);
      const bool same_path = known != parsed.end() && known->second.text == source.text;
      const ParsedFile* copy_of = same_path ? nullptr : same_text(source.text);
      // A changed file keeps its id; a new one gets an id no file has had.
      const source::FileId id = same_path               ? source::kNoFile
                                : known != parsed.end() ? known->second.id
                                                        : next_id++;
      if (copy_of) {
        impl->sources->AddFileAs(id, source.path, source.text);
        ++stats.files_reused;
        ParsedFile entry;
        entry.id = id;
        entry.text_hash = copy_of->text_hash;
        for (const diag::Diagnostic& diagnostic : copy_of->diagnostics) {
          entry.diagnostics.push_back(RemapDiagnostic(diagnostic, copy_of->id, id));
          sink.Append(entry.diagnostics.back());
        }
        if (copy_of->file) {
          entry.file = ast::CloneSyntax(*copy_of->file, id);
          files.push_back(entry.file);
        }
        entry.text = std::move(source.text);
        SetHash(file_hashes, id, entry.text_hash);
        next[source.path] = std::move(entry);
      } else if (!same_path) {
        impl->sources->AddFileAs(id, source.path, source.text);
        ++stats.files_parsed;
        diag::DiagnosticSink file_sink;
        ParsedFile entry;
        entry.id = id;
        entry.file = syntax::ParseFile(*impl->sources, id, limits, file_sink);
        entry.diagnostics = file_sink.Take();
        for (const diag::Diagnostic& diagnostic : entry.diagnostics) sink.Append(diagnostic);
        if (entry.file) files.push_back(entry.file);
        entry.text = std::move(source.text);
        entry.text_hash = sema::TextHash(entry.text);
        SetHash(file_hashes, id, entry.text_hash);
        next[source.path] = std::move(entry);
      } else {
        // Unchanged: the same id as before, so its syntax (whose ranges and node ids name the
        // id) and its parse diagnostics are shared as they are, wherever it is in the list.
        ParsedFile& entry = known->second;
        impl->sources->AddFileAs(entry.id, source.path, std::move(source.text));
        ++stats.files_reused;
        SetHash(file_hashes, entry.id, entry.text_hash);
        for (const diag::Diagnostic& diagnostic : entry.diagnostics) sink.Append(diagnostic);
        if (entry.file) files.push_back(entry.file);
        next[source.path] = std::move(entry);
      }
    }
    parsed = std::move(next);

    analysis::AnalysisStats analysis_stats =
        internal::CheckParsed(*impl, std::move(files), sink,
                              {&analysis_cache, &structure_cache, &file_hashes, &sema_memo});
    stats.layers_checked = sema_memo.layers_checked();
    stats.layers_reused = sema_memo.layers_reused();
    stats.layers_from_cache = analysis_stats.layers_from_cache;
    stats.layers_analyzed = analysis_stats.layers - analysis_stats.layers_from_cache;
    stats.decisions_from_cache = analysis_stats.decisions_from_cache;
    stats.decisions_analyzed = analysis_stats.decisions - analysis_stats.decisions_from_cache;
    return impl;
  }
};

IncrementalChecker::IncrementalChecker(LoadOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}
IncrementalChecker::~IncrementalChecker() = default;
IncrementalChecker::IncrementalChecker(IncrementalChecker&&) noexcept = default;
IncrementalChecker& IncrementalChecker::operator=(IncrementalChecker&&) noexcept = default;

RuleBase IncrementalChecker::Check(std::vector<SourceText> sources) {
  try {
    return RuleBase(impl_->Run(std::move(sources)));
  } catch (const std::exception& e) {
    // What is remembered may be half-updated: start afresh next time.
    impl_->parsed.clear();
    impl_->sema_memo.Clear();
    auto impl = std::make_shared<internal::RuleBaseImpl>();
    impl->options = impl_->options;
    Diagnostic failure = diag::MakePublic(
        diag::Kind::kInternalError, std::string("internal error while checking: ") + e.what());
    impl->diagnostics.push_back(std::move(failure));
    impl->stats.errors = 1;
    impl->has_errors = true;
    return RuleBase(std::move(impl));
  }
}

IncrementalChecker::Stats IncrementalChecker::last_stats() const {
  return impl_->stats;
}

}  // namespace loket
