// JSON text helpers of the library's own writers (the JSON Lines batch path, receipts).
#pragma once

#include <string>
#include <string_view>

namespace loket {

// Appends `text` as a JSON string literal.
void AppendJsonString(std::string& out, std::string_view text);

// Finds the top-level member `field` of a JSON object. On success `value` is its string
// value (without quotes; escapes left as written) and, when `rest` is given, `*rest` the
// object without the member. Returns false with `error` set when the text is not an object,
// the member is absent or not a string.
bool ExtractStringMember(std::string_view object, std::string_view field, std::string_view& value,
                         std::string* rest, std::string& error);

}  // namespace loket
