// Output files the user named (`--out`, `-o`): written completely or not at all. The text
// goes to a temporary file in the target's folder, renamed over the target only when the run
// completes; on an error or an interrupt the temporary file is removed and an existing target
// is left as it was. A target that is not a regular file (a device such as /dev/null, a
// pipe) is written directly: renaming over it would replace the device.
#pragma once

#include <csignal>
#include <cstdio>
#include <string>

#include <loket/loket.h>

namespace loket::cli {

class AtomicOutputFile {
 public:
  AtomicOutputFile() = default;
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;
  ~AtomicOutputFile() { Discard(); }

  // Creates the temporary file next to `target`; the Status names the folder and the reason.
  Status Open(const std::string& target);
  std::FILE* file() const { return file_; }
  // Flushes, syncs and renames the temporary file over the target (keeping an existing
  // target's permissions). On failure the temporary file is removed.
  Status Commit();
  // Removes the temporary file (nothing happens to the target).
  void Discard();

 private:
  std::string target_;
  std::string temporary_;
  std::FILE* file_ = nullptr;
};

// Writes `text` to `target` atomically (see AtomicOutputFile).
Status WriteFileAtomically(const std::string& target, const std::string& text);

// While alive, SIGINT and SIGTERM only set a flag (read with Interrupted()), so the command
// can clean up; blocking reads return early (no SA_RESTART). The destructor restores the
// previous handlers.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  // The signal received (0: none).
  static int Interrupted();
  // After cleaning up: ends the process as killed by the signal received, as the shell and
  // the parent expect.
  [[noreturn]] void Reraise();

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// The same file (device and inode) — a direct name, a symlink or a hard link. False when
// either does not exist.
bool SameFile(const std::string& a, const std::string& b);

// Flushes standard output and reports whether every write to it succeeded; on failure
// `reason` is the OS's description ("No space left on device").
bool StdoutWritesSucceeded(std::string& reason);

}  // namespace loket::cli
