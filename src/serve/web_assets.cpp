#include "serve/web_assets.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace loket::serve {
namespace {

bool PlainName(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_';
  });
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const WebFile* WebAssets::Find(const std::string& name) const {
  auto it = files.find(name);
  return it == files.end() ? nullptr : &it->second;
}

const char* WebContentType(const std::string& name) {
  if (EndsWith(name, ".html")) return "text/html; charset=utf-8";
  if (EndsWith(name, ".js") || EndsWith(name, ".mjs")) return "text/javascript; charset=utf-8";
  if (EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(name, ".json")) return "application/json";
  if (EndsWith(name, ".svg")) return "image/svg+xml";
  if (EndsWith(name, ".png")) return "image/png";
  if (EndsWith(name, ".txt") || EndsWith(name, ".loket")) return "text/plain; charset=utf-8";
  if (EndsWith(name, ".map")) return "application/json";
  return "application/octet-stream";
}

std::shared_ptr<const WebAssets> LoadWebAssets(const std::string& folder, std::string& error) {
  namespace fs = std::filesystem;
  auto assets = std::make_shared<WebAssets>();
  assets->folder = folder;
  std::error_code ec;
  if (folder.empty() || !fs::is_directory(folder, ec)) return assets;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || !PlainName(name)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      error = "cannot read the web bundle file `" + entry.path().string() + "`";
      return nullptr;
    }
    assets->files.emplace(name, WebFile{std::move(content), WebContentType(name)});
  }
  if (ec) {
    error = "cannot list the web bundle folder `" + folder + "`: " + ec.message();
    return nullptr;
  }
  return assets;
}

}  // namespace loket::serve
