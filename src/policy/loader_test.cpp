// Tests of policy loading: structure, name resolution, type checks, and `file:line:col` messages.
#include "policy/loader.h"

#include <gtest/gtest.h>

#include "policy/registry.h"

namespace gradus {
namespace {

const char* kHeader = R"yaml(id: demo
version: "2026"
document: 示例文件
title: {zh: 示例, en: demo}
jurisdiction: CN
modes:
  application: {from: 2026-04-01}
)yaml";

std::string with(const std::string& body) { return std::string(kHeader) + body; }

std::string errors_of(const std::string& yaml) {
  Result<Policy> p = load_policy_text(yaml, "demo.yaml");
  return p ? std::string() : p.error().message.en;
}

TEST(Loader, LoadsAValidPolicy) {
  Result<Policy> p = load_policy_text(with(R"yaml(parameters:
  floor: {value: 5000, unit: 万元, label: {zh: 下限, en: floor}}
facts:
  rd_ratio: {expr: "ratio(rd_expense@-1, revenue@-1)", unit: "%", label: {zh: 研发占比, en: R&D ratio}}
criteria:
  id: root
  label: {zh: 全部, en: all}
  cite: 第一条
  all:
    - {id: a, label: {zh: 营收, en: revenue}, cite: 一, value: revenue@-1, op: ">=", threshold: floor}
    - {id: b, label: {zh: 研发, en: R&D}, cite: 二, value: rd_ratio, op: ">=", threshold: 3}
    - {id: c, label: {zh: 机构, en: institution}, cite: 三, test: "rd_institution >= provincial"}
)yaml"),
                                      "demo.yaml");
  ASSERT_TRUE(p) << p.error().message.en;
  EXPECT_EQ(p->key(), "demo@2026");
  ASSERT_EQ(p->criteria.children.size(), 3u);
  EXPECT_EQ(p->criteria.children[0].threshold->kind, Expr::Kind::parameter);
  EXPECT_EQ(p->criteria.children[0].threshold->number, 5000);
  EXPECT_EQ(p->criteria.children[1].value->kind, Expr::Kind::fact);
}

TEST(Loader, UnknownKeyIsReportedWithPosition) {
  std::string e = errors_of(with("criteria:\n  id: root\n  label: {zh: a, en: a}\n  cite: x\n  tresh: 3\n  manual: {zh: a, en: a}\n"));
  EXPECT_NE(e.find("demo.yaml:12:3: unknown key 'tresh' in a criterion"), std::string::npos) << e;
}

TEST(Loader, YearlyFieldNeedsAnOffset) {
  std::string e = errors_of(with(
      "criteria: {id: root, label: {zh: a, en: a}, cite: x, value: revenue, op: \">=\", threshold: 1}\n"));
  EXPECT_NE(e.find("demo.yaml:8:"), std::string::npos) << e;
  EXPECT_NE(e.find("yearly field 'revenue' needs a year offset"), std::string::npos) << e;
}

TEST(Loader, TypeErrorsNameTheExpression) {
  std::string e = errors_of(with("criteria: {id: root, label: {zh: a, en: a}, cite: x, test: \"revenue@-1 + 1\"}\n"));
  EXPECT_NE(e.find("is a number, expected a condition"), std::string::npos) << e;
}

TEST(Loader, UnknownEnumValueListsTheValues) {
  std::string e =
      errors_of(with("criteria: {id: root, label: {zh: a, en: a}, cite: x, test: \"rd_institution >= regional\"}\n"));
  EXPECT_NE(e.find("'regional' is not a value of rd_institution (none, enterprise, municipal, provincial, national)"),
            std::string::npos)
      << e;
}

TEST(Loader, UnknownFunctionAndName) {
  EXPECT_NE(errors_of(with("criteria: {id: root, label: {zh: a, en: a}, cite: x, test: \"foo(1) > 0\"}\n"))
                .find("unknown function 'foo'"),
            std::string::npos);
  EXPECT_NE(errors_of(with("criteria: {id: root, label: {zh: a, en: a}, cite: x, test: \"reveune@-1 > 0\"}\n"))
                .find("unknown field 'reveune'"),
            std::string::npos);
}

TEST(Loader, OverlappingBandsAreRejected) {
  std::string e = errors_of(with(R"yaml(criteria: {id: root, label: {zh: a, en: a}, cite: x, score: pass}
score:
  pass: [{of: total, op: ">=", threshold: 10}]
  classes:
    - id: c
      label: {zh: c, en: c}
      indicators:
        - id: i
          label: {zh: i, en: i}
          max: 10
          value: revenue@-1
          bands:
            - {points: 10, range: "[5, inf)"}
            - {points: 5, range: "[3, 5]"}
)yaml"));
  EXPECT_NE(e.find("bands [5, inf) and [3, 5] overlap"), std::string::npos) << e;
}

TEST(Loader, YamlSyntaxErrorHasPosition) {
  std::string e = errors_of(with("criteria: {id: root\n"));
  EXPECT_EQ(e.rfind("demo.yaml:", 0), 0u) << e;
}

TEST(Loader, EveryShippedPolicyLoads) {
  std::string errors;
  PolicyRegistry reg = PolicyRegistry::shipped(&errors);
  EXPECT_EQ(errors, "");
  for (const char* id : {"sme-size", "innovative-sme", "tech-sme", "srdi-sme", "little-giant", "high-tech-enterprise"}) {
    bool found = false;
    for (const Policy* p : reg.all()) found = found || p->id == id;
    EXPECT_TRUE(found) << id;
  }
  // Every shipped tier names the title a firm holds under it (exports show held titles by it).
  for (const Policy* p : reg.all()) {
    if (p->kind != Policy::Kind::tier) continue;
    EXPECT_FALSE(p->tier_name.zh.empty() || p->tier_name.en.empty()) << p->key();
  }
  const Policy* srdi = *reg.select("srdi-sme", *Date::parse("2026-06-30"), "application");
  EXPECT_EQ(srdi->tier_name.zh, "专精特新中小企业");
}

TEST(Registry, VersionSelectionFollowsReference0) {
  std::string errors;
  PolicyRegistry reg = PolicyRegistry::shipped(&errors);
  auto version = [&](const char* id, const char* date, const char* mode) {
    Result<const Policy*> p = reg.select(id, *Date::parse(date), mode);
    return p ? (*p)->version : "none: " + p.error().message.en;
  };
  // REFERENCE §0: applications from 2026-04-01 use the 2026 standards; reviews in 2026 the 2022 ones.
  EXPECT_EQ(version("little-giant", "2026-03-31", "application"), "2022");
  EXPECT_EQ(version("little-giant", "2026-06-30", "application"), "2026");
  EXPECT_EQ(version("little-giant", "2026-06-30", "review"), "2022");
  EXPECT_EQ(version("srdi-sme", "2025-06-30", "application"), "2022");
  EXPECT_EQ(version("srdi-sme", "2026-06-30", "application"), "2026");
  // A forced version is used whatever the date.
  Result<const Policy*> forced = reg.select("little-giant@2022", *Date::parse("2026-06-30"), "application");
  ASSERT_TRUE(forced);
  EXPECT_EQ((*forced)->version, "2022");
  EXPECT_FALSE(reg.select("little-giant@1999", *Date::parse("2026-06-30"), "application"));
  EXPECT_FALSE(reg.select("no-such-tier", *Date::parse("2026-06-30"), "application"));
}

}  // namespace
}  // namespace gradus
