// Rules: ids, citations, validity, conditions, assignments, exceptions, and competence: which
// layer may decide which decision.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sema/analyzer.h"

namespace loket::sema::detail {

using ast::Type;
using ast::TypeKind;

namespace {

std::string Plural(std::string_view kind) {
  if (kind == "municipality") return "municipalities";
  if (kind == "province") return "provinces";
  if (kind == "region") return "regions";
  return std::string(kind) + " layers";
}

std::string LawOf(std::string_view kind) {
  if (kind == "national") return "national law";
  if (kind == "province") return "provincial rules";
  if (kind == "region") return "regional rules";
  return "municipal rules";
}

bool IsBlank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
}

std::string WithinText(const ast::Delegation& delegation, const Type& type,
                       const Annotations& annotations) {
  if (!delegation.within_set.empty()) {
    std::string members;
    for (const auto& member : delegation.within_set) {
      members += (members.empty() ? "" : ", ") + member->name;
    }
    return "within {" + members + "}";
  }
  auto lo = delegation.within_lo ? EvalConstant(*delegation.within_lo, annotations) : std::nullopt;
  auto hi = delegation.within_hi ? EvalConstant(*delegation.within_hi, annotations) : std::nullopt;
  if (!lo || !hi) return "within";
  return "within " + FormatConstant(type, *lo) + ".." + FormatConstant(type, *hi);
}

}  // namespace

void Analyzer::CheckRules() {
  for (auto& layer_ptr : model_.layers) {
    const Layer& layer = *layer_ptr;
    if (Replay(layer, LayerPass::kRuleBodies)) continue;
    const std::size_t first = sink_.diagnostics().size();
    current_layer_ = &layer;
    std::unordered_map<std::string, const ast::RuleDecl*> ids;
    for (const ast::File* file : FilesOf(&layer)) {
      for (auto& rule : file->rules) {
        // Rules sharing an id are versions of one rule when each says when it is in force
        // (`valid from` / `until`); whether versions overlap is the analysis' question (L512).
        auto is_version = [](const ast::RuleDecl& r) {
          return r.validity.from.has_value() || r.validity.until.has_value();
        };
        auto [earlier, inserted] = ids.emplace(rule->id, rule.get());
        if (!inserted && !(is_version(*earlier->second) && is_version(*rule))) {
          auto& diagnostic = Report(
              diag::Kind::kDuplicateRuleId, rule->id_range,
              fmt::format("rule id `{}` is already used in layer `{}`", rule->id, layer.name));
          diagnostic.notes.push_back({earlier->second->id_range, "first rule with this id"});
          diagnostic.help.push_back(
              "give each rule its own id; two versions of one rule share an id only when both "
              "say when they are in force (`valid from` / `until`)");
        }
        CheckRuleBody(*rule, layer);
      }
    }
    Record(layer, LayerPass::kRuleBodies, first);
  }
  // Exceptions need every rule's assignments resolved, in every layer.
  for (auto& layer_ptr : model_.layers) {
    const Layer& layer = *layer_ptr;
    if (Replay(layer, LayerPass::kExceptions)) continue;
    const std::size_t first = sink_.diagnostics().size();
    current_layer_ = &layer;
    for (const ast::File* file : FilesOf(&layer)) {
      for (auto& rule : file->rules) ResolveExceptions(*rule, layer);
      for (auto& rule : file->rules) CheckCompetence(*rule, layer);
    }
    Record(layer, LayerPass::kExceptions, first);
  }
  current_layer_ = nullptr;
}

void Analyzer::CheckRuleBody(const ast::RuleDecl& rule, const Layer& layer) {
  if (!rule.citations.empty()) CheckCitations(rule, layer);
  if (IsBlank(ann_.CitationText(rule))) {
    Report(diag::Kind::kMissingCitation, rule.citation_range,
           fmt::format("rule `{}` cites no legal basis", rule.id))
        .help.push_back(
            "cite the article it rests on, e.g. \"Wet inburgering 2021, art. 3 lid 1\"");
  }
  CheckValidity(rule.validity);
  ExprScope scope{&layer, {}};
  if (rule.condition) {
    CheckCondition(*rule.condition, scope, "the `when` condition");
    CollectKnown(*rule.condition, true, scope.guarded);
  }
  std::unordered_map<const ast::DecisionDecl*, const ast::Assignment*> assigned;
  for (const ast::Assignment& assignment : rule.assignments) {
    const Entity* entity = Lookup(layer, NameSpace::kValue, assignment.name);
    bool is_decision = entity && entity->kind == EntityKind::kDecision;
    if (!entity) {
      ReportUnresolved(layer, NameSpace::kValue, assignment.name, assignment.name_range,
                       diag::Kind::kUnknownName, "decision", EntityKind::kDecision);
    } else if (!is_decision) {
      auto& diagnostic = Report(diag::Kind::kAssignToNonDecision, assignment.name_range,
                                fmt::format("`{}` is a {}; only decisions can be assigned",
                                            assignment.name, EntityKindName(entity->kind)));
      diagnostic.notes.push_back(
          {entity->name_range,
           fmt::format("{} `{}` is declared here", EntityKindName(entity->kind), assignment.name)});
      if (entity->kind == EntityKind::kLet || entity->kind == EntityKind::kParam) {
        diagnostic.help.push_back(
            "a rule decides decisions; to change a derived value, change "
            "its definition");
      }
    }
    if (!is_decision) {
      if (assignment.value) CheckValue(*assignment.value, nullptr, scope);
      continue;
    }
    const ast::DecisionDecl& decision = *entity->decision;
    ann_.Decision(assignment) = &decision;
    auto [first, inserted] = assigned.emplace(&decision, &assignment);
    if (!inserted) {
      Report(diag::Kind::kAssignedTwice, assignment.name_range,
             fmt::format("rule `{}` assigns `{}` twice", rule.id, assignment.name))
          .notes.push_back({first->second->name_range, "first assigned here"});
    }
    if (assignment.op == ast::AssignOp::kAdd && !decision.collect) {
      auto& diagnostic =
          Report(diag::Kind::kAddToSingleValued, assignment.name_range,
                 fmt::format("`+=` on `{}`, which is not a `collect` decision", assignment.name));
      diagnostic.notes.push_back(
          {decision.name_range, fmt::format("`{}` is declared here", decision.name)});
      diagnostic.help.push_back(fmt::format("assign it with `{} = ...`", assignment.name));
    } else if (assignment.op == ast::AssignOp::kSet && decision.collect) {
      auto& diagnostic =
          Report(diag::Kind::kSetOnCollect, assignment.name_range,
                 fmt::format("`=` on `{}`, which is a `collect` decision", assignment.name));
      diagnostic.notes.push_back(
          {decision.name_range, fmt::format("`{}` is declared `collect` here", decision.name)});
      diagnostic.help.push_back(fmt::format(
          "add to it with `{} += {{...}}`: the outcome is the union of every applying rule's "
          "additions",
          assignment.name));
    }
    if (!assignment.value) continue;
    const Type& expected = ann_.TypeOf(decision.type);
    Type actual = CheckValue(*assignment.value, &expected, scope);
    if (ExpectType(*assignment.value, actual, expected,
                   fmt::format("the value assigned to `{}`", assignment.name))) {
      CheckConstantInRange(*assignment.value, decision.type, decision.name, decision.name_range);
    }
  }
}

void Analyzer::ResolveExceptions(const ast::RuleDecl& rule, const Layer& layer) {
  for (const ast::RuleRef& ref : rule.exception_to) {
    const ast::RuleDecl* target = nullptr;
    for (const Layer* at = &layer; at && !target; at = at->parent) target = at->FindRule(ref.text);
    // Not in the chain: what follows looks at other layers' rules.
    if (!target) reads_outside_.insert(&layer);
    // `national.wi.duty`: a rule of a named layer.
    const Layer* qualified = nullptr;
    std::string rest;
    if (!target) {
      std::size_t dot = ref.text.find('.');
      if (dot != std::string::npos) {
        qualified = model_.FindLayer(std::string_view(ref.text).substr(0, dot));
        rest = ref.text.substr(dot + 1);
      }
    }
    const ast::RuleDecl* elsewhere = nullptr;  // a rule this layer cannot build on
    if (qualified) {
      const ast::RuleDecl* found = qualified->FindRule(rest);
      if (found && IsAncestorOrSelf(qualified, &layer)) {
        target = found;
      } else if (found) {
        elsewhere = found;
      } else {
        std::vector<std::string> ids;
        for (const ast::RuleDecl* candidate : qualified->rules) ids.push_back(candidate->id);
        auto& diagnostic =
            Report(diag::Kind::kUnknownRule, ref.range,
                   fmt::format("layer `{}` has no rule `{}`", qualified->name, rest));
        std::string closest = diag::ClosestName(rest, ids);
        if (!closest.empty()) {
          diagnostic.help.push_back(fmt::format("did you mean `{}.{}`?", qualified->name, closest));
        }
        continue;
      }
    }
    if (!target && !elsewhere) {
      for (const auto& other : model_.layers) {
        if (const ast::RuleDecl* found = other->FindRule(ref.text)) {
          elsewhere = found;
          break;
        }
      }
    }
    if (!target && elsewhere && cut_off_.count(&layer)) continue;  // L301/L303 said why
    if (!target && elsewhere) {
      const Layer* owner = model_.FindLayer(elsewhere->layer);
      bool lower = owner && IsAncestorOrSelf(&layer, owner);
      auto& diagnostic =
          lower ? Report(diag::Kind::kExceptionToLowerLayer, ref.range,
                         fmt::format("`{}` is a rule of lower layer `{}`", elsewhere->id,
                                     elsewhere->layer))
                : Report(diag::Kind::kNameNotVisible, ref.range,
                         fmt::format("rule `{}` belongs to sibling layer `{}`, which `{}` cannot "
                                     "see",
                                     elsewhere->id, elsewhere->layer, layer.name));
      diagnostic.notes.push_back(
          {elsewhere->id_range, fmt::format("`{}` is declared here", elsewhere->id)});
      diagnostic.help.push_back(
          "an exception sets aside a rule of its own layer or of a layer above it");
      continue;
    }
    if (!target) {
      std::vector<std::string> ids;
      for (const Layer* at = &layer; at; at = at->parent) {
        for (const ast::RuleDecl* candidate : at->rules) ids.push_back(candidate->id);
      }
      auto& diagnostic =
          Report(diag::Kind::kUnknownRule, ref.range, fmt::format("unknown rule `{}`", ref.text));
      std::string closest = diag::ClosestName(ref.text, ids);
      if (!closest.empty()) {
        diagnostic.help.push_back(fmt::format("did you mean `{}`?", closest));
        for (const Layer* at = &layer; at; at = at->parent) {
          if (const ast::RuleDecl* suggestion = at->FindRule(closest)) {
            diagnostic.notes.push_back(
                {suggestion->id_range, fmt::format("`{}` is declared here", closest)});
            break;
          }
        }
      }
      continue;
    }
    ann_.Target(ref) = target;
    // §6: an exception to a rule with several versions is an exception to every version.
    std::vector<const ast::RuleDecl*>& versions = ann_.Targets(ref);
    versions.push_back(target);
    if (const Layer* owner = model_.FindLayer(target->layer)) {
      for (const ast::RuleDecl* version : owner->rules) {
        // A later version naming its own id is an exception to itself: L402 says so.
        if (version != target && version->id == target->id) {
          versions.push_back(version);
        }
      }
    }
    if (target == &rule) continue;  // a cycle of exceptions; the dependency graph reports it
    // An exception only changes what its base decides; anything more is a new rule. A base
    // with several versions: what each of them decides (the first that lacks it is named).
    for (const ast::RuleDecl* version : versions) {
      if (version == &rule) continue;
      if (CheckDecidesOnlyBase(rule, *version)) break;
    }
  }
}

bool Analyzer::CheckDecidesOnlyBase(const ast::RuleDecl& rule, const ast::RuleDecl& target) {
  std::unordered_set<const ast::DecisionDecl*> base;
  for (const auto& assignment : target.assignments) {
    if (!ann_.DecisionOf(assignment)) return false;  // the base has errors of its own
    base.insert(ann_.DecisionOf(assignment));
  }
  std::string decided;
  for (const auto& assignment : target.assignments) {
    decided += (decided.empty() ? "`" : ", `") + assignment.name + "`";
  }
  bool reported = false;
  for (const auto& assignment : rule.assignments) {
    if (!ann_.DecisionOf(assignment) || base.count(ann_.DecisionOf(assignment))) continue;
    auto& diagnostic =
        Report(diag::Kind::kExceptionDecidesOther, assignment.name_range,
               fmt::format("exception `{}` decides `{}`, which its base rule `{}` does not",
                           rule.id, assignment.name, target.id));
    diagnostic.notes.push_back(
        {target.id_range, fmt::format("`{}` decides only {}", target.id, decided)});
    diagnostic.help.push_back(
        "an exception can only change what its base rule decides; decide the rest in a rule "
        "of its own");
    reported = true;
  }
  return reported;
}

void Analyzer::CheckCompetence(const ast::RuleDecl& rule, const Layer& layer) {
  // The first exception to a rule of a higher layer: overriding it needs delegation (L314).
  const ast::RuleRef* higher_exception = nullptr;
  for (const ast::RuleRef& ref : rule.exception_to) {
    if (!ann_.TargetOf(ref)) continue;
    const Layer* owner = model_.FindLayer(ann_.TargetOf(ref)->layer);
    if (owner && owner != &layer && IsAncestorOrSelf(owner, &layer)) {
      higher_exception = &ref;
      break;
    }
  }
  for (const ast::Assignment& assignment : rule.assignments) {
    const ast::DecisionDecl* decision = ann_.DecisionOf(assignment);
    if (!decision) continue;
    const Layer* owner = model_.FindLayer(decision->layer);
    if (!owner || owner == &layer) continue;
    // A lower layer decides a decision of a layer above it.
    if (decision->owned_by) {
      auto& diagnostic =
          Report(diag::Kind::kNoCompetenceOwned, assignment.name_range,
                 fmt::format("rule `{}` of `{}` assigns `{}`, which is owned by `{}`", rule.id,
                             layer.name, decision->name, *decision->owned_by));
      diagnostic.notes.push_back(
          {decision->owned_by_range.valid() ? decision->owned_by_range : decision->name_range,
           fmt::format("`{}` is owned by `{}` here", decision->name, *decision->owned_by)});
      diagnostic.help.push_back(fmt::format(
          "`{}` decides it; only rules of `{}`, where it is declared, may record that outcome",
          *decision->owned_by, owner->name));
    } else if (!decision->delegation) {
      if (higher_exception) {
        auto& diagnostic =
            Report(diag::Kind::kExceptionAcrossLayers, higher_exception->range,
                   fmt::format("`{}` is an exception to `{}` of higher layer `{}`, but `{}` is not "
                               "delegated",
                               rule.id, ann_.TargetOf(*higher_exception)->id,
                               ann_.TargetOf(*higher_exception)->layer, decision->name));
        diagnostic.notes.push_back(
            {decision->name_range,
             fmt::format("`{}` is declared here, without `delegated to`", decision->name)});
        diagnostic.help.push_back(
            fmt::format("setting aside a rule of `{}` needs a decision delegated to {}",
                        owner->name, Plural(layer.kind)));
      } else {
        auto& diagnostic =
            Report(diag::Kind::kNoCompetenceClosed, assignment.name_range,
                   fmt::format("rule `{}` of `{}` assigns `{}`, a decision of `{}` that is not "
                               "delegated",
                               rule.id, layer.name, decision->name, owner->name));
        diagnostic.notes.push_back(
            {decision->name_range,
             fmt::format("`{}` is declared here, without `delegated to`", decision->name)});
        diagnostic.help.push_back(
            fmt::format("the decision is closed to {}; {} leaves no room here", Plural(layer.kind),
                        LawOf(owner->kind)));
      }
    } else if (decision->delegation->to_kind != layer.kind) {
      auto& diagnostic =
          Report(diag::Kind::kDelegatedToWrongKind, assignment.name_range,
                 fmt::format("rule `{}` of {} `{}` assigns `{}`, which is delegated to {}", rule.id,
                             layer.kind, layer.name, decision->name,
                             Plural(decision->delegation->to_kind)));
      diagnostic.notes.push_back(
          {decision->delegation->range.valid() ? decision->delegation->range : decision->name_range,
           fmt::format("`{}` is delegated here", decision->name)});
      diagnostic.help.push_back(fmt::format("only {} below `{}` may decide it",
                                            Plural(decision->delegation->to_kind), owner->name));
    } else {
      CheckWithin(assignment, *decision, layer);
    }
  }
}

void Analyzer::CheckWithin(const ast::Assignment& assignment, const ast::DecisionDecl& decision,
                           const Layer& layer) {
  (void)layer;
  const ast::Delegation& delegation = *decision.delegation;
  if (!assignment.value) return;
  const ast::Expr& value = *assignment.value;
  const Type& type = ann_.TypeOf(decision.type);
  auto report = [&](const ast::Expr& outside, std::string shown) {
    auto& diagnostic = Report(diag::Kind::kOutsideWithin, outside.range,
                              fmt::format("{} is outside `{}` of `{}`", shown,
                                          WithinText(delegation, type, ann_), decision.name));
    diagnostic.notes.push_back({delegation.range.valid() ? delegation.range : decision.name_range,
                                fmt::format("`{}` is delegated {} here", decision.name,
                                            WithinText(delegation, type, ann_))});
    diagnostic.help.push_back("a lower layer may decide only within the bounds it was given");
  };
  if (!delegation.within_set.empty()) {
    std::unordered_set<int> allowed;
    for (const auto& member : delegation.within_set) {
      if (ann_.SymbolOf(*member).kind == ast::SymbolKind::kEnumMember) {
        allowed.insert(ann_.SymbolOf(*member).enum_index);
      }
    }
    auto check_member = [&](const ast::Expr& member) {
      if (member.kind != ast::ExprKind::kName ||
          ann_.SymbolOf(member).kind != ast::SymbolKind::kEnumMember ||
          ann_.SymbolOf(member).enum_decl != type.enum_decl) {
        return;
      }
      if (!allowed.count(ann_.SymbolOf(member).enum_index)) report(member, "`" + member.name + "`");
    };
    if (type.kind == TypeKind::kEnum) check_member(value);
    if (type.kind == TypeKind::kSet && value.kind == ast::ExprKind::kSetLit) {
      for (const auto& member : value.operands) check_member(*member);
    }
    return;
  }
  if (!delegation.within_lo || !delegation.within_hi) return;
  auto lo = EvalConstant(*delegation.within_lo, ann_);
  auto hi = EvalConstant(*delegation.within_hi, ann_);
  auto constant = EvalConstant(value, ann_);
  if (!lo || !hi || !constant) return;  // a computed outcome is the conflict analysis' (L503)
  if (*constant < *lo || *constant > *hi) report(value, FormatConstant(type, *constant));
}

}  // namespace loket::sema::detail
