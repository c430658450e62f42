// Tests of the template, the exports and the error report: what is written reads back through
// the real importer (load_pool_file) to the same pool, and samples/pool.xlsx equals
// samples/pool.csv. GRADUS_WRITE_SAMPLES=1 regenerates samples/pool.xlsx from samples/pool.csv.
#include "export/export.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/decimal.h"
#include "ingest/values.h"
#include "xlsx/reader.h"

namespace gradus {
namespace {

using V = std::vector<std::string>;

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gradus_export_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}
std::string sample(const char* name) { return std::string(GRADUS_SOURCE_DIR) + "/samples/" + name; }

std::string d(const std::optional<Date>& x) { return x ? x->to_string() : "-"; }

// Everything the pool holds about each enterprise, by USCC, as text.
std::map<std::string, std::string> describe(const Pool& p) {
  std::map<std::string, std::string> out;
  for (uint32_t e = 0; e < p.size(); ++e) {
    std::ostringstream s;
    for (const FieldDef& f : all_fields()) {
      if (f.scope == FieldScope::enterprise) {
        if (f.kind == FieldKind::text) {
          if (f.name != "uscc") s << f.name << "=" << p.text(f.id, e) << "\n";
        } else if (p.column(f.id).present[e]) {
          s << f.name << "=" << ingest::format_raw(f, p.column(f.id).values[e]) << "\n";
        }
        continue;
      }
      for (int y = p.first_year(); y <= p.last_year(); ++y) {
        const Column* c = p.yearly(f.id, y);
        if (c != nullptr && c->present[e]) s << f.name << "@" << y << "=" << c->values[e] << "\n";
      }
    }
    for (const TitleRecord& t : p.titles().of(e)) {
      s << "title " << t.tier << " " << t.since.to_string() << " " << d(t.valid_to) << " "
        << int(t.status) << " " << t.level << " " << t.batch << "\n";
    }
    for (const IncidentRecord& i : p.incidents().of(e)) {
      s << "incident " << int(i.kind) << " " << i.date.to_string() << " " << d(i.until) << "\n";
    }
    for (const AwardRecord& a : p.awards().of(e)) {
      s << "award " << int(a.level) << " " << a.rank.value_or(-1) << " " << a.date.to_string()
        << " " << a.name << "\n";
    }
    for (const HonourRecord& h : p.honours().of(e)) {
      s << "honour " << int(h.kind) << " " << d(h.valid_from) << " " << d(h.valid_to) << "\n";
    }
    for (const MakerChinaRecord& m : p.maker_china().of(e)) {
      s << "maker " << int(m.list) << " " << m.year << "\n";
    }
    out[p.uscc(e)] = s.str();
  }
  return out;
}

V messages(const std::vector<InputError>& v) {
  V out;
  for (const InputError& e : v) out.push_back(format_input_error(e, Lang::en));
  return out;
}

Pool load_clean(const std::string& path, IngestReport* report_out = nullptr) {
  IngestReport report;
  Result<Pool> pool = load_pool_file(path, report);
  EXPECT_TRUE(pool.ok()) << pool.error().message.en;
  EXPECT_EQ(messages(report.errors), V{}) << path;
  if (report_out != nullptr) *report_out = report;
  return pool.ok() ? std::move(*pool) : Pool{};
}

TEST(Export, PoolRoundTripsThroughXlsx) {
  const Pool csv = load_clean(sample("pool.csv"));
  ASSERT_EQ(csv.size(), 24u);
  for (Lang lang : {Lang::zh, Lang::en}) {
    const std::string path = temp_path(lang == Lang::zh ? "pool-zh.xlsx" : "pool-en.xlsx");
    ExportOptions opt;
    opt.lang = lang;
    ASSERT_TRUE(export_pool_xlsx(csv, path, opt).ok());
    IngestReport report;
    const Pool back = load_clean(path, &report);
    EXPECT_EQ(describe(back), describe(csv));
    // The detail sheets are skipped with a warning each.
    ASSERT_EQ(report.warnings.size(), 6u);
    EXPECT_EQ(report.warnings[0].sheet, lang == Lang::zh ? "称号" : "Titles");
  }
  // The JSON sample has what the flat form cannot say (itemised IP, several awards, revoked
  // titles): those sheets are still written, and what the flat sheets carry reads back.
  const Pool json = load_clean(sample("pool.json"));
  const std::string path = temp_path("pool-json.xlsx");
  ASSERT_TRUE(export_pool_xlsx(json, path, {}).ok());
  const Pool back = load_clean(path);
  ASSERT_EQ(back.size(), json.size());
  for (uint32_t e = 0; e < json.size(); ++e) {
    EXPECT_EQ(back.uscc(e), json.uscc(e));
    EXPECT_EQ(back.text(find_field("name")->id, e), json.text(find_field("name")->id, e));
  }
  auto book = XlsxReader::open(path);
  ASSERT_TRUE(book.ok());
  V names;
  for (const XlsxSheetInfo& s : (*book)->sheets()) names.push_back(s.name);
  EXPECT_EQ(names, (V{"企业", "年度数据", "称号", "不良事件", "奖项", "荣誉资质", "创客中国",
                      "知识产权"}));
}

// The rows of one sheet as "A|B|C" lines (cells by column, gaps empty).
V sheet_rows(const std::string& path, size_t index) {
  V out;
  auto book = XlsxReader::open(path);
  EXPECT_TRUE(book.ok());
  if (!book) return out;
  auto cur = (*book)->open_sheet(index);
  EXPECT_TRUE(cur.ok());
  if (!cur) return out;
  XlsxRow row;
  while (*(*cur)->next(row)) {
    std::string line;
    uint32_t col = 0;
    for (const XlsxCell& c : row.cells) {
      while (col < c.column) {
        line += "|";
        ++col;
      }
      line += c.is_date ? date_from_serial(c.text, false)->to_string() : c.text;
    }
    out.push_back(line);
  }
  return out;
}

TEST(Export, AssessmentColumnsGoToTheirOwnSheet) {
  const Pool csv = load_clean(sample("pool.csv"));
  ExportOptions opt;
  opt.extra.headers = {"小巨人（2026）", "专精特新（2026）"};
  opt.extra.cells = {{"met", "met"}, {"not_met"}};
  const std::string path = temp_path("assessed.xlsx");
  ASSERT_TRUE(export_pool_xlsx(csv, path, opt).ok());
  const V rows = sheet_rows(path, 8);
  ASSERT_EQ(rows.size(), 25u);
  EXPECT_EQ(rows[0], "统一社会信用代码|企业名称|小巨人（2026）|专精特新（2026）");
  EXPECT_EQ(rows[1], csv.uscc(0) + "|" + csv.text(find_field("name")->id, 0) + "|met|met");
  EXPECT_EQ(rows[2], csv.uscc(1) + "|" + csv.text(find_field("name")->id, 1) + "|not_met");
  IngestReport report;
  load_clean(path, &report);  // still imports: the assessment sheet is skipped
  EXPECT_EQ(report.warnings.size(), 7u);
}

// A table made elsewhere: numbers in numeric columns are Excel numbers, other cells (a USCC, an
// id list, a numeric column's non-number) are text, and the notes sheet follows.
TEST(Export, TableWritesNumbersAsNumbersAndNotes) {
  Table t;
  t.sheet = "潜力排名";
  t.headers = {"排名", "统一社会信用代码", "差距", "阻碍条款"};
  t.numeric = {true, false, true};
  t.rows = {{"1", "91320505MA1P7K3C1N", "0.25", "scale.growth;rd.total"}, {"2", "91110108MA01ABCD2X", "n/a", ""}};
  t.notes = {"little-giant@2026，评价日 2026-06-30"};
  const std::string path = temp_path("table.xlsx");
  ASSERT_TRUE(write_table_xlsx(path, t).ok());
  EXPECT_EQ(sheet_rows(path, 0), (V{"排名|统一社会信用代码|差距|阻碍条款", "1|91320505MA1P7K3C1N|0.25|scale.growth;rd.total",
                                   "2|91110108MA01ABCD2X|n/a"}));
  EXPECT_EQ(sheet_rows(path, 1), (V{"说明 / Notes", "little-giant@2026，评价日 2026-06-30"}));
  auto book = XlsxReader::open(path);
  ASSERT_TRUE(book.ok());
  auto cur = (*book)->open_sheet(0);
  ASSERT_TRUE(cur.ok());
  XlsxRow row;
  ASSERT_TRUE(*(*cur)->next(row));  // header
  ASSERT_TRUE(*(*cur)->next(row));
  EXPECT_EQ(row.cells[0].type, XlsxCellType::number);
  EXPECT_EQ(row.cells[1].type, XlsxCellType::text);
  EXPECT_EQ(row.cells[2].type, XlsxCellType::number);
  ASSERT_TRUE(*(*cur)->next(row));
  EXPECT_EQ(row.cells[2].type, XlsxCellType::text);  // "n/a" in a numeric column
  EXPECT_FALSE(write_table_xlsx("/nonexistent-dir/x.xlsx", t).ok());
}

TEST(Export, CsvTablesLoadBack) {
  const Pool csv = load_clean(sample("pool.csv"));
  const std::string dir = temp_path("csv-out");
  ASSERT_TRUE(export_pool_csv(csv, dir, {}).ok());
  for (const char* f : {"enterprises.csv", "yearly.csv", "titles.csv", "incidents.csv",
                        "awards.csv", "honours.csv", "maker_china.csv", "ip_items.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
  }
  const Pool firms = load_clean(dir + "/enterprises.csv");
  EXPECT_EQ(firms.size(), 24u);
  IngestReport report;
  const Pool years = load_clean(dir + "/yearly.csv", &report);
  EXPECT_EQ(report.rows_read, 72u);
  // Static facts + yearly facts: loading the two files' rows together gives the original pool.
  std::ifstream a(dir + "/enterprises.csv"), b(dir + "/yearly.csv");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str().rfind("\xEF\xBB\xBF统一社会信用代码,企业名称,注册地行政区划代码", 0), 0u);
  EXPECT_NE(sb.str().find("\r\n91320505MA1P7K3C1N,示例精密机械(苏州)有限公司,2023,10873.26,"),
            std::string::npos);
}

TEST(Export, TemplateReadsBackHeaderOnly) {
  for (Lang lang : {Lang::zh, Lang::en}) {
    const std::string path = temp_path(lang == Lang::zh ? "template-zh.xlsx" : "template-en.xlsx");
    ASSERT_TRUE(write_import_template(path, lang).ok());
    IngestReport report;
    const Pool pool = load_clean(path, &report);
    EXPECT_EQ(pool.size(), 0u);
    EXPECT_EQ(messages(report.warnings), V{});
    EXPECT_EQ(report.rows_read, 0u);
    auto book = XlsxReader::open(path);
    ASSERT_TRUE(book.ok());
    ASSERT_EQ((*book)->sheets().size(), 2u);
    EXPECT_EQ((*book)->sheets()[1].name, lang == Lang::zh ? "说明" : "Notes");
    const V header = sheet_rows(path, 0);
    ASSERT_EQ(header.size(), 1u);
    const V notes = sheet_rows(path, 1);
    // A header row, one row per field, the year, the eight event columns.
    EXPECT_EQ(notes.size(), 1 + all_fields().size() + 1 + 8);
    if (lang == Lang::zh) {
      EXPECT_EQ(header[0].rfind("统一社会信用代码|企业名称|注册地行政区划代码|所属园区", 0), 0u);
      EXPECT_NE(header[0].find("|年度|营业收入（万元）|主营业务收入（万元）|"), std::string::npos);
      EXPECT_NE(header[0].find("|主导产品收入占比（%）|"), std::string::npos);
      EXPECT_NE(header[0].find("|估值（亿美元）|"), std::string::npos);
      bool found = false;
      for (const std::string& n : notes) {
        if (n.rfind("研发机构级别（", 0) == 0 || n.rfind("研发机构级别|", 0) == 0) {
          found = true;
          EXPECT_NE(
              n.find("none（无）；enterprise（企业自建/联建（市级以下））；municipal（市级）"),
              std::string::npos)
              << n;
        }
      }
      EXPECT_TRUE(found);
    } else {
      EXPECT_NE(header[0].find("|year|revenue (10k yuan)|"), std::string::npos);
    }
  }
}

TEST(Export, ErrorReportListsEveryProblem) {
  IngestReport report;
  ASSERT_TRUE(load_pool_file(sample("bad.csv"), report).ok());
  ASSERT_EQ(report.errors.size(), 5u);
  const std::string txt = temp_path("report.txt");
  ASSERT_TRUE(write_error_report(txt, ReportFormat::text, report, Lang::en).ok());
  std::ifstream in(txt);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_EQ(first.rfind("5 errors, 0 warnings; ", 0), 0u) << first;
  EXPECT_EQ(second,
            "error: bad.csv: row 4, column uscc: \"91110108MA0BAD023E\" is not a valid unified "
            "social credit code: check character 18 (GB 32100) is 'E', expected 'D'")
      << "(the first error of bad.csv)";

  const std::string xlsx = temp_path("report.xlsx");
  ASSERT_TRUE(write_error_report(xlsx, ReportFormat::xlsx, report).ok());
  const V rows = sheet_rows(xlsx, 0);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0], "级别|文件|工作表|行|列|值|统一社会信用代码|原因|reason");
  EXPECT_EQ(rows[2].rfind("错误|bad.csv||5|revenue|12,3O0|", 0), 0u) << rows[2];

  const std::string csv = temp_path("report.csv");
  ASSERT_TRUE(write_error_report(csv, ReportFormat::csv, report, Lang::en).ok());
  std::ifstream c(csv);
  std::string line;
  std::getline(c, line);
  EXPECT_EQ(line, "\xEF\xBB\xBFseverity,file,sheet,row,column,value,uscc,原因,reason\r");
  std::getline(c, line);
  std::getline(c, line);
  EXPECT_EQ(line.rfind("error,bad.csv,,5,revenue,\"12,3O0\",", 0), 0u) << line;
}

TEST(Export, SamplePoolXlsxEqualsPoolCsv) {
  const std::string out = sample("pool.xlsx");
  if (std::getenv("GRADUS_WRITE_SAMPLES") != nullptr) {
    ASSERT_TRUE(convert_flat_csv_to_xlsx(sample("pool.csv"), out, /*sheet_per_year=*/true).ok());
  }
  IngestReport report;
  const Pool xlsx = load_clean(out, &report);
  EXPECT_EQ(messages(report.warnings), V{});
  EXPECT_EQ(report.rows_read, 72u);
  const Pool csv = load_clean(sample("pool.csv"));
  EXPECT_EQ(describe(xlsx), describe(csv));
  auto book = XlsxReader::open(out);
  ASSERT_TRUE(book.ok());
  V names;
  for (const XlsxSheetInfo& s : (*book)->sheets()) names.push_back(s.name);
  EXPECT_EQ(names, (V{"2023", "2024", "2025", "说明"}));
}

}  // namespace
}  // namespace gradus
