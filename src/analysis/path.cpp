// The growth path along the ladder (see path.h).
#include "analysis/path.h"

#include <algorithm>

#include "analysis/whatif.h"
#include "core/fields.h"
#include "engine/row_facts.h"
#include "policy/registry.h"

namespace gradus {
namespace {

// The ladder: each step is one of these tiers (step 1: either).
const std::vector<std::vector<std::string>>& ladder() {
  static const std::vector<std::vector<std::string>> steps{{"innovative-sme", "tech-sme"}, {"srdi-sme"}, {"little-giant"}};
  return steps;
}

int rank(PathStep::State s) {
  switch (s) {
    case PathStep::State::held: return 0;
    case PathStep::State::now: return 1;
    case PathStep::State::from_date: return 2;
    case PathStep::State::needs_changes: return 3;
    case PathStep::State::not_in_force: return 4;
  }
  return 5;
}

size_t blocking(const TierGap& g) { return g.not_met.size() + g.unknown.size(); }

// Whether the firm, as it is (its last fiscal year's figures repeated up to the year before `day`,
// with the assumed titles), meets `policy` on `day`, or would but for what a reviewer judges.
bool passes_on(const Policy& policy, const PolicyRegistry& registry, const Pool& pool, uint32_t e,
               std::span<const TitleRecord> titles, const AssessOptions& base, Date day) {
  AssessOptions o = base;
  o.as_of = day;
  Result<std::unique_ptr<Plan>> plan = compile_plan(policy, registry, o);
  if (!plan) return false;
  const Pool one = pool_with_titles(pool, e, titles, day.year() - 1);
  const Outcome out = assess_one(**plan, one, 0).outcome;
  return out == Outcome::met || out == Outcome::manual;
}

}  // namespace

Text path_state_label(PathStep::State s) {
  switch (s) {
    case PathStep::State::held: return {"已持有", "held"};
    case PathStep::State::now: return {"条件已满足", "meets the conditions"};
    case PathStep::State::from_date: return {"数据不变，届时满足条件", "meets the conditions from the date, facts as they are"};
    case PathStep::State::needs_changes: return {"需先改进", "needs changes first"};
    case PathStep::State::not_in_force: return {"届时无有效版本", "no version in force then"};
  }
  return {};
}

std::vector<PathStep> growth_path(const PolicyRegistry& registry, const Pool& pool, uint32_t e,
                                  const AssessOptions& options) {
  std::vector<PathStep> path;
  std::vector<TitleRecord> assumed;  // titles of earlier steps, as if granted
  Date day = options.as_of;
  bool waiting = false;  // an earlier step is not held yet
  static const uint8_t valid = static_cast<uint8_t>(enum_index(title_statuses(), "valid"));
  for (const std::vector<std::string>& tiers : ladder()) {
    std::optional<PathStep> best;
    for (const std::string& tier : tiers) {
      PathStep step;
      step.tier = tier;
      step.from = day;
      // Held already (on the day the step is reached)?
      if (holds_title(pool, e, day, {tier})) {
        step.state = PathStep::State::held;
        for (const TitleRecord& t : pool.titles().of(e)) {
          if (t.tier == tier && t.status == valid && t.since <= day) step.from = t.since;
        }
      } else {
        Result<const Policy*> policy = registry.select(tier, day, options.mode);
        if (!policy) {
          step.state = PathStep::State::not_in_force;
        } else {
          step.version = (*policy)->version;
          AssessOptions o = options;
          o.as_of = day;
          Result<std::unique_ptr<Plan>> plan = compile_plan(**policy, registry, o);
          if (!plan) {
            step.state = PathStep::State::not_in_force;
          } else {
            const Pool one = pool_with_titles(pool, e, assumed, day.year() - 1);  // as it is, on `day`
            GapOptions go;
            go.registry = &registry;
            step.gap = tier_gap(**plan, one, 0, go);
            step.reviewer = !step.gap.manual.empty();
            if (step.gap.outcome == Outcome::met || (step.gap.not_met.empty() && step.gap.unknown.empty())) {
              step.state = PathStep::State::now;  // met, or met but for what a reviewer judges
            } else {
              // Only time in the way: the latest of the criteria's days, proven for the whole tier.
              bool only_time = step.gap.unknown.empty() && !step.gap.not_met.empty();
              Date when = day;
              for (const CriterionGap& c : step.gap.not_met) {
                if (!c.met_from) only_time = false;
                if (c.met_from) when = std::max(when, *c.met_from);
              }
              if (only_time && passes_on(**policy, registry, pool, e, assumed, options, when)) {
                step.state = PathStep::State::from_date;
                step.from = when;
              } else {
                step.state = PathStep::State::needs_changes;
              }
            }
          }
        }
      }
      if (!best || rank(step.state) < rank(best->state) ||
          (rank(step.state) == rank(best->state) &&
           (step.state == PathStep::State::from_date ? *step.from < *best->from
                                                     : blocking(step.gap) < blocking(best->gap)))) {
        best = std::move(step);
      }
    }
    PathStep& step = *best;
    step.after_previous = waiting;
    if (step.state != PathStep::State::held) waiting = true;
    if (step.state == PathStep::State::from_date) day = *step.from;
    if (step.state != PathStep::State::held) {
      TitleRecord t;
      t.tier = step.tier;
      t.since = day;
      t.status = valid;
      t.level = "national";
      t.batch = "assumed";
      assumed.push_back(t);
    }
    path.push_back(std::move(step));
  }
  return path;
}

}  // namespace gradus
