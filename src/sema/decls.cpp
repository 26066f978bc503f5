// Declarations: written types and their ranges, facts, params, lets, assumptions, decisions
// (defaults, `collect`, delegation, ownership).
#include <algorithm>

#include "sema/analyzer.h"

namespace loket::sema::detail {

using ast::Type;
using ast::TypeKind;

namespace {

bool IsNumeric(const Type& type) {
  return type.kind == TypeKind::kInt || type.kind == TypeKind::kMoney;
}

}  // namespace

void Analyzer::ResolveTypeRef(const ast::TypeRef& type, const Layer& layer) {
  static const std::pair<std::string_view, Type> kBuiltins[] = {{"bool", Type::Bool()},
                                                                {"int", Type::Int()},
                                                                {"money", Type::Money()},
                                                                {"date", Type::Date()}};
  ann_.Type(type) = Type::Error();
  const Type* builtin = nullptr;
  for (const auto& entry : kBuiltins) {
    if (entry.first == type.name) builtin = &entry.second;
  }
  const Entity* entity = builtin ? nullptr : Lookup(layer, NameSpace::kType, type.name);
  if (type.is_set) {
    if (entity) {
      ann_.Type(type) = Type::SetOf(entity->enum_decl);
    } else if (builtin) {
      Report(diag::Kind::kTypeMismatch, type.source,
             fmt::format("`set of` needs an enum, but `{}` is a built-in type", type.name))
          .help.push_back("sets hold enum members: `set of Service`");
    } else {
      ReportUnresolved(layer, NameSpace::kType, type.name, type.source, diag::Kind::kUnknownType,
                       "type");
    }
    return;
  }
  if (builtin) {
    ann_.Type(type) = *builtin;
  } else if (entity) {
    ann_.Type(type) = Type::Enum(entity->enum_decl);
  } else {
    ReportUnresolved(layer, NameSpace::kType, type.name, type.source, diag::Kind::kUnknownType,
                     "type");
    return;
  }
  if (!type.range) return;
  source::SourceRange where = type.range_source.valid() ? type.range_source : type.source;
  if (!IsNumeric(ann_.Type(type)) && ann_.Type(type).kind != TypeKind::kDate) {
    Report(diag::Kind::kRangeOnWrongType, where,
           fmt::format("a range is allowed only on int, money and date, not on {}",
                       TypeName(ann_.Type(type))))
        .help.push_back("remove the range; an enum's members already bound its values");
  } else if (type.range->lo > type.range->hi) {
    Report(diag::Kind::kEmptyRange, where,
           fmt::format("the range {}..{} is empty", FormatConstant(ann_.Type(type), type.range->lo),
                       FormatConstant(ann_.Type(type), type.range->hi)))
        .help.push_back("write the lower bound first; both bounds are included");
  }
}

bool Analyzer::ExpectType(const ast::Expr& value, const Type& actual, const Type& expected,
                          std::string_view what) {
  if (actual.kind == TypeKind::kError || expected.kind == TypeKind::kError) return true;
  if (actual == expected) return true;
  if (actual.kind == TypeKind::kEmptySet && expected.kind == TypeKind::kSet) return true;
  Report(diag::Kind::kTypeMismatch, value.range,
         fmt::format("{} is {}, not {}", what, TypeName(actual), TypeName(expected)));
  return false;
}

void Analyzer::CheckDeclarations() {
  // Every written type first: lets and rules read the types of names from any layer above.
  for (auto& layer_ptr : model_.layers) {
    const Layer& layer = *layer_ptr;
    if (Replay(layer, LayerPass::kTypes)) continue;
    const std::size_t first = sink_.diagnostics().size();
    current_layer_ = &layer;
    for (const ast::File* file : FilesOf(&layer)) {
      for (auto& fact : file->facts) ResolveTypeRef(fact->type, layer);
      for (auto& param : file->params) ResolveTypeRef(param->type, layer);
      for (auto& let : file->lets) {
        if (let->declared_type) ResolveTypeRef(*let->declared_type, layer);
      }
      for (auto& decision : file->decisions) ResolveTypeRef(decision->type, layer);
    }
    Record(layer, LayerPass::kTypes, first);
  }
  for (auto& layer_ptr : model_.layers) {
    const Layer& layer = *layer_ptr;
    if (Replay(layer, LayerPass::kDeclarations)) continue;
    const std::size_t first = sink_.diagnostics().size();
    current_layer_ = &layer;
    for (const ast::File* file : FilesOf(&layer)) {
      for (auto& fact : file->facts) {
        if (!layer.parent) continue;
        Report(diag::Kind::kFactDeclaredBelowRoot, fact->name_range,
               fmt::format("fact `{}` is declared in layer `{}`, below the root", fact->name,
                           layer.name))
            .help.push_back(fmt::format(
                "every case for `{}` must now supply it; facts about a person usually belong "
                "in the national layer",
                layer.name));
      }
      for (auto& param : file->params) CheckParam(*param, layer);
      for (auto& let : file->lets) {
        LetType(*let, layer);
        current_layer_ = &layer;
      }
      for (auto& assume : file->assumes) {
        if (!assume->condition) continue;
        ExprScope scope{&layer, {}};
        CheckCondition(*assume->condition, scope, "the assumption");
      }
      for (auto& decision : file->decisions) CheckDecision(*decision, layer);
    }
    Record(layer, LayerPass::kDeclarations, first);
  }
  current_layer_ = nullptr;
}

void Analyzer::CheckParam(const ast::ParamDecl& param, const Layer& layer) {
  const Type& declared = ann_.Type(param.type);
  std::optional<support::DayNumber> previous;
  for (std::size_t i = 0; i < param.values.size(); ++i) {
    const ast::ParamValue& entry = param.values[i];
    if (!entry.value) continue;
    ExprScope scope{&layer, {}};
    Type type = CheckValue(*entry.value, &declared, scope);
    if (type.kind != TypeKind::kError && !IsConstant(*entry.value, ann_)) {
      Report(diag::Kind::kNonConstantParam, entry.value->range,
             fmt::format("the value of param `{}` is not a constant", param.name))
          .help.push_back(
              "write a literal such as `67` or `€250`; for a value computed from "
              "the case use `let`");
    } else {
      ExpectType(*entry.value, type, declared, fmt::format("the value of `{}`", param.name));
      CheckConstantInRange(*entry.value, param.type, param.name, param.name_range);
    }
    if (i > 0) {
      const ast::ParamValue& before = param.values[i - 1];
      if (!entry.from) {
        Report(diag::Kind::kParamDatesOutOfOrder, entry.range,
               fmt::format("only the first value of `{}` may omit `from`", param.name))
            .help.push_back("every later value says from which date it holds");
      } else if (previous && *entry.from <= *previous) {
        Report(diag::Kind::kParamDatesOutOfOrder, entry.range,
               fmt::format("the value from {} of `{}` comes after the value from {}",
                           support::FormatIsoDate(*entry.from), param.name,
                           support::FormatIsoDate(*previous)))
            .notes.push_back({before.range, "the earlier value in the list"});
      }
    }
    if (entry.from) previous = entry.from;
  }
}

void Analyzer::CheckLet(const ast::LetDecl& let, const Layer& layer) {
  let_state_[&let] = LetState::kInProgress;
  const Layer* saved = current_layer_;
  current_layer_ = &layer;
  ExprScope scope{&layer, {}};
  if (let.declared_type) {
    const Type declared = ann_.Type(*let.declared_type);
    if (let.value) {
      Type type = CheckValue(*let.value, &declared, scope);
      ExpectType(*let.value, type, declared, fmt::format("the value of `{}`", let.name));
      CheckConstantInRange(*let.value, *let.declared_type, let.name, let.name_range);
    }
    ann_.Type(let) = declared;
  } else if (let.value) {
    Type type = CheckValue(*let.value, nullptr, scope);
    if (type.kind == TypeKind::kEmptySet) {
      Report(diag::Kind::kTypeMismatch, let.value->range,
             fmt::format("the type of `{}` cannot be told from `{{}}`", let.name))
          .help.push_back(fmt::format("declare it: `let {}: set of Service = {{}}`", let.name));
      type = Type::Error();
    }
    ann_.Type(let) = type;
  }
  let_state_[&let] = LetState::kDone;
  current_layer_ = saved;
}

void Analyzer::CheckDecision(const ast::DecisionDecl& decision, const Layer& layer) {
  const Type& type = ann_.Type(decision.type);
  ExprScope scope{&layer, {}};
  if (decision.collect && type.kind != TypeKind::kSet && type.kind != TypeKind::kError) {
    Report(diag::Kind::kCollectNotSet, decision.type.source,
           fmt::format("`collect` decision `{}` has type {}, not a set", decision.name,
                       TypeName(type)))
        .help.push_back(
            "a collect decision gathers members from every applying rule: declare "
            "it `set of SomeEnum`");
  }
  if (decision.default_value) {
    Type actual = CheckValue(*decision.default_value, &type, scope);
    if (decision.collect) {
      Report(diag::Kind::kDefaultOnCollect, decision.default_value->range,
             fmt::format("`collect` decision `{}` has a default", decision.name))
          .help.push_back("remove it: a collect decision starts from the empty set");
    } else {
      ExpectType(*decision.default_value, actual, type,
                 fmt::format("the default of `{}`", decision.name));
      CheckConstantInRange(*decision.default_value, decision.type, decision.name,
                           decision.name_range);
    }
  }
  if (decision.applies_when) {
    CheckCondition(*decision.applies_when, scope,
                   fmt::format("the `applies when` condition of `{}`", decision.name));
  }
  if (decision.delegation) {
    // `delegated` opens the decision to lower layers; `closed` and `owned by` shut it. Both at
    // once leave the officer's intent unknown, so neither reading is guessed.
    if (decision.closed || decision.owned_by) {
      auto& diagnostic =
          Report(diag::Kind::kContradictoryCompetence, decision.delegation->range,
                 fmt::format("decision `{}` is delegated and also {}", decision.name,
                             decision.owned_by ? fmt::format("owned by `{}`", *decision.owned_by)
                                               : std::string("`closed`")));
      diagnostic.help.push_back(
          decision.owned_by
              ? "an authority's decision cannot be delegated to a layer: drop one of the two"
              : "drop `closed` to let lower layers decide within the delegation, or drop "
                "`delegated to` to keep it closed");
    }
    CheckDelegation(decision, layer);
  }
  if (decision.owned_by && !Lookup(layer, NameSpace::kAuthority, *decision.owned_by)) {
    diag::Diagnostic& diagnostic =
        ReportUnresolved(layer, NameSpace::kAuthority, *decision.owned_by, decision.owned_by_range,
                         diag::Kind::kUnknownAuthority, "authority");
    if (diagnostic.kind == diag::Kind::kUnknownAuthority && diagnostic.help.empty()) {
      diagnostic.help.push_back(
          fmt::format("declare it once, e.g. `authority {} \"...\"`", *decision.owned_by));
    }
  }
}

void Analyzer::CheckDelegation(const ast::DecisionDecl& decision, const Layer& layer) {
  const ast::Delegation& delegation = *decision.delegation;
  const Type& type = ann_.Type(decision.type);
  ExprScope scope{&layer, {}};
  if (!IsLayerKind(delegation.to_kind)) {
    auto& diagnostic = Report(diag::Kind::kUnknownLayerKind, delegation.range,
                              fmt::format("unknown layer kind `{}`", delegation.to_kind));
    std::string closest =
        diag::ClosestName(delegation.to_kind, {"national", "province", "region", "municipality"});
    diagnostic.help.push_back(
        closest.empty() ? std::string("the kinds are national, province, region and municipality")
                        : fmt::format("did you mean `{}`?", closest));
  }
  if (!delegation.within_set.empty()) {
    source::SourceRange where = source::SourceRange::Join(delegation.within_set.front()->range,
                                                          delegation.within_set.back()->range);
    bool enum_like = type.kind == TypeKind::kEnum || type.kind == TypeKind::kSet;
    Type element = Type::Enum(type.enum_decl);
    bool constant = true;
    for (auto& member : delegation.within_set) {
      Type actual = CheckValue(*member, enum_like ? &element : nullptr, scope);
      if (enum_like && actual.kind != TypeKind::kError && !IsConstant(*member, ann_))
        constant = false;
    }
    if (!enum_like && type.kind != TypeKind::kError) {
      auto& diagnostic = Report(diag::Kind::kWithinOnWrongType, where,
                                fmt::format("`within {{...}}` lists enum members, but `{}` is {}",
                                            decision.name, TypeName(type)));
      if (IsNumeric(type)) diagnostic.help.push_back("bound it with a range: `within lo..hi`");
    } else if (!constant) {
      Report(diag::Kind::kWithinOnWrongType, where,
             fmt::format("`within {{...}}` of `{}` must list enum members", decision.name));
    }
  }
  if (delegation.within_lo && delegation.within_hi) {
    source::SourceRange where =
        source::SourceRange::Join(delegation.within_lo->range, delegation.within_hi->range);
    Type lo = CheckValue(*delegation.within_lo, &type, scope);
    Type hi = CheckValue(*delegation.within_hi, &type, scope);
    if (IsNumeric(type)) {
      bool ok = ExpectType(*delegation.within_lo, lo, type, "the lower bound of `within`") &
                ExpectType(*delegation.within_hi, hi, type, "the upper bound of `within`");
      auto lo_value = EvalConstant(*delegation.within_lo, ann_);
      auto hi_value = EvalConstant(*delegation.within_hi, ann_);
      if (!ok || lo.kind == TypeKind::kError || hi.kind == TypeKind::kError) {
        // already reported
      } else if (!lo_value || !hi_value) {
        Report(diag::Kind::kWithinOnWrongType, where,
               fmt::format("the bounds of `within` of `{}` must be constants", decision.name))
            .help.push_back("write literals such as `within 400..1200`");
      } else if (*lo_value > *hi_value) {
        Report(diag::Kind::kEmptyRange, where,
               fmt::format("the range {}..{} is empty", FormatConstant(type, *lo_value),
                           FormatConstant(type, *hi_value)))
            .help.push_back("write the lower bound first; both bounds are included");
      } else {
        CheckConstantInRange(*delegation.within_lo, decision.type, decision.name,
                             decision.name_range);
        CheckConstantInRange(*delegation.within_hi, decision.type, decision.name,
                             decision.name_range);
      }
    } else if (type.kind != TypeKind::kError) {
      auto& diagnostic =
          Report(diag::Kind::kWithinOnWrongType, where,
                 fmt::format("`within lo..hi` bounds an int or money decision, but `{}` is {}",
                             decision.name, TypeName(type)));
      if (type.kind == TypeKind::kEnum || type.kind == TypeKind::kSet) {
        diagnostic.help.push_back("list the allowed members: `within {a, b}`");
      }
    }
  }
  if (delegation.favours == ast::Favours::kNone || type.kind == TypeKind::kError) return;
  bool direction =
      delegation.favours == ast::Favours::kHigher || delegation.favours == ast::Favours::kLower;
  source::SourceRange where =
      delegation.favours_range.valid() ? delegation.favours_range : delegation.range;
  if (direction && !IsNumeric(type)) {
    auto& diagnostic =
        Report(diag::Kind::kFavoursOnWrongType, where,
               fmt::format("`favours {}` needs an int or money decision, but `{}` is {}",
                           delegation.favours == ast::Favours::kHigher ? "higher" : "lower",
                           decision.name, TypeName(type)));
    if (type.kind == TypeKind::kBool) {
      diagnostic.help.push_back("for a bool use `favours true` or `favours false`");
    }
  } else if (!direction && type.kind != TypeKind::kBool) {
    auto& diagnostic =
        Report(diag::Kind::kFavoursOnWrongType, where,
               fmt::format("`favours {}` needs a bool decision, but `{}` is {}",
                           delegation.favours == ast::Favours::kTrue ? "true" : "false",
                           decision.name, TypeName(type)));
    if (IsNumeric(type)) {
      diagnostic.help.push_back("for int and money use `favours higher` or `favours lower`");
    }
  }
}

}  // namespace loket::sema::detail
