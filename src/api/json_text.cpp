// JSON string literals as every JSON writer of loket writes them (the library's renderers, the
// JSON Lines batch, receipts, the HTTP service): one escaper, so all agree byte for byte.
#include <string>
#include <string_view>

#include "api/json_text.h"
#include "support/utf8.h"

namespace loket {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* kHex = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else if (static_cast<unsigned char>(c) >= 0x80) {
          const std::size_t length = support::Utf8SequenceLength(text, i);
          if (length == 0) {
            out += "\\ufffd";
            ++i;
          } else {
            out.append(text.data() + i, length);
            i += length;
          }
          continue;
        } else {
          out += c;
        }
    }
    ++i;
  }
  out += '"';
}

std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

}  // namespace loket
