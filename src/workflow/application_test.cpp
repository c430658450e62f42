// The application state machine: the paths of REFERENCE §4.1, the refusals the workflow issue
// names, and random action sequences that must always follow the one table.
#include "workflow/application.h"

#include <gtest/gtest.h>

#include <random>

namespace gradus::workflow {
namespace {

const WorkflowLevels kLittleGiant{{"park", "city", "province", "ministry"}, false};
const Actor kFirm{ActorKind::enterprise, "acme", ""};
const Actor kOffice{ActorKind::office, "miit", ""};
Actor reviewer(const std::string& level, const std::string& name = "") {
  return {ActorKind::reviewer, name.empty() ? "rev-" + level : name, level};
}

ApplicationStatus must(const Result<ApplicationStatus>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message.en);
  return r.ok() ? *r : ApplicationStatus{};
}

TEST(Application, ClimbsEveryLevelThenNoticeThenGrant) {
  ApplicationStatus s;
  s = must(apply(kLittleGiant, s, kFirm, Action::submit, ""));
  EXPECT_EQ(s.state, State::in_review);
  for (size_t k = 0; k < kLittleGiant.levels.size(); ++k) {
    EXPECT_EQ(s.level, k);
    s = must(apply(kLittleGiant, s, reviewer(kLittleGiant.levels[k]), Action::approve, ""));
  }
  EXPECT_EQ(s.state, State::approved);
  s = must(apply(kLittleGiant, s, kOffice, Action::publish, ""));
  EXPECT_EQ(s.state, State::in_notice);
  s = must(apply(kLittleGiant, s, kOffice, Action::grant, ""));
  EXPECT_EQ(s.state, State::granted);
  EXPECT_TRUE(is_final(s.state));
  EXPECT_TRUE(allowed_actions(kLittleGiant, s, kOffice).empty());
}

TEST(Application, ReturnAndResubmitStayAtTheLevel) {
  ApplicationStatus s = must(apply(kLittleGiant, {}, kFirm, Action::submit, ""));
  s = must(apply(kLittleGiant, s, reviewer("park"), Action::approve, ""));
  Result<ApplicationStatus> no_reason =
      apply(kLittleGiant, s, reviewer("city"), Action::return_for_correction, "  ");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error().code, StatusCode::invalid_argument);
  s = must(apply(kLittleGiant, s, reviewer("city"), Action::return_for_correction, "缺少审计报告"));
  EXPECT_EQ(s.state, State::returned);
  EXPECT_EQ(s.level, 1u);
  s = must(apply(kLittleGiant, s, kFirm, Action::resubmit, ""));
  EXPECT_EQ(s.state, State::in_review);
  EXPECT_EQ(s.level, 1u);  // back to the city, not to the park
}

TEST(Application, RefusesWrongLevelWrongActorFinishedAndLateWithdrawal) {
  ApplicationStatus s = must(apply(kLittleGiant, {}, kFirm, Action::submit, ""));
  Result<ApplicationStatus> r = apply(kLittleGiant, s, reviewer("province"), Action::approve, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, StatusCode::permission_denied);
  EXPECT_NE(r.error().message.en.find("park"), std::string::npos);
  r = apply(kLittleGiant, s, kFirm, Action::approve, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, StatusCode::permission_denied);
  // A level already passed: decided there (a conflict, not a question of rights).
  {
    ApplicationStatus at_city = must(apply(kLittleGiant, s, reviewer("park"), Action::approve, ""));
    Result<ApplicationStatus> late =
        apply(kLittleGiant, at_city, reviewer("park", "other"), Action::reject, "late");
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, StatusCode::failed_precondition);
  }
  // Withdrawal before any review, not after.
  EXPECT_EQ(must(apply(kLittleGiant, s, kFirm, Action::withdraw, "")).state, State::withdrawn);
  s = must(apply(kLittleGiant, s, reviewer("park"), Action::approve, ""));
  r = apply(kLittleGiant, s, kFirm, Action::withdraw, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, StatusCode::failed_precondition);
  // A rejected application cannot be approved; a notice cannot be granted before publishing.
  s = must(apply(kLittleGiant, s, reviewer("city"), Action::reject, "数据不实"));
  EXPECT_EQ(s.state, State::rejected);
  r = apply(kLittleGiant, s, reviewer("city"), Action::approve, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, StatusCode::failed_precondition);
  EXPECT_FALSE(apply(kLittleGiant, {}, kOffice, Action::grant, "").ok());
}

TEST(Application, ASecondReviewerMustBeAnotherPerson) {
  const WorkflowLevels two{{"province"}, true};
  ApplicationStatus s = must(apply(two, {}, kFirm, Action::submit, ""));
  s = must(apply(two, s, reviewer("province", "zhao"), Action::approve, ""));
  EXPECT_EQ(s.state, State::in_review);
  Result<ApplicationStatus> again =
      apply(two, s, reviewer("province", "zhao"), Action::approve, "");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, StatusCode::failed_precondition);
  s = must(apply(two, s, reviewer("province", "qian"), Action::approve, ""));
  EXPECT_EQ(s.state, State::approved);
}

TEST(Application, AnUpheldObjectionRefuses) {
  const WorkflowLevels one{{"province"}, false};
  ApplicationStatus s = must(apply(one, {}, kFirm, Action::submit, ""));
  s = must(apply(one, s, reviewer("province"), Action::approve, ""));
  s = must(apply(one, s, kOffice, Action::publish, ""));
  EXPECT_FALSE(apply(one, s, kOffice, Action::uphold_objection, "").ok());  // needs a reason
  s = must(apply(one, s, kOffice, Action::uphold_objection, "实名举报核实：研发费用虚报"));
  EXPECT_EQ(s.state, State::rejected);
}

TEST(Application, IdsAndLabelsRoundTrip) {
  for (Action a : {Action::submit, Action::withdraw, Action::approve, Action::return_for_correction,
                   Action::reject, Action::resubmit, Action::publish, Action::uphold_objection,
                   Action::grant}) {
    EXPECT_EQ(parse_action(action_id(a)), a);
    EXPECT_FALSE(action_label(a).zh.empty());
    EXPECT_FALSE(action_label(a).en.empty());
  }
  EXPECT_FALSE(parse_action("approve!").has_value());
  for (State s : {State::draft, State::in_review, State::returned, State::approved,
                  State::in_notice, State::granted, State::rejected, State::withdrawn}) {
    EXPECT_FALSE(std::string(state_id(s)).empty());
    EXPECT_FALSE(state_label(s).zh.empty());
  }
}

// Random actions by random actors: every accepted step is one the table allows (allowed_actions
// lists it), every refused one is not; final states accept nothing; the level never runs past the
// last; a granted application went through every level and a notice.
TEST(Application, RandomSequencesFollowTheOneDefinition) {
  std::mt19937 rng(20261207);
  const std::vector<Actor> actors = {kFirm,
                                     kOffice,
                                     reviewer("park"),
                                     reviewer("city"),
                                     reviewer("province"),
                                     reviewer("ministry"),
                                     reviewer("province", "qian")};
  const std::vector<Action> actions = {
      Action::submit, Action::withdraw, Action::approve, Action::return_for_correction,
      Action::reject, Action::resubmit, Action::publish, Action::uphold_objection,
      Action::grant};
  size_t granted = 0, steps = 0;
  for (int run = 0; run < 3000; ++run) {
    const WorkflowLevels& wf = run % 2 ? kLittleGiant : WorkflowLevels{{"city", "province"}, true};
    ApplicationStatus s;
    size_t max_level = 0;
    bool published = false;
    for (int k = 0; k < 40 && !is_final(s.state); ++k) {
      const Actor& who = actors[rng() % actors.size()];
      const std::vector<Action> allowed = allowed_actions(wf, s, who);
      // Mostly a step the actor may take (so that runs get far), sometimes any action at all;
      // rejections and withdrawals are rare, as in life.
      Action what = actions[rng() % actions.size()];
      if (!allowed.empty() && rng() % 10 < 7) what = allowed[rng() % allowed.size()];
      if ((what == Action::reject || what == Action::withdraw) && rng() % 4 != 0)
        what = Action::approve;
      const bool listed = std::find(allowed.begin(), allowed.end(), what) != allowed.end();
      Result<ApplicationStatus> next = apply(wf, s, who, what, "reason");
      ASSERT_EQ(next.ok(), listed) << action_id(what) << " in " << state_id(s.state);
      if (!next.ok()) continue;
      ++steps;
      ASSERT_LT(next->level, wf.levels.size());
      max_level = std::max(max_level, next->level);
      published = published || next->state == State::in_notice;
      if (next->state == State::granted) {
        ++granted;
        EXPECT_EQ(max_level, wf.levels.size() - 1);
        EXPECT_TRUE(published);
      }
      s = *next;
    }
    if (is_final(s.state)) {
      for (const Actor& who : actors) EXPECT_TRUE(allowed_actions(wf, s, who).empty());
    }
  }
  EXPECT_GT(granted, 0u);
  EXPECT_GT(steps, 5000u);
}

}  // namespace
}  // namespace gradus::workflow
