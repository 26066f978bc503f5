// Escaping for the HTML documents the library writes (overviews, legal reports).
#pragma once

#include <string>

namespace loket::internal {

// Text for element content and double-quoted attribute values.
inline std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace loket::internal
