// Growth path tests: a firm blocked only by time gets dated steps that are proven on their day;
// over the sample pool, held steps are held, dates never go backwards along the ladder.
#include "analysis/path.h"

#include <gtest/gtest.h>

#include "analysis/whatif.h"
#include "engine/row_facts.h"
#include "ingest/ingest.h"
#include "policy/registry.h"

namespace gradus {
namespace {

Pool sample_pool() {
  IngestReport report;
  return std::move(*load_pool_file(std::string(GRADUS_SOURCE_DIR) + "/samples/pool.csv", report));
}

AssessOptions on(const char* day) {
  AssessOptions o;
  o.as_of = *Date::parse(day);
  return o;
}

// A firm that meets the SRDI and little-giant conditions today (but for a reviewer's judgement),
// moved into its niche market only in May 2024: three full years in the niche, counted to
// 1 January, first hold on 2028-01-01 — the SRDI step waits until then and nothing else is asked.
// The little-giant step is then assessed on 2028-01-01 with the firm as it is (its 2025 figures
// repeated): no growth, so the 2-year growth condition asks for 2027 revenue, and only that.
TEST(GrowthPath, AFirmBlockedOnlyByTimeGetsTheDay) {
  std::string errors;
  PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  ASSERT_TRUE(errors.empty()) << errors;
  const Pool pool = sample_pool();
  const std::optional<uint32_t> e = pool.find("91320505MA1P7K3C1N");
  ASSERT_TRUE(e.has_value());
  const std::vector<PathStep> today = growth_path(registry, pool, *e, on("2026-06-30"));
  ASSERT_EQ(today.size(), 3u);
  EXPECT_EQ(today[1].state, PathStep::State::now);
  EXPECT_EQ(today[2].state, PathStep::State::now);

  Result<FactOverride> later_niche = parse_override("niche_since=2024-05-01");
  ASSERT_TRUE(later_niche.ok());
  const Pool moved = std::move(*pool_with_overrides(pool, *e, {&*later_niche, 1}));
  const std::vector<PathStep> path = growth_path(registry, moved, 0, on("2026-06-30"));
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[0].state, PathStep::State::now);
  EXPECT_EQ(path[1].tier, "srdi-sme");
  ASSERT_EQ(path[1].state, PathStep::State::from_date);
  EXPECT_EQ(path[1].from->to_string(), "2028-01-01");
  EXPECT_TRUE(path[1].after_previous);
  ASSERT_EQ(path[2].state, PathStep::State::needs_changes);
  EXPECT_EQ(path[2].from->to_string(), "2028-01-01");
  ASSERT_EQ(path[2].gap.not_met.size(), 1u);
  EXPECT_EQ(path[2].gap.not_met[0].id, "scale.growth");
  ASSERT_FALSE(path[2].gap.not_met[0].suggestions.empty());
  EXPECT_EQ(path[2].gap.not_met[0].suggestions[0].changes[0].ref.year, 2027);
  EXPECT_TRUE(path[2].gap.unknown.empty());
  for (const CriterionGap& c : path[1].gap.not_met) {
    ASSERT_TRUE(c.met_from.has_value()) << c.id;  // time is all that is in the way
    EXPECT_TRUE(c.suggestions.empty());
  }
}

TEST(GrowthPath, OverTheSamplePoolHeldIsHeldAndDatesGoForward) {
  std::string errors;
  PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  ASSERT_TRUE(errors.empty()) << errors;
  const Pool pool = sample_pool();
  const AssessOptions o = on("2026-06-30");
  size_t held = 0;
  for (uint32_t e = 0; e < pool.size(); ++e) {
    const std::vector<PathStep> path = growth_path(registry, pool, e, o);
    ASSERT_EQ(path.size(), 3u);
    Date last = o.as_of;
    bool waiting = false;
    for (const PathStep& st : path) {
      EXPECT_EQ(st.after_previous, waiting) << pool.uscc(e) << " " << st.tier;
      if (st.state == PathStep::State::held) {
        ++held;
        EXPECT_TRUE(holds_title(pool, e, last, {st.tier})) << pool.uscc(e) << " " << st.tier;
        continue;
      }
      waiting = true;
      if (st.state == PathStep::State::from_date) {
        ASSERT_TRUE(st.from.has_value());
        EXPECT_GT(*st.from, last);
        last = *st.from;
      }
      if (st.state == PathStep::State::needs_changes) {
        EXPECT_FALSE(st.gap.not_met.empty() && st.gap.unknown.empty()) << pool.uscc(e) << " " << st.tier;
      }
    }
  }
  EXPECT_GT(held, 5u);
}

}  // namespace
}  // namespace gradus
