// The YAML subset reader of case files and test suites (eval/yaml_subset.h): what it reads,
// what it refuses and where, and that the shapes on which yaml-cpp 0.7 never returned end.
#include <string>

#include <catch2/catch.hpp>

#include "eval/yaml_subset.h"

namespace loket::eval {
namespace {

using Kind = YamlNode::Kind;

YamlNode Read(const std::string& text) {
  YamlNode root;
  YamlError error;
  INFO(text);
  REQUIRE(ReadYaml(text, root, error));
  return root;
}

YamlError Refused(const std::string& text) {
  YamlNode root;
  YamlError error;
  INFO(text);
  REQUIRE_FALSE(ReadYaml(text, root, error));
  return error;
}

TEST_CASE("yaml subset: block mappings, sequences, flow collections and scalars", "[eval][yaml]") {
  const YamlNode root = Read(
      "# a case\n"
      "age: 30\n"
      "name: \"A \\\"quoted\\\" \\u00e9\"  # comment\n"
      "note: 'it''s'\n"
      "empty:\n"
      "tilde: ~\n"
      "wishes: [intake, \"housing_desk\"]\n"
      "nested:\n"
      "  - one: 1\n"
      "    two: {a: [x], b: }\n"
      "  -\n"
      "list:\n"
      "- a\n"
      "- b\n"
      "long: a plain\n"
      "  value\n");
  REQUIRE(root.kind == Kind::kMapping);
  REQUIRE(root.entries.size() == 9);
  const auto& age = root.entries[0];
  CHECK(age.key.text == "age");
  CHECK((age.value.kind == Kind::kScalar && !age.value.quoted && age.value.text == "30"));
  CHECK((age.key.line == 2 && age.key.column == 1));
  CHECK(root.entries[1].value.text == "A \"quoted\" \xC3\xA9");
  CHECK(root.entries[1].value.quoted);
  CHECK(root.entries[2].value.text == "it's");
  CHECK(root.entries[3].value.kind == Kind::kNull);
  CHECK(root.entries[4].value.kind == Kind::kNull);
  const YamlNode& wishes = root.entries[5].value;
  REQUIRE(wishes.kind == Kind::kSequence);
  CHECK((wishes.items[0].text == "intake" && wishes.items[1].quoted));
  const YamlNode& nested = root.entries[6].value;
  REQUIRE((nested.kind == Kind::kSequence && nested.items.size() == 2));
  REQUIRE(nested.items[0].kind == Kind::kMapping);
  CHECK(nested.items[0].entries[1].key.line == 10);
  CHECK(nested.items[0].entries[1].value.entries[1].value.kind == Kind::kNull);
  CHECK(nested.items[1].kind == Kind::kNull);
  CHECK(root.entries[7].value.items.size() == 2);
  CHECK(root.entries[8].value.text == "a plain value");
}

TEST_CASE("yaml subset: quoted text folds lines, CRLF and a byte order mark are read",
          "[eval][yaml]") {
  CHECK(Read("a: \"one\n  two\n\n  three\"\n").entries[0].value.text == "one two\nthree");
  CHECK(Read("a: \"joined\\\n   here\"\n").entries[0].value.text == "joinedhere");
  const YamlNode crlf = Read(
      "\xEF\xBB\xBF"
      "a: 1\r\nb: [x,\r\n  y]\r\n");
  CHECK((crlf.entries.size() == 2 && crlf.entries[1].value.items[1].text == "y"));
  CHECK(Read("--- # one document\n{age: 30}\n...\n").entries[0].value.text == "30");
  CHECK(Read("").kind == Kind::kNull);
  CHECK(Read("# only a comment\n").kind == Kind::kNull);
}

TEST_CASE("yaml subset: what is refused, with its place", "[eval][yaml]") {
  // yaml-cpp 0.7 never returned on these (tests/fuzz/corpus_case).
  YamlError error = Refused(",\n");
  CHECK((error.line == 1 && error.column == 1));
  CHECK(error.message == "a `,` outside brackets");
  CHECK(Refused("\n ,a").line == 2);
  CHECK(Refused("!!str ,\n").message == "YAML tags (`!name`) are not supported");
  CHECK(Refused("&x ,\n").kind == YamlError::Kind::kAlias);
  CHECK(Refused("a: 1\n---\n,\n").kind == YamlError::Kind::kSecondDocument);
  // Expansion and ambiguity.
  CHECK(Refused("a: &x [1]\nb: *x\n").kind == YamlError::Kind::kAlias);
  error = Refused("age: 30\nresidence: none\n---\nage: 12\n");
  CHECK((error.kind == YamlError::Kind::kSecondDocument && error.line == 4));
  CHECK(Refused("age: 30\n---\n").line == 2);
  CHECK(Refused(std::string(600, '[') + std::string(600, ']')).kind == YamlError::Kind::kTooDeep);
  // Malformed text.
  CHECK(Refused("a: [1, 2\n").message == "this `[` is never closed with `]`");
  CHECK(Refused("a: \"open\n").line == 1);
  CHECK(Refused("a: 1\n  b: 2\n").line == 2);
  CHECK(Refused("a:\n\t- x\n").message == "a tab in the indentation; indent with spaces");
  CHECK(Refused("a: b: c\n").line == 1);
  CHECK(Refused("a: |\n  text\n").message.find("block text") == 0);
  CHECK(Refused("a: \"\\q\"\n").message.find("unknown escape") == 0);
  CHECK(Refused("a: x\x01y\n").message.find("control character") != std::string::npos);
  CHECK(Refused("a: [1,, 2]\n").line == 1);
}

TEST_CASE("yaml subset: deep block nesting is refused, not recursed into", "[eval][yaml]") {
  std::string text;
  for (int level = 0; level < 600; ++level) text += std::string(level, ' ') + "a:\n";
  CHECK(Refused(text).kind == YamlError::Kind::kTooDeep);
  std::string dashes;
  for (int level = 0; level < 600; ++level) dashes += "- ";
  CHECK(Refused(dashes + "x\n").kind == YamlError::Kind::kTooDeep);
}

}  // namespace
}  // namespace loket::eval
