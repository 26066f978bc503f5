// loket's own syntax tree. src/syntax/ builds it from the ANTLR parse tree; after that it is
// never changed, so a re-check can share the trees of unchanged files (IncrementalChecker).
// What sema learns about a node (types, what names refer to) lives in sema::Annotations,
// keyed by the node's NodeId, as cel-cpp keeps its reference and type maps beside the AST.
// Every node carries the source range it came from.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/source_manager.h"
#include "support/date.h"

namespace loket::ast {

using source::SourceRange;
using support::DayNumber;

struct EnumDecl;
struct FactDecl;
struct ParamDecl;
struct LetDecl;
struct DecisionDecl;
struct RuleDecl;
struct AssumeDecl;

// Names a node for sema's side tables: the file it was parsed as and its number among that
// file's nodes of its kind (File::counts). Set by the parser.
struct NodeId {
  source::FileId file = source::kNoFile;
  std::uint32_t index = 0;
};

// How many nodes of each kind with a NodeId a file has: the sizes of its side tables.
struct NodeCounts {
  std::uint32_t exprs = 0;
  std::uint32_t type_refs = 0;
  std::uint32_t lets = 0;
  std::uint32_t rule_refs = 0;
  std::uint32_t citations = 0;
  std::uint32_t assignments = 0;
  std::uint32_t rules = 0;
};

// ---------------------------------------------------------------------------------------------
// Types (sema's annotation of every expression and declaration).

enum class TypeKind : std::uint8_t {
  kError,  // an ill-typed expression; diagnostics were already reported
  kBool,
  kInt,
  kMoney,     // exact, in cents
  kDate,      // a day number
  kDuration,  // `3 years`; only as the right operand of date + / -
  kEnum,
  kSet,       // set of an enum
  kEmptySet,  // the literal `{}` before it meets a set type
};

struct Type {
  TypeKind kind = TypeKind::kError;
  const EnumDecl* enum_decl = nullptr;  // kEnum: the enum; kSet: the element enum

  static Type Error() { return {TypeKind::kError, nullptr}; }
  static Type Bool() { return {TypeKind::kBool, nullptr}; }
  static Type Int() { return {TypeKind::kInt, nullptr}; }
  static Type Money() { return {TypeKind::kMoney, nullptr}; }
  static Type Date() { return {TypeKind::kDate, nullptr}; }
  static Type Duration() { return {TypeKind::kDuration, nullptr}; }
  static Type Enum(const EnumDecl* e) { return {TypeKind::kEnum, e}; }
  static Type SetOf(const EnumDecl* e) { return {TypeKind::kSet, e}; }

  bool operator==(const Type& other) const {
    return kind == other.kind && enum_decl == other.enum_decl;
  }
  bool operator!=(const Type& other) const { return !(*this == other); }
};

// An inclusive range on an int, money (cents) or date (day number) type.
struct Range {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
};

// ---------------------------------------------------------------------------------------------
// What a name in an expression refers to (sema's annotation).

enum class SymbolKind : std::uint8_t {
  kUnresolved,
  kFact,
  kParam,
  kLet,
  kDecision,
  kEnumMember,
  kReferenceDate,  // the builtin `reference_date`: the date the case is evaluated on
};

struct Symbol {
  SymbolKind kind = SymbolKind::kUnresolved;
  const FactDecl* fact = nullptr;
  const ParamDecl* param = nullptr;
  const LetDecl* let = nullptr;
  const DecisionDecl* decision = nullptr;
  const EnumDecl* enum_decl = nullptr;  // kEnumMember
  int enum_index = -1;                  // kEnumMember: index into enum_decl->members
};

// ---------------------------------------------------------------------------------------------
// Expressions. One node type with a kind keeps every pass a simple switch.

enum class ExprKind : std::uint8_t {
  kBoolLit,      // bool_value
  kIntLit,       // int_value
  kMoneyLit,     // int_value in cents
  kDateLit,      // int_value: day number
  kDurationLit,  // int_value: amount, unit
  kSetLit,       // operands: the elements (enum members)
  kName,         // name; symbol
  kKnown,        // known(name): name; symbol (an optional fact)
  kCall,         // name(operands...): builtin functions, see docs/language.md
  kNeg,          // -a
  kNot,          // not a
  kAnd,
  kOr,
  kImplies,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,  // a in b, b a set literal or set-valued name
  kNotIn,
  kInRange,  // operands: x, lo, hi; inclusive
  kNotInRange,
  kIf,  // operands: condition, then, else
};

enum class DurationUnit : std::uint8_t { kDays, kWeeks, kMonths, kYears };

struct Expr {
  ExprKind kind = ExprKind::kBoolLit;
  SourceRange range;
  std::vector<std::unique_ptr<Expr>> operands;
  std::int64_t int_value = 0;
  bool bool_value = false;
  DurationUnit unit = DurationUnit::kDays;
  std::string name;
  SourceRange name_range;  // kName, kKnown, kCall: the identifier alone
  NodeId id;               // sema annotates its type and symbol
};
using ExprPtr = std::unique_ptr<Expr>;

// ---------------------------------------------------------------------------------------------
// Declarations.

// `valid from D until D`: in force from `from` (inclusive) up to `until` (exclusive), so a
// version ending `until 2026-07-01` and its successor `valid from 2026-07-01` neither overlap
// nor leave a gap. Absent bounds are open.
struct Validity {
  std::optional<DayNumber> from;
  std::optional<DayNumber> until;
  SourceRange range;

  bool InForce(DayNumber day) const { return (!from || day >= *from) && (!until || day < *until); }
};

// The first line of a file: declares a layer, or (bare `layer x`) adds the file to it.
struct LayerHeader {
  std::string kind;  // "national", "province", "region", "municipality"; empty if bare
  std::string name;
  std::optional<std::string> title;
  std::optional<std::string> parent;
  std::optional<std::string> code;  // e.g. CBS municipality code GM1783
  Validity validity;
  SourceRange range;
  SourceRange name_range;
  SourceRange parent_range;
  SourceRange code_range;

  // A bare header names a layer declared in another file.
  bool is_declaration() const { return title || parent || code || !kind.empty(); }
};

// Written types: `int in 0..130`, `money`, `Permit`, `set of Service`.
struct TypeRef {
  bool is_set = false;
  std::string name;            // "bool", "int", "money", "date" or an enum name
  std::optional<Range> range;  // literal bounds as written (cents for money, days for dates)
  SourceRange range_source;
  SourceRange source;
  NodeId id;  // sema annotates the type it names
};

struct EnumMember {
  std::string name;
  std::string description;
  SourceRange range;
};

struct EnumDecl {
  std::string name;
  std::string description;
  std::vector<EnumMember> members;
  SourceRange range;
  SourceRange name_range;
  std::string layer;  // name of the layer that declares it
};

struct AuthorityDecl {
  std::string name;
  std::string description;
  SourceRange range;
  SourceRange name_range;
  std::string layer;
};

// `law wi2021 "Wet inburgering 2021" bwb BWBR0044770`: a source that rules cite by name. The
// register says where the official text lives: `bwb` (national law, wetten.overheid.nl) or
// `cvdr` (local regulations, lokaleregelgeving.overheid.nl); both absent when unknown.
struct LawDecl {
  std::string name;
  std::string title;
  std::string register_kind;  // "bwb", "cvdr" or empty
  std::string identifier;     // "BWBR0044770", "CVDR718456" or empty
  SourceRange range;
  SourceRange name_range;
  SourceRange register_range;
  SourceRange identifier_range;
  std::string layer;
};

struct DomainDecl {
  std::string name;
  std::string title;  // empty when a domain is reopened without a title
  SourceRange range;
  SourceRange name_range;
  std::string layer;
};

struct FactDecl {
  std::string name;
  TypeRef type;
  bool is_optional = false;
  bool is_protected = false;
  std::string description;
  SourceRange range;
  SourceRange name_range;
  std::string layer;
};

struct ParamValue {
  ExprPtr value;
  std::optional<DayNumber> from;  // absent: from the beginning of time
  SourceRange range;
};

struct ParamDecl {
  std::string name;
  TypeRef type;
  std::vector<ParamValue> values;  // as written; sema checks the dates ascend
  std::string description;
  SourceRange range;
  SourceRange name_range;
  std::string layer;
};

struct LetDecl {
  std::string name;
  std::optional<TypeRef> declared_type;
  ExprPtr value;
  std::string description;
  SourceRange range;
  SourceRange name_range;
  std::string layer;
  NodeId id;  // sema annotates its type: the declared type, or the value's type
};

struct AssumeDecl {
  std::string name;  // as written, or "assume@<file>:<line>" when unnamed
  bool named = false;
  ExprPtr condition;
  std::string description;
  SourceRange range;
  std::string layer;
};

enum class Favours : std::uint8_t { kNone, kHigher, kLower, kTrue, kFalse };

struct Delegation {
  std::string to_kind;  // "municipality", "region", ...
  // `within {a, b}` (enum members or literals) or `within lo..hi`.
  std::vector<ExprPtr> within_set;
  ExprPtr within_lo;
  ExprPtr within_hi;
  Favours favours = Favours::kNone;
  SourceRange range;
  SourceRange favours_range;
};

struct DecisionDecl {
  std::string name;
  TypeRef type;
  ExprPtr default_value;  // null: no default (a gap is an error)
  // `applies when C`: the decision has meaning only where C holds; elsewhere it is "not
  // applicable" and its rules are not consulted. Null: it always applies.
  ExprPtr applies_when;
  bool collect = false;  // set-typed, the union of every applying rule's `+=`
  std::optional<Delegation> delegation;
  bool closed = false;                  // explicit `closed` (the default without delegation)
  std::optional<std::string> owned_by;  // an authority: no layer may decide it
  SourceRange owned_by_range;
  std::string domain;  // empty when declared outside a domain block
  std::string description;
  SourceRange range;
  SourceRange name_range;
  std::string layer;
};

// `rule a.b exception to c.d`: a reference to another rule, as written.
struct RuleRef {
  std::string text;  // "wi.duty" or "national.wi.duty"
  SourceRange range;
  NodeId id;  // sema annotates the rule it names
};

// One source a rule rests on: a declared law with an article reference
// (`wi2021 art 3 lid 2 sub c`), or free text (`"Beleidsregels ..."`). The old single-string
// citation is one free-text entry.
struct Citation {
  std::string law;        // the law's name as written; empty: free text
  std::string reference;  // the article reference as written, e.g. "art 3 lid 2"; may be empty
  std::string remark;     // free text, or a remark after a law reference
  SourceRange range;
  SourceRange law_range;
  SourceRange reference_range;
  NodeId id;  // sema annotates the law and the article it names (sema::CitationInfo)
};

enum class AssignOp : std::uint8_t { kSet, kAdd };

struct Assignment {
  std::string name;
  AssignOp op = AssignOp::kSet;
  ExprPtr value;
  SourceRange range;
  SourceRange name_range;
  NodeId id;  // sema annotates the decision it assigns
};

struct RuleDecl {
  std::string id;  // "wi.duty", unique within its layer
  // The legal basis as written: the string, or the citation list's source text. For a
  // citation list sema annotates the text people read (sema::Annotations::CitationText).
  std::string citation;
  std::vector<Citation> citations;  // a citation list; empty for a single string
  std::vector<std::string> notes;
  Validity validity;
  std::vector<RuleRef> exception_to;
  ExprPtr condition;  // null: applies whenever in force
  std::vector<Assignment> assignments;
  SourceRange range;
  SourceRange id_range;
  SourceRange citation_range;
  std::string layer;
  NodeId node_id;  // sema annotates its citation text
};

// One parsed file. Declarations keep their order of appearance within each list; pointers
// to them stay valid for the lifetime of the File.
struct File {
  source::FileId id = source::kNoFile;
  NodeCounts counts;                  // the NodeIds handed out, per kind
  std::optional<LayerHeader> header;  // absent only when the file did not parse
  std::vector<std::unique_ptr<EnumDecl>> enums;
  std::vector<std::unique_ptr<AuthorityDecl>> authorities;
  std::vector<std::unique_ptr<LawDecl>> laws;
  std::vector<std::unique_ptr<DomainDecl>> domains;
  std::vector<std::unique_ptr<FactDecl>> facts;
  std::vector<std::unique_ptr<ParamDecl>> params;
  std::vector<std::unique_ptr<LetDecl>> lets;
  std::vector<std::unique_ptr<AssumeDecl>> assumes;
  std::vector<std::unique_ptr<DecisionDecl>> decisions;
  std::vector<std::unique_ptr<RuleDecl>> rules;
};

}  // namespace loket::ast
