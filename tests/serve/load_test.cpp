// Load and soak: concurrent keep-alive clients mixing good and malformed requests while the
// rule base is reloaded, for a bounded time and count, on loopback only. Asserts what a
// decision service must guarantee under load — not how fast it is (docs/benchmarks.md has the
// figures): no 5xx caused by the server, every good answer exactly the library's, the decision
// log complete and parseable, memory flat.
#include <httplib.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <loket/loket.h>

#include "serve/server.h"
#include "serve_test_util.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

long ResidentKiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Writes `text` to `path` by renaming a complete temporary file over it, so a reload never
// reads half a file.
void WriteAtomically(const fs::path& path, const std::string& text) {
  fs::path temporary = path;
  temporary += ".tmp";
  std::ofstream(temporary) << text;
  fs::rename(temporary, path);
}

}  // namespace

TEST_CASE("serve: load and soak with reloads", "[serve][load]") {
  const double seconds =
      std::getenv("LOKET_SOAK_SECONDS") ? std::atof(std::getenv("LOKET_SOAK_SECONDS")) : 20.0;
  const int clients = 8;
  const long max_requests_per_client = 200'000;

  loket::serve::testing::TempDir dir;
  fs::copy(loket::serve::testing::FixtureDesk(), dir.path() / "desk", fs::copy_options::recursive);
  fs::remove_all(dir.path() / "desk" / "tests");
  const fs::path westland = dir.path() / "desk" / "westland.loket";
  const std::string original = loket::serve::testing::ReadText(westland);
  std::ofstream(dir.path() / "token") << "soak-test-token-0123456789\n";

  loket::serve::ServeOptions options;
  options.rule_paths = {(dir.path() / "desk").string()};
  options.decision_log = (dir.path() / "decisions.jsonl").string();
  options.admin_token_file = (dir.path() / "token").string();
  options.threads = 16;
  options.limits.max_connections = 64;

  // The expected decisions of every case, from the library (both versions decide alike).
  loket::RuleBase rules = *loket::RuleBase::LoadFiles(options.rule_paths);
  loket::Program program = *rules.Compile("westland");
  const loket::Date on = *loket::Date::Parse("2025-06-01");
  const std::vector<std::string> residences = {"asylum_fixed", "eu_free_movement", "none"};
  std::map<std::string, json> expected;
  for (int age = 0; age <= 130; ++age) {
    for (const std::string& residence : residences) {
      std::string facts =
          "{\"age\":" + std::to_string(age) + ",\"residence\":\"" + residence + "\"}";
      loket::Case c = program.NewCase();
      std::vector<loket::Diagnostic> errors;
      REQUIRE(program.ParseJson(facts, c, errors));
      loket::Outcome outcome;
      program.Evaluate(c, on, outcome);
      json decisions = json::object();
      for (int d = 0; d < outcome.decision_count(); ++d) {
        decisions[program.decisions()[static_cast<std::size_t>(d)].name] =
            json::parse(outcome.value(d).ToJson());
      }
      expected[facts] = decisions;
    }
  }

  std::uint64_t hashes_seen_mask = 0;
  std::string hash_a = rules.ContentHash(), hash_b;
  {
    std::vector<loket::SourceText> sources = rules.Sources();
    for (auto& source : sources) {
      if (source.path.find("westland.loket") != std::string::npos) source.text += "\n// amended\n";
    }
    loket::RuleBase amended = loket::RuleBase::FromSources(sources);
    hash_b = amended.ContentHash();
  }
  REQUIRE(hash_a != hash_b);

  auto running = std::make_unique<loket::serve::testing::RunningServer>(options);
  loket::serve::testing::RunningServer& server = *running;
  std::atomic<bool> stop{false};
  std::atomic<long> good{0}, good_batch_records{0}, server_errors{0}, wrong{0}, reloads{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  auto fail = [&](const std::string& what) {
    ++wrong;
    std::lock_guard<std::mutex> lock(failures_mutex);
    if (failures.size() < 10) failures.push_back(what);
  };
  std::mutex hashes_mutex;

  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client = server.Client();
      std::uint64_t seed = 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(t + 1);
      for (long i = 0; i < max_requests_per_client && !stop; ++i) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        int age = static_cast<int>(seed % 131);
        const std::string& residence = residences[(seed >> 8) % 3];
        std::string facts =
            "{\"age\":" + std::to_string(age) + ",\"residence\":\"" + residence + "\"}";
        int kind = static_cast<int>(i % 10);
        auto send = [&]() -> httplib::Result {
          if (kind < 6) {
            return client.Post("/v1/jurisdictions/westland/decide?on=2025-06-01", facts,
                               "application/json");
          }
          if (kind == 6) {
            return client.Post("/v1/jurisdictions/westland/decide",
                               "{\"age\": ", "application/json");
          }
          if (kind == 7) {
            return client.Post("/v1/jurisdictions/atlantis/decide", facts, "application/json");
          }
          if (kind == 8) return client.Get("/v1/jurisdictions/westland/decide");
          return client.Post("/v1/jurisdictions/westland/decide-batch?on=2025-06-01",
                             facts + "\n" + facts + "\nnot json\n", "application/x-ndjson");
        };
        httplib::Result result = send();
        if (kind < 6) {
          if (!result) {
            fail("no answer to a decide");
            continue;
          }
          if (result->status != 200) {
            fail("decide answered " + std::to_string(result->status) + ": " + result->body);
            continue;
          }
          json answer = json::parse(result->body, nullptr, false);
          if (answer.is_discarded() || answer["decisions"] != expected[facts]) {
            fail("decide answered otherwise than the library for " + facts);
            continue;
          }
          std::string hash = answer["receipt"]["rule_base_hash"];
          {
            std::lock_guard<std::mutex> lock(hashes_mutex);
            if (hash == hash_a)
              hashes_seen_mask |= 1;
            else if (hash == hash_b)
              hashes_seen_mask |= 2;
            else
              fail("an unknown rule-base hash " + hash);
          }
          ++good;
        } else if (kind == 6) {
          if (result && result->status != 422)
            fail("malformed JSON answered " + std::to_string(result->status));
        } else if (kind == 7) {
          if (result && result->status != 404)
            fail("unknown jurisdiction answered " + std::to_string(result->status));
        } else if (kind == 8) {
          if (result && result->status != 405)
            fail("GET decide answered " + std::to_string(result->status));
        } else {
          if (result && result->status == 200) {
            int lines = 0;
            for (char c : result->body) lines += c == '\n';
            if (lines != 3) fail("a batch of 3 answered " + std::to_string(lines) + " lines");
            good_batch_records += 2;
          } else if (result) {
            fail("decide-batch answered " + std::to_string(result->status));
          }
        }
        if (!result) {
          fail("no answer");
        } else if (result->status >= 500) {
          ++server_errors;
        }
      }
    });
  }
  // The reloader: alternates the two versions of the rule base, atomically on disk.
  threads.emplace_back([&] {
    httplib::Client client = server.Client();
    httplib::Headers admin = {{"Authorization", "Bearer soak-test-token-0123456789"}};
    for (int i = 0; !stop; ++i) {
      WriteAtomically(westland, i % 2 == 0 ? original + "\n// amended\n" : original);
      auto result = client.Post("/v1/admin/reload", admin, "", "application/json");
      if (!result || result->status != 200) fail("reload failed");
      ++reloads;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });

  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 4));
  long resident_after_warmup = ResidentKiB();
  while (std::chrono::steady_clock::now() - start < std::chrono::duration<double>(seconds)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (std::thread& thread : threads) thread.join();
  long resident_at_end = ResidentKiB();

  INFO("failures: " << (failures.empty() ? std::string("none") : failures.front()));
  CHECK(wrong == 0);
  CHECK(server_errors == 0);
  CHECK(good > 1000);
  CHECK(reloads >= 4);
  CHECK(hashes_seen_mask == 3);  // answers came from both versions
  // Memory flat: growth after warm-up bounded well below what a leak per request would add.
  INFO("resident KiB after warm-up " << resident_after_warmup << ", at end " << resident_at_end);
  CHECK(resident_at_end - resident_after_warmup < 64 * 1024);

  // The decision log: every good decision, each line a whole record (stopping the server
  // drains it).
  running.reset();
  std::ifstream in(options.decision_log);
  std::string line;
  long logged = 0, bad = 0;
  while (std::getline(in, line)) {
    ++logged;
    if (json::parse(line, nullptr, false).is_discarded()) ++bad;
  }
  CHECK(bad == 0);
  CHECK(logged == good + good_batch_records);
}
