// Which version a holder of a tier's title is assessed by (plan.h, holder_review_policy): the
// one rule `gradus assess`, saved runs and the server share.
#include "engine/plan.h"
#include "policy/registry.h"

namespace gradus {

const Policy* holder_review_policy(const Plan& plan, const PolicyRegistry& registry) {
  if (plan.options.mode != "application" || plan.policy->kind != Policy::Kind::tier) return nullptr;
  Result<const Policy*> review = registry.select(plan.policy->id, plan.options.as_of, "review");
  return review ? *review : nullptr;
}

}  // namespace gradus
