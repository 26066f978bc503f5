#include "serve/decision_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace loket::serve {

int DecisionLog::OpenFile() {
  return ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

bool DecisionLog::Open(const std::string& path, std::string& error) {
  path_ = path;
  fd_ = OpenFile();
  if (fd_ < 0) {
    error = "cannot open decision log `" + path + "`: " + std::strerror(errno);
    return false;
  }
  writer_ = std::thread([this] { Write(); });
  return true;
}

DecisionLog::~DecisionLog() {
  Close();
}

void DecisionLog::Append(std::string line) {
  line += '\n';
  std::unique_lock<std::mutex> lock(mutex_);
  wake_producers_.wait(lock, [this] { return queue_.size() < kMaxQueued || closing_; });
  queue_.push_back(std::move(line));
  wake_writer_.notify_one();
}

void DecisionLog::Reopen() {
  std::lock_guard<std::mutex> lock(mutex_);
  // A marker in the queue, not a flag: lines queued before the request still go to the old
  // file, lines queued after it to the new one (a line is never empty).
  queue_.emplace_back();
  wake_writer_.notify_one();
}

void DecisionLog::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!writer_.joinable()) return;
    closing_ = true;
    wake_writer_.notify_one();
  }
  writer_.join();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::size_t DecisionLog::written() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return written_;
}

std::size_t DecisionLog::write_errors() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return write_errors_;
}

void DecisionLog::Write() {
  std::deque<std::string> batch;
  for (;;) {
    bool closing = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_writer_.wait(lock, [this] { return !queue_.empty() || closing_; });
      batch.swap(queue_);
      closing = closing_;
      wake_producers_.notify_all();
    }
    auto reopen = [&] {
      int fd = OpenFile();
      if (fd >= 0) {
        ::close(fd_);
        fd_ = fd;
      } else {
        std::fprintf(stderr, "loket serve: cannot reopen decision log `%s`: %s\n", path_.c_str(),
                     std::strerror(errno));
      }
    };
    // Several lines per write(2); each line is whole in the file because the file is opened
    // with O_APPEND and this thread is its only writer.
    std::string chunk;
    std::size_t lines = 0, errors = 0;
    auto flush = [&] {
      std::size_t done = 0;
      while (done < chunk.size()) {
        ssize_t n = ::write(fd_, chunk.data() + done, chunk.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          ++errors;
          std::fprintf(stderr, "loket serve: cannot write decision log `%s`: %s\n", path_.c_str(),
                       std::strerror(errno));
          break;
        }
        done += static_cast<std::size_t>(n);
      }
      chunk.clear();
    };
    for (std::string& line : batch) {
      if (line.empty()) {  // Reopen()'s marker
        flush();
        reopen();
        continue;
      }
      chunk += line;
      ++lines;
      if (chunk.size() >= (1u << 16)) flush();
    }
    flush();
    batch.clear();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      written_ += lines;
      write_errors_ += errors;
      if (closing && queue_.empty()) break;
    }
  }
}

}  // namespace loket::serve
