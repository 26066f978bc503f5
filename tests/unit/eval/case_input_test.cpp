// Reading and validating cases (L601-L605, L611) from JSON, YAML and name/value texts.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval_test_util.h"

namespace loket::evaltest {
namespace {

const char* kRules = R"(layer national "Nederland"

enum Permit { none, asylum_fixed, asylum_permanent, regular_fixed }
enum Service { intake, housing_desk, language_course }

fact age: int in 0..130
fact permit: Permit
fact income: money
fact arrival: date
fact married: bool
fact wishes: set of Service
fact schooling_years: int optional

decision adult: bool default false
rule bw.adult "Burgerlijk Wetboek 1, art. 233"
  when age >= 18
  then adult = true
)";

struct Fixture {
  RuleBase rule_base = Load({kRules});
  Program program = Compile(rule_base, "national");
  Case facts = program.NewCase();
  std::vector<Diagnostic> errors;

  const Diagnostic& Only() {
    REQUIRE(errors.size() == 1);
    return errors[0];
  }
};

const char* kValidJson =
    R"({"age": 34, "permit": "asylum_fixed", "income": 1800.50, "arrival": "2024-05-01",)"
    R"( "married": true, "wishes": ["intake", "language_course"]})";

TEST_CASE_METHOD(Fixture, "case: a valid JSON case fills every slot", "[eval][case]") {
  REQUIRE(program.ParseJson(kValidJson, facts, errors));
  CHECK(errors.empty());
  CHECK(facts.raw(program.FactSlot("age")) == 34);
  CHECK(facts.raw(program.FactSlot("permit")) == 1);
  CHECK(facts.raw(program.FactSlot("income")) == 180050);
  CHECK(facts.raw(program.FactSlot("arrival")) == D("2024-05-01").day);
  CHECK(facts.raw(program.FactSlot("married")) == 1);
  CHECK(facts.raw(program.FactSlot("wishes")) == 0b101);
  CHECK_FALSE(facts.IsSet(program.FactSlot("schooling_years")));
  CHECK(program.CaseToJson(facts) ==
        R"({"age": 34, "permit": "asylum_fixed", "income": 1800.50, "arrival": "2024-05-01",)"
        R"( "married": true, "wishes": ["intake","language_course"]})");
}

TEST_CASE_METHOD(Fixture, "case: money in every accepted notation", "[eval][case]") {
  struct Example {
    const char* json;
    std::int64_t cents;
  };
  for (const Example& e :
       {Example{"1800", 180000}, Example{"1800.5", 180050}, Example{"\"€1.800,50\"", 180050},
        Example{"\"€ 250\"", 25000}, Example{"\"250 EUR\"", 25000},
        Example{"\"€1.234.567\"", 123456700}, Example{"0.07", 7}}) {
    errors.clear();
    std::string json = std::string(R"({"age": 1, "permit": "none", "arrival": "2024-01-01",)") +
                       R"( "married": false, "wishes": [], "income": )" + e.json + "}";
    INFO(json);
    REQUIRE(program.ParseJson(json, facts, errors));
    CHECK(facts.raw(program.FactSlot("income")) == e.cents);
  }
  errors.clear();
  program.ParseJson(R"({"age": 1, "permit": "none", "arrival": "2024-01-01", "married": false,
                       "wishes": [], "income": 12.345})",
                    facts, errors);
  CHECK(Only().code == "L602");
  CHECK(Only().message.find("income") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "case: L601 unknown key with a suggestion", "[eval][case]") {
  std::string json = kValidJson;
  json.insert(1, R"("agee": 3, )");
  CHECK_FALSE(program.ParseJson(json, facts, errors));
  CHECK(Only().code == "L601");
  CHECK(Only().message.find("agee") != std::string::npos);
  REQUIRE(Only().help.size() == 1);
  CHECK(Only().help[0] == "did you mean `age`?");
  // The rest of the case was still read.
  CHECK(facts.raw(program.FactSlot("age")) == 34);
  // A misspelt required fact is one error (L601 with the suggestion), not also L605.
  errors.clear();
  std::string misspelt = kValidJson;
  misspelt.replace(misspelt.find("\"age\""), 5, "\"agee\"");
  CHECK_FALSE(program.ParseJson(misspelt, facts, errors));
  CHECK(Only().code == "L601");
  CHECK(Only().help[0] == "did you mean `age`?");
}

TEST_CASE_METHOD(Fixture, "case: a skipped member (a record's jurisdiction) is not a fact",
                 "[eval][case]") {
  ParseOptions skip;
  skip.skip_member = "municipality";
  std::string json = kValidJson;
  json.insert(1, R"("municipality": "westland", )");
  CHECK(program.ParseJson(json, facts, errors, skip));
  CHECK(errors.empty());
  CHECK(facts.raw(program.FactSlot("age")) == 34);
  // Without the option it is an unknown key, as any other.
  CHECK_FALSE(program.ParseJson(json, facts, errors));
  CHECK(Only().code == "L601");
  errors.clear();
  // The same for YAML and for name/value texts; only the named member is skipped.
  ParseOptions partial = skip;
  partial.require_all = false;
  CHECK_FALSE(program.ParseYaml("municipality: westland\nagee: 3\n", facts, errors, partial));
  CHECK(Only().code == "L601");
  CHECK(Only().message.find("agee") != std::string::npos);
  errors.clear();
  CHECK(program.ParseFacts({{"municipality", "westland"}, {"age", "40"}}, facts, errors, partial));
  CHECK(facts.raw(program.FactSlot("age")) == 40);
}

TEST_CASE_METHOD(Fixture, "case: L602 wrong type names the fact and the type", "[eval][case]") {
  CHECK_FALSE(program.ParseJson(
      R"({"age": "34", "permit": "none", "income": 1, "arrival": "2024-01-01", "married": false,)"
      R"( "wishes": []})",
      facts, errors));
  CHECK(Only().code == "L602");
  CHECK(Only().message.find("`age`") != std::string::npos);
  CHECK(Only().message.find("int in 0..130") != std::string::npos);
  errors.clear();
  CHECK_FALSE(program.ParseJson(
      R"({"age": 3, "permit": "none", "income": 1, "arrival": "2024-02-30", "married": false,)"
      R"( "wishes": []})",
      facts, errors));
  CHECK(Only().code == "L602");
  CHECK(Only().message.find("`arrival`") != std::string::npos);
  errors.clear();
  CHECK_FALSE(program.ParseJson(
      R"({"age": 3, "permit": "none", "income": 1, "arrival": "2024-02-03", "married": "yes",)"
      R"( "wishes": []})",
      facts, errors));
  CHECK(Only().code == "L602");
  CHECK(Only().message.find("`married`") != std::string::npos);
  errors.clear();
  CHECK_FALSE(program.ParseJson(
      R"({"age": 3.5, "permit": "none", "income": 1, "arrival": "2024-02-03", "married": true,)"
      R"( "wishes": "intake"})",
      facts, errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].message.find("`age`") != std::string::npos);
  CHECK(errors[1].message.find("`wishes`") != std::string::npos);
  // A JSON boolean is stored as is for a bool fact and is the wrong type for any other.
  errors.clear();
  CHECK_FALSE(program.ParseJson(
      R"({"age": true, "permit": "none", "income": 1, "arrival": "2024-02-03", "married": true,)"
      R"( "wishes": []})",
      facts, errors));
  CHECK(Only().code == "L602");
  CHECK(Only().message.find("`age`") != std::string::npos);
  CHECK(Only().message.find("`true`") != std::string::npos);
  CHECK(facts.raw(program.FactSlot("married")) == 1);
}

TEST_CASE_METHOD(Fixture, "case: L603 outside the range", "[eval][case]") {
  CHECK_FALSE(program.ParseJson(
      R"({"age": 131, "permit": "none", "income": 1, "arrival": "2024-01-01", "married": false,)"
      R"( "wishes": []})",
      facts, errors));
  CHECK(Only().code == "L603");
  CHECK(Only().message == "fact `age` = 131 is outside its range 0..130");
}

TEST_CASE_METHOD(Fixture, "case: L604 unknown enum member with suggestion and members",
                 "[eval][case]") {
  CHECK_FALSE(program.ParseJson(
      R"({"age": 1, "permit": "asylum_fixd", "income": 1, "arrival": "2024-01-01",)"
      R"( "married": false, "wishes": ["intake", "housing"]})",
      facts, errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].code == "L604");
  CHECK(errors[0].message.find("asylum_fixd") != std::string::npos);
  CHECK(errors[0].message.find("`permit`") != std::string::npos);
  REQUIRE_FALSE(errors[0].help.empty());
  CHECK(errors[0].help[0] == "did you mean `asylum_fixed`?");
  REQUIRE_FALSE(errors[0].notes.empty());
  CHECK(errors[0].notes[0].message.find("none, asylum_fixed, asylum_permanent, regular_fixed") !=
        std::string::npos);
  CHECK(errors[1].code == "L604");
  CHECK(errors[1].message.find("housing") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "case: L605 missing required facts, optional ones may be absent",
                 "[eval][case]") {
  CHECK_FALSE(program.ParseJson(R"({"age": 1, "permit": "none", "income": 1, "married": false,
                                    "wishes": []})",
                                facts, errors));
  CHECK(Only().code == "L605");
  CHECK(Only().message.find("`arrival`") != std::string::npos);
  CHECK(program.CheckRequired(facts, errors) == false);
}

TEST_CASE_METHOD(Fixture, "case: L611 not an object", "[eval][case]") {
  // Two objects on one line: the second is not silently dropped.
  CHECK_FALSE(program.ParseJson(
      R"({"age": 1, "permit": "none", "income": 1, "arrival": "2024-01-01", "married": false,)"
      R"( "wishes": []}{"age": 2})",
      facts, errors));
  REQUIRE_FALSE(errors.empty());
  CHECK(errors.back().code == "L611");
  CHECK(errors.back().message.find("more after its JSON object") != std::string::npos);
  errors.clear();
  CHECK_FALSE(program.ParseJson("[1, 2]", facts, errors));
  CHECK(Only().code == "L611");
  errors.clear();
  CHECK_FALSE(program.ParseJson(R"({"age": 1,)", facts, errors));
  CHECK(Only().code == "L611");
  errors.clear();
  CHECK_FALSE(program.ParseJson("", facts, errors));
  CHECK(Only().code == "L611");
  errors.clear();
  CHECK_FALSE(program.ParseYaml("- a\n- b\n", facts, errors));
  CHECK(Only().code == "L611");
  errors.clear();
  CHECK_FALSE(program.ParseYaml("age: [1\n", facts, errors));
  CHECK(Only().code == "L611");
}

TEST_CASE_METHOD(Fixture, "case: YAML with lines, quoted strings and lists", "[eval][case]") {
  const char* yaml =
      "age: 34\n"
      "permit: asylum_fixed\n"
      "income: \"€1.800,00\"\n"
      "arrival: 2024-05-01\n"
      "married: false\n"
      "wishes: [intake, housing_desk]\n"
      "schooling_years: 9\n";
  REQUIRE(program.ParseYaml(yaml, facts, errors));
  CHECK(facts.raw(program.FactSlot("income")) == 180000);
  CHECK(facts.raw(program.FactSlot("wishes")) == 0b011);
  CHECK(facts.raw(program.FactSlot("schooling_years")) == 9);
  errors.clear();
  ParseOptions partial;
  partial.require_all = false;
  CHECK_FALSE(program.ParseYaml("age: \"34\"\npermitt: none\n", facts, errors, partial));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].code == "L602");
  CHECK(errors[0].location.line == 1);
  CHECK(errors[1].code == "L601");
  CHECK(errors[1].location.line == 2);
}

TEST_CASE_METHOD(Fixture, "case: name/value texts layer over defaults", "[eval][case]") {
  REQUIRE(program.ParseFacts({{"age", "30"},
                              {"permit", "none"},
                              {"income", "1800.50"},
                              {"arrival", "2024-05-01"},
                              {"married", "true"},
                              {"wishes", "[intake]"}},
                             facts, errors));
  ParseOptions overlay;
  overlay.reset = false;
  REQUIRE(program.ParseFacts({{"age", "12"}, {"income", "\"€2.000\""}}, facts, errors, overlay));
  CHECK(facts.raw(program.FactSlot("age")) == 12);
  CHECK(facts.raw(program.FactSlot("income")) == 200000);
  CHECK(facts.raw(program.FactSlot("permit")) == 0);
  CHECK_FALSE(program.SetFact(facts, "permit", "asylum", errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "L604");
  Outcome out;
  program.Evaluate(facts, D("2025-01-01"), out);
  CHECK(out.value(program.DecisionIndex("adult")).ToString() == "false");
}

}  // namespace
}  // namespace loket::evaltest
