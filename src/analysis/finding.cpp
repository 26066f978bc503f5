#include "analysis/finding.h"

#include <set>
#include <utility>

#include <fmt/format.h>

#include "support/date.h"

namespace loket::analysis {

Found FindingTools::Example(const z3::expr& query, const std::vector<Encoder*>& encoders,
                            const std::vector<int>& copies) {
  Found found{solver.Check(query, encoders, true), std::nullopt};
  if (found.answer.verdict == Verdict::kSat) {
    found.model = Prettify(query, encoders, *found.answer.model, copies);
  }
  return found;
}

z3::model FindingTools::Prettify(const z3::expr& query, const std::vector<Encoder*>& encoders,
                                 const z3::model& found, const std::vector<int>& copies) {
  return analysis::Prettify(solver, vars, encoders.front()->facts(), query, encoders, found,
                            copies);
}

Shown ShowWitness(FindingTools& tools, diag::Diagnostic& d, const z3::model& model,
                  const z3::expr& query, const WitnessSpec& spec) {
  const sema::Layer& jurisdiction = *spec.jurisdiction;
  std::set<std::string> constrained;
  CollectConstants(query, constrained);
  // Only the facts of the replaying jurisdiction: a parent has no municipal facts.
  std::vector<const ast::FactDecl*> facts;
  for (const sema::Layer* layer : tools.model.Chain(jurisdiction)) {
    facts.insert(facts.end(), layer->facts.begin(), layer->facts.end());
  }
  Shown shown;
  shown.witness = ExtractCase(model, tools.vars, facts, spec.twin, constrained);
  if (tools.replay_witnesses) {
    shown.program = tools.programs.Get(jurisdiction);
    if (shown.program) shown.replay = RunReplay(*shown.program, shown.witness);
  }

  diag::Witness witness;
  witness.title = spec.title;
  witness.jurisdiction = jurisdiction.name;
  witness.date = support::FormatIsoDate(static_cast<support::DayNumber>(shown.witness.date));
  witness.case_yaml = CaseToYaml(shown.witness);
  witness.facts_read_yaml = CaseToYaml(shown.witness, /*read_only=*/true);
  if (shown.Replayed()) {
    for (const std::string& decision : spec.decisions) {
      AppendReplay(witness, *shown.replay->outcome, decision);
    }
  } else if (shown.replay) {
    witness.replay = "could not replay: " + shown.replay->error + "\n";
  }
  d.witnesses.push_back(std::move(witness));
  return shown;
}

// --- Finding ----------------------------------------------------------------------------------

diag::Diagnostic& Finding::diagnostic() {
  return findings_.out_[index_];
}

Finding& Finding::Note(source::SourceRange range, std::string message) {
  diagnostic().notes.push_back({range, std::move(message)});
  return *this;
}

Finding& Finding::Note(const ast::RuleDecl& rule, std::string message) {
  return Note(rule.id_range, std::move(message));
}

Finding& Finding::About(const ast::RuleDecl& rule) {
  diagnostic().about.push_back(rule.layer + "." + rule.id);
  return *this;
}

Finding& Finding::About(const ast::DecisionDecl& decision) {
  diagnostic().about.push_back(decision.layer + "." + decision.name);
  return *this;
}

Finding& Finding::About(const ast::FactDecl& fact) {
  diagnostic().about.push_back(fact.layer + "." + fact.name);
  return *this;
}

Finding& Finding::Help(std::string help) {
  diagnostic().help.push_back(std::move(help));
  return *this;
}

Shown Finding::Show(const z3::model& model, const z3::expr& query, const WitnessSpec& spec) {
  return ShowWitness(findings_.tools_, diagnostic(), model, query, spec);
}

bool Finding::Confirm(const Shown& shown, const Claim& claim) {
  if (!findings_.tools_.replay_witnesses) return true;
  if (!shown.program) {
    findings_.ReplayFailed(index_, "the jurisdiction could not be compiled");
    return false;
  }
  if (!shown.Replayed()) {
    findings_.ReplayFailed(index_, shown.replay ? shown.replay->error : "no replay");
    return false;
  }
  if (!claim) return true;
  std::string why = claim(*shown.program, *shown.replay);
  if (why.empty()) return true;
  findings_.ReplayFailed(index_, why);
  return false;
}

bool Finding::Witness(const z3::model& model, const z3::expr& query, const WitnessSpec& spec,
                      const Claim& claim) {
  Shown shown = Show(model, query, spec);
  return Confirm(shown, claim);
}

// --- Findings ---------------------------------------------------------------------------------

Answer Findings::Ask(const Question& question, bool want_model) {
  Answer answer = tools_.solver.Check(question.query, question.encoders, want_model);
  if (answer.verdict == Verdict::kUnknown) {
    Undetermined(question.range,
                 fmt::format("could not decide {} within the solver's resource limit ({})",
                             question.what, answer.reason.empty() ? "unknown" : answer.reason))
        .Help("raise LoadOptions::solver_rlimit, or simplify the condition");
  }
  return answer;
}

Found Findings::Find(const Question& question, const std::vector<int>& copies) {
  Found found{Ask(question, true), std::nullopt};
  if (found.answer.verdict == Verdict::kSat) {
    found.model = tools_.Prettify(question.query, question.encoders, *found.answer.model, copies);
  }
  return found;
}

Finding Findings::Report(diag::Kind kind, source::SourceRange range, std::string message) {
  diag::Diagnostic d;
  d.kind = kind;
  d.severity = diag::Info(kind).severity;
  d.range = range;
  d.message = std::move(message);
  d.layer = layer_;
  out_.push_back(std::move(d));
  return Finding(*this, out_.size() - 1);
}

Finding Findings::Undetermined(source::SourceRange range, std::string message) {
  ++undetermined_;
  return Report(diag::Kind::kUndetermined, range, std::move(message));
}

void Findings::ReplayFailed(std::size_t finding_index, const std::string& why) {
  const diag::Diagnostic& finding = out_[finding_index];
  diag::Diagnostic d;
  d.kind = diag::Kind::kWitnessDidNotReplay;
  d.severity = diag::Info(d.kind).severity;
  d.range = finding.range;
  d.layer = finding.layer;
  d.message = fmt::format("internal: the witness of {} [{}] did not replay as claimed: {}",
                          diag::Info(finding.kind).code, finding.message, why);
  d.witnesses = finding.witnesses;
  d.help.push_back("please report this: the analysis and the evaluator disagree");
  out_.push_back(std::move(d));
}

}  // namespace loket::analysis
