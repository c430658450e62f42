// Bilingual text and small UTF-8 helpers used everywhere a user reads something.
//
//   Text t{"营业收入", "operating revenue"};
//   std::cout << t.in(Lang::zh);
//   normalize_width("１２，３００") == "12,300"
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

// Quotes a value for an error message: "12,3O0" (with the quotes).
std::string quoted(std::string_view s);

}  // namespace gradus
