// Tests for Decimal: exact parsing (separators, full width, signs), the limits, 元 → 万元, and
// printing.
#include "core/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace gradus {
namespace {

int64_t micros(std::string_view text) {
  Result<Decimal> r = Decimal::parse(text);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message.en);
  return r ? r->micros() : INT64_MIN;
}

std::string error_en(std::string_view text) {
  Result<Decimal> r = Decimal::parse(text);
  return r ? std::string() : r.error().message.en;
}

TEST(Decimal, ParsesPlainNumbers) {
  EXPECT_EQ(micros("4600"), 4'600'000'000);
  EXPECT_EQ(micros("0"), 0);
  EXPECT_EQ(micros("-12.5"), -12'500'000);
  EXPECT_EQ(micros("+3"), 3'000'000);
  EXPECT_EQ(micros("0.000001"), 1);
  EXPECT_EQ(micros("-0.000001"), -1);
  EXPECT_EQ(micros("007.50"), 7'500'000);
  EXPECT_EQ(micros(".5"), 500'000);
  EXPECT_EQ(micros("5."), 5'000'000);
  EXPECT_EQ(micros("  42 \t"), 42'000'000);
  EXPECT_EQ(Decimal::parse("4600")->to_string(), "4600");
  EXPECT_EQ(*Decimal::parse("4600"), Decimal::from_int(4600));
}

// The point of Decimal: a ratio computed from parsed amounts is exact. 138 / 4600 × 100 = 3.
TEST(Decimal, RatioIsExact) {
  const int64_t rd = micros("138");
  const int64_t revenue = micros("4600");
  const int64_t numerator = rd * 100 * Decimal::kScale;
  EXPECT_EQ(numerator % revenue, 0);
  EXPECT_EQ(Decimal::from_micros(numerator / revenue), *Decimal::parse("3"));
  // And the binary-floating-point trap does not exist: 0.1 + 0.2 == 0.3.
  EXPECT_EQ(micros("0.1") + micros("0.2"), micros("0.3"));
}

TEST(Decimal, ThousandsSeparators) {
  EXPECT_EQ(micros("1,234.5"), 1'234'500'000);
  EXPECT_EQ(micros("12,300"), 12'300'000'000);
  EXPECT_EQ(micros("1,234,567.25"), 1'234'567'250'000);
  EXPECT_EQ(micros("-1,000"), -1'000'000'000);
  for (std::string_view bad :
       {"1,23", "1,2345", ",123", "1,234,56", "1.234,5", "1,,234", "1,", "12,34,567"}) {
    EXPECT_FALSE(Decimal::parse(bad)) << bad;
  }
}

// Known bug (reported, not fixed here): the group before the first separator may have more than
// three digits, so "1234,567" (a decimal comma, i.e. 1234.567?) is read as 1234567.
TEST(Decimal, LeadingGroupHasAtMostThreeDigits) {
  EXPECT_FALSE(Decimal::parse("1234,567"));
  EXPECT_FALSE(Decimal::parse("0,500"));
}

TEST(Decimal, FullWidth) {
  EXPECT_EQ(micros("３．５"), 3'500'000);
  EXPECT_EQ(micros("１２，３００"), 12'300'000'000);
  EXPECT_EQ(micros("－２"), -2'000'000);
  EXPECT_EQ(micros("\xE3\x80\x80"
                   "８\xE3\x80\x80"),
            8'000'000);  // ideographic spaces
}

TEST(Decimal, Rejected) {
  // The letter O among the digits (the example of status.h).
  EXPECT_FALSE(Decimal::parse("12,3O0"));
  EXPECT_FALSE(Decimal::parse("123O0"));
  EXPECT_NE(error_en("123O0").find("contains the character \"O\""), std::string::npos);
  EXPECT_NE(error_en("1.2e3").find("\"1.2e3\" is not a number"), std::string::npos);
  EXPECT_NE(error_en("").find("it is empty"), std::string::npos);
  EXPECT_NE(error_en("   ").find("it is empty"), std::string::npos);
  EXPECT_NE(error_en("-").find("it has no digits"), std::string::npos);
  EXPECT_NE(error_en(".").find("it has no digits"), std::string::npos);
  EXPECT_NE(error_en("1.2.3").find("two decimal points"), std::string::npos);
  EXPECT_NE(error_en("0.0000001").find("more than 6 decimal places"), std::string::npos);
  for (std::string_view bad : {"1 000", "¥100", "100元", "50%", "--1", "+-1", "1-", "NaN", "inf"}) {
    EXPECT_FALSE(Decimal::parse(bad)) << bad;
  }
  Result<Decimal> r = Decimal::parse("12,3O0");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StatusCode::invalid_argument);
  EXPECT_NE(r.error().message.zh.find("\"12,3O0\" 不是数字"), std::string::npos);
}

TEST(Decimal, Limits) {
  EXPECT_EQ(micros("9223372036854.775807"), INT64_MAX);
  EXPECT_EQ(micros("-9223372036854.775807"), -INT64_MAX);
  EXPECT_NE(error_en("9223372036854.775808").find("too large"), std::string::npos);
  EXPECT_NE(error_en("9300000000000").find("too large"), std::string::npos);
  EXPECT_FALSE(Decimal::parse("1" + std::string(40, '0')));
  // Many leading zeros are not significant digits.
  EXPECT_EQ(micros(std::string(40, '0') + "1"), 1'000'000);
}

TEST(Decimal, YuanAsWan) {
  Result<Decimal> r = Decimal::parse_yuan_as_wan("12345.67");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->micros(), 1'234'567);  // 1.234567 万元
  EXPECT_EQ(r->to_string(), "1.234567");
  EXPECT_EQ(Decimal::parse_yuan_as_wan("10,000")->to_string(), "1");
  EXPECT_EQ(Decimal::parse_yuan_as_wan("0.01")->micros(), 1);  // one fen
  EXPECT_EQ(Decimal::parse_yuan_as_wan("-500")->to_string(), "-0.05");
  EXPECT_EQ(Decimal::parse_yuan_as_wan("１２３４５．６７")->micros(), 1'234'567);
  Result<Decimal> bad = Decimal::parse_yuan_as_wan("1.234");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.en.find("more than 2 decimal places"), std::string::npos);
}

TEST(Decimal, ToString) {
  EXPECT_EQ(Decimal::from_int(4600).to_string(), "4600");
  EXPECT_EQ(Decimal::from_micros(3'500'000).to_string(), "3.5");
  EXPECT_EQ(Decimal::from_micros(-1).to_string(), "-0.000001");
  EXPECT_EQ(Decimal::from_micros(0).to_string(), "0");
  EXPECT_EQ(Decimal::parse("-0")->to_string(), "0");
  EXPECT_EQ(Decimal::from_micros(-12'500'000).to_string(), "-12.5");
  EXPECT_EQ(Decimal::from_micros(INT64_MAX).to_string(), "9223372036854.775807");
  EXPECT_EQ(Decimal::from_micros(INT64_MIN).to_string(), "-9223372036854.775808");
  for (int64_t m : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{10}, int64_t{123456789},
                    int64_t{-987654321012}, INT64_MAX, -INT64_MAX}) {
    const Decimal d = Decimal::from_micros(m);
    EXPECT_EQ(*Decimal::parse(d.to_string()), d) << m;
  }
}

// Issue 17: Chinese text in a number cell named half a character ("\xE7"), which made the
// message (and every report holding it) invalid UTF-8.
TEST(Decimal, ChineseTextNamesTheWholeCharacter) {
  struct Case {
    std::string_view text;
    std::string_view character;
  };
  for (const Case& c : {Case{"约5000万", "约"}, Case{"八十", "八"}, Case{"—", "—"},
                        Case{"无", "无"}, Case{"100人", "人"}}) {
    Result<Decimal> r = Decimal::parse(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_TRUE(valid_utf8(r.error().message.zh)) << r.error().message.zh;
    EXPECT_TRUE(valid_utf8(r.error().message.en)) << r.error().message.en;
    EXPECT_EQ(r.error().message.en, "\"" + std::string(c.text) +
                                        "\" is not a number: it contains the character \"" +
                                        std::string(c.character) + "\"");
    EXPECT_EQ(r.error().message.zh, "\"" + std::string(c.text) + "\" 不是数字：含有非数字字符 \"" +
                                        std::string(c.character) + "\"");
  }
  // Bytes that are not UTF-8 are shown escaped, in the value and in the reason.
  EXPECT_EQ(error_en("12\xE7"), "\"12\\xE7\" is not a number: it contains the character \"\\xE7\"");
}

TEST(Decimal, Accessors) {
  EXPECT_TRUE(Decimal::from_int(5).is_integer());
  EXPECT_FALSE(Decimal::from_micros(5'500'000).is_integer());
  EXPECT_DOUBLE_EQ(Decimal::from_micros(2'500'000).to_double(), 2.5);
  EXPECT_LT(*Decimal::parse("2.5"), *Decimal::parse("2.50001"));
  EXPECT_GT(*Decimal::parse("-1"), *Decimal::parse("-1.5"));
}

}  // namespace
}  // namespace gradus
