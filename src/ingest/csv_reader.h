// RFC 4180 CSV reading for the flat form: UTF-8 text (a leading BOM is skipped; GB18030 files are
// converted to UTF-8 first, see encoding.h and load_csv_stream), CRLF, LF or CR
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
//
// next_view() is the same without copying: the cells are views into the text (or, for quoted
// cells, into a buffer of the reader) that stay valid until the next call. The text may also be
// given in pieces (streaming, see next_view(out, final) and set_text()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// A record whose cells are views (see CsvReader::next_view).
struct CsvRecordView {
  uint32_t row = 0;
  uint32_t line = 0;
  std::vector<std::string_view> cells;
  std::optional<Text> error;

  bool blank() const;
};

// Checks that `bytes` is UTF-8 text and returns it without a leading byte-order mark. Fails with a
// bilingual explanation for UTF-16, for GBK/GB18030 or other non-UTF-8 bytes (naming the line),
// and for binary files such as .xlsx workbooks (read them as workbooks) and old .xls files (save
// them as .xlsx).
Result<std::string_view> check_text_encoding(std::string_view bytes);

// The failure of text that is neither UTF-8 (first bad byte on `utf8_line`) nor GB18030/GBK
// (first bad sequence on `gb_line`).
Status not_utf8_nor_gb18030(uint32_t utf8_line, uint32_t gb_line);

// The same check for text that arrives in pieces: feed() the pieces in order (the first one
// complete enough to hold the file's signature, when the file has one), then finish().
// accepted() tells how much of the text given so far has been verified (a UTF-8 sequence cut at
// the end of a piece waits for the next one).
class TextEncodingCheck {
 public:
  // `text` is the whole text so far (previous pieces may have been dropped: `offset` is the
  // position of text[0] in the whole text). Checks the part not yet checked.
  Status feed(std::string_view text, size_t offset);
  // The end of the text: a sequence still cut is an error.
  Status finish(std::string_view text, size_t offset);
  // Position (in the whole text) up to which the text is verified.
  size_t accepted() const { return checked_; }
  // Number of bytes of a leading BOM to skip (3 or 0); known after the first feed().
  size_t bom() const { return bom_; }
  // After a failure: true when the text failed because a byte sequence is not UTF-8 (rather than
  // a NUL byte or a file signature), so that it may be text in another encoding.
  bool not_utf8() const { return not_utf8_; }
  // After a failure: the line of the offending byte.
  uint32_t error_line() const { return error_line_; }

 private:
  Status check(std::string_view text, size_t offset, bool final);
  bool started_ = false;
  bool not_utf8_ = false;
  uint32_t error_line_ = 0;
  size_t bom_ = 0;
  size_t checked_ = 0;  // position in the whole text
  uint32_t line_ = 1;   // line of position checked_
};

// Streams records out of CSV text. Not thread-safe; the text must outlive the reader.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text, char separator = ',');

  // Reads the next record into `out`; false at the end of the text.
  bool next(CsvRecord& out);
  // Same, with views (valid until the next call).
  bool next_view(CsvRecordView& out) { return next_view(out, true) == Step::record; }

  // Streaming: with `final` false the text read so far may continue, and a record that reaches
  // the end of the text is not taken (need_more): append to the text, set_text(), call again.
  enum class Step { record, end, need_more };
  Step next_view(CsvRecordView& out, bool final);
  // Position in the current text of the first byte not yet consumed.
  size_t consumed() const { return pos_; }
  // Records read so far, and the text line the next one starts on.
  uint32_t records() const { return row_; }
  uint32_t line() const { return line_; }
  // The text not yet consumed.
  std::string_view rest() const { return text_.substr(pos_); }
  // Replaces the text; `pos` is where reading continues in it (the bytes before it, already
  // consumed, may have been dropped).
  void set_text(std::string_view text, size_t pos) {
    text_ = text;
    pos_ = pos;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  uint32_t row_ = 0;
  uint32_t line_ = 1;
  char separator_;
  std::string scratch_;                              // unescaped quoted cells
  std::vector<std::pair<size_t, size_t>> spans_;     // cell (offset, length); see kInScratch
};

}  // namespace gradus
