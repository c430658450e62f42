// A tier's accreditation workflow as data (workflows/*.yaml, embedded; a zone adds its own file):
// the review levels in order and who acts at each, whether a second reviewer is needed, the share
// drawn for an on-site spot check, the notice period in working days, the annual-update deadline
// by rule version, the months to report a major change and the years of the ban after a
// revocation — each with the source it was read from (../shared/policy/REFERENCE.md §4).
//
//   std::string errors;
//   std::vector<WorkflowDefinition> all = WorkflowDefinition::shipped(&errors);
//   Result<WorkflowDefinition> w = WorkflowDefinition::parse(yaml_text, "workflows/x.yaml");
//   w->levels_for_machine();    // what application.h's apply() needs
//
// Problems are reported as `file:line:col: message`, all of them. Thread-safety: values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "core/text.h"
#include "workflow/application.h"

namespace gradus::workflow {

// The reviewer levels an account can have (auth::User::level).
inline constexpr std::string_view kReviewerLevels[] = {"park", "county", "city", "province",
                                                       "ministry"};

struct WorkflowDefinition {
  struct Level {
    std::string id;  // a reviewer level
    Text name;
  };
  struct AnnualUpdate {
    Date from;                // the rule version in force from this day
    int month = 4, day = 30;  // the yearly deadline
    std::string source;
  };
  std::string id;            // "little-giant.national" (the file's name without .yaml)
  std::string tier;          // the policy id
  std::string jurisdiction;  // "national" or a province code
  Text title;
  std::string source;
  std::vector<Level> levels;
  bool second_reviewer = false;
  double spot_check_share = 0;   // 0–1
  std::string spot_check_level;  // the level that draws
  std::string spot_check_source;
  int notice_working_days = 5;
  std::string notice_source;
  std::vector<AnnualUpdate> annual_updates;  // by `from`, ascending
  int major_change_report_months = 0;        // 0: no such rule
  int ban_years_after_revocation = 0;
  std::string file;

  static Result<WorkflowDefinition> parse(std::string_view yaml, const std::string& file);
  // The shipped files (workflows/*.yaml); a file that does not load is left out and its problems
  // appended to `*errors` (a shipped one failing is a bug the tests catch).
  static std::vector<WorkflowDefinition> shipped(std::string* errors);

  WorkflowLevels levels_for_machine() const;
  // The annual-update deadline of `year` under the rule in force on that year's deadline day;
  // nullopt when the workflow has no such rule.
  std::optional<Date> annual_update_deadline(int year) const;
};

}  // namespace gradus::workflow
