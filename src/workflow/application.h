// The life of an application for a title (issue 11), written once: its states, the actions that
// move it, who may take each and what each requires. The store records each action as it is
// taken (append-only, in the audit chain) and the state is always the result of replaying them
// through `apply`; the API, the CLI and the tests ask this table and nothing else.
//
//   draft ──submit──► in_review(level 0) ──approve──► in_review(level 1) … ──approve (last)──►
//   approved
//     │                 │ │                                                                      │
//     │                 │ └─return──► returned ──resubmit──► in_review(same level)        publish│
//     │                 └─reject──► rejected                                                    ▼
//     └─withdraw──► withdrawn  (also from returned, and from level 0 before any review) in_notice
//                                                                   uphold_objection ─► rejected │
//                                                                                          grant ▼
//                                                                                          granted
//
// A level that needs two reviewers (WorkflowLevels::second_reviewer) stays put after the first
// approval and moves on the second, which must come from another person. Return and reject need a
// reason. Reviewers act only at their own level.
//
//   ApplicationStatus s;                                   // draft
//   Result<ApplicationStatus> next = apply(levels, s, {ActorKind::enterprise, "acme"},
//                                          Action::submit, "");
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/text.h"

namespace gradus::workflow {

enum class State { draft, in_review, returned, approved, in_notice, granted, rejected, withdrawn };
enum class Action {
  submit,    // the firm files its draft
  withdraw,  // the firm takes it back (before any review)
  approve,   // a reviewer of the current level
  return_for_correction,
  reject,
  resubmit,          // the firm answers a return
  publish,           // the recognising office puts it in a notice batch
  uphold_objection,  // an objection during the notice found a problem: refused
  grant,             // the notice period ended: the title is granted
};
enum class ActorKind { enterprise, reviewer, office };

// The review levels of a tier's workflow, in order (e.g. park, city, province, ministry).
struct WorkflowLevels {
  std::vector<std::string> levels;  // reviewer levels, as in auth::User::level
  bool second_reviewer = false;     // every level needs two different reviewers' approval
};

struct Actor {
  ActorKind kind = ActorKind::enterprise;
  std::string name;
  std::string level;  // a reviewer's level
};

// Where an application stands.
struct ApplicationStatus {
  State state = State::draft;
  size_t level = 0;  // in_review / returned: the index into WorkflowLevels::levels
  std::vector<std::string> approved_by;  // at the current level (a second reviewer must differ)
  bool reviewed = false;  // some reviewer has acted on it (withdrawal is closed then)
};

// The state after `actor` takes `action`, or the rule it breaks (failed_precondition when the
// state does not allow it, permission_denied when the actor may not, invalid_argument for a
// missing reason) — in words a user can act on.
Result<ApplicationStatus> apply(const WorkflowLevels& wf, const ApplicationStatus& now,
                                const Actor& actor, Action action, std::string_view reason);

// The actions `actor` may take now (for the UI's buttons and the API's `allowed_actions`).
std::vector<Action> allowed_actions(const WorkflowLevels& wf, const ApplicationStatus& now,
                                    const Actor& actor);

// Stable ids ("in_review", "return") and zh/en labels.
const char* state_id(State s);
const char* action_id(Action a);
std::optional<Action> parse_action(std::string_view id);
Text state_label(State s);
Text action_label(Action a);
// Whether the application is finished (granted, rejected or withdrawn).
bool is_final(State s);

}  // namespace gradus::workflow
