#include "analysis/witness.h"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "compile/compile.h"
#include "eval/program_access.h"
#include "support/date.h"
#include "support/money.h"

namespace loket::analysis {

void CollectConstants(const z3::expr& root, std::set<std::string>& names) {
  std::vector<z3::expr> stack{root};
  std::unordered_set<unsigned> seen;
  while (!stack.empty()) {
    z3::expr e = stack.back();
    stack.pop_back();
    if (!seen.insert(e.id()).second) continue;
    if (e.is_app()) {
      if (e.is_const() && e.decl().decl_kind() == Z3_OP_UNINTERPRETED) {
        names.insert(e.decl().name().str());
      }
      for (unsigned i = 0; i < e.num_args(); ++i) stack.push_back(e.arg(i));
    } else if (e.is_quantifier()) {
      stack.push_back(e.body());
    }
  }
}

namespace {

std::int64_t ModelInt(const z3::model& model, const z3::expr& e) {
  z3::expr v = model.eval(e, true);
  std::int64_t out = 0;
  if (v.is_numeral_i64(out)) return out;
  return 0;
}

bool ModelBool(const z3::model& model, const z3::expr& e) {
  return model.eval(e, true).is_true();
}

std::string SetText(const ast::EnumDecl* e, std::uint64_t mask, bool yaml) {
  std::string out = yaml ? "[" : "{";
  bool first = true;
  for (std::size_t i = 0; e && i < e->members.size() && i < 64; ++i) {
    if (!(mask >> i & 1u)) continue;
    if (!first) out += ", ";
    out += e->members[i].name;
    first = false;
  }
  return out + (yaml ? "]" : "}");
}

std::string ValueYaml(const ast::Type& type, std::int64_t raw) {
  switch (type.kind) {
    case ast::TypeKind::kMoney:
      return support::FormatMoneyDecimal(raw, support::CentsShown::kAlways);
    case ast::TypeKind::kSet:
      return SetText(type.enum_decl, static_cast<std::uint64_t>(raw), true);
    default:
      return FormatValue(type, raw);
  }
}

}  // namespace

std::string FormatValue(const ast::Type& type, std::int64_t raw) {
  switch (type.kind) {
    case ast::TypeKind::kBool:
      return raw ? "true" : "false";
    case ast::TypeKind::kMoney:
      return support::FormatMoney(raw, support::CentsShown::kAlways);
    case ast::TypeKind::kDate:
      return support::FormatIsoDate(static_cast<support::DayNumber>(raw));
    case ast::TypeKind::kEnum:
      if (type.enum_decl && raw >= 0 &&
          raw < static_cast<std::int64_t>(type.enum_decl->members.size())) {
        return type.enum_decl->members[static_cast<std::size_t>(raw)].name;
      }
      return std::to_string(raw);
    case ast::TypeKind::kSet:
    case ast::TypeKind::kEmptySet:
      return SetText(type.enum_decl, static_cast<std::uint64_t>(raw), false);
    default:
      return std::to_string(raw);
  }
}

WitnessCase ExtractCase(const z3::model& model, Variables& vars,
                        const std::vector<const ast::FactDecl*>& facts, const ast::FactDecl* twin,
                        const std::set<std::string>& constrained) {
  WitnessCase out;
  out.date = ModelInt(model, vars.date());
  for (const ast::FactDecl* fact : facts) {
    FactValue value;
    value.fact = fact;
    value.type = vars.TypeOf(fact);
    int copy = fact == twin ? 1 : 0;
    const Term& term = vars.Fact(fact, copy);
    value.present = !fact->is_optional || ModelBool(model, vars.Known(fact, copy));
    bool mentioned = false;
    if (term.is_set) {
      std::uint64_t mask = 0;
      for (std::size_t i = 0; i < term.members.size() && i < 64; ++i) {
        if (ModelBool(model, term.members[i])) mask |= std::uint64_t{1} << i;
        mentioned = mentioned || constrained.count(term.members[i].decl().name().str()) > 0;
      }
      value.raw = static_cast<std::int64_t>(mask);
    } else {
      value.raw =
          term.scalar.is_bool() ? ModelBool(model, term.scalar) : ModelInt(model, term.scalar);
      mentioned = constrained.count(term.scalar.decl().name().str()) > 0;
    }
    if (fact->is_optional) {
      mentioned = mentioned || constrained.count(vars.Known(fact, copy).decl().name().str()) > 0;
    }
    value.any = !mentioned;
    out.facts.push_back(value);
  }
  return out;
}

std::string CaseToYaml(const WitnessCase& witness, bool read_only) {
  std::string out;
  for (const FactValue& value : witness.facts) {
    if (read_only && value.any) continue;
    const ast::Type& type = value.type;
    if (!value.present) {
      out += fmt::format("# {}: absent (optional)\n", value.fact->name);
      continue;
    }
    out += fmt::format("{}: {}{}\n", value.fact->name, ValueYaml(type, value.raw),
                       value.any ? "  # any value" : "");
  }
  if (read_only && out.empty()) out = "# the finding reads no fact: any case shows it\n";
  return out;
}

const Program* ProgramCache::Get(const sema::Layer& layer) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = programs_.find(&layer);
  if (it != programs_.end()) return it->second.get();
  diag::DiagnosticSink sink;
  std::shared_ptr<const compile::CompiledProgram> compiled = compile::Compile(model_, layer, sink);
  std::unique_ptr<Program> program;
  if (compiled) program = std::make_unique<Program>(internal::ProgramAccess::Wrap(compiled));
  const Program* result = program.get();
  programs_.emplace(&layer, std::move(program));
  return result;
}

Replay RunReplay(const Program& program, const WitnessCase& witness) {
  Replay replay;
  replay.facts = program.NewCase();
  replay.date = Date{static_cast<std::int32_t>(witness.date)};
  std::vector<Diagnostic> errors;
  if (!program.ParseYaml(CaseToYaml(witness), replay.facts, errors)) {
    replay.error = errors.empty() ? "the case does not parse" : errors.front().message;
    return replay;
  }
  replay.outcome.emplace();
  program.Evaluate(replay.facts, replay.date, *replay.outcome);
  if (!replay.outcome->case_errors().empty()) {
    replay.error = replay.outcome->case_errors().front().message;
    return replay;
  }
  replay.ok = true;
  return replay;
}

int RuleIndexOf(const Program& program, const sema::Model& model, const ast::RuleDecl& rule) {
  const std::string name = rule.layer + "." + rule.id;
  int version = model.VersionIndex(rule);
  const std::vector<RuleInfo>& rules = program.rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].qualified_id == name && version-- == 0) return static_cast<int>(i);
  }
  return -1;
}

bool IsWinner(const Outcome& outcome, int decision, int rule) {
  if (decision < 0 || rule < 0) return false;
  // A decision that failed lists the rules found so far, but none of them decided it.
  const DecisionStatus status = outcome.status(decision);
  if (status != DecisionStatus::kDecided && status != DecisionStatus::kConflict) return false;
  auto [begin, end] = outcome.winner_indices(decision);
  return std::find(begin, end, rule) != end;
}

diag::ReplayLine DescribeReplay(const Outcome& outcome, const std::string& decision) {
  diag::ReplayLine line;
  line.decision = decision;
  const int d = outcome.FindDecision(decision);
  if (d < 0) {
    line.text = decision + ": not in this jurisdiction";
    return line;
  }
  const DecisionStatus status = outcome.status(d);
  line.status = DecisionStatusName(status);
  std::string rules;
  for (const RuleRefInfo& w : outcome.winners(d)) {
    line.rules.push_back(w.layer + "." + w.id);
    if (!rules.empty()) rules += ", ";
    rules += line.rules.back();
  }
  const std::optional<Diagnostic> error = outcome.error(d);
  if (error) line.error = diag::KindOfCode(error->code);
  switch (status) {
    case DecisionStatus::kDecided:
      line.decided = true;
      line.value = outcome.value(d).ToString();
      line.text = fmt::format("{} = {} (by {})", decision, line.value, rules);
      break;
    case DecisionStatus::kDefault:
      line.decided = true;
      line.value = outcome.value(d).ToString();
      line.text = fmt::format("{} = {} (default)", decision, line.value);
      break;
    case DecisionStatus::kConflict:
      line.text =
          fmt::format("{}: conflict between {} ({})", decision, rules, DecisionStatusCode(status));
      break;
    case DecisionStatus::kNotApplicable:
      line.text = fmt::format("{}: not applicable (`applies when {}` is false)", decision,
                              outcome.info(d).applies_when);
      break;
    default:
      line.text = fmt::format("{}: {} ({})", decision, DecisionStatusName(status),
                              error ? error->message : DecisionStatusCode(status));
      break;
  }
  return line;
}

std::string DescribeDecision(const Program& program, const Outcome& outcome,
                             const std::string& decision) {
  (void)program;
  return DescribeReplay(outcome, decision).text;
}

void AppendReplay(diag::Witness& witness, const Outcome& outcome, const std::string& decision) {
  diag::ReplayLine line = DescribeReplay(outcome, decision);
  witness.replay += line.text + "\n";
  witness.replay_lines.push_back(std::move(line));
}

}  // namespace loket::analysis
