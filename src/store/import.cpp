// Store::import_pool: merges a pool read from a file into the store. One transaction: read the
// current rows under the write lock, work out what differs, write new versions and retire the
// replaced ones, record the batch and its audit entry (with a digest of every row written), commit.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <unordered_map>

#include "core/date.h"
#include "core/decimal.h"
#include "ingest/checks.h"
#include "store/records.h"
#include "store/schema.h"
#include "store/state.h"
#include "store/store.h"
#include "store/tables.h"

namespace gradus::store {

std::string display_value(const FieldDef& f, int64_t raw) {
  if (f.numeric()) return Decimal::from_micros(raw).to_string();
  if (f.kind == FieldKind::boolean) return raw != 0 ? "true" : "false";
  return encode_text_value(f, raw);
}

namespace {

constexpr size_t kMaxListedChanges = 10000;

std::optional<int64_t> raw_at(const Column* c, uint32_t e) {
  if (c == nullptr || e >= c->present.size() || c->present[e] == 0) return std::nullopt;
  return c->values[e];
}

std::string opt_date(const std::optional<Date>& d) { return d ? d->to_string() : std::string(); }
std::string opt_int(const std::optional<int>& v) { return v ? std::to_string(*v) : std::string(); }
std::string opt_bool(const std::optional<bool>& v) { return v ? (*v ? "1" : "0") : std::string(); }

std::string high_value_text(uint32_t mask) {
  std::string out;
  const auto kinds = ip_high_value_kinds();
  for (size_t i = 0; i < kinds.size(); ++i) {
    if ((mask >> i & 1u) == 0) continue;
    if (!out.empty()) out += ';';
    out += kinds[i].id;
  }
  return out;
}

void put_date(DigestingInsert& w, const std::optional<Date>& d) {
  d ? w.text(d->to_string()) : w.null();
}
void put_int(DigestingInsert& w, const std::optional<int>& v) { v ? w.integer(*v) : w.null(); }
void put_bool(DigestingInsert& w, const std::optional<bool>& v) {
  v ? w.integer(*v ? 1 : 0) : w.null();
}

// Per event type: which table, what identifies a record (key), everything it says (content),
// how it is written.
struct TitleTraits {
  using T = TitleRecord;
  static constexpr std::string_view table = "titles";
  static const EventLists<T>& lists(const Pool& p) { return p.titles(); }
  static const std::vector<int64_t>& ids(const StoredState& s) { return s.title_ids; }
  static std::string key(const T& t) { return t.tier + "|" + t.since.to_string(); }
  static std::string content(const T& t) {
    return key(t) + "|" + opt_date(t.valid_to) + "|" + std::string(title_statuses()[t.status].id) +
           "|" + t.level + "|" + t.batch;
  }
  static void write(DigestingInsert& w, const T& t) {
    w.text(t.tier), w.text(t.since.to_string()), put_date(w, t.valid_to);
    w.text(title_statuses()[t.status].id), w.text(t.level), w.text(t.batch);
  }
};
struct IncidentTraits {
  using T = IncidentRecord;
  static constexpr std::string_view table = "incidents";
  static const EventLists<T>& lists(const Pool& p) { return p.incidents(); }
  static const std::vector<int64_t>& ids(const StoredState& s) { return s.incident_ids; }
  static std::string key(const T& t) {
    return std::string(incident_kinds()[t.kind].id) + "|" + t.date.to_string();
  }
  static std::string content(const T& t) { return key(t) + "|" + opt_date(t.until); }
  static void write(DigestingInsert& w, const T& t) {
    w.text(incident_kinds()[t.kind].id), w.text(t.date.to_string()), put_date(w, t.until);
  }
};
struct AwardTraits {
  using T = AwardRecord;
  static constexpr std::string_view table = "awards";
  static const EventLists<T>& lists(const Pool& p) { return p.awards(); }
  static const std::vector<int64_t>& ids(const StoredState& s) { return s.award_ids; }
  static std::string key(const T& t) {
    return std::string(award_levels()[t.level].id) + "|" + t.date.to_string() + "|" + t.name;
  }
  static std::string content(const T& t) { return key(t) + "|" + opt_int(t.rank); }
  static void write(DigestingInsert& w, const T& t) {
    w.text(award_levels()[t.level].id), put_int(w, t.rank), w.text(t.date.to_string()),
        w.text(t.name);
  }
};
struct HonourTraits {
  using T = HonourRecord;
  static constexpr std::string_view table = "honours";
  static const EventLists<T>& lists(const Pool& p) { return p.honours(); }
  static const std::vector<int64_t>& ids(const StoredState& s) { return s.honour_ids; }
  static std::string key(const T& t) {
    return std::string(honour_kinds()[t.kind].id) + "|" + opt_date(t.valid_from);
  }
  static std::string content(const T& t) { return key(t) + "|" + opt_date(t.valid_to); }
  static void write(DigestingInsert& w, const T& t) {
    w.text(honour_kinds()[t.kind].id), put_date(w, t.valid_from), put_date(w, t.valid_to);
  }
};
struct MakerTraits {
  using T = MakerChinaRecord;
  static constexpr std::string_view table = "maker_china";
  static const EventLists<T>& lists(const Pool& p) { return p.maker_china(); }
  static const std::vector<int64_t>& ids(const StoredState& s) { return s.maker_ids; }
  static std::string key(const T& t) {
    return std::string(maker_china_lists()[t.list].id) + "|" + std::to_string(t.year);
  }
  static std::string content(const T& t) { return key(t); }
  static void write(DigestingInsert& w, const T& t) {
    w.text(maker_china_lists()[t.list].id), w.integer(t.year);
  }
};
struct IpTraits {
  using T = IpItem;
  static constexpr std::string_view table = "ip_items";
  static const EventLists<T>& lists(const Pool& p) { return p.ip_items(); }
  static const std::vector<int64_t>& ids(const StoredState& s) { return s.ip_ids; }
  static std::string content(const T& t) {
    return std::string(ip_kinds()[t.kind].id) + "|" + t.number + "|" + opt_date(t.granted) + "|" +
           opt_date(t.acquired) + "|" + opt_bool(t.self_developed) + "|" +
           opt_bool(t.leading_product) + "|" + opt_bool(t.applied) + "|" +
           opt_int(t.rank_among_holders) + "|" + high_value_text(t.high_value);
  }
  // A numbered item is identified by its number; an unnumbered one by everything it says.
  static std::string key(const T& t) {
    return t.number.empty() ? content(t) : std::string(ip_kinds()[t.kind].id) + "|" + t.number;
  }
  static void write(DigestingInsert& w, const T& t) {
    w.text(ip_kinds()[t.kind].id), w.text(t.number), put_date(w, t.granted),
        put_date(w, t.acquired);
    put_bool(w, t.self_developed), put_bool(w, t.leading_product), put_bool(w, t.applied);
    put_int(w, t.rank_among_holders), w.text(high_value_text(t.high_value));
  }
};

struct EventPlan {
  uint32_t item;  // index into the incoming pool's item list
  int64_t enterprise_id;
};

struct StaticPlan {
  uint32_t in;
  std::optional<uint32_t> stored;
  int64_t enterprise_id;
};

struct YearlyPlan {
  uint32_t in;
  std::optional<uint32_t> stored;
  int year;
  int64_t enterprise_id;
};

// PostgreSQL checks every foreign key and updates every index row by row while COPY loads a
// table (measured: yearly_facts loads 3.5 times slower than the bare table, enterprises' text
// key in particular). When one import brings at least as many rows as the table already holds
// (a first load, a new year of a large pool), dropping the table's constraints and indexes inside
// the import's transaction and creating them again after the rows are in is several times faster:
// each index is then built by one sort and each foreign key checked by one join. A primary key
// that other tables' foreign keys refer to stays. It is all one transaction: a failed or killed
// import restores them as they were. Readers of that table wait for the import to commit (the
// table is locked exclusively), which is why small imports do not do it.
class PostgresBulkLoad {
 public:
  static constexpr int64_t kMinRows = 20000;  // below this, row-by-row checks cost little

  PostgresBulkLoad(SqlConnection& c, std::string_view table) : c_(c), table_(table) {}

  // Drops the table's constraints and indexes when `incoming` rows are worth it against
  // `existing` ones.
  Status begin(int64_t incoming, int64_t existing) {
    if (c_.dialect() != SqlDialect::postgresql || incoming < kMinRows || incoming < existing) {
      return Status::ok_status();
    }
    const SqlParam p[] = {table_, table_, table_};
    // Keys first (their indexes go with them), then foreign keys, then plain indexes; restored
    // in the same order.
    auto found = c_.query(
        "SELECT 0, conname, pg_get_constraintdef(oid) FROM pg_constraint c WHERE conrelid = "
        "to_regclass(?) AND (contype = 'u' OR (contype = 'p' AND NOT EXISTS (SELECT 1 FROM "
        "pg_constraint r WHERE r.contype = 'f' AND r.confrelid = c.conrelid))) "
        "UNION ALL SELECT 1, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE "
        "conrelid = to_regclass(?) AND contype = 'f' "
        "UNION ALL SELECT 2, i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i "
        "ON i.oid = x.indexrelid WHERE x.indrelid = to_regclass(?) AND NOT EXISTS (SELECT 1 FROM "
        "pg_constraint k WHERE k.conindid = x.indexrelid) ORDER BY 1, 2",
        p);
    if (!found) return found.error();
    std::vector<std::string> drop;
    while ((*found)->next()) {
      const std::string name((*found)->text(1));
      const std::string definition((*found)->text(2));
      if ((*found)->integer(0) == 2) {
        drop.push_back("DROP INDEX " + name);
        restore_.push_back(definition);
      } else {
        drop.push_back("ALTER TABLE " + table_ + " DROP CONSTRAINT " + name);
        restore_.push_back("ALTER TABLE " + table_ + " ADD CONSTRAINT " + name + " " + definition);
      }
    }
    if (Status s = (*found)->status(); !s.ok()) return s;
    for (const std::string& sql : drop) {
      if (Status s = c_.execute(sql); !s.ok()) return s;
    }
    return Status::ok_status();
  }

  // Creates again what begin() dropped; a row whose key has no parent, or a duplicate key, fails
  // the import here.
  Status finish() {
    for (const std::string& sql : restore_) {
      if (Status s = c_.execute(sql); !s.ok()) return s;
    }
    restore_.clear();
    return Status::ok_status();
  }

 private:
  SqlConnection& c_;
  std::string table_;
  std::vector<std::string> restore_;
};

class Importer {
 public:
  Importer(SqlConnection& c, const Pool& in, StoredState& st, const ImportOptions& o,
           ImportSummary& sum)
      : c_(c), in_(in), st_(st), o_(o), sum_(sum) {
    if (const char* f = std::getenv("GRADUS_FAULT_KILL_AFTER_ROWS"); f != nullptr) {
      kill_after_ = std::strtoull(f, nullptr, 10);
    }
  }

  Status plan();
  // Whether the store's tables have the `checks` column (schema 3 or later).
  void set_row_checks(bool on) { with_checks_ = on; }
  bool empty() const {
    return new_enterprises_.empty() && statics_.empty() && yearlies_.empty() && event_rows_ == 0;
  }
  Status write(int64_t batch, std::string* digest);

 private:
  template <typename Traits>
  void plan_events(uint32_t in, std::optional<uint32_t> stored, int64_t eid, bool existing);
  template <typename Traits>
  Status write_events(int64_t batch, RowHash& h, int64_t& next_id);
  void change(uint32_t in, std::string field, int year, std::string before, std::string after) {
    ++sum_.fields_changed;
    if (sum_.changes.size() < kMaxListedChanges) {
      sum_.changes.push_back(
          {in_.uscc(in), std::move(field), year, std::move(before), std::move(after)});
    }
  }
  void row_written() {
    ++rows_done_;
    if (kill_after_ != 0 && rows_done_ >= kill_after_)
      std::raise(SIGKILL);  // fault-injection tests
    if (o_.progress && (rows_done_ & 4095) == 0) o_.progress(rows_done_, rows_total_);
  }
  Status close_rows(std::string_view table, std::vector<int64_t>& ids, int64_t batch, RowHash& h);
  // A row the store refused because of a value (over the backend's size limit: invalid_argument),
  // named by the firm (and fiscal year) it belongs to; the whole import then fails.
  Status for_firm(Status s, uint32_t in, int year = 0) const {
    if (s.ok() || s.code != StatusCode::invalid_argument) return s;
    const FieldDef* name = find_field("name");
    const std::string& firm_name = name != nullptr ? in_.text(name->id, in) : std::string();
    std::string firm = in_.uscc(in);
    if (!firm_name.empty()) {  // a name over the limit is cut (at a character boundary)
      size_t cut = std::min<size_t>(firm_name.size(), 60);
      while (cut < firm_name.size() && cut > 0 &&
             (static_cast<unsigned char>(firm_name[cut]) & 0xc0) == 0x80)
        --cut;
      firm += " " + firm_name.substr(0, cut) + (cut < firm_name.size() ? "…" : "");
    }
    const std::string y = std::to_string(year);
    return error(s.code,
                 "企业 " + firm + (year != 0 ? " " + y + " 年" : "") + "：" + s.message.zh +
                     "；本文件的数据均未导入",
                 "firm " + firm + (year != 0 ? " (" + y + ")" : "") + ": " + s.message.en +
                     "; nothing from this file was imported");
  }
  Result<int64_t> next_id(std::string_view table);

  SqlConnection& c_;
  const Pool& in_;
  StoredState& st_;
  const ImportOptions& o_;
  ImportSummary& sum_;
  uint64_t kill_after_ = 0;
  uint64_t rows_done_ = 0, rows_total_ = 0;

  std::vector<uint32_t> new_enterprises_;  // incoming indices
  std::vector<int64_t> new_enterprise_ids_;
  std::vector<StaticPlan> statics_;
  std::vector<YearlyPlan> yearlies_;
  std::unordered_map<std::string_view, std::vector<EventPlan>> events_;
  std::unordered_map<std::string_view, std::vector<int64_t>> closing_;
  uint64_t event_rows_ = 0;
  int64_t first_new_id_ = 0;
  bool with_checks_ = true;
};

Result<int64_t> Importer::next_id(std::string_view table) {
  Result<std::optional<int64_t>> m = query_integer(c_, "SELECT MAX(id) FROM " + std::string(table));
  if (!m) return m.error();
  return m->value_or(0) + 1;
}

template <typename Traits>
void Importer::plan_events(uint32_t in, std::optional<uint32_t> stored, int64_t eid,
                           bool existing) {
  const auto& incoming = Traits::lists(in_);
  const uint32_t from = incoming.offsets[in], to = incoming.offsets[in + 1];
  if (from == to) return;
  std::unordered_map<std::string, std::pair<std::string, uint32_t>> have;  // key → content, item
  if (stored) {
    const auto& mine = Traits::lists(st_.pool);
    for (uint32_t k = mine.offsets[*stored]; k < mine.offsets[*stored + 1]; ++k) {
      have.emplace(Traits::key(mine.items[k]), std::make_pair(Traits::content(mine.items[k]), k));
    }
  }
  auto& plans = events_[Traits::table];
  for (uint32_t k = from; k < to; ++k) {
    const auto& item = incoming.items[k];
    auto it = have.find(Traits::key(item));
    std::string after = Traits::content(item);
    if (it != have.end()) {
      if (it->second.first == after) continue;
      closing_[Traits::table].push_back(Traits::ids(st_)[it->second.second]);
      if (existing) change(in, std::string(Traits::table), 0, it->second.first, after);
      it->second.first = after;
    } else if (existing) {
      change(in, std::string(Traits::table), 0, "", after);
    }
    plans.push_back({k, eid});
    ++event_rows_;
  }
}

Status Importer::plan() {
  Result<int64_t> next_eid = next_id("enterprises");
  if (!next_eid) return next_eid.error();
  int64_t eid_counter = *next_eid;
  first_new_id_ = *next_eid;
  const auto statics = static_fact_columns();
  const auto yearlies = yearly_fact_columns();
  sum_.enterprises_in_input = in_.size();
  for (uint32_t i = 0; i < in_.size(); ++i) {
    const std::optional<uint32_t> s = st_.pool.find(in_.uscc(i));
    const bool existing = s.has_value();
    const uint64_t changes_before = sum_.fields_changed + event_rows_;
    int64_t eid;
    if (existing) {
      eid = st_.enterprise_ids[*s];
    } else {
      eid = eid_counter++;
      new_enterprises_.push_back(i);
      new_enterprise_ids_.push_back(eid);
    }
    // Static facts.
    bool static_differs = !existing || st_.static_version_ids[*s] == 0;
    for (const FactColumn& col : statics) {
      const FieldDef& f = *col.field;
      if (f.kind == FieldKind::text) {
        const std::string& v = in_.text(f.id, i);
        if (v.empty() || !existing) continue;
        const std::string& old = st_.pool.text(f.id, *s);
        if (old != v) static_differs = true, change(i, std::string(f.name), 0, old, v);
        continue;
      }
      std::optional<int64_t> v = raw_at(&in_.column(f.id), i);
      if (!v || !existing) continue;
      std::optional<int64_t> old = raw_at(&st_.pool.column(f.id), *s);
      if (old != v) {
        static_differs = true;
        change(i, std::string(f.name), 0, old ? display_value(f, *old) : "", display_value(f, *v));
      }
    }
    if (static_differs) {
      statics_.push_back({i, s, eid});
      if (existing && st_.static_version_ids[*s] != 0) {
        closing_["enterprise_versions"].push_back(st_.static_version_ids[*s]);
      }
    }
    // Yearly facts, year by year.
    for (int y = in_.first_year(); y <= in_.last_year(); ++y) {
      bool any = false, differs = false;
      const bool stored_row = existing && st_.yearly_version_ids.count(yearly_key(*s, y)) > 0;
      for (const FactColumn& col : yearlies) {
        const FieldDef& f = *col.field;
        std::optional<int64_t> v = raw_at(in_.yearly(f.id, y), i);
        if (!v) continue;
        any = true;
        std::optional<int64_t> old = existing ? raw_at(st_.pool.yearly(f.id, y), *s) : std::nullopt;
        if (old != v) {
          differs = true;
          if (existing) {
            change(i, std::string(f.name), y, old ? display_value(f, *old) : "",
                   display_value(f, *v));
          }
        }
      }
      if (!any || (!differs && stored_row)) continue;
      yearlies_.push_back({i, existing ? s : std::nullopt, y, eid});
      if (stored_row) closing_["yearly_facts"].push_back(st_.yearly_version_ids[yearly_key(*s, y)]);
    }
    plan_events<TitleTraits>(i, s, eid, existing);
    plan_events<IncidentTraits>(i, s, eid, existing);
    plan_events<AwardTraits>(i, s, eid, existing);
    plan_events<HonourTraits>(i, s, eid, existing);
    plan_events<MakerTraits>(i, s, eid, existing);
    plan_events<IpTraits>(i, s, eid, existing);
    if (!existing) {
      ++sum_.enterprises_new;
    } else if (sum_.fields_changed + event_rows_ > changes_before) {
      ++sum_.enterprises_changed;
    } else {
      ++sum_.enterprises_unchanged;
    }
  }
  sum_.static_versions = statics_.size();
  sum_.yearly_versions = yearlies_.size();
  sum_.events_added = event_rows_;
  rows_total_ = new_enterprises_.size() + statics_.size() + yearlies_.size() + event_rows_;
  return Status::ok_status();
}

Status Importer::close_rows(std::string_view table, std::vector<int64_t>& ids, int64_t batch,
                            RowHash& h) {
  RowDigest d(h);
  d.marker("closed");
  if (ids.empty()) return Status::ok_status();
  std::sort(ids.begin(), ids.end());
  if (Status s =
          c_.execute("CREATE TEMP TABLE IF NOT EXISTS gradus_closing (id BIGINT PRIMARY KEY)");
      !s.ok()) {
    return s;
  }
  if (Status s = c_.execute("DELETE FROM gradus_closing"); !s.ok()) return s;
  {
    const std::string_view cols[] = {"id"};
    Result<std::unique_ptr<SqlBulkInsert>> bulk = c_.bulk_insert("gradus_closing", cols);
    if (!bulk) return bulk.error();
    for (int64_t id : ids) {
      (*bulk)->integer(id);
      d.integer(id);
      if (Status s = (*bulk)->end_row(); !s.ok()) return s;
    }
    if (Status s = (*bulk)->finish(); !s.ok()) return s;
  }
  const SqlParam p[] = {batch};
  return c_.run("UPDATE " + std::string(table) +
                    " SET to_batch = ? WHERE id IN (SELECT id FROM gradus_closing)",
                p);
}

template <typename Traits>
Status Importer::write_events(int64_t batch, RowHash& h, int64_t& next) {
  const TableLayout& t = table_layout(Traits::table);
  RowDigest(h).marker(t.name);
  auto& plans = events_[Traits::table];
  PostgresBulkLoad bulk_load(c_, t.name);
  if (Status s = bulk_load.begin(static_cast<int64_t>(plans.size()), next - 1); !s.ok()) return s;
  if (!plans.empty()) {
    std::vector<std::string_view> cols;
    for (const TableColumn& c : t.columns) cols.push_back(c.name);
    if (with_checks_) cols.push_back("checks");
    Result<std::unique_ptr<SqlBulkInsert>> bulk = c_.bulk_insert(t.name, cols);
    if (!bulk) return bulk.error();
    DigestingInsert w(**bulk, h, with_checks_);
    const auto& items = Traits::lists(in_).items;
    for (const EventPlan& p : plans) {
      w.integer(next++), w.integer(p.enterprise_id), w.integer(batch);
      Traits::write(w, items[p.item]);
      if (Status s = w.end_row(); !s.ok()) {
        const auto& offsets = Traits::lists(in_).offsets;
        const auto owner =
            std::upper_bound(offsets.begin(), offsets.end(), p.item) - offsets.begin() - 1;
        return for_firm(s, static_cast<uint32_t>(std::max<std::ptrdiff_t>(owner, 0)));
      }
      row_written();
    }
    if (Status s = (*bulk)->finish(); !s.ok()) return s;
  }
  if (Status s = close_rows(t.name, closing_[Traits::table], batch, h); !s.ok()) return s;
  return bulk_load.finish();
}

Status Importer::write(int64_t batch, std::string* digest) {
  RowHash h;
  // enterprises
  {
    const TableLayout& t = table_layout("enterprises");
    RowDigest(h).marker(t.name);
    PostgresBulkLoad bulk_load(c_, t.name);
    const int64_t incoming = static_cast<int64_t>(new_enterprises_.size());
    if (Status s = bulk_load.begin(incoming, first_new_id_ - 1); !s.ok()) return s;
    if (!new_enterprises_.empty()) {
      const std::string_view all[] = {"id", "uscc", "first_batch", "checks"};
      Result<std::unique_ptr<SqlBulkInsert>> bulk =
          c_.bulk_insert(t.name, std::span<const std::string_view>(all, with_checks_ ? 4 : 3));
      if (!bulk) return bulk.error();
      DigestingInsert w(**bulk, h, with_checks_);
      for (size_t k = 0; k < new_enterprises_.size(); ++k) {
        w.integer(new_enterprise_ids_[k]), w.text(in_.uscc(new_enterprises_[k])), w.integer(batch);
        if (Status s = w.end_row(); !s.ok()) return for_firm(s, new_enterprises_[k]);
        row_written();
      }
      if (Status s = (*bulk)->finish(); !s.ok()) return s;
    }
    if (Status s = bulk_load.finish(); !s.ok()) return s;
  }
  // enterprise_versions: the merged static facts
  {
    const TableLayout& t = table_layout("enterprise_versions");
    RowDigest(h).marker(t.name);
    Result<int64_t> next = next_id(t.name);
    if (!next) return next.error();
    int64_t id = *next;
    PostgresBulkLoad bulk_load(c_, t.name);
    if (Status s = bulk_load.begin(static_cast<int64_t>(statics_.size()), *next - 1); !s.ok()) {
      return s;
    }
    if (!statics_.empty()) {
      std::vector<std::string_view> cols;
      for (const TableColumn& c : t.columns) cols.push_back(c.name);
      if (with_checks_) cols.push_back("checks");
      Result<std::unique_ptr<SqlBulkInsert>> bulk = c_.bulk_insert(t.name, cols);
      if (!bulk) return bulk.error();
      DigestingInsert w(**bulk, h, with_checks_);
      for (const StaticPlan& p : statics_) {
        w.integer(id++), w.integer(p.enterprise_id), w.integer(batch);
        for (const FactColumn& col : static_fact_columns()) {
          const FieldDef& f = *col.field;
          if (f.kind == FieldKind::text) {
            const std::string* v = &in_.text(f.id, p.in);
            if (v->empty() && p.stored) v = &st_.pool.text(f.id, *p.stored);
            v->empty() ? w.null() : w.text(*v);
            continue;
          }
          std::optional<int64_t> v = raw_at(&in_.column(f.id), p.in);
          if (!v && p.stored) v = raw_at(&st_.pool.column(f.id), *p.stored);
          if (!v) {
            w.null();
          } else if (col.is_text) {
            w.text(encode_text_value(f, *v));
          } else {
            w.integer(*v);
          }
        }
        if (Status s = w.end_row(); !s.ok()) return for_firm(s, p.in);
        row_written();
      }
      if (Status s = (*bulk)->finish(); !s.ok()) return s;
    }
    if (Status s = close_rows(t.name, closing_["enterprise_versions"], batch, h); !s.ok()) return s;
    if (Status s = bulk_load.finish(); !s.ok()) return s;
  }
  // yearly_facts
  {
    const TableLayout& t = table_layout("yearly_facts");
    RowDigest(h).marker(t.name);
    Result<int64_t> next = next_id(t.name);
    if (!next) return next.error();
    int64_t id = *next;
    PostgresBulkLoad bulk_load(c_, t.name);
    if (Status s = bulk_load.begin(static_cast<int64_t>(yearlies_.size()), *next - 1); !s.ok()) {
      return s;
    }
    if (!yearlies_.empty()) {
      std::vector<std::string_view> cols;
      for (const TableColumn& c : t.columns) cols.push_back(c.name);
      if (with_checks_) cols.push_back("checks");
      Result<std::unique_ptr<SqlBulkInsert>> bulk = c_.bulk_insert(t.name, cols);
      if (!bulk) return bulk.error();
      DigestingInsert w(**bulk, h, with_checks_);
      const auto yearly = yearly_fact_columns();
      std::vector<const Column*> in_cols(yearly.size()), st_cols(yearly.size());
      int cached_year = INT32_MIN;
      for (const YearlyPlan& p : yearlies_) {
        if (p.year != cached_year) {
          cached_year = p.year;
          for (size_t k = 0; k < yearly.size(); ++k) {
            in_cols[k] = in_.yearly(yearly[k].field->id, p.year);
            st_cols[k] = st_.pool.yearly(yearly[k].field->id, p.year);
          }
        }
        w.integer(id++), w.integer(p.enterprise_id), w.integer(batch), w.integer(p.year);
        for (size_t k = 0; k < yearly.size(); ++k) {
          std::optional<int64_t> v = raw_at(in_cols[k], p.in);
          if (!v && p.stored) v = raw_at(st_cols[k], *p.stored);
          w.optional_integer(v);
        }
        if (Status s = w.end_row(); !s.ok()) return for_firm(s, p.in, p.year);
        row_written();
      }
      if (Status s = (*bulk)->finish(); !s.ok()) return s;
    }
    if (Status s = close_rows(t.name, closing_["yearly_facts"], batch, h); !s.ok()) return s;
    if (Status s = bulk_load.finish(); !s.ok()) return s;
  }
  // events
  auto events = [&]<typename Traits>() -> Status {
    Result<int64_t> next = next_id(Traits::table);
    if (!next) return next.error();
    int64_t id = *next;
    return write_events<Traits>(batch, h, id);
  };
  if (Status s = events.template operator()<TitleTraits>(); !s.ok()) return s;
  if (Status s = events.template operator()<IncidentTraits>(); !s.ok()) return s;
  if (Status s = events.template operator()<AwardTraits>(); !s.ok()) return s;
  if (Status s = events.template operator()<HonourTraits>(); !s.ok()) return s;
  if (Status s = events.template operator()<MakerTraits>(); !s.ok()) return s;
  if (Status s = events.template operator()<IpTraits>(); !s.ok()) return s;
  if (o_.progress) o_.progress(rows_total_, rows_total_);
  *digest = h.hex_final();
  return Status::ok_status();
}

// Cross-checks against the store (ImportOptions::conflicts): the file's consistency rules
// (ingest/checks.h), applied to the merged facts of every incoming enterprise that is already
// stored. A rule whose part and whole both come from the incoming pool is the file reader's to
// report; here at least one side is a stored fact.
class CrossCheck {
 public:
  static constexpr size_t kMaxConflicts = 1000;

  CrossCheck(SqlConnection& c, const Pool& in, const StoredState& st, const ImportOptions& o)
      : c_(c), in_(in), st_(st), o_(o) {}

  Status run(std::vector<InputError>& out) {
    struct Rule {
      const FieldDef* part;
      const FieldDef* whole;
    };
    auto rules_of = [](std::span<const ingest::PairRule> rules) {
      std::vector<Rule> out;
      for (const ingest::PairRule& r : rules)
        out.push_back({find_field(r.part), find_field(r.whole)});
      return out;
    };
    const std::vector<Rule> yearly = rules_of(ingest::yearly_pair_rules());
    const std::vector<Rule> statics = rules_of(ingest::enterprise_pair_rules());
    // The stored pool's index of each incoming enterprise (none: new, nothing to cross-check).
    std::vector<std::optional<uint32_t>> stored(in_.size());
    bool any = false;
    for (uint32_t i = 0; i < in_.size(); ++i)
      any |= (stored[i] = st_.pool.find(in_.uscc(i))).has_value();
    if (!any) return Status::ok_status();
    auto check = [&](const Rule& r, int year, const Column* in_part, const Column* in_whole,
                     const Column* st_part, const Column* st_whole) -> Status {
      for (uint32_t i = 0; i < in_.size() && out.size() < kMaxConflicts; ++i) {
        if (!stored[i]) continue;
        const std::optional<int64_t> ip = raw_at(in_part, i), iw = raw_at(in_whole, i);
        if (!ip && !iw) continue;  // nothing incoming for this pair
        if (ip && iw) continue;    // both from the file: the reader's rule
        const std::optional<int64_t> part = ip ? ip : raw_at(st_part, *stored[i]);
        const std::optional<int64_t> whole = iw ? iw : raw_at(st_whole, *stored[i]);
        if (!part || !whole || *part <= *whole) continue;
        if (Status s =
                report(r.part, r.whole, year, i, *stored[i], ip.has_value(), *part, *whole, out);
            !s.ok()) {
          return s;
        }
      }
      return Status::ok_status();
    };
    for (const Rule& r : statics) {
      if (Status s = check(r, 0, &in_.column(r.part->id), &in_.column(r.whole->id),
                           &st_.pool.column(r.part->id), &st_.pool.column(r.whole->id));
          !s.ok()) {
        return s;
      }
    }
    for (int y = in_.first_year(); y <= in_.last_year(); ++y) {
      for (const Rule& r : yearly) {
        const Column* ip = in_.yearly(r.part->id, y);
        const Column* iw = in_.yearly(r.whole->id, y);
        if (ip == nullptr && iw == nullptr) continue;
        if (Status s = check(r, y, ip, iw, st_.pool.yearly(r.part->id, y),
                             st_.pool.yearly(r.whole->id, y));
            !s.ok()) {
          return s;
        }
      }
    }
    return Status::ok_status();
  }

 private:
  // The batch that set the stored value of `f` (year 0: a static fact) as it is now: the oldest
  // of the latest versions that all hold it.
  Result<BatchInfo> origin(const FieldDef& f, int year, uint32_t stored) {
    const int64_t eid = st_.enterprise_ids[stored];
    std::string sql =
        "SELECT from_batch, " + std::string(f.name) + " FROM " +
        (year == 0 ? std::string("enterprise_versions WHERE enterprise_id = ?")
                   : std::string("yearly_facts WHERE enterprise_id = ? AND year = ?")) +
        " ORDER BY id DESC";
    std::vector<SqlParam> p = {eid};
    if (year != 0) p.push_back(int64_t{year});
    auto rows = c_.query(sql, p);
    if (!rows) return rows.error();
    int64_t batch = 0;
    std::optional<std::string> value;
    while ((*rows)->next()) {
      std::string v((*rows)->text(1));
      if (value && v != *value) break;
      value = std::move(v);
      batch = (*rows)->integer(0);
    }
    while ((*rows)->next()) {
    }
    if (Status s = (*rows)->status(); !s.ok()) return s;
    const SqlParam b[] = {batch};
    auto info = c_.query("SELECT id, kind, at, actor, source FROM import_batches WHERE id = ?", b);
    if (!info) return info.error();
    BatchInfo out;
    out.id = batch;
    if ((*info)->next()) {
      out.kind = (*info)->text(1);
      out.at = (*info)->text(2);
      out.actor = (*info)->text(3);
      out.source = (*info)->text(4);
    }
    while ((*info)->next()) {
    }
    if (Status s = (*info)->status(); !s.ok())
      return s;  // a read error is never taken as "no batch"
    return out;
  }

  Status report(const FieldDef* part, const FieldDef* whole, int year, uint32_t i, uint32_t stored,
                bool part_incoming, int64_t part_raw, int64_t whole_raw,
                std::vector<InputError>& out) {
    const FieldDef& blamed = part_incoming ? *part : *whole;
    const FieldDef& kept = part_incoming ? *whole : *part;
    Result<BatchInfo> from = origin(kept, year, stored);
    if (!from) return from.error();
    InputError e;
    e.file = o_.source;
    e.uscc = in_.uscc(i);
    e.column = std::string(blamed.name) + (year != 0 ? "@" + std::to_string(year) : "");
    e.value = display_value(blamed, part_incoming ? part_raw : whole_raw);
    if (o_.locate) o_.locate(i, blamed, year, e);
    const std::string kept_value = display_value(kept, part_incoming ? whole_raw : part_raw);
    const std::string years_zh = year != 0 ? " " + std::to_string(year) + " 年" : "";
    const std::string years_en = year != 0 ? " for " + std::to_string(year) : "";
    const std::string batch = std::to_string(from->id);
    const std::string src_zh =
        "批次 " + batch + (from->source.empty() ? "" : "，文件 " + from->source);
    const std::string src_en =
        "batch " + batch + (from->source.empty() ? "" : ", file " + from->source);
    if (part_incoming) {
      e.reason = Text{"大于企业库中" + years_zh + "的" + std::string(whole->zh) + " \"" +
                          kept_value + "\"（来自" + src_zh + "）：两者须一致，请核对后一并改正",
                      "is greater than the stored " + std::string(whole->en) + years_en + " \"" +
                          kept_value + "\" (from " + src_en +
                          "): they must agree; check both and correct them together"};
    } else {
      e.reason = Text{"小于企业库中" + years_zh + "的" + std::string(part->zh) + " \"" +
                          kept_value + "\"（来自" + src_zh + "）：两者须一致，请核对后一并改正",
                      "is less than the stored " + std::string(part->en) + years_en + " \"" +
                          kept_value + "\" (from " + src_en +
                          "): they must agree; check both and correct them together"};
    }
    out.push_back(std::move(e));
    return Status::ok_status();
  }

  SqlConnection& c_;
  const Pool& in_;
  const StoredState& st_;
  const ImportOptions& o_;
};

Status conflicts_status(const std::vector<InputError>& conflicts) {
  constexpr size_t kShown = 10;
  const std::string n =
      std::to_string(conflicts.size()) + (conflicts.size() >= CrossCheck::kMaxConflicts ? "+" : "");
  std::string zh = n + " 处数据与企业库中已有的数据矛盾，整个文件未导入（改正后重新导入即可）：";
  std::string en = n +
                   " fact(s) contradict the facts already stored; nothing from this file was "
                   "imported (fix them and import it again):";
  for (size_t k = 0; k < conflicts.size() && k < kShown; ++k) {
    // Without a row (no locator given) the firm is named by its code.
    const std::string firm = conflicts[k].row == 0 ? conflicts[k].uscc + "  " : "";
    zh += "\n  " + firm + format_input_error(conflicts[k], Lang::zh);
    en += "\n  " + firm + format_input_error(conflicts[k], Lang::en);
  }
  if (conflicts.size() > kShown) {
    zh += "\n  ……另有 " + std::to_string(conflicts.size() - kShown) + " 处";
    en += "\n  … and " + std::to_string(conflicts.size() - kShown) + " more";
  }
  return error(StatusCode::invalid_argument, zh, en);
}

}  // namespace

Result<ImportSummary> Store::import_pool(const Pool& incoming, const ImportOptions& o) {
  if (o.actor.empty()) {
    return invalid("导入需要操作人（--actor 或环境变量 GRADUS_ACTOR）",
                   "an import needs an actor (--actor or GRADUS_ACTOR)");
  }
  ImportSummary sum;
  if (Status s = conn_->begin_write(); !s.ok()) return s;
  auto fail = [&](Status s) -> Result<ImportSummary> {
    (void)conn_->execute("ROLLBACK");
    return s;
  };
  if (o.precondition) {
    if (Status s = o.precondition(); !s.ok()) return fail(s);
  }
  if (o.kind == "demo") {
    // Synthetic firms go only into an empty store or one that holds only demo data: never mixed
    // into a real pool, never overwriting a clerk's correction. Checked under the write lock.
    Result<std::optional<int64_t>> real =
        query_integer(*conn_, "SELECT COUNT(*) FROM import_batches WHERE kind <> 'demo'");
    if (!real) return fail(real.error());
    if (real->value_or(0) > 0) {
      Result<std::optional<int64_t>> firms =
          query_integer(*conn_, "SELECT COUNT(*) FROM enterprises");
      if (!firms) return fail(firms.error());
      const std::string n = std::to_string(firms->value_or(0));
      const std::string b = std::to_string(real->value_or(0));
      return fail(error(
          StatusCode::failed_precondition,
          "企业库 " + conn_->describe() + " 已有导入的数据（" + n + " 家企业，" + b +
              " 个非演示批次）：演示数据只写入空库或只含演示数据的库，以免混入真实企业、"
              "覆盖已改正的数据。请用另一个 --db（如 sqlite:demo.db）",
          "the store " + conn_->describe() + " holds imported data (" + n + " enterprises, " + b +
              " batch(es) that are not demo data): demo data goes only into an empty "
              "store or one holding only demo data, so that synthetic firms never mix "
              "with real ones or overwrite a correction. Use another --db (e.g. "
              "sqlite:demo.db)"));
    }
  }
  // Everything an import compares is about its own firms: a small import (an edit through the
  // server, a corrected file of a few firms) reads only those from the store, not the whole pool.
  constexpr uint32_t kNarrowImport = 2000;
  std::vector<std::string> own;
  if (incoming.size() <= kNarrowImport) {
    own.reserve(incoming.size());
    for (uint32_t i = 0; i < incoming.size(); ++i) own.push_back(incoming.uscc(i));
  }
  Result<StoredState> st =
      load_state(*conn_, std::nullopt, incoming.size() <= kNarrowImport ? &own : nullptr);
  if (!st) return fail(st.error());
  {
    std::vector<InputError> conflicts;
    CrossCheck cross(*conn_, incoming, *st, o);
    if (Status s = cross.run(conflicts); !s.ok()) return fail(s);
    if (!conflicts.empty()) {
      Status refused = conflicts_status(conflicts);
      if (o.conflicts != nullptr) {
        o.conflicts->insert(o.conflicts->end(), conflicts.begin(), conflicts.end());
      }
      return fail(refused);
    }
  }
  Importer imp(*conn_, incoming, *st, o, sum);
  Result<int> version = schema_version(*conn_);
  if (!version) return fail(version.error());
  const bool row_checks = *version >= kRowChecksSchema;
  imp.set_row_checks(row_checks);
  if (Status s = imp.plan(); !s.ok()) return fail(s);
  if (o.dry_run || imp.empty()) {
    const bool keep = !o.dry_run && o.commit_when_unchanged;
    if (Status s = conn_->execute(keep ? "COMMIT" : "ROLLBACK"); !s.ok()) return fail(s);
    return sum;
  }
  Result<std::optional<int64_t>> last = query_integer(*conn_, "SELECT MAX(id) FROM import_batches");
  if (!last) return fail(last.error());
  const int64_t batch = last->value_or(0) + 1;
  std::string at = now_timestamp();
  {
    // Batch times never go backwards, even when clocks differ between machines.
    auto rows = conn_->query("SELECT MAX(at) FROM import_batches");
    if (!rows) return fail(rows.error());
    if ((*rows)->next() && !(*rows)->is_null(0) && std::string((*rows)->text(0)) > at) {
      at = std::string((*rows)->text(0));
    }
    while ((*rows)->next()) {
    }
    if (Status s = (*rows)->status(); !s.ok()) return fail(s);
  }
  const SqlParam p[] = {
      batch, o.kind, at, o.actor, o.source, o.source_sha256, static_cast<int64_t>(o.rows_read)};
  if (Status s = conn_->run(
          "INSERT INTO import_batches (id, kind, at, actor, source, source_sha256, rows_read) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          p);
      !s.ok()) {
    return fail(s);
  }
  std::string digest;
  if (Status s = imp.write(batch, &digest); !s.ok()) return fail(s);
  const std::string detail =
      "{\"kind\":\"" + json_escape(o.kind) + "\",\"source\":\"" + json_escape(o.source) +
      "\",\"source_sha256\":\"" + o.source_sha256 +
      "\",\"rows_read\":" + std::to_string(o.rows_read) +
      ",\"enterprises_new\":" + std::to_string(sum.enterprises_new) +
      ",\"enterprises_changed\":" + std::to_string(sum.enterprises_changed) +
      ",\"static_versions\":" + std::to_string(sum.static_versions) +
      ",\"yearly_versions\":" + std::to_string(sum.yearly_versions) +
      ",\"events_added\":" + std::to_string(sum.events_added) +
      ",\"fields_changed\":" + std::to_string(sum.fields_changed) +
      (row_checks ? ",\"row_checks\":true" : "") + ",\"digest\":\"" + digest + "\"" +
      // Schema 5: the batch's record (records.h), its row in import_batches, protected by the
      // chain.
      (*version >= kRecordsSchema
           ? ",\"batch\":" + batch_record(BatchInfo{.id = batch,
                                                    .kind = o.kind,
                                                    .at = at,
                                                    .actor = o.actor,
                                                    .source = o.source,
                                                    .source_sha256 = o.source_sha256,
                                                    .rows_read = static_cast<int64_t>(o.rows_read)})
           : std::string()) +
      "}";
  if (Status s = append_audit(o.actor, o.kind, batch, detail, true); !s.ok()) return fail(s);
  if (Status s = conn_->execute("COMMIT"); !s.ok()) return fail(s);
  sum.batch_id = batch;
  return sum;
}

}  // namespace gradus::store
