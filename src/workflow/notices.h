// Public notices (公示) of approved applications (issue 11): the recognising office publishes a
// batch for a period of working days (core/working_days.h); objections are taken (real name and
// contact, with the text) and resolved — an upheld one refuses its application; after the period,
// closing the notice grants the titles of the applications still in it: each a title valid from
// the closing day for the tier's validity, written as an import of kind "titles" in the same
// transaction as the grant actions, so a notice is either open or closed with all its titles.
//
//   Notices notices(store, apps);
//   Result<int64_t> n = notices.publish({.applications = {7, 9}, .title = "…", …}, levels_of,
//   "miit"); Result<CloseSummary> done = notices.close(*n, today, 3, levels_of, "miit");
//
// Thread-safety: one Notices per Store (per connection), like Store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "core/working_days.h"
#include "store/store.h"
#include "workflow/applications.h"

namespace gradus::workflow {

struct Objection {
  int64_t seq = 0, application = 0;
  std::string objector, contact, text, filed_at, filed_by;
  std::string resolution;  // "" while open, "upheld" or "dismissed"
  std::string resolution_reason, resolved_at, resolved_by;
};

struct NoticeRecord {
  int64_t id = 0;
  std::string policy, title, document_no;
  Date published_on, ends_on;
  int working_days = 0;
  std::string created_at, created_by, closed_at, closed_by;  // closed_at "" while open
  std::vector<int64_t> applications;
  std::vector<Objection> objections;
};

struct NewNotice {
  std::vector<int64_t> applications;
  std::string title;        // e.g. 2026年第一批专精特新中小企业拟认定名单
  std::string document_no;  // the recognising document's number, when known
  Date published_on;
  int working_days = 5;
};

struct CloseSummary {
  std::vector<int64_t> granted, refused;  // applications
  int64_t batch = 0;                      // the titles' import batch (0: they were stored already)
};

using LevelsOf = std::function<WorkflowLevels(const std::string& workflow)>;

class Notices {
 public:
  Notices(store::Store& store, Applications& apps, const WorkingDays& days,
          std::function<std::string()> now = {});

  // Publishes: every application must be approved and of one tier; their publish actions, the
  // notice and its end (the working day `working_days` after publication) in one transaction.
  Result<int64_t> publish(const NewNotice& n, const LevelsOf& levels_of, std::string_view actor);
  Result<NoticeRecord> get(int64_t id);
  Result<std::vector<NoticeRecord>> list();
  // Files an objection against one application of an open notice, on or before its last day.
  Result<int64_t> object(int64_t notice, int64_t application, std::string_view objector,
                         std::string_view contact, std::string_view text, Date today,
                         std::string_view actor);
  // Resolves an open objection; an upheld one refuses its application (with `reason`).
  Status resolve(int64_t notice, int64_t seq, bool upheld, std::string_view reason,
                 const LevelsOf& levels_of, std::string_view actor);
  // Closes a notice whose period has ended (today after ends_on) and whose objections are all
  // resolved: grants the titles of the applications still in notice, valid `validity_years`
  // from today. Refused before the end, with an open objection, or when closed already.
  Result<CloseSummary> close(int64_t notice, Date today, int validity_years,
                             const LevelsOf& levels_of, std::string_view actor);

 private:
  std::string now() const;

  store::Store& store_;
  Applications& apps_;
  const WorkingDays& days_;
  std::function<std::string()> now_;
};

}  // namespace gradus::workflow
