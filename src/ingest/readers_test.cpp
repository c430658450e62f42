// Tests for the low-level readers: CSV tokenising and encodings, the JSON tree (numbers kept as
// written), exponent expansion, and the value parsers' corner cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/fields.h"
#include "ingest/csv_reader.h"
#include "ingest/json_value.h"
#include "ingest/values.h"

using namespace gradus::ingest;  // NOLINT

namespace gradus {
namespace {

std::vector<CsvRecord> read_all(std::string_view text) {
  CsvReader reader(text);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (reader.next(rec)) out.push_back(rec);
  return out;
}

TEST(CsvReader, Rfc4180) {
  auto recs = read_all(
      "\xEF\xBB\xBF"
      "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\r\nlast,,\n");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].cells, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(recs[1].cells, (std::vector<std::string>{"x,1", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(recs[1].row, 2u);
  EXPECT_EQ(recs[2].row, 3u);   // the blank line is a row of its own
  EXPECT_EQ(recs[2].line, 4u);  // ... on text line 4, after the two-line cell
  EXPECT_TRUE(recs[2].blank());
  EXPECT_EQ(recs[3].cells, (std::vector<std::string>{"last", "", ""}));
  EXPECT_EQ(recs[3].row, 4u);
}

TEST(CsvReader, LoneCrAndNoFinalNewline) {
  auto recs = read_all("a,b\rc,d");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].cells, (std::vector<std::string>{"c", "d"}));
}

TEST(CsvReader, SpacesAroundQuotesAndStrayText) {
  auto recs = read_all("a, \"b,c\" ,\"d\"e\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].cells, (std::vector<std::string>{"a", "b,c", "de"}));
  ASSERT_TRUE(recs[0].error.has_value());
  EXPECT_EQ(recs[0].error->en,
            "text follows a closing quote (a quote inside a cell is written as \"\")");
}

TEST(CsvReader, QuoteInsideAnUnquotedCellIsLiteral) {
  auto recs = read_all("12\" pipe,b\n");
  EXPECT_EQ(recs[0].cells, (std::vector<std::string>{"12\" pipe", "b"}));
  EXPECT_FALSE(recs[0].error.has_value());
}

TEST(TextEncoding, Checks) {
  EXPECT_EQ(*check_text_encoding("\xEF\xBB\xBF"
                                 "ab"),
            "ab");
  EXPECT_TRUE(check_text_encoding("名称,值\n").ok());
  EXPECT_EQ(check_text_encoding("\xFF\xFEu\0s").error().message.en,
            "the file is UTF-16 encoded: save it as \"CSV UTF-8\"");
  EXPECT_EQ(check_text_encoding("PK\x03\x04....").error().message.en,
            "this is an Excel workbook (.xlsx), not CSV text: read it as a workbook (gradus reads "
            ".xlsx files directly)");
  EXPECT_EQ(check_text_encoding("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....").error().message.en,
            "this is an old Excel .xls file (or a password-protected workbook): save it as .xlsx "
            "(Excel Workbook) in Excel and read that");
  EXPECT_EQ(check_text_encoding("ok\nok\n\xB2\xE2\xCA\xD4").error().message.en,
            "line 3 is not UTF-8 (GBK?): save the file from Excel as \"CSV UTF-8\"");
  EXPECT_FALSE(check_text_encoding("\xED\xA0\x80").ok());  // a UTF-16 surrogate in UTF-8
  EXPECT_FALSE(check_text_encoding("\xC0\xAF").ok());      // overlong
}

TEST(JsonValue, KeepsNumbersAsWritten) {
  Result<JsonValue> root =
      parse_json(R"([{"a": 0.1, "b": 8200.50, "c": -12, "d": 1.5e-3, "a": true}])");
  ASSERT_TRUE(root.ok());
  const JsonValue* doc = &root->items[0];
  ASSERT_EQ(doc->members.size(), 5u);  // the duplicate "a" is kept (the firm reports it)
  EXPECT_EQ(doc->find("a")->text, "0.1");
  EXPECT_EQ(doc->find("b")->text, "8200.50");
  EXPECT_EQ(doc->find("c")->text, "-12");
  EXPECT_EQ(doc->find("d")->text, "1.5e-3");
  EXPECT_EQ(doc->members[4].second.type, JsonValue::Type::boolean);
  // In the top-level object a key twice is refused, with its position.
  Result<JsonValue> top = parse_json("{\"a\": 1,\n  \"a\": 2}");
  ASSERT_FALSE(top.ok());
  EXPECT_TRUE(top.error().message.en.starts_with("at 2:3: the key \"a\" appears twice"))
      << top.error().message.en;
}

TEST(JsonValue, SyntaxErrorsHavePositions) {
  Result<JsonValue> doc = parse_json("{\n  \"a\": [1, 2,,]\n}");
  ASSERT_FALSE(doc.ok());
  EXPECT_TRUE(doc.error().message.en.starts_with("at 2:14: JSON syntax error: "))
      << doc.error().message.en;
}

TEST(JsonValue, PlainNumber) {
  EXPECT_EQ(plain_number("1.25e3"), "1250");
  EXPECT_EQ(plain_number("5E-7"), "0.0000005");
  EXPECT_EQ(plain_number("-1.5e+2"), "-150");
  EXPECT_EQ(plain_number("12e0"), "12");
  EXPECT_EQ(plain_number("123"), "123");
  EXPECT_EQ(plain_number("1e"), "1e");
}

TEST(Values, HeaderUnits) {
  bool yuan = false;
  const FieldDef& revenue = *find_field("revenue");
  EXPECT_FALSE(check_header_unit(revenue, "营业收入（元）", &yuan).has_value());
  EXPECT_TRUE(yuan);
  EXPECT_FALSE(check_header_unit(revenue, "revenue (万元)", &yuan).has_value());
  EXPECT_FALSE(yuan);
  EXPECT_TRUE(check_header_unit(revenue, "营业收入（美元）", &yuan).has_value());
  EXPECT_FALSE(
      check_header_unit(*find_field("valuation_usd"), "估值（亿美元）", &yuan).has_value());
  EXPECT_TRUE(check_header_unit(*find_field("valuation_usd"), "估值（美元）", &yuan).has_value());
  EXPECT_FALSE(
      check_header_unit(*find_field("high_tech_revenue"), "高新技术产品（服务）收入", &yuan)
          .has_value());
  EXPECT_FALSE(
      check_header_unit(*find_field("high_tech_revenue"), "高新技术产品（服务）收入（元）", &yuan)
          .has_value());
  EXPECT_TRUE(yuan);
  EXPECT_TRUE(
      check_header_unit(*find_field("leading_product_share"), "主导产品收入占比（元）", &yuan)
          .has_value());
}

TEST(Values, YuanConversionIsExactOrRefused) {
  const FieldDef& revenue = *find_field("revenue");
  EXPECT_EQ(*ingest::parse_value(revenue, "12345678", true, nullptr), 1234'567800);
  EXPECT_EQ(*ingest::parse_value(revenue, "0.01", true, nullptr), 1);  // one fen = 0.000001 万元
  EXPECT_FALSE(ingest::parse_value(revenue, "0.001", true, nullptr).ok());
}

TEST(Values, FormatRaw) {
  EXPECT_EQ(ingest::format_raw(*find_field("revenue"), 1234'567800), "1234.5678");
  EXPECT_EQ(ingest::format_raw(*find_field("product_field"), 0b1001), "core_basics;chain_key_link");
  EXPECT_EQ(ingest::format_raw(*find_field("industry"), 111), "0111");
  EXPECT_EQ(ingest::format_raw(*find_field("rd_institution"), 4), "national");
}

TEST(Values, Tiers) {
  EXPECT_EQ(*ingest::parse_tier("专精特新“小巨人”企业"), "little-giant");
  EXPECT_EQ(*ingest::parse_tier("Hidden-Champion.Zhejiang"), "hidden-champion.zhejiang");
  EXPECT_FALSE(ingest::parse_tier("srdi sme").ok());
}

}  // namespace
}  // namespace gradus
