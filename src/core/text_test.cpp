// Tests for the text helpers: width normalisation, trimming, splitting, languages.
#include "core/text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gradus {
namespace {

TEST(Text, NormalizeWidth) {
  EXPECT_EQ(normalize_width("１２，３００"), "12,300");
  EXPECT_EQ(normalize_width("３．５"), "3.5");
  EXPECT_EQ(normalize_width("营业收入（元）"), "营业收入(元)");
  EXPECT_EQ(normalize_width("ＡＢＣａｂｃ！～"), "ABCabc!~");  // U+FF01 and U+FF5E, the ends
  EXPECT_EQ(normalize_width("a\xE3\x80\x80"
                            "b"),
            "a b");                                    // ideographic space
  EXPECT_EQ(normalize_width("中文、。"), "中文、。");  // not full-width ASCII: kept
  EXPECT_EQ(normalize_width("｟"), "｟");              // U+FF5F is outside the range
  EXPECT_EQ(normalize_width("ｱ"), "ｱ");                // half-width katakana kept
  EXPECT_EQ(normalize_width(""), "");
  // A truncated sequence at the end is kept as is.
  EXPECT_EQ(normalize_width("1\xEF\xBC"), "1\xEF\xBC");
}

TEST(Text, Trim) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("\xC2\xA0x\xC2\xA0"), "x");            // no-break space
  EXPECT_EQ(trim("\xE3\x80\x80 x \xE3\x80\x80"), "x");  // ideographic space
  EXPECT_EQ(trim(" \t\xE3\x80\x80\xC2\xA0 "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("中文"), "中文");
}

TEST(Text, Split) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string_view>{""}));
  EXPECT_EQ(split("a;", ';'), (std::vector<std::string_view>{"a", ""}));
  EXPECT_EQ(split("abc", ','), (std::vector<std::string_view>{"abc"}));
}

TEST(Text, Lower) { EXPECT_EQ(ascii_lower("Revenue ABC 中文"), "revenue abc 中文"); }

TEST(Text, Quoted) { EXPECT_EQ(quoted("12,3O0"), "\"12,3O0\""); }

TEST(Text, ParseLang) {
  Lang l = Lang::en;
  EXPECT_TRUE(parse_lang("zh-CN", &l));
  EXPECT_EQ(l, Lang::zh);
  EXPECT_TRUE(parse_lang("en", &l));
  EXPECT_EQ(l, Lang::en);
  EXPECT_TRUE(parse_lang("zh", &l));
  EXPECT_TRUE(parse_lang("en-US", &l));
  EXPECT_FALSE(parse_lang("fr", &l));
  EXPECT_EQ(l, Lang::en);  // unchanged on failure
}

TEST(Text, Utf8Helpers) {
  EXPECT_EQ(utf8_char_at("约5000万", 0), "约");
  EXPECT_EQ(utf8_char_at("约5000万", 3), "5");
  EXPECT_EQ(utf8_char_at("—", 0), "—");
  EXPECT_EQ(utf8_char_at("\xE7\xBA", 0), "\\xE7");  // cut short
  EXPECT_EQ(utf8_char_at("\xBA", 0), "\\xBA");      // a stray continuation byte
  EXPECT_TRUE(valid_utf8("营业收入 ok"));
  EXPECT_FALSE(valid_utf8("\xE7"));
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_EQ(printable_utf8("a\xCD\xB3\xD2\xBB\xC9" "b"), "a\xCD\xB3\xD2\xBB\\xC9b");
  EXPECT_EQ(printable_utf8("营业\xFF"), "营业\\xFF");
  EXPECT_EQ(quoted("x\xE7"), "\"x\\xE7\"");
  EXPECT_EQ(quoted("约"), "\"约\"");
  EXPECT_EQ(utf8_prefix("营业收入", 7), "营业");
  EXPECT_EQ(utf8_prefix("营业收入", 6), "营业");
  EXPECT_EQ(utf8_prefix("ab", 5), "ab");
}

TEST(Text, Bilingual) {
  const Text t{"营业收入", "operating revenue"};
  EXPECT_EQ(t.in(Lang::zh), "营业收入");
  EXPECT_EQ(t.in(Lang::en), "operating revenue");
  EXPECT_FALSE(t.empty());
  EXPECT_TRUE(Text{}.empty());
}

TEST(Text, QuotedValuesAreBounded) {
  // Issue 16: a message quoted a 1 GB line whole. Now: 200 bytes and the length.
  const std::string big(1 << 20, 'a');
  EXPECT_EQ(gradus::quoted(big), "\"" + std::string(200, 'a') + "…(1048576 bytes)\"");
  // Cut at a character boundary (示 is 3 bytes: 66 of them fit in 200), and an excerpt quoted
  // again stays as it is.
  std::string zh;
  for (int i = 0; i < 1000; ++i) zh += "示";
  const std::string once = gradus::quoted(zh);
  EXPECT_EQ(once, "\"" + zh.substr(0, 198) + "…(3000 bytes)\"");
  EXPECT_EQ(gradus::quoted(once.substr(1, once.size() - 2)), once);
  EXPECT_EQ(gradus::quoted(std::string(230, 'b')), "\"" + std::string(230, 'b') + "\"");
  EXPECT_EQ(gradus::quoted(std::string(300, '\xE7')).substr(0, 9), "\"\\xE7\\xE7");
}

}  // namespace
}  // namespace gradus
