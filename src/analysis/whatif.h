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

// The change as FIELD[@YEAR]=VALUE: as written when it was parsed, else formatted from its value
// (numbers as decimals, true/false, enum ids, ISO dates) so that parse_override reads it back.
std::string override_spec(const FactOverride& o);

// Parses FIELD[@YEAR]=VALUE. Yearly fields need a year; values are read as in the data contract
// (money in 万元, booleans true/false/是/否, enum ids, ISO dates).
Result<FactOverride> parse_override(std::string_view spec);

// A pool holding only enterprise `e` of `pool`, with the overrides applied.
Result<Pool> pool_with_overrides(const Pool& pool, uint32_t e, std::span<const FactOverride> overrides);

// A pool holding only enterprise `e` of `pool`, with some titles added (as if granted) and, when
// `carry_to_year` is later than the pool's last fiscal year, that year's facts repeated for every
// year up to it (the firm "as it is" assessed on a later day: figures unchanged, growth zero).
Pool pool_with_titles(const Pool& pool, uint32_t e, std::span<const TitleRecord> titles, int carry_to_year = 0);

// Copies of pool rows (the same enterprise may be copied many times) whose numeric, yes/no,
// enumeration and date facts can be set in place — what-if for many questions at once, without
// building a pool per question (the gap analysis proves millions of suggestions this way). Text
// facts, clearing a fact and years the pool does not have cannot be set in place: set() then
// refuses and the caller uses pool_with_overrides. The copies are for evaluation only: they hold
// no texts (Pool::subset_for_evaluation).
class WhatIfRows {
 public:
  WhatIfRows(const Pool& pool, std::span<const uint32_t> rows);
  // The column holding `r` in this copy, or nullptr when it cannot be set in place.
  Column* column(const FieldRef& r);
  // Sets the overrides on copy `row`; false, with nothing changed, when one cannot be set in place.
  bool set(uint32_t row, std::span<const FactOverride> overrides);
  const Pool& pool() const { return pool_; }

 private:
  Pool pool_;
};

// One copy of enterprise `e` whose facts can be changed in place and changed back.
class FirmSandbox {
 public:
  FirmSandbox(const Pool& pool, uint32_t e);
  // Sets the overrides (undoing any earlier ones first); false, with nothing changed, when one of
  // them cannot be done in place.
  bool apply(std::span<const FactOverride> overrides);
  // Back to the firm as it is.
  void reset();
  const Pool& pool() const { return rows_.pool(); }

 private:
  struct Saved {
    Column* column;
    int64_t value;
    uint8_t present;
  };
  WhatIfRows rows_;
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

// Parses a title assumed granted, TIER@YYYY-MM-DD ("srdi-sme@2026-09-01": the SRDI SME title
// from that day, valid for the tier's usual term). The tier is not checked against the policies
// here; the caller does that with its registry.
Result<TitleRecord> parse_title_grant(std::string_view spec);

// Assesses enterprise `e` under every plan as it is and with the overrides (facts changed) and
// `titles` (titles assumed granted: "if it gets SRDI in 2026 …").
Result<std::vector<WhatIfResult>> what_if(std::span<const Plan* const> plans, const Pool& pool,
                                          uint32_t e, std::span<const FactOverride> overrides,
                                          std::span<const TitleRecord> titles = {});

// The assessment of row `e` of `pool` under one plan (a batch of one). `scratch`, when given, is
// the evaluator's working state for `plan`, reused between calls (allocating it costs more than
// evaluating one firm: several MB for a large plan).
AssessmentResult assess_one(const Plan& plan, const Pool& pool, uint32_t e, BatchState* scratch = nullptr);

}  // namespace gradus
