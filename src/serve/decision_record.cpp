#include "serve/decision_record.h"

#include <fstream>
#include <map>
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "serve/json_util.h"

namespace loket::serve {

std::string OutcomeRecord(const Program& program, const Outcome& outcome) {
  std::string decisions = "{", status = "{", rules = "{";
  for (int d = 0; d < outcome.decision_count(); ++d) {
    const std::string& name = program.decisions()[static_cast<std::size_t>(d)].name;
    const char* sep = d ? "," : "";
    DecisionStatus s = outcome.status(d);
    bool has_value = s == DecisionStatus::kDecided || s == DecisionStatus::kDefault;
    decisions += sep + JsonString(name) + ":" + (has_value ? outcome.value(d).ToJson() : "null");
    status += sep + JsonString(name) + ":" + JsonString(DecisionStatusName(s));
    rules += sep + JsonString(name) + ":[";
    bool first = true;
    for (const RuleRefInfo& rule : outcome.winners(d)) {
      if (!first) rules += ",";
      first = false;
      rules += JsonString(rule.layer + "." + rule.id);
    }
    rules += "]";
  }
  return "{\"decisions\":" + decisions + "},\"status\":" + status + "},\"rules\":" + rules + "}}";
}

std::string DecisionRecord(const Receipt& receipt, const Program& program, const Case& facts,
                           const Outcome& outcome) {
  std::string facts_json = program.CaseToJson(facts);
  while (!facts_json.empty() && (facts_json.back() == '\n' || facts_json.back() == ' ')) {
    facts_json.pop_back();
  }
  return "{\"receipt\":" + ReceiptJson(receipt) + ",\"facts\":" + facts_json +
         ",\"outcome\":" + OutcomeRecord(program, outcome) + "}";
}

namespace {

// What differs between two outcome records, one phrase per decision; empty when they agree.
std::string Differences(const nlohmann::json& logged, const nlohmann::json& now) {
  std::string out;
  for (const char* part : {"decisions", "status", "rules"}) {
    const nlohmann::json& a = logged.contains(part) ? logged[part] : nlohmann::json::object();
    const nlohmann::json& b = now[part];
    std::map<std::string, std::pair<std::string, std::string>> changed;
    for (auto it = b.begin(); it != b.end(); ++it) {
      std::string before = a.contains(it.key()) ? a[it.key()].dump() : "(absent)";
      if (before != it.value().dump()) changed[it.key()] = {before, it.value().dump()};
    }
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) changed[it.key()] = {it.value().dump(), "(absent)"};
    }
    for (const auto& [name, values] : changed) {
      if (!out.empty()) out += "; ";
      out += std::string(part == std::string("decisions") ? "" : std::string(part) + " of ") +
             name + ": " + values.first + " -> " + values.second;
    }
  }
  return out;
}

}  // namespace

Result<ReplaySummary> ReplayLog(const std::string& log_path, const RuleBase& rules,
                                std::ostream& report) {
  std::ifstream in(log_path, std::ios::binary);
  if (!in) return Status(StatusCode::kIoError, "cannot read decision log `" + log_path + "`");
  ReplaySummary summary;
  std::map<std::string, std::unique_ptr<Program>> programs;
  Case facts;
  Outcome outcome;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    ++summary.records;
    const std::string where = log_path + ":" + std::to_string(line_number) + ": ";
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object() || !record.contains("receipt") ||
        !record.contains("facts") || !record.contains("outcome") ||
        !record["receipt"].is_object()) {
      report << where << "not a decision record\n";
      ++summary.unreadable;
      continue;
    }
    const nlohmann::json& receipt = record["receipt"];
    std::string id = receipt.value("decision_id", std::string("?"));
    std::string jurisdiction = receipt.value("jurisdiction", std::string());
    std::optional<Date> on = Date::Parse(receipt.value("reference_date", std::string()));
    std::string hash = receipt.value("rule_base_hash", std::string());
    if (!on) {
      report << where << "decision " << id << ": no valid reference_date\n";
      ++summary.unreadable;
      continue;
    }
    bool other_hash = hash != rules.ContentHash();
    if (other_hash) {
      report << where << "decision " << id << ": decided under rule base " << hash
             << ", replayed with " << rules.ContentHash() << "\n";
      ++summary.other_hash;
    }
    auto& program = programs[jurisdiction];
    if (!program) {
      Result<Program> compiled = rules.Compile(jurisdiction);
      if (!compiled.ok()) {
        report << where << "decision " << id << ": " << compiled.status().message() << "\n";
        ++summary.unreadable;
        programs.erase(jurisdiction);
        continue;
      }
      program = std::make_unique<Program>(std::move(*compiled));
    }
    std::vector<Diagnostic> errors;
    facts = program->NewCase();
    if (!program->ParseJson(record["facts"].dump(), facts, errors)) {
      report << where << "decision " << id << ": the logged facts no longer read: "
             << (errors.empty() ? std::string("?") : errors.front().message) << "\n";
      ++summary.unreadable;
      continue;
    }
    program->Evaluate(facts, *on, outcome);
    nlohmann::json now = nlohmann::json::parse(OutcomeRecord(*program, outcome));
    std::string differences = Differences(record["outcome"], now);
    if (differences.empty()) {
      if (!other_hash) ++summary.same;
      continue;
    }
    report << where << "decision " << id << " (" << jurisdiction << ", " << on->ToString()
           << ") differs: " << differences << "\n";
    ++summary.different;
  }
  report << "replayed " << summary.records << " decision(s): " << summary.same << " the same, "
         << summary.different << " different, " << summary.other_hash
         << " under another rule base, " << summary.unreadable << " unreadable\n";
  return summary;
}

}  // namespace loket::serve
