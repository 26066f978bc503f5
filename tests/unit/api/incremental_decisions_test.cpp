// IncrementalChecker's per-decision analysis cache: after each kind of edit a re-check gives
// exactly the findings of a fresh check (codes, places, messages, witnesses and their
// replays), and the conflict analysis ran again only for the decisions whose cones the edit
// touched (docs/architecture.md, "The analysis caches").
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "loket/checker.h"
#include "loket/rule_base.h"

namespace {

// Decisions of every municipality's chain: integration_duty (a default, no local rules: nothing
// to check locally), coaching_hours and language_offer (local rules), allowance (no default:
// its gap is checked in every layer).
const char* kNational = R"loket(layer national "Nederland"

enum Permit "residence permit" {
  asylum_fixed "asylum permit for a fixed period",
  regular "regular permit",
  none "no lawful stay"
}

fact age: int in 0..130 "age in full years"
fact permit: Permit "residence permit"
fact months_in_nl: int in 0..1200 "months in the Netherlands"

param adult_age: int = 18 "age of majority (test)"

domain integration "Inburgering" {
  decision integration_duty: bool default false closed "obliged to integrate"
  decision coaching_hours: int in 0..100 default 0 delegated to municipality within 0..40
  decision language_offer: bool default false delegated to municipality favours true
  decision allowance: int in 0..1000 delegated to municipality
}

rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when age >= 16 and permit == asylum_fixed
  then integration_duty = true

rule wi.offer "Wet inburgering 2021, art. 8 (test)"
  when integration_duty and months_in_nl < 6
  then language_offer = true

rule wi.allowance "Wet inburgering 2021, art. 9 (test)"
  when age >= adult_age
  then allowance = 100
)loket";

std::string Municipality(const std::string& name, int hours, const std::string& more = "") {
  return "layer municipality " + name + " \"Gemeente " + name + "\" under national\n\n" +
         "rule local.coaching \"Verordening coaching " + name + "\"\n" +
         "  when permit == asylum_fixed and age >= adult_age\n" +
         "  then coaching_hours = " + std::to_string(hours) + "\n\n" +
         "rule local.young \"Verordening jongeren " + name + "\"\n" +
         "  when integration_duty and age < 18\n" + "  then coaching_hours = 35\n\n" +
         "rule local.offer \"Verordening taal " + name + "\"\n" +
         "  when integration_duty and months_in_nl >= 6 and months_in_nl < 12\n" +
         "  then language_offer = true\n" + more;
}

// Overlaps local.coaching (age >= 18) with other hours: L501.
std::string Ambiguous(int hours) {
  return "\nrule local.coaching.young \"Verordening coaching (test)\"\n"
         "  when permit == asylum_fixed and age >= 18 and age < 30\n"
         "  then coaching_hours = " +
         std::to_string(hours) + "\n";
}

// No offer where national law offers one: less favourable (L504).
const char* kLess =
    "\nrule local.less \"Verordening taal zaanstad art. 3\"\n"
    "  when integration_duty and months_in_nl < 3\n"
    "  then language_offer = false\n";

// An offer where local.less refuses it: ambiguous (L501).
const char* kMore =
    "\nrule local.more \"Verordening taal zaanstad art. 4\"\n"
    "  when integration_duty and months_in_nl < 2\n"
    "  then language_offer = true\n";

// An exception that always applies where its base does: the base is shadowed (L508).
const char* kShadowing =
    "\nrule local.coaching.none \"Verordening coaching amsterdam art. 2\"\n"
    "  exception to local.coaching\n"
    "  when age >= 16\n"
    "  then coaching_hours = 0\n";

// language_offer in conflict for the long-stayed adults (L501), where the L508 witness of
// local.coaching was (age 20, months_in_nl 150): that witness prefers a case in which every
// decision of the chain is decided, so it must move.
const char* kOfferConflict =
    "\nrule local.offer.long \"Verordening taal amsterdam art. 5\"\n"
    "  when months_in_nl >= 100\n"
    "  then language_offer = true\n"
    "\nrule local.offer.none \"Verordening taal amsterdam art. 6\"\n"
    "  when months_in_nl >= 100 and age >= 18\n"
    "  then language_offer = false\n";

struct Country {
  std::string national = kNational;
  std::string amsterdam_extra = kShadowing;
  std::string westland_extra = Ambiguous(30);
  std::string zaanstad_extra = std::string(kLess) + Ambiguous(30);

  std::vector<loket::SourceText> Sources() const {
    return {{"national/national.loket", national},
            {"municipalities/amsterdam.loket", Municipality("amsterdam", 20, amsterdam_extra)},
            {"municipalities/westland.loket", Municipality("westland", 10, westland_extra)},
            {"municipalities/zaanstad.loket", Municipality("zaanstad", 12, zaanstad_extra)}};
  }
};

void Replace(std::string& text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

loket::LoadOptions Options() {
  loket::LoadOptions options;
  options.threads = 2;
  return options;
}

// Re-checks `country` and compares with a fresh check: everything a diagnostic carries.
loket::IncrementalChecker::Stats RecheckEqualsFresh(loket::IncrementalChecker& checker,
                                                    const Country& country) {
  loket::RuleBase fresh = loket::RuleBase::FromSources(country.Sources(), Options());
  loket::RuleBase checked = checker.Check(country.Sources());
  CHECK(loket::RenderJson(checked.diagnostics()) == loket::RenderJson(fresh.diagnostics()));
  REQUIRE(checked.diagnostics().size() == fresh.diagnostics().size());
  for (std::size_t i = 0; i < fresh.diagnostics().size(); ++i) {
    const loket::Diagnostic& a = checked.diagnostics()[i];
    const loket::Diagnostic& b = fresh.diagnostics()[i];
    INFO(a.code << " " << a.message);
    CHECK(a.location.line == b.location.line);
    CHECK(a.location.column == b.location.column);
    REQUIRE(a.witnesses.size() == b.witnesses.size());
    for (std::size_t w = 0; w < a.witnesses.size(); ++w) {
      CHECK(a.witnesses[w].case_yaml == b.witnesses[w].case_yaml);
      CHECK(a.witnesses[w].date == b.witnesses[w].date);
      CHECK(a.witnesses[w].replay == b.witnesses[w].replay);
    }
  }
  return checker.last_stats();
}

int Count(const loket::RuleBase& rules, const std::string& code, const std::string& layer) {
  int count = 0;
  for (const loket::Diagnostic& d : rules.diagnostics())
    count += d.code == code && d.layer == layer;
  return count;
}

}  // namespace

TEST_CASE("IncrementalChecker: per-decision cache, the findings of a fresh check after each edit",
          "[api][recheck]") {
  loket::IncrementalChecker checker(Options());
  Country country;
  {
    loket::RuleBase first = checker.Check(country.Sources());
    // What the edits below change is there to begin with.
    CHECK(Count(first, "L501", "westland") == 1);
    CHECK(Count(first, "L501", "zaanstad") == 1);
    CHECK(Count(first, "L504", "zaanstad") == 1);
    CHECK(Count(first, "L506", "national") == 1);
    CHECK(Count(first, "L508", "amsterdam") == 1);
  }
  // Every layer analysed: national checks its 3 decisions with rules, each municipality
  // coaching_hours, language_offer and allowance (its gap).
  loket::IncrementalChecker::Stats stats = checker.last_stats();
  CHECK(stats.layers_analyzed == 4);
  CHECK(stats.decisions_analyzed == 12);
  CHECK(stats.decisions_from_cache == 0);

  SECTION("edits, each re-checked") {
    // A constant: westland's second coaching rule now agrees with the first (no L501). Only
    // coaching_hours in westland is analysed. National, with layers below, goes by its units
    // (L507 and L508 ask the chains below): its 3 decisions come from the per-unit cache.
    Replace(country.westland_extra, "coaching_hours = 30", "coaching_hours = 10");
    stats = RecheckEqualsFresh(checker, country);
    CHECK(stats.layers_analyzed == 1);
    CHECK(stats.decisions_analyzed == 1);
    CHECK(stats.decisions_from_cache == 2 + 3);

    // Rules on language_offer added in amsterdam: the coaching unit, with an L508 candidate,
    // is analysed again too (its witness reads every decision of the chain). So is national's
    // language_offer: wi.offer reads a decision, so whether it can apply is also asked in
    // amsterdam's chain, where language_offer now has other rules.
    country.amsterdam_extra += kOfferConflict;
    stats = RecheckEqualsFresh(checker, country);
    CHECK(stats.layers_analyzed == 2);
    CHECK(stats.decisions_analyzed == 2 + 1);
    CHECK(stats.decisions_from_cache == 1 + 2);

    // A rule added at the end of zaanstad's file: a new L501 on language_offer only (and
    // national's language_offer again, asked about in zaanstad's chain).
    country.zaanstad_extra += kMore;
    stats = RecheckEqualsFresh(checker, country);
    CHECK(stats.layers_analyzed == 2);
    CHECK(stats.decisions_analyzed == 1 + 1);
    CHECK(stats.decisions_from_cache == 2 + 2);

    // A rule removed: local.less (L504, and the L501 with local.more) goes. The rules after it
    // moved up in the file, so coaching_hours (whose L501 now sits elsewhere) is analysed too;
    // allowance is not.
    Replace(country.zaanstad_extra, kLess, "");
    stats = RecheckEqualsFresh(checker, country);
    CHECK(stats.layers_analyzed == 2);
    CHECK(stats.decisions_analyzed == 2 + 1);
    CHECK(stats.decisions_from_cache == 1 + 2);

    // A national rule every municipality reads (through integration_duty): in national,
    // integration_duty and language_offer; in each municipality coaching_hours and
    // language_offer. allowance reads none of it.
    Replace(country.national, "age >= 16 and", "age >= 17 and");
    stats = RecheckEqualsFresh(checker, country);
    CHECK(stats.layers_analyzed == 4);
    CHECK(stats.decisions_analyzed == 2 + 3 * 2);
    CHECK(stats.decisions_from_cache == 1 + 3 * 1);

    // A param: adult_age, read by allowance everywhere and by local.coaching. Now local.young
    // (age < 18) overlaps local.coaching: an L501 in every municipality. In national, only
    // allowance: wi.offer reads a decision, so whether it can apply is also asked in the
    // layers below (L507), but what it reads there (the cones of language_offer in their
    // chains) does not read adult_age.
    Replace(country.national, "adult_age: int = 18", "adult_age: int = 16");
    stats = RecheckEqualsFresh(checker, country);
    CHECK(stats.layers_analyzed == 4);
    CHECK(stats.decisions_analyzed == 1 + 3 * 2);
    CHECK(stats.decisions_from_cache == 2 + 3 * 1);

    // A fact's declaration: zaanstad's local.more (months_in_nl < 2) can no longer apply
    // (L507). Every witness shows every fact, so everything is analysed.
    Replace(country.national, "0..1200", "2..1200");
    stats = RecheckEqualsFresh(checker, country);
    CHECK(stats.layers_analyzed == 4);
    CHECK(stats.decisions_analyzed == 12);
    CHECK(stats.decisions_from_cache == 0);
    CHECK(Count(checker.Check(country.Sources()), "L507", "zaanstad") == 1);
  }
}

TEST_CASE("IncrementalChecker: a copy of the rule base under other paths reuses every decision",
          "[api][recheck]") {
  loket::IncrementalChecker checker(Options());
  Country country;
  checker.Check(country.Sources());
  // The two sides of `loket diff`: the same files in another folder get ids of their own, so
  // the layers' keys differ; the decisions' keys name files by layer and rank, not id.
  std::vector<loket::SourceText> copy = country.Sources();
  for (loket::SourceText& source : copy) source.path = "copy/" + source.path;
  loket::RuleBase fresh = loket::RuleBase::FromSources(copy, Options());
  loket::RuleBase checked = checker.Check(copy);
  CHECK(loket::RenderJson(checked.diagnostics()) == loket::RenderJson(fresh.diagnostics()));
  CHECK(checked.diagnostics().front().location.path.rfind("copy/", 0) == 0);
  // Every unit from the per-unit cache: no layer is analysed again.
  const loket::IncrementalChecker::Stats stats = checker.last_stats();
  CHECK(stats.layers_analyzed == 0);
  CHECK(stats.decisions_analyzed == 0);
  CHECK(stats.decisions_from_cache == 12);
}
