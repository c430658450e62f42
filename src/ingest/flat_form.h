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
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/fields.h"
#include "core/status.h"
#include "ingest/context.h"
#include "ingest/csv_reader.h"
#include "ingest/json_value.h"

namespace gradus {

// The header of the column gradus's own XLSX export adds on a sheet where an amount had to be
// written as text (more than 15 significant digits, export/export.h): read back silently — it is
// gradus's note about its own cells, not a fact and not an office's extra column.
inline constexpr std::string_view kExportNoteHeaderZh = "gradus 备注（文本单元格）";
inline constexpr std::string_view kExportNoteHeaderEn = "gradus note (text cells)";

}  // namespace gradus

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

// A problem found while reading one cell (a JSON object where a value belongs), with the
// offending text in `written`; `reason` is null when there is none.
struct CellProblem {
  const Text* reason = nullptr;
  std::string_view written;
};

// Reads flat rows into an ImportContext, whatever their source. Not thread-safe.
class FlatLoader {
 public:
  explicit FlatLoader(ImportContext& ctx);

  // Declares the columns: headers as written, and the row that names each one (1 in CSV; the
  // first object with that key in JSON). Repeated headers and unknown units are errors and their
  // columns are not read; every row is still read. Unknown headers are one error naming them all
  // (or, with IngestOptions::ignore_unknown_columns, a warning and report.ignored_columns).
  // Returns false (after reporting) when there is no uscc column, so that no row can be
  // attributed to an enterprise.
  bool set_header(std::span<const std::string_view> headers, std::span<const uint32_t> declared_at);

  // One data row; texts[i] belongs to header i (blank = missing). `problems` is empty or holds one
  // entry per column. `row_error` (may be null) is a structural problem of the row (quoting, cell
  // count), reported against the row's enterprise. `uscc_note` (may be null) is added to the
  // reason when the row's code is invalid (a workbook's code cell that was a number).
  void add_row(uint32_t row, std::span<const std::string_view> texts,
               std::span<const CellProblem> problems, const Text* row_error,
               const Text* uscc_note = nullptr);

  // The column of the uscc, once set_header() found it.
  std::optional<size_t> uscc_column() const { return uscc_column_; }

 private:
  using Kind = FlatColumnKind;
  struct Column {
    Kind kind = Kind::ignored;
    const FieldDef* field = nullptr;
    bool in_yuan = false;
    std::string header;
    // check_value() has nothing to say about a value >= 0 of this field.
    bool nonnegative_ok = false;
    // A plain number in this column (see plain_number_value) needs no parse_value().
    bool plain_number = false;
    // The last text read in this column for an enterprise, when reading it again for the same
    // enterprise changes nothing (accepted, no error or warning): such a cell is skipped.
    uint32_t done_enterprise = UINT32_MAX;
    std::string done_text;
  };
  struct YearValue {
    FieldId field;
    int64_t raw;
    size_t column;
  };
  struct PairIds {
    FieldId part;
    FieldId whole;
    const FieldDef* whole_field;
  };

  ImportContext& ctx_;
  std::vector<Column> columns_;
  std::optional<size_t> uscc_column_;
  std::optional<size_t> year_column_;
  // The fiscal years seen for each enterprise, with the row that gave each first, kept in the
  // report (IngestReport::fact_rows) so that later messages can point at the row.
  std::vector<uint32_t>& year_head_;
  std::vector<FactRows::Entry>& year_entries_;
  std::vector<YearValue> yearly_;                     // the row's yearly values (scratch)
  std::vector<PairIds> yearly_pairs_;
  uint8_t honour_hte_ = 0;
};

// Feeds CSV records to a FlatLoader: the first record that is not blank is the header, the
// other records that are not blank are rows (checked against the header's cell count).
class FlatCsvRows {
 public:
  explicit FlatCsvRows(ImportContext& ctx);
  void add(const CsvRecordView& rec);
  // After the last record: fails when there was no header row.
  Status finish() const;

 private:
  ImportContext& ctx_;
  FlatLoader loader_;
  bool have_header_ = false;
  bool usable_ = true;  // false when the header has no uscc column (reported): rows are not read
  size_t width_ = 0;
};

// Reads CSV text (already checked to be UTF-8). Fails only when the text has no header row.
Status load_flat_csv(std::string_view text, ImportContext& ctx);

// Reads CSV bytes into `builder`, reporting problems in `report`. The bytes are UTF-8 (with or
// without a BOM) or else GB18030/GBK (converted; report.encoding says which). Fails as a whole
// only when the bytes are neither, or there is no header row.
Status load_csv_text(std::string_view bytes, const std::string& file, PoolBuilder& builder,
                     IngestReport& report, const IngestOptions& options = {});

// Reads CSV bytes that arrive in pieces (a file read a megabyte at a time), with the same result
// as load_csv_text on all of them. `read(dest, n)` stores up to n bytes at dest and returns how
// many (0 at the end of the input), or nullopt when reading failed: *read_failed is then set.
// Whenever the import fails as a whole (not UTF-8, no header row, reading failed), the report is
// left as it was. `chunk` is how much is read at a time. `total_bytes` (0 = unknown), the size of
// the whole input, lets the builder be sized once from the first rows (PoolBuilder::expect).
// The bytes must be UTF-8: when they are not (and have no BOM), the import fails with
// *not_utf8_line (when given) set to the line of the first offending byte, and the caller may
// read the input again through a GB18030 decoder (encoding.h) into a fresh builder. On success
// report.encoding is "UTF-8" or "UTF-8 (BOM)".
Status load_csv_stream(const std::function<std::optional<size_t>(char*, size_t)>& read,
                       const std::string& file, PoolBuilder& builder, IngestReport& report,
                       bool* read_failed, size_t chunk = size_t{1} << 20,
                       uint64_t total_bytes = 0, const IngestOptions& options = {},
                       uint32_t* not_utf8_line = nullptr);

// Reads a JSON array of flat-row objects (each with a `year` key and flat columns as keys).
void load_flat_json(const JsonValue& rows, ImportContext& ctx);

}  // namespace gradus::ingest
