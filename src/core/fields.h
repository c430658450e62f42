// The field catalogue: every fact of the data contract (../shared/spec/enterprise-data.md) with its
// Chinese label, unit, kind and scope, plus gradus's documented extensions (docs/data-format.md).
// Importers map headers through it, policies resolve names through it, and the pool stores one
// column per field. Field names are fixed by the contract: add, never rename.
//
//   const FieldDef* f = find_field("revenue");          // or find_field_by_label("营业收入（万元）")
//   f->kind == FieldKind::money && f->scope == FieldScope::yearly
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace gradus {

// How a field's value is stored as int64 in the pool ("raw" value):
//   money, ratio, count, decimal : Decimal micros (value × 10^6)
//   boolean                      : 0 / 1
//   enumeration                  : ordinal into `values` (ordered enums compare by ordinal)
//   enum_set                     : bit mask over `values`
//   date                         : days since 1970-01-01
//   region                       : the six-digit GB/T 2260 code as an integer
//   industry                     : the four-digit GB/T 4754 class code as an integer
//   text                         : not numeric; kept in the pool's text columns
enum class FieldKind : uint8_t { money, ratio, count, decimal, boolean, enumeration, enum_set, date, region, industry, text };
enum class FieldScope : uint8_t { enterprise, yearly };

struct EnumValue {
  std::string_view id;
  std::string_view zh;
  std::string_view en;
};

using FieldId = uint16_t;

struct FieldDef {
  FieldId id;
  std::string_view name;  // contract name, e.g. "rd_expense"
  std::string_view zh;    // Chinese label, e.g. "研发费用"
  std::string_view en;    // English label
  FieldKind kind;
  FieldScope scope;
  std::span<const EnumValue> values;  // enumeration / enum_set only
  bool extension;                     // not in the fixed contract: a gradus extension

  bool numeric() const {
    return kind == FieldKind::money || kind == FieldKind::ratio || kind == FieldKind::count ||
           kind == FieldKind::decimal;
  }
  // Index of an enum value id, or -1.
  int enum_index(std::string_view id) const;
};

std::span<const FieldDef> all_fields();
const FieldDef& field(FieldId id);
// By English contract name.
const FieldDef* find_field(std::string_view name);
// By English name or Chinese label; the label may carry a unit in parentheses
// ("营业收入（万元）", "营业收入(元)"). `*in_yuan` is set when the unit is 元 (money only).
const FieldDef* find_field_by_header(std::string_view header, bool* in_yuan);

// Unit labels for display.
std::string_view unit_zh(FieldKind kind);
std::string_view unit_en(FieldKind kind);

// Event-list enums used by titles, incidents, awards, honours and 创客中国 lists.
std::span<const EnumValue> incident_kinds();
std::span<const EnumValue> award_levels();      // ordered: provincial < national
std::span<const EnumValue> maker_china_lists();  // ordered: national_top500 < national_top50
std::span<const EnumValue> honour_kinds();
std::span<const EnumValue> ip_kinds();
std::span<const EnumValue> ip_high_value_kinds();
std::span<const EnumValue> title_statuses();
int enum_index(std::span<const EnumValue> values, std::string_view id);

}  // namespace gradus
