// sema: the annotations Analyze leaves on the AST (types, symbols, assigned decisions,
// exception targets), the layer tree, and the notes and help of its diagnostics.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "diag/diagnostic.h"
#include "sema/model.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

using namespace loket;

namespace {

struct Checked {
  std::unique_ptr<source::SourceManager> sources = std::make_unique<source::SourceManager>();
  std::unique_ptr<sema::Model> model;
  std::vector<diag::Diagnostic> diagnostics;

  std::string Text(source::SourceRange range) const {
    return std::string(sources->text(range.file).substr(range.begin, range.end - range.begin));
  }
  const diag::Diagnostic* Find(std::string_view code) const {
    for (const auto& diagnostic : diagnostics) {
      if (diag::Info(diagnostic.kind).code == code) return &diagnostic;
    }
    return nullptr;
  }
};

Checked Check(const std::vector<std::pair<std::string, std::string>>& files) {
  Checked checked;
  diag::DiagnosticSink sink;
  std::vector<std::unique_ptr<ast::File>> parsed;
  for (const auto& [path, text] : files) {
    source::FileId id = checked.sources->AddFile(path, text);
    parsed.push_back(syntax::ParseFile(*checked.sources, id, syntax::ParseLimits{}, sink));
  }
  checked.model = sema::Analyze(std::move(parsed), *checked.sources, sink);
  checked.diagnostics = sink.Take();
  return checked;
}

const char* kNational = R"(layer national "Nederland"
enum Permit { none, asylum_fixed, regular_fixed }
enum Route { none, b1 }
fact age: int in 0..130
fact permit: Permit
fact arrival: date
fact school_years: int optional
param aow_age: int = 67
let adult = age >= 18 and age < aow_age
let years_here = years_between(arrival, reference_date)
decision duty: bool default false
decision route: Route default none delegated to municipality within {none, b1}
rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when adult and permit in {asylum_fixed, regular_fixed}
  then duty = true, route = b1
rule wi.exempt "Wet inburgering 2021, art. 4"
  exception to wi.duty
  when known(school_years) and school_years >= 8
  then duty = false
)";

const char* kWestland =
    R"(layer municipality westland "Gemeente Westland" under national code GM1783
rule ws.route "Verordening Westland, art. 2"
  exception to national.wi.duty
  when arrival + 3 years > reference_date
  then route = none
)";

}  // namespace

TEST_CASE("sema: a clean rule base has no diagnostics and a layer tree", "[sema]") {
  Checked checked = Check({{"national.loket", kNational}, {"westland.loket", kWestland}});
  REQUIRE(checked.diagnostics.empty());
  const sema::Model& model = *checked.model;
  REQUIRE_FALSE(model.has_errors);
  REQUIRE(model.layers.size() == 2);
  REQUIRE(model.root != nullptr);
  CHECK(model.root->name == "national");
  CHECK(model.root->kind == "national");
  const sema::Layer* westland = model.FindLayer("westland");
  REQUIRE(westland != nullptr);
  CHECK(westland->kind == "municipality");
  CHECK(westland->code == "GM1783");
  CHECK(westland->parent == model.root);
  CHECK(westland->depth == 1);
  CHECK(westland->is_leaf());
  CHECK(model.root->children == std::vector<sema::Layer*>{model.layers[1].get()});
  std::vector<const sema::Layer*> chain = model.Chain(*westland);
  REQUIRE(chain.size() == 2);
  CHECK(chain[0] == model.root);
  CHECK(chain[1] == westland);
  CHECK(model.FindLayer("amsterdam") == nullptr);
  CHECK(model.root->facts.size() == 4);
  CHECK(model.root->rules.size() == 2);
  CHECK(westland->rules.size() == 1);
  CHECK(westland->rules[0]->layer == "westland");
  CHECK(model.root->FindRule("wi.exempt") == model.root->rules[1]);
  CHECK(model.root->FindRule("ws.route") == nullptr);
}

TEST_CASE("sema: types and symbols on declarations and expressions", "[sema]") {
  Checked checked = Check({{"national.loket", kNational}, {"westland.loket", kWestland}});
  REQUIRE(checked.diagnostics.empty());
  const ast::File& national = *checked.model->files[0];
  const sema::Annotations& annotations = checked.model->annotations;
  const ast::EnumDecl* permit = national.enums[0].get();
  const ast::EnumDecl* route = national.enums[1].get();

  CHECK(annotations.TypeOf(national.facts[0]->type) == ast::Type::Int());
  CHECK(annotations.TypeOf(national.facts[1]->type) == ast::Type::Enum(permit));
  CHECK(annotations.TypeOf(national.facts[2]->type) == ast::Type::Date());
  CHECK(annotations.TypeOf(*national.lets[0]) == ast::Type::Bool());
  CHECK(annotations.TypeOf(*national.lets[1]) == ast::Type::Int());
  CHECK(annotations.TypeOf(national.decisions[1]->type) == ast::Type::Enum(route));

  // adult = age >= 18 and age < aow_age
  const ast::Expr& adult = *national.lets[0]->value;
  REQUIRE(adult.kind == ast::ExprKind::kAnd);
  const ast::Expr& less = *adult.operands[1];
  CHECK(annotations.TypeOf(less) == ast::Type::Bool());
  CHECK(annotations.SymbolOf(*less.operands[0]).kind == ast::SymbolKind::kFact);
  CHECK(annotations.SymbolOf(*less.operands[0]).fact == national.facts[0].get());
  CHECK(annotations.TypeOf(*less.operands[0]) == ast::Type::Int());
  CHECK(annotations.SymbolOf(*less.operands[1]).kind == ast::SymbolKind::kParam);
  CHECK(annotations.SymbolOf(*less.operands[1]).param == national.params[0].get());

  // years_between(arrival, reference_date)
  const ast::Expr& years = *national.lets[1]->value;
  CHECK(annotations.TypeOf(years) == ast::Type::Int());
  CHECK(annotations.SymbolOf(*years.operands[1]).kind == ast::SymbolKind::kReferenceDate);
  CHECK(annotations.TypeOf(*years.operands[1]) == ast::Type::Date());

  // when adult and permit in {asylum_fixed, regular_fixed}
  const ast::RuleDecl& duty = *national.rules[0];
  const ast::Expr& condition = *duty.condition;
  CHECK(annotations.SymbolOf(*condition.operands[0]).kind == ast::SymbolKind::kLet);
  CHECK(annotations.SymbolOf(*condition.operands[0]).let == national.lets[0].get());
  const ast::Expr& in = *condition.operands[1];
  CHECK(annotations.TypeOf(in) == ast::Type::Bool());
  const ast::Expr& set = *in.operands[1];
  CHECK(annotations.TypeOf(set) == ast::Type::SetOf(permit));
  CHECK(annotations.SymbolOf(*set.operands[1]).kind == ast::SymbolKind::kEnumMember);
  CHECK(annotations.SymbolOf(*set.operands[1]).enum_decl == permit);
  CHECK(annotations.SymbolOf(*set.operands[1]).enum_index == 2);

  // then duty = true, route = b1: the member resolves against the decision's enum.
  REQUIRE(duty.assignments.size() == 2);
  CHECK(annotations.DecisionOf(duty.assignments[0]) == national.decisions[0].get());
  CHECK(annotations.DecisionOf(duty.assignments[1]) == national.decisions[1].get());
  const ast::Expr& b1 = *duty.assignments[1].value;
  CHECK(annotations.TypeOf(b1) == ast::Type::Enum(route));
  CHECK(annotations.SymbolOf(b1).enum_decl == route);
  CHECK(annotations.SymbolOf(b1).enum_index == 1);

  // `none` in `within {none, b1}` is Route's none, not Permit's.
  const ast::Delegation& delegation = *national.decisions[1]->delegation;
  CHECK(annotations.SymbolOf(*delegation.within_set[0]).enum_decl == route);

  // known(school_years) and the guarded read
  const ast::RuleDecl& exempt = *national.rules[1];
  const ast::Expr& known = *exempt.condition->operands[0];
  CHECK(known.kind == ast::ExprKind::kKnown);
  CHECK(annotations.SymbolOf(known).fact == national.facts[3].get());
  CHECK(annotations.TypeOf(known) == ast::Type::Bool());
  REQUIRE(exempt.exception_to.size() == 1);
  CHECK(annotations.TargetOf(exempt.exception_to[0]) == &duty);

  // A lower layer: a qualified exception target, date + duration, and the decision above.
  const ast::File& westland = *checked.model->files[1];
  const ast::RuleDecl& local = *westland.rules[0];
  CHECK(annotations.TargetOf(local.exception_to[0]) == &duty);
  const ast::Expr& later = *local.condition;
  CHECK(annotations.TypeOf(*later.operands[0]) == ast::Type::Date());
  CHECK(annotations.TypeOf(*later.operands[0]->operands[1]) == ast::Type::Duration());
  CHECK(annotations.DecisionOf(local.assignments[0]) == national.decisions[1].get());
  CHECK(annotations.SymbolOf(*local.assignments[0].value).enum_decl == route);
  CHECK(annotations.SymbolOf(*local.assignments[0].value).enum_index == 0);
}

TEST_CASE("sema: an unknown name suggests the closest visible one", "[sema]") {
  Checked checked = Check({{"n.loket", R"(layer national "Nederland"
enum Nationality { dutch, syrian }
fact nationality: Nationality
decision duty: bool default false
rule r "Wet inburgering 2021, art. 3"
  when nationalty == syrian
  then duty = true
)"}});
  REQUIRE(checked.diagnostics.size() == 1);
  const diag::Diagnostic& unknown = checked.diagnostics[0];
  CHECK(diag::Info(unknown.kind).code == "L201");
  CHECK(unknown.message == "unknown fact `nationalty`");
  CHECK(checked.Text(unknown.range) == "nationalty");
  REQUIRE(unknown.help.size() == 1);
  CHECK(unknown.help[0] == "did you mean `nationality`?");
  REQUIRE(unknown.notes.size() == 1);
  CHECK(checked.Text(unknown.notes[0].range) == "nationality");
  CHECK(unknown.layer == "national");
  CHECK(checked.model->has_errors);
}

TEST_CASE("sema: competence findings point at the decision and explain", "[sema]") {
  Checked checked =
      Check({{"national.loket", R"(layer national "Nederland"
fact age: int
decision intake_fine: money default €250 closed
)"},
             {"westland.loket", R"(layer municipality westland "Westland" under national
rule ws.fine "Verordening Westland, art. 1"
  when age > 20
  then intake_fine = €100
)"}});
  REQUIRE(checked.diagnostics.size() == 1);
  const diag::Diagnostic& closed = checked.diagnostics[0];
  CHECK(diag::Info(closed.kind).code == "L310");
  CHECK(checked.Text(closed.range) == "intake_fine");
  CHECK(checked.sources->path(closed.range.file) == "westland.loket");
  REQUIRE(closed.notes.size() == 1);
  CHECK(checked.sources->path(closed.notes[0].range.file) == "national.loket");
  CHECK(checked.Text(closed.notes[0].range) == "intake_fine");
  REQUIRE(closed.help.size() == 1);
  CHECK(closed.help[0] ==
        "the decision is closed to municipalities; national law leaves no room "
        "here");
  CHECK(closed.layer == "westland");
}

TEST_CASE("sema: names of lower layers are not visible, with a note at the declaration", "[sema]") {
  Checked checked =
      Check({{"national.loket", R"(layer national "Nederland"
decision duty: bool default false
rule r "Wet inburgering 2021, art. 3"
  when local_flag
  then duty = true
)"},
             {"westland.loket", R"(layer municipality westland "Westland" under national
let local_flag = true
)"}});
  const diag::Diagnostic* hidden = checked.Find("L308");
  REQUIRE(hidden != nullptr);
  CHECK(checked.Text(hidden->range) == "local_flag");
  REQUIRE(hidden->notes.size() == 1);
  CHECK(checked.sources->path(hidden->notes[0].range.file) == "westland.loket");
  CHECK(checked.Text(hidden->notes[0].range) == "local_flag");
  CHECK(checked.diagnostics.size() == 1);
}

TEST_CASE("sema: files that did not parse are skipped without a crash", "[sema]") {
  Checked checked = Check({{"broken.loket", "this is not loket"},
                           {"national.loket", "layer national \"Nederland\"\nfact age: int\n"}});
  CHECK(checked.Find("L109") != nullptr);
  // No cascade: no root-layer complaint, no name errors.
  for (const auto& diagnostic : checked.diagnostics) {
    CHECK(diag::Info(diagnostic.kind).code.substr(0, 2) == "L1");
  }
  REQUIRE(checked.model->root != nullptr);
  CHECK(checked.model->root->facts.size() == 1);
}

TEST_CASE("sema: an empty rule base has no root layer", "[sema]") {
  Checked checked = Check({});
  REQUIRE(checked.diagnostics.size() == 1);
  CHECK(diag::Info(checked.diagnostics[0].kind).code == "L305");
  CHECK_FALSE(checked.diagnostics[0].range.valid());
  CHECK(checked.model->root == nullptr);
}
