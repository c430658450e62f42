// The API's routes of the accreditation workflow (issue 11, first part): a firm's application
// for a tier with its assessment frozen, its evidence files, submission with the authenticity
// declaration, and the reviewers' actions — through src/workflow (the one state machine and the
// applications in the store). Notices, grants, revocations and deadlines are still to come.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "analysis/whatif.h"
#include "engine/format.h"
#include "engine/result.h"
#include "engine/row_facts.h"
#include "export/enterprise_json.h"
#include "server/api_state.h"
#include "workflow/applications.h"
#include "workflow/definition.h"

namespace gradus::server {

namespace {

using workflow::Action;
using workflow::ActorKind;
using workflow::ApplicationRecord;
using workflow::Applications;
using workflow::WorkflowDefinition;

const WorkflowDefinition* workflow_for(const Api::State& s, const std::string& tier) {
  for (const WorkflowDefinition& w : s.workflows)
    if (w.tier == tier && w.jurisdiction == "national") return &w;
  return nullptr;
}

workflow::WorkflowLevels levels_of(const Api::State& s, const std::string& id) {
  for (const WorkflowDefinition& w : s.workflows)
    if (w.id == id) return w.levels_for_machine();
  return {};
}

// How the caller takes part in an application: the firm (its own user, or an official or admin
// acting for it), a reviewer at its level, or the recognising office.
workflow::Actor actor_for(const Caller& c, Action a) {
  workflow::Actor actor;
  actor.name = c.user.name;
  actor.level = c.user.level;
  switch (c.user.role) {
    case auth::Role::enterprise:
      actor.kind = ActorKind::enterprise;
      break;
    case auth::Role::reviewer:
      actor.kind = ActorKind::reviewer;
      break;
    default:  // admin, official: the office, or the firm's hand for what only a firm does
      actor.kind = (a == Action::submit || a == Action::resubmit || a == Action::withdraw)
                       ? ActorKind::enterprise
                       : ActorKind::office;
  }
  return actor;
}

Json record_json(const Api::State& s, const ApplicationRecord& r, const Caller& c, Lang lang,
                 bool full) {
  Json j;
  j["id"] = r.id;
  j["uscc"] = r.what.uscc;
  j["policy"] = r.what.policy;
  j["version"] = r.what.version;
  j["mode"] = r.what.mode;
  j["year"] = r.what.year;
  j["workflow"] = r.what.workflow;
  j["status"] = workflow::state_id(r.status.state);
  j["status_label"] = in_lang(workflow::state_label(r.status.state), lang);
  const workflow::WorkflowLevels levels = levels_of(s, r.what.workflow);
  j["level"] =
      r.status.state == workflow::State::in_review || r.status.state == workflow::State::returned
          ? Json(levels.levels.at(r.status.level))
          : Json(nullptr);
  j["created_at"] = r.created_at;
  j["created_by"] = r.created_by;
  Json allowed = Json::array();
  for (Action a : {Action::submit, Action::withdraw, Action::approve, Action::return_for_correction,
                   Action::reject, Action::resubmit}) {
    const workflow::Actor actor = actor_for(c, a);
    const std::vector<Action> can = workflow::allowed_actions(levels, r.status, actor);
    if (std::find(can.begin(), can.end(), a) != can.end())
      allowed.push_back(workflow::action_id(a));
  }
  j["allowed_actions"] = std::move(allowed);
  if (!full) return j;
  j["frozen"] = Json::parse(r.what.frozen, nullptr, false);
  Json timeline = Json::array();
  for (const workflow::ActionRecord& a : r.actions) {
    Json x;
    x["seq"] = a.seq;
    x["action"] = a.action;
    if (std::optional<Action> act = workflow::parse_action(a.action))
      x["label"] = in_lang(workflow::action_label(*act), lang);
    x["actor"] = clean_utf8(a.actor);
    x["level"] = a.actor_level;
    x["at"] = a.at;
    x["reason"] = clean_utf8(a.reason);
    x["status_after"] = a.state_after;
    timeline.push_back(std::move(x));
  }
  j["timeline"] = std::move(timeline);
  Json evidence = Json::array();
  for (const workflow::EvidenceInfo& e : r.evidence) {
    Json x;
    x["seq"] = e.seq;
    x["name"] = clean_utf8(e.name);
    x["content_type"] = e.content_type;
    x["size"] = e.size;
    x["sha256"] = e.sha256;
    x["added_at"] = e.added_at;
    x["added_by"] = e.added_by;
    x["download"] =
        "/api/v1/applications/" + std::to_string(r.id) + "/evidence/" + std::to_string(e.seq);
    evidence.push_back(std::move(x));
  }
  j["evidence"] = std::move(evidence);
  return j;
}

std::optional<int64_t> id_of(const std::string& text) {
  if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(text);
}

}  // namespace

void Api::State::add_application_routes() {
  // One application, in the caller's scope (404 otherwise: existence is not revealed).
  auto load = [this](const HttpRequest& req, const RouteParams& p, const Caller& c,
                     store::Store& db, ApplicationRecord& out) -> std::optional<HttpResponse> {
    std::optional<int64_t> id = id_of(p.at("id"));
    if (!id) return problem(req, 404, "not_found");
    Applications apps(db);
    Result<workflow::NewApplication> head = apps.find(*id);
    if (!head && head.error().code == StatusCode::not_found) return problem(req, 404, "not_found");
    if (!head) return store_problem(req, head.error());
    Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
    if (!snap) return store_problem(req, snap.error());
    if (!firm_in_scope(c, (*snap)->pool, head->uscc)) return problem(req, 404, "not_found");
    Result<ApplicationRecord> r = apps.get(*id, levels_of(*this, head->workflow));
    if (!r) return store_problem(req, r.error());
    out = std::move(*r);
    return std::nullopt;
  };

  router.add(
      "POST", "/api/v1/applications",
      authed(*this,
             [this](HttpRequest& req, const RouteParams&, const Caller& c,
                    store::Store& db) -> HttpResponse {
               const Lang lang = request_lang(req);
               if (!has_role(c, {auth::Role::admin, auth::Role::official, auth::Role::enterprise}))
                 return problem(req, 403, "forbidden",
                                Text{"评审员不能提出申请", "a reviewer may not apply"});
               Json body;
               if (auto bad = read_json_body(*this, req, body)) return *bad;
               for (auto it = body.begin(); it != body.end(); ++it)
                 if (it.key() != "uscc" && it.key() != "policy" && it.key() != "mode")
                   return problem(req, 422, "validation_failed",
                                  Text{"未知字段：" + it.key(), "unknown field: " + it.key()});
               for (const char* k : {"uscc", "policy"})
                 if (!body.contains(k) || !body[k].is_string())
                   return problem(req, 422, "validation_failed",
                                  Text{std::string("缺少 ") + k, std::string(k) + " is required"});
               const std::string uscc = body["uscc"], policy = body["policy"];
               const std::string mode = body.contains("mode") && body["mode"].is_string()
                                            ? body["mode"].get<std::string>()
                                            : "application";
               if (mode != "application" && mode != "review")
                 return problem(
                     req, 422, "validation_failed",
                     Text{"mode 须为 application 或 review", "mode must be application or review"});
               Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
               if (!snap) return store_problem(req, snap.error());
               const Pool& pool = (*snap)->pool;
               std::optional<uint32_t> e = firm_in_scope(c, pool, uscc);
               if (!e) return problem(req, 404, "not_found");
               const WorkflowDefinition* wf = workflow_for(*this, policy);
               if (!wf)
                 return problem(req, 422, "validation_failed",
                                Text{"“" + policy + "”没有申请流程（workflows/）",
                                     "'" + policy + "' has no application workflow (workflows/)"});
               const Date today = Date::today();
               // The version in force for this application today.
               Result<const Policy*> version = registry->select(policy, today, mode);
               if (!version)
                 return problem(
                     req, 422, "validation_failed",
                     Text{"今天没有可用于" + std::string(mode == "review" ? "复核" : "申请") +
                              "的“" + policy + "”版本：" + version.error().message.zh,
                          "no version of '" + policy + "' is in force for " + mode +
                              " today: " + version.error().message.en});
               const bool holder = holds_title(pool, *e, today, {policy});
               if (mode == "review" && !holder)
                 return problem(req, 422, "validation_failed",
                                Text{"该企业不持有有效的“" + policy + "”称号，不能申请复核",
                                     "the firm holds no valid '" + policy +
                                         "' title: there is nothing to review"});
               if (mode == "application" && holder)
                 return problem(
                     req, 422, "validation_failed",
                     Text{"该企业已持有有效的“" + policy + "”称号：到期前申请复核（mode=review）",
                          "the firm holds a valid '" + policy +
                              "' title already: apply for its review (mode=review) "
                              "before it expires"});
               Result<std::shared_ptr<const Plan>> plan = plan_of(**version, today, mode);
               if (!plan) return problem_from_status(req, plan.error());
               // Frozen: the assessment as of today under that version, and the facts it read.
               const AssessmentResult result = assess_one(**plan, pool, *e);
               std::string assessment;
               append_json(result, lang, assessment);
               Json frozen;
               frozen["as_of"] = today.to_string();
               frozen["policy"] = (*version)->key();
               frozen["outcome"] = outcome_id(result.outcome);
               frozen["assessment"] = Json::parse(assessment, nullptr, false);
               frozen["facts"] = enterprise_json(pool, *e);
               workflow::NewApplication a;
               a.uscc = pool.uscc(*e);
               a.policy = policy;
               a.version = (*version)->version;
               a.mode = mode;
               a.year = today.year();
               a.workflow = wf->id;
               a.frozen = frozen.dump();
               Applications apps(db);
               Result<int64_t> id = apps.create(a, c.user.name);
               if (!id) return problem_from_status(req, id.error());
               Result<ApplicationRecord> r = apps.get(*id, wf->levels_for_machine());
               if (!r) return store_problem(req, r.error());
               HttpResponse resp = json_response(201, record_json(*this, *r, c, lang, true));
               resp.set_header("Location", "/api/v1/applications/" + std::to_string(*id));
               return resp;
             }));

  router.add("GET", "/api/v1/applications",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams&, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      const Lang lang = request_lang(req);
                      Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
                      if (!snap) return store_problem(req, snap.error());
                      Applications apps(db);
                      Result<std::vector<ApplicationRecord>> all =
                          apps.list([this](const std::string& w) { return levels_of(*this, w); });
                      if (!all) return store_problem(req, all.error());
                      const std::string state = req.param("status").value_or("");
                      const std::string policy = req.param("policy").value_or("");
                      // ?queue=true: what waits for the caller (a reviewer: at its level).
                      const bool queue = req.param("queue").value_or("false") == "true";
                      Json items = Json::array();
                      for (const ApplicationRecord& r : *all) {
                        if (!firm_in_scope(c, (*snap)->pool, r.what.uscc)) continue;
                        if (!state.empty() && state != workflow::state_id(r.status.state)) continue;
                        if (!policy.empty() && policy != r.what.policy) continue;
                        if (queue) {
                          const workflow::WorkflowLevels levels = levels_of(*this, r.what.workflow);
                          const bool mine = r.status.state == workflow::State::in_review &&
                                            c.user.role == auth::Role::reviewer &&
                                            levels.levels.at(r.status.level) == c.user.level;
                          if (!mine) continue;
                        }
                        items.push_back(record_json(*this, r, c, lang, false));
                      }
                      Json j;
                      j["items"] = std::move(items);
                      return json_response(200, j);
                    }));

  router.add("GET", "/api/v1/applications/{id}",
             authed(*this,
                    [this, load](HttpRequest& req, const RouteParams& p, const Caller& c,
                                 store::Store& db) -> HttpResponse {
                      ApplicationRecord r;
                      if (auto bad = load(req, p, c, db, r)) return *bad;
                      return json_response(200, record_json(*this, r, c, request_lang(req), true));
                    }));

  router.add(
      "POST", "/api/v1/applications/{id}/evidence",
      authed(*this,
             [this, load](HttpRequest& req, const RouteParams& p, const Caller& c,
                          store::Store& db) -> HttpResponse {
               if (!has_role(c, {auth::Role::admin, auth::Role::official, auth::Role::enterprise}))
                 return problem(
                     req, 403, "forbidden",
                     Text{"只有申请企业可以上传材料", "only the applying firm uploads evidence"});
               ApplicationRecord r;
               if (auto bad = load(req, p, c, db, r)) return *bad;
               const std::string name = req.param("name").value_or("");
               Applications apps(db);
               Result<workflow::EvidenceInfo> e = apps.add_evidence(
                   r.id, levels_of(*this, r.what.workflow), name, req.body, c.user.name);
               if (!e) return problem_from_status(req, e.error());
               Json j;
               j["seq"] = e->seq;
               j["name"] = clean_utf8(e->name);
               j["content_type"] = e->content_type;
               j["size"] = e->size;
               j["sha256"] = e->sha256;
               j["download"] = "/api/v1/applications/" + std::to_string(r.id) + "/evidence/" +
                               std::to_string(e->seq);
               return json_response(201, j);
             }));

  router.add("GET", "/api/v1/applications/{id}/evidence/{seq}",
             authed(*this,
                    [load](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      ApplicationRecord r;
                      if (auto bad = load(req, p, c, db, r)) return *bad;
                      std::optional<int64_t> seq = id_of(p.at("seq"));
                      auto it = std::find_if(
                          r.evidence.begin(), r.evidence.end(),
                          [&](const workflow::EvidenceInfo& e) { return seq && e.seq == *seq; });
                      if (it == r.evidence.end()) return problem(req, 404, "not_found");
                      Applications apps(db);
                      Result<std::string> bytes = apps.evidence_bytes(r.id, it->seq);
                      if (!bytes) return problem_from_status(req, bytes.error());
                      HttpResponse resp;
                      resp.body = std::move(*bytes);
                      resp.content_type = it->content_type;
                      resp.set_header("Content-Disposition",
                                      "attachment; filename=\"evidence-" + std::to_string(it->seq) +
                                          std::string(it->name.substr(it->name.rfind('.'))) + "\"");
                      resp.set_header("X-Content-Type-Options", "nosniff");
                      return resp;
                    }));

  // Submission (or resubmission after a return) with the authenticity declaration.
  router.add(
      "POST", "/api/v1/applications/{id}/submit",
      authed(*this,
             [this, load](HttpRequest& req, const RouteParams& p, const Caller& c,
                          store::Store& db) -> HttpResponse {
               Json body = Json::object();
               if (!req.body.empty())
                 if (auto bad = read_json_body(*this, req, body)) return *bad;
               if (!body.contains("declaration") || body["declaration"] != true)
                 return problem(req, 422, "validation_failed",
                                Text{"提交须声明所填数据和材料真实、准确（declaration: true）",
                                     "submitting needs the declaration that the data and evidence "
                                     "are true and accurate (declaration: true)"});
               ApplicationRecord r;
               if (auto bad = load(req, p, c, db, r)) return *bad;
               const Action a =
                   r.status.state == workflow::State::returned ? Action::resubmit : Action::submit;
               Applications apps(db);
               const workflow::WorkflowLevels levels = levels_of(*this, r.what.workflow);
               Result<workflow::ApplicationStatus> st =
                   apps.act(r.id, levels, actor_for(c, a), a, "");
               if (!st) return problem_from_status(req, st.error());
               Result<ApplicationRecord> now = apps.get(r.id, levels);
               if (!now) return store_problem(req, now.error());
               return json_response(200, record_json(*this, *now, c, request_lang(req), true));
             }));

  // A reviewer's decision (approve, return, reject), or the firm's withdrawal.
  router.add(
      "POST", "/api/v1/applications/{id}/actions",
      authed(*this,
             [this, load](HttpRequest& req, const RouteParams& p, const Caller& c,
                          store::Store& db) -> HttpResponse {
               Json body;
               if (auto bad = read_json_body(*this, req, body)) return *bad;
               for (auto it = body.begin(); it != body.end(); ++it)
                 if (it.key() != "action" && it.key() != "reason")
                   return problem(req, 422, "validation_failed",
                                  Text{"未知字段：" + it.key(), "unknown field: " + it.key()});
               if (!body.contains("action") || !body["action"].is_string())
                 return problem(req, 422, "validation_failed",
                                Text{"缺少 action", "action is required"});
               std::optional<Action> a = workflow::parse_action(body["action"].get<std::string>());
               if (!a || *a == Action::publish || *a == Action::grant ||
                   *a == Action::uphold_objection || *a == Action::submit || *a == Action::resubmit)
                 return problem(
                     req, 422, "validation_failed",
                     Text{"action 须为 approve、return、reject 或 withdraw（提交用 …/submit）",
                          "action must be approve, return, reject or withdraw (submit "
                          "with …/submit)"});
               if (body.contains("reason") && !body["reason"].is_string())
                 return problem(req, 422, "validation_failed",
                                Text{"reason 须为文字", "reason must be text"});
               const std::string reason = body.value("reason", std::string());
               ApplicationRecord r;
               if (auto bad = load(req, p, c, db, r)) return *bad;
               Applications apps(db);
               const workflow::WorkflowLevels levels = levels_of(*this, r.what.workflow);
               Result<workflow::ApplicationStatus> st =
                   apps.act(r.id, levels, actor_for(c, *a), *a, reason);
               if (!st) return problem_from_status(req, st.error());
               Result<ApplicationRecord> now = apps.get(r.id, levels);
               if (!now) return store_problem(req, now.error());
               return json_response(200, record_json(*this, *now, c, request_lang(req), true));
             }));
}

}  // namespace gradus::server
