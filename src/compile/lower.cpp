// Lowering: the checked model of one jurisdiction as slots (registers), code blocks and atoms
// for its params, lets, rules, decisions and assumptions, and its steps in the one dependency
// order of src/graph.
#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "compile/compile.h"
#include "compile/passes.h"
#include "graph/dependency_graph.h"

namespace loket::compile {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::TypeKind;

ValueType ValueTypeOf(const ast::Type& type) {
  switch (type.kind) {
    case TypeKind::kBool:
      return ValueType::kBool;
    case TypeKind::kInt:
      return ValueType::kInt;
    case TypeKind::kMoney:
      return ValueType::kMoney;
    case TypeKind::kDate:
      return ValueType::kDate;
    case TypeKind::kEnum:
      return ValueType::kEnum;
    case TypeKind::kSet:
    case TypeKind::kEmptySet:
      return ValueType::kSet;
    default:
      return ValueType::kInt;
  }
}

std::string SourceText(const source::SourceManager* sources, source::SourceRange range) {
  if (sources == nullptr || !range.valid() || range.file >= sources->file_count()) return {};
  std::string_view text = sources->text(range.file);
  if (range.end > text.size() || range.begin > range.end) return {};
  return std::string(text.substr(range.begin, range.end - range.begin));
}

void SplitConjuncts(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::kAnd) {
    SplitConjuncts(*e.operands[0], out);
    SplitConjuncts(*e.operands[1], out);
  } else {
    out.push_back(&e);
  }
}

class Lowering {
 public:
  Lowering(const sema::Model& model, const sema::Layer& jurisdiction, CompiledProgram& program)
      : model_(model), jurisdiction_(jurisdiction), program_(&program) {
    slots_.annotations = &model.annotations;
  }

  void Run() {
    BuildChain();
    DeclareEnums();
    DeclareSlots();
    CompileParams();
    CompileLets();
    CompileRules();
    CompileDecisions();
    CompileAssumes();
    OrderSteps();
    program_->register_count = std::max(program_->register_count, slots_.temp_base);
  }

 private:
  void BuildChain() {
    for (const sema::Layer* layer = &jurisdiction_; layer != nullptr; layer = layer->parent) {
      chain_.push_back(layer);
      if (chain_.size() > 1000) break;  // a cycle; sema reports it
    }
    std::reverse(chain_.begin(), chain_.end());
    program_->jurisdiction = jurisdiction_.name;
    for (const sema::Layer* layer : chain_) {
      program_->layers.push_back(layer->name);
      layer_depth_[layer->name] = layer->depth;
    }
    for (const auto& file : model_.files) {
      if (file && file->header) file_validity_[file->id] = file->header->validity;
    }
  }

  int EnumIndex(const ast::EnumDecl* decl) {
    if (decl == nullptr) return -1;
    auto it = enum_index_.find(decl);
    if (it != enum_index_.end()) return it->second;
    // An enum declared outside the chain can still type a value (e.g. via a param).
    int index = static_cast<int>(program_->enums.size());
    EnumInfo info;
    info.name = decl->name;
    for (const auto& member : decl->members) info.members.push_back(member.name);
    program_->enums.push_back(std::move(info));
    enum_index_[decl] = index;
    if (decl->members.size() > 64) {
      throw CompileError{diag::Kind::kEnumTooLarge, decl->range,
                         "enum `" + decl->name +
                             "` has more than 64 members; the evaluator "
                             "supports at most 64"};
    }
    return index;
  }

  void DeclareEnums() {
    for (const sema::Layer* layer : chain_) {
      for (const ast::EnumDecl* e : layer->enums) EnumIndex(e);
    }
  }

  int AddSlot(std::string name, SlotKind kind, const ast::Type& type) {
    SlotInfo info;
    info.name = std::move(name);
    info.kind = kind;
    info.type = ValueTypeOf(type);
    info.enum_index = EnumIndex(type.enum_decl);
    program_->slots.push_back(std::move(info));
    return static_cast<int>(program_->slots.size()) - 1;
  }

  void DeclareSlots() {
    CompiledProgram& p = *program_;
    for (const sema::Layer* layer : chain_) {
      for (const ast::FactDecl* fact : layer->facts) {
        int slot = AddSlot(fact->name, SlotKind::kFact, model_.annotations.TypeOf(fact->type));
        slots_.facts[fact] = slot;
        if (fact->is_optional) slots_.optional_facts.insert(fact);
        FactInfo info;
        info.name = fact->name;
        info.type = ValueTypeOf(model_.annotations.TypeOf(fact->type));
        int e = EnumIndex(model_.annotations.TypeOf(fact->type).enum_decl);
        if (e >= 0) {
          info.enum_name = p.enums[static_cast<std::size_t>(e)].name;
          info.members = p.enums[static_cast<std::size_t>(e)].members;
          for (const ast::EnumMember& member :
               model_.annotations.TypeOf(fact->type).enum_decl->members) {
            info.member_descriptions.push_back(member.description);
          }
        }
        if (fact->type.range) {
          info.has_range = true;
          info.lo = fact->type.range->lo;
          info.hi = fact->type.range->hi;
        }
        info.optional = fact->is_optional;
        info.is_protected = fact->is_protected;
        info.description = fact->description;
        info.layer = fact->layer;
        p.fact_infos.push_back(std::move(info));
        if (!fact->is_optional) p.required_facts.push_back(slot);
      }
    }
    p.fact_count = static_cast<int>(p.slots.size());
    p.required_flags.assign(p.slots.size() + 8, 0);  // read eight at a time (LoadCase)
    for (int slot : p.required_facts) p.required_flags[static_cast<std::size_t>(slot)] = 1;
    for (const sema::Layer* layer : chain_) {
      for (const ast::ParamDecl* param : layer->params) {
        slots_.params[param] =
            AddSlot(param->name, SlotKind::kParam, model_.annotations.TypeOf(param->type));
        params_.push_back(param);
      }
    }
    for (const sema::Layer* layer : chain_) {
      for (const ast::LetDecl* let : layer->lets) {
        slots_.lets[let] = AddSlot(let->name, SlotKind::kLet, model_.annotations.TypeOf(*let));
        lets_.push_back(let);
      }
    }
    for (const sema::Layer* layer : chain_) {
      for (const ast::DecisionDecl* decision : layer->decisions) {
        slots_.decisions[decision] =
            AddSlot(decision->name, SlotKind::kDecision, model_.annotations.TypeOf(decision->type));
        decision_index_[decision] = static_cast<int>(decisions_.size());
        decisions_.push_back(decision);
      }
    }
    slots_.reference_date = AddSlot("reference_date", SlotKind::kReferenceDate, ast::Type::Date());
    p.reference_date_slot = slots_.reference_date;
    slots_.temp_base = static_cast<int>(p.slots.size());
    p.register_count = slots_.temp_base;
  }

  ValueCode CompileValue(const Expr& e, std::vector<int>& reads) {
    ValueCode value;
    if (auto folded = FoldConstant(e, model_.annotations)) {
      value.constant = *folded;
      return value;
    }
    value.is_constant = false;
    value.code = GenerateValue(e, slots_, program_->code, program_->register_count, reads);
    return value;
  }

  CodeRef CompileCondition(const Expr& e, std::vector<int>& reads) {
    return GenerateCondition(e, slots_, program_->code, program_->register_count, reads);
  }

  void CompileParams() {
    for (const ast::ParamDecl* decl : params_) {
      Param param;
      param.slot = slots_.params[decl];
      for (const ast::ParamValue& value : decl->values) {
        if (!value.value) continue;
        auto folded = FoldConstant(*value.value, model_.annotations);
        if (!folded) {
          throw CompileError{diag::Kind::kNonConstantParam, value.range,
                             "the value of param `" + decl->name + "` must be a constant"};
        }
        DatedValue dated;
        dated.from = value.from ? *value.from : std::numeric_limits<std::int32_t>::min();
        dated.value = *folded;
        param.values.push_back(dated);
      }
      std::stable_sort(param.values.begin(), param.values.end(),
                       [](const DatedValue& a, const DatedValue& b) { return a.from < b.from; });
      if (param.values.empty()) {
        throw CompileError{diag::Kind::kNonConstantParam, decl->range,
                           "param `" + decl->name + "` has no value"};
      }
      program_->params.push_back(std::move(param));
    }
  }

  void CompileLets() {
    for (const ast::LetDecl* decl : lets_) {
      Let let;
      let.slot = slots_.lets[decl];
      std::vector<int> reads;
      if (!decl->value) {
        throw CompileError{diag::Kind::kEnumTooLarge, decl->range,
                           "let `" + decl->name + "` has no value"};
      }
      let.value = CompileValue(*decl->value, reads);
      LetAsAtoms(*decl->value, let);
      let.reads = reads;
      program_->lets.push_back(std::move(let));
    }
  }

  // A let that is a choice on atoms gets the atom form (Let::fast is decided once the atoms
  // are numbered).
  void LetAsAtoms(const Expr& value, Let& let) {
    const Expr* condition = &value;
    if (value.kind == ExprKind::kIf) {
      auto if_true = FoldConstant(*value.operands[1], model_.annotations);
      auto if_false = FoldConstant(*value.operands[2], model_.annotations);
      if (!if_true || !if_false) return;
      let.if_true = *if_true;
      let.if_false = *if_false;
      condition = value.operands[0].get();
    } else if (model_.annotations.TypeOf(value).kind != TypeKind::kBool ||
               value.kind == ExprKind::kName) {
      return;  // not a choice, or a copy of another bool (its raw value is kept as is)
    }
    std::vector<std::vector<Atom>> terms;
    if (!Disjunction(*condition, slots_, terms) || terms.empty()) return;
    CompiledProgram& p = *program_;
    let.atom_begin = static_cast<std::int32_t>(p.atoms.size());
    for (const auto& term : terms) {
      p.atoms.insert(p.atoms.end(), term.begin(), term.end());
      let.term_ends.push_back(static_cast<std::int32_t>(p.atoms.size()) - let.atom_begin);
    }
    let.atom_end = static_cast<std::int32_t>(p.atoms.size());
  }

  // The part of the timeline where a rule, its file and its layer are all in force.
  void EffectiveValidity(const ast::RuleDecl& decl, const sema::Layer& layer, Rule& rule) {
    auto narrow = [&rule](const ast::Validity& v) {
      if (v.from) rule.from = std::max(rule.from, *v.from);
      if (v.until) rule.until = std::min(rule.until, *v.until);
    };
    narrow(decl.validity);
    auto file = file_validity_.find(decl.range.file);
    if (file != file_validity_.end()) narrow(file->second);
    narrow(layer.validity);
    // Periods that do not overlap (a rule `valid until` before its layer's `valid from`)
    // leave an empty one: never in force, with until == from for the evaluator's range test.
    if (rule.until < rule.from) rule.until = rule.from;
  }

  void CompileRules() {
    CompiledProgram& p = *program_;
    for (const sema::Layer* layer : chain_) {
      for (const ast::RuleDecl* decl : layer->rules) {
        rule_index_[decl] = static_cast<int>(p.rules.size());
        Rule rule;
        rule.id = decl->id;
        rule.layer = layer->name;
        rule.layer_depth = layer->depth;
        rule.citation = model_.annotations.CitationText(*decl);
        EffectiveValidity(*decl, *layer, rule);
        if (decl->condition) {
          rule.condition = CompileCondition(*decl->condition, rule.reads);
          rule.condition_text = SourceText(model_.sources, decl->condition->range);
          std::vector<const Expr*> parts;
          SplitConjuncts(*decl->condition, parts);
          std::vector<Atom> atoms;
          for (const Expr* part : parts) {
            Atom atom;
            if (!MakeAtom(*part, false, slots_, atom)) {
              atoms.clear();
              break;
            }
            atoms.push_back(atom);
          }
          if (!atoms.empty()) {
            rule.has_atoms = true;
            rule.atom_begin = static_cast<std::int32_t>(p.atoms.size());
            p.atoms.insert(p.atoms.end(), atoms.begin(), atoms.end());
            rule.atom_end = static_cast<std::int32_t>(p.atoms.size());
          }
          for (const Expr* part : parts) {
            ConditionPart compiled;
            compiled.text = SourceText(model_.sources, part->range);
            compiled.code = CompileCondition(*part, compiled.reads);
            rule.parts.push_back(std::move(compiled));
          }
        }
        p.rules.push_back(std::move(rule));
        rule_decls_.push_back(decl);
      }
    }
    // Exceptions and assignments need every rule's index.
    for (std::size_t i = 0; i < rule_decls_.size(); ++i) {
      const ast::RuleDecl& decl = *rule_decls_[i];
      Rule& rule = p.rules[i];
      RuleInfo info;
      info.id = rule.id;
      info.layer = rule.layer;
      info.qualified_id = rule.layer + "." + rule.id;
      info.citation = rule.citation;
      info.citations = compile::CitationInfos(decl, model_.annotations);
      info.notes = decl.notes;
      if (rule.from != std::numeric_limits<std::int32_t>::min()) info.valid_from = Date{rule.from};
      if (rule.until != std::numeric_limits<std::int32_t>::max()) {
        info.valid_until = Date{rule.until};
      }
      for (const ast::RuleRef& ref : decl.exception_to) {
        // Every version of the base (§6); its name is listed once.
        for (const ast::RuleDecl* version : model_.annotations.TargetsOf(ref)) {
          auto it = rule_index_.find(version);
          if (it == rule_index_.end()) continue;  // a rule outside this jurisdiction
          rule.bases.push_back(it->second);
          p.rules[static_cast<std::size_t>(it->second)].defeaters.push_back(static_cast<int>(i));
          const Rule& base = p.rules[static_cast<std::size_t>(it->second)];
          std::string base_name = base.layer + "." + base.id;
          if (std::find(info.exception_to.begin(), info.exception_to.end(), base_name) ==
              info.exception_to.end()) {
            info.exception_to.push_back(std::move(base_name));
          }
          p.has_exceptions = true;
        }
      }
      for (const ast::Assignment& assignment : decl.assignments) {
        auto it = decision_index_.find(model_.annotations.DecisionOf(assignment));
        if (it == decision_index_.end() || !assignment.value) {
          throw CompileError{diag::Kind::kAssignToNonDecision, assignment.range,
                             "`" + assignment.name + "` is not a decision of this jurisdiction"};
        }
        Assignment compiled;
        compiled.rule = static_cast<int>(i);
        compiled.decision = it->second;
        compiled.value = CompileValue(*assignment.value, rule.reads);
        rule.assignments.push_back(static_cast<int>(p.assignments.size()));
        p.assignments.push_back(std::move(compiled));
        info.decisions.push_back(assignment.name);
      }
      p.rule_infos.push_back(std::move(info));
    }
  }

  std::string DomainTitle(const std::string& domain) const {
    for (const sema::Layer* layer : chain_) {
      for (const ast::DomainDecl* d : layer->domains) {
        if (d->name == domain && !d->title.empty()) return d->title;
      }
    }
    return {};
  }

  void CompileDecisions() {
    CompiledProgram& p = *program_;
    for (const ast::DecisionDecl* decl : decisions_) {
      Decision decision;
      decision.slot = slots_.decisions[decl];
      decision.collect = decl->collect;
      decision.delegated = decl->delegation.has_value();
      std::vector<int> reads;
      if (decl->default_value) {
        decision.has_default = true;
        decision.default_value = CompileValue(*decl->default_value, reads);
      } else if (decl->collect) {
        decision.has_default = true;  // the empty set
      }
      // `applies when`: evaluated before the decision's rules (the graph orders what it reads).
      if (decl->applies_when) {
        decision.applies = CompileCondition(*decl->applies_when, decision.applies_reads);
      }
      DecisionInfo info;
      info.name = decl->name;
      info.type = ValueTypeOf(model_.annotations.TypeOf(decl->type));
      int e = EnumIndex(model_.annotations.TypeOf(decl->type).enum_decl);
      if (e >= 0) {
        info.enum_name = p.enums[static_cast<std::size_t>(e)].name;
        info.members = p.enums[static_cast<std::size_t>(e)].members;
      }
      info.domain = decl->domain;
      info.domain_title = DomainTitle(decl->domain);
      info.description = decl->description;
      info.layer = decl->layer;
      info.collect = decl->collect;
      info.has_default = decl->default_value != nullptr;
      info.delegated = decision.delegated;
      if (decl->applies_when) {
        info.applies_when = SourceText(model_.sources, decl->applies_when->range);
      }
      p.decisions.push_back(std::move(decision));
      p.decision_infos.push_back(std::move(info));
    }
    for (std::size_t a = 0; a < p.assignments.size(); ++a) {
      Decision& d = p.decisions[static_cast<std::size_t>(p.assignments[a].decision)];
      d.assignments.push_back(static_cast<int>(a));
    }
  }

  void CompileAssumes() {
    for (const sema::Layer* layer : chain_) {
      for (const ast::AssumeDecl* decl : layer->assumes) {
        if (!decl->condition) continue;
        Assume assume;
        assume.name = decl->name;
        assume.layer = decl->layer;
        assume.text = SourceText(model_.sources, decl->condition->range);
        assume.condition = CompileCondition(*decl->condition, assume.reads);
        program_->assumes.push_back(std::move(assume));
        assume_ranges_.push_back(decl->range);
      }
    }
  }

  // Lets and decisions in the jurisdiction's one dependency order, which src/graph owns (the
  // graph the L401 check looks for cycles in, exception trees included).
  void OrderSteps() {
    CompiledProgram& p = *program_;
    std::unordered_map<const ast::LetDecl*, int> let_index;
    for (std::size_t i = 0; i < lets_.size(); ++i) let_index[lets_[i]] = static_cast<int>(i);
    for (const graph::EvaluationStep& step : graph::EvaluationOrder(model_, jurisdiction_)) {
      if (step.on_cycle) {  // L401 stops a rule base before it compiles; this is a safeguard
        const std::string& name = step.let ? step.let->name : step.decision->name;
        throw CompileError{diag::Kind::kDependencyCycle,
                           step.let ? step.let->name_range : step.decision->name_range,
                           "`" + name + "` depends on itself"};
      }
      p.steps.push_back(step.let ? Step{true, let_index.at(step.let)}
                                 : Step{false, decision_index_.at(step.decision)});
    }
  }

  const sema::Model& model_;
  const sema::Layer& jurisdiction_;
  CompiledProgram* program_;
  std::vector<const sema::Layer*> chain_;
  std::unordered_map<std::string, int> layer_depth_;
  std::unordered_map<source::FileId, ast::Validity> file_validity_;
  std::unordered_map<const ast::EnumDecl*, int> enum_index_;
  SlotMap slots_;
  std::vector<const ast::ParamDecl*> params_;
  std::vector<const ast::LetDecl*> lets_;
  std::vector<const ast::DecisionDecl*> decisions_;
  std::unordered_map<const ast::DecisionDecl*, int> decision_index_;
  std::unordered_map<const ast::RuleDecl*, int> rule_index_;
  std::vector<const ast::RuleDecl*> rule_decls_;
  std::vector<source::SourceRange> assume_ranges_;
};

}  // namespace

std::vector<CitationInfo> CitationInfos(const ast::RuleDecl& rule,
                                        const sema::Annotations& annotations) {
  std::vector<CitationInfo> infos;
  if (rule.citations.empty()) {  // one citation string: one free-text source
    CitationInfo info;
    info.text = rule.citation;
    info.remark = rule.citation;
    infos.push_back(std::move(info));
    return infos;
  }
  for (const ast::Citation& citation : rule.citations) {
    CitationInfo info;
    info.text = annotations.InfoOf(citation).text;  // composed by sema
    info.law = citation.law;
    info.remark = citation.remark;
    info.article = annotations.InfoOf(citation).article;
    info.article_to = annotations.InfoOf(citation).article_to;
    info.paragraph = annotations.InfoOf(citation).paragraph;
    info.sub = annotations.InfoOf(citation).sub;
    if (annotations.InfoOf(citation).law_decl != nullptr) {
      info.law_title = annotations.InfoOf(citation).law_decl->title;
      info.registry = annotations.InfoOf(citation).law_decl->register_kind;
      info.identifier = annotations.InfoOf(citation).law_decl->identifier;
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

void Lower(const sema::Model& model, const sema::Layer& jurisdiction, CompiledProgram& program) {
  Lowering(model, jurisdiction, program).Run();
}

}  // namespace loket::compile
