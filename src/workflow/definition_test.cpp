// The shipped workflow files and the reader's checks.
#include "workflow/definition.h"

#include <gtest/gtest.h>

namespace gradus::workflow {
namespace {

TEST(WorkflowDefinition, ShippedFilesLoadWithSources) {
  std::string errors;
  const std::vector<WorkflowDefinition> all = WorkflowDefinition::shipped(&errors);
  EXPECT_EQ(errors, "");
  ASSERT_GE(all.size(), 5u);
  for (const WorkflowDefinition& w : all) {
    EXPECT_FALSE(w.levels.empty()) << w.id;
    EXPECT_FALSE(w.source.empty()) << w.id;
    EXPECT_FALSE(w.notice_source.empty()) << w.id;
    EXPECT_FALSE(w.title.zh.empty()) << w.id;
    EXPECT_EQ(w.id.rfind(w.tier + ".", 0), 0u) << w.id;
  }
  auto find = [&](const std::string& id) -> const WorkflowDefinition* {
    for (const WorkflowDefinition& w : all)
      if (w.id == id) return &w;
    return nullptr;
  };
  const WorkflowDefinition* lg = find("little-giant.national");
  ASSERT_NE(lg, nullptr);
  EXPECT_EQ(lg->levels.back().id, "ministry");
  EXPECT_EQ(lg->notice_working_days, 5);
  EXPECT_EQ(lg->levels_for_machine().levels.size(), lg->levels.size());
  // The annual update moved from 30 April to 31 May with 2号 (in force 2026-04-01).
  EXPECT_EQ(*lg->annual_update_deadline(2025), *Date::parse("2025-04-30"));
  EXPECT_EQ(*lg->annual_update_deadline(2026), *Date::parse("2026-05-31"));
  EXPECT_FALSE(lg->annual_update_deadline(2021).has_value());
  const WorkflowDefinition* tech = find("tech-sme.national");
  ASSERT_NE(tech, nullptr);
  EXPECT_EQ(tech->notice_working_days, 10);
  EXPECT_FALSE(tech->annual_update_deadline(2026).has_value());
}

const char* kGood = R"(workflow: srdi-sme.zone
tier: srdi-sme
jurisdiction: "320000"
title: {zh: 测试, en: test}
source: test
levels:
  - {id: city, name: {zh: 市, en: city}}
second_reviewer: false
spot_check: {share: 0.2, level: city, source: s}
notice: {working_days: 7, source: s}
annual_update: []
major_change_report_months: 3
ban_years_after_revocation: 3
)";

TEST(WorkflowDefinition, ReportsEveryProblemWithItsPlace) {
  Result<WorkflowDefinition> good = WorkflowDefinition::parse(kGood, "zone/srdi-sme.zone.yaml");
  ASSERT_TRUE(good.ok()) << good.error().message.en;
  EXPECT_EQ(good->jurisdiction, "320000");
  EXPECT_DOUBLE_EQ(good->spot_check_share, 0.2);
  auto bad = [](std::string text, const std::string& what) {
    Result<WorkflowDefinition> r = WorkflowDefinition::parse(text, "zone/srdi-sme.zone.yaml");
    EXPECT_FALSE(r.ok()) << what;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.en.find("srdi-sme.zone.yaml:"), std::string::npos);
    }
    return r.ok() ? std::string() : r.error().message.en;
  };
  auto with = [](std::string from, std::string to) {
    std::string t = kGood;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_NE(bad(with("id: city,", "id: mayor,"), "level").find("mayor"), std::string::npos);
  EXPECT_NE(bad(with("share: 0.2", "share: 1.5"), "share").find("share"), std::string::npos);
  EXPECT_NE(bad(with("working_days: 7", "working_days: 0"), "days").find("working_days"),
            std::string::npos);
  EXPECT_NE(
      bad(with("level: city, source", "level: province, source"), "spot level").find("not one of"),
      std::string::npos);
  EXPECT_NE(
      bad(with("second_reviewer: false", "second_reviewer: maybe"), "bool").find("second_reviewer"),
      std::string::npos);
  EXPECT_NE(bad(with("annual_update: []",
                     "annual_update: [{from: 2026-04-01, deadline: 02-30, "
                     "source: s}]"),
                "deadline")
                .find("MM-DD"),
            std::string::npos);
  EXPECT_NE(bad(with("source: test", "source: test\ncolour: red"), "unknown").find("colour"),
            std::string::npos);
  EXPECT_NE(bad(with("workflow: srdi-sme.zone", "workflow: srdi-sme.other"), "name")
                .find("must be named"),
            std::string::npos);
  EXPECT_FALSE(WorkflowDefinition::parse("levels: [", "x.yaml").ok());
  // A key given twice is refused, not silently dropped (as in every YAML file gradus reads).
  EXPECT_NE(bad(with("second_reviewer: false", "second_reviewer: false\nsecond_reviewer: true"),
                "duplicate")
                .find("second_reviewer"),
            std::string::npos);
}

}  // namespace
}  // namespace gradus::workflow
