// A parse's own DFA caches. ANTLR 4.9's simulators share one DFA cache per grammar among all
// threads and guard every DFA edge they read with one process-wide reader/writer lock: two
// mutex round trips per character lexed and per prediction step, a fifth of a parse's time.
// A lease hands a parse a cache no other parse uses while it holds it (taken from a pool, so
// it stays warm), and the simulators it installs read that cache's edges without the lock.
#pragma once

#include <memory>

#include "syntax/generated.h"

namespace loket::syntax {

struct DfaCache;

class DfaCacheLease {
 public:
  DfaCacheLease();   // takes a cache from the pool, or makes a new one
  ~DfaCacheLease();  // gives it back
  DfaCacheLease(const DfaCacheLease&) = delete;
  DfaCacheLease& operator=(const DfaCacheLease&) = delete;

  // Replaces the simulator of `lexer` / `parser` by one that uses this lease's cache. Call
  // before the first token or prediction; the lease must outlive the lexer and the parser.
  void Install(loket_gen::LoketLexer& lexer);
  void Install(loket_gen::LoketParser& parser);

 private:
  std::unique_ptr<DfaCache> cache_;
};

}  // namespace loket::syntax
