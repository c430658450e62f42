// What `assess --save-run` keeps of each firm and policy, read straight from the evaluated batch
// state: the outcome, the score, the classify result and the ids of the criteria that block the
// outcome (not met / unknown leaves under no met group). It builds no AssessmentResult — the full
// extraction (every criterion's wording, value and threshold) cost 100k firms 12 s of the 14 s
// save-run took (issue 17); this reads a few bytes per criterion.
//
//   for (const Plan* p : plans) add_run_criteria(*p, info);
//   evaluate_batches(plans, pool, …, [&](size_t b, const BatchView& v) {
//     for (uint32_t i = 0; i < v.count; ++i)
//       for (size_t k = 0; k < plans.size(); ++k)
//         outcomes[b].push_back(stored_outcome(*plans[k], *v.states[k], i));
//   });
//   db->save_run(pool, info, all_outcomes, progress_callback);
//
// Thread-safety: reads only its arguments; call it from the batch's own thread.
#pragma once

#include <cstdint>

#include "engine/evaluate.h"
#include "store/store.h"

namespace gradus {

// Adds the plan's leaf criteria to the run's dictionary (numbered by their index in
// Plan::criteria, the numbers stored_outcome writes).
void add_run_criteria(const Plan& plan, store::RunInfo& info);

// Row i of the batch (pool row state.begin + i) under `plan`.
store::StoredOutcome stored_outcome(const Plan& plan, const BatchState& state, uint32_t i);

}  // namespace gradus
