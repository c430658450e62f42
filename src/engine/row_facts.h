// Per-enterprise facts derived from the pool's event lists and IP items (titles held, honours in
// force, incidents within a window, awards, 创客中国 lists, IP counts as of a date). Shared by the
// vector evaluator and the exact single-row evaluator so both read the facts the same way.
// Empty lists mean "none recorded" (docs/policy-language.md §3), never "missing".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "engine/pool.h"

namespace gradus {

// Raw value of a field for one enterprise (enterprise field when year == 0), or nullopt when
// missing. IP counts are derived from the enterprise's IP items when it has any (as of `as_of`).
std::optional<int64_t> read_fact(const Pool& pool, FieldId field, int year, uint32_t row, Date as_of);
// The row's registered region code (6 digits), 0 when unknown.
int32_t region_of(const Pool& pool, uint32_t row);

bool holds_title(const Pool& pool, uint32_t row, Date as_of, const std::vector<std::string>& tiers);
bool honour_valid(const Pool& pool, uint32_t row, Date as_of, uint64_t kinds);
int incidents_within(const Pool& pool, uint32_t row, Date as_of, int years, uint64_t kinds);
int incidents_active(const Pool& pool, uint32_t row, Date as_of, uint64_t kinds);
// Awards of at least `level` (ordinal into award_levels()) within `years` years with rank <= max_rank
// (0 = any). `*rank_unknown` is set when an otherwise qualifying award has no rank.
int awards_within(const Pool& pool, uint32_t row, Date as_of, int years, int level, int max_rank,
                  bool* rank_unknown);
bool maker_china_within(const Pool& pool, uint32_t row, Date as_of, int years, int list);

// Whether `field` is one of the IP counts derived from items.
bool is_ip_count(FieldId field);

}  // namespace gradus
