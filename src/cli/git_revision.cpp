#include "git_revision.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace loket::cli {
namespace {

namespace fs = std::filesystem;

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs a shell command; its standard output in `output`, its exit status returned.
int Run(const std::string& command, std::string& output) {
  output.clear();
  std::FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status)) return -1;
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return WEXITSTATUS(status);
}

}  // namespace

bool IsRevisionArgument(const std::string& argument) {
  return argument.rfind("git:", 0) == 0;
}

RevisionSources::~RevisionSources() {
  if (temporary_.empty()) return;
  std::error_code error;
  fs::remove_all(temporary_, error);
}

Result<std::vector<SourceText>> RevisionSources::Read(const std::string& argument,
                                                      const std::string& default_path,
                                                      const LoadOptions& options) {
  std::string spec = argument.substr(4);
  std::string revision = spec;
  std::string path = default_path;
  if (std::size_t colon = spec.find(':'); colon != std::string::npos) {
    revision = spec.substr(0, colon);
    path = spec.substr(colon + 1);
  }
  if (revision.empty() || revision[0] == '-') {
    return Status(StatusCode::kInvalidArgument,
                  "`" + argument + "`: name a revision, as in `git:HEAD~1` or `git:v1.2:rules`");
  }
  if (path.empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "`" + argument + "`: name the rule folder, as in `git:" + revision + ":rules`");
  }
  std::string top;
  if (Run("git rev-parse --show-toplevel", top) != 0 || top.empty()) {
    return Status(StatusCode::kNotFound,
                  "`" + argument + "`: the working directory is not inside a git repository");
  }
  std::string commit;
  if (Run("git rev-parse --verify --quiet " + ShellQuote(revision + "^{commit}"), commit) != 0) {
    return Status(StatusCode::kNotFound,
                  "`" + argument + "`: no revision `" + revision + "` in this repository");
  }
  std::error_code error;
  fs::path absolute = fs::weakly_canonical(fs::absolute(path), error);
  fs::path relative = absolute.lexically_relative(fs::weakly_canonical(top, error));
  if (relative.empty() || relative.native().rfind("..", 0) == 0) {
    return Status(StatusCode::kInvalidArgument,
                  "`" + argument + "`: `" + path + "` is not inside the repository at " + top);
  }
  std::string pattern = (fs::temp_directory_path(error) / "loket-diff-XXXXXX").string();
  if (!mkdtemp(pattern.data())) {
    return Status(StatusCode::kIoError, "cannot create a temporary folder for `" + argument + "`");
  }
  temporary_ = pattern;
  std::string output;
  const std::string tree = relative == "." ? std::string(".") : relative.generic_string();
  int status =
      Run("git -C " + ShellQuote(top) + " archive --format=tar " + ShellQuote(commit) + " -- " +
              ShellQuote(tree) + " 2>/dev/null | tar -x -C " + ShellQuote(temporary_),
          output);
  fs::path extracted = fs::path(temporary_) / relative;
  if (status != 0 || !fs::exists(extracted, error)) {
    return Status(StatusCode::kNotFound,
                  "`" + argument + "`: `" + path + "` does not exist at revision " + revision);
  }
  Result<std::vector<SourceText>> sources =
      RuleBase::ReadSources({extracted.generic_string()}, options);
  if (!sources.ok()) {
    return Status(sources.status().code(), "`" + argument + "`: " + sources.status().message());
  }
  // Paths as people name them: the revision and the path they gave.
  const std::string prefix = extracted.generic_string();
  for (SourceText& source : sources.value()) {
    if (source.path.rfind(prefix, 0) == 0) {
      source.path = "git:" + revision + ":" + fs::path(path).generic_string() +
                    source.path.substr(prefix.size());
    }
  }
  return sources;
}

}  // namespace loket::cli
