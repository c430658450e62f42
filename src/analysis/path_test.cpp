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

// With the shipped calendar: on 2026-06-30 the 2026 little-giant filing (04-25 → 05-25) has
// closed, so the step goes to the 2027 call and is assessed on its first day — with the firm as
// it is, 2026 repeats 2025 and the growth condition now asks for 2026 revenue. The SRDI step has
// no calls for Jiangsu in the calendar: it keeps the day its conditions hold.
TEST(GrowthPath, StepsArePlacedInTheFirstCallTheFirmCanApplyIn) {
  std::string errors;
  PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  CallCalendar calls = CallCalendar::shipped(&errors);
  ASSERT_TRUE(errors.empty()) << errors;
  const Pool pool = sample_pool();
  const uint32_t e = *pool.find("91320505MA1P7K3C1N");
  std::vector<PathStep> path = growth_path(registry, pool, e, on("2026-06-30"), &calls);
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[1].state, PathStep::State::now);
  EXPECT_FALSE(path[1].call.has_value());
  ASSERT_TRUE(path[2].call.has_value());
  EXPECT_EQ(path[2].call->open.to_string(), "2027-04-25");
  EXPECT_EQ(path[2].apply_on->to_string(), "2027-04-25");
  EXPECT_EQ(path[2].from->to_string(), "2027-04-25");  // assessed on the day of filing
  ASSERT_EQ(path[2].state, PathStep::State::needs_changes);
  ASSERT_EQ(path[2].gap.not_met.size(), 1u);
  EXPECT_EQ(path[2].gap.not_met[0].id, "scale.growth");
  EXPECT_EQ(path[2].gap.not_met[0].suggestions[0].changes[0].ref.year, 2026);

  // Early in 2026 the firm still makes the 2026 call, met as it is.
  path = growth_path(registry, pool, e, on("2026-05-01"), &calls);
  ASSERT_TRUE(path[2].call.has_value());
  EXPECT_EQ(path[2].call->open.to_string(), "2026-04-25");
  EXPECT_EQ(path[2].apply_on->to_string(), "2026-05-01");
  EXPECT_EQ(path[2].state, PathStep::State::now);

  // A zone's calendar for Jiangsu SRDI (filing 03-01 → 03-31, title 07-15): the SRDI title comes
  // on 2027-07-15, after the 2027 little-giant filing closed, so little giant waits for 2028.
  ASSERT_TRUE(calls.add_text("calls:\n  - {tier: srdi-sme, region: 320000, observed: 2026, source: zone,\n"
                             "     windows: [{open: 03-01, close: 03-31, decision: 07-15}]}\n",
                             "zone.yaml")
                  .ok());
  path = growth_path(registry, pool, e, on("2026-06-30"), &calls);
  ASSERT_TRUE(path[1].call.has_value());
  EXPECT_EQ(path[1].apply_on->to_string(), "2027-03-01");
  EXPECT_EQ(path[1].call->decision.to_string(), "2027-07-15");
  ASSERT_TRUE(path[2].call.has_value());
  EXPECT_EQ(path[2].apply_on->to_string(), "2028-04-25");
  EXPECT_TRUE(path[2].after_previous);

  // Blocked by time (niche from 2024-05-01: three full years on 2028-01-01): the SRDI step files
  // in the first call after that day, and little giant follows the SRDI title.
  Result<FactOverride> later_niche = parse_override("niche_since=2024-05-01");
  ASSERT_TRUE(later_niche.ok());
  const Pool moved = std::move(*pool_with_overrides(pool, e, {&*later_niche, 1}));
  path = growth_path(registry, moved, 0, on("2026-06-30"), &calls);
  ASSERT_EQ(path[1].state, PathStep::State::from_date);
  EXPECT_EQ(path[1].from->to_string(), "2028-01-01");
  EXPECT_EQ(path[1].apply_on->to_string(), "2028-03-01");
  EXPECT_EQ(path[2].apply_on->to_string(), "2029-04-25");
}

// Over the sample pool with the calendar: a step in a call files inside its window, never before
// the day the step is reached, and the next step never starts before the title is expected.
TEST(GrowthPath, OverTheSamplePoolCallsComeInOrder) {
  std::string errors;
  PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  CallCalendar calls = CallCalendar::shipped(&errors);
  ASSERT_TRUE(errors.empty()) << errors;
  ASSERT_TRUE(calls.add_text("calls:\n  - {tier: srdi-sme, region: national, observed: 2026, source: test,\n"
                             "     windows: [{open: 03-01, close: 03-31, decision: 07-15}, {open: 09-01, close: 09-30}]}\n",
                             "test.yaml")
                  .ok());
  const Pool pool = sample_pool();
  const AssessOptions o = on("2026-06-30");
  size_t placed = 0;
  for (uint32_t e = 0; e < pool.size(); ++e) {
    const std::vector<PathStep> path = growth_path(registry, pool, e, o, &calls);
    Date reached = o.as_of;
    for (const PathStep& st : path) {
      if (!st.call) continue;
      ++placed;
      ASSERT_TRUE(st.apply_on.has_value());
      EXPECT_GE(*st.apply_on, st.call->open) << pool.uscc(e) << " " << st.tier;
      EXPECT_LE(*st.apply_on, st.call->close) << pool.uscc(e) << " " << st.tier;
      EXPECT_GE(*st.apply_on, reached) << pool.uscc(e) << " " << st.tier;
      EXPECT_GT(st.call->decision, st.call->close);
      reached = st.call->decision;
    }
  }
  EXPECT_GT(placed, pool.size());
}

// Title validity: the Dongguan sample firm's SRDI title (since 2024-04-15) ends on 2027-04-15,
// before the 2027 little-giant call opens. Its review passes with the facts as they are, so the
// little-giant step is assessed with the title renewed (no missing prerequisite). Its innovative
// SME title ends on 2026-06-30 with an incident still inside the 3-year look-back: that review
// fails, and says when the incident ages out.
TEST(GrowthPath, HeldTitlesExpireAndTheirReviewDecidesWhetherTheyCarryOn) {
  std::string errors;
  PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  CallCalendar calls = CallCalendar::shipped(&errors);
  ASSERT_TRUE(errors.empty()) << errors;
  const Pool pool = sample_pool();
  const uint32_t e = *pool.find("91441900MA56R3GT6T");
  const std::vector<PathStep> path = growth_path(registry, pool, e, on("2026-06-30"), &calls);
  ASSERT_EQ(path.size(), 3u);
  ASSERT_EQ(path[0].state, PathStep::State::held);
  EXPECT_EQ(path[0].valid_until->to_string(), "2026-06-30");
  ASSERT_TRUE(path[0].review.has_value());
  EXPECT_FALSE(path[0].review->met);
  ASSERT_FALSE(path[0].review->gap.not_met.empty());
  EXPECT_EQ(path[0].review->gap.not_met[0].met_from->to_string(), "2027-03-01");

  ASSERT_EQ(path[1].state, PathStep::State::held);
  EXPECT_EQ(path[1].valid_until->to_string(), "2027-04-15");
  ASSERT_TRUE(path[1].review.has_value());
  EXPECT_TRUE(path[1].review->met);
  EXPECT_EQ(path[1].review->on.to_string(), "2027-04-15");

  ASSERT_TRUE(path[2].call.has_value());
  EXPECT_EQ(path[2].apply_on->to_string(), "2027-04-25");
  for (const CriterionGap& c : path[2].gap.not_met) EXPECT_NE(c.id, "prereq.srdi");
}

// The version a firm is judged by is the one in force when it can apply: on 2026-01-15 the 2022
// little-giant standard is in force, but the next call opens on 2026-04-25, under the 2026 one.
TEST(GrowthPath, TheVersionIsTheOneInForceWhenTheFirmCanApply) {
  std::string errors;
  PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  CallCalendar calls = CallCalendar::shipped(&errors);
  ASSERT_TRUE(errors.empty()) << errors;
  Result<ApplicationVersion> v = version_when_applying(registry, &calls, "little-giant", 320505, on("2026-01-15"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->policy->version, "2026");
  ASSERT_TRUE(v->call.has_value());
  EXPECT_EQ(v->apply_on.to_string(), "2026-04-25");
  // Without a calendar, or for a review: the version in force that day.
  v = version_when_applying(registry, nullptr, "little-giant", 320505, on("2026-01-15"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->policy->version, "2022");
  EXPECT_FALSE(v->call.has_value());
  AssessOptions review = on("2026-01-15");
  review.mode = "review";
  v = version_when_applying(registry, &calls, "little-giant", 320505, review);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->policy->version, "2022");
  EXPECT_FALSE(version_when_applying(registry, &calls, "no-such-tier", 320505, on("2026-01-15")).ok());
}

}  // namespace
}  // namespace gradus
