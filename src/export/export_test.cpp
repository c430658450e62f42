// Tests of the template, the exports and the error report: what is written reads back through
// the real importer (load_pool_file) to the same pool, and samples/pool.xlsx equals
// samples/pool.csv. GRADUS_WRITE_SAMPLES=1 regenerates samples/pool.xlsx from samples/pool.csv.
#include "export/export.h"
#include "xlsx/xlsx_test_util.h"
#include "ingest/flat_form.h"

#include <gtest/gtest.h>
#include <minizip/unzip.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "core/decimal.h"
#include "export/csv_text.h"
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
  // Region, park and industry (codes and names) come first, so that the sheet can be pivoted.
  EXPECT_EQ(rows[0],
            "统一社会信用代码|企业名称|行政区划代码|行政区划|所属园区|行业代码|行业|小巨人（2026）|"
            "专精特新（2026）");
  EXPECT_EQ(rows[1], csv.uscc(0) + "|" + csv.text(find_field("name")->id, 0) +
                         "|320505|虎丘区|苏州高新区|C3484|机械零部件加工|met|met");
  EXPECT_EQ(rows[2], csv.uscc(1) + "|" + csv.text(find_field("name")->id, 1) +
                         "|320214|新吴区|无锡高新区|C3976|光电子器件制造|not_met");
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



std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

V split_cells(const std::string& line) {
  V out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, '|')) out.push_back(cell);
  return out;
}

// Issue 17, template: dropdowns for every enumeration and yes/no column (zh labels in zh, en labels
// in en, from a hidden sheet), the credit-code column as text, a grey example row that the import
// refuses with a message naming it, and a 说明 sheet that lists every field of the catalogue.
TEST(Export, TemplateHasDropdownsTextCodesAnExampleRowAndGeneratedNotes) {
  for (Lang lang : {Lang::zh, Lang::en}) {
    const bool zh = lang == Lang::zh;
    const std::string path = temp_path(zh ? "template-zh.xlsx" : "template-en.xlsx");
    ASSERT_TRUE(write_import_template(path, lang).ok());
    auto book = XlsxReader::open(path);
    ASSERT_TRUE(book.ok());
    ASSERT_EQ((*book)->sheets().size(), 3u);
    EXPECT_EQ((*book)->sheets()[0].name, zh ? "企业数据" : "Data");
    EXPECT_EQ((*book)->sheets()[1].name, zh ? "说明" : "Notes");
    EXPECT_EQ((*book)->sheets()[2].name, zh ? "说明-下拉选项" : "Notes-choices");
    EXPECT_TRUE((*book)->sheets()[2].hidden);

    const V data = sheet_rows(path, 0);
    ASSERT_EQ(data.size(), 2u);  // the header and the example row
    const V header = split_cells(data[0]);
    if (zh) {
      EXPECT_EQ(data[0].rfind("统一社会信用代码|企业名称|注册地行政区划代码|所属园区", 0), 0u);
      EXPECT_NE(data[0].find("|年度|营业收入（万元）|主营业务收入（万元）|"), std::string::npos);
      EXPECT_NE(data[0].find("|主导产品收入占比（%）|"), std::string::npos);
      EXPECT_NE(data[0].find("|估值（亿美元）|"), std::string::npos);
    } else {
      EXPECT_NE(data[0].find("|year|revenue (10k yuan)|"), std::string::npos);
    }
    const V example = split_cells(data[1]);
    EXPECT_EQ(example[0], kTemplateExampleUscc);
    EXPECT_NE(example[1].find(zh ? "示例行" : "example row"), std::string::npos);

    // The credit-code column is formatted as text ("@"), the example row's cell included.
    {
      auto cur = (*book)->open_sheet(0);
      ASSERT_TRUE(cur.ok());
      XlsxRow row;
      ASSERT_TRUE(*(*cur)->next(row));
      ASSERT_TRUE(*(*cur)->next(row));
      ASSERT_EQ(row.cells[0].column, 0u);
      EXPECT_EQ((*book)->format_code(row.cells[0].format_id), "@");
    }
    const std::string sheet_xml = zip_member(path, "xl/worksheets/sheet1.xml");
    EXPECT_NE(sheet_xml.find("<col min=\"1\" max=\"1\""), std::string::npos);

    // A list validation on every enumeration, enum set and yes/no column (and the award level),
    // its choices the labels in the template's language, read from the hidden sheet.
    std::map<std::string, std::string> formula_of;  // column letter → formula
    const std::regex dv(R"re(<dataValidation [^>]*sqref="([A-Z]+)2:[A-Z]+1048576"[^>]*><formula1>([^<]*)</formula1>)re");
    for (auto it = std::sregex_iterator(sheet_xml.begin(), sheet_xml.end(), dv);
         it != std::sregex_iterator(); ++it) {
      formula_of[(*it)[1]] = (*it)[2];
    }
    const V choices = sheet_rows(path, 2);
    ASSERT_FALSE(choices.empty());
    const V choice_headers = split_cells(choices[0]);
    size_t expected = 0;
    for (size_t k = 0; k < header.size(); ++k) {
      bool in_yuan = false;
      const FieldDef* f = find_field_by_header(header[k], &in_yuan);
      std::vector<std::string> labels;
      if (f != nullptr && !f->values.empty()) {
        for (const EnumValue& v : f->values) labels.emplace_back(zh ? v.zh : v.en);
      } else if (f != nullptr && f->kind == FieldKind::boolean) {
        labels = zh ? V{"是", "否"} : V{"yes", "no"};
      } else if (header[k] == (zh ? "获奖级别" : "award_level")) {
        for (const EnumValue& v : award_levels()) labels.emplace_back(zh ? v.zh : v.en);
      } else {
        EXPECT_FALSE(formula_of.contains(column_name(k))) << header[k];
        continue;
      }
      ++expected;
      const std::string letter = column_name(static_cast<uint32_t>(k));
      ASSERT_TRUE(formula_of.contains(letter)) << header[k];
      // The formula names the hidden sheet's column that holds this column's choices.
      const size_t at = static_cast<size_t>(
          std::find(choice_headers.begin(), choice_headers.end(), header[k]) - choice_headers.begin());
      ASSERT_LT(at, choice_headers.size()) << header[k];
      const std::string c = column_name(static_cast<uint32_t>(at));
      EXPECT_EQ(formula_of[letter], "'" + (*book)->sheets()[2].name + "'!$" + c + "$2:$" + c + "$" +
                                        std::to_string(labels.size() + (f && f->kind == FieldKind::enum_set) + 1))
          << header[k];
      for (size_t i = 0; i < labels.size(); ++i) {
        const V cells = split_cells(choices.at(i + 1));
        ASSERT_LT(at, cells.size()) << header[k];
        EXPECT_EQ(cells[at], labels[i]) << header[k];
        if (zh && f != nullptr && f->kind == FieldKind::boolean) {
          EXPECT_TRUE(ingest::parse_bool_value(labels[i]).ok()) << labels[i];
        }
      }
    }
    EXPECT_EQ(formula_of.size(), expected);
    EXPECT_GE(expected, 10u);

    // The notes sheet: one row per column of the data sheet, every field of the catalogue, with
    // its unit, type, scope and accepted values.
    const V notes = sheet_rows(path, 1);
    EXPECT_EQ(notes.size(), 1 + header.size());
    std::set<std::string> listed;
    for (const std::string& n : notes) listed.insert(split_cells(n).at(1));
    for (const FieldDef& f : all_fields()) EXPECT_TRUE(listed.contains(std::string(f.name))) << f.name;
    if (zh) {
      bool found = false;
      for (const std::string& n : notes) {
        if (n.rfind("研发机构级别|", 0) == 0) {
          found = true;
          EXPECT_NE(n.find("无 [none]；企业自建/联建（市级以下） [enterprise]；市级 [municipal]"),
                    std::string::npos)
              << n;
        }
        if (n.rfind("营业收入（万元）|revenue|营业收入|", 0) == 0) {
          EXPECT_NE(n.find("|万元|金额|每年一行（需填年度）|"), std::string::npos) << n;
        }
      }
      EXPECT_TRUE(found);
    }

    // Imported as it is, the template is refused at the example row, with a message that quotes
    // the 示例 credit code; nothing is imported.
    IngestReport report;
    Result<Pool> pool = load_pool_file(path, report);
    ASSERT_TRUE(pool.ok());
    EXPECT_EQ(pool->size(), 0u);
    bool refused = false;
    for (const InputError& e : report.errors) {
      if (e.row == 2 && e.value == kTemplateExampleUscc) refused = true;
    }
    EXPECT_TRUE(refused) << ::testing::PrintToString(messages(report.errors));
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
            "social credit code: the check digit (18th character, GB 32100) should be 'D', it is 'E'")
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

// Every dropdown choice of the template imports as the value it names (zh and en labels of every
// enumeration, 是/否 and yes/no). Needs the importer that reads every label (issue 17's ingest
// branch): today the en labels and the zh labels with full-width parentheses
// (制造业核心基础领域（六基）) are refused. Enable when that branch is merged.
TEST(Export, TemplateDropdownChoicesImport) {
  for (Lang lang : {Lang::zh, Lang::en}) {
    for (const FieldDef& f : all_fields()) {
      for (size_t i = 0; i < f.values.size(); ++i) {
        const std::string label(lang == Lang::zh ? f.values[i].zh : f.values[i].en);
        std::optional<Text> warning;
        Result<int64_t> raw = ingest::parse_value(f, label, false, &warning);
        ASSERT_TRUE(raw.ok()) << f.name << ": " << label;
        EXPECT_EQ(*raw, f.kind == FieldKind::enum_set ? int64_t{1} << i : int64_t(i)) << label;
      }
    }
    for (const EnumValue& v : award_levels()) {
      EXPECT_TRUE(ingest::parse_enum(award_levels(), lang == Lang::zh ? v.zh : v.en, "", "").ok());
    }
    for (const char* b : {"是", "否", "yes", "no"}) EXPECT_TRUE(ingest::parse_bool_value(b).ok());
  }
}

// The credit codes of samples/pool.csv (valid codes for building small pools).
V sample_codes() {
  const Pool p = load_clean(sample("pool.csv"));
  V out;
  for (uint32_t e = 0; e < p.size(); ++e) out.push_back(p.uscc(e));
  return out;
}

// Issue 17, defect 1: on the yearly sheet every amount is a number cell holding the double
// nearest to the pool's decimal (593.94, 642.07, −75.99, 88.6 were text), so that a column's SUM
// is the pool's exact total; an amount with more than 15 significant digits is text and the
// sheet's note column names it.
TEST(Export, AmountsAreNumberCellsThatAddUp) {
  const V codes = sample_codes();
  std::string csv = "uscc,name,year,revenue,net_profit\n";
  std::mt19937 rng(593);
  std::map<std::string, int64_t> total;  // column → exact micros
  const V fixed = {"593.94", "642.07", "-75.99", "88.6"};
  size_t k = 0;
  for (const std::string& code : codes) {
    for (int year = 2020; year <= 2025; ++year) {
      std::string rev, profit;
      if (k < fixed.size()) {
        rev = fixed[k] == "-75.99" ? "75.99" : fixed[k];
        profit = fixed[k];
      } else {
        rev = std::to_string(rng() % 100000) + "." + std::to_string(10 + rng() % 90);
        profit = (rng() % 2 ? "-" : "") + std::to_string(rng() % 5000) + "." +
                 std::to_string(rng() % 10) + std::to_string(1 + rng() % 9);
      }
      ++k;
      total["revenue"] += Decimal::parse(rev)->micros();
      total["net_profit"] += Decimal::parse(profit)->micros();
      csv += code + ",示例企业" + code.substr(14) + "," + std::to_string(year) + "," + rev + "," +
             profit + "\n";
    }
  }
  const std::string in = temp_path("amounts.csv");
  std::ofstream(in, std::ios::binary) << csv;
  const Pool pool = load_clean(in);
  ASSERT_EQ(pool.size(), codes.size());
  const std::string path = temp_path("amounts.xlsx");
  ASSERT_TRUE(export_pool_xlsx(pool, path, {}).ok());

  auto book = XlsxReader::open(path);
  ASSERT_TRUE(book.ok());
  auto cur = (*book)->open_sheet(1);
  ASSERT_TRUE(cur.ok());
  XlsxRow row;
  ASSERT_TRUE(*(*cur)->next(row));
  std::map<uint32_t, std::string> column_of;
  for (const XlsxCell& c : row.cells) {
    if (c.text == "营业收入（万元）") column_of[c.column] = "revenue";
    if (c.text == "净利润（万元）") column_of[c.column] = "net_profit";
    EXPECT_NE(c.text, "备注");  // no amount needs text: no note column
  }
  ASSERT_EQ(column_of.size(), 2u);
  std::map<std::string, double> sum;  // what Excel's SUM adds
  size_t rows = 0, seen_fixed = 0;
  while (*(*cur)->next(row)) {
    ++rows;
    for (const XlsxCell& c : row.cells) {
      if (!column_of.contains(c.column)) continue;
      ASSERT_EQ(c.type, XlsxCellType::number) << "row " << row.number << ": " << c.text;
      const double v = std::strtod(c.text.c_str(), nullptr);
      sum[column_of[c.column]] += v;
      for (const std::string& f : fixed) {
        if (v == std::strtod(f.c_str(), nullptr)) ++seen_fixed;
      }
    }
  }
  EXPECT_EQ(rows, codes.size() * 6);
  EXPECT_GE(seen_fixed, fixed.size());
  for (const auto& [name, micros] : total) {
    EXPECT_EQ(std::llround(sum[name] * 1e6), micros) << name << ": " << sum[name];
  }

  // An amount of 16 significant digits stays exact as text, flagged in the note column.
  const std::string in2 = temp_path("long.csv");
  std::ofstream(in2, std::ios::binary) << "uscc,name,year,revenue,total_assets\n"
                                       << codes[0] << ",示例,2025,593.94,1234567890.123456\n";
  const Pool long_pool = load_clean(in2);
  const std::string path2 = temp_path("long.xlsx");
  ASSERT_TRUE(export_pool_xlsx(long_pool, path2, {}).ok());
  const V yearly = sheet_rows(path2, 1);
  ASSERT_EQ(yearly.size(), 2u);
  EXPECT_EQ(yearly[0].substr(yearly[0].rfind('|') + 1), kExportNoteHeaderZh);
  EXPECT_NE(yearly[1].find("|1234567890.123456|"), std::string::npos) << yearly[1];
  EXPECT_EQ(yearly[1].substr(yearly[1].rfind('|') + 1),
            "资产总额（万元） 以文本写出：超过 15 位有效数字，Excel 的数字会改变它");
  // The export with its note column imports again, to the same value (the note is gradus's own).
  IngestReport again;
  Result<Pool> back = load_pool_file(path2, again);
  ASSERT_TRUE(back.ok() && again.ok()) << (again.errors.empty() ? "" : format_input_error(again.errors[0], Lang::en));
  const FieldDef& assets = *find_field("total_assets");
  EXPECT_EQ(back->yearly(assets.id, 2025)->values[0], long_pool.yearly(assets.id, 2025)->values[0]);
}

// Issue 17, task 6: in Chinese every value of the detail sheets is a label (title states,
// incident kinds, award levels, honour and IP kinds, yes/no, tiers), in English an English one;
// the flat sheets carry labels where the importer reads them back, and still import.
TEST(Export, ValuesAreInTheUsersLanguage) {
  const Pool json = load_clean(sample("pool.json"));
  std::set<std::string> ids = {"true", "false"};
  for (auto list : {incident_kinds(), award_levels(), maker_china_lists(), honour_kinds(), ip_kinds(),
                    ip_high_value_kinds(), title_statuses()}) {
    for (const EnumValue& v : list) ids.insert(std::string(v.id));
  }
  for (const FieldDef& f : all_fields()) {
    for (const EnumValue& v : f.values) ids.insert(std::string(v.id));
  }
  std::set<std::string> tiers;
  for (uint32_t e = 0; e < json.size(); ++e) {
    for (const TitleRecord& t : json.titles().of(e)) tiers.insert(t.tier);
  }
  ASSERT_FALSE(tiers.empty());
  for (Lang lang : {Lang::zh, Lang::en}) {
    ExportOptions opt;
    opt.lang = lang;
    for (const std::string& t : tiers) {
      opt.tier_labels[t] = (lang == Lang::zh ? "称号名 " : "tier name ") + t;
      ids.insert(t);
    }
    const std::string path = temp_path(lang == Lang::zh ? "values-zh.xlsx" : "values-en.xlsx");
    ASSERT_TRUE(export_pool_xlsx(json, path, opt).ok());
    size_t cells = 0;
    for (size_t sheet = 2; sheet < 8; ++sheet) {  // the detail sheets
      const V rows = sheet_rows(path, sheet);
      for (size_t r = 1; r < rows.size(); ++r) {
        for (const std::string& cell : split_cells(rows[r])) {
          for (const std::string& part : ingest::split_list(cell)) {
            ++cells;
            // (English labels may equal their ids: "valid", "national".)
            if (lang == Lang::zh) {
              EXPECT_FALSE(ids.contains(part)) << "sheet " << sheet << " row " << r << ": " << part;
            }
          }
        }
      }
    }
    EXPECT_GT(cells, 50u);
    const V titles = sheet_rows(path, 2);
    ASSERT_GT(titles.size(), 1u);
    EXPECT_NE(titles[1].find(lang == Lang::zh ? "|称号名 " : "|tier name "), std::string::npos);
    if (lang == Lang::zh) {
      EXPECT_NE(titles[1].find("|有效"), std::string::npos) << titles[1];
      const V ip = sheet_rows(path, 7);
      ASSERT_GT(ip.size(), 1u);
      EXPECT_NE(ip[1].find("|是|"), std::string::npos) << ip[1];
      // The enterprise sheet: yes/no as 是/否 and an enumeration by its label.
      const V firms = sheet_rows(path, 0);
      EXPECT_NE(firms[1].find("|是|"), std::string::npos) << firms[1];
      EXPECT_NE(firms[1].find("|省部级|是|"), std::string::npos) << firms[1];
    }
    const Pool back = load_clean(path);
    EXPECT_EQ(back.size(), json.size());
  }
}

// Issue 17, task 4: a sheet that reaches the row limit continues on "name(2)"; the flat sheets'
// continuations import like the sheets they continue.
TEST(Export, SheetsSplitAtTheRowLimit) {
  const Pool csv = load_clean(sample("pool.csv"));
  ExportOptions opt;
  opt.max_rows_per_sheet = 10;  // the header and nine rows
  const std::string path = temp_path("split.xlsx");
  ASSERT_TRUE(export_pool_xlsx(csv, path, opt).ok());
  auto book = XlsxReader::open(path);
  ASSERT_TRUE(book.ok());
  V names;
  for (const XlsxSheetInfo& s : (*book)->sheets()) names.push_back(s.name);
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(V(names.begin(), names.begin() + 3), (V{"企业", "企业(2)", "企业(3)"}));
  size_t firms = 0, years = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const V rows = sheet_rows(path, i);
    ASSERT_LE(rows.size(), 10u) << names[i];
    EXPECT_EQ(rows[0], sheet_rows(path, names[i].starts_with("企业") ? 0 : i)[0]);
    if (names[i].starts_with("企业")) firms += rows.size() - 1;
    if (names[i].starts_with("年度数据")) years += rows.size() - 1;
  }
  EXPECT_EQ(firms, 24u);
  EXPECT_EQ(years, 72u);
  EXPECT_TRUE(std::find(names.begin(), names.end(), "年度数据(8)") != names.end());

  Table t;
  t.sheet = "潜力排名";
  t.headers = {"排名"};
  t.numeric = {true};
  for (int i = 1; i <= 5; ++i) t.rows.push_back({std::to_string(i)});
  t.max_rows_per_sheet = 3;
  const std::string table = temp_path("split-table.xlsx");
  ASSERT_TRUE(write_table_xlsx(table, t).ok());
  EXPECT_EQ(sheet_rows(table, 0), (V{"排名", "1", "2"}));
  EXPECT_EQ(sheet_rows(table, 1), (V{"排名", "3", "4"}));
  EXPECT_EQ(sheet_rows(table, 2), (V{"排名", "5"}));
}

// Issue 17, task 5: every CSV file starts with a BOM; fields are valid UTF-8 and quoted when
// needed.
TEST(Export, EveryCsvHasABom) {
  EXPECT_EQ(csv_field("示例"), "示例");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
  EXPECT_EQ(csv_field("\xE7\xBA"), "\\xE7\\xBA");
  const V cells = {"uscc", "营业收入（万元）", "x,y"};
  EXPECT_EQ(csv_record(cells), "uscc,营业收入（万元）,\"x,y\"\r\n");
  EXPECT_EQ(csv_record(cells, "\n"), "uscc,营业收入（万元）,\"x,y\"\n");
  std::ostringstream out;
  write_csv_bom(out);
  EXPECT_EQ(out.str(), "\xEF\xBB\xBF");

  const Pool csv = load_clean(sample("pool.csv"));
  ExportOptions opt;
  opt.extra.headers = {"结果"};
  const std::string dir = temp_path("bom");
  ASSERT_TRUE(export_pool_csv(csv, dir, opt).ok());
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
    const std::string bytes = read_file(entry.path().string());
    EXPECT_EQ(bytes.rfind("\xEF\xBB\xBF", 0), 0u) << entry.path();
    EXPECT_TRUE(valid_xml_text(bytes)) << entry.path();
  }
  EXPECT_EQ(files, 9u);
}

// Issue 17, defect 2: a value with Chinese characters in a number column, or raw bytes that are
// not UTF-8 (a character cut in half, a control character, a lone surrogate), goes through every
// report format as valid UTF-8 and well-formed XML.
TEST(Export, ReportsAreValidWhateverTheValues) {
  const V codes = sample_codes();
  const std::string in = temp_path("chinese-numbers.csv");
  std::ofstream(in, std::ios::binary) << "uscc,name,year,revenue,employees,rd_expense\n"
                                      << codes[0] << ",甲,2025,约5000万,八十,—\n"
                                      << codes[1] << ",乙,2025,无,100人,12\n";
  IngestReport report;
  ASSERT_TRUE(load_pool_file(in, report).ok());
  ASSERT_GE(report.errors.size(), 5u);
  InputError raw;
  raw.file = "bad\xFF.csv";
  raw.row = 3;
  raw.column = "营业收入\x01";
  raw.value = "\xE7\xBA";  // 约 cut in half
  raw.uscc = "\xED\xA0\x80";
  raw.reason = Text{"含有非数字字符 \"\xE7\xBA\"", "contains the non-digit \"\xE7\xBA\"\x0B"};
  report.errors.push_back(raw);
  report.warnings.push_back(raw);

  for (Lang lang : {Lang::zh, Lang::en}) {
    const std::string txt = temp_path("r.txt"), csv = temp_path("r.csv"), xlsx = temp_path("r.xlsx");
    ASSERT_TRUE(write_error_report(txt, ReportFormat::text, report, lang).ok());
    ASSERT_TRUE(write_error_report(csv, ReportFormat::csv, report, lang).ok());
    ASSERT_TRUE(write_error_report(xlsx, ReportFormat::xlsx, report, lang).ok());
    const std::string t = read_file(txt);
    EXPECT_TRUE(valid_xml_text(t)) << t;
    EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 1 + static_cast<long>(report.errors.size() + report.warnings.size()));
    EXPECT_NE(t.find("\\xE7\\xBA"), std::string::npos);
    const std::string c = read_file(csv);
    EXPECT_TRUE(valid_xml_text(c));
    EXPECT_NE(c.find("约5000万"), std::string::npos);
    EXPECT_NE(c.find("bad\\xFF.csv"), std::string::npos);
    EXPECT_TRUE(valid_xml_text(zip_member(xlsx, "xl/worksheets/sheet1.xml")));
    const V rows = sheet_rows(xlsx, 0);
    ASSERT_EQ(rows.size(), 1 + report.errors.size() + report.warnings.size());
    EXPECT_NE(rows[1].find("|约5000万|"), std::string::npos) << rows[1];
  }
}

// A random InputError field: bytes of every kind, biased to the troublesome ones.
std::string random_bytes(std::mt19937& rng) {
  static const V pieces = {"\x01", "\x0B", "\x1F", "\x7F", "\xFF", "\xFE", "\xC0\x80", "\xE7",
                           "\xE7\xBA", "\xBA", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xEF\xBF\xBE",
                           "约", "八十", "—", "<", "&", "\"", ",", "\n", "\r", "]]>",
                           std::string(1, '\0'), "a", "1"};
  std::string s;
  const int n = static_cast<int>(rng() % 16);
  for (int i = 0; i < n; ++i) {
    s += rng() % 3 == 0 ? std::string(1, static_cast<char>(rng() % 256)) : pieces[rng() % pieces.size()];
  }
  return s;
}

// Issue 17, defect 2 (fuzz): thousands of random byte strings in every field of a report; every
// format stays valid UTF-8 / well-formed XML, and the workbook reads back.
TEST(Export, FuzzedReportsStayValid) {
  std::mt19937 rng(1717);
  for (int round = 0; round < 20; ++round) {
    IngestReport report;
    for (int i = 0; i < 100; ++i) {
      InputError e;
      e.file = random_bytes(rng);
      e.sheet = random_bytes(rng);
      e.row = rng() % 5;
      e.firm = rng() % 7 == 0;
      e.column = random_bytes(rng);
      e.value = random_bytes(rng);
      e.uscc = random_bytes(rng);
      e.reason = Text{random_bytes(rng), random_bytes(rng)};
      (rng() % 2 ? report.errors : report.warnings).push_back(std::move(e));
    }
    const Lang lang = round % 2 ? Lang::en : Lang::zh;
    const std::string txt = temp_path("f.txt"), csv = temp_path("f.csv"), xlsx = temp_path("f.xlsx");
    ASSERT_TRUE(write_error_report(txt, ReportFormat::text, report, lang).ok());
    ASSERT_TRUE(write_error_report(csv, ReportFormat::csv, report, lang).ok());
    ASSERT_TRUE(write_error_report(xlsx, ReportFormat::xlsx, report, lang).ok());
    const std::string t = read_file(txt);
    EXPECT_TRUE(valid_xml_text(t)) << round;
    EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 101) << round;  // one line per problem
    EXPECT_EQ(t.find('\r'), std::string::npos) << round;
    EXPECT_TRUE(valid_xml_text(read_file(csv))) << round;
    EXPECT_TRUE(valid_xml_text(zip_member(xlsx, "xl/worksheets/sheet1.xml"))) << round;
    EXPECT_EQ(sheet_rows(xlsx, 0).size(), 101u) << round;  // the reader parses it
  }
}

}  // namespace
}  // namespace gradus
