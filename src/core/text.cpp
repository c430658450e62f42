// UTF-8 helpers: width normalisation, trimming, splitting.
#include "core/text.h"

namespace gradus {

bool parse_lang(std::string_view s, Lang* out) {
  if (s == "zh" || s == "zh-CN" || s == "zh_CN" || s == "cn") {
    *out = Lang::zh;
    return true;
  }
  if (s == "en" || s == "en-US" || s == "en_US") {
    *out = Lang::en;
    return true;
  }
  return false;
}

std::string normalize_width(std::string_view s) {
  // Only the lead bytes 0xEF (U+FF01..U+FF5E) and 0xE3 (U+3000) can start a change: everything
  // before the first of them is copied as is.
  size_t first = 0;
  while (first < s.size() && static_cast<unsigned char>(s[first]) != 0xEF &&
         static_cast<unsigned char>(s[first]) != 0xE3) {
    ++first;
  }
  if (first == s.size()) return std::string(s);
  std::string out;
  out.reserve(s.size());
  out.append(s.data(), first);
  for (size_t i = first; i < s.size();) {
    const auto c0 = static_cast<unsigned char>(s[i]);
    if (c0 == 0xEF && i + 2 < s.size()) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      const auto c2 = static_cast<unsigned char>(s[i + 2]);
      // U+FF01..U+FF5E is EF BC 81..EF BD 9E.
      unsigned code = ((c0 & 0x0Fu) << 12) | ((c1 & 0x3Fu) << 6) | (c2 & 0x3Fu);
      if (code >= 0xFF01 && code <= 0xFF5E) {
        out.push_back(static_cast<char>(code - 0xFF01 + 0x21));
        i += 3;
        continue;
      }
    }
    if (c0 == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0x80) {  // U+3000 ideographic space
      out.push_back(' ');
      i += 3;
      continue;
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  // Fast path: both ends are printable ASCII (nothing to strip).
  if (!s.empty()) {
    const auto f = static_cast<unsigned char>(s.front());
    const auto b = static_cast<unsigned char>(s.back());
    if (f > ' ' && f < 0x80 && b > ' ' && b < 0x80) return s;
  }
  auto strip_front = [](std::string_view& v) {
    for (;;) {
      if (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\r' || v.front() == '\n')) {
        v.remove_prefix(1);
      } else if (v.starts_with("\xC2\xA0")) {
        v.remove_prefix(2);
      } else if (v.starts_with("\xE3\x80\x80")) {
        v.remove_prefix(3);
      } else {
        return;
      }
    }
  };
  auto strip_back = [](std::string_view& v) {
    for (;;) {
      if (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' || v.back() == '\n')) {
        v.remove_suffix(1);
      } else if (v.ends_with("\xC2\xA0")) {
        v.remove_suffix(2);
      } else if (v.ends_with("\xE3\x80\x80")) {
        v.remove_suffix(3);
      } else {
        return;
      }
    }
  };
  strip_front(s);
  strip_back(s);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out.push_back('"');
  return out;
}

}  // namespace gradus
