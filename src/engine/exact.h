// Exact single-row evaluation for boundary cases. The vector evaluator computes in binary floating
// point; when a comparison's two sides are within a hair of each other it asks this module, which
// recomputes both sides for that one enterprise in exact rational arithmetic (Boost.Multiprecision),
// so 138 / 4600 × 100 ≥ 3 is decided as exactly true. cagr() is compared exactly by raising the
// threshold side to the n-th power instead of taking a root.
#pragma once

#include <optional>

#include "engine/plan.h"
#include "engine/pool.h"

namespace gradus {

// The exact truth of `l op r` for one enterprise, or nullopt when a side is missing, undefined or
// not exactly computable (the caller keeps its floating-point answer).
std::optional<bool> exact_compare(const Plan& plan, const Pool& pool, uint32_t row, const Expr& l, CompareOp op,
                                  const Expr& r);
// Same against a constant written in the policy file (a decimal with at most 6 places).
std::optional<bool> exact_compare_const(const Plan& plan, const Pool& pool, uint32_t row, const Expr& l,
                                        CompareOp op, double constant);

}  // namespace gradus
