// The JSON enterprise form: one object per firm with its static facts and IP counts at the top
// level, yearly facts under `years`, and event lists (ip_items, awards, maker_china, honours,
// titles, incidents). Numbers may be JSON numbers or strings and are read exactly from their
// text; `null` is missing; an unknown key is an error naming its path (`years.2025.revenu`).
// A JSON array of flat rows (objects with a `year` key) is read as the flat form instead.
// See docs/data-format.md.
//
//   PoolBuilder builder;
//   IngestReport report;
//   Status s = load_json_text(text, "pool.json", builder, report);  // not JSON → !s.ok()
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/pool.h"
#include "ingest/ingest.h"
#include "ingest/json_value.h"

namespace gradus::ingest {

// True when `rows` is an array holding flat-row objects (some object has `year`, none `years`).
bool is_flat_json(const JsonValue& rows);

// Reads JSON text in either form into `builder`, reporting problems in `report` (firm indices
// are 1-based). Fails as a whole only when the text is not JSON, or is neither an array nor an
// object with an `enterprises` array. options.ignore_unknown_columns applies to the keys of flat
// rows (columns); an unknown key of the enterprise form is always an error.
Status load_json_text(std::string_view text, const std::string& file, PoolBuilder& builder,
                      IngestReport& report, const IngestOptions& options = {});

}  // namespace gradus::ingest
