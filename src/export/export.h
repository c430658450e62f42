// Files gradus writes for people: the empty Excel import template, the pool exported as Excel or
// CSV (one sheet / file per table, Chinese headers by default), and the import error report.
// Everything is generated from the field catalogue (core/fields.h), so a new field appears in the
// template, its notes and the exports without a change here. The engine is not a dependency:
// assessment outcomes arrive as generic extra columns.
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

#include <string>
#include <vector>

#include "core/status.h"
#include "core/text.h"
#include "engine/pool.h"
#include "ingest/ingest.h"

namespace gradus {

// Caller-supplied columns for the assessment sheet: cells[e][k] belongs to enterprise e of the
// pool and header k (shorter rows are padded with empty cells). Empty = no assessment sheet.
struct ExtraColumns {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> cells;
};

struct ExportOptions {
  Lang lang = Lang::zh;  // headers and sheet names; values stay machine-readable
  ExtraColumns extra;
};

// The empty import template: the flat-form headers with units (营业收入（万元）) on sheet
// 企业数据 / Data, and a sheet 说明 / Notes listing every column: header, English name, label,
// unit, type, scope, allowed values, example.
Status write_import_template(const std::string& path, Lang lang = Lang::zh);

// The pool as a workbook: 企业 (static facts + the flat event columns), 年度数据 (yearly facts),
// 称号, 不良事件, 奖项, 荣誉资质, 创客中国, 知识产权, and 评估结果 when extra columns are given.
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
};
Status write_table_xlsx(const std::string& path, const Table& table);

enum class ReportFormat { text, csv, xlsx };

// Every error and warning of an import with file, sheet, row, column, value, USCC and the reason
// in Chinese and English. Text: one line per problem in `lang` (format_input_error) after a
// summary line; CSV and XLSX: one row per problem, both languages.
Status write_error_report(const std::string& path, ReportFormat format, const IngestReport& report,
                          Lang lang = Lang::zh);

}  // namespace gradus
