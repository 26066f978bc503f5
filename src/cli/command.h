// The registry of `loket` subcommands. Each subcommand lives in its own file and registers
// itself with a static RegisterCommand object, so a new command needs no edit to main.cpp or
// to any other command:
//
//   namespace {
//   struct GraphOptions { std::vector<std::string> paths; std::string format = "dot"; };
//   int RunGraph(const GraphOptions& options);
//
//   const loket::cli::RegisterCommand kGraph{{
//       "graph", "Export the dependency graph of a rule base", /*order=*/40,
//       [](CLI::App& app) -> loket::cli::Action {
//         auto options = std::make_shared<GraphOptions>();
//         app.add_option("PATH", options->paths, "...")->required();
//         return [options] { return RunGraph(*options); };
//       }}};
//   }  // namespace
//
// The setup function receives the subcommand's CLI::App (name and description already set),
// adds its options bound to state it owns, and returns the action main() runs when the
// command was chosen. The action returns one of the exit codes below.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace loket::cli {

// Exit codes, the same for every subcommand (documented in `loket --help`).
inline constexpr int kExitOk = 0;        // success, no errors
inline constexpr int kExitFindings = 1;  // diagnostics with errors, failed tests, bad records
inline constexpr int kExitUsage = 2;     // usage error, unreadable input, could not run

using Action = std::function<int()>;

struct CommandSpec {
  std::string name;
  std::string description;
  int order = 100;  // position in `loket --help`; lower first, ties by name
  std::function<Action(CLI::App& app)> setup;
};

// Adds a command; used through RegisterCommand at static-initialisation time.
void Register(CommandSpec spec);
// Every registered command, sorted by (order, name).
std::vector<CommandSpec> RegisteredCommands();

struct RegisterCommand {
  explicit RegisterCommand(CommandSpec spec) { Register(std::move(spec)); }
};

}  // namespace loket::cli
