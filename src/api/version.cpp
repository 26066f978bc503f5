#include "loket/rule_base.h"
#include "loket_version.h"

namespace loket {

const char* Version() {
  return LOKET_VERSION_STRING;
}

}  // namespace loket
