// Unified Social Credit Code parsing: normalisation, character checks and the two check
// characters (GB 11714 over positions 9–16, GB 32100 mod 31 over positions 1–17).
#include "core/uscc.h"

#include <array>
#include <string>

#include "core/text.h"

namespace gradus {

namespace {

// The 31 code characters of GB 32100-2015, in value order (I, O, Z, S and V are never used).
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// W_i = 3^(i-1) mod 31, i = 1..17.
constexpr std::array<int, 17> kUsccWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};
// GB 11714 weights over the eight-character organisation-code body.
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};
// Registration-authority codes (position 1), GB 32100-2015 table as amended (REFERENCE §9.2).
constexpr std::string_view kAuthorities = "123456789ANY";

// Value in the USCC table, or -1.
int uscc_value(char c) {
  const size_t pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Value for the GB 11714 check: digits as themselves, letters by plain alphabet index (A=10 …
// Z=35, not the USCC table), or -1.
int org_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Number of UTF-8 code points.
size_t char_count(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += is_utf8_continuation(c) ? 0 : 1;
  return n;
}

std::string char_quoted(char c) { return std::string("'") + c + "'"; }

}  // namespace

char Uscc::uscc_check_char(std::string_view first17) {
  if (first17.size() != kUsccWeights.size()) return '?';
  int sum = 0;
  for (size_t i = 0; i < first17.size(); ++i) {
    const int v = uscc_value(first17[i]);
    if (v < 0) return '?';
    sum += v * kUsccWeights[i];
  }
  return kAlphabet[(31 - sum % 31) % 31];
}

char Uscc::org_check_char(std::string_view org_body8) {
  if (org_body8.size() != kOrgWeights.size()) return '?';
  int sum = 0;
  for (size_t i = 0; i < org_body8.size(); ++i) {
    const int v = org_value(org_body8[i]);
    if (v < 0) return '?';
    sum += v * kOrgWeights[i];
  }
  const int r = 11 - sum % 11;
  if (r == 10) return 'X';
  if (r == 11) return '0';
  return static_cast<char>('0' + r);
}

Result<Uscc> Uscc::parse(std::string_view text) {
  const std::string shown = quoted(trim(text));
  auto bad = [&](const std::string& zh, const std::string& en) {
    return invalid(shown + " 不是有效的统一社会信用代码：" + zh,
                   shown + " is not a valid unified social credit code: " + en);
  };

  std::string norm = normalize_width(trim(text));
  std::string code(trim(norm));
  for (char& c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }

  if (code.empty()) return bad("为空", "it is empty");
  const size_t count = char_count(code);
  if (count != 18) {
    return bad("长度为 " + std::to_string(count) + " 个字符，应为 18 个",
               "it has " + std::to_string(count) + " characters, expected 18");
  }
  // 18 code points; from here on every one must be a single ASCII code character.
  size_t position = 0;
  for (size_t i = 0; i < code.size(); ++position) {
    size_t len = 1;
    while (i + len < code.size() && is_utf8_continuation(code[i + len])) ++len;
    const std::string ch = printable_utf8(code.substr(i, len));
    const std::string pos = std::to_string(position + 1);
    if (len != 1) {
      return bad("第 " + pos + " 位字符 \"" + ch + "\" 不是数字或字母",
                 "character " + pos + " \"" + ch + "\" is not a digit or a letter");
    }
    const char c = code[i];
    if (c == 'I' || c == 'O' || c == 'Z' || c == 'S' || c == 'V') {
      return bad("第 " + pos + " 位为字母 " + char_quoted(c) +
                     "，统一社会信用代码不使用字母 I、O、Z、S、V",
                 "character " + pos + " is the letter " + char_quoted(c) +
                     ", which a USCC never uses (I, O, Z, S and V are excluded)");
    }
    if (uscc_value(c) < 0) {
      return bad("第 " + pos + " 位字符 \"" + ch + "\" 不是数字或字母",
                 "character " + pos + " \"" + ch + "\" is not a digit or a letter");
    }
    if (position >= 2 && position <= 7 && !(c >= '0' && c <= '9')) {
      return bad("第 " + pos + " 位为 " + char_quoted(c) + "，第 3–8 位（行政区划码）必须是数字",
                 "character " + pos + " is " + char_quoted(c) +
                     ", but positions 3–8 (the administrative-division code) must be digits");
    }
    i += len;
  }
  if (kAuthorities.find(code[0]) == std::string_view::npos) {
    return bad("第 1 位（登记管理部门代码）" + char_quoted(code[0]) + " 无效，应为 1–9、A、N 或 Y",
               "character 1 (registration authority) " + char_quoted(code[0]) +
                   " is not one of 1–9, A, N, Y");
  }

  // Both checks are reported when both fail; each is computed over the characters as given.
  std::string zh_failures;
  std::string en_failures;
  const char expected17 = org_check_char(std::string_view(code).substr(8, 8));
  if (code[16] != expected17) {
    zh_failures = "组织机构代码校验码（第 17 位，GB 11714）应为 " + char_quoted(expected17) +
                  "，实为 " + char_quoted(code[16]);
    en_failures = "the organisation-code check character (17th character, GB 11714) should be " +
                  char_quoted(expected17) + ", it is " + char_quoted(code[16]);
  }
  const char expected18 = uscc_check_char(std::string_view(code).substr(0, 17));
  if (code[17] != expected18) {
    if (!zh_failures.empty()) {
      zh_failures += "；";
      en_failures += "; ";
    }
    zh_failures += "校验码（第 18 位，GB 32100）应为 " + char_quoted(expected18) + "，实为 " +
                   char_quoted(code[17]);
    en_failures += "the check digit (18th character, GB 32100) should be " +
                   char_quoted(expected18) + ", it is " + char_quoted(code[17]);
  }
  if (!en_failures.empty()) return bad(zh_failures, en_failures);
  return Uscc(std::move(code));
}

}  // namespace gradus
