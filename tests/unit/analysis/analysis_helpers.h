// Shared by the graph and analysis tests: check rule texts (parse, sema, graph checks, conflict
// analysis) and look at the findings by code.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analysis.h"
#include "diag/diagnostic.h"
#include "graph/dependency_graph.h"
#include "sema/model.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

namespace loket::analysis::testing {

struct Checked {
  std::unique_ptr<source::SourceManager> sources = std::make_unique<source::SourceManager>();
  std::unique_ptr<sema::Model> model;
  std::vector<diag::Diagnostic> front;     // syntax and sema
  std::vector<diag::Diagnostic> graph;     // L4xx
  std::vector<diag::Diagnostic> findings;  // L5xx
  AnalysisStats stats;

  std::vector<const diag::Diagnostic*> Of(diag::Kind kind) const {
    std::vector<const diag::Diagnostic*> out;
    for (const auto* list : {&front, &graph, &findings}) {
      for (const auto& d : *list) {
        if (d.kind == kind) out.push_back(&d);
      }
    }
    return out;
  }
  std::vector<std::string> Codes() const {
    std::vector<std::string> codes;
    for (const auto& d : findings) codes.push_back(std::string(diag::Info(d.kind).code));
    std::sort(codes.begin(), codes.end());
    return codes;
  }
  std::string Dump() const {
    std::string out;
    for (const auto* list : {&front, &graph, &findings}) {
      for (const auto& d : *list) {
        out += std::string(diag::Info(d.kind).code) + " [" + d.layer + "] " + d.message + "\n";
        for (const auto& n : d.notes) out += "  note: " + n.message + "\n";
        for (const auto& w : d.witnesses) {
          out += "  witness " + w.title + " @" + w.date + " in " + w.jurisdiction + "\n" +
                 w.case_yaml + "  replay: " + w.replay;
        }
      }
    }
    return out;
  }
};

inline std::unique_ptr<Checked> Check(const std::vector<std::pair<std::string, std::string>>& files,
                                      AnalysisOptions options = {}) {
  auto checked = std::make_unique<Checked>();
  diag::DiagnosticSink sink;
  std::vector<std::unique_ptr<ast::File>> parsed;
  for (const auto& [path, text] : files) {
    source::FileId id = checked->sources->AddFile(path, text);
    auto file = syntax::ParseFile(*checked->sources, id, {}, sink);
    if (file) parsed.push_back(std::move(file));
  }
  checked->model = sema::Analyze(std::move(parsed), *checked->sources, sink);
  checked->front = sink.Take();
  bool errors = std::any_of(checked->front.begin(), checked->front.end(),
                            [](const auto& d) { return d.severity == diag::Severity::kError; });
  if (!checked->model || errors) return checked;
  diag::DiagnosticSink graph_sink;
  graph::DependencyGraph::Build(*checked->model).CheckStructure(graph_sink);
  checked->graph = graph_sink.Take();
  // Like the pipeline: no analysis on a model whose graph has errors (cycles).
  if (std::any_of(checked->graph.begin(), checked->graph.end(),
                  [](const auto& d) { return d.severity == diag::Severity::kError; })) {
    return checked;
  }
  diag::DiagnosticSink analysis_sink;
  checked->stats = RunConflictAnalysis(*checked->model, options, analysis_sink);
  checked->findings = analysis_sink.Take();
  return checked;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every *.loket file of an examples/conflicts folder with its text, in name order.
inline std::vector<std::pair<std::string, std::string>> ExampleFiles(const std::string& name) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  for (const auto& entry :
       fs::directory_iterator(fs::path(LOKET_SOURCE_DIR) / "examples" / "conflicts" / name)) {
    if (entry.path().extension() == ".loket") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& path : paths) files.emplace_back(path, ReadText(path));
  return files;
}

inline std::unique_ptr<Checked> CheckExample(const std::string& name,
                                             AnalysisOptions options = {}) {
  return Check(ExampleFiles(name), options);
}

}  // namespace loket::analysis::testing
