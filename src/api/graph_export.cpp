// loket::ExportGraph: the dependency graph of a loaded rule base as DOT, JSON or SVG.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "api/rule_base_impl.h"
#include "graph/dependency_graph.h"
#include "loket/analysis.h"

namespace loket {

namespace {

bool HasDecision(const sema::Model& model, const sema::Layer* within, const std::string& name) {
  for (const auto& layer : model.layers) {
    if (within) {
      bool in_chain = false;
      for (const sema::Layer* l : model.Chain(*within)) in_chain = in_chain || l == layer.get();
      if (!in_chain) continue;
    }
    for (const ast::DecisionDecl* decision : layer->decisions) {
      if (decision->name == name) return true;
    }
  }
  return false;
}

// Finds `dot` on PATH without running a shell.
std::string FindDot() {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::filesystem::path candidate = std::filesystem::path(dir) / "dot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

Result<std::string> RunDot(const std::string& dot_text) {
  std::string dot = FindDot();
  if (dot.empty()) {
    return Status(StatusCode::kNotFound,
                  "SVG output needs Graphviz: `dot` was not found on PATH (install the "
                  "`graphviz` package, or use --format dot and render it elsewhere)");
  }
  // Temporary files keep this free of pipes in both directions (no deadlock, no shell).
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  std::string stem = "loket-graph-" + std::to_string(::getpid()) + "-" +
                     std::to_string(reinterpret_cast<std::uintptr_t>(&dot_text));
  std::filesystem::path in = dir / (stem + ".dot");
  std::filesystem::path out = dir / (stem + ".svg");
  {
    std::ofstream file(in, std::ios::binary);
    file << dot_text;
    if (!file) return Status(StatusCode::kIoError, "cannot write " + in.string());
  }
  std::string command = "'" + dot + "' -Tsvg -o '" + out.string() + "' '" + in.string() + "'";
  int rc = std::system(command.c_str());
  std::error_code ignored;
  std::filesystem::remove(in, ignored);
  if (rc != 0) {
    std::filesystem::remove(out, ignored);
    return Status(StatusCode::kInternal, "Graphviz `dot -Tsvg` failed");
  }
  std::ifstream file(out, std::ios::binary);
  std::stringstream svg;
  svg << file.rdbuf();
  std::filesystem::remove(out, ignored);
  return svg.str();
}

}  // namespace

Result<std::string> ExportGraph(const RuleBase& rules, const GraphExportOptions& options) {
  const internal::RuleBaseImpl& impl = internal::RuleBaseAccess::Impl(rules);
  // The graph needs every name resolved: not on syntax or sema errors. Findings of the graph
  // checks and the conflict analysis are fine; they are what gets drawn in red.
  if (!impl.model || impl.model->has_errors) {
    return Status(StatusCode::kInvalidArgument,
                  "the rule base has syntax, name or type errors; fix them before exporting "
                  "its graph");
  }
  const sema::Model& model = *impl.model;
  const sema::Layer* jurisdiction = nullptr;
  if (!options.jurisdiction.empty()) {
    jurisdiction = model.FindLayer(options.jurisdiction);
    if (!jurisdiction) {
      return Status(StatusCode::kNotFound, "no layer `" + options.jurisdiction + "`");
    }
  }
  if (!options.decision.empty() && !HasDecision(model, jurisdiction, options.decision)) {
    return Status(StatusCode::kNotFound,
                  "no decision `" + options.decision + "`" +
                      (jurisdiction ? " in jurisdiction `" + options.jurisdiction + "`" : ""));
  }
  graph::DependencyGraph graph = graph::DependencyGraph::Build(model);
  graph::GraphExportOptions export_options;
  export_options.jurisdiction = options.jurisdiction;
  export_options.decision = options.decision;
  if (options.mark_findings) export_options.findings = &impl.internal_diagnostics;
  switch (options.format) {
    case GraphFormat::kJson:
      return graph.ToJson(export_options);
    case GraphFormat::kDot:
      return graph.ToDot(export_options);
    case GraphFormat::kSvg:
      return RunDot(graph.ToDot(export_options));
  }
  return Status(StatusCode::kInvalidArgument, "unknown graph format");
}

}  // namespace loket
