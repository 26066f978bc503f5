// CloneSyntax: a field-by-field copy of the syntax under another file id.
#include "ast/clone.h"

#include <utility>

namespace loket::ast {
namespace {

class Cloner {
 public:
  explicit Cloner(source::FileId as_file) : as_file_(as_file) {}

  SourceRange R(SourceRange range) const {
    if (range.valid()) range.file = as_file_;
    return range;
  }

  // The same node number in the copy's file: its side tables have the original's sizes.
  NodeId N(NodeId id) const {
    id.file = as_file_;
    return id;
  }

  ExprPtr CloneExpr(const ExprPtr& expr) const {
    if (!expr) return nullptr;
    auto copy = std::make_unique<Expr>();
    copy->kind = expr->kind;
    copy->range = R(expr->range);
    copy->id = N(expr->id);
    copy->operands.reserve(expr->operands.size());
    for (const ExprPtr& operand : expr->operands) copy->operands.push_back(CloneExpr(operand));
    copy->int_value = expr->int_value;
    copy->bool_value = expr->bool_value;
    copy->unit = expr->unit;
    copy->name = expr->name;
    copy->name_range = R(expr->name_range);
    return copy;
  }

  Validity CloneValidity(const Validity& validity) const {
    Validity copy;
    copy.from = validity.from;
    copy.until = validity.until;
    copy.range = R(validity.range);
    return copy;
  }

  TypeRef CloneTypeRef(const TypeRef& type) const {
    TypeRef copy;
    copy.is_set = type.is_set;
    copy.name = type.name;
    copy.range = type.range;
    copy.range_source = R(type.range_source);
    copy.source = R(type.source);
    copy.id = N(type.id);
    return copy;
  }

  LayerHeader CloneHeader(const LayerHeader& header) const {
    LayerHeader copy;
    copy.kind = header.kind;
    copy.name = header.name;
    copy.title = header.title;
    copy.parent = header.parent;
    copy.code = header.code;
    copy.validity = CloneValidity(header.validity);
    copy.range = R(header.range);
    copy.name_range = R(header.name_range);
    copy.parent_range = R(header.parent_range);
    copy.code_range = R(header.code_range);
    return copy;
  }

  std::unique_ptr<EnumDecl> Clone(const EnumDecl& decl) const {
    auto copy = std::make_unique<EnumDecl>();
    copy->name = decl.name;
    copy->description = decl.description;
    copy->members.reserve(decl.members.size());
    for (const EnumMember& member : decl.members) {
      copy->members.push_back({member.name, member.description, R(member.range)});
    }
    copy->range = R(decl.range);
    copy->name_range = R(decl.name_range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<AuthorityDecl> Clone(const AuthorityDecl& decl) const {
    auto copy = std::make_unique<AuthorityDecl>();
    copy->name = decl.name;
    copy->description = decl.description;
    copy->range = R(decl.range);
    copy->name_range = R(decl.name_range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<LawDecl> Clone(const LawDecl& decl) const {
    auto copy = std::make_unique<LawDecl>();
    copy->name = decl.name;
    copy->title = decl.title;
    copy->register_kind = decl.register_kind;
    copy->identifier = decl.identifier;
    copy->range = R(decl.range);
    copy->name_range = R(decl.name_range);
    copy->register_range = R(decl.register_range);
    copy->identifier_range = R(decl.identifier_range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<DomainDecl> Clone(const DomainDecl& decl) const {
    auto copy = std::make_unique<DomainDecl>();
    copy->name = decl.name;
    copy->title = decl.title;
    copy->range = R(decl.range);
    copy->name_range = R(decl.name_range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<FactDecl> Clone(const FactDecl& decl) const {
    auto copy = std::make_unique<FactDecl>();
    copy->name = decl.name;
    copy->type = CloneTypeRef(decl.type);
    copy->is_optional = decl.is_optional;
    copy->is_protected = decl.is_protected;
    copy->description = decl.description;
    copy->range = R(decl.range);
    copy->name_range = R(decl.name_range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<ParamDecl> Clone(const ParamDecl& decl) const {
    auto copy = std::make_unique<ParamDecl>();
    copy->name = decl.name;
    copy->type = CloneTypeRef(decl.type);
    copy->values.reserve(decl.values.size());
    for (const ParamValue& value : decl.values) {
      ParamValue value_copy;
      value_copy.value = CloneExpr(value.value);
      value_copy.from = value.from;
      value_copy.range = R(value.range);
      copy->values.push_back(std::move(value_copy));
    }
    copy->description = decl.description;
    copy->range = R(decl.range);
    copy->name_range = R(decl.name_range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<LetDecl> Clone(const LetDecl& decl) const {
    auto copy = std::make_unique<LetDecl>();
    copy->name = decl.name;
    if (decl.declared_type) copy->declared_type = CloneTypeRef(*decl.declared_type);
    copy->value = CloneExpr(decl.value);
    copy->id = N(decl.id);
    copy->description = decl.description;
    copy->range = R(decl.range);
    copy->name_range = R(decl.name_range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<AssumeDecl> Clone(const AssumeDecl& decl) const {
    auto copy = std::make_unique<AssumeDecl>();
    copy->name = decl.name;
    copy->named = decl.named;
    copy->condition = CloneExpr(decl.condition);
    copy->description = decl.description;
    copy->range = R(decl.range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<DecisionDecl> Clone(const DecisionDecl& decl) const {
    auto copy = std::make_unique<DecisionDecl>();
    copy->name = decl.name;
    copy->type = CloneTypeRef(decl.type);
    copy->default_value = CloneExpr(decl.default_value);
    copy->applies_when = CloneExpr(decl.applies_when);
    copy->collect = decl.collect;
    if (decl.delegation) {
      const Delegation& delegation = *decl.delegation;
      Delegation delegation_copy;
      delegation_copy.to_kind = delegation.to_kind;
      delegation_copy.within_set.reserve(delegation.within_set.size());
      for (const ExprPtr& member : delegation.within_set) {
        delegation_copy.within_set.push_back(CloneExpr(member));
      }
      delegation_copy.within_lo = CloneExpr(delegation.within_lo);
      delegation_copy.within_hi = CloneExpr(delegation.within_hi);
      delegation_copy.favours = delegation.favours;
      delegation_copy.range = R(delegation.range);
      delegation_copy.favours_range = R(delegation.favours_range);
      copy->delegation = std::move(delegation_copy);
    }
    copy->closed = decl.closed;
    copy->owned_by = decl.owned_by;
    copy->owned_by_range = R(decl.owned_by_range);
    copy->domain = decl.domain;
    copy->description = decl.description;
    copy->range = R(decl.range);
    copy->name_range = R(decl.name_range);
    copy->layer = decl.layer;
    return copy;
  }

  std::unique_ptr<RuleDecl> Clone(const RuleDecl& decl) const {
    auto copy = std::make_unique<RuleDecl>();
    copy->id = decl.id;
    copy->node_id = N(decl.node_id);
    copy->citation = decl.citation;
    copy->citations.reserve(decl.citations.size());
    for (const Citation& citation : decl.citations) {
      Citation citation_copy;
      citation_copy.law = citation.law;
      citation_copy.reference = citation.reference;
      citation_copy.remark = citation.remark;
      citation_copy.range = R(citation.range);
      citation_copy.law_range = R(citation.law_range);
      citation_copy.reference_range = R(citation.reference_range);
      citation_copy.id = N(citation.id);
      copy->citations.push_back(std::move(citation_copy));
    }
    copy->notes = decl.notes;
    copy->validity = CloneValidity(decl.validity);
    copy->exception_to.reserve(decl.exception_to.size());
    for (const RuleRef& ref : decl.exception_to) {
      RuleRef ref_copy;
      ref_copy.text = ref.text;
      ref_copy.range = R(ref.range);
      ref_copy.id = N(ref.id);
      copy->exception_to.push_back(std::move(ref_copy));
    }
    copy->condition = CloneExpr(decl.condition);
    copy->assignments.reserve(decl.assignments.size());
    for (const Assignment& assignment : decl.assignments) {
      Assignment assignment_copy;
      assignment_copy.name = assignment.name;
      assignment_copy.op = assignment.op;
      assignment_copy.value = CloneExpr(assignment.value);
      assignment_copy.range = R(assignment.range);
      assignment_copy.name_range = R(assignment.name_range);
      assignment_copy.id = N(assignment.id);
      copy->assignments.push_back(std::move(assignment_copy));
    }
    copy->range = R(decl.range);
    copy->id_range = R(decl.id_range);
    copy->citation_range = R(decl.citation_range);
    copy->layer = decl.layer;
    return copy;
  }

  template <typename Decl>
  void CloneAll(const std::vector<std::unique_ptr<Decl>>& from,
                std::vector<std::unique_ptr<Decl>>& to) const {
    to.reserve(from.size());
    for (const auto& decl : from) to.push_back(Clone(*decl));
  }

  std::unique_ptr<File> CloneFile(const File& file) const {
    auto copy = std::make_unique<File>();
    copy->id = as_file_;
    copy->counts = file.counts;
    if (file.header) copy->header = CloneHeader(*file.header);
    CloneAll(file.enums, copy->enums);
    CloneAll(file.authorities, copy->authorities);
    CloneAll(file.laws, copy->laws);
    CloneAll(file.domains, copy->domains);
    CloneAll(file.facts, copy->facts);
    CloneAll(file.params, copy->params);
    CloneAll(file.lets, copy->lets);
    CloneAll(file.assumes, copy->assumes);
    CloneAll(file.decisions, copy->decisions);
    CloneAll(file.rules, copy->rules);
    return copy;
  }

 private:
  source::FileId as_file_;
};

}  // namespace

std::unique_ptr<File> CloneSyntax(const File& file, source::FileId as_file) {
  return Cloner(as_file).CloneFile(file);
}

}  // namespace loket::ast
