// RuleBase: loading files and folders, running the pipeline, and the public accessors.
#include "loket/rule_base.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "analysis/analysis.h"
#include "api/folder_files.h"
#include "api/rule_base_impl.h"
#include "compile/compile.h"
#include "eval/program_access.h"
#include "graph/dependency_graph.h"
#include "loket/evaluate.h"
#include "sema/content_key.h"
#include "sema/model.h"
#include "syntax/parse.h"

namespace loket {
namespace fs = std::filesystem;

namespace internal {
namespace {

void CountStats(RuleBaseImpl& impl) {
  RuleBaseStats& stats = impl.stats;
  stats.files = static_cast<int>(impl.sources->ids().size());
  if (impl.model) {
    stats.layers = static_cast<int>(impl.model->layers.size());
    for (const auto& layer : impl.model->layers) {
      stats.rules += static_cast<int>(layer->rules.size());
      stats.decisions += static_cast<int>(layer->decisions.size());
      stats.facts += static_cast<int>(layer->facts.size());
    }
  }
  for (const Diagnostic& diagnostic : impl.diagnostics) {
    switch (diagnostic.severity) {
      case Severity::kError:
        ++stats.errors;
        break;
      case Severity::kWarning:
        ++stats.warnings;
        break;
      case Severity::kNote:
        ++stats.notes;
        break;
    }
  }
  impl.has_errors = stats.errors > 0;
}

}  // namespace

// With LoadOptions::accept_competence_errors: every error is a competence error (the model is
// then fully annotated) and the dependency graph has no cycle, so it can be compiled.
bool AcceptedAsWritten(const RuleBaseImpl& impl) {
  if (!impl.options.accept_competence_errors || !impl.model) return false;
  for (const diag::Diagnostic& d : impl.internal_diagnostics) {
    if (d.severity == diag::Severity::kError && !diag::IsCompetenceKind(d.kind)) return false;
  }
  diag::DiagnosticSink graph_sink;
  graph::CheckStructure(*impl.model, graph_sink);
  return !graph_sink.has_errors();
}

std::shared_ptr<RuleBaseImpl> RunPipeline(std::vector<SourceText> sources,
                                          const LoadOptions& options) {
  auto impl = std::make_shared<RuleBaseImpl>();
  impl->options = options;
  std::vector<source::FileId> ids;
  ids.reserve(sources.size());
  for (SourceText& source : sources) {
    ids.push_back(impl->sources->AddFile(std::move(source.path), std::move(source.text)));
  }

  diag::DiagnosticSink sink;
  syntax::ParseLimits limits;
  limits.max_file_bytes = options.max_file_bytes;
  limits.max_nesting_depth = options.max_nesting_depth;
  std::vector<std::shared_ptr<const ast::File>> files;
  for (source::FileId id : ids) {
    std::unique_ptr<ast::File> file = syntax::ParseFile(*impl->sources, id, limits, sink);
    if (file) files.push_back(std::move(file));
  }
  CheckParsed(*impl, std::move(files), sink);
  return impl;
}

analysis::AnalysisStats CheckParsed(RuleBaseImpl& impl,
                                    std::vector<std::shared_ptr<const ast::File>> files,
                                    diag::DiagnosticSink& sink, CheckCaches caches) {
  const LoadOptions& options = impl.options;
  analysis::AnalysisStats analysis_stats;
  impl.model = caches.sema ? sema::Analyze(std::move(files), *impl.sources, sink, *caches.sema)
                           : sema::Analyze(std::move(files), *impl.sources, sink);

  // The caches' keys, computed once for both.
  std::vector<std::uint64_t> chain_keys;
  if (impl.model && (caches.structure || caches.analysis)) {
    chain_keys = sema::ChainKeys(*impl.model, caches.file_hashes);
  }
  const std::vector<std::uint64_t>* keys = chain_keys.empty() ? nullptr : &chain_keys;
  // Later stages rely on sema's annotations, which are complete only without errors.
  if (impl.model && !sink.has_errors()) {
    graph::CheckStructure(*impl.model, sink, caches.structure, keys);
  }
  // The analysis asks the solver about rules whose meaning is settled: not on a broken model.
  if (impl.model && options.analyze_conflicts) {
    analysis::AnalysisOptions analysis_options;
    analysis_options.solver_rlimit = options.solver_rlimit;
    analysis_options.layer_time_limit_ms = options.solver_time_limit_ms;
    unsigned hardware = std::thread::hardware_concurrency();
    analysis_options.threads = options.threads != 0 ? options.threads : (hardware ? hardware : 1);
    analysis_options.cache = caches.analysis;
    analysis_options.chain_keys = keys;
    analysis_options.file_hashes = caches.file_hashes;
    if (!sink.has_errors()) {
      analysis_stats = analysis::RunConflictAnalysis(*impl.model, analysis_options, sink);
    } else {
      // Competence errors (L310, L311, L314) still get their witness cases.
      analysis::AttachCompetenceWitnesses(*impl.model, analysis_options, sink);
    }
  }

  impl.internal_diagnostics = sink.Take();
  diag::SortDiagnostics(impl.internal_diagnostics, impl.sources.get());
  impl.diagnostics.reserve(impl.internal_diagnostics.size());
  for (const diag::Diagnostic& diagnostic : impl.internal_diagnostics) {
    impl.diagnostics.push_back(ToPublic(diagnostic, *impl.sources));
  }
  CountStats(impl);
  return analysis_stats;
}

}  // namespace internal

namespace {

// Reads at most `limit + 1` bytes: enough for the parser to report L104 on a file that is
// too large without loading all of it.
Status ReadFile(const fs::path& path, std::size_t limit, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {StatusCode::kIoError,
            "cannot read `" + path.string() +
                "`: " + internal::Reason(std::error_code(errno, std::generic_category()))};
  }
  text.clear();
  constexpr std::size_t kChunk = 1 << 16;
  char buffer[kChunk];
  while (in && text.size() <= limit) {
    in.read(buffer, kChunk);
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    return {StatusCode::kIoError, "error while reading `" + path.string() + "`"};
  }
  if (text.size() > limit + 1) text.resize(limit + 1);
  return Status::Ok();
}

// Expands folders to their *.loket files (sorted, recursively); keeps files as given.
Status CollectFiles(const std::vector<std::string>& paths, std::vector<fs::path>& files) {
  if (paths.empty()) return {StatusCode::kInvalidArgument, "no rule files or folders given"};
  std::set<fs::path> seen;
  auto add = [&](const fs::path& path) {
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(path, error);
    if (error) canonical = path;
    if (seen.insert(canonical).second) files.push_back(path);
  };
  for (const std::string& given : paths) {
    fs::path path(given);
    std::error_code error;
    Status status_or_error = Status::Ok();
    fs::file_status status = fs::status(path, error);
    if (error && error != std::errc::no_such_file_or_directory) {
      return {StatusCode::kIoError, "cannot read `" + given + "`: " + internal::Reason(error)};
    }
    if (error || !fs::exists(status)) {
      return {StatusCode::kNotFound, "no such file or folder: `" + given + "`"};
    }
    if (fs::is_directory(status)) {
      std::vector<fs::path> found;
      status_or_error = internal::FindFiles(path, {".loket"}, found);
      if (!status_or_error.ok()) return status_or_error;
      if (found.empty()) {
        return {StatusCode::kNotFound, "no .loket files in folder `" + given + "`"};
      }
      std::sort(found.begin(), found.end());
      for (const fs::path& file : found) add(file);
    } else {
      add(path);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<SourceText>> RuleBase::ReadSources(const std::vector<std::string>& paths,
                                                      const LoadOptions& options) {
  try {
    std::vector<fs::path> files;
    Status status = CollectFiles(paths, files);
    if (!status.ok()) return status;
    std::vector<SourceText> sources;
    sources.reserve(files.size());
    for (const fs::path& file : files) {
      SourceText source;
      source.path = file.generic_string();
      status = ReadFile(file, options.max_file_bytes, source.text);
      if (!status.ok()) return status;
      sources.push_back(std::move(source));
    }
    return sources;
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("internal error: ") + e.what());
  }
}

Result<RuleBase> RuleBase::LoadFiles(const std::vector<std::string>& paths,
                                     const LoadOptions& options) {
  try {
    Result<std::vector<SourceText>> sources = ReadSources(paths, options);
    if (!sources.ok()) return sources.status();
    return RuleBase(internal::RunPipeline(std::move(sources).value(), options));
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("internal error: ") + e.what());
  } catch (...) {
    return Status(StatusCode::kInternal, "internal error");
  }
}

RuleBase RuleBase::FromSources(std::vector<SourceText> sources, const LoadOptions& options) {
  // No Status to return here: a failure becomes an error diagnostic the caller cannot miss.
  auto failed = [&options](const std::string& what) {
    auto impl = std::make_shared<internal::RuleBaseImpl>();
    impl->options = options;
    Diagnostic failure =
        diag::MakePublic(diag::Kind::kInternalError, "internal error while checking: " + what);
    impl->diagnostics.push_back(std::move(failure));
    impl->stats.errors = 1;
    impl->has_errors = true;
    return RuleBase(std::move(impl));
  };
  try {
    return RuleBase(internal::RunPipeline(std::move(sources), options));
  } catch (const std::exception& e) {
    return failed(e.what());
  } catch (...) {
    return failed("unknown exception");
  }
}

namespace internal {

const sema::Layer* FindJurisdiction(const sema::Model& model, std::string_view name_or_code) {
  if (const sema::Layer* layer = model.FindLayer(name_or_code)) return layer;
  const auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& layer : model.layers) {
    if (same(layer->name, name_or_code) ||
        (!layer->code.empty() && same(layer->code, name_or_code))) {
      return layer.get();
    }
  }
  return nullptr;
}

}  // namespace internal

Result<Program> RuleBase::Compile(const std::string& jurisdiction) const {
  try {
    if (!impl_->model || (impl_->has_errors && !internal::AcceptedAsWritten(*impl_))) {
      return Status(StatusCode::kInvalidArgument,
                    "the rule base has " + std::to_string(impl_->stats.errors) +
                        " error(s); fix them before evaluating (see `loket check`)");
    }
    const sema::Layer* layer = internal::FindJurisdiction(*impl_->model, jurisdiction);
    if (!layer) {
      std::vector<std::string> names;
      for (const auto& candidate : impl_->model->layers) names.push_back(candidate->name);
      std::string message = "no layer named `" + jurisdiction + "`";
      std::string closest = diag::ClosestName(jurisdiction, names);
      if (!closest.empty()) {
        message += "; did you mean `" + closest + "`?";
      } else {
        message += " (layers:";
        for (std::size_t i = 0; i < names.size(); ++i) message += (i ? ", " : " ") + names[i];
        message += ")";
      }
      return Status(StatusCode::kNotFound, message);
    }
    diag::DiagnosticSink sink;
    std::shared_ptr<const compile::CompiledProgram> compiled =
        compile::Compile(*impl_->model, *layer, sink);
    if (!compiled) {
      std::string message = "cannot compile `" + jurisdiction + "`";
      for (const diag::Diagnostic& diagnostic : sink.diagnostics()) {
        Diagnostic converted = internal::ToPublic(diagnostic, *impl_->sources);
        message += "\n" + RenderText(converted);
      }
      return Status(StatusCode::kInvalidArgument, message);
    }
    return internal::ProgramAccess::Wrap(std::move(compiled));
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("internal error: ") + e.what());
  } catch (...) {
    return Status(StatusCode::kInternal, "internal error");
  }
}

const std::vector<Diagnostic>& RuleBase::diagnostics() const {
  return impl_->diagnostics;
}
bool RuleBase::has_errors() const {
  return impl_->has_errors;
}
RuleBaseStats RuleBase::stats() const {
  return impl_->stats;
}

std::vector<LayerInfo> RuleBase::layers() const {
  std::vector<LayerInfo> layers;
  if (!impl_->model) return layers;
  for (const auto& layer : impl_->model->layers) {
    LayerInfo info;
    info.name = layer->name;
    info.kind = layer->kind;
    info.title = layer->title;
    info.parent = layer->parent ? layer->parent->name : "";
    info.code = layer->code;
    info.is_leaf = layer->is_leaf();
    layers.push_back(std::move(info));
  }
  return layers;
}

std::string RuleBase::ResolveJurisdiction(std::string_view name_or_code) const {
  if (!impl_->model) return {};
  const sema::Layer* layer = internal::FindJurisdiction(*impl_->model, name_or_code);
  return layer ? layer->name : std::string();
}

std::vector<SourceText> RuleBase::Sources() const {
  std::vector<SourceText> sources;
  const source::SourceManager& files = *impl_->sources;
  sources.reserve(files.ids().size());
  for (source::FileId id : files.ids()) {
    sources.push_back({files.path(id), std::string(files.text(id))});
  }
  return sources;
}

RuleBase::RuleBase(std::shared_ptr<const internal::RuleBaseImpl> impl) : impl_(std::move(impl)) {}
RuleBase::RuleBase(RuleBase&&) noexcept = default;
RuleBase& RuleBase::operator=(RuleBase&&) noexcept = default;
RuleBase::RuleBase(const RuleBase&) = default;
RuleBase& RuleBase::operator=(const RuleBase&) = default;
RuleBase::~RuleBase() = default;

}  // namespace loket
