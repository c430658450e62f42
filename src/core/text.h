// Bilingual text and small UTF-8 helpers used everywhere a user reads something.
//
//   Text t{"营业收入", "operating revenue"};
//   std::cout << t.in(Lang::zh);
//   normalize_width("１２，３００") == "12,300"
//   utf8_char_at("约5000万", 0) == "约";  printable_utf8("\xE7") == "\\xE7"
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gradus {

enum class Lang { zh, en };

// A user-visible string in Chinese and English.
struct Text {
  std::string zh;
  std::string en;
  const std::string& in(Lang lang) const { return lang == Lang::zh ? zh : en; }
  bool empty() const { return zh.empty() && en.empty(); }
};

// Parses "zh"/"en" (also "zh-CN", "en-US"); false if unknown.
bool parse_lang(std::string_view s, Lang* out);

// Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space become their ASCII forms;
// full-width parentheses become ASCII ones. Other characters are kept.
std::string normalize_width(std::string_view s);

// Removes leading and trailing ASCII whitespace (and the UTF-8 no-break space / ideographic space).
std::string_view trim(std::string_view s);

// Splits on a single-byte separator; empty parts are kept.
std::vector<std::string_view> split(std::string_view s, char sep);

// ASCII lower-case copy.
std::string ascii_lower(std::string_view s);

// The most of a value that a message quotes (docs/reliability.md, "Input limits"). A value up to
// kExcerptSlack bytes longer is quoted whole (an excerpt, quoted again, is not cut again).
inline constexpr size_t kMaxQuotedBytes = 200;
inline constexpr size_t kExcerptSlack = 40;

// Quotes a value for an error message: "12,3O0" (with the quotes). Bytes that are not valid
// UTF-8 are written escaped (\xE7), so that a message is always valid UTF-8; a value longer than
// kMaxQuotedBytes + kExcerptSlack is cut to kMaxQuotedBytes (at a character boundary) and its
// length given: "abc…(1048577 bytes)".
std::string quoted(std::string_view s);
// The same without the quotes: a value as a message or a report may hold it.
std::string excerpt(std::string_view s, size_t max_bytes = kMaxQuotedBytes);

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 when the bytes there
// are not one (a stray continuation byte, an overlong form, a surrogate, a sequence cut short).
size_t utf8_sequence_length(std::string_view s, size_t i);
// Whether the whole text is valid UTF-8.
bool valid_utf8(std::string_view s);
// The text with each byte that is not part of valid UTF-8 written as \xNN (uppercase hex):
// safe to put into a message, a CSV or an XML report. Valid text is returned unchanged.
std::string printable_utf8(std::string_view s);
// The character at byte i, for a message: the whole UTF-8 sequence ("约", "—"), or the byte
// escaped ("\xE7") when it does not start a valid sequence. Precondition: i < s.size().
std::string utf8_char_at(std::string_view s, size_t i);
// At most `max_bytes` bytes of the text, cut at a character boundary (never inside a sequence).
std::string_view utf8_prefix(std::string_view s, size_t max_bytes);

// `s` as valid UTF-8 holding only characters XML 1.0 allows, every other byte shown visibly: a
// byte of an invalid or cut UTF-8 sequence (an overlong form, a surrogate, beyond U+10FFFF)
// becomes "\xE7", a control character other than tab, line feed and carriage return becomes
// "\x01", U+FFFE / U+FFFF become "\uFFFE" / "\uFFFF". Valid text is returned unchanged.
// Used for every text a workbook, a report or a CSV file gradus writes holds.
std::string clean_utf8(std::string_view s);

// The UTF-8 byte-order mark, written first in every CSV file gradus writes, so that Chinese
// Excel opens it as UTF-8 (without it Excel reads GBK and the Chinese text is garbled).
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One CSV field: clean_utf8(s), in double quotes (inner quotes doubled) when it holds , " CR or LF.
std::string csv_field(std::string_view s);
// The same appended to `out` (no allocation for text that is already clean: the usual case).
void append_csv_field(std::string& out, std::string_view s);

// Columns the text takes on a terminal or in a spreadsheet cell: a character of three or four
// UTF-8 bytes (CJK and other wide characters) counts two, any other one.
size_t display_columns(std::string_view s);

}  // namespace gradus
