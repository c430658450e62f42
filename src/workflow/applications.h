// Applications for titles as the store keeps them (issue 11): one row per application with its
// assessment frozen when it was made (written once), the actions taken on it (append-only, each
// an entry of the audit chain with the actor's name) and its evidence files (size and SHA-256
// kept, names and types checked). The state is never stored as such: it is the replay of the
// actions through the one state machine (application.h), so a tampered action shows as an error.
//
//   Applications apps(store);
//   Result<int64_t> id = apps.create({.uscc = u, .policy = "srdi-sme", …}, "acme");
//   Status s = apps.add_evidence(*id, "审计报告.pdf", bytes, "acme");
//   Result<ApplicationStatus> st = apps.act(*id, levels, {ActorKind::enterprise, "acme", ""},
//                                           Action::submit, "");
//
// Two reviewers acting at once: each action runs in the store's write transaction and re-reads
// the actions first, so the second sees the first's result (and is refused when it no longer
// applies). Thread-safety: one Applications per Store (per connection), like Store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/store.h"
#include "workflow/application.h"

namespace gradus::workflow {

struct NewApplication {
  std::string uscc;
  std::string policy;    // the tier's policy id
  std::string version;   // the version in force for this application
  std::string mode;      // application | review
  int year = 0;          // the call's year (one application per firm, tier, mode and year)
  std::string workflow;  // the workflow file's id
  std::string frozen;    // JSON: the assessment and facts as of the application
};

struct ActionRecord {
  int64_t seq = 0;
  std::string action, actor, actor_level, at, reason, state_after;
  int64_t level_after = 0;
};

struct EvidenceInfo {
  int64_t seq = 0;
  std::string name, content_type, sha256, added_at, added_by;
  int64_t size = 0;
};

struct ApplicationRecord {
  int64_t id = 0;
  NewApplication what;
  std::string created_at, created_by;
  ApplicationStatus status;  // the replay of `actions`
  std::vector<ActionRecord> actions;
  std::vector<EvidenceInfo> evidence;
};

// Limits of evidence files.
struct EvidenceLimits {
  size_t max_bytes = 20 * 1024 * 1024;
  size_t max_files = 50;
};

// Checks an evidence file: a plain name (1–120 characters, no path, no control characters, not
// starting with '.') ending in .pdf, .png, .jpg, .jpeg or .xlsx, content that is what the name
// says (by its first bytes), not empty and not over the limit. Returns the content type.
Result<std::string> check_evidence(std::string_view name, std::string_view bytes,
                                   const EvidenceLimits& limits = {});

class Applications {
 public:
  explicit Applications(store::Store& store, std::function<std::string()> now = {});

  // A new application in state draft; failed_precondition when the firm has one for the same
  // tier, mode and year that is not rejected or withdrawn.
  Result<int64_t> create(const NewApplication& a, std::string_view actor);
  // The application as made (firm, tier, workflow, frozen assessment), without its actions;
  // not_found when there is none.
  Result<NewApplication> find(int64_t id);
  // One application with its actions replayed through `levels`; not_found when there is none.
  Result<ApplicationRecord> get(int64_t id, const WorkflowLevels& levels);
  // Every application (the caller filters by scope), newest first, actions replayed by the
  // levels `levels_of` gives for a workflow id.
  Result<std::vector<ApplicationRecord>> list(
      const std::function<WorkflowLevels(const std::string& workflow)>& levels_of);
  // Takes an action (see application.h for the rules); returns the new status.
  Result<ApplicationStatus> act(int64_t id, const WorkflowLevels& levels, const Actor& actor,
                                Action action, std::string_view reason);
  // The same inside a write transaction the caller already holds (a notice publishing or
  // granting many applications at once, all or none).
  Result<ApplicationStatus> act_in_transaction(int64_t id, const WorkflowLevels& levels,
                                               const Actor& actor, Action action,
                                               std::string_view reason);
  // Adds an evidence file (only while the application is a draft or returned for correction).
  Result<EvidenceInfo> add_evidence(int64_t id, const WorkflowLevels& levels, std::string_view name,
                                    std::string_view bytes, std::string_view actor,
                                    const EvidenceLimits& limits = {});
  // The bytes of one evidence file (checked against its SHA-256).
  Result<std::string> evidence_bytes(int64_t id, int64_t seq);

 private:
  std::string now() const;
  Result<ApplicationRecord> read(int64_t id, const WorkflowLevels& levels);

  store::Store& store_;
  std::function<std::string()> now_;
};

}  // namespace gradus::workflow
