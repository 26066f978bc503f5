// IncrementalChecker: the RuleBase pipeline with the parse step memoized per file and, kept
// across checks, one analysis cache (per layer) and one cache of the graph's cycle check
// (per jurisdiction), both keyed by the content of a layer's chain. Sema and the other graph
// checks run in full on every check, so the result is exactly FromSources'.
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
#include "syntax/parse.h"

namespace loket {
namespace {

// A file as parsed, before sema annotated it; never handed to sema itself, only copied.
struct ParsedFile {
  std::string text;
  std::uint64_t text_hash = 0;          // sema::TextHash(text), for the caches' keys
  source::FileId id = source::kNoFile;  // the id its ranges and diagnostics carry
  std::unique_ptr<ast::File> file;      // null when the parser returned nothing
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

}  // namespace

struct IncrementalChecker::Impl {
  LoadOptions options;
  std::unordered_map<std::string, ParsedFile> parsed;  // by path
  analysis::AnalysisCache analysis_cache;
  graph::StructureCache structure_cache;
  Stats stats;

  std::shared_ptr<internal::RuleBaseImpl> Run(std::vector<SourceText> sources) {
    stats = Stats();
    auto impl = std::make_shared<internal::RuleBaseImpl>();
    impl->options = options;
    syntax::ParseLimits limits;
    limits.max_file_bytes = options.max_file_bytes;
    limits.max_nesting_depth = options.max_nesting_depth;

    diag::DiagnosticSink sink;
    std::vector<std::unique_ptr<ast::File>> files;
    std::unordered_map<std::string, ParsedFile> next;  // forgets files no longer given
    std::vector<std::uint64_t> file_hashes;            // by file id
    // A file of the same text under another path (a copy of the rule base: the two sides of
    // `loket diff`) reuses that file's syntax too.
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
      auto known = parsed.find(source.path);
      const bool same_path = known != parsed.end() && known->second.text == source.text;
      const ParsedFile* copy_of = same_path ? nullptr : same_text(source.text);
      if (copy_of) {
        source::FileId id = impl->sources->AddFile(source.path, source.text);
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
          files.push_back(ast::CloneSyntax(*entry.file));
        }
        entry.text = std::move(source.text);
        file_hashes.push_back(entry.text_hash);
        next[source.path] = std::move(entry);
      } else if (!same_path) {
        source::FileId id = impl->sources->AddFile(source.path, source.text);
        ++stats.files_parsed;
        diag::DiagnosticSink file_sink;
        ParsedFile entry;
        entry.id = id;
        entry.file = syntax::ParseFile(*impl->sources, id, limits, file_sink);
        entry.diagnostics = file_sink.Take();
        for (const diag::Diagnostic& diagnostic : entry.diagnostics) sink.Append(diagnostic);
        if (entry.file) files.push_back(ast::CloneSyntax(*entry.file));
        entry.text = std::move(source.text);
        entry.text_hash = sema::TextHash(entry.text);
        file_hashes.push_back(entry.text_hash);
        next[source.path] = std::move(entry);
      } else {
        source::FileId id = impl->sources->AddFile(source.path, std::move(source.text));
        ++stats.files_reused;
        ParsedFile& entry = known->second;
        file_hashes.push_back(entry.text_hash);
        for (const diag::Diagnostic& diagnostic : entry.diagnostics) {
          sink.Append(RemapDiagnostic(diagnostic, entry.id, id));
        }
        if (entry.file) files.push_back(ast::CloneSyntax(*entry.file, id));
        next[source.path] = std::move(entry);
      }
    }
    parsed = std::move(next);

    analysis::AnalysisStats analysis_stats = internal::CheckParsed(
        *impl, std::move(files), sink, {&analysis_cache, &structure_cache, &file_hashes});
    stats.layers_from_cache = analysis_stats.layers_from_cache;
    stats.layers_analyzed = analysis_stats.layers - analysis_stats.layers_from_cache;
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
