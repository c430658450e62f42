// RFC 4180 CSV reading for the flat form: UTF-8 only (a leading BOM is skipped), CRLF, LF or CR
// line ends, quoted cells with doubled quotes ("") and embedded line breaks. Records are numbered
// like spreadsheet rows: the first record is row 1, a blank line is a row too, and a record whose
// quoted cell spans several text lines is still one row.
//
//   Result<std::string_view> body = check_text_encoding(bytes);   // BOM removed, UTF-8 verified
//   CsvReader reader(*body);
//   CsvRecord rec;
//   while (reader.next(rec)) {
//     if (rec.blank()) continue;
//     use(rec.row, rec.cells);            // rec.error is set when a quote was malformed
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/text.h"

namespace gradus {

struct CsvRecord {
  uint32_t row = 0;                // 1-based record number (the spreadsheet row)
  uint32_t line = 0;               // 1-based text line on which the record starts
  std::vector<std::string> cells;  // quotes removed; line breaks inside quotes become "\n"
  std::optional<Text> error;       // a malformed or unterminated quote in this record

  // True when no cell has any content other than spaces (a blank line, or ",,,").
  bool blank() const;
};

// Checks that `bytes` is UTF-8 text and returns it without a leading byte-order mark. Fails with a
// bilingual explanation for UTF-16, for GBK/GB18030 or other non-UTF-8 bytes (naming the line),
// and for binary files such as .xlsx workbooks.
Result<std::string_view> check_text_encoding(std::string_view bytes);

// Streams records out of CSV text. Not thread-safe; the text must outlive the reader.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text, char separator = ',');

  // Reads the next record into `out`; false at the end of the text.
  bool next(CsvRecord& out);

 private:
  std::string_view text_;
  size_t pos_ = 0;
  uint32_t row_ = 0;
  uint32_t line_ = 1;
  char separator_;
};

}  // namespace gradus
