// What-if: one enterprise re-assessed with some facts changed ("rd_expense@2025=900",
// "ip_class1=4"), and what that changes — each policy's outcome and score, and every criterion
// whose outcome or value moves. The building block of the gap analysis (issue 4): a suggested
// change is proven by applying it here.
//
//   Result<FactOverride> o = parse_override("rd_expense@2025=900");
//   Pool changed = pool_with_overrides(pool, e, {{*o}});          // a pool of that one firm
//   std::vector<WhatIfResult> r = what_if(plans, pool, e, {{*o}});
//
// Thread-safety: no shared state; plans and pools are read only.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/plan.h"
#include "engine/pool.h"
#include "engine/result.h"

namespace gradus {

struct BatchState;  // engine/evaluate.h

// One changed fact: a value (raw pool encoding, or text for text fields) or a removal.
struct FactOverride {
  FieldRef ref;
  bool clear = false;            // "revenue@2025=" removes the value (yearly facts only)
  int64_t raw = 0;
  std::string text;              // text fields
  std::string written;           // as given, for display ("rd_expense@2025=900")
};

// Parses FIELD[@YEAR]=VALUE. Yearly fields need a year; values are read as in the data contract
// (money in 万元, booleans true/false/是/否, enum ids, ISO dates).
Result<FactOverride> parse_override(std::string_view spec);

// A pool holding only enterprise `e` of `pool`, with the overrides applied.
Result<Pool> pool_with_overrides(const Pool& pool, uint32_t e, std::span<const FactOverride> overrides);

// A one-firm copy of enterprise `e` of a pool whose numeric, yes/no, enumeration and date facts
// can be changed in place and changed back — what-if without building a pool per question (the
// gap analysis proves thousands of suggestions a second this way). Text facts, clearing a fact
// and years the pool does not have are not done in place: apply() then refuses and the caller
// uses pool_with_overrides.
class FirmSandbox {
 public:
  FirmSandbox(const Pool& pool, uint32_t e);
  // Sets the overrides (undoing any earlier ones first); false, with nothing changed, when one of
  // them cannot be done in place.
  bool apply(std::span<const FactOverride> overrides);
  // Back to the firm as it is.
  void reset();
  const Pool& pool() const { return pool_; }

 private:
  struct Saved {
    Column* column;
    int64_t value;
    uint8_t present;
  };
  Column* cell(const FieldRef& r);
  Pool pool_;
  std::vector<Saved> saved_;
};

struct CriterionChange {
  std::string id;
  Text label;
  Outcome before = Outcome::unknown, after = Outcome::unknown;
  std::string value_before, value_after, threshold, unit;
};

struct WhatIfResult {
  std::string policy;  // id@version
  AssessmentResult before, after;
  std::vector<CriterionChange> changes;  // criteria whose outcome or value differs
  bool outcome_changed() const { return before.outcome != after.outcome; }
};

// Assesses enterprise `e` under every plan as it is and with the overrides.
Result<std::vector<WhatIfResult>> what_if(std::span<const Plan* const> plans, const Pool& pool,
                                          uint32_t e, std::span<const FactOverride> overrides);

// The assessment of row `e` of `pool` under one plan (a batch of one). `scratch`, when given, is
// the evaluator's working state for `plan`, reused between calls (allocating it costs more than
// evaluating one firm: several MB for a large plan).
AssessmentResult assess_one(const Plan& plan, const Pool& pool, uint32_t e, BatchState* scratch = nullptr);

}  // namespace gradus
