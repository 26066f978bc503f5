// Every diagnostic kind in src/diag/kinds.def must be documented in docs/diagnostics.md and
// expected by at least one test. Tests name the codes they assert (REQUIRE(... "L201"),
// `// expect:` lines in tests/lang, expected.json of the conflict examples, CLI regexes), so
// a code that appears in no test file is a kind nobody checks.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "diag/diagnostic.h"

namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// All text of the test inputs and expectations, except this file (which names no codes).
std::string TestCorpus() {
  std::string corpus;
  const fs::path root = fs::path(LOKET_SOURCE_DIR);
  for (const char* folder : {"tests", "examples/conflicts"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      if (!entry.is_regular_file()) continue;
      if (entry.path().filename() == "coverage_test.cpp") continue;
      if (entry.path().string().find("/fuzz/corpus") != std::string::npos) continue;
      if (entry.file_size() > (1u << 20)) continue;
      corpus += ReadAll(entry.path());
      corpus += '\n';
    }
  }
  return corpus;
}

bool MentionsCode(const std::string& text, std::string_view code) {
  // The code as a whole word: "L201" but not "L2010".
  for (std::size_t at = text.find(code); at != std::string::npos; at = text.find(code, at + 1)) {
    std::size_t end = at + code.size();
    bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
    bool right = end >= text.size() || !std::isdigit(static_cast<unsigned char>(text[end]));
    if (left && right) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("Diagnostics: codes are unique and well formed", "[diag]") {
  std::set<std::string_view> codes;
  for (const auto& info : loket::diag::AllKinds()) {
    INFO(info.name);
    REQUIRE(info.code.size() == 4);
    REQUIRE(info.code[0] == 'L');
    REQUIRE(codes.insert(info.code).second);
    REQUIRE_FALSE(info.title.empty());
  }
}

TEST_CASE("Diagnostics: every kind is documented in docs/diagnostics.md", "[diag]") {
  const std::string doc = ReadAll(fs::path(LOKET_SOURCE_DIR) / "docs" / "diagnostics.md");
  REQUIRE_FALSE(doc.empty());
  for (const auto& info : loket::diag::AllKinds()) {
    INFO(info.code << " " << info.name);
    CHECK(MentionsCode(doc, info.code));
  }
}

TEST_CASE("Diagnostics: every kind is expected by some test", "[diag]") {
  const std::string corpus = TestCorpus();
  for (const auto& info : loket::diag::AllKinds()) {
    if (info.title.rfind("(retired", 0) == 0) continue;  // kept only so the code stays taken
    INFO(info.code << " " << info.name << ": no test expects this kind");
    CHECK(MentionsCode(corpus, info.code));
  }
}
