// Migrations and the field ↔ column mapping of the store (see schema.h).
#include "store/schema.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <vector>

#include "core/date.h"
#include "store/records.h"

namespace gradus::store {
namespace {

// The fields that had columns when migration 1 was written. A field added to the catalogue later
// needs a new migration that adds its column (schema_test checks that none is forgotten).
constexpr std::string_view kMigration1Static[] = {"name",
                                                  "region",
                                                  "park",
                                                  "industry",
                                                  "founded",
                                                  "niche_since",
                                                  "niche_market",
                                                  "leading_product",
                                                  "leading_product_share",
                                                  "leading_product_sei",
                                                  "product_field",
                                                  "market_share_domestic",
                                                  "market_share_international",
                                                  "market_rank_domestic",
                                                  "market_rank_global",
                                                  "rd_institution",
                                                  "quality_system",
                                                  "product_cert_developed",
                                                  "own_brand",
                                                  "it_core_business",
                                                  "standards_led",
                                                  "quality_award",
                                                  "digital_level",
                                                  "listed",
                                                  "valuation_usd",
                                                  "ip_class1",
                                                  "ip_class1_self",
                                                  "ip_class1_high_value",
                                                  "ip_class2",
                                                  "ip_class1_applied",
                                                  "ip_class1_applied_own_top3",
                                                  "standards_lead",
                                                  "local_features",
                                                  "hte_innovation_score"};
constexpr std::string_view kMigration1Yearly[] = {"revenue",
                                                  "main_revenue",
                                                  "net_profit",
                                                  "total_assets",
                                                  "total_liabilities",
                                                  "rd_expense",
                                                  "rd_expense_domestic",
                                                  "total_cost",
                                                  "high_tech_revenue",
                                                  "employees",
                                                  "rd_staff",
                                                  "tech_staff",
                                                  "equity_financing",
                                                  "quality_score"};

bool stored_as_text(FieldKind k) {
  return k == FieldKind::text || k == FieldKind::enumeration || k == FieldKind::enum_set ||
         k == FieldKind::date || k == FieldKind::region || k == FieldKind::industry;
}

std::string column_list(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    const FieldDef* f = find_field(n);
    out += ",\n  " + std::string(n) + (stored_as_text(f->kind) ? " TEXT" : " BIGINT");
  }
  return out;
}

// Append-only: UPDATE and DELETE on audit_log are refused by the database itself. (Whoever can
// drop the trigger can still edit the table; `gradus audit verify` detects that.)
std::string append_only_trigger(SqlDialect d) {
  if (d == SqlDialect::sqlite) {
    return R"(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)";
  }
  return R"(
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
)";
}

std::string migration_1(SqlDialect d) {
  const std::string versioned =
      "  from_batch BIGINT NOT NULL REFERENCES import_batches(id),\n"
      "  to_batch BIGINT REFERENCES import_batches(id)";
  std::string sql = R"(
CREATE TABLE import_batches (
  id BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  source TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  rows_read BIGINT NOT NULL
);
CREATE TABLE enterprises (
  id BIGINT PRIMARY KEY,
  uscc TEXT NOT NULL UNIQUE,
  first_batch BIGINT NOT NULL REFERENCES import_batches(id)
);
CREATE TABLE enterprise_versions (
  id BIGINT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
)" + versioned + column_list(kMigration1Static) +
                    R"(
);
CREATE INDEX enterprise_versions_by_enterprise ON enterprise_versions (enterprise_id);
CREATE TABLE yearly_facts (
  id BIGINT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  year BIGINT NOT NULL,
)" + versioned + column_list(kMigration1Yearly) +
                    R"(
);
CREATE INDEX yearly_facts_by_enterprise ON yearly_facts (enterprise_id, year);
CREATE TABLE titles (
  id BIGINT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
)" + versioned + R"(,
  tier TEXT NOT NULL,
  since TEXT NOT NULL,
  valid_to TEXT,
  status TEXT NOT NULL,
  level TEXT NOT NULL,
  batch TEXT NOT NULL
);
CREATE TABLE incidents (
  id BIGINT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
)" + versioned + R"(,
  kind TEXT NOT NULL,
  occurred TEXT NOT NULL,
  until_date TEXT
);
CREATE TABLE awards (
  id BIGINT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
)" + versioned + R"(,
  level TEXT NOT NULL,
  award_rank BIGINT,
  awarded TEXT NOT NULL,
  name TEXT NOT NULL
);
CREATE TABLE honours (
  id BIGINT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
)" + versioned + R"(,
  kind TEXT NOT NULL,
  valid_from TEXT,
  valid_to TEXT
);
CREATE TABLE maker_china (
  id BIGINT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
)" + versioned + R"(,
  list TEXT NOT NULL,
  year BIGINT NOT NULL
);
CREATE TABLE ip_items (
  id BIGINT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
)" + versioned + R"(,
  kind TEXT NOT NULL,
  number TEXT NOT NULL,
  granted TEXT,
  acquired TEXT,
  self_developed BIGINT,
  leading_product BIGINT,
  applied BIGINT,
  rank_among_holders BIGINT,
  high_value TEXT NOT NULL
);
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  batch_id BIGINT,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE assessment_runs (
  id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  as_of TEXT NOT NULL,
  mode TEXT NOT NULL,
  known_batch BIGINT NOT NULL,
  policies TEXT NOT NULL
);
CREATE TABLE assessment_outcomes (
  run_id BIGINT NOT NULL REFERENCES assessment_runs(id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  policy TEXT NOT NULL,
  version TEXT NOT NULL,
  outcome TEXT NOT NULL,
  score TEXT,
  result TEXT,
  PRIMARY KEY (run_id, enterprise_id, policy)
);
)";
  for (std::string_view t :
       {"titles", "incidents", "awards", "honours", "maker_china", "ip_items"}) {
    sql += "CREATE INDEX " + std::string(t) + "_by_enterprise ON " + std::string(t) +
           " (enterprise_id);\n";
  }
  return sql + append_only_trigger(d);
}

// Migration 2, SQLite only: every table keyed by `id BIGINT PRIMARY KEY` is rebuilt with
// `id INTEGER PRIMARY KEY`, which SQLite stores as the row's own key (the rowid) instead of in a
// separate unique index. Each insert then writes one B-tree less and a foreign key check looks
// the parent up by rowid: importing 1M enterprise-years takes about 40 % less time and the file
// is 14 % smaller (bench/README.md). The definitions are migration 1's own text, so that the
// rebuilt tables differ in nothing else; their indexes are created again. PostgreSQL keeps its
// BIGINT keys (nothing to do). Runs with foreign keys off (see Migration::foreign_keys_off) and
// checks them all before committing.
constexpr std::string_view kRowidTables[] = {
    "import_batches", "enterprises",    "enterprise_versions",
    "yearly_facts",   "titles",         "incidents",
    "awards",         "honours",        "maker_china",
    "ip_items",       "assessment_runs"};

std::string migration_2(SqlDialect d) {
  if (d != SqlDialect::sqlite) return {};
  const std::string v1 = migration_1(d);
  std::string sql;
  for (std::string_view table : kRowidTables) {
    const std::string t(table);
    const size_t start = v1.find("CREATE TABLE " + t + " (");
    const size_t end = v1.find("\n);", start);
    std::string create = v1.substr(start, end + 3 - start);
    create.replace(0, ("CREATE TABLE " + t).size(), "CREATE TABLE " + t + "_rowid");
    const size_t key = create.find("  id BIGINT PRIMARY KEY,");
    create.replace(key, std::string_view("  id BIGINT").size(), "  id INTEGER");
    sql += create + "\nINSERT INTO " + t + "_rowid SELECT * FROM " + t + ";\nDROP TABLE " + t +
           ";\nALTER TABLE " + t + "_rowid RENAME TO " + t + ";\n";
    // The table's indexes (dropped with it).
    for (size_t at = v1.find("CREATE INDEX "); at != std::string::npos;
         at = v1.find("CREATE INDEX ", at + 1)) {
      const std::string line = v1.substr(at, v1.find(";", at) + 1 - at);
      if (line.find(" ON " + t + " (") != std::string::npos) sql += line + "\n";
    }
  }
  return sql;
}

// Migration 3, both dialects: a row check string on every row an import writes (rows written
// before it have none: audit verify then names only their batch); runs saved from now on keep
// one row per firm (assessment_results: every policy's outcome, score, result and the numbers
// of the criteria not met / unknown, see store.md) instead of one row per firm and policy —
// saving a 100k-firm run writes 100k rows instead of 600k — with the criteria's ids numbered
// per run in assessment_criteria. Runs saved before stay in assessment_outcomes and are read
// from there.
std::string migration_3(SqlDialect d) {
  std::string sql;
  for (std::string_view t : {"enterprises", "enterprise_versions", "yearly_facts", "titles",
                             "incidents", "awards", "honours", "maker_china", "ip_items"}) {
    sql += "ALTER TABLE " + std::string(t) + " ADD COLUMN checks TEXT;\n";
  }
  sql += R"(
CREATE TABLE assessment_criteria (
  run_id BIGINT NOT NULL REFERENCES assessment_runs(id),
  policy TEXT NOT NULL,
  version TEXT NOT NULL,
  number BIGINT NOT NULL,
  criterion TEXT NOT NULL,
  PRIMARY KEY (run_id, policy, version, number)
);
CREATE TABLE assessment_results (
  run_id BIGINT NOT NULL REFERENCES assessment_runs(id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  outcomes TEXT NOT NULL,
  PRIMARY KEY (run_id, enterprise_id)
))";
  // SQLite: one B-tree per row (keyed by the primary key) instead of the table and its key's index.
  sql += d == SqlDialect::sqlite ? " WITHOUT ROWID;\n" : ";\n";
  return sql;
}

// Migration 4, both dialects: the accounts of the server (src/auth): users with their role and
// scope, login sessions and API tokens (only SHA-256 hashes of their secrets are stored), and the
// responses kept for Idempotency-Key requests. Lists (regions, parks) are joined with ';'; times
// are ISO UTC text as now_timestamp() writes them, so that they compare as strings.
std::string migration_4(SqlDialect) {
  return R"(
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  regions TEXT NOT NULL,
  parks TEXT NOT NULL,
  level TEXT NOT NULL,
  uscc TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled BIGINT NOT NULL,
  failed_logins BIGINT NOT NULL,
  locked_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users(name),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_name);
CREATE TABLE api_tokens (
  id BIGINT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_name TEXT NOT NULL REFERENCES users(name),
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked BIGINT NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_name, label);
CREATE TABLE idempotency_keys (
  user_name TEXT NOT NULL,
  request_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_name, request_key)
);
)";
}

// Migration 5, both dialects, no change of tables: the audit chain covers the records of batches
// (import_batches: kind, time, actor, file name, SHA-256, rows read) and of assessment runs (their
// row and a digest of their outcomes and criteria), see records.h. New batches and runs carry
// their record in their own entry; those already in the store are recorded by one entry of the
// migration ("trusted at migration": what they held then is taken as written).
std::string migration_5(SqlDialect) { return {}; }

// Migration 6, both dialects: the accreditation workflow (src/workflow/applications.*):
// applications with their frozen assessment (written once), the actions taken on them (append-
// only; each also an entry of the audit chain; the state is the replay of the actions) and their
// evidence files (base64 text, with size and SHA-256 of the bytes).
std::string migration_6(SqlDialect) {
  return R"(
CREATE TABLE applications (
  id BIGINT PRIMARY KEY,
  uscc TEXT NOT NULL,
  policy TEXT NOT NULL,
  version TEXT NOT NULL,
  mode TEXT NOT NULL,
  year BIGINT NOT NULL,
  workflow TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  frozen TEXT NOT NULL
);
CREATE INDEX applications_by_firm ON applications (uscc, policy, year);
CREATE TABLE application_actions (
  application_id BIGINT NOT NULL REFERENCES applications(id),
  seq BIGINT NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_level TEXT NOT NULL,
  at TEXT NOT NULL,
  reason TEXT NOT NULL,
  state_after TEXT NOT NULL,
  level_after BIGINT NOT NULL,
  PRIMARY KEY (application_id, seq)
);
CREATE TABLE application_evidence (
  application_id BIGINT NOT NULL REFERENCES applications(id),
  seq BIGINT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  data TEXT NOT NULL,
  added_at TEXT NOT NULL,
  added_by TEXT NOT NULL,
  PRIMARY KEY (application_id, seq)
);
)";
}

// Migration 7, both dialects: public notices (公示) of approved applications — the batch, its
// period in working days, the objections taken and how each was resolved. Rows are written once
// except `closed_at` / `closed_by` (set when the notice ends with its grants) and an objection's
// resolution; each change is also an entry of the audit chain.
std::string migration_7(SqlDialect) {
  return R"(
CREATE TABLE notices (
  id BIGINT PRIMARY KEY,
  policy TEXT NOT NULL,
  title TEXT NOT NULL,
  document_no TEXT NOT NULL,
  published_on TEXT NOT NULL,
  working_days BIGINT NOT NULL,
  ends_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT
);
CREATE TABLE notice_items (
  notice_id BIGINT NOT NULL REFERENCES notices(id),
  application_id BIGINT NOT NULL REFERENCES applications(id),
  PRIMARY KEY (notice_id, application_id)
);
CREATE TABLE notice_objections (
  notice_id BIGINT NOT NULL REFERENCES notices(id),
  seq BIGINT NOT NULL,
  application_id BIGINT NOT NULL REFERENCES applications(id),
  objector TEXT NOT NULL,
  contact TEXT NOT NULL,
  text TEXT NOT NULL,
  filed_at TEXT NOT NULL,
  filed_by TEXT NOT NULL,
  resolution TEXT,
  resolution_reason TEXT,
  resolved_at TEXT,
  resolved_by TEXT,
  PRIMARY KEY (notice_id, seq)
);
)";
}

struct Migration {
  int version;
  std::string_view name;
  std::string (*sql)(SqlDialect);  // empty: nothing to do in this dialect
  // SQLite only: run with foreign key enforcement off (tables are rebuilt and renamed), then
  // check every foreign key before committing.
  bool foreign_keys_off = false;
  // Runs after the SQL, in the same transaction (data the SQL cannot compute).
  Status (*after)(SqlConnection&) = nullptr;
};

constexpr Migration kMigrations[] = {
    {1, "pool, versioned facts, events, import batches, audit log, assessment runs", migration_1},
    {2, "SQLite: integer primary keys are the rowid", migration_2, true},
    {3, "row check strings; runs kept one row per firm, with the criteria not met / unknown",
     migration_3},
    {4, "accounts: users, sessions, API tokens, idempotency keys", migration_4},
    {5, "audit chain covers batch records and assessment runs (existing ones trusted at migration)",
     migration_5, false, record_trusted_at_migration},
    {6, "accreditation workflow: applications, their actions and evidence", migration_6},
    {7, "accreditation workflow: public notices and objections", migration_7},
};

// SQLite cannot switch foreign key enforcement inside a transaction: it is switched off before
// the migration's transaction and back on after it, whatever happens.
class ForeignKeysOff {
 public:
  ForeignKeysOff(SqlConnection& c, bool wanted)
      : c_(c), active_(wanted && c.dialect() == SqlDialect::sqlite) {}
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
  Status begin() { return active_ ? c_.execute("PRAGMA foreign_keys=OFF") : Status::ok_status(); }
  // Fails naming the first row whose foreign key has no parent.
  Status check() {
    if (!active_) return Status::ok_status();
    auto rows = c_.query("PRAGMA foreign_key_check");
    if (!rows) return rows.error();
    if ((*rows)->next()) {
      const std::string where = std::string((*rows)->text(0)) + " rowid " +
                                std::to_string((*rows)->integer(1)) + " → " +
                                std::string((*rows)->text(2));
      while ((*rows)->next()) {
      }
      return error(StatusCode::failed_precondition, "外键不一致：" + where,
                   "a foreign key has no parent: " + where);
    }
    return (*rows)->status();
  }
  ~ForeignKeysOff() {
    if (active_) (void)c_.execute("PRAGMA foreign_keys=ON");
  }

 private:
  SqlConnection& c_;
  bool active_;
};

std::vector<FactColumn> columns_of(FieldScope scope) {
  std::vector<FactColumn> out;
  for (const FieldDef& f : all_fields()) {
    if (f.scope != scope || f.name == "uscc") continue;
    out.push_back({&f, stored_as_text(f.kind)});
  }
  return out;
}

}  // namespace

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> schema_version(SqlConnection& c) {
  Status made = c.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at TEXT NOT NULL)");
  if (!made.ok()) return made;
  Result<std::optional<int64_t>> v = query_integer(c, "SELECT MAX(version) FROM schema_migrations");
  if (!v) return v.error();
  return static_cast<int>(v->value_or(0));
}

Status migrate(SqlConnection& c, int* applied, std::optional<int> up_to) {
  if (applied != nullptr) *applied = 0;
  Result<int> current = schema_version(c);
  if (!current) return current.error();
  if (*current > latest_schema_version()) {
    return error(StatusCode::failed_precondition,
                 "数据库结构版本为 " + std::to_string(*current) + "，比本程序支持的 " +
                     std::to_string(latest_schema_version()) + " 新：请升级 gradus",
                 "the database's schema version is " + std::to_string(*current) +
                     ", newer than this build's " + std::to_string(latest_schema_version()) +
                     ": upgrade gradus");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= *current) continue;
    if (up_to && m.version > *up_to) break;
    ForeignKeysOff fk_off(c, m.foreign_keys_off);
    if (Status s = fk_off.begin(); !s.ok()) return s;
    if (Status s = c.begin_write(); !s.ok()) return s;
    // Another process may have migrated while we waited for the lock.
    Result<std::optional<int64_t>> again =
        query_integer(c, "SELECT MAX(version) FROM schema_migrations");
    if (!again) {
      (void)c.execute("ROLLBACK");
      return again.error();
    }
    if (again->value_or(0) >= m.version) {
      if (Status s = c.execute("COMMIT"); !s.ok()) return s;
      continue;
    }
    const std::string sql = m.sql(c.dialect());
    Status s = sql.empty() ? Status::ok_status() : c.execute(sql);
    if (s.ok() && m.after != nullptr) s = m.after(c);
    if (s.ok()) s = fk_off.check();
    if (s.ok()) {
      const SqlParam params[] = {int64_t{m.version}, std::string(m.name), now_timestamp()};
      s = c.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                params);
    }
    if (!s.ok()) {
      (void)c.execute("ROLLBACK");
      return error(s.code, "数据库迁移 " + std::to_string(m.version) + " 失败：" + s.message.zh,
                   "migration " + std::to_string(m.version) + " failed: " + s.message.en);
    }
    if (Status commit = c.execute("COMMIT"); !commit.ok()) return commit;
    if (applied != nullptr) ++*applied;
  }
  return Status::ok_status();
}

std::span<const FactColumn> static_fact_columns() {
  static const std::vector<FactColumn> cols = columns_of(FieldScope::enterprise);
  return cols;
}

std::span<const FactColumn> yearly_fact_columns() {
  static const std::vector<FactColumn> cols = columns_of(FieldScope::yearly);
  return cols;
}

std::string encode_text_value(const FieldDef& f, int64_t raw) {
  switch (f.kind) {
    case FieldKind::enumeration:
      return raw >= 0 && static_cast<size_t>(raw) < f.values.size()
                 ? std::string(f.values[static_cast<size_t>(raw)].id)
                 : std::string();
    case FieldKind::enum_set: {
      std::string out;
      for (size_t i = 0; i < f.values.size(); ++i) {
        if ((raw >> i & 1) == 0) continue;
        if (!out.empty()) out += ';';
        out += f.values[i].id;
      }
      return out;
    }
    case FieldKind::date:
      return Date::from_days(static_cast<int32_t>(raw)).to_string();
    case FieldKind::region: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(raw));
      return buf;
    }
    case FieldKind::industry: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(raw));
      return buf;
    }
    default:
      return std::to_string(raw);
  }
}

std::optional<int64_t> decode_text_value(const FieldDef& f, std::string_view text) {
  switch (f.kind) {
    case FieldKind::enumeration: {
      const int i = f.enum_index(text);
      if (i < 0) return std::nullopt;
      return i;
    }
    case FieldKind::enum_set: {
      int64_t mask = 0;
      size_t start = 0;
      while (start <= text.size()) {
        size_t end = text.find(';', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view id = text.substr(start, end - start);
        if (!id.empty()) {
          const int i = f.enum_index(id);
          if (i < 0) return std::nullopt;
          mask |= int64_t{1} << i;
        }
        start = end + 1;
      }
      return mask;
    }
    case FieldKind::date: {
      Result<Date> d = Date::parse(text);
      if (!d) return std::nullopt;
      return d->days();
    }
    default: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
      return v;
    }
  }
}

std::string now_timestamp() {
  static std::mutex mutex;
  static int64_t last = 0;
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (us <= last) us = last + 1;
    last = us;
  }
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us % 1000000));
  return buf;
}

}  // namespace gradus::store
