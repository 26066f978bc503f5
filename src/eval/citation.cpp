// Links from a citation to the official text of the law (docs/language.md, "Laws and
// citations"). National law: a Juriconnect (jci 1.3) link into wetten.overheid.nl, which
// resolves to the consolidated version valid on the date `g`; local regulations: their CVDR
// page on lokaleregelgeving.overheid.nl.
#include <cctype>
#include <string>

#include "loket/evaluate.h"

namespace loket {

namespace {

// jci parameters take article numbers such as 2.38, 4a or 2:6; anything else is
// percent-encoded so a link can never be broken by a label.
std::string Encode(const std::string& text) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '.' || c == ':' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string CitationLink(const CitationInfo& citation, Date on) {
  if (citation.identifier.empty()) return {};
  if (citation.registry == "cvdr") {
    return "https://lokaleregelgeving.overheid.nl/" + Encode(citation.identifier);
  }
  if (citation.registry != "bwb") return {};
  std::string link = "https://wetten.overheid.nl/jci1.3:c:" + Encode(citation.identifier);
  if (!citation.article.empty()) {
    link += "&artikel=" + Encode(citation.article);
    if (!citation.paragraph.empty()) link += "&lid=" + Encode(citation.paragraph);
    if (!citation.sub.empty()) link += "&o=" + Encode(citation.sub);
  }
  link += "&g=" + on.ToString();
  return link;
}

}  // namespace loket
