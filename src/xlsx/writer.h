// Writing Excel workbooks (.xlsx) through libxlsxwriter: sheets with a bold, frozen header row and
// column widths; numbers written as numbers, text as text, dates as dates (yyyy-mm-dd), booleans
// as booleans. A decimal with at most 15 significant digits (what Excel shows) is written as the
// double nearest to it, so that Excel shows exactly that decimal and SUM adds it; a decimal with
// more is written as text, so that no value is ever changed by writing it, and a sheet that asks
// for a note column says so in the row (SheetOptions::note_header). Every text is made valid
// UTF-8 that XML 1.0 allows (clean_utf8), so that the workbook is always well-formed. A sheet that
// reaches its row limit continues on a new sheet "name(2)" with the same header.
//
//   Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::create("pool.xlsx");
//   if (!w) return w.error();
//   std::vector<XlsxColumn> cols = {{"统一社会信用代码", 22}, {"营业收入（万元）", 0}};
//   Status s = (*w)->add_sheet("企业", cols);
//   std::vector<XlsxValue> row = {XlsxValue::text("9132…"), XlsxValue::number("8200.5")};
//   s = (*w)->add_row(row);
//   s = (*w)->close();               // the file is complete only after close() returns ok
//
// Ownership: the writer owns the libxlsxwriter workbook. Destroying it without close() removes
// the partial file. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/status.h"
#include "core/text.h"

namespace gradus {

struct XlsxValue {
  enum class Kind : uint8_t { empty, text, number, date, boolean };
  Kind kind = Kind::empty;
  std::string str;  // text; number: the decimal as text ("8200.5", "-0.25")
  Date day;
  bool flag = false;

  static XlsxValue empty() { return {}; }
  static XlsxValue text(std::string s) { return {Kind::text, std::move(s), {}, false}; }
  static XlsxValue number(std::string decimal) {
    return {Kind::number, std::move(decimal), {}, false};
  }
  static XlsxValue date(Date d) { return {Kind::date, {}, d, false}; }
  static XlsxValue boolean(bool b) { return {Kind::boolean, {}, {}, b}; }
};

struct XlsxColumn {
  XlsxColumn() = default;
  XlsxColumn(std::string h, double w = 0) : header(std::move(h)), width(w) {}  // NOLINT: {"营业收入", 0}

  std::string header;
  double width = 0;  // in characters; 0 = from the header (CJK characters count double)
  // Cells of the column formatted as text ("@"), so that Excel keeps what is typed as typed
  // (an 18-digit credit code is not turned into a rounded number).
  bool as_text = false;
  // A dropdown (list data validation) on the column's data cells, its choices read from a range
  // formula such as "=选项!$A$2:$A$9" (Excel limits a literal list to 255 characters; a range
  // has no such limit). Empty: no dropdown.
  std::string choices;
  // Whether the dropdown refuses other values (false: Excel only informs, e.g. for a list of
  // several values separated by ';').
  bool choices_strict = true;
};

// Excel's limit of rows on a sheet, the header row included.
inline constexpr uint32_t kXlsxMaxRows = 1048576;

// How a sheet is laid out beyond its columns.
struct SheetOptions {
  bool filter = true;  // an autofilter on the header row
  bool hidden = false;
  // Non-empty: a last column with this header; add_row fills it in a row where a number had to
  // be written as text (more than 15 significant digits), naming the column, in `note_lang`.
  std::string note_header;
  Lang note_lang = Lang::zh;
};

// How add_row shows a row.
enum class RowStyle : uint8_t { normal, example };  // example: grey italic

class XlsxWriter {
 public:
  struct Options {
    // Rows are flushed to a temporary file as they are written (memory stays flat for big
    // exports); strings are then stored inline instead of in a shared-string table.
    bool constant_memory = true;
    // Rows per sheet, the header included: a sheet that is full continues on a new sheet named
    // "name(2)", "name(3)" … with the same header. At most (and by default) Excel's limit; at
    // least 2. Tests set a small limit.
    uint32_t max_rows_per_sheet = kXlsxMaxRows;
  };

  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Starts a workbook at `path` (written by close()).
  static Result<std::unique_ptr<XlsxWriter>> create(const std::string& path);
  static Result<std::unique_ptr<XlsxWriter>> create(const std::string& path, Options options);

  // Adds a sheet and writes its header row (bold, frozen, with an autofilter when `filter`);
  // rows added next go to this sheet. Fails for a name Excel refuses (longer than 31
  // characters, one of []:*?/\, or used twice).
  Status add_sheet(std::string_view name, std::span<const XlsxColumn> columns, bool filter = true);
  Status add_sheet(std::string_view name, std::span<const XlsxColumn> columns,
                   const SheetOptions& options);
  // Appends a row to the current sheet (cells beyond the header are allowed). When the sheet
  // holds max_rows_per_sheet rows, the row goes to a continuation sheet.
  Status add_row(std::span<const XlsxValue> cells, RowStyle style = RowStyle::normal);
  // A comment (a note shown on hover) on cell `column` of the row last added.
  Status comment_last_row(uint16_t column, std::string_view text);
  // Writes the file. The writer cannot be used afterwards.
  Status close();

 private:
  struct Impl;
  explicit XlsxWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether `decimal` ("8200.5", "-75.99") is written as an Excel number: it reads as a decimal
// with at most 15 significant digits (what Excel keeps and shows) within Excel's range, so that
// the double nearest to it shows as exactly this decimal. Exposed for tests.
bool xlsx_number_is_exact(std::string_view decimal);

// clean_utf8 (core/text.h) makes every text valid for a workbook.

// Display width of a text in Excel character units (CJK characters count 2).
double xlsx_text_width(std::string_view s);

}  // namespace gradus
