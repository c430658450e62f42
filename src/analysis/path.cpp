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

Result<ApplicationVersion> version_when_applying(const PolicyRegistry& registry, const CallCalendar* calls,
                                                 std::string_view tier, int32_t region, const AssessOptions& options) {
  ApplicationVersion v;
  v.apply_on = options.as_of;
  if (calls != nullptr && options.mode == "application") {
    v.call = calls->next(tier, region, options.as_of);
    if (v.call) v.apply_on = std::max(options.as_of, v.call->open);
  }
  Result<const Policy*> p = registry.select(tier, v.apply_on, options.mode);
  if (!p) return p.error();
  v.policy = *p;
  return v;
}

Result<TierJudgement> judgement_for(const PolicyRegistry& registry, const CallCalendar* calls, std::string_view tier,
                                    const Pool& pool, uint32_t e, const AssessOptions& options) {
  TierJudgement j;
  j.options = options;
  if (options.mode == "application" && holds_title(pool, e, options.as_of, {std::string(tier)})) {
    j.options.mode = "review";
    Result<const Policy*> p = registry.select(tier, options.as_of, j.options.mode);
    if (p) {
      j.policy = *p;
      j.review = true;
      return j;
    }
    j.options.mode = options.mode;  // no review version in force: judged as an applicant
  }
  Result<ApplicationVersion> v = version_when_applying(registry, calls, tier, region_of(pool, e), options);
  if (!v) return v.error();
  j.policy = v->policy;
  j.call = v->call;
  j.options.as_of = v->apply_on;
  return j;
}

namespace {

// Between two candidates for a step in the same state: the title expected first (both in known
// calls), the earlier day (both dated), else the fewer blocking criteria.
bool earlier(const PathStep& a, const PathStep& b) {
  if (a.call && b.call && a.call->decision != b.call->decision) return a.call->decision < b.call->decision;
  if (a.state == PathStep::State::from_date && a.from != b.from) return *a.from < *b.from;
  return blocking(a.gap) < blocking(b.gap);
}

// Assesses `tier` for the firm on `day`, with the titles of earlier steps assumed granted: met
// now, met from a proven later day (only time in the way), needs changes, or no version in force.
PathStep assess_step(const std::string& tier, Date day, const PolicyRegistry& registry, const Pool& pool, uint32_t e,
                     std::span<const TitleRecord> assumed, const AssessOptions& options) {
  PathStep step;
  step.tier = tier;
  step.from = day;
  Result<const Policy*> policy = registry.select(tier, day, options.mode);
  if (!policy) {
    step.state = PathStep::State::not_in_force;
    return step;
  }
  step.version = (*policy)->version;
  AssessOptions o = options;
  o.as_of = day;
  Result<std::unique_ptr<Plan>> plan = compile_plan(**policy, registry, o);
  if (!plan) {
    step.state = PathStep::State::not_in_force;
    return step;
  }
  const Pool one = pool_with_titles(pool, e, assumed, day.year() - 1);  // as it is, on `day`
  GapOptions go;
  go.registry = &registry;
  step.gap = tier_gap(**plan, one, 0, go);
  step.reviewer = !step.gap.manual.empty();
  if (step.gap.outcome == Outcome::met || (step.gap.not_met.empty() && step.gap.unknown.empty())) {
    step.state = PathStep::State::now;  // met, or met but for what a reviewer judges
    return step;
  }
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
  return step;
}

// The review of a held title on the last day of its validity, if the tier has a review version
// in force then.
std::optional<PathStep::Review> review_of(const std::string& tier, Date on, const PolicyRegistry& registry,
                                          const Pool& pool, uint32_t e, std::span<const TitleRecord> assumed,
                                          const AssessOptions& options) {
  Result<const Policy*> policy = registry.select(tier, on, "review");
  if (!policy) return std::nullopt;
  AssessOptions o = options;
  o.as_of = on;
  o.mode = "review";
  Result<std::unique_ptr<Plan>> plan = compile_plan(**policy, registry, o);
  if (!plan) return std::nullopt;
  PathStep::Review r;
  r.version = (*policy)->version;
  r.on = on;
  const Pool one = pool_with_titles(pool, e, assumed, on.year() - 1);
  GapOptions go;
  go.registry = &registry;
  r.gap = tier_gap(**plan, one, 0, go);
  r.met = r.gap.outcome == Outcome::met || (r.gap.not_met.empty() && r.gap.unknown.empty());
  return r;
}

// Places a step assessed on `day` in the first call the firm can apply in: from the day its
// conditions hold (or `day` when it needs changes), the first call still open; the step is
// assessed again on the first day of that call it can file. A step met there keeps its state;
// one that needs other time goes on to a later call.
PathStep place_in_call(PathStep step, Date day, const CallCalendar& calls, int32_t region,
                       const PolicyRegistry& registry, const Pool& pool, uint32_t e,
                       std::span<const TitleRecord> assumed, const AssessOptions& options) {
  Date assessed = step.state == PathStep::State::from_date ? *step.from : day;
  for (int tries = 0; tries < 12; ++tries) {
    std::optional<Call> call = calls.next(step.tier, region, assessed);
    if (!call) return step;  // no calls known for the tier: the day the conditions hold
    const Date apply = std::max(assessed, call->open);
    if (apply != assessed) {
      PathStep again = assess_step(step.tier, apply, registry, pool, e, assumed, options);
      if (again.state == PathStep::State::from_date) {  // other time conditions by then
        step = std::move(again);
        assessed = *step.from;
        continue;
      }
      if (again.state == PathStep::State::now && step.state != PathStep::State::needs_changes) {
        again.state = step.state;  // the conditions hold since then, and still on the day of filing
        again.from = step.from;
      }
      step = std::move(again);
    }
    step.call = call;
    step.apply_on = apply;
    return step;
  }
  return step;
}

}  // namespace

std::vector<PathStep> growth_path(const PolicyRegistry& registry, const Pool& pool, uint32_t e,
                                  const AssessOptions& options, const CallCalendar* calls) {
  std::vector<PathStep> path;
  std::vector<TitleRecord> assumed;  // titles of earlier steps, as if granted
  Date day = options.as_of;
  bool waiting = false;  // an earlier step is not held yet
  static const uint8_t valid = static_cast<uint8_t>(enum_index(title_statuses(), "valid"));
  const int32_t region = region_of(pool, e);
  for (const std::vector<std::string>& tiers : ladder()) {
    std::optional<PathStep> best;
    for (const std::string& tier : tiers) {
      PathStep step;
      if (holds_title(pool, e, day, {tier})) {  // held already (on the day the step is reached)
        step.tier = tier;
        step.state = PathStep::State::held;
        for (const TitleRecord& t : pool.titles().of(e)) {
          if (t.tier == tier && t.status == valid && t.since <= day) {
            step.from = t.since;
            // Recorded end, else the validity the standard in force when granted gives it.
            Result<const Policy*> granted_under = registry.select(tier, t.since, "application");
            step.valid_until =
                t.valid_to ? *t.valid_to : t.since.plus_years(granted_under ? (*granted_under)->title_validity_years : 3);
          }
        }
      } else {
        step = assess_step(tier, day, registry, pool, e, assumed, options);
        if (calls && step.state != PathStep::State::not_in_force) {
          step = place_in_call(std::move(step), day, *calls, region, registry, pool, e, assumed, options);
        }
      }
      if (!best || rank(step.state) < rank(best->state) ||
          (rank(step.state) == rank(best->state) && earlier(step, best.value()))) {
        best = std::move(step);
      }
    }
    PathStep& step = *best;
    if (step.state == PathStep::State::held && step.valid_until) {
      step.review = review_of(step.tier, *step.valid_until, registry, pool, e, assumed, options);
      if (step.review && step.review->met) {  // renewed for the steps after
        TitleRecord t;
        t.tier = step.tier;
        t.since = *step.valid_until;
        t.status = valid;
        t.level = "national";
        t.batch = "assumed review";
        assumed.push_back(t);
      }
    }
    step.after_previous = waiting;
    if (step.state != PathStep::State::held) waiting = true;
    if (step.call) {
      day = std::max(day, step.call->decision);  // the next step starts when this title is expected
    } else if (step.state == PathStep::State::from_date) {
      day = *step.from;
    }
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
