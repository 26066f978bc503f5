// UTF-8 as bytes: the one encoder of a code point, for the readers that decode `\u` escapes
// (JSON Lines records, YAML double-quoted scalars).
#pragma once

#include <cstdint>
#include <string>

namespace loket::support {

// Appends code point `code` (at most U+10FFFF, not a surrogate: the callers check) to `out`.
void AppendUtf8(std::string& out, std::uint32_t code);

}  // namespace loket::support
