// Tests of plan compilation and columnar evaluation: exact boundaries, the four outcomes and their
// combination, score intervals, explanations of missing facts, and thread independence.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/decimal.h"
#include "engine/evaluate.h"
#include "engine/plan.h"
#include "engine/result.h"

namespace gradus {
namespace {

const char* kPolicy = R"yaml(id: demo
version: "2026"
document: 示例文件
title: {zh: 示例, en: demo}
jurisdiction: CN
modes:
  application: {from: 2026-04-01}
  review: {from: 2026-04-01}
facts:
  rd_ratio: {expr: "ratio(rd_expense@-1, revenue@-1)", unit: "%", label: {zh: 研发占比, en: R&D ratio}}
criteria:
  id: root
  label: {zh: 全部, en: all}
  cite: 第一条
  all:
    - {id: revenue, label: {zh: 营收, en: revenue}, cite: 一, value: revenue@-1, op: ">=", threshold: 5000}
    - {id: rd, label: {zh: 研发, en: R&D}, cite: 二, value: rd_ratio, op: ">=", threshold: 3}
    - id: either
      label: {zh: 其一, en: either}
      cite: 三
      any:
        - {id: growth, label: {zh: 增长, en: growth}, cite: 三1, value: "cagr(revenue, -1, 2)", op: ">=", threshold: 10}
        - {id: review_only, label: {zh: 复核, en: review}, cite: 三2, modes: [review], manual: {zh: 人工, en: a reviewer decides}}
    - id: two_of
      label: {zh: 两项, en: two of}
      cite: 四
      at_least:
        n: 2
        of:
          - {id: inst, label: {zh: 机构, en: institution}, cite: 四1, test: "rd_institution >= provincial"}
          - {id: brand, label: {zh: 品牌, en: brand}, cite: 四2, test: own_brand}
          - {id: clean, label: {zh: 合规, en: compliance}, cite: 四3, test: "incidents_within(3, [tax_evasion]) == 0"}
    - {id: score, label: {zh: 评分, en: score}, cite: 五, score: pass}
score:
  pass: [{of: total, op: ">=", threshold: 15}, {of: innov, op: ">=", threshold: 5}]
  classes:
    - id: innov
      label: {zh: 创新, en: innovation}
      indicators:
        - id: ip
          label: {zh: 知识产权, en: IP}
          max: 10
          value: ip_class1
          bands:
            - {points: 10, range: "[4, inf)"}
            - {points: 5, range: "[1, 4)"}
            - {points: 0, range: "(-inf, 1)"}
    - id: growth
      label: {zh: 成长, en: growth}
      indicators:
        - id: staff
          label: {zh: 人员, en: staff}
          max: 10
          items:
            - {points: 5, when: "rd_staff@-1 >= 10", label: {zh: 研发人员, en: R&D staff}}
            - {points: 5, when: "quality_system", label: {zh: 认证, en: certification}}
)yaml";

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.add_text(kPolicy, "demo.yaml").ok());
  }

  // A firm that meets everything; tests change one fact at a time.
  // `skip` names enterprise fields to leave unset (PoolBuilder::set never overwrites).
  uint32_t add_good_firm(PoolBuilder& b, const std::string& uscc, std::set<std::string> skip = {}) {
    uint32_t e = b.enterprise(uscc);
    auto money = [](const char* s) { return Decimal::parse(s)->micros(); };
    auto set = [&](const char* f, int64_t raw) {
      if (!skip.count(f)) b.set(e, find_field(f)->id, raw);
    };
    b.set_yearly(e, find_field("revenue")->id, 2025, money("5000"));
    b.set_yearly(e, find_field("revenue")->id, 2024, money("4000"));
    b.set_yearly(e, find_field("revenue")->id, 2023, money("3800"));
    b.set_yearly(e, find_field("rd_expense")->id, 2025, money("150"));
    b.set_yearly(e, find_field("rd_staff")->id, 2025, money("12"));
    set("rd_institution", find_field("rd_institution")->enum_index("provincial"));
    set("own_brand", 1);
    set("quality_system", 1);
    set("ip_class1", money("4"));
    return e;
  }

  AssessmentResult assess(const Pool& pool, uint32_t row, const char* mode = "application", const char* as_of = "2026-06-30") {
    AssessOptions opt{*Date::parse(as_of), mode};
    auto plan = compile_plan(*registry_.find("demo", "2026"), registry_, opt);
    EXPECT_TRUE(plan) << plan.error().message.en;
    plan_ = std::move(*plan);
    std::vector<uint32_t> rows{row};
    one_ = pool.subset(rows);
    BatchState st(*plan_);
    evaluate_batch(*plan_, one_, 0, 1, st);
    return extract_result(*plan_, one_, st, 0);
  }

  static Outcome criterion(const AssessmentResult& r, const std::string& id) {
    for (const CriterionResult& c : r.criteria)
      if (c.id == id) return c.outcome;
    ADD_FAILURE() << "no criterion " << id;
    return Outcome::unknown;
  }

  PolicyRegistry registry_;
  std::unique_ptr<Plan> plan_;
  Pool one_;
};

TEST_F(EngineTest, RatioAtTheThresholdIsExact) {
  // 138 / 4600 × 100 is exactly 3 %, though 138.0 * 100 / 4600 in binary floating point is not.
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  b.set_yearly(0, find_field("revenue")->id, 2025, Decimal::from_int(5000).micros());
  b.set_yearly(0, find_field("rd_expense")->id, 2025, Decimal::from_int(150).micros());
  Pool pool = std::move(b).finish();
  AssessmentResult r = assess(pool, 0);
  EXPECT_EQ(criterion(r, "revenue"), Outcome::met);  // 以上 includes 5000
  EXPECT_EQ(criterion(r, "rd"), Outcome::met);       // 150 / 5000 = 3 %
  EXPECT_EQ(r.outcome, Outcome::met);
}

TEST_F(EngineTest, JustBelowTheBoundaryIsNotMet) {
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  b.set_yearly(0, find_field("revenue")->id, 2025, Decimal::parse("4999.99")->micros());
  Pool pool = std::move(b).finish();
  AssessmentResult r = assess(pool, 0);
  EXPECT_EQ(criterion(r, "revenue"), Outcome::not_met);
  EXPECT_EQ(r.outcome, Outcome::not_met);
}

TEST_F(EngineTest, ExactRatioWithAwkwardDecimals) {
  // 0.3 / 10 × 100 = 3 exactly; 0.1 + 0.2 style rounding must not matter.
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  b.set_yearly(0, find_field("revenue")->id, 2025, Decimal::parse("5000.1")->micros());
  b.set_yearly(0, find_field("rd_expense")->id, 2025, Decimal::parse("150.003")->micros());
  Pool pool = std::move(b).finish();
  EXPECT_EQ(criterion(assess(pool, 0), "rd"), Outcome::met);
  PoolBuilder b2;
  add_good_firm(b2, "914403001922038216");
  b2.set_yearly(0, find_field("revenue")->id, 2025, Decimal::parse("5000.1")->micros());
  b2.set_yearly(0, find_field("rd_expense")->id, 2025, Decimal::parse("150.002999")->micros());
  Pool pool2 = std::move(b2).finish();
  EXPECT_EQ(criterion(assess(pool2, 0), "rd"), Outcome::not_met);
}

TEST_F(EngineTest, CagrIsComparedExactly) {
  // 5000 → 6050 over two years is exactly 10 % a year.
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  b.set_yearly(0, find_field("revenue")->id, 2023, Decimal::from_int(5000).micros());
  b.set_yearly(0, find_field("revenue")->id, 2025, Decimal::from_int(6050).micros());
  b.set_yearly(0, find_field("rd_expense")->id, 2025, Decimal::from_int(500).micros());
  Pool pool = std::move(b).finish();
  EXPECT_EQ(criterion(assess(pool, 0), "growth"), Outcome::met);
  PoolBuilder b2;
  add_good_firm(b2, "914403001922038216");
  b2.set_yearly(0, find_field("revenue")->id, 2023, Decimal::from_int(5000).micros());
  b2.set_yearly(0, find_field("revenue")->id, 2025, Decimal::parse("6049.99")->micros());
  Pool pool2 = std::move(b2).finish();
  EXPECT_EQ(criterion(assess(pool2, 0), "growth"), Outcome::not_met);
}

TEST_F(EngineTest, MissingFactIsUnknownAndNamed) {
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  b.clear_yearly(0, find_field("rd_expense")->id, 2025);
  Pool pool = std::move(b).finish();
  AssessmentResult r = assess(pool, 0);
  EXPECT_EQ(criterion(r, "rd"), Outcome::unknown);
  EXPECT_EQ(r.outcome, Outcome::unknown);
  for (const CriterionResult& c : r.criteria) {
    if (c.id != "rd") continue;
    ASSERT_EQ(c.missing.size(), 1u);
    EXPECT_EQ(field_ref_text(c.missing[0], Lang::en), "rd_expense@2025");
    EXPECT_EQ(field_ref_text(c.missing[0], Lang::zh), "研发费用（2025年）");
  }
}

TEST_F(EngineTest, DivisionByZeroNeedsAReviewer) {
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  b.set_yearly(0, find_field("revenue")->id, 2025, 0);
  Pool pool = std::move(b).finish();
  AssessmentResult r = assess(pool, 0);
  EXPECT_EQ(criterion(r, "rd"), Outcome::manual);
  EXPECT_EQ(criterion(r, "revenue"), Outcome::not_met);
  EXPECT_EQ(r.outcome, Outcome::not_met);  // not_met beats manual
}

TEST_F(EngineTest, NotMetBeatsUnknownBeatsManualAndNothingShortCircuits) {
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  b.set_yearly(0, find_field("revenue")->id, 2025, Decimal::from_int(100).micros());  // not met
  b.clear_yearly(0, find_field("revenue")->id, 2023);                                 // growth unknown
  Pool pool = std::move(b).finish();
  AssessmentResult r = assess(pool, 0);
  EXPECT_EQ(r.outcome, Outcome::not_met);
  EXPECT_EQ(criterion(r, "growth"), Outcome::unknown);  // still evaluated
  EXPECT_EQ(criterion(r, "two_of"), Outcome::met);
}

TEST_F(EngineTest, ModesPruneTheTree) {
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  b.set_yearly(0, find_field("revenue")->id, 2023, Decimal::from_int(4600).micros());  // no growth
  Pool pool = std::move(b).finish();
  AssessmentResult app = assess(pool, 0, "application");
  EXPECT_EQ(criterion(app, "either"), Outcome::not_met);
  AssessmentResult rev = assess(pool, 0, "review");
  EXPECT_EQ(criterion(rev, "either"), Outcome::manual);  // the review-only manual branch exists
  for (const CriterionResult& c : app.criteria) EXPECT_NE(c.id, "review_only");
}

TEST_F(EngineTest, AtLeastCountsAndIncidentsApply) {
  PoolBuilder b;
  uint32_t e = add_good_firm(b, "914403001922038216", {"own_brand"});
  b.set(e, find_field("own_brand")->id, 0);
  b.add_incident(e, IncidentRecord{static_cast<uint8_t>(enum_index(incident_kinds(), "tax_evasion")),
                                   *Date::parse("2025-01-01"), std::nullopt});
  Pool pool = std::move(b).finish();
  AssessmentResult r = assess(pool, 0);
  EXPECT_EQ(criterion(r, "brand"), Outcome::not_met);
  EXPECT_EQ(criterion(r, "clean"), Outcome::not_met);
  EXPECT_EQ(criterion(r, "two_of"), Outcome::not_met);
}

TEST_F(EngineTest, ScoresAreIntervalsWhileFactsAreMissing) {
  PoolBuilder b;
  add_good_firm(b, "914403001922038216");
  Pool pool = std::move(b).finish();
  AssessmentResult r = assess(pool, 0);
  EXPECT_EQ(r.score_lo, 20);
  EXPECT_EQ(r.score_hi, 20);
  EXPECT_EQ(criterion(r, "score"), Outcome::met);

  PoolBuilder b2;
  uint32_t e = add_good_firm(b2, "914403001922038216", {"ip_class1"});
  b2.set(e, find_field("ip_class1")->id, 0);
  b2.clear_yearly(e, find_field("rd_staff")->id, 2025);
  Pool pool2 = std::move(b2).finish();
  AssessmentResult r2 = assess(pool2, 0);
  // ip 0 points: the innovation class minimum of 5 fails whatever the missing staff figure is.
  EXPECT_EQ(r2.score_lo, 5);
  EXPECT_EQ(r2.score_hi, 10);
  EXPECT_EQ(criterion(r2, "score"), Outcome::not_met);

  PoolBuilder b3;
  uint32_t e3 = add_good_firm(b3, "914403001922038216", {"ip_class1"});
  b3.set(e3, find_field("ip_class1")->id, Decimal::from_int(1).micros());
  b3.clear_yearly(e3, find_field("rd_staff")->id, 2025);
  Pool pool3 = std::move(b3).finish();
  AssessmentResult r3 = assess(pool3, 0);
  EXPECT_EQ(r3.score_lo, 10);
  EXPECT_EQ(r3.score_hi, 15);
  EXPECT_EQ(criterion(r3, "score"), Outcome::unknown);  // 15 is reachable only with the missing fact
}

TEST_F(EngineTest, ThreadsDoNotChangeResults) {
  std::mt19937_64 rng(7);
  PoolBuilder b;
  for (int i = 0; i < 5000; ++i) {
    uint32_t e = add_good_firm(b, "F" + std::to_string(i), {"ip_class1"});
    int64_t revenue = static_cast<int64_t>(rng() % 10000);
    b.set_yearly(e, find_field("revenue")->id, 2025, revenue * 1'000'000);
    b.set_yearly(e, find_field("rd_expense")->id, 2025, revenue * static_cast<int64_t>(rng() % 6) * 10'000);
    if (rng() % 10 == 0) b.clear_yearly(e, find_field("rd_expense")->id, 2025);
    b.set(e, find_field("ip_class1")->id, static_cast<int64_t>(rng() % 6) * 1'000'000);
  }
  Pool pool = std::move(b).finish();
  AssessOptions opt{*Date::parse("2026-06-30"), "application"};
  auto plan = compile_plan(*registry_.find("demo", "2026"), registry_, opt);
  ASSERT_TRUE(plan);
  const Plan* plans[] = {plan->get()};
  auto run = [&](unsigned threads) {
    std::vector<uint8_t> out(pool.size());
    evaluate_pool(plans, pool, threads, [&](size_t, const BatchView& v) {
      for (uint32_t i = 0; i < v.count; ++i) out[v.begin + i] = static_cast<uint8_t>(root_outcome(*v.states[0], i));
    });
    return out;
  };
  std::vector<uint8_t> one = run(1), two = run(2);
  EXPECT_EQ(one, two);
  size_t met = std::count(one.begin(), one.end(), static_cast<uint8_t>(Outcome::met));
  EXPECT_GT(met, 0u);
  EXPECT_LT(met, one.size());
}

}  // namespace
}  // namespace gradus
