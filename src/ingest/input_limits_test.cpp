// Regression tests of the reliability audit (issue 16) for the importers: a workbook whose header
// cells are out of column order (a heap overflow before), invalid UTF-8 in a workbook text cell,
// numbers of 19 or more digits (signed overflow before), a top-level JSON key given twice (the
// second "enterprises" was dropped), cells and CSV rows over the documented limits, and messages
// that quote at most a bounded excerpt of the input (a 1 GB line was echoed whole).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ingest/test_util.h"
#include "ingest/title_list.h"
#include "ingest/values.h"
#include "xlsx/xlsx_test_util.h"

namespace gradus {
namespace {

using V = std::vector<std::string>;
using namespace gradus::testing;  // NOLINT

// The documented limits (ingest.h, core/text.h; docs/reliability.md), spelled out so that the
// tests say what they are.
constexpr size_t kCellLimit = size_t{1} << 20;     // kMaxCellBytes
constexpr size_t kRecordLimit = size_t{16} << 20;  // kMaxRecordBytes
constexpr size_t kQuoted = 200;                    // kMaxQuotedBytes

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("gradus_ingest_limits_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

std::string sheet_xml(const std::string& rows) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet "
         "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" +
         rows + "</sheetData></worksheet>";
}
std::string text_cell(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}
std::string number_cell(const std::string& ref, const std::string& v) {
  return "<c r=\"" + ref + "\"><v>" + v + "</v></c>";
}

Loaded load_book(const std::string& file, const std::string& rows) {
  const std::string path = temp_path(file);
  EXPECT_TRUE(write_zip_members(path, book_with_sheet(sheet_xml(rows))));
  Loaded out;
  out.pool = load_pool_file(path, out.report);
  std::filesystem::remove(path);
  return out;
}

// Every message of the report in both languages is short, whatever the input held.
void expect_short_messages(const IngestReport& r) {
  for (Lang lang : {Lang::zh, Lang::en}) {
    for (const std::string& m : errors(r, lang)) EXPECT_LT(m.size(), 1000u) << m.substr(0, 300);
  }
}

TEST(InputLimits, WorkbookHeaderCellsOutOfColumnOrderAreRead) {
  // C1 before A1: the header was sized by its last cell (B1), and C1 written past its end.
  Loaded l = load_book("unordered.xlsx",
                       "<row r=\"1\">" + text_cell("C1", "营业收入（万元）") +
                           text_cell("A1", "统一社会信用代码") + text_cell("B1", "年度") +
                           "</row><row r=\"2\">" + text_cell("A2", std::string(kA)) +
                           number_cell("B2", "2025") + number_cell("C2", "8200.5") + "</row>");
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  EXPECT_EQ(errors(l.report), V{});
  ASSERT_EQ(l.pool->size(), 1u);
  EXPECT_EQ(yearly(*l.pool, kA, "revenue", 2025), micros("8200.5"));

  // Far out of order: Z1 first, then A1.
  l = load_book("far.xlsx", "<row r=\"1\">" + text_cell("Z1", "营业收入（万元）") +
                                text_cell("A1", "统一社会信用代码") + text_cell("B1", "年度") +
                                "</row><row r=\"2\">" + text_cell("A2", std::string(kA)) +
                                number_cell("B2", "2025") + number_cell("Z2", "1") + "</row>");
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  EXPECT_EQ(errors(l.report), V{});
  EXPECT_EQ(yearly(*l.pool, kA, "revenue", 2025), micros("1"));
}

TEST(InputLimits, InvalidUtf8InAWorkbookTextCellIsAnErrorNamingTheCell) {
  Loaded l = load_book("bad_text.xlsx",
                       "<row r=\"1\">" + text_cell("A1", "统一社会信用代码") +
                           text_cell("B1", "年度") + text_cell("C1", "企业名称") +
                           "</row><row r=\"2\">" + text_cell("A2", std::string(kA)) +
                           number_cell("B2", "2025") + text_cell("C2", "示例\xE7公司") + "</row>");
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  ASSERT_EQ(l.report.errors.size(), 1u);
  const std::string en = format_input_error(l.report.errors[0], Lang::en);
  const std::string zh = format_input_error(l.report.errors[0], Lang::zh);
  EXPECT_NE(en.find("row 2, column 企业名称: \"示例\\xE7公司\" (cell C2) is not valid UTF-8"),
            std::string::npos)
      << en;
  EXPECT_NE(zh.find("单元格 C2"), std::string::npos) << zh;
  EXPECT_TRUE(valid_utf8(en) && valid_utf8(zh));
  EXPECT_EQ(l.pool->size(), 0u);  // nothing of the firm is stored
}

TEST(InputLimits, InvalidUtf8InATitleListWorkbookIsRefusedNamingTheCell) {
  const std::string path = temp_path("titles.xlsx");
  ASSERT_TRUE(write_zip_members(
      path, book_with_sheet(sheet_xml("<row r=\"1\">" + text_cell("A1", "企业名称") +
                                      text_cell("B1", "称号") + "</row><row r=\"2\">" +
                                      text_cell("A2", "示例\xE7公司") +
                                      text_cell("B2", "专精特新中小企业") + "</row>"))));
  Result<TitleList> list = read_title_list(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.error().message.en.find(
                "sheet 数据, cell A2: \"示例\\xE7公司\" is not valid UTF-8 text"),
            std::string::npos)
      << list.error().message.en;
  EXPECT_TRUE(valid_utf8(list.error().message.en) && valid_utf8(list.error().message.zh));
}

TEST(InputLimits, NumbersOfNineteenOrMoreDigitsAreRefusedWithoutOverflow) {
  // plain_decimal multiplied every digit into an int64 first (UBSan: signed integer overflow).
  std::optional<Text> warning;
  for (const char* field : {"revenue", "employees", "leading_product_share"}) {
    const FieldDef* f = find_field(field);
    ASSERT_NE(f, nullptr) << field;
    for (const char* text : {"9999999999999999999", "12345678901234567890123",
                             "-99999999999999999999", "9223372036854775808"}) {
      Result<int64_t> v = ingest::parse_value(*f, text, false, &warning);
      ASSERT_FALSE(v.ok()) << field << " " << text << " = " << *v;
      EXPECT_NE(v.error().message.en.find("too large"), std::string::npos)
          << field << " " << text << ": " << v.error().message.en;
    }
    Result<int64_t> v = ingest::parse_value(*f, "1.12345678901234567890", false, &warning);
    ASSERT_FALSE(v.ok()) << field;
    EXPECT_NE(v.error().message.en.find("decimal places"), std::string::npos)
        << v.error().message.en;
  }
  // Exact up to what the store holds: 12 digits and 6 places.
  Result<int64_t> v =
      ingest::parse_value(*find_field("revenue"), "999999999999.999999", false, &warning);
  ASSERT_TRUE(v.ok()) << v.error().message.en;
  EXPECT_EQ(*v, 999999999999999999);
  // Through a whole file.
  Loaded l = load_csv("uscc,year,revenue\n" + std::string(kA) + ",2025,99999999999999999999\n");
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_NE(format_input_error(l.report.errors[0], Lang::en).find("too large"), std::string::npos);
}

TEST(InputLimits, ATopLevelJsonKeyGivenTwiceIsRefusedWithItsPosition) {
  // The second "enterprises" array was dropped without a word.
  Loaded l = load_json("{\"enterprises\": [{\"uscc\": \"" + std::string(kA) +
                       "\"}],\n \"enterprises\": [{\"uscc\": \"" + std::string(kB) + "\"}]}");
  ASSERT_FALSE(l.pool.ok());
  const std::string en = l.pool.error().message.en;
  EXPECT_NE(en.find("at 2:2: the key \"enterprises\" appears twice in the top-level object"),
            std::string::npos)
      << en;
  EXPECT_NE(l.pool.error().message.zh.find("第 2:2 处 顶层对象中键 \"enterprises\" 出现了两次"),
            std::string::npos)
      << l.pool.error().message.zh;
}

TEST(InputLimits, ACellOverTheLimitIsRefusedAndQuotedShort) {
  const std::string big(kCellLimit + 1, 'x');
  Loaded l = load_csv("uscc,year,name\n" + std::string(kA) + ",2025," + big + "\n");
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  ASSERT_EQ(l.report.errors.size(), 1u) << errors(l.report).size();
  const std::string en = format_input_error(l.report.errors[0], Lang::en);
  EXPECT_NE(en.find("…(1048577 bytes)\" the cell has 1048577 bytes, more than the limit of "
                    "1048576 bytes (1 MiB) for one cell"),
            std::string::npos)
      << en.substr(0, 600);
  expect_short_messages(l.report);
  EXPECT_EQ(l.pool->size(), 0u);

  // A JSON string too.
  l = load_json("[{\"uscc\": \"" + std::string(kA) + "\", \"name\": \"" + big + "\"}]");
  ASSERT_FALSE(l.pool.ok());
  EXPECT_NE(l.pool.error().message.en.find("more than the limit of 1048576 bytes (1 MiB)"),
            std::string::npos)
      << l.pool.error().message.en.substr(0, 600);
  EXPECT_LT(l.pool.error().message.en.size(), 1000u);
}

TEST(InputLimits, MessagesQuoteAShortExcerptOfALongValue) {
  // An invalid 300 kB code: every message about it quotes 200 bytes and the length.
  const std::string code(300000, '9');
  Loaded l = load_csv("uscc,year,revenue\n" + code + ",2025,1\n" + std::string(kA) + ",2025," +
                      std::string(500000, '7') + "x\n");
  ASSERT_TRUE(l.pool.ok());
  ASSERT_GE(l.report.errors.size(), 2u);
  expect_short_messages(l.report);
  for (const InputError& e : l.report.errors) {
    EXPECT_LE(e.value.size(), kQuoted + 40);
    EXPECT_LE(e.uscc.size(), kQuoted + 40);
  }
  EXPECT_NE(format_input_error(l.report.errors[0], Lang::en).find("…(300000 bytes)"),
            std::string::npos);
}

TEST(InputLimits, ARowThatNeverEndsIsRefusedAtTheRowLimit) {
  // The audit's 1 GB line without a newline, scaled down: 17 MiB after the header.
  const std::string body = "uscc,year,name\n" + std::string(kA) + ",2025," +
                           std::string(kRecordLimit + (size_t{1} << 20), 'x');
  const char* expected = "row 2 (from text line 2) ";
  const char* limit = "more than the limit of 16777216 bytes (16 MiB) for one row";
  {  // From a file (streamed).
    const std::string path = temp_path("endless.csv");
    std::ofstream(path, std::ios::binary) << body;
    IngestReport report;
    Result<Pool> pool = load_pool_file(path, report);
    std::filesystem::remove(path);
    ASSERT_FALSE(pool.ok());
    const std::string en = pool.error().message.en;
    EXPECT_NE(en.find(expected), std::string::npos) << en.substr(0, 600);
    EXPECT_NE(en.find("has not ended after"), std::string::npos) << en.substr(0, 600);
    EXPECT_NE(en.find(limit), std::string::npos) << en.substr(0, 600);
    EXPECT_LT(en.size() + pool.error().message.zh.size(), 1000u);
    EXPECT_TRUE(report.errors.empty());
  }
  {  // From text in memory.
    Loaded l = load_csv(body);
    ASSERT_FALSE(l.pool.ok());
    const std::string en = l.pool.error().message.en;
    EXPECT_NE(en.find(expected), std::string::npos) << en.substr(0, 600);
    EXPECT_NE(en.find(limit), std::string::npos) << en.substr(0, 600);
    EXPECT_LT(en.size(), 1000u);
  }
}

}  // namespace
}  // namespace gradus
