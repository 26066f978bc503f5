// Values as text: for people (ToString), JSON and YAML.
#include <cstdlib>
#include <string>

#include "eval/support.h"
#include "loket/evaluate.h"
#include "support/date.h"
#include "support/money.h"

namespace loket {

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kBool:
      return "bool";
    case ValueType::kInt:
      return "int";
    case ValueType::kMoney:
      return "money";
    case ValueType::kDate:
      return "date";
    case ValueType::kEnum:
      return "enum";
    case ValueType::kSet:
      return "set";
  }
  return "?";
}

namespace {

std::string MemberName(const std::vector<std::string>* members, std::int64_t index) {
  if (members != nullptr && index >= 0 && static_cast<std::size_t>(index) < members->size()) {
    return (*members)[static_cast<std::size_t>(index)];
  }
  return "#" + std::to_string(index);
}

}  // namespace

std::string Value::AsEnumName() const {
  return MemberName(members, raw);
}

std::vector<std::string> Value::AsSetNames() const {
  std::vector<std::string> names;
  const std::uint64_t mask = AsSetMask();
  for (int i = 0; i < 64; ++i) {
    if ((mask >> i) & 1u) names.push_back(MemberName(members, i));
  }
  return names;
}

std::string Value::ToString() const {
  switch (type) {
    case ValueType::kBool:
      return raw ? "true" : "false";
    case ValueType::kInt:
      return std::to_string(raw);
    case ValueType::kMoney:
      return support::FormatMoney(raw);
    case ValueType::kDate:
      return support::FormatIsoDate(static_cast<support::DayNumber>(raw));
    case ValueType::kEnum:
      return AsEnumName();
    case ValueType::kSet: {
      std::string text = "{";
      for (const std::string& name : AsSetNames()) {
        if (text.size() > 1) text += ", ";
        text += name;
      }
      return text + "}";
    }
  }
  return "?";
}

std::string Value::ToJson() const {
  switch (type) {
    case ValueType::kBool:
    case ValueType::kInt:
      return ToString();
    case ValueType::kMoney:
      return support::FormatMoneyDecimal(raw);
    case ValueType::kDate:
    case ValueType::kEnum:
      return "\"" + ToString() + "\"";
    case ValueType::kSet: {
      std::string text = "[";
      for (const std::string& name : AsSetNames()) {
        if (text.size() > 1) text += ",";
        text += "\"" + name + "\"";
      }
      return text + "]";
    }
  }
  return "null";
}

std::string Value::ToYaml() const {
  switch (type) {
    case ValueType::kMoney:
      return support::FormatMoneyDecimal(raw);
    case ValueType::kSet: {
      std::string text = "[";
      for (const std::string& name : AsSetNames()) {
        if (text.size() > 1) text += ", ";
        text += name;
      }
      return text + "]";
    }
    default:
      return ToString();
  }
}

namespace eval {

std::string TypeDescription(const FactInfo& fact) {
  std::string text;
  switch (fact.type) {
    case ValueType::kEnum: {
      text = fact.enum_name + ", one of ";
      for (std::size_t i = 0; i < fact.members.size(); ++i) {
        if (i > 0) text += ", ";
        if (i == 8 && fact.members.size() > 10) {
          text += "...";
          break;
        }
        text += fact.members[i];
      }
      return text;
    }
    case ValueType::kSet:
      return "set of " + fact.enum_name + ", a list of member names";
    case ValueType::kMoney:
      text = "money";
      break;
    case ValueType::kDate:
      text = "date, YYYY-MM-DD";
      break;
    default:
      text = ValueTypeName(fact.type);
      break;
  }
  if (fact.has_range) {
    Value lo{fact.type, fact.lo, nullptr};
    Value hi{fact.type, fact.hi, nullptr};
    text += " in " + lo.ToString() + ".." + hi.ToString();
  }
  return text;
}

Value SlotValue(const compile::CompiledProgram& program, int slot, std::int64_t raw) {
  const compile::SlotInfo& info = program.slots[static_cast<std::size_t>(slot)];
  Value v;
  v.type = info.type;
  v.raw = raw;
  v.members = program.MembersOf(slot);
  return v;
}

}  // namespace eval
}  // namespace loket
