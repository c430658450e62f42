// Internal to the store: the stored pool together with the database ids behind it, as an import
// needs it to compare incoming facts with stored ones and to retire replaced rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/fields.h"
#include "engine/pool.h"
#include "store/sql.h"

namespace gradus::store {

inline uint64_t yearly_key(uint32_t enterprise, int year) {
  return (static_cast<uint64_t>(enterprise) << 16) ^ static_cast<uint64_t>(year & 0xffff);
}

struct StoredState {
  Pool pool;
  std::vector<int64_t> enterprise_ids;                    // [pool index]
  std::vector<int64_t> static_version_ids;                // [pool index], 0 = none
  std::unordered_map<uint64_t, int64_t> yearly_version_ids;  // yearly_key → row id
  // Row ids in the order of the pool's event lists.
  std::vector<int64_t> title_ids, incident_ids, award_ids, honour_ids, maker_ids, ip_ids;
};

// Reads the current rows (or those visible right after `known_batch`); with `only`, of those
// enterprises alone (by USCC; unknown ones are skipped).
Result<StoredState> load_state(SqlConnection& c, std::optional<int64_t> known_batch,
                               const std::vector<std::string>* only = nullptr);

// A raw value as people read it: exact decimals, true/false, enum ids, ISO dates, codes.
std::string display_value(const FieldDef& f, int64_t raw);

}  // namespace gradus::store
