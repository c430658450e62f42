// Whole-pool views built on one evaluation per plan (batches, threads): which criteria block each
// firm, the pool ranked by distance to a tier (`gradus potential`), and the firms whose outcome
// changes between two versions of a policy, with the criteria that cause it (`gradus policy diff`).
//
// A criterion blocks a firm when it is not met and no group above it is met (an alternative route
// that already holds hides the others) — the same rule as the gap analysis.
//
//   std::vector<PotentialRow> top = rank_potential(plan, pool, {.top = 50});
//   PolicyDiff d = policy_diff(plan_2022, plan_2026, pool);
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/pool_filter.h"
#include "engine/evaluate.h"
#include "engine/plan.h"
#include "engine/pool.h"

namespace gradus {

// The blocking leaves of row i of an evaluated batch (indices into plan.criteria).
void blocking_leaves(const Plan& plan, const BatchState& state, uint32_t i, std::vector<int>& out);

struct PotentialOptions {
  PoolFilter filter;            // only the firms it keeps (region, park, industry, text)
  size_t top = 50;              // 0 = all
  bool include_title_holders = false;  // firms that already hold a valid title of the tier
  unsigned threads = 0;
};

struct PotentialRow {
  uint32_t enterprise = 0;
  Outcome outcome = Outcome::unknown;
  int not_met = 0;       // blocking leaves that are not met
  int unknown = 0;       // blocking leaves that lack facts
  int manual = 0;        // blocking leaves for a reviewer
  double shortfall = 0;  // Σ over measurable blocking leaves of |threshold − value| / max(|value|, |threshold|)
  std::vector<std::string> blocking;  // criterion ids
};

// Firms ordered by distance: not-met count, then unknown, then shortfall, then manual; firms that
// meet the tier come first (distance 0).
std::vector<PotentialRow> rank_potential(const Plan& plan, const Pool& pool, const PotentialOptions& options);

struct PolicyDiffRow {
  uint32_t enterprise = 0;
  Outcome before = Outcome::unknown, after = Outcome::unknown;
  std::vector<std::string> blocking_before, blocking_after;  // criterion ids
};

struct PolicyDiff {
  std::array<std::array<size_t, 4>, 4> transitions{};  // [before][after] counts (Outcome order)
  std::vector<PolicyDiffRow> changed;
};

PolicyDiff policy_diff(const Plan& before, const Plan& after, const Pool& pool, unsigned threads = 0);

}  // namespace gradus
