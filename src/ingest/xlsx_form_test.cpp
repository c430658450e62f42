// Tests of the flat form read from .xlsx workbooks (written here with the xlsx writer): several
// sheets into one pool, the sheet named in every error, dates and exact numbers, skipped sheets,
// whole-file failures.
#include "ingest/xlsx_form.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ingest/test_util.h"
#include "xlsx/writer.h"

namespace gradus {
namespace {

using V = std::vector<std::string>;
using namespace gradus::testing;  // NOLINT

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gradus_ingest_xlsx_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

struct SheetSpec {
  std::string name;
  std::vector<std::string> headers;
  std::vector<std::vector<XlsxValue>> rows;
};

std::string write_book(const std::string& file, const std::vector<SheetSpec>& sheets) {
  const std::string path = temp_path(file);
  auto w = XlsxWriter::create(path);
  EXPECT_TRUE(w.ok());
  for (const SheetSpec& s : sheets) {
    std::vector<XlsxColumn> cols;
    for (const std::string& h : s.headers) cols.push_back(XlsxColumn{h, 0});
    EXPECT_TRUE((*w)->add_sheet(s.name, cols).ok());
    for (const auto& r : s.rows) EXPECT_TRUE((*w)->add_row(r).ok());
  }
  EXPECT_TRUE((*w)->close().ok());
  return path;
}

XlsxValue T(std::string s) { return XlsxValue::text(std::move(s)); }
XlsxValue N(std::string s) { return XlsxValue::number(std::move(s)); }
XlsxValue D(int y, int m, int d) { return XlsxValue::date(Date::from_ymd(y, m, d)); }
XlsxValue E() { return XlsxValue::empty(); }

TEST(XlsxForm, SheetsPerYearLoadIntoOnePool) {
  const std::vector<std::string> h = {"统一社会信用代码", "企业名称", "成立日期", "年度",
                                      "营业收入（万元）", "从业人员", "是否上市"};
  const std::string path = write_book(
      "years.xlsx", {{"说明", {"本工作簿说明"}, {{T("随便写")}}},
                     {"2024",
                      h,
                      {{T(std::string(kA)), T("示例（苏州）公司"), D(2015, 3, 1), N("2024"),
                        N("8200.5"), N("120"), XlsxValue::boolean(false)}}},
                     {"空表", {}, {}},
                     {"2025",
                      h,
                      {{T(std::string(kA)), E(), E(), N("2025"), N("0.000001"), N("130"), E()},
                       {T(std::string(kB)), T("示例北京公司"), D(2019, 12, 31), N("2025"),
                        N("12300"), E(), E()}}}});
  IngestReport report;
  Result<Pool> pool = load_pool_file(path, report);
  ASSERT_TRUE(pool.ok()) << pool.error().message.en;
  EXPECT_EQ(errors(report), V{});
  EXPECT_EQ(warnings(report), V{});
  EXPECT_EQ(report.rows_read, 3u);
  ASSERT_EQ(pool->size(), 2u);
  EXPECT_EQ(yearly(*pool, kA, "revenue", 2024), micros("8200.5"));
  EXPECT_EQ(yearly(*pool, kA, "revenue", 2025), 1);
  EXPECT_EQ(yearly(*pool, kA, "employees", 2025), micros("130"));
  EXPECT_EQ(raw(*pool, kA, "founded"), Date::from_ymd(2015, 3, 1).days());
  EXPECT_EQ(raw(*pool, kA, "listed"), 0);
  EXPECT_EQ(raw(*pool, kB, "founded"), Date::from_ymd(2019, 12, 31).days());
  EXPECT_EQ(pool->text(fid("name"), *pool->find(kA)), "示例(苏州)公司");
}

TEST(XlsxForm, ErrorsNameTheSheet) {
  const std::vector<std::string> h = {"uscc", "year", "revenue", "founded"};
  const std::string path = write_book(
      "bad.xlsx",
      {{"2024",
        h,
        {{T(std::string(kA)), N("2024"), N("100"), D(2015, 3, 1)},
         {T(std::string(kB)), N("2024"), T("12,3O0"), E()}}},
       {"2025", h, {{T(std::string(kA)), N("2024"), N("110"), D(2016, 1, 1)}}},
       {"其他", {"名称", "金额"}, {{T("x"), N("1")}}},
       {"extra", {"uscc", "营业收入（千元）"}, {{T(std::string(kC)), N("1"), T("stray")}}}});
  IngestReport report;
  Result<Pool> pool = load_pool_file(path, report);
  ASSERT_TRUE(pool.ok()) << pool.error().message.en;
  const std::string a(kA), b(kB);
  EXPECT_EQ(errors(report),
            (V{"bad.xlsx: sheet 2024, row 3, column revenue: \"12,3O0\" is not a number: a "
               "misplaced thousands separator",
               "bad.xlsx: sheet 2025, row 2, column year: \"2024\" is a duplicate: the same "
               "enterprise already has a row for 2024 (sheet 2024, row 2)",
               "bad.xlsx: sheet 2025, row 2, column founded: \"2016-01-01\" disagrees with sheet "
               "2024, row 2 (\"2015-03-01\"): a static fact has one value per enterprise",
               "bad.xlsx: sheet 其他, row 1: this row is not a flat-form header: there is no uscc "
               "(统一社会信用代码) column, so the sheet is not read; name a notes sheet \"Notes\" "
               "or \"说明\"",
               "bad.xlsx: sheet extra, row 1, column 营业收入（千元）: the unit \"千元\" is not "
               "understood: a money column is in 万元 or 元; the column is ignored",
               "bad.xlsx: sheet extra, row 2: the cell C2 has a value but its column has no "
               "header"}));
  EXPECT_EQ(errors(report, Lang::zh)[0],
            "bad.xlsx：工作表 2024，第 3 行，列 revenue：\"12,3O0\" 不是数字：千位分隔符位置不对");
  EXPECT_EQ(report.errors[0].sheet, "2024");
  EXPECT_EQ(report.errors[0].uscc, b);
  EXPECT_EQ(report.enterprises_loaded, 0u);
  EXPECT_EQ(report.enterprises_rejected, 3u);
}

TEST(XlsxForm, NumbersAreExactAndExcelNoiseIsRounded) {
  EXPECT_EQ(ingest::xlsx_number_text("8200.5"), "8200.5");
  EXPECT_EQ(ingest::xlsx_number_text("1.5E-07"), "0.00000015");
  EXPECT_EQ(ingest::xlsx_number_text("1.2345E+3"), "1234.5");
  EXPECT_EQ(ingest::xlsx_number_text("11743.120000000001"), "11743.12");
  EXPECT_EQ(ingest::xlsx_number_text("0.30000000000000004"), "0.3");
  EXPECT_EQ(ingest::xlsx_number_text("-999.99999999999999"), "-1000");
  EXPECT_EQ(ingest::xlsx_number_text("123456789012345678"), "123456789012346000");
  EXPECT_EQ(ingest::xlsx_number_text("0.1234567890123456"), "0.123456789012346");
  EXPECT_EQ(ingest::xlsx_number_text("abc"), "abc");
  EXPECT_TRUE(ingest::is_notes_sheet("说明"));
  EXPECT_TRUE(ingest::is_notes_sheet(" Notes "));
  EXPECT_TRUE(ingest::is_notes_sheet("README"));
  EXPECT_FALSE(ingest::is_notes_sheet("2025"));
}

TEST(XlsxForm, WholeFileFailures) {
  const std::string csv = temp_path("firms.xlsx");
  std::ofstream(csv) << "uscc,year\n";
  IngestReport report;
  Result<Pool> pool = load_pool_file(csv, report);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.error().message.en,
            "firms.xlsx: not an Excel .xlsx file (is it .xls or CSV renamed?)");
  EXPECT_EQ(pool.error().message.zh,
            "firms.xlsx：不是 Excel .xlsx 文件（是否把 .xls 或 CSV 文件改了扩展名？）");

  const std::string none =
      write_book("none.xlsx", {{"Notes", {"a"}, {}}, {"x", {"名称"}, {{T("y")}}}});
  report = IngestReport{};
  pool = load_pool_file(none, report);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.error().message.en,
            "none.xlsx: no sheet of the workbook is in the flat form (a header row with a uscc / "
            "统一社会信用代码 column); sheets with other headers: x");
  EXPECT_TRUE(report.errors.empty());

  // A workbook under another extension is recognised by its content.
  const std::string good = write_book("data.bin", {{"s", {"uscc"}, {{T(std::string(kA))}}}});
  report = IngestReport{};
  pool = load_pool_file(good, report);
  ASSERT_TRUE(pool.ok()) << pool.error().message.en;
  EXPECT_EQ(pool->size(), 1u);
  // From text, a workbook is refused with a reason.
  EXPECT_FALSE(load_pool_text("PK", InputFormat::xlsx, "x.xlsx", report).ok());
}

TEST(XlsxForm, DetailSheetsAreKnownAlsoWhenContinued) {
  EXPECT_TRUE(ingest::is_detail_sheet("称号"));
  EXPECT_TRUE(ingest::is_detail_sheet("称号(2)"));
  EXPECT_TRUE(ingest::is_detail_sheet("Titles(13)"));
  EXPECT_FALSE(ingest::is_detail_sheet("称号()"));
  EXPECT_FALSE(ingest::is_detail_sheet("称号(x)"));
  EXPECT_FALSE(ingest::is_detail_sheet("企业数据(2)"));
}

}  // namespace

}  // namespace gradus
