#include "case_generator.h"

#include <algorithm>
#include <functional>

namespace loket::difftest {
namespace {

using ast::TypeKind;

void CollectLiterals(const ast::Expr* e, std::vector<std::int64_t>& ints,
                     std::vector<std::int64_t>& cents, std::vector<std::int64_t>& dates) {
  if (!e) return;
  switch (e->kind) {
    case ast::ExprKind::kIntLit:
      ints.push_back(e->int_value);
      break;
    case ast::ExprKind::kMoneyLit:
      cents.push_back(e->int_value);
      break;
    case ast::ExprKind::kDateLit:
      dates.push_back(e->int_value);
      break;
    default:
      break;
  }
  for (const auto& operand : e->operands) CollectLiterals(operand.get(), ints, cents, dates);
}

void AddValidity(const ast::Validity& validity, std::vector<std::int64_t>& dates) {
  if (validity.from) dates.push_back(*validity.from);
  if (validity.until) dates.push_back(*validity.until);
}

void SortUnique(std::vector<std::int64_t>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

CaseGenerator::CaseGenerator(const sema::Model& model, const sema::Layer& jurisdiction,
                             std::uint64_t seed)
    : random_(seed), annotations_(model.annotations) {
  for (const sema::Layer* layer : model.Chain(jurisdiction)) {
    for (const ast::FactDecl* fact : layer->facts) facts_.push_back(fact);
  }
  for (const auto& file : model.files) {
    if (file->header) AddValidity(file->header->validity, dates_);
    for (const auto& rule : file->rules) {
      AddValidity(rule->validity, dates_);
      CollectLiterals(rule->condition.get(), ints_, cents_, dates_);
      for (const auto& assignment : rule->assignments) {
        CollectLiterals(assignment.value.get(), ints_, cents_, dates_);
      }
    }
    for (const auto& let : file->lets) CollectLiterals(let->value.get(), ints_, cents_, dates_);
    for (const auto& assume : file->assumes) {
      CollectLiterals(assume->condition.get(), ints_, cents_, dates_);
    }
    for (const auto& decision : file->decisions) {
      CollectLiterals(decision->default_value.get(), ints_, cents_, dates_);
    }
    for (const auto& param : file->params) {
      for (const auto& value : param->values) {
        CollectLiterals(value.value.get(), ints_, cents_, dates_);
        if (value.from) dates_.push_back(*value.from);
      }
    }
  }
  for (std::int64_t i : std::vector<std::int64_t>(ints_)) cents_.push_back(i * 100);
  ints_.push_back(0);
  cents_.push_back(0);
  SortUnique(ints_);
  SortUnique(cents_);
  SortUnique(dates_);
}

std::int64_t CaseGenerator::Uniform(std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(random_);
}

bool CaseGenerator::Chance(double p) {
  return std::bernoulli_distribution(p)(random_);
}

std::int64_t CaseGenerator::Pick(const std::vector<std::int64_t>& values) {
  return values[std::size_t(Uniform(0, std::int64_t(values.size()) - 1))];
}

std::int64_t CaseGenerator::Number(const std::vector<std::int64_t>& interesting, std::int64_t lo,
                                   std::int64_t hi) {
  if (Chance(0.1)) return Chance(0.5) ? lo : hi;
  if (!interesting.empty() && Chance(0.5)) {
    std::int64_t near = Pick(interesting) + Uniform(-1, 1);
    if (near >= lo && near <= hi) return near;
  }
  return Uniform(lo, hi);
}

support::DayNumber CaseGenerator::Date(support::DayNumber reference_date,
                                       const std::optional<ast::Range>& range) {
  std::int64_t lo = range ? range->lo : reference_date - 60 * 366;
  std::int64_t hi = range ? range->hi : reference_date + 10 * 366;
  std::int64_t day;
  double kind = std::uniform_real_distribution<double>(0, 1)(random_);
  if (kind < 0.3 && !dates_.empty()) {
    day = Pick(dates_) + Uniform(-1, 1);
  } else if (kind < 0.7) {
    // Dates a whole number of years, months or weeks before the reference date, as in
    // `years_between(birth_date, reference_date) >= 18` or `arrival + 3 years`.
    std::int64_t amount = Pick(ints_);
    double unit = std::uniform_real_distribution<double>(0, 1)(random_);
    if (unit < 0.7) {
      if (amount < 0 || amount > 130) amount = Uniform(0, 30);
      day = support::AddMonths(reference_date, unit < 0.5 ? -12 * amount : -amount);
    } else {
      if (amount < 0 || amount > 3660) amount = Uniform(0, 400);
      day = reference_date - (unit < 0.85 ? amount : 7 * amount);
    }
    day += Uniform(-1, 1);
  } else {
    day = Uniform(lo, hi);
  }
  return support::DayNumber(std::clamp(day, lo, hi));
}

RefValue CaseGenerator::Value(const ast::FactDecl& fact, support::DayNumber reference_date) {
  const ast::Type& type = annotations_.TypeOf(fact.type);
  const std::optional<ast::Range>& range = fact.type.range;
  switch (type.kind) {
    case TypeKind::kBool:
      return RefValue::Bool(Chance(0.5));
    case TypeKind::kInt: {
      if (!range && Chance(0.01)) {  // far out, where arithmetic can overflow
        return RefValue::Of(TypeKind::kInt,
                            Chance(0.5) ? (std::int64_t(1) << 62) : -(std::int64_t(1) << 62));
      }
      return RefValue::Of(TypeKind::kInt,
                          Number(ints_, range ? range->lo : -10, range ? range->hi : 1000));
    }
    case TypeKind::kMoney:
      return RefValue::Of(TypeKind::kMoney,
                          Number(cents_, range ? range->lo : 0, range ? range->hi : 1'000'000));
    case TypeKind::kDate:
      return RefValue::Of(TypeKind::kDate, Date(reference_date, range));
    case TypeKind::kEnum: {
      std::int64_t count = std::int64_t(type.enum_decl->members.size());
      return RefValue::Of(TypeKind::kEnum, Uniform(0, count - 1));
    }
    case TypeKind::kSet: {
      RefValue set;
      set.kind = TypeKind::kSet;
      int count = int(type.enum_decl->members.size());
      double p = std::uniform_real_distribution<double>(0, 0.6)(random_);
      for (int m = 0; m < count; ++m) {
        if (Chance(p)) set.members.insert(m);
      }
      return set;
    }
    default:
      return RefValue::Of(TypeKind::kInt, 0);
  }
}

GeneratedCase CaseGenerator::Next() {
  GeneratedCase generated;
  const double kind = std::uniform_real_distribution<double>(0, 1)(random_);
  if (!dates_.empty() && kind < 0.4) {
    generated.date = support::DayNumber(Pick(dates_) + Uniform(-1, 1));
  } else if (kind < 0.55) {
    // Around the end of February and the turn of the year, where month arithmetic clamps
    // (someone born on 29 February) and years roll over.
    static constexpr int kMonthDay[][2] = {{2, 28}, {2, 29}, {3, 1}, {12, 31}, {1, 1}};
    const int year = int(Uniform(2019, 2031));
    const auto& md = kMonthDay[Uniform(0, 4)];
    support::CivilDate civil{year, md[0], md[1]};
    if (!support::IsValidCivil(civil)) civil.day = 28;
    generated.date = support::DaysFromCivil(civil);
  } else {
    generated.date = support::DayNumber(
        Uniform(*support::ParseIsoDate("2018-01-01"), *support::ParseIsoDate("2032-12-31")));
  }
  for (const ast::FactDecl* fact : facts_) {
    if (fact->is_optional && Chance(0.25)) continue;
    generated.facts[fact->name] = Value(*fact, generated.date);
  }
  // Now and then a case without one of its required facts: an invalid case as a whole.
  if (Chance(0.01)) {
    std::vector<const ast::FactDecl*> required;
    for (const ast::FactDecl* fact : facts_) {
      if (!fact->is_optional) required.push_back(fact);
    }
    if (!required.empty()) {
      generated.facts.erase(
          required[std::size_t(Uniform(0, std::int64_t(required.size()) - 1))]->name);
      generated.lacks_required = true;
    }
  }
  return generated;
}

}  // namespace loket::difftest
