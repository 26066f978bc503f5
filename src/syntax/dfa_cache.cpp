#include "syntax/dfa_cache.h"

#include <array>
#include <mutex>
#include <utility>
#include <vector>

namespace loket::syntax {

// The lexer's DFA edges out of one state, by character below 128, as a flat row: the runtime
// keeps them in a hash map, and a lookup per character in it is the lexer's largest cost.
struct EdgeRow {
  const antlr4::dfa::DFAState* state = nullptr;  // whose edges these are
  std::array<antlr4::dfa::DFAState*, antlr4::atn::LexerATNSimulator::MAX_DFA_EDGE + 1> next{};
};

struct DfaCache {
  std::vector<antlr4::dfa::DFA> lexer_dfa;
  antlr4::atn::PredictionContextCache lexer_contexts;
  std::vector<EdgeRow> lexer_rows;  // by DFAState::stateNumber
  std::vector<antlr4::dfa::DFA> parser_dfa;
  antlr4::atn::PredictionContextCache parser_contexts;
};

namespace {

std::vector<antlr4::dfa::DFA> DecisionDfas(const antlr4::atn::ATN& atn) {
  std::vector<antlr4::dfa::DFA> dfas;
  const std::size_t count = atn.getNumberOfDecisions();
  dfas.reserve(count);
  for (std::size_t i = 0; i < count; ++i) dfas.emplace_back(atn.getDecisionState(i), i);
  return dfas;
}

// The runtime's own lookups, less the lock: the cache belongs to one parse at a time, and
// that parse's thread is the only one that adds edges to it.
// An edge, once added, never changes, so a row only ever learns edges; a row is checked to
// be its state's before it is read, so state numbers need not be unique for it to be right.
class LexerSimulator final : public antlr4::atn::LexerATNSimulator {
 public:
  LexerSimulator(antlr4::Lexer* lexer, const antlr4::atn::ATN& grammar, DfaCache& cache)
      : antlr4::atn::LexerATNSimulator(lexer, grammar, cache.lexer_dfa, cache.lexer_contexts),
        rows_(cache.lexer_rows) {}

 protected:
  antlr4::dfa::DFAState* getExistingTargetState(antlr4::dfa::DFAState* state,
                                                size_t symbol) override {
    if (symbol > MAX_DFA_EDGE) return nullptr;
    const int number = state->stateNumber;
    EdgeRow* row = nullptr;
    if (number >= 0 && number < kMaxRows) {
      if (static_cast<std::size_t>(number) >= rows_.size()) rows_.resize(number + 1);
      row = &rows_[number];
      if (row->state == state) {
        if (antlr4::dfa::DFAState* known = row->next[symbol]) return known;
      } else {
        *row = EdgeRow{state, {}};
      }
    }
    auto edge = state->edges.find(symbol - MIN_DFA_EDGE);
    if (edge == state->edges.end()) return nullptr;
    if (row) row->next[symbol] = edge->second;
    return edge->second;
  }

 private:
  static constexpr int kMaxRows = 1 << 14;  // beyond, the runtime's map alone
  std::vector<EdgeRow>& rows_;
};

class ParserSimulator final : public antlr4::atn::ParserATNSimulator {
 public:
  using antlr4::atn::ParserATNSimulator::ParserATNSimulator;

 protected:
  antlr4::dfa::DFAState* getExistingTargetState(antlr4::dfa::DFAState* previous,
                                                size_t symbol) override {
    auto edge = previous->edges.find(symbol);
    return edge != previous->edges.end() ? edge->second : nullptr;
  }
};

// Caches not in use. Never freed: tearing down DFAs at exit only costs time, and a cache
// given back is warm for the next parse.
struct Pool {
  std::mutex mutex;
  std::vector<std::unique_ptr<DfaCache>> idle;
};

Pool& ThePool() {
  static Pool* pool = new Pool;
  return *pool;
}

}  // namespace

DfaCacheLease::DfaCacheLease() {
  Pool& pool = ThePool();
  {
    std::lock_guard<std::mutex> lock(pool.mutex);
    if (!pool.idle.empty()) {
      cache_ = std::move(pool.idle.back());
      pool.idle.pop_back();
      return;
    }
  }
  cache_ = std::make_unique<DfaCache>();
}

DfaCacheLease::~DfaCacheLease() {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  pool.idle.push_back(std::move(cache_));
}

void DfaCacheLease::Install(loket_gen::LoketLexer& lexer) {
  const antlr4::atn::ATN& atn = lexer.getATN();
  if (cache_->lexer_dfa.empty()) cache_->lexer_dfa = DecisionDfas(atn);
  // setInterpreter deletes the simulator the generated constructor made; the generated
  // destructor deletes this one.
  lexer.setInterpreter(new LexerSimulator(&lexer, atn, *cache_));
}

void DfaCacheLease::Install(loket_gen::LoketParser& parser) {
  const antlr4::atn::ATN& atn = parser.getATN();
  if (cache_->parser_dfa.empty()) cache_->parser_dfa = DecisionDfas(atn);
  parser.setInterpreter(
      new ParserSimulator(&parser, atn, cache_->parser_dfa, cache_->parser_contexts));
}

}  // namespace loket::syntax
