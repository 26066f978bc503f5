// The small rule base the case and batch fuzzers decide with (the CLI fixture `desk`: an int
// fact with a range, an enum fact, a bool decision and a set decision over two layers).
#pragma once

#include <loket/loket.h>

namespace loket::fuzz {

inline const RuleBase& FuzzRules() {
  static const RuleBase rules = RuleBase::FromSources(
      {{"national.loket", R"(layer national "Nederland"
enum Residence "residence status" { asylum_fixed "asylum", eu_free_movement "EU", none "none" }
enum Service "referral" { integration_intake "intake", integration_course "course" }
fact age: int in 0..130 "age in full years"
fact residence: Residence "residence status"
fact arrival: date "arrival"
fact income: money "income"
fact married: bool "married"
domain integration "Inburgering" {
  decision integration_duty: bool default false closed "obliged to integrate"
}
domain referrals "Doorverwijzingen" {
  decision referrals: set of Service collect delegated to municipality "referrals"
}
rule wi.duty "Wet inburgering 2021, art. 3 lid 1"
  when age >= 16 and residence == asylum_fixed
  then integration_duty = true
rule ref.intake "Wet inburgering 2021, art. 14"
  when integration_duty
  then referrals += {integration_intake}
)"},
       {"westland.loket",
        R"(layer municipality westland "Gemeente Westland" under national code GM1783
rule ws.course "Wet inburgering 2021, art. 16"
  when integration_duty
  then referrals += {integration_course}
)"}});
  return rules;
}

}  // namespace loket::fuzz
