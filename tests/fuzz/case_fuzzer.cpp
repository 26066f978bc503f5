// libFuzzer target: any bytes as a case, read by the case readers of `loket eval`. The first
// byte picks the reader (YAML, JSON, or name/value pairs as the test runner passes them);
// the rest is the text. The reader must return (never crash, hang or throw), its verdict
// must match its diagnostics, messages must be short and valid UTF-8 (a rejected 100 MB
// value is not echoed), and an accepted case must evaluate and survive a round trip
// through CaseToJson and ParseJson unchanged. YAML that our reader accepts is also given to
// yaml-cpp, as `loket test` does with suites: it must return on all of it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <loket/loket.h>
#include <yaml-cpp/yaml.h>

#include "eval/yaml_subset.h"
#include "fuzz_rules.h"
#include "syntax/input_checks.h"

namespace {

const loket::Program& FuzzProgram() {
  static const loket::Program program =
      std::move(loket::fuzz::FuzzRules().Compile("westland")).value();
  return program;
}

void CheckDiagnostics(const std::vector<loket::Diagnostic>& errors) {
  for (const loket::Diagnostic& error : errors) {
    if (error.code.empty() || error.message.empty()) std::abort();
    if (error.message.size() > 2048) std::abort();  // values are quoted cut short
    if (loket::syntax::FindInvalidUtf8(error.message)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const loket::Program& program = FuzzProgram();
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  loket::Case facts = program.NewCase();
  std::vector<loket::Diagnostic> errors;
  bool ok = false;
  switch (data[0] % 3) {
    case 0: {
      ok = program.ParseYaml(text, facts, errors);
      loket::eval::YamlNode root;
      loket::eval::YamlError error;
      if (loket::eval::ReadYaml(text, root, error)) {
        try {
          (void)YAML::Load(std::string(text));
        } catch (const YAML::Exception&) {
          // Refused by yaml-cpp as well: `loket test` reports it.
        }
      }
      break;
    }
    case 1:
      ok = program.ParseJson(text, facts, errors);
      break;
    default: {
      // `name=value` lines, as `loket test` hands over facts.
      std::vector<std::pair<std::string, std::string>> pairs;
      std::size_t start = 0;
      while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        std::size_t equals = line.find('=');
        if (equals != std::string_view::npos) {
          pairs.emplace_back(std::string(line.substr(0, equals)),
                             std::string(line.substr(equals + 1)));
        }
        start = end + 1;
      }
      ok = program.ParseFacts(pairs, facts, errors);
    }
  }
  if (ok != errors.empty()) std::abort();
  CheckDiagnostics(errors);
  if (!ok) return 0;
  loket::Outcome outcome;
  program.Evaluate(facts, loket::Date::Parse("2025-03-01").value(), outcome);
  // What was read is written back as JSON and read again: the same case.
  const std::string json = program.CaseToJson(facts);
  loket::Case again = program.NewCase();
  std::vector<loket::Diagnostic> round_trip;
  if (!program.ParseJson(json, again, round_trip)) std::abort();
  if (program.CaseToJson(again) != json) std::abort();
  return 0;
}
