// Tests of the files a zone office really has (issue 17): Chinese text in number cells, credit
// codes Excel stored as numbers, workbooks under a .csv name and old .xls files, GBK CSVs from
// Chinese Excel, the office's own extra columns, Chinese and English enumeration labels, and a
// clerk's workbook that has all of these at once. Workbooks whose cells must hold an exact <v>
// text are written here as XML with minizip.
#include <gtest/gtest.h>
#include <minizip/zip.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/uscc.h"
#include "ingest/encoding.h"
#include "ingest/test_util.h"
#include "ingest/title_list.h"
#include "ingest/values.h"
#include "xlsx/reader.h"

namespace gradus {
namespace {

using V = std::vector<std::string>;
using namespace gradus::testing;  // NOLINT

// Valid codes made only of digits (both check characters computed per GB 11714 / GB 32100).
constexpr std::string_view kDigits1 = "913209211108331858";
constexpr std::string_view kDigits2 = "913205051234567889";

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("gradus_ingest_office_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

std::string data_path(const std::string& name) {
  return std::string(GRADUS_SOURCE_DIR) + "/tests/data/ingest17/" + name;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_bytes(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A cell of a hand-written sheet: a number with its exact <v> text, or an inline string.
struct Cell {
  bool number = false;
  std::string text;
};
Cell num(std::string v) { return Cell{true, std::move(v)}; }
Cell str(std::string v) { return Cell{false, std::move(v)}; }

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Writes a one-sheet workbook (sheet "数据") with the rows given, cells in columns A, B, …
std::string write_sheet_xml(const std::string& file, const std::vector<std::vector<Cell>>& rows) {
  std::string sheet =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
  for (size_t r = 0; r < rows.size(); ++r) {
    sheet += "<row r=\"" + std::to_string(r + 1) + "\">";
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const Cell& cell = rows[r][c];
      if (cell.text.empty()) continue;
      const std::string ref = column_name(static_cast<uint32_t>(c)) + std::to_string(r + 1);
      if (cell.number) {
        sheet += "<c r=\"" + ref + "\"><v>" + cell.text + "</v></c>";
      } else {
        sheet += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + xml_escape(cell.text) +
                 "</t></is></c>";
      }
    }
    sheet += "</row>";
  }
  sheet += "</sheetData></worksheet>";
  const std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml",
       "<?xml version=\"1.0\"?><Types "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
      {"_rels/.rels",
       "<?xml version=\"1.0\"?><Relationships "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
       "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
       "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
      {"xl/workbook.xml",
       "<?xml version=\"1.0\"?><workbook "
       "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
       "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
       "<sheet name=\"数据\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<?xml version=\"1.0\"?><Relationships "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
       "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
       "worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"},
      {"xl/worksheets/sheet1.xml", sheet}};
  const std::string path = temp_path(file);
  zipFile z = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, body] : parts) {
    zip_fileinfo info{};
    EXPECT_EQ(zipOpenNewFileInZip64(z, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                    Z_DEFLATED, Z_DEFAULT_COMPRESSION, 0),
              ZIP_OK);
    EXPECT_EQ(zipWriteInFileInZip(z, body.data(), static_cast<unsigned>(body.size())), ZIP_OK);
    zipCloseFileInZip(z);
  }
  zipClose(z, nullptr);
  return path;
}

Loaded load_file(const std::string& path, IngestOptions options = {}) {
  Loaded out;
  out.pool = load_pool_file(path, out.report, options);
  return out;
}

std::string all_errors(const IngestReport& r, Lang lang) {
  std::string out;
  for (const std::string& e : errors(r, lang)) out += e + "\n";
  return out;
}

// --- Defect 2: Chinese text in a number cell ------------------------------------------------

struct ChineseNumber {
  std::string value;
  std::string character;  // the one the message names
};
const std::vector<ChineseNumber> kChineseNumbers = {
    {"约5000万", "约"}, {"八十", "八"}, {"—", "—"}, {"无", "无"}, {"100人", "人"}};

void expect_names_whole_character(const IngestReport& report, const ChineseNumber& c,
                                  const std::string& where) {
  ASSERT_EQ(report.errors.size(), 1u) << where << " " << c.value;
  for (Lang lang : {Lang::zh, Lang::en}) {
    const std::string m = format_input_error(report.errors[0], lang);
    EXPECT_TRUE(valid_utf8(m)) << where << ": " << printable_utf8(m);
    const std::string named = lang == Lang::zh
                                  ? "含有非数字字符 \"" + c.character + "\""
                                  : "it contains the character \"" + c.character + "\"";
    EXPECT_NE(m.find(named), std::string::npos) << where << ": " << m;
    EXPECT_NE(m.find("\"" + c.value + "\""), std::string::npos) << where << ": " << m;
  }
}

TEST(OfficeFiles, ChineseTextInANumberCellNamesTheWholeCharacterInCsv) {
  for (const ChineseNumber& c : kChineseNumbers) {
    Loaded l = load_csv("uscc,year,employees\n" + std::string(kA) + ",2025," + c.value + "\n");
    expect_names_whole_character(l.report, c, "csv");
  }
}

TEST(OfficeFiles, ChineseTextInANumberCellNamesTheWholeCharacterInXlsx) {
  for (const ChineseNumber& c : kChineseNumbers) {
    const std::string path = write_sheet_xml(
        "text_in_number.xlsx", {{str("统一社会信用代码"), str("年度"), str("营业收入（万元）")},
                                {str(std::string(kA)), num("2025"), str(c.value)}});
    Loaded l = load_file(path);
    ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
    expect_names_whole_character(l.report, c, "xlsx");
    std::filesystem::remove(path);
  }
}

TEST(OfficeFiles, InvalidUtf8InAWorkbookCellIsShownEscaped) {
  // XML text that is not UTF-8 reaches a message escaped, never as broken bytes.
  const std::string path =
      write_sheet_xml("bad_bytes.xlsx", {{str("uscc"), str("year"), str("revenue")},
                                         {str(std::string(kA)), num("2025"), str("12\xE7")}});
  Loaded l = load_file(path);
  if (l.pool.ok()) {
    ASSERT_EQ(l.report.errors.size(), 1u);
    EXPECT_EQ(l.report.errors[0].value, "12\\xE7");
    for (const std::string& m : errors(l.report, Lang::zh)) {
      EXPECT_TRUE(valid_utf8(m)) << printable_utf8(m);
    }
  } else {
    EXPECT_TRUE(valid_utf8(l.pool.error().message.zh));
  }
}

// --- Defect 5: credit codes in number cells -------------------------------------------------

TEST(OfficeFiles, ExactNumericUsccCellsAreReadExactly) {
  const std::string path = write_sheet_xml(
      "numeric_uscc.xlsx", {{str("统一社会信用代码"), str("年度"), str("营业收入（万元）")},
                            {num(std::string(kDigits1)), num("2025"), num("100")},
                            {num("9.13205051234567889E+17"), num("2025"), num("200")}});
  Loaded l = load_file(path);
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  EXPECT_EQ(errors(l.report), V{});
  EXPECT_EQ(warnings(l.report), V{});
  EXPECT_EQ(yearly(*l.pool, kDigits1, "revenue", 2025), micros("100"));
  EXPECT_EQ(yearly(*l.pool, kDigits2, "revenue", 2025), micros("200"));
}

TEST(OfficeFiles, ExcelsFifteenDigitCodesSayFormatTheColumnAsText) {
  // What Excel stores for 913209211108331858 typed into a number cell: 15 significant digits.
  const std::string path = write_sheet_xml(
      "excel_uscc.xlsx", {{str("统一社会信用代码"), str("年度"), str("营业收入（万元）")},
                          {num("9.13209211108331E+17"), num("2025"), num("100")}});
  Loaded l = load_file(path);
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  ASSERT_EQ(l.report.errors.size(), 1u) << all_errors(l.report, Lang::en);
  EXPECT_EQ(l.report.errors[0].value, "913209211108331000");
  const std::string en = format_input_error(l.report.errors[0], Lang::en);
  const std::string zh = format_input_error(l.report.errors[0], Lang::zh);
  EXPECT_NE(en.find("Excel stored this code as a number"), std::string::npos) << en;
  EXPECT_NE(en.find("format the column as text"), std::string::npos) << en;
  EXPECT_NE(zh.find("Excel 把该代码存成了数字，丢失了末尾几位：请把该列设为文本格式后重新填写"),
            std::string::npos)
      << zh;
  EXPECT_EQ(l.pool->size(), 0u);
}

TEST(OfficeFiles, AFifteenDigitCodeThatHappensToCheckIsWarnedOf) {
  // 913205051000125000 is valid (both check characters are 0), but a number cell with only 15
  // significant digits may be what Excel left of another code.
  const std::string path = write_sheet_xml(
      "lucky_uscc.xlsx", {{str("统一社会信用代码"), str("年度"), str("营业收入（万元）")},
                          {num("9.13205051000125E+17"), num("2025"), num("100")}});
  Loaded l = load_file(path);
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  EXPECT_EQ(errors(l.report), V{});
  ASSERT_EQ(l.report.warnings.size(), 1u);
  EXPECT_NE(warnings(l.report)[0].find("may have been changed by Excel"), std::string::npos)
      << warnings(l.report)[0];
  EXPECT_EQ(yearly(*l.pool, "913205051000125000", "revenue", 2025), micros("100"));
}

TEST(OfficeFiles, ScientificNotationInACsvCodeIsExplained) {
  Loaded l = load_csv("uscc,year,revenue\n9.13209E+17,2025,100\n");
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_NE(errors(l.report)[0].find("scientific notation"), std::string::npos)
      << errors(l.report)[0];
}

// --- Task 7: a mistyped code says which check fails -----------------------------------------

TEST(OfficeFiles, MistypedUsccSaysWhichCheckFails) {
  std::string typo(kDigits1);
  typo[17] = '9';
  Loaded l = load_csv("uscc,year,revenue\n" + typo + ",2025,100\n");
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_NE(errors(l.report, Lang::zh)[0].find("校验码（第 18 位，GB 32100）应为 '8'，实为 '9'"),
            std::string::npos)
      << errors(l.report, Lang::zh)[0];
  EXPECT_NE(errors(l.report)[0].find(
                "the check digit (18th character, GB 32100) should be '8', it is '9'"),
            std::string::npos)
      << errors(l.report)[0];
  l = load_csv("uscc,year,revenue\n9132092111083318O8,2025,100\n");
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_NE(errors(l.report)[0].find("character 17 is the letter 'O'"), std::string::npos)
      << errors(l.report)[0];
  l = load_csv("uscc,year,revenue\n91320921110833185中,2025,100\n");
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_NE(errors(l.report)[0].find("character 18 \"中\" is not a digit or a letter"),
            std::string::npos)
      << errors(l.report)[0];
}

// --- Defect 8: file types from the content ---------------------------------------------------

TEST(OfficeFiles, AWorkbookNamedCsvIsReadAsAWorkbook) {
  const std::string book =
      write_sheet_xml("book.xlsx", {{str("uscc"), str("year"), str("revenue")},
                                    {str(std::string(kA)), num("2025"), num("100")}});
  const std::string renamed = temp_path("book_named.csv");
  std::filesystem::copy_file(book, renamed, std::filesystem::copy_options::overwrite_existing);
  Loaded l = load_file(renamed);
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  EXPECT_EQ(errors(l.report), V{});
  EXPECT_EQ(yearly(*l.pool, kA, "revenue", 2025), micros("100"));
}

TEST(OfficeFiles, JsonNamedCsvIsReadAsJson) {
  const std::string path = temp_path("rows_named.csv");
  write_bytes(path, "\xEF\xBB\xBF  [{\"uscc\": \"" + std::string(kA) +
                        "\", \"year\": 2025, \"revenue\": 100}]");
  Loaded l = load_file(path);
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  EXPECT_EQ(errors(l.report), V{});
  EXPECT_EQ(yearly(*l.pool, kA, "revenue", 2025), micros("100"));
}

TEST(OfficeFiles, AnOldXlsIsToldToSaveAsXlsxWhateverItsName) {
  const std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + std::string(504, '\0'));
  for (const std::string name : {"old.xls", "old.csv", "old.xlsx", "old"}) {
    const std::string path = temp_path(name);
    write_bytes(path, ole);
    Loaded l = load_file(path);
    ASSERT_FALSE(l.pool.ok()) << name;
    const Text& m = l.pool.error().message;
    EXPECT_NE(m.en.find("save it as .xlsx"), std::string::npos) << name << ": " << m.en;
    EXPECT_NE(m.zh.find("另存为 .xlsx（Excel 工作簿）"), std::string::npos) << name << ": " << m.zh;
    EXPECT_EQ(m.en.find("CSV"), std::string::npos) << name << ": " << m.en;
  }
  // CSV text in memory that is a workbook is not told to become CSV either.
  Loaded l = load_csv("PK\x03\x04rest");
  ASSERT_FALSE(l.pool.ok());
  EXPECT_EQ(l.pool.error().message.en.find("save it as \"CSV UTF-8\""), std::string::npos)
      << l.pool.error().message.en;
}

TEST(OfficeFiles, ATitleListWorkbookNamedCsvWithNumericCodesIsRead) {
  const std::string book = write_sheet_xml(
      "list.xlsx", {{str("企业名称"), str("统一社会信用代码"), str("称号"), str("年份")},
                    {str("示例精工有限公司"), num(std::string(kDigits1)), str("专精特新中小企业"),
                     num("2025")}});
  const std::string renamed = temp_path("list_named.csv");
  std::filesystem::copy_file(book, renamed, std::filesystem::copy_options::overwrite_existing);
  Result<TitleList> list = read_title_list(renamed);
  ASSERT_TRUE(list.ok()) << list.error().message.en;
  ASSERT_EQ(list->rows.size(), 1u);
  EXPECT_EQ(list->rows[0].uscc, kDigits1);
  EXPECT_EQ(list->rows[0].title.tier, "srdi-sme");
}

// --- GBK / GB18030 CSV -----------------------------------------------------------------------

void expect_same_pool(const Pool& a, const Pool& b) {
  ASSERT_EQ(a.size(), b.size());
  for (uint32_t e = 0; e < a.size(); ++e) {
    const std::string uscc = a.uscc(e);
    ASSERT_TRUE(b.find(uscc).has_value()) << uscc;
    for (const FieldDef& f : all_fields()) {
      if (f.kind == FieldKind::text) {
        EXPECT_EQ(a.text(f.id, e), b.text(f.id, *b.find(uscc))) << uscc << " " << f.name;
      } else if (f.scope == FieldScope::enterprise) {
        EXPECT_EQ(raw(a, uscc, f.name), raw(b, uscc, f.name)) << uscc << " " << f.name;
      } else {
        for (int year : {2024, 2025}) {
          EXPECT_EQ(yearly(a, uscc, f.name, year), yearly(b, uscc, f.name, year))
              << uscc << " " << f.name << " " << year;
        }
      }
    }
  }
}

TEST(OfficeFiles, GbkCsvReadsIntoTheSamePoolAsItsUtf8Twin) {
  Loaded utf8 = load_file(data_path("firms_utf8.csv"));
  Loaded gbk = load_file(data_path("firms_gbk.csv"));
  ASSERT_TRUE(utf8.pool.ok()) << utf8.pool.error().message.en;
  ASSERT_TRUE(gbk.pool.ok()) << gbk.pool.error().message.en;
  EXPECT_EQ(errors(utf8.report), V{});
  EXPECT_EQ(errors(gbk.report), V{});
  EXPECT_EQ(utf8.report.encoding, "UTF-8");
  EXPECT_EQ(gbk.report.encoding, "GB18030");
  EXPECT_EQ(gbk.report.rows_read, 4u);
  ASSERT_EQ(gbk.pool->size(), 3u);
  expect_same_pool(*utf8.pool, *gbk.pool);
  EXPECT_EQ(gbk.pool->text(fid("name"), *gbk.pool->find(kB)), "北京示例(大兴)生物科技有限公司");

  // The same from memory, and with a BOM.
  Loaded mem = load_csv(read_bytes(data_path("firms_gbk.csv")));
  ASSERT_TRUE(mem.pool.ok());
  EXPECT_EQ(mem.report.encoding, "GB18030");
  expect_same_pool(*utf8.pool, *mem.pool);
  Loaded bom = load_csv("\xEF\xBB\xBF" + read_bytes(data_path("firms_utf8.csv")));
  EXPECT_EQ(bom.report.encoding, "UTF-8 (BOM)");
}

TEST(OfficeFiles, GbkTextDeepInALargeFileIsStillRead) {
  // ASCII rows first (more than one read piece), then a GBK name: the file is read again as
  // GB18030 into a fresh pool, and nothing from the first attempt is left in the report.
  std::string text = "uscc,name,year,revenue\n";
  const std::string row = std::string(kA) + ",Example Co,,\n";
  uint32_t rows = 1;
  while (text.size() < (size_t{3} << 20)) {
    text += row;
    ++rows;
  }
  text += std::string(kB) + ",\xB1\xB1\xBE\xA9\xCA\xBE\xC0\xFD,2025,200\n";  // 北京示例 in GBK
  const std::string path = temp_path("deep_gbk.csv");
  write_bytes(path, text);
  Loaded l = load_file(path);
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  EXPECT_EQ(l.report.encoding, "GB18030");
  EXPECT_EQ(errors(l.report), V{});
  EXPECT_EQ(l.report.rows_read, rows);
  EXPECT_EQ(l.pool->text(fid("name"), *l.pool->find(kB)), "北京示例");
}

TEST(OfficeFiles, TextNeitherUtf8NorGb18030IsRefusedWithBothLines) {
  // 0x80 and 0xFF start no GB18030 sequence.
  Loaded l = load_csv("uscc,name\n" + std::string(kA) + ",\xFF\x80\n");
  ASSERT_FALSE(l.pool.ok());
  EXPECT_NE(l.pool.error().message.en.find("neither UTF-8 text (line 2) nor GB18030/GBK text "
                                           "(line 2)"),
            std::string::npos)
      << l.pool.error().message.en;
  // A UTF-8 BOM says UTF-8: a bad byte after it is not read as GB18030.
  l = load_csv("\xEF\xBB\xBFuscc,name\n" + std::string(kA) + ",\xCA\xBE\xC0\xFD\n");
  ASSERT_FALSE(l.pool.ok());
  EXPECT_NE(l.pool.error().message.en.find("line 2 is not UTF-8"), std::string::npos)
      << l.pool.error().message.en;
}

TEST(OfficeFiles, Gb18030DecoderAcceptsPiecesCutAnywhere) {
  const std::string gbk = read_bytes(data_path("firms_gbk.csv"));
  const std::string utf8 = read_bytes(data_path("firms_utf8.csv"));
  for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{7}}) {
    ingest::Gb18030Decoder dec;
    std::string out;
    for (size_t i = 0; i < gbk.size(); i += piece) {
      ASSERT_TRUE(dec.convert(std::string_view(gbk).substr(i, piece), false, &out));
    }
    ASSERT_TRUE(dec.convert({}, true, &out));
    EXPECT_EQ(out, utf8) << piece;
  }
  ingest::Gb18030Decoder cut;
  std::string out;
  EXPECT_FALSE(cut.convert("a\nb\xB1", true, &out));  // a sequence cut by the end
  EXPECT_EQ(cut.line(), 2u);
}

// --- Extra columns ---------------------------------------------------------------------------

TEST(OfficeFiles, UnknownColumnsAreOneErrorThatSaysHowToProceed) {
  const std::string csv = "序号,uscc,year,revenue,备注\n1," + std::string(kA) + ",2025,100,好\n";
  Loaded l = load_csv(csv);
  ASSERT_TRUE(l.pool.ok());
  ASSERT_EQ(l.report.errors.size(), 1u) << all_errors(l.report, Lang::en);
  EXPECT_EQ(format_input_error(l.report.errors[0], Lang::en),
            "firms.csv: row 1: unknown columns: 序号, 备注 (not fields of the data contract, see "
            "docs/data-format.md). Remove or rename them; if they are only the office's own "
            "(序号, 备注 …), read the file again with --ignore-unknown-columns to leave them out");
  EXPECT_NE(format_input_error(l.report.errors[0], Lang::zh).find("未知的列：序号、备注"),
            std::string::npos);
  EXPECT_FALSE(l.report.ok());
  EXPECT_TRUE(l.report.ignored_columns.empty());
}

TEST(OfficeFiles, IgnoreUnknownColumnsListsThemAndReadsTheRest) {
  const std::string csv = "序号,uscc,year,revenue,备注\n1," + std::string(kA) + ",2025,100,好\n";
  IngestOptions options;
  options.ignore_unknown_columns = true;
  IngestReport report;
  Result<Pool> pool = load_pool_text(csv, "firms.csv", report, options);
  ASSERT_TRUE(pool.ok());
  EXPECT_TRUE(report.ok()) << all_errors(report, Lang::en);
  EXPECT_EQ(report.ignored_columns, (V{"序号", "备注"}));
  EXPECT_EQ(warnings(report),
            V{"firms.csv: row 1: these columns are not fields of the data contract and were "
              "ignored as asked (not read): 序号, 备注"});
  EXPECT_EQ(yearly(*pool, kA, "revenue", 2025), micros("100"));
  // JSON flat rows too.
  report = IngestReport{};
  options.format = InputFormat::json;
  pool = load_pool_text("[{\"uscc\": \"" + std::string(kA) + "\", \"year\": 2025, \"备注\": 1}]",
                        "rows.json", report, options);
  ASSERT_TRUE(pool.ok());
  EXPECT_TRUE(report.ok()) << all_errors(report, Lang::en);
  EXPECT_EQ(report.ignored_columns, V{"备注"});
}

// --- Enumeration labels ----------------------------------------------------------------------

TEST(OfficeFiles, EveryEnumAcceptsItsIdAndLabels) {
  // Every field enumeration, written by id (upper case too), zh label (full- or half-width
  // parentheses, spaces around) and en label (any case).
  for (const FieldDef& f : all_fields()) {
    if (f.kind != FieldKind::enumeration && f.kind != FieldKind::enum_set) continue;
    for (size_t i = 0; i < f.values.size(); ++i) {
      const EnumValue& v = f.values[i];
      std::string half_width(v.zh);
      for (auto [from, to] : {std::pair<std::string, std::string>{"（", "("}, {"）", ")"}}) {
        for (size_t p = half_width.find(from); p != std::string::npos; p = half_width.find(from)) {
          half_width.replace(p, from.size(), to);
        }
      }
      const int64_t want = f.kind == FieldKind::enum_set ? int64_t{1} << i : int64_t(i);
      for (const std::string& written :
           {std::string(v.id), ascii_lower(v.id) == v.id ? std::string(v.id) : ascii_lower(v.id),
            std::string(v.zh), " " + half_width + " ", std::string(v.en), ascii_lower(v.en)}) {
        std::optional<Text> warning;
        Result<int64_t> r = ingest::parse_value(f, written, false, &warning);
        ASSERT_TRUE(r.ok()) << f.name << " " << written << ": " << r.error().message.en;
        EXPECT_EQ(*r, want) << f.name << " " << written;
      }
      std::string upper(v.id);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      Result<int64_t> r = ingest::parse_value(f, upper, false, nullptr);
      ASSERT_TRUE(r.ok()) << f.name << " " << upper;
      EXPECT_EQ(*r, want);
    }
  }
}

TEST(OfficeFiles, EventListEnumsAcceptTheirLabels) {
  for (std::span<const EnumValue> values :
       {incident_kinds(), award_levels(), maker_china_lists(), honour_kinds(), ip_kinds(),
        ip_high_value_kinds(), title_statuses()}) {
    for (size_t i = 0; i < values.size(); ++i) {
      for (std::string_view written : {values[i].id, values[i].zh, values[i].en}) {
        Result<uint8_t> r = ingest::parse_enum(values, written, "值", "value");
        ASSERT_TRUE(r.ok()) << written;
        EXPECT_EQ(*r, i) << written;
      }
    }
  }
  // Through the flat form: an incident by its Chinese name, an award level by its label.
  Loaded l = load_csv("uscc,incidents,award_level,award_date\n" + std::string(kA) +
                      ",偷漏税:2024-03-01,National,2023-05-01\n");
  EXPECT_EQ(errors(l.report), V{});
  ASSERT_TRUE(l.pool.ok());
  // The template's own example for product_field.
  l = load_csv("统一社会信用代码,主导产品所属领域,研发机构级别,质量奖级别\n" + std::string(kA) +
               ",制造业核心基础领域（六基）；网络强国领域,企业自建/联建(市级以下),Provincial\n");
  EXPECT_EQ(errors(l.report), V{});
  EXPECT_EQ(raw(*l.pool, kA, "product_field"), 0b101);
  EXPECT_EQ(raw(*l.pool, kA, "rd_institution"), 1);
  EXPECT_EQ(raw(*l.pool, kA, "quality_award"), 2);
}

TEST(OfficeFiles, RefusedEnumValuesListTheLabelsInTheUsersLanguage) {
  Loaded l = load_csv("uscc,rd_institution\n" + std::string(kA) + ",区级\n");
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_EQ(errors(l.report, Lang::zh)[0],
            "firms.csv：第 2 行，列 rd_institution：\"区级\" 不是有效的研发机构级别取值（可填：无、"
            "企业自建/联建（市级以下）、市级、省部级、国家级）");
  EXPECT_EQ(errors(l.report, Lang::en)[0],
            "firms.csv: row 2, column rd_institution: \"区级\" is not a known level of R&D "
            "institution (use one of: none, own or joint (below municipal) (enterprise), "
            "municipal, provincial / ministerial (provincial), national)");
}

TEST(OfficeFiles, YesNoColumnsAcceptTheUsualWords) {
  for (const auto& [written, want] : std::vector<std::pair<std::string, int64_t>>{{"是", 1},
                                                                                  {"否", 0},
                                                                                  {"Y", 1},
                                                                                  {"n", 0},
                                                                                  {"yes", 1},
                                                                                  {"No", 0},
                                                                                  {"TRUE", 1},
                                                                                  {"false", 0},
                                                                                  {"1", 1},
                                                                                  {"0", 0},
                                                                                  {" 是 ", 1}}) {
    Loaded l = load_csv("uscc,listed\n" + std::string(kA) + "," + written + "\n");
    EXPECT_EQ(errors(l.report), V{}) << written;
    EXPECT_EQ(raw(*l.pool, kA, "listed"), want) << written;
  }
}

// --- A clerk's workbook ----------------------------------------------------------------------

TEST(OfficeFiles, AClerksWorkbookImportsCleanly) {
  // 序号 and 备注 columns, Chinese labels, codes in number cells holding all 18 digits.
  const std::vector<std::vector<Cell>> rows = {
      {str("序号"), str("统一社会信用代码"), str("企业名称"), str("年度"), str("营业收入（万元）"),
       str("从业人员（人）"), str("研发机构级别"), str("主导产品所属领域"), str("是否上市"),
       str("备注")},
      {num("1"), num(std::string(kDigits1)), str("示例精工（泰州）有限公司"), num("2025"),
       num("5600.5"), num("88"), str("市级"), str("制造业核心基础领域（六基）"), str("否"),
       str("已走访")},
      {num("2"), num(std::string(kDigits2)), str("示例新材料有限公司"), num("2025"), num("3200"),
       num("40"), str("省部级"), str("产业链关键环节；补短板/锻长板/填空白"), str("是"), str("")}};
  const std::string path = write_sheet_xml("clerk.xlsx", rows);
  IngestOptions options;
  options.ignore_unknown_columns = true;
  Loaded l = load_file(path, options);
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  EXPECT_EQ(errors(l.report), V{});
  EXPECT_EQ(l.report.ignored_columns, (V{"数据!序号", "数据!备注"}));
  ASSERT_EQ(l.pool->size(), 2u);
  EXPECT_EQ(l.report.enterprises_loaded, 2u);
  EXPECT_EQ(yearly(*l.pool, kDigits1, "revenue", 2025), micros("5600.5"));
  EXPECT_EQ(yearly(*l.pool, kDigits2, "employees", 2025), micros("40"));
  EXPECT_EQ(raw(*l.pool, kDigits1, "rd_institution"), 2);
  EXPECT_EQ(raw(*l.pool, kDigits1, "product_field"), 0b1);
  EXPECT_EQ(raw(*l.pool, kDigits2, "product_field"), 0b11000);
  EXPECT_EQ(raw(*l.pool, kDigits2, "listed"), 1);
  EXPECT_EQ(l.pool->text(fid("name"), *l.pool->find(kDigits1)), "示例精工(泰州)有限公司");

  // Without the option the same workbook is refused for its two columns, and only for them.
  Loaded strict = load_file(path);
  ASSERT_TRUE(strict.pool.ok());
  ASSERT_EQ(strict.report.errors.size(), 1u) << all_errors(strict.report, Lang::en);
  EXPECT_NE(errors(strict.report)[0].find("--ignore-unknown-columns"), std::string::npos);
  EXPECT_EQ(strict.report.errors[0].sheet, "数据");
}

}  // namespace
}  // namespace gradus
