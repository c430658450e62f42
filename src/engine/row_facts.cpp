// Event-list and IP-item facts for one enterprise; see row_facts.h.
#include "engine/row_facts.h"

namespace gradus {
namespace {

struct IpFields {
  FieldId class1, class1_self, class1_high_value, class2, class1_applied, class1_applied_own_top3;
};
const IpFields& ip_fields() {
  static const IpFields f{find_field("ip_class1")->id, find_field("ip_class1_self")->id,
                          find_field("ip_class1_high_value")->id, find_field("ip_class2")->id,
                          find_field("ip_class1_applied")->id, find_field("ip_class1_applied_own_top3")->id};
  return f;
}

bool is_class1(uint8_t kind) {
  static const int k[] = {enum_index(ip_kinds(), "invention_patent"), enum_index(ip_kinds(), "defence_patent"),
                          enum_index(ip_kinds(), "plant_variety"),    enum_index(ip_kinds(), "crop_variety"),
                          enum_index(ip_kinds(), "new_drug"),         enum_index(ip_kinds(), "tcm_protected_1"),
                          enum_index(ip_kinds(), "ic_layout")};
  for (int x : k)
    if (x == kind) return true;
  return false;
}

// Counts the enterprise's items for one IP count field, per the contract: only IP related to the
// leading product, granted on or before the as-of date, not transferred in less than a year
// before it; Class II only when maintained more than 2 years after grant.
int64_t count_items(std::span<const IpItem> items, FieldId f, Date as_of) {
  const IpFields& ip = ip_fields();
  int64_t n = 0;
  for (const IpItem& it : items) {
    if (!it.leading_product.value_or(false)) continue;
    if (it.granted && *it.granted > as_of) continue;
    if (it.acquired && it.acquired->plus_years(1) > as_of) continue;
    bool c1 = is_class1(it.kind);
    if (f == ip.class2) {
      if (c1 || !it.granted || it.granted->plus_years(2) >= as_of) continue;
      ++n;
      continue;
    }
    if (!c1) continue;
    if (f == ip.class1) ++n;
    else if (f == ip.class1_self) n += it.self_developed.value_or(!it.acquired.has_value());
    else if (f == ip.class1_high_value) n += it.high_value != 0;
    else if (f == ip.class1_applied) n += it.applied.value_or(false);
    else if (f == ip.class1_applied_own_top3)
      n += it.applied.value_or(false) && !it.acquired && it.rank_among_holders && *it.rank_among_holders <= 3;
  }
  return n * 1'000'000;  // counts are stored as Decimal micros
}

}  // namespace

bool is_ip_count(FieldId f) {
  const IpFields& ip = ip_fields();
  return f == ip.class1 || f == ip.class1_self || f == ip.class1_high_value || f == ip.class2 ||
         f == ip.class1_applied || f == ip.class1_applied_own_top3;
}

std::optional<int64_t> read_fact(const Pool& pool, FieldId f, int year, uint32_t row, Date as_of) {
  if (year == 0 && is_ip_count(f)) {
    auto items = pool.ip_items().of(row);
    if (!items.empty()) return count_items(items, f, as_of);
  }
  const Column* c = year == 0 ? &pool.column(f) : pool.yearly(f, year);
  if (!c || c->present.empty() || !c->present[row]) return std::nullopt;
  return c->values[row];
}

int32_t region_of(const Pool& pool, uint32_t row) {
  static const FieldId region = find_field("region")->id;
  const Column& c = pool.column(region);
  return row < c.present.size() && c.present[row] ? static_cast<int32_t>(c.values[row]) : 0;
}

bool holds_title(const Pool& pool, uint32_t row, Date as_of, const std::vector<std::string>& tiers) {
  static const int valid = enum_index(title_statuses(), "valid");
  for (const TitleRecord& t : pool.titles().of(row)) {
    if (t.status != valid || t.since > as_of) continue;
    Date to = t.valid_to ? *t.valid_to : t.since.plus_years(3);
    if (as_of > to) continue;
    for (const std::string& tier : tiers)
      if (t.tier == tier) return true;
  }
  return false;
}

bool honour_valid(const Pool& pool, uint32_t row, Date as_of, uint64_t kinds) {
  for (const HonourRecord& h : pool.honours().of(row)) {
    if (!((kinds >> h.kind) & 1)) continue;
    if (h.valid_from && *h.valid_from > as_of) continue;
    if (h.valid_to && *h.valid_to < as_of) continue;
    return true;
  }
  return false;
}

int incidents_within(const Pool& pool, uint32_t row, Date as_of, int years, uint64_t kinds) {
  auto list = pool.incidents().of(row);
  if (list.empty()) return 0;
  Date from = as_of.plus_years(-years);
  int n = 0;
  for (const IncidentRecord& r : list)
    n += ((kinds >> r.kind) & 1) && r.date > from && r.date <= as_of;
  return n;
}

int incidents_active(const Pool& pool, uint32_t row, Date as_of, uint64_t kinds) {
  int n = 0;
  for (const IncidentRecord& r : pool.incidents().of(row))
    n += ((kinds >> r.kind) & 1) && r.date <= as_of && (!r.until || *r.until > as_of);
  return n;
}

int awards_within(const Pool& pool, uint32_t row, Date as_of, int years, int level, int max_rank,
                  bool* rank_unknown) {
  *rank_unknown = false;
  auto list = pool.awards().of(row);
  if (list.empty()) return 0;
  Date from = as_of.plus_years(-years);
  int n = 0;
  for (const AwardRecord& a : list) {
    if (a.level < level || a.date <= from || a.date > as_of) continue;
    if (max_rank > 0) {
      if (!a.rank) {
        *rank_unknown = true;
        continue;
      }
      if (*a.rank > max_rank) continue;
    }
    ++n;
  }
  return n;
}

bool maker_china_within(const Pool& pool, uint32_t row, Date as_of, int years, int list) {
  auto entries = pool.maker_china().of(row);
  if (entries.empty()) return false;
  int y = as_of.year();
  for (const MakerChinaRecord& m : entries)
    if (m.list >= list && m.year >= y - years && m.year <= y) return true;
  return false;
}

}  // namespace gradus
