// Loading and checking a rule base: parse every .loket file, resolve names across layers,
// check types and competence, build the dependency graph and (optionally) run the conflict
// analysis. A RuleBase is immutable once loaded; all const methods are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loket/diagnostic.h"
#include "loket/status.h"

namespace loket {

namespace internal {
struct RuleBaseImpl;
struct RuleBaseAccess;
}  // namespace internal

class IncrementalChecker;
class Program;

struct SourceText {
  std::string path;  // used in diagnostics
  std::string text;
};

struct LoadOptions {
  // Run the conflict analysis (L5xx findings with witnesses) as part of checking.
  bool analyze_conflicts = true;
  // Resource limit per solver query; a query that hits it is reported as undetermined.
  unsigned solver_rlimit = 2'000'000;
  // Wall-clock limit per layer of the analysis, in milliseconds (0: none). When it runs out
  // the layer's analysis stops with one L513; unlike the resource limit it depends on the
  // machine, so a report is reproducible only when it is not reached.
  unsigned solver_time_limit_ms = 30'000;
  // Limits on untrusted input.
  std::size_t max_file_bytes = 16u << 20;
  unsigned max_nesting_depth = 200;
  // Evaluate a rule base whose only errors are competence errors (L310, L311, L314) as the
  // municipality wrote it: Compile then accepts it, so the witnesses of those findings can be
  // replayed (`loket eval` / `loket test --as-written`). Any other error still refuses.
  bool accept_competence_errors = false;
  // Worker threads for the analysis; 0 = hardware concurrency.
  unsigned threads = 0;
};

struct RuleBaseStats {
  int files = 0;
  int layers = 0;
  int rules = 0;
  int decisions = 0;
  int facts = 0;
  int errors = 0;
  int warnings = 0;
  int notes = 0;
};

struct LayerInfo {
  std::string name;
  std::string kind;  // national, province, region, municipality
  std::string title;
  std::string parent;  // empty for the root
  std::string code;    // e.g. GM1783
  bool is_leaf = false;
};

class RuleBase {
 public:
  // Reads the files, and every *.loket file below each folder (sorted, recursively).
  // A missing or unreadable path is a Status error; everything in the files is diagnostics.
  static Result<RuleBase> LoadFiles(const std::vector<std::string>& paths,
                                    const LoadOptions& options = {});
  // The texts LoadFiles would check (folders expanded to their *.loket files, sorted), read
  // but not checked: for FromSources, or an IncrementalChecker.
  static Result<std::vector<SourceText>> ReadSources(const std::vector<std::string>& paths,
                                                     const LoadOptions& options = {});
  // Same, from texts in memory.
  static RuleBase FromSources(std::vector<SourceText> sources, const LoadOptions& options = {});

  // Diagnostics sorted by file and position, deterministic.
  const std::vector<Diagnostic>& diagnostics() const;
  bool has_errors() const;
  RuleBaseStats stats() const;
  std::vector<LayerInfo> layers() const;
  // The name of the layer a user names as a jurisdiction — by its name, else by its name or
  // CBS code (`GM0363`) in any case, as Compile accepts it; empty when none matches.
  std::string ResolveJurisdiction(std::string_view name_or_code) const;

  // SHA-256 over the rule files in path order — each file's path relative to the folder all
  // files share, then its bytes — as "sha256:<hex>". The same files give the same hash from
  // any working directory; any change to a file, a file name or the set of files changes it.
  // Receipts carry it (loket/receipt.h).
  const std::string& ContentHash() const;
  // The rule files as they were loaded (paths as read, texts), in load order.
  std::vector<SourceText> Sources() const;

  // Compiles the program for one jurisdiction (a layer and every layer above it). Fails
  // with kNotFound for an unknown layer and kInvalidArgument when the rule base has errors.
  Result<Program> Compile(const std::string& jurisdiction) const;

  RuleBase(RuleBase&&) noexcept;
  RuleBase& operator=(RuleBase&&) noexcept;
  RuleBase(const RuleBase&);
  RuleBase& operator=(const RuleBase&);
  ~RuleBase();

 private:
  friend class IncrementalChecker;
  friend struct internal::RuleBaseAccess;
  explicit RuleBase(std::shared_ptr<const internal::RuleBaseImpl> impl);
  std::shared_ptr<const internal::RuleBaseImpl> impl_;
};

const char* Version();

}  // namespace loket
