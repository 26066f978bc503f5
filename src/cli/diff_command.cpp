// `loket diff OLD NEW`: what changes for whom between two versions of a rule base — proved
// per decision, shown with witness cases, counted on a population. The work is the library's
// (loket/diff.h); this file reads the arguments and files and writes the outputs.
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <loket/diff.h>
#include <loket/loket.h>

#include "command.h"
#include "common.h"
#include "git_revision.h"
#include "output_file.h"

namespace loket::cli {
namespace {

struct DiffCommandOptions {
  std::string old_rules;
  std::string new_rules;
  std::string jurisdiction;
  std::string on;
  std::string from;
  std::string until;
  std::string cases;
  std::string jurisdiction_field;
  std::string format = "text";
  std::string witnesses_dir;
  std::string out;
  double solver_time_limit = 30;  // seconds per jurisdiction
};

// The rule texts of one side: a folder or file, or `git:REV[:PATH]`.
std::optional<std::vector<SourceText>> ReadSide(const std::string& argument,
                                                const std::string& other, RevisionSources& revision,
                                                const LoadOptions& load) {
  Result<std::vector<SourceText>> sources = [&]() -> Result<std::vector<SourceText>> {
    if (!IsRevisionArgument(argument)) return RuleBase::ReadSources({argument}, load);
    if (IsRevisionArgument(other) && argument.find(':', 4) == std::string::npos) {
      return Status(StatusCode::kInvalidArgument,
                    "`" + argument + "`: both sides are revisions; name the folder, as in `" +
                        argument + ":rules`");
    }
    return revision.Read(argument, other, load);
  }();
  if (!sources.ok()) {
    PrintError(sources.status());
    return std::nullopt;
  }
  return std::move(sources).value();
}

int RunDiff(const DiffCommandOptions& options) {
  SetJsonErrors(options.format == "json");
  if (options.from.empty() != options.until.empty()) {
    PrintError("--from and --until go together: give both, or --on");
    return kExitUsage;
  }
  if (!options.from.empty() && !options.on.empty()) {
    PrintError("give either --on or a period (--from, --until), not both");
    return kExitUsage;
  }
  if (!options.cases.empty() && !options.from.empty()) {
    PrintError("--cases decides each record on one date: use --on with it");
    return kExitUsage;
  }
  if (!options.cases.empty() &&
      options.jurisdiction.empty() == options.jurisdiction_field.empty()) {
    PrintError("--cases needs either -m JURISDICTION or --jurisdiction-field FIELD");
    return kExitUsage;
  }
  if (options.cases.empty() && !options.jurisdiction_field.empty()) {
    PrintError("--jurisdiction-field names a field of the records: it needs --cases");
    return kExitUsage;
  }
  DiffOptions diff_options;
  diff_options.jurisdiction = options.jurisdiction;
  diff_options.from = options.from;
  diff_options.until = options.until;
  if (options.from.empty()) {
    std::optional<Date> on = options.on.empty() ? Today() : ParseDateOption(options.on);
    if (!on) return kExitUsage;
    diff_options.on = on->ToString();
  }
  diff_options.solver_time_limit_ms = static_cast<unsigned>(options.solver_time_limit * 1000);

  // Open the outputs first: a wrong path is found before minutes of work.
  AtomicOutputFile out_file;
  const bool to_file = !options.out.empty() && options.out != "-";
  if (to_file) {
    Status opened = out_file.Open(options.out);
    if (!opened.ok()) {
      PrintError(opened);
      return kExitUsage;
    }
  }
  std::ifstream cases;
  if (!options.cases.empty()) {
    cases.open(options.cases, std::ios::binary);
    if (!cases) {
      PrintError("cannot read `" + options.cases + "`");
      return kExitUsage;
    }
  }

  LoadOptions load;
  load.solver_time_limit_ms = diff_options.solver_time_limit_ms;
  RevisionSources old_revision, new_revision;
  std::optional<std::vector<SourceText>> old_sources =
      ReadSide(options.old_rules, options.new_rules, old_revision, load);
  if (!old_sources) return kExitUsage;
  std::optional<std::vector<SourceText>> new_sources =
      ReadSide(options.new_rules, options.old_rules, new_revision, load);
  if (!new_sources) return kExitUsage;

  std::cerr << "checking " << options.old_rules << " and " << options.new_rules << "\n";
  RuleBasePair pair = CheckPair(std::move(*old_sources), std::move(*new_sources), load);
  Result<RuleBaseDiff> diff = DiffRuleBases(pair, diff_options);
  if (!diff.ok()) {
    PrintError(diff.status());
    return kExitUsage;
  }
  diff->old_label = options.old_rules;
  diff->new_label = options.new_rules;
  if (!options.cases.empty() && diff->old_clean && diff->new_clean) {
    std::cerr << "deciding the records of " << options.cases << " under both\n";
    PopulationOptions population;
    population.jurisdiction = options.jurisdiction.empty()
                                  ? ""
                                  : pair.new_rules.ResolveJurisdiction(options.jurisdiction);
    if (!options.jurisdiction.empty() && population.jurisdiction.empty()) {
      population.jurisdiction = options.jurisdiction;  // CountChanges names it in its error
    }
    population.jurisdiction_field = options.jurisdiction_field;
    population.on = diff_options.on;
    Result<PopulationDiff> counted =
        CountChanges(pair.old_rules, pair.new_rules, cases, population);
    if (!counted.ok()) {
      PrintError(counted.status());
      return kExitUsage;
    }
    diff->has_population = true;
    diff->population = std::move(counted).value();
  }

  DiffFormat format = options.format == "json"       ? DiffFormat::kJson
                      : options.format == "markdown" ? DiffFormat::kMarkdown
                      : options.format == "html"     ? DiffFormat::kHtml
                                                     : DiffFormat::kText;
  const std::string text = RenderDiff(*diff, format);
  if (!options.witnesses_dir.empty()) {
    Result<std::vector<std::string>> written = WriteDiffWitnessSuites(*diff, options.witnesses_dir);
    if (!written.ok()) {
      PrintError(written.status());
      return kExitUsage;
    }
    std::cerr << "wrote " << written->size() << " witness suite"
              << (written->size() == 1 ? "" : "s") << " to " << options.witnesses_dir << "\n";
  }
  if (to_file) {
    std::fwrite(text.data(), 1, text.size(), out_file.file());
    Status committed = out_file.Commit();
    if (!committed.ok()) {
      PrintError(committed);
      return kExitUsage;
    }
    std::cerr << "wrote the report to " << options.out << "\n";
  } else {
    std::cout << text;
    std::string reason;
    if (!StdoutWritesSucceeded(reason)) {
      std::cerr << "loket: error: cannot write the report: " << reason << "\n";
      return kExitUsage;
    }
  }
  return diff->Unchanged() ? kExitOk : kExitFindings;
}

const RegisterCommand kDiff{
    {"diff", "Show which answers change between two versions of a rule base", 35,
     [](CLI::App& app) -> Action {
       auto options = std::make_shared<DiffCommandOptions>();
       app.add_option("OLD", options->old_rules,
                      "The rules before: a folder or file, or git:REV[:PATH] (the folder at a "
                      "revision of this repository)")
           ->required();
       app.add_option("NEW", options->new_rules, "The rules after, as OLD")->required();
       app.add_option("-m,--jurisdiction", options->jurisdiction,
                      "Only this jurisdiction (name or CBS code); default: every layer");
       app.add_option("--on", options->on, "Compare on this date (YYYY-MM-DD; default today)");
       app.add_option("--from", options->from,
                      "Compare over a period from this date (with --until; both inclusive)");
       app.add_option("--until", options->until, "The last day of the period");
       app.add_option("--cases", options->cases,
                      "Count the changed answers of these JSON Lines records");
       app.add_option("--jurisdiction-field", options->jurisdiction_field,
                      "The record field that names each record's jurisdiction (with --cases)");
       app.add_option("--format", options->format, "Output format")
           ->check(CLI::IsMember({"text", "json", "markdown", "html"}))
           ->capture_default_str();
       app.add_option("--witnesses", options->witnesses_dir,
                      "Write the witness cases as `loket test` suites expecting NEW's answers");
       app.add_option("-o,--out", options->out, "Write the report to this file (default stdout)");
       app.add_option("--solver-time-limit", options->solver_time_limit,
                      "Seconds the solver may spend on one jurisdiction before its remaining "
                      "decisions are undetermined (0: no limit)")
           ->check(CLI::Range(0.0, 86400.0))
           ->capture_default_str();
       return [options] { return RunDiff(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
