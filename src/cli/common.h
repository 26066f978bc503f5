// Helpers shared by the subcommands: loading a rule base with the CLI's error conventions,
// terminal detection, reading files, printing diagnostics.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
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

// At most this many errors are shown per run unless `--error-limit` says otherwise (as
// clang's -ferror-limit); 0 shows all.
inline constexpr int kDefaultErrorLimit = 50;

// Keeps the diagnostics up to the `limit`-th error (0: all) and drops the later ones;
// returns how many errors were dropped.
std::size_t LimitErrors(std::vector<Diagnostic>& diagnostics, int limit);

// The one line after a cut list: `loket: error: too many errors: N more not shown ...`.
void PrintErrorsLeftOut(std::size_t left_out);

// Loads and checks the rule base; on a Status error prints it and returns nullopt (exit 2).
std::optional<RuleBase> LoadRuleBase(const std::vector<std::string>& paths,
                                     const LoadOptions& options = {});

// Loads like LoadRuleBase and, when the rule base has errors, prints them (text, to stderr)
// and returns nullopt: evaluation needs a clean rule base. `exit_code` is set to 2 on a
// Status error and to 1 on rule errors.
// With `as_written`, a rule base whose only errors are competence errors (L310, L311, L314) is
// loaded too, its errors printed as a warning: the rules are evaluated as the municipality
// wrote them, to replay the witnesses of those findings.
std::optional<RuleBase> LoadCleanRuleBase(const std::vector<std::string>& paths, int& exit_code,
                                          int error_limit = kDefaultErrorLimit,
                                          bool as_written = false);

// Compiles a jurisdiction, printing the Status error on failure.
std::optional<Program> CompileJurisdiction(const RuleBase& rules, const std::string& jurisdiction);

// Reads a whole file; the Status names the path on failure.
Status ReadWholeFile(const std::string& path, std::string& text);

// Today's date in local time, for `--on` when it is not given.
Date Today();

// Parses `--on`; prints an error and returns nullopt when it is not a calendar date.
std::optional<Date> ParseDateOption(const std::string& text);

}  // namespace loket::cli
