// JSON text helpers of the library's own writers (the JSON Lines batch path, receipts).
#pragma once

#include <string>
#include <string_view>

#include "diag/diagnostic.h"
#include "loket/answer.h"  // AppendJsonString, JsonString (src/api/json_text.cpp)

namespace loket {

// Decodes the inside of a JSON string literal (its escapes); false when an escape is malformed.
bool DecodeJsonString(std::string_view text, std::string& out);

// Finds the top-level member `field` of a JSON object. On success `value` is its string
// value (without quotes; escapes left as written) and, when `rest` is given, `*rest` the
// object without the member. Returns false with `error` and `kind` set: kMalformedCase when
// the text is not a well-formed object, kUnknownJurisdiction when the member is absent or not
// a string.
bool ExtractStringMember(std::string_view object, std::string_view field, std::string_view& value,
                         std::string* rest, std::string& error, diag::Kind& kind);

}  // namespace loket
