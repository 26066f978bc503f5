// Language tests: every tests/lang/<group>/<name>.loket file, and every tests/lang/<group>/<name>/
// folder (one rule base of several files), is parsed and analysed; the diagnostics must equal
// the expectations written in its comments, exactly: none missing, none extra.
//
//   // expect@+1: L201 col 7 "unknown fact `nationalty`"   the next line (col and text optional)
//   rule x "..." when nationalty == syrian then ...  // expect: L201   this very line
//   // expect@-2: L204                                         two lines up
//   // expect@global: L305                                     a diagnostic without a location
//
// The quoted text must occur in the message. Syntax (L1xx) and sema (L2xx, L3xx) run here,
// and for tests/lang/graph/ the structural checks (L4xx); later stages have their own tests.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "diag/diagnostic.h"
#include "graph/dependency_graph.h"
#include "sema/model.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

namespace fs = std::filesystem;
using namespace loket;

namespace {

struct Expectation {
  std::string path;
  bool global = false;
  std::uint32_t line = 0;
  std::string code;
  std::uint32_t column = 0;  // 0: any
  std::string text;          // empty: any
  std::uint32_t written_at = 0;
  bool matched = false;
};

struct LangTest {
  std::string name;
  std::vector<fs::path> files;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<LangTest> Discover() {
  std::vector<LangTest> tests;
  fs::path root = fs::path(LOKET_SOURCE_DIR) / "tests" / "lang";
  std::vector<fs::path> groups;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) groups.push_back(entry.path());
  }
  std::sort(groups.begin(), groups.end());
  for (const fs::path& group : groups) {
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(group)) entries.push_back(entry.path());
    std::sort(entries.begin(), entries.end());
    for (const fs::path& entry : entries) {
      LangTest test;
      test.name = fs::relative(entry, root).generic_string();
      if (fs::is_directory(entry)) {
        for (const auto& file : fs::recursive_directory_iterator(entry)) {
          if (file.path().extension() == ".loket") test.files.push_back(file.path());
        }
        std::sort(test.files.begin(), test.files.end());
      } else if (entry.extension() == ".loket") {
        test.files.push_back(entry);
      }
      if (!test.files.empty()) tests.push_back(std::move(test));
    }
  }
  return tests;
}

// Reads the expectations of one file; malformed `expect` comments are errors themselves.
void ReadExpectations(const std::string& path, const std::string& text,
                      std::vector<Expectation>& out, std::vector<std::string>& errors) {
  static const std::regex kExpect(
      R"(//\s*expect(?:@(global|[+-]\d+))?:\s*(L\d{3})(?:\s+col\s+(\d+))?(?:\s+\"([^\"]*)\")?\s*$)");
  static const std::regex kExpectStart(R"(//\s*expect)");
  std::istringstream lines(text);
  std::string line;
  std::uint32_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    // Any comment that starts with `expect`, however it is spaced (`//expect:` too), so a
    // misspaced expectation is read or reported, never silently ignored.
    std::smatch start;
    if (!std::regex_search(line, start, kExpectStart)) continue;
    std::smatch match;
    std::string comment = line.substr(std::size_t(start.position(0)));
    if (!std::regex_match(comment, match, kExpect)) {
      errors.push_back(path + ":" + std::to_string(number) + ": malformed expectation: " + comment);
      continue;
    }
    Expectation expectation;
    expectation.path = path;
    expectation.written_at = number;
    expectation.code = match[2];
    if (match[1] == "global") {
      expectation.global = true;
    } else {
      int offset = match[1].matched ? std::stoi(match[1]) : 0;
      expectation.line = static_cast<std::uint32_t>(static_cast<int>(number) + offset);
    }
    if (match[3].matched) expectation.column = static_cast<std::uint32_t>(std::stoul(match[3]));
    if (match[4].matched) expectation.text = match[4];
    out.push_back(std::move(expectation));
  }
}

// Runs one test; returns every mismatch, one per line (empty: the test passes).
std::string Run(const LangTest& test) {
  source::SourceManager sources;
  diag::DiagnosticSink sink;
  std::vector<Expectation> expectations;
  std::vector<std::string> errors;
  std::vector<std::unique_ptr<ast::File>> files;
  fs::path root = fs::path(LOKET_SOURCE_DIR) / "tests" / "lang";
  for (const fs::path& path : test.files) {
    std::string text = ReadFile(path);
    std::string shown = fs::relative(path, root).generic_string();
    ReadExpectations(shown, text, expectations, errors);
    source::FileId id = sources.AddFile(shown, text);
    files.push_back(syntax::ParseFile(sources, id, syntax::ParseLimits{}, sink));
  }
  auto model = sema::Analyze(std::move(files), sources, sink);
  // tests/lang/graph/: the structural checks (L4xx) too, as the pipeline runs them on a model
  // without errors.
  if (test.name.rfind("graph/", 0) == 0 && model && !sink.has_errors()) {
    graph::CheckStructure(*model, sink);
  }
  std::vector<diag::Diagnostic> diagnostics = sink.Take();
  diag::SortDiagnostics(diagnostics);
  for (const diag::Diagnostic& diagnostic : diagnostics) {
    std::string code(diag::Info(diagnostic.kind).code);
    std::string where = "<global>";
    Expectation* found = nullptr;
    if (!diagnostic.range.valid()) {
      for (Expectation& e : expectations) {
        if (!e.matched && e.global && e.code == code &&
            diagnostic.message.find(e.text) != std::string::npos) {
          found = &e;
          break;
        }
      }
    } else {
      const std::string& path = sources.path(diagnostic.range.file);
      source::LineColumn position = sources.Position(diagnostic.range.file, diagnostic.range.begin);
      where = path + ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
      for (Expectation& e : expectations) {
        if (!e.matched && !e.global && e.path == path && e.line == position.line &&
            e.code == code && (e.column == 0 || e.column == position.column) &&
            diagnostic.message.find(e.text) != std::string::npos) {
          found = &e;
          break;
        }
      }
    }
    if (found) {
      found->matched = true;
    } else {
      errors.push_back("unexpected " + where + ": " + code + " " + diagnostic.message);
    }
  }
  for (const Expectation& e : expectations) {
    if (e.matched) continue;
    std::string where = e.global ? std::string("<global>") : e.path + ":" + std::to_string(e.line);
    errors.push_back("missing " + where + ": " + e.code +
                     (e.column ? " col " + std::to_string(e.column) : std::string()) +
                     (e.text.empty() ? std::string() : " \"" + e.text + "\"") + " (written at " +
                     e.path + ":" + std::to_string(e.written_at) + ")");
  }
  std::string report;
  for (const std::string& error : errors) report += error + "\n";
  // For writing new tests: LOKET_LANG_DUMP=1 prints the mismatches unwrapped.
  if (std::getenv("LOKET_LANG_DUMP")) std::cerr << report;
  return report;
}

}  // namespace

TEST_CASE("Language tests: diagnostics equal the inline expectations", "[lang]") {
  std::vector<LangTest> tests = Discover();
  REQUIRE(tests.size() >= 10);
  for (const LangTest& test : tests) {
    INFO("tests/lang/" << test.name);
    CHECK(Run(test) == "");
  }
}

TEST_CASE("Language tests: a malformed expectation is reported", "[lang]") {
  // The runner itself: an expectation that does not hold must be reported.
  std::vector<Expectation> expectations;
  std::vector<std::string> errors;
  ReadExpectations("x.loket",
                   "// expect@+1: L201 col 3 \"unknown\"\n// expect: L2\n"
                   "rule a \"x\" //expect: L204\n//expect L205\n",
                   expectations, errors);
  REQUIRE(expectations.size() == 2);
  CHECK(expectations[0].line == 2);
  CHECK(expectations[0].column == 3);
  CHECK(expectations[0].text == "unknown");
  // `//expect:` without a space is an expectation like any other.
  CHECK(expectations[1].line == 3);
  CHECK(expectations[1].code == "L204");
  // `// expect: L2` and `//expect L205` (no colon) are malformed, not ignored.
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("x.loket:2:") == 0);
  CHECK(errors[1].find("x.loket:4:") == 0);
}
