// Writes the migrant-desk workload's cases as JSON Lines, with the project's own port of the
// shared generator (bench/migrant_desk_workload.h; the workload is described in
// docs/benchmarks.md), so that bench.migrant_desk.checksum runs on any clone.
// usage: write_migrant_desk_cases N SEED > cases.jsonl
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../../bench/migrant_desk_workload.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s N SEED\n", argv[0]);
    return 2;
  }
  const int n = std::atoi(argv[1]);
  const auto seed = static_cast<std::uint32_t>(std::strtoul(argv[2], nullptr, 10));
  for (const loket::workload::WorkloadCase& c : loket::workload::GenerateCases(n, seed)) {
    const std::string line = loket::workload::ToJson(c);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  }
  return 0;
}
