// `git:REV` and `git:REV:PATH` arguments: a rule folder as it was at a revision of the
// repository the working directory is in, read with `git archive` into a temporary folder
// (nothing is checked out; the folder is removed when the object goes).
#pragma once

#include <string>
#include <vector>

#include <loket/loket.h>

namespace loket::cli {

// True for `git:...`.
bool IsRevisionArgument(const std::string& argument);

class RevisionSources {
 public:
  RevisionSources() = default;
  ~RevisionSources();
  RevisionSources(const RevisionSources&) = delete;
  RevisionSources& operator=(const RevisionSources&) = delete;

  // `argument` is `git:REV` (the folder is `default_path`) or `git:REV:PATH`. Reads the
  // rule files of PATH at REV; their paths read `git:REV:PATH/...`. The Status says why not:
  // not in a git repository, an unknown revision, a path that did not exist there.
  Result<std::vector<SourceText>> Read(const std::string& argument, const std::string& default_path,
                                       const LoadOptions& options);

 private:
  std::string temporary_;
};

}  // namespace loket::cli
