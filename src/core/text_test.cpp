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

TEST(Text, Bilingual) {
  const Text t{"营业收入", "operating revenue"};
  EXPECT_EQ(t.in(Lang::zh), "营业收入");
  EXPECT_EQ(t.in(Lang::en), "operating revenue");
  EXPECT_FALSE(t.empty());
  EXPECT_TRUE(Text{}.empty());
}

}  // namespace
}  // namespace gradus
