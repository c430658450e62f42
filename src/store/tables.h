// Internal to the store: the column layout of each written table (the order in which rows are
// inserted and hashed), the canonical byte stream that an import batch's digest is computed over,
// and SHA-256 (libsodium). Shared by store.cpp (writing) and audit.cpp (verifying).
#pragma once

#include <sodium.h>

#include <array>
#include <optional>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql.h"

namespace gradus::store {

struct TableColumn {
  std::string name;
  bool is_text;
};

// A table that import batches write, with the columns written on insert (to_batch is not among
// them: it is set later, when the row is replaced).
struct TableLayout {
  std::string name;
  std::vector<TableColumn> columns;
  bool versioned;  // has from_batch / to_batch (enterprises has first_batch instead)
};

// In write (and digest) order.
const std::vector<TableLayout>& written_tables();
const TableLayout& table_layout(std::string_view name);

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  std::string hex_final();

 private:
  crypto_hash_sha256_state state_;
};

std::string sha256_hex(std::string_view bytes);
// SHA-256 of a file's bytes, hex.
Result<std::string> sha256_of_file(const std::string& path);

// The text as a JSON string body (quotes and backslashes escaped, control characters as \\u).
std::string json_escape(std::string_view s);

// Feeds values into a digest in a canonical, unambiguous form: the same rows give the same
// bytes whether they are being written or read back.
class RowDigest {
 public:
  explicit RowDigest(Sha256& h) : h_(h) {}
  void null() { h_.update("N"); }
  void integer(int64_t v) {
    std::string s = "I" + std::to_string(v) + "\x1f";
    h_.update(s);
  }
  void text(std::string_view v) {
    std::string s = "T" + std::to_string(v.size()) + ":";
    h_.update(s);
    h_.update(v);
  }
  void end_row() { h_.update("\x1e"); }
  void marker(std::string_view m) {
    h_.update("\x1d");
    h_.update(m);
  }

 private:
  Sha256& h_;
};

// A bulk insert whose values also go into a digest.
class DigestingInsert {
 public:
  DigestingInsert(SqlBulkInsert& out, Sha256& h) : out_(out), digest_(h) {}
  void null() { out_.null(), digest_.null(); }
  void integer(int64_t v) { out_.integer(v), digest_.integer(v); }
  void text(std::string_view v) { out_.text(v), digest_.text(v); }
  void optional_integer(const std::optional<int64_t>& v) { v ? integer(*v) : null(); }
  void optional_text(const std::optional<std::string>& v) { v ? text(*v) : null(); }
  Status end_row() {
    digest_.end_row();
    return out_.end_row();
  }

 private:
  SqlBulkInsert& out_;
  RowDigest digest_;
};

}  // namespace gradus::store
