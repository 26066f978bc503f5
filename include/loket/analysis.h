// What the checker found, in forms for people: the dependency graph of a rule base (DOT, JSON
// or SVG), the witness cases of conflict findings as ready-to-edit YAML test suites, and a
// report for legal teams (Markdown or HTML) per municipality and decision, with both
// citations and the witness of every finding.
#pragma once

#include <string>
#include <vector>

#include "loket/diagnostic.h"
#include "loket/rule_base.h"
#include "loket/status.h"

namespace loket {

enum class GraphFormat { kDot, kJson, kSvg };

struct GraphExportOptions {
  GraphFormat format = GraphFormat::kDot;
  // Non-empty: only the layers in force for this jurisdiction (it and every layer above).
  std::string jurisdiction;
  // Non-empty: only this decision, the rules deciding it and what they read, transitively.
  std::string decision;
  // Draw declarations that have a finding (the rule base's diagnostics) in red.
  bool mark_findings = true;
};

// Layers are drawn as nested clusters; vertices are facts, params, lets, decisions and
// rules; edges reads, writes, exception-of and delegated-to. kNotFound for an unknown
// jurisdiction or decision; kInvalidArgument when the rule base has errors (the graph needs
// a checked model); kSvg runs Graphviz `dot -Tsvg` and fails with kNotFound when it is not
// installed.
Result<std::string> ExportGraph(const RuleBase& rules, const GraphExportOptions& options);

// Writes one YAML test suite per jurisdiction, `<directory>/<jurisdiction>.witnesses.yaml`,
// one case per witness: its reference date, every fact (facts the finding does not depend on
// marked `# any value`), and as `expect` what the evaluator decides today (`expect_error`
// for a conflict or a gap), for the legal team to correct into the intended outcome. Returns
// the paths written.
Result<std::vector<std::string>> WriteWitnessSuites(const std::vector<Diagnostic>& diagnostics,
                                                    const std::string& directory);

enum class ReportFormat { kMarkdown, kHtml };

// A report for legal teams: per layer (municipality), per decision, each finding with its
// code, what conflicts with which article (both citations), where, and its witness cases
// with the evaluator's outcome. Findings without a decision are listed under "Structure".
std::string RenderReport(const std::vector<Diagnostic>& diagnostics, ReportFormat format,
                         const std::string& title = "loket check report");

// RenderReport into a file; the format follows the extension (.md, .markdown, .html, .htm).
Status WriteReport(const std::vector<Diagnostic>& diagnostics, const std::string& path);

}  // namespace loket
