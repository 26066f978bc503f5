// Test helpers: a Server on a free loopback port for the length of a test, temporary folders.
#pragma once

#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include <loket/loket.h>

#include "serve/server.h"

namespace loket::serve::testing {

inline std::string FixtureDesk() {
  return (std::filesystem::path(LOKET_SOURCE_DIR) / "tests" / "cli" / "fixtures" / "desk").string();
}

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("loket-serve-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Starts a Server (loopback, a free port) with `options` (the fixture desk when no rule path is
// given) and serves on a thread until destroyed.
class RunningServer {
 public:
  explicit RunningServer(ServeOptions options = {}) {
    if (options.rule_paths.empty()) options.rule_paths = {FixtureDesk()};
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.threads == 0) options.threads = 4;
    paths_ = options.rule_paths;
    server_ = std::make_unique<Server>(options);
    std::string error;
    bool rule_errors = false;
    if (!server_->Start(error, rule_errors)) throw std::runtime_error("server: " + error);
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~RunningServer() {
    server_->Stop();
    thread_.join();
    server_.reset();  // drains the decision log
  }
  int port() const { return server_->port(); }
  Server& server() { return *server_; }
  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port());
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(30, 0);
    return client;
  }
  // The rule base the server loaded, loaded again by the test.
  const RuleBase& rules() {
    if (!rules_) rules_ = std::make_unique<RuleBase>(*RuleBase::LoadFiles(paths_));
    return *rules_;
  }

 private:
  std::vector<std::string> paths_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<RuleBase> rules_;
};

}  // namespace loket::serve::testing
