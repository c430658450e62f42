// Store tests, run against both backends: SQLite always; PostgreSQL when GRADUS_TEST_PG names a
// server (scripts/test.sh starts a throwaway one). With GRADUS_REQUIRE_PG=1 a missing server fails
// the PostgreSQL tests instead of skipping them.
#include "store/store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/decimal.h"
#include "demo/generate.h"
#include "ingest/ingest.h"
#include "store/schema.h"
#include "store/sql.h"
#include "store/state.h"

namespace gradus::store {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sample_csv() { return read_text(std::string(GRADUS_SOURCE_DIR) + "/samples/pool.csv"); }

Pool pool_from_csv(const std::string& text) {
  IngestReport report;
  Result<Pool> p = load_pool_text(text, InputFormat::csv, "test.csv", report);
  EXPECT_TRUE(p.ok());
  EXPECT_TRUE(report.ok()) << (report.errors.empty()
                                   ? ""
                                   : format_input_error(report.errors[0], Lang::en));
  return std::move(*p);
}

// Everything the pool knows about one enterprise, as text, for comparisons.
std::string describe(const Pool& p, uint32_t e) {
  std::string out = p.uscc(e) + "\n";
  for (const FieldDef& f : all_fields()) {
    if (f.name == "uscc") continue;
    if (f.scope == FieldScope::enterprise) {
      if (f.kind == FieldKind::text) {
        out += std::string(f.name) + "=" + p.text(f.id, e) + "\n";
      } else if (p.column(f.id).present.size() > e && p.column(f.id).present[e]) {
        out += std::string(f.name) + "=" + display_value(f, p.column(f.id).values[e]) + "\n";
      }
      continue;
    }
    for (int y = p.first_year(); y <= p.last_year(); ++y) {
      const Column* c = p.yearly(f.id, y);
      if (c != nullptr && c->present[e]) {
        out += std::string(f.name) + "@" + std::to_string(y) + "=" +
               display_value(f, c->values[e]) + "\n";
      }
    }
  }
  for (const TitleRecord& t : p.titles().of(e)) {
    out += "title " + t.tier + " " + t.since.to_string() + " " +
           (t.valid_to ? t.valid_to->to_string() : "-") + " " + std::to_string(t.status) + " " +
           t.level + " " + t.batch + "\n";
  }
  for (const IncidentRecord& i : p.incidents().of(e)) {
    out += "incident " + std::to_string(i.kind) + " " + i.date.to_string() + "\n";
  }
  for (const AwardRecord& a : p.awards().of(e)) {
    out += "award " + std::to_string(a.level) + " " + a.date.to_string() + " " + a.name + " " +
           (a.rank ? std::to_string(*a.rank) : "-") + "\n";
  }
  for (const HonourRecord& h : p.honours().of(e)) {
    out += "honour " + std::to_string(h.kind) + " " + (h.valid_to ? h.valid_to->to_string() : "-") +
           "\n";
  }
  for (const MakerChinaRecord& m : p.maker_china().of(e)) {
    out += "maker " + std::to_string(m.list) + " " + std::to_string(m.year) + "\n";
  }
  out += "ip items " + std::to_string(p.ip_items().of(e).size()) + "\n";
  return out;
}

void expect_same_pool(const Pool& a, const Pool& b) {
  ASSERT_EQ(a.size(), b.size());
  for (uint32_t e = 0; e < a.size(); ++e) {
    std::optional<uint32_t> other = b.find(a.uscc(e));
    ASSERT_TRUE(other.has_value()) << a.uscc(e);
    EXPECT_EQ(describe(a, e), describe(b, *other));
  }
}

std::atomic<int> g_counter{0};

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const int n = g_counter++;
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() /
             ("gradus_store_test_" + std::to_string(getpid()) + "_" + std::to_string(n));
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "pool.db").string();
    } else {
      const char* base = std::getenv("GRADUS_TEST_PG");
      if (base == nullptr || *base == '\0') {
        const char* require = std::getenv("GRADUS_REQUIRE_PG");
        if (require != nullptr && std::string(require) == "1") {
          FAIL() << "GRADUS_REQUIRE_PG=1 but GRADUS_TEST_PG is not set";
        }
        GTEST_SKIP() << "GRADUS_TEST_PG not set: no PostgreSQL server to test against";
      }
      admin_url_ = base;
      db_name_ = "gradus_t_" + std::to_string(getpid()) + "_" + std::to_string(n);
      auto admin = open_sql(admin_url_);
      ASSERT_TRUE(admin.ok()) << admin.error().message.en;
      ASSERT_TRUE((*admin)->execute("CREATE DATABASE " + db_name_).ok());
      const size_t query = admin_url_.find('?');
      const size_t slash =
          admin_url_.rfind('/', query == std::string::npos ? std::string::npos : query);
      url_ = admin_url_.substr(0, slash + 1) + db_name_ +
             (query == std::string::npos ? "" : admin_url_.substr(query));
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!db_name_.empty()) {
      auto admin = open_sql(admin_url_);
      if (admin.ok())
        (void)(*admin)->execute("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
    }
  }
  std::unique_ptr<Store> open() {
    Result<std::unique_ptr<Store>> s = Store::open(url_, {.create = true});
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message.en);
    return s.ok() ? std::move(*s) : nullptr;
  }
  ImportOptions options(std::string source = "pool.csv") {
    ImportOptions o;
    o.actor = "tester";
    o.source = std::move(source);
    o.source_sha256 = "00";
    return o;
  }

  std::filesystem::path dir_;
  std::string url_, admin_url_, db_name_;
};

TEST_P(StoreTest, MigratesOnceAndReportsVersion) {
  auto s = open();
  ASSERT_TRUE(s);
  Result<int> v = schema_version(s->connection());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, latest_schema_version());
  int applied = -1;
  ASSERT_TRUE(migrate(s->connection(), &applied).ok());
  EXPECT_EQ(applied, 0);
}

// A store written under schema version 1 keeps every fact, its history and its audit chain
// through the later migrations (on SQLite, migration 2 rebuilds every keyed table).
TEST_P(StoreTest, UpgradesAVersion1StoreWithItsData) {
  Pool file = pool_from_csv(sample_csv());
  {
    Result<std::unique_ptr<SqlConnection>> c = open_sql(url_);
    ASSERT_TRUE(c.ok()) << c.error().message.en;
    int applied = 0;
    ASSERT_TRUE(migrate(**c, &applied, 1).ok());
    EXPECT_EQ(applied, 1);
    Store v1(std::move(*c));
    ASSERT_TRUE(v1.import_pool(file, options()).ok());
    Result<int> v = schema_version(v1.connection());
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, 1);
  }
  auto s = open();
  ASSERT_TRUE(s);
  Result<int> v = schema_version(s->connection());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, latest_schema_version());
  Result<Pool> loaded = s->load_pool();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message.en;
  expect_same_pool(file, *loaded);
  Result<AuditCheck> audit = s->verify_audit();
  ASSERT_TRUE(audit.ok()) << audit.error().message.en;
  EXPECT_TRUE(audit->ok);
  // Re-importing the same file is still a no-op; foreign keys are enforced again.
  Result<ImportSummary> again = s->import_pool(file, options());
  ASSERT_TRUE(again.ok()) << again.error().message.en;
  EXPECT_EQ(again->batch_id, 0);
  EXPECT_FALSE(s->connection()
                   .execute("INSERT INTO yearly_facts (id, enterprise_id, year, from_batch) "
                            "VALUES (999999, 999999, 2024, 1)")
                   .ok());
  if (GetParam() == "sqlite") {
    auto rows = s->connection().query(
        "SELECT type FROM pragma_table_info('yearly_facts') WHERE name = 'id'");
    ASSERT_TRUE(rows.ok());
    ASSERT_TRUE((*rows)->next());
    EXPECT_EQ((*rows)->text(0), "INTEGER");  // the rowid
    while ((*rows)->next()) {
    }
  }
}

// Every constraint and index of the store, as the database describes it (to compare schemas).
std::string schema_description(SqlConnection& c) {
  const char* sql =
      c.dialect() == SqlDialect::postgresql
          ? "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace UNION ALL "
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
          : "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY 1";
  auto rows = c.query(sql);
  EXPECT_TRUE(rows.ok());
  std::string out;
  while (rows.ok() && (*rows)->next()) out += std::string((*rows)->text(0)) + "\n";
  return out;
}

// A first import large enough for PostgreSQL's bulk path (constraints and indexes dropped during
// COPY, created again after) leaves the schema exactly as a fresh store has it, enforcing its
// keys, and the pool loads back whole; a second, small import takes the row-by-row path.
TEST_P(StoreTest, BulkImportKeepsEveryConstraintAndIndex) {
  auto s = open();
  ASSERT_TRUE(s);
  const std::string fresh = schema_description(s->connection());
  demo::PoolGenerator gen({.enterprises = 8000, .seed = 7});
  Pool big = gen.build();
  Result<ImportSummary> sum = s->import_pool(big, options("big.csv"));
  ASSERT_TRUE(sum.ok()) << sum.error().message.en;
  EXPECT_GE(sum->yearly_versions, 20000u);  // above PostgresBulkLoad::kMinRows
  EXPECT_EQ(schema_description(s->connection()), fresh);
  Result<Pool> loaded = s->load_pool();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message.en;
  expect_same_pool(big, *loaded);
  EXPECT_FALSE(s->connection()
                   .execute("INSERT INTO yearly_facts (id, enterprise_id, year, from_batch) "
                            "VALUES (99999999, 99999999, 2024, 1)")
                   .ok());
  Result<ImportSummary> small = s->import_pool(pool_from_csv(sample_csv()), options());
  ASSERT_TRUE(small.ok()) << small.error().message.en;
  EXPECT_EQ(schema_description(s->connection()), fresh);
  Result<AuditCheck> audit = s->verify_audit();
  ASSERT_TRUE(audit.ok()) << audit.error().message.en;
  EXPECT_TRUE(audit->ok);
}

TEST_P(StoreTest, ImportThenLoadGivesTheSamePool) {
  auto s = open();
  ASSERT_TRUE(s);
  Pool file = pool_from_csv(sample_csv());
  Result<ImportSummary> sum = s->import_pool(file, options());
  ASSERT_TRUE(sum.ok()) << sum.error().message.en;
  EXPECT_EQ(sum->batch_id, 1);
  EXPECT_EQ(sum->enterprises_new, file.size());
  EXPECT_EQ(sum->fields_changed, 0u);
  Result<Pool> loaded = s->load_pool();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message.en;
  expect_same_pool(file, *loaded);
}

TEST_P(StoreTest, ReimportingTheSameFileIsANoOp) {
  auto s = open();
  ASSERT_TRUE(s);
  Pool file = pool_from_csv(sample_csv());
  ASSERT_TRUE(s->import_pool(file, options()).ok());
  Result<ImportSummary> again = s->import_pool(file, options());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->batch_id, 0);
  EXPECT_EQ(again->enterprises_unchanged, file.size());
  EXPECT_EQ(again->static_versions + again->yearly_versions + again->events_added, 0u);
  EXPECT_EQ(s->batches()->size(), 1u);
  EXPECT_EQ(s->audit_log()->size(), 1u);
}

// What the server builds on: the head batch, a firm's version (ETag), the firms changed between
// two batches loaded alone and put into the older pool giving the newer one, and a precondition
// that refuses an import inside its transaction.
TEST_P(StoreTest, ChangedFirmsBringAnOlderPoolUpToDate) {
  auto s = open();
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->head_batch(), 0);
  const std::string original = sample_csv();
  ASSERT_TRUE(s->import_pool(pool_from_csv(original), options("v1.csv")).ok());
  EXPECT_EQ(*s->head_batch(), 1);
  Result<std::vector<int64_t>> marks = s->row_marks();
  ASSERT_TRUE(marks.ok());
  Result<Pool> old_pool = s->load_pool();
  ASSERT_TRUE(old_pool.ok());
  EXPECT_TRUE(s->enterprises_written_since(*marks)->empty());
  std::string corrected = original;
  const size_t at = corrected.find(",2024,11743.12,");
  ASSERT_NE(at, std::string::npos);
  corrected.replace(at, 15, ",2024,11800.00,");
  const Pool second = pool_from_csv(corrected);
  // A failing precondition refuses the import and writes nothing.
  ImportOptions refused = options("v2.csv");
  refused.precondition = [] { return error(StatusCode::failed_precondition, "旧", "stale"); };
  Result<ImportSummary> no = s->import_pool(second, refused);
  ASSERT_FALSE(no.ok());
  EXPECT_EQ(no.error().code, StatusCode::failed_precondition);
  EXPECT_EQ(*s->head_batch(), 1);
  ASSERT_TRUE(s->import_pool(second, options("v2.csv")).ok());
  EXPECT_EQ(*s->head_batch(), 2);
  Result<std::vector<std::string>> changed = s->enterprises_written_since(*marks);
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ(*s->enterprise_version((*changed)[0]), 2);
  for (uint32_t e = 0; e < old_pool->size(); ++e)
    if (old_pool->uscc(e) != (*changed)[0]) {
      EXPECT_EQ(*s->enterprise_version(old_pool->uscc(e)), 1);
    }
  EXPECT_EQ(s->enterprise_version("91000000000000000X").error().code, StatusCode::not_found);
  EXPECT_TRUE(s->enterprises_written_since(*s->row_marks())->empty());
  Result<Pool> firms = s->load_pool({.only = *changed});
  ASSERT_TRUE(firms.ok());
  ASSERT_EQ(firms->size(), 1u);
  const Pool updated = old_pool->with_firms(*firms);
  Result<Pool> fresh = s->load_pool();
  ASSERT_TRUE(fresh.ok());
  ASSERT_EQ(updated.size(), fresh->size());
  const FieldId revenue = find_field("revenue")->id;
  for (uint32_t e = 0; e < fresh->size(); ++e) {
    std::optional<uint32_t> u = updated.find(fresh->uscc(e));
    ASSERT_TRUE(u);
    for (int y = fresh->first_year(); y <= fresh->last_year(); ++y) {
      const Column* a = fresh->yearly(revenue, y);
      const Column* b = updated.yearly(revenue, y);
      ASSERT_EQ(a == nullptr, b == nullptr);
      if (!a) continue;
      EXPECT_EQ(a->present[e], b->present[*u]);
      EXPECT_EQ(a->values[e], b->values[*u]) << fresh->uscc(e) << " " << y;
    }
    EXPECT_EQ(fresh->titles().of(e).size(), updated.titles().of(*u).size());
  }
}

TEST_P(StoreTest, CorrectedFileUpdatesOnlyWhatChangedAndKeepsHistory) {
  auto s = open();
  ASSERT_TRUE(s);
  const std::string original = sample_csv();
  Pool first = pool_from_csv(original);
  ASSERT_TRUE(s->import_pool(first, options("v1.csv")).ok());
  // One revenue figure corrected (2025 row of the first firm: its text appears once).
  std::string corrected = original;
  const size_t at = corrected.find(",2024,11743.12,");
  ASSERT_NE(at, std::string::npos);
  corrected.replace(at, 15, ",2024,11800.00,");
  Pool second = pool_from_csv(corrected);
  Result<ImportSummary> dry = s->import_pool(second, [&] {
    auto o = options("v2.csv");
    o.dry_run = true;
    return o;
  }());
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->batch_id, 0);
  EXPECT_EQ(dry->fields_changed, 1u);
  EXPECT_EQ(s->batches()->size(), 1u) << "a dry run writes nothing";

  Result<ImportSummary> sum = s->import_pool(second, options("v2.csv"));
  ASSERT_TRUE(sum.ok()) << sum.error().message.en;
  EXPECT_EQ(sum->batch_id, 2);
  EXPECT_EQ(sum->enterprises_changed, 1u);
  EXPECT_EQ(sum->enterprises_unchanged, first.size() - 1);
  EXPECT_EQ(sum->yearly_versions, 1u);
  EXPECT_EQ(sum->static_versions, 0u);
  ASSERT_EQ(sum->changes.size(), 1u);
  EXPECT_EQ(sum->changes[0].uscc, "91320505MA1P7K3C1N");
  EXPECT_EQ(sum->changes[0].field, "revenue");
  EXPECT_EQ(sum->changes[0].year, 2024);
  EXPECT_EQ(sum->changes[0].before, "11743.12");
  EXPECT_EQ(sum->changes[0].after, "11800");

  // Now and as known after batch 1.
  expect_same_pool(second, *s->load_pool());
  expect_same_pool(first, *s->load_pool({.known_batch = 1}));

  // History: the revenue change with its batch.
  Result<std::vector<HistoryEntry>> h = s->history("91320505MA1P7K3C1N");
  ASSERT_TRUE(h.ok());
  bool found = false;
  for (const HistoryEntry& e : *h) {
    if (e.field == "revenue" && e.year == 2024 && e.batch.id == 2) {
      found = true;
      EXPECT_EQ(e.before, "11743.12");
      EXPECT_EQ(e.after, "11800");
      EXPECT_EQ(e.batch.source, "v2.csv");
      EXPECT_EQ(e.batch.actor, "tester");
    }
  }
  EXPECT_TRUE(found);
  Result<AuditCheck> check = s->verify_audit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem.en;
  EXPECT_EQ(check->batches_checked, 2);
}

TEST_P(StoreTest, BatchAtResolvesDatesAndTimes) {
  auto s = open();
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->batch_at("2026-01-01")->has_value());
  ASSERT_TRUE(s->import_pool(pool_from_csv(sample_csv()), options()).ok());
  EXPECT_EQ(s->batch_at("2100-01-01")->value_or(-1), 1);
  EXPECT_FALSE(s->batch_at("2001-01-01")->has_value());
  EXPECT_FALSE(s->batch_at("yesterday").ok());
}

TEST_P(StoreTest, AuditVerifyFindsEditedFacts) {
  auto s = open();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->import_pool(pool_from_csv(sample_csv()), options()).ok());
  ASSERT_TRUE(s->verify_audit()->ok);
  ASSERT_TRUE(
      s->connection().execute("UPDATE yearly_facts SET revenue = revenue + 1 WHERE id = 5").ok());
  Result<AuditCheck> check = s->verify_audit();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->first_bad_seq.value_or(0), 1);
  EXPECT_NE(check->problem.en.find("changed or deleted outside gradus"), std::string::npos)
      << check->problem.en;
}

TEST_P(StoreTest, AuditLogRefusesUpdatesAndVerifyFindsEditsDeletionsReorders) {
  auto s = open();
  ASSERT_TRUE(s);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        s->append_audit("tester", "note", std::nullopt, "{\"n\":" + std::to_string(i) + "}").ok());
  }
  ASSERT_TRUE(s->verify_audit()->ok);
  EXPECT_FALSE(s->connection().execute("UPDATE audit_log SET actor = 'x' WHERE seq = 2").ok());
  EXPECT_FALSE(s->connection().execute("DELETE FROM audit_log WHERE seq = 2").ok());
  // Someone with full access drops the guard and edits entry 2.
  const bool sqlite = s->connection().dialect() == SqlDialect::sqlite;
  auto unguard = [&] {
    if (sqlite) {
      ASSERT_TRUE(s->connection()
                      .execute("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
                      .ok());
    } else {
      ASSERT_TRUE(s->connection().execute("DROP TRIGGER audit_log_no_change ON audit_log").ok());
    }
  };
  unguard();
  ASSERT_TRUE(
      s->connection().execute("UPDATE audit_log SET detail = '{\"n\":9}' WHERE seq = 2").ok());
  Result<AuditCheck> edited = s->verify_audit();
  EXPECT_FALSE(edited->ok);
  EXPECT_EQ(edited->first_bad_seq.value_or(0), 2);
  EXPECT_NE(edited->problem.en.find("was edited"), std::string::npos) << edited->problem.en;
  ASSERT_TRUE(
      s->connection().execute("UPDATE audit_log SET detail = '{\"n\":1}' WHERE seq = 2").ok());
  ASSERT_TRUE(s->verify_audit()->ok);
  // Reordered: entries 2 and 3 swap places (sequence numbers swapped).
  ASSERT_TRUE(s->connection().execute("UPDATE audit_log SET seq = 100 WHERE seq = 2").ok());
  ASSERT_TRUE(s->connection().execute("UPDATE audit_log SET seq = 2 WHERE seq = 3").ok());
  ASSERT_TRUE(s->connection().execute("UPDATE audit_log SET seq = 3 WHERE seq = 100").ok());
  Result<AuditCheck> reordered = s->verify_audit();
  EXPECT_FALSE(reordered->ok);
  EXPECT_EQ(reordered->first_bad_seq.value_or(0), 2);
  EXPECT_NE(reordered->problem.en.find("does not link"), std::string::npos)
      << reordered->problem.en;
  ASSERT_TRUE(s->connection().execute("UPDATE audit_log SET seq = 100 WHERE seq = 2").ok());
  ASSERT_TRUE(s->connection().execute("UPDATE audit_log SET seq = 2 WHERE seq = 3").ok());
  ASSERT_TRUE(s->connection().execute("UPDATE audit_log SET seq = 3 WHERE seq = 100").ok());
  ASSERT_TRUE(s->verify_audit()->ok);
  // Deleted: entry 3 removed.
  ASSERT_TRUE(s->connection().execute("DELETE FROM audit_log WHERE seq = 3").ok());
  Result<AuditCheck> deleted = s->verify_audit();
  EXPECT_FALSE(deleted->ok);
  EXPECT_EQ(deleted->first_bad_seq.value_or(0), 4);
  EXPECT_NE(deleted->problem.en.find("missing"), std::string::npos) << deleted->problem.en;
}

TEST_P(StoreTest, KilledImportLeavesTheStoreAsItWas) {
  auto s = open();
  ASSERT_TRUE(s);
  const std::string original = sample_csv();
  ASSERT_TRUE(s->import_pool(pool_from_csv(original), options()).ok());
  Pool before = std::move(*s->load_pool());
  // A second file with every firm changed; the child dies after writing 10 of its 24 rows.
  std::string changed = original;
  for (size_t at = 0; (at = changed.find(",2025,", at)) != std::string::npos; at += 6)
    changed[at + 5] = ',';
  std::string bumped;
  {
    std::istringstream lines(original);
    std::string line;
    bool header = true;
    while (std::getline(lines, line)) {
      if (!header) {
        const size_t comma = line.find(',', line.find(",2024,") + 6);
        if (line.find(",2024,") != std::string::npos) line.insert(comma, "1");
      }
      header = false;
      bumped += line + "\n";
    }
  }
  const std::string url = url_;
  std::fflush(nullptr);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setenv("GRADUS_FAULT_KILL_AFTER_ROWS", "10", 1);
    IngestReport report;
    Result<Pool> p = load_pool_text(bumped, InputFormat::csv, "bumped.csv", report);
    Result<std::unique_ptr<Store>> st = Store::open(url, {.create = true});
    if (p.ok() && st.ok()) {
      ImportOptions o;
      o.actor = "child";
      (void)(*st)->import_pool(*p, o);
    }
    _exit(0);  // not reached when the fault fires
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child was expected to die mid-import";
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  auto reopened = open();
  ASSERT_TRUE(reopened);
  expect_same_pool(before, *reopened->load_pool());
  EXPECT_EQ(reopened->batches()->size(), 1u);
  Result<AuditCheck> check = reopened->verify_audit();
  EXPECT_TRUE(check->ok) << check->problem.en;
  // And the same import without the fault goes through.
  IngestReport report;
  Result<Pool> p = load_pool_text(bumped, InputFormat::csv, "bumped.csv", report);
  ASSERT_TRUE(p.ok());
  Result<ImportSummary> sum = reopened->import_pool(*p, options("bumped.csv"));
  ASSERT_TRUE(sum.ok());
  EXPECT_GT(sum->yearly_versions, 0u);
}

// Killed in the middle of a large first import — on PostgreSQL after the bulk path has dropped
// the tables' keys and indexes — the store is exactly as it was: empty, with its whole schema.
TEST_P(StoreTest, KilledBulkImportLeavesTheSchemaWhole) {
  auto s = open();
  ASSERT_TRUE(s);
  const std::string fresh = schema_description(s->connection());
  s.reset();
  const std::string url = url_;
  std::fflush(nullptr);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // enterprises (8000) and enterprise_versions (8000) are written; yearly_facts is mid-COPY.
    setenv("GRADUS_FAULT_KILL_AFTER_ROWS", "30000", 1);
    demo::PoolGenerator gen({.enterprises = 8000, .seed = 7});
    Pool big = gen.build();
    Result<std::unique_ptr<Store>> st = Store::open(url, {.create = true});
    if (st.ok()) {
      ImportOptions o;
      o.actor = "child";
      (void)(*st)->import_pool(big, o);
    }
    _exit(0);  // not reached when the fault fires
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child was expected to die mid-import";
  auto reopened = open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(schema_description(reopened->connection()), fresh);
  EXPECT_EQ(reopened->load_pool()->size(), 0u);
  EXPECT_EQ(reopened->batches()->size(), 0u);
}

TEST_P(StoreTest, RunsAreStoredAndCompared) {
  auto s = open();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->import_pool(pool_from_csv(sample_csv()), options()).ok());
  Pool pool = std::move(*s->load_pool());
  // Run 1: every firm fails criteria 0 and 2; run 2: firm 3 meets the policy, firm 4 still fails
  // but on criterion 2 only, with criterion 5 unknown; the others are unchanged.
  std::vector<StoredOutcome> a, b;
  for (uint32_t e = 0; e < pool.size(); ++e) {
    a.push_back({e, "srdi-sme", "2026", "not_met", "", "", "0,2", ""});
    b.push_back({e, "srdi-sme", "2026", e == 3 ? "met" : "not_met", "", "",
                 e == 3   ? ""
                 : e == 4 ? "2"
                          : "0,2",
                 e == 4 ? "5" : ""});
  }
  RunInfo info;
  info.actor = "tester";
  info.as_of = "2026-06-30";
  info.mode = "application";
  info.policies = "srdi-sme@2026";
  info.known_batch = 1;
  for (int64_t n : {0, 2, 5})
    info.criteria.push_back({"srdi-sme", "2026", n, "crit." + std::to_string(n)});
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  Result<int64_t> r1 = s->save_run(
      pool, info, a, [&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); });
  Result<int64_t> r2 = s->save_run(pool, info, b);
  ASSERT_TRUE(r1.ok() && r2.ok()) << (r1.ok() ? r2.error().message.en : r1.error().message.en);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(uint64_t{pool.size()}, uint64_t{pool.size()}));
  Result<std::vector<OutcomeChange>> diff = s->diff_runs(*r1, *r2);
  ASSERT_TRUE(diff.ok()) << diff.error().message.en;
  ASSERT_EQ(diff->size(), 2u);
  const OutcomeChange& met = (*diff)[0].uscc == pool.uscc(3) ? (*diff)[0] : (*diff)[1];
  const OutcomeChange& other = (*diff)[0].uscc == pool.uscc(3) ? (*diff)[1] : (*diff)[0];
  EXPECT_EQ(met.uscc, pool.uscc(3));
  EXPECT_EQ(met.before, "not_met");
  EXPECT_EQ(met.after, "met");
  EXPECT_EQ(met.version_after, "2026");
  EXPECT_TRUE(met.recorded_before && met.recorded_after);
  EXPECT_EQ(met.not_met_before, (std::vector<std::string>{"crit.0", "crit.2"}));
  EXPECT_TRUE(met.not_met_after.empty());
  EXPECT_EQ(other.uscc, pool.uscc(4));
  EXPECT_EQ(other.before, "not_met");
  EXPECT_EQ(other.after, "not_met");
  EXPECT_EQ(other.not_met_after, std::vector<std::string>{"crit.2"});
  EXPECT_EQ(other.unknown_after, std::vector<std::string>{"crit.5"});
  Result<std::vector<RunInfo>> runs = s->runs();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].outcomes, static_cast<int64_t>(pool.size()));
  EXPECT_FALSE(s->diff_runs(1, 99).ok());
  EXPECT_TRUE(s->verify_audit()->ok);
  // An outcome of a policy the run does not list, or a firm not in the store, fails the run
  // and writes nothing.
  std::vector<StoredOutcome> stray = {{0, "tech-sme", "2017", "met", "", "", "", ""}};
  EXPECT_FALSE(s->save_run(pool, info, stray).ok());
  EXPECT_EQ(s->runs()->size(), 2u);
}

// Schema 3 keeps runs one row per firm with their criteria. A store made with schema 2 — with
// facts and a run saved the old way, one row per firm and policy — is upgraded in place: its run
// is still listed and compared (with a run saved after the upgrade; its criteria were not kept),
// its facts and audit chain are intact, and new imports carry row checks.
TEST_P(StoreTest, UpgradesASchema2StoreWithARun) {
  Pool file = pool_from_csv(sample_csv());
  RunInfo info;
  info.actor = "tester";
  info.as_of = "2026-06-30";
  info.mode = "application";
  info.policies = "srdi-sme@2026";
  info.known_batch = 1;
  {
    Result<std::unique_ptr<SqlConnection>> c = open_sql(url_);
    ASSERT_TRUE(c.ok()) << c.error().message.en;
    ASSERT_TRUE(migrate(**c, nullptr, 2).ok());
    Store v2(std::move(*c));
    ASSERT_TRUE(v2.import_pool(file, options()).ok());
    Pool pool = std::move(*v2.load_pool());
    std::vector<StoredOutcome> old;
    for (uint32_t e = 0; e < pool.size(); ++e)
      old.push_back({e, "srdi-sme", "2026", "not_met", "", "", "", ""});
    Result<int64_t> run = v2.save_run(pool, info, old);
    ASSERT_TRUE(run.ok()) << run.error().message.en;
    Result<std::optional<int64_t>> rows =
        query_integer(v2.connection(), "SELECT COUNT(*) FROM assessment_outcomes");
    EXPECT_EQ(rows->value_or(0), static_cast<int64_t>(pool.size()));
  }
  auto s = open();
  ASSERT_TRUE(s);
  EXPECT_EQ(*schema_version(s->connection()), latest_schema_version());
  expect_same_pool(file, *s->load_pool());
  Result<AuditCheck> audit = s->verify_audit();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << audit->problem.en;
  Pool pool = std::move(*s->load_pool());
  info.criteria = {{"srdi-sme", "2026", 7, "rd.ratio"}};
  std::vector<StoredOutcome> now;
  for (uint32_t e = 0; e < pool.size(); ++e) {
    now.push_back(
        {e, "srdi-sme", "2026", e == 0 ? "met" : "not_met", "", "", e == 0 ? "" : "7", ""});
  }
  Result<int64_t> run2 = s->save_run(pool, info, now);
  ASSERT_TRUE(run2.ok()) << run2.error().message.en;
  Result<std::vector<RunInfo>> runs = s->runs();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].outcomes, static_cast<int64_t>(pool.size()));
  EXPECT_EQ((*runs)[1].outcomes, static_cast<int64_t>(pool.size()));
  Result<std::vector<OutcomeChange>> diff = s->diff_runs(1, *run2);
  ASSERT_TRUE(diff.ok()) << diff.error().message.en;
  ASSERT_EQ(diff->size(), 1u);  // criteria are not compared with a run that did not keep them
  EXPECT_EQ((*diff)[0].uscc, pool.uscc(0));
  EXPECT_FALSE((*diff)[0].recorded_before);
  EXPECT_TRUE((*diff)[0].recorded_after);
  // A corrected fact goes in with row checks, and an edit of it is then named.
  ASSERT_TRUE(s->import_pool(pool_from_csv("uscc,year,net_profit\n91320505MA1P7K3C1N,2024,1000\n"),
                             options("b.csv"))
                  .ok());
  ASSERT_TRUE(
      s->connection().execute("UPDATE yearly_facts SET net_profit = 1 WHERE from_batch = 2").ok());
  Result<AuditCheck> edited = s->verify_audit();
  ASSERT_TRUE(edited.ok());
  ASSERT_EQ(edited->tampered.size(), 1u) << edited->problem.en;
  EXPECT_EQ(edited->tampered[0].fields, std::vector<std::string>{"net_profit"});
}

TEST_P(StoreTest, TextWithSpecialCharactersRoundTrips) {
  auto s = open();
  ASSERT_TRUE(s);
  PoolBuilder b;
  const uint32_t e = b.enterprise("91320505MA1P7K3C1N");
  const std::string tricky = "A\\B\tC\nD 'E' \"F\" \\N 中文（括号）";
  b.set_text(e, find_field("name")->id, tricky);
  b.set_text(e, find_field("niche_market")->id, "\\N");
  AwardRecord award;
  award.date = Date::from_ymd(2024, 5, 1);
  award.name = "国家科技进步奖\t二等";
  b.add_award(e, award);
  Pool in = std::move(b).finish();
  ASSERT_TRUE(s->import_pool(in, options()).ok());
  Result<Pool> out = s->load_pool();
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ(out->text(find_field("name")->id, 0), tricky);
  EXPECT_EQ(out->text(find_field("niche_market")->id, 0), "\\N");
  ASSERT_EQ(out->awards().of(0).size(), 1u);
  EXPECT_EQ(out->awards().of(0)[0].name, "国家科技进步奖\t二等");
  EXPECT_EQ(s->import_pool(in, options()).value().batch_id, 0)
      << "identical text is recognised as unchanged";
  EXPECT_TRUE(s->verify_audit()->ok);
}

// Defect 3 of issue 17: a mistyped --db silently created an empty store. Without `create`, a
// store that does not exist is an error naming it, and nothing is created; with `create` (init,
// demo) it is made; an existing store opens without `create`.
TEST_P(StoreTest, OpeningAMissingStoreFailsAndCreatesNothing) {
  std::string missing_url = url_;
  std::filesystem::path missing_file;
  if (GetParam() == "sqlite") {
    missing_file = dir_ / "pooll.db";
    missing_url = "sqlite:" + missing_file.string();
  }
  Result<std::unique_ptr<Store>> s = Store::open(missing_url);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, StatusCode::not_found);
  EXPECT_NE(s.error().message.en.find("does not exist"), std::string::npos) << s.error().message.en;
  EXPECT_NE(s.error().message.zh.find("gradus init"), std::string::npos) << s.error().message.zh;
  if (GetParam() == "sqlite") {
    EXPECT_NE(s.error().message.en.find(missing_file.string()), std::string::npos)
        << s.error().message.en;
    EXPECT_FALSE(std::filesystem::exists(missing_file));
  } else {
    // The database exists (the fixture made it) but holds no gradus schema: none is created.
    auto raw = open_sql(url_);
    ASSERT_TRUE(raw.ok());
    Result<std::optional<int64_t>> tables = query_integer(
        **raw,
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()");
    ASSERT_TRUE(tables.ok());
    EXPECT_EQ(tables->value_or(-1), 0);
  }
  {
    Result<std::unique_ptr<Store>> made = Store::open(missing_url, {.create = true});
    ASSERT_TRUE(made.ok()) << made.error().message.en;
  }
  Result<std::unique_ptr<Store>> again = Store::open(missing_url);
  EXPECT_TRUE(again.ok()) << (again.ok() ? "" : again.error().message.en);
}

// A SQLite file that exists but is not a gradus store is refused too (and not given the schema).
TEST(StoreOpen, AnEmptySqliteFileIsNotAStore) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("gradus_empty_" + std::to_string(getpid()) + ".db");
  { std::ofstream touch(path); }
  Result<std::unique_ptr<Store>> s = Store::open("sqlite:" + path.string());
  EXPECT_FALSE(s.ok());
  if (!s.ok()) {
    EXPECT_EQ(s.error().code, StatusCode::not_found);
  }
  auto raw = open_sql("sqlite:" + path.string());
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(query_integer(**raw, "SELECT COUNT(*) FROM sqlite_master")->value_or(-1), 0);
  raw->reset();
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

// Every row of every table, as text (to prove a refused write changed nothing).
std::string dump_store(SqlConnection& c) {
  std::string out;
  const char* list = c.dialect() == SqlDialect::sqlite
                         ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                         : "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                           "current_schema() ORDER BY table_name";
  std::vector<std::string> tables;
  {
    auto rows = c.query(list);
    EXPECT_TRUE(rows.ok());
    while (rows.ok() && (*rows)->next()) tables.emplace_back((*rows)->text(0));
  }
  for (const std::string& t : tables) {
    // Each row as one text value, whatever its columns (both dialects can cast a row to text).
    const std::string sql = "SELECT CAST(x AS TEXT) FROM " + t + " x ORDER BY 1";
    out += "## " + t + "\n";
    if (c.dialect() == SqlDialect::sqlite) {
      // SQLite: a quote() of every column, via the table's column list.
      std::string cols;
      auto info = c.query("SELECT name FROM pragma_table_info('" + t + "')");
      while (info.ok() && (*info)->next())
        cols += (cols.empty() ? "" : " || '|' || ") + std::string("quote(") +
                std::string((*info)->text(0)) + ")";
      auto rows = c.query("SELECT " + cols + " FROM " + t + " ORDER BY 1");
      EXPECT_TRUE(rows.ok());
      while (rows.ok() && (*rows)->next()) out += std::string((*rows)->text(0)) + "\n";
      continue;
    }
    auto rows = c.query(sql);
    EXPECT_TRUE(rows.ok());
    while (rows.ok() && (*rows)->next()) out += std::string((*rows)->text(0)) + "\n";
  }
  return out;
}

// Defect 4 of issue 17: demo data written into a store that held a clerk's import reverted a
// correction and mixed synthetic firms into the pool. It is refused and changes nothing; demo
// data still goes into an empty store, and again into a store that holds only demo data.
TEST_P(StoreTest, DemoDataGoesOnlyIntoAnEmptyOrDemoStore) {
  demo::PoolGenerator gen({.enterprises = 30, .seed = 11});
  Pool demo_pool = gen.build();
  ImportOptions demo = options("gradus demo");
  demo.kind = "demo";
  {
    auto s = open();
    ASSERT_TRUE(s);
    Result<ImportSummary> first = s->import_pool(demo_pool, demo);
    ASSERT_TRUE(first.ok()) << first.error().message.en;
    EXPECT_EQ(first->enterprises_new, 30u);
    demo::PoolGenerator other({.enterprises = 40, .seed = 12});
    Result<ImportSummary> second = s->import_pool(other.build(), demo);
    ASSERT_TRUE(second.ok()) << second.error().message.en;
    // An import makes it a real store: demo data is refused from then on.
    ASSERT_TRUE(s->import_pool(pool_from_csv(sample_csv()), options()).ok());
    const std::string before = dump_store(s->connection());
    Result<ImportSummary> refused = s->import_pool(demo_pool, demo);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, StatusCode::failed_precondition);
    EXPECT_NE(refused.error().message.en.find("holds imported data"), std::string::npos)
        << refused.error().message.en;
    EXPECT_NE(refused.error().message.en.find("1 batch(es) that are not demo data"),
              std::string::npos)
        << refused.error().message.en;
    EXPECT_NE(refused.error().message.zh.find("--db"), std::string::npos);
    EXPECT_EQ(dump_store(s->connection()), before);
  }
  // Reopened: refused again, the store unchanged row for row and (SQLite) byte for byte.
  auto s = open();
  ASSERT_TRUE(s);
  std::string bytes_before;
  if (GetParam() == "sqlite") {
    s.reset();
    bytes_before = read_text(url_.substr(7));
    s = open();
  }
  const std::string rows_before = dump_store(s->connection());
  EXPECT_FALSE(s->import_pool(demo_pool, demo).ok());
  EXPECT_EQ(dump_store(s->connection()), rows_before);
  if (GetParam() == "sqlite") {
    s.reset();
    EXPECT_EQ(read_text(url_.substr(7)), bytes_before);
  }
}

// Issue 17: an import that makes main revenue exceed the stored revenue of the same year (or
// breaks another rule of a single file against the stored facts) is refused like an error inside
// the file — file, firm, column, value, and the stored value with its batch and file — and
// nothing of the file is written; a file that agrees with the store goes in.
TEST_P(StoreTest, ImportContradictingStoredFactsIsRefusedWhole) {
  auto s = open();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->import_pool(pool_from_csv(sample_csv()), options("pool.csv")).ok());
  const std::string before = dump_store(s->connection());
  // 2024 revenue of the first sample firm is 11743.12, its main revenue 11097.25; employees 370
  // (R&D staff 78, technical staff 100). One row raises main revenue above the stored revenue
  // and lowers employees below the stored technical staff (but not below the R&D staff).
  const std::string bad =
      "uscc,year,main_revenue,employees\n"
      "91320505MA1P7K3C1N,2024,12000.5,90\n";
  std::vector<InputError> conflicts;
  ImportOptions o = options("clerk.csv");
  o.conflicts = &conflicts;
  Result<ImportSummary> refused = s->import_pool(pool_from_csv(bad), o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, StatusCode::invalid_argument);
  ASSERT_EQ(conflicts.size(), 2u) << refused.error().message.en;
  std::sort(conflicts.begin(), conflicts.end(),
            [](const InputError& a, const InputError& b) { return a.column < b.column; });
  EXPECT_EQ(conflicts[0].file, "clerk.csv");
  EXPECT_EQ(conflicts[0].uscc, "91320505MA1P7K3C1N");
  EXPECT_EQ(conflicts[0].column, "employees@2024");
  EXPECT_EQ(conflicts[0].value, "90");
  EXPECT_NE(conflicts[0].reason.en.find("less than the stored"), std::string::npos)
      << conflicts[0].reason.en;
  EXPECT_NE(
      conflicts[0].reason.en.find("technical staff for 2024 \"100\" (from batch 1, file pool.csv)"),
      std::string::npos)
      << conflicts[0].reason.en;
  EXPECT_EQ(conflicts[1].column, "main_revenue@2024");
  EXPECT_EQ(conflicts[1].value, "12000.5");
  EXPECT_NE(conflicts[1].reason.en.find("greater than the stored operating revenue for 2024 "
                                        "\"11743.12\" (from batch 1, file pool.csv)"),
            std::string::npos)
      << conflicts[1].reason.en;
  EXPECT_NE(conflicts[1].reason.zh.find("11743.12"), std::string::npos);
  EXPECT_NE(refused.error().message.en.find("nothing from this file was imported"),
            std::string::npos);
  EXPECT_EQ(dump_store(s->connection()), before);
  // A dry run is refused the same way.
  o.dry_run = true;
  EXPECT_FALSE(s->import_pool(pool_from_csv(bad), o).ok());
  // The stored value found is the one of the batch that set it (a later batch that changed
  // another fact of that year does not count), and correcting both facts together goes in.
  ASSERT_TRUE(s->import_pool(pool_from_csv("uscc,year,net_profit\n91320505MA1P7K3C1N,2024,1000\n"),
                             options("profit.csv"))
                  .ok());
  conflicts.clear();
  o.dry_run = false;
  ASSERT_FALSE(
      s->import_pool(pool_from_csv("uscc,year,main_revenue\n91320505MA1P7K3C1N,2024,12000.5\n"), o)
          .ok());
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_NE(conflicts[0].reason.en.find("(from batch 1, file pool.csv)"), std::string::npos)
      << conflicts[0].reason.en;
  Result<ImportSummary> both = s->import_pool(
      pool_from_csv("uscc,year,revenue,main_revenue\n91320505MA1P7K3C1N,2024,12500,12000.5\n"),
      options("fixed.csv"));
  ASSERT_TRUE(both.ok()) << both.error().message.en;
  EXPECT_EQ(both->fields_changed, 2u);
}

// Issue 17: `audit verify` names the firm (USCC and name) and the field whose row was changed
// behind gradus's back — a yearly fact and a static fact edited in SQL — not only the batch.
TEST_P(StoreTest, AuditVerifyNamesTheFirmAndFieldOfAnEditedRow) {
  auto s = open();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->import_pool(pool_from_csv(sample_csv()), options()).ok());
  ASSERT_TRUE(s->verify_audit()->ok);
  auto id_of = [&](const std::string& sql) {
    Result<std::optional<int64_t>> v = query_integer(s->connection(), sql);
    EXPECT_TRUE(v.ok() && v->has_value()) << sql;
    return v.ok() ? v->value_or(0) : 0;
  };
  const int64_t yearly = id_of(
      "SELECT y.id FROM yearly_facts y JOIN enterprises e ON e.id = y.enterprise_id WHERE e.uscc = "
      "'91320505MA1P7K3C1N' AND y.year = 2024");
  ASSERT_TRUE(s->connection()
                  .execute("UPDATE yearly_facts SET revenue = revenue + 1000000 WHERE id = " +
                           std::to_string(yearly))
                  .ok());
  Pool pool = std::move(*s->load_pool());
  const std::string other = pool.uscc(5);
  const std::string other_name = pool.text(find_field("name")->id, 5);
  ASSERT_TRUE(s->connection()
                  .execute("UPDATE enterprise_versions SET listed = 1 - COALESCE(listed, 0) WHERE "
                           "enterprise_id = "
                           "(SELECT id FROM enterprises WHERE uscc = '" +
                           other + "')")
                  .ok());
  Result<AuditCheck> check = s->verify_audit();
  ASSERT_TRUE(check.ok()) << check.error().message.en;
  EXPECT_FALSE(check->ok);
  ASSERT_EQ(check->tampered.size(), 2u) << check->problem.en;
  const TamperedRow* fact = nullptr;
  const TamperedRow* flag = nullptr;
  for (const TamperedRow& t : check->tampered) (t.table == "yearly_facts" ? fact : flag) = &t;
  ASSERT_TRUE(fact && flag);
  EXPECT_EQ(fact->uscc, "91320505MA1P7K3C1N");
  const std::string first_name =
      pool.text(find_field("name")->id, *pool.find("91320505MA1P7K3C1N"));
  EXPECT_EQ(fact->name, first_name);
  EXPECT_EQ(fact->year, 2024);
  EXPECT_EQ(fact->fields, std::vector<std::string>{"revenue"});
  EXPECT_EQ(fact->row_id, yearly);
  EXPECT_EQ(flag->table, "enterprise_versions");
  EXPECT_EQ(flag->uscc, other);
  EXPECT_EQ(flag->name, other_name);
  EXPECT_EQ(flag->fields, std::vector<std::string>{"listed"});
  EXPECT_NE(check->problem.en.find("firm 91320505MA1P7K3C1N " + first_name +
                                   ": revenue for 2024 changed"),
            std::string::npos)
      << check->problem.en;
  EXPECT_NE(check->problem.en.find("firm " + other + " " + other_name + ": listed changed"),
            std::string::npos)
      << check->problem.en;
  EXPECT_NE(check->problem.zh.find("2024 年的营业收入（revenue） 被改动"), std::string::npos)
      << check->problem.zh;
  // A row slipped in under the batch's number is named as not written by it.
  ASSERT_TRUE(s->connection()
                  .execute("UPDATE yearly_facts SET revenue = revenue - 1000000 WHERE id = " +
                           std::to_string(yearly))
                  .ok());
  ASSERT_TRUE(s->connection()
                  .execute("INSERT INTO yearly_facts (id, enterprise_id, year, from_batch, "
                           "revenue) SELECT 999999, id, "
                           "2020, 1, 5 FROM enterprises WHERE uscc = '91320505MA1P7K3C1N'")
                  .ok());
  check = s->verify_audit();
  ASSERT_TRUE(check.ok());
  bool added = false;
  for (const TamperedRow& t : check->tampered)
    added |= t.added && t.row_id == 999999 && t.year == 2020;
  EXPECT_TRUE(added) << check->problem.en;
}

// Issue 16.1: a value over the backend's size limit (here lowered to 1000 bytes; SQLite's default
// is SQLITE_MAX_LENGTH, 1,000,000,000) used to be stored as NULL — or as the previous row's value
// — by an import that reported success, and `audit verify` then failed on an untouched store.
// Now the whole import fails, naming the firm, the field and the limit, and nothing is written.
TEST_P(StoreTest, AValueOverTheSizeLimitFailsTheWholeImport) {
  auto s = open();
  ASSERT_TRUE(s);
  const std::string csv = sample_csv();
  ASSERT_TRUE(s->import_pool(pool_from_csv(csv), options()).ok());
  Pool before = std::move(*s->load_pool());
  const uint32_t firm = *before.find("91320505MA1P7K3C1N");
  const std::string name = before.text(find_field("name")->id, firm);
  s->connection().lower_value_limit(1000);
  EXPECT_EQ(s->connection().value_limit(), 1000);
  // The name as the file writes it (full-width brackets), on each of the firm's rows.
  const size_t row = csv.find("\n91320505MA1P7K3C1N,");
  ASSERT_NE(row, std::string::npos);
  const size_t from = row + 20;
  const std::string raw = csv.substr(from, csv.find(',', from) - from);
  auto with_name = [&](const std::string& replacement) {
    std::string out = csv;
    for (size_t at = out.find("," + raw + ","); at != std::string::npos;
         at = out.find("," + raw + ",", at + 1)) {
      out.replace(at + 1, raw.size(), replacement);
    }
    return out;
  };
  const std::string longer = with_name(raw + std::string(2000, 'x'));
  ASSERT_NE(longer, csv);
  Result<ImportSummary> r = s->import_pool(pool_from_csv(longer), options("long.csv"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, StatusCode::invalid_argument);
  const std::string& en = r.error().message.en;
  EXPECT_NE(en.find("firm 91320505MA1P7K3C1N"), std::string::npos) << en;
  EXPECT_NE(
      en.find("the value of name (table enterprise_versions) is " +
              std::to_string(name.size() + 2000) + " bytes, over the store's limit of 1000 bytes"),
      std::string::npos)
      << en;
  EXPECT_NE(en.find("nothing from this file was imported"), std::string::npos) << en;
  EXPECT_NE(r.error().message.zh.find("企业 91320505MA1P7K3C1N"), std::string::npos)
      << r.error().message.zh;
  EXPECT_NE(r.error().message.zh.find("上限 1000 字节"), std::string::npos) << r.error().message.zh;
  // Nothing of the file was written: one batch, the same pool, an intact chain.
  EXPECT_EQ(s->batches()->size(), 1u);
  expect_same_pool(before, *s->load_pool());
  Result<AuditCheck> check = s->verify_audit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem.en;
  // A value within the limit goes in.
  Result<ImportSummary> ok =
      s->import_pool(pool_from_csv(with_name(raw + std::string(100, 'x'))), options("fits.csv"));
  ASSERT_TRUE(ok.ok()) << ok.error().message.en;
  EXPECT_EQ(ok->batch_id, 2);
  EXPECT_EQ(s->load_pool()->text(find_field("name")->id, firm), name + std::string(100, 'x'));
  EXPECT_TRUE(s->verify_audit()->ok);
}

// Issue 16.3: an import blocked by another writer used to fail after 10 s with "database is
// locked" (SQLite) or wait forever (PostgreSQL). It now waits GRADUS_BUSY_TIMEOUT seconds and says
// that another writer holds the store, which one when the backend knows, and what to do.
TEST_P(StoreTest, AnImportBlockedByAnotherWriterSaysSoAndWhatToDo) {
  auto holder = open();
  ASSERT_TRUE(holder);
  ::setenv("GRADUS_BUSY_TIMEOUT", "1", 1);
  Result<std::unique_ptr<Store>> opened = Store::open(url_);
  ::unsetenv("GRADUS_BUSY_TIMEOUT");
  ASSERT_TRUE(opened.ok()) << opened.error().message.en;
  Store& s = **opened;
  ASSERT_TRUE(holder->connection().begin_write().ok());
  const auto start = std::chrono::steady_clock::now();
  Result<ImportSummary> r = s.import_pool(pool_from_csv(sample_csv()), options());
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, StatusCode::failed_precondition);
  const std::string& en = r.error().message.en;
  EXPECT_NE(en.find("another writer holds the store " + s.describe() + " (waited 1 s)"),
            std::string::npos)
      << en;
  EXPECT_NE(en.find("retry when it has finished, or set GRADUS_BUSY_TIMEOUT=SECONDS"),
            std::string::npos)
      << en;
  EXPECT_EQ(en.find("database is locked"), std::string::npos) << en;
  EXPECT_NE(r.error().message.zh.find("另一个写入者正占用企业库"), std::string::npos)
      << r.error().message.zh;
  if (GetParam() == "postgresql") {
    EXPECT_NE(en.find("session pid "), std::string::npos) << en;  // which writer
  } else {
    EXPECT_NE(en.find("SQLite does not tell which process"), std::string::npos) << en;
  }
  EXPECT_GE(waited, 0.9);
  EXPECT_LT(waited, 8.0);
  // The connection is usable, and once the other writer is done the import goes in.
  ASSERT_TRUE(holder->connection().execute("ROLLBACK").ok());
  Result<ImportSummary> again = s.import_pool(pool_from_csv(sample_csv()), options());
  ASSERT_TRUE(again.ok()) << again.error().message.en;
  EXPECT_EQ(again->batch_id, 1);
}

// Issue 16.2: the audit chain covers the records of batches and assessment runs. A store with an
// import (batch 1, entry 1) and a saved run (run 1, entry 2); each test edits one thing with SQL.
class RecordTamperTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    s_ = open();
    ASSERT_TRUE(s_);
    ASSERT_TRUE(s_->import_pool(pool_from_csv(sample_csv()), options()).ok());
    Pool pool = std::move(*s_->load_pool());
    std::vector<StoredOutcome> outcomes;
    for (uint32_t e = 0; e < pool.size(); ++e) {
      outcomes.push_back(
          {e, "srdi-sme", "2026", e == 0 ? "met" : "not_met", "", "", e == 0 ? "" : "2", ""});
    }
    RunInfo info;
    info.actor = "tester";
    info.as_of = "2026-06-30";
    info.mode = "application";
    info.policies = "srdi-sme@2026";
    info.known_batch = 1;
    info.criteria = {{"srdi-sme", "2026", 2, "crit.2"}};
    Result<int64_t> run = s_->save_run(pool, info, outcomes);
    ASSERT_TRUE(run.ok()) << run.error().message.en;
    Result<AuditCheck> check = s_->verify_audit();
    ASSERT_TRUE(check.ok());
    ASSERT_TRUE(check->ok) << check->problem.en;
    EXPECT_EQ(check->runs_checked, 1);
  }
  // Runs `sql`, then expects verify to fail on exactly one record, naming `line` (en).
  const TamperedRecord* expect_tampered(const std::string& sql, const std::string& line) {
    EXPECT_TRUE(s_->connection().execute(sql).ok()) << sql;
    Result<AuditCheck> check = s_->verify_audit();
    EXPECT_TRUE(check.ok());
    if (!check.ok()) return nullptr;
    check_ = std::move(*check);
    EXPECT_FALSE(check_.ok);
    EXPECT_NE(
        check_.problem.en.find("records of batches or assessment runs were changed outside gradus"),
        std::string::npos)
        << check_.problem.en;
    EXPECT_NE(check_.problem.en.find("\n  " + line), std::string::npos) << check_.problem.en;
    EXPECT_EQ(check_.records.size(), 1u) << check_.problem.en;
    return check_.records.empty() ? nullptr : &check_.records[0];
  }
  void expect_batch_field(const std::string& column, const std::string& value,
                          const std::string& line) {
    const TamperedRecord* t = expect_tampered(
        "UPDATE import_batches SET " + column + " = " + value + " WHERE id = 1", line);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->what, "batch");
    EXPECT_EQ(t->id, 1);
    ASSERT_EQ(t->fields.size(), 1u);
    EXPECT_EQ(t->fields[0].name, column);
    EXPECT_EQ(check_.first_bad_seq.value_or(0), 1);
  }
  std::unique_ptr<Store> s_;
  AuditCheck check_;
};

TEST_P(RecordTamperTest, BatchActorEdited) {
  expect_batch_field("actor", "'mallory'",
                     "import batch 1 (entry 1): actor \"tester\" → \"mallory\"");
  EXPECT_NE(check_.problem.zh.find("导入批次 1（第 1 条记录）：操作人 \"tester\" → \"mallory\""),
            std::string::npos)
      << check_.problem.zh;
}
TEST_P(RecordTamperTest, BatchTimeEdited) {
  expect_batch_field("at", "'2020-01-01T00:00:00.000000Z'", "import batch 1 (entry 1): time \"");
}
TEST_P(RecordTamperTest, BatchFileNameEdited) {
  expect_batch_field("source", "'other.csv'",
                     "import batch 1 (entry 1): file name \"pool.csv\" → \"other.csv\"");
}
TEST_P(RecordTamperTest, BatchSha256Edited) {
  expect_batch_field("source_sha256", "'ff'",
                     "import batch 1 (entry 1): file SHA-256 \"00\" → \"ff\"");
}
TEST_P(RecordTamperTest, BatchRowCountEdited) {
  expect_batch_field("rows_read", "99", "import batch 1 (entry 1): rows read \"0\" → \"99\"");
}
TEST_P(RecordTamperTest, BatchKindEdited) {
  expect_batch_field("kind", "'demo'", "import batch 1 (entry 1): kind \"import\" → \"demo\"");
}
TEST_P(RecordTamperTest, RunOutcomeChanged) {
  const TamperedRecord* t = expect_tampered(
      "UPDATE assessment_results SET outcomes = '0=met////' WHERE run_id = 1 AND enterprise_id = "
      "(SELECT MAX(enterprise_id) FROM assessment_results WHERE run_id = 1)",
      "assessment run 1 (entry 2): outcomes changed or deleted");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->what, "run");
  EXPECT_EQ(t->id, 1);
  EXPECT_EQ(check_.first_bad_seq.value_or(0), 2);
}
TEST_P(RecordTamperTest, RunOutcomeDeleted) {
  const TamperedRecord* t = expect_tampered(
      "DELETE FROM assessment_results WHERE run_id = 1 AND enterprise_id = "
      "(SELECT MAX(enterprise_id) FROM assessment_results WHERE run_id = 1)",
      "assessment run 1 (entry 2): outcomes changed or deleted; result rows \"24\" → \"23\"");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->what, "run");
}
TEST_P(RecordTamperTest, RunCriterionChanged) {
  expect_tampered("UPDATE assessment_criteria SET criterion = 'crit.9' WHERE run_id = 1",
                  "assessment run 1 (entry 2): outcomes changed or deleted");
}
TEST_P(RecordTamperTest, RunAsOfChanged) {
  const TamperedRecord* t =
      expect_tampered("UPDATE assessment_runs SET as_of = '2025-06-30' WHERE id = 1",
                      "assessment run 1 (entry 2): as-of date \"2026-06-30\" → \"2025-06-30\"");
  ASSERT_TRUE(t);
  EXPECT_NE(check_.problem.zh.find(
                "第 1 次评价（第 2 条记录）：评价基准日 \"2026-06-30\" → \"2025-06-30\""),
            std::string::npos)
      << check_.problem.zh;
}
TEST_P(RecordTamperTest, RunDeleted) {
  const TamperedRecord* t = expect_tampered(
      "DELETE FROM assessment_results WHERE run_id = 1; DELETE FROM assessment_criteria WHERE "
      "run_id = 1; "
      "DELETE FROM assessment_runs WHERE id = 1",
      "assessment run 1 (entry 2) was deleted");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->deleted);
}
TEST_P(RecordTamperTest, RunAddedOutsideGradus) {
  const TamperedRecord* t = expect_tampered(
      "INSERT INTO assessment_runs (id, at, actor, as_of, mode, known_batch, policies) VALUES (2, "
      "'2026-12-01T00:00:00.000000Z', 'mallory', '2026-06-30', 'application', 1, 'srdi-sme@2026')",
      "assessment run 2 has no audit record (written outside gradus?)");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->unrecorded);
}

// A store written before schema 5 (here: schema 4, with an import and a run) gets the records of
// what it holds in one entry of the migration ("trusted at migration"); from then on an edit of
// them is found like in a new store.
TEST_P(StoreTest, UpgradeRecordsExistingBatchesAndRunsAsTrustedAtMigration) {
  {
    Result<std::unique_ptr<SqlConnection>> c = open_sql(url_);
    ASSERT_TRUE(c.ok()) << c.error().message.en;
    ASSERT_TRUE(migrate(**c, nullptr, 4).ok());
    Store v4(std::move(*c));
    ASSERT_TRUE(v4.import_pool(pool_from_csv(sample_csv()), options()).ok());
    Pool pool = std::move(*v4.load_pool());
    std::vector<StoredOutcome> outcomes;
    for (uint32_t e = 0; e < pool.size(); ++e)
      outcomes.push_back({e, "srdi-sme", "2026", "not_met", "", "", "", ""});
    RunInfo info;
    info.actor = "tester";
    info.as_of = "2026-06-30";
    info.mode = "application";
    info.policies = "srdi-sme@2026";
    info.known_batch = 1;
    ASSERT_TRUE(v4.save_run(pool, info, outcomes).ok());
    // Edited before the upgrade: taken as it is at migration.
    ASSERT_TRUE(v4.connection()
                    .execute("UPDATE import_batches SET source = 'renamed.csv' WHERE id = 1")
                    .ok());
  }
  auto s = open();
  ASSERT_TRUE(s);
  EXPECT_EQ(*schema_version(s->connection()), latest_schema_version());
  Result<std::vector<AuditEntry>> log = s->audit_log();
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[2].action, "migration");
  EXPECT_NE((*log)[2].detail.find("\"trusted_at_migration\":true"), std::string::npos);
  Result<AuditCheck> check = s->verify_audit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem.en;
  EXPECT_EQ(check->runs_checked, 1);
  ASSERT_TRUE(
      s->connection().execute("UPDATE import_batches SET actor = 'mallory' WHERE id = 1").ok());
  ASSERT_TRUE(
      s->connection().execute("UPDATE assessment_runs SET mode = 'renewal' WHERE id = 1").ok());
  check = s->verify_audit();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->first_bad_seq.value_or(0), 3);
  EXPECT_NE(check->problem.en.find("import batch 1 (entry 3): actor \"tester\" → \"mallory\""),
            std::string::npos)
      << check->problem.en;
  EXPECT_NE(
      check->problem.en.find("assessment run 1 (entry 3): mode \"application\" → \"renewal\""),
      std::string::npos)
      << check->problem.en;
  // Migrating again changes nothing (the entry is written once).
  int applied = -1;
  ASSERT_TRUE(migrate(s->connection(), &applied).ok());
  EXPECT_EQ(applied, 0);
  EXPECT_EQ(s->audit_log()->size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Backends, RecordTamperTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(StoreUrl, RejectsUnknownSchemes) {
  Result<std::unique_ptr<SqlConnection>> c = open_sql("mysql://x");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.en.find("sqlite:PATH"), std::string::npos);
}

TEST(StoreSchema, EveryCatalogueFieldHasAColumnAndTextValuesRoundTrip) {
  // Opening a fresh SQLite store and inserting a row naming every column proves the columns exist.
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("gradus_schema_" + std::to_string(getpid()) + ".db"))
                               .string();
  std::filesystem::remove(path);
  {
    auto s = Store::open("sqlite:" + path, {.create = true});
    ASSERT_TRUE(s.ok());
    std::string cols;
    for (const FactColumn& c : static_fact_columns())
      cols += std::string(", ") + std::string(c.field->name);
    EXPECT_TRUE((*s)->connection().execute("SELECT id" + cols + " FROM enterprise_versions").ok());
    cols.clear();
    for (const FactColumn& c : yearly_fact_columns())
      cols += std::string(", ") + std::string(c.field->name);
    EXPECT_TRUE((*s)->connection().execute("SELECT id" + cols + " FROM yearly_facts").ok());
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  const FieldDef* pf = find_field("product_field");
  EXPECT_EQ(decode_text_value(*pf, encode_text_value(*pf, 0b101)).value_or(-1), 0b101);
  EXPECT_FALSE(decode_text_value(*pf, "no_such_field").has_value());
  const FieldDef* ind = find_field("industry");
  EXPECT_EQ(encode_text_value(*ind, 111), "0111");
}

}  // namespace
}  // namespace gradus::store
