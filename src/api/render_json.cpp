// JSON rendering of diagnostics: the same facts as the text form, for tools and CI.
// Schema: docs/diagnostics.md.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loket/diagnostic.h"

namespace loket {
namespace {

nlohmann::ordered_json LocationJson(const Location& location) {
  return {{"path", location.path},
          {"line", location.line},
          {"column", location.column},
          {"end_line", location.end_line},
          {"end_column", location.end_column}};
}

nlohmann::ordered_json ReplayLinesJson(const std::vector<ReplayLine>& lines) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const ReplayLine& line : lines) {
    array.push_back({{"decision", line.decision},
                     {"status", line.status},
                     {"decided", line.decided},
                     {"value", line.value},
                     {"rules", line.rules},
                     {"error_code", line.error_code},
                     {"text", line.text}});
  }
  return array;
}

}  // namespace

std::string RenderJson(const std::vector<Diagnostic>& diagnostics) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const Diagnostic& diagnostic : diagnostics) {
    nlohmann::ordered_json notes = nlohmann::ordered_json::array();
    for (const DiagnosticNote& note : diagnostic.notes) {
      notes.push_back({{"message", note.message}, {"location", LocationJson(note.location)}});
    }
    nlohmann::ordered_json witnesses = nlohmann::ordered_json::array();
    for (const Witness& witness : diagnostic.witnesses) {
      witnesses.push_back({{"title", witness.title},
                           {"jurisdiction", witness.jurisdiction},
                           {"date", witness.date},
                           {"case", witness.case_yaml},
                           {"replay", witness.replay},
                           {"facts_read", witness.facts_read_yaml},
                           {"replay_lines", ReplayLinesJson(witness.replay_lines)}});
    }
    array.push_back({{"code", diagnostic.code},
                     {"kind", diagnostic.kind},
                     {"severity", SeverityName(diagnostic.severity)},
                     {"message", diagnostic.message},
                     {"location", LocationJson(diagnostic.location)},
                     {"notes", notes},
                     {"help", diagnostic.help},
                     {"witnesses", witnesses},
                     {"layer", diagnostic.layer},
                     {"subject", diagnostic.subject},
                     {"value_at_fault", diagnostic.value_at_fault},
                     {"given", diagnostic.given},
                     {"about", diagnostic.about}});
  }
  // Invalid UTF-8 in a message or path must not throw: replace it.
  return array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace loket
