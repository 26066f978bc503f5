// Parses on several threads at once. Each parse leases a DFA cache of its own and reads it
// without ANTLR's lock (syntax/dfa_cache.h): the syntax and diagnostics must be exactly those
// of the same files parsed one at a time.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "diag/diagnostic.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

namespace {

namespace fs = std::filesystem;
using namespace loket;

// What a parse produced, as text: the header, the node counts, the rule ids and every
// diagnostic with its place.
std::string Digest(const std::unique_ptr<ast::File>& file,
                   const std::vector<diag::Diagnostic>& diagnostics) {
  std::ostringstream out;
  if (file) {
    out << (file->header ? file->header->name : "-") << " " << file->counts.exprs << " "
        << file->counts.type_refs << " " << file->counts.citations << " "
        << file->counts.assignments << " " << file->counts.rules << ":";
    for (const auto& rule : file->rules) out << " " << rule->id;
  }
  for (const auto& d : diagnostics) {
    out << "\n"
        << diag::Info(d.kind).code << "@" << d.range.file << ":" << d.range.begin << "-"
        << d.range.end;
  }
  return out.str();
}

std::string Digest(const std::string& path, const std::string& text) {
  source::SourceManager sources;
  diag::DiagnosticSink sink;
  const source::FileId id = sources.AddFile(path, text);
  std::unique_ptr<ast::File> file = syntax::ParseFile(sources, id, {}, sink);
  return Digest(file, sink.diagnostics());
}

std::vector<std::pair<std::string, std::string>> RuleFiles() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : fs::recursive_directory_iterator(LOKET_SOURCE_DIR "/rules")) {
    if (entry.path().extension() != ".loket") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files.emplace_back(entry.path().string(), text.str());
  }
  // Syntax errors take the second, recovering parse; a bad character the lexer's error path.
  files.emplace_back("broken.loket", "layer national \"N\"\nfact age: int\nrule r when age > {\n");
  files.emplace_back("odd.loket", "layer national \"N\"\nfact age: int $ \nlet x = age +\n");
  return files;
}

}  // namespace

TEST_CASE("Parse: files parsed on several threads at once give what one thread gives", "[syntax]") {
  const std::vector<std::pair<std::string, std::string>> files = RuleFiles();
  REQUIRE(files.size() > 10);

  std::vector<std::string> expected;
  for (const auto& [path, text] : files) expected.push_back(Digest(path, text));
  CHECK(expected[files.size() - 2].find("L101") != std::string::npos);

  constexpr int kThreads = 4;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        // Each thread walks the files from another starting point.
        for (std::size_t i = 0; i < files.size(); ++i) {
          const auto& [path, text] = files[(i + t * 7) % files.size()];
          std::string digest = Digest(path, text);
          if (round == 2) got[t].push_back(std::move(digest));
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(got[t].size() == files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      CHECK(got[t][i] == expected[(i + t * 7) % files.size()]);
    }
  }
}
