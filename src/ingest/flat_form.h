// The data contract's flat form — one row per enterprise per fiscal year — read from CSV text or
// from a JSON array of row objects, into the pool. Headers are English field names or Chinese
// labels (a unit in parentheses is checked; 元 money columns are converted to 万元 exactly); the
// enterprise-level event columns (high_tech_enterprise_valid_to, award_*, maker_china, titles,
// incidents) become event records. See docs/data-format.md for the rules.
//
//   PoolBuilder builder;
//   IngestReport report;
//   Status s = load_csv_text(bytes, "firms.csv", builder, report);  // not UTF-8, no header →
//   !s.ok()
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/fields.h"
#include "core/status.h"
#include "ingest/context.h"
#include "ingest/json_value.h"

namespace gradus::ingest {

// What a flat-form column holds.
enum class FlatColumnKind : uint8_t {
  ignored,  // unknown or repeated header (reported), not read
  unnamed,  // empty header: any value under it is an error
  uscc,
  year,
  field,         // a field of the catalogue (core/fields.h)
  hte_valid_to,  // high_tech_enterprise_valid_to → honour record
  award_level,
  award_rank,
  award_date,
  award_name,
  maker_china,
  titles,
  incidents,
};

// One cell as read: its text (nullopt or blank = missing), or a problem found while reading it
// (a JSON object where a value belongs), with the offending text in `written`.
struct FlatCell {
  std::optional<std::string> text;
  std::optional<Text> error;
  std::string written;
};

// Reads flat rows into an ImportContext, whatever their source. Not thread-safe.
class FlatLoader {
 public:
  explicit FlatLoader(ImportContext& ctx) : ctx_(ctx) {}

  // Declares the columns: headers as written, and the row that names each one (1 in CSV; the
  // first object with that key in JSON). Unknown or repeated headers and unknown units are errors
  // and their columns are ignored; every row is still read. Returns false (after reporting) when
  // there is no uscc column, so that no row can be attributed to an enterprise.
  bool set_header(std::span<const std::string> headers, std::span<const uint32_t> declared_at);

  // One data row; cells[i] belongs to header i. `row_error` is a structural problem of the row
  // (quoting, cell count), reported against the row's enterprise.
  void add_row(uint32_t row, std::span<const FlatCell> cells, std::optional<Text> row_error);

 private:
  using Kind = FlatColumnKind;
  struct Column {
    Kind kind = Kind::ignored;
    const FieldDef* field = nullptr;
    bool in_yuan = false;
    std::string header;
  };

  ImportContext& ctx_;
  std::vector<Column> columns_;
  std::optional<size_t> uscc_column_;
  std::optional<size_t> year_column_;
  std::unordered_map<uint64_t, uint32_t> year_rows_;  // (enterprise << 32 | year) → first row
};

// Reads CSV text (already checked to be UTF-8). Fails only when the text has no header row.
Status load_flat_csv(std::string_view text, ImportContext& ctx);

// Reads CSV bytes into `builder`, reporting problems in `report`. Fails as a whole only when the
// bytes are not UTF-8 text or there is no header row.
Status load_csv_text(std::string_view bytes, const std::string& file, PoolBuilder& builder,
                     IngestReport& report);

// Reads a JSON array of flat-row objects (each with a `year` key and flat columns as keys).
void load_flat_json(const JsonValue& rows, ImportContext& ctx);

}  // namespace gradus::ingest
