// Table layouts and digests of the store (see tables.h).
#include "store/tables.h"

#include <cstdio>
#include <cstdlib>

#include "store/schema.h"

namespace gradus::store {
namespace {

std::vector<TableLayout> make_layouts() {
  std::vector<TableLayout> t;
  auto ev = [](std::string name, std::vector<TableColumn> extra) {
    std::vector<TableColumn> cols = {{"id", false}, {"enterprise_id", false}, {"from_batch", false}};
    cols.insert(cols.end(), extra.begin(), extra.end());
    return TableLayout{std::move(name), std::move(cols), true};
  };
  t.push_back({"enterprises", {{"id", false}, {"uscc", true}, {"first_batch", false}}, false});
  {
    std::vector<TableColumn> cols;
    for (const FactColumn& c : static_fact_columns()) cols.push_back({std::string(c.field->name), c.is_text});
    t.push_back(ev("enterprise_versions", cols));
  }
  {
    std::vector<TableColumn> cols = {{"year", false}};
    for (const FactColumn& c : yearly_fact_columns()) cols.push_back({std::string(c.field->name), c.is_text});
    t.push_back(ev("yearly_facts", cols));
  }
  t.push_back(ev("titles", {{"tier", true}, {"since", true}, {"valid_to", true}, {"status", true},
                            {"level", true}, {"batch", true}}));
  t.push_back(ev("incidents", {{"kind", true}, {"occurred", true}, {"until_date", true}}));
  t.push_back(ev("awards", {{"level", true}, {"award_rank", false}, {"awarded", true}, {"name", true}}));
  t.push_back(ev("honours", {{"kind", true}, {"valid_from", true}, {"valid_to", true}}));
  t.push_back(ev("maker_china", {{"list", true}, {"year", false}}));
  t.push_back(ev("ip_items", {{"kind", true}, {"number", true}, {"granted", true}, {"acquired", true},
                              {"self_developed", false}, {"leading_product", false},
                              {"applied", false}, {"rank_among_holders", false},
                              {"high_value", true}}));
  return t;
}

}  // namespace

const std::vector<TableLayout>& written_tables() {
  static const std::vector<TableLayout> t = make_layouts();
  return t;
}

const TableLayout& table_layout(std::string_view name) {
  for (const TableLayout& t : written_tables()) {
    if (t.name == name) return t;
  }
  std::abort();  // a bug: every caller names a table of written_tables()
}

Sha256::Sha256() {
  if (sodium_init() < 0) std::abort();  // libsodium cannot work on this machine at all
  crypto_hash_sha256_init(&state_);
}

void Sha256::update(std::string_view bytes) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

std::string Sha256::hex_final() {
  std::array<unsigned char, crypto_hash_sha256_BYTES> out{};
  crypto_hash_sha256_final(&state_, out.data());
  std::string hex(out.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out.data(), out.size());
  hex.pop_back();
  return hex;
}

RowHash::RowHash() {
  if (sodium_init() < 0) std::abort();
  crypto_generichash_init(&state_, nullptr, 0, 32);
}

void RowHash::update(std::string_view bytes) {
  crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string RowHash::hex_final() {
  std::array<unsigned char, 32> out{};
  crypto_generichash_final(&state_, out.data(), out.size());
  std::string hex(out.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out.data(), out.size());
  hex.pop_back();
  return hex;
}

Result<std::string> sha256_of_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return error(StatusCode::io_error, "无法读取文件 " + path, "cannot read the file " + path);
  }
  Sha256 h;
  std::vector<char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) h.update(std::string_view(buf.data(), n));
  std::fclose(f);
  return h.hex_final();
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex_final();
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace gradus::store
