// libFuzzer target: any bytes as a JSON Lines batch, decided by the batch path of
// `loket eval --cases` (loket/batch.h, src/api/jsonl_batch.cpp). The first byte picks the mode: a
// fixed jurisdiction, or each record's `municipality` field. Every record must give exactly one
// output line, in order; every output line must be valid JSON (whatever bytes the input
// held); an error record must carry its line number and a message; and the counts must add
// up.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <loket/loket.h>

#include "fuzz_rules.h"
#include "loket/batch.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  loket::BatchOptions options;
  if (data[0] % 2 == 0) {
    options.jurisdiction = "westland";
  } else {
    options.jurisdiction_field = "municipality";
  }
  options.on = loket::Date::Parse("2025-03-01").value();
  loket::BatchEvaluator evaluator(loket::fuzz::FuzzRules(), options);
  if (!evaluator.Prepare().ok()) std::abort();

  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string output;
  std::int64_t line_number = 0, records = 0, failed = 0, decided = 0;
  const auto on_failure = [&](std::int64_t record_line, const std::string& message) {
    if (record_line < 1 || record_line > line_number || message.empty()) std::abort();
    ++failed;
  };
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++records;
    evaluator.Queue(line, line_number);
    if (evaluator.Full()) decided += static_cast<std::int64_t>(evaluator.Flush(output, on_failure));
  }
  decided += static_cast<std::int64_t>(evaluator.Flush(output, on_failure));
  if (decided + failed != records) std::abort();

  std::int64_t lines = 0;
  std::size_t at = 0;
  while (at < output.size()) {
    std::size_t newline = output.find('\n', at);
    if (newline == std::string::npos) std::abort();  // every line is complete
    nlohmann::json record = nlohmann::json::parse(output.substr(at, newline - at), nullptr, false);
    if (record.is_discarded() || !record.is_object()) std::abort();
    if (record.contains("errors")) {
      if (!record["record"].is_number_integer() || record["record"].get<std::int64_t>() < 1 ||
          record["record"].get<std::int64_t>() > line_number || record["errors"].empty()) {
        std::abort();
      }
    }
    ++lines;
    at = newline + 1;
  }
  if (lines != records) std::abort();
  return 0;
}
