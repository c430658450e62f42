// The application state machine (application.h): one table of who may do what in which state.
#include "workflow/application.h"

#include <algorithm>

namespace gradus::workflow {

namespace {

struct ActionInfo {
  Action action;
  const char* id;
  Text label;
  ActorKind by;
  bool needs_reason;
};

const ActionInfo kActions[] = {
    {Action::submit, "submit", {"提交申请", "submit"}, ActorKind::enterprise, false},
    {Action::withdraw, "withdraw", {"撤回申请", "withdraw"}, ActorKind::enterprise, false},
    {Action::approve, "approve", {"审核通过", "approve"}, ActorKind::reviewer, false},
    {Action::return_for_correction,
     "return",
     {"退回修改", "return for correction"},
     ActorKind::reviewer,
     true},
    {Action::reject, "reject", {"不予通过", "reject"}, ActorKind::reviewer, true},
    {Action::resubmit, "resubmit", {"修改后重新提交", "resubmit"}, ActorKind::enterprise, false},
    {Action::publish, "publish", {"列入公示", "publish in a notice"}, ActorKind::office, false},
    {Action::uphold_objection,
     "uphold_objection",
     {"异议成立，不予认定", "objection upheld"},
     ActorKind::office,
     true},
    {Action::grant, "grant", {"公示期满，予以认定", "grant the title"}, ActorKind::office, false},
};

const ActionInfo& info(Action a) {
  for (const ActionInfo& i : kActions)
    if (i.action == a) return i;
  return kActions[0];
}

const char* actor_text(ActorKind k, bool zh) {
  switch (k) {
    case ActorKind::enterprise:
      return zh ? "申请企业" : "the applying firm";
    case ActorKind::reviewer:
      return zh ? "当前审核层级的审核员" : "a reviewer of the current level";
    case ActorKind::office:
      return zh ? "认定部门" : "the recognising office";
  }
  return "";
}

Status not_now(Action a, const ApplicationStatus& s) {
  return error(StatusCode::failed_precondition,
               std::string("申请当前为“") + state_label(s.state).zh + "”，不能" + info(a).label.zh,
               std::string("the application is ") + state_label(s.state).en + ": it cannot be " +
                   "subject to '" + info(a).label.en + "' now");
}

}  // namespace

Result<ApplicationStatus> apply(const WorkflowLevels& wf, const ApplicationStatus& now,
                                const Actor& actor, Action action, std::string_view reason) {
  const ActionInfo& a = info(action);
  if (actor.kind != a.by)
    return error(StatusCode::permission_denied,
                 std::string("只有") + actor_text(a.by, true) + "可以" + a.label.zh,
                 std::string("only ") + actor_text(a.by, false) + " may " + a.label.en);
  if (a.needs_reason && reason.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return invalid(std::string(a.label.zh) + "须说明理由",
                   std::string(a.label.en) + " needs a reason");
  if (wf.levels.empty())
    return error(StatusCode::internal, "审核流程没有任何层级", "the workflow has no review level");
  ApplicationStatus next = now;
  switch (action) {
    case Action::submit:
      if (now.state != State::draft) return not_now(action, now);
      next.state = State::in_review;
      next.level = 0;
      next.approved_by.clear();
      return next;
    case Action::withdraw:
      if (now.state == State::draft || now.state == State::returned ||
          (now.state == State::in_review && !now.reviewed)) {
        next.state = State::withdrawn;
        return next;
      }
      if (now.state == State::in_review)
        return error(StatusCode::failed_precondition, "审核已开始，不能撤回申请",
                     "the review has begun: the application can no longer be withdrawn");
      return not_now(action, now);
    case Action::resubmit:
      if (now.state != State::returned) return not_now(action, now);
      next.state = State::in_review;
      next.approved_by.clear();
      return next;
    case Action::approve:
    case Action::return_for_correction:
    case Action::reject: {
      if (now.state != State::in_review) return not_now(action, now);
      const std::string& level = wf.levels[now.level];
      // A reviewer of a level the application has already passed: decided there, moved on.
      for (size_t k = 0; k < now.level; ++k)
        if (wf.levels[k] == actor.level)
          return error(StatusCode::failed_precondition,
                       "申请已通过“" + actor.level + "”层级审核，现处于“" + level + "”层级",
                       "the application has passed review at level '" + actor.level +
                           "' and is now at level '" + level + "'");
      if (actor.level != level)
        return error(StatusCode::permission_denied,
                     "申请正在“" + level + "”层级审核，审核员层级为“" + actor.level + "”",
                     "the application is under review at level '" + level +
                         "'; the reviewer's level is '" + actor.level + "'");
      next.reviewed = true;
      if (action == Action::reject) {
        next.state = State::rejected;
        return next;
      }
      if (action == Action::return_for_correction) {
        next.state = State::returned;
        next.approved_by.clear();
        return next;
      }
      if (std::find(now.approved_by.begin(), now.approved_by.end(), actor.name) !=
          now.approved_by.end())
        return error(StatusCode::failed_precondition, "同一层级须由另一位审核员再次审核通过",
                     "a second, different reviewer must approve at this level");
      next.approved_by.push_back(actor.name);
      if (wf.second_reviewer && next.approved_by.size() < 2) return next;
      next.approved_by.clear();
      if (now.level + 1 < wf.levels.size()) {
        next.level = now.level + 1;
      } else {
        next.state = State::approved;
      }
      return next;
    }
    case Action::publish:
      if (now.state != State::approved) return not_now(action, now);
      next.state = State::in_notice;
      return next;
    case Action::uphold_objection:
      if (now.state != State::in_notice) return not_now(action, now);
      next.state = State::rejected;
      return next;
    case Action::grant:
      if (now.state != State::in_notice) return not_now(action, now);
      next.state = State::granted;
      return next;
  }
  return not_now(action, now);
}

std::vector<Action> allowed_actions(const WorkflowLevels& wf, const ApplicationStatus& now,
                                    const Actor& actor) {
  std::vector<Action> out;
  for (const ActionInfo& a : kActions) {
    const std::string_view reason = a.needs_reason ? "reason" : "";
    if (apply(wf, now, actor, a.action, reason)) out.push_back(a.action);
  }
  return out;
}

const char* state_id(State s) {
  switch (s) {
    case State::draft:
      return "draft";
    case State::in_review:
      return "in_review";
    case State::returned:
      return "returned";
    case State::approved:
      return "approved";
    case State::in_notice:
      return "in_notice";
    case State::granted:
      return "granted";
    case State::rejected:
      return "rejected";
    case State::withdrawn:
      return "withdrawn";
  }
  return "";
}

Text state_label(State s) {
  switch (s) {
    case State::draft:
      return {"草稿", "draft"};
    case State::in_review:
      return {"审核中", "under review"};
    case State::returned:
      return {"已退回修改", "returned for correction"};
    case State::approved:
      return {"审核通过，待公示", "approved, awaiting the notice"};
    case State::in_notice:
      return {"公示中", "in public notice"};
    case State::granted:
      return {"已认定", "granted"};
    case State::rejected:
      return {"不予认定", "rejected"};
    case State::withdrawn:
      return {"已撤回", "withdrawn"};
  }
  return {};
}

const char* action_id(Action a) { return info(a).id; }
Text action_label(Action a) { return info(a).label; }

std::optional<Action> parse_action(std::string_view id) {
  for (const ActionInfo& a : kActions)
    if (id == a.id) return a.action;
  return std::nullopt;
}

bool is_final(State s) {
  return s == State::granted || s == State::rejected || s == State::withdrawn;
}

}  // namespace gradus::workflow
