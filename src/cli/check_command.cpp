// `loket check PATH...`: parse and check a rule base, print its diagnostics and a summary.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <loket/analysis.h>
#include <loket/loket.h>

#include "command.h"
#include "common.h"

namespace loket::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string color = "auto";
  bool no_analysis = false;
  std::string witnesses_dir;
  std::string report;
};

std::string Plural(int count, const char* singular, const char* plural) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural);
}

int RunCheck(const CheckOptions& options) {
  SetJsonErrors(options.format == "json");
  LoadOptions load;
  load.analyze_conflicts = !options.no_analysis;
  std::optional<RuleBase> rules = LoadRuleBase(options.paths, load);
  if (!rules) return kExitUsage;

  const RuleBaseStats stats = rules->stats();
  const std::string summary =
      "checked " + Plural(stats.files, "file", "files") + ", " +
      Plural(stats.layers, "layer", "layers") + ", " + Plural(stats.rules, "rule", "rules") + ": " +
      Plural(stats.errors, "error", "errors") + ", " +
      Plural(stats.warnings, "warning", "warnings") +
      (stats.notes > 0 ? ", " + Plural(stats.notes, "note", "notes") : std::string());
  if (options.format == "json") {
    std::cout << RenderJson(rules->diagnostics()) << "\n";
    std::cerr << summary << "\n";  // stdout stays pure JSON
  } else {
    RenderOptions render;
    render.color = UseColor(options.color);
    RenderText(std::cout, rules->diagnostics(), render);
    std::cout << summary << "\n";
  }
  if (!options.witnesses_dir.empty()) {
    Result<std::vector<std::string>> written =
        WriteWitnessSuites(rules->diagnostics(), options.witnesses_dir);
    if (!written.ok()) {
      PrintError(written.status());
      return kExitUsage;
    }
    std::cerr << "wrote " << written->size() << " witness suite"
              << (written->size() == 1 ? "" : "s") << " to " << options.witnesses_dir << "\n";
  }
  if (!options.report.empty()) {
    Status status = WriteReport(rules->diagnostics(), options.report);
    if (!status.ok()) {
      PrintError(status);
      return kExitUsage;
    }
    std::cerr << "wrote the report to " << options.report << "\n";
  }
  return rules->has_errors() ? kExitFindings : kExitOk;
}

const RegisterCommand kCheck{
    {"check", "Check a rule base: syntax, names, types, layers, competence, conflicts", 10,
     [](CLI::App& app) -> Action {
       auto options = std::make_shared<CheckOptions>();
       app.add_option("PATH", options->paths,
                      "Rule files, or folders searched recursively for *.loket files")
           ->required();
       app.add_option("--format", options->format, "Output format")
           ->check(CLI::IsMember({"text", "json"}))
           ->capture_default_str();
       app.add_option("--color", options->color, "Colour the text output")
           ->check(CLI::IsMember({"auto", "always", "never"}))
           ->capture_default_str();
       app.add_flag("--no-analysis", options->no_analysis,
                    "Skip the conflict analysis (L5xx findings)");
       app.add_option("--witnesses", options->witnesses_dir,
                      "Write the findings' witness cases as YAML test suites into this folder "
                      "(one per jurisdiction, ready for `loket test`)");
       app.add_option("--report", options->report,
                      "Write a report for legal teams (.md or .html, by the extension)");
       return [options] { return RunCheck(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
