// The dependency graph: evaluation order, cycles (L401, L402), unused declarations (L403-L405)
// and the DOT / JSON export.
#include <catch2/catch.hpp>

#include <set>

#include <nlohmann/json.hpp>

#include "../analysis/analysis_helpers.h"

using loket::analysis::testing::Check;
using loket::analysis::testing::CheckExample;
using loket::diag::Kind;

namespace {

const char* kNational = R"L(layer national "Nederland"
enum Route { none, b1, z_route }
fact age: int in 0..130 "age"
fact stay: int in 0..1200 "months in NL"
fact unused_fact: bool "never read"
let adult = age >= 18
let newcomer = stay < 12 and adult
let never_read = age > 100
decision route: Route default none
decision hours: int default 0 delegated to municipality favours higher
decision nobody: bool default false
rule r.route "Wet inburgering 2021, art. 9"
  when newcomer and hours > 10
  then route = z_route
rule r.hours "Besluit inburgering 2021, art. 3.14"
  when adult
  then hours = 800
)L";

std::vector<std::string> Order(const loket::analysis::testing::Checked& checked,
                               const std::string& layer) {
  auto graph = loket::graph::DependencyGraph::Build(*checked.model);
  std::vector<std::string> names;
  for (const auto& step : graph.EvaluationOrder(*checked.model->FindLayer(layer))) {
    names.push_back(step.let ? step.let->name : step.decision->name);
  }
  return names;
}

std::size_t IndexOf(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

TEST_CASE("evaluation order puts what is read first", "[graph]") {
  auto checked = Check({{"national.loket", kNational}});
  INFO(checked->Dump());
  REQUIRE(checked->model);
  auto order = Order(*checked, "national");
  REQUIRE(order.size() == 6);
  CHECK(IndexOf(order, "adult") < IndexOf(order, "newcomer"));
  CHECK(IndexOf(order, "newcomer") < IndexOf(order, "route"));
  CHECK(IndexOf(order, "hours") < IndexOf(order, "route"));  // r.route reads hours
}

TEST_CASE("evaluation order follows exception trees", "[graph]") {
  // r.pair decides `late` and `other`; its exception r.pair.unless (deciding only `other`)
  // and that one's exception read `early` and `flag`. Whether r.pair decides `late` depends
  // on them, so `early` and `flag` come before `late`.
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact age: int in 0..130 "age"
decision late: bool default false
decision other: bool default false
decision early: bool default false
decision flag: bool default false
rule r.pair "Wet X, art. 1"
  when age > 20
  then late = true
       other = true
rule r.pair.unless "Wet X, art. 2"
  exception to r.pair
  when age > 20 and early
  then other = false
rule r.pair.unless.again "Wet X, art. 3"
  exception to r.pair.unless
  when age > 20 and flag
  then other = true
rule r.early "Wet X, art. 4"
  when age > 30
  then early = true
rule r.flag "Wet X, art. 5"
  when age > 40
  then flag = true
)L"}});
  INFO(checked->Dump());
  REQUIRE(checked->model);
  CHECK(checked->graph.empty());
  auto order = Order(*checked, "national");
  REQUIRE(order.size() == 4);
  CHECK(IndexOf(order, "early") < IndexOf(order, "late"));
  CHECK(IndexOf(order, "flag") < IndexOf(order, "late"));
}

TEST_CASE("unused facts and lets and undecided decisions are notes", "[graph]") {
  auto checked = Check({{"national.loket", kNational}});
  REQUIRE(checked->Of(Kind::kUnusedFact).size() == 1);
  CHECK(checked->Of(Kind::kUnusedFact)[0]->message.find("unused_fact") != std::string::npos);
  REQUIRE(checked->Of(Kind::kUnusedLet).size() == 1);
  CHECK(checked->Of(Kind::kUnusedLet)[0]->message.find("never_read") != std::string::npos);
  REQUIRE(checked->Of(Kind::kUnusedDecision).size() == 1);
  CHECK(checked->Of(Kind::kUnusedDecision)[0]->message.find("nobody") != std::string::npos);
  CHECK(std::string(loket::diag::Info(Kind::kUnusedDecision).code) == "L404");
  for (const auto* d : checked->Of(Kind::kUnusedFact)) {
    CHECK(d->severity == loket::diag::Severity::kNote);
  }
}

TEST_CASE("L401: a definition cycle is reported once, as an ordered path", "[graph]") {
  auto checked = Check({{"national.loket", R"L(layer national "Nederland"
fact age: int in 0..130 "age"
let a = b and age > 3
let b = c
let c = a or age > 90
decision d: bool default false
rule r "Wet X, art. 1"
  when a
  then d = true
)L"}});
  INFO(checked->Dump());
  auto cycles = checked->Of(Kind::kDependencyCycle);
  REQUIRE(cycles.size() == 1);
  CHECK(cycles[0]->message.find("a -> b -> c -> a") != std::string::npos);
  CHECK(cycles[0]->notes.size() == 3);
  // The analysis does not run on a model with errors; the evaluation order still exists.
  CHECK(Order(*checked, "national").size() == 4);
}

TEST_CASE("L401: a decision that reads itself through its rules", "[graph]") {
  auto checked = CheckExample("dependency-cycle");
  INFO(checked->Dump());
  auto cycles = checked->Of(Kind::kDependencyCycle);
  REQUIRE(cycles.size() == 1);
  bool via_rule = false;
  for (const auto& note : cycles[0]->notes) {
    via_rule = via_rule || note.message.find("is decided by rule") != std::string::npos;
  }
  CHECK(via_rule);
}

TEST_CASE("L402: exceptions that form a cycle", "[graph]") {
  auto checked = CheckExample("exception-cycle");
  INFO(checked->Dump());
  auto cycles = checked->Of(Kind::kExceptionCycle);
  REQUIRE(cycles.size() == 1);
  CHECK(cycles[0]->notes.size() == 2);
  CHECK(cycles[0]->message.find(" -> ") != std::string::npos);
}

TEST_CASE("DOT export: layers as nested clusters, findings in red, filters", "[graph]") {
  auto checked = CheckExample("ambiguity");
  auto graph = loket::graph::DependencyGraph::Build(*checked->model);
  loket::graph::GraphExportOptions options;
  std::vector<loket::diag::Diagnostic> findings = checked->findings;
  options.findings = &findings;
  std::string dot = graph.ToDot(options);
  CHECK(dot.find("subgraph \"cluster_national\"") != std::string::npos);
  CHECK(dot.find("subgraph \"cluster_havenstad\"") != std::string::npos);
  CHECK(dot.find("rule\\nhs.newcomer_standard\", shape=component, color=red") != std::string::npos);
  CHECK(dot.find("rule\\nhs.young_intensive\", shape=component]") != std::string::npos);
  CHECK(dot.find("delegated-to") != std::string::npos);

  options.decision = "z_course_hours";
  options.jurisdiction = "national";
  std::string national = graph.ToDot(options);
  CHECK(national.find("havenstad") == std::string::npos);
  CHECK(national.find("wi.z_route_hours") != std::string::npos);
}

TEST_CASE("JSON export lists layers, vertices and edges", "[graph]") {
  auto checked = Check({{"national.loket", kNational}});
  auto graph = loket::graph::DependencyGraph::Build(*checked->model);
  loket::graph::GraphExportOptions options;
  options.decision = "route";
  auto json = nlohmann::json::parse(graph.ToJson(options));
  std::set<std::string> names;
  for (const auto& v : json["vertices"]) names.insert(v["name"].get<std::string>());
  // route's cone: its rule, the lets and facts it reads, and hours (read by the condition).
  CHECK(names.count("r.route") == 1);
  CHECK(names.count("newcomer") == 1);
  CHECK(names.count("adult") == 1);
  CHECK(names.count("stay") == 1);
  CHECK(names.count("hours") == 1);
  CHECK(names.count("never_read") == 0);
  CHECK(names.count("unused_fact") == 0);
  CHECK(json["layers"].size() == 1);
  bool writes = false;
  for (const auto& e : json["edges"]) writes = writes || e["kind"] == "writes";
  CHECK(writes);
}

namespace {

// A national layer whose delegated `hours` a municipality can make depend on itself (through
// `busy`), and three municipalities.
const char* kCacheNational = R"L(layer national "Nederland"
fact age: int in 0..130 "age"
fact stay: int in 0..1200 "months in NL"
let busy = hours > 10
decision hours: int default 0 delegated to municipality favours higher
decision visit: bool default false delegated to municipality favours true
rule r.hours "Besluit inburgering 2021, art. 3.14"
  when age >= 18
  then hours = 800
)L";

// Municipality `name`: `busy_rule` decides hours from busy (a cycle through national), a
// `local_cycle` of two lets, and a rule that reads `stay` (read nowhere else) when
// `reads_stay`.
std::string CacheMunicipality(const std::string& name, bool busy_rule, bool local_cycle,
                              bool reads_stay) {
  std::string text = "layer municipality " + name + " \"Gemeente " + name + "\" under national\n";
  if (busy_rule) {
    text +=
        "rule " + name + ".hours \"Verordening " + name + "\"\n  when busy\n  then hours = 900\n";
  }
  if (local_cycle) {
    text += "let p = q and age > 3\nlet q = p\n";
    text += "rule " + name + ".visit \"Verordening " + name + "\"\n  when p\n  then visit = true\n";
  }
  if (reads_stay) {
    text += "rule " + name + ".stay \"Verordening " + name +
            "\"\n  when stay < 6\n  then visit = true\n";
  }
  return text;
}

// Everything graph::CheckStructure reports, ranges and notes included.
std::vector<std::string> StructureLines(const loket::sema::Model& model,
                                        loket::graph::StructureCache* cache) {
  loket::diag::DiagnosticSink sink;
  loket::graph::CheckStructure(model, sink, cache);
  auto at = [](loket::source::SourceRange r) {
    return "@" + std::to_string(r.file) + ":" + std::to_string(r.begin) + "-" +
           std::to_string(r.end);
  };
  std::vector<std::string> lines;
  for (const auto& d : sink.diagnostics()) {
    std::string line = std::string(loket::diag::Info(d.kind).code) + " [" + d.layer + "] " +
                       d.message + at(d.range);
    for (const auto& note : d.notes) line += " | " + note.message + at(note.range);
    lines.push_back(line);
  }
  return lines;
}

std::size_t Count(const std::vector<std::string>& lines, const std::string& code) {
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(code, 0) == 0; }));
}

}  // namespace

TEST_CASE("StructureCache: re-checks with a cache report what a check without one does",
          "[graph]") {
  loket::graph::StructureCache cache;
  struct Version {
    const char* what;
    bool amsterdam_busy, westland_cycle, zaanstad_busy, zaanstad_stay;
    std::size_t cycles, unused_facts;
  };
  const Version versions[] = {
      // The cycle through national's busy and hours is closed by a rule of amsterdam and one
      // of zaanstad: reported in each municipality (where its edge was added), as is
      // westland's own.
      {"first check", true, true, true, true, 3, 0},
      {"westland without its cycle; zaanstad no longer reads stay", true, false, true, false, 2, 1},
      // Amsterdam's part of the shared cycle goes; zaanstad, unchanged, still has it.
      {"amsterdam without the busy rule", false, false, true, false, 1, 1},
      {"nothing changed", false, false, true, false, 1, 1},
      {"every cycle gone, stay read again", false, false, false, true, 0, 0},
      {"back to the first", true, true, true, true, 3, 0},
  };
  for (const Version& v : versions) {
    INFO(v.what);
    auto checked =
        Check({{"national.loket", kCacheNational},
               {"amsterdam.loket", CacheMunicipality("amsterdam", v.amsterdam_busy, false, false)},
               {"westland.loket", CacheMunicipality("westland", false, v.westland_cycle, false)},
               {"zaanstad.loket",
                CacheMunicipality("zaanstad", v.zaanstad_busy, false, v.zaanstad_stay)}});
    INFO(checked->Dump());
    REQUIRE(checked->model);
    REQUIRE_FALSE(checked->model->has_errors);
    std::vector<std::string> uncached = StructureLines(*checked->model, nullptr);
    std::vector<std::string> cached = StructureLines(*checked->model, &cache);
    CHECK(cached == uncached);
    CHECK(Count(cached, "L401") == v.cycles);
    CHECK(Count(cached, "L403") == v.unused_facts);
    CHECK(cache.size() == 3);  // the three jurisdictions of this check
    // The member function (no cache) agrees too.
    loket::diag::DiagnosticSink member_sink;
    loket::graph::DependencyGraph::Build(*checked->model).CheckStructure(member_sink);
    CHECK(member_sink.diagnostics().size() == uncached.size());
  }
}
