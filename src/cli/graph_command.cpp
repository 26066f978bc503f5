// `loket graph PATH... [--municipality X] [--decision D] [--format dot|json|svg] [-o FILE]`:
// the dependency graph of a rule base; declarations with findings are drawn in red.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <loket/analysis.h>
#include <loket/loket.h>

#include "command.h"
#include "common.h"

namespace loket::cli {
namespace {

struct GraphCommandOptions {
  std::vector<std::string> paths;
  std::string jurisdiction;
  std::string decision;
  std::string format = "dot";
  std::string output;
  bool no_analysis = false;
};

int RunGraph(const GraphCommandOptions& options) {
  LoadOptions load;
  load.analyze_conflicts = !options.no_analysis;
  std::optional<RuleBase> rules = LoadRuleBase(options.paths, load);
  if (!rules) return kExitUsage;
  GraphExportOptions export_options;
  export_options.jurisdiction = options.jurisdiction;
  export_options.decision = options.decision;
  export_options.format = options.format == "json"  ? GraphFormat::kJson
                          : options.format == "svg" ? GraphFormat::kSvg
                                                    : GraphFormat::kDot;
  Result<std::string> text = ExportGraph(*rules, export_options);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kInvalidArgument) {
      RenderOptions render;
      render.color = StderrIsTerminal();
      RenderText(std::cerr, rules->diagnostics(), render);
      PrintError(text.status());
      return kExitFindings;
    }
    PrintError(text.status());
    return kExitUsage;
  }
  if (options.output.empty()) {
    std::cout << *text;
  } else {
    std::ofstream out(options.output, std::ios::binary);
    out << *text;
    out.close();
    if (!out) {
      PrintError("cannot write `" + options.output + "`");
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
       app.add_option("--municipality,--jurisdiction", options->jurisdiction,
                      "Only the layers in force for this jurisdiction");
       app.add_option("--decision", options->decision,
                      "Only this decision, its rules and what they read");
       app.add_option("--format", options->format, "Output format (svg needs Graphviz `dot`)")
           ->check(CLI::IsMember({"dot", "json", "svg"}));
       app.add_option("-o,--output", options->output, "Write to FILE instead of stdout");
       app.add_flag("--no-analysis", options->no_analysis,
                    "Do not run the conflict analysis (no findings drawn in red)");
       return [options] { return RunGraph(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
