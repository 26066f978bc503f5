#include "rule_base_generator.h"

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <sstream>

namespace loket::proptest {
namespace {

// The facts, params and lets every generated rule base declares; the conditions below read
// them. Ranges keep every sum far from overflow; `children` is optional and always read
// behind `known(children)`.
constexpr const char* kNationalHeader = R"L(layer national "Nederland"
enum Category { a, b, c }
enum Route { none, b1, edu }
fact age: int in 0..120 "age in full years"
fact income: money in €0..€5.000 "monthly income"
fact category: Category "category"
fact birth_date: date in 1950-01-01..2030-12-31 "birth date"
fact since: date in 2010-01-01..2030-12-31 "residence permit since"
fact children: int in 0..6 optional "number of children, when asked"
param limit: int = 18 from 2020-01-01 = 21 from 2025-03-01 "age limit"
param threshold: money = €1.000 from 2020-01-01 = €1.250 from 2024-07-01 "income threshold"
let young = years_between(birth_date, reference_date) < limit
let settled: date = since + 3 years
)L";

// Validity bounds and the dates near them are where off-by-one errors live.
const std::vector<std::string> kDates = {"2024-01-01", "2024-07-01", "2025-01-01", "2025-03-01",
                                         "2026-01-01"};

const char* TypeText(GenType type) {
  switch (type) {
    case GenType::kBool:
      return "bool";
    case GenType::kInt:
      return "int in 0..1000";
    case GenType::kEnum:
      return "Route";
    case GenType::kMoney:
      return "money";
  }
  return "bool";
}

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : random_(seed) {}

  GenRuleBase Run() {
    GenRuleBase rb;
    rb.municipalities = int(Uniform(1, 3));
    const int decisions = int(Uniform(2, 4));
    for (int i = 0; i < decisions; ++i) rb.decisions.push_back(Decision(i));
    for (int i = 0; i < decisions; ++i) {
      const GenDecision& decision = rb.decisions[std::size_t(i)];
      RulesFor(rb, i, 0);
      if (!decision.delegated) continue;
      for (int m = 1; m <= rb.municipalities; ++m) {
        if (Chance(0.5)) RulesFor(rb, i, m);
        if (Chance(0.3)) LocalExceptionToNational(rb, i, m);
      }
    }
    return rb;
  }

 private:
  std::int64_t Uniform(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(random_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(random_); }
  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    return values[std::size_t(Uniform(0, std::int64_t(values.size()) - 1))];
  }

  GenDecision Decision(int index) {
    GenDecision d;
    d.name = "d" + std::to_string(index);
    d.type = GenType(Uniform(0, 3));
    d.delegated = Chance(0.6);
    d.favours_higher = d.type == GenType::kInt && d.delegated && Chance(0.4);
    if (Chance(0.8)) {
      const bool computed = Chance(0.3);
      switch (d.type) {
        case GenType::kBool:
          d.default_value = computed ? "young" : "false";
          break;
        case GenType::kInt:
          d.default_value = computed ? "min(age, 100)" : "0";
          break;
        case GenType::kEnum:
          d.default_value = "none";
          break;
        case GenType::kMoney:
          d.default_value = computed ? "threshold" : "€0";
          break;
      }
    }
    for (int j = 0; j < index; ++j) {
      if (d.reads.size() < 2 && Chance(0.25)) d.reads.push_back(j);
    }
    return d;
  }

  std::string Value(GenType type) {
    switch (type) {
      case GenType::kBool:
        return Chance(0.5) ? "true" : "false";
      case GenType::kInt:
        return Pick<std::string>({"0", "100", "200", "400", "800"});
      case GenType::kEnum:
        return Pick<std::string>({"none", "b1", "edu"});
      case GenType::kMoney:
        return Pick<std::string>({"€0", "€100", "€250"});
    }
    return "true";
  }

  std::string OtherValue(GenType type, const std::string& than) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::string v = Value(type);
      if (v != than) return v;
    }
    return than;
  }

  // A condition part on the facts, params and lets; `reads` may add one on a decision.
  std::string Atom(const GenRuleBase& rb, const GenDecision& decision) {
    if (!decision.reads.empty() && Chance(0.3)) {
      const GenDecision& read = rb.decisions[std::size_t(Pick(decision.reads))];
      switch (read.type) {
        case GenType::kBool:
          return read.name + (Chance(0.5) ? " == true" : " == false");
        case GenType::kInt:
          return read.name + " >= " + Pick<std::string>({"100", "200", "400"});
        case GenType::kEnum:
          return read.name + " == " + Pick<std::string>({"none", "b1", "edu"});
        case GenType::kMoney:
          return read.name + " > " + Pick<std::string>({"€0", "€100"});
      }
    }
    const std::string age =
        std::to_string(Pick<int>({16, 18, 21, 28, 65, 67}) + int(Uniform(-1, 1)));
    switch (Uniform(0, 13)) {
      case 0:
        return "age >= " + age;
      case 1:
        return "age < " + age;
      case 2:
        return "income < " + Pick<std::string>({"€800", "€1.000", "€1.250", "€2.000"});
      case 3:
        return Chance(0.5) ? "income >= threshold" : "income < threshold";
      case 4:
        return "category == " + Pick<std::string>({"a", "b", "c"});
      case 5:
        return Pick<std::string>({"category in {a, b}", "category != c", "category in {b, c}"});
      case 6:
        return "years_between(birth_date, reference_date) " + Pick<std::string>({">=", "<"}) + " " +
               Pick<std::string>({"16", "18", "21"});
      case 7:
        return "birth_date + " + Pick<std::string>({"16", "18", "21"}) + " years <= reference_date";
      case 8:
        return "since + " + Pick<std::string>({"6", "12", "36"}) + " months > reference_date";
      case 9:
        return "years_between(since, reference_date) < " + Pick<std::string>({"1", "3", "5"});
      case 10:
        return "reference_date >= " + Pick(kDates);
      case 11:
        return Chance(0.5) ? "young" : "not young";
      case 12:
        return Chance(0.5) ? "settled <= reference_date" : "settled > reference_date";
      default:
        return Chance(0.7) ? "known(children) and children >= " + std::to_string(Uniform(1, 3))
                           : "not known(children)";
    }
  }

  void Dates(GenRule& rule, double p) {
    if (!Chance(p)) return;
    const std::size_t from = std::size_t(Uniform(0, std::int64_t(kDates.size()) - 2));
    if (Chance(0.7)) rule.valid_from = kDates[from];
    if (Chance(0.5) || rule.valid_from.empty()) {
      rule.valid_until =
          kDates[std::size_t(Uniform(std::int64_t(from) + 1, std::int64_t(kDates.size()) - 1))];
    }
  }

  std::string NextId(const GenRuleBase& rb, int layer) {
    int count = 0;
    for (const GenRule& r : rb.rules) count += r.layer == layer;
    return (layer == 0 ? "n.r" : "m.r") + std::to_string(count);
  }

  int Add(GenRuleBase& rb, GenRule rule) {
    rule.id = NextId(rb, rule.layer);
    rb.rules.push_back(std::move(rule));
    return int(rb.rules.size()) - 1;
  }

  // An exception to `base`: mostly its conditions plus one more (narrower, as lex specialis
  // is written), sometimes conditions of its own (it may then apply where the base does not).
  int Exception(GenRuleBase& rb, int base, int layer) {
    const GenRule& b = rb.rules[std::size_t(base)];
    const GenDecision& decision = rb.decisions[std::size_t(b.decision)];
    GenRule e;
    e.layer = layer;
    e.decision = b.decision;
    e.base = base;
    e.value = Chance(0.85) ? OtherValue(decision.type, b.value) : b.value;
    if (Chance(0.8)) e.atoms = b.atoms;
    e.atoms.push_back(Atom(rb, decision));
    Dates(e, 0.1);
    return Add(rb, std::move(e));
  }

  // A chain of `depth` nested exceptions below `base`, and sometimes a sibling exception.
  void Chain(GenRuleBase& rb, int base, int layer, int depth) {
    int below = base;
    for (int d = 0; d < depth; ++d) below = Exception(rb, below, layer);
    if (Chance(0.3)) Exception(rb, base, layer);
  }

  int Depth() {
    const double x = std::uniform_real_distribution<double>(0, 1)(random_);
    return x < 0.35 ? 0 : x < 0.6 ? 1 : x < 0.75 ? 2 : x < 0.85 ? 3 : x < 0.93 ? 4 : 5;
  }

  // The rules of one layer for one decision: one root, or two roots split on one condition
  // part (so the decision can be free of conflicts), each with an exception chain.
  void RulesFor(GenRuleBase& rb, int decision_index, int layer) {
    const GenDecision& decision = rb.decisions[std::size_t(decision_index)];
    GenRule root;
    root.layer = layer;
    root.decision = decision_index;
    root.value = Value(decision.type);
    if (Chance(0.5)) {
      const std::string split = Atom(rb, decision);
      GenRule other = root;
      root.atoms.push_back(split);
      other.atoms.push_back("not (" + split + ")");
      other.value = OtherValue(decision.type, root.value);
      if (Chance(0.4)) {
        Dates(root, 1.0);
        other.valid_from = root.valid_from;
        other.valid_until = root.valid_until;
      }
      const int first = Add(rb, std::move(root));
      const int second = Add(rb, std::move(other));
      Chain(rb, first, layer, Depth());
      Chain(rb, second, layer, Depth() / 2);
      return;
    }
    const int atoms = int(Uniform(0, 2));
    for (int a = 0; a < atoms; ++a) root.atoms.push_back(Atom(rb, decision));
    Dates(root, 0.25);
    const int first = Add(rb, std::move(root));
    if (Chance(0.2)) NextVersion(rb, first);
    Chain(rb, first, layer, Depth());  // exceptions to every version (§6)
  }

  // A second version of `first` (§6: the same id, the period after it), as a law amended on
  // a date: `first` ends where the version begins, and the version often decides otherwise.
  void NextVersion(GenRuleBase& rb, int first) {
    GenRule& rule = rb.rules[std::size_t(first)];
    std::vector<std::string> splits;
    for (std::size_t d = 1; d + 1 < kDates.size(); ++d) {
      if ((rule.valid_from.empty() || rule.valid_from < kDates[d]) &&
          (rule.valid_until.empty() || kDates[d] < rule.valid_until)) {
        splits.push_back(kDates[d]);
      }
    }
    if (splits.empty()) return;
    GenRule version = rule;
    version.valid_from = Pick(splits);
    rule.valid_until = version.valid_from;
    version.version_of = first;
    if (Chance(0.6)) {
      version.value = OtherValue(rb.decisions[std::size_t(version.decision)].type, rule.value);
    }
    rb.rules.push_back(std::move(version));  // the same id
  }

  // A municipal exception (with its own chain) to a national rule of a delegated decision.
  void LocalExceptionToNational(GenRuleBase& rb, int decision_index, int layer) {
    std::vector<int> national;
    for (std::size_t r = 0; r < rb.rules.size(); ++r) {
      if (rb.rules[r].layer == 0 && rb.rules[r].decision == decision_index) {
        national.push_back(int(r));
      }
    }
    if (national.empty()) return;
    const int exception = Exception(rb, Pick(national), layer);
    Chain(rb, exception, layer, int(Uniform(0, 2)));
  }

  std::mt19937_64 random_;
};

std::string Reference(const GenRule& rule, const GenRule& base) {
  return base.layer == rule.layer ? base.id : LayerName(base.layer) + "." + base.id;
}

// Removes the rules for which `drop` holds, and every exception built on a removed rule.
GenRuleBase Without(const GenRuleBase& rb, const std::function<bool(int)>& drop) {
  std::vector<bool> removed(rb.rules.size(), false);
  for (std::size_t r = 0; r < rb.rules.size(); ++r) {
    // Bases come before their exceptions and first versions before later ones, so one pass in
    // order removes whole subtrees.
    const GenRule& rule = rb.rules[r];
    removed[r] = drop(int(r)) || (rule.base >= 0 && removed[std::size_t(rule.base)]) ||
                 (rule.version_of >= 0 && removed[std::size_t(rule.version_of)]);
  }
  GenRuleBase out = rb;
  out.rules.clear();
  std::vector<int> new_index(rb.rules.size(), -1);
  for (std::size_t r = 0; r < rb.rules.size(); ++r) {
    if (removed[r]) continue;
    new_index[r] = int(out.rules.size());
    GenRule rule = rb.rules[r];
    if (rule.base >= 0) rule.base = new_index[std::size_t(rule.base)];
    if (rule.version_of >= 0) rule.version_of = new_index[std::size_t(rule.version_of)];
    out.rules.push_back(std::move(rule));
  }
  return out;
}

}  // namespace

std::string LayerName(int layer) {
  return layer == 0 ? "national" : "m" + std::to_string(layer);
}

GenRuleBase Generate(std::uint64_t seed) {
  return Generator(seed).Run();
}

std::vector<SourceText> Render(const GenRuleBase& rb) {
  std::vector<std::ostringstream> texts(std::size_t(rb.municipalities) + 1);
  texts[0] << kNationalHeader;
  for (int m = 1; m <= rb.municipalities; ++m) {
    texts[std::size_t(m)] << "layer municipality " << LayerName(m) << " \"Gemeente " << m
                          << "\" under national code GM99" << (10 + m) << "\n";
  }
  for (const GenDecision& d : rb.decisions) {
    std::ostringstream& out = texts[0];
    out << "decision " << d.name << ": " << TypeText(d.type);
    if (!d.default_value.empty()) out << " default " << d.default_value;
    if (d.delegated) out << " delegated to municipality";
    if (d.favours_higher) out << " favours higher";
    out << " \"decision " << d.name << "\"\n";
  }
  for (const GenRule& rule : rb.rules) {
    if (rule.layer > rb.municipalities) continue;
    std::ostringstream& out = texts[std::size_t(rule.layer)];
    out << "rule " << rule.id << " \"Testwet, art. " << rule.id << "\"\n";
    if (!rule.valid_from.empty() || !rule.valid_until.empty()) {
      out << "  valid";
      if (!rule.valid_from.empty()) out << " from " << rule.valid_from;
      if (!rule.valid_until.empty()) out << " until " << rule.valid_until;
      out << "\n";
    }
    if (rule.base >= 0) {
      out << "  exception to " << Reference(rule, rb.rules[std::size_t(rule.base)]) << "\n";
    }
    for (const std::string& atom : rule.atoms) out << "  when " << atom << "\n";
    out << "  then " << rb.decisions[std::size_t(rule.decision)].name << " = " << rule.value
        << "\n";
  }
  std::vector<SourceText> sources;
  for (std::size_t l = 0; l < texts.size(); ++l) {
    sources.push_back({LayerName(int(l)) + ".loket", texts[l].str()});
  }
  return sources;
}

std::vector<GenRuleBase> Shrinks(const GenRuleBase& rb) {
  std::vector<GenRuleBase> out;
  if (rb.municipalities > 1) {
    GenRuleBase fewer =
        Without(rb, [&](int r) { return rb.rules[std::size_t(r)].layer == rb.municipalities; });
    --fewer.municipalities;
    out.push_back(std::move(fewer));
  }
  // Whole rules, the last first (exceptions come after their bases).
  for (int r = int(rb.rules.size()) - 1; r >= 0; --r) {
    out.push_back(Without(rb, [r](int i) { return i == r; }));
  }
  // Decisions no rule assigns and no condition reads.
  for (std::size_t d = 0; d < rb.decisions.size(); ++d) {
    const std::string& name = rb.decisions[d].name;
    bool used = false;
    for (const GenRule& rule : rb.rules) {
      used = used || rule.decision == int(d);
      for (const std::string& atom : rule.atoms) used = used || atom.rfind(name + " ", 0) == 0;
    }
    if (used) continue;
    GenRuleBase fewer = rb;
    fewer.decisions.erase(fewer.decisions.begin() + std::ptrdiff_t(d));
    for (GenRule& rule : fewer.rules) rule.decision -= rule.decision > int(d);
    for (GenDecision& other : fewer.decisions) {
      other.reads.erase(std::remove(other.reads.begin(), other.reads.end(), int(d)),
                        other.reads.end());
      for (int& read : other.reads) read -= read > int(d);
    }
    out.push_back(std::move(fewer));
  }
  for (std::size_t r = 0; r < rb.rules.size(); ++r) {
    const GenRule& rule = rb.rules[r];
    if (rule.base >= 0) {
      GenRuleBase plain = rb;
      plain.rules[r].base = -1;
      out.push_back(std::move(plain));
    }
    for (std::size_t a = 0; a < rule.atoms.size(); ++a) {
      GenRuleBase fewer = rb;
      auto& atoms = fewer.rules[r].atoms;
      atoms.erase(atoms.begin() + std::ptrdiff_t(a));
      out.push_back(std::move(fewer));
    }
    const bool versioned = rule.version_of >= 0 ||
                           std::any_of(rb.rules.begin(), rb.rules.end(),
                                       [&](const GenRule& o) { return o.version_of == int(r); });
    // Versions without their periods would overlap (L512).
    if (!versioned && (!rule.valid_from.empty() || !rule.valid_until.empty())) {
      GenRuleBase undated = rb;
      undated.rules[r].valid_from.clear();
      undated.rules[r].valid_until.clear();
      out.push_back(std::move(undated));
    }
  }
  for (std::size_t d = 0; d < rb.decisions.size(); ++d) {
    if (rb.decisions[d].favours_higher) {
      GenRuleBase plain = rb;
      plain.decisions[d].favours_higher = false;
      out.push_back(std::move(plain));
    }
  }
  return out;
}

}  // namespace loket::proptest
