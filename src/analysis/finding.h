// The protocol every finding of the analysis follows, written once:
//   ask      a query over the encoders' side constraints (check); an answer the solver could
//            not decide is reported as L513, never taken as "no finding" (undetermined);
//   find     ask, and make the case of a satisfiable query look like a person's (prettify);
//   report   the finding: kind, range, message, notes, help;
//   show     a witness case read from the model, replayed through the evaluator and attached
//            (build, attach);
//   confirm  that the replay shows what the finding claims; L514 when it does not.
// A check is then its query and its words. layer_analysis.h groups the checks by family;
// LayerAnalysis::RunChecks (conflict_analysis.cpp) lists them in the order they run. The
// competence witnesses (competence_witness.cpp) use the same prettify and show.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "analysis/encoder.h"
#include "analysis/query.h"
#include "analysis/witness.h"
#include "diag/diagnostic.h"
#include "sema/model.h"

namespace loket::analysis {

// A case the solver found: its answer and the case made to look like a person's. The answer
// (with the solver's own model) lives as long as the case, as it did when each check held
// both itself: Z3 reuses the ids of freed terms, later terms' ids steer the long-lived solver,
// and freeing the answer earlier changed the values of facts witnesses leave free ("any
// value") in the generated country's report.
struct Found {
  Answer answer;
  std::optional<z3::model> model;  // set when the query is satisfiable
  explicit operator bool() const { return model.has_value(); }
  const z3::model& operator*() const { return *model; }
  const z3::model* operator->() const { return &*model; }
};

// The solver, variables and compiled programs the findings of one thread share.
struct FindingTools {
  QuerySolver& solver;
  Variables& vars;
  const sema::Model& model;
  ProgramCache& programs;
  bool replay_witnesses = true;

  // `query` checked without a report when undetermined (a follow-up to a question already
  // asked); when satisfiable, its case made to look like a person's.
  Found Example(const z3::expr& query, const std::vector<Encoder*>& encoders,
                const std::vector<int>& copies = {0});
  // Prettify (query.h) over the facts of `encoders.front()`'s chain; `copies`: fact copies.
  z3::model Prettify(const z3::expr& query, const std::vector<Encoder*>& encoders,
                     const z3::model& found, const std::vector<int>& copies = {0});
};

// A witness case read from a model and replayed through the evaluator.
struct Shown {
  WitnessCase witness;
  const Program* program = nullptr;  // null: not replayed, or the jurisdiction did not compile
  std::optional<Replay> replay;
  bool Replayed() const { return replay && replay->ok; }
};

// How a witness is shown: its title, the jurisdiction it is replayed in and the decisions whose
// replay the finding shows.
struct WitnessSpec {
  std::string title;
  const sema::Layer* jurisdiction = nullptr;
  std::vector<std::string> decisions;
  // The fact whose copy 1 the case reads (the twin case of L510); null: copy 0 throughout.
  const ast::FactDecl* twin = nullptr;
};

// Reads the case of `spec` from `model` (the facts `query` does not constrain are "any value"),
// replays it when the tools replay, and attaches it to `d`.
Shown ShowWitness(FindingTools& tools, diag::Diagnostic& d, const z3::model& model,
                  const z3::expr& query, const WitnessSpec& spec);

// What a witness's replay must show: empty when it does, else why not (reported as L514).
using Claim = std::function<std::string(const Program& program, const Replay& replay)>;

// A question to the solver, and what to say when it cannot answer it.
struct Question {
  z3::expr query;
  std::vector<Encoder*> encoders;
  source::SourceRange range;  // where an undetermined answer is reported
  std::string what;           // "whether rules `a` and `b` can disagree"
};

class Findings;

// One reported finding (a handle: the diagnostic may move as more are added).
class Finding {
 public:
  diag::Diagnostic& diagnostic();
  Finding& Note(source::SourceRange range, std::string message);
  Finding& Note(const ast::RuleDecl& rule, std::string message);  // at the rule's id
  Finding& Help(std::string help);
  // What the finding is about, as data (diag::Diagnostic::about), in the order it names them.
  Finding& About(const ast::RuleDecl& rule);
  Finding& About(const ast::DecisionDecl& decision);
  Finding& About(const ast::FactDecl& fact);
  // Shows a witness case (it keeps the model's case and replay for a later Confirm).
  Shown Show(const z3::model& model, const z3::expr& query, const WitnessSpec& spec);
  // Checks a shown witness: it replayed and `claim` (when set) holds; false after an L514.
  // Always true when the analysis does not replay witnesses.
  bool Confirm(const Shown& shown, const Claim& claim = {});
  // Show, then Confirm: the finding with one witness.
  bool Witness(const z3::model& model, const z3::expr& query, const WitnessSpec& spec,
               const Claim& claim = {});

 private:
  friend class Findings;
  Finding(Findings& findings, std::size_t index) : findings_(findings), index_(index) {}
  Findings& findings_;
  std::size_t index_;
};

// The findings of one layer's analysis, appended to `out`.
class Findings {
 public:
  Findings(FindingTools tools, std::string layer, std::vector<diag::Diagnostic>& out,
           int& undetermined)
      : tools_(tools), layer_(std::move(layer)), out_(out), undetermined_(undetermined) {}

  FindingTools& tools() { return tools_; }
  // Check; an undetermined answer is reported (L513) and counted.
  Answer Ask(const Question& question, bool want_model);
  // Ask; when satisfiable, the case made to look like a person's.
  Found Find(const Question& question, const std::vector<int>& copies = {0});
  Finding Report(diag::Kind kind, source::SourceRange range, std::string message);
  // L513 for what could not be decided, counted.
  Finding Undetermined(source::SourceRange range, std::string message);

 private:
  friend class Finding;
  // L514: the replay of a witness of out_[finding] does not show what the finding claims.
  void ReplayFailed(std::size_t finding, const std::string& why);

  FindingTools tools_;
  std::string layer_;
  std::vector<diag::Diagnostic>& out_;
  int& undetermined_;
};

}  // namespace loket::analysis
