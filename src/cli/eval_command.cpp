// `loket eval`: the one-desk answer for one case (text for people, JSON for programs), or,
// with --cases, a JSON Lines batch decided in input order.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <loket/answer.h>
#include <loket/batch.h>
#include <loket/evaluate.h>
#include <loket/loket.h>
#include <loket/receipt.h>

#include "command.h"
#include "common.h"
#include "output_file.h"

namespace loket::cli {
namespace {

struct EvalCommandOptions {
  std::vector<std::string> inputs;  // rule files/folders, then case files (.yaml/.yml/.json)
  std::string jurisdiction;
  std::string on;
  bool explain = false;
  bool all = false;
  bool as_written = false;
  std::string why_not;
  std::string format = "text";
  std::string color = "auto";
  // Batch mode.
  std::string cases;
  std::string out;
  std::string jurisdiction_field;
  int error_limit = kDefaultErrorLimit;
};

std::string LowerExtension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

// Case files by their extension, in any case (`Case.YAML`).
bool IsCaseFile(const std::string& path) {
  const std::string extension = LowerExtension(path);
  return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

bool IsJsonLines(const std::string& path) {
  return LowerExtension(path) == ".jsonl";
}

std::string LayerTitle(const RuleBase& rules, const std::string& name) {
  for (const LayerInfo& layer : rules.layers()) {
    if (layer.name == name) return layer.title;
  }
  return "";
}

// A folder without rule files but with case files was meant as cases, not rules.
bool FolderHoldsCasesNotRules(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_directory(path, error)) return false;
  bool cases = false;
  for (std::filesystem::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    const std::string extension = LowerExtension(it->path().string());
    if (extension == ".loket") return false;
    if (extension == ".jsonl" || IsCaseFile(it->path().string())) cases = true;
  }
  return cases;
}

// --- single case ----------------------------------------------------------------------------

// The value given for `name` on a line `name: value` or `"name": value` (YAML or JSON):
// [begin, end) byte offsets, up to a `,`, `}` or `#` outside quotes, without trailing spaces.
bool ValueSpan(const std::string& line, const std::string& name, std::size_t& begin,
               std::size_t& end) {
  std::size_t key = line.find("\"" + name + "\"");
  std::size_t after = key == std::string::npos ? key : key + name.size() + 2;
  if (key == std::string::npos) {
    key = line.find(name);
    // The name on its own, not the tail of a longer one.
    while (key != std::string::npos && key > 0 &&
           (std::isalnum(static_cast<unsigned char>(line[key - 1])) || line[key - 1] == '_')) {
      key = line.find(name, key + 1);
    }
    after = key == std::string::npos ? key : key + name.size();
  }
  if (key == std::string::npos) return false;
  std::size_t colon = line.find_first_not_of(" \t", after);
  if (colon == std::string::npos || line[colon] != ':') return false;
  begin = line.find_first_not_of(" \t", colon + 1);
  if (begin == std::string::npos) return false;
  bool quoted = false;
  end = begin;
  for (; end < line.size(); ++end) {
    const char c = line[end];
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == ',' || c == '}' || c == '#')) break;
  }
  while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
  return end > begin;
}

// Gives case errors a location in the case file from their structured fields (subject, given,
// value_at_fault): ParseYaml fills the line; for JSON (and any error without a line) the first
// line naming the fact's key is used.
void LocateCaseErrors(std::vector<Diagnostic>& errors, const std::string& path,
                      const std::string& text) {
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
    }
  }
  for (Diagnostic& error : errors) {
    error.location.path = path;
    if (error.location.line <= 0 && !error.subject.empty()) {
      // The first line naming the fact's key (a member the enum lacks: naming that member).
      const std::string& name = error.given.empty() ? error.subject : error.given;
      for (std::size_t i = 0; i < lines.size(); ++i) {
        std::size_t at = lines[i].find("\"" + name + "\"");
        std::size_t offset = 1;
        if (at == std::string::npos) {
          at = lines[i].find(name + ":");
          offset = 0;
        }
        if (at != std::string::npos) {
          error.location.line = static_cast<int>(i + 1);
          error.location.column = static_cast<int>(at + offset + 1);
          error.location.end_line = error.location.line;
          error.location.end_column = error.location.column + static_cast<int>(name.size());
          break;
        }
      }
    }
    if (error.location.line > 0 && error.location.source_line.empty() &&
        static_cast<std::size_t>(error.location.line) <= lines.size()) {
      error.location.source_line = lines[static_cast<std::size_t>(error.location.line - 1)];
      if (error.location.column <= 0) error.location.column = 1;
      if (error.location.end_line <= 0) {
        error.location.end_line = error.location.line;
        error.location.end_column = static_cast<int>(error.location.source_line.size()) + 1;
      }
    }
    // A wrong type (L602) or a value out of range (L603): the caret goes under the value
    // given for the fact, not under its name.
    const std::string& line = error.location.source_line;
    if (error.value_at_fault && error.given.empty() && error.location.line > 0 &&
        !error.subject.empty()) {
      std::size_t begin = 0;
      std::size_t end = 0;
      if (ValueSpan(line, error.subject, begin, end)) {
        error.location.column = static_cast<int>(begin) + 1;
        error.location.end_line = error.location.line;
        error.location.end_column = static_cast<int>(end) + 1;
        continue;
      }
    }
    // A whole-line range: narrow it to what the error is about (the member given, else the
    // fact's key), so the caret points at it.
    if (error.location.line > 0 && error.location.column <= 1 &&
        error.location.end_line == error.location.line &&
        error.location.end_column > static_cast<int>(line.size())) {
      const std::string& word = error.given.empty() ? error.subject : error.given;
      std::size_t at = word.empty() ? std::string::npos : line.find(word);
      if (at != std::string::npos) {
        error.location.column = static_cast<int>(at) + 1;
        error.location.end_column = error.location.column + static_cast<int>(word.size());
      }
    }
  }
}

int EvalOneCase(const RuleBase& rules, const Program& program, const std::string& path, Date on,
                const EvalCommandOptions& options) {
  std::string text;
  Status read = ReadWholeFile(path, text);
  if (!read.ok()) {
    PrintError(read);
    return kExitUsage;
  }
  Case facts = program.NewCase();
  std::vector<Diagnostic> errors;
  const bool json = LowerExtension(path) == ".json";
  const bool ok =
      json ? program.ParseJson(text, facts, errors) : program.ParseYaml(text, facts, errors);
  // An invalid case: diagnostics at the case file's lines (and, for --format json, the
  // same as JSON on stdout, so a program reading it always gets an object).
  auto report_invalid = [&](std::vector<Diagnostic> case_errors, const std::string& what) {
    LocateCaseErrors(case_errors, path, text);
    const std::size_t left_out = LimitErrors(case_errors, options.error_limit);
    if (options.format == "json") {
      std::cout << RenderInvalidCaseJson(program.jurisdiction(), on.ToString(), case_errors)
                << "\n";
    }
    RenderOptions render;
    render.color = options.color == "always" ||
                   (options.color == "auto" && StderrIsTerminal() && !std::getenv("NO_COLOR"));
    RenderText(std::cerr, case_errors, render);
    PrintErrorsLeftOut(left_out);
    // As text only: the JSON object above already carries the errors.
    std::cerr << "loket: error: the case in `" << path << "` " << what << "\n";
    return kExitFindings;
  };
  if (!ok) return report_invalid(std::move(errors), "is not valid; nothing was decided");

  Explanation explanation = program.Explain(facts, on);
  std::optional<WhyNotExplanation> why_not;
  if (!options.why_not.empty()) {
    why_not = program.WhyNot(facts, on, options.why_not);
    // An unknown rule is a mistake on the command line, not an answer about the case.
    if (why_not->reason == WhyNotExplanation::Reason::kUnknownRule) {
      PrintError("--why-not: " + why_not->message);
      return kExitUsage;
    }
  }

  if (!explanation.case_errors.empty()) {
    return report_invalid(explanation.case_errors, "could not be decided");
  }
  bool all_decided = true;
  for (const DecisionExplanation& decision : explanation.decisions) {
    if (decision.error) all_decided = false;
  }
  if (options.format == "json") {
    // The receipt makes the answer reproducible (loket/receipt.h).
    Receipt receipt = MakeReceipt(rules, program.jurisdiction(), on);
    std::cout << RenderAnswerJson(explanation, why_not ? &*why_not : nullptr, &receipt) << "\n";
  } else {
    AnswerOptions answer;
    answer.all = options.all;
    answer.explain = options.explain;
    answer.jurisdiction_title = LayerTitle(rules, program.jurisdiction());
    std::cout << RenderAnswerText(explanation, answer);
    if (why_not) std::cout << "\n" << RenderWhyNotText(*why_not, options.why_not, &explanation);
  }
  return all_decided ? kExitOk : kExitFindings;
}

// --- batch ----------------------------------------------------------------------------------

class ProgressBar {
 public:
  ProgressBar(bool enabled, std::uint64_t total_bytes)
      : enabled_(enabled), total_(total_bytes == 0 ? 1 : total_bytes) {}
  void Update(std::uint64_t done_bytes, std::int64_t records) {
    if (!enabled_) return;
    int percent = static_cast<int>(done_bytes * 100 / total_);
    if (percent == last_percent_) return;
    last_percent_ = percent;
    int filled = percent * 30 / 100;
    std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %lld records", filled,
                 "##############################", 30 - filled, "", percent,
                 static_cast<long long>(records));
    std::fflush(stderr);
  }
  void Finish() {
    if (enabled_ && last_percent_ >= 0) std::fprintf(stderr, "\r\x1b[K");
  }

 private:
  bool enabled_;
  std::uint64_t total_;
  int last_percent_ = -1;
};

int EvalBatch(const RuleBase& rules, const EvalCommandOptions& options, Date on) {
  // Everything that can fail is checked before the output is touched: the jurisdiction, the
  // input, and that --out is not the input.
  BatchOptions batch_options;
  batch_options.jurisdiction = options.jurisdiction;
  batch_options.jurisdiction_field = options.jurisdiction_field;
  batch_options.on = on;
  BatchEvaluator evaluator(rules, batch_options);
  if (Status prepared = evaluator.Prepare(); !prepared.ok()) {
    PrintError(prepared);
    return kExitUsage;
  }

  std::FILE* in = options.cases == "-" ? stdin : std::fopen(options.cases.c_str(), "rb");
  if (!in) {
    PrintError("cannot open `" + options.cases + "`: " + std::strerror(errno));
    return kExitUsage;
  }
  struct CloseInput {
    std::FILE* file;
    ~CloseInput() {
      if (file != stdin) std::fclose(file);
    }
  } close_input{in};
  const bool to_file = !options.out.empty() && options.out != "-";
  if (to_file && options.cases != "-" && SameFile(options.cases, options.out)) {
    PrintError("--out `" + options.out + "` is the input `" + options.cases +
               "`; write the decisions to another file");
    return kExitUsage;
  }
  InterruptGuard interrupts;
  AtomicOutputFile out_file;
  if (to_file) {
    Status opened = out_file.Open(options.out);
    if (!opened.ok()) {
      PrintError(opened);
      return kExitUsage;
    }
  }
  std::FILE* out = to_file ? out_file.file() : stdout;

  std::uint64_t total_bytes = 0;
  if (in != stdin && std::fseek(in, 0, SEEK_END) == 0) {
    long size = std::ftell(in);
    total_bytes = size > 0 ? static_cast<std::uint64_t>(size) : 0;
    std::fseek(in, 0, SEEK_SET);
  }
  ProgressBar progress(StderrIsTerminal() && total_bytes > (64u << 20), total_bytes);

  // Read 1 MiB at a time (longer lines grow the buffer): 16 MiB cost 17 ms of page faults at
  // start-up, measured.
  constexpr std::size_t kChunk = 1u << 20;
  constexpr std::size_t kFlushAt = 1u << 20;
  constexpr int kMaxShownErrors = 100;
  std::string buffer(kChunk, '\0');
  std::string output;
  output.reserve(kFlushAt + (64u << 10));
  std::size_t carried = 0;  // bytes of an unfinished line kept at the buffer's start
  std::uint64_t consumed = 0;
  std::int64_t line_number = 0, records = 0, decided = 0, failed = 0;
  int write_error = 0;  // errno of the first failed write
  const auto start = std::chrono::steady_clock::now();

  const auto report_failure = [&](std::int64_t record_line, const std::string& message) {
    ++failed;
    if (failed <= kMaxShownErrors) {
      std::cerr << options.cases << ": record " << record_line << ": " << message << "\n";
    } else if (failed == kMaxShownErrors + 1) {
      std::cerr << "loket: further record errors are not shown (see the output records)\n";
    }
  };
  const auto write_output = [&] {
    if (output.empty() || write_error != 0) return;
    if (std::fwrite(output.data(), 1, output.size(), out) != output.size()) {
      write_error = errno != 0 ? errno : EIO;
    }
    output.clear();
  };
  // Records are parsed as they are read and decided a few hundred at a time (batches per
  // jurisdiction), their output lines in input order.
  const auto decide_queued = [&] {
    decided += static_cast<std::int64_t>(evaluator.Flush(output, report_failure));
    if (output.size() >= kFlushAt) write_output();
  };
  auto handle_line = [&](std::string_view line) {
    ++line_number;
    // A byte order mark (editors on Windows write one) is no part of the first record.
    if (line_number == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;  // blank: no record
    ++records;
    evaluator.Queue(line, line_number);
    if (evaluator.Full()) decide_queued();
  };

  while (!InterruptGuard::Interrupted()) {
    if (carried == buffer.size()) buffer.resize(buffer.size() * 2);  // a very long line
    std::size_t got = std::fread(&buffer[carried], 1, buffer.size() - carried, in);
    std::size_t filled = carried + got;
    if (got == 0) {
      if (InterruptGuard::Interrupted()) break;
      if (carried > 0) handle_line(std::string_view(buffer.data(), carried));
      break;
    }
    std::size_t line_start = 0;
    const char* data = buffer.data();
    while (!InterruptGuard::Interrupted()) {
      const void* newline = std::memchr(data + line_start, '\n', filled - line_start);
      if (!newline) break;
      std::size_t line_end = static_cast<std::size_t>(static_cast<const char*>(newline) - data);
      handle_line(std::string_view(data + line_start, line_end - line_start));
      line_start = line_end + 1;
    }
    consumed += line_start;
    carried = filled - line_start;
    if (carried > 0 && line_start > 0) std::memmove(&buffer[0], data + line_start, carried);
    progress.Update(consumed, records);
  }
  if (InterruptGuard::Interrupted()) {
    // Nothing half-written stays behind: the temporary file goes, an old --out stays as it was.
    progress.Finish();
    out_file.Discard();
    std::cerr << "\nloket: interrupted after " << decided << " of " << records
              << " records read were decided; "
              << (to_file ? "nothing was written (`" + options.out + "` is unchanged)"
                          : std::string("the output on stdout is incomplete"))
              << "\n";
    interrupts.Reraise();
  }
  decide_queued();
  write_output();
  const bool read_failed = std::ferror(in) != 0;
  if (!to_file && write_error == 0 && std::fflush(out) != 0) write_error = errno;
  progress.Finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  char rate[64];
  std::snprintf(rate, sizeof rate, "%.0f cases/s (%.3f s)",
                seconds > 0 ? static_cast<double>(records) / seconds : 0.0, seconds);
  std::cerr << "records: " << records << ", decided: " << decided << ", errors: " << failed << ", "
            << rate << "\n";
  if (read_failed) {
    out_file.Discard();
    PrintError("error while reading `" + options.cases + "`" +
               (to_file ? "; nothing was written (`" + options.out + "` is unchanged)" : ""));
    return kExitUsage;
  }
  if (write_error != 0) {
    out_file.Discard();
    PrintError("cannot write `" + (to_file ? options.out : std::string("-")) +
               "`: " + std::strerror(write_error) +
               (to_file ? "; nothing was written (`" + options.out + "` is unchanged)" : ""));
    return kExitUsage;
  }
  if (to_file) {
    Status committed = out_file.Commit();
    if (!committed.ok()) {
      PrintError(committed.message() + "; nothing was written");
      return kExitUsage;
    }
  }
  return failed > 0 ? kExitFindings : kExitOk;
}

int RunEval(EvalCommandOptions options) {
  SetJsonErrors(options.format == "json");
  std::vector<std::string> rule_paths, case_paths;
  for (const std::string& input : options.inputs) {
    if (IsJsonLines(input)) {
      PrintError("`" + input + "` is JSON Lines (a batch of cases): use --cases " + input);
      return kExitUsage;
    }
    if (FolderHoldsCasesNotRules(input)) {
      PrintError("`" + input +
                 "` is a folder of cases, not rules: name the case files (.yaml, "
                 ".yml, .json) one by one, or use --cases FILE for JSON Lines");
      return kExitUsage;
    }
    (IsCaseFile(input) ? case_paths : rule_paths).push_back(input);
  }
  if (rule_paths.empty()) {
    PrintError("no rule files or folders given");
    return kExitUsage;
  }
  const bool batch = !options.cases.empty();
  if (batch && !case_paths.empty()) {
    PrintError("give either case files or --cases, not both");
    return kExitUsage;
  }
  if (!batch && case_paths.empty()) {
    PrintError("no case given: name a case file (.yaml, .yml or .json) or use --cases FILE");
    return kExitUsage;
  }
  if (options.jurisdiction.empty() == options.jurisdiction_field.empty()) {
    PrintError(batch ? "give one of --municipality (--jurisdiction) or --jurisdiction-field"
                     : "give the jurisdiction with --municipality (or --jurisdiction)");
    return kExitUsage;
  }
  if (!batch && !options.jurisdiction_field.empty()) {
    PrintError("--jurisdiction-field works only with --cases");
    return kExitUsage;
  }
  std::optional<Date> on = options.on.empty() ? Today() : ParseDateOption(options.on);
  if (!on) return kExitUsage;

  int exit_code = kExitOk;
  std::optional<RuleBase> rules =
      LoadCleanRuleBase(rule_paths, exit_code, options.error_limit, options.as_written);
  if (!rules) return exit_code;
  if (batch) return EvalBatch(*rules, options, *on);

  std::optional<Program> program = CompileJurisdiction(*rules, options.jurisdiction);
  if (!program) return kExitUsage;
  for (std::size_t i = 0; i < case_paths.size(); ++i) {
    if (i > 0 && options.format == "text") std::cout << "\n";
    int code = EvalOneCase(*rules, *program, case_paths[i], *on, options);
    if (code > exit_code) exit_code = code;
  }
  return exit_code;
}

const RegisterCommand kEval{
    {"eval",
     "Decide cases: the one-desk answer per domain with the deciding rules and their legal "
     "basis",
     20, [](CLI::App& app) -> Action {
       auto options = std::make_shared<EvalCommandOptions>();
       app.add_option("INPUT", options->inputs,
                      "Rule files or folders, then case files (.yaml, .yml, .json)")
           ->required();
       app.add_option("--municipality,--jurisdiction,-m", options->jurisdiction,
                      "The layer to decide for (a municipality, or any layer)");
       app.add_option("--on,--date", options->on, "Reference date, YYYY-MM-DD (default: today)");
       app.add_flag("--all", options->all,
                    "Show every decision in full, not only what applies to the person");
       app.add_flag("--as-written", options->as_written,
                    "Evaluate the rules as written when their only errors are competence errors "
                    "(L310, L311, L314), to replay those findings' witnesses");
       app.add_flag("--explain", options->explain,
                    "Show every decision with the facts behind it, the rules that could have "
                    "decided a default and why they did not, and defeated rules (implies --all)");
       app.add_option("--why-not", options->why_not,
                      "Explain why this rule did not decide anything for the case");
       app.add_option("--format", options->format, "Output format for a single case")
           ->check(CLI::IsMember({"text", "json"}))
           ->capture_default_str();
       app.add_option("--color", options->color, "Colour diagnostics")
           ->check(CLI::IsMember({"auto", "always", "never"}))
           ->capture_default_str();
       app.add_option("--error-limit", options->error_limit,
                      "Show at most this many errors of the rules (0: all)")
           ->check(CLI::NonNegativeNumber)
           ->capture_default_str();
       app.add_option("--cases", options->cases,
                      "Batch: JSON Lines file of cases (one object per line; - for stdin)");
       app.add_option("--out", options->out,
                      "Batch: where to write one JSON decision record per case (default stdout)");
       app.add_option("--jurisdiction-field", options->jurisdiction_field,
                      "Batch: take each record's jurisdiction from this field");
       app.footer(
           "\nBatch output: one line per input record, in input order: an object of decisions "
           "by\nname, or {\"record\": N, \"errors\": [{\"code\", \"message\"}]} for a record that "
           "failed\n(N = its line number). A summary line goes to stderr.\n"
           "\nExit codes: 0 all decided; 1 invalid case, undecided decision or failed records;\n"
           "2 usage error or unreadable input.");
       return [options] { return RunEval(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
