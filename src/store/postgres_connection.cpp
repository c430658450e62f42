// The PostgreSQL implementation of the store's SQL layer (sql.h), on libpq. Reads stream through
// `COPY (SELECT …) TO STDOUT` (text format), so a million rows are never held in one result;
// bulk inserts use `COPY … FROM STDIN` in binary format. `?` placeholders become $1, $2, … for
// statements and are inlined as escaped literals for COPY reads.
#include <libpq-fe.h>

#include <charconv>
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
class PostgresBulkInsert final : public SqlBulkInsert {
 public:
  PostgresBulkInsert(PGconn* c, size_t columns)
      : conn_(c), columns_(static_cast<int16_t>(columns)) {
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
    put32(-1);
  }
  void integer(int64_t v) override {
    start_field();
    put32(8);
    const auto u = static_cast<uint64_t>(v);
    put32(static_cast<int32_t>(u >> 32));
    put32(static_cast<int32_t>(u & 0xffffffffu));
  }
  void text(std::string_view v) override {
    start_field();
    put32(static_cast<int32_t>(v.size()));
    buffer_.append(v);
  }
  Status end_row() override {
    row_started_ = false;
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
  std::string buffer_;
  bool row_started_ = false;
  bool finished_ = false;
};

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
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) s = result_error(r, "execute");
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
    return std::unique_ptr<SqlBulkInsert>(
        std::make_unique<PostgresBulkInsert>(conn_, columns.size()));
  }

  Status begin_write() override {
    // One writer at a time, whatever the table: a transaction-scoped advisory lock.
    return execute("BEGIN; SELECT pg_advisory_xact_lock(4751620)");
  }

 private:
  PGconn* conn_;
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
