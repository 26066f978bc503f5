// Every L1xx diagnostic, with its position, and hostile input that must end in a diagnostic
// rather than a crash, a hang or a huge allocation.
#include <catch2/catch.hpp>

#include "parse_helpers.h"
#include "syntax/input_checks.h"

using namespace loket;
using loket::syntax::testing::Parse;
using Codes = std::vector<std::string>;

TEST_CASE("Errors: L101 names the expected token by its spelling and where", "[syntax]") {
  auto parsed = Parse(R"(layer national "Nederland"
fact age: int
rule wi.duty "Wet inburgering 2021, art. 3"
  when age > 16
rule wi.other "Art. 4"
  then duty = false
)");
  CHECK(parsed->Codes() == Codes{"L101@5:1"});
  CHECK(parsed->sink.diagnostics()[0].message ==
        "expected `then` after the rule's conditions, found `rule`");
  // The broken rule is left out; the facts and the next rule are kept.
  CHECK(parsed->file->facts.size() == 1);
  REQUIRE(parsed->file->rules.size() == 1);
  CHECK(parsed->file->rules[0]->id == "wi.other");
}

TEST_CASE("Errors: L101 messages for missing and unexpected tokens", "[syntax]") {
  auto colon = Parse("layer national\nfact age int\n");
  CHECK(colon->Codes() == Codes{"L101@2:10"});
  CHECK(colon->sink.diagnostics()[0].message == "expected `:` in fact `age`, found `int`");

  auto end = Parse("layer national\nlet x = (1 + 2");
  CHECK(end->Codes() == Codes{"L101@2:15"});
  CHECK(end->sink.diagnostics()[0].message.find("found the end of the file") != std::string::npos);

  auto missing_expression = Parse("layer national\nlet x =\nfact y: int\n");
  CHECK(missing_expression->Codes() == Codes{"L101@3:1"});
  CHECK(missing_expression->sink.diagnostics()[0].message ==
        "expected an expression in let `x`, found `fact`");
  CHECK(missing_expression->file->facts.size() == 1);

  auto favours = Parse("layer national\ndecision d: int delegated to municipality favours more\n");
  CHECK(favours->Codes() == Codes{"L101@2:51"});
  CHECK(favours->sink.diagnostics()[0].message ==
        "expected `higher`, `lower`, `true` or `false` after `favours`, found `more`");

  auto twice = Parse("layer national\ndecision d: int default 1 default 2\n");
  CHECK(twice->Codes() == Codes{"L101@2:27"});

  auto validity = Parse(
      "layer national\nrule r \"x\" valid from 2020-01-01 valid until 2021-01-01 "
      "then d = 1\n");
  CHECK(validity->Codes() == Codes{"L101@2:34"});
}

TEST_CASE("Errors: L102 for characters outside the language", "[syntax]") {
  auto parsed = Parse("layer national\nlet x = 3 # 4\nlet y = 1\n");
  CHECK(parsed->Codes() == Codes{"L102@2:11", "L101@2:13"});
  CHECK(parsed->sink.diagnostics()[0].message == "the character `#` is not allowed here");

  auto run = Parse("layer national\nfact a: int \xC2\xA4\xC2\xA4@ \"x\"\n");
  CHECK(run->Codes() == Codes{"L102@2:13"});  // dropped, so the fact itself parses
  CHECK(run->sink.diagnostics()[0].message ==
        "the characters `\xC2\xA4\xC2\xA4@` are not allowed here");
  CHECK(run->Text(run->sink.diagnostics()[0].range) == "\xC2\xA4\xC2\xA4@");

  auto control = Parse("layer national\x01\n");
  CHECK(control->Codes() == Codes{"L102@1:15"});
  CHECK(control->sink.diagnostics()[0].message.find("U+0001") != std::string::npos);

  auto euro = Parse("layer national\nlet x = \xE2\x82\xAC\n");
  CHECK(euro->Codes().front() == "L102@2:9");

  // An unclosed quote is reported once; the rest of its line is skipped.
  auto quote = Parse("layer national \"Nederland\nfact age: int\n");
  CHECK(quote->Codes() == Codes{"L102@1:16"});
  CHECK(quote->file->facts.size() == 1);
}

TEST_CASE("Errors: an unclosed block comment", "[syntax]") {
  auto parsed = Parse("layer national\nfact a: int /* never closed\nfact b: int\n");
  CHECK(parsed->Codes() == Codes{"L101@2:13"});
  CHECK(parsed->file->facts.size() == 1);
}

TEST_CASE("Errors: L103 invalid UTF-8 with its byte position", "[syntax]") {
  auto parsed = Parse("layer national\nfact caf\xE9: int\n");
  CHECK(parsed->Codes() == Codes{"L103@2:9"});
  CHECK(parsed->sink.diagnostics()[0].message.find("0xE9 at offset 23") != std::string::npos);
  CHECK_FALSE(parsed->file->header);
}

TEST_CASE("Errors: L104 for files over the size limit, quickly", "[syntax]") {
  std::string huge(50u << 20, 'a');  // 50 MB
  auto parsed = Parse(std::move(huge));
  CHECK(parsed->Codes() == Codes{"L104@1:1"});
  CHECK(parsed->sink.diagnostics()[0].message ==
        "the file is larger than the limit of 16777216 bytes; split it into several files");

  syntax::ParseLimits few_tokens;
  few_tokens.max_tokens = 10;
  auto tokens = Parse("layer national\nlet x = 1 + 2 + 3 + 4 + 5\n", few_tokens);
  CHECK(tokens->Codes() == Codes{"L104@2:19"});
}

TEST_CASE("Errors: L105 for deep nesting, before the parser recurses", "[syntax]") {
  auto nested = [](const std::string& open, const std::string& inner, const std::string& close,
                   int count) {
    std::string text = "layer national\nlet x = ";
    for (int i = 0; i < count; ++i) text += open;
    text += inner;
    for (int i = 0; i < count; ++i) text += close;
    return Parse(text + "\n");
  };
  // 201 levels is one too many: the report points at the token that crossed the limit.
  CHECK(nested("(", "1", ")", 10000)->Codes() == Codes{"L105@2:209"});
  CHECK(nested("{", "1", "}", 10000)->Codes() == Codes{"L105@2:209"});
  CHECK(nested("not ", "a", "", 10000)->Codes() == Codes{"L105@2:809"});
  CHECK(nested("-", "1", "", 10000)->Codes() == Codes{"L105@2:209"});
  CHECK(nested("- ", "1", "", 10000)->Codes() == Codes{"L105@2:409"});
  CHECK(nested("if a then b else ", "c", "", 10000)->Codes().front().rfind("L105@2:", 0) == 0);
  CHECK(nested("a implies ", "b", "", 10000)->Codes().front().rfind("L105@2:", 0) == 0);
  CHECK(nested("max(", "1", ", 2)", 10000)->Codes() == Codes{"L105@2:812"});
  CHECK(nested("(not ", "a", ")", 5000)->Codes().front().rfind("L105@2:", 0) == 0);
  // Exactly at the limit is fine.
  auto at_limit = nested("(", "1", ")", 199);
  CHECK(at_limit->Codes().empty());
  REQUIRE(at_limit->file->lets.size() == 1);
  CHECK(at_limit->file->lets[0]->value->kind == ast::ExprKind::kIntLit);

  // A long flat sum is a deep left-leaning tree: refused when built, declaration dropped.
  std::string sum = "layer national\nlet x = 1";
  for (int i = 0; i < 1000; ++i) sum += " + 1";
  auto parsed = Parse(sum + "\nlet y = 2\n");
  CHECK(parsed->Codes() == Codes{"L105@2:9"});
  REQUIRE(parsed->file->lets.size() == 1);
  CHECK(parsed->file->lets[0]->name == "y");

  // Prefix operators that have ended do not add up either: a long flat condition is fine.
  std::string flat = "layer national\nlet x = not a0";
  for (int i = 1; i < 1000; ++i) flat += " and not a" + std::to_string(i) + " or -b < 0";
  auto flat_parsed = Parse(flat + "\n");
  CHECK(flat_parsed->Codes().empty());
  CHECK(flat_parsed->file->lets.size() == 1);
  // ... while open ones do: `not -not -...` nests 300 deep.
  CHECK(nested("not -", "a", "", 150)->Codes().front().rfind("L105@2:", 0) == 0);

  // Brackets in separate declarations do not add up.
  std::string many = "layer national\n";
  for (int i = 0; i < 300; ++i) many += "let x" + std::to_string(i) + " = (not (a))\n";
  CHECK(Parse(many)->Codes().empty());
}

TEST_CASE("Errors: L106 dates that are not in the calendar", "[syntax]") {
  auto parsed = Parse(R"(layer national valid from 2023-02-29
let x = 2024-13-01
rule r "x" valid from 2021-04-31 then d = 1
param p: int = 1 from 2022-00-10
fact f: date in 2020-01-01..2020-02-30
)");
  CHECK(parsed->Codes() == Codes{"L106@1:27", "L106@2:9", "L106@3:23", "L106@4:23", "L106@5:29"});
  CHECK(parsed->sink.diagnostics()[0].message.rfind("2023-02-29 is not a date", 0) == 0);
}

TEST_CASE("Errors: L107 malformed money and L108 too large integers", "[syntax]") {
  auto parsed = Parse(R"(layer national
let a = €1234.567
let b = €1.23,45
let c = 99999999999999999999
let d = 99999999999999999999 days
let e = €99.999.999.999.999.999.999
)");
  CHECK(parsed->Codes() == Codes{"L107@2:16", "L107@3:14", "L108@4:9", "L108@5:9", "L107@6:12"});
  CHECK(parsed->sink.diagnostics()[2].message.find("too large") != std::string::npos);
}

TEST_CASE("Errors: L109 files without a layer header", "[syntax]") {
  CHECK(Parse("")->Codes() == Codes{"L109@1:1"});
  CHECK(Parse("  // just a comment\n\n")->Codes() == Codes{"L109@1:1"});
  auto no_header = Parse("// rules\nfact age: int\n");
  CHECK(no_header->Codes() == Codes{"L109@2:1"});
  CHECK(no_header->sink.diagnostics()[0].message ==
        "a file starts with its layer header, such as `layer westland`; found `fact`");
  CHECK_FALSE(no_header->file->header);
}

TEST_CASE("Errors: L110 unknown escapes in strings", "[syntax]") {
  auto parsed = Parse("layer national \"Neder\\tland\"\nfact a: int \"ok \\\\ \\\" \\n\"\n");
  CHECK(parsed->Codes() == Codes{"L110@1:22"});
  CHECK(parsed->file->facts[0]->description == "ok \\ \" \n");
}

TEST_CASE("Errors: L111 stops after the error budget", "[syntax]") {
  std::string text = "layer national\n";
  for (int i = 0; i < 20; ++i) text += "fact f" + std::to_string(i) + " int\n";
  syntax::ParseLimits limits;
  limits.max_errors = 5;
  auto parsed = Parse(text, limits);
  auto codes = parsed->Codes();
  REQUIRE(codes.size() == 6);
  CHECK(codes[4] == "L101@6:9");
  CHECK(codes[5] == "L111@7:9");

  std::string bad_chars = "layer national\n";
  for (int i = 0; i < 100; ++i) bad_chars += "# ";
  auto many = Parse(bad_chars, limits);
  CHECK(many->Codes().size() == 6);
  CHECK(many->Codes().back() == "L111@2:11");
}

TEST_CASE("Errors: L112 binary files", "[syntax]") {
  std::string binary(
      "layer national\n\x7F"
      "ELF\0\0\x01",
      21);
  auto parsed = Parse(binary);
  CHECK(parsed->Codes() == Codes{"L112@2:5"});
  CHECK_FALSE(parsed->file->header);
}

TEST_CASE("Errors: a money range bound must be money, a date bound a date", "[syntax]") {
  auto parsed = Parse(
      "layer national\nfact a: money in 0..€10\nfact b: date in 1..2\n"
      "fact c: int in €1..2\nfact d: Permit in 1..2\n");
  CHECK(parsed->Codes() == Codes{"L204@2:18", "L204@3:17", "L204@3:20", "L204@4:16"});
}

TEST_CASE("Errors: garbage never crashes the parser", "[syntax]") {
  const char* inputs[] = {
      "layer",
      "layer national \"x\" under",
      "layer national\nrule",
      "layer national\nrule a.b.",
      "layer national\nrule a \"x\" when",
      "layer national\nenum E {}",
      "layer national\ndomain d { fact x: int }",
      "layer national\ndecision d: set of",
      "layer national\n)))}}}",
      "layer national\nlet x = {,}",
      "layer national\nlet x = known()",
      "layer national\nlet x = 1 in",
      "layer national\nparam p: int",
      "layer national\n"
      "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC",
      "layer layer layer",
  };
  for (const char* input : inputs) {
    INFO(input);
    auto parsed = Parse(input);
    CHECK(parsed->sink.has_errors());
  }
}

TEST_CASE("Errors: hints for the most common mistakes", "[syntax]") {
  auto citation = Parse("layer national\nrule wi.duty when age > 16 then x = 1\n");
  CHECK(citation->Codes() == Codes{"L101@2:14"});
  CHECK(citation->sink.diagnostics()[0].message ==
        "expected the rule's legal basis in double quotes after its id, such as \"Wet "
        "inburgering 2021, art. 3\"; found `when`");

  auto single_equals = Parse("layer national\nrule a \"x\" when x = 3 then y = 1\n");
  CHECK(single_equals->Codes() == Codes{"L101@2:19"});
  CHECK(single_equals->sink.diagnostics()[0].message.find("to compare, write `==`") !=
        std::string::npos);

  // `then` is kept as the clause keyword, not dropped to make `a and y` an expression.
  auto dangling_and = Parse("layer national\nrule a \"x\" when a and then y = 1\n");
  CHECK(dangling_and->Codes() == Codes{"L101@2:23"});
  CHECK(dangling_and->sink.diagnostics()[0].message ==
        "expected an expression in the rule's conditions, found `then`");

  auto rule_id = Parse("layer national\nrule 1a \"x\" then y = 1\n");
  CHECK(rule_id->Codes() == Codes{"L101@2:6"});
  CHECK(rule_id->sink.diagnostics()[0].message.find("in a rule id") != std::string::npos);
}

// Regression (found by adding a UTF-8 check on messages to the fuzzer): a long token quoted in
// a message was cut in the middle of a multi-byte character.
TEST_CASE("Errors: quoted input in messages stays valid UTF-8 and short", "[syntax]") {
  std::string text = "layer national\nlet x = \"" + std::string(33, 'a');
  for (int i = 0; i < 6; ++i) text += "\xE2\x82\xAC";
  auto parsed = Parse(text + "\"\n");
  REQUIRE(parsed->Codes() == Codes{"L101@2:9"});
  const std::string& message = parsed->sink.diagnostics()[0].message;
  CHECK_FALSE(syntax::FindInvalidUtf8(message));
  CHECK(message.find("aaa...\"") != std::string::npos);

  std::string amount =
      "layer national\nlet x = \xE2\x82\xAC"
      "1";
  for (int i = 0; i < 5000; ++i) amount += ".1";
  auto money = Parse(amount + "\n");
  REQUIRE(money->Codes() == Codes{"L107@2:14"});
  CHECK(money->sink.diagnostics()[0].message.size() < 200);

  auto number = Parse("layer national\nlet x = " + std::string(5000, '9') + "\n");
  REQUIRE(number->Codes() == Codes{"L108@2:9"});
  CHECK(number->sink.diagnostics()[0].message.size() < 200);
}
