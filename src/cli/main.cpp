// `loket`: the command-line driver. Every subcommand registers itself (see command.h); this
// file only builds the parser, dispatches and maps CLI11's errors to loket's exit codes.
#include <iostream>
#include <string>
#include <vector>

#include <loket/loket.h>

#include "command.h"

namespace {

constexpr const char* kEpilog =
    "\nExit codes:\n"
    "  0  success: no errors (warnings and notes allowed)\n"
    "  1  the input has problems: diagnostics with errors, failed tests, rejected records\n"
    "  2  loket could not run: usage error, missing or unreadable file\n"
    "\nRun `loket COMMAND --help` for a command's options.";

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"loket: rules for the Dutch one desk (één loket) for migrants", "loket"};
  app.set_version_flag("--version", std::string("loket ") + loket::Version());
  app.footer(kEpilog);
  app.require_subcommand(1);
  app.fallthrough(false);

  std::vector<std::pair<CLI::App*, loket::cli::Action>> actions;
  for (const loket::cli::CommandSpec& spec : loket::cli::RegisteredCommands()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    sub->footer(kEpilog);
    actions.emplace_back(sub, spec.setup(*sub));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a pointer to --help
    if (AsksForJson(argc, argv)) std::cout << loket::RenderRunErrorJson("usage", e.what()) << "\n";
    return loket::cli::kExitUsage;
  }

  for (auto& [sub, action] : actions) {
    if (sub->parsed()) {
      try {
        return action();
      } catch (const std::exception& e) {
        std::cerr << "loket: internal error: " << e.what() << "\n";
        return loket::cli::kExitUsage;
      }
    }
  }
  return loket::cli::kExitUsage;
}
