// `loket check PATH...`: parse and check a rule base, print its diagnostics and a summary.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

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
};

// Writes every witness case as a case file that `loket eval` accepts, with the finding and
// the evaluator's replay as comments on top. Returns false (after printing why) on I/O errors.
bool WriteWitnesses(const std::vector<Diagnostic>& diagnostics, const CheckOptions& options,
                    int& written) {
  std::error_code error;
  std::filesystem::create_directories(options.witnesses_dir, error);
  if (error) {
    PrintError("cannot create `" + options.witnesses_dir + "`: " + error.message());
    return false;
  }
  std::string rules;
  for (const std::string& path : options.paths) rules += path + " ";
  for (const Diagnostic& diagnostic : diagnostics) {
    for (const Witness& witness : diagnostic.witnesses) {
      ++written;
      std::string name = std::to_string(written);
      name.insert(0, name.size() < 3 ? 3 - name.size() : 0, '0');
      name += "-" + diagnostic.code;
      if (!witness.jurisdiction.empty()) name += "-" + witness.jurisdiction;
      const std::filesystem::path path =
          std::filesystem::path(options.witnesses_dir) / (name + ".yaml");
      std::ofstream out(path, std::ios::binary);
      auto comment = [&out](const std::string& text) {
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) out << "#   " << line << "\n";
      };
      out << "# " << diagnostic.code << " " << diagnostic.kind << ": " << diagnostic.message
          << "\n";
      if (!diagnostic.location.path.empty()) {
        out << "# at " << diagnostic.location.path << ":" << diagnostic.location.line << ":"
            << diagnostic.location.column << "\n";
      }
      out << "# witness: " << witness.title << "\n";
      out << "# replay with: loket eval " << rules << "--municipality " << witness.jurisdiction
          << " --on " << witness.date << " " << path.generic_string() << "\n";
      if (!witness.replay.empty()) {
        out << "# the evaluator decided:\n";
        comment(witness.replay);
      }
      out << witness.case_yaml;
      if (!witness.case_yaml.empty() && witness.case_yaml.back() != '\n') out << "\n";
      out.close();
      if (!out) {
        PrintError("cannot write `" + path.generic_string() + "`");
        return false;
      }
    }
  }
  return true;
}

std::string Plural(int count, const char* singular, const char* plural) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural);
}

int RunCheck(const CheckOptions& options) {
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
    int written = 0;
    if (!WriteWitnesses(rules->diagnostics(), options, written)) return kExitUsage;
    std::cerr << "wrote " << written << " witness case" << (written == 1 ? "" : "s") << " to "
              << options.witnesses_dir << "\n";
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
                      "Write each finding's witness cases as case files into this folder");
       return [options] { return RunCheck(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
