#include "serve/json_util.h"
namespace loket::serve {

int JsonDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

std::string ErrorJson(int status, std::string_view code, std::string_view message,
                      std::string_view extra) {
  std::string out = "{\"error\":{\"status\":" + std::to_string(status) + ",\"code\":";
  AppendJsonString(out, code);
  out += ",\"message\":";
  AppendJsonString(out, message);
  if (!extra.empty()) {
    out += ',';
    out += extra;
  }
  out += "}}\n";
  return out;
}

}  // namespace loket::serve
