// The store's schema: versioned migrations (applied in order, each once, recorded in
// schema_migrations) and the mapping between the field catalogue (core/fields.h) and the columns
// of the versioned fact tables.
//
// Tables (docs/store.md has the full description):
//   schema_migrations   version, name, applied_at
//   import_batches      one row per write: who, when, from which file (sha256), what kind
//   enterprises         id, uscc, first_batch
//   enterprise_versions the static facts of an enterprise, one row per version
//   yearly_facts        the yearly facts of an enterprise and fiscal year, one row per version
//   titles, incidents, awards, honours, maker_china, ip_items   event records, versioned
//   audit_log           append-only, hash-chained
//   assessment_runs, assessment_outcomes                        stored assessment results
//   assessment_results, assessment_criteria                     (migration 3) runs, one row per firm
//   users, sessions, api_tokens, idempotency_keys               (migration 4) accounts (src/auth)
// Migration 3 adds `checks` (the row's check string) to every table an import writes, and keeps
// new runs in assessment_results (assessment_outcomes holds the runs saved before).
// Migration 5 changes no table: the audit chain covers the records of batches and runs
// (records.h); the batches and runs a store holds when it is upgraded are recorded in one audit
// entry of the migration ("trusted at migration").
// Every versioned row carries from_batch (the batch that wrote it) and to_batch (the batch that
// replaced it, NULL while current), so the store as known after any batch can be read back.
//
// Values: money, ratios, counts and decimals are BIGINT in micro-units (value × 10^6, exact, as
// in the engine); booleans 0/1; dates ISO text; enumerations their ids as text (sets joined with
// ';'); region and industry codes as text.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/fields.h"
#include "core/status.h"
#include "store/sql.h"

namespace gradus::store {

// The newest schema version this build knows.
int latest_schema_version();

// From this version on, every written row carries its check string (tables.h RowCheck), and runs
// are saved one row per firm in assessment_results, with their criteria not met or unknown.
inline constexpr int kRowChecksSchema = 3;

// Applies every migration newer than the database's version, each in its own transaction.
// Fails (changing nothing more) when the database is newer than this build.
// `applied` receives the number of migrations applied. `up_to` stops after that version (tests
// of upgrades from an older schema).
Status migrate(SqlConnection& c, int* applied = nullptr, std::optional<int> up_to = std::nullopt);

// The database's schema version (0 for an empty database).
Result<int> schema_version(SqlConnection& c);

// A fact column: enterprise-scope fields go to enterprise_versions, yearly ones to yearly_facts.
struct FactColumn {
  const FieldDef* field;
  bool is_text;  // stored as TEXT (else BIGINT)
};
std::span<const FactColumn> static_fact_columns();  // every enterprise-scope field but uscc
std::span<const FactColumn> yearly_fact_columns();

// Raw pool value (core/fields.h encoding) → SQL text for TEXT columns (enums, dates, codes).
std::string encode_text_value(const FieldDef& f, int64_t raw);
// The inverse; nullopt when the stored text is not a valid value of the field.
std::optional<int64_t> decode_text_value(const FieldDef& f, std::string_view text);

// Current time, UTC, ISO 8601 with microseconds ("2026-12-02T08:15:30.123456Z"); strictly
// increasing within the process.
std::string now_timestamp();

}  // namespace gradus::store
