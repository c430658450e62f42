// Exact decimal parsing and printing.
#include "core/decimal.h"

#include <cstdlib>

namespace gradus {

namespace {

// Parses the normalised text into micros with `extra_shift` extra decimal places of division
// (4 for 元 → 万元). `max_places` limits the decimals accepted in the input.
Result<Decimal> parse_scaled(std::string_view original, int shift_left, int max_places) {
  std::string norm = normalize_width(trim(original));
  std::string_view s = trim(norm);
  auto bad = [&](const char* zh_reason, const char* en_reason) {
    return Status{StatusCode::invalid_argument,
                  Text{quoted(original) + " 不是数字：" + zh_reason,
                       quoted(original) + " is not a number: " + en_reason}};
  };
  if (s.empty()) return bad("为空", "it is empty");
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  __extension__ __int128 digits = 0;  // __extension__: -Wpedantic rejects __int128
  int places = -1;  // -1: before the decimal point
  int significant = 0;
  bool seen_digit = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (places >= 0) ++places;
      if (digits != 0 || c != '0') ++significant;
      if (significant > 30) return bad("位数过多", "too many digits");
      digits = digits * 10 + (c - '0');
    } else if (c == '.') {
      if (places >= 0) return bad("有两个小数点", "it has two decimal points");
      places = 0;
    } else if (c == ',') {
      if (places >= 0) return bad("小数点后出现千位分隔符", "a thousands separator after the decimal point");
      // Thousands separators must be followed by exactly three digits.
      size_t j = i + 1, n = 0;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j, ++n;
      if (!seen_digit || n != 3 || (j < s.size() && s[j] != ',' && s[j] != '.')) {
        return bad("千位分隔符位置不对", "a misplaced thousands separator");
      }
      // The group before the first separator has 1–3 digits and no leading zero ("1234,567" and
      // "0,500" are decimal commas or typos, not thousands).
      if (s.find(',') == i) {
        size_t k = i;
        while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9') --k;
        size_t lead = (k < i && (s[k] == '-' || s[k] == '+')) ? k + 1 : k;
        if (i - lead > 3 || s[lead] == '0') return bad("千位分隔符位置不对", "a misplaced thousands separator");
      }
    } else {
      // The whole character (a Chinese one is three bytes), or its byte escaped when the text
      // is not UTF-8: a message never holds half a character.
      const std::string ch = utf8_char_at(s, i);
      return bad(("含有非数字字符 " + quoted(ch)).c_str(),
                 ("it contains the character " + quoted(ch)).c_str());
    }
  }
  if (!seen_digit) return bad("没有数字", "it has no digits");
  if (places < 0) places = 0;
  if (places > max_places) {
    return bad(("小数位超过 " + std::to_string(max_places) + " 位").c_str(),
               ("more than " + std::to_string(max_places) + " decimal places").c_str());
  }
  // value = digits / 10^places / 10^shift_left; micros = value * 10^6.
  int exponent = Decimal::kScaleDigits - places - shift_left;
  for (; exponent > 0; --exponent) digits *= 10;
  for (; exponent < 0; ++exponent) {
    if (digits % 10 != 0) return bad("精度超出范围", "more precise than gradus stores");
    digits /= 10;
  }
  if (digits > INT64_MAX) return bad("数值过大", "it is too large");
  auto micros = static_cast<int64_t>(digits);
  return Decimal::from_micros(negative ? -micros : micros);
}

}  // namespace

Result<Decimal> Decimal::parse(std::string_view text) { return parse_scaled(text, 0, kScaleDigits); }

Result<Decimal> Decimal::parse_yuan_as_wan(std::string_view text) { return parse_scaled(text, 4, 2); }

std::string Decimal::to_string() const {
  int64_t v = micros_;
  std::string out;
  bool negative = v < 0;
  unsigned long long mag = negative ? static_cast<unsigned long long>(-(v + 1)) + 1ULL
                                    : static_cast<unsigned long long>(v);
  unsigned long long whole = mag / kScale;
  unsigned long long frac = mag % kScale;
  out = std::to_string(whole);
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, kScaleDigits - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  if (negative) out.insert(0, "-");
  return out;
}

}  // namespace gradus
