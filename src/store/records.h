// Internal to the store: the records of import batches and assessment runs that the audit chain
// protects (schema version 5). A record is a flat JSON object whose values are all strings —
//
//   {"id":"3","kind":"import","at":"2026-12-02T17:06:38.642050Z","actor":"wang",
//    "source":"pool.csv","source_sha256":"9f…","rows_read":"24"}
//   {"id":"1","at":"…","actor":"wang","as_of":"2026-06-30","mode":"application",
//    "known_batch":"2","policies":"srdi-sme@2026","rows":"913","results":"<BLAKE2b-256 hex>"}
//
// — written into the audit entry of the batch ("batch":{…}) or run ("run_record":{…}) when it is
// written, and, for the batches and runs a store held when it was upgraded to schema 5, into one
// entry of the migration ("batches":[…],"runs":[…], "trusted at migration"). `gradus audit
// verify` computes every record again from the stored rows and names the fields that differ.
// A run's "results" digest covers its criteria (assessment_criteria), its per-firm outcomes
// (assessment_results) and the outcomes of a run saved before schema 3 (assessment_outcomes).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql.h"
#include "store/store.h"

namespace gradus::store {

// From this schema version on, batch and run records are in the audit chain.
inline constexpr int kRecordsSchema = 5;

using Record = std::map<std::string, std::string>;

std::string batch_record(const BatchInfo& b);
// The run's record as stored now; nullopt when there is no such run. `schema`: the store's schema
// version (assessment_results and assessment_criteria exist from 3 on).
Result<std::optional<std::string>> run_record(SqlConnection& c, int64_t run, int schema);

// The object that follows `"key":` in `json` (a record, or the first of an array of them when the
// key names an array), or "" when the key is absent. `from` advances past it.
std::string_view object_after(std::string_view json, std::string_view key);
// The objects of an array that follows `"key":` in `json`.
std::vector<std::string_view> objects_in_array(std::string_view json, std::string_view key);
// Parses a record; nullopt when it is not a flat object of strings.
std::optional<Record> parse_record(std::string_view object);

// Appends an audit entry on `c`, inside the caller's transaction (the chain's next link).
Status append_audit_entry(SqlConnection& c, std::string_view actor, std::string_view action,
                          std::optional<int64_t> batch_id, std::string_view detail_json);

// Migration 5: one audit entry holding the records of every batch and run the store holds now,
// which are thereby trusted as they are at migration. Nothing when the store holds neither.
Status record_trusted_at_migration(SqlConnection& c);

}  // namespace gradus::store
