// `loket doc RULES --municipality X [--on DATE] [--format md|html]`: the overview of one
// municipality's rules for a council member (see include/loket/overview.h).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <loket/loket.h>
#include <loket/overview.h>

#include "command.h"
#include "common.h"
#include "output_file.h"

namespace loket::cli {
namespace {

struct DocOptions {
  std::vector<std::string> paths;
  std::string municipality;
  std::string on;
  std::string format = "md";
  std::string out;
};

int RunDoc(const DocOptions& options) {
  Date on = Today();
  if (!options.on.empty()) {
    std::optional<Date> parsed = ParseDateOption(options.on);
    if (!parsed) return kExitUsage;
    on = *parsed;
  }
  int exit_code = kExitOk;
  std::optional<RuleBase> rules = LoadCleanRuleBase(options.paths, exit_code);
  if (!rules) return exit_code;

  Result<Overview> overview = BuildOverview(*rules, options.municipality, on);
  if (!overview.ok()) {
    PrintError(overview.status());
    return kExitUsage;
  }
  const std::string text =
      options.format == "html" ? RenderOverviewHtml(*overview) : RenderOverviewMarkdown(*overview);
  if (options.out.empty()) {
    std::cout << text;
    return kExitOk;
  }
  Status written = WriteFileAtomically(options.out, text);
  if (!written.ok()) {
    PrintError(written);
    return kExitUsage;
  }
  return kExitOk;
}

const RegisterCommand kDoc{
    {"doc", "Overview of a municipality's rules on a date, for council members", 60,
     [](CLI::App& app) -> Action {
       auto options = std::make_shared<DocOptions>();
       app.add_option("PATH", options->paths,
                      "Rule files, or folders searched recursively for *.loket files")
           ->required();
       app.add_option("-m,--municipality,--jurisdiction", options->municipality,
                      "The jurisdiction (a layer name, e.g. westland)")
           ->required();
       app.add_option("--on,--date", options->on, "Reference date YYYY-MM-DD (default: today)");
       app.add_option("--format", options->format, "Output format")
           ->check(CLI::IsMember({"md", "html"}))
           ->capture_default_str();
       app.add_option("--out,-o", options->out, "Write to this file instead of stdout");
       return [options] { return RunDoc(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
