// `loket bench`: how fast the library decides cases (like `opa bench`). Loads every case into
// memory first, then times (1) evaluation of parsed cases, with per-case latency percentiles
// over batches, and (2) the full JSON parse + evaluate + output path from an in-memory buffer.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <loket/batch.h>
#include <loket/loket.h>

#include "command.h"
#include "common.h"

namespace loket::cli {
namespace {

struct BenchOptions {
  std::vector<std::string> rules;
  std::string jurisdiction;
  std::string jurisdiction_field;
  std::string cases;
  std::string on;
  int repeat = 5;
  int batch_size = 1000;
};

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

int RunBench(const BenchOptions& options) {
  if (options.jurisdiction.empty() == options.jurisdiction_field.empty()) {
    PrintError("give one of --municipality (--jurisdiction) or --jurisdiction-field");
    return kExitUsage;
  }
  if (options.repeat < 1 || options.batch_size < 1) {
    PrintError("--repeat and --batch-size must be at least 1");
    return kExitUsage;
  }
  std::optional<Date> on = options.on.empty() ? Today() : ParseDateOption(options.on);
  if (!on) return kExitUsage;
  int exit_code = kExitOk;
  std::optional<RuleBase> rules = LoadCleanRuleBase(options.rules, exit_code);
  if (!rules) return exit_code;

  std::string input;
  Status read = ReadWholeFile(options.cases, input);
  if (!read.ok()) {
    PrintError(read);
    return kExitUsage;
  }
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < input.size();) {
    std::size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    std::string_view line(input.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) lines.push_back(line);
    start = end + 1;
  }
  if (lines.empty()) {
    PrintError("`" + options.cases + "` has no cases");
    return kExitUsage;
  }

  BatchOptions batch_options{options.jurisdiction, options.jurisdiction_field, *on};
  BatchEvaluator evaluator(*rules, batch_options);
  if (Status prepared = evaluator.Prepare(); !prepared.ok()) {
    PrintError(prepared);
    return kExitUsage;
  }

  // Parse everything first, so the timed loop is evaluation only.
  std::vector<BatchEvaluator::Parsed> parsed;
  parsed.reserve(lines.size());
  std::string error;
  std::size_t invalid = 0;
  const auto parse_start = Clock::now();
  for (std::string_view line : lines) {
    BatchEvaluator::Parsed one;
    if (evaluator.ParseRecord(line, one, error)) {
      parsed.push_back(std::move(one));
    } else {
      ++invalid;
    }
  }
  const double parse_seconds = Seconds(parse_start, Clock::now());
  if (parsed.empty()) {
    PrintError("no valid case in `" + options.cases + "` (first problem: " + error + ")");
    return kExitFindings;
  }

  // The batch path: the cases in a CaseTable per jurisdiction (compact, read in order), each
  // batch of records decided by Program::EvaluateRows per jurisdiction, in chunks of 64
  // outcomes that stay in the cache. A batch's rows of one jurisdiction are consecutive,
  // since each table keeps the file order.
  const std::size_t batch_size = static_cast<std::size_t>(options.batch_size);
  const std::size_t slots = static_cast<std::size_t>(evaluator.slot_count());
  std::vector<CaseTable> tables;
  std::vector<std::vector<Outcome>> chunk_outcomes(slots);
  constexpr std::size_t kChunk = 64;
  for (std::size_t slot = 0; slot < slots; ++slot) {
    // A jurisdiction that did not compile has no records here (ParseRecord rejected them).
    tables.push_back(evaluator.HasProgram(static_cast<int>(slot))
                         ? evaluator.ProgramOf(static_cast<int>(slot)).NewTable()
                         : CaseTable());
    chunk_outcomes[slot].resize(kChunk);
  }
  std::vector<std::vector<std::size_t>> first_rows;  // per batch, per jurisdiction
  {
    std::vector<std::size_t> rows(slots, 0);
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      if (i % batch_size == 0) first_rows.push_back(rows);
      const std::size_t slot = static_cast<std::size_t>(parsed[i].slot);
      tables[slot].Append(parsed[i].facts);
      ++rows[slot];
    }
    first_rows.push_back(rows);
  }
  std::vector<double> batch_latencies;  // seconds per case, one entry per batch
  std::size_t undecided = 0;
  const auto eval_start = Clock::now();
  for (int round = 0; round < options.repeat; ++round) {
    for (std::size_t batch = 0; batch + 1 < first_rows.size(); ++batch) {
      const auto batch_start = Clock::now();
      std::size_t cases = 0;
      for (std::size_t slot = 0; slot < slots; ++slot) {
        const std::size_t end = first_rows[batch + 1][slot];
        for (std::size_t row = first_rows[batch][slot]; row < end; row += kChunk) {
          const std::size_t n = std::min(kChunk, end - row);
          Outcome* outcomes = chunk_outcomes[slot].data();
          evaluator.ProgramOf(static_cast<int>(slot))
              .EvaluateRows(tables[slot], row, n, *on, outcomes);
          for (std::size_t i = 0; i < n; ++i) {
            undecided += round == 0 && !outcomes[i].ok();
          }
          cases += n;
        }
      }
      batch_latencies.push_back(Seconds(batch_start, Clock::now()) / static_cast<double>(cases));
    }
  }
  const double eval_seconds = Seconds(eval_start, Clock::now());
  const double evaluations = static_cast<double>(parsed.size()) * options.repeat;

  // One case at a time (Program::Evaluate on each parsed Case), for comparison.
  const auto single_start = Clock::now();
  for (int round = 0; round < options.repeat; ++round) {
    for (const BatchEvaluator::Parsed& one : parsed) evaluator.Evaluate(one);
  }
  const double single_seconds = Seconds(single_start, Clock::now());

  // The end-to-end path of `loket eval --cases`, minus the disk: parse, queue, decide the
  // queued records together, format.
  std::string output;
  output.reserve(2u << 20);
  const auto count_failure = [](std::int64_t, const std::string&) {};
  const auto full_start = Clock::now();
  for (int round = 0; round < options.repeat; ++round) {
    std::int64_t number = 0;
    for (std::string_view line : lines) {
      evaluator.Queue(line, ++number);
      if (evaluator.Full()) {
        evaluator.Flush(output, count_failure);
        if (output.size() >= (1u << 20)) output.clear();
      }
    }
    evaluator.Flush(output, count_failure);
  }
  const double full_seconds = Seconds(full_start, Clock::now());
  const double full_cases = static_cast<double>(lines.size()) * options.repeat;

  std::printf("cases:            %zu (%zu invalid, %zu undecided), %d rounds\n", lines.size(),
              invalid, undecided, options.repeat);
  std::printf("JSON to case:     %.3f s once for all cases (%.0f per second)\n", parse_seconds,
              static_cast<double>(lines.size()) / parse_seconds);
  std::printf(
      "evaluate:         %.0f cases/s (%.3f s for %.0f evaluations; CaseTable batches,"
      " Program::EvaluateRows)\n",
      evaluations / eval_seconds, eval_seconds, evaluations);
  std::printf("evaluate 1 by 1:  %.0f cases/s (%.3f s; a Case each, Program::Evaluate)\n",
              evaluations / single_seconds, single_seconds);
  std::printf("latency per case: p50 %.0f ns, p90 %.0f ns, p99 %.0f ns (batches of %d)\n",
              Percentile(batch_latencies, 0.50) * 1e9, Percentile(batch_latencies, 0.90) * 1e9,
              Percentile(batch_latencies, 0.99) * 1e9, options.batch_size);
  std::printf("parse+evaluate:   %.0f cases/s (%.3f s; JSON in, decisions out, in memory)\n",
              full_cases / full_seconds, full_seconds);
  std::printf("peak RSS:         %.1f MiB\n", static_cast<double>(PeakRssKb()) / 1024.0);
  return kExitOk;
}

const RegisterCommand kBench{
    {"bench", "Measure evaluation speed on a file of cases (cases/s, latency, memory)", 40,
     [](CLI::App& app) -> Action {
       auto options = std::make_shared<BenchOptions>();
       app.add_option("RULES", options->rules, "Rule files or folders")->required();
       app.add_option("--municipality,--jurisdiction,-m", options->jurisdiction,
                      "The layer to decide for");
       app.add_option("--jurisdiction-field", options->jurisdiction_field,
                      "Take each record's jurisdiction from this field");
       app.add_option("--cases", options->cases, "JSON Lines file of cases")->required();
       app.add_option("--on,--date", options->on, "Reference date, YYYY-MM-DD (default: today)");
       app.add_option("--repeat", options->repeat, "Rounds over all cases")->capture_default_str();
       app.add_option("--batch-size", options->batch_size, "Cases per latency sample")
           ->capture_default_str();
       return [options] { return RunBench(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
