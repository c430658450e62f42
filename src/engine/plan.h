// A compiled rule set: the policy's expressions flattened into a DAG of vector operations (shared
// sub-expressions computed once), its criteria tree, score table and class bounds, bound to one
// as-of date and mode. Plans are evaluated over the pool in batches (engine/evaluate.h); compiling
// is cheap and a plan is immutable, so one plan serves every thread.
//
//   AssessOptions opt{.as_of = *Date::parse("2026-06-30"), .mode = "application"};
//   Result<std::unique_ptr<Plan>> plan = compile_plan(*policy, registry, opt);
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "policy/policy.h"
#include "policy/registry.h"

namespace gradus {

// The four outcomes of the data contract. The numeric order is used by the combination rules.
enum class Outcome : uint8_t { not_met = 0, met = 1, unknown = 2, manual = 3 };
const char* outcome_id(Outcome o);
const Text& outcome_label(Outcome o);

struct AssessOptions {
  Date as_of;
  std::string mode = "application";  // or "review"
};

// Per-row state of a vector value.
inline constexpr uint8_t kValueOk = 0, kValueMissing = 1, kValueUndefined = 2;

enum class VOp : uint8_t {
  constant,
  load,
  ip_count,
  neg,
  not_,
  add,
  sub,
  mul,
  div,
  ratio,
  cagr,
  sum,
  mean,
  min,
  max,
  lt,
  le,
  gt,
  ge,
  eq,
  ne,
  and_,
  or_,
  years_in,
  years_since,
  days_since,
  has,
  holds_title,
  honour_valid,
  incidents_within,
  incidents_active,
  awards_within,
  maker_china_within,
  policy_ref,
};

// A fact read from the pool (for "which facts are missing" and for explanations).
struct FieldRef {
  FieldId field = 0;
  int year = 0;  // fiscal year for yearly fields, 0 for enterprise fields
  bool operator==(const FieldRef&) const = default;
};

struct VNode {
  VOp op = VOp::constant;
  std::vector<int> in;             // input node indices (always lower than this node's)
  double constant = 0;             // constant value; cagr: years; windows: years
  FieldId field = 0;               // load / ip_count
  int year = 0;                    // load of a yearly field: the fiscal year (0 = enterprise field)
  uint64_t mask = 0;               // has / honour_valid / incidents_*: bit set of enum values
  int level = 0;                   // awards_within level / maker_china list ordinal
  int rank = 0;                    // awards_within max rank (0 = any)
  std::vector<std::string> names;  // holds_title tiers
  int subplan = -1;                // policy_ref
  const Expr* lhs = nullptr;       // comparisons: the exact operands for boundary rechecks
  const Expr* rhs = nullptr;       // (both null when the double comparison is already exact)
  // How faithfully the double value represents the exact one: integral (a whole number below
  // 2^53: counts, flags, dates, event counts…), plain (one decimal input or constant, converted as
  // micros / 10^6, so equal decimals give equal doubles and order is kept), or computed.
  enum class Exactness : uint8_t { integral, plain, computed } exactness = Exactness::computed;
};

struct PlanCriterion {
  const Criterion* source = nullptr;
  int depth = 0;
  std::vector<int> children;  // indices into Plan::criteria (post-order: children come first)
  int node = -1;              // leaf: the boolean node deciding it
  int value_node = -1;        // compare leaf: the measured value
  int threshold_node = -1;
  bool score_pass = false;
  std::vector<FieldRef> refs;  // facts the leaf reads
  std::string requirement;     // compare: ">= 5000" (a parameter by name); test: its expression
};

struct PlanIndicatorVariant {
  const Indicator* source = nullptr;
  std::string jurisdiction;         // "" = the frame's own
  int32_t jurisdiction_prefix = 0;  // the jurisdiction as a number, and 10^(6 - its length):
  int32_t jurisdiction_div = 1;     // a region code c is inside when c / div == prefix
  std::string place;
  int value_node = -1;
  std::vector<int> when_nodes;  // per band (bands) or per item (items); -1 for range/otherwise
  std::vector<FieldRef> refs;
};

struct PlanIndicator {
  int class_index = 0;
  std::vector<PlanIndicatorVariant> variants;  // [0] = frame; others = overlays by jurisdiction
};

struct PlanClassify {
  const Classify* source = nullptr;
  std::vector<int> indicator_nodes;
  std::vector<int16_t> category_of_class;  // industry class code (0..9999) → category index
  // bounds[category][class]: the (indicator index, lower bound) pairs that class requires there.
  std::vector<std::vector<std::vector<std::pair<int, double>>>> bounds;
  std::vector<FieldRef> refs;
  // The same bounds flattened for the evaluator's row loop: bound_mask[category * classes + class]
  // has bit j set when indicator j is bounded there (0: the class is not defined for the
  // category); dense_bounds[(category * classes + class) * indicators + j] is that bound.
  std::vector<uint8_t> bound_mask;
  std::vector<double> dense_bounds;
  std::vector<uint8_t>
      recheck;           // [indicator]: its value is computed, so bounds are rechecked exactly
  uint8_t met_mask = 0;  // bit set of the classes that count as met
  FieldId industry = 0;
};

class Plan {
 public:
  const Policy* policy = nullptr;
  AssessOptions options;
  std::vector<VNode> nodes;
  std::vector<PlanCriterion> criteria;  // post-order; the root is last
  std::vector<PlanIndicator> indicators;
  // Per score pass rule: what it tests — {0, 0} the total, {1, c} class c, {2, k} indicator k.
  std::vector<std::pair<int, int>> pass_targets;
  std::vector<std::unique_ptr<Plan>> subplans;
  std::unique_ptr<PlanClassify> classify;
  std::vector<FieldRef> all_refs;  // every fact the plan reads (for policy_ref's missing facts)
  // jan1_days[k]: the day number of January 1 of (as_of year − k), for k = 0 … kJan1Years − 1, so
  // years_in() counts whole years without a civil-date conversion per row.
  static constexpr int kJan1Years = 400;
  std::vector<int32_t> jan1_days;
  int root() const { return static_cast<int>(criteria.size()) - 1; }
};

// The criterion of the plan with this id (its label and citation), or null.
const Criterion* find_criterion(const Plan& plan, std::string_view id);

// Compiles `policy` for one as-of date and mode. Referenced policies (`policy(id)`) are selected
// from `registry` for the same date and mode and compiled as sub-plans.
Result<std::unique_ptr<Plan>> compile_plan(const Policy& policy, const PolicyRegistry& registry,
                                           const AssessOptions& options);

// The version by which a holder of the plan's tier title is assessed: a holder is not a new
// applicant, so in application mode it is judged by the tier's review (复核) version in force on
// the plan's as-of date (compile it with the plan's options and mode "review"). Null when the
// plan is not a tier's in application mode, or the tier has no review version then. `gradus
// assess`, its saved runs and the server's assessments all choose by this.
const Policy* holder_review_policy(const Plan& plan, const PolicyRegistry& registry);

}  // namespace gradus
