// The answer as JSON (docs/cli.md, "JSON output"): every decision complete with its status,
// value, deciding rules (citations, notes, conditions, fact trees), the rules that could have
// decided a default and why they did not, and defeated rules.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/fact_tree.h"
#include "api/json_text.h"
#include "loket/answer.h"
#include "loket/receipt.h"

namespace loket {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& json, int indent) {
  // Invalid UTF-8 in a name or citation must not throw: replace it.
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

// `date`: the reference date, for each source's link to the official text valid on it
// (docs/language.md, "Citations").
Json RuleJson(const RuleRefInfo& rule, const std::string& date) {
  const std::optional<Date> on = Date::Parse(date);
  Json citations = Json::array();
  for (const CitationInfo& c : rule.citations) {
    const std::string link = on ? CitationLink(c, *on) : std::string();
    citations.push_back({{"text", c.text},
                         {"law", c.law},
                         {"law_title", c.law_title},
                         {"registry", c.registry},
                         {"identifier", c.identifier},
                         {"article", c.article},
                         {"article_to", c.article_to},
                         {"lid", c.paragraph},
                         {"sub", c.sub},
                         {"remark", c.remark},
                         {"url", link.empty() ? Json() : Json(link)}});
  }
  return {{"id", rule.id},
          {"layer", rule.layer},
          {"citation", rule.citation},
          {"citations", citations},
          {"notes", rule.notes}};
}

Json ValueJson(const ReadValue& read) {
  return read.known ? Json(read.value) : Json();
}

// The fact tree: each read value; a derived one with `from` (what it was computed from) the
// first time, `expanded_above: true` afterwards.
Json TreeJson(const std::vector<internal::FactNode>& nodes, const std::string& date) {
  Json array = Json::array();
  for (const internal::FactNode& node : nodes) {
    Json entry = {{"name", node.read->name},
                  {"kind", node.read->kind},
                  {"known", node.read->known},
                  {"value", ValueJson(*node.read)}};
    if (node.repeated) entry["expanded_above"] = true;
    if (node.derived) {
      if (node.derived->kind == "decision") {
        entry["default_used"] = node.derived->default_used;
        Json rules = Json::array();
        for (const RuleRefInfo& rule : node.derived->rules) rules.push_back(RuleJson(rule, date));
        entry["rules"] = rules;
      }
      entry["from"] = TreeJson(node.children, date);
    }
    array.push_back(std::move(entry));
  }
  return array;
}

Json ReadsJson(const Explanation& explanation, const std::vector<ReadValue>& reads,
               std::set<std::string>& expanded) {
  return TreeJson(internal::BuildFactTree(explanation, reads, expanded), explanation.date);
}

Json WhyNotJson(const Explanation& explanation, const WhyNotExplanation& why,
                std::set<std::string>& expanded) {
  Json defeated_by = Json::array();
  for (const RuleRefInfo& rule : why.defeated_by) {
    defeated_by.push_back(RuleJson(rule, explanation.date));
  }
  Json reads = ReadsJson(explanation, why.reads, expanded);
  return {{"rule", RuleJson(why.rule, explanation.date)},
          {"reason", WhyNotReasonName(why.reason)},
          {"message", why.message},
          {"failed_part", why.failed_part},
          {"reads", reads},
          {"defeated_by", defeated_by},
          {"valid_from", why.valid_from ? Json(why.valid_from->ToString()) : Json()},
          {"valid_until", why.valid_until ? Json(why.valid_until->ToString()) : Json()}};
}

Json ParsedValue(const std::string& value_json) {
  Json value = Json::parse(value_json.empty() ? std::string("null") : value_json, nullptr, false);
  return value.is_discarded() ? Json() : value;
}

Json DecisionJson(const Explanation& explanation, const DecisionExplanation& decision) {
  std::set<std::string> expanded;  // each derived value expanded once per decision
  Json rules = Json::array();
  for (const RuleExplanation& rule : decision.winners) {
    Json entry = RuleJson(rule.rule, explanation.date);
    entry["condition"] = rule.condition;
    entry["reads"] = ReadsJson(explanation, rule.reads, expanded);
    entry["contributes"] = rule.contributes;
    rules.push_back(std::move(entry));
  }
  Json candidates = Json::array();
  for (const WhyNotExplanation& why : decision.candidates) {
    candidates.push_back(WhyNotJson(explanation, why, expanded));
  }
  Json defeated = Json::array();
  for (const DefeatExplanation& defeat : decision.defeated) {
    defeated.push_back({{"rule", RuleJson(defeat.rule, explanation.date)},
                        {"defeated_by", RuleJson(defeat.defeated_by, explanation.date)},
                        {"how", defeat.how}});
  }
  Json detail = {{"name", decision.name},
                 {"domain", decision.domain},
                 {"domain_title", decision.domain_title},
                 {"description", decision.description},
                 {"status", AnswerStatusName(decision.answer)},
                 {"value", ParsedValue(decision.value_json)},
                 {"default_used", decision.default_used},
                 {"rules", rules},
                 {"candidates", candidates},
                 {"defeated", defeated}};
  if (!decision.applies_when.empty()) detail["applies_when"] = decision.applies_when;
  if (decision.answer == AnswerStatus::kNotApplicable) {
    detail["applies_reads"] = ReadsJson(explanation, decision.applies_reads, expanded);
  }
  if (decision.error) {
    detail["error"] = {{"code", decision.error->code}, {"message", decision.error->message}};
  }
  return detail;
}

}  // namespace

std::string RenderAnswerJson(const Explanation& explanation, const WhyNotExplanation* why_not,
                             const Receipt* receipt) {
  Json decisions = Json::object();
  Json details = Json::array();
  std::vector<Diagnostic> errors = explanation.case_errors;
  for (const DecisionExplanation& decision : explanation.decisions) {
    decisions[decision.name] = ParsedValue(decision.value_json);
    details.push_back(DecisionJson(explanation, decision));
    if (decision.error) errors.push_back(*decision.error);
  }
  Json result = Json::object();
  if (receipt) result["receipt"] = Json::parse(ReceiptJson(*receipt));
  result["jurisdiction"] = explanation.jurisdiction;
  result["date"] = explanation.date;
  result["decisions"] = decisions;
  result["details"] = details;
  result["errors"] = Json::parse(RenderJson(errors));
  if (why_not) {
    std::set<std::string> expanded;
    result["why_not"] = WhyNotJson(explanation, *why_not, expanded);
  }
  return Dump(result, 2);
}

std::string RenderDecisionsJson(const Program& program, const Outcome& outcome, Date on,
                                const Receipt* receipt) {
  std::string out = "{";
  if (receipt) out += "\"receipt\":" + ReceiptJson(*receipt) + ",";
  out += "\"jurisdiction\":";
  AppendJsonString(out, program.jurisdiction());
  out += ",\"date\":\"" + on.ToString() + "\",\"decisions\":{";
  std::string basis = "{";
  for (int d = 0; d < outcome.decision_count(); ++d) {
    const std::string& name = program.decisions()[static_cast<std::size_t>(d)].name;
    const DecisionStatus status = outcome.status(d);
    const bool valued = status == DecisionStatus::kDecided || status == DecisionStatus::kDefault ||
                        status == DecisionStatus::kNotApplicable;
    if (d > 0) {
      out += ',';
      basis += ',';
    }
    AppendJsonString(out, name);
    out += ':';
    out += valued ? outcome.value(d).ToJson() : "null";
    AppendJsonString(basis, name);
    basis += ":[";
    if (status == DecisionStatus::kDecided) {
      auto [first, last] = outcome.winner_indices(d);
      for (const int* r = first; r != last; ++r) {
        if (r != first) basis += ',';
        AppendJsonString(basis, program.rules()[static_cast<std::size_t>(*r)].citation);
      }
    }
    basis += ']';
  }
  out += "},\"basis\":" + basis +
         "},\"errors\":" + Dump(Json::parse(RenderJson(outcome.errors())), -1) + "}";
  return out;
}

std::string RenderInvalidCaseJson(std::string_view jurisdiction, std::string_view date,
                                  const std::vector<Diagnostic>& errors) {
  Json result = {{"jurisdiction", std::string(jurisdiction)},
                 {"date", std::string(date)},
                 {"decisions", Json::object()},
                 {"details", Json::array()},
                 {"errors", Json::parse(RenderJson(errors))}};
  return Dump(result, 2);
}

std::string RenderRunErrorJson(std::string_view code, std::string_view message) {
  Json error = {
      {"code", std::string(code)}, {"severity", "error"}, {"message", std::string(message)}};
  return Dump(Json{{"errors", Json::array({error})}}, -1);
}

}  // namespace loket
