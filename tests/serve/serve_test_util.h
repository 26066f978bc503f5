// Test helpers: a Server on a free loopback port for the length of a test, temporary folders.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

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

// A raw TCP connection to the server on loopback, for what an HTTP client library will not do:
// hold a connection open, send half a request. Reads give up after 120 s so that a server
// that never answers fails the test instead of hanging it.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect");
    }
    timeval guard{120, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void Send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send");
      sent += static_cast<std::size_t>(n);
    }
  }

  // One answer: the status and the body (by Content-Length, else up to the close); status 0
  // when the connection closed without an answer.
  struct Answer {
    int status = 0;
    std::string body;
  };
  Answer Read() {
    std::string data;
    std::size_t header_end = std::string::npos;
    std::size_t length = std::string::npos;
    char buffer[4096];
    for (;;) {
      if (header_end != std::string::npos && length != std::string::npos &&
          data.size() >= header_end + 4 + length) {
        break;
      }
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
      if (header_end == std::string::npos &&
          (header_end = data.find("\r\n\r\n")) != std::string::npos) {
        std::string headers = data.substr(0, header_end);
        for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::size_t at = headers.find("\r\ncontent-length:");
        if (at != std::string::npos) length = std::stoul(headers.substr(at + 17));
      }
    }
    Answer answer;
    if (data.rfind("HTTP/1.1 ", 0) == 0 && data.size() > 12)
      answer.status = std::stoi(data.substr(9, 3));
    if (header_end != std::string::npos) answer.body = data.substr(header_end + 4);
    return answer;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace loket::serve::testing
