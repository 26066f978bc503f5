// The shared "migrant desk" workload (docs/benchmarks.md) for loket's benchmarks
// and tests: the seeded case generator of §4 (a port of gen/generate.js that writes the same
// JSON Lines, byte for byte), the 30-bit decision code and the CHECKSUM line of §5.
// Header-only and free of loket internals, so the bench programs and the unit tests share it.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "loket/evaluate.h"

namespace loket::workload {

inline constexpr const char* kCategories[] = {
    "labour_eu", "knowledge_migrant", "student", "asylum_status_holder", "family", "other"};
inline constexpr const char* kPermits[] = {"none",   "eu_registration",  "knowledge_migrant",
                                           "study",  "asylum_temporary", "family_reunification",
                                           "regular"};
inline constexpr const char* kMunicipalities[] = {"westland", "amstelveen", "amsterdam", "other"};
// Index = permit typical for category (WORKLOAD.md §4 step 7).
inline constexpr int kTypicalPermit[] = {1, 2, 3, 4, 5, 6};
inline constexpr int kReferralCount = 26;

struct WorkloadCase {
  int id = 0;
  int category = 0;  // index into kCategories
  int age = 0;
  bool eu_citizen = false;
  bool turkish_national = false;
  int months_in_nl = 0;
  int permit = 0;  // index into kPermits
  bool has_children_under_18 = false;
  int children_count = 0;
  int municipality = 0;  // index into kMunicipalities
  int income_monthly = 0;
  bool completed_dutch_education = false;
  bool medical_exemption = false;
};

// mulberry32, exactly as WORKLOAD.md §4 (and gen/generate.js) define it.
class Mulberry32 {
 public:
  explicit Mulberry32(std::uint32_t seed) : state_(seed) {}
  double Next() {
    state_ += 0x6D2B79F5u;
    std::uint32_t t = state_;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  }
  int Int(int lo, int hi) { return lo + static_cast<int>(std::floor(Next() * (hi - lo + 1))); }
  bool Bern(double p) { return Next() < p; }

 private:
  std::uint32_t state_;
};

inline std::vector<WorkloadCase> GenerateCases(int n, std::uint32_t seed) {
  Mulberry32 u(seed);
  std::vector<WorkloadCase> cases(static_cast<std::size_t>(n));
  for (int id = 0; id < n; ++id) {
    WorkloadCase& c = cases[static_cast<std::size_t>(id)];
    c.id = id;
    const int cat = u.Int(0, 99);
    c.category = cat < 25 ? 0 : cat < 40 ? 1 : cat < 55 ? 2 : cat < 75 ? 3 : cat < 90 ? 4 : 5;
    c.age = u.Int(0, 90);
    c.eu_citizen = u.Bern(c.category == 0 ? 0.85 : 0.10);
    c.turkish_national = u.Bern(c.eu_citizen ? 0.01 : 0.08);
    c.months_in_nl = u.Int(0, 120);
    const double pa = u.Next();
    const int pb = u.Int(0, 6);
    c.permit = pa < 0.7 ? kTypicalPermit[c.category] : pb;
    const double ca = u.Next();
    const int cc = u.Int(1, 6);
    c.children_count = ca < 0.55 ? 0 : cc;
    c.has_children_under_18 = u.Bern(c.children_count > 0 ? 0.8 : 0.03);
    const int m = u.Int(0, 99);
    c.municipality = m < 20 ? 0 : m < 40 ? 1 : m < 70 ? 2 : 3;
    c.income_monthly = u.Int(0, 10000);
    c.completed_dutch_education = u.Bern(0.10);
    c.medical_exemption = u.Bern(0.05);
  }
  return cases;
}

// One line of cases.jsonl as gen/generate.js writes it (JSON.stringify, keys in §1 order).
// Without `municipality` when the jurisdiction is chosen separately.
inline std::string ToJson(const WorkloadCase& c, bool with_municipality = true) {
  const auto b = [](bool v) { return v ? "true" : "false"; };
  char buffer[512];
  std::snprintf(buffer, sizeof buffer,
                "{\"id\":%d,\"category\":\"%s\",\"age\":%d,\"eu_citizen\":%s,"
                "\"turkish_national\":%s,\"months_in_nl\":%d,\"permit\":\"%s\","
                "\"has_children_under_18\":%s,\"children_count\":%d%s%s%s,"
                "\"income_monthly\":%d,\"completed_dutch_education\":%s,"
                "\"medical_exemption\":%s}",
                c.id, kCategories[c.category], c.age, b(c.eu_citizen), b(c.turkish_national),
                c.months_in_nl, kPermits[c.permit], b(c.has_children_under_18), c.children_count,
                with_municipality ? ",\"municipality\":\"" : "",
                with_municipality ? kMunicipalities[c.municipality] : "",
                with_municipality ? "\"" : "", c.income_monthly, b(c.completed_dutch_education),
                b(c.medical_exemption));
  return buffer;
}

// The decisions of the rule base examples/bench/migrant-desk in one Program's outcome.
// Its enums are declared in workload order, so the route index and the referral bit k are
// the enum member indexes.
struct DecisionIndexes {
  int integration_duty = -1;
  int route = -1;
  int school_duty_children = -1;
  int referrals = -1;

  explicit DecisionIndexes(const Program& program)
      : integration_duty(program.DecisionIndex("integration_duty")),
        route(program.DecisionIndex("route")),
        school_duty_children(program.DecisionIndex("school_duty_children")),
        referrals(program.DecisionIndex("referrals")) {}
  bool ok() const {
    return integration_duty >= 0 && route >= 0 && school_duty_children >= 0 && referrals >= 0;
  }
};

// WORKLOAD.md §5: the 30-bit code of one evaluated case.
inline std::uint32_t DecisionCode(const Outcome& outcome, const DecisionIndexes& d) {
  return static_cast<std::uint32_t>(outcome.raw(d.integration_duty) & 1) |
         static_cast<std::uint32_t>(outcome.raw(d.route) & 3) << 1 |
         static_cast<std::uint32_t>(outcome.raw(d.school_duty_children) & 1) << 3 |
         static_cast<std::uint32_t>(outcome.raw(d.referrals) & ((1 << kReferralCount) - 1)) << 4;
}

// WORKLOAD.md §5: the order-sensitive hash and counts over the cases in file order.
class Checksum {
 public:
  void Add(std::uint32_t code) {
    ++n_;
    hash_ = (hash_ * 1000003ull + code) % 4294967296ull;
    duty_ += code & 1;
    routes_[(code >> 1) & 3]++;
    school_ += (code >> 3) & 1;
    for (int k = 0; k < kReferralCount; ++k) refs_[k] += (code >> (4 + k)) & 1;
  }
  std::string Line() const {
    char buffer[160];
    std::snprintf(
        buffer, sizeof buffer,
        "CHECKSUM n=%llu hash=%08llx duty=%llu school=%llu route=%llu/%llu/%llu/%llu "
        "refs=",
        static_cast<unsigned long long>(n_), static_cast<unsigned long long>(hash_),
        static_cast<unsigned long long>(duty_), static_cast<unsigned long long>(school_),
        static_cast<unsigned long long>(routes_[0]), static_cast<unsigned long long>(routes_[1]),
        static_cast<unsigned long long>(routes_[2]), static_cast<unsigned long long>(routes_[3]));
    std::string line = buffer;
    for (int k = 0; k < kReferralCount; ++k) {
      line += (k ? "," : "") + std::to_string(refs_[k]);
    }
    return line;
  }

 private:
  std::uint64_t n_ = 0, hash_ = 0, duty_ = 0, school_ = 0;
  std::uint64_t routes_[4] = {0, 0, 0, 0};
  std::uint64_t refs_[kReferralCount] = {};
};

}  // namespace loket::workload
