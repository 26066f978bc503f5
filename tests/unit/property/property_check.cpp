#include "property_check.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "../differential/case_generator.h"
#include "../differential/differential_check.h"
#include "api/rule_base_impl.h"
#include "diag/diagnostic.h"
#include "loket/evaluate.h"
#include "sema/model.h"
#include "support/date.h"

namespace loket::proptest {
namespace {

using difftest::CaseGenerator;
using difftest::GeneratedCase;
using difftest::JurisdictionCheck;

// Decisions by name: names are unique over the layers of a rule base (L309).
using DecisionSet = std::set<std::string>;

// A rule version (§6: several rules may share an id, each with its own period) by its id and
// the start of its period. The generated rule bases have no file or layer validity, so the
// rule's own `valid from` is the start the evaluator reports too.
std::string VersionKey(const std::string& qualified, std::optional<std::int32_t> from) {
  return from ? qualified + " from " + support::FormatIsoDate(*from) : qualified;
}
std::string Qualified(const ast::RuleDecl& rule) {
  return VersionKey(rule.layer + "." + rule.id, rule.validity.from);
}
std::string Qualified(const RuleInfo& rule) {
  return VersionKey(rule.qualified_id, rule.valid_from
                                           ? std::optional<std::int32_t>(rule.valid_from->day)
                                           : std::nullopt);
}

// Every decision an expression reads, through lets too.
void Reads(const ast::Expr* e, const sema::Annotations& annotations, DecisionSet& out) {
  if (!e) return;
  if (e->kind == ast::ExprKind::kName) {
    if (annotations.SymbolOf(*e).kind == ast::SymbolKind::kDecision)
      out.insert(annotations.SymbolOf(*e).decision->name);
    if (annotations.SymbolOf(*e).kind == ast::SymbolKind::kLet)
      Reads(annotations.SymbolOf(*e).let->value.get(), annotations, out);
  }
  for (const auto& operand : e->operands) Reads(operand.get(), annotations, out);
}

// For each decision: itself and every decision it reads, transitively (through the
// conditions and values of the rules that assign it, and its default).
std::map<std::string, DecisionSet> DependsOn(const sema::Model& model) {
  const sema::Annotations& annotations = model.annotations;
  std::map<std::string, DecisionSet> direct;
  for (const auto& file : model.files) {
    for (const auto& decision : file->decisions) {
      Reads(decision->default_value.get(), model.annotations, direct[decision->name]);
    }
    for (const auto& rule : file->rules) {
      for (const ast::Assignment& assignment : rule->assignments) {
        if (!annotations.DecisionOf(assignment)) continue;
        DecisionSet& reads = direct[annotations.DecisionOf(assignment)->name];
        Reads(rule->condition.get(), model.annotations, reads);
        Reads(assignment.value.get(), model.annotations, reads);
      }
    }
  }
  std::map<std::string, DecisionSet> closure;
  for (const auto& [decision, unused] : direct) {
    DecisionSet& all = closure[decision];
    std::vector<std::string> pending = {decision};
    while (!pending.empty()) {
      const std::string d = pending.back();
      pending.pop_back();
      if (!all.insert(d).second) continue;
      for (const std::string& read : direct[d]) pending.push_back(read);
    }
  }
  return closure;
}

// The checker's claims, keyed by the declarations the findings are located at.
struct Claims {
  // (layer of the finding, decision) -> codes of L501 / L506 / L513 findings about it.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> about;
  std::set<std::string> layers_with_unplaced;  // a finding of those codes not at a rule/decision
  std::set<std::string> dead;  // qualified rule ids (L507): a rule that applies nowhere
  // (layer of the finding, qualified rule id) (L508): the rule never decides in that layer's
  // jurisdiction nor in those below it — a municipality's exceptions can shadow a national
  // rule there only.
  std::set<std::pair<std::string, std::string>> shadowed;
};

using Position = std::pair<source::FileId, std::uint32_t>;

Claims ReadClaims(const sema::Model& model, const std::vector<diag::Diagnostic>& diagnostics,
                  PropertyReport& report) {
  const sema::Annotations& annotations = model.annotations;
  std::map<Position, const ast::RuleDecl*> rules;
  std::map<Position, const ast::DecisionDecl*> decisions;
  for (const auto& file : model.files) {
    for (const auto& rule : file->rules)
      rules[{rule->id_range.file, rule->id_range.begin}] = rule.get();
    for (const auto& d : file->decisions)
      decisions[{d->name_range.file, d->name_range.begin}] = d.get();
  }
  const auto rule_at = [&](source::SourceRange range) -> const ast::RuleDecl* {
    auto found = rules.find({range.file, range.begin});
    return found == rules.end() ? nullptr : found->second;
  };
  Claims claims;
  for (const diag::Diagnostic& d : diagnostics) {
    const std::string code(diag::Info(d.kind).code);
    if (code[1] == '5') ++report.findings;
    if (d.kind == diag::Kind::kWitnessDidNotReplay) {
      report.failures.push_back("L514: " + d.message);
    } else if (d.kind == diag::Kind::kAmbiguity || d.kind == diag::Kind::kGap ||
               d.kind == diag::Kind::kUndetermined) {
      std::vector<const ast::DecisionDecl*> about;
      if (const ast::RuleDecl* rule = rule_at(d.range)) {
        for (const ast::Assignment& a : rule->assignments)
          about.push_back(annotations.DecisionOf(a));
      } else if (auto found = decisions.find({d.range.file, d.range.begin});
                 found != decisions.end()) {
        about.push_back(found->second);
      }
      if (about.empty()) claims.layers_with_unplaced.insert(d.layer);
      for (const ast::DecisionDecl* decision : about) {
        claims.about[{d.layer, decision->name}].insert(code);
      }
    } else if (d.kind == diag::Kind::kDeadRule) {
      if (const ast::RuleDecl* rule = rule_at(d.range)) claims.dead.insert(Qualified(*rule));
    } else if (d.kind == diag::Kind::kShadowedRule) {
      // Located at the shadowed rule, or (when that rule is in a higher layer) at one of the
      // finding layer's exceptions with the shadowed rule in the last note; every other note
      // is an exception, in the finding's layer.
      const ast::RuleDecl* rule = rule_at(d.range);
      const ast::RuleDecl* last = d.notes.empty() ? nullptr : rule_at(d.notes.back().range);
      if (last && last->layer != d.layer) rule = last;
      if (rule) claims.shadowed.insert({d.layer, Qualified(*rule)});
    }
  }
  return claims;
}

// Adds `line` under its kind unless that kind already has three.
void Fail(PropertyReport& report, const std::string& kind, const std::string& detail) {
  int same = 0;
  for (const std::string& f : report.failures) same += f.rfind(kind + ":", 0) == 0;
  if (same < 3) report.failures.push_back(kind + ": " + detail);
}

class JurisdictionRun {
 public:
  JurisdictionRun(const sema::Model& model, const sema::Layer& layer, const Program& program,
                  const Claims& claims, const std::map<std::string, DecisionSet>& depends_on,
                  PropertyReport& report)
      : model_(model),
        layer_(layer),
        program_(program),
        claims_(claims),
        report_(report),
        check_(model, layer, program) {
    std::set<std::string> chain;
    for (const sema::Layer* l : model.Chain(layer)) chain.insert(l->name);
    for (const sema::Layer* l : model.Chain(layer)) {
      for (const ast::DecisionDecl* d : l->decisions) {
        std::set<std::string> codes;
        auto deps = depends_on.find(d->name);
        DecisionSet reads = deps == depends_on.end() ? DecisionSet{d->name} : deps->second;
        for (const auto& [key, found] : claims.about) {
          if ((chain.count(key.first) || key.first.empty()) && reads.count(key.second)) {
            codes.insert(found.begin(), found.end());
          }
        }
        for (const std::string& unplaced : claims.layers_with_unplaced) {
          if (chain.count(unplaced) || unplaced.empty()) codes.insert("L513");
        }
        codes_[d->name] = codes;
        report_.clean_decisions += codes.empty();
      }
    }
  }

  void Run(long cases, std::uint64_t seed) {
    CaseGenerator generator(model_, layer_, seed ^ std::hash<std::string>()(layer_.name));
    Case facts = program_.NewCase();
    Outcome outcome;
    for (long i = 0; i < cases; ++i) {
      GeneratedCase generated = generator.Next();
      std::string diff = check_.Compare(generated, facts, outcome);
      ++report_.cases;
      const std::string where = "in " + layer_.name + " on " +
                                support::FormatIsoDate(generated.date) + ", case " +
                                program_.CaseToJson(facts);
      if (!diff.empty()) Fail(report_, "disagree", where + "\n" + diff);
      if (!outcome.case_errors().empty()) {
        // Only a case left without a required fact on purpose may be invalid (the generated
        // rule bases have no assumptions); Compare checked that both say L605.
        if (!generated.lacks_required) {
          Fail(report_, "invalid case", where + ": " + outcome.case_errors()[0].message);
        }
        continue;
      }
      for (int d = 0; d < outcome.decision_count(); ++d) Decision(outcome, d, where);
      Applied(program_.Explain(facts, Date{generated.date}), where);
    }
  }

  void Finish() {
    for (const auto& [rule, where] : applied_) {
      ++report_.rules_applied;
      if (claims_.dead.count(rule)) {
        Fail(report_, "L507 on a rule that applies", rule + " applies " + where);
      }
    }
    for (const auto& [rule, where] : undefeated_) {
      bool claimed = false;
      for (const sema::Layer* l : model_.Chain(layer_)) {
        claimed = claimed || claims_.shadowed.count({l->name, rule}) > 0;
      }
      if (claimed) {
        Fail(report_, "L508 on a rule that decides", rule + " decides " + where);
      }
    }
  }

 private:
  void Decision(const Outcome& outcome, int d, const std::string& where) {
    const std::string& name = outcome.info(d).name;
    const std::set<std::string>& codes = codes_[name];
    const DecisionStatus status = outcome.status(d);
    const std::string code = DecisionStatusCode(status);
    if (code.empty()) return;
    if (codes.empty()) {
      Fail(report_, code + " where the checker is silent", name + " " + where);
    }
    if (status == DecisionStatus::kConflict && !codes.count("L501") && !codes.count("L513")) {
      Fail(report_, "L609 without its L501", name + " " + where);
    }
    if (status == DecisionStatus::kGap && !codes.count("L506") && !codes.count("L513")) {
      Fail(report_, "L608 without its L506", name + " " + where);
    }
  }

  void Applied(const Explanation& explanation, const std::string& where) {
    for (const DecisionExplanation& decision : explanation.decisions) {
      if (decision.status == DecisionStatus::kGap) continue;
      for (const RuleExplanation& winner : decision.winners) {
        const std::string rule = Qualified(program_.rules()[std::size_t(winner.rule.rule)]);
        applied_.emplace(rule, where);
        if (decision.status != DecisionStatus::kConflict) undefeated_.emplace(rule, where);
      }
      for (const DefeatExplanation& defeat : decision.defeated) {
        const std::string rule = Qualified(program_.rules()[std::size_t(defeat.rule.rule)]);
        applied_.emplace(rule, where);
        if (defeat.how != "exception") undefeated_.emplace(rule, where);
      }
    }
  }

  const sema::Model& model_;
  const sema::Layer& layer_;
  const Program& program_;
  const Claims& claims_;
  PropertyReport& report_;
  JurisdictionCheck check_;
  std::map<std::string, std::set<std::string>> codes_;  // decision -> checker codes about it
  std::map<std::string, std::string> applied_;          // rule -> the first case it applied on
  std::map<std::string, std::string> undefeated_;       // ... applied, not defeated by exception
};

}  // namespace

std::string PropertyReport::FirstKind() const {
  if (failures.empty()) return {};
  return failures.front().substr(0, failures.front().find(':'));
}

std::string PropertyReport::Text() const {
  std::ostringstream out;
  if (has_errors) out << "the rule base has errors:\n" << errors;
  out << findings << " findings, " << clean_decisions << " decisions the checker calls clean, "
      << cases << " cases, " << rules_applied << " rules seen applying\n";
  for (const std::string& f : failures) out << f << "\n";
  return out.str();
}

PropertyReport CheckProperty(std::vector<SourceText> sources, long cases, std::uint64_t seed,
                             unsigned solver_rlimit) {
  PropertyReport report;
  // Loaded twice: without the analysis to compile (findings that are errors, such as L501,
  // make Compile refuse), and with it for the checker's claims.
  LoadOptions plain;
  plain.analyze_conflicts = false;
  RuleBase rule_base = RuleBase::FromSources(sources, plain);
  if (rule_base.has_errors()) {
    report.has_errors = true;
    std::ostringstream text;
    RenderText(text, rule_base.diagnostics());
    report.errors = text.str();
    return report;
  }
  LoadOptions analysed;
  analysed.threads = 1;
  analysed.solver_rlimit = solver_rlimit;
  const RuleBase checked = RuleBase::FromSources(std::move(sources), analysed);
  const internal::RuleBaseImpl& impl = internal::RuleBaseAccess::Impl(checked);
  const Claims claims = ReadClaims(*impl.model, impl.internal_diagnostics, report);
  const sema::Model& model = *internal::RuleBaseAccess::Impl(rule_base).model;
  const auto depends_on = DependsOn(model);
  for (const auto& layer : model.layers) {
    Result<Program> program = rule_base.Compile(layer->name);
    if (!program.ok()) {
      Fail(report, "compile", layer->name + ": " + program.status().message());
      continue;
    }
    JurisdictionRun run(model, *layer, *program, claims, depends_on, report);
    run.Run(cases, seed);
    run.Finish();
  }
  return report;
}

}  // namespace loket::proptest
