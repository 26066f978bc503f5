// The web desk's bundle (web/, built by `node web/build.mjs build/web`) as `loket serve`
// serves it: the files of one folder, read once at start. Only the files found then are
// served, by their plain names — a request names a file, never a path, so nothing outside
// the bundle can be reached.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace loket::serve {

struct WebFile {
  std::string content;
  std::string type;  // Content-Type
};

struct WebAssets {
  std::string folder;                    // where the bundle was looked for
  std::map<std::string, WebFile> files;  // by file name; empty: no bundle there

  bool built() const { return files.count("index.html") != 0; }
  const WebFile* Find(const std::string& name) const;
};

// Reads the regular files directly in `folder` (not below it) whose names are plain
// (letters, digits, `.`, `-`, `_`; no leading dot). A missing folder gives no files (the
// page answers 404 "not built"); `error` is set only when a file there cannot be read.
std::shared_ptr<const WebAssets> LoadWebAssets(const std::string& folder, std::string& error);

// The Content-Type of a bundle file by its extension.
const char* WebContentType(const std::string& name);

}  // namespace loket::serve
