// loket/diff.h: checking a pair of rule bases, comparing them (src/diff) and counting the
// changed answers of a population through the JSON Lines batch evaluator.
#include "loket/diff.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "analysis/analysis.h"
#include "api/rule_base_impl.h"
#include "diff/compare.h"
#include "loket/batch.h"
#include "loket/checker.h"
#include "sema/content_key.h"

namespace loket {

std::string DiffChangeText(const std::string& change) {
  static const std::map<std::string, std::string> kTexts = {
      {"new_gap", "a new gap (NEW decides nothing)"},
      {"new_conflict", "a new conflict (NEW's rules disagree)"},
      {"gap_closed", "a gap closed (NEW decides what OLD did not)"},
      {"conflict_resolved", "a conflict resolved (OLD's rules disagreed, NEW decides)"},
      {"now_applies", "now applies (OLD's decision did not apply)"},
      {"no_longer_applies", "no longer applies (NEW's decision does not apply)"},
      {"refused_by_old", "refused by OLD (NEW answers)"},
      {"refused_by_new", "refused by NEW (OLD answered)"},
      {"new_error", "a new error (NEW fails)"},
      {"error_gone", "an error gone (NEW decides where OLD failed)"},
      {"other_value", "another value"},
      {"other_error", "another error"}};
  auto it = kTexts.find(change);
  return it != kTexts.end() ? it->second : "another answer";
}

const char* DiffVerdictName(DiffVerdict verdict) {
  switch (verdict) {
    case DiffVerdict::kSame:
      return "same";
    case DiffVerdict::kProvedSame:
      return "proved-same";
    case DiffVerdict::kChanged:
      return "changed";
    case DiffVerdict::kUndetermined:
      return "undetermined";
    case DiffVerdict::kAdded:
      return "added";
    case DiffVerdict::kRemoved:
      return "removed";
  }
  return "?";
}

bool RuleBaseDiff::Unchanged() const {
  if (!old_clean || !new_clean || !new_findings.empty()) return false;
  for (const DecisionDiff& d : decisions) {
    if (d.verdict != DiffVerdict::kSame && d.verdict != DiffVerdict::kProvedSame) return false;
  }
  return !has_population || population.changed_records == 0;
}

namespace {

// The content key of a layer's chain (sema::ChainKeys) by the layer's name.
std::optional<std::uint64_t> KeyOf(const sema::Model& model, const std::vector<std::uint64_t>& keys,
                                   const std::string& name) {
  for (std::size_t i = 0; i < model.layers.size() && i < keys.size(); ++i) {
    if (model.layers[i]->name == name) return keys[i];
  }
  return std::nullopt;
}

}  // namespace

RuleBasePair CheckPair(std::vector<SourceText> old_sources, std::vector<SourceText> new_sources,
                       const LoadOptions& options) {
  LoadOptions quick = options;
  quick.analyze_conflicts = false;
  // One checker: NEW's files that OLD has with the same text are not parsed again.
  IncrementalChecker both(quick);
  RuleBase old_rules = both.Check(std::move(old_sources));
  RuleBasePair pair{std::move(old_rules), both.Check(std::move(new_sources)), {}, {}, 0, 0};
  const sema::Model* old_model = internal::RuleBaseAccess::Impl(pair.old_rules).model.get();
  const sema::Model* new_model = internal::RuleBaseAccess::Impl(pair.new_rules).model.get();
  if (!options.analyze_conflicts || pair.old_rules.has_errors() || pair.new_rules.has_errors() ||
      !old_model || !new_model) {
    return pair;
  }
  // Layers whose chain differs (or that only one side has), and the layers above them, whose
  // checks also ask the chains below (L507, L508). NEW's copies of OLD's files have ids of
  // their own (IncrementalChecker): compare by text.
  std::vector<std::uint64_t> old_keys = sema::ChainKeys(*old_model, nullptr, true);
  std::vector<std::uint64_t> new_keys = sema::ChainKeys(*new_model, nullptr, true);
  std::set<std::string> needed;
  auto differing = [&](const sema::Model& model, const std::vector<std::uint64_t>& keys,
                       const sema::Model& other, const std::vector<std::uint64_t>& other_keys) {
    for (std::size_t i = 0; i < model.layers.size() && i < keys.size(); ++i) {
      const sema::Layer& layer = *model.layers[i];
      if (KeyOf(other, other_keys, layer.name) == keys[i]) continue;
      for (const sema::Layer* l = &layer; l; l = l->parent) needed.insert(l->name);
    }
  };
  differing(*new_model, new_keys, *old_model, old_keys);
  differing(*old_model, old_keys, *new_model, new_keys);
  if (needed.empty()) return pair;
  const internal::RuleBaseImpl& old_impl = internal::RuleBaseAccess::Impl(pair.old_rules);
  const internal::RuleBaseImpl& new_impl = internal::RuleBaseAccess::Impl(pair.new_rules);
  // A unit of decisions with the same key on both sides has the same findings on both (the
  // per-unit cache rests on that), so only the units whose keys differ are analysed: OLD's
  // keys first (deciding only the gaps a layer below reads), then NEW's units that OLD has
  // not, then OLD's units that NEW has not.
  analysis::AnalysisCache machinery;  // the units' keys and the Z3 contexts, shared
  analysis::AnalysisOptions base;
  base.solver_rlimit = options.solver_rlimit;
  base.layer_time_limit_ms = options.solver_time_limit_ms;
  const unsigned hardware = std::thread::hardware_concurrency();
  base.threads = options.threads != 0 ? options.threads : (hardware ? hardware : 1);
  base.cache = &machinery;
  using UnitKeys = std::set<std::pair<std::string, std::uint64_t>>;
  std::mutex mutex;
  auto analyse = [&](const internal::RuleBaseImpl& impl, UnitKeys& seen, const UnitKeys* other,
                     std::vector<Diagnostic>* findings) {
    std::set<std::string> layers;
    analysis::AnalysisOptions run = base;
    run.analyse_layer = [&](const sema::Layer& layer) { return needed.count(layer.name) > 0; };
    run.analyse_unit = [&](const sema::Layer& layer, std::uint64_t key) {
      std::lock_guard<std::mutex> lock(mutex);
      seen.emplace(layer.name, key);
      const bool differs = other && !other->count({layer.name, key});
      if (differs) {
        layers.insert(layer.name);
        ++pair.units_analyzed;
      }
      return differs;
    };
    diag::DiagnosticSink sink;
    analysis::RunConflictAnalysis(*impl.model, run, sink);
    pair.layers_analyzed += static_cast<int>(layers.size());
    if (!findings) return;
    for (const diag::Diagnostic& d : sink.diagnostics()) {
      findings->push_back(internal::ToPublic(d, *impl.sources));
    }
  };
  UnitKeys old_units, new_units, ignored;
  analyse(old_impl, old_units, nullptr, nullptr);
  analyse(new_impl, new_units, &old_units, &pair.new_findings);
  analyse(old_impl, ignored, &new_units, &pair.old_findings);
  return pair;
}

namespace {

Status ParsePeriod(const DiffOptions& options, diff::Period& period, std::string& text) {
  auto parse = [](const std::string& iso, const char* what, support::DayNumber& day) -> Status {
    std::optional<Date> date = Date::Parse(iso);
    if (!date) {
      return {StatusCode::kInvalidArgument,
              std::string(what) + " `" + iso + "` is not a date (YYYY-MM-DD)"};
    }
    day = date->day;
    return Status::Ok();
  };
  if (options.from.empty() != options.until.empty()) {
    return {StatusCode::kInvalidArgument, "a period needs both `from` and `until`"};
  }
  if (!options.from.empty()) {
    if (!options.on.empty()) {
      return {StatusCode::kInvalidArgument, "give either a date (`on`) or a period, not both"};
    }
    Status s = parse(options.from, "from", period.from);
    if (!s.ok()) return s;
    s = parse(options.until, "until", period.until);
    if (!s.ok()) return s;
    if (period.until < period.from) {
      return {StatusCode::kInvalidArgument,
              "the period ends (" + options.until + ") before it begins (" + options.from + ")"};
    }
    text = "from " + options.from + " until " + options.until;
    return Status::Ok();
  }
  if (options.on.empty()) return {StatusCode::kInvalidArgument, "no date to compare on"};
  Status s = parse(options.on, "date", period.from);
  if (!s.ok()) return s;
  period.until = period.from;
  text = "on " + options.on;
  return Status::Ok();
}

// Findings of the conflict analysis (L5xx) are what a diff compares; any other error means
// the rules cannot be compared (or evaluated) at all.
bool BlocksComparison(const Diagnostic& d) {
  return d.severity == Severity::kError && d.code.rfind("L5", 0) != 0;
}

std::vector<Diagnostic> Errors(const RuleBase& rules) {
  std::vector<Diagnostic> out;
  for (const Diagnostic& d : rules.diagnostics()) {
    if (BlocksComparison(d)) out.push_back(d);
  }
  return out;
}

bool Clean(const RuleBase& rules) {
  const auto& impl = internal::RuleBaseAccess::Impl(rules);
  if (!impl.model || impl.model->has_errors) return false;
  for (const Diagnostic& d : rules.diagnostics()) {
    if (BlocksComparison(d)) return false;
  }
  return true;
}

}  // namespace

Result<RuleBaseDiff> DiffRuleBases(const RuleBasePair& rules, const DiffOptions& options) {
  const RuleBase& old_rules = rules.old_rules;
  const RuleBase& new_rules = rules.new_rules;
  try {
    RuleBaseDiff result;
    diff::CompareOptions compare;
    Status status = ParsePeriod(options, compare.period, result.period);
    if (!status.ok()) return status;
    result.old_clean = Clean(old_rules);
    result.new_clean = Clean(new_rules);
    if (!result.old_clean) result.old_errors = Errors(old_rules);
    if (!result.new_clean) result.new_errors = Errors(new_rules);
    if (!result.old_clean || !result.new_clean) return result;
    const sema::Model& old_model = *internal::RuleBaseAccess::Impl(old_rules).model;
    const sema::Model& new_model = *internal::RuleBaseAccess::Impl(new_rules).model;
    if (!options.jurisdiction.empty()) {
      const sema::Layer* o = internal::FindJurisdiction(old_model, options.jurisdiction);
      const sema::Layer* n = internal::FindJurisdiction(new_model, options.jurisdiction);
      if (!o && !n) {
        return Status(StatusCode::kNotFound,
                      "no jurisdiction `" + options.jurisdiction + "` in either rule base");
      }
      compare.old_jurisdiction = o ? o->name : "";
      compare.new_jurisdiction = n ? n->name : "";
    }
    compare.rlimit = options.solver_rlimit;
    compare.time_limit_ms = options.solver_time_limit_ms;
    compare.witnesses = std::max(1, options.witnesses_per_decision);
    compare.threads = options.threads;
    {
      std::vector<std::uint64_t> old_keys = sema::ChainKeys(old_model, nullptr, true);
      std::vector<std::uint64_t> new_keys = sema::ChainKeys(new_model, nullptr, true);
      for (std::size_t i = 0; i < new_model.layers.size() && i < new_keys.size(); ++i) {
        const std::string& name = new_model.layers[i]->name;
        std::optional<std::uint64_t> old_key = KeyOf(old_model, old_keys, name);
        if (old_key == new_keys[i]) compare.same_chains.insert(name);
      }
    }
    std::vector<Diagnostic> before = old_rules.diagnostics();
    before.insert(before.end(), rules.old_findings.begin(), rules.old_findings.end());
    std::vector<Diagnostic> after = new_rules.diagnostics();
    after.insert(after.end(), rules.new_findings.begin(), rules.new_findings.end());
    result.new_findings = diff::NewFindings(before, after);
    diff::CompareModels(old_model, new_model, compare, result);
    return result;
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal,
                  std::string("internal error while comparing: ") + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Population

namespace {

// One record's answers under OLD, kept until NEW has decided it.
struct OldRecord {
  bool failed = false;
  std::string error;
  const Program* program = nullptr;
  std::vector<DecisionStatus> status;
  std::vector<std::int64_t> raw;
};

bool IsValue(DecisionStatus s) {
  return s == DecisionStatus::kDecided || s == DecisionStatus::kDefault;
}

std::string AnswerText(const Outcome& outcome, int d) {
  DecisionStatus s = outcome.status(d);
  if (IsValue(s)) return outcome.value(d).ToString();
  if (s == DecisionStatus::kNotApplicable) return "not applicable";
  std::string code = DecisionStatusCode(s);
  return std::string(DecisionStatusName(s)) + (code.empty() ? "" : " (" + code + ")");
}

// How NEW's decisions map onto OLD's, per pair of programs.
struct DecisionMap {
  std::vector<int> old_index;        // by NEW decision; -1: OLD has none
  std::vector<bool> raw_comparable;  // same type and members: raw values mean the same
};

DecisionMap MapDecisions(const Program& old_program, const Program& new_program) {
  DecisionMap map;
  for (const DecisionInfo& info : new_program.decisions()) {
    int o = old_program.DecisionIndex(info.name);
    map.old_index.push_back(o);
    bool same = false;
    if (o >= 0) {
      const DecisionInfo& old_info = old_program.decisions()[static_cast<std::size_t>(o)];
      same = old_info.type == info.type && old_info.members == info.members;
    }
    map.raw_comparable.push_back(same);
  }
  return map;
}

}  // namespace

Result<PopulationDiff> CountChanges(const RuleBase& old_rules, const RuleBase& new_rules,
                                    std::istream& records, const PopulationOptions& options) {
  std::optional<Date> on = Date::Parse(options.on);
  if (!on) {
    return Status(StatusCode::kInvalidArgument,
                  "date `" + options.on + "` is not a date (YYYY-MM-DD)");
  }
  if (options.jurisdiction.empty() == options.jurisdiction_field.empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "give either a jurisdiction or the record field that names it");
  }
  BatchOptions batch;
  batch.jurisdiction = options.jurisdiction;
  batch.jurisdiction_field = options.jurisdiction_field;
  batch.on = *on;
  BatchEvaluator old_eval(old_rules, batch);
  BatchEvaluator new_eval(new_rules, batch);
  if (!options.jurisdiction.empty()) {
    Status s = old_eval.Prepare();
    if (!s.ok()) return s;
    s = new_eval.Prepare();
    if (!s.ok()) return s;
  }
  const std::size_t examples = static_cast<std::size_t>(std::max(0, options.example_records));
  PopulationDiff result;
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<Key, AnswerChange> changes;
  std::map<std::pair<const Program*, const Program*>, DecisionMap> maps;
  std::vector<OldRecord> pending;
  std::vector<std::int64_t> numbers;
  std::string out;
  std::size_t cursor = 0;
  bool record_changed = false;

  auto differently = [&](std::int64_t number, const std::string& why) {
    ++result.failing_differently_count;
    if (result.failing_differently.size() < examples) {
      result.failing_differently.emplace_back(number, why);
    }
  };
  auto flush = [&] {
    if (numbers.empty()) return;
    if (pending.size() < numbers.size()) pending.resize(numbers.size());
    cursor = 0;
    old_eval.Flush(
        out,
        [&](std::int64_t, const std::string& error) {
          OldRecord& r = pending[cursor++];
          r.failed = true;
          r.error = error;
        },
        [&](const Program& program, const Case&, const Outcome& outcome) {
          OldRecord& r = pending[cursor++];
          r.failed = false;
          r.program = &program;
          int n = outcome.decision_count();
          r.status.resize(static_cast<std::size_t>(n));
          r.raw.resize(static_cast<std::size_t>(n));
          for (int d = 0; d < n; ++d) {
            r.status[static_cast<std::size_t>(d)] = outcome.status(d);
            r.raw[static_cast<std::size_t>(d)] = outcome.raw(d);
          }
        });
    out.clear();
    cursor = 0;
    new_eval.Flush(
        out,
        [&](std::int64_t number, const std::string& error) {
          OldRecord& r = pending[cursor++];
          if (r.failed) {
            ++result.failed_old;
            ++result.failed_new;
          } else {
            ++result.failed_new;
            differently(number, "OLD decides it, NEW refuses it: " + error);
          }
        },
        [&](const Program& program, const Case&, const Outcome& outcome) {
          std::int64_t number = numbers[cursor];
          OldRecord& r = pending[cursor++];
          if (r.failed) {
            ++result.failed_old;
            differently(number, "NEW decides it, OLD refuses it: " + r.error);
            return;
          }
          auto [it, fresh] = maps.try_emplace({r.program, &program});
          if (fresh) it->second = MapDecisions(*r.program, program);
          const DecisionMap& map = it->second;
          record_changed = false;
          for (int d = 0; d < outcome.decision_count(); ++d) {
            int o = map.old_index[static_cast<std::size_t>(d)];
            if (o < 0) continue;
            DecisionStatus os = r.status[static_cast<std::size_t>(o)];
            DecisionStatus ns = outcome.status(d);
            std::int64_t oraw = r.raw[static_cast<std::size_t>(o)];
            bool same = IsValue(os) && IsValue(ns) ? oraw == outcome.raw(d) : os == ns;
            if (same && map.raw_comparable[static_cast<std::size_t>(d)]) continue;
            const DecisionInfo& old_info = r.program->decisions()[static_cast<std::size_t>(o)];
            std::string from;
            if (IsValue(os)) {
              Value v;
              v.type = old_info.type;
              v.raw = oraw;
              v.members = &old_info.members;
              from = v.ToString();
            } else if (os == DecisionStatus::kNotApplicable) {
              from = "not applicable";
            } else {
              std::string code = DecisionStatusCode(os);
              from = std::string(DecisionStatusName(os)) + (code.empty() ? "" : " (" + code + ")");
            }
            std::string to = AnswerText(outcome, d);
            if (from == to) continue;
            record_changed = true;
            AnswerChange& change = changes[Key{program.jurisdiction(), old_info.name, from, to}];
            if (change.count == 0) {
              change.jurisdiction = program.jurisdiction();
              change.decision = old_info.name;
              change.from = from;
              change.to = to;
            }
            ++change.count;
            if (change.records.size() < examples) change.records.push_back(number);
          }
          if (record_changed) ++result.changed_records;
        });
    out.clear();
    numbers.clear();
  };

  std::string line;
  std::int64_t line_number = 0;
  while (std::getline(records, line)) {
    ++line_number;
    std::string_view view(line);
    if (line_number == 1 && view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);
    if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
    if (view.find_first_not_of(" \t") == std::string_view::npos) continue;
    ++result.records;
    old_eval.Queue(view, line_number);
    new_eval.Queue(view, line_number);
    numbers.push_back(line_number);
    if (old_eval.Full() || new_eval.Full()) flush();
  }
  flush();
  if (records.bad()) return Status(StatusCode::kIoError, "error while reading the records");
  for (auto& [key, change] : changes) result.changes.push_back(std::move(change));
  std::stable_sort(result.changes.begin(), result.changes.end(),
                   [](const AnswerChange& a, const AnswerChange& b) {
                     if (a.jurisdiction != b.jurisdiction) return a.jurisdiction < b.jurisdiction;
                     if (a.decision != b.decision) return a.decision < b.decision;
                     return a.count > b.count;
                   });
  return result;
}

}  // namespace loket
