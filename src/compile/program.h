// The compiled form of a jurisdiction's rules, run by src/eval. Self-contained (copies of
// names, citations and condition texts), immutable, shared between threads.
//
// Values live in one register file of int64 per evaluation: facts first (their slot is the
// public fact slot), then params, lets, decisions, the reference date, then temporaries.
// Encoding: bool 0/1, int, money cents, date day number, enum member index, set bit mask.
// Each register has a fault byte: 0 when the value is usable, else why it is not (an absent
// optional fact, or a let/decision whose evaluation failed), so reads can be checked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loket/evaluate.h"

namespace loket::compile {

// kGap / kConflict: the value read is a decision that no rule decided or on which rules
// disagree; the detail is that decision's index.
enum class Fault : std::uint8_t {
  kNone,
  kAbsentOptional,
  kOverflow,
  kDivisionByZero,
  kGap,
  kConflict
};

// Register bytecode. `a`, `b`, `dst` are registers; `imm` an immediate; `target` an
// instruction index relative to the start of the code block. Conditions compile to jumping
// code (short-circuit), with compare-and-branch fused so `age >= 16` is one instruction.
enum class Op : std::uint8_t {
  kCheck,         // fail with the fault of register a when it has one
  kLoadImm,       // dst = imm
  kMove,          // dst = a
  kAdd,           // dst = a + b (checked)
  kSub,           // dst = a - b (checked)
  kMul,           // dst = a * b (checked)
  kDiv,           // dst = a / b (checked, truncating)
  kAddImm,        // dst = a + imm (checked)
  kMulImm,        // dst = a * imm (checked)
  kNeg,           // dst = -a (checked)
  kMin,           // dst = min(a, b)
  kMax,           // dst = max(a, b)
  kAddMonths,     // dst = a (a date) + imm months, clamped to the month's end
  kAddMonthsNeg,  // dst = a (a date) - imm months
  kYearsBetween,  // dst = full years from date a to date b
  // dst = full years from the constant date imm to date a; b = support::CivilKey of imm,
  // computed once when compiling (`years_between(1899-08-01, birth_date)`).
  kYearsSinceImm,
  kUnion,       // dst = a | b
  kDifference,  // dst = a & ~b
  kIntersect,   // dst = a & b
  kNot,         // dst = !a
  kKnown,       // dst = register a has no fault
  kCmpEq,       // dst = a == b; likewise the next five
  kCmpNe,
  kCmpLt,
  kCmpLe,
  kCmpGt,
  kCmpGe,
  kCmpEqImm,  // dst = a == imm; likewise the next five
  kCmpNeImm,
  kCmpLtImm,
  kCmpLeImm,
  kCmpGtImm,
  kCmpGeImm,
  kInMask,  // dst = member a is in the constant set imm
  kAnd,     // dst = a & b (both 0/1): for conditions that cannot fault, no branching
  kOr,      // dst = a | b
  kSelect,  // dst = a ? b : (register `target`)
  kHas,     // dst = set b contains member a
  kSubset,  // dst = set a is a subset of set b
  // Jumps: to `target` when the test holds.
  kJump,
  kJumpIf,     // a != 0
  kJumpIfNot,  // a == 0
  kJumpEq,     // a == b; likewise the next five
  kJumpNe,
  kJumpLt,
  kJumpLe,
  kJumpGt,
  kJumpGe,
  kJumpEqImm,  // a == imm; likewise the next five
  kJumpNeImm,
  kJumpLtImm,
  kJumpLeImm,
  kJumpGtImm,
  kJumpGeImm,
  kJumpInMask,  // member a is in the constant set imm
  kJumpNotInMask,
  kJumpKnown,  // register a has no fault
  kJumpUnknown,
  kReturn,  // the block's value is register a
  kReturnTrue,
  kReturnFalse,
};

struct Instr {
  Op op = Op::kReturnFalse;
  std::int32_t dst = 0;
  std::int32_t a = 0;
  std::int32_t b = 0;
  std::int32_t target = 0;
  std::int64_t imm = 0;
};

// A block of code in CompiledProgram::code: [begin, end). Empty (begin < 0): none.
struct CodeRef {
  std::int32_t begin = -1;
  std::int32_t end = -1;
  bool empty() const { return begin < 0; }
};

// A value that is a constant or computed by a code block.
struct ValueCode {
  bool is_constant = true;
  std::int64_t constant = 0;
  CodeRef code;
};

enum class SlotKind : std::uint8_t { kFact, kParam, kLet, kDecision, kReferenceDate, kTemp };

struct SlotInfo {
  std::string name;
  SlotKind kind = SlotKind::kTemp;
  ValueType type = ValueType::kInt;
  int enum_index = -1;  // into CompiledProgram::enums for kEnum / kSet
};

struct EnumInfo {
  std::string name;
  std::vector<std::string> members;
};

struct DatedValue {
  std::int32_t from = INT32_MIN;  // in force from this day (inclusive)
  std::int64_t value = 0;
};

struct Param {
  int slot = -1;
  std::vector<DatedValue> values;  // ascending `from`; before the first: the first value
};

// A decision's rules as its word-test paths see them, in entry order: a simple rule's word test
// (mask 0, want 0: unconditional), its rule, constant value and validity; any other entry
// never fires here (mask 0, want 1) and is left to the general path (Decision::general).
struct FastEntry {
  std::uint64_t mask = 0;
  std::uint64_t want = 1;
  std::int64_t value = 0;
  std::int32_t word = 0;
  std::int32_t rule = -1;
  std::int32_t from = INT32_MIN;
  std::int32_t until = INT32_MAX;
};

struct Let {
  int slot = -1;
  ValueCode value;
  std::vector<int> reads;  // registers its value reads (for explanations' fact trees)
  // A let that is a choice on atoms (`a or (b and c)`, `if a then 5000 else 3700`): its
  // condition in disjunctive form, atoms[atom_begin, atom_end) split into terms at
  // term_ends (offsets from atom_begin). When every term's atoms are in one atom word
  // (`fast`), the value is if_true when some term's test holds on that word, else if_false;
  // with a faulted atom among them the code decides (it knows which read comes first).
  std::int32_t atom_begin = 0;
  std::int32_t atom_end = 0;
  std::vector<std::int32_t> term_ends;
  bool fast = false;
  std::int32_t word = 0;
  std::uint64_t fault_mask = 0;
  std::vector<FastEntry> terms;  // mask and want per term
  std::int64_t if_true = 1;
  std::int64_t if_false = 0;
};

// A condition that is a conjunction of simple tests on registers (`age >= 16`, `not eu`,
// `permit in {a, b}`, `known(x)`, `income < threshold`), evaluated without the interpreter:
// each atom tests `regs[reg] - lo <= span` (unsigned; an inclusive range), or bit `regs[reg]`
// of the mask in `span`, or that the register has no fault, or compares `regs[reg]` with
// the register `lo` (<, <=, ==; signed); `negate` flips the test. Exact short-circuit
// semantics: a fault is raised only while every earlier atom held, and a comparison reads
// `reg` before `lo`.
struct Atom {
  enum Kind : std::uint8_t { kRange, kMask, kKnown, kLess, kLessEqual, kEqual };
  std::int32_t reg = 0;
  Kind kind = kRange;
  bool negate = false;
  bool check = false;        // reading the register may fault (optional fact, let, decision)
  bool other_check = false;  // a comparison: reading the register `lo` may fault
  std::int64_t lo = 0;
  std::uint64_t span = 0;

  bool IsComparison() const { return kind >= kLess; }
};

// Atom-form conditions share their atoms: every distinct atom is computed once per case into
// bit words (atom i is bit i % 64 of word i / 64, its fault likewise in a fault word), so a
// rule's condition is one mask test per word: (word & mask) == value.
struct WordTest {
  std::int32_t word = 0;
  std::uint64_t mask = 0;
  std::uint64_t value = 0;
};

// A `known(x)` or comparison atom as a step computes it: into bit `shift` of atom word
// `word`, from register `reg` (a comparison: and register `lo`).
struct AtomOp {
  std::int64_t lo = 0;
  std::int32_t reg = 0;
  std::int32_t word = 0;
  std::int32_t shift = 0;
  Atom::Kind kind = Atom::kKnown;
};

// A register read by atoms that may fault: when it has a fault, `bits` go into the fault word.
struct AtomCheck {
  std::int32_t reg = 0;
  std::int32_t word = 0;
  std::uint64_t bits = 0;
};

// One part of a condition split at its top-level `and`s, for "why not".
struct ConditionPart {
  std::string text;        // source text
  CodeRef code;            // a condition block for this part alone
  std::vector<int> reads;  // registers it reads (facts, params, lets, decisions, date)
};

struct Assignment {
  int rule = -1;
  int decision = -1;
  ValueCode value;
};

struct Rule {
  std::string id;
  std::string layer;
  int layer_depth = 0;
  std::string citation;
  std::int32_t from = INT32_MIN;   // effective validity: the rule's, its file's and layer's
  std::int32_t until = INT32_MAX;  // exclusive
  CodeRef condition;               // empty: applies whenever in force
  bool has_atoms = false;          // the condition is the conjunction atoms[atom_begin, end)
  std::int32_t atom_begin = 0;
  std::int32_t atom_end = 0;
  bool has_tests = false;  // the atoms also compile to word_tests[test_begin, test_end)
  std::int32_t test_begin = 0;
  std::int32_t test_end = 0;
  std::string condition_text;
  std::vector<ConditionPart> parts;
  std::vector<int> reads;        // registers the condition and assigned values read
  std::vector<int> defeaters;    // rules that are exceptions to this one
  std::vector<int> bases;        // rules this one is an exception to
  std::vector<int> assignments;  // into CompiledProgram::assignments

  bool InForce(std::int32_t day) const { return day >= from && day < until; }
};

// A rule as one decision's evaluation loop sees it: what it needs, packed together.
struct Entry {
  enum Flags : std::uint8_t {
    kWordTests = 1,  // condition = word tests (else atoms or bytecode, see the rule)
    kConstant = 2,   // the assigned value is `value` (else the assignment's code)
    kMemo = 4,       // other decisions or exceptions need this rule: memoize
    kHasDefeaters = 8,
    kUnconditional = 16,
    kSimple = 32,  // constant value, at most one word test, nothing else: a FastTest
  };
  std::int32_t rule = -1;
  std::int32_t from = INT32_MIN;
  std::int32_t until = INT32_MAX;
  std::int32_t test_begin = 0;
  std::int32_t test_end = 0;
  std::int32_t assignment = -1;
  std::int32_t depth = 0;
  std::uint8_t flags = 0;
  std::int64_t value = 0;
};

// How the evaluator decides a decision; chosen by the compiler (decision_plan.cpp), run by
// src/eval (Engine::Evaluator::Decide). Each path decides exactly as the rule-by-rule one.
enum class DecisionPath : std::uint8_t {
  // Every entry in order, each rule's condition run as word tests, atoms or code, exceptions
  // and layers looked at (DecideRuleByRule). Delegated single-valued decisions, and programs
  // without atom words.
  kRuleByRule,
  // The simple entries (one word test, constant value, no exceptions) fire by their word
  // tests 64 at a time; the other entries go rule by rule, all in entry order
  // (DecideByWordTests). Collect decisions and single-valued ones that are not delegated.
  // Rule by rule when an atom a simple entry reads faulted.
  kWordTests,
  // Word tests at their simplest: one atom word, every entry simple, at most 64, always in
  // force: one bit-parallel pass fires them all (DecideByMasks, and the column-wise batches).
  // As kWordTests when an atom in `masks_fault_mask` faulted.
  kMasks,
};

struct Decision {
  int slot = -1;
  std::vector<Entry> entries;    // one per assignment, in the order of `assignments`
  bool always_in_force = false;  // every entry's rule is in force on every day
  DecisionPath path = DecisionPath::kRuleByRule;
  // kWordTests and kMasks: the entries at fast_entries[fast_begin, fast_begin +
  // entries.size()), the entries left to rule by rule (`general`, ascending entry indexes),
  // and the atom bits whose fault sends the whole decision rule by rule (`fault_masks`).
  // kMasks: the atoms whose fault sends the decision down the word-test path.
  std::uint64_t masks_fault_mask = 0;
  // kMasks: the tests, for eight at a time: fire_masks / fire_wants[fire_begin, + fire_count)
  // (fire_count a multiple of 8, padded with tests that never fire).
  std::int32_t fire_begin = 0;
  std::int32_t fire_count = 0;
  std::int32_t fast_begin = 0;
  std::vector<std::int32_t> general;
  std::vector<WordTest> fault_masks;
  bool collect = false;
  bool delegated = false;
  bool has_default = false;
  ValueCode default_value;
  // `applies when`: a condition block evaluated before the rules; empty when it always
  // applies. Where it is false the decision is not applicable and no rule is consulted.
  CodeRef applies;
  std::vector<int> applies_reads;  // registers the condition reads (for explanations)
  std::vector<int> assignments;    // into CompiledProgram::assignments, rules in layer order
};

struct Assume {
  std::string name;
  std::string layer;
  std::string text;
  CodeRef condition;
  std::vector<int> reads;
};

// An evaluation step, in dependency order.
struct Step {
  bool is_let = false;
  int index = -1;  // into lets or decisions
  // Atoms first needed by this step's rules: step_atoms[atoms_begin, atoms_end).
  std::int32_t atoms_begin = 0;
  std::int32_t atoms_end = 0;
  // The same atoms as a step computes them. Atom ids are numbered so that each step's range
  // atoms are consecutive, [range_first, range_first + range_count), and its mask atoms
  // likewise: one bit-parallel pass each (eval::RangeAtoms, eval::MaskAtoms) over
  // CompiledProgram::atom_regs / atom_lo / atom_span. The rest are few: atom_ops[begin, end)
  // for `known` atoms and comparisons, and the registers whose faults matter.
  bool has_atoms = false;  // any of the below
  std::int32_t range_first = 0, range_count = 0;
  std::int32_t mask_first = 0, mask_count = 0;
  std::int32_t ops_begin = 0, ops_end = 0;
  std::int32_t checks_begin = 0, checks_end = 0;
};

}  // namespace loket::compile

namespace loket::internal {

// Declared in loket::internal, so that the public headers can hold one (opaque) without
// naming the compiler; inside loket it is compile::CompiledProgram.
struct CompiledProgram {
  std::string jurisdiction;
  std::vector<std::string> layers;  // root first

  // Public schema.
  std::vector<FactInfo> fact_infos;
  std::vector<DecisionInfo> decision_infos;
  std::vector<RuleInfo> rule_infos;

  std::vector<compile::EnumInfo> enums;
  std::vector<compile::SlotInfo> slots;  // every register with a name (not the temporaries)
  int register_count = 0;
  int fact_count = 0;
  int reference_date_slot = -1;
  std::vector<int> required_facts;           // slots of the non-optional facts
  std::vector<std::uint8_t> required_flags;  // per fact slot: 1 when the fact is required

  std::vector<compile::Instr> code;
  std::vector<compile::Atom> atoms;         // per rule, in condition order (with `negate`)
  std::vector<compile::Atom> unique_atoms;  // distinct atoms (`negate` unused)
  std::vector<compile::WordTest> word_tests;
  std::vector<std::int32_t> step_atoms;
  // Per unique atom id (padded by 8 entries for the vector loads): the register it reads,
  // `lo` and `span` (see Atom).
  std::vector<std::int32_t> atom_regs;
  std::vector<std::int64_t> atom_lo;
  std::vector<std::uint64_t> atom_span;
  std::vector<compile::AtomOp> atom_ops;
  std::vector<compile::AtomCheck> atom_checks;
  int atom_words = 0;
  std::vector<compile::FastEntry>
      fast_entries;  // per decision with word tests (Decision::fast_begin)
  std::vector<std::uint64_t> fire_masks;
  std::vector<std::uint64_t> fire_wants;
  std::vector<compile::Param> params;
  std::vector<compile::Let> lets;
  std::vector<compile::Decision> decisions;
  std::vector<compile::Rule> rules;
  std::vector<compile::Assignment> assignments;
  std::vector<compile::Assume> assumes;
  std::vector<compile::Step> steps;
  bool has_exceptions = false;

  // Column-wise evaluation (Program::EvaluateBatch, eval/batch.cpp): many cases side by side,
  // each step over all of them at once. Possible when every step is a fast let or a decision
  // on DecisionPath::kMasks (compile::Let::fast) with a constant default or none, the atoms
  // fit one word, and there are no exceptions or assumptions: then a case whose facts are all
  // present can fault only where a decision has a gap or a conflict, which the batch notices
  // and hands to the case-by-case evaluator. `column_facts`: the fact slots the atoms read.
  bool columnar = false;
  std::vector<std::int32_t> column_facts;

  // Fact lookup for case parsing.
  int FindFact(std::string_view name) const;
  int FindDecision(std::string_view name) const;
  int FindRule(std::string_view id) const;  // id (jurisdiction first, then upward) or layer.id
  const std::vector<std::string>* MembersOf(int slot) const;
};

}  // namespace loket::internal

namespace loket::compile {
using CompiledProgram = internal::CompiledProgram;
}  // namespace loket::compile
