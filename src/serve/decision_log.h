// The decision log: one JSON line per decision (receipt, facts, outcome), appended by one
// writer thread so lines never interleave, each written whole. Reopened on request (SIGHUP,
// after log rotation). Producers wait when the writer falls behind: nothing is dropped.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace loket::serve {

class DecisionLog {
 public:
  // Opens (creates) `path` for appending; `error` says why when it cannot.
  bool Open(const std::string& path, std::string& error);
  ~DecisionLog();

  // Queues one line (without its newline). Blocks while the queue is full.
  void Append(std::string line);
  // The writer reopens the file after writing the lines queued so far.
  void Reopen();
  // Writes everything queued, then stops the writer.
  void Close();

  std::size_t written() const;
  std::size_t write_errors() const;

 private:
  void Write();
  int OpenFile();

  static constexpr std::size_t kMaxQueued = 65536;
  std::string path_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable wake_producers_;
  std::deque<std::string> queue_;
  bool closing_ = false;
  std::size_t written_ = 0;
  std::size_t write_errors_ = 0;
  std::thread writer_;
};

}  // namespace loket::serve
