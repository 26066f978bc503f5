#include "analysis/query.h"

#include <deque>
#include <mutex>
#include <set>

#include "analysis/witness.h"
#include "support/date.h"

namespace loket::analysis {

namespace {

const std::int64_t kPreferredReferenceDate = support::DaysFromCivil({2025, 1, 1});
const std::int64_t kPresentFrom = support::DaysFromCivil({2020, 1, 1});
const std::int64_t kPresentUntil = support::DaysFromCivil({2030, 12, 31});
const std::int64_t kTenYears = 3653;

}  // namespace

OwnedContext NewContext() {
  return OwnedContext(new z3::context);
}

void RetireContext::operator()(z3::context* context) const {
  constexpr std::size_t kWaiting = 4;
  struct Retired {
    std::mutex mutex;
    std::deque<z3::context*> contexts;
  };
  static Retired* retired = new Retired;  // never freed: see OwnedContext
  z3::context* oldest = nullptr;
  {
    std::lock_guard<std::mutex> lock(retired->mutex);
    retired->contexts.push_back(context);
    if (retired->contexts.size() > kWaiting) {
      oldest = retired->contexts.front();
      retired->contexts.pop_front();
    }
  }
  delete oldest;
}

QuerySolver::QuerySolver(z3::context& ctx, unsigned rlimit)
    : ctx_(ctx), solver_(ctx), rlimit_(rlimit) {
  z3::params params(ctx_);
  params.set("rlimit", rlimit_);
  solver_.set(params);
}

void QuerySolver::StartBudget(unsigned limit_ms) {
  budget_ms_ = limit_ms;
  deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
}

Answer QuerySolver::Check(const z3::expr& query, const std::vector<Encoder*>& encoders,
                          bool want_model, unsigned rlimit) {
  unsigned timeout_ms = 0;
  if (budget_ms_ != 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline_ - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) throw OutOfTime{budget_ms_};
    timeout_ms = static_cast<unsigned>(left);
  }
  z3::params params(ctx_);
  params.set("rlimit", rlimit != 0 ? rlimit : rlimit_);
  params.set("timeout", timeout_ms != 0 ? timeout_ms : 4294967295u);
  solver_.set(params);
  Answer answer;
  bool pushed = false;
  try {
    solver_.push();
    pushed = true;
    solver_.add(query);
    for (Encoder* e : encoders) solver_.add(e->SideConstraints());
    ++queries_;
    z3::check_result r = solver_.check();
    if (r == z3::sat) {
      answer.verdict = Verdict::kSat;
      if (want_model) answer.model = solver_.get_model();
    } else if (r == z3::unsat) {
      answer.verdict = Verdict::kUnsat;
    } else {
      answer.reason = solver_.reason_unknown();
    }
    solver_.pop();
  } catch (const z3::exception& e) {
    answer.verdict = Verdict::kUnknown;
    answer.reason = e.msg();
    try {
      if (pushed) solver_.pop();
    } catch (const z3::exception&) {
    }
  }
  if (answer.verdict == Verdict::kUnknown && budget_ms_ != 0 &&
      std::chrono::steady_clock::now() >= deadline_) {
    throw OutOfTime{budget_ms_};
  }
  return answer;
}

std::vector<std::size_t> QuerySolver::MinimalUnsatisfiable(const std::vector<z3::expr>& parts,
                                                           const std::vector<Encoder*>& encoders) {
  std::vector<bool> kept(parts.size(), true);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    z3::expr rest = ctx_.bool_val(true);
    for (std::size_t j = 0; j < parts.size(); ++j) {
      if (j != i && kept[j]) rest = rest && parts[j];
    }
    if (Check(rest, encoders, false).verdict == Verdict::kUnsat) kept[i] = false;
  }
  std::vector<std::size_t> core;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (kept[i]) core.push_back(i);
  }
  return core;
}

z3::model Prettify(QuerySolver& solver, Variables& vars,
                   const std::vector<const ast::FactDecl*>& facts, const z3::expr& query,
                   const std::vector<Encoder*>& encoders, z3::model model,
                   const std::vector<int>& copies) {
  z3::context& ctx = solver.ctx();
  auto num = [&](std::int64_t v) { return ctx.int_val(static_cast<int64_t>(v)); };
  std::set<std::string> read;
  CollectConstants(query, read);
  auto reads = [&](const z3::expr& e) { return read.count(e.decl().name().str()) > 0; };
  // The query and the preferences kept so far stay asserted in a scope of their own, and
  // each preference is a check inside it: the solver takes the (large) query in once, not
  // once per preference.
  struct Scope {
    z3::solver& solver;
    explicit Scope(z3::solver& s) : solver(s) { solver.push(); }
    ~Scope() {
      try {
        solver.pop();
      } catch (const z3::exception&) {
      }
    }
  } scope(solver.solver());
  solver.solver().add(query);
  for (Encoder* e : encoders) solver.solver().add(e->SideConstraints());
  // Keeps `p` when the model has it already or the query stays satisfiable with it.
  auto prefer = [&](const z3::expr& p) {
    if (model.eval(p, true).is_true()) {
      solver.solver().add(p);
      return true;
    }
    Answer a = solver.Check(p, {}, true, solver.rlimit() / 4);
    if (a.verdict != Verdict::kSat || !a.model) return false;
    solver.solver().add(p);
    model = *a.model;
    return true;
  };
  auto value = [&](const z3::expr& e, std::int64_t& out) {
    return model.eval(e, true).is_numeral_i64(out);
  };
  auto first_of_month = [](std::int64_t day) {
    support::CivilDate c = support::CivilFromDays(static_cast<support::DayNumber>(day));
    return static_cast<std::int64_t>(support::DaysFromCivil({c.year, c.month, 1}));
  };

  for (int copy : copies) {
    for (const ast::FactDecl* fact : facts) {
      if (fact->is_optional) prefer(vars.Known(fact, copy));
    }
  }
  // The reference date: 2025-01-01, else in the present decade.
  const z3::expr& date = vars.date();
  if (!prefer(date == num(kPreferredReferenceDate))) {
    prefer(date >= num(kPresentFrom) && date <= num(kPresentUntil));
  }
  // Values in the range a person has: the facts the query reads first, within their ranges.
  for (int copy : copies) {
    for (const ast::FactDecl* fact : facts) {
      const Term& t = vars.Fact(fact, copy);
      if (t.is_set || t.scalar.is_bool() || !reads(t.scalar)) continue;
      const z3::expr& v = t.scalar;
      const auto& range = fact->type.range;
      switch (vars.TypeOf(fact).kind) {
        case ast::TypeKind::kDate:
          // In the ten years before the reference date (a permit, an arrival, a birth).
          if (!prefer(v <= date && v >= date - num(kTenYears))) {
            prefer(v <= date + num(kTenYears) && v >= date - num(10 * kTenYears));
          }
          break;
        case ast::TypeKind::kInt:
        case ast::TypeKind::kMoney:
          // Away from the ends of the range: the lower half, past its first eighth, else past
          // its first hundredth (an income under a low threshold), else just inside.
          if (range && range->hi > range->lo) {
            std::int64_t span = range->hi - range->lo;
            std::int64_t half = range->lo + span / 2;
            if (!prefer(v >= num(range->lo + span / 8) && v <= num(half)) &&
                !prefer(v >= num(range->lo + span / 100) && v <= num(half))) {
              prefer(v > num(range->lo) && v < num(range->hi));
            }
          }
          break;
        default:
          break;
      }
    }
  }
  // Round values near the model's: the first of the month, multiples of 10, whole euros x 100.
  for (int copy : copies) {
    for (const ast::FactDecl* fact : facts) {
      const Term& t = vars.Fact(fact, copy);
      if (t.is_set || t.scalar.is_bool() || !reads(t.scalar)) continue;
      std::int64_t v = 0;
      if (!value(t.scalar, v)) continue;
      std::int64_t unit = 0;  // round down to a multiple, else up
      switch (vars.TypeOf(fact).kind) {
        case ast::TypeKind::kMoney:
          unit = 10000;  // whole hundreds of euros
          break;
        case ast::TypeKind::kDate:
          if (first_of_month(v) != v) prefer(t.scalar == num(first_of_month(v)));
          break;
        case ast::TypeKind::kInt:
          unit = 10;
          break;
        default:
          break;
      }
      if (unit == 0 || v % unit == 0) continue;
      std::int64_t down = (v / unit) * unit;
      if (v < 0) down -= unit;  // floor
      if (!prefer(t.scalar == num(down))) prefer(t.scalar == num(down + unit));
    }
  }
  std::int64_t day = 0;
  if (value(date, day) && first_of_month(day) != day) prefer(date == num(first_of_month(day)));
  return model;
}

}  // namespace loket::analysis
