#include "common.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace loket::cli {

bool StdoutIsTerminal() {
  return isatty(STDOUT_FILENO) != 0;
}
bool StderrIsTerminal() {
  return isatty(STDERR_FILENO) != 0;
}

bool UseColor(const std::string& when) {
  if (when == "always") return true;
  if (when == "never") return false;
  return StdoutIsTerminal() && std::getenv("NO_COLOR") == nullptr;
}

void PrintError(const std::string& message) {
  std::cerr << "loket: error: " << message << "\n";
}
void PrintError(const Status& status) {
  PrintError(status.message());
}

std::optional<RuleBase> LoadRuleBase(const std::vector<std::string>& paths,
                                     const LoadOptions& options) {
  Result<RuleBase> loaded = RuleBase::LoadFiles(paths, options);
  if (!loaded.ok()) {
    PrintError(loaded.status());
    return std::nullopt;
  }
  return std::move(loaded).value();
}

std::optional<RuleBase> LoadCleanRuleBase(const std::vector<std::string>& paths, int& exit_code,
                                          bool as_written) {
  LoadOptions options;
  options.analyze_conflicts = false;  // evaluation needs a correct rule base, not findings
  options.accept_competence_errors = as_written;
  std::optional<RuleBase> rules = LoadRuleBase(paths, options);
  if (!rules) {
    exit_code = 2;
    return std::nullopt;
  }
  if (rules->has_errors()) {
    RenderOptions render;
    render.color = isatty(STDERR_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
    std::vector<Diagnostic> errors;
    for (const Diagnostic& diagnostic : rules->diagnostics()) {
      if (diagnostic.severity == Severity::kError) errors.push_back(diagnostic);
    }
    RenderText(std::cerr, errors, render);
    bool competence_only = std::all_of(errors.begin(), errors.end(), [](const Diagnostic& d) {
      return d.code == "L310" || d.code == "L311" || d.code == "L314";
    });
    if (as_written && competence_only) {
      std::cerr << "loket: warning: evaluating the rules as written, with " << errors.size()
                << " competence error(s) (--as-written)\n";
      return rules;
    }
    PrintError("the rules have " + std::to_string(errors.size()) +
               " error(s); nothing was evaluated");
    exit_code = 1;
    return std::nullopt;
  }
  return rules;
}

std::optional<Program> CompileJurisdiction(const RuleBase& rules, const std::string& jurisdiction) {
  Result<Program> program = rules.Compile(jurisdiction);
  if (!program.ok()) {
    PrintError(program.status());
    return std::nullopt;
  }
  return std::move(program).value();
}

Status ReadWholeFile(const std::string& path, std::string& text) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return {StatusCode::kInvalidArgument, "`" + path + "` is a folder, not a file"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {StatusCode::kNotFound, "cannot open `" + path + "`: " + std::strerror(errno)};
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return {StatusCode::kIoError, "error while reading `" + path + "`"};
  text = std::move(buffer).str();
  return Status::Ok();
}

Date Today() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return Date::FromCivil(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday).value_or(Date{});
}

std::optional<Date> ParseDateOption(const std::string& text) {
  std::optional<Date> date = Date::Parse(text);
  if (!date) PrintError("`--on " + text + "` is not a date; write YYYY-MM-DD, e.g. 2025-03-01");
  return date;
}

std::string OneLine(const std::string& text) {
  std::string line;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !line.empty();
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  return line;
}

}  // namespace loket::cli
