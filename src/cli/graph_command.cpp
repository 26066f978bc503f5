// `loket graph PATH... [-m X] [--decision D] [--format dot|json|svg] [-o FILE]`:
// the dependency graph of a rule base; declarations with findings are drawn in red.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <loket/analysis.h>
#include <loket/loket.h>

#include "command.h"
#include "common.h"
#include "output_file.h"

namespace loket::cli {
namespace {

struct GraphCommandOptions {
  std::vector<std::string> paths;
  std::string jurisdiction;
  std::string decision;
  std::string format;  // empty: from the extension of `output`, else DOT
  std::string output;
  bool no_analysis = false;
  int error_limit = kDefaultErrorLimit;
};

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// --format when given, else what the output file's extension says (.json, .svg), else DOT.
GraphFormat FormatOf(const GraphCommandOptions& options) {
  const std::string& format = options.format;
  if (format == "json" || (format.empty() && EndsWith(options.output, ".json"))) {
    return GraphFormat::kJson;
  }
  if (format == "svg" || (format.empty() && EndsWith(options.output, ".svg"))) {
    return GraphFormat::kSvg;
  }
  return GraphFormat::kDot;
}

int RunGraph(const GraphCommandOptions& options) {
  LoadOptions load;
  load.analyze_conflicts = !options.no_analysis;
  std::optional<RuleBase> rules = LoadRuleBase(options.paths, load);
  if (!rules) return kExitUsage;
  GraphExportOptions export_options;
  export_options.jurisdiction = options.jurisdiction;
  export_options.decision = options.decision;
  export_options.format = FormatOf(options);
  Result<std::string> text = ExportGraph(*rules, export_options);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kInvalidArgument) {
      RenderOptions render;
      render.color = StderrIsTerminal();
      std::vector<Diagnostic> shown = rules->diagnostics();
      const std::size_t left_out = LimitErrors(shown, options.error_limit);
      RenderText(std::cerr, shown, render);
      PrintErrorsLeftOut(left_out);
      PrintError(text.status());
      return kExitFindings;
    }
    PrintError(text.status());
    return kExitUsage;
  }
  if (options.output.empty()) {
    std::cout << *text;
  } else {
    Status written = WriteFileAtomically(options.output, *text);
    if (!written.ok()) {
      PrintError(written);
      return kExitUsage;
    }
  }
  return kExitOk;
}

const RegisterCommand kGraph{
    {"graph", "Export the dependency graph of a rule base (DOT, JSON or SVG)", 40,
     [](CLI::App& app) -> Action {
       auto options = std::make_shared<GraphCommandOptions>();
       app.add_option("PATH", options->paths,
                      "Rule files, or folders searched recursively for *.loket files")
           ->required();
       app.add_option("-m,--municipality,--jurisdiction", options->jurisdiction,
                      "Only the layers in force for this jurisdiction");
       app.add_option("--decision", options->decision,
                      "Only this decision, its rules and what they read");
       app.add_option("--format", options->format,
                      "Output format (svg needs Graphviz `dot`); default: from the extension "
                      "of -o (.json, .svg), else dot")
           ->check(CLI::IsMember({"dot", "json", "svg"}));
       app.add_option("-o,--output,--out", options->output, "Write to FILE instead of stdout");
       app.add_option("--error-limit", options->error_limit,
                      "Show at most this many errors of a rule base that has them (0: all)")
           ->check(CLI::NonNegativeNumber)
           ->capture_default_str();
       app.add_flag("--no-analysis", options->no_analysis,
                    "Do not run the conflict analysis (no findings drawn in red)");
       return [options] { return RunGraph(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
