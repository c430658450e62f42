// stored_outcome: a firm's outcome, score, result and blocking criteria from the batch state
// (see run_outcomes.h).
#include "analysis/run_outcomes.h"

#include <charconv>
#include <vector>

#include "engine/result.h"

namespace gradus {

void add_run_criteria(const Plan& plan, store::RunInfo& info) {
  if (plan.classify) return;
  for (size_t c = 0; c < plan.criteria.size(); ++c) {
    if (!plan.criteria[c].children.empty()) continue;
    info.criteria.push_back({plan.policy->id, plan.policy->version, static_cast<int64_t>(c),
                             plan.criteria[c].source->id});
  }
}

store::StoredOutcome stored_outcome(const Plan& plan, const BatchState& s, uint32_t i) {
  store::StoredOutcome o;
  o.enterprise = s.begin + i;
  o.policy = plan.policy->id;
  o.version = plan.policy->version;
  const Outcome root = root_outcome(s, i);
  o.outcome = outcome_id(root);
  if (plan.classify) {
    if (s.result[i] >= 0)
      o.result = plan.classify->source->classes[static_cast<size_t>(s.result[i])].id;
    return o;
  }
  if (plan.policy->score) o.score = format_number(s.total_lo[i]);
  if (plan.criteria.empty()) return o;
  // Pre-order from the root, not entering a group that is met: the leaves left not met or unknown
  // are what blocks the outcome.
  auto outcome_of = [&](int c) {
    return static_cast<Outcome>(s.outcome[static_cast<size_t>(c) * kBatch + i]);
  };
  thread_local std::vector<int> stack;  // reused: no allocation per firm
  stack.clear();
  stack.push_back(plan.root());
  while (!stack.empty()) {
    const int c = stack.back();
    stack.pop_back();
    const Outcome out = outcome_of(c);
    if (out == Outcome::met) continue;
    const PlanCriterion& pc = plan.criteria[static_cast<size_t>(c)];
    if (pc.children.empty()) {
      std::string* list = out == Outcome::not_met   ? &o.not_met
                          : out == Outcome::unknown ? &o.unknown
                                                    : nullptr;
      if (list == nullptr) continue;
      char digits[16];
      char* end = std::to_chars(digits, digits + sizeof digits, c).ptr;
      if (!list->empty()) *list += ',';
      list->append(digits, end);
      continue;
    }
    // Children pushed in reverse so that they come off in the policy's order.
    stack.insert(stack.end(), pc.children.rbegin(), pc.children.rend());
  }
  return o;
}

}  // namespace gradus
