// The growth path of one firm along the national ladder (issue 4): 创新型中小企业 or 科技型中小企业 →
// 专精特新中小企业 → 专精特新"小巨人". For each step in order: the firm holds the title already, can
// have it now, can have it from a date (only time conditions stand in the way: years in the niche,
// incidents ageing out), or needs changes first — with the gap that says what must be true.
//
// Each step is assessed on the day the previous one becomes possible, under the version of the
// policy in force that day, with the earlier titles it does not hold yet assumed granted on that
// day (title prerequisites are then met; a title is valid 3 years). A dated step is proven: the
// tier is met on that day with the firm's facts as they are (its last fiscal year's figures
// repeated for the years in between: no growth is assumed). Steps after one that needs changes
// are assessed as if those changes were made in time (they show what else is needed).
//
// With an application calendar (policy/calls.h) each step is placed in the first call of its
// tier for the firm's province (else the national one) that the firm can apply in: on or after
// the day its conditions hold, the step is assessed again on the first day of that call it can
// file (the facts of a later fiscal year may be asked for by then), and the next step starts on
// the day this step's title is expected. A tier without known calls keeps the day the conditions
// hold, and the title is assumed granted that day. A held title's end of validity is given with
// the review that renews it.
//
//   CallCalendar calls = CallCalendar::shipped(&errors);
//   std::vector<PathStep> path = growth_path(registry, pool, e, options, &calls);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/gap.h"
#include "core/date.h"
#include "engine/plan.h"
#include "engine/pool.h"
#include "policy/calls.h"

namespace gradus {

struct PathStep {
  enum class State { held, now, from_date, needs_changes, not_in_force };
  std::string tier;          // the policy id of the step ("srdi-sme"); for step 1 the closer of the two
  std::string version;       // the version assessed
  State state = State::needs_changes;
  std::optional<Date> from;  // held: the title's start; now / from_date: the day; else the day assessed
  bool reviewer = false;     // now / from_date: criteria a reviewer must still judge (see gap.manual)
  bool after_previous = false;  // an earlier step is not held: this one comes after it, not before
  TierGap gap;               // what stands in the way (empty when held or met outright)
  std::optional<Date> valid_until;  // held: the last day of the title's validity
  // Held: the review (复核) that renews the title, assessed on `valid_until` under the review
  // version then in force, the firm as it is. A met review renews the title for the steps after
  // (as if granted that day); an unmet one leaves them without it, and says what is missing.
  struct Review {
    std::string version;
    Date on;
    bool met = false;       // met, or met but for what a reviewer judges
    TierGap gap;
  };
  std::optional<Review> review;
  // The call the step applies in (not held, a calendar with calls for the tier): its window, the
  // first day of it the firm can file, and the day the next step starts (the title expected).
  std::optional<Call> call;
  std::optional<Date> apply_on;
};

Text path_state_label(PathStep::State s);

// The version of `tier` a firm registered in `region` is judged by when it applies: the one in
// force on the first day it can file in the next call (on or after `options.as_of`; the calendar
// gives it), else the one in force on `options.as_of`. Reviews (mode review) have no calls here.
struct ApplicationVersion {
  const Policy* policy = nullptr;
  std::optional<Call> call;  // the call, when the calendar knows one
  Date apply_on;             // its first filing day from as_of on, else as_of
};
Result<ApplicationVersion> version_when_applying(const PolicyRegistry& registry, const CallCalendar* calls,
                                                 std::string_view tier, int32_t region, const AssessOptions& options);

// How a gap analysis judges firm `e` for `tier` (gradus gap, one firm or the whole pool):
//   - a firm that holds a valid title of the tier is judged by the review of that title (复核):
//     the version in force for reviews on the as-of date, in review mode;
//   - any other firm by the version in force at its next call (version_when_applying), on that
//     call's first filing day, so that the fiscal years examined are the ones that call examines
//     (facts of a year the pool does not hold yet are then reported as facts to enter).
// Without a call (no calendar, or none known for the tier) the as-of date and mode are kept.
struct TierJudgement {
  const Policy* policy = nullptr;
  AssessOptions options;     // the day and mode the firm is judged on
  std::optional<Call> call;  // the call applied to (application only)
  bool review = false;       // judged as a holder, by the review of its title
};
Result<TierJudgement> judgement_for(const PolicyRegistry& registry, const CallCalendar* calls, std::string_view tier,
                                    const Pool& pool, uint32_t e, const AssessOptions& options);

std::vector<PathStep> growth_path(const PolicyRegistry& registry, const Pool& pool, uint32_t e,
                                  const AssessOptions& options, const CallCalendar* calls = nullptr);

}  // namespace gradus
