// The PostgreSQL implementation of the store's SQL layer (sql.h), on libpq. Reads stream through
// `COPY (SELECT …) TO STDOUT` (text format), so a million rows are never held in one result;
// bulk inserts use `COPY … FROM STDIN` in binary format. `?` placeholders become $1, $2, … for
// statements and are inlined as escaped literals for COPY reads.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "store/sql.h"

namespace gradus::store {
namespace {

Status pg_error(PGconn* c, std::string_view what) {
  std::string msg = c != nullptr ? PQerrorMessage(c) : "out of memory";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return error(StatusCode::io_error, "PostgreSQL 错误（" + std::string(what) + "）：" + msg,
               "PostgreSQL error (" + std::string(what) + "): " + msg);
}

Status result_error(PGresult* r, std::string_view what) {
  std::string msg = PQresultErrorMessage(r);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return error(StatusCode::io_error, "PostgreSQL 错误（" + std::string(what) + "）：" + msg,
               "PostgreSQL error (" + std::string(what) + "): " + msg);
}

// `?` → `$n` outside quoted literals.
std::string number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  bool quoted = false;
  for (char ch : sql) {
    if (ch == '\'') quoted = !quoted;
    if (ch == '?' && !quoted) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += ch;
    }
  }
  return out;
}

// Rows of a COPY … TO STDOUT in text format: tab-separated, \N for NULL, backslash escapes.
class PostgresCopyRows final : public SqlRows {
 public:
  explicit PostgresCopyRows(PGconn* c) : conn_(c) {}
  ~PostgresCopyRows() override {
    if (line_ != nullptr) PQfreemem(line_);
    // Drain an abandoned COPY so that the connection stays usable.
    while (!finished_) {
      char* buf = nullptr;
      const int n = PQgetCopyData(conn_, &buf, 0);
      if (buf != nullptr) PQfreemem(buf);
      if (n < 0) finish();
    }
  }
  bool next() override {
    if (finished_) return false;
    if (line_ != nullptr) PQfreemem(line_), line_ = nullptr;
    const int n = PQgetCopyData(conn_, &line_, 0);
    if (n == -1) {
      finish();
      return false;
    }
    if (n < 0) {
      status_ = pg_error(conn_, "read");
      finish();
      return false;
    }
    split(std::string_view(line_, static_cast<size_t>(n)));
    return true;
  }
  bool is_null(int col) const override { return nulls_[static_cast<size_t>(col)] != 0; }
  int64_t integer(int col) const override {
    const std::string_view t = fields_[static_cast<size_t>(col)];
    int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
  }
  std::string_view text(int col) const override { return fields_[static_cast<size_t>(col)]; }
  Status status() const override { return status_; }

 private:
  void finish() {
    finished_ = true;
    while (PGresult* r = PQgetResult(conn_)) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK && status_.ok()) status_ = result_error(r, "read");
      PQclear(r);
    }
  }
  void split(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    fields_.clear();
    nulls_.clear();
    unescaped_.clear();
    // Unescaped text is appended to one buffer; fields point into it after the line is split.
    std::vector<std::pair<size_t, size_t>> spans;
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] != '\t') continue;
      std::string_view raw = line.substr(start, i - start);
      start = i + 1;
      if (raw == "\\N") {
        spans.emplace_back(0, 0);
        nulls_.push_back(1);
        continue;
      }
      const size_t from = unescaped_.size();
      for (size_t k = 0; k < raw.size(); ++k) {
        if (raw[k] != '\\' || k + 1 == raw.size()) {
          unescaped_ += raw[k];
          continue;
        }
        const char e = raw[++k];
        switch (e) {
          case 'n':
            unescaped_ += '\n';
            break;
          case 't':
            unescaped_ += '\t';
            break;
          case 'r':
            unescaped_ += '\r';
            break;
          case 'b':
            unescaped_ += '\b';
            break;
          case 'f':
            unescaped_ += '\f';
            break;
          case 'v':
            unescaped_ += '\v';
            break;
          default:
            unescaped_ += e;
        }
      }
      spans.emplace_back(from, unescaped_.size() - from);
      nulls_.push_back(0);
    }
    for (auto [from, len] : spans) fields_.emplace_back(unescaped_.data() + from, len);
  }

  PGconn* conn_;
  char* line_ = nullptr;
  bool finished_ = false;
  Status status_;
  std::string unescaped_;
  std::vector<std::string_view> fields_;
  std::vector<uint8_t> nulls_;
};

// Bulk inserts in COPY's binary format: the server takes integers as 8 bytes and texts as they
// are, instead of parsing and unescaping text (measured: COPY of 991,743 yearly_facts rows
// 2.44 → 2.19 s; most of a COPY's time is writing the rows, not reading them). So integer() is only
// for BIGINT columns and text() only for TEXT columns, which is how the schema is written
// (schema.h); a mismatch is refused by the server ("incorrect binary data format") and fails the
// import.
//
// A text over the value limit (PostgreSQL's 1 GB field limit, or lower for tests) is refused
// before it is sent: end_row() fails naming the column (its length would not even fit the
// format's 32-bit length field beyond 2 GB).
class PostgresBulkInsert final : public SqlBulkInsert {
 public:
  PostgresBulkInsert(PGconn* c, std::string table, std::vector<std::string> names, int64_t limit)
      : conn_(c),
        columns_(static_cast<int16_t>(names.size())),
        table_(std::move(table)),
        names_(std::move(names)),
        limit_(limit) {
    buffer_.reserve(1 << 20);
    buffer_.append("PGCOPY\n\377\r\n\0", 11);  // signature
    put32(0);                                  // flags
    put32(0);                                  // header extension length
  }
  ~PostgresBulkInsert() override {
    if (!finished_) {
      PQputCopyEnd(conn_, "abandoned");
      while (PGresult* r = PQgetResult(conn_)) PQclear(r);
    }
  }
  void null() override {
    start_field();
    ++col_;
    put32(-1);
  }
  void integer(int64_t v) override {
    start_field();
    ++col_;
    put32(8);
    const auto u = static_cast<uint64_t>(v);
    put32(static_cast<int32_t>(u >> 32));
    put32(static_cast<int32_t>(u & 0xffffffffu));
  }
  void text(std::string_view v) override {
    start_field();
    ++col_;
    if (static_cast<uint64_t>(v.size()) > static_cast<uint64_t>(limit_)) {
      if (failed_.ok()) {
        const size_t k = static_cast<size_t>(col_ - 1);
        failed_ = value_too_big("PostgreSQL", table_,
                                k < names_.size() ? names_[k] : "#" + std::to_string(col_),
                                v.size(), limit_);
      }
      put32(-1);
      return;
    }
    put32(static_cast<int32_t>(v.size()));
    buffer_.append(v);
  }
  Status end_row() override {
    row_started_ = false;
    col_ = 0;
    if (!failed_.ok()) return failed_;  // the COPY is abandoned by the destructor: nothing is kept
    if (buffer_.size() >= (1 << 20)) return flush();
    return Status::ok_status();
  }
  Status finish() override {
    put16(-1);  // trailer
    if (Status s = flush(); !s.ok()) return s;
    finished_ = true;
    if (PQputCopyEnd(conn_, nullptr) != 1) return pg_error(conn_, "copy end");
    Status result;
    while (PGresult* r = PQgetResult(conn_)) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK && result.ok()) result = result_error(r, "copy");
      PQclear(r);
    }
    return result;
  }

 private:
  // Network byte order throughout.
  void put16(int16_t v) {
    const auto u = static_cast<uint16_t>(v);
    const char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u & 0xff)};
    buffer_.append(b, 2);
  }
  void put32(int32_t v) {
    const auto u = static_cast<uint32_t>(v);
    const char b[4] = {static_cast<char>(u >> 24), static_cast<char>((u >> 16) & 0xff),
                       static_cast<char>((u >> 8) & 0xff), static_cast<char>(u & 0xff)};
    buffer_.append(b, 4);
  }
  // Each row starts with its field count.
  void start_field() {
    if (!row_started_) put16(columns_), row_started_ = true;
  }
  Status flush() {
    if (buffer_.empty()) return Status::ok_status();
    if (PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
      return pg_error(conn_, "copy");
    }
    buffer_.clear();
    return Status::ok_status();
  }

  PGconn* conn_;
  int16_t columns_;
  std::string table_;
  std::vector<std::string> names_;
  int64_t limit_;
  int col_ = 0;
  Status failed_;
  std::string buffer_;
  bool row_started_ = false;
  bool finished_ = false;
};

// The largest text PostgreSQL stores in one field (1 GB − 1).
constexpr int64_t kPostgresFieldLimit = (int64_t{1} << 30) - 1;
// The advisory lock that serialises the store's writers (begin_write).
constexpr int64_t kWriteLock = 4751620;

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(PGconn* c) : conn_(c) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  SqlDialect dialect() const override { return SqlDialect::postgresql; }
  std::string describe() const override {
    std::string host = PQhost(conn_) != nullptr ? PQhost(conn_) : "";
    return std::string("postgresql://") + PQuser(conn_) + "@" + host + ":" + PQport(conn_) + "/" +
           PQdb(conn_);
  }

  Status execute(std::string_view sql) override {
    PGresult* r = PQexec(conn_, std::string(sql).c_str());
    Status s;
    const ExecStatusType st = PQresultStatus(r);
    last_sqlstate_.clear();
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      s = result_error(r, "execute");
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      if (state != nullptr) last_sqlstate_ = state;
    }
    PQclear(r);
    return s;
  }

  Status run(std::string_view sql, std::span<const SqlParam> params) override {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (std::holds_alternative<int64_t>(params[i])) {
        texts[i] = std::to_string(std::get<int64_t>(params[i]));
        values[i] = texts[i].c_str();
      } else if (std::holds_alternative<std::string>(params[i])) {
        values[i] = std::get<std::string>(params[i]).c_str();
      }
    }
    const std::string text = number_placeholders(sql);
    PGresult* r = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
    Status s;
    const ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) s = result_error(r, "run");
    PQclear(r);
    return s;
  }

  Result<std::unique_ptr<SqlRows>> query(std::string_view sql,
                                         std::span<const SqlParam> params) override {
    // Inline the parameters as literals, then stream the result through COPY.
    std::string inlined;
    size_t next = 0;
    bool quoted = false;
    for (char ch : sql) {
      if (ch == '\'') quoted = !quoted;
      if (ch != '?' || quoted) {
        inlined += ch;
        continue;
      }
      if (next >= params.size()) {
        return error(StatusCode::internal, "SQL 参数不足", "too few SQL parameters");
      }
      const SqlParam& p = params[next++];
      if (std::holds_alternative<int64_t>(p)) {
        inlined += std::to_string(std::get<int64_t>(p));
      } else if (std::holds_alternative<std::string>(p)) {
        const std::string& s = std::get<std::string>(p);
        char* lit = PQescapeLiteral(conn_, s.data(), s.size());
        if (lit == nullptr) return pg_error(conn_, "escape");
        inlined += lit;
        PQfreemem(lit);
      } else {
        inlined += "NULL";
      }
    }
    const std::string copy = "COPY (" + inlined + ") TO STDOUT";
    PGresult* r = PQexec(conn_, copy.c_str());
    const ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COPY_OUT) {
      Status s = result_error(r, "query");
      PQclear(r);
      return s;
    }
    PQclear(r);
    return std::unique_ptr<SqlRows>(std::make_unique<PostgresCopyRows>(conn_));
  }

  Result<std::unique_ptr<SqlBulkInsert>> bulk_insert(
      std::string_view table, std::span<const std::string_view> columns) override {
    std::string sql = "COPY " + std::string(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += columns[i];
    }
    sql += ") FROM STDIN (FORMAT binary)";
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COPY_IN) {
      Status s = result_error(r, "copy");
      PQclear(r);
      return s;
    }
    PQclear(r);
    return std::unique_ptr<SqlBulkInsert>(std::make_unique<PostgresBulkInsert>(
        conn_, std::string(table), std::vector<std::string>(columns.begin(), columns.end()),
        limit_));
  }

  // One writer at a time, whatever the table: a transaction-scoped advisory lock, waited for at
  // most the busy timeout (lock_timeout, for this transaction only). When another writer holds it
  // longer, the message names that session (pg_locks, pg_stat_activity).
  Status begin_write() override {
    Status s = execute("BEGIN; SET LOCAL lock_timeout = " + std::to_string(busy_ms_) +
                       "; SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) +
                       "); SET LOCAL lock_timeout = DEFAULT");
    if (s.ok()) return s;
    const bool timed_out = last_sqlstate_ == "55P03";  // lock_not_available
    (void)execute("ROLLBACK");
    if (!timed_out) return s;
    std::string zh = "PostgreSQL 未能查到是哪个会话",
                en = "PostgreSQL could not tell which session";
    auto rows = query(
        "SELECT a.pid, COALESCE(a.usename, ''), COALESCE(a.application_name, ''), "
        "COALESCE(host(a.client_addr), 'local'), COALESCE(to_char(a.xact_start AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = "
        "l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = " +
            std::to_string(kWriteLock) + " AND l.objsubid = 1",
        {});
    if (rows && (*rows)->next()) {
      const SqlRows& r = **rows;
      const std::string pid = std::to_string(r.integer(0)), user = std::string(r.text(1)),
                        app = std::string(r.text(2)), host = std::string(r.text(3)),
                        since = std::string(r.text(4));
      zh = "会话 pid " + pid + "（用户 " + user + (app.empty() ? "" : "，程序 " + app) + "，来自 " +
           host + (since.empty() ? "" : "，事务开始于 " + since) + "）";
      en = "session pid " + pid + " (user " + user + (app.empty() ? "" : ", application " + app) +
           ", from " + host + (since.empty() ? "" : ", transaction started " + since) + ")";
      while ((*rows)->next()) {
      }
    }
    return store_busy(describe(), busy_ms_, zh, en);
  }

  int64_t value_limit() const override { return limit_; }
  void lower_value_limit(int64_t bytes) override { limit_ = std::min(limit_, bytes); }
  void set_busy_timeout(int milliseconds) override { busy_ms_ = milliseconds; }

 private:
  PGconn* conn_;
  int64_t limit_ = kPostgresFieldLimit;
  int busy_ms_ = kDefaultBusyTimeoutMs;
  std::string last_sqlstate_;  // of the last failed execute()
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> open_postgres(const std::string& uri) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
    Status s = pg_error(c, "connect");
    if (c != nullptr) PQfinish(c);
    return s;
  }
  auto conn = std::make_unique<PostgresConnection>(c);
  conn->set_busy_timeout(busy_timeout_from_environment());
  if (Status s = conn->execute("SET client_min_messages = warning; SET client_encoding = 'UTF8'");
      !s.ok()) {
    return s;
  }
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

std::optional<std::string> sqlite_file_of(std::string_view url) {
  if (!url.starts_with("sqlite:")) return std::nullopt;
  std::string path(url.substr(7));
  if (path.starts_with("//")) path = path.substr(2);  // sqlite:///abs/path
  return path;
}

Result<std::unique_ptr<SqlConnection>> open_sql(std::string_view url) {
  if (std::optional<std::string> file = sqlite_file_of(url)) {
    const std::string& path = *file;
    if (path.empty()) {
      return invalid("sqlite: 后缺少文件路径（如 sqlite:gradus.db）",
                     "sqlite: needs a file path (e.g. sqlite:gradus.db)");
    }
    return open_sqlite(path);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return open_postgres(std::string(url));
  }
  return invalid("无法识别的数据库地址 \"" + std::string(url) +
                     "\"：应为 sqlite:路径 或 postgresql://用户@主机/库名",
                 "unrecognised database address \"" + std::string(url) +
                     "\": use sqlite:PATH or postgresql://USER@HOST/DBNAME");
}

int busy_timeout_from_environment() {
  const char* env = std::getenv("GRADUS_BUSY_TIMEOUT");
  if (env == nullptr || *env == '\0') return kDefaultBusyTimeoutMs;
  int seconds = -1;
  const char* end = env + std::strlen(env);
  const auto [ptr, ec] = std::from_chars(env, end, seconds);
  if (ec != std::errc() || ptr != end || seconds < 0 || seconds > 86400)
    return kDefaultBusyTimeoutMs;
  return seconds * 1000;
}

Status store_busy(const std::string& store, int waited_ms, const std::string& holder_zh,
                  const std::string& holder_en) {
  const std::string waited = waited_ms % 1000 == 0 ? std::to_string(waited_ms / 1000) + " s"
                                                   : std::to_string(waited_ms) + " ms";
  const std::string waited_zh = waited_ms % 1000 == 0 ? std::to_string(waited_ms / 1000) + " 秒"
                                                      : std::to_string(waited_ms) + " 毫秒";
  return error(
      StatusCode::failed_precondition,
      "另一个写入者正占用企业库 " + store + "（已等待 " + waited_zh + "）：" + holder_zh +
          "。本次未写入任何数据；请等它完成后重试，或设置环境变量 GRADUS_BUSY_TIMEOUT=秒数（如 "
          "GRADUS_BUSY_TIMEOUT=300）等待更久",
      "another writer holds the store " + store + " (waited " + waited + "): " + holder_en +
          ". Nothing was written; retry when it has finished, or set GRADUS_BUSY_TIMEOUT=SECONDS "
          "(e.g. GRADUS_BUSY_TIMEOUT=300) to wait longer");
}

Status value_too_big(std::string_view backend_limit, std::string_view table,
                     std::string_view column, uint64_t bytes, int64_t limit) {
  const std::string where_zh = column.empty() ? "表 " + std::string(table) + " 的一行"
                               : table.empty()
                                   ? "参数 " + std::string(column)
                                   : std::string(column) + "（表 " + std::string(table) + "）";
  const std::string where_en = column.empty() ? "a row of table " + std::string(table)
                               : table.empty()
                                   ? "parameter " + std::string(column)
                                   : std::string(column) + " (table " + std::string(table) + ")";
  const std::string size_zh = bytes > 0 ? "有 " + std::to_string(bytes) + " 字节，" : "";
  const std::string size_en = bytes > 0 ? " is " + std::to_string(bytes) + " bytes," : "";
  return error(StatusCode::invalid_argument,
               where_zh + "的值" + size_zh + "超过企业库单个值的上限 " + std::to_string(limit) +
                   " 字节（" + std::string(backend_limit) + "），无法保存",
               "the value of " + where_en + size_en + " over the store's limit of " +
                   std::to_string(limit) + " bytes for one value (" + std::string(backend_limit) +
                   "): it cannot be stored");
}

Result<std::optional<int64_t>> query_integer(SqlConnection& c, std::string_view sql,
                                             std::span<const SqlParam> params) {
  Result<std::unique_ptr<SqlRows>> rows = c.query(sql, params);
  if (!rows) return rows.error();
  std::optional<int64_t> out;
  if ((*rows)->next() && !(*rows)->is_null(0)) out = (*rows)->integer(0);
  while ((*rows)->next()) {
  }
  if (Status s = (*rows)->status(); !s.ok()) return s;
  return out;
}

}  // namespace gradus::store
