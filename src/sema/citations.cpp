// Laws and citations: `law wi2021 "Wet inburgering 2021" bwb BWBR0044770` declares a source
// once; a rule's citation list `[wi2021 art 3 lid 2 sub c; "free text"]` cites it by name with
// an article reference, which is read here into article, lid (paragraph) and sub.
#include <cctype>
#include <string>
#include <vector>

#include "sema/analyzer.h"

namespace loket::sema::detail {

namespace {

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One word of an article reference and where it starts within the reference.
struct Word {
  std::string text;
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Splits "art. 3 lid 2 sub c" / "art 4a-4b" into words: letters (with a trailing dot kept
// apart from the word), article numbers (digits and letters joined by `.` or `:`, as in 2.38,
// 4a, 2:6) and `-`.
std::vector<Word> SplitReference(std::string_view text) {
  std::vector<Word> words;
  std::size_t i = 0;
  auto is_alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
      continue;
    }
    std::size_t start = i;
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      // An article number: 3, 2.38, 4a, 2:6, 7.1.2
      while (i < text.size()) {
        if (is_alnum(text[i])) {
          ++i;
        } else if ((text[i] == '.' || text[i] == ':') && i + 1 < text.size() &&
                   is_alnum(text[i + 1])) {
          ++i;
        } else {
          break;
        }
      }
    } else if (std::isalpha(static_cast<unsigned char>(c)) != 0) {
      while (i < text.size() && is_alnum(text[i])) ++i;
      if (i < text.size() && text[i] == '.') ++i;  // `art.`
    } else {
      ++i;  // `-`, or a stray `.` / `:`
    }
    words.push_back({std::string(text.substr(start, i - start)), start, i - start});
  }
  return words;
}

bool IsArticleNumber(std::string_view word) {
  return !word.empty() && std::isdigit(static_cast<unsigned char>(word.front())) != 0;
}

bool IsSubLabel(std::string_view word) {
  if (word.empty()) return false;
  for (char c : word) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

std::string Keyword(const Word& word) {
  std::string text = Lower(word.text);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

constexpr const char* kExample =
    "for example `wi2021 art 3 lid 2 sub c` or `besluit_wi2021 art 2.2`";

}  // namespace

void Analyzer::CheckLaw(const ast::LawDecl& law) {
  if (law.register_kind.empty()) return;
  if (law.register_kind != "bwb" && law.register_kind != "cvdr") {
    auto& diagnostic =
        Report(diag::Kind::kInvalidLawIdentifier, law.register_range,
               fmt::format("law `{}` names the register `{}`; loket knows `bwb` (national law, "
                           "wetten.overheid.nl) and `cvdr` (local regulations)",
                           law.name, law.register_kind));
    std::string closest = diag::ClosestName(Lower(law.register_kind), {"bwb", "cvdr"});
    if (!closest.empty()) diagnostic.help.push_back(fmt::format("did you mean `{}`?", closest));
    return;
  }
  const bool bwb = law.register_kind == "bwb";
  std::string_view prefix = bwb ? "BWBR" : "CVDR";
  std::string_view id = law.identifier;
  bool well_formed = id.size() > prefix.size() && id.substr(0, prefix.size()) == prefix &&
                     AllDigits(id.substr(prefix.size())) &&
                     (!bwb || id.size() == prefix.size() + 7);
  if (!well_formed) {
    Report(diag::Kind::kInvalidLawIdentifier, law.identifier_range,
           fmt::format("`{}` is not a {} identifier", law.identifier, bwb ? "BWB" : "CVDR"))
        .help.push_back(bwb ? "a BWB identifier is BWBR and seven digits, e.g. BWBR0044770; "
                              "leave it out when it is not known"
                            : "a CVDR identifier is CVDR and digits, e.g. CVDR718456; leave it "
                              "out when it is not known");
  }
}

void Analyzer::CheckCitations(const ast::RuleDecl& rule, const Layer& layer) {
  std::string text;
  for (const ast::Citation& citation : rule.citations) {
    std::string entry;
    if (citation.law.empty()) {
      entry = citation.remark;
    } else {
      const Entity* entity = Lookup(layer, NameSpace::kLaw, citation.law);
      if (!entity) {
        diag::Diagnostic& diagnostic =
            ReportUnresolved(layer, NameSpace::kLaw, citation.law, citation.law_range,
                             diag::Kind::kUnknownLaw, "law");
        if (diagnostic.kind == diag::Kind::kUnknownLaw && diagnostic.help.empty()) {
          diagnostic.help.push_back(fmt::format(
              "declare it once, e.g. `law {} \"Title of the law\" bwb BWBR...`, or cite free "
              "text in quotes",
              citation.law));
        }
        entry = citation.law;
      } else {
        ann_.Info(citation).law_decl = entity->law;
        entry = entity->law->title.empty() ? entity->law->name : entity->law->title;
      }
      ReadArticleReference(citation);
      const CitationInfo& info = ann_.InfoOf(citation);
      if (!info.article.empty()) {
        entry += ", art. " + info.article;
        if (!info.article_to.empty()) entry += "-" + info.article_to;
        if (!info.paragraph.empty()) entry += " lid " + info.paragraph;
        if (!info.sub.empty()) entry += " sub " + info.sub;
      }
      if (!citation.remark.empty()) entry += " (" + citation.remark + ")";
    }
    ann_.Info(citation).text = entry;
    if (!text.empty()) text += "; ";
    text += entry;
  }
  ann_.Citation(rule) = text;
}

void Analyzer::ReadArticleReference(const ast::Citation& citation) {
  if (citation.reference.empty()) return;  // the law as a whole
  CitationInfo& info = ann_.Info(citation);
  std::vector<Word> words = SplitReference(citation.reference);
  auto range_of = [&](const Word& word) {
    return source::SourceRange{
        citation.reference_range.file,
        citation.reference_range.begin + static_cast<std::uint32_t>(word.offset),
        citation.reference_range.begin + static_cast<std::uint32_t>(word.offset + word.length)};
  };
  auto fail = [&](const Word& at, std::string message, std::string help) {
    auto& diagnostic = Report(diag::Kind::kMalformedArticleReference, range_of(at),
                              fmt::format("in the citation of `{}`: {}", citation.law, message));
    if (!help.empty()) diagnostic.help.push_back(std::move(help));
    diagnostic.help.push_back(kExample);
    info.article.clear();
    info.article_to.clear();
    info.paragraph.clear();
    info.sub.clear();
  };
  auto did_you_mean = [](const Word& word, const std::vector<std::string>& keywords) {
    std::string closest = diag::ClosestName(Keyword(word), keywords);
    return closest.empty() ? std::string() : fmt::format("did you mean `{}`?", closest);
  };
  std::size_t i = 0;
  const std::string first = Keyword(words[0]);
  if (first != "art" && first != "artikel") {
    fail(words[0], fmt::format("expected `art` and an article number, found `{}`", words[0].text),
         IsArticleNumber(words[0].text) ? fmt::format("write `art {}`", words[0].text)
                                        : did_you_mean(words[0], {"art", "artikel"}));
    return;
  }
  ++i;
  if (i >= words.size() || !IsArticleNumber(words[i].text)) {
    fail(i < words.size() ? words[i] : words[0],
         "`art` needs an article number such as 3, 2.2, "
         "4a or 2:6",
         "");
    return;
  }
  info.article = words[i++].text;
  if (i < words.size() && words[i].text == "-") {
    if (i + 1 >= words.size() || !IsArticleNumber(words[i + 1].text)) {
      fail(words[i], "a range of articles needs a last article, as in `art 15-16`", "");
      return;
    }
    info.article_to = words[i + 1].text;
    i += 2;
  }
  if (i < words.size() && Keyword(words[i]) == "lid") {
    if (i + 1 >= words.size() || !AllDigits(words[i + 1].text)) {
      fail(words[i], "`lid` needs a paragraph number, as in `lid 2`", "");
      return;
    }
    info.paragraph = words[i + 1].text;
    i += 2;
  }
  if (i < words.size() && (Keyword(words[i]) == "sub" || Keyword(words[i]) == "onder")) {
    if (i + 1 >= words.size() || !IsSubLabel(words[i + 1].text)) {
      fail(words[i], fmt::format("`{}` needs a label, as in `sub c`", words[i].text), "");
      return;
    }
    info.sub = words[i + 1].text;
    i += 2;
  }
  if (i < words.size()) {
    fail(words[i], fmt::format("unexpected `{}` in the article reference", words[i].text),
         did_you_mean(words[i], {"lid", "sub", "onder"}));
  }
}

}  // namespace loket::sema::detail
