// Files gradus writes for people: the empty Excel import template, the pool exported as Excel or
// CSV (one sheet / file per table, in the user's language: Chinese headers and labels by default),
// and the import error report. Everything is generated from the field catalogue (core/fields.h),
// so a new field appears in the template, its notes and the exports without a change here. The
// engine is not a dependency: assessment outcomes arrive as generic extra columns, tier names as a
// map. Every text written is valid UTF-8 (clean_utf8), every CSV file starts with a BOM, and an
// XLSX sheet that reaches Excel's row limit continues on a sheet "name(2)".
//
//   Status s = write_import_template("模板.xlsx", Lang::zh);
//   ExportOptions opt;                           // Chinese headers
//   opt.extra.headers = {"小巨人（2026）"};
//   opt.extra.cells = {{"met"}, {"not_met"}};    // one row per enterprise of the pool
//   s = export_pool_xlsx(pool, "pool.xlsx", opt);
//   s = export_pool_csv(pool, "out/", opt);      // out/enterprises.csv, out/yearly.csv, ...
//   s = write_error_report("errors.xlsx", ReportFormat::xlsx, report);
//
// The flat-form sheets of an export (enterprises, yearly) read back through load_pool_file give
// the same pool for every field the flat form can carry; the other sheets are detail tables,
// which the importer skips with a warning. Thread-safety: no shared state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/text.h"
#include "engine/pool.h"
#include "ingest/ingest.h"
#include "xlsx/writer.h"

namespace gradus {

// Caller-supplied columns for the assessment sheet: cells[e][k] belongs to enterprise e of the
// pool and header k (shorter rows are padded with empty cells). Empty = no assessment sheet.
struct ExtraColumns {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> cells;
};

struct ExportOptions {
  // Headers, sheet names and values: an enumeration, a yes/no, a title state, an incident kind,
  // an award level is written as its label in this language. On the sheets the importer reads
  // (enterprises, yearly) a label is written only where the importer reads it back as the same
  // value (else the id), so that an export always imports to the same pool.
  Lang lang = Lang::zh;
  ExtraColumns extra;
  // A title's tier (a policy id such as "srdi-sme") → the tier's name in `lang` (the caller
  // knows the policies). A tier without an entry is written as its id.
  std::map<std::string, std::string, std::less<>> tier_labels;
  // Rows per XLSX sheet, the header included (Excel's limit; tests set a small one).
  uint32_t max_rows_per_sheet = kXlsxMaxRows;
  // Called as each table (sheet or file) is started and when all are written: (tables done,
  // tables in all), for a progress line.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// The empty import template (see docs/store.md, "The import template"): sheet 企业数据 / Data with
// the flat-form headers and units (营业收入（万元）), a dropdown on every enumeration and yes/no
// column (labels in `lang`, read from the hidden sheet 选项 / Choices), the credit-code column
// formatted as text, and one grey example row marked 示例 whose credit code is not a valid code,
// so that a template imported without deleting it is refused at that row. Sheet 说明 / Notes lists
// every field of the catalogue: header, field name, labels, unit, type, scope, accepted values,
// example.
Status write_import_template(const std::string& path, Lang lang = Lang::zh);

// What the template's example row says in its credit-code cell (the import refuses it).
inline constexpr std::string_view kTemplateExampleUscc = "示例-91320505MA1XAMP10Y";

// The pool as a workbook: 企业 (static facts + the flat event columns), 年度数据 (yearly facts),
// 称号, 不良事件, 奖项, 荣誉资质, 创客中国, 知识产权, and 评估结果 when extra columns are given
// (after the credit code and name: region code and name, park, industry code and name, so that
// the sheet can be pivoted). Every amount is a number cell; an amount Excel cannot show exactly
// (more than 15 significant digits) is text, and a last column 备注 / note on that sheet says so.
Status export_pool_xlsx(const Pool& pool, const std::string& path, const ExportOptions& options);

// The same tables as CSV files (UTF-8 with BOM) in `directory`: enterprises.csv, yearly.csv,
// titles.csv, incidents.csv, awards.csv, honours.csv, maker_china.csv, ip_items.csv and
// assessment.csv (with extra columns). The directory is created when missing.
Status export_pool_csv(const Pool& pool, const std::string& directory,
                       const ExportOptions& options);

// A flat-form CSV file saved as a workbook with typed cells: numbers in numeric columns as
// numbers, ISO dates in date columns as dates, true/false as booleans, everything else as text.
// With `sheet_per_year`, rows go to one sheet per fiscal year (named by the year; rows without a
// year on the first sheet), plus a 说明 sheet naming the source. samples/pool.xlsx is made this
// way from samples/pool.csv.
Status convert_flat_csv_to_xlsx(const std::string& csv_path, const std::string& xlsx_path,
                                bool sheet_per_year);

// A table made elsewhere (the potential ranking, …) as a one-sheet workbook: a bold frozen header
// row, then the rows; a cell of a numeric column that reads as a decimal is written as an Excel
// number, any other cell as text. A second sheet 说明 / Notes holds `notes`, one line per row.
struct Table {
  std::string sheet;
  std::vector<std::string> headers;
  std::vector<bool> numeric;  // per column; missing = text
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
  // Rows per sheet, the header included: more rows continue on "sheet(2)", "sheet(3)" …
  uint32_t max_rows_per_sheet = kXlsxMaxRows;
};
Status write_table_xlsx(const std::string& path, const Table& table);

enum class ReportFormat { text, csv, xlsx };

// Every error and warning of an import with file, sheet, row, column, value, USCC and the reason
// in Chinese and English. Text: one line per problem in `lang` (format_input_error) after a
// summary line; CSV and XLSX: one row per problem, both languages. Whatever bytes the values hold,
// the text and CSV files are valid UTF-8 and the workbook is well-formed: a byte that is not part
// of a valid character, or a control character, is written as "\xE7" / "\x01" (clean_utf8); in the
// text report a line break inside a value is written as "\n".
Status write_error_report(const std::string& path, ReportFormat format, const IngestReport& report,
                          Lang lang = Lang::zh);

}  // namespace gradus
