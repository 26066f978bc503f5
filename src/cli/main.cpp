// `loket`: the command-line driver. Every subcommand registers itself (see command.h); this
// file only builds the parser, dispatches and maps CLI11's errors to loket's exit codes.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <loket/loket.h>

#include "command.h"
#include "common.h"
#include "output_file.h"

namespace {

constexpr const char* kEpilog =
    "\nExit codes:\n"
    "  0  success: no errors (warnings and notes allowed)\n"
    "  1  the input has problems: diagnostics with errors, failed tests, rejected records\n"
    "  2  loket could not run: usage error, missing or unreadable file\n"
    "\nRun `loket COMMAND --help` for a command's options.";

// `loket frobnicate`: CLI11 would only say that a subcommand is required. Names the word,
// the closest command and the list. Returns true when argv[1] is such a word.
bool RejectUnknownCommand(int argc, char** argv,
                          const std::vector<loket::cli::CommandSpec>& commands) {
  if (argc < 2) return false;
  const std::string_view word = argv[1];
  if (word.empty() || word.front() == '-') return false;
  std::vector<std::string> names;
  for (const loket::cli::CommandSpec& spec : commands) {
    if (spec.name == word) return false;
    names.push_back(spec.name);
  }
  std::string message = "unknown command `" + std::string(word) + "`";
  const std::string closest = loket::ClosestName(word, names);
  if (!closest.empty()) message += "; did you mean `" + closest + "`?";
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  loket::cli::PrintError(message + " (commands: " + list + ")");
  return true;
}

// CLI11 reads `-m --on 2025-06-01` as -m without a value (and then a puzzling message) and
// `--on ""` (an unset shell variable) as an empty value that later means "today". Both are
// usage errors here. Returns true when it printed one.
bool RejectMissingValues(const CLI::App& command, int argc, char** argv) {
  for (int i = 2; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--") break;
    if (argument.size() < 2 || argument.front() != '-') continue;
    const std::size_t equals = argument.find('=');
    const std::string name = argument.substr(0, equals);
    const CLI::Option* option = command.get_option_no_throw(name);
    if (option == nullptr || option->get_items_expected_max() == 0) continue;  // a flag
    std::string value;
    if (equals != std::string::npos) {
      value = argument.substr(equals + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      continue;  // CLI11 says the value is missing
    }
    if (value.empty()) {
      loket::cli::PrintError("option " + name + " needs a value, and the one given is empty");
      return true;
    }
    if (equals == std::string::npos && value.size() > 1 && value.front() == '-' &&
        !std::isdigit(static_cast<unsigned char>(value[1]))) {
      loket::cli::PrintError("option " + name + " needs a value; `" + value +
                             "` is an option, not a value for " + name);
      return true;
    }
  }
  return false;
}

// `--format json` (or `--format=json`) on the command line: a usage error is answered in JSON
// too, although the parser failed before the option was read.
bool AsksForJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--format=json" ||
        (arg == "--format" && i + 1 < argc && std::string(argv[i + 1]) == "json")) {
      return true;
    }
  }
  return false;
}

// Output that did not reach stdout (`> /dev/full`, a closed pipe) is a failed run.
int CheckedExit(int code) {
  std::string reason;
  // A command that already failed has said why; a second message would be noise.
  if (code == loket::cli::kExitUsage) return code;
  if (!loket::cli::StdoutWritesSucceeded(reason)) {
    loket::cli::PrintError("cannot write to standard output: " + reason);
    return loket::cli::kExitUsage;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"loket: rules for the Dutch one desk (één loket) for migrants", "loket"};
  app.set_version_flag("--version", std::string("loket ") + loket::Version());
  app.footer(kEpilog);
  app.require_subcommand(1);
  app.fallthrough(false);

  const std::vector<loket::cli::CommandSpec> commands = loket::cli::RegisteredCommands();
  // Errors before the command's own options are read are JSON too when JSON was asked for.
  if (AsksForJson(argc, argv)) loket::cli::SetJsonErrors(true);
  if (RejectUnknownCommand(argc, argv, commands)) return loket::cli::kExitUsage;
  std::vector<std::pair<CLI::App*, loket::cli::Action>> actions;
  for (const loket::cli::CommandSpec& spec : commands) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    sub->footer(kEpilog);
    actions.emplace_back(sub, spec.setup(*sub));
  }

  for (const auto& [command, action] : actions) {
    if (argc >= 2 && command->get_name() == argv[1] && RejectMissingValues(*command, argc, argv)) {
      return loket::cli::kExitUsage;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return CheckedExit(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return CheckedExit(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return CheckedExit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a pointer to --help
    if (AsksForJson(argc, argv)) std::cout << loket::RenderRunErrorJson("usage", e.what()) << "\n";
    return loket::cli::kExitUsage;
  }

  for (auto& [sub, action] : actions) {
    if (sub->parsed()) {
      try {
        return CheckedExit(action());
      } catch (const std::exception& e) {
        std::cerr << "loket: internal error: " << e.what() << "\n";
        return loket::cli::kExitUsage;
      }
    }
  }
  return loket::cli::kExitUsage;
}
