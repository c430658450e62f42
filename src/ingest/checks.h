// Consistency checks on imported facts: ranges of single values (no negative revenue, ratios in
// 0–100, digitalisation level 1–4, ranks from 1) and pairs that must be ordered (a part never
// exceeds its whole: main-business revenue ≤ operating revenue, R&D staff ≤ employees, …).
// Violations are errors; `niche_since` before `founded` is only a warning.
//
//   if (std::optional<Text> why = check_value(*find_field("revenue"), raw)) report(*why);
//   for (const PairRule& r : yearly_pair_rules()) ...
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/fields.h"
#include "core/text.h"

namespace gradus::ingest {

// The reason when a single value is out of range for its field, else nullopt.
std::optional<Text> check_value(const FieldDef& f, int64_t raw);

// True when check_value(f, raw) is nullopt for every raw >= 0 (only negative values can be out of
// range), so that a caller may skip the call for those.
bool nonnegative_always_ok(const FieldDef& f);

// `part` must not exceed `whole` (both raw values of the same kind).
struct PairRule {
  std::string_view part;
  std::string_view whole;
};
// Rules between yearly facts of the same fiscal year.
std::span<const PairRule> yearly_pair_rules();
// Rules between enterprise-scope facts (IP counts).
std::span<const PairRule> enterprise_pair_rules();

// Reason for a violated rule, to follow the part's quoted value: `is greater than revenue
// ("5000")`. `whole_column` is the whole's header or JSON path as the user wrote it, `whole_value`
// its text.
Text pair_violation(const FieldDef& whole, std::string_view whole_column,
                    std::string_view whole_value);

// Warning for niche_since earlier than founded (`founded_value` as written).
Text niche_before_founded(std::string_view founded_column, std::string_view founded_value);

}  // namespace gradus::ingest
