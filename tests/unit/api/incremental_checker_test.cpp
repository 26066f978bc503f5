// IncrementalChecker: the same diagnostics as RuleBase::FromSources, with only changed files
// parsed and only the layers a change touches analysed again.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "loket/checker.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"

namespace {

const char* kNational = R"(layer national "Nederland"

enum Permit "residence permit" {
  asylum_fixed "asylum permit for a fixed period",
  regular "regular permit",
  none "no lawful stay"
}

fact age: int in 0..130 "age in full years"
fact permit: Permit "residence permit"

domain integration "Inburgering" {
  decision integration_duty: bool default false closed "obliged to integrate"
  decision coaching_hours: int in 0..100 default 0 delegated to municipality within 0..40
}

rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when age >= 16 and permit == asylum_fixed
  then integration_duty = true
)";

std::string Municipality(const std::string& name, int hours) {
  return "layer municipality " + name + " \"Gemeente " + name + "\" under national\n\n" +
         "rule local.coaching \"Verordening coaching " + name + "\"\n" +
         "  when permit == asylum_fixed and age >= 18\n" +
         "  then coaching_hours = " + std::to_string(hours) + "\n";
}

// Two overlapping rules that decide different hours: an ambiguity (L501).
const char* kAmbiguous =
    "\nrule local.coaching.young \"Verordening coaching (test)\"\n"
    "  when permit == asylum_fixed and age >= 18 and age < 30\n"
    "  then coaching_hours = 30\n";

std::vector<loket::SourceText> Country(const std::string& westland_extra = "") {
  return {{"national/national.loket", kNational},
          {"municipalities/amsterdam.loket", Municipality("amsterdam", 20)},
          {"municipalities/westland.loket", Municipality("westland", 10) + westland_extra},
          {"municipalities/zaanstad.loket", Municipality("zaanstad", 12)}};
}

std::vector<std::string> Lines(const loket::RuleBase& rules) {
  std::vector<std::string> lines;
  for (const loket::Diagnostic& diagnostic : rules.diagnostics()) {
    lines.push_back(loket::RenderText(diagnostic));
  }
  return lines;
}

bool Has(const loket::RuleBase& rules, const std::string& code) {
  for (const loket::Diagnostic& diagnostic : rules.diagnostics()) {
    if (diagnostic.code == code) return true;
  }
  return false;
}

loket::LoadOptions TwoThreads() {
  loket::LoadOptions options;
  options.threads = 2;
  return options;
}

}  // namespace

TEST_CASE("IncrementalChecker: same diagnostics as FromSources, first check and re-checks",
          "[api]") {
  loket::IncrementalChecker checker(TwoThreads());
  for (const std::string& extra : {std::string(), std::string(kAmbiguous), std::string("rule")}) {
    INFO("westland extra: " << extra);
    loket::RuleBase expected = loket::RuleBase::FromSources(Country(extra), TwoThreads());
    loket::RuleBase checked = checker.Check(Country(extra));
    CHECK(Lines(checked) == Lines(expected));
    CHECK(checked.has_errors() == expected.has_errors());
    CHECK(checked.stats().rules == expected.stats().rules);
    CHECK(checked.stats().errors == expected.stats().errors);
    CHECK(checked.layers().size() == expected.layers().size());
  }
}

TEST_CASE("IncrementalChecker: a change to one municipality parses and analyses only it", "[api]") {
  loket::IncrementalChecker checker(TwoThreads());
  loket::RuleBase first = checker.Check(Country());
  CHECK_FALSE(first.has_errors());
  CHECK(first.diagnostics().empty());
  loket::IncrementalChecker::Stats stats = checker.last_stats();
  CHECK(stats.files_parsed == 4);
  CHECK(stats.files_reused == 0);
  CHECK(stats.layers_analyzed == 4);
  CHECK(stats.layers_from_cache == 0);

  // Nothing changed: nothing parsed, nothing analysed.
  loket::RuleBase again = checker.Check(Country());
  CHECK(again.diagnostics().empty());
  stats = checker.last_stats();
  CHECK(stats.files_parsed == 0);
  CHECK(stats.files_reused == 4);
  CHECK(stats.layers_analyzed == 0);
  CHECK(stats.layers_from_cache == 4);

  // A new conflict in westland is found; only westland is parsed and analysed.
  loket::RuleBase conflicted = checker.Check(Country(kAmbiguous));
  stats = checker.last_stats();
  CHECK(stats.files_parsed == 1);
  CHECK(stats.files_reused == 3);
  CHECK(stats.layers_analyzed == 1);
  CHECK(stats.layers_from_cache == 3);
  REQUIRE(Has(conflicted, "L501"));
  for (const loket::Diagnostic& diagnostic : conflicted.diagnostics()) {
    CHECK(diagnostic.location.path == "municipalities/westland.loket");
  }

  // Reverting removes it, from the cache; the earlier result is unchanged.
  loket::RuleBase reverted = checker.Check(Country());
  stats = checker.last_stats();
  CHECK(stats.files_parsed == 1);
  CHECK(stats.layers_analyzed == 0);
  CHECK(stats.layers_from_cache == 4);
  CHECK(reverted.diagnostics().empty());
  CHECK(Has(conflicted, "L501"));
  CHECK(conflicted.Compile("westland").ok() == false);
  CHECK(reverted.Compile("westland").ok());
}

TEST_CASE("IncrementalChecker: a file moved to another position or dropped", "[api]") {
  loket::IncrementalChecker checker(TwoThreads());
  std::vector<loket::SourceText> sources = Country();
  checker.Check(sources);

  // Reversed order: every file is reused under a new file id; diagnostics point to the
  // right file and text.
  std::vector<loket::SourceText> reversed(sources.rbegin(), sources.rend());
  reversed.front().text += kAmbiguous;  // zaanstad, now first
  loket::RuleBase checked = checker.Check(reversed);
  CHECK(checker.last_stats().files_parsed == 1);
  CHECK(checker.last_stats().files_reused == 3);
  loket::RuleBase expected = loket::RuleBase::FromSources(reversed, TwoThreads());
  CHECK(Lines(checked) == Lines(expected));
  REQUIRE(Has(checked, "L501"));

  // A syntax error in a reused file is reported again, at the file's new id.
  std::vector<loket::SourceText> broken = Country();
  broken[2].text += "rule\n";
  checker.Check(broken);
  std::vector<loket::SourceText> moved = {broken[2], broken[0], broken[1], broken[3]};
  loket::RuleBase reused = checker.Check(moved);
  CHECK(checker.last_stats().files_parsed == 0);
  CHECK(reused.has_errors());
  CHECK(Lines(reused) == Lines(loket::RuleBase::FromSources(moved, TwoThreads())));

  // Dropping a municipality drops its layer.
  sources.pop_back();
  loket::RuleBase fewer = checker.Check(sources);
  CHECK(fewer.layers().size() == 3);
  CHECK(checker.last_stats().files_parsed == 1);  // westland, back without the syntax error
  CHECK(checker.last_stats().files_reused == 2);
  CHECK(Lines(fewer) == Lines(loket::RuleBase::FromSources(sources, TwoThreads())));
}

TEST_CASE("IncrementalChecker: graph findings (cycles, unused lets) follow every edit", "[api]") {
  // Two lets in westland that read each other, and a rule that reads them: a cycle (L401).
  const std::string cycle =
      "\nlet p = q and age > 3\nlet q = p\n"
      "rule local.p \"Verordening coaching (test)\"\n  when p\n  then coaching_hours = 12\n";
  const std::string unused = "\nlet never_read = age > 100\n";  // L405
  loket::IncrementalChecker checker(TwoThreads());
  for (const std::string& extra :
       {std::string(), cycle, std::string(), unused, cycle + unused, unused, std::string()}) {
    INFO("westland extra: " << extra);
    loket::RuleBase expected = loket::RuleBase::FromSources(Country(extra), TwoThreads());
    loket::RuleBase checked = checker.Check(Country(extra));
    CHECK(Lines(checked) == Lines(expected));
    CHECK(Has(checked, "L401") == (extra.find("let q") != std::string::npos));
    CHECK(Has(checked, "L405") == (extra.find("never_read") != std::string::npos));
  }
}

TEST_CASE("IncrementalChecker: a copy of the rule base under other paths is not parsed again",
          "[api]") {
  loket::IncrementalChecker checker(TwoThreads());
  checker.Check(Country());
  std::vector<loket::SourceText> copy = Country(kAmbiguous);
  for (loket::SourceText& source : copy) source.path = "copy/" + source.path;
  loket::RuleBase copied = checker.Check(copy);
  loket::IncrementalChecker::Stats stats = checker.last_stats();
  CHECK(stats.files_parsed == 1);  // only the changed westland
  CHECK(stats.files_reused == 3);
  // Same diagnostics as a fresh check, located in the copy's files.
  CHECK(Lines(copied) == Lines(loket::RuleBase::FromSources(copy, TwoThreads())));
  REQUIRE(Has(copied, "L501"));
  for (const loket::Diagnostic& diagnostic : copied.diagnostics()) {
    CHECK(diagnostic.location.path == "copy/municipalities/westland.loket");
  }
  // Two new files with one text in one check: diagnostics as FromSources gives them.
  std::vector<loket::SourceText> twice = Country();
  twice.push_back({"again/national.loket", "layer municipality again \"Again\" under national\n"});
  twice.push_back({"again2/national.loket", "layer municipality again \"Again\" under national\n"});
  loket::RuleBase doubled = checker.Check(twice);
  CHECK(Lines(doubled) == Lines(loket::RuleBase::FromSources(twice, TwoThreads())));
}
