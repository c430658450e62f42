// CSV tokenising (RFC 4180 with the leniencies spreadsheets need) and text-encoding checks.
#include "ingest/csv_reader.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gradus {

namespace {

constexpr size_t kInScratch = size_t{1} << (sizeof(size_t) * 8 - 1);  // span flag: in scratch_

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Bit k is set when p[k] is the separator, a quote, CR or LF (k < len <= 64).
uint64_t special_bytes(const char* p, size_t len, char sep) {
#if defined(__SSE2__)
  if (len == 64) {
    const __m128i s = _mm_set1_epi8(sep);
    const __m128i q = _mm_set1_epi8('"');
    const __m128i r = _mm_set1_epi8('\r');
    const __m128i n = _mm_set1_epi8('\n');
    uint64_t mask = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, s), _mm_cmpeq_epi8(v, q)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, r), _mm_cmpeq_epi8(v, n)));
      mask |= uint64_t{static_cast<uint32_t>(_mm_movemask_epi8(hit))} << (16 * k);
    }
    return mask;
  }
#endif
  uint64_t mask = 0;
  for (size_t k = 0; k < len; ++k) {
    const char c = p[k];
    if (c == sep || c == '"' || c == '\r' || c == '\n') mask |= uint64_t{1} << k;
  }
  return mask;
}


// True when the sequence at s[i] is cut by the end of `s` but its bytes so far are a valid start
// (more text may complete it).
bool utf8_cut(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
  } else {
    return false;
  }
  if (i + n <= s.size()) return false;
  for (size_t k = i + 1; k < s.size(); ++k) {
    if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) return false;
  }
  return true;
}

Status nul_error(uint32_t line) {
  return error(StatusCode::parse_error,
               "第 " + std::to_string(line) + " 行含有空字节：这不是文本文件",
               "line " + std::to_string(line) + " contains a NUL byte: this is not a text file");
}

Status utf8_error(uint32_t line) {
  return error(StatusCode::parse_error,
               "第 " + std::to_string(line) +
                   " 行不是 UTF-8 编码（可能是 GBK）：请在 Excel 中另存为“CSV UTF-8”",
               "line " + std::to_string(line) +
                   " is not UTF-8 (GBK?): save the file from Excel as \"CSV UTF-8\"");
}

// Checks the signature at the start of the text (after a BOM).
Status check_signature(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return error(StatusCode::parse_error, "文件是 UTF-16 编码：请另存为“CSV UTF-8”",
                 "the file is UTF-16 encoded: save it as \"CSV UTF-8\"");
  }
  if (bytes.starts_with("PK\x03\x04")) {
    return error(StatusCode::parse_error,
                 "这是 Excel 工作簿（.xlsx），不是 CSV 文本：请把它作为工作簿读取（gradus 直接读取 "
                 ".xlsx 文件）",
                 "this is an Excel workbook (.xlsx), not CSV text: read it as a workbook (gradus "
                 "reads .xlsx files directly)");
  }
  if (bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    return error(StatusCode::parse_error,
                 "这是旧版 Excel .xls 文件（或加密的工作簿）：请在 Excel 中另存为 .xlsx（Excel "
                 "工作簿）后再读取",
                 "this is an old Excel .xls file (or a password-protected workbook): save it as "
                 ".xlsx (Excel Workbook) in Excel and read that");
  }
  return Status::ok_status();
}

// Verifies s[*pos..] as UTF-8 without NUL bytes. `line` is the line of s[*pos]. With `final`
// false, a sequence cut by the end of `s` stops the scan there (*pos points at it). On error,
// *pos is the offending byte.
Status scan_utf8(std::string_view s, size_t* pos, uint32_t line, bool final) {
  const char* p = s.data();
  const size_t n = s.size();
  size_t i = *pos;
  const size_t start = i;
  auto line_at = [&](size_t at) {
    return line + static_cast<uint32_t>(std::count(p + start, p + at, '\n'));
  };
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & kHigh) == 0 && ((w - kOnes) & ~w & kHigh) == 0) {  // ASCII, no NUL
        i += 8;
        continue;
      }
    }
    if (p[i] == '\0') {
      *pos = i;
      return nul_error(line_at(i));
    }
    const size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      if (!final && utf8_cut(s, i)) break;
      *pos = i;
      return utf8_error(line_at(i));
    }
    i += len;
  }
  *pos = i;
  return Status::ok_status();
}

}  // namespace

Status not_utf8_nor_gb18030(uint32_t utf8_line, uint32_t gb_line) {
  const std::string u = std::to_string(utf8_line);
  const std::string g = std::to_string(gb_line);
  return error(StatusCode::parse_error,
               "文件既不是 UTF-8 编码（第 " + u + " 行）也不是 GB18030/GBK 编码（第 " + g +
                   " 行）的文本：请在 Excel 中另存为“CSV UTF-8”",
               "the file is neither UTF-8 text (line " + u + ") nor GB18030/GBK text (line " + g +
                   "): save it from Excel as \"CSV UTF-8\"");
}

bool CsvRecord::blank() const {
  for (const std::string& c : cells) {
    if (!trim(c).empty()) return false;
  }
  return true;
}

bool CsvRecordView::blank() const {
  for (std::string_view c : cells) {
    if (!trim(c).empty()) return false;
  }
  return true;
}

Result<std::string_view> check_text_encoding(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (Status s = check_signature(bytes); !s.ok()) return s;
  size_t pos = 0;
  if (Status s = scan_utf8(bytes, &pos, 1, /*final=*/true); !s.ok()) return s;
  return bytes;
}

Status TextEncodingCheck::check(std::string_view text, size_t offset, bool final) {
  if (!started_) {
    started_ = true;
    std::string_view t = text.substr(checked_ - offset);
    if (t.starts_with("\xEF\xBB\xBF")) {
      bom_ = 3;
      checked_ += 3;
      t.remove_prefix(3);
    }
    if (Status s = check_signature(t); !s.ok()) return s;
  }
  size_t pos = checked_ - offset;
  const size_t from = pos;
  Status s = scan_utf8(text, &pos, line_, final);
  if (!s.ok()) {
    not_utf8_ = pos < text.size() && text[pos] != '\0';
    error_line_ = line_ + static_cast<uint32_t>(
                              std::count(text.data() + from, text.data() + pos, '\n'));
    return s;
  }
  line_ += static_cast<uint32_t>(std::count(text.data() + from, text.data() + pos, '\n'));
  checked_ = offset + pos;
  return Status::ok_status();
}

Status TextEncodingCheck::feed(std::string_view text, size_t offset) {
  return check(text, offset, false);
}

Status TextEncodingCheck::finish(std::string_view text, size_t offset) {
  return check(text, offset, true);
}

CsvReader::CsvReader(std::string_view text, char separator) : text_(text), separator_(separator) {
  if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
}

bool CsvReader::next(CsvRecord& out) {
  CsvRecordView view;
  if (!next_view(view)) return false;
  out.row = view.row;
  out.line = view.line;
  out.cells.assign(view.cells.begin(), view.cells.end());
  out.error = std::move(view.error);
  return true;
}

CsvReader::Step CsvReader::next_view(CsvRecordView& out, bool final) {
  const char* p = text_.data();
  const size_t n = text_.size();
  size_t i = pos_;
  if (i >= n) return final ? Step::end : Step::need_more;
  const char sep = separator_;
  uint32_t lines = 0;
  scratch_.clear();
  spans_.clear();
  out.error.reset();
  auto set_error = [&](Text t) {
    if (!out.error) out.error = std::move(t);
  };
  auto is_end = [sep](char c) { return c == sep || c == '\r' || c == '\n'; };
  // The first position >= i holding a separator, quote, CR or LF (n when none), through a bit
  // mask of the 64 bytes from `window`.
  size_t window = std::string_view::npos;
  uint64_t window_mask = 0;
  auto find_special = [&](size_t i) {
    for (;;) {
      if (i >= n) return n;
      if (window == std::string_view::npos || i < window || i >= window + 64) {
        window = i;
        window_mask = special_bytes(p + i, std::min<size_t>(64, n - i), sep);
      }
      const uint64_t m = window_mask >> (i - window);
      if (m != 0) return i + static_cast<size_t>(__builtin_ctzll(m));
      i = window + 64;
    }
  };

  for (;;) {
    // One cell, starting at i.
    const size_t start = i;
    i = find_special(i);
    if (i < n && p[i] == '"' && trim(std::string_view(p + start, i - start)).empty()) {
      // An opening quote (spaces before it are dropped, as spreadsheets do).
      ++i;
      const size_t from = scratch_.size();
      bool closed = false;
      for (;;) {
        const size_t run = i;
        while (i < n && p[i] != '"' && p[i] != '\r' && p[i] != '\n') ++i;
        scratch_.append(p + run, i - run);
        if (i >= n) break;
        if (p[i] == '"') {
          if (i + 1 < n && p[i + 1] == '"') {
            scratch_.push_back('"');
            i += 2;
            continue;
          }
          if (i + 1 >= n && !final) return Step::need_more;
          ++i;
          closed = true;
          break;
        }
        if (p[i] == '\r' && i + 1 >= n && !final) return Step::need_more;
        i += (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
        scratch_.push_back('\n');
        ++lines;
      }
      if (!closed) {
        if (!final) return Step::need_more;
        set_error(Text{"本行开始的带引号单元格没有结束引号，文件其余部分都被读入了这个单元格",
                       "a quoted cell starting on this row is never closed; the rest of the file "
                       "was read into it"});
      } else {
        // After the closing quote: spaces are dropped, other text is kept (and reported).
        while (i < n && !is_end(p[i])) {
          if (is_space(p[i])) {
            ++i;
            continue;
          }
          set_error(Text{"引号后还有多余的字符（单元格内的引号应写成两个引号 \"\"）",
                         "text follows a closing quote (a quote inside a cell is written as \"\")"});
          scratch_.push_back(p[i]);
          ++i;
        }
      }
      spans_.emplace_back(from | kInScratch, scratch_.size() - from);
    } else {
      // Unquoted; a quote after other text is literal.
      while (i < n && p[i] == '"') i = find_special(i + 1);
      spans_.emplace_back(start, i - start);
    }
    if (i < n && p[i] == sep) {
      ++i;
      continue;
    }
    if (i >= n) {
      if (!final) return Step::need_more;
    } else {
      if (p[i] == '\r' && i + 1 >= n && !final) return Step::need_more;
      i += (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
      ++lines;
    }
    break;
  }

  out.row = ++row_;
  out.line = line_;
  line_ += lines;
  pos_ = i;
  out.cells.resize(spans_.size());
  for (size_t k = 0; k < spans_.size(); ++k) {
    const auto [off, len] = spans_[k];
    out.cells[k] = (off & kInScratch) != 0
                       ? std::string_view(scratch_.data() + (off & ~kInScratch), len)
                       : std::string_view(p + off, len);
  }
  return Step::record;
}

}  // namespace gradus
