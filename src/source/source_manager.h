// Owns the text of every source file and maps byte offsets to lines and columns.
// Diagnostics store (file, offset) ranges; positions are computed only when rendered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loket::source {

using FileId = std::uint32_t;
inline constexpr FileId kNoFile = 0xFFFFFFFFu;

// A half-open byte range [begin, end) in one file.
struct SourceRange {
  FileId file = kNoFile;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  // The smallest range covering both (same file assumed).
  static SourceRange Join(SourceRange a, SourceRange b) {
    if (!a.valid()) return b;
    if (!b.valid()) return a;
    return {a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

// 1-based line and column; the column counts bytes of the line (UTF-8 aware width is the
// renderer's concern).
struct LineColumn {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

class SourceManager {
 public:
  // Takes a copy of the text; the returned id stays valid for the manager's lifetime. Files
  // added this way get the ids 0, 1, 2, ... in order.
  FileId AddFile(std::string path, std::string text);
  // Adds the file as `id`, which no file here has yet; ids skipped stay empty. A re-check gives
  // an unchanged file the id it had before, so syntax parsed then (whose ranges name the id)
  // stays valid.
  void AddFileAs(FileId id, std::string path, std::string text);

  const std::string& path(FileId file) const { return files_[file].path; }
  std::string_view text(FileId file) const { return files_[file].text; }
  // Every file's id is below this.
  std::size_t file_count() const { return files_.size(); }
  // The files' ids in the order they were added.
  const std::vector<FileId>& ids() const { return order_; }
  // A file's place in that order, which diagnostics are sorted by; kNoFile stays last.
  std::uint32_t Rank(FileId file) const {
    return file < rank_.size() ? rank_[file] : static_cast<std::uint32_t>(kNoFile);
  }

  LineColumn Position(FileId file, std::uint32_t offset) const;
  // The text of a 1-based line, without its line terminator.
  std::string_view LineText(FileId file, std::uint32_t line) const;

 private:
  struct File {
    std::string path;
    std::string text;
    std::vector<std::uint32_t> line_starts;  // offset of each line's first byte
  };
  std::vector<File> files_;  // by id
  std::vector<FileId> order_;
  std::vector<std::uint32_t> rank_;  // by id
};

}  // namespace loket::source
