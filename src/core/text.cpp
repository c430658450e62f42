// UTF-8 helpers: width normalisation, trimming, splitting.
#include "core/text.h"

#include <algorithm>
#include <cstdint>

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

std::string excerpt(std::string_view s, size_t max_bytes) {
  // A little over the limit is kept whole, so that an excerpt quoted again stays as it is.
  const std::string_view head =
      s.size() > max_bytes + kExcerptSlack ? utf8_prefix(s, max_bytes) : s;
  std::string out = valid_utf8(head) ? std::string(head) : printable_utf8(head);
  if (head.size() < s.size()) out += "…(" + std::to_string(s.size()) + " bytes)";
  return out;
}

std::string quoted(std::string_view s) { return "\"" + excerpt(s) + "\""; }

size_t utf8_sequence_length(std::string_view s, size_t i) {
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
  uint32_t code = c & (0x7Fu >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    code = (code << 6) | (cc & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

void append_escaped_byte(std::string& out, char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto b = static_cast<unsigned char>(c);
  out += "\\x";
  out.push_back(kHex[b >> 4]);
  out.push_back(kHex[b & 0xF]);
}

}  // namespace

std::string printable_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      append_escaped_byte(out, s[i]);
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string utf8_char_at(std::string_view s, size_t i) {
  const size_t n = utf8_sequence_length(s, i);
  if (n > 0) return std::string(s.substr(i, n));
  std::string out;
  append_escaped_byte(out, s[i]);
  return out;
}

std::string_view utf8_prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  // Back up over continuation bytes to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

std::string clean_utf8(std::string_view s) {
  std::string out;
  size_t copied = 0;  // s[copied, i) is valid text not yet copied
  auto flush = [&](size_t i) {
    out.append(s.substr(copied, i - copied));
    copied = i;
  };
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t n = utf8_sequence_length(s, i);
    const bool control = b < 0x20 && b != '\t' && b != '\n' && b != '\r';
    if (n == 0 || control) {
      flush(i);
      append_escaped_byte(out, s[i]);
      copied = ++i;
      continue;
    }
    // U+FFFE and U+FFFF are not XML characters.
    if (n == 3 && b == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        static_cast<unsigned char>(s[i + 2]) >= 0xBE) {
      flush(i);
      out += static_cast<unsigned char>(s[i + 2]) == 0xBE ? "\\uFFFE" : "\\uFFFF";
      copied = i += 3;
      continue;
    }
    i += n;
  }
  if (copied == 0 && out.empty()) return std::string(s);
  out.append(s.substr(copied));
  return out;
}

void append_csv_field(std::string& out, std::string_view s) {
  bool quote = false, clean = true;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (b == ',' || b == '"' || b == '\r' || b == '\n') quote = true;
    if (b >= 0x80 || (b < 0x20 && b != '\t' && b != '\r' && b != '\n')) clean = false;
  }
  std::string cleaned;
  if (!clean && (!valid_utf8(s) || s.find("\xEF\xBF\xBE") != std::string_view::npos ||
                 s.find("\xEF\xBF\xBF") != std::string_view::npos ||
                 std::any_of(s.begin(), s.end(), [](char c) {
                   const auto b = static_cast<unsigned char>(c);
                   return b < 0x20 && b != '\t' && b != '\r' && b != '\n';
                 }))) {
    cleaned = clean_utf8(s);  // something to escape (or a U+FFFE/FFFF to check): the slow path
    s = cleaned;
  }
  if (!quote) {
    out.append(s);
    return;
  }
  out += '"';
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_field(std::string_view s) {
  std::string out;
  append_csv_field(out, s);
  return out;
}

size_t display_columns(std::string_view s) {
  size_t columns = 0;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    columns += len >= 3 ? 2 : 1;
    i += len;
  }
  return columns;
}

}  // namespace gradus
