#include "analysis/witness.h"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "compile/compile.h"
#include "eval/program_access.h"
#include "support/date.h"

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

std::string MoneyYaml(std::int64_t cents) {
  std::int64_t a = cents < 0 ? -cents : cents;
  return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", a / 100, a % 100);
}

std::string MoneyText(std::int64_t cents) {
  std::int64_t a = cents < 0 ? -cents : cents;
  std::string euros = std::to_string(a / 100);
  std::string grouped;
  for (std::size_t i = 0; i < euros.size(); ++i) {
    if (i > 0 && (euros.size() - i) % 3 == 0) grouped += '.';
    grouped += euros[i];
  }
  return fmt::format("{}€{},{:02}", cents < 0 ? "-" : "", grouped, a % 100);
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
      return MoneyYaml(raw);
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
      return MoneyText(raw);
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

int RuleIndexOf(const Program& program, const ast::RuleDecl& rule) {
  return program.RuleIndex(rule.layer + "." + rule.id);
}

bool IsWinner(const Outcome& outcome, int decision, int rule) {
  if (decision < 0 || rule < 0) return false;
  auto [begin, end] = outcome.winner_indices(decision);
  return std::find(begin, end, rule) != end;
}

std::string DescribeDecision(const Program& program, const Outcome& outcome,
                             const std::string& decision) {
  int d = outcome.FindDecision(decision);
  if (d < 0) return decision + ": not in this jurisdiction";
  std::vector<RuleRefInfo> winners = outcome.winners(d);
  std::string rules;
  for (const RuleRefInfo& w : winners) {
    if (!rules.empty()) rules += ", ";
    rules += w.layer + "." + w.id;
  }
  (void)program;
  switch (outcome.status(d)) {
    case DecisionStatus::kDecided:
      return fmt::format("{} = {} (by {})", decision, outcome.value(d).ToString(), rules);
    case DecisionStatus::kDefault:
      return fmt::format("{} = {} (default)", decision, outcome.value(d).ToString());
    case DecisionStatus::kConflict:
      return fmt::format("{}: conflict between {} (L609)", decision, rules);
    case DecisionStatus::kNotApplicable:
      return fmt::format("{}: not applicable (`applies when {}` is false)", decision,
                         outcome.info(d).applies_when);
    default: {
      std::optional<Diagnostic> error = outcome.error(d);
      return fmt::format("{}: {} ({})", decision, DecisionStatusName(outcome.status(d)),
                         error ? error->message : DecisionStatusCode(outcome.status(d)));
    }
  }
}

}  // namespace loket::analysis
