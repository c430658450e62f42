// The whole pool's gap report: for every firm and tier, the unmet criteria with the smallest
// proven change of one fact each, the facts to enter and what a reviewer must judge — as CSV (one
// line per proven change; a criterion without one still gets a line) or, with `summary`, one line
// per firm and tier; firms in pool order, tiers in the order given. Each firm is judged as
// judgement_for says (a holder by the review of its title, anyone else by the version in force at
// its next call, on that call's first day) unless versions are forced. The pool is analysed a few
// batches at a time and each part written before the next is analysed, so memory stays bounded
// whatever the pool's size. `gradus gap --all` and the server's gap-report jobs both call it.
//
//   PoolGapReportOptions o;
//   o.lang = Lang::en;
//   o.assess = options;                       // as-of date and mode
//   Status s = write_pool_gap_report(registry, calls, plans, pool, o, &std::cout, "");
//   s = write_pool_gap_report(registry, calls, plans, pool, o, nullptr, "gaps.xlsx");
//
// Thread-safety: reads its arguments only; uses o.threads worker threads internally.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/text.h"
#include "engine/plan.h"
#include "engine/pool.h"
#include "policy/calls.h"

namespace gradus {

class PolicyRegistry;

struct PoolGapReportOptions {
  Lang lang = Lang::zh;
  bool summary = false;          // one line per firm and tier instead of one per change
  bool versions_forced = false;  // a policy was named with @VERSION: every firm by that version
  unsigned threads = 0;          // 0: every core
  AssessOptions assess;          // the as-of date and mode firms are judged from
  // (firms done, firms in all), after each part is written.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// Writes the report as CSV (UTF-8 with BOM, "\n" line ends) to `csv` when `xlsx_path` is empty,
// else as a workbook at `xlsx_path` whose sheet continues on "差距(2)" … at Excel's row limit
// (counts are number cells). `rows_written`: the lines or rows after the header.
Status write_pool_gap_report(const PolicyRegistry& registry, const CallCalendar& calls,
                             const std::vector<const Plan*>& plans, const Pool& pool,
                             const PoolGapReportOptions& o, std::ostream* csv,
                             const std::string& xlsx_path, size_t* rows_written = nullptr);

}  // namespace gradus
