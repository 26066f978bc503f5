// IncrementalChecker: sema reuses the results of the layers whose chain an edit left unchanged
// (src/sema/reuse.h), and the result is still exactly RuleBase::FromSources'. A generated
// rule base (national, two provinces, municipalities under either) goes through random edits
// (constants, declarations added and removed, type errors, names of other layers (L308),
// renamed layers, parents that do not exist (L301), files added and removed, files of an
// existing layer), and after each the checker's result is compared with a fresh check of
// the same sources: every field of every diagnostic, in order, and, when there are no
// errors, every jurisdiction's answer to a few cases (what the annotations compiled to).
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "loket/answer.h"
#include "loket/checker.h"
#include "loket/evaluate.h"
#include "loket/rule_base.h"

namespace {

struct National {
  int adult_age = 18;
  int within_hi = 40;
  bool type_error = false;  // `let adult` compares an int with a bool
  bool extra_let = false;
};

struct Province {
  bool present = true;
  int senior_age = 65;
  bool extra_rule = false;
};

struct Municipality {
  std::string name;
  std::string parent = "national";  // a province, a layer that does not exist, "" or "self"
  int hours = 10;
  int young_age = 30;
  bool extra_let = false;    // declares `local_<name>`
  std::string reads;         // a name its rule reads too: another layer's let, or none
  bool type_error = false;   // assigns a bool to an int decision
  bool second_file = false;  // a second file of the layer (a bare header)
};

const char* const kProvinces[] = {"noord", "zuid"};

struct Base {
  National national;
  Province provinces[2];
  std::map<int, Municipality> municipalities;  // by file number: the file keeps its path

  std::vector<loket::SourceText> Sources() const {
    std::vector<loket::SourceText> sources;
    std::ostringstream schema;
    schema << "layer national \"Nederland\"\n\n"
              "enum Permit \"residence permit\" {\n"
              "  asylum_fixed \"asylum permit for a fixed period\",\n"
              "  regular \"regular permit\",\n"
              "  none \"no lawful stay\"\n}\n\n"
              "fact age: int in 0..130 \"age in full years\"\n"
              "fact permit: Permit \"residence permit\"\n\n"
              "domain integration \"Inburgering\" {\n"
              "  decision integration_duty: bool default false closed \"obliged to integrate\"\n"
              "  decision coaching_hours: int in 0..100 default 0 delegated to municipality "
              "within 0.."
           << national.within_hi << "\n}\n";
    sources.push_back({"national/schema.loket", schema.str()});
    std::ostringstream rules;
    rules << "layer national\n\nlet adult = age >= "
          << (national.type_error ? std::string("true") : std::to_string(national.adult_age))
          << "\n"
          << (national.extra_let ? "let elderly = age >= 80\n" : "")
          << "\nrule wi.duty \"Wet inburgering 2021, art. 3 lid 1\"\n"
             "  when adult and permit == asylum_fixed\n"
             "  then integration_duty = true\n";
    sources.push_back({"national/rules.loket", rules.str()});
    for (int p = 0; p < 2; ++p) {
      const Province& province = provinces[p];
      if (!province.present) continue;
      const std::string name = kProvinces[p];
      std::ostringstream text;
      text << "layer province " << name << " \"Provincie " << name << "\" under national\n\n"
           << "let senior_" << name << " = age >= " << province.senior_age << "\n\n"
           << "domain support_" << name << " \"Steun " << name << "\" {\n"
           << "  decision support_" << name << ": bool default false \"provincial support\"\n}\n\n"
           << "rule prov.support \"Verordening steun " << name << ", art. 1\"\n"
           << "  when senior_" << name << " and adult\n"
           << "  then support_" << name << " = true\n";
      if (province.extra_rule) {
        text << "\nrule prov.young \"Verordening steun " << name << ", art. 2\"\n"
             << "  when age < 20 and not senior_" << name << "\n"
             << "  then support_" << name << " = true\n";
      }
      sources.push_back({"provinces/" + name + ".loket", text.str()});
    }
    for (const auto& [number, m] : municipalities) {
      const std::string path = "municipalities/m" + std::to_string(number);
      std::ostringstream text;
      const std::string parent = m.parent == "self" ? m.name : m.parent;
      text << "layer municipality " << m.name << " \"Gemeente " << m.name << "\""
           << (parent.empty() ? "" : " under " + parent) << "\n\n";
      if (m.extra_let)
        text << "let local_" << m.name << " = adult and age < " << m.young_age << "\n";
      text << "\nrule local.coaching \"Verordening coaching " << m.name << "\"\n"
           << "  when permit == asylum_fixed and age >= 18"
           << (m.reads.empty() ? "" : " and " + m.reads) << "\n"
           << "  then coaching_hours = "
           << (m.type_error ? std::string("true") : std::to_string(m.hours)) << "\n";
      sources.push_back({path + ".loket", text.str()});
      if (m.second_file) {
        sources.push_back({path + "_extra.loket",
                           "layer " + m.name + "\n\nrule local.senior \"Verordening coaching " +
                               m.name + ", art. 2\"\n  when permit == regular and age >= 70\n" +
                               "  then coaching_hours = 5\n"});
      }
    }
    return sources;
  }
};

// Every field of every diagnostic, in order.
std::vector<std::string> Described(const loket::RuleBase& rules) {
  std::vector<std::string> lines;
  for (const loket::Diagnostic& d : rules.diagnostics()) {
    std::ostringstream line;
    line << d.code << ' ' << d.kind << ' ' << static_cast<int>(d.severity) << ' ' << d.location.path
         << ':' << d.location.line << ':' << d.location.column << '-' << d.location.end_line << ':'
         << d.location.end_column << " [" << d.layer << "] " << d.message;
    for (const loket::DiagnosticNote& note : d.notes) {
      line << " | note " << note.location.path << ':' << note.location.line << ':'
           << note.location.column << ' ' << note.message;
    }
    for (const std::string& help : d.help) line << " | help " << help;
    for (const loket::Witness& witness : d.witnesses) {
      line << " | witness " << witness.jurisdiction << ' ' << witness.case_yaml << ' '
           << witness.replay;
    }
    lines.push_back(line.str());
  }
  return lines;
}

// What each jurisdiction answers for a few cases: the compiled annotations at work.
std::vector<std::string> Answers(const loket::RuleBase& rules) {
  std::vector<std::string> answers;
  if (rules.has_errors()) return answers;
  const loket::Date on = *loket::Date::Parse("2025-03-01");
  for (const auto& layer : rules.layers()) {
    loket::Result<loket::Program> program = rules.Compile(layer.name);
    if (!program.ok()) {
      answers.push_back(layer.name + ": does not compile");
      continue;
    }
    for (const char* facts :
         {R"({"age": 17, "permit": "asylum_fixed"})", R"({"age": 25, "permit": "asylum_fixed"})",
          R"({"age": 72, "permit": "regular"})"}) {
      loket::Case input = program->NewCase();
      std::vector<loket::Diagnostic> errors;
      if (!program->ParseJson(facts, input, errors)) {
        answers.push_back(layer.name + ": case rejected");
        continue;
      }
      answers.push_back(layer.name + ": " + loket::RenderAnswerJson(program->Explain(input, on)));
    }
  }
  return answers;
}

std::string NewName(std::mt19937& random) {
  static const char* const kNames[] = {"amsterdam", "westland", "zaanstad", "delft",
                                       "leiden",    "ede",      "venlo",    "assen"};
  return kNames[random() % 8] + std::to_string(random() % 3);
}

Municipality Undone(Municipality m) {
  m.type_error = false;
  m.reads.clear();
  if (m.parent != "noord" && m.parent != "zuid") m.parent = "national";
  m.hours %= 41;
  return m;
}

// One random edit; returns what it did, for the test's log.
std::string Edit(Base& base, std::mt19937& random) {
  auto pick = [&]() -> Municipality* {
    if (base.municipalities.empty()) return nullptr;
    auto it = base.municipalities.begin();
    std::advance(it, random() % base.municipalities.size());
    return &it->second;
  };
  // A let some other layer declares (or no longer declares), or an unknown one.
  auto other_name = [&](const Municipality& self) -> std::string {
    switch (random() % 4) {
      case 0:
        return "";
      case 1:
        return std::string("senior_") + kProvinces[random() % 2];
      default: {
        Municipality* other = pick();
        return other && other != &self ? "local_" + other->name : "local_nowhere";
      }
    }
  };
  Municipality* m = pick();
  switch (random() % 17) {
    case 0:
    case 1:
      if (!m) break;
      m->hours = static_cast<int>(random() % 46);  // above 40: outside `within`
      return m->name + ": hours " + std::to_string(m->hours);
    case 2:
      if (!m) break;
      m->extra_let = !m->extra_let;
      m->young_age = 20 + static_cast<int>(random() % 20);
      return m->name + ": let " + (m->extra_let ? "added" : "removed");
    case 3:
      if (!m) break;
      m->type_error = !m->type_error;
      return m->name + ": type error " + (m->type_error ? "in" : "out");
    case 4:
    case 5:
      if (!m) break;
      m->reads = other_name(*m);
      return m->name + ": reads `" + m->reads + "`";
    case 6:
      if (!m) break;
      m->name = NewName(random);
      return "renamed to " + m->name;
    case 7: {
      if (!m) break;
      // A layer that does not exist (L301), none (a second root, L305), itself (L303).
      static const char* const kParents[] = {"national", "noord", "zuid", "nergens", "", "self"};
      m->parent = kParents[random() % 6];
      return m->name + ": under " + m->parent;
    }
    case 8: {
      int number = static_cast<int>(random() % 8);
      Municipality added;
      added.name = NewName(random);
      added.hours = static_cast<int>(random() % 40);
      base.municipalities[number] = added;
      return "file m" + std::to_string(number) + ": " + added.name;
    }
    case 9:
      if (!m) break;
      for (auto it = base.municipalities.begin(); it != base.municipalities.end(); ++it) {
        if (&it->second != m) continue;
        base.municipalities.erase(it);
        return "file removed";
      }
      break;
    case 10:
      if (!m) break;
      m->second_file = !m->second_file;
      return m->name + ": second file " + (m->second_file ? "added" : "removed");
    case 11: {
      Province& province = base.provinces[random() % 2];
      switch (random() % 3) {
        case 0:
          province.present = !province.present;
          return std::string("province ") + (province.present ? "added" : "removed");
        case 1:
          province.extra_rule = !province.extra_rule;
          return "province rule toggled";
        default:
          province.senior_age = 60 + static_cast<int>(random() % 10);
          return "province age " + std::to_string(province.senior_age);
      }
    }
    case 12:
      switch (random() % 4) {
        case 0:
          base.national.adult_age = 16 + static_cast<int>(random() % 4);
          return "national adult age";
        case 1:
          base.national.within_hi = 30 + static_cast<int>(random() % 20);
          return "national within " + std::to_string(base.national.within_hi);
        case 2:
          base.national.type_error = !base.national.type_error;
          return "national type error toggled";
        default:
          base.national.extra_let = !base.national.extra_let;
          return "national let toggled";
      }
    case 13:
      // Undo every fault: keeps error-free states frequent.
      base.national.type_error = false;
      base.national.within_hi = 40;
      for (auto& [number, each] : base.municipalities) each = Undone(each);
      return "every fault undone";
    default:
      if (!m) break;
      *m = Undone(*m);
      return m->name + ": faults undone";
  }
  return "nothing";
}

}  // namespace

TEST_CASE(
    "IncrementalChecker: sema's reused layers give exactly FromSources' result, over "
    "random edits",
    "[api][incremental-sema]") {
  loket::LoadOptions options;
  options.threads = 1;
  int reused = 0;
  int compared_answers = 0;
  for (std::uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
    std::mt19937 random(seed);
    Base base;
    for (int number = 0; number < 5; ++number) {
      Municipality m;
      m.name = NewName(random) + "_" + std::to_string(number);
      m.parent = number % 2 ? kProvinces[number % 4 / 2] : "national";
      m.hours = 5 * number;
      base.municipalities[number] = m;
    }
    loket::IncrementalChecker checker(options);
    std::string history;
    for (int step = 0; step < 60; ++step) {
      if (step > 0) history += " / " + Edit(base, random);
      INFO("seed " << seed << ", edits: " << history);
      const std::vector<loket::SourceText> sources = base.Sources();
      loket::RuleBase checked = checker.Check(sources);
      loket::RuleBase expected = loket::RuleBase::FromSources(sources, options);
      REQUIRE(Described(checked) == Described(expected));
      CHECK(checked.has_errors() == expected.has_errors());
      const std::vector<std::string> answers = Answers(checked);
      CHECK(answers == Answers(expected));
      compared_answers += static_cast<int>(answers.size());
      const loket::IncrementalChecker::Stats stats = checker.last_stats();
      CHECK(stats.layers_checked + stats.layers_reused ==
            static_cast<int>(expected.layers().size()));
      reused += stats.layers_reused;
    }
  }
  // The test means something only when layers were reused and answers compared.
  CHECK(reused > 100);
  CHECK(compared_answers > 100);
}

TEST_CASE("IncrementalChecker: an edit in one municipality checks only that layer in sema",
          "[api][incremental-sema]") {
  loket::LoadOptions options;
  options.threads = 1;
  options.analyze_conflicts = false;
  Base base;
  for (int number = 0; number < 4; ++number) {
    Municipality m;
    m.name = "m" + std::to_string(number);
    m.parent = number % 2 ? "noord" : "national";
    m.extra_let = true;
    base.municipalities[number] = m;
  }
  loket::IncrementalChecker checker(options);
  checker.Check(base.Sources());
  CHECK(checker.last_stats().layers_checked == 7);  // national, 2 provinces, 4 municipalities
  CHECK(checker.last_stats().layers_reused == 0);

  base.municipalities[1].hours = 33;
  checker.Check(base.Sources());
  CHECK(checker.last_stats().layers_checked == 1);
  CHECK(checker.last_stats().layers_reused == 6);

  // A province edit: the province and the municipality under it.
  base.provinces[0].senior_age = 66;
  checker.Check(base.Sources());
  CHECK(checker.last_stats().layers_checked == 3);  // noord, m1, m3

  // m2 reads m0's let (L308): it looked at every layer's names, so it is checked again next
  // time, although its chain did not change.
  base.municipalities[2].reads = "local_m0";
  loket::RuleBase hidden = checker.Check(base.Sources());
  REQUIRE(hidden.has_errors());
  CHECK(hidden.diagnostics().front().code == "L308");
  base.municipalities[0].extra_let = false;  // now an unknown name (L201) in m2
  loket::RuleBase unknown = checker.Check(base.Sources());
  CHECK(checker.last_stats().layers_checked == 2);  // m0, and m2 again
  REQUIRE_FALSE(unknown.diagnostics().empty());
  CHECK(unknown.diagnostics().front().code == "L201");
  CHECK(Described(unknown) == Described(loket::RuleBase::FromSources(base.Sources(), options)));
}

TEST_CASE("IncrementalChecker: a layer below one that looked outside its chain is checked again",
          "[api][incremental-sema]") {
  // National's `within {red, blue}` names `blue`, no member of Colour. While municipality a
  // declares a value `blue`, sema looks outside national's chain to say so (L308: declared in
  // a layer national cannot see); without it, `blue` is unknown (L205). National's results
  // then depend on a: c's chain is unchanged, but it is checked again.
  auto sources = [](bool a_declares_blue) {
    return std::vector<loket::SourceText>{
        {"national.loket",
         "layer national \"Nederland\"\n\n"
         "enum Colour \"colour\" { red \"red\", green \"green\" }\n"
         "enum Tone \"tone\" { light \"light\", blue \"blue\" }\n\n"
         "fact age: int in 0..130 \"age in full years\"\n\n"
         "domain paint \"Verf\" {\n"
         "  decision colour: Colour default red delegated to municipality within {red, blue} "
         "\"colour\"\n}\n"},
        {"a.loket", std::string("layer municipality a \"Gemeente a\" under national\n\n") +
                        (a_declares_blue ? "let blue = age > 3\n" : "let other = age > 3\n")},
        {"c.loket",
         "layer municipality c \"Gemeente c\" under national\n\n"
         "rule local.paint \"Verordening verf c, art. 1\"\n"
         "  when age > 20\n"
         "  then colour = green\n"}};
  };
  loket::LoadOptions options;
  options.threads = 1;
  options.analyze_conflicts = false;
  loket::IncrementalChecker checker(options);
  for (bool declares : {true, false, true, false}) {
    INFO("a declares blue: " << declares);
    loket::RuleBase checked = checker.Check(sources(declares));
    loket::RuleBase expected = loket::RuleBase::FromSources(sources(declares), options);
    CHECK(Described(checked) == Described(expected));
  }
}
