// Explanations: why each decision came out as it did, and why a rule did not take part.
// Built after an ordinary evaluation from the evaluator's per-rule memo and registers.
#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "eval/engine.h"
#include "eval/interpreter.h"
#include "eval/support.h"
#include "loket/evaluate.h"

namespace loket {

using compile::CompiledProgram;
using compile::Fault;

const char* WhyNotReasonName(WhyNotExplanation::Reason reason) {
  using Reason = WhyNotExplanation::Reason;
  switch (reason) {
    case Reason::kApplied:
      return "applied";
    case Reason::kUnknownRule:
      return "unknown rule";
    case Reason::kNotInForce:
      return "not in force";
    case Reason::kConditionFalse:
      return "condition false";
    case Reason::kError:
      return "error";
    case Reason::kDefeated:
      return "defeated";
    case Reason::kInvalidCase:
      return "invalid case";
    case Reason::kDecisionNotApplicable:
      return "decision not applicable";
  }
  return "?";
}

const char* AnswerStatusName(AnswerStatus status) {
  switch (status) {
    case AnswerStatus::kDecided:
      return "decided";
    case AnswerStatus::kDefaultWithBasis:
      return "default_with_basis";
    case AnswerStatus::kDefaultWithoutBasis:
      return "default_without_basis";
    case AnswerStatus::kError:
      return "error";
    case AnswerStatus::kNotApplicable:
      return "not_applicable";
  }
  return "?";
}

const DerivedValue* Explanation::FindDerived(std::string_view name) const {
  for (const DerivedValue& value : derived) {
    if (value.name == name) return &value;
  }
  return nullptr;
}

namespace {

const char* SlotKindName(compile::SlotKind kind) {
  switch (kind) {
    case compile::SlotKind::kFact:
      return "fact";
    case compile::SlotKind::kParam:
      return "param";
    case compile::SlotKind::kLet:
      return "let";
    case compile::SlotKind::kDecision:
      return "decision";
    case compile::SlotKind::kReferenceDate:
      return "reference_date";
    case compile::SlotKind::kTemp:
      return "value";
  }
  return "value";
}

std::vector<ReadValue> Reads(const CompiledProgram& p, const Outcome::Scratch& s,
                             const std::vector<int>& registers) {
  std::vector<ReadValue> reads;
  for (int reg : registers) {
    const compile::SlotInfo& slot = p.slots[static_cast<std::size_t>(reg)];
    ReadValue read;
    read.name = slot.name;
    read.kind = SlotKindName(slot.kind);
    if (s.fault[static_cast<std::size_t>(reg)] == Fault::kNone) {
      read.value = eval::SlotValue(p, reg, s.regs[static_cast<std::size_t>(reg)]).ToString();
    } else {
      read.known = false;
    }
    reads.push_back(std::move(read));
  }
  return reads;
}

eval::RunResult RunBlock(const CompiledProgram& p, compile::CodeRef block, Outcome::Scratch& s) {
  return eval::Run(p, block, s);
}

std::string AssignedValue(const CompiledProgram& p, Outcome::Scratch& s, int rule, int decision) {
  for (int a : p.rules[static_cast<std::size_t>(rule)].assignments) {
    const compile::Assignment& assignment = p.assignments[static_cast<std::size_t>(a)];
    if (assignment.decision != decision) continue;
    std::int64_t raw = assignment.value.constant;
    if (!assignment.value.is_constant) {
      eval::RunResult r = RunBlock(p, assignment.value.code, s);
      if (r.fault != Fault::kNone) return "(error)";
      raw = r.value;
    }
    return eval::SlotValue(p, p.decisions[static_cast<std::size_t>(decision)].slot, raw).ToString();
  }
  return {};
}

// A rule reference for people: with the rule's notes, which explanations show under it.
RuleRefInfo RuleWithNotes(const CompiledProgram& p, int rule) {
  RuleRefInfo ref = eval::RuleRef(p, rule);
  ref.notes = p.rule_infos[static_cast<std::size_t>(rule)].notes;
  return ref;
}

// Whether a decided decision holds its default value (a collect decision: the empty set), so
// the rule that decided it gave a "no" with a basis rather than something that applies.
bool HoldsDefault(const CompiledProgram& p, Outcome::Scratch& s, int decision, std::int64_t raw) {
  const compile::Decision& d = p.decisions[static_cast<std::size_t>(decision)];
  if (d.collect) return raw == 0;
  if (!d.has_default) return false;
  std::int64_t default_raw = d.default_value.constant;
  if (!d.default_value.is_constant) {
    eval::RunResult r = RunBlock(p, d.default_value.code, s);
    if (r.fault != Fault::kNone) return false;
    default_raw = r.value;
  }
  return raw == default_raw;
}

std::string FaultText(const CompiledProgram& p, eval::RunResult r) {
  switch (r.fault) {
    case Fault::kAbsentOptional:
      if (r.detail >= 0 && r.detail < p.fact_count) {
        return fmt::format("it reads the optional fact `{}`, which the case does not give",
                           p.slots[static_cast<std::size_t>(r.detail)].name);
      }
      return "it reads an absent optional fact";
    case Fault::kOverflow:
      return "arithmetic overflow";
    case Fault::kDivisionByZero:
      return "division by zero";
    case Fault::kGap:
    case Fault::kConflict:
      if (r.detail >= 0 && static_cast<std::size_t>(r.detail) < p.decision_infos.size()) {
        return fmt::format("it reads `{}`, which is undecided ({})",
                           p.decision_infos[static_cast<std::size_t>(r.detail)].name,
                           r.fault == Fault::kGap ? "gap" : "conflict");
      }
      return "it reads an undecided decision";
    case Fault::kNone:
      break;
  }
  return {};
}

}  // namespace

namespace {

// Why rule `r` did not take part in an evaluation already done into `out` (or that it did).
// Shared by Program::WhyNot and the explanation of decisions no rule decided.
WhyNotExplanation WhyNotRule(const CompiledProgram& p, const Outcome& out, Outcome::Scratch& s,
                             int r, Date on) {
  using Reason = WhyNotExplanation::Reason;
  WhyNotExplanation why;
  const compile::Rule& rule = p.rules[static_cast<std::size_t>(r)];
  why.rule = RuleWithNotes(p, r);
  why.valid_from = p.rule_infos[static_cast<std::size_t>(r)].valid_from;
  why.valid_until = p.rule_infos[static_cast<std::size_t>(r)].valid_until;
  const std::string name = rule.layer + "." + rule.id;

  if (!rule.InForce(on.day)) {
    why.reason = Reason::kNotInForce;
    std::string span;
    if (why.valid_from) span += " from " + why.valid_from->ToString();
    if (why.valid_until) span += " until " + why.valid_until->ToString();
    why.message = fmt::format("rule `{}` is not in force on {} (valid{})", name, on.ToString(),
                              span.empty() ? " never" : span);
    return why;
  }
  // §4 *Applicability*: the rules of a decision that does not apply are not consulted, so
  // their conditions are not read (reading them could fail where the evaluation did not).
  bool consulted = rule.assignments.empty();
  std::string not_applicable;
  for (int a : rule.assignments) {
    const int d = p.assignments[static_cast<std::size_t>(a)].decision;
    if (out.status(d) != DecisionStatus::kNotApplicable) {
      consulted = true;
      break;
    }
    const DecisionInfo& info = p.decision_infos[static_cast<std::size_t>(d)];
    if (!not_applicable.empty()) not_applicable += ", ";
    not_applicable += fmt::format("`{}` (applies when `{}`)", info.name, info.applies_when);
  }
  if (!consulted) {
    why.reason = Reason::kDecisionNotApplicable;
    why.message =
        fmt::format("rule `{}` is not consulted: what it decides does not apply to this case: {}",
                    name, not_applicable);
    return why;
  }
  for (const compile::ConditionPart& part : rule.parts) {
    eval::RunResult result = RunBlock(p, part.code, s);
    if (result.fault != Fault::kNone) {
      why.reason = Reason::kError;
      why.failed_part = part.text;
      why.reads = Reads(p, s, part.reads);
      why.message = fmt::format("rule `{}` could not be evaluated at `{}`: {}", name, part.text,
                                FaultText(p, result));
      return why;
    }
    if (result.value == 0) {
      why.reason = Reason::kConditionFalse;
      why.failed_part = part.text;
      why.reads = Reads(p, s, part.reads);
      std::string values;
      for (const ReadValue& read : why.reads) {
        if (!values.empty()) values += ", ";
        values += read.name + " = " + (read.known ? read.value : "(absent)");
      }
      why.message = fmt::format("rule `{}` does not apply: `{}` is false{}", name, part.text,
                                values.empty() ? "" : " (" + values + ")");
      return why;
    }
  }
  const std::uint8_t st = s.rule_state[static_cast<std::size_t>(r)];
  if ((st & eval::kDefeated) && s.defeated_by[static_cast<std::size_t>(r)] >= 0) {
    const int by = s.defeated_by[static_cast<std::size_t>(r)];
    why.reason = Reason::kDefeated;
    why.defeated_by.push_back(RuleWithNotes(p, by));
    why.defeat_how = "exception";
    const compile::Rule& winner = p.rules[static_cast<std::size_t>(by)];
    const bool direct =
        std::find(rule.defeaters.begin(), rule.defeaters.end(), by) != rule.defeaters.end();
    why.message = direct ? fmt::format("rule `{}` applies but is defeated by its exception `{}.{}`",
                                       name, winner.layer, winner.id)
                         : fmt::format(
                               "rule `{}` applies but is defeated by `{}.{}`, which holds further "
                               "down its exception tree (an exception to one of its exceptions)",
                               name, winner.layer, winner.id);
    return why;
  }
  // Replaced by a deeper layer on a delegated decision?
  for (int a : rule.assignments) {
    const int d = p.assignments[static_cast<std::size_t>(a)].decision;
    const compile::Decision& decision = p.decisions[static_cast<std::size_t>(d)];
    if (!decision.delegated || decision.collect) continue;
    auto winners = out.winner_indices(d);
    if (winners.first == winners.second) continue;
    if (std::find(winners.first, winners.second, r) != winners.second) continue;
    if (out.status(d) != DecisionStatus::kDecided && out.status(d) != DecisionStatus::kConflict) {
      continue;
    }
    why.reason = Reason::kDefeated;
    why.defeat_how = "lower layer";
    std::string names;
    for (const int* w = winners.first; w != winners.second; ++w) {
      why.defeated_by.push_back(RuleWithNotes(p, *w));
      if (!names.empty()) names += ", ";
      const compile::Rule& winner = p.rules[static_cast<std::size_t>(*w)];
      names += "`" + winner.layer + "." + winner.id + "`";
    }
    why.message = fmt::format(
        "rule `{}` applies but on the delegated decision `{}` the lower layer's {} replace it",
        name, p.decision_infos[static_cast<std::size_t>(d)].name, names);
    return why;
  }
  // Every decision it decides is not applicable: it was not consulted.
  // A decision that failed with an error (docs/language.md §9, *Failure*: another rule's
  // condition, the search of this rule's exceptions, ...) has no outcome to take part in.
  for (int a : rule.assignments) {
    const int d = p.assignments[static_cast<std::size_t>(a)].decision;
    const DecisionStatus status = out.status(d);
    if (DecisionStatusCode(status)[0] == '\0' || status == DecisionStatus::kConflict ||
        status == DecisionStatus::kNotApplicable) {
      continue;
    }
    const std::optional<Diagnostic> error = out.error(d);
    why.reason = Reason::kError;
    why.message = fmt::format("rule `{}` holds, but deciding `{}` failed: {}", name,
                              p.decision_infos[static_cast<std::size_t>(d)].name,
                              error ? error->message : DecisionStatusName(status));
    return why;
  }
  why.reason = Reason::kApplied;
  std::string decided;
  for (int a : rule.assignments) {
    const int d = p.assignments[static_cast<std::size_t>(a)].decision;
    if (!decided.empty()) decided += ", ";
    decided +=
        p.decision_infos[static_cast<std::size_t>(d)].name + " = " + AssignedValue(p, s, r, d);
  }
  why.message = fmt::format("rule `{}` applies and takes part in the outcome ({})", name, decided);
  return why;
}

// Every let and decision with the values it was computed from, for the fact trees.
std::vector<DerivedValue> DerivedValues(const CompiledProgram& p, const Outcome& out,
                                        const Outcome::Scratch& s) {
  std::vector<DerivedValue> derived;
  for (const compile::Let& let : p.lets) {
    DerivedValue value;
    value.name = p.slots[static_cast<std::size_t>(let.slot)].name;
    value.kind = "let";
    if (s.fault[static_cast<std::size_t>(let.slot)] == Fault::kNone) {
      value.value =
          eval::SlotValue(p, let.slot, s.regs[static_cast<std::size_t>(let.slot)]).ToString();
    } else {
      value.known = false;
    }
    value.reads = Reads(p, s, let.reads);
    derived.push_back(std::move(value));
  }
  for (int d = 0; d < out.decision_count(); ++d) {
    DerivedValue value;
    value.name = p.decision_infos[static_cast<std::size_t>(d)].name;
    value.kind = "decision";
    const DecisionStatus status = out.status(d);
    value.known = status == DecisionStatus::kDecided || status == DecisionStatus::kDefault;
    if (value.known) value.value = out.value(d).ToString();
    value.default_used = status == DecisionStatus::kDefault;
    std::vector<int> registers;
    auto winners = out.winner_indices(d);
    for (const int* r = winners.first; r != winners.second; ++r) {
      value.rules.push_back(RuleWithNotes(p, *r));
      for (int reg : p.rules[static_cast<std::size_t>(*r)].reads) {
        if (std::find(registers.begin(), registers.end(), reg) == registers.end()) {
          registers.push_back(reg);
        }
      }
    }
    value.reads = Reads(p, s, registers);
    derived.push_back(std::move(value));
  }
  return derived;
}

}  // namespace

Explanation Program::Explain(const Case& facts, Date on) const {
  const CompiledProgram& p = *compiled_;
  Outcome out;
  Evaluate(facts, on, out);
  Outcome::Scratch& s = internal::Engine::ScratchOf(out);
  Explanation ex;
  ex.jurisdiction = p.jurisdiction;
  ex.date = on.ToString();
  ex.case_errors = out.case_errors();
  for (int d = 0; d < out.decision_count(); ++d) {
    const DecisionInfo& info = p.decision_infos[static_cast<std::size_t>(d)];
    const compile::Decision& decision = p.decisions[static_cast<std::size_t>(d)];
    DecisionExplanation e;
    e.decision = d;
    e.name = info.name;
    e.domain = info.domain;
    e.domain_title = info.domain_title;
    e.description = info.description;
    e.applies_when = info.applies_when;
    e.collect = info.collect;
    e.status = out.status(d);
    e.default_used = e.status == DecisionStatus::kDefault;
    e.error = out.error(d);
    if (e.status == DecisionStatus::kDecided || e.status == DecisionStatus::kDefault) {
      e.value = out.value(d).ToString();
      e.value_json = out.value(d).ToJson();
    }
    if (e.status == DecisionStatus::kDefault) {
      e.answer = AnswerStatus::kDefaultWithoutBasis;
    } else if (e.status == DecisionStatus::kNotApplicable) {
      e.answer = AnswerStatus::kNotApplicable;
    } else if (e.status != DecisionStatus::kDecided) {
      e.answer = AnswerStatus::kError;
    } else {
      e.answer = HoldsDefault(p, s, d, out.raw(d)) ? AnswerStatus::kDefaultWithBasis
                                                   : AnswerStatus::kDecided;
    }
    if (!ex.case_errors.empty()) {
      ex.decisions.push_back(std::move(e));
      continue;
    }
    if (e.status == DecisionStatus::kNotApplicable) {
      e.applies_reads = Reads(p, s, decision.applies_reads);
      ex.decisions.push_back(std::move(e));
      continue;
    }
    auto winners = out.winner_indices(d);
    int winner_depth = -1;
    for (const int* r = winners.first; r != winners.second; ++r) {
      const compile::Rule& rule = p.rules[static_cast<std::size_t>(*r)];
      winner_depth = std::max(winner_depth, rule.layer_depth);
      RuleExplanation re;
      re.rule = RuleWithNotes(p, *r);
      re.condition = rule.condition_text;
      re.reads = Reads(p, s, rule.reads);
      re.contributes = AssignedValue(p, s, *r, d);
      e.winners.push_back(std::move(re));
    }
    // Rules that applied but lost: to an exception, or to a deeper layer's rules.
    for (int a : decision.assignments) {
      const int r = p.assignments[static_cast<std::size_t>(a)].rule;
      const std::uint8_t st = s.rule_state[static_cast<std::size_t>(r)];
      if (!(st & eval::kApplies) || (st & eval::kFaulted)) continue;
      if (std::find(winners.first, winners.second, r) != winners.second) continue;
      DefeatExplanation de;
      de.rule = RuleWithNotes(p, r);
      if (st & eval::kDefeated) {
        de.defeated_by = RuleWithNotes(p, s.defeated_by[static_cast<std::size_t>(r)]);
        de.how = "exception";
      } else if (decision.delegated && winners.first != winners.second &&
                 p.rules[static_cast<std::size_t>(r)].layer_depth < winner_depth) {
        de.defeated_by = RuleWithNotes(p, *winners.first);
        de.how = "lower layer";
      } else {
        continue;  // the evaluation stopped before this rule mattered (an error)
      }
      e.defeated.push_back(std::move(de));
    }
    // No rule decided it: every rule that could have, and why it did not.
    if (winners.first == winners.second) {
      std::vector<int> seen;
      for (int a : decision.assignments) {
        const int r = p.assignments[static_cast<std::size_t>(a)].rule;
        if (std::find(seen.begin(), seen.end(), r) != seen.end()) continue;
        seen.push_back(r);
        e.candidates.push_back(WhyNotRule(p, out, s, r, on));
      }
    }
    ex.decisions.push_back(std::move(e));
  }
  if (ex.case_errors.empty()) ex.derived = DerivedValues(p, out, s);
  return ex;
}

WhyNotExplanation Program::WhyNot(const Case& facts, Date on, std::string_view rule_id) const {
  using Reason = WhyNotExplanation::Reason;
  const CompiledProgram& p = *compiled_;
  int r = p.FindRule(rule_id);
  if (r >= 0) {
    // §6: a rule may have several versions (one id, each with its own period): the answer is
    // about the version in force on the date, when there is one.
    const compile::Rule& named = p.rules[static_cast<std::size_t>(r)];
    for (std::size_t i = 0; i < p.rules.size(); ++i) {
      if (p.rules[i].layer == named.layer && p.rules[i].id == named.id &&
          p.rules[i].InForce(on.day)) {
        r = static_cast<int>(i);
        break;
      }
    }
  }
  if (r < 0) {
    WhyNotExplanation why;
    why.reason = Reason::kUnknownRule;
    why.message =
        fmt::format("there is no rule `{}` in jurisdiction `{}`", rule_id, p.jurisdiction);
    return why;
  }
  Outcome out;
  Evaluate(facts, on, out);
  if (!out.case_errors().empty()) {
    WhyNotExplanation why;
    why.rule = RuleWithNotes(p, r);
    why.valid_from = p.rule_infos[static_cast<std::size_t>(r)].valid_from;
    why.valid_until = p.rule_infos[static_cast<std::size_t>(r)].valid_until;
    why.reason = Reason::kInvalidCase;
    why.case_errors = out.case_errors();
    why.message = fmt::format("the case is invalid, so no rule was evaluated: {}",
                              why.case_errors.front().message);
    return why;
  }
  return WhyNotRule(p, out, internal::Engine::ScratchOf(out), r, on);
}

bool Program::CheckAssumptions(const Case& facts, Date on, std::vector<Diagnostic>& errors) const {
  Outcome out;
  EvalOptions options;
  options.stop_on_broken_assumption = false;
  Evaluate(facts, on, out, options);
  const auto& case_errors = out.case_errors();
  errors.insert(errors.end(), case_errors.begin(), case_errors.end());
  return case_errors.empty();
}

}  // namespace loket
