#include "diff/equivalence.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <z3++.h>

#include "analysis/encoder.h"
#include "analysis/query.h"
#include "analysis/witness.h"
#include "sema/model.h"
#include "support/date.h"

namespace loket::diff {
namespace {

using analysis::Encoder;
using analysis::Term;

// The shorter member list is the start of the longer one: indices mean the same members.
bool CompatibleEnums(const ast::EnumDecl* a, const ast::EnumDecl* b) {
  if (!a || !b) return a == b;
  std::size_t n = std::min(a->members.size(), b->members.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a->members[i].name != b->members[i].name) return false;
  }
  return true;
}

// Why the two types cannot share one variable; empty when they can.
std::string Incompatible(const ast::Type& a, const ast::Type& b) {
  if (a.kind != b.kind)
    return fmt::format("`{}` in OLD, `{}` in NEW", sema::TypeName(a), sema::TypeName(b));
  if (!CompatibleEnums(a.enum_decl, b.enum_decl)) {
    return fmt::format("the members of `{}` were reordered or replaced", sema::TypeName(b));
  }
  return "";
}

// Equal values; set members only one side has must be absent.
z3::expr SameValue(z3::context& ctx, const Term& a, const Term& b) {
  if (!a.is_set) return a.scalar == b.scalar;
  z3::expr result = ctx.bool_val(true);
  std::size_t n = std::max(a.members.size(), b.members.size());
  for (std::size_t i = 0; i < n; ++i) {
    z3::expr x = i < a.members.size() ? a.members[i] : ctx.bool_val(false);
    z3::expr y = i < b.members.size() ? b.members[i] : ctx.bool_val(false);
    result = result && (x == y);
  }
  return result;
}

Term Evaluated(const z3::model& model, const Term& term) {
  if (!term.is_set) return Term(model.eval(term.scalar, true));
  Term out(model.ctx());
  out.is_set = true;
  for (const z3::expr& m : term.members) out.members.push_back(model.eval(m, true));
  return out;
}

bool Imprecise(const z3::expr& query) {
  std::set<std::string> names;
  analysis::CollectConstants(query, names);
  for (const std::string& name : names) {
    if (name.rfind("call!", 0) == 0 || name.rfind("cyclic!", 0) == 0 ||
        name.rfind("unresolved!", 0) == 0) {
      return true;
    }
  }
  return false;
}

DiffAnswer AnswerOf(const Program& program, const analysis::Replay& replay,
                    const std::string& decision) {
  DiffAnswer answer;
  if (!replay.ok || !replay.outcome) {
    answer.answer = decision + ": the case is refused (" + replay.error + ")";
    answer.status = "refused";
    return answer;
  }
  const Outcome& outcome = *replay.outcome;
  int d = outcome.FindDecision(decision);
  answer.answer = analysis::DescribeDecision(program, outcome, decision);
  if (d < 0) {
    answer.status = "absent";
    return answer;
  }
  DecisionStatus status = outcome.status(d);
  answer.status = DecisionStatusName(status);
  if (status == DecisionStatus::kDecided || status == DecisionStatus::kDefault) {
    answer.value = outcome.value(d).ToYaml();
  } else if (status != DecisionStatus::kNotApplicable) {
    answer.error_code = DecisionStatusCode(status);
  }
  for (const RuleRefInfo& winner : outcome.winners(d)) {
    answer.rules.push_back(winner.layer + "." + winner.id);
    answer.citations.push_back(winner.citation);
  }
  return answer;
}

// OLD's case as YAML, each fact written as NEW writes it when NEW has it too: the same
// variable, so the same value, and an enum member NEW added is named rather than numbered
// (OLD then refuses it, as it would refuse such a record).
std::string OldCaseYaml(const analysis::WitnessCase& old_case,
                        const analysis::WitnessCase& new_case) {
  std::string out;
  for (const analysis::FactValue& value : old_case.facts) {
    analysis::WitnessCase one;
    one.facts.push_back(value);
    for (const analysis::FactValue& n : new_case.facts) {
      if (n.fact->name == value.fact->name && n.fact->layer == value.fact->layer) {
        one.facts.front() = n;
      }
    }
    out += analysis::CaseToYaml(one);
  }
  return out;
}

// As analysis::RunReplay, from YAML.
analysis::Replay ReplayYaml(const Program& program, const std::string& yaml, std::int64_t day) {
  analysis::Replay replay;
  replay.facts = program.NewCase();
  replay.date = Date{static_cast<std::int32_t>(day)};
  std::vector<Diagnostic> errors;
  if (!program.ParseYaml(yaml, replay.facts, errors)) {
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

// What happens to the person (DiffWitness::change), from the statuses of both sides.
std::string ChangeOf(const DiffAnswer& old_answer, const DiffAnswer& new_answer) {
  auto decided = [](const DiffAnswer& x) { return x.status == "decided" || x.status == "default"; };
  const std::string& o = old_answer.status;
  const std::string& n = new_answer.status;
  if (o == "refused") return "refused_by_old";
  if (n == "refused") return "refused_by_new";
  if (n == "not applicable") return "no_longer_applies";
  if (o == "not applicable") return "now_applies";
  if (decided(old_answer) && decided(new_answer)) return "other_value";
  if (n == "gap") return "new_gap";
  if (n == "conflict") return "new_conflict";
  if (decided(new_answer)) {
    if (o == "gap") return "gap_closed";
    if (o == "conflict") return "conflict_resolved";
    return "error_gone";
  }
  return decided(old_answer) ? "new_error" : "other_error";
}

// The same answer for a person: both not applicable, both the same value, or both the same
// error status.
bool SameAnswer(const DiffAnswer& a, const DiffAnswer& b) {
  auto decided = [](const DiffAnswer& x) { return x.status == "decided" || x.status == "default"; };
  if (decided(a) && decided(b)) return a.value == b.value;
  return a.status == b.status;
}

// The conjuncts of `e` (nested `and`s flattened).
void Conjuncts(const z3::expr& e, std::vector<z3::expr>& out) {
  if (e.is_app() && e.decl().decl_kind() == Z3_OP_AND) {
    for (unsigned i = 0; i < e.num_args(); ++i) Conjuncts(e.arg(i), out);
  } else if (!e.is_true()) {
    out.push_back(e);
  }
}

// The names of the variables an encoder introduced (calendar parts: `y!diff!...`), which
// its side constraints define; a fact's name has no `!`.
std::set<std::string> Introduced(const z3::expr& e) {
  std::set<std::string> names, out;
  analysis::CollectConstants(e, names);
  for (const std::string& name : names) {
    if (name.find('!') != std::string::npos) out.insert(name);
  }
  return out;
}

}  // namespace

struct JurisdictionProver::Impl {
  SideOf old_side, new_side;
  ProveOptions options;
  analysis::OwnedContext owned_ctx = analysis::NewContext();  // destroyed after what uses it
  z3::context& ctx = *owned_ctx;
  analysis::QuerySolver solver{ctx, 0};
  analysis::Variables old_vars{ctx};
  analysis::Variables new_vars{ctx};
  std::unique_ptr<Encoder> old_encoder, new_encoder;
  z3::expr base{ctx};
  std::string incompatible_facts;  // why the facts cannot be shared; empty when they can
  bool out_of_time = false;

  Impl(SideOf o, SideOf n, const ProveOptions& opts)
      : old_side(o), new_side(n), options(opts), solver(ctx, opts.rlimit) {
    solver.StartBudget(options.time_limit_ms);
    // One tag for both sides: what the encoders introduce for a term both compute (the
    // calendar parts of a birth date, the value a reader of a gap never sees) is one variable,
    // so the parts OLD and NEW share are syntactically equal for the solver.
    old_encoder = std::make_unique<Encoder>(old_vars, *old_side.model,
                                            old_side.model->Chain(*old_side.layer), "diff");
    new_encoder = std::make_unique<Encoder>(new_vars, *new_side.model,
                                            new_side.model->Chain(*new_side.layer), "diff");
    old_encoder->NameCalendarByTerm();
    new_encoder->NameCalendarByTerm();
    for (const ast::FactDecl* n_fact : new_encoder->facts()) {
      for (const ast::FactDecl* o_fact : old_encoder->facts()) {
        if (o_fact->layer != n_fact->layer || o_fact->name != n_fact->name) continue;
        std::string why = Incompatible(old_side.model->annotations.TypeOf(o_fact->type),
                                       new_side.model->annotations.TypeOf(n_fact->type));
        if (!why.empty() && incompatible_facts.empty()) {
          incompatible_facts = fmt::format(
              "fact `{}` changed its type ({}): its cases cannot be compared", n_fact->name, why);
        }
      }
    }
    z3::expr date = old_vars.date();
    base = date >= ctx.int_val(static_cast<int64_t>(options.period.from)) &&
           date <= ctx.int_val(static_cast<int64_t>(options.period.until)) &&
           old_vars.DateDomain(date);
  }

  // The names of a fact's variables (its value, or its members, and its `known` flag).
  static bool Mentioned(analysis::Variables& vars, const ast::FactDecl* fact,
                        const std::set<std::string>& names) {
    const Term& term = vars.Fact(fact, 0);
    bool mentioned = false;
    if (term.is_set) {
      for (const z3::expr& m : term.members)
        mentioned = mentioned || names.count(m.decl().name().str());
    } else {
      mentioned = names.count(term.scalar.decl().name().str()) > 0;
    }
    if (fact->is_optional)
      mentioned = mentioned || names.count(vars.Known(fact, 0).decl().name().str());
    return mentioned;
  }

  // Which cases each side accepts: the domains of the facts the decision reads (an enum with
  // a new member, a widened range) and the chain's assumptions. A case only one side accepts
  // is answered differently (refused by the other). Facts the decision does not read only
  // need a value both sides accept.
  struct Validity {
    z3::expr old_valid, new_valid, both;
  };
  Validity ValidCases(const std::set<std::string>& read) {
    Validity v{ctx.bool_val(true), ctx.bool_val(true), ctx.bool_val(true)};
    // A domain the same on both sides is one term (the same variables and bounds): it bounds
    // every case. Only one that differs, of a fact the decision reads, tells the sides apart.
    std::vector<z3::expr> new_domains;
    for (const ast::FactDecl* fact : new_encoder->facts()) {
      new_domains.push_back(new_vars.Domain(fact, 0));
    }
    auto shared = [&](const z3::expr& domain) {
      for (const z3::expr& d : new_domains) {
        if (z3::eq(d, domain)) return true;
      }
      return false;
    };
    for (const ast::FactDecl* fact : old_encoder->facts()) {
      z3::expr domain = old_vars.Domain(fact, 0);
      if (shared(domain) || !Mentioned(old_vars, fact, read)) {
        v.both = v.both && domain;
      } else {
        v.old_valid = v.old_valid && domain;
      }
    }
    std::vector<z3::expr> old_domains;
    for (const ast::FactDecl* fact : old_encoder->facts()) {
      old_domains.push_back(old_vars.Domain(fact, 0));
    }
    for (const ast::FactDecl* fact : new_encoder->facts()) {
      z3::expr domain = new_vars.Domain(fact, 0);
      bool in_old = false;
      for (const z3::expr& d : old_domains) in_old = in_old || z3::eq(d, domain);
      if (in_old) continue;  // already in `both`
      if (Mentioned(new_vars, fact, read)) {
        v.new_valid = v.new_valid && domain;
      } else {
        v.both = v.both && domain;
      }
    }
    // Assumptions written the same way on both sides are encoded once (OLD's), so the solver
    // need not prove two encodings of one date condition equal.
    std::map<std::string, std::string> old_assumes;  // layer.name -> text
    for (const sema::Layer* layer : old_encoder->chain()) {
      for (const ast::AssumeDecl* assume : layer->assumes) {
        old_assumes[assume->layer + "." + assume->name] = Text(*old_side.model, assume->range);
      }
    }
    std::set<std::string> common;
    for (const sema::Layer* layer : new_encoder->chain()) {
      for (const ast::AssumeDecl* assume : layer->assumes) {
        std::string key = assume->layer + "." + assume->name;
        auto it = old_assumes.find(key);
        if (it != old_assumes.end() && it->second == Text(*new_side.model, assume->range)) {
          common.insert(key);
        } else {
          v.new_valid = v.new_valid && new_encoder->Bool(assume->condition.get());
        }
      }
    }
    for (const sema::Layer* layer : old_encoder->chain()) {
      for (const ast::AssumeDecl* assume : layer->assumes) {
        z3::expr holds = old_encoder->Bool(assume->condition.get());
        if (common.count(assume->layer + "." + assume->name)) {
          v.both = v.both && holds;
        } else {
          v.old_valid = v.old_valid && holds;
        }
      }
    }
    return v;
  }

  // The side constraints of both encoders that define a variable `query` reads, directly
  // or through another such constraint. The others only tie variables the query does not
  // read to the facts, and every real case satisfies them: leaving them out loses no case
  // (a proof stays a proof) and a witness is replayed anyway, while each one left in is a
  // calendar the solver must solve in every query.
  z3::expr DefinitionsOf(const z3::expr& query) {
    std::vector<z3::expr> parts;
    Conjuncts(old_encoder->SideConstraints(), parts);
    Conjuncts(new_encoder->SideConstraints(), parts);
    std::vector<std::set<std::string>> defines;
    for (const z3::expr& part : parts) defines.push_back(Introduced(part));
    std::set<std::string> needed = Introduced(query);
    std::vector<bool> taken(parts.size(), false);
    z3::expr result = ctx.bool_val(true);
    for (bool grew = true; grew;) {
      grew = false;
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (taken[i]) continue;
        bool reads = false;
        for (const std::string& name : defines[i]) reads = reads || needed.count(name) > 0;
        if (!reads) continue;
        taken[i] = grew = true;
        needed.insert(defines[i].begin(), defines[i].end());
        result = result && parts[i];
      }
    }
    return result;
  }

  static std::string Text(const sema::Model& model, source::SourceRange range) {
    if (!model.sources || !range.valid()) return {};
    std::string_view text = model.sources->text(range.file);
    if (range.end > text.size() || range.begin > range.end) return {};
    return std::string(text.substr(range.begin, range.end - range.begin));
  }

  void Prove(const ast::DecisionDecl& od, const ast::DecisionDecl& nd, DecisionDiff& result) {
    result.verdict = DiffVerdict::kUndetermined;
    if (out_of_time) {
      result.reason = fmt::format("the time limit of {} ms for this jurisdiction was spent",
                                  options.time_limit_ms);
      return;
    }
    if (!incompatible_facts.empty()) {
      result.reason = incompatible_facts;
      return;
    }
    std::string why = Incompatible(old_side.model->annotations.TypeOf(od.type),
                                   new_side.model->annotations.TypeOf(nd.type));
    if (!why.empty()) {
      result.reason = "the decision changed its type (" + why + ")";
      return;
    }
    Encoder& eo = *old_encoder;
    Encoder& en = *new_encoder;
    try {
      z3::expr ao = eo.AppliesWhen(od), an = en.AppliesWhen(nd);
      z3::expr dec_o = eo.Decisive(od), dec_n = en.Decisive(nd);
      Term to = eo.Outcome(od), tn = en.Outcome(nd);
      z3::expr answers_differ =
          ao != an || (ao && an && (dec_o != dec_n || (dec_o && dec_n && !SameValue(ctx, to, tn))));
      std::set<std::string> read;
      analysis::CollectConstants(answers_differ, read);
      Validity valid = ValidCases(read);
      z3::expr differ = valid.old_valid != valid.new_valid ||
                        (valid.old_valid && valid.new_valid && answers_differ);
      z3::expr query = base && valid.both && (valid.old_valid || valid.new_valid) && differ;
      // The side constraints go into the query itself, only those that define the calendar
      // parts it reads (below); the encoders add none of their own.
      std::vector<Encoder*> encoders;
      // The solver's incremental core hardly preprocesses: simplified first, the members and
      // parts both sides compute alike (one term) cancel, and what is left is the difference.
      z3::expr simplified = query.simplify();
      simplified = simplified && DefinitionsOf(simplified);
      analysis::Answer answer = solver.Check(simplified, encoders, true);
      if (answer.verdict == analysis::Verdict::kUnknown) {
        result.reason = "the solver's resource limit was reached (" + answer.reason + ")";
        return;
      }
      if (answer.verdict == analysis::Verdict::kUnsat) {
        if (Imprecise(query)) {
          result.reason =
              "the rules use a function or a definition the solver cannot express exactly";
          return;
        }
        result.verdict = DiffVerdict::kProvedSame;
        return;
      }
      std::set<std::string> constrained;
      // What the difference depends on: what is left when the parts both sides compute alike
      // cancel. Only those facts are made to look like a person's (each preference is a
      // query of its own); an optional fact the difference does not read stays absent.
      analysis::CollectConstants(differ.simplify(), constrained);
      std::vector<const ast::FactDecl*> pretty_facts;
      for (const ast::FactDecl* fact : en.facts()) {
        if (!fact->is_optional || Mentioned(new_vars, fact, constrained)) {
          pretty_facts.push_back(fact);
        }
      }
      z3::expr blocked = simplified;
      int spurious = 0;
      while (answer.verdict == analysis::Verdict::kSat && answer.model &&
             static_cast<int>(result.witnesses.size()) < options.witnesses && spurious < 3) {
        // A case that looks like a person; when the time runs out on the way, the solver's
        // own case (exact as well, only less round), and no further witnesses.
        z3::model model = *answer.model;
        bool last = false;
        try {
          model = analysis::Prettify(solver, new_vars, pretty_facts, blocked, encoders, model, {0});
        } catch (const analysis::OutOfTime&) {
          out_of_time = true;
          last = true;
        }
        analysis::WitnessCase old_case =
            analysis::ExtractCase(model, old_vars, eo.facts(), nullptr, constrained);
        analysis::WitnessCase new_case =
            analysis::ExtractCase(model, new_vars, en.facts(), nullptr, constrained);
        analysis::Replay old_replay =
            ReplayYaml(*old_side.program, OldCaseYaml(old_case, new_case), old_case.date);
        analysis::Replay new_replay = analysis::RunReplay(*new_side.program, new_case);
        DiffWitness witness;
        witness.jurisdiction = new_side.layer->name;
        witness.date = support::FormatIsoDate(static_cast<support::DayNumber>(new_case.date));
        witness.case_yaml = analysis::CaseToYaml(new_case);
        witness.facts_read_yaml = analysis::CaseToYaml(new_case, true);
        for (const analysis::FactValue& value : old_case.facts) {
          bool in_new = false;
          for (const analysis::FactValue& n : new_case.facts) {
            in_new = in_new || (n.fact->name == value.fact->name);
          }
          if (!in_new && !value.any) {
            analysis::WitnessCase only;
            only.facts.push_back(value);
            witness.facts_read_yaml += "# only in OLD: " + analysis::CaseToYaml(only);
          }
        }
        witness.old_answer = AnswerOf(*old_side.program, old_replay, od.name);
        witness.new_answer = AnswerOf(*new_side.program, new_replay, nd.name);
        witness.change = ChangeOf(witness.old_answer, witness.new_answer);
        if (SameAnswer(witness.old_answer, witness.new_answer)) {
          ++spurious;
        } else {
          result.witnesses.push_back(std::move(witness));
        }
        // Look for another transition: a different combination of applicability, decidedness
        // and values on the two sides.
        z3::expr m_ao = model.eval(ao, true), m_an = model.eval(an, true);
        z3::expr m_do = model.eval(dec_o, true), m_dn = model.eval(dec_n, true);
        z3::expr same = ao == m_ao && an == m_an && dec_o == m_do && dec_n == m_dn &&
                        valid.old_valid == model.eval(valid.old_valid, true) &&
                        valid.new_valid == model.eval(valid.new_valid, true);
        if (m_do.is_true()) same = same && SameValue(ctx, to, Evaluated(model, to));
        if (m_dn.is_true()) same = same && SameValue(ctx, tn, Evaluated(model, tn));
        // `same` reads the full encodings: with the definitions of the calendar parts it
        // reads, or the solver could pick them freely.
        blocked = blocked && !same && DefinitionsOf(same);
        if (last) break;
        answer = solver.Check(blocked, encoders, true);
      }
      if (!result.witnesses.empty()) {
        result.verdict = DiffVerdict::kChanged;
      } else if (out_of_time) {
        result.reason = fmt::format("the time limit of {} ms for this jurisdiction was spent",
                                    options.time_limit_ms);
      } else {
        result.reason =
            "the solver found cases that differ, but both evaluators answer them alike (the "
            "encoding is not exact for these rules)";
      }
    } catch (const analysis::OutOfTime& out) {
      out_of_time = true;
      if (result.witnesses.empty()) {
        result.reason =
            fmt::format("the time limit of {} ms for this jurisdiction was spent", out.limit_ms);
      } else {
        result.verdict = DiffVerdict::kChanged;
      }
    } catch (const z3::exception& e) {
      result.reason = std::string("the solver failed: ") + e.msg();
    }
  }
};

JurisdictionProver::JurisdictionProver(SideOf old_side, SideOf new_side,
                                       const ProveOptions& options)
    : impl_(std::make_unique<Impl>(old_side, new_side, options)) {}
JurisdictionProver::~JurisdictionProver() = default;

void JurisdictionProver::Prove(const ast::DecisionDecl& old_decision,
                               const ast::DecisionDecl& new_decision, DecisionDiff& result) {
  impl_->Prove(old_decision, new_decision, result);
}

int JurisdictionProver::queries() const {
  return impl_->solver.queries();
}

}  // namespace loket::diff
