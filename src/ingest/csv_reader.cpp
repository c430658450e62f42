// CSV tokenising (RFC 4180 with the leniencies spreadsheets need) and text-encoding checks.
#include "ingest/csv_reader.h"

namespace gradus {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
size_t utf8_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t code = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    code = (code << 6) | (cc & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

bool CsvRecord::blank() const {
  for (const std::string& c : cells) {
    if (!trim(c).empty()) return false;
  }
  return true;
}

Result<std::string_view> check_text_encoding(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return error(StatusCode::parse_error, "文件是 UTF-16 编码：请另存为“CSV UTF-8”",
                 "the file is UTF-16 encoded: save it as \"CSV UTF-8\"");
  }
  if (bytes.starts_with("PK\x03\x04") || bytes.starts_with("\xD0\xCF\x11\xE0")) {
    return error(StatusCode::parse_error, "这是 Excel 工作簿而不是文本文件：请另存为“CSV UTF-8”",
                 "this is an Excel workbook, not a text file: save it as \"CSV UTF-8\"");
  }
  uint32_t line = 1;
  for (size_t i = 0; i < bytes.size();) {
    const char c = bytes[i];
    if (c == '\0') {
      return error(
          StatusCode::parse_error, "第 " + std::to_string(line) + " 行含有空字节：这不是文本文件",
          "line " + std::to_string(line) + " contains a NUL byte: this is not a text file");
    }
    if (c == '\n') ++line;
    const size_t n = utf8_length(bytes, i);
    if (n == 0) {
      return error(StatusCode::parse_error,
                   "第 " + std::to_string(line) +
                       " 行不是 UTF-8 编码（可能是 GBK）：请在 Excel 中另存为“CSV UTF-8”",
                   "line " + std::to_string(line) +
                       " is not UTF-8 (GBK?): save the file from Excel as \"CSV UTF-8\"");
    }
    i += n;
  }
  return bytes;
}

CsvReader::CsvReader(std::string_view text, char separator) : text_(text), separator_(separator) {
  if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
}

bool CsvReader::next(CsvRecord& out) {
  if (pos_ >= text_.size()) return false;
  out.cells.clear();
  out.error.reset();
  out.row = ++row_;
  out.line = line_;

  std::string cell;
  bool in_quotes = false;
  bool after_quote = false;  // the current cell was quoted and its closing quote has been read
  auto set_error = [&](Text t) {
    if (!out.error) out.error = std::move(t);
  };
  auto end_cell = [&] {
    out.cells.push_back(std::move(cell));
    cell.clear();
    after_quote = false;
  };

  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (in_quotes) {
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          cell.push_back('"');
          pos_ += 2;
        } else {
          in_quotes = false;
          after_quote = true;
          ++pos_;
        }
      } else if (c == '\r' || c == '\n') {
        pos_ += (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ? 2 : 1;
        cell.push_back('\n');
        ++line_;
      } else {
        cell.push_back(c);
        ++pos_;
      }
      continue;
    }
    if (c == separator_) {
      end_cell();
      ++pos_;
    } else if (c == '\r' || c == '\n') {
      pos_ += (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ? 2 : 1;
      ++line_;
      end_cell();
      return true;
    } else if (c == '"' && !after_quote && trim(cell).empty()) {
      // An opening quote (spaces before it are dropped, as spreadsheets do).
      cell.clear();
      in_quotes = true;
      ++pos_;
    } else {
      if (after_quote) {
        if (is_space(c)) {
          ++pos_;
          continue;
        }
        set_error(Text{"引号后还有多余的字符（单元格内的引号应写成两个引号 \"\"）",
                       "text follows a closing quote (a quote inside a cell is written as \"\")"});
      }
      cell.push_back(c);
      ++pos_;
    }
  }
  if (in_quotes) {
    set_error(Text{"本行开始的带引号单元格没有结束引号，文件其余部分都被读入了这个单元格",
                   "a quoted cell starting on this row is never closed; the rest of the file was "
                   "read into it"});
  }
  end_cell();
  return true;
}

}  // namespace gradus
