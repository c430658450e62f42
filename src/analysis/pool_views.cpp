// Whole-pool views: blocking criteria, potential ranking, policy diff (see pool_views.h).
#include "analysis/pool_views.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "core/fields.h"
#include "engine/row_facts.h"

namespace gradus {
namespace {

Outcome outcome_of(const BatchState& st, int criterion, uint32_t i) {
  return static_cast<Outcome>(st.outcome[static_cast<size_t>(criterion) * kBatch + i]);
}

void collect(const Plan& plan, const BatchState& st, uint32_t i, int c, std::vector<int>& out) {
  if (outcome_of(st, c, i) == Outcome::met) return;
  const PlanCriterion& pc = plan.criteria[static_cast<size_t>(c)];
  if (pc.children.empty()) {
    out.push_back(c);
    return;
  }
  for (int child : pc.children) collect(plan, st, i, child, out);
}

}  // namespace

void blocking_leaves(const Plan& plan, const BatchState& state, uint32_t i, std::vector<int>& out) {
  out.clear();
  collect(plan, state, i, plan.root(), out);
}

std::vector<PotentialRow> rank_potential(const Plan& plan, const Pool& pool, const PotentialOptions& o) {
  auto keep = [&](uint32_t e) {
    if (!o.filter.empty() && !o.filter.keeps(pool, e)) return false;
    if (!o.include_title_holders && holds_title(pool, e, plan.options.as_of, {plan.policy->id})) return false;
    return true;
  };
  std::vector<PotentialRow> rows;
  std::mutex mutex;
  const Plan* plans[] = {&plan};
  evaluate_pool(plans, pool, o.threads, [&](size_t, const BatchView& v) {
    std::vector<PotentialRow> local;
    std::vector<int> leaves;
    const BatchState& st = *v.states[0];
    for (uint32_t i = 0; i < v.count; ++i) {
      const uint32_t e = v.begin + i;
      if (!keep(e)) continue;
      PotentialRow r;
      r.enterprise = e;
      r.outcome = root_outcome(st, i);
      blocking_leaves(plan, st, i, leaves);
      for (int c : leaves) {
        const PlanCriterion& pc = plan.criteria[static_cast<size_t>(c)];
        const Outcome oc = outcome_of(st, c, i);
        if (oc == Outcome::not_met) {
          ++r.not_met;
          if (pc.value_node >= 0 && pc.threshold_node >= 0) {
            const size_t vi = static_cast<size_t>(pc.value_node) * kBatch + i;
            const size_t ti = static_cast<size_t>(pc.threshold_node) * kBatch + i;
            if (st.st[vi] == kValueOk && st.st[ti] == kValueOk) {
              const double x = st.val[vi], t = st.val[ti];
              const double scale = std::max({std::fabs(x), std::fabs(t), 1e-9});
              r.shortfall += std::fabs(t - x) / scale;
            } else {
              r.shortfall += 1;
            }
          } else {
            r.shortfall += 1;  // a condition without a measure (a title, an incident) counts whole
          }
        } else if (oc == Outcome::unknown) {
          ++r.unknown;
        } else if (oc == Outcome::manual) {
          ++r.manual;
        }
        if (pc.source != nullptr) r.blocking.push_back(pc.source->id);
      }
      local.push_back(std::move(r));
    }
    std::lock_guard<std::mutex> lock(mutex);
    for (PotentialRow& r : local) rows.push_back(std::move(r));
  });
  auto closer = [](const PotentialRow& a, const PotentialRow& b) {
    if (a.not_met != b.not_met) return a.not_met < b.not_met;
    if (a.unknown != b.unknown) return a.unknown < b.unknown;
    if (a.shortfall != b.shortfall) return a.shortfall < b.shortfall;
    if (a.manual != b.manual) return a.manual < b.manual;
    return a.enterprise < b.enterprise;
  };
  if (o.top != 0 && o.top < rows.size()) {
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(o.top), rows.end(), closer);
    rows.resize(o.top);
  } else {
    std::sort(rows.begin(), rows.end(), closer);
  }
  return rows;
}

PolicyDiff policy_diff(const Plan& before, const Plan& after, const Pool& pool, unsigned threads) {
  PolicyDiff d;
  std::mutex mutex;
  const Plan* plans[] = {&before, &after};
  evaluate_pool(plans, pool, threads, [&](size_t, const BatchView& v) {
    std::array<std::array<size_t, 4>, 4> counts{};
    std::vector<PolicyDiffRow> local;
    std::vector<int> leaves;
    for (uint32_t i = 0; i < v.count; ++i) {
      const Outcome a = root_outcome(*v.states[0], i), b = root_outcome(*v.states[1], i);
      counts[static_cast<size_t>(a)][static_cast<size_t>(b)]++;
      if (a == b) continue;
      PolicyDiffRow r;
      r.enterprise = v.begin + i;
      r.before = a;
      r.after = b;
      blocking_leaves(before, *v.states[0], i, leaves);
      for (int c : leaves) {
        if (before.criteria[static_cast<size_t>(c)].source) r.blocking_before.push_back(before.criteria[static_cast<size_t>(c)].source->id);
      }
      blocking_leaves(after, *v.states[1], i, leaves);
      for (int c : leaves) {
        if (after.criteria[static_cast<size_t>(c)].source) r.blocking_after.push_back(after.criteria[static_cast<size_t>(c)].source->id);
      }
      local.push_back(std::move(r));
    }
    std::lock_guard<std::mutex> lock(mutex);
    for (size_t x = 0; x < 4; ++x)
      for (size_t y = 0; y < 4; ++y) d.transitions[x][y] += counts[x][y];
    for (PolicyDiffRow& r : local) d.changed.push_back(std::move(r));
  });
  std::sort(d.changed.begin(), d.changed.end(),
            [](const PolicyDiffRow& x, const PolicyDiffRow& y) { return x.enterprise < y.enterprise; });
  return d;
}

}  // namespace gradus
