// The service's limits end to end (issue 14, "bad requests, clear answers"): connections
// beyond the threads and the waiting room, the request time limit, and 503 while the rule base
// loads. Servers on free loopback ports, stopped by each test; no timed assertions (a time
// limit of 1 s is what the server is told, not what the test measures).
#include <httplib.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "serve/server.h"
#include "serve_test_util.h"

using loket::serve::testing::RawConnection;
using loket::serve::testing::RunningServer;
using nlohmann::json;

namespace {

void ExpectError(int status, const std::string& body, int expected, const std::string& code) {
  INFO(body);
  CHECK(status == expected);
  json answer = json::parse(body, nullptr, false);
  REQUIRE(!answer.is_discarded());
  CHECK(answer["error"]["status"] == expected);
  CHECK(answer["error"]["code"] == code);
  CHECK(!answer["error"]["message"].get<std::string>().empty());
}

const char* kHealth = "GET /healthz HTTP/1.1\r\nHost: loket\r\n\r\n";

}  // namespace

TEST_CASE("serve: a connection beyond the threads and the waiting room gets 503 in JSON",
          "[serve]") {
  loket::serve::ServeOptions options;
  options.threads = 1;
  options.limits.max_connections = 0;  // no connection waits: one served, the next refused
  options.limits.request_timeout_seconds = 600;
  RunningServer server(options);

  // The one thread serves this connection: answered once, then held by half a request.
  RawConnection held(server.port());
  held.Send(kHealth);
  REQUIRE(held.Read().status == 200);
  held.Send(
      "POST /v1/check HTTP/1.1\r\nHost: loket\r\nContent-Type: application/json\r\n"
      "Content-Length: 100\r\n\r\n{");

  httplib::Client client = server.Client();
  auto refused = client.Get("/readyz");
  REQUIRE(refused);
  ExpectError(refused->status, refused->body, 503, "overloaded");
  CHECK(refused->get_header_value("Retry-After") == "1");

  // Once the held connection goes, the thread serves again (the refused client may come
  // before the thread has noticed; it is told to retry, so it does, a bounded number of times).
  held.Close();
  int status = 0;
  for (int attempt = 0; attempt < 1000 && status != 200; ++attempt) {
    httplib::Client again = server.Client();
    auto result = again.Get("/readyz");
    REQUIRE(result);
    status = result->status;
    if (status != 200) {
      REQUIRE(status == 503);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  CHECK(status == 200);
}

TEST_CASE("serve: a request that stops arriving is answered 408 after the request time limit",
          "[serve]") {
  loket::serve::ServeOptions options;
  options.limits.request_timeout_seconds = 1;
  RunningServer server(options);
  RawConnection slow(server.port());
  slow.Send(
      "POST /v1/jurisdictions/westland/decide?on=2025-06-01 HTTP/1.1\r\nHost: loket\r\n"
      "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"age\": 30");
  RawConnection::Answer answer = slow.Read();
  ExpectError(answer.status, answer.body, 408, "request_timeout");
  // The connection is closed after it; the server serves the next one.
  CHECK(slow.Read().status == 0);
  httplib::Client client = server.Client();
  auto ok = client.Get("/healthz");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("serve: a POST without Content-Length is answered 411 in JSON, not a bare 400",
          "[serve]") {
  RunningServer server;
  RawConnection connection(server.port());
  connection.Send("POST /v1/admin/reload HTTP/1.1\r\nHost: loket\r\n\r\n");
  RawConnection::Answer answer = connection.Read();
  ExpectError(answer.status, answer.body, 411, "length_required");
}

TEST_CASE("serve: a Stop before Run keeps Run from serving", "[serve]") {
  // `loket serve` on a rule base with errors: the load fails before the serving thread has
  // started Run(), and Stop() comes first. Run() must then return instead of listening for
  // ever (serve.process hung that way under load: "the server did not become ready").
  loket::serve::ServeOptions options;
  options.rule_paths = {loket::serve::testing::FixtureDesk()};
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  loket::serve::Server server(options);
  std::string error;
  REQUIRE(server.Bind(error));
  server.Stop();
  auto ran = std::async(std::launch::async, [&] { server.Run(); });
  // A bound on waiting for a hang, not on speed.
  const bool returned = ran.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  CHECK(returned);
  if (!returned) server.Stop();  // it is listening: a second Stop() ends it
}

TEST_CASE("serve: until the rule base is loaded, readiness and the API answer 503 loading",
          "[serve]") {
  loket::serve::ServeOptions options;
  options.rule_paths = {loket::serve::testing::FixtureDesk()};
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  loket::serve::Server server(options);
  std::string error;
  REQUIRE(server.Bind(error));
  std::thread serving([&] { server.Run(); });
  {
    httplib::Client client("127.0.0.1", server.port());
    client.set_read_timeout(60, 0);
    auto health = client.Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);  // alive, not ready
    auto ready = client.Get("/readyz");
    REQUIRE(ready);
    ExpectError(ready->status, ready->body, 503, "loading");
    auto decide = client.Post("/v1/jurisdictions/westland/decide?on=2025-06-01",
                              R"({"age": 30, "residence": "asylum_fixed"})", "application/json");
    REQUIRE(decide);
    ExpectError(decide->status, decide->body, 503, "loading");
    auto jurisdictions = client.Get("/v1/jurisdictions");
    REQUIRE(jurisdictions);
    ExpectError(jurisdictions->status, jurisdictions->body, 503, "loading");

    bool rule_errors = true;
    REQUIRE(server.LoadRules(error, rule_errors));
    CHECK(!rule_errors);
    auto loaded = client.Get("/readyz");
    REQUIRE(loaded);
    CHECK(loaded->status == 200);
    auto decided = client.Post("/v1/jurisdictions/westland/decide?on=2025-06-01",
                               R"({"age": 30, "residence": "asylum_fixed"})", "application/json");
    REQUIRE(decided);
    CHECK(decided->status == 200);
  }
  server.Stop();
  serving.join();
}
