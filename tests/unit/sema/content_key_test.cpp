// sema::ChainKeys: what the re-check caches key per-layer results by.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "diag/diagnostic.h"
#include "sema/content_key.h"
#include "sema/model.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

using namespace loket;

namespace {

struct Keyed {
  std::unique_ptr<source::SourceManager> sources = std::make_unique<source::SourceManager>();
  std::unique_ptr<sema::Model> model;
  std::vector<std::uint64_t> keys;

  std::uint64_t Of(const std::string& layer) const {
    for (std::size_t i = 0; i < model->layers.size(); ++i) {
      if (model->layers[i]->name == layer) return keys[i];
    }
    FAIL("no layer " << layer);
    return 0;
  }
};

Keyed Key(const std::vector<std::pair<std::string, std::string>>& files) {
  Keyed keyed;
  diag::DiagnosticSink sink;
  std::vector<std::unique_ptr<ast::File>> parsed;
  for (const auto& [path, text] : files) {
    source::FileId id = keyed.sources->AddFile(path, text);
    parsed.push_back(syntax::ParseFile(*keyed.sources, id, syntax::ParseLimits{}, sink));
  }
  keyed.model = sema::Analyze(std::move(parsed), *keyed.sources, sink);
  REQUIRE_FALSE(sink.has_errors());
  keyed.keys = sema::ChainKeys(*keyed.model);
  return keyed;
}

const char* kNational = R"(layer national "Nederland"
fact age: int in 0..130
decision hours: int default 0 delegated to municipality favours higher
rule r.hours "Besluit inburgering 2021, art. 3.14"
  when age >= 18
  then hours = 800
)";

std::string Municipality(const std::string& name, int age) {
  return "layer municipality " + name + " \"Gemeente " + name + "\" under national\n" + "rule " +
         name + ".hours \"Verordening " + name + "\"\n  when age >= " + std::to_string(age) +
         "\n  then hours = 900\n";
}

}  // namespace

TEST_CASE("ChainKeys: a change shows in its layer's key and in every layer below", "[sema]") {
  Keyed first = Key({{"national.loket", kNational},
                     {"amsterdam.loket", Municipality("amsterdam", 18)},
                     {"westland.loket", Municipality("westland", 18)}});
  REQUIRE(first.keys.size() == 3);
  // Same text, other layer name: other key.
  CHECK(first.Of("amsterdam") != first.Of("westland"));
  CHECK(first.Of("national") != first.Of("amsterdam"));

  // The same files again: the same keys, whether file hashes are given or computed.
  Keyed again = Key({{"national.loket", kNational},
                     {"amsterdam.loket", Municipality("amsterdam", 18)},
                     {"westland.loket", Municipality("westland", 18)}});
  CHECK(again.keys == first.keys);
  std::vector<std::uint64_t> hashes;
  for (source::FileId id = 0; id < again.sources->file_count(); ++id) {
    hashes.push_back(sema::TextHash(again.sources->text(id)));
  }
  CHECK(sema::ChainKeys(*again.model, &hashes) == first.keys);

  // One constant in westland: only westland's key changes.
  Keyed edited = Key({{"national.loket", kNational},
                      {"amsterdam.loket", Municipality("amsterdam", 18)},
                      {"westland.loket", Municipality("westland", 21)}});
  CHECK(edited.Of("national") == first.Of("national"));
  CHECK(edited.Of("amsterdam") == first.Of("amsterdam"));
  CHECK(edited.Of("westland") != first.Of("westland"));

  // A comment in national: every key changes (the layers below read national's names).
  Keyed commented = Key({{"national.loket", std::string(kNational) + "// a comment\n"},
                         {"amsterdam.loket", Municipality("amsterdam", 18)},
                         {"westland.loket", Municipality("westland", 18)}});
  CHECK(commented.Of("national") != first.Of("national"));
  CHECK(commented.Of("amsterdam") != first.Of("amsterdam"));
  CHECK(commented.Of("westland") != first.Of("westland"));

  // The same text under another file id (files in another order): other keys, because cached
  // findings carry file ids.
  Keyed moved = Key({{"national.loket", kNational},
                     {"westland.loket", Municipality("westland", 18)},
                     {"amsterdam.loket", Municipality("amsterdam", 18)}});
  CHECK(moved.Of("national") == first.Of("national"));
  CHECK(moved.Of("amsterdam") != first.Of("amsterdam"));
}
