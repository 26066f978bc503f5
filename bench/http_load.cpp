// A small HTTP load generator for `loket serve` (docs/benchmarks.md, "The HTTP service"):
// N keep-alive connections send the same request for a fixed time or count and report
// requests/s, cases/s (for decide-batch: the records answered with decisions, not the error
// records, per second) and latency percentiles. Loopback only. Exit 1 when a request failed
// or a batch record was answered with errors: a benchmark of error records measures nothing.
//
//   loket_http_load --port 8080 --path '/v1/jurisdictions/westland/decide?on=2025-06-01' \
//       --body case.json --connections 8 --seconds 10
//   loket_http_load --port 8080 --path '/v1/jurisdictions/westland/decide-batch?on=...' \
//       --body cases.jsonl --content-type application/x-ndjson --connections 2 --seconds 10
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
  int port = 8080;
  std::string path = "/healthz";
  std::string body_file;
  std::string content_type = "application/json";
  int connections = 8;
  double seconds = 10;
  long requests = 0;  // per connection; 0: until the time is up
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "loket_http_load: %s\nusage: loket_http_load --port P --path PATH [--body FILE] "
               "[--content-type T] [--connections N] [--seconds S] [--requests R]\n",
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
      o.path = value;
    else if (flag == "--body")
      o.body_file = value;
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
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  std::string body;
  if (!o.body_file.empty()) {
    std::ifstream in(o.body_file, std::ios::binary);
    if (!in) Usage(("cannot read " + o.body_file).c_str());
    body.assign(std::istreambuf_iterator<char>(in), {});
  }
  const bool post = !o.body_file.empty();
  const long records = post && o.content_type == "application/x-ndjson"
                           ? std::count(body.begin(), body.end(), '\n')
                           : 1;

  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(o.connections));
  std::vector<long> failures(static_cast<std::size_t>(o.connections), 0);
  std::vector<long> record_errors(static_cast<std::size_t>(o.connections), 0);
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", o.port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(60, 0);
      auto& mine = latencies[static_cast<std::size_t>(c)];
      mine.reserve(1 << 20);
      for (long i = 0; (o.requests == 0 || i < o.requests) && !stop; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        httplib::Result result =
            post ? client.Post(o.path, body, o.content_type) : client.Get(o.path);
        auto t1 = std::chrono::steady_clock::now();
        if (!result || result->status != 200) {
          ++failures[static_cast<std::size_t>(c)];
          continue;
        }
        mine.push_back(std::chrono::duration<double>(t1 - t0).count());
        if (records > 1) {
          // An error record is {"record": n, "errors": [...]} (loket eval --cases).
          const std::string& answer = result->body;
          if (answer.rfind("{\"record\":", 0) == 0) ++record_errors[static_cast<std::size_t>(c)];
          for (std::size_t at = answer.find("\n{\"record\":"); at != std::string::npos;
               at = answer.find("\n{\"record\":", at + 1)) {
            ++record_errors[static_cast<std::size_t>(c)];
          }
        }
      }
    });
  }
  if (o.requests == 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    stop = true;
  }
  for (std::thread& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<double> all;
  long failed = 0, errors = 0;
  for (std::size_t c = 0; c < latencies.size(); ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    failed += failures[c];
    errors += record_errors[c];
  }
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) {
    if (all.empty()) return 0.0;
    std::size_t k = static_cast<std::size_t>(p * static_cast<double>(all.size() - 1));
    return all[k] * 1e3;
  };
  double rps = static_cast<double>(all.size()) / elapsed;
  double decided =
      static_cast<double>(all.size()) * static_cast<double>(records) - static_cast<double>(errors);
  std::printf(
      "RESULT path=%s connections=%d requests=%zu failed=%ld record_errors=%ld seconds=%.2f "
      "requests_per_s=%.0f cases_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      o.path.c_str(), o.connections, all.size(), failed, errors, elapsed, rps, decided / elapsed,
      percentile(0.50), percentile(0.90), percentile(0.99), all.empty() ? 0.0 : all.back() * 1e3);
  if (errors > 0) {
    std::fprintf(stderr, "loket_http_load: %ld batch records were answered with errors\n", errors);
  }
  return failed == 0 && errors == 0 ? 0 : 1;
}
