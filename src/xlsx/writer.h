// Writing Excel workbooks (.xlsx) through libxlsxwriter: sheets with a bold, frozen header row and
// column widths; numbers written as numbers, text as text, dates as dates (yyyy-mm-dd), booleans
// as booleans. A number is written as an Excel number only when Excel's double shows exactly the
// decimal given; otherwise (more than ~15 significant digits) it is written as text, so that no
// value is ever changed by writing it.
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
  std::string header;
  double width = 0;  // in characters; 0 = from the header (CJK characters count double)
};

class XlsxWriter {
 public:
  struct Options {
    // Rows are flushed to a temporary file as they are written (memory stays flat for big
    // exports); strings are then stored inline instead of in a shared-string table.
    bool constant_memory = true;
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
  // Appends a row to the current sheet (cells beyond the header are allowed).
  Status add_row(std::span<const XlsxValue> cells);
  // Writes the file. The writer cannot be used afterwards.
  Status close();

 private:
  struct Impl;
  explicit XlsxWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether `decimal` ("8200.5") survives being written as an Excel number: Excel's %.16G text of
// the nearest double is the same decimal value. Exposed for tests.
bool xlsx_number_is_exact(std::string_view decimal);

// Display width of a text in Excel character units (CJK characters count 2).
double xlsx_text_width(std::string_view s);

}  // namespace gradus
