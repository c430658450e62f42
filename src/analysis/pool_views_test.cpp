// Pool views: the ranking is ordered by distance and agrees with one-firm assessments; the policy
// diff's transitions add up to the pool and every listed change is a real change.
#include "analysis/pool_views.h"

#include <gtest/gtest.h>

#include "analysis/whatif.h"
#include "demo/generate.h"
#include "core/fields.h"
#include "policy/registry.h"

namespace gradus {
namespace {

std::unique_ptr<Plan> plan_of(const PolicyRegistry& r, const std::string& spec) {
  AssessOptions opt;
  opt.as_of = *Date::parse("2026-06-30");
  return std::move(*compile_plan(**r.select(spec, opt.as_of, opt.mode), r, opt));
}

TEST(PoolViews, RankingIsOrderedAndAgreesWithSingleAssessments) {
  demo::GeneratorOptions g;
  g.enterprises = 3000;
  Pool pool = demo::PoolGenerator(g).build();
  std::string errors;
  PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  auto plan = plan_of(registry, "little-giant");
  PotentialOptions o;
  o.top = 0;
  o.include_title_holders = true;
  std::vector<PotentialRow> rows = rank_potential(*plan, pool, o);
  ASSERT_EQ(rows.size(), pool.size());
  for (size_t k = 1; k < rows.size(); ++k) {
    const PotentialRow &a = rows[k - 1], &b = rows[k];
    ASSERT_TRUE(a.not_met < b.not_met || (a.not_met == b.not_met && a.unknown <= b.unknown)) << k;
  }
  // Met firms have nothing blocking and come first; the rows agree with one-firm assessments.
  for (size_t k = 0; k < rows.size(); k += 97) {
    AssessmentResult r = assess_one(*plan, pool, rows[k].enterprise);
    EXPECT_EQ(r.outcome, rows[k].outcome);
    if (r.outcome == Outcome::met) {
      EXPECT_TRUE(rows[k].blocking.empty());
    }
    if (r.outcome == Outcome::not_met) {
      EXPECT_GT(rows[k].not_met, 0);
    }
  }
  // Region filter: every firm listed is in the region.
  o.filter = *PoolFilter::make("32", "", "");
  for (const PotentialRow& r : rank_potential(*plan, pool, o)) {
    EXPECT_TRUE(std::to_string(pool.column(find_field("region")->id).values[r.enterprise]).starts_with("32"));
  }
}

TEST(PoolViews, PolicyDiffAddsUpAndListsRealChanges) {
  demo::GeneratorOptions g;
  g.enterprises = 3000;
  Pool pool = demo::PoolGenerator(g).build();
  std::string errors;
  PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  auto a = plan_of(registry, "srdi-sme@2022");
  auto b = plan_of(registry, "srdi-sme@2026");
  PolicyDiff d = policy_diff(*a, *b, pool);
  size_t total = 0, off_diagonal = 0;
  for (size_t x = 0; x < 4; ++x) {
    for (size_t y = 0; y < 4; ++y) {
      total += d.transitions[x][y];
      if (x != y) off_diagonal += d.transitions[x][y];
    }
  }
  EXPECT_EQ(total, pool.size());
  EXPECT_EQ(off_diagonal, d.changed.size());
  EXPECT_GT(d.changed.size(), 0u) << "the 2026 measures change some outcomes";
  for (size_t k = 0; k < d.changed.size(); k += 7) {
    const PolicyDiffRow& r = d.changed[k];
    EXPECT_EQ(assess_one(*a, pool, r.enterprise).outcome, r.before);
    EXPECT_EQ(assess_one(*b, pool, r.enterprise).outcome, r.after);
    EXPECT_NE(r.before, r.after);
  }
}

}  // namespace
}  // namespace gradus
