// What-if tests on the shipped sample pool: a changed fact flips exactly the criteria it feeds,
// overrides of every kind parse or are refused with a reason, and the firm's other facts stay.
#include "analysis/whatif.h"

#include <gtest/gtest.h>

#include "core/fields.h"
#include "ingest/ingest.h"
#include "policy/registry.h"

namespace gradus {
namespace {

struct Fixture {
  Pool pool;
  std::unique_ptr<PolicyRegistry> registry;
  std::vector<std::unique_ptr<Plan>> plans;
  Fixture() {
    IngestReport report;
    pool = std::move(*load_pool_file(std::string(GRADUS_SOURCE_DIR) + "/samples/pool.csv", report));
    std::string errors;
    registry = std::make_unique<PolicyRegistry>(PolicyRegistry::shipped(&errors));
    AssessOptions opt;
    opt.as_of = *Date::parse("2026-06-30");
    for (const char* id : {"little-giant", "innovative-sme"}) {
      Result<const Policy*> p = registry->select(id, opt.as_of, opt.mode);
      plans.push_back(std::move(*compile_plan(**p, *registry, opt)));
    }
  }
  std::vector<const Plan*> plan_list() const {
    std::vector<const Plan*> out;
    for (const auto& p : plans) out.push_back(p.get());
    return out;
  }
};

TEST(WhatIf, ParsesOverridesOrSaysWhy) {
  Result<FactOverride> a = parse_override("rd_expense@2025=900");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ref.year, 2025);
  EXPECT_EQ(a->raw, 900'000'000);
  Result<FactOverride> b = parse_override("ip_class1=4");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->ref.year, 0);
  EXPECT_TRUE(parse_override("revenue@2025=")->clear);
  EXPECT_TRUE(parse_override("product_field=core_basics;fills_gap").ok());
  EXPECT_TRUE(parse_override("niche_since=2021-01-01").ok());
  EXPECT_NE(parse_override("revenue=100").error().message.en.find("yearly fact"), std::string::npos);
  EXPECT_NE(parse_override("ip_class1@2025=3").error().message.en.find("not a yearly fact"), std::string::npos);
  EXPECT_NE(parse_override("no_such=1").error().message.en.find("no field named"), std::string::npos);
  EXPECT_NE(parse_override("revenue@2025=12,3O0").error().message.en.find("not a number"), std::string::npos);
  EXPECT_FALSE(parse_override("revenue@2025").ok());
  EXPECT_FALSE(parse_override("ip_class1=").ok());
}

TEST(WhatIf, AChangedFactFlipsTheCriteriaItFeedsAndNothingElse) {
  Fixture fx;
  const uint32_t e = *fx.pool.find("91320505MA1P7K3C1N");
  std::vector<FactOverride> o = {*parse_override("market_share_international=12.5")};
  Result<std::vector<WhatIfResult>> r = what_if(fx.plan_list(), fx.pool, e, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  const WhatIfResult& lg = (*r)[0];
  bool flipped = false;
  for (const CriterionChange& c : lg.changes) {
    if (c.id == "market.international") {
      flipped = true;
      EXPECT_EQ(c.before, Outcome::not_met);
      EXPECT_EQ(c.after, Outcome::met);
      EXPECT_EQ(c.value_after, "12.5");
    }
  }
  EXPECT_TRUE(flipped);
  EXPECT_TRUE((*r)[1].changes.empty()) << "innovative-sme does not read the international share";
  EXPECT_EQ((*r)[1].before.outcome, (*r)[1].after.outcome);
}

TEST(WhatIf, ATitleAssumedGrantedMeetsThePrerequisiteItFeeds) {
  Fixture fx;
  const uint32_t e = *fx.pool.find("91320505MA1P7K3C1N");
  Result<TitleRecord> srdi = parse_title_grant("srdi-sme@2026-01-10");
  ASSERT_TRUE(srdi.ok());
  EXPECT_EQ(srdi->tier, "srdi-sme");
  EXPECT_EQ(srdi->since.to_string(), "2026-01-10");
  EXPECT_FALSE(parse_title_grant("srdi-sme").ok());
  EXPECT_NE(parse_title_grant("@2026-01-10").error().message.en.find("TIER@DAY"), std::string::npos);
  std::vector<TitleRecord> titles = {*srdi};
  Result<std::vector<WhatIfResult>> r = what_if(fx.plan_list(), fx.pool, e, {}, titles);
  ASSERT_TRUE(r.ok());
  const WhatIfResult& lg = (*r)[0];
  bool prerequisite_met = false;
  for (const CriterionChange& c : lg.changes)
    if (c.id == "prereq.srdi") prerequisite_met = c.before == Outcome::not_met && c.after == Outcome::met;
  EXPECT_TRUE(prerequisite_met);
  // Granted after the as-of date, the title does not count yet.
  std::vector<TitleRecord> later = {*parse_title_grant("srdi-sme@2026-12-01")};
  Result<std::vector<WhatIfResult>> r2 = what_if(fx.plan_list(), fx.pool, e, {}, later);
  ASSERT_TRUE(r2.ok());
  for (const CriterionChange& c : (*r2)[0].changes) EXPECT_NE(c.id, "prereq.srdi");
}

TEST(WhatIf, TheOneFirmPoolKeepsEverythingElse) {
  Fixture fx;
  const uint32_t e = *fx.pool.find("91320505MA1P7K3C1N");
  std::vector<FactOverride> none;
  Result<Pool> same = pool_with_overrides(fx.pool, e, none);
  ASSERT_TRUE(same.ok());
  for (const Plan* p : fx.plan_list()) {
    AssessmentResult a = assess_one(*p, fx.pool, e);
    AssessmentResult b = assess_one(*p, *same, 0);
    EXPECT_EQ(a.outcome, b.outcome);
    ASSERT_EQ(a.criteria.size(), b.criteria.size());
    for (size_t k = 0; k < a.criteria.size(); ++k) {
      EXPECT_EQ(a.criteria[k].outcome, b.criteria[k].outcome) << a.criteria[k].id;
      EXPECT_EQ(a.criteria[k].value, b.criteria[k].value) << a.criteria[k].id;
    }
  }
  // Clearing a yearly fact makes the criteria that read it unknown (or not met), never met by accident.
  std::vector<FactOverride> clear = {*parse_override("revenue@2025=")};
  Result<Pool> cleared = pool_with_overrides(fx.pool, e, clear);
  const Column* rev = cleared->yearly(find_field("revenue")->id, 2025);
  EXPECT_TRUE(rev == nullptr || rev->present.empty() || !rev->present[0]);
}

}  // namespace
}  // namespace gradus
