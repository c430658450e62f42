// The store: opening, loading the pool (now or as known after a batch), importing (merge, diff,
// versioned writes in one transaction), batches and history. The audit chain and assessment runs
// are in audit.cpp and runs.cpp.
#include "store/store.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "core/date.h"
#include "core/decimal.h"
#include "store/schema.h"
#include "store/state.h"
#include "store/tables.h"

namespace gradus::store {

std::string database_url(std::string_view flag) {
  if (!flag.empty()) return std::string(flag);
  if (const char* env = std::getenv("GRADUS_DB"); env != nullptr && *env != '\0') return env;
  return "sqlite:gradus.db";
}

namespace {

// Whether the database holds the gradus schema (its migrations table), without creating anything.
Result<bool> has_gradus_schema(SqlConnection& c) {
  const char* sql = c.dialect() == SqlDialect::sqlite
                        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                          "'schema_migrations'"
                        : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                          "current_schema() AND table_name = 'schema_migrations'";
  Result<std::optional<int64_t>> n = query_integer(c, sql);
  if (!n) return n.error();
  return n->value_or(0) > 0;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(std::string_view url, const OpenOptions& options) {
  const std::string u(url);
  const std::optional<std::string> file = sqlite_file_of(url);
  if (!options.create && file && !file->empty()) {
    std::error_code ec;
    const std::filesystem::path abs = std::filesystem::absolute(*file, ec);
    const std::string where = ec ? *file : abs.string();
    if (!std::filesystem::exists(*file, ec)) {
      return error(StatusCode::not_found,
                   "企业库 " + u + " 不存在（路径 " + where + "）：先运行 gradus init --db " + u +
                       " 创建它；若已有企业库，请检查 --db 或 GRADUS_DB 是否写错",
                   "the store " + u + " does not exist (path " + where +
                       "): create it first with gradus init --db " + u +
                       ", or check --db / GRADUS_DB for a typo if you have one");
    }
  }
  Result<std::unique_ptr<SqlConnection>> c = open_sql(url);
  if (!c) return c.error();
  if (!options.create) {
    Result<bool> has = has_gradus_schema(**c);
    if (!has) return has.error();
    if (!*has) {
      const std::string where = (*c)->describe();
      // A PostgreSQL URL may hold a password: the message names the database by describe().
      const std::string name = file ? u : where;
      return error(StatusCode::not_found,
                   "企业库 " + name + " 不存在：数据库 " + where +
                       " 中没有 gradus 的表。先运行 gradus init --db（同一地址）创建企业库；"
                       "若已有企业库，请检查 --db 或 GRADUS_DB 是否写错",
                   "the store " + name + " does not exist: the database " + where +
                       " holds no gradus tables. Create it first with gradus init --db (the same "
                       "address), or check --db / GRADUS_DB for a typo if you have one");
    }
  }
  if (Status s = migrate(**c); !s.ok()) return s;
  return std::make_unique<Store>(std::move(*c));
}

namespace {

constexpr std::string_view kVisible = " from_batch <= ? AND (to_batch IS NULL OR to_batch > ?)";

std::optional<Date> parse_date(const SqlRows& r, int col) {
  if (r.is_null(col)) return std::nullopt;
  Result<Date> d = Date::parse(r.text(col));
  if (!d) return std::nullopt;
  return *d;
}

Status corrupt(std::string_view table, int64_t id, std::string_view what) {
  return error(StatusCode::io_error,
               std::string(table) + " 第 " + std::to_string(id) + " 行的数据无法识别（" +
                   std::string(what) + "）：数据库被改动过？",
               "row " + std::to_string(id) + " of " + std::string(table) + " holds an unreadable " +
                   std::string(what) + ": was the database edited by hand?");
}

std::string select_columns(const TableLayout& t, size_t skip) {
  std::string out;
  for (size_t i = skip; i < t.columns.size(); ++i) {
    if (!out.empty()) out += ", ";
    out += t.columns[i].name;
  }
  return out;
}

}  // namespace

Result<StoredState> load_state(SqlConnection& c, std::optional<int64_t> known_batch,
                               const std::vector<std::string>* only) {
  StoredState st;
  const int64_t b = known_batch.value_or(INT64_MAX);
  const SqlParam vis[] = {b, b};
  PoolBuilder builder;
  std::vector<uint32_t> index_of_id;  // enterprise id → builder index (+1; 0 = not loaded)
  // With `only`: the enterprises' ids, as an SQL list every table's query is narrowed to (ids
  // are integers read from the database, so they are written into the text).
  std::string narrow;
  {
    std::vector<SqlParam> p = {b};
    std::string sql = "SELECT id, uscc FROM enterprises WHERE first_batch <= ?";
    if (only) {
      sql += " AND uscc IN (";
      for (size_t k = 0; k < only->size(); ++k) {
        sql += k ? ", ?" : "?";
        p.emplace_back((*only)[k]);
      }
      if (only->empty()) sql += "NULL";
      sql += ")";
    }
    auto rows = c.query(sql + " ORDER BY id", p);
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    while (r.next()) {
      const int64_t id = r.integer(0);
      const uint32_t e = builder.enterprise(r.text(1));
      if (static_cast<size_t>(id) >= index_of_id.size()) index_of_id.resize(static_cast<size_t>(id) * 2 + 16, 0);
      index_of_id[static_cast<size_t>(id)] = e + 1;
      st.enterprise_ids.push_back(id);
    }
    if (Status s = r.status(); !s.ok()) return s;
    if (only) {
      narrow = " AND enterprise_id IN (";
      for (size_t k = 0; k < st.enterprise_ids.size(); ++k)
        narrow += (k ? ", " : "") + std::to_string(st.enterprise_ids[k]);
      if (st.enterprise_ids.empty()) narrow += "NULL";
      narrow += ")";
    }
  }
  auto pool_index = [&](int64_t id) -> std::optional<uint32_t> {
    if (id < 0 || static_cast<size_t>(id) >= index_of_id.size() || index_of_id[static_cast<size_t>(id)] == 0) {
      return std::nullopt;
    }
    return index_of_id[static_cast<size_t>(id)] - 1;
  };
  st.static_version_ids.assign(st.enterprise_ids.size(), 0);
  {
    const TableLayout& t = table_layout("enterprise_versions");
    auto rows = c.query("SELECT id, enterprise_id, " + select_columns(t, 3) +
                            " FROM enterprise_versions WHERE" + std::string(kVisible) + narrow,
                        vis);
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    const auto cols = static_fact_columns();
    while (r.next()) {
      std::optional<uint32_t> e = pool_index(r.integer(1));
      if (!e) continue;
      st.static_version_ids[*e] = r.integer(0);
      for (size_t k = 0; k < cols.size(); ++k) {
        const int col = static_cast<int>(k + 2);
        if (r.is_null(col)) continue;
        const FieldDef& f = *cols[k].field;
        if (f.kind == FieldKind::text) {
          builder.set_text(*e, f.id, std::string(r.text(col)));
        } else if (cols[k].is_text) {
          std::optional<int64_t> raw = decode_text_value(f, r.text(col));
          if (!raw) return corrupt("enterprise_versions", r.integer(0), f.name);
          builder.set(*e, f.id, *raw);
        } else {
          builder.set(*e, f.id, r.integer(col));
        }
      }
    }
    if (Status s = r.status(); !s.ok()) return s;
  }
  {
    const TableLayout& t = table_layout("yearly_facts");
    auto rows = c.query("SELECT id, enterprise_id, " + select_columns(t, 3) +
                            " FROM yearly_facts WHERE" + std::string(kVisible) + narrow,
                        vis);
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    const auto cols = yearly_fact_columns();
    while (r.next()) {
      std::optional<uint32_t> e = pool_index(r.integer(1));
      if (!e) continue;
      const int year = static_cast<int>(r.integer(2));
      st.yearly_version_ids[yearly_key(*e, year)] = r.integer(0);
      for (size_t k = 0; k < cols.size(); ++k) {
        const int col = static_cast<int>(k + 3);
        if (r.is_null(col)) continue;
        builder.set_yearly(*e, cols[k].field->id, year, r.integer(col));
      }
    }
    if (Status s = r.status(); !s.ok()) return s;
  }
  // Events, in (enterprise, id) order so that the pool's lists line up with the id vectors.
  auto events = [&](std::string_view table, std::vector<int64_t>& ids,
                    auto&& add) -> Status {
    const TableLayout& t = table_layout(table);
    auto rows = c.query("SELECT id, enterprise_id, " + select_columns(t, 3) + " FROM " +
                            std::string(table) + " WHERE" + std::string(kVisible) + narrow +
                            " ORDER BY enterprise_id, id",
                        vis);
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    while (r.next()) {
      std::optional<uint32_t> e = pool_index(r.integer(1));
      if (!e) continue;
      if (!add(*e, r)) return corrupt(table, r.integer(0), "record");
      ids.push_back(r.integer(0));
    }
    return r.status();
  };
  Status s = events("titles", st.title_ids, [&](uint32_t e, const SqlRows& r) {
    TitleRecord t;
    t.tier = std::string(r.text(2));
    std::optional<Date> since = parse_date(r, 3);
    if (!since) return false;
    t.since = *since;
    t.valid_to = parse_date(r, 4);
    const int status = enum_index(title_statuses(), r.text(5));
    if (status < 0) return false;
    t.status = static_cast<uint8_t>(status);
    t.level = std::string(r.text(6));
    t.batch = std::string(r.text(7));
    builder.add_title(e, std::move(t));
    return true;
  });
  if (!s.ok()) return s;
  s = events("incidents", st.incident_ids, [&](uint32_t e, const SqlRows& r) {
    IncidentRecord i;
    const int kind = enum_index(incident_kinds(), r.text(2));
    std::optional<Date> d = parse_date(r, 3);
    if (kind < 0 || !d) return false;
    i.kind = static_cast<uint8_t>(kind);
    i.date = *d;
    i.until = parse_date(r, 4);
    builder.add_incident(e, i);
    return true;
  });
  if (!s.ok()) return s;
  s = events("awards", st.award_ids, [&](uint32_t e, const SqlRows& r) {
    AwardRecord a;
    const int level = enum_index(award_levels(), r.text(2));
    std::optional<Date> d = parse_date(r, 4);
    if (level < 0 || !d) return false;
    a.level = static_cast<uint8_t>(level);
    if (!r.is_null(3)) a.rank = static_cast<int>(r.integer(3));
    a.date = *d;
    a.name = std::string(r.text(5));
    builder.add_award(e, std::move(a));
    return true;
  });
  if (!s.ok()) return s;
  s = events("honours", st.honour_ids, [&](uint32_t e, const SqlRows& r) {
    HonourRecord h;
    const int kind = enum_index(honour_kinds(), r.text(2));
    if (kind < 0) return false;
    h.kind = static_cast<uint8_t>(kind);
    h.valid_from = parse_date(r, 3);
    h.valid_to = parse_date(r, 4);
    builder.add_honour(e, h);
    return true;
  });
  if (!s.ok()) return s;
  s = events("maker_china", st.maker_ids, [&](uint32_t e, const SqlRows& r) {
    MakerChinaRecord m;
    const int list = enum_index(maker_china_lists(), r.text(2));
    if (list < 0) return false;
    m.list = static_cast<uint8_t>(list);
    m.year = static_cast<int>(r.integer(3));
    builder.add_maker_china(e, m);
    return true;
  });
  if (!s.ok()) return s;
  s = events("ip_items", st.ip_ids, [&](uint32_t e, const SqlRows& r) {
    IpItem ip;
    const int kind = enum_index(ip_kinds(), r.text(2));
    if (kind < 0) return false;
    ip.kind = static_cast<uint8_t>(kind);
    ip.number = std::string(r.text(3));
    ip.granted = parse_date(r, 4);
    ip.acquired = parse_date(r, 5);
    auto flag = [&](int col) -> std::optional<bool> {
      if (r.is_null(col)) return std::nullopt;
      return r.integer(col) != 0;
    };
    ip.self_developed = flag(6);
    ip.leading_product = flag(7);
    ip.applied = flag(8);
    if (!r.is_null(9)) ip.rank_among_holders = static_cast<int>(r.integer(9));
    std::string_view hv = r.text(10);
    size_t start = 0;
    while (start < hv.size()) {
      size_t end = hv.find(';', start);
      if (end == std::string_view::npos) end = hv.size();
      const int k = enum_index(ip_high_value_kinds(), hv.substr(start, end - start));
      if (k < 0) return false;
      ip.high_value |= 1u << k;
      start = end + 1;
    }
    builder.add_ip_item(e, std::move(ip));
    return true;
  });
  if (!s.ok()) return s;
  st.pool = std::move(builder).finish();
  return st;
}

Result<Pool> Store::load_pool(const LoadOptions& options) {
  Result<StoredState> st =
      load_state(*conn_, options.known_batch, options.only ? &*options.only : nullptr);
  if (!st) return st.error();
  return std::move(st->pool);
}

Result<std::vector<int64_t>> Store::row_marks() {
  std::vector<int64_t> marks;
  Result<std::optional<int64_t>> e = query_integer(*conn_, "SELECT MAX(id) FROM enterprises");
  if (!e) return e.error();
  marks.push_back(e->value_or(0));
  for (const TableLayout& t : written_tables()) {
    if (!t.versioned) continue;
    Result<std::optional<int64_t>> m = query_integer(*conn_, "SELECT MAX(id) FROM " + t.name);
    if (!m) return m.error();
    marks.push_back(m->value_or(0));
  }
  return marks;
}

Result<std::vector<std::string>> Store::enterprises_written_since(const std::vector<int64_t>& marks) {
  // Every write adds rows (a replaced fact or event gets a new row; the old one is only marked
  // retired), and row ids only grow: the firms with a row above a mark are the firms written since.
  std::string sql = "SELECT uscc FROM enterprises WHERE id > ?";
  std::vector<SqlParam> p = {marks.empty() ? int64_t{0} : marks[0]};
  size_t k = 1;
  for (const TableLayout& t : written_tables()) {
    if (!t.versioned) continue;
    sql += " UNION SELECT e.uscc FROM " + t.name + " x JOIN enterprises e ON e.id = x.enterprise_id WHERE x.id > ?";
    p.emplace_back(k < marks.size() ? marks[k] : int64_t{0});
    ++k;
  }
  auto rows = conn_->query(sql, p);
  if (!rows) return rows.error();
  std::vector<std::string> out;
  while ((*rows)->next()) out.emplace_back((*rows)->text(0));
  if (Status s = (*rows)->status(); !s.ok()) return s;
  return out;
}

Result<std::optional<int64_t>> Store::batch_at(std::string_view timestamp) {
  std::string t(timestamp);
  if (t.size() == 10) {
    // A date is the end of that day in China (UTC+8) = 16:00 UTC.
    Result<Date> d = Date::parse(t);
    if (!d) return d.error();
    t = d->to_string() + "T15:59:59.999999Z";
  } else if (t.size() < 10 || t[10] != 'T' || t.back() != 'Z') {
    return invalid("时间应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SSZ（UTC）：" + t,
                   "a time must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC): " + t);
  }
  const SqlParam p[] = {t};
  return query_integer(*conn_, "SELECT MAX(id) FROM import_batches WHERE at <= ?", p);
}

namespace {

BatchInfo read_batch(const SqlRows& r, int first) {
  BatchInfo b;
  b.id = r.integer(first);
  b.kind = r.text(first + 1);
  b.at = r.text(first + 2);
  b.actor = r.text(first + 3);
  b.source = r.text(first + 4);
  b.source_sha256 = r.text(first + 5);
  b.rows_read = r.integer(first + 6);
  return b;
}

constexpr std::string_view kBatchColumns = "id, kind, at, actor, source, source_sha256, rows_read";

}  // namespace

Result<std::vector<BatchInfo>> Store::batches() {
  auto rows = conn_->query("SELECT " + std::string(kBatchColumns) + " FROM import_batches ORDER BY id");
  if (!rows) return rows.error();
  std::vector<BatchInfo> out;
  while ((*rows)->next()) out.push_back(read_batch(**rows, 0));
  if (Status s = (*rows)->status(); !s.ok()) return s;
  return out;
}

}  // namespace gradus::store
