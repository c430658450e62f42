// The consistency rules and their bilingual reasons.
#include "ingest/checks.h"

#include <string>

#include "core/decimal.h"

namespace gradus::ingest {

namespace {

constexpr PairRule kYearly[] = {
    {"main_revenue", "revenue"},           {"high_tech_revenue", "revenue"},
    {"rd_expense_domestic", "rd_expense"}, {"rd_staff", "employees"},
    {"tech_staff", "employees"},
};
constexpr PairRule kEnterprise[] = {
    {"ip_class1_self", "ip_class1"},
    {"ip_class1_high_value", "ip_class1"},
    {"ip_class1_applied", "ip_class1"},
    {"ip_class1_applied_own_top3", "ip_class1_applied"},
};

}  // namespace

std::optional<Text> check_value(const FieldDef& f, int64_t raw) {
  const std::string_view name = f.name;
  if (name == "digital_level") {
    if (raw < Decimal::from_int(1).micros() || raw > Decimal::from_int(4).micros()) {
      return Text{"超出范围：数字化水平等级为 1–4 级",
                  "is out of range: the digitalisation level is 1 to 4"};
    }
    return std::nullopt;
  }
  if (name == "market_rank_domestic" || name == "market_rank_global") {
    if (raw < Decimal::from_int(1).micros()) {
      return Text{"超出范围：排名从 1 开始", "is out of range: a rank starts at 1"};
    }
    return std::nullopt;
  }
  switch (f.kind) {
    case FieldKind::ratio:
      if (raw < 0 || raw > Decimal::from_int(100).micros()) {
        return Text{"超出范围：比例应在 0–100 之间（单位 %）",
                    "is out of range: a ratio is a percentage from 0 to 100"};
      }
      break;
    case FieldKind::money:
      if (raw < 0 && name != "net_profit") {
        return Text{"为负数：" + std::string(f.zh) + "不能为负",
                    "is negative: " + std::string(f.en) + " cannot be negative"};
      }
      break;
    case FieldKind::count:
    case FieldKind::decimal:
      if (raw < 0) {
        return Text{"为负数：" + std::string(f.zh) + "不能为负",
                    "is negative: " + std::string(f.en) + " cannot be negative"};
      }
      break;
    default:
      break;
  }
  return std::nullopt;
}

bool nonnegative_always_ok(const FieldDef& f) {
  // Mirrors check_value: these fields have upper or lower bounds above zero.
  if (f.name == "digital_level" || f.name == "market_rank_domestic" ||
      f.name == "market_rank_global") {
    return false;
  }
  return f.kind != FieldKind::ratio;
}

std::span<const PairRule> yearly_pair_rules() { return kYearly; }
std::span<const PairRule> enterprise_pair_rules() { return kEnterprise; }

Text pair_violation(const FieldDef& whole, std::string_view whole_column,
                    std::string_view whole_value) {
  const std::string col(whole_column);
  const std::string v = quoted(whole_value);
  return Text{"大于" + std::string(whole.zh) + "（" + col + " " + v + "）",
              "is greater than " + std::string(whole.en) + " (" + col + " " + v + ")"};
}

Text niche_before_founded(std::string_view founded_column, std::string_view founded_value) {
  const std::string col(founded_column);
  const std::string v = quoted(founded_value);
  return Text{"早于成立日期（" + col + " " + v + "）：请核对",
              "is before the date founded (" + col + " " + v + "): please check"};
}

}  // namespace gradus::ingest
