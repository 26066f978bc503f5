// The dependency cone of a decision (sema/cone.h owns it; the conflict analysis keys its
// per-decision cache with it too), under the names `loket diff` uses.
#pragma once

#include "sema/cone.h"

namespace loket::diff {

using Period = sema::Period;
using Cone = sema::Cone;
using ConeBuilder = sema::ConeBuilder;
using sema::ConeChanges;

}  // namespace loket::diff
