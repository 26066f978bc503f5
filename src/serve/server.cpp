// The HTTP service: routes, limits, the snapshot swap, metrics and the decision log.
#include "serve/server.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <utility>

#include <httplib.h>
#include <loket/loket.h>
#include <loket/receipt.h>

#include "serve/decision_log.h"
#include "serve/decision_record.h"
#include "serve/handlers.h"
#include "serve/json_util.h"
#include "serve/metrics.h"
#include "serve/snapshot.h"
#include "serve/web_assets.h"

namespace loket::serve {
namespace {

thread_local std::chrono::steady_clock::time_point t_start;
// Set on the thread that answers connections beyond the limit: every request there gets 503.
thread_local bool t_overloaded = false;

// httplib's task queue with a bound: `threads` workers take connections; up to `waiting` more
// wait for a worker to be free; beyond that one extra thread answers each connection with 503
// and closes it, so neither threads nor memory grow with the number of clients.
class BoundedPool : public httplib::TaskQueue {
 public:
  BoundedPool(std::size_t threads, std::size_t waiting) : waiting_(waiting), idle_(threads) {
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(false); });
    workers_.emplace_back([this] { Work(true); });
  }
  ~BoundedPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // An idle worker takes the connection at once; the queue holds `waiting` more.
    if (jobs_.size() < idle_ + waiting_) {
      jobs_.push_back(std::move(fn));
      wake_.notify_one();
    } else {
      rejected_.push_back(std::move(fn));
      wake_rejecter_.notify_one();
    }
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    wake_rejecter_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }

 private:
  void Work(bool rejecter) {
    t_overloaded = rejecter;
    auto& queue = rejecter ? rejected_ : jobs_;
    auto& wake = rejecter ? wake_rejecter_ : wake_;
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake.wait(lock, [&] { return stopping_ || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and every queued connection served
        job = std::move(queue.front());
        queue.pop_front();
        if (!rejecter) --idle_;
      }
      job();
      if (!rejecter) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++idle_;
      }
    }
  }

  std::size_t waiting_;
  std::size_t idle_;  // workers not serving a connection (free, or about to take a queued one)
  std::mutex mutex_;
  std::condition_variable wake_, wake_rejecter_;
  std::deque<std::function<void()>> jobs_, rejected_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

}  // namespace

struct Server::State {
  ServeOptions options;
  httplib::Server http;
  int port = 0;
  std::mutex snapshot_mutex;  // guards `snapshot` (the pointer; the snapshot is immutable)
  std::shared_ptr<const Snapshot> snapshot;
  std::mutex reload_mutex;  // one reload at a time
  std::uint64_t generation = 0;
  Metrics metrics;
  std::unique_ptr<DecisionLog> log;
  // Run and Stop on different threads: a Stop before Run must keep Run from listening.
  std::mutex run_mutex;
  bool run_called = false, stop_called = false;
  std::atomic<bool> run_returned{false};
  std::string admin_token;

  std::shared_ptr<const Snapshot> Current() {
    std::lock_guard<std::mutex> lock(snapshot_mutex);
    return snapshot;
  }
};

namespace {

bool RouteExists(const std::string& path, const char* other_than_method) {
  for (const Route& route : Routes()) {
    if (std::string(route.method) == other_than_method) continue;
    if (std::regex_match(path, std::regex(RoutePattern(route.path)))) return true;
  }
  return false;
}

}  // namespace

Server::Server(ServeOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}

Server::~Server() {
  Stop();
  if (state_->log) state_->log->Close();
}

int Server::port() const {
  return state_->port;
}

bool Server::Start(std::string& error, bool& rule_errors) {
  rule_errors = false;
  return Bind(error) && LoadRules(error, rule_errors);
}

bool Server::Bind(std::string& error) {
  State& s = *state_;
  const ServeOptions& o = s.options;
  if (!o.admin_token_file.empty()) {
    std::ifstream in(o.admin_token_file);
    std::getline(in, s.admin_token);
    while (!s.admin_token.empty() &&
           (s.admin_token.back() == '\r' || s.admin_token.back() == ' ')) {
      s.admin_token.pop_back();
    }
    if (!in && s.admin_token.empty()) {
      error = "cannot read the admin token file `" + o.admin_token_file + "`";
      return false;
    }
    if (s.admin_token.size() < 16) {
      error = "the admin token in `" + o.admin_token_file + "` is shorter than 16 characters";
      return false;
    }
  }
  if (!o.decision_log.empty()) {
    s.log = std::make_unique<DecisionLog>();
    if (!s.log->Open(o.decision_log, error)) return false;
  }

  std::shared_ptr<const WebAssets> web = LoadWebAssets(o.web_dir, error);
  if (!web) return false;
  Handlers handlers{s.options,
                    [&s] { return s.Current(); },
                    s.metrics,
                    s.log.get(),
                    [this](std::string& errors) { return Reload(errors); },
                    s.admin_token,
                    std::move(web)};
  InstallRoutes(s.http, handlers);

  const Limits& limits = o.limits;
  s.http.set_payload_max_length(limits.max_body_bytes);
  s.http.set_read_timeout(limits.request_timeout_seconds, 0);
  s.http.set_write_timeout(limits.request_timeout_seconds, 0);
  s.http.set_keep_alive_timeout(5);
  s.http.set_tcp_nodelay(true);  // answers are small: no Nagle delay on keep-alive connections
  // httplib serves a keep-alive connection on one thread until it closes: threads are
  // connections served at once, not cores. A connection is closed after 100 requests so that
  // waiting connections get their turn.
  s.http.set_keep_alive_max_count(100);
  unsigned cores = std::thread::hardware_concurrency();
  std::size_t threads = o.threads > 0 ? static_cast<std::size_t>(o.threads)
                                      : std::max<std::size_t>(16, 4 * std::size_t{cores});
  std::size_t waiting = static_cast<std::size_t>(std::max(0, limits.max_connections));
  s.http.new_task_queue = [threads, waiting] { return new BoundedPool(threads, waiting); };

  s.http.set_pre_routing_handler([&s](const httplib::Request&, httplib::Response& res) {
    t_start = std::chrono::steady_clock::now();
    t_current_route = "unmatched";
    if (t_overloaded) {
      res.status = 503;
      res.set_header("Connection", "close");
      res.set_header("Retry-After", "1");
      res.set_content(ErrorJson(503, "overloaded", "too many connections; try again"),
                      "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  int limit_seconds = limits.request_timeout_seconds;
  s.http.set_error_handler([limit_seconds](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler's own error answer
    if (res.status == 404 && RouteExists(req.path, req.method.c_str())) res.status = 405;
    // httplib answers 400 when the body stops coming within the read timeout: a body shorter
    // than its Content-Length is that (a client that closed gets no answer anyway).
    if (res.status == 400 && req.has_header("Content-Length") &&
        req.body.size() < req.get_header_value<std::uint64_t>("Content-Length")) {
      res.status = 408;
      res.set_header("Connection", "close");
    }
    // A POST without Content-Length (`curl -X POST URL` sends none) is refused by httplib as
    // 400 before routing: say what is missing.
    bool has_length = req.has_header("Content-Length") || req.has_header("Transfer-Encoding");
    if (res.status == 400 && !has_length && req.method != "GET" && req.method != "HEAD") {
      res.status = 411;
    }
    const char* code = res.status == 404   ? "not_found"
                       : res.status == 405 ? "method_not_allowed"
                       : res.status == 408 ? "request_timeout"
                       : res.status == 411 ? "length_required"
                       : res.status == 413 ? "payload_too_large"
                       : res.status == 400 ? "bad_request"
                                           : "error";
    std::string message =
        res.status == 404   ? "no such route: " + req.method + " " + req.path
        : res.status == 405 ? "method " + req.method + " is not allowed on " + req.path
        : res.status == 408
            ? "the request did not arrive within " + std::to_string(limit_seconds) + " s"
        : res.status == 411 ? "send a Content-Length header with the request (0 for no body)"
        : res.status == 413 ? "the request body is too large"
                            : "the request could not be served";
    res.set_content(ErrorJson(res.status, code, message), "application/json");
  });
  s.http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(ErrorJson(500, "internal", "internal error"), "application/json");
      });
  s.http.set_logger([&s](const httplib::Request&, const httplib::Response& res) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    s.metrics.Request(t_current_route ? t_current_route : "unmatched", res.status, seconds);
  });

  if (o.port == 0) {
    s.port = s.http.bind_to_any_port(o.host);
    if (s.port <= 0) {
      error = "cannot listen on " + o.host + " (any port)";
      return false;
    }
  } else {
    if (!s.http.bind_to_port(o.host, o.port)) {
      error = "cannot listen on " + o.host + ":" + std::to_string(o.port);
      return false;
    }
    s.port = o.port;
  }
  return true;
}

bool Server::LoadRules(std::string& error, bool& rule_errors) {
  rule_errors = false;
  LoadFailure failure;
  if (!Load(failure)) {
    error = failure.text;
    rule_errors = failure.rule_errors;
    return false;
  }
  return true;
}

void Server::Run() {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.run_mutex);
    // Stopped before it ran (a rule base with errors, found while this thread was starting):
    // listening now would never end.
    if (s.stop_called) {
      s.run_returned = true;
      return;
    }
    s.run_called = true;
  }
  s.http.listen_after_bind();
  s.run_returned = true;
}

void Server::Stop() {
  State& s = *state_;
  bool run_called = false;
  {
    std::lock_guard<std::mutex> lock(s.run_mutex);
    s.stop_called = true;
    run_called = s.run_called;
  }
  // httplib's stop() does nothing before its listen loop runs: wait for it when Run() started.
  while (run_called && !s.run_returned && !s.http.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  s.http.stop();
}

bool Server::Reload(std::string& errors) {
  LoadFailure failure;
  bool ok = Load(failure);
  errors = failure.text;
  return ok;
}

bool Server::Load(LoadFailure& failure) {
  State& s = *state_;
  std::lock_guard<std::mutex> reloading(s.reload_mutex);
  std::shared_ptr<const Snapshot> loaded =
      LoadSnapshot(s.options.rule_paths, s.generation + 1, failure);
  if (!loaded) {
    if (s.generation > 0) s.metrics.Reload(false);
    return false;
  }
  s.generation = loaded->generation;
  {
    std::lock_guard<std::mutex> lock(s.snapshot_mutex);
    s.snapshot = std::move(loaded);
  }
  if (s.generation > 1) s.metrics.Reload(true);
  return true;
}

void Server::ReopenDecisionLog() {
  if (state_->log) state_->log->Reopen();
}

namespace {
std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}
}  // namespace

int RunUntilSignalled(ServeOptions options) {
  // The signals are taken by one thread with sigwait; every thread started after this
  // inherits the mask, so no handler runs on a request thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Server server(options);
  std::string error;
  bool rule_errors = false;
  auto refuse = [&] {
    std::cerr << (rule_errors || error.rfind("loket: error: ", 0) == 0
                      ? error
                      : "loket: error: " + error + "\n");
    return rule_errors ? 1 : 2;
  };
  if (!server.Bind(error)) return refuse();
  // Served while the rule base loads and is checked: /healthz answers, /readyz and the API
  // answer 503 `loading`, so a load balancer sees a replica that is starting.
  std::thread serving([&] { server.Run(); });
  if (!server.LoadRules(error, rule_errors)) {
    server.Stop();
    serving.join();
    return refuse();
  }
  std::cerr << "loket serve: listening on http://" << options.host << ":" << server.port()
            << " (rules: " << options.rule_paths.size() << " path(s))" << std::endl;
  std::thread waiter([&] {
    for (;;) {
      int signal_number = 0;
      if (sigwait(&signals, &signal_number) != 0) continue;
      if (signal_number == SIGHUP) {
        server.ReopenDecisionLog();
        std::string errors;
        if (server.Reload(errors)) {
          std::cerr << "loket serve: reloaded the rule base" << std::endl;
        } else {
          std::cerr << "loket serve: reload failed; still serving the previous rule base\n"
                    << errors << std::flush;
        }
        continue;
      }
      std::cerr << "loket serve: stopping (" << FirstLine(strsignal(signal_number)) << ")"
                << std::endl;
      server.Stop();
      return;
    }
  });
  serving.join();
  // Run() also returns when the listening socket fails; let the waiter go either way.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}

}  // namespace loket::serve
