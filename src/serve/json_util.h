// Small JSON helpers of the service: checking untrusted bodies before they are parsed, and
// the error objects every failed request answers with.
#pragma once

#include <string>
#include <string_view>

#include <loket/answer.h>

namespace loket::serve {

// The deepest nesting of arrays and objects in `text` (strings skipped); stops counting once
// `limit` is exceeded, so a hostile body costs one pass.
int JsonDepth(std::string_view text, int limit);

// JSON string literals: loket::AppendJsonString and loket::JsonString (<loket/answer.h>).

// {"error": {"status": 400, "code": "...", "message": "..."}} — `extra` (JSON members without
// braces, e.g. `"diagnostics": [...]`) is added inside "error" when not empty.
std::string ErrorJson(int status, std::string_view code, std::string_view message,
                      std::string_view extra = {});

}  // namespace loket::serve
