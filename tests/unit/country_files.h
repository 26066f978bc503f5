// For the hidden country benchmarks: the .loket files of the synthetic country that
// examples/country/generate wrote to $LOKET_COUNTRY_DIR (default /tmp/country).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace loket::testing {

// The country's folder, or empty (with the reason in `why`) when it was not generated.
inline std::filesystem::path CountryDir(std::string& why) {
  const char* env = std::getenv("LOKET_COUNTRY_DIR");
  std::filesystem::path dir = env ? env : "/tmp/country";
  if (!std::filesystem::exists(dir / "expected.json")) {
    why = "no country at " + dir.string() + "; run examples/country/generate " + dir.string();
    return {};
  }
  return dir;
}

// Its rule files, sorted by path.
inline std::vector<std::string> CountryFiles(const std::filesystem::path& dir) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".loket") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace loket::testing
