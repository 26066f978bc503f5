#include "command.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace loket::cli {
namespace {
// A function-local static: registrars in other translation units may run before any global
// of this file is constructed.
std::vector<CommandSpec>& Registry() {
  static std::vector<CommandSpec> commands;
  return commands;
}
}  // namespace

void Register(CommandSpec spec) {
  Registry().push_back(std::move(spec));
}

std::vector<CommandSpec> RegisteredCommands() {
  std::vector<CommandSpec> commands = Registry();
  std::sort(commands.begin(), commands.end(), [](const CommandSpec& a, const CommandSpec& b) {
    return std::tie(a.order, a.name) < std::tie(b.order, b.name);
  });
  return commands;
}

}  // namespace loket::cli
