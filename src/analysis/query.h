// One solver for the analysis' questions: a long-lived Z3 solver used with push/pop, a
// deterministic resource limit per query (L513 when it runs out) and a wall-clock budget per
// layer (the analysis of the layer stops with one L513 when it is spent). Prettify turns a
// model into a case that looks like a person: preferences kept only where they stay true.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "analysis/encoder.h"

namespace loket::analysis {

// Deleting a Z3 context frees every term it made: after the queries of one jurisdiction,
// tens of milliseconds (a tenth of a country's `loket diff`) that a process about to end need
// not spend. A retired context is deleted only when more than a few wait; those that wait at
// exit are left to the operating system, so a long-running process stays bounded.
struct RetireContext {
  void operator()(z3::context* context) const;
};
using OwnedContext = std::unique_ptr<z3::context, RetireContext>;
OwnedContext NewContext();

enum class Verdict { kSat, kUnsat, kUnknown };

struct Answer {
  Verdict verdict = Verdict::kUnknown;
  std::optional<z3::model> model;
  std::string reason;
};

// Thrown by QuerySolver::Check when the layer's wall-clock budget is spent.
struct OutOfTime {
  unsigned limit_ms = 0;
};

class QuerySolver {
 public:
  QuerySolver(z3::context& ctx, unsigned rlimit);
  z3::context& ctx() { return ctx_; }
  z3::solver& solver() { return solver_; }
  unsigned rlimit() const { return rlimit_; }

  // Starts the wall-clock budget of one layer (0 ms: no budget).
  void StartBudget(unsigned limit_ms);
  // `query` and the side constraints of `encoders`, in a scope of their own. `rlimit` 0: the
  // solver's own limit. Throws OutOfTime when the budget is spent before or during the query.
  Answer Check(const z3::expr& query, const std::vector<Encoder*>& encoders, bool want_model,
               unsigned rlimit = 0);
  int queries() const { return queries_; }
  // Of `parts`, whose conjunction is unsatisfiable, a minimal subset that still is (indices in
  // order): each part left out in turn when the rest stays unsatisfiable. Deterministic.
  std::vector<std::size_t> MinimalUnsatisfiable(const std::vector<z3::expr>& parts,
                                                const std::vector<Encoder*>& encoders);

 private:
  z3::context& ctx_;
  z3::solver solver_;
  unsigned rlimit_;
  unsigned budget_ms_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  int queries_ = 0;
};

// A model of `query` whose facts look like a person's, keeping exactness: optional facts
// present, the reference date 2025-01-01 or near it, dates of facts in the ten years before
// the reference date, numbers inside their declared range away from its ends, round values.
// Each preference is kept only when the query stays satisfiable with it (a check with a
// quarter of the resource limit, inside one solver scope that holds the query and the
// preferences kept so far), in a fixed order, so the result is deterministic.
// `facts` are the facts of the encoders' chain; `copies` the fact copies to look at.
z3::model Prettify(QuerySolver& solver, Variables& vars,
                   const std::vector<const ast::FactDecl*>& facts, const z3::expr& query,
                   const std::vector<Encoder*>& encoders, z3::model model,
                   const std::vector<int>& copies);

}  // namespace loket::analysis
