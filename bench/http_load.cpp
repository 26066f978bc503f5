// A small HTTP load generator for `loket serve` (docs/benchmarks.md, "The HTTP service"):
// N keep-alive connections send requests for a fixed time or count and report requests/s,
// cases/s (for decide-batch: the records answered with decisions, not the error records, per
// second), latency percentiles and the client's own CPU time per case. Loopback only. Exit 1
// when a request failed or a batch record was answered with errors: a benchmark of error
// records measures nothing.
//
// --path and --body may be given several times: the requests cycle through the pairs (the
// n-th --path with the n-th --body), e.g. one decide-batch per municipality. Answers are read
// as they stream in and scanned for error records, not kept.
//
//   loket_http_load --port 8080 --path '/v1/jurisdictions/westland/decide?on=2025-06-01'
//       --body case.json --connections 8 --seconds 10
//   loket_http_load --port 8080 --path '/v1/jurisdictions/westland/decide-batch?on=...'
//       --body cases.jsonl --content-type application/x-ndjson --connections 2 --seconds 10
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

// This process's CPU time (user + system, all threads) in seconds: the client's share of a
// run, which on a shared machine says more than wall-clock time.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Options {
  int port = 8080;
  std::vector<std::string> paths;
  std::vector<std::string> body_files;
  std::string content_type = "application/json";
  int connections = 8;
  double seconds = 10;
  long requests = 0;  // per connection; 0: until the time is up
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "loket_http_load: %s\nusage: loket_http_load --port P --path PATH [--body FILE] "
               "[--path PATH --body FILE ...] [--content-type T] [--connections N] [--seconds S] "
               "[--requests R]\n",
               why);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) Usage(("missing value for " + flag).c_str());
    std::string value = argv[++i];
    if (flag == "--port")
      o.port = std::atoi(value.c_str());
    else if (flag == "--path")
      o.paths.push_back(value);
    else if (flag == "--body")
      o.body_files.push_back(value);
    else if (flag == "--content-type")
      o.content_type = value;
    else if (flag == "--connections")
      o.connections = std::atoi(value.c_str());
    else if (flag == "--seconds")
      o.seconds = std::atof(value.c_str());
    else if (flag == "--requests")
      o.requests = std::atol(value.c_str());
    else
      Usage(("unknown option " + flag).c_str());
  }
  if (o.connections < 1 || o.port <= 0) Usage("bad --connections or --port");
  if (o.paths.empty()) o.paths.push_back("/healthz");
  if (!o.body_files.empty() && o.body_files.size() != o.paths.size()) {
    Usage("give one --body per --path (or none for GET)");
  }
  return o;
}

// Counts the lines of a streamed answer that are error records, {"record": n, "errors": [...]}
// (loket eval --cases), across chunk boundaries.
class ErrorRecordCounter {
 public:
  void Feed(const char* p, const char* end) {
    static constexpr std::string_view kPrefix = "{\"record\":";
    while (p < end) {
      if (matched_ >= 0) {
        while (p < end && static_cast<std::size_t>(matched_) < kPrefix.size() &&
               *p == kPrefix[static_cast<std::size_t>(matched_)]) {
          ++p;
          ++matched_;
        }
        if (static_cast<std::size_t>(matched_) == kPrefix.size()) {
          ++errors_;
          matched_ = -1;
        } else if (p == end) {
          return;  // the line's start continues in the next chunk
        } else {
          matched_ = -1;
        }
      }
      const auto* newline =
          static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (!newline) return;
      p = newline + 1;
      matched_ = 0;
    }
  }
  void Restart() { matched_ = 0; }
  long errors() const { return errors_; }

 private:
  int matched_ = 0;  // characters of the prefix seen at this line's start; -1: not an error
  long errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  const bool post = !o.body_files.empty();
  const bool batch = post && o.content_type == "application/x-ndjson";
  std::vector<std::string> bodies;
  std::vector<long> records;  // per path: the records a request sends (1 for single decides)
  for (std::size_t k = 0; k < o.paths.size(); ++k) {
    std::string body;
    if (post) {
      std::ifstream in(o.body_files[k], std::ios::binary);
      if (!in) Usage(("cannot read " + o.body_files[k]).c_str());
      body.assign(std::istreambuf_iterator<char>(in), {});
    }
    records.push_back(batch ? std::count(body.begin(), body.end(), '\n') : 1);
    bodies.push_back(std::move(body));
  }

  const double cpu_start = CpuSeconds();
  std::atomic<bool> stop{false};
  const auto connections = static_cast<std::size_t>(o.connections);
  std::vector<std::vector<double>> latencies(connections);
  std::vector<long> failures(connections, 0);
  std::vector<long> record_errors(connections, 0);
  std::vector<long> sent(connections, 0);  // records sent in answered requests
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (std::size_t c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", o.port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(60, 0);
      auto& mine = latencies[c];
      mine.reserve(1 << 20);
      ErrorRecordCounter counter;
      for (long i = 0; (o.requests == 0 || i < o.requests) && !stop; ++i) {
        const std::size_t k = (c + static_cast<std::size_t>(i)) % o.paths.size();
        httplib::Request request;
        request.method = post ? "POST" : "GET";
        request.path = o.paths[k];
        if (post) {
          request.set_header("Content-Type", o.content_type);
          request.body = bodies[k];
        }
        if (batch) {
          counter.Restart();
          request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t,
                                         std::uint64_t) {
            counter.Feed(data, data + length);
            return true;
          };
        }
        auto t0 = std::chrono::steady_clock::now();
        httplib::Result result = client.send(request);
        auto t1 = std::chrono::steady_clock::now();
        if (!result || result->status != 200) {
          ++failures[c];
          continue;
        }
        mine.push_back(std::chrono::duration<double>(t1 - t0).count());
        sent[c] += records[k];
      }
      record_errors[c] = counter.errors();
    });
  }
  if (o.requests == 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    stop = true;
  }
  for (std::thread& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_start;

  std::vector<double> all;
  long failed = 0, errors = 0, records_sent = 0;
  for (std::size_t c = 0; c < connections; ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    failed += failures[c];
    errors += record_errors[c];
    records_sent += sent[c];
  }
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) {
    if (all.empty()) return 0.0;
    std::size_t k = static_cast<std::size_t>(p * static_cast<double>(all.size() - 1));
    return all[k] * 1e3;
  };
  double rps = static_cast<double>(all.size()) / elapsed;
  const long decided = records_sent - errors;
  std::string path = o.paths.front();
  if (o.paths.size() > 1) path += "(+" + std::to_string(o.paths.size() - 1) + ")";
  std::printf(
      "RESULT path=%s connections=%d requests=%zu failed=%ld cases=%ld record_errors=%ld "
      "seconds=%.2f requests_per_s=%.0f cases_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
      "max_ms=%.3f client_cpu_s=%.3f client_cpu_us_per_case=%.3f\n",
      path.c_str(), o.connections, all.size(), failed, decided, errors, elapsed, rps,
      static_cast<double>(decided) / elapsed, percentile(0.50), percentile(0.90), percentile(0.99),
      all.empty() ? 0.0 : all.back() * 1e3, cpu,
      decided > 0 ? cpu * 1e6 / static_cast<double>(decided) : 0.0);
  if (errors > 0) {
    std::fprintf(stderr, "loket_http_load: %ld batch records were answered with errors\n", errors);
  }
  return failed == 0 && errors == 0 ? 0 : 1;
}
