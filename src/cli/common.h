// Helpers shared by the subcommands: loading a rule base with the CLI's error conventions,
// terminal detection, reading files, printing diagnostics.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <loket/loket.h>

namespace loket::cli {

bool StdoutIsTerminal();
bool StderrIsTerminal();

// `--color auto|always|never`: auto means "when stdout is a terminal".
bool UseColor(const std::string& when);

// Prints `loket: error: <message>` to stderr; after SetJsonErrors(true) also, on stdout, the
// JSON object {"errors": [{"code", "severity", "message"}]} (code "usage" for a message, the
// StatusCode's name for a Status), so a program reading stdout always gets JSON.
void PrintError(const std::string& message);
void PrintError(const Status& status);
// `--format json` of eval and check: errors as JSON on stdout as well (docs/cli.md).
void SetJsonErrors(bool on);
bool JsonErrors();

// Loads and checks the rule base; on a Status error prints it and returns nullopt (exit 2).
std::optional<RuleBase> LoadRuleBase(const std::vector<std::string>& paths,
                                     const LoadOptions& options = {});

// Loads like LoadRuleBase and, when the rule base has errors, prints them (text, to stderr)
// and returns nullopt: evaluation needs a clean rule base. `exit_code` is set to 2 on a
// Status error and to 1 on rule errors.
std::optional<RuleBase> LoadCleanRuleBase(const std::vector<std::string>& paths, int& exit_code);

// Compiles a jurisdiction, printing the Status error on failure.
std::optional<Program> CompileJurisdiction(const RuleBase& rules, const std::string& jurisdiction);

// Reads a whole file; the Status names the path on failure.
Status ReadWholeFile(const std::string& path, std::string& text);

// Today's date in local time, for `--on` when it is not given.
Date Today();

// Parses `--on`; prints an error and returns nullopt when it is not a calendar date.
std::optional<Date> ParseDateOption(const std::string& text);

// Condition texts keep their source line breaks; on one line (white space folded) they read
// better in explanations.
std::string OneLine(const std::string& text);

}  // namespace loket::cli
