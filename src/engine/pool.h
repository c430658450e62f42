// The enterprise pool in columnar form: one column per field (struct of arrays), one column per
// (yearly field, fiscal year), and per-enterprise event lists (titles, incidents, awards, honours,
// 创客中国 entries, IP items) in compressed-row form. The engine evaluates compiled policies over
// slices of these columns; one enterprise is just a pool of one.
//
// A Pool is immutable once built and may be read from many threads at once. Build it with
// PoolBuilder (single-threaded):
//
//   PoolBuilder b;
//   uint32_t e = b.enterprise("914403001922038216");
//   b.set(e, find_field("industry")->id, 3976, /*source_row=*/2);
//   b.set_yearly(e, find_field("revenue")->id, 2025, Decimal::from_int(8200).micros());
//   Pool pool = std::move(b).finish();
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "core/fields.h"

namespace gradus {

// One column of raw values (see FieldKind for the encoding) with a presence flag per row.
// Invariant: values.size() == present.size() == pool size for every enterprise-scope numeric
// field and every yearly column (Pool::yearly); values[i] is 0 when !present[i]. Pool::column()
// of a text or yearly field is empty.
struct Column {
  std::vector<int64_t> values;
  std::vector<uint8_t> present;
};

struct TitleRecord {
  std::string tier;  // policy id, e.g. "srdi-sme"
  Date since;
  std::optional<Date> valid_to;  // when absent: since + the tier's validity (3 years)
  uint8_t status = 0;            // index into title_statuses(): valid, expired, revoked
  std::string level;
  std::string batch;
};
struct IncidentRecord {
  uint8_t kind = 0;  // index into incident_kinds()
  Date date;
  std::optional<Date> until;  // for list entries (abnormal operations, dishonesty): removal date
};
struct AwardRecord {
  uint8_t level = 0;  // index into award_levels(): provincial, national
  std::optional<int> rank;
  Date date;
  std::string name;
};
struct MakerChinaRecord {
  uint8_t list = 0;  // index into maker_china_lists(): national_top500, national_top50
  int year = 0;
};
struct HonourRecord {
  uint8_t kind = 0;  // index into honour_kinds()
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
};
struct IpItem {
  uint8_t kind = 0;  // index into ip_kinds()
  std::string number;
  std::optional<Date> granted;
  std::optional<Date> acquired;  // transferred in on this date; absent = own
  std::optional<bool> self_developed;
  std::optional<bool> leading_product;
  std::optional<bool> applied;
  std::optional<int> rank_among_holders;
  uint32_t high_value = 0;  // bit mask over ip_high_value_kinds()
};

// Per-enterprise lists in compressed-row form: the items of enterprise e are
// items[offsets[e] .. offsets[e+1]).
template <typename T>
struct EventLists {
  std::vector<T> items;
  std::vector<uint32_t> offsets{0};
  std::span<const T> of(uint32_t e) const {
    return std::span<const T>(items).subspan(offsets[e], offsets[e + 1] - offsets[e]);
  }
};

class Pool {
 public:
  Pool() = default;
  Pool(Pool&&) = default;
  Pool& operator=(Pool&&) = default;

  uint32_t size() const { return size_; }
  // Fiscal years that have at least one yearly column; first_year() > last_year() when none.
  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }

  // Enterprise-scope numeric (non-text) field (an empty column for text and yearly fields).
  const Column& column(FieldId f) const { return columns_[f]; }
  // Yearly field in `year`, or nullptr when the pool has no data for that year.
  const Column* yearly(FieldId f, int year) const;
  // Text field value ("" when absent).
  const std::string& text(FieldId f, uint32_t e) const;
  const std::string& uscc(uint32_t e) const;
  std::optional<uint32_t> find(std::string_view uscc) const;

  const EventLists<TitleRecord>& titles() const { return titles_; }
  const EventLists<IncidentRecord>& incidents() const { return incidents_; }
  const EventLists<AwardRecord>& awards() const { return awards_; }
  const EventLists<MakerChinaRecord>& maker_china() const { return maker_china_; }
  const EventLists<HonourRecord>& honours() const { return honours_; }
  const EventLists<IpItem>& ip_items() const { return ip_items_; }

  // A new pool holding only the given enterprises (in that order).
  Pool subset(std::span<const uint32_t> rows) const;
  // The same without texts (USCC, names…) and without the USCC index: what the evaluator reads,
  // for throw-away copies that are only evaluated (what-if). uscc() and find() must not be used
  // on it.
  Pool subset_for_evaluation(std::span<const uint32_t> rows) const;

  // A new pool: this one with the enterprises of `changed` put in — each replacing the firm of
  // the same USCC entirely (every fact and event list as `changed` has it), or appended after the
  // others when new. Firms not in `changed` are kept as they are, in their order. This is how the
  // server brings its pool up to date with a few edited firms without loading the whole store.
  Pool with_firms(const Pool& changed) const;

  // Approximate heap bytes held by the pool.
  size_t memory_bytes() const;

 private:
  friend class PoolBuilder;
  friend class WhatIfRows;  // analysis/whatif.h: edits its own copies of rows in place
  uint32_t size_ = 0;
  int first_year_ = 1;
  int last_year_ = 0;
  std::vector<Column> columns_;                      // indexed by FieldId
  std::vector<std::vector<Column>> yearly_;          // [FieldId][year - first_year_]
  std::vector<std::vector<std::string>> texts_;      // [FieldId][enterprise]
  std::unordered_map<std::string, uint32_t> index_;  // uscc -> enterprise
  EventLists<TitleRecord> titles_;
  EventLists<IncidentRecord> incidents_;
  EventLists<AwardRecord> awards_;
  EventLists<MakerChinaRecord> maker_china_;
  EventLists<HonourRecord> honours_;
  EventLists<IpItem> ip_items_;
};

// Builds a Pool. Not thread-safe. Source rows are remembered so that a conflicting value can be
// reported with both row numbers.
class PoolBuilder {
 public:
  PoolBuilder();

  // A hint: about this many enterprises will be added. Columns are then allocated once at that
  // size instead of growing by doubling (each doubling copies the column and touches new memory:
  // a fifth of the time of reading a million CSV rows). Wrong hints cost only memory or speed.
  void expect(uint32_t enterprises);

  // Index of the enterprise with this USCC, created when new.
  uint32_t enterprise(std::string_view uscc);
  uint32_t size() const { return static_cast<uint32_t>(usccs_.size()); }

  // Sets an enterprise-scope value. When the field already holds a different value, nothing is
  // changed and the source row that set the existing value is returned (0 if unknown).
  std::optional<uint32_t> set(uint32_t e, FieldId f, int64_t raw, uint32_t source_row = 0);
  std::optional<uint32_t> set_text(uint32_t e, FieldId f, std::string value,
                                   uint32_t source_row = 0);
  // The current raw value of an enterprise-scope field, if set.
  std::optional<int64_t> get(uint32_t e, FieldId f) const;
  // Sets a yearly value (last write wins; duplicate years are the importer's to detect).
  void set_yearly(uint32_t e, FieldId f, int year, int64_t raw);
  void clear_yearly(uint32_t e, FieldId f, int year);

  void add_title(uint32_t e, TitleRecord r) { titles_.push_back({e, std::move(r)}); }
  void add_incident(uint32_t e, IncidentRecord r) { incidents_.push_back({e, std::move(r)}); }
  void add_award(uint32_t e, AwardRecord r) { awards_.push_back({e, std::move(r)}); }
  void add_maker_china(uint32_t e, MakerChinaRecord r) { maker_china_.push_back({e, r}); }
  void add_honour(uint32_t e, HonourRecord r) { honours_.push_back({e, r}); }
  void add_ip_item(uint32_t e, IpItem r) { ip_items_.push_back({e, std::move(r)}); }

  // Drops the enterprise from the finished pool (its input had errors).
  void reject(uint32_t e);
  bool rejected(uint32_t e) const { return e < rejected_.size() && rejected_[e]; }

  Pool finish() &&;

 private:
  template <typename T>
  using Pending = std::vector<std::pair<uint32_t, T>>;

  // Makes room for n entries in v: at least the expected number (see expect()), and half as much
  // again as it had, so that a pool larger than expected (or of unknown size) still grows in
  // amortised constant time rather than by a copy per chunk.
  template <typename V>
  void make_room(V& v, size_t n) const {
    if (v.capacity() < n) v.reserve(std::max({n, expected_, v.capacity() + v.capacity() / 2}));
  }
  void grow_column(Column& c, size_t n) const;
  // The size a column grows to so that it holds enterprise e.
  size_t column_size(uint32_t e) const;

  size_t expected_ = 0;
  std::vector<std::string> usccs_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<Column> columns_;
  std::vector<std::vector<uint32_t>> source_rows_;  // [FieldId][enterprise]
  std::vector<std::vector<std::string>> texts_;
  std::unordered_map<int, std::vector<Column>> yearly_;  // year -> [FieldId]
  std::vector<uint8_t> rejected_;
  Pending<TitleRecord> titles_;
  Pending<IncidentRecord> incidents_;
  Pending<AwardRecord> awards_;
  Pending<MakerChinaRecord> maker_china_;
  Pending<HonourRecord> honours_;
  Pending<IpItem> ip_items_;
};

}  // namespace gradus
