// Finding input files under a folder: rule files (*.loket) for every command and test
// suites (*.yaml, *.yml) for `loket test`. One walk, so both keep the promise of
// docs/cli.md "Rule paths": nothing under a folder is skipped in silence.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "loket/status.h"

namespace loket::internal {

// "permission denied", as a sentence continues, not "Permission denied".
std::string Reason(const std::error_code& error);

// The files under `folder`, recursively, whose extension is one of `extensions` (".loket"),
// in directory order (callers sort). Symlinked folders are not followed. A folder that cannot
// be read, a dangling symlink with such an extension or a symlink loop is an error naming the
// path and the reason.
Status FindFiles(const std::filesystem::path& folder,
                 std::initializer_list<std::string_view> extensions,
                 std::vector<std::filesystem::path>& found);

}  // namespace loket::internal
