// Shared by the tests of what a national rule's findings owe to the layers below (L507 asks
// the chains below): a national rule that reads a decision only municipalities make.
#pragma once

#include <string>
#include <vector>

#include "loket/diagnostic.h"

namespace loket::testing {

// National rule `nl.bonus` reads `coaching_hours`, which only municipalities decide: in the
// national chain it can never apply (the default 0), but it can in a municipality's chain
// that decides more than 10 hours, so it is not dead (L507 AppliesBelow).
inline const char* const kCoachingNational = R"(layer national "Nederland"

fact age: int in 0..130 "age in full years"

domain coaching "Coaching" {
  decision coaching_hours: int in 0..100 default 0 delegated to municipality within 0..40 "coaching hours"
  decision coaching_bonus: bool default false "coaching bonus"
}

rule nl.bonus "Wet coaching, art. 1"
  when coaching_hours > 10
  then coaching_bonus = true
)";

// A municipality that decides `hours` of coaching for adults.
inline std::string CoachingMunicipality(const std::string& name, int hours) {
  return "layer municipality " + name + " \"Gemeente " + name +
         "\" under national\n\n"
         "rule local.coaching \"Verordening coaching " +
         name + ", art. 1\"\n  when age >= 18\n  then coaching_hours = " + std::to_string(hours) +
         "\n";
}

// "L507 national" for each diagnostic whose code starts with `prefix`, in order.
inline std::vector<std::string> CodesAndLayers(const std::vector<loket::Diagnostic>& diagnostics,
                                               const std::string& prefix) {
  std::vector<std::string> codes;
  for (const loket::Diagnostic& d : diagnostics) {
    if (d.code.rfind(prefix, 0) == 0) codes.push_back(d.code + " " + d.layer);
  }
  return codes;
}

}  // namespace loket::testing
