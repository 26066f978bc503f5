#include "common.h"

#include <unistd.h>

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

namespace {
bool json_errors = false;

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kIoError:
      return "io_error";
    case StatusCode::kLimitExceeded:
      return "limit_exceeded";
    case StatusCode::kInternal:
      return "internal";
  }
  return "error";
}

void PrintError(const char* code, const std::string& message) {
  std::cerr << "loket: error: " << message << "\n";
  if (json_errors) std::cout << RenderRunErrorJson(code, message) << "\n" << std::flush;
}
}  // namespace

void SetJsonErrors(bool on) {
  json_errors = on;
}
bool JsonErrors() {
  return json_errors;
}

void PrintError(const std::string& message) {
  PrintError("usage", message);
}
void PrintError(const Status& status) {
  PrintError(StatusCodeName(status.code()), status.message());
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

std::optional<RuleBase> LoadCleanRuleBase(const std::vector<std::string>& paths, int& exit_code) {
  LoadOptions options;
  options.analyze_conflicts = false;  // evaluation needs a correct rule base, not findings
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
    if (json_errors) std::cout << "{\"errors\": " << RenderJson(errors) << "}\n";
    std::cerr << "loket: error: the rules have " << errors.size()
              << " error(s); nothing was evaluated\n";
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
