// The enterprise pool kept in a database: SQLite (one file, the embedded default) or PostgreSQL
// (many users), the same schema and behaviour behind one class. Every write is one transaction
// (all or nothing: a killed process leaves the store as it was), every change keeps its batch
// (who, when, from which file) and the version it replaced, and every batch is entered in the
// hash-chained audit log. The whole pool — or the pool as it was known at a past moment — loads
// into the engine's columnar Pool in one pass.
//
//   Result<std::unique_ptr<Store>> s = Store::open("sqlite:gradus.db");   // must exist; migrates
//   Result<std::unique_ptr<Store>> made = Store::open("sqlite:new.db", {.create = true});
//   Result<ImportSummary> sum = (*s)->import_pool(pool_from_file, {.actor = "wang", .source =
//   "a.csv"}); Result<Pool> now = (*s)->load_pool(); Result<Pool> then =
//   (*s)->load_pool({.known_batch = 3}); Result<AuditCheck> check = (*s)->verify_audit();
//
// Thread-safety: one Store per thread (it owns one connection). Separate processes may use the
// same database at once: writers take the store's write lock and queue.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fields.h"
#include "core/status.h"
#include "engine/pool.h"
#include "ingest/ingest.h"
#include "store/sql.h"

namespace gradus::store {

// Called during long writes with (rows done, rows in all); may be empty.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

// Fills in where a fact of the incoming pool was written in its file (sheet, row, column as
// headed, value as written), for messages about it. Given by a caller that knows (the file
// reader); without it a message names the file, the firm, the field and the value.
using LocateFn =
    std::function<void(uint32_t enterprise, const FieldDef& field, int year, InputError& where)>;

struct ImportOptions {
  std::string actor;          // who (a user name); required
  std::string source;         // the file (or request) the data came from
  std::string source_sha256;  // of the file's bytes; empty when not a file
  // import | titles | demo | edit. A "demo" import is refused (failed_precondition, nothing
  // written) when the store holds any batch of another kind.
  std::string kind = "import";
  uint64_t rows_read = 0;  // input rows, for the record
  bool dry_run = false;    // compute the changes, write nothing
  ProgressFn progress;
  // Cross-checks against the store: the consistency rules of a single file (ingest/checks.h:
  // main revenue ≤ revenue, R&D staff ≤ employees, IP counts …) are applied to the merged facts —
  // the stored ones overlaid with the incoming ones — for every pair with an incoming side. Any
  // violation refuses the whole import (invalid_argument, nothing written, also on a dry run);
  // each one is appended here when given, with file (`source`), row, column, value and a reason
  // naming the stored value and the batch and file it came from.
  std::vector<InputError>* conflicts = nullptr;
  LocateFn locate;
  // Checked first, under the write lock, inside the import's transaction (queries on this store
  // see what the import will build on): a non-ok status refuses the import with that status and
  // nothing is written. The server checks an edit's If-Match here, so that two edits of one firm
  // — from this process or another — cannot both pass the check.
  std::function<Status()> precondition;
  // Commit an import that changes no fact (instead of rolling it back), so that what
  // `precondition` wrote in the transaction is kept: the workflow's grants write their actions
  // there and the titles in the same transaction, even when the titles were already stored.
  bool commit_when_unchanged = false;
};

// One fact that an import sets or changes. `year` is 0 for a static fact; events are listed with
// field = the event table and before/after describing the record.
struct FactChange {
  std::string uscc;
  std::string field;
  int year = 0;
  std::string before;  // "" when it had no value
  std::string after;
};

struct ImportSummary {
  int64_t batch_id = 0;  // 0 when nothing changed (a no-op) or on a dry run
  uint32_t enterprises_in_input = 0;
  uint32_t enterprises_new = 0;
  uint32_t enterprises_changed = 0;  // existing, with at least one change
  uint32_t enterprises_unchanged = 0;
  uint64_t static_versions = 0;     // enterprise_versions rows written
  uint64_t yearly_versions = 0;     // yearly_facts rows written
  uint64_t events_added = 0;        // event rows written (new or replacing)
  uint64_t fields_changed = 0;      // facts whose value changed (not counting new enterprises)
  std::vector<FactChange> changes;  // changed facts of existing enterprises (first 10,000)
};

struct LoadOptions {
  // The store as it was right after this batch (nullopt: now). See batch_at().
  std::optional<int64_t> known_batch = std::nullopt;
  // Only these enterprises (by USCC; those the store does not have are left out).
  std::optional<std::vector<std::string>> only = std::nullopt;
};

struct BatchInfo {
  int64_t id = 0;
  std::string kind, at, actor, source, source_sha256;
  int64_t rows_read = 0;
};

// One line of an enterprise's history: a fact set or changed, an event recorded or replaced.
struct HistoryEntry {
  BatchInfo batch;
  std::string field;  // field name, or the event table
  int year = 0;       // for yearly facts
  std::string before, after;
};

struct AuditEntry {
  int64_t seq = 0;
  std::string at, actor, action;
  std::optional<int64_t> batch_id;
  std::string detail;  // JSON
  std::string prev_hash, hash;
};

// A stored row that no longer holds what its batch wrote (found by its check string, see
// `gradus audit verify`): the firm, and the fields whose values differ.
struct TamperedRow {
  int64_t batch = 0;
  std::string table;  // enterprises, enterprise_versions, yearly_facts, titles, …
  int64_t row_id = 0;
  std::string uscc, name;           // the firm the row belongs to (as stored now)
  int year = 0;                     // yearly_facts: the fiscal year
  std::vector<std::string> fields;  // column names (field names of the contract for facts)
  bool added = false;               // a row with no check string in a batch that wrote them
};

// A field of a batch's or run's record (schema 5) that differs from what the audit chain holds.
struct TamperedField {
  std::string name;  // kind, at, actor, source, source_sha256, rows_read; as_of, mode, policies, …,
                     // rows, results
  std::string recorded;  // as the chain holds it
  std::string now;       // as stored now
};

// A batch (import_batches) or assessment run (assessment_runs and its outcomes) whose record no
// longer matches the audit chain.
struct TamperedRecord {
  std::string what;  // "batch" or "run"
  int64_t id = 0;
  std::vector<TamperedField> fields = {};
  bool deleted = false;     // recorded in the chain, gone from the store
  bool unrecorded = false;  // in the store, not in the chain
};

struct AuditCheck {
  bool ok = true;
  int64_t entries = 0;
  int64_t batches_checked = 0;
  int64_t runs_checked = 0;              // assessment runs whose record was checked (schema 5)
  std::optional<int64_t> first_bad_seq;  // the first entry that does not verify
  Text problem;                          // what is wrong with it
  std::string head_hash;  // hash of the last entry (write it down to detect truncation)
  // The rows found changed, in batches whose digest fails (first 100); empty when the change
  // cannot be located (a row deleted, a replaced row's to_batch changed, a store written before
  // schema 3).
  std::vector<TamperedRow> tampered;
  // Batches and runs whose records differ from the chain (schema 5): metadata edited, a run's
  // outcomes changed or deleted, a run deleted.
  std::vector<TamperedRecord> records = {};
};

// One enterprise's outcome in an assessment run.
struct StoredOutcome {
  uint32_t enterprise = 0;  // index in the Pool the run was computed on
  std::string policy, version, outcome, score, result;
  // The leaf criteria that block the outcome — not met, and unknown (facts missing) — each
  // lying under no group that is met, as their numbers in RunInfo::criteria for this policy and
  // version, joined by ',' ("3,7,12"). Numbers rather than ids: a 100k-firm run holds 600k
  // outcomes, and the ids made it 80 MB. Stored from schema version 3 on.
  std::string not_met = {}, unknown = {};
};

// The criteria a run's outcomes refer to by number (StoredOutcome::not_met / unknown).
struct RunCriterion {
  std::string policy, version;
  int64_t number = 0;
  std::string id;
};

struct RunInfo {
  int64_t id = 0;
  // policies: the keys (id@version) of the policies assessed, joined by ','; every stored
  // outcome's policy must be one of them.
  std::string at, actor, as_of, mode, policies;
  int64_t known_batch = 0;
  int64_t outcomes = 0;
  std::vector<RunCriterion> criteria =
      {};  // given to save_run / begin_run; not read back by runs()
};

// A firm whose outcome for a policy differs between two runs, or whose blocking criteria do.
struct OutcomeChange {
  std::string uscc, name, policy, before, after;  // before/after: "" when absent in that run
  std::string version_before, version_after;      // the policy version each run applied
  // The blocking criteria (StoredOutcome::not_met / unknown) in each run; `*_recorded` is false
  // for a run saved before schema version 3 (its criteria were not kept).
  std::vector<std::string> not_met_before, not_met_after, unknown_before, unknown_after;
  bool recorded_before = false, recorded_after = false;
};

struct OpenOptions {
  // Create the store when it does not exist: the SQLite file, or the gradus schema in an existing
  // PostgreSQL database. Only `gradus init` and `gradus demo` create; every other use opens an
  // existing store, so that a mistyped --db fails instead of answering from an empty store.
  bool create = false;
};

class Store;

// One assessment run being written (Store::begin_run): add() the outcomes — a firm's outcomes one
// after another, each policy once (they make one row) — then commit(); a writer destroyed
// without commit() writes nothing.
//
//   auto w = store.begin_run(pool, info, pool.size() * plans.size(), on_progress);
//   for (const StoredOutcome& o : chunk) if (Status s = (*w)->add(o); !s.ok()) …
//   Result<int64_t> run = (*w)->commit();
class RunWriter {
 public:
  ~RunWriter();
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;
  Status add(const StoredOutcome& o);
  // Records the run in the audit log and commits; returns the run's number.
  Result<int64_t> commit();

 private:
  friend class Store;
  RunWriter(Store& store, const Pool& pool) : store_(store), pool_(pool) {}
  Store& store_;
  const Pool& pool_;
  Status flush_row();
  RunInfo info_;
  int64_t run_ = 0;
  bool per_firm_ =
      false;           // schema 3: one assessment_results row per firm (else assessment_outcomes)
  int schema_ = 0;     // the store's schema version
  bool open_ = false;  // the transaction is open
  std::vector<int64_t> id_of_row_;
  std::vector<std::string> policies_;  // keys of info_.policies, in order: a part's number
  std::unique_ptr<SqlBulkInsert> bulk_;
  int64_t row_enterprise_ = 0;  // the firm whose parts row_ gathers (0: none)
  std::string row_;
  uint64_t done_ = 0, expected_ = 0;
  ProgressFn progress_;
};

class Store {
 public:
  // Opens the store and applies pending migrations (an existing store is upgraded whatever
  // `create` says). Without `create`, a SQLite file that does not exist — or a database (SQLite
  // file or PostgreSQL) without the gradus schema — is a not_found error naming the URL and the
  // path, and nothing is created.
  static Result<std::unique_ptr<Store>> open(std::string_view url, const OpenOptions& options = {});
  explicit Store(std::unique_ptr<SqlConnection> c) : conn_(std::move(c)) {}

  SqlConnection& connection() { return *conn_; }
  std::string describe() const { return conn_->describe(); }

  // Merges a pool read from an input file into the store in one transaction: new enterprises are
  // added; for existing ones, every fact the input gives replaces the stored one (a fact the input
  // leaves empty is kept); event records (titles, incidents, awards, honours, 创客中国, IP items)
  // are added unless already stored, and a record whose key matches a stored one but whose details
  // differ replaces it. Nothing that is already stored identically is written again: importing the
  // same file twice changes nothing (batch_id 0).
  Result<ImportSummary> import_pool(const Pool& incoming, const ImportOptions& options);

  // The pool as stored now, or as known right after a batch.
  Result<Pool> load_pool(const LoadOptions& options = {});

  // The last batch written at or before `timestamp` (ISO date "2026-06-30" = the end of that day,
  // UTC+8, or a full timestamp); nullopt when the store had nothing then.
  Result<std::optional<int64_t>> batch_at(std::string_view timestamp);
  Result<std::vector<BatchInfo>> batches();
  Result<std::vector<HistoryEntry>> history(std::string_view uscc);
  // The last batch that wrote or retired any fact or event of the enterprise (its version: an
  // edit of it from anywhere raises it); not_found when the store has no such enterprise.
  Result<int64_t> enterprise_version(std::string_view uscc);
  // The newest row id of the enterprises table and of every versioned table (each by its primary
  // key: instant). Read before head_batch() and a load, they mark what the loaded pool holds.
  Result<std::vector<int64_t>> row_marks();
  // The enterprises (USCCs) with a row written after the marks — created, or any fact or event
  // written or replaced (a write always adds rows): load_pool({.known_batch = head, .only = them})
  // and Pool::with_firms bring a pool loaded at those marks up to `head`.
  Result<std::vector<std::string>> enterprises_written_since(const std::vector<int64_t>& marks);
  // The newest batch of the store (0 when empty): what the server compares to know whether the
  // pool it holds in memory is still current.
  Result<int64_t> head_batch();

  Result<std::vector<AuditEntry>> audit_log(int64_t limit = 0);
  // Appends an entry (its own transaction unless one is open: pass in_transaction).
  Status append_audit(std::string_view actor, std::string_view action,
                      std::optional<int64_t> batch_id, std::string_view detail_json,
                      bool in_transaction = false);
  // Walks the chain: every entry's hash, its link to the previous one, sequence numbers without
  // gaps, for every import batch the digest of the rows it wrote against what is stored, and
  // (schema 5) the record of every batch and assessment run against the one in the chain.
  // `progress` is called with (rows read, rows in all) as the tables are read back.
  Result<AuditCheck> verify_audit(const ProgressFn& progress = {});

  // Stores the outcomes of an assessment of `pool` (loaded from this store) as a dated run, in
  // one transaction through the backend's bulk path; `progress` is called with (outcomes written,
  // all outcomes). The same as begin_run, add each, commit.
  Result<int64_t> save_run(const Pool& pool, const RunInfo& info,
                           const std::vector<StoredOutcome>& outcomes,
                           const ProgressFn& progress = {});
  // Starts writing a run whose outcomes are added as they are computed, so that they need not
  // all be held at once (`expected`: how many will be added, for progress). Takes the store's
  // write lock until the writer commits or is destroyed. `pool` must outlive the writer.
  Result<std::unique_ptr<RunWriter>> begin_run(const Pool& pool, const RunInfo& info,
                                               uint64_t expected = 0, ProgressFn progress = {});
  Result<std::vector<RunInfo>> runs();
  // Every (firm, policy) whose outcome differs between the runs, or — both runs having kept
  // them — whose blocking criteria differ; in enterprise, then policy order.
  Result<std::vector<OutcomeChange>> diff_runs(int64_t before, int64_t after);

 private:
  std::unique_ptr<SqlConnection> conn_;
};

// The URL to use: `flag` when given, else $GRADUS_DB, else sqlite:gradus.db.
std::string database_url(std::string_view flag);

}  // namespace gradus::store
