// What an export of the pool carries besides the facts (`gradus export`, GET /api/v1/export):
// held titles named by their tier's name in the user's language, and — when policies are given —
// each firm's outcome and score under each of them and the as-of date, as the assessment sheet.
//
//   ExportOptions opt = pool_export_options(registry, plans, pool, Lang::zh);
//   Status s = export_pool_xlsx(pool, "pool.xlsx", opt);
//
// Thread-safety: reads its arguments only.
#pragma once

#include <vector>

#include "core/text.h"
#include "engine/plan.h"
#include "engine/pool.h"
#include "export/export.h"

namespace gradus {

class PolicyRegistry;

// `plans` (possibly none) were compiled for one as-of date, written in the last column.
ExportOptions pool_export_options(const PolicyRegistry& registry,
                                  const std::vector<const Plan*>& plans, const Pool& pool,
                                  Lang lang);

}  // namespace gradus
