// CloneSyntax: a copy checks exactly like the original, and sema's annotations on one never
// point into the other.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ast/clone.h"
#include "diag/diagnostic.h"
#include "sema/model.h"
#include "source/source_manager.h"
#include "syntax/parse.h"

using namespace loket;

namespace {

// Every construct of the language: all declaration kinds, every expression kind, ranges,
// validity on a layer and on rules, params with dated values, delegation with both bounds.
const char* kNational = R"(layer national "Nederland" valid from 2020-01-01

enum Permit "residence permit" {
  asylum_fixed "asylum permit for a fixed period",
  eu_citizen "EU citizen",
  none
}
enum Service { intake, language_course, housing_visit }

authority duo "Dienst Uitvoering Onderwijs"

fact age: int in 0..130 "age in full years"
fact permit: Permit "residence permit"
fact arrival: date "date of arrival"
fact income: money in €0..€100.000,00 optional "monthly income"
fact origin_sensitive: bool protected "a protected fact"
fact wanted: set of Service optional

param threshold: money = €1.000 from 2021-01-01 = 1250 EUR from 2024-01-01 "income threshold"
param grace_days: int = 5

let adult: bool = age >= 18 "of age"
let recent = days_between(arrival, reference_date) <= 365 and not (permit == none)
let score = if adult then max(age, 18) * 2 - min(age, 30) / 2 else -(age + 1)

assume adult_has_permit: adult implies permit in {asylum_fixed, eu_citizen} "assumption"
assume age in 0..130

domain integration "Inburgering" {
  decision duty: bool default false closed "obliged to integrate"
  decision route: Permit default none delegated to municipality within {asylum_fixed, none}
  decision allowance: money in €0..€500 default €0 delegated to municipality within €0..€250 favours higher
  decision exempt: bool default false owned by duo
  decision services: set of Service collect
}

rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  note "first note"
  note "second note"
  valid from 2021-01-01 until 2030-01-01
  when age in 16..66 and permit == asylum_fixed and years_between(arrival, reference_date) < 3
  then duty = true, route = asylum_fixed

rule wi.duty.old "Wet inburgering 2021, art. 3 lid 2"
  exception to wi.duty
  when age not in 16..17 or permit not in {asylum_fixed} or arrival + 3 years < 2022-01-01
  then duty = false

rule wi.services "Wet inburgering 2021, art. 16"
  when (known(income) and income < threshold) or arrival - 10 weeks > 2021-06-01
   and recent and score != 0 and arrival <= reference_date - 6 months + 5 days
  then services += {intake, language_course}
       allowance = €100
)";

// A municipality with mistakes, so both copies have diagnostics to agree on.
const char* kWestland =
    R"(layer municipality westland "Gemeente Westland" under national code GM1783

rule local.route "Verordening, test"
  exception to national.wi.duty
  when age > 16
  then route = asylum_fixed, allowance = €300

rule local.bad "Verordening, test"
  when agee > 3
  then duty = true
)";

const char* kWestlandMore = "layer westland\n\nfact local_flag: bool\n";

struct Parsed {
  std::unique_ptr<source::SourceManager> sources = std::make_unique<source::SourceManager>();
  std::vector<std::unique_ptr<ast::File>> files;
};

Parsed Parse(const std::vector<std::pair<std::string, std::string>>& texts) {
  Parsed parsed;
  diag::DiagnosticSink sink;
  for (const auto& [path, text] : texts) {
    source::FileId id = parsed.sources->AddFile(path, text);
    parsed.files.push_back(syntax::ParseFile(*parsed.sources, id, {}, sink));
  }
  INFO(sink.diagnostics().size() << " parse diagnostics");
  REQUIRE_FALSE(sink.has_errors());
  return parsed;
}

std::vector<std::unique_ptr<ast::File>> CloneAll(
    const std::vector<std::unique_ptr<ast::File>>& files) {
  std::vector<std::unique_ptr<ast::File>> copies;
  for (const auto& file : files) copies.push_back(ast::CloneSyntax(*file));
  return copies;
}

std::string Render(const std::vector<diag::Diagnostic>& diagnostics) {
  std::ostringstream out;
  for (const diag::Diagnostic& d : diagnostics) {
    out << diag::Info(d.kind).code << " " << d.range.file << ":" << d.range.begin << "-"
        << d.range.end << " " << d.message << " [" << d.layer << "]";
    for (const diag::Note& note : d.notes) {
      out << " / " << note.range.file << ":" << note.range.begin << " " << note.message;
    }
    out << "\n";
  }
  return out.str();
}

// Calls `visit` on every expression of a file.
void ForEachExpr(const ast::File& file, const std::function<void(const ast::Expr&)>& visit) {
  std::function<void(const ast::ExprPtr&)> walk = [&](const ast::ExprPtr& expr) {
    if (!expr) return;
    visit(*expr);
    for (const auto& operand : expr->operands) walk(operand);
  };
  for (const auto& param : file.params) {
    for (const auto& value : param->values) walk(value.value);
  }
  for (const auto& let : file.lets) walk(let->value);
  for (const auto& assume : file.assumes) walk(assume->condition);
  for (const auto& decision : file.decisions) {
    walk(decision->default_value);
    if (decision->delegation) {
      for (const auto& member : decision->delegation->within_set) walk(member);
      walk(decision->delegation->within_lo);
      walk(decision->delegation->within_hi);
    }
  }
  for (const auto& rule : file.rules) {
    walk(rule->condition);
    for (const auto& assignment : rule->assignments) walk(assignment.value);
  }
}

// The addresses of every declaration of a model's files.
std::set<const void*> Declarations(const sema::Model& model) {
  std::set<const void*> owned;
  for (const auto& file : model.files) {
    for (const auto& d : file->enums) owned.insert(d.get());
    for (const auto& d : file->facts) owned.insert(d.get());
    for (const auto& d : file->params) owned.insert(d.get());
    for (const auto& d : file->lets) owned.insert(d.get());
    for (const auto& d : file->decisions) owned.insert(d.get());
    for (const auto& d : file->rules) owned.insert(d.get());
  }
  return owned;
}

// Every annotation pointer sema left in `model`; counts how many there are.
int CheckAnnotationsOwnedBy(const sema::Model& model, const std::set<const void*>& own,
                            const std::set<const void*>& foreign) {
  int annotations = 0;
  auto check = [&](const void* target) {
    if (!target) return;
    ++annotations;
    CHECK(own.count(target) == 1);
    CHECK(foreign.count(target) == 0);
  };
  auto check_type = [&](const ast::Type& type) { check(type.enum_decl); };
  for (const auto& file : model.files) {
    ForEachExpr(*file, [&](const ast::Expr& expr) {
      check_type(expr.type);
      check(expr.symbol.fact);
      check(expr.symbol.param);
      check(expr.symbol.let);
      check(expr.symbol.decision);
      check(expr.symbol.enum_decl);
    });
    for (const auto& fact : file->facts) check_type(fact->type.type);
    for (const auto& let : file->lets) check_type(let->type);
    for (const auto& decision : file->decisions) check_type(decision->type.type);
    for (const auto& rule : file->rules) {
      for (const auto& ref : rule->exception_to) check(ref.target);
      for (const auto& assignment : rule->assignments) check(assignment.decision);
    }
  }
  return annotations;
}

}  // namespace

TEST_CASE("CloneSyntax: the copy checks like the original, annotations stay apart", "[syntax]") {
  Parsed parsed = Parse({{"national.loket", kNational},
                         {"westland.loket", kWestland},
                         {"westland_more.loket", kWestlandMore}});
  std::vector<std::unique_ptr<ast::File>> copies = CloneAll(parsed.files);

  diag::DiagnosticSink original_sink;
  auto original = sema::Analyze(std::move(parsed.files), *parsed.sources, original_sink);
  diag::DiagnosticSink copy_sink;
  auto copy = sema::Analyze(std::move(copies), *parsed.sources, copy_sink);
  REQUIRE(original);
  REQUIRE(copy);

  std::vector<diag::Diagnostic> original_diagnostics = original_sink.Take();
  std::vector<diag::Diagnostic> copy_diagnostics = copy_sink.Take();
  diag::SortDiagnostics(original_diagnostics);
  diag::SortDiagnostics(copy_diagnostics);
  // The municipality's mistakes: an unknown name, a closed decision, a range breach.
  CHECK(original_diagnostics.size() >= 2);
  CHECK(Render(copy_diagnostics) == Render(original_diagnostics));
  REQUIRE(copy->layers.size() == original->layers.size());
  CHECK(copy->layers[0]->rules.size() == original->layers[0]->rules.size());
  CHECK(copy->layers[0]->header != original->layers[0]->header);

  std::set<const void*> original_decls = Declarations(*original);
  std::set<const void*> copy_decls = Declarations(*copy);
  CHECK(CheckAnnotationsOwnedBy(*copy, copy_decls, original_decls) > 20);
  CHECK(CheckAnnotationsOwnedBy(*original, original_decls, copy_decls) > 20);
}

TEST_CASE("CloneSyntax: a copy of an annotated file carries no annotations", "[syntax]") {
  Parsed parsed = Parse({{"national.loket", kNational}});
  diag::DiagnosticSink sink;
  auto model = sema::Analyze(std::move(parsed.files), *parsed.sources, sink);
  REQUIRE(model);
  INFO(Render(sink.diagnostics()));
  REQUIRE_FALSE(sink.has_errors());
  const ast::File& annotated = *model->files.front();

  std::unique_ptr<ast::File> copy = ast::CloneSyntax(annotated);
  int names = 0;
  ForEachExpr(*copy, [&](const ast::Expr& expr) {
    CHECK(expr.type.kind == ast::TypeKind::kError);
    CHECK(expr.symbol.kind == ast::SymbolKind::kUnresolved);
    if (expr.kind == ast::ExprKind::kName) ++names;
  });
  CHECK(names > 10);
  for (const auto& rule : copy->rules) {
    for (const auto& ref : rule->exception_to) CHECK(ref.target == nullptr);
    for (const auto& assignment : rule->assignments) CHECK(assignment.decision == nullptr);
  }
  for (const auto& let : copy->lets) CHECK(let->type.kind == ast::TypeKind::kError);
  for (const auto& fact : copy->facts) CHECK(fact->type.type.kind == ast::TypeKind::kError);

  // The syntax is all there.
  REQUIRE(copy->header);
  CHECK(copy->header->name == "national");
  CHECK(copy->header->validity.from == annotated.header->validity.from);
  REQUIRE(copy->params.size() == 2);
  REQUIRE(copy->params[0]->values.size() == 2);
  CHECK(copy->params[0]->values[1].from == annotated.params[0]->values[1].from);
  CHECK(copy->params[0]->values[1].value->int_value == 125000);
  REQUIRE(copy->rules.size() == 3);
  CHECK(copy->rules[0]->notes == annotated.rules[0]->notes);
  CHECK(copy->rules[0]->validity.until == annotated.rules[0]->validity.until);
  CHECK(copy->rules[1]->exception_to.at(0).text == "wi.duty");
  CHECK(copy->rules[2]->assignments.size() == 2);
  REQUIRE(copy->decisions.size() == 5);
  REQUIRE(copy->decisions[1]->delegation);
  CHECK(copy->decisions[1]->delegation->within_set.size() == 2);
  CHECK(copy->decisions[2]->delegation->within_hi->int_value == 25000);
  CHECK(copy->decisions[2]->delegation->favours == ast::Favours::kHigher);
  CHECK(copy->decisions[3]->owned_by == std::optional<std::string>("duo"));
  CHECK(copy->decisions[4]->collect);
}

TEST_CASE("CloneSyntax: as another file id, every range moves along", "[syntax]") {
  Parsed parsed = Parse({{"national.loket", kNational}});
  const source::FileId other = 7;
  std::unique_ptr<ast::File> copy = ast::CloneSyntax(*parsed.files.front(), other);
  CHECK(copy->id == other);
  REQUIRE(copy->header);
  CHECK(copy->header->range.file == other);
  CHECK(copy->header->validity.range.file == other);
  int ranges = 0;
  ForEachExpr(*copy, [&](const ast::Expr& expr) {
    CHECK(expr.range.file == other);
    ++ranges;
  });
  CHECK(ranges > 50);
  for (const auto& rule : copy->rules) {
    CHECK(rule->range.file == other);
    CHECK(rule->id_range.file == other);
    CHECK(rule->citation_range.file == other);
  }
  for (const auto& decision : copy->decisions) {
    CHECK(decision->range.file == other);
    CHECK(decision->type.source.file == other);
  }
  // The original keeps its own.
  CHECK(parsed.files.front()->rules.front()->range.file == 0);
}
