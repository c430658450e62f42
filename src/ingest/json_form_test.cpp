// Tests for the JSON forms: the enterprise form (static facts, years, counts, event lists),
// exact numbers, path-named errors, duplicates, and JSON flat rows with CSV semantics.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/date.h"
#include "ingest/test_util.h"

namespace gradus {
namespace {

using V = std::vector<std::string>;
using namespace gradus::testing;  // NOLINT

const std::string A(kA), B(kB), C(kC);

TEST(JsonForm, ReadsAFullFirm) {
  Loaded l = load_json(
      R"([{
    "uscc": ")" +
      A + R"(", "name": "示例光电科技（苏州）有限公司", "region": "320505", "park": "示例高新区",
    "industry": "C3976", "founded": "2011-04-18", "niche_since": 2014,
    "product_field": ["chain_key_link", "core_basics"], "rd_institution": "provincial",
    "quality_system": true, "own_brand": "是", "digital_level": 3, "standards_led": 2,
    "ip_class1": 9, "ip_class1_self": 7, "local_features": "first_set_product",
    "years": {
      "2024": {"revenue": 8200.5, "main_revenue": "7,950", "net_profit": -12.3, "employees": 210},
      "2025": {"revenue": 9650, "rd_expense": 612.35, "quality_score": 72.5, "rd_staff": null}
    },
    "ip_items": [{"kind": "invention_patent", "number": "ZL201910000001.X", "granted": "2020-06-02",
                  "self_developed": true, "leading_product": true, "applied": true,
                  "rank_among_holders": 1, "high_value": ["overseas_family"]}],
    "awards": [{"level": "provincial", "rank": 2, "date": "2023-12-20", "name": "示例省科学技术进步奖"}],
    "maker_china": [{"list": "national_top500", "year": 2024}],
    "honours": [{"kind": "high_tech_enterprise", "valid_from": "2023-11-06", "valid_to": "2026-11-05"}],
    "titles": [{"tier": "srdi-sme", "since": "2024-03-01", "valid_to": "2027-02-28", "batch": "2024",
                "level": "provincial", "status": "valid"}],
    "incidents": [{"kind": "tax_evasion", "date": "2021-05-01", "until": null}]
  }])");
  ASSERT_TRUE(l.pool.ok()) << l.pool.error().message.en;
  ASSERT_TRUE(l.report.ok()) << errors(l.report).front();
  const Pool& p = *l.pool;
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p.text(fid("name"), 0), "示例光电科技(苏州)有限公司");
  EXPECT_EQ(p.text(fid("park"), 0), "示例高新区");
  EXPECT_EQ(raw(p, A, "industry"), 3976);
  EXPECT_EQ(raw(p, A, "niche_since"), Date::from_ymd(2014, 1, 1).days());
  EXPECT_EQ(raw(p, A, "product_field"), (1 << 3) | (1 << 0));
  EXPECT_EQ(raw(p, A, "own_brand"), 1);
  EXPECT_EQ(raw(p, A, "ip_class1_self"), micros("7"));
  EXPECT_EQ(raw(p, A, "local_features"), 1 << 3);
  EXPECT_EQ(yearly(p, A, "revenue", 2024), micros("8200.5"));
  EXPECT_EQ(yearly(p, A, "main_revenue", 2024), micros("7950"));
  EXPECT_EQ(yearly(p, A, "net_profit", 2024), micros("-12.3"));
  EXPECT_EQ(yearly(p, A, "rd_expense", 2025), micros("612.35"));
  EXPECT_EQ(yearly(p, A, "quality_score", 2025), micros("72.5"));
  EXPECT_EQ(yearly(p, A, "rd_staff", 2025), INT64_MIN);  // null = missing
  ASSERT_EQ(p.ip_items().of(0).size(), 1u);
  const IpItem& ip = p.ip_items().of(0)[0];
  EXPECT_EQ(ip_kinds()[ip.kind].id, "invention_patent");
  EXPECT_EQ(ip.number, "ZL201910000001.X");
  EXPECT_EQ(ip.granted, Date::from_ymd(2020, 6, 2));
  EXPECT_FALSE(ip.acquired.has_value());
  EXPECT_EQ(ip.self_developed, true);
  EXPECT_EQ(ip.rank_among_holders, 1);
  EXPECT_EQ(ip.high_value, 1u);
  ASSERT_EQ(p.awards().of(0).size(), 1u);
  EXPECT_EQ(p.awards().of(0)[0].name, "示例省科学技术进步奖");
  ASSERT_EQ(p.maker_china().of(0).size(), 1u);
  EXPECT_EQ(p.maker_china().of(0)[0].year, 2024);
  ASSERT_EQ(p.honours().of(0).size(), 1u);
  EXPECT_EQ(p.honours().of(0)[0].valid_from, Date::from_ymd(2023, 11, 6));
  ASSERT_EQ(p.titles().of(0).size(), 1u);
  EXPECT_EQ(p.titles().of(0)[0].valid_to, Date::from_ymd(2027, 2, 28));
  EXPECT_EQ(p.titles().of(0)[0].batch, "2024");
  EXPECT_EQ(p.titles().of(0)[0].level, "provincial");
  ASSERT_EQ(p.incidents().of(0).size(), 1u);
  EXPECT_FALSE(p.incidents().of(0)[0].until.has_value());
}

TEST(JsonForm, NumbersAreExact) {
  Loaded l = load_json(R"({"enterprises": [{"uscc": ")" + A + R"(", "years": {"2025": {
      "revenue": 0.1, "main_revenue": 0.07, "rd_expense": 1.5e-2, "total_assets": 1E3,
      "total_liabilities": 123456789.123456, "employees": 3e2}}}]})");
  ASSERT_TRUE(l.report.ok()) << errors(l.report).front();
  EXPECT_EQ(yearly(*l.pool, A, "revenue", 2025), 100000);
  EXPECT_EQ(yearly(*l.pool, A, "main_revenue", 2025), 70000);
  EXPECT_EQ(yearly(*l.pool, A, "rd_expense", 2025), 15000);
  EXPECT_EQ(yearly(*l.pool, A, "total_assets", 2025), 1000'000000);
  EXPECT_EQ(yearly(*l.pool, A, "total_liabilities", 2025), 123456789'123456);
  EXPECT_EQ(yearly(*l.pool, A, "employees", 2025), 300'000000);
}

TEST(JsonForm, TooPreciseNumbersAreErrorsNotRounded) {
  Loaded l = load_json(R"([{"uscc": ")" + A + R"(", "years": {"2025": {"revenue": 0.1234567}}}])");
  EXPECT_EQ(errors(l.report),
            (V{"pool.json: firm 1, years.2025.revenue: \"0.1234567\" is not a number: more than 6 "
               "decimal places"}));
}

TEST(JsonForm, NotANumber) {
  Loaded l = load_json(R"([{"uscc": ")" + A + R"("}, {"uscc": ")" + B + R"("},
      {"uscc": ")" + C +
                       R"(", "years": {"2025": {"revenue": "abc"}}}])");
  EXPECT_EQ(errors(l.report), (V{"pool.json: firm 3, years.2025.revenue: \"abc\" is not a number: "
                                 "it contains the character \"a\""}));
  EXPECT_EQ(
      errors(l.report, Lang::zh),
      (V{"pool.json：第 3 家企业，years.2025.revenue：\"abc\" 不是数字：含有非数字字符 \"a\""}));
  EXPECT_EQ(l.pool->size(), 2u);
}

TEST(JsonForm, UnknownKeysNameTheirPath) {
  Loaded l = load_json(R"([{"uscc": ")" + A + R"(", "revenu": 5,
      "years": {"2025": {"revenu": 5, "founded": "2010"}},
      "ip_items": [{"kind": "invention_patent", "grantd": "2020-01-01"}]}])");
  EXPECT_EQ(
      errors(l.report),
      (V{"pool.json: firm 1, revenu: \"5\" unknown key: not a field of the data contract "
         "(see docs/data-format.md)",
         "pool.json: firm 1, years.2025.revenu: \"5\" unknown key: not a field of the data "
         "contract (see docs/data-format.md)",
         "pool.json: firm 1, years.2025.founded: \"2010\" is not a yearly fact: put it at the "
         "top level of the firm",
         "pool.json: firm 1, ip_items[0].grantd: \"2020-01-01\" unknown key: not a field of "
         "the data contract (see docs/data-format.md)"}));
  EXPECT_EQ(l.pool->size(), 0u);
  EXPECT_EQ(l.report.errors[0].uscc, A);
  EXPECT_TRUE(l.report.errors[0].firm);
}

TEST(JsonForm, YearlyFactAtTopLevel) {
  Loaded l = load_json(R"([{"uscc": ")" + A + R"(", "revenue": 5}])");
  EXPECT_EQ(errors(l.report), (V{"pool.json: firm 1, revenue: \"5\" is a yearly fact: put it "
                                 "under years.<year>"}));
}

TEST(JsonForm, EventRecordErrors) {
  Loaded l = load_json(R"([{"uscc": ")" + A + R"(",
      "awards": [{"level": "national", "rank": 0}],
      "titles": [{"tier": "srdi-sme", "since": "2025-03-01", "valid_to": "2024-01-01"}],
      "incidents": "tax_evasion:2024-01-01",
      "honours": [{"kind": "gazelle"}]}])");
  EXPECT_EQ(
      errors(l.report),
      (V{"pool.json: firm 1, awards[0].rank: \"0\" is not a rank (a whole number from 1)",
         "pool.json: firm 1, awards[0].date: is required but missing",
         "pool.json: firm 1, titles[0].valid_to: \"2024-01-01\" is before since (2025-03-01)",
         "pool.json: firm 1, incidents: \"tax_evasion:2024-01-01\" should be an array",
         "pool.json: firm 1, honours[0].kind: \"gazelle\" is not a known honour kind (use one "
         "of: high and new technology enterprise (high_tech_enterprise), national "
         "technology-innovation demonstration enterprise (tech_innovation_demo), IP advantage "
         "enterprise (ip_advantage), IP demonstration enterprise (ip_demo), manufacturing single "
         "champion (single_champion))"}));
}

TEST(JsonForm, MoreEventRecordErrors) {
  Loaded l = load_json(R"([{"uscc": ")" + A + R"(",
      "ip_items": [{"kind": "patent", "high_value": ["maintained_10y", "famous"], "applied": "maybe"}],
      "maker_china": [{"list": "national_top50"}],
      "titles": [{"since": "2025-03-01", "status": "lapsed"}],
      "honours": [{"kind": "ip_demo", "valid_from": "2024-01-01", "valid_to": "2023-12-31"}],
      "incidents": [{"kind": "quality", "date": "2024-05-01", "until": "2024-04-30"}, 7]}])");
  EXPECT_EQ(
      errors(l.report),
      (V{"pool.json: firm 1, ip_items[0].kind: \"patent\" is not a known IP kind (use one of: "
         "invention patent (invention_patent), defence patent (defence_patent), plant variety "
         "(plant_variety), national crop variety (crop_variety), national new drug (new_drug), "
         "national first-grade protected TCM variety (tcm_protected_1), IC layout design "
         "(ic_layout), software copyright (software_copyright), utility model (utility_model), "
         "design patent (design_patent))",
         "pool.json: firm 1, ip_items[0].applied: \"maybe\" is not a yes/no value (write "
         "true/false, 1/0 or 是/否)",
         "pool.json: firm 1, ip_items[0].high_value: \"famous\" is not a known high-value kind "
         "(use one of: overseas family patent (overseas_family), maintained more than 10 years "
         "(maintained_10y), high pledge financing (pledge_financing), won a national S&T award "
         "or China Patent Award (national_award))",
         "pool.json: firm 1, maker_china[0].year: is required but missing",
         "pool.json: firm 1, titles[0].tier: is required but missing",
         "pool.json: firm 1, titles[0].status: \"lapsed\" is not a known title status (use one of: "
         "valid, expired, revoked)",
         "pool.json: firm 1, honours[0].valid_to: \"2023-12-31\" is before valid_from (2024-01-01)",
         "pool.json: firm 1, incidents[0].until: \"2024-04-30\" is before date (2024-05-01)",
         "pool.json: firm 1, incidents[1]: \"7\" should be an object"}));
}

TEST(JsonForm, DuplicateFirmsAndKeys) {
  Loaded l = load_json(R"([{"uscc": ")" + A + R"(", "founded": "2010-01-01"},
                          {"uscc": ")" +
                       B + R"(", "founded": "2011-01-01", "founded": "2012-01-01"},
                          {"uscc": ")" +
                       A + R"(", "founded": "2013-01-01"},
                          {"uscc": ")" +
                       C + R"("}])");
  EXPECT_EQ(errors(l.report), (V{"pool.json: firm 2, founded: \"2012-01-01\" the key appears twice",
                                 "pool.json: firm 3, uscc: \"" + A +
                                     "\" is a duplicate: the same enterprise is firm 1"}));
  ASSERT_EQ(l.pool->size(), 1u);
  EXPECT_EQ(l.pool->uscc(0), C);
}

TEST(JsonForm, MissingUsccAndWrongShapes) {
  Loaded l = load_json(R"([{"name": "示例"}, 5, {"uscc": ")" + A + R"(", "years": [1],
                          "name": {"zh": "示例"}}])");
  EXPECT_EQ(errors(l.report),
            (V{"pool.json: firm 1, uscc: the unified social credit code is missing: the firm is "
               "not loaded",
               "pool.json: firm 2: \"5\" is not an enterprise object",
               "pool.json: firm 3, years: \"[…]\" should be an object such as {\"2025\": {...}}",
               "pool.json: firm 3, name: \"{…}\" should be a single value (string, number or "
               "boolean)"}));
  EXPECT_EQ(l.report.rows_read, 3u);
}

TEST(JsonForm, ConsistencyChecksUseJsonPaths) {
  Loaded l = load_json(R"([{"uscc": ")" + A + R"(", "years": {"2025": {"revenue": 100,
      "main_revenue": 100.01, "leading_product_share": 5}}, "leading_product_share": 101}])");
  EXPECT_EQ(errors(l.report),
            (V{"pool.json: firm 1, years.2025.leading_product_share: \"5\" is not a yearly fact: "
               "put it at the top level of the firm",
               "pool.json: firm 1, years.2025.main_revenue: \"100.01\" is greater than operating "
               "revenue (years.2025.revenue \"100\")",
               "pool.json: firm 1, leading_product_share: \"101\" is out of range: a ratio is a "
               "percentage from 0 to 100"}));
}

TEST(JsonForm, FlatRowsHaveCsvSemantics) {
  Loaded l = load_json(
      R"([
      {"uscc": ")" +
      A + R"(", "year": 2024, "营业收入（元）": 12345678, "titles": ["innovative-sme:2024-06-30"],
       "product_field": "chain_key_link;fills_gap", "founded": "2015-03-01"},
      {"uscc": ")" +
      A + R"(", "year": 2025, "营业收入（元）": "23,456,789.01", "founded": null},
      {"uscc": ")" +
      B + R"(", "year": 2025, "营业收入（元）": 10, "founded": "2015-03-01"},
      {"uscc": ")" +
      B + R"(", "year": 2024, "revenu": 10, "founded": "2016-03-01"}])");
  ASSERT_TRUE(l.pool.ok());
  EXPECT_EQ(errors(l.report),
            (V{"pool.json: row 4: unknown column: revenu (not a field of the data contract, see "
               "docs/data-format.md). Remove or rename it; if it is only the office's own (序号, "
               "备注 …), read the file again with --ignore-unknown-columns to leave it out",
               "pool.json: row 4, column founded: \"2016-03-01\" disagrees with row 3 "
               "(\"2015-03-01\"): a static fact has one value per enterprise"}));
  EXPECT_EQ(yearly(*l.pool, A, "revenue", 2024), micros("1234.5678"));
  EXPECT_EQ(yearly(*l.pool, A, "revenue", 2025), micros("2345.678901"));
  EXPECT_EQ(l.pool->titles().of(0).size(), 1u);
  EXPECT_FALSE(l.pool->find(B).has_value());
}

TEST(JsonForm, WholeFileFailures) {
  IngestReport report;
  Result<Pool> syntax = load_pool_text("[{\"uscc\": 1,\n  }]", InputFormat::json, "x.json", report);
  ASSERT_FALSE(syntax.ok());
  EXPECT_TRUE(syntax.error().message.en.starts_with("x.json: at 2:3: JSON syntax error: "))
      << syntax.error().message.en;
  Result<Pool> scalar = load_pool_text("42", InputFormat::json, "x.json", report);
  ASSERT_FALSE(scalar.ok());
  EXPECT_EQ(scalar.error().message.en,
            "x.json: the JSON top level should be an array of firms, or an object with an "
            "\"enterprises\" array");
  std::string deep(100, '[');
  deep += std::string(100, ']');
  Result<Pool> nested = load_pool_text(deep, InputFormat::json, "x.json", report);
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.error().message.en, "x.json: JSON nests more than 64 levels deep");
}

TEST(JsonForm, FormatIsSniffedFromText) {
  IngestReport report;
  Result<Pool> p =
      load_pool_text(" \n[{\"uscc\": \"" + A + "\"}]", InputFormat::automatic, "in", report);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->size(), 1u);
}

}  // namespace
}  // namespace gradus
