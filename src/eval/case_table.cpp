// loket::CaseTable: cases of one program column by column, each fact in the narrowest
// unsigned integer that holds its declared type's values as an offset from the lowest one.
#include <algorithm>
#include <cstring>
#include <limits>

#include "compile/program.h"
#include "eval/program_access.h"
#include "loket/evaluate.h"

namespace loket {

namespace {

std::uint8_t WidthFor(std::uint64_t span) {
  if (span <= std::numeric_limits<std::uint8_t>::max()) return 1;
  if (span <= std::numeric_limits<std::uint16_t>::max()) return 2;
  if (span <= std::numeric_limits<std::uint32_t>::max()) return 4;
  return 8;
}

template <typename Stored>
void Put(std::vector<std::uint8_t>& bytes, std::uint64_t offset) {
  const Stored stored = static_cast<Stored>(offset);
  const std::size_t at = bytes.size();
  bytes.resize(at + sizeof stored);
  std::memcpy(bytes.data() + at, &stored, sizeof stored);
}

template <typename Stored>
std::uint64_t Get(const std::vector<std::uint8_t>& bytes, std::size_t row) {
  Stored stored;
  std::memcpy(&stored, bytes.data() + row * sizeof stored, sizeof stored);
  return stored;
}

}  // namespace

CaseTable Program::NewTable() const {
  CaseTable table;
  table.program_ = compiled_;
  for (const FactInfo& fact : compiled_->fact_infos) {
    CaseTable::Column column;
    switch (fact.type) {
      case ValueType::kBool:
        column.width = 1;
        break;
      case ValueType::kEnum:
        column.width = WidthFor(fact.members.empty() ? 0 : fact.members.size() - 1);
        break;
      case ValueType::kSet:
        column.width =
            fact.members.size() >= 64 ? 8 : WidthFor((std::uint64_t{1} << fact.members.size()) - 1);
        break;
      default:
        if (fact.has_range && fact.lo <= fact.hi) {
          column.base = fact.lo;
          column.width =
              WidthFor(static_cast<std::uint64_t>(fact.hi) - static_cast<std::uint64_t>(fact.lo));
        }
        break;
    }
    table.columns_.push_back(std::move(column));
  }
  return table;
}

void CaseTable::Reserve(std::size_t rows) {
  for (Column& column : columns_) column.bytes.reserve(rows * column.width);
  whole_.reserve(rows);
}

void CaseTable::Clear() {
  for (Column& column : columns_) column.bytes.clear();
  whole_.clear();
  kept_.clear();
  rows_ = 0;
}

bool CaseTable::Append(const Case& facts) {
  if (program_ == nullptr || internal::ProgramAccess::CompiledOf(facts) != program_.get())
    return false;
  // A row fits the columns when every fact is present and within its column's width.
  bool fits = true;
  for (std::size_t slot = 0; slot < columns_.size(); ++slot) {
    const Column& column = columns_[slot];
    const int s = static_cast<int>(slot);
    const std::uint64_t offset =
        static_cast<std::uint64_t>(facts.raw(s)) - static_cast<std::uint64_t>(column.base);
    const bool narrow = column.width == 8 || offset >> (8 * column.width) == 0;
    fits = fits && facts.IsSet(s) && narrow;
  }
  for (std::size_t slot = 0; slot < columns_.size(); ++slot) {
    Column& column = columns_[slot];
    const std::uint64_t offset =
        fits ? static_cast<std::uint64_t>(facts.raw(static_cast<int>(slot))) -
                   static_cast<std::uint64_t>(column.base)
             : 0;
    switch (column.width) {
      case 1:
        Put<std::uint8_t>(column.bytes, offset);
        break;
      case 2:
        Put<std::uint16_t>(column.bytes, offset);
        break;
      case 4:
        Put<std::uint32_t>(column.bytes, offset);
        break;
      default:
        Put<std::uint64_t>(column.bytes, offset);
        break;
    }
  }
  whole_.push_back(fits ? 0 : 1);
  if (!fits) kept_.emplace_back(rows_, facts);
  ++rows_;
  return true;
}

bool CaseTable::CopyRow(std::size_t row, Case& out) const {
  if (row >= rows_) return false;
  if (whole_[row]) {
    const auto kept = std::lower_bound(
        kept_.begin(), kept_.end(), row,
        [](const std::pair<std::size_t, Case>& entry, std::size_t r) { return entry.first < r; });
    out = kept->second;
    return true;
  }
  const int facts = static_cast<int>(columns_.size());
  if (out.program_ != program_ || out.slot_count_ != facts) {
    out.program_ = program_;
    out.Resize(facts);
  }
  for (int slot = 0; slot < facts; ++slot) {
    const Column& column = columns_[static_cast<std::size_t>(slot)];
    std::uint64_t offset;
    switch (column.width) {
      case 1:
        offset = Get<std::uint8_t>(column.bytes, row);
        break;
      case 2:
        offset = Get<std::uint16_t>(column.bytes, row);
        break;
      case 4:
        offset = Get<std::uint32_t>(column.bytes, row);
        break;
      default:
        offset = Get<std::uint64_t>(column.bytes, row);
        break;
    }
    out.SetRaw(slot, static_cast<std::int64_t>(static_cast<std::uint64_t>(column.base) + offset));
  }
  return true;
}

}  // namespace loket
