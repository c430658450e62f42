// Columnar evaluation of compiled plans over the pool: rows are processed in batches of kBatch
// enterprises (struct of arrays, one vector per plan node), batches are spread over threads, and
// every criterion of every enterprise is evaluated (no short-circuit). A sink receives each
// finished batch (in any order, from worker threads) to format or count the results.
//
//   evaluate_pool(plans, pool, /*threads=*/2, [&](size_t batch, const BatchView& v) {
//     for (uint32_t i = 0; i < v.count; ++i) tally[root_outcome(*plans[0], *v.states[0], i)]++;
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "engine/plan.h"
#include "engine/pool.h"

namespace gradus {

constexpr uint32_t kBatch = 1024;

// Flags on a score interval.
inline constexpr uint8_t kPointsUnknown = 1, kPointsManual = 2;

// The evaluation state of one plan over one batch (owned by one thread).
struct BatchState {
  explicit BatchState(const Plan& plan);
  // Makes this state serve `other` — the same policy compiled for another day — without
  // reallocating: when the shapes agree (nodes, criteria, indicators, sub-plans) the constant
  // nodes that differ are refilled and true is returned; otherwise false, and the state must not
  // be used for either plan. The plan it served must still be alive.
  bool rebind(const Plan& other);

  const Plan* plan;
  uint32_t begin = 0;  // first pool row of the batch
  uint32_t count = 0;
  std::vector<double> val;        // [node][i]
  std::vector<uint8_t> st;        // [node][i]: kValueOk / kValueMissing / kValueUndefined
  std::vector<uint8_t> outcome;   // [criterion][i]: Outcome
  // Score: per indicator, per class and for the total: the interval of points still possible.
  std::vector<double> lo, hi;     // [indicator][i]
  std::vector<uint8_t> flags;     // [indicator][i]
  std::vector<int8_t> band;       // [indicator][i]: band that scored (-1 none / undecided)
  std::vector<uint8_t> variant;   // [indicator][i]: 0 frame, k overlay k
  std::vector<double> class_lo, class_hi;  // [class][i]
  std::vector<uint8_t> class_flags;
  std::vector<double> total_lo, total_hi;  // [i]
  std::vector<uint8_t> total_flags;
  std::vector<uint8_t> pass;      // [i]: Outcome of the score's pass rules
  // Classify.
  std::vector<int8_t> result;     // [i]: class index, -1 when not decided
  std::vector<uint8_t> possible;  // [i]: bit set of classes still possible
  std::vector<int16_t> category;  // [i]: -1 when the industry is missing
  std::vector<uint8_t> class_outcome;
  std::vector<std::unique_ptr<BatchState>> subs;  // one per sub-plan

  const double* v(int node) const { return &val[static_cast<size_t>(node) * kBatch]; }
  const uint8_t* s(int node) const { return &st[static_cast<size_t>(node) * kBatch]; }
};

// Evaluates rows [begin, begin + count) of the pool (count <= kBatch) into `state`.
void evaluate_batch(const Plan& plan, const Pool& pool, uint32_t begin, uint32_t count, BatchState& state);

// Evaluates only what the leaf criteria `criteria` read, for rows [begin, begin + count), as if
// on `as_of`, into those criteria's outcomes in `state` (nothing else in it is meaningful after).
// Leaves that read another policy are refused. `as_of` must fall in the plan's as-of year (its
// fiscal years and January-1 table are that year's); on another day than the plan's own, a leaf
// must read no yearly fact and no title, and need no exact boundary recheck — then its outcome is
// the one a plan compiled for `as_of` gives (the gap analysis's time search). False, with nothing
// evaluated, when a criterion is refused.
bool evaluate_leaves(const Plan& plan, const Pool& pool, uint32_t begin, uint32_t count, BatchState& state,
                     std::span<const int> criteria, Date as_of);

// The policy's outcome for row i of the batch.
Outcome root_outcome(const BatchState& state, uint32_t i);

struct BatchView {
  uint32_t begin = 0;
  uint32_t count = 0;
  std::span<BatchState* const> states;  // one per plan, in the order given
};
using BatchSink = std::function<void(size_t batch_index, const BatchView& view)>;

// Evaluates every plan over the whole pool on `threads` threads (0 = hardware concurrency).
// The sink is called once per batch, concurrently from worker threads.
void evaluate_pool(std::span<const Plan* const> plans, const Pool& pool, unsigned threads, const BatchSink& sink);
// Same for batches [first_batch, last_batch) only (to stream large outputs in order, chunk by chunk).
void evaluate_batches(std::span<const Plan* const> plans, const Pool& pool, size_t first_batch, size_t last_batch,
                      unsigned threads, const BatchSink& sink);

}  // namespace gradus
