// The HTTP service end to end: a Server started in the test on a free loopback port, called
// with cpp-httplib's client. The rule base is tests/cli/fixtures/desk (copied to a temporary
// folder where a test changes it).
#include <httplib.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <loket/answer.h>
#include <loket/batch.h>
#include <loket/loket.h>

#include "serve/decision_record.h"
#include "serve/server.h"
#include "serve_test_util.h"

namespace fs = std::filesystem;
using loket::serve::testing::RunningServer;
using loket::serve::testing::TempDir;
using nlohmann::json;

namespace {

const char* kGoodCase = R"({"age": 30, "residence": "asylum_fixed"})";

json Body(const httplib::Result& result) {
  REQUIRE(result);
  return json::parse(result->body);
}

}  // namespace

TEST_CASE("serve: health, readiness and the jurisdictions", "[serve]") {
  RunningServer server;
  httplib::Client client = server.Client();
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto ready = client.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  json readiness = json::parse(ready->body);
  CHECK(readiness["ready"] == true);
  CHECK(std::regex_match(readiness["rule_base_hash"].get<std::string>(),
                         std::regex("sha256:[0-9a-f]{64}")));

  json jurisdictions = Body(client.Get("/v1/jurisdictions"));
  REQUIRE(jurisdictions["jurisdictions"].size() == 2);
  json westland = jurisdictions["jurisdictions"][1];
  CHECK(westland["name"] == "westland");
  CHECK(westland["code"] == "GM1783");
  CHECK(westland["chain"] == json::array({"national", "westland"}));
  CHECK(westland["leaf"] == true);
}

TEST_CASE("serve: the schema of a case, by layer name or CBS code", "[serve]") {
  RunningServer server;
  httplib::Client client = server.Client();
  json schema = Body(client.Get("/v1/jurisdictions/gm1783/schema?on=2025-06-01"));
  CHECK(schema["jurisdiction"] == "westland");
  REQUIRE(schema["facts"].size() == 2);
  CHECK(schema["facts"][0]["name"] == "age");
  CHECK(schema["facts"][0]["range"]["min"] == 0);
  CHECK(schema["facts"][0]["range"]["max"] == 130);
  CHECK(schema["facts"][1]["members"] == json::array({"asylum_fixed", "eu_free_movement", "none"}));
  // Each enum member with its description as declared (docs/language.md, "enum").
  json described = schema["facts"][1]["member_descriptions"];
  CHECK(described == json{{"asylum_fixed", "asylum permit for a fixed period"},
                          {"eu_free_movement", "EU citizen"},
                          {"none", "no lawful stay"}});
  CHECK(!schema["facts"][0].contains("member_descriptions"));  // `age` is no enum
  CHECK(schema["case_schema"]["required"] == json::array({"age", "residence"}));
  CHECK(schema["case_schema"]["properties"]["age"]["maximum"] == 130);
  CHECK(schema["decisions"][0]["title"] == "Inburgering");
  CHECK(schema["decisions"][0]["decisions"][0]["name"] == "integration_duty");
}

TEST_CASE("serve: decide answers as the library does, with a receipt", "[serve]") {
  RunningServer server;
  httplib::Client client = server.Client();
  auto result = client.Post("/v1/jurisdictions/westland/decide?on=2025-06-01&explain=true",
                            kGoodCase, "application/json");
  REQUIRE(result);
  REQUIRE(result->status == 200);
  json answer = json::parse(result->body);
  CHECK(answer["decisions"]["integration_duty"] == true);
  CHECK(answer["decisions"]["referrals"] ==
        json::array({"integration_intake", "integration_course"}));
  json receipt = answer["receipt"];
  CHECK(std::regex_match(
      receipt["decision_id"].get<std::string>(),
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(receipt["rule_base_hash"] == server.rules().ContentHash());
  CHECK(receipt["jurisdiction"] == "westland");
  CHECK(receipt["reference_date"] == "2025-06-01");
  CHECK(receipt["loket_version"] == loket::Version());

  // The same answer as the library's renderer gives, but for the receipt.
  loket::Program program = *server.rules().Compile("westland");
  loket::Case facts = program.NewCase();
  std::vector<loket::Diagnostic> errors;
  REQUIRE(program.ParseJson(kGoodCase, facts, errors));
  json expected = json::parse(
      loket::RenderAnswerJson(program.Explain(facts, *loket::Date::Parse("2025-06-01"))));
  answer.erase("receipt");
  CHECK(answer == expected);

  // Without `explain`: the same decisions with their legal basis, and no explanation. A second
  // decision gets another id, the same hash.
  json again = Body(client.Post("/v1/jurisdictions/westland/decide?on=2025-06-01", kGoodCase,
                                "application/json"));
  CHECK(again["decisions"] == expected["decisions"]);
  CHECK(again["basis"]["integration_duty"] == json::array({"Wet inburgering 2021, art. 3 lid 1"}));
  CHECK(again["basis"]["referrals"] ==
        json::array({"Wet inburgering 2021, art. 14", "Wet inburgering 2021, art. 16"}));
  CHECK(again["errors"] == json::array());
  CHECK(!again.contains("details"));
  CHECK(again["receipt"]["decision_id"] != receipt["decision_id"]);
  CHECK(again["receipt"]["rule_base_hash"] == receipt["rule_base_hash"]);
}

TEST_CASE("serve: bad requests get clear JSON errors with stable codes", "[serve]") {
  loket::serve::ServeOptions options;
  options.limits.max_body_bytes = 4096;
  options.limits.max_json_depth = 8;
  options.limits.max_batch_records = 3;
  RunningServer server(options);
  httplib::Client client = server.Client();
  auto expect = [](const httplib::Result& result, int status, const std::string& code) {
    REQUIRE(result);
    INFO(result->body);
    CHECK(result->status == status);
    json body = json::parse(result->body, nullptr, false);
    REQUIRE(!body.is_discarded());
    CHECK(body["error"]["code"] == code);
    CHECK(body["error"]["status"] == status);
    CHECK(!body["error"]["message"].get<std::string>().empty());
  };
  const std::string decide = "/v1/jurisdictions/westland/decide?on=2025-06-01";
  expect(client.Get("/v1/nothing"), 404, "not_found");
  expect(client.Get(decide.c_str()), 405, "method_not_allowed");
  expect(client.Post("/v1/jurisdictions/atlantis/decide", kGoodCase, "application/json"), 404,
         "unknown_jurisdiction");
  expect(client.Post(decide.c_str(), kGoodCase, "text/plain"), 415, "unsupported_media_type");
  expect(client.Post(decide.c_str(), std::string(5000, ' ') + "{}", "application/json"), 413,
         "payload_too_large");
  expect(client.Post(decide.c_str(), "[[[[[[[[[[[[]]]]]]]]]]]]", "application/json"), 400,
         "too_deep");
  expect(
      client.Post("/v1/jurisdictions/westland/decide?on=2025-02-30", kGoodCase, "application/json"),
      400, "bad_date");
  expect(client.Post(decide.c_str(), R"({"age": 30})", "application/json"), 422, "L605");
  expect(client.Post(decide.c_str(), R"({"age": 300, "residence": "none"})", "application/json"),
         422, "L603");
  expect(client.Post(decide.c_str(), R"({"age": 30, "residence": "martian"})", "application/json"),
         422, "L604");
  expect(client.Post(decide.c_str(), "not json", "application/json"), 422, "L611");
  expect(client.Post("/v1/jurisdictions/westland/decide-batch", "{}\n{}\n{}\n{}\n",
                     "application/x-ndjson"),
         413, "too_many_records");
  // The last line counts without its newline too; three records are within the limit.
  expect(client.Post("/v1/jurisdictions/westland/decide-batch", "{}\n{}\n{}\n{}",
                     "application/x-ndjson"),
         413, "too_many_records");
  auto three =
      client.Post("/v1/jurisdictions/westland/decide-batch", "{}\n{}\n{}", "application/x-ndjson");
  REQUIRE(three);
  CHECK(three->status == 200);
  expect(
      client.Post("/v1/jurisdictions/westland/why-not/no.such.rule", kGoodCase, "application/json"),
      404, "unknown_rule");
  expect(client.Post("/v1/admin/reload", "", "application/json"), 404, "not_found");
  // Invalid UTF-8 in the body never makes an answer that is not JSON.
  expect(client.Post(decide.c_str(), "{\"\xff\xfe\": 1}", "application/json"), 422, "L611");
  // The server still answers after all of that.
  auto ok = client.Post(decide.c_str(), kGoodCase, "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("serve: decide-batch streams JSON Lines in input order", "[serve]") {
  RunningServer server;
  httplib::Client client = server.Client();
  std::string body = R"({"age": 30, "residence": "asylum_fixed"})"
                     "\n"
                     R"({"age": 12, "residence": "asylum_fixed"})"
                     "\n"
                     R"({"age": 30, "residence": "martian"})"
                     "\n";
  auto result = client.Post("/v1/jurisdictions/westland/decide-batch?on=2025-06-01", body,
                            "application/x-ndjson");
  REQUIRE(result);
  REQUIRE(result->status == 200);
  CHECK(!result->get_header_value("Loket-Receipt").empty());
  std::istringstream lines(result->body);
  std::string line;
  std::vector<json> records;
  while (std::getline(lines, line)) records.push_back(json::parse(line));
  REQUIRE(records.size() == 3);
  // As `loket eval --cases` writes them: the decisions, or the record number with its errors.
  CHECK(records[0]["integration_duty"] == true);
  CHECK(records[1]["integration_duty"] == false);
  CHECK(records[2]["record"] == 3);
  CHECK(records[2]["errors"][0]["code"] == "L604");
}

TEST_CASE("serve: rules in force and why-not", "[serve]") {
  RunningServer server;
  httplib::Client client = server.Client();
  json rules = Body(client.Get("/v1/jurisdictions/westland/rules?on=2025-06-01"));
  std::set<std::string> ids;
  for (const json& rule : rules["rules"]) ids.insert(rule["qualified_id"].get<std::string>());
  CHECK(ids.count("national.wi.duty") == 1);
  CHECK(ids.count("westland.ws.course") == 1);
  CHECK(rules["rules"][0]["citation"] == "Wet inburgering 2021, art. 3 lid 1");

  json why = Body(client.Post("/v1/jurisdictions/westland/why-not/wi.duty?on=2025-06-01",
                              R"({"age": 12, "residence": "asylum_fixed"})", "application/json"));
  CHECK(why["why_not"]["reason"] == "condition false");
}

TEST_CASE("serve: check a draft against the loaded rule base without changing it", "[serve]") {
  RunningServer server;
  httplib::Client client = server.Client();
  json draft = {{"draft",
                 {{"path", "westland.loket"},
                  {"text",
                   "layer municipality westland \"Gemeente Westland\" under national code "
                   "GM1783\n\nrule ws.course \"Wet inburgering 2021, art. 16\"\n  when "
                   "integration_dutty\n  then referrals += {integration_course}\n"}}}};
  json checked = Body(client.Post("/v1/check", draft.dump(), "application/json"));
  CHECK(checked["errors"] == 1);
  REQUIRE(checked["diagnostics"].size() >= 1);
  CHECK(checked["diagnostics"][0]["code"] == "L201");
  CHECK(checked["diagnostics"][0]["location"]["line"] == 4);
  // What is served did not change.
  json ready = Body(client.Get("/readyz"));
  CHECK(ready["rule_base_hash"] == server.rules().ContentHash());
  CHECK(ready["generation"] == 1);

  json files = {
      {"files", json::array({{{"path", "a.loket"}, {"text", "layer national \"N\"\n"}}})}};
  json clean = Body(client.Post("/v1/check", files.dump(), "application/json"));
  CHECK(clean["errors"] == 0);
  auto bad = client.Post("/v1/check", R"({"files": [{"path": "../etc/passwd", "text": ""}]})",
                         "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
}

TEST_CASE("serve: reload with the admin token swaps the rule base, errors keep the old one",
          "[serve]") {
  TempDir dir;
  fs::copy(loket::serve::testing::FixtureDesk(), dir.path() / "desk", fs::copy_options::recursive);
  fs::remove_all(dir.path() / "desk" / "tests");
  std::ofstream(dir.path() / "token") << "0123456789abcdef0123\n";
  loket::serve::ServeOptions options;
  options.rule_paths = {(dir.path() / "desk").string()};
  options.admin_token_file = (dir.path() / "token").string();
  RunningServer server(options);
  httplib::Client client = server.Client();
  std::string before = Body(client.Get("/readyz"))["rule_base_hash"];

  auto unauthorized = client.Post("/v1/admin/reload", "", "application/json");
  REQUIRE(unauthorized);
  CHECK(unauthorized->status == 401);

  httplib::Headers admin = {{"Authorization", "Bearer 0123456789abcdef0123"}};
  // A broken rule base is refused; the old one keeps serving.
  fs::path westland = dir.path() / "desk" / "westland.loket";
  std::string original;
  {
    std::ifstream in(westland);
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(westland) << original
                          << "\nrule ws.broken \"x\" when nonsense then referrals += {}\n";
  auto refused = client.Post("/v1/admin/reload", admin, "", "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 422);
  CHECK(json::parse(refused->body)["error"]["code"] == "rule_errors");
  CHECK(Body(client.Get("/readyz"))["rule_base_hash"] == before);

  // A good change is taken, atomically: the new hash, the next generation.
  std::ofstream(westland) << original << "\n// amended\n";
  auto reloaded = client.Post("/v1/admin/reload", admin, "", "application/json");
  REQUIRE(reloaded);
  CHECK(reloaded->status == 200);
  json ready = Body(client.Get("/readyz"));
  CHECK(ready["rule_base_hash"] != before);
  CHECK(ready["generation"] == 2);
  json answer = Body(client.Post("/v1/jurisdictions/westland/decide?on=2025-06-01", kGoodCase,
                                 "application/json"));
  CHECK(answer["receipt"]["rule_base_hash"] == ready["rule_base_hash"]);
  std::string metrics = client.Get("/metrics")->body;
  CHECK(metrics.find("loket_reloads_total{result=\"ok\"} 1") != std::string::npos);
  CHECK(metrics.find("loket_reloads_total{result=\"failed\"} 1") != std::string::npos);
}

TEST_CASE("serve: the decision log holds every decision and replays", "[serve]") {
  TempDir dir;
  loket::serve::ServeOptions options;
  options.decision_log = (dir.path() / "decisions.jsonl").string();
  {
    RunningServer server(options);
    httplib::Client client = server.Client();
    for (int age : {12, 30, 70}) {
      std::string facts = "{\"age\": " + std::to_string(age) + ", \"residence\": \"asylum_fixed\"}";
      auto result =
          client.Post("/v1/jurisdictions/westland/decide?on=2025-06-01", facts, "application/json");
      REQUIRE(result);
      CHECK(result->status == 200);
    }
    auto batch = client.Post("/v1/jurisdictions/national/decide-batch?on=2025-06-01",
                             "{\"age\": 40, \"residence\": \"none\"}\n", "application/x-ndjson");
    REQUIRE(batch);
  }  // stopping the server drains the log
  std::ifstream in(options.decision_log);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    json record = json::parse(line);
    CHECK(record.contains("receipt"));
    CHECK(record.contains("facts"));
    CHECK(record["outcome"].contains("decisions"));
    ++lines;
  }
  CHECK(lines == 4);

  // The same rules replay every decision the same.
  loket::RuleBase rules = *loket::RuleBase::LoadFiles({loket::serve::testing::FixtureDesk()});
  std::ostringstream report;
  auto same = loket::serve::ReplayLog(options.decision_log, rules, report);
  REQUIRE(same.ok());
  CHECK(same->records == 4);
  CHECK(same->same == 4);
  CHECK(same->different == 0);

  // Changed rules: the hash differs for every record, and the outcome for the obliged ones.
  std::vector<loket::SourceText> sources = rules.Sources();
  for (loket::SourceText& source : sources) {
    auto at = source.text.find("when age >= 16");
    if (at != std::string::npos) source.text.replace(at, 14, "when age >= 18");
  }
  loket::RuleBase amended = loket::RuleBase::FromSources(sources);
  REQUIRE(!amended.has_errors());
  std::ostringstream changed_report;
  auto changed = loket::serve::ReplayLog(options.decision_log, amended, changed_report);
  REQUIRE(changed.ok());
  CHECK(changed->other_hash == 4);
  CHECK(changed->different == 0);  // 12, 30, 70 and 40: none between 16 and 18
  CHECK(changed_report.str().find("decided under rule base sha256:") != std::string::npos);
}

TEST_CASE("serve: every route is in docs/openapi.yaml and every described route exists",
          "[serve]") {
  RunningServer server;
  httplib::Client client = server.Client();
  auto served = client.Get("/v1/openapi.yaml");
  REQUIRE(served);
  CHECK(served->status == 200);
  std::string text =
      loket::serve::testing::ReadText(fs::path(LOKET_SOURCE_DIR) / "docs" / "openapi.yaml");
  CHECK(served->body == text);
  // Paths are the keys indented by two spaces under `paths:`, methods by four.
  std::set<std::string> described;
  std::istringstream lines(text);
  std::string line, path;
  bool in_paths = false;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!line.empty() && line[0] != ' ') in_paths = false;
    if (!in_paths) continue;
    if (std::regex_match(line, m, std::regex(R"(  (/[^:]*):\s*)"))) path = m[1];
    if (std::regex_match(line, m, std::regex(R"(    (get|post|put|delete|patch):\s*)"))) {
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      described.insert(method + " " + path);
    }
  }
  std::set<std::string> routes;
  for (const loket::serve::Route& route : loket::serve::Routes()) {
    routes.insert(std::string(route.method) + " " + route.path);
  }
  CHECK(described == routes);
  CHECK(routes.size() >= 12);
}

TEST_CASE("serve: metrics count requests by route and status", "[serve]") {
  RunningServer server;
  httplib::Client client = server.Client();
  for (int i = 0; i < 3; ++i) {
    client.Post("/v1/jurisdictions/westland/decide?on=2025-06-01", kGoodCase, "application/json");
  }
  client.Get("/v1/nothing");
  std::string metrics = client.Get("/metrics")->body;
  CHECK(metrics.find("loket_http_requests_total{route=\"/v1/jurisdictions/{jurisdiction}/decide\","
                     "status=\"200\"} 3") != std::string::npos);
  CHECK(metrics.find("loket_http_requests_total{route=\"unmatched\",status=\"404\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("loket_decisions_total{jurisdiction=\"westland\"} 3") != std::string::npos);
  CHECK(metrics.find("loket_rule_base_info{hash=\"" + server.rules().ContentHash() + "\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("loket_http_request_duration_seconds_bucket{route=\"/v1/jurisdictions/"
                     "{jurisdiction}/decide\",status=\"200\",le=\"+Inf\"} 3") != std::string::npos);
  CHECK(
      metrics.find("loket_http_request_duration_seconds_count{route=\"unmatched\",status=\"404\"} "
                   "1") != std::string::npos);
}

TEST_CASE("receipt: the content hash covers paths and bytes, not the folder", "[serve]") {
  std::vector<loket::SourceText> a = {
      {"rules/national/a.loket", "layer national \"N\"\n"},
      {"rules/westland/b.loket", "layer municipality westland \"W\" under national\n"}};
  std::vector<loket::SourceText> moved = a;
  moved[0].path = "/elsewhere/rules/national/a.loket";
  moved[1].path = "/elsewhere/rules/westland/b.loket";
  std::string hash = loket::RuleBase::FromSources(a).ContentHash();
  CHECK(std::regex_match(hash, std::regex("sha256:[0-9a-f]{64}")));
  CHECK(loket::RuleBase::FromSources(moved).ContentHash() == hash);
  std::vector<loket::SourceText> renamed = a;
  renamed[1].path = "rules/westland/c.loket";
  CHECK(loket::RuleBase::FromSources(renamed).ContentHash() != hash);
  std::vector<loket::SourceText> edited = a;
  edited[1].text += "// a comment\n";
  CHECK(loket::RuleBase::FromSources(edited).ContentHash() != hash);
  // Bytes moved from one file to the next change the hash (each file's length is hashed).
  std::vector<loket::SourceText> shifted = a;
  shifted[0].text += "\n";
  shifted[1].text.erase(shifted[1].text.size() - 1);
  CHECK(loket::RuleBase::FromSources(shifted).ContentHash() != hash);
}

TEST_CASE(
    "serve: decide-batch answers from the request's jurisdiction and rule base, request "
    "after request on one thread",
    "[serve]") {
  // One thread serves every request, so each batch reuses what the previous one left (the
  // thread's evaluators): the jurisdiction and a reload must still be seen.
  TempDir dir;
  fs::copy(loket::serve::testing::FixtureDesk(), dir.path() / "desk", fs::copy_options::recursive);
  fs::remove_all(dir.path() / "desk" / "tests");
  std::ofstream(dir.path() / "token") << "0123456789abcdef0123\n";
  loket::serve::ServeOptions options;
  options.rule_paths = {(dir.path() / "desk").string()};
  options.admin_token_file = (dir.path() / "token").string();
  options.threads = 1;
  RunningServer server(options);
  httplib::Client client = server.Client();
  const std::string batch = R"({"age": 17, "residence": "asylum_fixed"})"
                            "\n";
  auto referrals = [&](const std::string& jurisdiction) {
    auto result = client.Post("/v1/jurisdictions/" + jurisdiction + "/decide-batch?on=2025-06-01",
                              batch, "application/x-ndjson");
    REQUIRE(result);
    REQUIRE(result->status == 200);
    return json::parse(result->body)["referrals"];
  };
  CHECK(referrals("westland") == json::array({"integration_intake", "integration_course"}));
  CHECK(referrals("national") == json::array({"integration_intake"}));
  CHECK(referrals("westland") == json::array({"integration_intake", "integration_course"}));

  fs::path national = dir.path() / "desk" / "national.loket";
  std::string text = loket::serve::testing::ReadText(national);
  auto at = text.find("when age >= 16");
  REQUIRE(at != std::string::npos);
  text.replace(at, 14, "when age >= 18");
  std::ofstream(national) << text;
  httplib::Headers admin = {{"Authorization", "Bearer 0123456789abcdef0123"}};
  auto reloaded = client.Post("/v1/admin/reload", admin, "", "application/json");
  REQUIRE(reloaded);
  REQUIRE(reloaded->status == 200);
  CHECK(referrals("westland") == json::array());
  CHECK(referrals("national") == json::array());
}

TEST_CASE("serve: a large decide-batch is answered line for line as the library answers it",
          "[serve]") {
  // More records than one evaluator holds, so the server decides them in parts (on two
  // threads where there are two cores) and must still write them in input order.
  TempDir dir;
  loket::serve::ServeOptions options;
  options.decision_log = (dir.path() / "decisions.jsonl").string();
  std::string body;
  int bad = 0;
  for (int i = 0; i < 2000; ++i) {
    if (i % 97 == 5) {
      body += R"({"age": 30, "residence": "martian"})";
      ++bad;
    } else {
      body += "{\"age\": " + std::to_string(i % 40) + ", \"residence\": \"" +
              (i % 3 ? "asylum_fixed" : "none") + "\"}";
    }
    body += "\n";
  }
  std::string expected;
  {
    RunningServer server(options);
    httplib::Client client = server.Client();
    auto result = client.Post("/v1/jurisdictions/westland/decide-batch?on=2025-06-01", body,
                              "application/x-ndjson");
    REQUIRE(result);
    REQUIRE(result->status == 200);

    loket::BatchOptions batch;
    batch.jurisdiction = "westland";
    batch.on = *loket::Date::Parse("2025-06-01");
    loket::BatchEvaluator library(server.rules(), batch);
    REQUIRE(library.Prepare().ok());
    std::istringstream lines(body);
    std::string line, error;
    for (std::int64_t record = 1; std::getline(lines, line); ++record) {
      library.DecideRecord(line, record, expected, error);
    }
    CHECK(result->body == expected);
  }
  // Every decided record logged, in input order.
  std::ifstream log(options.decision_log);
  std::string line;
  std::vector<int> ages;
  while (std::getline(log, line)) ages.push_back(json::parse(line)["facts"]["age"].get<int>());
  REQUIRE(ages.size() == static_cast<std::size_t>(2000 - bad));
  std::size_t n = 0;
  for (int i = 0; i < 2000; ++i) {
    if (i % 97 == 5) continue;
    CHECK(ages[n++] == i % 40);
  }
}

TEST_CASE("serve: the checker's findings on the served rule base, by jurisdiction", "[serve]") {
  // examples/conflicts/shadowed-rule has one warning (L508) about Amstelveen, with a witness.
  loket::serve::ServeOptions options;
  options.rule_paths = {
      (fs::path(LOKET_SOURCE_DIR) / "examples" / "conflicts" / "shadowed-rule").string()};
  RunningServer server(options);
  httplib::Client client = server.Client();
  json amstelveen = Body(client.Get("/v1/jurisdictions/amstelveen/findings"));
  CHECK(amstelveen["jurisdiction"] == "amstelveen");
  REQUIRE(amstelveen["diagnostics"].size() == 1);
  json finding = amstelveen["diagnostics"][0];
  CHECK(finding["code"] == "L508");
  CHECK(finding["severity"] == "warning");
  CHECK(finding["layer"] == "amstelveen");
  REQUIRE(finding["witnesses"].size() == 1);
  CHECK(finding["witnesses"][0]["jurisdiction"] == "amstelveen");
  CHECK(finding["witnesses"][0]["case"].get<std::string>().find("employer_recognised_sponsor") !=
        std::string::npos);
  // The national layer is not about Amstelveen's rule.
  json national = Body(client.Get("/v1/jurisdictions/national/findings"));
  CHECK(national["diagnostics"] == json::array());
}
