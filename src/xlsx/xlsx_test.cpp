// Tests of the .xlsx reader and writer: workbooks written here with libxlsxwriter (numbers, shared
// and inline strings, booleans, errors, dates, gaps, several sheets), broken files built here with
// minizip (not a zip, truncated, a missing sheet part, malformed XML), and the writer's round trip.
#include <gtest/gtest.h>
#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "xlsx/reader.h"
#include "xlsx/writer.h"
#include "xlsx/xlsx_test_util.h"
#include "xlsx/xml_pull.h"

namespace gradus {
namespace {

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gradus_xlsx_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

struct Sheet {
  std::string name;
  std::vector<std::vector<std::string>> rows;  // "col:type:text" per cell, type n/s/b/e/d
};

// All rows of all sheets as "R1 A:n:12300 B:s:text".
std::vector<std::pair<std::string, std::vector<std::string>>> dump(const std::string& path) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  Result<std::unique_ptr<XlsxReader>> book = XlsxReader::open(path);
  EXPECT_TRUE(book.ok()) << book.error().message.en;
  if (!book) return out;
  for (size_t i = 0; i < (*book)->sheets().size(); ++i) {
    out.emplace_back((*book)->sheets()[i].name, std::vector<std::string>{});
    Result<std::unique_ptr<XlsxSheetCursor>> cur = (*book)->open_sheet(i);
    EXPECT_TRUE(cur.ok()) << cur.error().message.en;
    if (!cur) continue;
    XlsxRow row;
    for (;;) {
      Result<bool> more = (*cur)->next(row);
      EXPECT_TRUE(more.ok()) << more.error().message.en;
      if (!more || !*more) break;
      std::string line = "R" + std::to_string(row.number);
      for (const XlsxCell& c : row.cells) {
        const char* t = c.type == XlsxCellType::number    ? (c.is_date ? "d" : "n")
                        : c.type == XlsxCellType::text    ? "s"
                        : c.type == XlsxCellType::boolean ? "b"
                                                          : "e";
        line += " " + column_name(c.column) + ":" + t + ":" + c.text;
      }
      out.back().second.push_back(line);
    }
  }
  return out;
}

TEST(XlsxReader, ReadsWhatLibxlsxwriterWrites) {
  const std::string path = temp_path("mixed.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());  // shared strings (not constant memory)
  lxw_worksheet* s1 = workbook_add_worksheet(wb, "2024");
  lxw_worksheet* s2 = workbook_add_worksheet(wb, "说明");
  lxw_worksheet* s3 = workbook_add_worksheet(wb, "2025");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format* cn_date = workbook_add_format(wb);
  format_set_num_format(cn_date, "yyyy\"年\"m\"月\"d\"日\"");
  lxw_format* builtin14 = workbook_add_format(wb);
  format_set_num_format_index(builtin14, 14);
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00");
  lxw_format* time = workbook_add_format(wb);
  format_set_num_format(time, "hh:mm");
  worksheet_write_string(s1, 0, 0, "统一社会信用代码", nullptr);
  worksheet_write_string(s1, 0, 1, "营业收入（万元）", nullptr);
  worksheet_write_string(s1, 0, 3, "成立日期", nullptr);            // a gap at C
  worksheet_write_string(s1, 2, 0, "91320505MA1XAMP10Y", nullptr);  // row 2 left empty
  worksheet_write_number(s1, 2, 1, 8200.5, money);
  lxw_datetime d{2015, 3, 1, 0, 0, 0};
  worksheet_write_datetime(s1, 2, 3, &d, date);
  worksheet_write_datetime(s1, 2, 4, &d, cn_date);
  worksheet_write_datetime(s1, 2, 5, &d, builtin14);
  worksheet_write_number(s1, 2, 6, 0.5, time);
  worksheet_write_boolean(s1, 3, 0, 1, nullptr);
  worksheet_write_boolean(s1, 3, 1, 0, nullptr);
  worksheet_write_formula_str(s1, 3, 2, "=NA()", nullptr, "#N/A");  // written as t="str"
  worksheet_write_number(s1, 3, 27, 0.1, nullptr);                  // AB4
  worksheet_write_number(s1, 3, 28, 12300, nullptr);
  worksheet_write_number(s1, 3, 29, 1.5e-7, nullptr);
  worksheet_write_string(s1, 3, 30, "a & b < c \"q\"", nullptr);
  worksheet_write_string(s2, 0, 0, "本表是说明", nullptr);
  worksheet_write_string(s3, 4, 2, "只有一格", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

  const auto sheets = dump(path);
  ASSERT_EQ(sheets.size(), 3u);
  EXPECT_EQ(sheets[0].first, "2024");
  EXPECT_EQ(sheets[1].first, "说明");
  EXPECT_EQ(sheets[2].first, "2025");
  const std::vector<std::string> want1 = {
      "R1 A:s:统一社会信用代码 B:s:营业收入（万元） D:s:成立日期",
      "R3 A:s:91320505MA1XAMP10Y B:n:8200.5 D:d:42064 E:d:42064 F:d:42064 G:n:0.5",
      "R4 A:b:TRUE B:b:FALSE C:s:#N/A AB:n:0.1 AC:n:12300 AD:n:1.5E-07 AE:s:a & b < c \"q\"",
  };
  EXPECT_EQ(sheets[0].second, want1);
  EXPECT_EQ(sheets[1].second, std::vector<std::string>{"R1 A:s:本表是说明"});
  EXPECT_EQ(sheets[2].second, std::vector<std::string>{"R5 C:s:只有一格"});
  EXPECT_EQ(date_from_serial("42064", false)->to_string(), "2015-03-01");
}

TEST(XlsxReader, DateFormatsAndSerials) {
  EXPECT_TRUE(is_date_format(14, ""));
  EXPECT_TRUE(is_date_format(22, ""));
  EXPECT_TRUE(is_date_format(31, ""));  // CJK yyyy"年"m"月"d"日"
  EXPECT_FALSE(is_date_format(0, "General"));
  EXPECT_FALSE(is_date_format(4, "#,##0.00"));
  EXPECT_TRUE(is_date_format(164, "yyyy-mm-dd"));
  EXPECT_TRUE(is_date_format(165, "[$-804]yyyy\"年\"m\"月\"d\"日\";@"));
  EXPECT_TRUE(is_date_format(166, "mmm-yy"));
  EXPECT_FALSE(is_date_format(167, "hh:mm"));
  EXPECT_FALSE(is_date_format(168, "[h]:mm:ss"));
  EXPECT_FALSE(is_date_format(169, "0.00\"d\""));  // quoted d is text
  EXPECT_FALSE(is_date_format(170, "[Red]#,##0;[Blue]-#,##0"));
  EXPECT_FALSE(is_date_format(171, "General\"天\""));
  EXPECT_EQ(date_from_serial("1", false)->to_string(), "1900-01-01");
  EXPECT_EQ(date_from_serial("59", false)->to_string(), "1900-02-28");
  EXPECT_FALSE(date_from_serial("60", false).has_value());
  EXPECT_EQ(date_from_serial("61", false)->to_string(), "1900-03-01");
  EXPECT_EQ(date_from_serial("45658", false)->to_string(), "2025-01-01");
  EXPECT_EQ(date_from_serial("45658.75", false)->to_string(), "2025-01-01");
  EXPECT_EQ(date_from_serial("0", true)->to_string(), "1904-01-01");
  EXPECT_FALSE(date_from_serial("-3", false).has_value());
  EXPECT_FALSE(date_from_serial("4.5E+4", false).has_value());
  uint32_t c = 0, r = 0;
  EXPECT_TRUE(parse_cell_ref("C17", &c, &r));
  EXPECT_EQ(c, 2u);
  EXPECT_EQ(r, 17u);
  EXPECT_TRUE(parse_cell_ref("XFD1048576", &c, &r));
  EXPECT_EQ(c, 16383u);
  EXPECT_FALSE(parse_cell_ref("17C", &c, &r));
  EXPECT_FALSE(parse_cell_ref("C0", &c, &r));
  EXPECT_FALSE(parse_cell_ref("XFE1", &c, &r));
  EXPECT_EQ(column_name(0), "A");
  EXPECT_EQ(column_name(25), "Z");
  EXPECT_EQ(column_name(26), "AA");
  EXPECT_EQ(column_name(16383), "XFD");
}

// A zip with the given members (see xlsx_test_util.h).
void write_zip(const std::string& path,
               const std::vector<std::pair<std::string, std::string>>& parts) {
  ASSERT_TRUE(write_zip_members(path, parts)) << path;
}

std::string open_error(const std::string& path) {
  Result<std::unique_ptr<XlsxReader>> book = XlsxReader::open(path);
  return book.ok() ? "" : book.error().message.en;
}

// The error of reading the first sheet to its end ("" when it reads cleanly).
std::string sheet_error(const std::string& path) {
  Result<std::unique_ptr<XlsxReader>> book = XlsxReader::open(path);
  if (!book) return "open: " + book.error().message.en;
  Result<std::unique_ptr<XlsxSheetCursor>> cur = (*book)->open_sheet(0);
  if (!cur) return cur.error().message.en;
  XlsxRow row;
  for (;;) {
    Result<bool> more = (*cur)->next(row);
    if (!more) return more.error().message.en;
    if (!*more) return "";
  }
}

TEST(XlsxReader, HandBuiltWorkbookWithInlineStringsAndPrefixes) {
  const std::string path = temp_path("inline.xlsx");
  write_zip(path, book_with_sheet(
                      "<?xml version=\"1.0\"?><x:worksheet xmlns:x=\"http://schemas.openxmlformats."
                      "org/spreadsheetml/2006/main\"><x:sheetData>"
                      "<x:row><x:c t=\"inlineStr\"><x:is><x:t>uscc</x:t></x:is></x:c>"
                      "<x:c t=\"inlineStr\"><x:is><x:r><x:t>营业</x:t></x:r><x:r><x:t "
                      "xml:space=\"preserve\">收入</x:t></x:r><x:rPh><x:t>ying</x:t></x:rPh></"
                      "x:is></x:c></x:row>"
                      "<x:row r=\"3\"><x:c r=\"B3\"><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c>"
                      "<x:c r=\"E3\" t=\"str\"><x:f>A1</x:f><x:v>a_x000D_b</x:v></x:c>"
                      "<x:c r=\"F3\" s=\"0\"/><x:c t=\"e\"><x:v>#DIV/0!</x:v></x:c></x:row>"
                      "</x:sheetData></x:worksheet>"));
  const auto sheets = dump(path);
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].second, (std::vector<std::string>{"R1 A:s:uscc B:s:营业收入",
                                                        "R3 B:n:1 C:n:2 E:s:a\rb G:e:#DIV/0!"}));
}

TEST(XlsxReader, BrokenFilesGiveClearErrors) {
  const std::string csv = temp_path("renamed.xlsx");
  std::ofstream(csv) << "uscc,name\n91320505MA1XAMP10Y,示例\n";
  EXPECT_EQ(open_error(csv), "not an Excel .xlsx file (is it .xls or CSV renamed?)");

  const std::string xls = temp_path("old.xlsx");
  std::ofstream(xls, std::ios::binary)
      << std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) << std::string(600, '\0');
  EXPECT_NE(open_error(xls).find("this is an old Excel .xls file"), std::string::npos);

  const std::string empty = temp_path("empty.xlsx");
  std::ofstream(empty).close();
  EXPECT_EQ(open_error(empty), "not an Excel .xlsx file: the file is empty");

  EXPECT_EQ(open_error(temp_path("nothere.xlsx")).rfind("cannot open the file", 0), 0u);

  // Truncated: a real workbook cut in half.
  const std::string good = temp_path("good.xlsx");
  {
    auto w = XlsxWriter::create(good);
    ASSERT_TRUE(w.ok());
    std::vector<XlsxColumn> cols = {{"uscc", 0}};
    ASSERT_TRUE((*w)->add_sheet("data", cols).ok());
    for (int i = 0; i < 2000; ++i) {
      std::vector<XlsxValue> row = {XlsxValue::number(std::to_string(i * 7919))};
      ASSERT_TRUE((*w)->add_row(row).ok());
    }
    ASSERT_TRUE((*w)->close().ok());
  }
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = temp_path("cut.xlsx");
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_EQ(open_error(cut).rfind("the .xlsx file is damaged or truncated", 0), 0u)
      << open_error(cut);

  // A zip that is not a workbook.
  const std::string plain_zip = temp_path("plain.xlsx");
  write_zip(plain_zip, {{"readme.txt", "hello"}});
  EXPECT_EQ(open_error(plain_zip),
            "not an Excel .xlsx file: it is a zip archive without a workbook in it");

  // The sheet part is missing.
  const std::string no_sheet = temp_path("nosheet.xlsx");
  auto parts = book_with_sheet("");
  parts.pop_back();
  write_zip(no_sheet, parts);
  EXPECT_EQ(sheet_error(no_sheet),
            "not a complete Excel workbook: the sheet 数据 (xl/worksheets/sheet1.xml) is missing");

  // The shared strings are referenced but missing.
  const std::string no_sst = temp_path("nosst.xlsx");
  parts = book_with_sheet("<worksheet><sheetData/></worksheet>");
  parts[3].second =
      "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
      "Target=\"worksheets/sheet1.xml\"/>"
      "<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "
      "Target=\"sharedStrings.xml\"/></Relationships>";
  write_zip(no_sst, parts);
  EXPECT_EQ(
      open_error(no_sst),
      "not a complete Excel workbook: the shared-string table (xl/sharedStrings.xml) is missing");

  // Malformed XML in the sheet, in the workbook part, and a shared string that does not exist.
  const std::string bad_sheet = temp_path("badsheet.xlsx");
  write_zip(bad_sheet, book_with_sheet(
                           "<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>"));
  EXPECT_EQ(sheet_error(bad_sheet),
            "sheet 数据: the part xl/worksheets/sheet1.xml is not well-formed XML (near byte 38): "
            "the end tag </row> does not match <c>");
  // A message quoting the file's own text never cuts a character or passes on bytes that are not
  // UTF-8 (issue 17): the malformed tag is cut at 40 bytes on a character boundary.
  std::string long_tag = "<worksheet><sheetData><row><c ";
  for (int i = 0; i < 20; ++i) long_tag += "中";
  const std::string bad_tag = temp_path("badtag.xlsx");
  write_zip(bad_tag, book_with_sheet(long_tag + "/></row></sheetData></worksheet>"));
  const std::string tag_error = sheet_error(bad_tag);
  EXPECT_NE(tag_error.find("a malformed start tag <c 中中中中中中中中中中中中>"), std::string::npos)
      << tag_error;
  const std::string bad_bytes = temp_path("badbytes.xlsx");
  write_zip(bad_bytes,
            book_with_sheet("<worksheet><sheetData><row></r\xE7></sheetData></worksheet>"));
  EXPECT_NE(sheet_error(bad_bytes).find("the end tag </r\\xE7> does not match <row>"),
            std::string::npos)
      << sheet_error(bad_bytes);
  const std::string cut_sheet = temp_path("cutsheet.xlsx");
  write_zip(cut_sheet, book_with_sheet("<worksheet><sheetData><row><c><v>1</v></c></row>"));
  EXPECT_NE(sheet_error(cut_sheet).find("the XML ends inside the element <sheetData>"),
            std::string::npos);
  const std::string bad_ref = temp_path("badref.xlsx");
  write_zip(
      bad_ref,
      book_with_sheet(
          "<worksheet><sheetData><row><c t=\"s\"><v>7</v></c></row></sheetData></worksheet>"));
  EXPECT_NE(sheet_error(bad_ref).find("shared string 7 does not exist"), std::string::npos);
  const std::string bad_wb = temp_path("badwb.xlsx");
  parts = book_with_sheet("<worksheet/>");
  parts[2].second = "<workbook><sheets><sheet name=\"a\" r:id=\"rId1\"></sheets>";
  write_zip(bad_wb, parts);
  EXPECT_EQ(open_error(bad_wb).rfind("the part xl/workbook.xml is not well-formed XML", 0), 0u)
      << open_error(bad_wb);
  const std::string dtd = temp_path("dtd.xlsx");
  write_zip(dtd, book_with_sheet("<!DOCTYPE x [<!ENTITY a \"b\">]><worksheet/>"));
  EXPECT_NE(sheet_error(dtd).find("a DTD or declaration"), std::string::npos);
  const std::string entity = temp_path("entity.xlsx");
  write_zip(entity, book_with_sheet("<worksheet><sheetData><row><c "
                                    "t=\"str\"><v>&foo;</v></c></row></sheetData></worksheet>"));
  EXPECT_NE(sheet_error(entity).find("an unknown or malformed entity"), std::string::npos);
}

TEST(XlsxReader, CorruptedMemberDataIsReported) {
  // Flip bytes inside the compressed sheet data of a real workbook: inflate or CRC fails.
  const std::string good = temp_path("flip.xlsx");
  {
    auto w = XlsxWriter::create(good);
    ASSERT_TRUE(w.ok());
    std::vector<XlsxColumn> cols = {{"n", 0}};
    ASSERT_TRUE((*w)->add_sheet("data", cols).ok());
    for (int i = 0; i < 5000; ++i) {
      std::vector<XlsxValue> row = {XlsxValue::number(std::to_string(i * 104729 % 99991))};
      ASSERT_TRUE((*w)->add_row(row).ok());
    }
    ASSERT_TRUE((*w)->close().ok());
  }
  std::fstream f(good, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t at = bytes.find("xl/worksheets/sheet1.xml");
  ASSERT_NE(at, std::string::npos);
  for (size_t i = at + 200; i < at + 400; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
  f.seekp(0);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  const std::string err = sheet_error(good);
  EXPECT_NE(err.find("damaged"), std::string::npos) << err;
}

// --- Limits (issue 16): zip bombs, deep XML, endless text ------------------------------------

std::string sheet_with_rows(const std::string& rows) {
  return "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/"
         "spreadsheetml/2006/main\"><sheetData>" +
         rows + "</sheetData></worksheet>";
}

TEST(XlsxLimits, AMemberDeclaringMoreThanTheLimitIsRefusedBeforeItIsInflated) {
  const std::string path = temp_path("bomb.xlsx");
  write_zip(path, book_with_sheet(sheet_with_rows("<row r=\"1\"><c><v>1</v></c></row>")));
  // Rewrite the sheet's uncompressed size in the zip directory to 3.75 GiB, as a zip bomb
  // declares it.
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::string name = "xl/worksheets/sheet1.xml";
  size_t at = 0;
  bool patched = false;
  while ((at = bytes.find("PK\x01\x02", at)) != std::string::npos) {
    const size_t len = static_cast<unsigned char>(bytes[at + 28]) |
                       (static_cast<unsigned char>(bytes[at + 29]) << 8);
    if (bytes.compare(at + 46, len, name) == 0) {
      const char size[4] = {0, 0, 0, static_cast<char>(0xF0)};
      bytes.replace(at + 24, 4, size, 4);
      patched = true;
    }
    at += 4;
  }
  ASSERT_TRUE(patched);
  f.seekp(0);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  const std::string err = open_error(path);
  EXPECT_NE(err.find("the part xl/worksheets/sheet1.xml declares 4026531840 bytes unpacked, more "
                     "than the limit of 2147483648 bytes (2048 MiB)"),
            std::string::npos)
      << err;
}

TEST(XlsxLimits, AnOverlongSheetNameIsRefused) {
  // Every message about a row names its sheet: a name of 100 kB is refused up front.
  auto parts = book_with_sheet(sheet_with_rows("<row r=\"1\"><c><v>1</v></c></row>"));
  for (auto& [name, body] : parts) {
    if (name != "xl/workbook.xml") continue;
    const size_t at = body.find("数据");
    body.replace(at, std::string("数据").size(), std::string(100000, 'S'));
  }
  const std::string path = temp_path("long_name.xlsx");
  write_zip(path, parts);
  const std::string err = open_error(path);
  EXPECT_NE(err.find("longer than 255 bytes (Excel allows 31 characters)"), std::string::npos)
      << err.substr(0, 300);
  EXPECT_LT(err.size(), 1000u);
}

TEST(XlsxLimits, DeeplyNestedXmlIsRefused) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<x>";
  for (int i = 0; i < 100; ++i) deep += "</x>";
  const std::string path = temp_path("deep.xlsx");
  write_zip(path,
            book_with_sheet(sheet_with_rows("<row r=\"1\"><c><v>1</v></c>" + deep + "</row>")));
  const std::string err = sheet_error(path);
  EXPECT_NE(err.find("elements nested more than 64 deep"), std::string::npos) << err;
}

TEST(XlsxLimits, ATextLongerThanTheLimitIsRefused) {
  // 33 MiB in one inline string: a few kB compressed.
  const std::string path = temp_path("long_text.xlsx");
  write_zip(path, book_with_sheet(sheet_with_rows("<row r=\"1\"><c t=\"inlineStr\"><is><t>" +
                                                  std::string((size_t{33} << 20), 'x') +
                                                  "</t></is></c></row>")));
  const std::string err = sheet_error(path);
  EXPECT_NE(err.find("longer than 33554432 bytes"), std::string::npos) << err;
  EXPECT_LT(err.size(), 1000u);
}

TEST(XlsxWriter, RoundTripsValuesExactly) {
  EXPECT_TRUE(xlsx_number_is_exact("8200.5"));
  EXPECT_TRUE(xlsx_number_is_exact("0.000001"));
  EXPECT_TRUE(xlsx_number_is_exact("-123456789.123456"));
  EXPECT_FALSE(xlsx_number_is_exact("9223372.036854775807"));
  EXPECT_FALSE(xlsx_number_is_exact("12345678901.123456"));

  for (bool constant : {true, false}) {
    const std::string path = temp_path(constant ? "rt1.xlsx" : "rt2.xlsx");
    auto w = XlsxWriter::create(path, XlsxWriter::Options{constant});
    ASSERT_TRUE(w.ok()) << w.error().message.en;
    std::vector<XlsxColumn> cols = {{"文本", 0}, {"数", 0}, {"日期", 12}, {"是否", 0}, {"长", 0}};
    ASSERT_TRUE((*w)->add_sheet("企业", cols).ok());
    std::vector<XlsxValue> row = {XlsxValue::text("示例 & <公司>"), XlsxValue::number("8200.5"),
                                  XlsxValue::date(Date::from_ymd(2015, 3, 1)),
                                  XlsxValue::boolean(true),
                                  XlsxValue::number("12345678901.123456")};
    ASSERT_TRUE((*w)->add_row(row).ok());
    std::vector<XlsxValue> gap = {XlsxValue::empty(), XlsxValue::number("-0.000001")};
    ASSERT_TRUE((*w)->add_row(gap).ok());
    EXPECT_FALSE((*w)->add_sheet("企业", cols).ok());
    EXPECT_EQ((*w)->add_sheet("a/b", cols).message.en,
              "Excel does not accept the sheet name \"a/b\" (at most 31 characters, none of "
              "[]:*?/\\, not used twice)");
    ASSERT_TRUE((*w)->add_sheet("empty", {}).ok());
    ASSERT_TRUE((*w)->close().ok());
    const auto sheets = dump(path);
    ASSERT_EQ(sheets.size(), 2u);
    EXPECT_EQ(sheets[0].second,
              (std::vector<std::string>{
                  "R1 A:s:文本 B:s:数 C:s:日期 D:s:是否 E:s:长",
                  "R2 A:s:示例 & <公司> B:n:8200.5 C:d:42064 D:b:TRUE E:s:12345678901.123456",
                  "R3 B:n:-1E-06"}));
    EXPECT_TRUE(sheets[1].second.empty());
    EXPECT_FALSE(std::filesystem::exists(path + ".part-" + std::to_string(::getpid())));
  }
}

TEST(XlsxWriter, AbandonedWriterLeavesNoFile) {
  const std::string path = temp_path("abandoned.xlsx");
  std::filesystem::remove(path);
  {
    auto w = XlsxWriter::create(path);
    ASSERT_TRUE(w.ok());
    std::vector<XlsxColumn> cols = {{"a", 0}};
    ASSERT_TRUE((*w)->add_sheet("s", cols).ok());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(XlsxWriter::create("/nonexistent-dir/x.xlsx").ok());
}



// Issue 17, defect 1: a decimal Excel shows in full (at most 15 significant digits) is a number
// cell whatever its 16-digit form looks like (593.94 is 593.9400000000001 at 16 digits), so that
// SUM adds it; only a longer decimal is text, and the note column says so.
TEST(XlsxWriter, MoneyIsANumberCellAndAddsUp) {
  for (const char* v : {"593.94", "642.07", "-75.99", "88.6", "0.1", "123456789012.345",
                        "999999999999999", "1E+307", "0"}) {
    EXPECT_TRUE(xlsx_number_is_exact(v)) << v;
  }
  for (const char* v : {"1234567890.123456", "9223372.036854775807", "1E+308", "abc", "", "1.2.3"}) {
    EXPECT_FALSE(xlsx_number_is_exact(v)) << v;
  }
  const std::string path = temp_path("money.xlsx");
  auto w = XlsxWriter::create(path);
  ASSERT_TRUE(w.ok());
  std::vector<XlsxColumn> cols = {{"营业收入（万元）", 0}, {"利润总额（万元）", 0}};
  SheetOptions opt;
  opt.note_header = "备注";
  ASSERT_TRUE((*w)->add_sheet("年度数据", cols, opt).ok());
  // Random amounts in 万元 with up to six decimals (what the pool holds), plus the reported ones.
  std::mt19937_64 rng(17);
  std::vector<std::string> values = {"593.94", "642.07", "-75.99", "88.6"};
  for (int i = 0; i < 3000; ++i) {
    const int64_t micros = static_cast<int64_t>(rng() % 2'000'000'000'000) - 100'000'000'000;
    const int places = static_cast<int>(rng() % 7);
    int64_t scale = 1;
    for (int k = places; k < 6; ++k) scale *= 10;
    const int64_t m = micros / scale * scale;
    std::string t = std::to_string(std::llabs(m) / 1'000'000);
    const int64_t frac = std::llabs(m) % 1'000'000;
    if (frac != 0) {
      std::string f = std::to_string(frac);
      t += "." + std::string(6 - f.size(), '0') + f;
      while (t.back() == '0') t.pop_back();
    }
    values.push_back((m < 0 ? "-" : "") + t);
  }
  int64_t exact_micros = 0;
  for (const std::string& v : values) {
    std::vector<XlsxValue> row = {XlsxValue::number(v)};
    ASSERT_TRUE((*w)->add_row(row).ok());
    const size_t point = v.find('.');
    const std::string frac = point == std::string::npos ? "" : v.substr(point + 1);
    const int64_t whole = std::llabs(std::stoll(v.substr(0, point)));
    int64_t f = frac.empty() ? 0 : std::stoll(frac + std::string(6 - frac.size(), '0'));
    exact_micros += (v[0] == '-' ? -1 : 1) * (whole * 1'000'000 + f);
  }
  std::vector<XlsxValue> long_row = {XlsxValue::number("12.5"),
                                     XlsxValue::number("1234567890.123456")};
  ASSERT_TRUE((*w)->add_row(long_row).ok());
  ASSERT_TRUE((*w)->close().ok());

  const auto sheets = dump(path);
  ASSERT_EQ(sheets.size(), 1u);
  const std::vector<std::string>& rows = sheets[0].second;
  ASSERT_EQ(rows.size(), values.size() + 2);
  EXPECT_EQ(rows[0], "R1 A:s:营业收入（万元） B:s:利润总额（万元） C:s:备注");
  double sum = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& line = rows[i + 1];
    const std::string prefix = "R" + std::to_string(i + 2) + " A:n:";
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << values[i] << " → " << line;
    const double stored = std::strtod(line.c_str() + prefix.size(), nullptr);
    EXPECT_EQ(stored, std::strtod(values[i].c_str(), nullptr)) << values[i] << " → " << line;
    sum += stored;  // what Excel's SUM does
  }
  // The sum of the doubles rounds to the exact total (to the micro-万元 the pool holds).
  EXPECT_EQ(std::llround(sum * 1e6), exact_micros) << sum;
  EXPECT_EQ(rows.back(),
            "R" + std::to_string(values.size() + 2) +
                " A:n:12.5 B:s:1234567890.123456 C:s:利润总额（万元） 以文本写出：超过 15 位有效数字，"
                "Excel 的数字会改变它");
}

// Issue 17, defect 2: whatever bytes a text holds, the workbook is well-formed UTF-8 XML.
TEST(XlsxWriter, TextIsCleanedToValidXml) {
  EXPECT_EQ(clean_utf8("营业收入 ok\t\n"), "营业收入 ok\t\n");
  EXPECT_EQ(clean_utf8("\x01" "a\x1F"), "\\x01a\\x1F");
  EXPECT_EQ(clean_utf8("含有非数字字符 \"\xE7\xBA\""), "含有非数字字符 \"\\xE7\\xBA\"");  // cut 约
  EXPECT_EQ(clean_utf8("\xED\xA0\x80"), "\\xED\\xA0\\x80");           // a lone surrogate
  EXPECT_EQ(clean_utf8("\xC0\xAF"), "\\xC0\\xAF");                    // overlong '/'
  EXPECT_EQ(clean_utf8("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // beyond U+10FFFF
  EXPECT_EQ(clean_utf8("\xEF\xBF\xBE\xEF\xBF\xBF"), "\\uFFFE\\uFFFF");
  EXPECT_EQ(clean_utf8("\xF0\x9F\x98\x80\xFF"), "\xF0\x9F\x98\x80\\xFF");
  EXPECT_EQ(clean_utf8(std::string("a\0b", 3)), "a\\x00b");

  std::mt19937 rng(20261204);
  const std::string alphabet[] = {"\x01", "\x0B", "\x7F", "\xFF", "\xC0", "\xE7", "\xBA", "\xA6",
                                  "\xED\xA0\x80", "\xF4\x90\x80", "约", "万", "<", "&", "\"", "a",
                                  "\n", std::string(1, '\0'), "\xEF\xBF\xBF", "]]>"};
  const std::string path = temp_path("dirty.xlsx");
  auto w = XlsxWriter::create(path);
  ASSERT_TRUE(w.ok());
  std::vector<XlsxColumn> cols = {{"值\x02\xE7", 0}};
  ASSERT_TRUE((*w)->add_sheet("s", cols).ok());
  for (int i = 0; i < 2000; ++i) {
    std::string t;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      if (rng() % 3 == 0) {
        t += static_cast<char>(rng() % 256);
      } else {
        t += alphabet[rng() % std::size(alphabet)];
      }
    }
    EXPECT_TRUE(valid_xml_text(clean_utf8(t))) << i;
    std::vector<XlsxValue> row = {XlsxValue::text(t)};
    ASSERT_TRUE((*w)->add_row(row).ok());
  }
  ASSERT_TRUE((*w)->close().ok());
  const std::string xml = zip_member(path, "xl/worksheets/sheet1.xml");
  ASSERT_FALSE(xml.empty());
  EXPECT_TRUE(valid_xml_text(xml));
  const auto sheets = dump(path);  // the reader parses every row
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].second[0], "R1 A:s:值\\x02\\xE7");
}

// Issue 17, task 4: a full sheet continues on "name(2)" with the same header.
TEST(XlsxWriter, FullSheetContinuesOnANewSheet) {
  const std::string path = temp_path("split.xlsx");
  XlsxWriter::Options opt;
  opt.max_rows_per_sheet = 3;  // the header and two rows
  auto w = XlsxWriter::create(path, opt);
  ASSERT_TRUE(w.ok());
  std::vector<XlsxColumn> cols = {{"n", 0}};
  ASSERT_TRUE((*w)->add_sheet("数据", cols).ok());
  for (int i = 1; i <= 5; ++i) {
    std::vector<XlsxValue> row = {XlsxValue::number(std::to_string(i))};
    ASSERT_TRUE((*w)->add_row(row).ok());
  }
  const std::string long_name = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十A";
  ASSERT_TRUE((*w)->add_sheet(long_name, cols).ok());
  for (int i = 1; i <= 3; ++i) {
    std::vector<XlsxValue> row = {XlsxValue::number(std::to_string(i))};
    ASSERT_TRUE((*w)->add_row(row).ok());
  }
  ASSERT_TRUE((*w)->close().ok());
  const auto sheets = dump(path);
  ASSERT_EQ(sheets.size(), 5u);
  EXPECT_EQ(sheets[0].first, "数据");
  EXPECT_EQ(sheets[0].second, (std::vector<std::string>{"R1 A:s:n", "R2 A:n:1", "R3 A:n:2"}));
  EXPECT_EQ(sheets[1].first, "数据(2)");
  EXPECT_EQ(sheets[1].second, (std::vector<std::string>{"R1 A:s:n", "R2 A:n:3", "R3 A:n:4"}));
  EXPECT_EQ(sheets[2].first, "数据(3)");
  EXPECT_EQ(sheets[2].second, (std::vector<std::string>{"R1 A:s:n", "R2 A:n:5"}));
  EXPECT_EQ(sheets[4].first, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八(2)");
  EXPECT_EQ(sheets[4].second, (std::vector<std::string>{"R1 A:s:n", "R2 A:n:3"}));
}

TEST(XmlPull, SmallChunksGiveTheSameEvents) {
  const std::string xml =
      "<?xml version=\"1.0\"?><!-- c --><a x='1 &gt; 0'><b>t&amp;&#x4E2D;&#25991;</b><c/>"
      "<![CDATA[<raw>]]></a>";
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{1024}}) {
    size_t pos = 0;
    xlsx::detail::XmlPull p(
        [&](char* dest, size_t n) {
          const size_t k = std::min(n, xml.size() - pos);
          std::copy_n(xml.data() + pos, k, dest);
          pos += k;
          return static_cast<long>(k);
        },
        chunk);
    std::string trace;
    for (;;) {
      auto ev = p.next();
      if (ev == xlsx::detail::XmlPull::Event::eof) break;
      ASSERT_NE(ev, xlsx::detail::XmlPull::Event::error) << p.error();
      if (ev == xlsx::detail::XmlPull::Event::start) {
        trace += "<" + std::string(p.name());
        std::string v;
        if (p.attr("x", v)) trace += " x=" + v;
        trace += ">";
      } else if (ev == xlsx::detail::XmlPull::Event::end) {
        trace += "</" + std::string(p.name()) + ">";
      } else {
        trace += p.text();
      }
    }
    EXPECT_EQ(trace, "<a x=1 > 0><b>t&中文</b><c></c><raw></a>") << chunk;
  }
}

}  // namespace
}  // namespace gradus
