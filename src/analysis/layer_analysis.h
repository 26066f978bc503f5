// The analysis of one layer against its chain (the layer and the layers above): the checks,
// grouped by family, each written over the finding protocol (finding.h).
//
//   conflict_analysis.cpp  the run: layers by depth on worker threads, the caches, the
//                          layer's decisions in units (DecisionUnit), and LayerAnalysis::RunChecks,
//                          the list of checks in the order they run on one unit
//   gap_checks.cpp         L507 dead rules, L506 gaps, L520 decided where not applicable
//   ambiguity_checks.cpp   L512 overlapping versions, L501 ambiguity
//   exception_checks.cpp   L505 broader than the base, L511 outliving the base, L508 shadowed
//   layer_checks.cpp       L503 outside `within`, L504 less favourable, L509 restating above
//   protected_checks.cpp   L510 protected criteria
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <z3++.h>

#include "analysis/analysis.h"
#include "analysis/box.h"
#include "analysis/encoder.h"
#include "analysis/finding.h"
#include "analysis/query.h"
#include "analysis/witness.h"
#include "sema/cone.h"
#include "sema/model.h"

namespace loket::analysis {

// One worker thread's solver state for one run: created up front on the main thread, on a
// context that only this worker uses during the run.
struct AnalysisWorker {
  AnalysisWorker(z3::context& context, unsigned rlimit)
      : ctx(context), solver(ctx, rlimit), vars(ctx) {}
  z3::context& ctx;
  QuerySolver solver;
  Variables vars;
  AnalysisStats stats;
};

// What the analysis of a layer, or of one unit of its decisions, found.
struct CachedFindings {
  std::vector<diag::Diagnostic> diagnostics;
  std::set<std::string> gaps;  // decisions with a gap in the layer's chain
  // The files the diagnostics' ranges name, with their places' names (UnitCacheAccess): a
  // unit is keyed by those, not by file ids, so a later check may reuse it with other ids.
  std::vector<std::pair<source::FileId, std::uint64_t>> files;
};

// What one layer's analysis produces.
struct LayerResult {
  std::vector<diag::Diagnostic> diagnostics;
  std::set<std::string> gaps;  // decisions with a gap in this layer's chain
  bool from_cache = false;
  int units = 0, units_from_cache = 0;  // decision units with checks to make
  int decisions = 0, decisions_from_cache = 0;
  // The units analysed, by key, for the cache (with a cache only).
  std::vector<std::pair<std::uint64_t, CachedFindings>> analysed;
};

// The decisions of a layer's chain that are checked together, with what is checked: every
// check of the layer concerns the decisions of one unit only (a rule all the decisions it
// assigns, an exception its base's too, versions of a rule each other's), so a unit's findings
// depend only on the cones of its decisions (sema/cone.h) and the chain's frame, plus what
// LayerAnalysis::UnitKey adds. Each unit is analysed in a solver scope of its own with fresh
// encoders (their own side constraints and fresh variables), so that its findings do not
// depend on the units analysed before it. (Z3 keeps some search state across a pop; the tests
// compare re-checks with fresh checks, witnesses included, to hold this to account.)
struct DecisionUnit {
  std::vector<const ast::DecisionDecl*> decisions;  // in chain order
  std::vector<const ast::RuleDecl*> rules;          // the layer's rules on them, in layer order
  // Rules of the chain on them with an exception, where the rule or one of its exceptions is
  // of this layer (L508), in chain order.
  std::vector<const ast::RuleDecl*> shadow_candidates;
  std::vector<const ast::DecisionDecl*> gap_candidates;  // without default, not collect
  bool Empty() const {
    return rules.empty() && shadow_candidates.empty() && gap_candidates.empty();
  }
};

// What a layer's analysis needs to read and fill the per-unit cache.
// Shared by the workers of a run and kept across runs (AnalysisCache).
struct BelowKeys {
  std::mutex mutex;
  std::unordered_map<std::uint64_t, std::uint64_t> keys;
};

struct UnitCacheAccess {
  const std::unordered_map<std::uint64_t, CachedFindings>* units = nullptr;
  const sema::ConeBuilder* cones = nullptr;
  // Chain keys of every layer (sema::ChainKeys, files by text): a unit whose checks read beyond its
  // cones (the witness preference of L508 reads every decision of the chain; L507 and L508 ask the
  // layers below when a rule reads a decision) is keyed by those chains too.
  const std::unordered_map<const sema::Layer*, std::uint64_t>* chain_keys = nullptr;
  // A name of every file by id, for places in the keys: its layer and its rank among that
  // layer's files (not its id or path, which differ between the two sides of `loket diff`,
  // nor its text, which every edit changes); and the id of each file by that name.
  const std::vector<std::uint64_t>* file_places = nullptr;
  const std::unordered_map<std::uint64_t, source::FileId>* file_of_place = nullptr;
  // What a chain below adds to the key of a unit that asks it (UnitKey), by the unit's key
  // without it and that chain's key: a re-check computes it only for the chains that changed.
  BelowKeys* below = nullptr;
};

// Words of the findings, shared by the checks.
const char* LayerWord(const sema::Layer& layer);  // "municipality"
std::string RuleName(const ast::RuleDecl& rule);  // "national.nl.rule"
std::string Cite(const ast::RuleDecl& rule,
                 const sema::Annotations& annotations);  // `national.nl.rule` ("citation")
std::vector<std::string> DecisionsOf(const ast::RuleDecl& rule,
                                     const sema::Annotations& annotations);  // what it assigns
// Literal values (constants, enum members, sets of members) and their equality.
bool IsLiteral(const ast::Expr& e, const sema::Annotations& annotations);
bool SameLiteral(const ast::Expr& a, const ast::Expr& b, const sema::Annotations& annotations);
const ast::Expr* AssignedExpr(const ast::RuleDecl& rule, const ast::DecisionDecl& decision,
                              const sema::Annotations& annotations);

class LayerAnalysis {
 public:
  LayerAnalysis(AnalysisWorker& worker, const sema::Model& model, const sema::Layer& layer,
                const AnalysisOptions& options, ProgramCache& programs,
                const std::set<std::string>* parent_gaps, UnitCacheAccess cache = {});
  LayerResult Run();

 private:
  static void PopQuietly(z3::solver& solver);
  std::vector<DecisionUnit> Units();
  std::uint64_t UnitKey(const DecisionUnit& unit);
  // A clean solver and fresh encoders for the next unit.
  void StartUnit();
  void RunChecks(const DecisionUnit& unit);

  // gap_checks.cpp: which cases the rules reach.
  bool CheckDead(const ast::RuleDecl& rule);  // L507; true when the rule can apply
  bool AppliesBelow(const ast::RuleDecl& rule);
  void CheckGaps(const std::vector<const ast::DecisionDecl*>& decisions);  // L506
  void CheckGap(const ast::DecisionDecl& decision);
  void CheckNotApplicable(const std::vector<const ast::RuleDecl*>& live);  // L520
  void CheckDecidedWhereNotApplicable(const ast::RuleDecl& rule, const ast::DecisionDecl& decision);

  // ambiguity_checks.cpp: rules of one decision that can disagree.
  void CheckVersions(const std::vector<const ast::RuleDecl*>& rules);  // L512
  void CheckVersionPair(const std::string& id, const ast::RuleDecl& a, const ast::RuleDecl& b);
  void CheckAmbiguity(const std::vector<const ast::RuleDecl*>& live);  // L501
  void CheckPair(const ast::DecisionDecl& decision, const ast::RuleDecl& a, const ast::RuleDecl& b);
  bool Related(const ast::RuleDecl& a, const ast::RuleDecl& b);
  bool BoxesDisjoint(const ast::RuleDecl& a, const ast::RuleDecl& b);
  Box BoxOf(const ast::RuleDecl& rule);

  // exception_checks.cpp: exceptions and their base rules.
  void CheckExceptions(const std::vector<const ast::RuleDecl*>& live);  // L505, L511
  void CheckBroader(const ast::RuleDecl& e, const ast::RuleDecl& base);
  void CheckOutlives(const ast::RuleDecl& e, const std::vector<const ast::RuleDecl*>& versions,
                     source::SourceRange ref);
  void CheckShadowed(const std::vector<const ast::RuleDecl*>& candidates);  // L508
  bool WinsBelow(const ast::RuleDecl& rule);
  void CheckShadowedRule(const ast::RuleDecl& rule,
                         const std::vector<const ast::RuleDecl*>& exceptions);

  // layer_checks.cpp: a layer against the layers above.
  void CheckDelegated(const std::vector<const ast::RuleDecl*>& live);  // L503, L504
  void CheckWithin(const ast::RuleDecl& rule, const ast::DecisionDecl& decision,
                   const ast::Assignment& assignment);
  void CheckFavours(const ast::RuleDecl& rule, const ast::DecisionDecl& decision);
  void CheckRestatements(const std::vector<const ast::RuleDecl*>& live);  // L509
  bool CheckRestates(const ast::RuleDecl& rule, const ast::RuleDecl& other,
                     const ast::DecisionDecl& decision);

  // protected_checks.cpp: outcomes that depend on a protected fact.
  void CheckProtected(const std::vector<const ast::RuleDecl*>& live);  // L510
  void CheckProtectedPair(const ast::RuleDecl& rule, const ast::FactDecl& fact,
                          const ast::DecisionDecl& decision);

  // Shared by the families (conflict_analysis.cpp).
  static bool ReadsDecision(const ast::Expr* e, const sema::Annotations& annotations);
  std::string ValueOf(const z3::model& model, const Term& term, const ast::Type& type);
  std::int64_t ModelDay(const z3::model& model);
  std::string ConditionText(const ast::Expr& condition) const;
  // In the order the facts are declared (by place), not by address: the checks ask about
  // them in this order, and the order of a solver's questions shapes its later witnesses.
  struct ByPlace {
    bool operator()(const ast::FactDecl* a, const ast::FactDecl* b) const {
      return std::tie(a->name_range.file, a->name_range.begin) <
             std::tie(b->name_range.file, b->name_range.begin);
    }
  };
  using FactSet = std::set<const ast::FactDecl*, ByPlace>;
  FactSet FactsRead(const ast::RuleDecl& rule);

  AnalysisWorker& w_;
  const sema::Model& model_;
  const sema::Layer& layer_;
  const AnalysisOptions& options_;
  ProgramCache& programs_;
  const std::set<std::string>* parent_gaps_;
  UnitCacheAccess cache_;
  std::vector<const sema::Layer*> chain_;
  std::unique_ptr<Encoder> enc_;
  std::unique_ptr<Encoder> parent_;
  std::unordered_map<const ast::RuleDecl*, Box> boxes_;
  LayerResult result_;
  Findings findings_;
};

}  // namespace loket::analysis
