#include "api/folder_files.h"

#include <algorithm>

namespace loket::internal {
namespace fs = std::filesystem;

std::string Reason(const std::error_code& error) {
  std::string text = error.message();
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z' && (text.size() < 2 || text[1] > 'Z')) {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

Status FindFiles(const fs::path& folder, std::initializer_list<std::string_view> extensions,
                 std::vector<fs::path>& found) {
  std::vector<fs::path> pending{folder};
  while (!pending.empty()) {
    const fs::path current = std::move(pending.back());
    pending.pop_back();
    std::error_code error;
    fs::directory_iterator it(current, error);
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
      const fs::path& entry = it->path();
      std::error_code entry_error;
      const fs::file_status link = it->symlink_status(entry_error);
      if (entry_error) {
        return {StatusCode::kIoError,
                "cannot read `" + entry.generic_string() + "`: " + Reason(entry_error)};
      }
      if (fs::is_directory(link)) {
        pending.push_back(entry);
        continue;
      }
      const std::string extension = entry.extension().string();
      const bool wanted =
          std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
      if (!wanted && !fs::is_symlink(link)) continue;
      const fs::file_status target = fs::status(entry, entry_error);
      if (entry_error && (wanted || entry_error != std::errc::no_such_file_or_directory)) {
        // ENOENT through a symlink: it dangles; ELOOP: a symlink loop.
        std::string reason = entry_error == std::errc::no_such_file_or_directory
                                 ? "a symlink to a file that does not exist"
                                 : Reason(entry_error);
        return {StatusCode::kIoError, "cannot read `" + entry.generic_string() + "`: " + reason};
      }
      if (wanted && fs::is_regular_file(target)) found.push_back(entry);
    }
    if (error) {
      return {StatusCode::kIoError,
              "cannot read folder `" + current.generic_string() + "`: " + Reason(error)};
    }
  }
  return Status::Ok();
}

}  // namespace loket::internal
