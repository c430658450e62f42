// Choosing firms of a pool: the rows in a region, park or industry (the filters every command and
// every API list offers), and one firm named by its USCC or by its name. The CLI and the server
// both call these, so a filter or a lookup means the same everywhere.
//
//   Result<PoolFilter> f = PoolFilter::make("3205", "", "C34");      // region, park, industry
//   if (!f) return f.error();
//   std::vector<uint32_t> rows = filter_rows(pool, *f);               // pool order
//   Result<uint32_t> firm = find_firm(pool, {.name = "示例精密"});   // exact, then unique partial
//
// Thread-safety: no shared state; pools are read only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/pool.h"

namespace gradus {

struct PoolFilter {
  std::string
      region_prefix;  // digits of a GB/T 2260 code: "32" (province), "3205" (city), "320571"
  std::string park;   // the park's name as stored (exact, width-normalised)
  std::string industry_prefix;  // GB/T 4754: a section letter ("C"), division ("C34" or "34"),
                                // group or class
  std::string text;             // part of the name or of the USCC (case-insensitive for the USCC)

  // Validates the parts (digits for the region; a section letter and/or digits for the industry)
  // and normalises them (full-width forms, spaces, lower-case section letters).
  static Result<PoolFilter> make(std::string region_prefix, std::string park,
                                 std::string industry_prefix, std::string text = "");

  bool empty() const {
    return region_prefix.empty() && park.empty() && industry_prefix.empty() && text.empty();
  }
  // Whether row `e` of `pool` passes every part given (a firm without the fact a part reads does
  // not).
  bool keeps(const Pool& pool, uint32_t e) const;
};

// The rows of `pool` the filter keeps, in pool order (every row for an empty filter).
std::vector<uint32_t> filter_rows(const Pool& pool, const PoolFilter& filter);

// One firm, by USCC or by name. A USCC is width-normalised and upper-cased; a name is matched
// exactly first (after width normalisation and trimming), then as a part of exactly one firm's
// name. Errors (not_found / invalid_argument) say what was tried; an ambiguous name lists the
// candidates (up to 20, with their USCCs) in `candidates` and in the message.
struct FirmQuery {
  std::string uscc;
  std::string name;
};
Result<uint32_t> find_firm(const Pool& pool, const FirmQuery& query,
                           std::vector<uint32_t>* candidates = nullptr);

}  // namespace gradus
