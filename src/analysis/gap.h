// Gap analysis for one enterprise and one tier (issue 4, first part): which criteria stand between
// the firm and the tier, and for each unmet measurable criterion the smallest change of one fact
// that satisfies it, in the criterion's own units ("rd_expense@2025: 742.4 → 900 万元, +157.6").
// Every suggestion is proven before it is shown: it is applied through what-if and the criterion
// must turn met. Unknown facts come first ("we cannot tell until you enter …"), manual criteria
// are named as such.
//
//   TierGap g = tier_gap(plan, pool, e);
//   for (const CriterionGap& c : g.not_met) for (const GapSuggestion& s : c.suggestions) show(s);
//
// Not yet (see issue 4): criteria solved jointly, cheapest score upgrades for scored tiers,
// time conditions turned into dates, the growth path, ranking. A criterion whose measure is not a
// single fact, a ratio of two facts or a sum of facts gets no suggestion (and says so).
#pragma once

#include <string>
#include <vector>

#include "analysis/whatif.h"

namespace gradus {

struct GapSuggestion {
  std::vector<FactOverride> changes;  // apply all of them (today: one)
  Text text;                          // "R&D expense (2025): 742.4 → 900 万元 (+157.6)"
};

struct CriterionGap {
  std::string id;
  Text label;
  std::string cite;
  Outcome outcome = Outcome::unknown;
  std::string value, threshold, unit;
  std::vector<FieldRef> missing;      // unknown: the facts to enter
  Text note;                          // manual: why a reviewer must decide
  std::vector<GapSuggestion> suggestions;
};

struct TierGap {
  std::string policy;  // id@version
  Outcome outcome = Outcome::unknown;
  std::vector<CriterionGap> unknown, not_met, manual;  // leaves only
};

TierGap tier_gap(const Plan& plan, const Pool& pool, uint32_t e);

}  // namespace gradus
