// `loket serve RULES`: the desk as an HTTP service (src/serve), and `loket replay LOG RULES`,
// which re-decides a decision log. The work is in src/serve; here only flags and files.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <loket/loket.h>

#include "command.h"
#include "common.h"
#include "serve/decision_record.h"
#include "serve/server.h"

namespace loket::cli {
namespace {

struct ServeCommandOptions {
  serve::ServeOptions serve;
  std::string listen = "127.0.0.1:8080";
};

int RunServe(ServeCommandOptions& options) {
  // --listen HOST:PORT (the port alone means loopback); [::1]:8080 for IPv6.
  const std::string& listen = options.listen;
  std::size_t colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? "127.0.0.1" : listen.substr(0, colon);
  std::string port = colon == std::string::npos ? listen : listen.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port_number = -1;
  try {
    std::size_t used = 0;
    port_number = std::stoi(port, &used);
    if (used != port.size()) port_number = -1;
  } catch (...) {
    port_number = -1;
  }
  if (host.empty() || port_number < 0 || port_number > 65535) {
    PrintError("--listen takes HOST:PORT (e.g. 127.0.0.1:8080), not `" + listen + "`");
    return kExitUsage;
  }
  options.serve.host = host;
  options.serve.port = port_number;
  if (options.serve.web_dir.empty()) {
    // The bundle beside the binary: build/web next to build/bin/loket (scripts/build.sh).
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) options.serve.web_dir = (exe.parent_path() / ".." / "web").lexically_normal().string();
  } else if (!std::filesystem::is_directory(options.serve.web_dir)) {
    PrintError("--web: no folder `" + options.serve.web_dir +
               "` (build the page with `node web/build.mjs DIR`)");
    return kExitUsage;
  }
  return serve::RunUntilSignalled(options.serve);
}

const RegisterCommand kServe{
    {"serve", "Serve the desk over HTTP (JSON API under /v1; see docs/openapi.yaml)", 60,
     [](CLI::App& app) -> Action {
       auto options = std::make_shared<ServeCommandOptions>();
       serve::ServeOptions& o = options->serve;
       serve::Limits& limits = o.limits;
       app.add_option("RULES", o.rule_paths, "Rule files or folders (checked at start)")
           ->required();
       app.add_option("--listen", options->listen,
                      "HOST:PORT to listen on (loopback unless told otherwise; port 0: any)")
           ->capture_default_str();
       app.add_option("--threads", o.threads,
                      "Connections served at once, one thread each (0: 4 per core, at least 16)")
           ->check(CLI::Range(0, 1024));
       app.add_option("--decision-log", o.decision_log,
                      "Append every decision (receipt, facts, outcome) to this JSON Lines file; "
                      "reopened on SIGHUP");
       app.add_option("--web", o.web_dir,
                      "The web desk's bundle folder (default: ../web beside the binary)");
       app.add_option("--admin-token-file", o.admin_token_file,
                      "Enable POST /v1/admin/reload for the token in this file");
       app.add_option("--max-body-bytes", limits.max_body_bytes, "Largest request body")
           ->capture_default_str();
       app.add_option("--max-batch-records", limits.max_batch_records,
                      "Most records in one decide-batch request")
           ->capture_default_str();
       app.add_option("--max-json-depth", limits.max_json_depth, "Deepest JSON nesting")
           ->check(CLI::Range(1, 1000))
           ->capture_default_str();
       app.add_option("--request-timeout", limits.request_timeout_seconds,
                      "Seconds to read a request or write an answer")
           ->check(CLI::Range(1, 3600))
           ->capture_default_str();
       app.add_option("--max-connections", limits.max_connections,
                      "Connections that may wait for a thread; beyond: 503")
           ->check(CLI::Range(0, 100000))
           ->capture_default_str();
       return [options] { return RunServe(*options); };
     }}};

struct ReplayOptions {
  std::string log;
  std::vector<std::string> rule_paths;
};

int RunReplay(const ReplayOptions& options) {
  std::optional<RuleBase> rules = LoadRuleBase(options.rule_paths);
  if (!rules) return kExitUsage;
  if (rules->has_errors()) {
    std::vector<Diagnostic> shown = rules->diagnostics();
    const std::size_t left_out = LimitErrors(shown, kDefaultErrorLimit);
    RenderText(std::cerr, shown);
    PrintErrorsLeftOut(left_out);
    return kExitFindings;
  }
  Result<serve::ReplaySummary> summary = serve::ReplayLog(options.log, *rules, std::cout);
  if (!summary.ok()) {
    PrintError(summary.status());
    return kExitUsage;
  }
  bool same = summary->different == 0 && summary->other_hash == 0 && summary->unreadable == 0;
  return same ? kExitOk : kExitFindings;
}

const RegisterCommand kReplay{
    {"replay", "Re-decide a decision log and report every answer that would differ", 65,
     [](CLI::App& app) -> Action {
       auto options = std::make_shared<ReplayOptions>();
       app.add_option("LOG", options->log, "The decision log (loket serve --decision-log)")
           ->required();
       app.add_option("RULES", options->rule_paths, "Rule files or folders")->required();
       return [options] { return RunReplay(*options); };
     }}};

}  // namespace
}  // namespace loket::cli
