// Witness cases for competence errors (L310, L311, L314): the offending local rule applies in
// a case, preferably one the higher layer decides differently, replayed through the evaluator.
#include <catch2/catch.hpp>

#include "analysis_helpers.h"

namespace {

using loket::diag::Kind;

struct Front {
  std::unique_ptr<loket::source::SourceManager> sources =
      std::make_unique<loket::source::SourceManager>();
  std::unique_ptr<loket::sema::Model> model;
  std::vector<loket::diag::Diagnostic> diagnostics;

  const loket::diag::Diagnostic* Only(Kind kind) const {
    const loket::diag::Diagnostic* found = nullptr;
    for (const auto& d : diagnostics) {
      if (d.kind != kind) continue;
      if (found) return nullptr;
      found = &d;
    }
    return found;
  }
};

// Parse and sema like the pipeline, then the competence witness search on sema's findings.
std::unique_ptr<Front> Run(const std::vector<std::pair<std::string, std::string>>& files) {
  auto front = std::make_unique<Front>();
  loket::diag::DiagnosticSink sink;
  std::vector<std::unique_ptr<loket::ast::File>> parsed;
  for (const auto& [path, text] : files) {
    loket::source::FileId id = front->sources->AddFile(path, text);
    auto file = loket::syntax::ParseFile(*front->sources, id, {}, sink);
    if (file) parsed.push_back(std::move(file));
  }
  front->model = loket::sema::Analyze(std::move(parsed), *front->sources, sink);
  REQUIRE(front->model);
  loket::analysis::AttachCompetenceWitnesses(*front->model, {}, sink);
  front->diagnostics = sink.Take();
  return front;
}

std::unique_ptr<Front> RunExample(const std::string& name) {
  const std::vector<std::pair<std::string, std::string>> files =
      loket::analysis::testing::ExampleFiles(name);
  return Run(files);
}

std::string Dump(const Front& front) {
  std::string out;
  for (const auto& d : front.diagnostics) {
    out += std::string(loket::diag::Info(d.kind).code) + " " + d.message + "\n";
    for (const auto& n : d.notes) out += "  note: " + n.message + "\n";
    for (const auto& h : d.help) out += "  help: " + h + "\n";
    for (const auto& w : d.witnesses) {
      out += "  witness " + w.title + " @" + w.date + " in " + w.jurisdiction + "\n" + w.case_yaml +
             "  replay: " + w.replay;
    }
  }
  return out;
}

const char* kNational = R"(layer national "Nederland"

enum Category "c" {
  eu_worker "EU worker",
  other "other"
}

fact category: Category "category"
fact stay_days: int in 0..184 "days"

assume only_workers: category == eu_worker "a test assumption"

domain registration "Registratie" {
  decision registered: bool default false closed "registered"
}

rule reg.long "test basis"
  when stay_days >= 122
  then registered = true
)";

}  // namespace

TEST_CASE("L310 on westland-rni-zoning carries a replayed case where the local rule applies",
          "[analysis]") {
  auto front = RunExample("westland-rni-zoning");
  INFO(Dump(*front));
  const auto* d = front->Only(Kind::kNoCompetenceClosed);
  REQUIRE(d);
  CHECK(d->severity == loket::diag::Severity::kError);
  CHECK(front->diagnostics.size() == 1);  // no new findings
  REQUIRE(d->witnesses.size() == 2);

  // In Westland: an EU worker in non-compliant housing staying long enough for the BRP.
  const auto& local = d->witnesses[0];
  CHECK(local.jurisdiction == "westland");
  CHECK(local.case_yaml.find("category: eu_worker") != std::string::npos);
  CHECK(local.case_yaml.find("dwelling_meets_local_rules: false") != std::string::npos);
  CHECK(local.replay.find("could not replay") == std::string::npos);
  // The replay shows the local rule applying against the national one (L609).
  CHECK(local.replay.find("westland.ws.rni_zoning") != std::string::npos);
  CHECK(local.replay.find("national.brp.register") != std::string::npos);
  CHECK(local.replay.find("L609") != std::string::npos);

  // The same case in the national layer: registered as resident by the national rule.
  const auto& higher = d->witnesses[1];
  CHECK(higher.jurisdiction == "national");
  CHECK(higher.date == local.date);
  CHECK(higher.replay.find("registration = brp_resident (by national.brp.register)") !=
        std::string::npos);
}

TEST_CASE("L311 and L310 examples get a witness naming the local rule", "[analysis]") {
  for (auto [name, kind, rule] :
       {std::make_tuple("competence-owned", Kind::kNoCompetenceOwned,
                        "polderstad.ps.exempt_over_60"),
        std::make_tuple("amstelveen-leerplicht-exemption", Kind::kNoCompetenceClosed,
                        "amstelveen.av.expat_short_stay")}) {
    auto front = RunExample(name);
    INFO(name << "\n" << Dump(*front));
    const auto* d = front->Only(kind);
    REQUIRE(d);
    CHECK(front->diagnostics.size() == 1);
    REQUIRE(!d->witnesses.empty());
    CHECK(d->witnesses[0].replay.find(rule) != std::string::npos);
    CHECK(d->witnesses[0].replay.find("could not replay") == std::string::npos);
  }
}

TEST_CASE("L310 on a local rule that can never apply: a note, no witness, still an error",
          "[analysis]") {
  auto front = Run({{"national.loket", kNational},
                    {"m.loket",
                     "layer municipality m \"M\" under national code GM0001\n"
                     "rule m.others \"test basis\"\n"
                     "  when category == other\n"
                     "  then registered = true\n"}});
  INFO(Dump(*front));
  const auto* d = front->Only(Kind::kNoCompetenceClosed);
  REQUIRE(d);
  CHECK(d->severity == loket::diag::Severity::kError);
  CHECK(d->witnesses.empty());
  bool noted = false;
  for (const auto& n : d->notes) {
    noted = noted || n.message.find("the local rule can never apply") != std::string::npos;
  }
  CHECK(noted);
}

TEST_CASE("L310 prefers a case the higher layer decides differently", "[analysis]") {
  auto front = Run({{"national.loket", kNational},
                    {"m.loket",
                     "layer municipality m \"M\" under national code GM0001\n"
                     "rule m.short \"test basis\"\n"
                     "  when stay_days >= 100\n"
                     "  then registered = true\n"}});
  INFO(Dump(*front));
  const auto* d = front->Only(Kind::kNoCompetenceClosed);
  REQUIRE(d);
  REQUIRE(d->witnesses.size() == 2);
  // Only 100..121 days separate the local rule from the national one.
  CHECK(d->witnesses[1].replay.find("registered = false (default)") != std::string::npos);
  CHECK(d->witnesses[0].replay.find("registered = true (by m.m.short)") != std::string::npos);
}

TEST_CASE("Competence errors next to another error get no witness search", "[analysis]") {
  auto front = Run({{"national.loket", kNational},
                    {"m.loket",
                     "layer municipality m \"M\" under national code GM0001\n"
                     "rule m.short \"test basis\"\n"
                     "  when stay_dayz >= 100\n"
                     "  then registered = true\n"}});
  INFO(Dump(*front));
  const auto* d = front->Only(Kind::kNoCompetenceClosed);
  REQUIRE(d);
  CHECK(d->witnesses.empty());
}
