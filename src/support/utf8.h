// UTF-8 as bytes: the one encoder of a code point, for the readers that decode `\u` escapes
// (JSON Lines records, YAML double-quoted scalars), and the one validator of a sequence, for
// the writers that replace what is not UTF-8 (JSON strings, quoted case values).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace loket::support {

// Appends code point `code` (at most U+10FFFF, not a surrogate: the callers check) to `out`.
void AppendUtf8(std::string& out, std::uint32_t code);

// The length of the valid UTF-8 sequence at text[i] (1 to 4), or 0 when there is none
// (a stray continuation byte, an overlong form, a surrogate, above U+10FFFF, cut short).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i);

}  // namespace loket::support
