// Reading enterprise data into the columnar pool: the data contract's flat form (one row per
// enterprise per fiscal year: CSV, Excel .xlsx workbooks with one or more sheets, JSON rows) and
// the JSON enterprise form (docs/data-format.md). Every problem is reported with file, row (or firm
// index and JSON path), column, value and a bilingual reason; an enterprise with any error is
// rejected from the pool (never half-loaded), and the rest load. A column the data contract does
// not know (序号, 备注, an office's own column) is an error for the file naming every such column
// (every row is still checked, report.ok() is false), unless IngestOptions::ignore_unknown_columns
// is set: the columns are then listed in report.ignored_columns and a warning, and not read.
//
// A file's type is taken from its content whatever its name (a zip is an .xlsx workbook, `{` or
// `[` starts JSON, an old .xls is refused with "save it as .xlsx"); CSV text is UTF-8 (with or
// without a BOM) or, failing that, GB18030 (GBK, the "CSV (逗号分隔)" of Chinese Excel), converted
// exactly; report.encoding says which was read.
//
//   IngestReport report;
//   IngestOptions options;
//   options.ignore_unknown_columns = true;                    // gradus --ignore-unknown-columns
//   Result<Pool> pool = load_pool_file("firms.csv", report, options);   // or .xlsx, .json
//   for (const InputError& e : report.errors) std::cerr << format_input_error(e, Lang::en) << "\n";
//   if (!pool) ...                     // the file could not be read at all
//   report.ok()                        // false when any row had an error
//
// Thread-safety: the functions keep no shared state; separate calls may run concurrently.
// Implementation: csv_reader (RFC 4180), json_value (exact numbers), values (one value → raw
// encoding), checks (consistency rules), context (shared import state, rejection), flat_form,
// json_form, xlsx_form (workbooks through src/xlsx/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/text.h"
#include "engine/pool.h"

namespace gradus {

enum class InputFormat { automatic, csv, json, xlsx };

// Input limits (docs/reliability.md, "Input limits"; docs/data-format.md). A cell (CSV or
// workbook cell, JSON string) longer than kMaxCellBytes is an error of its row and is not read;
// a CSV record (a line, or lines joined by a quoted cell) longer than kMaxRecordBytes stops the
// import as soon as that much has been read without its end. Messages quote at most
// kMaxQuotedBytes of any input text (core/text.h).
inline constexpr size_t kMaxCellBytes = size_t{1} << 20;     // 1 MiB; Excel holds 32,767 chars
inline constexpr size_t kMaxRecordBytes = size_t{16} << 20;  // 16 MiB

// One problem in the input. `row` is the 1-based spreadsheet row of a CSV file counting the
// header as row 1 (so the first data row is row 2; it equals the text line unless a quoted cell
// spans lines), or the 1-based index of a firm (or row object) in a JSON file; `column` is the CSV
// header as written, or a JSON path such as `years.2025.revenue`. In a workbook, `sheet` names
// the sheet and `row` is the sheet's own row number (as Excel shows it).
struct InputError {
  std::string file;
  std::string sheet;  // .xlsx only: the sheet's name ("" otherwise, or for the workbook as a whole)
  uint32_t row = 0;   // 0: the file as a whole
  bool firm = false;  // `row` is the index of a firm in the JSON enterprise form
  std::string column;
  std::string value;  // the offending text, as written
  std::string uscc;   // when known
  Text reason;
};

// Where each firm's rows were in a flat-form file (CSV, workbook sheets): the row of each fiscal
// year of each firm, for messages about a fact after the file is read (the store's cross-checks
// against stored facts). Filled while reading; empty for the JSON form.
struct FactRows {
  struct Entry {
    int year;
    uint32_t row;   // the row, with the sheet's index in the top bits when there are sheets
    uint32_t next;  // 1 + index of the firm's previous entry, 0 = none
  };
  std::vector<uint32_t> head;   // per enterprise: 1 + index of its latest entry (0 = none)
  std::vector<Entry> entries;
  std::vector<std::string> sheets;  // [0] = "" (no sheet); row keys name the others by index

  // Sets where.row (and where.sheet) to the row that gave enterprise `e` fiscal year `year`
  // (year 0: the firm's first row with a year); leaves `where` as it is when unknown.
  void locate(uint32_t e, int year, InputError& where) const;
};

struct IngestReport {
  FactRows fact_rows;
  std::vector<InputError> errors;    // the enterprise concerned is rejected
  std::vector<InputError> warnings;  // loaded, but worth a look (e.g. a retired region code mapped)
  uint32_t rows_read = 0;            // CSV data rows or JSON firms
  uint32_t enterprises_loaded = 0;
  uint32_t enterprises_rejected = 0;
  // The text encoding a CSV file was read in: "UTF-8", "UTF-8 (BOM)" or "GB18030" (GBK files
  // are read as GB18030, their superset); "" for workbooks, JSON and files not read at all.
  std::string encoding;
  // Headers of the columns left out with IngestOptions::ignore_unknown_columns, as written
  // (a workbook's prefixed with its sheet: "2024!备注").
  std::vector<std::string> ignored_columns;
  bool ok() const { return errors.empty(); }
};

// How a file is read.
struct IngestOptions {
  InputFormat format = InputFormat::automatic;  // automatic: from the content, then the name
  // Columns the data contract does not know are left out (listed in the report as a warning)
  // instead of being an error for the file.
  bool ignore_unknown_columns = false;
};

// `file: row N, column C: "value" reason` (JSON enterprise form: `file: firm N, path: ...`;
// workbooks: `file: sheet S, row N, column C: ...`) in the requested language; parts that are
// empty are left out.
std::string format_input_error(const InputError& e, Lang lang);

// Reads a file. Unless options.format says otherwise, the format is sniffed from the content
// (ZIP magic → .xlsx workbook; `{` or `[` after a BOM and spaces → JSON; the OLE2 magic of an
// old .xls → refused, "save it as .xlsx"), then taken from the extension (.csv, .json, .xlsx),
// else CSV. Fails (as a whole) only when the file cannot be opened or is not CSV/JSON/XLSX at
// all (a damaged workbook, no sheet in the flat form, text neither UTF-8 nor GB18030);
// row-level problems go to `report` and reject the enterprise concerned.
Result<Pool> load_pool_file(const std::string& path, IngestReport& report,
                            const IngestOptions& options);
Result<Pool> load_pool_file(const std::string& path, IngestReport& report,
                            InputFormat format = InputFormat::automatic);

// Same, from text in memory; `name` is used as the file name in errors. InputFormat::xlsx is
// not accepted here (a workbook is read from its file).
Result<Pool> load_pool_text(std::string_view text, std::string_view name, IngestReport& report,
                            const IngestOptions& options);
Result<Pool> load_pool_text(std::string_view text, InputFormat format, std::string_view name,
                            IngestReport& report);

}  // namespace gradus
