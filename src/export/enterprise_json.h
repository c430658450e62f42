// One enterprise of a pool written in the JSON enterprise form (docs/data-format.md §4) — the
// form the JSON reader takes back, so what the API shows a firm is what it may send to change it.
// Numbers of up to 15 significant digits are JSON numbers (the nearest double prints back as the
// same decimal, which the reader takes from its text); longer ones are strings.
//
//   nlohmann::ordered_json j = enterprise_json(pool, e);   // {"uscc": …, "years": {…}, "titles":
//   […]}
//
// Thread-safety: reads the pool only.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "engine/pool.h"

namespace gradus {

nlohmann::ordered_json enterprise_json(const Pool& pool, uint32_t e);

}  // namespace gradus
