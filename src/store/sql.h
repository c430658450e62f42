// The thin SQL layer under the store: one connection interface with two implementations, SQLite
// (sqlite_connection.cpp) and PostgreSQL (postgres_connection.cpp, libpq). Everything above it —
// migrations, imports, history, the audit chain — is written once against this interface, so the
// two backends behave the same and pass the same tests.
//
// SQL text uses `?` placeholders for both backends (the PostgreSQL side rewrites them to $1, $2, …)
// and only types both understand (BIGINT, TEXT). Values are NULL, 64-bit integers or text.
//
//   Result<std::unique_ptr<SqlConnection>> c = open_sql("sqlite:/tmp/pool.db");
//   (*c)->execute("CREATE TABLE t (a BIGINT, b TEXT)");
//   (*c)->run("INSERT INTO t VALUES (?, ?)", {SqlParam{int64_t{1}}, SqlParam{std::string("x")}});
//   auto rows = (*c)->query("SELECT a, b FROM t WHERE a > ?", {SqlParam{int64_t{0}}});
//   while ((*rows)->next()) use((*rows)->integer(0), (*rows)->text(1));
//
// Thread-safety: a connection and everything it returns belong to one thread at a time. Read a
// result to its end (or destroy it) before the next statement on the same connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/status.h"

namespace gradus::store {

enum class SqlDialect { sqlite, postgresql };

using SqlParam = std::variant<std::monostate, int64_t, std::string>;

// A forward-only cursor over a result. Column accessors are valid after next() returned true and
// until the next call to next().
class SqlRows {
 public:
  virtual ~SqlRows() = default;
  // Advances to the next row; false at the end or on an error (then status() says which).
  virtual bool next() = 0;
  virtual bool is_null(int col) const = 0;
  virtual int64_t integer(int col) const = 0;        // 0 for NULL
  virtual std::string_view text(int col) const = 0;  // "" for NULL
  virtual Status status() const = 0;
};

// Rows appended to one table, as fast as the backend allows (SQLite: a prepared INSERT;
// PostgreSQL: COPY FROM STDIN). Values are given column by column, then end_row(). Nothing is
// visible to other connections until the surrounding transaction commits.
class SqlBulkInsert {
 public:
  virtual ~SqlBulkInsert() = default;
  virtual void null() = 0;
  virtual void integer(int64_t v) = 0;
  virtual void text(std::string_view v) = 0;
  virtual Status end_row() = 0;
  // Flushes; the writer must not be used afterwards.
  virtual Status finish() = 0;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;
  // One or more statements without parameters (DDL, BEGIN, COMMIT…).
  virtual Status execute(std::string_view sql) = 0;
  // One statement with parameters, no result rows expected.
  virtual Status run(std::string_view sql, std::span<const SqlParam> params = {}) = 0;
  // One statement returning rows. The whole result is not materialised for large reads.
  virtual Result<std::unique_ptr<SqlRows>> query(std::string_view sql,
                                                 std::span<const SqlParam> params = {}) = 0;
  virtual Result<std::unique_ptr<SqlBulkInsert>> bulk_insert(
      std::string_view table, std::span<const std::string_view> columns) = 0;
  // Begins a transaction that takes the store's write lock at once (SQLite: BEGIN IMMEDIATE;
  // PostgreSQL: BEGIN + a transaction-scoped advisory lock), so writers queue instead of failing.
  virtual Status begin_write() = 0;
  // A human-readable name of the database (file path or host/dbname), without any password.
  virtual std::string describe() const = 0;

  // The largest text value (bytes) the backend stores: SQLite's SQLITE_LIMIT_LENGTH (1,000,000,000
  // unless SQLite was built otherwise), PostgreSQL's limit of one field (1 GB − 1). A value over it
  // fails its statement or bulk row (invalid_argument, naming the table, the column and the
  // limit); it is never stored as NULL in its place. `lower_value_limit` lowers it for this
  // connection (tests: SQLite's sqlite3_limit; PostgreSQL: checked before sending).
  virtual int64_t value_limit() const = 0;
  virtual void lower_value_limit(int64_t bytes) = 0;
  // How long begin_write waits for another writer before it fails (failed_precondition, a message
  // saying that another writer holds the store — which one, when the backend can tell — and what
  // to do). The default is kDefaultBusyTimeoutMs, or $GRADUS_BUSY_TIMEOUT (seconds) when set.
  virtual void set_busy_timeout(int milliseconds) = 0;
};

inline constexpr int kDefaultBusyTimeoutMs = 10000;
// $GRADUS_BUSY_TIMEOUT (whole seconds, 0–86400) in milliseconds; kDefaultBusyTimeoutMs when unset
// or not a number in that range.
int busy_timeout_from_environment();
// The message of begin_write when another writer held the store longer than `waited_ms`; `holder`
// describes it ("" when unknown).
Status store_busy(const std::string& store, int waited_ms, const std::string& holder_zh,
                  const std::string& holder_en);
// The message for a value (or row) over the backend's size limit.
Status value_too_big(std::string_view backend_limit, std::string_view table,
                     std::string_view column, uint64_t bytes, int64_t limit);

// Opens `sqlite:PATH` (the file is created when missing) or `postgresql://…` / `postgres://…` (a
// libpq URI). Anything else is an invalid_argument error that shows the accepted forms.
Result<std::unique_ptr<SqlConnection>> open_sql(std::string_view url);

Result<std::unique_ptr<SqlConnection>> open_sqlite(const std::string& path);
// The file of a `sqlite:PATH` URL (`sqlite:///abs` → `/abs`); nullopt for any other URL.
std::optional<std::string> sqlite_file_of(std::string_view url);
Result<std::unique_ptr<SqlConnection>> open_postgres(const std::string& uri);

// Runs `body` (returning Status) in the store's write transaction: begin_write, then COMMIT when
// it succeeds, ROLLBACK when it fails (its status is returned).
template <typename F>
Status in_write_transaction(SqlConnection& c, F&& body) {
  if (Status s = c.begin_write(); !s.ok()) return s;
  Status s = body();
  if (!s.ok()) {
    (void)c.execute("ROLLBACK");
    return s;
  }
  return c.execute("COMMIT");
}

// A single-value convenience: the first column of the first row as an integer (nullopt when no
// row or NULL).
Result<std::optional<int64_t>> query_integer(SqlConnection& c, std::string_view sql,
                                             std::span<const SqlParam> params = {});

}  // namespace gradus::store
