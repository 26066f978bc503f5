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

std::size_t LimitErrors(std::vector<Diagnostic>& diagnostics, int limit) {
  if (limit <= 0) return 0;
  std::size_t errors = 0;
  std::size_t keep = diagnostics.size();
  std::size_t left_out = 0;
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    if (diagnostics[i].severity != Severity::kError) continue;
    if (++errors == static_cast<std::size_t>(limit) + 1) keep = i;
    if (errors > static_cast<std::size_t>(limit)) ++left_out;
  }
  diagnostics.resize(keep);
  return left_out;
}

void PrintErrorsLeftOut(std::size_t left_out) {
  if (left_out == 0) return;
  PrintError("too many errors: " + std::to_string(left_out) +
             " more not shown (--error-limit N shows N, 0 shows all)");
}

std::optional<RuleBase> LoadCleanRuleBase(const std::vector<std::string>& paths, int& exit_code,
                                          int error_limit, bool as_written) {
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
    bool competence_only = std::all_of(errors.begin(), errors.end(),
                                       [](const Diagnostic& d) { return IsCompetenceError(d); });
    const std::size_t total = errors.size();
    const std::size_t left_out = LimitErrors(errors, error_limit);
    RenderText(std::cerr, errors, render);
    if (as_written && competence_only) {
      PrintErrorsLeftOut(left_out);
      std::cerr << "loket: warning: evaluating the rules as written, with " << total
                << " competence error(s) (--as-written)\n";
      return rules;
    }
    PrintErrorsLeftOut(left_out);
    if (json_errors) std::cout << "{\"errors\": " << RenderJson(errors) << "}\n";
    // As text only: with --format json the diagnostics above are the JSON answer.
    std::cerr << "loket: error: the rules have " << total << " error(s); nothing was evaluated\n";
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

}  // namespace loket::cli
