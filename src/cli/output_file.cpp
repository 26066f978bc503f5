#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace loket::cli {
namespace fs = std::filesystem;

namespace {
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void OnInterrupt(int signal_number) {
  g_interrupted = signal_number;
}

std::string Reason(int error) {
  return std::strerror(error);
}
}  // namespace

Status AtomicOutputFile::Open(const std::string& target) {
  Discard();
  // Through a symlink the file it names is replaced, not the link.
  std::error_code error;
  fs::path path(target);
  if (fs::is_symlink(fs::symlink_status(path, error))) {
    fs::path resolved = fs::canonical(path, error);
    if (!error) path = resolved;
  }
  fs::file_status kind = fs::status(path, error);
  if (fs::is_directory(kind)) {
    return {StatusCode::kInvalidArgument, "cannot write `" + target + "`: it is a folder"};
  }
  // A device or a pipe (/dev/null, /dev/stdout, a FIFO) holds nothing to keep, and renaming a
  // file over it would replace the device itself: write to it directly.
  if (fs::exists(kind) && !fs::is_regular_file(kind)) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) return {StatusCode::kIoError, "cannot write `" + target + "`: " + Reason(errno)};
    target_ = path.string();
    return Status::Ok();
  }
  fs::path folder = path.parent_path();
  if (folder.empty()) folder = ".";
  std::string pattern = (folder / ("." + path.filename().string() + ".loket-tmp-XXXXXX")).string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    return {StatusCode::kIoError, "cannot write `" + target + "`: cannot create a file in `" +
                                      folder.string() + "`: " + Reason(errno)};
  }
  // mkstemp makes the file private (0600): give it the target's permissions, or the ones a
  // new file gets.
  struct stat existing {};
  mode_t mode;
  if (::stat(path.c_str(), &existing) == 0) {
    mode = existing.st_mode & 07777;
  } else {
    mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  ::fchmod(fd, mode);
  file_ = ::fdopen(fd, "wb");
  if (!file_) {
    int saved = errno;
    ::close(fd);
    ::unlink(pattern.c_str());
    return {StatusCode::kIoError, "cannot write `" + target + "`: " + Reason(saved)};
  }
  target_ = path.string();
  temporary_ = pattern;
  return Status::Ok();
}

Status AtomicOutputFile::Commit() {
  if (!file_) return {StatusCode::kIoError, "no output file is open"};
  int error = 0;
  if (std::fflush(file_) != 0 || std::ferror(file_)) error = errno != 0 ? errno : EIO;
  bool direct = temporary_.empty();
  if (error == 0 && !direct && ::fsync(::fileno(file_)) != 0) error = errno;
  if (std::fclose(file_) != 0 && error == 0) error = errno;
  file_ = nullptr;
  if (direct) {
    if (error != 0)
      return {StatusCode::kIoError, "cannot write `" + target_ + "`: " + Reason(error)};
    return Status::Ok();
  }
  if (error == 0 && std::rename(temporary_.c_str(), target_.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary_.c_str());
    temporary_.clear();
    return {StatusCode::kIoError, "cannot write `" + target_ + "`: " + Reason(error)};
  }
  temporary_.clear();
  return Status::Ok();
}

void AtomicOutputFile::Discard() {
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
  if (!temporary_.empty()) {
    ::unlink(temporary_.c_str());
    temporary_.clear();
  }
}

Status WriteFileAtomically(const std::string& target, const std::string& text) {
  AtomicOutputFile out;
  Status status = out.Open(target);
  if (!status.ok()) return status;
  if (std::fwrite(text.data(), 1, text.size(), out.file()) != text.size()) {
    int error = errno;
    out.Discard();
    return {StatusCode::kIoError, "cannot write `" + target + "`: " + Reason(error)};
  }
  return out.Commit();
}

InterruptGuard::InterruptGuard() {
  g_interrupted = 0;
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking read returns, the loop sees the flag
  ::sigaction(SIGINT, &action, &old_int_);
  ::sigaction(SIGTERM, &action, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
}

int InterruptGuard::Interrupted() {
  return g_interrupted;
}

void InterruptGuard::Reraise() {
  const int signal_number = g_interrupted != 0 ? g_interrupted : SIGINT;
  std::cout.flush();
  std::cerr.flush();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
  std::_Exit(128 + signal_number);  // the default action ends the process; this is a fallback
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat first {};
  struct stat second {};
  if (::stat(a.c_str(), &first) != 0 || ::stat(b.c_str(), &second) != 0) return false;
  return first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

bool StdoutWritesSucceeded(std::string& reason) {
  errno = 0;
  std::cout.flush();
  int error = 0;
  if (std::fflush(stdout) != 0) error = errno;
  if (error == 0 && (std::ferror(stdout) || std::cout.bad() || std::cout.fail())) {
    error = errno != 0 ? errno : EIO;
  }
  if (error == 0) return true;
  reason = Reason(error);
  return false;
}

}  // namespace loket::cli
