// Rendering a decided case: the answer sheet for people (text) and the answer for programs
// (JSON), the same for the CLI (`loket eval`) and any other front end. Built from an
// Explanation (Program::Explain); see docs/cli.md for the sheet and the JSON shape.
//
//   loket::Explanation explanation = program->Explain(facts, on);
//   loket::AnswerOptions options;
//   options.jurisdiction_title = "Gemeente Westland";
//   std::string sheet = loket::RenderAnswerText(explanation, options);
//   std::string json = loket::RenderAnswerJson(explanation);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "loket/diagnostic.h"
#include "loket/evaluate.h"

namespace loket {

struct Receipt;

struct AnswerOptions {
  // The compact sheet (false) shows per domain what applies to the person, then one line of
  // what does not and why; `all` shows every decision in full.
  bool all = false;
  // Conditions, the facts behind every value read (derived values expanded down to the case
  // facts), the rules that could have decided a default and why they did not, and defeated
  // rules. Implies `all`.
  bool explain = false;
  std::string jurisdiction_title;  // e.g. "Gemeente Westland"; empty: none
};

// The answer sheet: "Decisions for <jurisdiction> (<title>) on <date>", then per domain (its
// title and name) the decisions with the deciding rules, their citations and notes.
std::string RenderAnswerText(const Explanation& explanation, const AnswerOptions& options = {});

// "Why not <rule>: ..." with the false part and the values it read (`requested`: the rule as
// the user named it, for an unknown rule); given the case's explanation, the derived values
// read are followed down to the case facts.
std::string RenderWhyNotText(const WhyNotExplanation& why, std::string_view requested,
                             const Explanation* explanation = nullptr);

// A condition's text (RuleExplanation::condition keeps its source line breaks) on one line,
// white space folded, as the answer sheet shows it.
std::string ConditionOnOneLine(const std::string& text);

// The answer as one JSON object (pretty-printed): jurisdiction, date, `decisions` (values by
// name), `details` (every decision with its status, value, rules with citations, notes and
// fact trees, and for a default the rules that could have decided it), `errors`, and with
// `why_not` given, the answer to --why-not. Every decision is always complete.
// With `receipt` given (loket/receipt.h), it is the object's first member, `receipt`.
std::string RenderAnswerJson(const Explanation& explanation,
                             const WhyNotExplanation* why_not = nullptr,
                             const Receipt* receipt = nullptr);

// The answer without its explanation, for callers that decide many single cases (the HTTP
// service's decide without `explain`): `receipt` (when given), `jurisdiction`, `date`,
// `decisions` (values by name, as in RenderAnswerJson), `basis` (per decision the citations of
// the rules that decided it; empty for a default) and `errors`. One line, no allocation of an
// explanation: a fraction of RenderAnswerJson's cost.
std::string RenderDecisionsJson(const Program& program, const Outcome& outcome, Date on,
                                const Receipt* receipt = nullptr);

// The same object for a case that could not be decided: no decisions, the case errors.
std::string RenderInvalidCaseJson(std::string_view jurisdiction, std::string_view date,
                                  const std::vector<Diagnostic>& errors);

// An error that stopped a command (a usage mistake, an unreadable file) as a JSON object:
// {"errors": [{"code": <code>, "severity": "error", "message": <message>}]}, one line.
std::string RenderRunErrorJson(std::string_view code, std::string_view message);

// `text` as a JSON string literal, quotes included, as every JSON writer of loket writes it
// (for front ends that write JSON around the answers): `"`, `\\` and control characters
// escaped, every byte that is not UTF-8 replaced by U+FFFD, so the result is always valid JSON.
void AppendJsonString(std::string& out, std::string_view text);
std::string JsonString(std::string_view text);

}  // namespace loket
