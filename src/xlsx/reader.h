// Reading Excel workbooks (.xlsx, Office Open XML) without Excel: the sheets in workbook order and
// each sheet's rows as cells of text, streamed row by row (a sheet is never held in memory as a
// whole; the shared-string table is). Numbers are given exactly as stored in the file (never
// through a double), with the cell's number format, so that a caller can tell a date serial from
// a number; shared and inline strings, booleans and error values (#N/A) are told apart.
// Built on minizip (the zip container) and pugixml (workbook, relationships, styles); worksheets
// and shared strings go through a small streaming tokenizer (xml_pull.h).
//
// Every failure is a Status with a zh/en message a user can act on: a file that is not a zip
// ("not an Excel .xlsx file (is it .xls or CSV renamed?)"), a truncated or damaged zip, a missing
// part, malformed XML. Nothing throws across this interface.
//
//   Result<std::unique_ptr<XlsxReader>> book = XlsxReader::open("firms.xlsx");
//   if (!book) return book.error();
//   for (size_t i = 0; i < (*book)->sheets().size(); ++i) {
//     Result<std::unique_ptr<XlsxSheetCursor>> sheet = (*book)->open_sheet(i);
//     if (!sheet) return sheet.error();
//     XlsxRow row;
//     for (;;) {
//       Result<bool> more = (*sheet)->next(row);
//       if (!more) return more.error();
//       if (!*more) break;
//       for (const XlsxCell& c : row.cells) use(row.number, c.column, c.text, c.is_date);
//     }
//   }
//
// Thread-safety: one reader (and its cursor) per thread. Only one cursor of a reader may be open
// at a time (the zip file has a single read position); a cursor must not outlive its reader.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace gradus {

enum class XlsxCellType : uint8_t {
  number,   // text: the number as stored ("12300", "0.1", "1.5E-7"); see is_date
  text,     // shared, inline or formula string
  boolean,  // text: "TRUE" or "FALSE"
  error,    // text: the error value, e.g. "#N/A", "#DIV/0!"
};

struct XlsxCell {
  uint32_t column = 0;  // 0-based (A = 0)
  XlsxCellType type = XlsxCellType::text;
  std::string text;
  uint32_t format_id = 0;  // number format id (0 = General; 14–22 built-in dates; ≥ 164 custom)
  bool is_date = false;    // a number whose format shows a date (see is_date_format)
};

// One row: its 1-based spreadsheet number and its non-empty cells in column order. Empty cells
// are absent, so cells[i].column is not i when there are gaps; rows without cells are skipped.
struct XlsxRow {
  uint32_t number = 0;
  std::vector<XlsxCell> cells;
};

struct XlsxSheetInfo {
  std::string name;
  std::string part;  // zip path of the worksheet part, e.g. "xl/worksheets/sheet1.xml"
  bool hidden = false;
};

// Reads the rows of one sheet, in file order.
class XlsxSheetCursor {
 public:
  virtual ~XlsxSheetCursor() = default;
  // The next row with at least one cell into *row; false at the end of the sheet. An error
  // (malformed XML, a damaged part) ends the sheet.
  virtual Result<bool> next(XlsxRow& row) = 0;
};

class XlsxReader {
 public:
  virtual ~XlsxReader() = default;

  // Opens a workbook and reads its directory, workbook part, relationships, styles and shared
  // strings. Fails when the file cannot be read or is not a well-formed .xlsx workbook.
  static Result<std::unique_ptr<XlsxReader>> open(const std::string& path);

  // Worksheets in workbook order (chart sheets are left out).
  virtual const std::vector<XlsxSheetInfo>& sheets() const = 0;
  // Whether dates count from 1904 (old Mac workbooks) instead of 1900.
  virtual bool date1904() const = 0;
  // The format code of a number format id ("0.00", "yyyy-mm-dd"; "" when unknown).
  virtual std::string format_code(uint32_t format_id) const = 0;

  // A cursor over sheet `index` (< sheets().size()). Fails when the sheet's part is missing.
  virtual Result<std::unique_ptr<XlsxSheetCursor>> open_sheet(size_t index) = 0;
};

// Whether a number format shows a date: the built-in ids 14–22 and the CJK date formats
// (27–36, 50–58), or a custom code with y, m or d outside quotes, escapes and [...] sections
// (a code with only h/m/s is a time, not a date).
bool is_date_format(uint32_t format_id, std::string_view code);

// The calendar date of a date serial as stored ("45292", "45292.5": the time of day is dropped).
// 1900 system: 1 = 1900-01-01, 60 = the 1900-02-29 that never was (rejected), 61 = 1900-03-01.
// nullopt when the text is not a non-negative number or the date is out of range.
std::optional<Date> date_from_serial(std::string_view serial, bool date1904);

// The cell reference "C17" as a 0-based column and 1-based row; false when malformed.
bool parse_cell_ref(std::string_view ref, uint32_t* column, uint32_t* row);
// The column letters of a 0-based column: 0 → "A", 27 → "AB".
std::string column_name(uint32_t column);

}  // namespace gradus
