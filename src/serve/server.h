// `loket serve`: the desk as an HTTP service (JSON, versioned under /v1) on cpp-httplib.
// A client of the public API only (include/loket), like the CLI: the rule base is loaded and
// checked through RuleBase, answers are rendered by the library's renderer, so the service
// answers exactly as `loket eval --format json` does. docs/openapi.yaml describes every route;
// Routes() is the one list of them.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace loket::serve {

struct LoadFailure;

struct Limits {
  std::size_t max_body_bytes = 16u << 20;   // 413 above
  std::size_t max_batch_records = 100'000;  // 413 above, per decide-batch request
  int max_json_depth = 32;                  // 400 above (a case is flat: facts and sets)
  int request_timeout_seconds = 30;         // reading a request / writing an answer
  int max_connections = 256;                // waiting connections beyond the threads: 503
  std::size_t max_check_files = 2000;       // files in one POST /v1/check
};

struct ServeOptions {
  std::vector<std::string> rule_paths;  // rule files or folders, as `loket check` takes them
  std::string host = "127.0.0.1";       // loopback unless told otherwise
  int port = 8080;                      // 0: any free port (Server::port() tells which)
  int threads = 0;                      // connections served at once; 0: 4 per core, at least 16
  std::string decision_log;             // append one JSON line per decision; empty: none
  std::string admin_token_file;         // enables POST /v1/admin/reload; empty: disabled
  std::string web_dir;                  // the page's bundle (GET /); missing: 404 "not built"
  Limits limits;
};

// One route of the service: what docs/openapi.yaml must describe.
struct Route {
  const char* method;  // "GET", "POST"
  const char* path;    // OpenAPI form: /v1/jurisdictions/{jurisdiction}/schema
};
const std::vector<Route>& Routes();

class Server {
 public:
  explicit Server(ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the port (the listening socket exists when this returns true); false with `error`
  // set when it cannot be bound, or the admin token or decision log cannot be read or opened.
  // Run() may serve from then on: until LoadRules() succeeds, /readyz and every route that
  // needs the rule base answer 503 `loading`.
  bool Bind(std::string& error);
  // Loads and checks the rule base the first time: false with `error` set when it cannot be
  // read, or has errors (`rule_errors`; `error` then holds the diagnostics as `loket check`
  // prints them).
  bool LoadRules(std::string& error, bool& rule_errors);
  // Bind() and LoadRules().
  bool Start(std::string& error, bool& rule_errors);
  // Serves until Stop() (from any thread); returns when the server has stopped.
  void Run();
  // Stops serving; when Run() was called on another thread, waits until it listens first, so
  // a Stop() right after starting Run() is not lost.
  void Stop();
  int port() const;

  // Reloads the rule base from disk: on errors the old one keeps serving and the errors are
  // returned (false). What SIGHUP and POST /v1/admin/reload do.
  bool Reload(std::string& errors);
  // Reopens the decision log (after log rotation); what SIGHUP does.
  void ReopenDecisionLog();

 private:
  bool Load(LoadFailure& failure);
  struct State;
  std::unique_ptr<State> state_;
};

// `loket serve`: starts a Server, stops it on SIGINT/SIGTERM, reloads and reopens the log on
// SIGHUP. Returns the process exit code (0 after a clean stop, 1 on rule errors, 2 when it
// could not start).
int RunUntilSignalled(ServeOptions options);

}  // namespace loket::serve
