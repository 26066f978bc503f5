// BuildOverview: walks the checked model of one jurisdiction's layer chain and lists, per
// domain, every decision with the rules in force on a date. Conditions and outcomes are shown
// as written in the rule files (a council member reads the policy officer's own words).
#include "loket/overview.h"

#include <map>
#include <string_view>

#include "api/rule_base_impl.h"
#include "compile/compile.h"
#include "sema/model.h"
#include "support/date.h"

namespace loket {
namespace {

// The source text of a range with runs of white space (incl. newlines) collapsed to one space.
std::string TextOf(const source::SourceManager& sources, source::SourceRange range) {
  if (!range.valid() || range.file >= sources.file_count()) return {};
  const std::string_view text = sources.text(range.file);
  if (range.begin > range.end || range.end > text.size()) return {};
  std::string out;
  bool pending_space = false;
  for (char c : text.substr(range.begin, range.end - range.begin)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string TypeText(const ast::TypeRef& type, const source::SourceManager& sources) {
  std::string written = TextOf(sources, type.source);
  if (!written.empty()) return written;
  return type.is_set ? "set of " + type.name : type.name;
}

std::string CompetenceText(const ast::DecisionDecl& decision,
                           const source::SourceManager& sources) {
  if (decision.owned_by) return "owned by " + *decision.owned_by;
  if (!decision.delegation) return "closed";
  const ast::Delegation& delegation = *decision.delegation;
  std::string text = "delegated to " + delegation.to_kind;
  if (!delegation.within_set.empty()) {
    text += " within {";
    for (std::size_t i = 0; i < delegation.within_set.size(); ++i) {
      if (i > 0) text += ", ";
      text += TextOf(sources, delegation.within_set[i]->range);
    }
    text += "}";
  } else if (delegation.within_lo && delegation.within_hi) {
    text += " within " + TextOf(sources, delegation.within_lo->range) + ".." +
            TextOf(sources, delegation.within_hi->range);
  }
  switch (delegation.favours) {
    case ast::Favours::kHigher:
      text += " favours higher";
      break;
    case ast::Favours::kLower:
      text += " favours lower";
      break;
    case ast::Favours::kTrue:
      text += " favours true";
      break;
    case ast::Favours::kFalse:
      text += " favours false";
      break;
    case ast::Favours::kNone:
      break;
  }
  return text;
}

bool Assigns(const ast::Assignment& assignment, const ast::DecisionDecl& decision) {
  return assignment.decision == &decision;
}

}  // namespace

Result<Overview> BuildOverview(const RuleBase& rules, const std::string& jurisdiction, Date on) {
  const internal::RuleBaseImpl& impl = internal::RuleBaseAccess::Impl(rules);
  if (!impl.model || impl.has_errors) {
    return Status(StatusCode::kInvalidArgument,
                  "the rule base has errors; run `loket check` first");
  }
  const std::optional<support::DayNumber> day = on.day;
  const sema::Model& model = *impl.model;
  const sema::Layer* leaf = internal::FindJurisdiction(model, jurisdiction);
  if (leaf == nullptr) {
    std::string known;
    for (const auto& layer : model.layers) known += (known.empty() ? "" : ", ") + layer->name;
    return Status(StatusCode::kNotFound,
                  "no jurisdiction named '" + jurisdiction + "' (layers: " + known + ")");
  }
  const source::SourceManager& sources = *impl.sources;

  Overview overview;
  overview.jurisdiction = leaf->name;
  overview.title = leaf->title;
  overview.code = leaf->code;
  overview.date = support::FormatIsoDate(*day);
  const std::vector<const sema::Layer*> chain = model.Chain(*leaf);
  for (const sema::Layer* layer : chain) overview.chain.push_back(layer->name);

  // Domains in order of first declaration along the chain; a title may come from any layer.
  std::vector<OverviewDomain> domains;
  std::map<std::string, std::size_t> domain_index;
  auto domain_slot = [&](const std::string& name) -> OverviewDomain& {
    auto found = domain_index.find(name);
    if (found == domain_index.end()) {
      found = domain_index.emplace(name, domains.size()).first;
      domains.push_back(OverviewDomain{name, name.empty() ? "Other decisions" : name, {}});
    }
    return domains[found->second];
  };
  for (const sema::Layer* layer : chain) {
    for (const ast::DomainDecl* domain : layer->domains) {
      OverviewDomain& slot = domain_slot(domain->name);
      if (!domain->title.empty() && slot.title == slot.name) slot.title = domain->title;
    }
  }

  // Which layers are in force on the date (a layer's own validity bounds all its rules).
  auto layer_in_force = [&](const sema::Layer& layer) { return layer.validity.InForce(*day); };

  for (const sema::Layer* declaring : chain) {
    for (const ast::DecisionDecl* decision : declaring->decisions) {
      OverviewDecision entry;
      entry.name = decision->name;
      entry.description = decision->description;
      entry.layer = declaring->name;
      entry.type = TypeText(decision->type, sources);
      if (decision->default_value) {
        entry.default_value = TextOf(sources, decision->default_value->range);
      }
      entry.collect = decision->collect;
      entry.competence_text = CompetenceText(*decision, sources);
      if (decision->applies_when) {
        entry.applies_when = TextOf(sources, decision->applies_when->range);
      }
      if (declaring != model.root) {
        entry.competence = OverviewCompetence::kLocal;
        entry.competence_text = "local decision of " + declaring->name;
        entry.differs_from_national = true;
      } else if (decision->owned_by) {
        entry.competence = OverviewCompetence::kOwned;
      } else if (decision->delegation) {
        entry.competence = OverviewCompetence::kDelegated;
      }

      for (const sema::Layer* layer : chain) {
        for (const ast::RuleDecl* rule : layer->rules) {
          const ast::Assignment* assignment = nullptr;
          for (const ast::Assignment& candidate : rule->assignments) {
            if (Assigns(candidate, *decision)) assignment = &candidate;
          }
          if (assignment == nullptr) continue;
          if (!layer_in_force(*layer) || !rule->validity.InForce(*day)) continue;
          OverviewRule shown;
          shown.id = rule->id;
          shown.layer = layer->name;
          shown.citation = rule->citation;
          shown.citations = compile::CitationInfos(*rule);
          shown.notes = rule->notes;
          if (rule->validity.from) shown.valid_from = support::FormatIsoDate(*rule->validity.from);
          if (rule->validity.until) {
            shown.valid_until = support::FormatIsoDate(*rule->validity.until);
          }
          if (rule->condition) shown.condition = TextOf(sources, rule->condition->range);
          shown.outcome = TextOf(sources, assignment->range);
          for (const ast::RuleRef& base : rule->exception_to)
            shown.exception_to.push_back(base.text);
          shown.local = layer != model.root;
          if (shown.local) entry.differs_from_national = true;
          entry.rules.push_back(std::move(shown));
        }
      }
      domain_slot(decision->domain).decisions.push_back(std::move(entry));
    }
  }

  for (const sema::Layer* layer : chain) {
    for (const ast::RuleDecl* rule : layer->rules) {
      if (layer_in_force(*layer) && rule->validity.InForce(*day)) {
        ++overview.rules_in_force;
        if (layer != model.root) ++overview.local_rules_in_force;
      } else {
        ++overview.rules_not_in_force;
      }
    }
  }
  for (OverviewDomain& domain : domains) {
    if (!domain.decisions.empty()) overview.domains.push_back(std::move(domain));
  }
  return overview;
}

}  // namespace loket
