// The part of YAML that case files and test suites are written in (docs/cli.md "YAML
// input"): one document of block mappings and sequences, flow `[...]` and `{...}`, plain,
// 'single' and "double" quoted scalars and comments. Read here in one pass that always moves
// forward, so no input can make the reader loop (yaml-cpp 0.7 never returns on some, found by
// tests/fuzz/case_fuzzer) or expand (anchors, aliases and tags are refused).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loket::eval {

struct YamlEntry;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMapping };
  Kind kind = Kind::kNull;
  bool quoted = false;             // a quoted scalar: text, never a number or null
  std::string text;                // a scalar's value
  int line = 0;                    // where the node starts, 1-based
  int column = 0;                  // in bytes, 1-based
  std::vector<YamlNode> items;     // kSequence
  std::vector<YamlEntry> entries;  // kMapping, as written (keys may repeat)
};

struct YamlEntry {
  YamlNode key;
  YamlNode value;
};

struct YamlError {
  enum class Kind {
    kInvalid,         // not in the subset; `message` says what
    kTooDeep,         // nested more than kMaxYamlDepth
    kSecondDocument,  // a second document (`---` after content)
    kAlias,           // an anchor `&name` or alias `*name`
  };
  Kind kind = Kind::kInvalid;
  std::string message;  // ASCII, no text quoted from the input
  int line = 0;         // 1-based
  int column = 0;       // 1-based
};

// Collections nested deeper are refused (the readers recurse once per level).
inline constexpr int kMaxYamlDepth = 499;

// Reads one document (empty: a kNull root). False with `error` when `text` is not in the
// subset. Linear in the size of `text`.
bool ReadYaml(std::string_view text, YamlNode& root, YamlError& error);

}  // namespace loket::eval
