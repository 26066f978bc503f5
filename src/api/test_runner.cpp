// The rule test runner behind `loket test`: YAML suites of cases with expectations.
//
//   suite: "Wet inburgering 2021: scope"
//   jurisdiction: national        # default for cases
//   date: 2025-03-01              # default reference date
//   defaults: { age: 30 }         # facts merged under every case's facts
//   cases:
//     - name: "..."
//       jurisdiction: amsterdam   # optional
//       date: 2025-01-01          # optional
//       case_file: ../cases/x.yaml  # optional, relative to the suite
//       facts: { permit: asylum_fixed }
//       expect: { integration_duty: true, referrals: [intake] }
//       expect_rules: { integration_duty: wi.duty }
//       expect_error: L609
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "api/folder_files.h"
#include "api/rule_base_impl.h"
#include "diag/diagnostic.h"
#include "eval/yaml_subset.h"
#include "loket/testing.h"
#include "support/money.h"

namespace loket {
namespace fs = std::filesystem;

bool TestReport::ok() const {
  if (failed > 0) return false;
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.severity == Severity::kError) return false;
  }
  return true;
}

bool IsTestFailure(const Diagnostic& diagnostic) {
  return diag::KindOfCode(diagnostic.code) == diag::Kind::kTestFailed;
}

bool IsUncoveredRule(const Diagnostic& diagnostic) {
  return diag::KindOfCode(diagnostic.code) == diag::Kind::kUncoveredRule;
}

namespace {

// A file's lines, for source snippets of suite diagnostics.
struct SuiteFile {
  std::string path;
  std::vector<std::string> lines;
};

Location At(const SuiteFile& file, const YAML::Mark& mark, std::size_t length = 0) {
  Location location;
  location.path = file.path;
  if (mark.line < 0) return location;
  location.line = mark.line + 1;
  location.column = mark.column + 1;
  location.end_line = location.line;
  location.end_column = location.column + static_cast<int>(length == 0 ? 1 : length);
  if (static_cast<std::size_t>(mark.line) < file.lines.size()) {
    location.source_line = file.lines[static_cast<std::size_t>(mark.line)];
  }
  return location;
}

// A diagnostic of `kind` at `location`, with the registry's code, name and severity.
Diagnostic Make(diag::Kind kind, Location location, std::string message) {
  Diagnostic diagnostic = diag::MakePublic(kind, std::move(message));
  diagnostic.location = std::move(location);
  return diagnostic;
}

// A suite or case file reaches yaml-cpp only once our own reader (eval/yaml_subset.h) has
// accepted it: yaml-cpp 0.7 never returns on some input (a document starting with `,`), and
// aliases (`*name`) would let 500 bytes stand for gigabytes ("billion laughs"). Returns the
// reason and its place (as a yaml-cpp mark) when `text` is outside the subset.
bool OutsideYamlSubset(const std::string& text, const std::string& what, std::string& reason,
                       YAML::Mark& where) {
  eval::YamlNode root;
  eval::YamlError error;
  if (eval::ReadYaml(text, root, error)) return false;
  where.line = error.line - 1;
  where.column = error.column - 1;
  switch (error.kind) {
    case eval::YamlError::Kind::kAlias:
      reason = "YAML aliases (`*name`) and anchors (`&name`) are not allowed in " + what +
               "; write the values out";
      break;
    case eval::YamlError::Kind::kSecondDocument:
      reason = what + " holds more than one YAML document (`---`)";
      break;
    default:
      reason = "not valid YAML: " + error.message;
  }
  return true;
}

std::string FlowText(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  if (node.IsSequence()) {
    std::string text = "[";
    for (std::size_t i = 0; i < node.size(); ++i) {
      if (i > 0) text += ", ";
      text += FlowText(node[i]);
    }
    return text + "]";
  }
  if (node.IsMap()) return "{...}";
  return "null";
}

// Whether the expected YAML value (as a suite writes it) equals the decided value.
bool ValuesEqual(const YAML::Node& expected, const Value& actual) {
  try {
    switch (actual.type) {
      case ValueType::kBool:
        return expected.IsScalar() && expected.as<bool>() == actual.AsBool();
      case ValueType::kInt:
        return expected.IsScalar() && expected.as<long long>() == actual.AsInt();
      case ValueType::kMoney: {
        // Written as in a case file: 1800, 1800.5, "€1.800,50", "1800.50 EUR".
        return expected.IsScalar() &&
               support::ParseMoneyInput(expected.Scalar()) == actual.AsCents();
      }
      case ValueType::kDate: {
        std::optional<Date> date =
            expected.IsScalar() ? Date::Parse(expected.Scalar()) : std::nullopt;
        return date && *date == actual.AsDate();
      }
      case ValueType::kEnum:
        return expected.IsScalar() && expected.Scalar() == actual.AsEnumName();
      case ValueType::kSet: {
        if (!expected.IsSequence()) return false;
        std::set<std::string> want;
        for (const YAML::Node& member : expected) {
          if (!member.IsScalar()) return false;
          want.insert(member.Scalar());
        }
        std::vector<std::string> names = actual.AsSetNames();
        return want == std::set<std::string>(names.begin(), names.end());
      }
    }
  } catch (const YAML::Exception&) {
    return false;
  }
  return false;
}

struct Fact {
  std::string name;
  YAML::Node value;
  YAML::Mark mark;
  const SuiteFile* file;
};
// Held by pointer: assigning a YAML::Node writes into the node it refers to, so a Fact must
// never be assigned over (a case overriding a default would change the default).
using FactPtr = std::shared_ptr<const Fact>;

class SuiteRunner {
 public:
  SuiteRunner(const RuleBase& rules, TestReport& report) : rules_(rules), report_(report) {}

  // An error status only when the file cannot be read; what is in it is diagnosed.
  Status RunFile(const std::string& path);
  std::set<std::string> fired;  // qualified ids of rules that decided something

 private:
  const Program* ProgramFor(const std::string& jurisdiction, std::string& error);
  void RunCase(const SuiteFile& file, const YAML::Node& entry, const std::string& suite,
               const std::string& default_jurisdiction, const std::string& default_date,
               const std::vector<FactPtr>& defaults, const fs::path& suite_dir);
  bool CollectFacts(const SuiteFile& file, const YAML::Node& map, std::vector<FactPtr>& facts);
  void Malformed(const SuiteFile& file, const YAML::Mark& mark, std::string message) {
    report_.diagnostics.push_back(
        Make(diag::Kind::kMalformedTestSuite, At(file, mark), std::move(message)));
  }

  const RuleBase& rules_;
  TestReport& report_;
  std::map<std::string, std::unique_ptr<Program>> programs_;
  std::map<std::string, std::string> program_errors_;
  std::vector<std::unique_ptr<SuiteFile>> files_;  // case files stay alive for their marks
};

const Program* SuiteRunner::ProgramFor(const std::string& jurisdiction, std::string& error) {
  auto found = programs_.find(jurisdiction);
  if (found != programs_.end()) return found->second.get();
  auto failed = program_errors_.find(jurisdiction);
  if (failed != program_errors_.end()) {
    error = failed->second;
    return nullptr;
  }
  Result<Program> program = rules_.Compile(jurisdiction);
  if (!program.ok()) {
    error = program.status().message();
    program_errors_[jurisdiction] = error;
    return nullptr;
  }
  auto& slot = programs_[jurisdiction];
  slot = std::make_unique<Program>(std::move(program).value());
  return slot.get();
}

bool SuiteRunner::CollectFacts(const SuiteFile& file, const YAML::Node& map,
                               std::vector<FactPtr>& facts) {
  if (!map.IsMap()) {
    Malformed(file, map.Mark(), "facts must be a mapping of fact names to values");
    return false;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string name = it->first.Scalar();
    auto existing = std::find_if(facts.begin(), facts.end(),
                                 [&](const FactPtr& fact) { return fact->name == name; });
    auto fact = std::make_shared<const Fact>(Fact{name, it->second, it->first.Mark(), &file});
    if (existing != facts.end()) {
      *existing = std::move(fact);  // a later layer (case file, then the case) overrides
    } else {
      facts.push_back(std::move(fact));
    }
  }
  return true;
}

Status SuiteRunner::RunFile(const std::string& path) {
  auto owned = std::make_unique<SuiteFile>();
  SuiteFile& file = *owned;
  files_.push_back(std::move(owned));
  file.path = path;
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  if (in) buffer << in.rdbuf();
  if (!in || in.bad()) {
    const int code = errno != 0 ? errno : EIO;
    return {StatusCode::kIoError,
            "cannot read test suite `" + path +
                "`: " + internal::Reason(std::error_code(code, std::generic_category()))};
  }
  std::string text = buffer.str();
  {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      file.lines.push_back(line);
    }
  }
  std::string reason;
  YAML::Mark where;
  if (OutsideYamlSubset(text, "a test suite", reason, where)) {
    Malformed(file, where, reason);
    return Status::Ok();
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    Malformed(file, e.mark, "not valid YAML: " + e.msg);
    return Status::Ok();
  }
  if (!root.IsMap()) {
    Malformed(file, root.Mark(), "a test suite must be a mapping with `suite` and `cases`");
    return Status::Ok();
  }
  static const std::vector<std::string> kSuiteKeys = {"suite", "jurisdiction", "date", "defaults",
                                                      "cases"};
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string key = it->first.Scalar();
    if (std::find(kSuiteKeys.begin(), kSuiteKeys.end(), key) == kSuiteKeys.end()) {
      std::string closest = diag::ClosestName(key, kSuiteKeys);
      report_.diagnostics.push_back(
          Make(diag::Kind::kMalformedTestSuite, At(file, it->first.Mark(), key.size()),
               "unknown key `" + key + "` in a test suite" +
                   (closest.empty() ? "" : "; did you mean `" + closest + "`?")));
    }
  }
  std::string suite = root["suite"] && root["suite"].IsScalar() ? root["suite"].Scalar() : path;
  std::string jurisdiction =
      root["jurisdiction"] && root["jurisdiction"].IsScalar() ? root["jurisdiction"].Scalar() : "";
  std::string date = root["date"] && root["date"].IsScalar() ? root["date"].Scalar() : "";
  std::vector<FactPtr> defaults;
  if (root["defaults"] && !CollectFacts(file, root["defaults"], defaults)) return Status::Ok();
  YAML::Node cases = root["cases"];
  if (!cases || !cases.IsSequence()) {
    Malformed(file, cases ? cases.Mark() : root.Mark(), "a test suite needs a list of `cases`");
    return Status::Ok();
  }
  const fs::path suite_dir = fs::path(path).parent_path();
  for (const YAML::Node& entry : cases) {
    RunCase(file, entry, suite, jurisdiction, date, defaults, suite_dir);
  }
  return Status::Ok();
}

void SuiteRunner::RunCase(const SuiteFile& file, const YAML::Node& entry, const std::string& suite,
                          const std::string& default_jurisdiction, const std::string& default_date,
                          const std::vector<FactPtr>& defaults, const fs::path& suite_dir) {
  if (!entry.IsMap()) {
    Malformed(file, entry.Mark(), "a test case must be a mapping with `name` and `expect`");
    return;
  }
  static const std::vector<std::string> kCaseKeys = {
      "name",         "jurisdiction", "date",
      "case_file",    "facts",        "expect",
      "expect_rules", "expect_error", "expect_not_applicable"};
  bool malformed = false;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    std::string key = it->first.Scalar();
    if (std::find(kCaseKeys.begin(), kCaseKeys.end(), key) == kCaseKeys.end()) {
      std::string closest = diag::ClosestName(key, kCaseKeys);
      report_.diagnostics.push_back(
          Make(diag::Kind::kMalformedTestSuite, At(file, it->first.Mark(), key.size()),
               "unknown key `" + key + "` in a test case" +
                   (closest.empty() ? "" : "; did you mean `" + closest + "`?")));
      malformed = true;
    }
  }
  TestCaseResult result;
  result.suite = suite;
  result.location = At(file, entry.Mark());
  result.name = entry["name"] && entry["name"].IsScalar()
                    ? entry["name"].Scalar()
                    : "case at line " + std::to_string(result.location.line);
  result.jurisdiction =
      entry["jurisdiction"] ? FlowText(entry["jurisdiction"]) : default_jurisdiction;
  result.date = entry["date"] ? FlowText(entry["date"]) : default_date;
  if (!entry["expect"] && !entry["expect_rules"] && !entry["expect_error"] &&
      !entry["expect_not_applicable"]) {
    Malformed(file, entry.Mark(),
              "test case `" + result.name +
                  "` expects nothing: give `expect`, `expect_rules`, `expect_error` or "
                  "`expect_not_applicable`");
    malformed = true;
  }
  if (result.jurisdiction.empty()) {
    Malformed(file, entry.Mark(),
              "test case `" + result.name + "` has no jurisdiction (set it on the suite or case)");
    malformed = true;
  }
  if (malformed) {
    // Reported as L702 and counted as failed, so the summary accounts for every case.
    ++report_.failed;
    return;
  }

  auto fail = [&](std::string difference) { result.differences.push_back(std::move(difference)); };
  // Facts: defaults, then the case file, then the case's own.
  std::vector<FactPtr> facts = defaults;
  if (entry["case_file"]) {
    fs::path case_path = suite_dir / FlowText(entry["case_file"]);
    auto owned = std::make_unique<SuiteFile>();
    owned->path = case_path.generic_string();
    std::ifstream in(case_path, std::ios::binary);
    if (!in) {
      result.errors.push_back(Make(diag::Kind::kMalformedTestSuite,
                                   At(file, entry["case_file"].Mark()),
                                   "cannot read case file `" + owned->path + "`"));
    } else {
      std::stringstream buffer;
      buffer << in.rdbuf();
      std::string text = buffer.str();
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line)) owned->lines.push_back(line);
      std::string reason;
      YAML::Mark where;
      if (OutsideYamlSubset(text, "a case file", reason, where)) {
        result.errors.push_back(Make(diag::Kind::kMalformedCase, At(*owned, where),
                                     "case file `" + owned->path + "`: " + reason));
      } else
        try {
          YAML::Node case_facts = YAML::Load(text);
          const SuiteFile& case_file = *owned;
          files_.push_back(std::move(owned));
          CollectFacts(case_file, case_facts, facts);
        } catch (const YAML::ParserException& e) {
          result.errors.push_back(Make(diag::Kind::kMalformedCase, At(*owned, e.mark),
                                       "case file is not valid YAML: " + e.msg));
        }
    }
  }
  if (entry["facts"]) CollectFacts(file, entry["facts"], facts);

  std::string error;
  const Program* program = ProgramFor(result.jurisdiction, error);
  const YAML::Mark jurisdiction_mark =
      entry["jurisdiction"] ? entry["jurisdiction"].Mark() : entry.Mark();
  if (!program) {
    result.errors.push_back(Make(diag::Kind::kUnknownJurisdiction,
                                 At(file, jurisdiction_mark, result.jurisdiction.size()), error));
  }
  std::optional<Date> date = Date::Parse(result.date);
  if (!date) {
    result.errors.push_back(
        Make(diag::Kind::kInvalidDateArgument,
             At(file, entry["date"] ? entry["date"].Mark() : entry.Mark(), result.date.size()),
             result.date.empty() ? "test case has no date (set it on the suite or case)"
                                 : "`" + result.date + "` is not a date (YYYY-MM-DD)"));
  }
  std::string expected_error =
      entry["expect_error"] ? FlowText(entry["expect_error"]) : std::string();
  auto checked = [&](const std::string& name) {
    if (std::find(result.checked_decisions.begin(), result.checked_decisions.end(), name) ==
        result.checked_decisions.end()) {
      result.checked_decisions.push_back(name);
    }
  };
  for (const char* key : {"expect", "expect_rules"}) {
    if (!entry[key] || !entry[key].IsMap()) continue;
    for (auto it = entry[key].begin(); it != entry[key].end(); ++it) checked(it->first.Scalar());
  }
  // `expect_not_applicable: [decision, ...]` (or one name): their `applies when` is false.
  std::vector<YAML::Node> not_applicable;
  if (const YAML::Node na = entry["expect_not_applicable"]) {
    if (na.IsScalar()) {
      not_applicable.push_back(na);
    } else if (na.IsSequence()) {
      for (const YAML::Node& name : na) not_applicable.push_back(name);
    } else {
      Malformed(file, na.Mark(), "`expect_not_applicable` must list decision names");
      fail("`expect_not_applicable` is not a list");
    }
    for (const YAML::Node& name : not_applicable) checked(FlowText(name));
  }

  if (program && date) {
    Case input = program->NewCase();
    for (const FactPtr& fact_ptr : facts) {
      const Fact& fact = *fact_ptr;
      if (fact.value.IsNull()) {
        int slot = program->FactSlot(fact.name);
        if (slot >= 0) input.Unset(slot);
        continue;
      }
      std::vector<Diagnostic> fact_errors;
      if (fact.value.IsMap()) {
        fact_errors.push_back(Make(diag::Kind::kFactWrongType, {},
                                   "fact `" + fact.name + "` must be a value, not a mapping"));
      } else {
        program->SetFact(input, fact.name, FlowText(fact.value), fact_errors);
      }
      for (Diagnostic& fact_error : fact_errors) {
        fact_error.location = At(*fact.file, fact.mark, fact.name.size());
        result.errors.push_back(std::move(fact_error));
      }
    }
    std::vector<Diagnostic> missing;
    program->CheckRequired(input, missing);
    for (Diagnostic& missing_fact : missing) {
      missing_fact.location = At(file, entry.Mark());
      result.errors.push_back(std::move(missing_fact));
    }

    if (result.errors.empty()) {
      result.explanation = program->Explain(input, *date);
      result.evaluated = true;
      const Explanation& explanation = result.explanation;
      for (const DecisionExplanation& decision : explanation.decisions) {
        for (const RuleExplanation& winner : decision.winners) {
          if (decision.status == DecisionStatus::kDecided) {
            fired.insert(winner.rule.layer + "." + winner.rule.id);
          }
        }
      }
      auto find = [&](const std::string& name) -> const DecisionExplanation* {
        for (const DecisionExplanation& decision : explanation.decisions) {
          if (decision.name == name) return &decision;
        }
        return nullptr;
      };
      std::vector<std::string> decision_names;
      for (const DecisionExplanation& decision : explanation.decisions) {
        decision_names.push_back(decision.name);
      }
      auto unknown_decision = [&](const YAML::Node& key, const std::string& name) {
        std::string closest = diag::ClosestName(name, decision_names);
        Diagnostic unknown =
            Make(diag::Kind::kUnknownDecisionInTest, At(file, key.Mark(), name.size()),
                 "test expects `" + name + "`, which is not a decision in `" + result.jurisdiction +
                     "`");
        if (!closest.empty()) unknown.help.push_back("did you mean `" + closest + "`?");
        report_.diagnostics.push_back(unknown);
        fail(name + ": not a decision in " + result.jurisdiction);
      };

      Outcome outcome;  // typed values to compare with
      program->Evaluate(input, *date, outcome);
      const bool invalid_case = !explanation.case_errors.empty();
      if (invalid_case && expected_error.empty()) {
        for (const Diagnostic& case_error : explanation.case_errors) {
          fail("the case is invalid: error[" + case_error.code + "]: " + case_error.message);
        }
      }
      if (entry["expect"] && !invalid_case) {
        const YAML::Node& expect = entry["expect"];
        if (!expect.IsMap()) {
          Malformed(file, expect.Mark(), "`expect` must map decision names to values");
          fail("`expect` is not a mapping");
        } else {
          for (auto it = expect.begin(); it != expect.end(); ++it) {
            std::string name = it->first.Scalar();
            const DecisionExplanation* decision = find(name);
            if (!decision) {
              unknown_decision(it->first, name);
              continue;
            }
            if (decision->error) {
              fail(name + ": expected " + FlowText(it->second) + ", got error[" +
                   decision->error->code + "]: " + decision->error->message);
              continue;
            }
            if (!ValuesEqual(it->second, outcome.value(decision->decision))) {
              fail(name + ": expected " + FlowText(it->second) + ", got " + decision->value);
            }
          }
        }
      }
      if (entry["expect_rules"] && !invalid_case) {
        const YAML::Node& expect = entry["expect_rules"];
        if (!expect.IsMap()) {
          Malformed(file, expect.Mark(), "`expect_rules` must map decision names to rule ids");
          fail("`expect_rules` is not a mapping");
        } else {
          for (auto it = expect.begin(); it != expect.end(); ++it) {
            std::string name = it->first.Scalar();
            const DecisionExplanation* decision = find(name);
            if (!decision) {
              unknown_decision(it->first, name);
              continue;
            }
            std::set<std::string> want;
            if (it->second.IsSequence()) {
              // By value: `it->` is a proxy that lives to the end of the statement only,
              // and a range-for over its member would outlive it (ASan: use after scope).
              const YAML::Node ids = it->second;
              for (const YAML::Node& id : ids) want.insert(FlowText(id));
            } else {
              want.insert(FlowText(it->second));
            }
            std::set<std::string> got, got_qualified;
            std::string got_text;
            for (const RuleExplanation& winner : decision->winners) {
              got.insert(winner.rule.id);
              got_qualified.insert(winner.rule.layer + "." + winner.rule.id);
              got_text += (got_text.empty() ? "" : ", ") + winner.rule.id;
            }
            bool same = want.size() == decision->winners.size();
            for (const std::string& id : want) {
              if (!got.count(id) && !got_qualified.count(id)) same = false;
            }
            if (!same) {
              std::string want_text;
              for (const std::string& id : want) want_text += (want_text.empty() ? "" : ", ") + id;
              fail("rules deciding " + name + ": expected " + want_text + ", got " +
                   (got_text.empty() ? (decision->default_used ? "the default" : "none")
                                     : got_text));
            }
          }
        }
      }
      if (!invalid_case) {
        for (const YAML::Node& key : not_applicable) {
          std::string name = FlowText(key);
          const DecisionExplanation* decision = find(name);
          if (!decision) {
            unknown_decision(key, name);
          } else if (decision->status != DecisionStatus::kNotApplicable) {
            fail(name + ": expected not applicable, got " +
                 (decision->error           ? "error[" + decision->error->code + "]"
                  : decision->value.empty() ? std::string(DecisionStatusName(decision->status))
                                            : decision->value));
          }
        }
      }
      // Evaluation errors: expected ones pass, unexpected ones fail.
      std::vector<std::string> codes;
      for (const Diagnostic& case_error : explanation.case_errors) codes.push_back(case_error.code);
      for (const DecisionExplanation& decision : explanation.decisions) {
        if (decision.error) codes.push_back(decision.error->code);
      }
      if (!expected_error.empty()) {
        if (std::find(codes.begin(), codes.end(), expected_error) == codes.end()) {
          std::string got_text;
          for (const std::string& code : codes) got_text += (got_text.empty() ? "" : ", ") + code;
          fail("expected error " + expected_error + ", got " +
               (got_text.empty() ? "no error" : got_text));
        }
      } else if (!invalid_case) {
        for (const DecisionExplanation& decision : explanation.decisions) {
          if (decision.error && !(entry["expect"] && entry["expect"][decision.name])) {
            fail("unexpected error[" + decision.error->code + "] in " + decision.name + ": " +
                 decision.error->message);
          }
        }
      }
    }
  }
  // Invalid case input: passes only when exactly that error was expected.
  if (!result.errors.empty()) {
    bool expected = false;
    for (const Diagnostic& case_error : result.errors) {
      if (case_error.code == expected_error) expected = true;
    }
    if (!expected) {
      for (const Diagnostic& case_error : result.errors) {
        fail("error[" + case_error.code + "]: " + case_error.message);
      }
    }
  }
  result.passed = result.differences.empty();
  if (result.passed) {
    ++report_.passed;
  } else {
    ++report_.failed;
    std::string message = "test `" + result.name + "` failed: " + result.differences.front();
    if (result.differences.size() > 1) {
      message += " (and " + std::to_string(result.differences.size() - 1) + " more)";
    }
    Diagnostic failure = Make(diag::Kind::kTestFailed, result.location, message);
    for (std::size_t i = 1; i < result.differences.size(); ++i) {
      failure.notes.push_back({{}, result.differences[i]});
    }
    report_.diagnostics.push_back(std::move(failure));
  }
  report_.cases.push_back(std::move(result));
}

Status CollectSuites(const std::vector<std::string>& paths, std::vector<std::string>& suites) {
  for (const std::string& given : paths) {
    std::error_code error;
    fs::file_status status = fs::status(given, error);
    if (error && error != std::errc::no_such_file_or_directory) {
      return {StatusCode::kIoError, "cannot read `" + given + "`: " + internal::Reason(error)};
    }
    if (error || !fs::exists(status)) {
      return {StatusCode::kNotFound, "no such test suite or folder: `" + given + "`"};
    }
    if (fs::is_directory(status)) {
      std::vector<fs::path> found;
      Status walked = internal::FindFiles(given, {".yaml", ".yml"}, found);
      if (!walked.ok()) return walked;
      std::sort(found.begin(), found.end());
      for (const fs::path& file : found) suites.push_back(file.generic_string());
    } else {
      suites.push_back(given);
    }
  }
  return Status::Ok();
}

void AddCoverage(const RuleBase& rules, const std::set<std::string>& fired,
                 const TestOptions& options, TestReport& report) {
  const internal::RuleBaseImpl& impl = internal::RuleBaseAccess::Impl(rules);
  if (!impl.model) return;
  for (const auto& layer : impl.model->layers) {
    for (const ast::RuleDecl* rule : layer->rules) {
      ++report.rules_total;
      std::string qualified = layer->name + "." + rule->id;
      if (fired.count(qualified)) continue;
      report.uncovered_rules.push_back(qualified);
      Diagnostic diagnostic =
          Make(diag::Kind::kUncoveredRule, internal::ToLocation(rule->id_range, *impl.sources),
               "no test makes rule `" + rule->id + "` (layer " + layer->name + ") fire");
      // A warning in the registry; an error when the run requires coverage.
      if (options.require_coverage) diagnostic.severity = Severity::kError;
      diagnostic.layer = layer->name;
      report.diagnostics.push_back(std::move(diagnostic));
    }
  }
  std::sort(report.uncovered_rules.begin(), report.uncovered_rules.end());
}

}  // namespace

Result<TestReport> RunTests(const RuleBase& rules, const std::vector<std::string>& suite_paths,
                            const TestOptions& options) {
  try {
    if (rules.has_errors() && !internal::AcceptedAsWritten(internal::RuleBaseAccess::Impl(rules))) {
      return Status(StatusCode::kInvalidArgument,
                    "the rule base has errors; fix them before testing (see `loket check`)");
    }
    std::vector<std::string> suites;
    Status status = CollectSuites(suite_paths, suites);
    if (!status.ok()) return status;
    if (suites.empty()) return Status(StatusCode::kNotFound, "no test suites found");
    TestReport report;
    SuiteRunner runner(rules, report);
    for (const std::string& suite : suites) {
      Status ran = runner.RunFile(suite);
      if (!ran.ok()) return ran;
    }
    AddCoverage(rules, runner.fired, options, report);
    std::stable_sort(report.diagnostics.begin(), report.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return std::tie(a.location.path, a.location.line, a.location.column) <
                              std::tie(b.location.path, b.location.line, b.location.column);
                     });
    return report;
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("internal error while testing: ") + e.what());
  }
}

}  // namespace loket
