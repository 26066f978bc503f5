#include "source/source_manager.h"

#include <algorithm>
#include <cstring>

namespace loket::source {

FileId SourceManager::AddFile(std::string path, std::string text) {
  const auto id = static_cast<FileId>(files_.size());
  AddFileAs(id, std::move(path), std::move(text));
  return id;
}

void SourceManager::AddFileAs(FileId id, std::string path, std::string text) {
  File file{std::move(path), std::move(text), {0}};
  const char* begin = file.text.data();
  const char* end = begin + file.text.size();
  for (const char* at = begin; at != end; ++at) {
    at = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
    if (!at) break;
    file.line_starts.push_back(static_cast<std::uint32_t>(at - begin + 1));
  }
  if (files_.size() <= id) {
    files_.resize(id + 1);
    rank_.resize(id + 1, static_cast<std::uint32_t>(kNoFile));
  }
  files_[id] = std::move(file);
  rank_[id] = static_cast<std::uint32_t>(order_.size());
  order_.push_back(id);
}

LineColumn SourceManager::Position(FileId file, std::uint32_t offset) const {
  if (file >= files_.size()) return {};
  const auto& starts = files_[file].line_starts;
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  auto line = static_cast<std::uint32_t>(it - starts.begin());  // 1-based
  return {line, offset - starts[line - 1] + 1};
}

std::string_view SourceManager::LineText(FileId file, std::uint32_t line) const {
  if (file >= files_.size() || line == 0) return {};
  const File& f = files_[file];
  if (line > f.line_starts.size()) return {};
  std::uint32_t begin = f.line_starts[line - 1];
  std::uint32_t end = line < f.line_starts.size() ? f.line_starts[line] : f.text.size();
  std::string_view text(f.text);
  text = text.substr(begin, end - begin);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

}  // namespace loket::source
