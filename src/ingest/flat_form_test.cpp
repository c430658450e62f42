// Tests for the flat CSV form: headers (English, Chinese, units), value parsing, event columns,
// static conflicts, duplicate years, consistency checks, exact error messages and rejection.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/uscc.h"
#include "ingest/flat_form.h"
#include "ingest/test_util.h"

namespace gradus {
namespace {

using V = std::vector<std::string>;
using namespace gradus::testing;  // NOLINT

std::string A(kA), B(kB), C(kC);

TEST(FlatForm, ReadsEnglishHeaders) {
  Loaded l = load_csv(
      "uscc,name,region,industry,founded,niche_since,product_field,quality_system,rd_institution,"
      "year,revenue,main_revenue,net_profit,employees,rd_staff,ip_class1\n" +
      A +
      ",示例精密机械有限公司,320505,C3484,2012-05-08,2016,chain_key_link;core_basics,是,provincial,"
      "2024,8200.5,7900,-35.25,180,40,6\n" +
      A + ",,,,,,,,,2025,9100,8800,120,190,45,\n");
  ASSERT_TRUE(l.pool.ok());
  EXPECT_TRUE(l.report.ok()) << errors(l.report).front();
  const Pool& p = *l.pool;
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p.text(fid("name"), 0), "示例精密机械有限公司");
  EXPECT_EQ(raw(p, A, "region"), 320505);
  EXPECT_EQ(raw(p, A, "industry"), 3484);
  EXPECT_EQ(raw(p, A, "founded"), Date::from_ymd(2012, 5, 8).days());
  EXPECT_EQ(raw(p, A, "niche_since"), Date::from_ymd(2016, 1, 1).days());
  EXPECT_EQ(raw(p, A, "product_field"), (1 << 3) | (1 << 0));
  EXPECT_EQ(raw(p, A, "quality_system"), 1);
  EXPECT_EQ(raw(p, A, "rd_institution"), 3);
  EXPECT_EQ(raw(p, A, "ip_class1"), micros("6"));
  EXPECT_EQ(yearly(p, A, "revenue", 2024), micros("8200.5"));
  EXPECT_EQ(yearly(p, A, "net_profit", 2024), micros("-35.25"));
  EXPECT_EQ(yearly(p, A, "employees", 2025), micros("190"));
  EXPECT_EQ(p.first_year(), 2024);
  EXPECT_EQ(p.last_year(), 2025);
  EXPECT_EQ(l.report.rows_read, 2u);
  EXPECT_EQ(l.report.enterprises_loaded, 1u);
}

TEST(FlatForm, ChineseHeadersAndYuanConvertedExactly) {
  Loaded l = load_csv(
      "统一社会信用代码,企业名称,年度,营业收入（元）,研发费用(元),主营业务收入（万元）,"
      "从业人员（人）,"
      "主导产品收入占比（%）,国内细分市场占有率\n" +
      A + ",示例（苏州）精密机械有限公司,2025,12345678,\"1,234,567.89\",1000.5,120,65.5%,12.5\n");
  ASSERT_TRUE(l.pool.ok());
  ASSERT_TRUE(l.report.ok()) << errors(l.report).front();
  const Pool& p = *l.pool;
  EXPECT_EQ(yearly(p, A, "revenue", 2025), micros("1234.5678"));      // 12345678 元
  EXPECT_EQ(yearly(p, A, "rd_expense", 2025), micros("123.456789"));  // 1,234,567.89 元
  EXPECT_EQ(yearly(p, A, "main_revenue", 2025), micros("1000.5"));
  EXPECT_EQ(yearly(p, A, "employees", 2025), micros("120"));
  EXPECT_EQ(raw(p, A, "leading_product_share"), micros("65.5"));
  EXPECT_EQ(raw(p, A, "market_share_domestic"), micros("12.5"));
  EXPECT_EQ(p.text(fid("name"), 0), "示例(苏州)精密机械有限公司");
}

TEST(FlatForm, FullWidthAndThousandsSeparators) {
  Loaded l = load_csv("uscc,year,revenue,employees,digital_level\n" + A +
                      ",２０２５,\"１２，３００．５\",１２０, ３ \n");
  ASSERT_TRUE(l.report.ok()) << errors(l.report).front();
  EXPECT_EQ(yearly(*l.pool, A, "revenue", 2025), micros("12300.5"));
  EXPECT_EQ(yearly(*l.pool, A, "employees", 2025), micros("120"));
  EXPECT_EQ(raw(*l.pool, A, "digital_level"), micros("3"));
}

TEST(FlatForm, BomCrlfAndQuotedNewlines) {
  Loaded l =
      load_csv("\xEF\xBB\xBFuscc,name,year,revenue\r\n" + A +
               ",\"示例\r\n\"\"多行\"\"公司\",2025,\"12,300\"\r\n" + B + ",示例二,2025,12O\r\n");
  ASSERT_TRUE(l.pool.ok());
  EXPECT_EQ(l.pool->text(fid("name"), 0), "示例\n\"多行\"公司");
  EXPECT_EQ(yearly(*l.pool, A, "revenue", 2025), micros("12300"));
  // The second record starts on text line 4 but is spreadsheet row 3.
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 3, column revenue: \"12O\" is not a number: it contains "
               "the character \"O\""}));
}

TEST(FlatForm, NotANumberMessageInBothLanguages) {
  Loaded l = load_csv("uscc,year,revenue\n" + A + ",2025,\"12,3O0\"\n");
  EXPECT_EQ(errors(l.report), (V{"firms.csv: row 2, column revenue: \"12,3O0\" is not a number: a "
                                 "misplaced thousands separator"}));
  EXPECT_EQ(errors(l.report, Lang::zh),
            (V{"firms.csv：第 2 行，列 revenue：\"12,3O0\" 不是数字：千位分隔符位置不对"}));
  ASSERT_EQ(l.report.errors.size(), 1u);
  const InputError& e = l.report.errors[0];
  EXPECT_EQ(e.file, "firms.csv");
  EXPECT_EQ(e.row, 2u);
  EXPECT_EQ(e.column, "revenue");
  EXPECT_EQ(e.value, "12,3O0");
  EXPECT_EQ(e.uscc, A);
  EXPECT_EQ(l.pool->size(), 0u);
  EXPECT_EQ(l.report.enterprises_rejected, 1u);
}

TEST(FlatForm, UsccCheckFailureSaysWhichCheck) {
  const std::string bad = A.substr(0, 17) + "X";
  Loaded l = load_csv("uscc,year,revenue\n" + bad + ",2025,100\n" + B + ",2025,200\n");
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_EQ(format_input_error(l.report.errors[0], Lang::en),
            "firms.csv: row 2, column uscc: \"" + bad +
                "\" is not a valid unified social credit code: the check digit (18th "
                "character, GB 32100) should be 'Y', it is 'X'");
  EXPECT_EQ(l.report.errors[0].uscc, bad);
  EXPECT_EQ(l.pool->size(), 1u);
  EXPECT_TRUE(l.pool->find(B).has_value());
  EXPECT_EQ(l.report.enterprises_loaded, 1u);
  EXPECT_EQ(l.report.enterprises_rejected, 1u);
}

TEST(FlatForm, MissingUsccIsReportedNotSkipped) {
  Loaded l = load_csv("uscc,year,revenue\n,2025,100\n");
  EXPECT_EQ(errors(l.report), (V{"firms.csv: row 2, column uscc: the unified social credit code is "
                                 "missing: the row belongs to no enterprise and is not loaded"}));
  EXPECT_EQ(l.report.rows_read, 1u);
}

TEST(FlatForm, NoUsccColumn) {
  Loaded l = load_csv("name,year\n示例,2025\n");
  ASSERT_TRUE(l.pool.ok());
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 1, column uscc: there is no uscc (统一社会信用代码) "
               "column, so no row can be read"}));
}

TEST(FlatForm, UnknownHeaderIsAFileErrorAndTheRestLoads) {
  // Every row is still checked (and loaded into the pool), but the report is not ok: an import
  // takes nothing from the file.
  Loaded l = load_csv("uscc,year,营业利润,revenue\n" + A + ",2025,50,100\n");
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 1: unknown column: 营业利润 (not a field of the data contract, see "
               "docs/data-format.md). Remove or rename it; if it is only the office's own (序号, "
               "备注 …), read the file again with --ignore-unknown-columns to leave it out"}));
  EXPECT_TRUE(l.report.errors[0].uscc.empty());
  EXPECT_FALSE(l.report.ok());
  EXPECT_EQ(yearly(*l.pool, A, "revenue", 2025), micros("100"));
  EXPECT_EQ(l.report.enterprises_loaded, 1u);
}

TEST(FlatForm, UnknownUnitIsRejectedNotMisread) {
  Loaded l = load_csv("uscc,year,营业收入（千元）\n" + A + ",2025,5000\n");
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 1, column 营业收入（千元）: the unit \"千元\" is not "
               "understood: a money column is in 万元 or 元; the column is ignored"}));
  EXPECT_EQ(yearly(*l.pool, A, "revenue", 2025), INT64_MIN);
}

TEST(FlatForm, RepeatedColumn) {
  Loaded l = load_csv("uscc,year,revenue,营业收入（元）\n" + A + ",2025,1,10000\n");
  EXPECT_EQ(errors(l.report), (V{"firms.csv: row 1, column 营业收入（元）: repeats the column "
                                 "\"revenue\"; the column is ignored"}));
}

TEST(FlatForm, DuplicateYearRow) {
  Loaded l =
      load_csv("uscc,year,revenue\n" + A + ",2025,100\n" + B + ",2025,1\n" + A + ",2025,200\n");
  EXPECT_EQ(errors(l.report), (V{"firms.csv: row 4, column year: \"2025\" is a duplicate: the same "
                                 "enterprise already has a row for 2025 (row 2)"}));
  EXPECT_FALSE(l.pool->find(A).has_value());
  EXPECT_TRUE(l.pool->find(B).has_value());
}

TEST(FlatForm, StaticConflictNamesBothRows) {
  Loaded l = load_csv("uscc,founded,name,year\n" + A + ",2015-03-01,示例甲,2024\n" + A +
                      ",,,2025\n" + A + ",2016-01-01,示例乙,2023\n");
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 4, column founded: \"2016-01-01\" disagrees with row 2 "
               "(\"2015-03-01\"): a static fact has one value per enterprise",
               "firms.csv: row 4, column name: \"示例乙\" disagrees with row 2: a static "
               "fact has one value per enterprise"}));
  EXPECT_EQ(l.pool->size(), 0u);
}

TEST(FlatForm, EqualStaticValuesOnSeveralRowsAreFine) {
  // The same value written differently (元 vs 万元 is not a static; a date in two spellings is).
  Loaded l = load_csv("uscc,founded,region,year\n" + A + ",2015-03-01,320505,2024\n" + A +
                      ",2015/3/1,３２０５０５,2025\n");
  EXPECT_TRUE(l.report.ok()) << errors(l.report).front();
}

TEST(FlatForm, PartsNeverExceedWholes) {
  Loaded l = load_csv(
      "uscc,year,revenue,main_revenue,high_tech_revenue,rd_expense,rd_expense_domestic,employees,"
      "rd_staff,tech_staff\n" +
      A + ",2025,5000,5200,5001,300,301,100,101,102\n" + B +
      ",2025,5000,5000,5000,300,300,100,100,100\n");
  EXPECT_EQ(
      errors(l.report),
      (V{"firms.csv: row 2, column main_revenue: \"5200\" is greater than operating revenue "
         "(revenue \"5000\")",
         "firms.csv: row 2, column high_tech_revenue: \"5001\" is greater than operating revenue "
         "(revenue \"5000\")",
         "firms.csv: row 2, column rd_expense_domestic: \"301\" is greater than R&D expense "
         "(rd_expense \"300\")",
         "firms.csv: row 2, column rd_staff: \"101\" is greater than employees (employees \"100\")",
         "firms.csv: row 2, column tech_staff: \"102\" is greater than employees (employees "
         "\"100\")"}));
  EXPECT_FALSE(l.pool->find(A).has_value());
  EXPECT_TRUE(l.pool->find(B).has_value());
}

TEST(FlatForm, PairCheckComparesConvertedValues) {
  // 主营业务收入 in 元 against 营业收入 in 万元: 50,000,000 元 = 5000 万元, not more.
  Loaded l = load_csv("uscc,year,营业收入,主营业务收入（元）\n" + A + ",2025,5000,50000000\n" + B +
                      ",2025,5000,50000001\n");
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 3, column 主营业务收入（元）: \"50000001\" is greater "
               "than operating revenue (营业收入 \"5000\")"}));
}

TEST(FlatForm, RangeChecks) {
  Loaded l = load_csv(
      "uscc,year,revenue,net_profit,total_liabilities,employees,leading_product_share,"
      "digital_level,market_rank_domestic\n" +
      A + ",2025,-1,-50,-2,-3,100.5,5,0\n" + B + ",2025,0,-50,0,0,100,4,1\n");
  EXPECT_EQ(
      errors(l.report),
      (V{"firms.csv: row 2, column revenue: \"-1\" is negative: operating revenue cannot be "
         "negative",
         "firms.csv: row 2, column total_liabilities: \"-2\" is negative: total liabilities "
         "cannot be negative",
         "firms.csv: row 2, column employees: \"-3\" is negative: employees cannot be negative",
         "firms.csv: row 2, column leading_product_share: \"100.5\" is out of range: a ratio is "
         "a percentage from 0 to 100",
         "firms.csv: row 2, column digital_level: \"5\" is out of range: the digitalisation "
         "level is 1 to 4",
         "firms.csv: row 2, column market_rank_domestic: \"0\" is out of range: a rank starts "
         "at 1"}));
  EXPECT_EQ(yearly(*l.pool, B, "net_profit", 2025), micros("-50"));
}

TEST(FlatForm, CountsAreWholeNumbers) {
  Loaded l = load_csv("uscc,year,employees\n" + A + ",2025,12.5\n");
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 2, column employees: \"12.5\" is not a whole number"}));
}

TEST(FlatForm, NicheBeforeFoundedIsAWarning) {
  Loaded l = load_csv("uscc,founded,niche_since\n" + A + ",2015-03-01,2014\n");
  EXPECT_TRUE(l.report.ok());
  EXPECT_EQ(warnings(l.report),
            (V{"firms.csv: row 2, column niche_since: \"2014\" is before the date "
               "founded (founded \"2015-03-01\"): please check"}));
  EXPECT_EQ(l.report.enterprises_loaded, 1u);
}

TEST(FlatForm, RetiredRegionIsMappedWithAWarning) {
  Loaded l = load_csv("uscc,region\n" + A + ",320502\n");
  EXPECT_TRUE(l.report.ok()) << errors(l.report).front();
  EXPECT_EQ(warnings(l.report),
            (V{"firms.csv: row 2, column region: \"320502\" is a retired division "
               "code, mapped to its successor 320508 (姑苏区)"}));
  EXPECT_EQ(raw(*l.pool, A, "region"), 320508);
}

TEST(FlatForm, RegionAndIndustryErrors) {
  Loaded l = load_csv("uscc,region,industry\n" + A + ",123456,C6513\n");
  const std::vector<std::string> e = errors(l.report);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0],
            "firms.csv: row 2, column region: \"123456\" is not valid: region code 123456 is "
            "neither in the 2024 list of administrative divisions nor a retired code (GB/T 2260)");
  EXPECT_EQ(e[1],
            "firms.csv: row 2, column industry: \"C6513\" has the wrong section letter: class 6513 "
            "(应用软件开发) is in section I 信息传输、软件和信息技术服务业, not C");
}

TEST(FlatForm, DevelopmentZoneCodeIsKeptWithAWarning) {
  Loaded l = load_csv("uscc,region,park\n" + A + ",320571,苏州工业园区\n");
  EXPECT_TRUE(l.report.ok()) << errors(l.report).front();
  EXPECT_EQ(warnings(l.report),
            (V{"firms.csv: row 2, column region: \"320571\" is a development zone's statistical "
               "code (NBS), not a GB/T 2260 administrative division; it is kept as given"}));
  EXPECT_EQ(raw(*l.pool, A, "region"), 320571);
}

TEST(FlatForm, BooleansAndLists) {
  Loaded l =
      load_csv("uscc,quality_system,own_brand,listed,it_core_business,product_field\n" + A +
               ",是,0,FALSE,1,chain_key_link；fills_gap\n" + B + ",也许,,,,core_basics;magic\n");
  EXPECT_EQ(raw(*l.pool, A, "quality_system"), 1);
  EXPECT_EQ(raw(*l.pool, A, "own_brand"), 0);
  EXPECT_EQ(raw(*l.pool, A, "listed"), 0);
  EXPECT_EQ(raw(*l.pool, A, "it_core_business"), 1);
  EXPECT_EQ(raw(*l.pool, A, "product_field"), (1 << 3) | (1 << 4));
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 3, column quality_system: \"也许\" is not a yes/no value "
               "(write true/false, 1/0 or 是/否)",
               "firms.csv: row 3, column product_field: \"core_basics;magic\" contains "
               "\"magic\", which is not a known field of the leading product (use one "
               "of: core basic manufacturing fields (core_basics), ten key Made-in-China sectors "
               "(made_in_china_key), cyber-power fields (cyber_power), key link of an industrial "
               "chain (chain_key_link), fills a gap / strengthens a link (fills_gap), China "
               "time-honoured brand (time_honored_brand), supplies a chain-leading firm "
               "(serves_chain_leader), future / emerging industry (future_industry))"}));
}

TEST(FlatForm, EventColumns) {
  Loaded l = load_csv(
      "uscc,year,high_tech_enterprise_valid_to,award_level,award_rank,award_date,maker_china,"
      "titles,incidents\n" +
      A +
      ",2024,2026-11-30,provincial,2,2024-05-20,national_top50:2023,innovative-sme:2024-06-30,\n" +
      A +
      ",2025,2026-11-30,,,,,\"innovative-sme:2024-06-30;专精特新中小企业:2025-03-01\","
      "abnormal_operations:2025-02-01:2025-04-01\n");
  ASSERT_TRUE(l.report.ok()) << errors(l.report).front();
  const Pool& p = *l.pool;
  ASSERT_EQ(p.honours().of(0).size(), 1u);  // repeated on both rows, kept once
  const HonourRecord& h = p.honours().of(0)[0];
  EXPECT_EQ(honour_kinds()[h.kind].id, "high_tech_enterprise");
  EXPECT_EQ(h.valid_to, Date::from_ymd(2026, 11, 30));
  EXPECT_EQ(h.valid_from, Date::from_ymd(2023, 11, 30));
  ASSERT_EQ(p.awards().of(0).size(), 1u);
  EXPECT_EQ(award_levels()[p.awards().of(0)[0].level].id, "provincial");
  EXPECT_EQ(p.awards().of(0)[0].rank, 2);
  EXPECT_EQ(p.awards().of(0)[0].date, Date::from_ymd(2024, 5, 20));
  ASSERT_EQ(p.maker_china().of(0).size(), 1u);
  EXPECT_EQ(maker_china_lists()[p.maker_china().of(0)[0].list].id, "national_top50");
  EXPECT_EQ(p.maker_china().of(0)[0].year, 2023);
  ASSERT_EQ(p.titles().of(0).size(), 2u);
  EXPECT_EQ(p.titles().of(0)[0].tier, "innovative-sme");
  EXPECT_EQ(p.titles().of(0)[1].tier, "srdi-sme");
  EXPECT_EQ(p.titles().of(0)[1].since, Date::from_ymd(2025, 3, 1));
  EXPECT_FALSE(p.titles().of(0)[1].valid_to.has_value());
  EXPECT_EQ(title_statuses()[p.titles().of(0)[1].status].id, "valid");
  ASSERT_EQ(p.incidents().of(0).size(), 1u);
  EXPECT_EQ(incident_kinds()[p.incidents().of(0)[0].kind].id, "abnormal_operations");
  EXPECT_EQ(p.incidents().of(0)[0].until, Date::from_ymd(2025, 4, 1));
}

TEST(FlatForm, EventColumnErrors) {
  Loaded l = load_csv("uscc,award_rank,award_date,maker_china,titles,incidents\n" + A +
                      ",1,2024-05-20,top50:2023,srdi-sme,fraud:2024-01-01\n");
  EXPECT_EQ(
      errors(l.report),
      (V{"firms.csv: row 2, column maker_china: \"top50:2023\" has \"top50\", which is not a "
         "known 创客中国 list (use one of: national top-500 enterprise group (national_top500), "
         "national top-50 enterprise group (national_top50))",
         "firms.csv: row 2, column titles: \"srdi-sme\" is not TIER:SINCE (e.g. "
         "srdi-sme:2025-03-01)",
         "firms.csv: row 2, column incidents: \"fraud:2024-01-01\" has \"fraud\", which is not a "
         "known incident kind (use one of: major production-safety accident (safety_major), major "
         "cyber or data-security incident (cyber_data_security), major environmental violation "
         "(environment), serious quality problem (quality), tax evasion (tax_evasion), data "
         "falsification (data_fraud), on the serious-dishonesty list (serious_dishonesty), on "
         "the abnormal-operations list (abnormal_operations), serious research misconduct "
         "(research_misconduct), serious breach of industry regulations (industry_violation))",
         "firms.csv: row 2, column award_rank: \"1\" gives an award without its level "
         "(award_level)"}));
}

TEST(FlatForm, MoreValueErrors) {
  Loaded l = load_csv(
      "uscc,rd_institution,award_level,award_rank,high_tech_enterprise_valid_to,incidents,\n" + A +
      ",regional,国家级,第一,2026-02-30,quality:2025-03-01:2025-01-01,x\n");
  EXPECT_EQ(
      errors(l.report),
      (V{"firms.csv: row 2, column rd_institution: \"regional\" is not a known level of R&D "
         "institution (use one of: none, own or joint (below municipal) (enterprise), municipal, "
         "provincial / ministerial (provincial), national)",
         "firms.csv: row 2, column high_tech_enterprise_valid_to: \"2026-02-30\" is not a date: "
         "that day does not exist in that month",
         "firms.csv: row 2, column incidents: \"quality:2025-03-01:2025-01-01\" ends before it "
         "starts",
         "firms.csv: row 2, column #7: \"x\" is in a column without a header",
         "firms.csv: row 2, column award_level: \"国家级\" gives an award without its date "
         "(award_date)",
         "firms.csv: row 2, column award_rank: \"第一\" is not a rank (a whole number from 1)"}));
}

TEST(FlatForm, CellCountMustMatchTheHeader) {
  Loaded l = load_csv("uscc,year,revenue\n" + A + ",2025,12,300\n");
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 2: the row has 4 cells but the header has 3 (a value "
               "containing a comma must be quoted, e.g. \"12,300\")"}));
  EXPECT_EQ(l.pool->size(), 0u);
}

TEST(FlatForm, YearlyFactsNeedAYear) {
  Loaded l = load_csv("uscc,year,revenue,employees\n" + A + ",,100,5\n");
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 2, column year: the year is missing, but the row has "
               "yearly facts (e.g. revenue)"}));
  Loaded bad_year = load_csv("uscc,year,revenue\n" + A + ",25,100\n");
  EXPECT_EQ(errors(bad_year.report),
            (V{"firms.csv: row 2, column year: \"25\" is not a fiscal year (four "
               "digits, e.g. 2025)"}));
}

TEST(FlatForm, AnErrorRejectsTheWholeEnterprise) {
  Loaded l = load_csv("uscc,name,year,revenue\n" + A + ",示例甲,2023,100\n" + B +
                      ",示例乙,2023,100\n" + A + ",,2024,abc\n" + A + ",,2025,300\n");
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_EQ(l.report.rows_read, 4u);
  EXPECT_EQ(l.report.enterprises_loaded, 1u);
  EXPECT_EQ(l.report.enterprises_rejected, 1u);
  ASSERT_EQ(l.pool->size(), 1u);
  EXPECT_EQ(l.pool->uscc(0), B);
  EXPECT_EQ(yearly(*l.pool, B, "revenue", 2023), micros("100"));
}

TEST(FlatForm, EnterpriseLevelCountPairs) {
  Loaded l = load_csv("uscc,ip_class1,ip_class1_self\n" + A + ",3,4\n");
  EXPECT_EQ(errors(l.report),
            (V{"firms.csv: row 2, column ip_class1_self: \"4\" is greater than Class I "
               "IP (ip_class1 \"3\")"}));
}

TEST(FlatForm, UnterminatedQuote) {
  Loaded l = load_csv("uscc,name,year\n" + A + ",\"示例,2025\n" + B + ",示例乙,2025\n");
  const std::vector<std::string> e = errors(l.report);
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0],
            "firms.csv: row 2: a quoted cell starting on this row is never closed; the rest of the "
            "file was read into it");
}

TEST(FlatForm, WholeFileFailures) {
  IngestReport report;
  // GBK text is read (converted); text in neither encoding is refused.
  Result<Pool> gbk =
      load_pool_text("uscc,name\n9132,\xCA\xBE\xC0\xFD\n", InputFormat::csv, "gbk.csv", report);
  ASSERT_TRUE(gbk.ok());
  EXPECT_EQ(report.encoding, "GB18030");
  EXPECT_EQ(report.errors[0].value, "9132");
  report = IngestReport{};
  Result<Pool> binary =
      load_pool_text("uscc,name\n9132,\xCA\xBE\xFF\n", InputFormat::csv, "bin.csv", report);
  ASSERT_FALSE(binary.ok());
  EXPECT_EQ(binary.error().message.en,
            "bin.csv: the file is neither UTF-8 text (line 2) nor GB18030/GBK text (line 2): save "
            "it from Excel as \"CSV UTF-8\"");
  Result<Pool> empty = load_pool_text("\n\n", InputFormat::csv, "empty.csv", report);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message.en, "empty.csv: the file has no header row (is it empty?)");
  Result<Pool> missing = load_pool_file("/nonexistent/firms.csv", report);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, StatusCode::io_error);
}

TEST(FlatForm, ChineseEventHeadersAndUnits) {
  Loaded l = load_csv(
      "统一社会信用代码,年度,称号,高新技术企业证书有效期至,研发人员（人）,估值（亿美元）\n" + A +
      ",2025年,创新型中小企业:2024-06-30,2027-12-01,12,10.5\n");
  ASSERT_TRUE(l.report.ok()) << errors(l.report).front();
  EXPECT_EQ(l.pool->titles().of(0)[0].tier, "innovative-sme");
  EXPECT_EQ(yearly(*l.pool, A, "rd_staff", 2025), micros("12"));
  EXPECT_EQ(raw(*l.pool, A, "valuation_usd"), micros("10.5"));
}

// Everything a pool says about one enterprise, for comparing pools.
std::string describe_enterprise(const Pool& p, uint32_t e) {
  std::string out = p.uscc(e);
  for (const char* f : {"founded", "employees"}) {
    const Column& c = p.column(fid(f));
    out += std::string(" ") + f + "=" + (c.present.empty() || !c.present[e] ? "-" : std::to_string(c.values[e]));
  }
  for (int y = p.first_year(); y <= p.last_year(); ++y) {
    const Column* c = p.yearly(fid("revenue"), y);
    out += " " + std::to_string(y) + ":" + (c && c->present[e] ? std::to_string(c->values[e]) : "-");
  }
  return out;
}

// Reading a file in pieces sizes the pool from its first rows and the file's size
// (PoolBuilder::expect); whatever the size given — right, far too small, far too large, unknown —
// the pool and the report are those of reading the text whole.
TEST(FlatForm, StreamedReadWithASizeHintGivesTheSamePool) {
  std::string text = "uscc,year,founded,revenue,employees\n";
  for (int i = 0; i < 1800; ++i) {
    char body[9];
    std::snprintf(body, sizeof body, "%08d", 10000000 + i * 7);
    const std::string org = std::string(body) + Uscc::org_check_char(body);
    const std::string first17 = "91110108" + org;
    const std::string code = first17 + Uscc::uscc_check_char(first17);
    for (int year = 2023; year <= 2025; ++year) {
      // Enterprise 333 gives a second founding date in 2025: an error that rejects it.
      const std::string founded = i == 333 && year == 2025 ? "2016-01-01" : "2015-06-01";
      text += code + "," + std::to_string(year) + "," + founded + "," + std::to_string(1000 + i + year) +
              "," + std::to_string(10 + i % 90) + "\n";
    }
  }
  IngestReport whole_report;
  PoolBuilder whole_builder;
  ASSERT_TRUE(ingest::load_csv_text(text, "firms.csv", whole_builder, whole_report).ok());
  const Pool whole = std::move(whole_builder).finish();
  ASSERT_EQ(whole.size(), 1799u);
  ASSERT_EQ(whole_report.errors.size(), 1u);

  for (uint64_t hint : {uint64_t{text.size()}, uint64_t{10}, uint64_t{text.size() * 100}, uint64_t{0}}) {
    size_t at = 0;
    auto read = [&](char* dest, size_t n) -> std::optional<size_t> {
      const size_t k = std::min(n, text.size() - at);
      std::memcpy(dest, text.data() + at, k);
      at += k;
      return k;
    };
    IngestReport report;
    PoolBuilder builder;
    bool failed = false;
    ASSERT_TRUE(ingest::load_csv_stream(read, "firms.csv", builder, report, &failed, 4096, hint).ok());
    const Pool streamed = std::move(builder).finish();
    ASSERT_EQ(streamed.size(), whole.size()) << "hint " << hint;
    for (uint32_t e = 0; e < whole.size(); ++e) {
      ASSERT_EQ(describe_enterprise(streamed, e), describe_enterprise(whole, e)) << "hint " << hint;
    }
    EXPECT_EQ(errors(report), errors(whole_report));
    EXPECT_EQ(report.rows_read, whole_report.rows_read);
  }
}

TEST(FormatInputError, Shapes) {
  InputError e;
  e.file = "pool.json";
  e.row = 3;
  e.firm = true;
  e.column = "years.2025.revenue";
  e.value = "abc";
  e.reason = Text{"不是数字", "is not a number"};
  EXPECT_EQ(format_input_error(e, Lang::en),
            "pool.json: firm 3, years.2025.revenue: \"abc\" is not a number");
  EXPECT_EQ(format_input_error(e, Lang::zh),
            "pool.json：第 3 家企业，years.2025.revenue：\"abc\" 不是数字");
  e.firm = false;
  e.row = 0;
  e.value.clear();
  e.column.clear();
  e.reason = Text{"文件为空", "the file is empty"};
  EXPECT_EQ(format_input_error(e, Lang::en), "pool.json: the file is empty");
}

}  // namespace
}  // namespace gradus
