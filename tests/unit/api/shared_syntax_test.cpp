// IncrementalChecker shares the syntax trees of unchanged files between checks (sema keeps
// its results beside them, in sema::Annotations), and a re-check's results equal a full check.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "api/rule_base_impl.h"
#include "ast/ast.h"
#include "loket/checker.h"
#include "loket/diagnostic.h"
#include "loket/rule_base.h"
#include "sema/model.h"

namespace {

const char* kNational = R"(layer national "Nederland"

enum Permit "residence permit" {
  asylum_fixed "asylum permit for a fixed period",
  regular "regular permit",
  none "no lawful stay"
}

law wi2021 "Wet inburgering 2021" bwb BWBR0044770

fact age: int in 0..130 "age in full years"
fact permit: Permit "residence permit"
fact school_years: int in 0..20 optional "years of schooling"

let adult = age >= 18

domain integration "Inburgering" {
  decision integration_duty: bool default false closed "obliged to integrate"
  decision coaching_hours: int in 0..100 default 0 delegated to municipality within 0..40
}

rule wi.duty [wi2021 art 3 lid 1 sub a]
  when adult and permit in {asylum_fixed, regular}
  then integration_duty = true

rule wi.schooled "Wet inburgering 2021, art. 4" exception to wi.duty
  when known(school_years) and school_years >= 12
  then integration_duty = false
)";

std::string Municipality(const std::string& name, int hours) {
  return "layer municipality " + name + " \"Gemeente " + name + "\" under national\n\n" +
         "rule local.coaching [wi2021 art 18; \"Verordening coaching " + name + "\"]\n" +
         "  when permit == asylum_fixed and adult\n" +
         "  then coaching_hours = " + std::to_string(hours) + "\n";
}

std::vector<loket::SourceText> Country(int westland_hours) {
  return {{"national/national.loket", kNational},
          {"municipalities/amsterdam.loket", Municipality("amsterdam", 20)},
          {"municipalities/westland.loket", Municipality("westland", westland_hours)},
          {"municipalities/zaanstad.loket", Municipality("zaanstad", 12)}};
}

loket::LoadOptions Options() {
  loket::LoadOptions options;
  options.threads = 2;
  return options;
}

const loket::sema::Model& ModelOf(const loket::RuleBase& rules) {
  REQUIRE(loket::internal::RuleBaseAccess::Impl(rules).model != nullptr);
  return *loket::internal::RuleBaseAccess::Impl(rules).model;
}

// Each file's syntax tree by path.
std::map<std::string, const loket::ast::File*> Trees(const loket::RuleBase& rules) {
  const loket::sema::Model& model = ModelOf(rules);
  std::map<std::string, const loket::ast::File*> trees;
  for (const auto& file : model.files) trees[model.sources->path(file->id)] = file.get();
  return trees;
}

std::string Describe(const loket::ast::Type& type) {
  std::string text = std::to_string(static_cast<int>(type.kind));
  if (type.enum_decl) text += ":" + type.enum_decl->name;
  return text;
}

std::string Describe(const loket::ast::Symbol& symbol) {
  std::string text = std::to_string(static_cast<int>(symbol.kind));
  if (symbol.fact) text += " fact " + symbol.fact->layer + "." + symbol.fact->name;
  if (symbol.param) text += " param " + symbol.param->name;
  if (symbol.let) text += " let " + symbol.let->layer + "." + symbol.let->name;
  if (symbol.decision) text += " decision " + symbol.decision->name;
  if (symbol.enum_decl) {
    text += " member " + symbol.enum_decl->name + "#" + std::to_string(symbol.enum_index);
  }
  return text;
}

void DescribeExpr(const loket::ast::Expr* expr, const loket::sema::Annotations& annotations,
                  std::vector<std::string>& out) {
  if (!expr) return;
  out.push_back(std::to_string(static_cast<int>(expr->kind)) + " " + expr->name + " : " +
                Describe(annotations.TypeOf(*expr)) + " / " +
                Describe(annotations.SymbolOf(*expr)));
  for (const auto& operand : expr->operands) DescribeExpr(operand.get(), annotations, out);
}

// Everything sema learned, by layer, in words: equal for equal results.
std::vector<std::string> Annotations(const loket::RuleBase& rules) {
  const loket::sema::Model& model = ModelOf(rules);
  const loket::sema::Annotations& annotations = model.annotations;
  std::vector<std::string> out;
  for (const auto& layer : model.layers) {
    out.push_back("layer " + layer->name);
    for (const loket::ast::FactDecl* fact : layer->facts) {
      out.push_back("fact " + fact->name + " : " + Describe(annotations.TypeOf(fact->type)));
    }
    for (const loket::ast::LetDecl* let : layer->lets) {
      out.push_back("let " + let->name + " : " + Describe(annotations.TypeOf(*let)));
      DescribeExpr(let->value.get(), annotations, out);
    }
    for (const loket::ast::DecisionDecl* decision : layer->decisions) {
      out.push_back("decision " + decision->name + " : " +
                    Describe(annotations.TypeOf(decision->type)));
    }
    for (const loket::ast::RuleDecl* rule : layer->rules) {
      out.push_back("rule " + rule->id + " citing " + annotations.CitationText(*rule));
      for (const loket::ast::Citation& citation : rule->citations) {
        const loket::sema::CitationInfo& info = annotations.InfoOf(citation);
        out.push_back("  cites " + info.text + " art " + info.article +
                      (info.law_decl ? " of " + info.law_decl->name : std::string()));
      }
      for (const loket::ast::RuleRef& ref : rule->exception_to) {
        const loket::ast::RuleDecl* target = annotations.TargetOf(ref);
        out.push_back("  exception to " + (target ? target->layer + "." + target->id : "?"));
      }
      DescribeExpr(rule->condition.get(), annotations, out);
      for (const loket::ast::Assignment& assignment : rule->assignments) {
        const loket::ast::DecisionDecl* decision = annotations.DecisionOf(assignment);
        out.push_back("  assigns " + (decision ? decision->name : "?"));
        DescribeExpr(assignment.value.get(), annotations, out);
      }
    }
  }
  return out;
}

std::vector<std::string> Lines(const loket::RuleBase& rules) {
  std::vector<std::string> lines;
  for (const loket::Diagnostic& diagnostic : rules.diagnostics()) {
    lines.push_back(loket::RenderText(diagnostic));
  }
  return lines;
}

}  // namespace

TEST_CASE("IncrementalChecker: unchanged files' syntax is shared, not copied", "[api]") {
  loket::IncrementalChecker checker(Options());
  loket::RuleBase first = checker.Check(Country(10));
  REQUIRE_FALSE(first.has_errors());
  const std::vector<std::string> first_annotations = Annotations(first);
  const std::map<std::string, const loket::ast::File*> before = Trees(first);
  REQUIRE(before.size() == 4);

  // Edit one municipality: its tree is new, every other file's is the very same object.
  loket::RuleBase edited = checker.Check(Country(11));
  CHECK(checker.last_stats().files_parsed == 1);
  CHECK(checker.last_stats().files_reused == 3);
  const std::map<std::string, const loket::ast::File*> after = Trees(edited);
  REQUIRE(after.size() == 4);
  for (const auto& [path, tree] : after) {
    INFO(path);
    if (path == "municipalities/westland.loket") {
      CHECK(tree != before.at(path));
    } else {
      CHECK(tree == before.at(path));
    }
  }

  // What the re-check says, and what sema learned, equal a full check of the edited text.
  loket::RuleBase full = loket::RuleBase::FromSources(Country(11), Options());
  CHECK(Lines(edited) == Lines(full));
  CHECK(Annotations(edited) == Annotations(full));
  CHECK(edited.ContentHash() == full.ContentHash());

  // The earlier result shares those trees and still reads its own annotations.
  CHECK(Annotations(first) == first_annotations);
  CHECK(Annotations(first) == Annotations(loket::RuleBase::FromSources(Country(10), Options())));

  // Files in another order: still shared, results still a full check's.
  std::vector<loket::SourceText> reversed = Country(11);
  std::reverse(reversed.begin(), reversed.end());
  loket::RuleBase moved = checker.Check(reversed);
  CHECK(checker.last_stats().files_parsed == 0);
  CHECK(Trees(moved) == after);
  loket::RuleBase moved_full = loket::RuleBase::FromSources(reversed, Options());
  CHECK(Lines(moved) == Lines(moved_full));
  CHECK(Annotations(moved) == Annotations(moved_full));
  CHECK(moved.ContentHash() == moved_full.ContentHash());
}
