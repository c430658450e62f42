// Internal to the store: the column layout of each written table (the order in which rows are
// inserted and hashed), the canonical byte stream that an import batch's digest is computed over,
// and SHA-256 (libsodium). Shared by store.cpp (writing) and audit.cpp (verifying).
#pragma once

#include <sodium.h>

#include <array>
#include <charconv>
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

// BLAKE2b-256 (libsodium crypto_generichash): the digest of the rows an import batch writes. Much
// faster than libsodium's portable SHA-256 over a million rows; the chain itself uses SHA-256.
class RowHash {
 public:
  RowHash();
  void update(std::string_view bytes);
  std::string hex_final();

 private:
  crypto_generichash_state state_;
};
// SHA-256 of a file's bytes, hex.
Result<std::string> sha256_of_file(const std::string& path);

// The text as a JSON string body (quotes and backslashes escaped, control characters as \\u).
std::string json_escape(std::string_view s);

// Feeds values into a digest in a canonical, unambiguous form: the same rows give the same
// bytes whether they are being written or read back. Values are gathered in a buffer and hashed
// in large pieces (a million rows make tens of millions of values).
class RowDigest {
 public:
  explicit RowDigest(RowHash& h) : h_(h) {}
  RowDigest(const RowDigest&) = delete;
  RowDigest& operator=(const RowDigest&) = delete;
  ~RowDigest() { flush(); }
  void null() { buf_ += 'N'; }
  // Fixed-width binary: a tag byte, then 8 bytes (little endian) for an integer or 4 bytes of
  // length for a text followed by its bytes.
  void integer(int64_t v) {
    char bytes[9] = {'I'};
    const uint64_t u = static_cast<uint64_t>(v);
    for (int k = 0; k < 8; ++k) bytes[k + 1] = static_cast<char>(u >> (8 * k));
    buf_.append(bytes, sizeof bytes);
  }
  void text(std::string_view v) {
    char bytes[5] = {'T'};
    const uint32_t n = static_cast<uint32_t>(v.size());
    for (int k = 0; k < 4; ++k) bytes[k + 1] = static_cast<char>(n >> (8 * k));
    buf_.append(bytes, sizeof bytes);
    buf_.append(v);
    if (buf_.size() >= kFlushAt) flush();
  }
  void end_row() {
    buf_ += '\x1e';
    if (buf_.size() >= kFlushAt) flush();
  }
  void marker(std::string_view m) {
    buf_ += '\x1d';
    buf_.append(m);
  }
  void flush() {
    if (!buf_.empty()) h_.update(buf_);
    buf_.clear();
  }

 private:
  static constexpr size_t kFlushAt = 1 << 16;
  RowHash& h_;
  std::string buf_;
};

// A row's check string (the `checks` column of every written table, schema version 3): one
// character per written column, in TableLayout order, drawn from 64 letters by a hash of the
// column's position and value. The batch digest says *that* a batch's rows changed; the check
// strings say *which* row and column (`gradus audit verify` names the firm and the field). They
// locate, they do not protect: a changed value keeps its letter with probability 1/64 (the batch
// digest still fails, unlocated), and whoever rewrites a row can rewrite its checks too.
class RowCheck {
 public:
  void null() { add(0x9e3779b97f4a7c15ull); }
  void integer(int64_t v) { add(static_cast<uint64_t>(v) * 0xff51afd7ed558ccdull + 1); }
  void text(std::string_view v) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
    for (unsigned char ch : v) h = (h ^ ch) * 0x100000001b3ull;
    add(h ^ 0x2545f4914f6cdd1dull);
  }
  // The row's string; starts the next row.
  std::string take() {
    std::string out = std::move(row_);
    row_.clear();
    return out;
  }

 private:
  void add(uint64_t h) {
    static constexpr char kLetters[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    h ^= static_cast<uint64_t>(row_.size() + 1) * 0xc4ceb9fe1a85ec53ull;  // the column's position
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    row_ += kLetters[h >> 58];
  }
  std::string row_;
};

// A bulk insert whose values also go into a digest and (`with_checks`: a store of schema 3 or
// later) into the row's check string, which it writes as the row's last column (name `checks`
// last among the insert's columns).
class DigestingInsert {
 public:
  DigestingInsert(SqlBulkInsert& out, RowHash& h, bool with_checks)
      : out_(out), digest_(h), with_checks_(with_checks) {}
  void null() { out_.null(), digest_.null(), check_.null(); }
  void integer(int64_t v) { out_.integer(v), digest_.integer(v), check_.integer(v); }
  void text(std::string_view v) { out_.text(v), digest_.text(v), check_.text(v); }
  void optional_integer(const std::optional<int64_t>& v) { v ? integer(*v) : null(); }
  void optional_text(const std::optional<std::string>& v) { v ? text(*v) : null(); }
  Status end_row() {
    digest_.end_row();
    std::string checks = check_.take();
    if (with_checks_) out_.text(checks);
    return out_.end_row();
  }

 private:
  SqlBulkInsert& out_;
  RowDigest digest_;
  RowCheck check_;
  bool with_checks_;
};

}  // namespace gradus::store
