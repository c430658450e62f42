// The API's routes of the accreditation workflow (issue 11): a firm's application for a tier with
// its assessment frozen, its evidence files, submission with the authenticity declaration, the
// reviewers' actions, and the public notices that end in grants — through src/workflow (the one
// state machine, applications and notices in the store). Revocations and deadlines are to come.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "analysis/whatif.h"
#include "core/working_days.h"
#include "engine/format.h"
#include "engine/result.h"
#include "engine/row_facts.h"
#include "export/enterprise_json.h"
#include "server/api_state.h"
#include "workflow/applications.h"
#include "workflow/definition.h"
#include "workflow/notices.h"

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
               const Date today = this->today();
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

  // --- public notices (公示) and their grants: the recognising office (admins and officials) ---
  auto office_only = [](const HttpRequest& req, const Caller& c) -> std::optional<HttpResponse> {
    if (has_role(c, {auth::Role::admin, auth::Role::official})) return std::nullopt;
    return problem(req, 403, "forbidden",
                   Text{"只有认定部门（管理员、主管部门人员）可以办理公示",
                        "only the recognising office (admins, officials) handles notices"});
  };
  auto notice_json = [](const workflow::NoticeRecord& n, const Caller& c) {
    Json j;
    j["id"] = n.id;
    j["policy"] = n.policy;
    j["title"] = clean_utf8(n.title);
    j["document_no"] = clean_utf8(n.document_no);
    j["published_on"] = n.published_on.to_string();
    j["working_days"] = n.working_days;
    j["ends_on"] = n.ends_on.to_string();
    j["status"] = n.closed_at.empty() ? "open" : "closed";
    j["created_by"] = n.created_by;
    j["closed_at"] = n.closed_at.empty() ? Json(nullptr) : Json(n.closed_at);
    j["applications"] = n.applications;
    Json objections = Json::array();
    const bool office = has_role(c, {auth::Role::admin, auth::Role::official});
    for (const workflow::Objection& o : n.objections) {
      Json x;
      x["seq"] = o.seq;
      x["application"] = o.application;
      // The objector's name and contact are for the office only.
      if (office) {
        x["objector"] = clean_utf8(o.objector);
        x["contact"] = clean_utf8(o.contact);
      }
      x["text"] = clean_utf8(o.text);
      x["filed_at"] = o.filed_at;
      x["resolution"] = o.resolution.empty() ? Json(nullptr) : Json(o.resolution);
      x["resolution_reason"] = clean_utf8(o.resolution_reason);
      objections.push_back(std::move(x));
    }
    j["objections"] = std::move(objections);
    return j;
  };
  auto levels_fn = [this](const std::string& w) { return levels_of(*this, w); };

  router.add("POST", "/api/v1/notices",
             authed(*this,
                    [this, office_only, notice_json, levels_fn](HttpRequest& req,
                                                                const RouteParams&, const Caller& c,
                                                                store::Store& db) -> HttpResponse {
                      if (auto no = office_only(req, c)) return *no;
                      Json body;
                      if (auto bad = read_json_body(*this, req, body)) return *bad;
                      for (auto it = body.begin(); it != body.end(); ++it)
                        if (it.key() != "applications" && it.key() != "working_days" &&
                            it.key() != "title" && it.key() != "document_no")
                          return problem(
                              req, 422, "validation_failed",
                              Text{"未知字段：" + it.key(), "unknown field: " + it.key()});
                      if (!body.contains("applications") || !body["applications"].is_array() ||
                          body["applications"].empty())
                        return problem(req, 422, "validation_failed",
                                       Text{"applications 须为非空的申请编号数组",
                                            "applications must be a non-empty array of ids"});
                      workflow::NewNotice n;
                      for (const Json& x : body["applications"]) {
                        if (!x.is_number_integer())
                          return problem(req, 422, "validation_failed",
                                         Text{"申请编号须为整数", "application ids are integers"});
                        n.applications.push_back(x.get<int64_t>());
                      }
                      Applications apps(db);
                      Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
                      if (!snap) return store_problem(req, snap.error());
                      std::string workflow_id;
                      for (int64_t a : n.applications) {
                        Result<workflow::NewApplication> app = apps.find(a);
                        // Not there, or of a firm outside the caller's scope: not found.
                        if (!app || !firm_in_scope(c, (*snap)->pool, app->uscc))
                          return problem(req, 404, "not_found",
                                         Text{"没有第 " + std::to_string(a) + " 号申请",
                                              "there is no application " + std::to_string(a)});
                        if (workflow_id.empty()) workflow_id = app->workflow;
                      }
                      n.working_days = 5;
                      for (const WorkflowDefinition& w : workflows)
                        if (w.id == workflow_id) n.working_days = w.notice_working_days;
                      if (body.contains("working_days")) {
                        if (!body["working_days"].is_number_integer() || body["working_days"] < 1 ||
                            body["working_days"] > 60)
                          return problem(req, 422, "validation_failed",
                                         Text{"working_days 须为 1–60 的整数",
                                              "working_days must be a whole number from 1 to 60"});
                        n.working_days = body["working_days"].get<int>();
                      }
                      n.title = body.value("title", std::string());
                      if (n.title.empty()) n.title = "公示 " + today().to_string();
                      n.document_no = body.value("document_no", std::string());
                      n.published_on = today();
                      workflow::Notices notices(db, apps, WorkingDays::shipped());
                      Result<int64_t> id = notices.publish(n, levels_fn, c.user.name);
                      if (!id) return problem_from_status(req, id.error());
                      Result<workflow::NoticeRecord> rec = notices.get(*id);
                      if (!rec) return store_problem(req, rec.error());
                      HttpResponse r = json_response(201, notice_json(*rec, c));
                      r.set_header("Location", "/api/v1/notices/" + std::to_string(*id));
                      return r;
                    }));

  router.add("GET", "/api/v1/notices",
             authed(*this,
                    [notice_json](HttpRequest& req, const RouteParams&, const Caller& c,
                                  store::Store& db) -> HttpResponse {
                      Applications apps(db);
                      workflow::Notices notices(db, apps, WorkingDays::shipped());
                      Result<std::vector<workflow::NoticeRecord>> all = notices.list();
                      if (!all) return store_problem(req, all.error());
                      Json items = Json::array();
                      for (const workflow::NoticeRecord& n : *all)
                        items.push_back(notice_json(n, c));
                      Json j;
                      j["items"] = std::move(items);
                      return json_response(200, j);
                    }));

  router.add("GET", "/api/v1/notices/{id}",
             authed(*this,
                    [notice_json](HttpRequest& req, const RouteParams& p, const Caller& c,
                                  store::Store& db) -> HttpResponse {
                      std::optional<int64_t> id = id_of(p.at("id"));
                      if (!id) return problem(req, 404, "not_found");
                      Applications apps(db);
                      workflow::Notices notices(db, apps, WorkingDays::shipped());
                      Result<workflow::NoticeRecord> n = notices.get(*id);
                      if (!n) return problem_from_status(req, n.error());
                      return json_response(200, notice_json(*n, c));
                    }));

  router.add(
      "POST", "/api/v1/notices/{id}/objections",
      authed(*this,
             [this, office_only](HttpRequest& req, const RouteParams& p, const Caller& c,
                                 store::Store& db) -> HttpResponse {
               if (auto no = office_only(req, c)) return *no;
               std::optional<int64_t> id = id_of(p.at("id"));
               if (!id) return problem(req, 404, "not_found");
               Json body;
               if (auto bad = read_json_body(*this, req, body)) return *bad;
               for (auto it = body.begin(); it != body.end(); ++it)
                 if (it.key() != "application" && it.key() != "objector" && it.key() != "contact" &&
                     it.key() != "text")
                   return problem(req, 422, "validation_failed",
                                  Text{"未知字段：" + it.key(), "unknown field: " + it.key()});
               if (!body.contains("application") || !body["application"].is_number_integer())
                 return problem(req, 422, "validation_failed",
                                Text{"application 须为申请编号", "application must be an id"});
               for (const char* k : {"objector", "contact", "text"})
                 if (body.contains(k) && !body[k].is_string())
                   return problem(
                       req, 422, "validation_failed",
                       Text{std::string(k) + " 须为文字", std::string(k) + " must be text"});
               Applications apps(db);
               workflow::Notices notices(db, apps, WorkingDays::shipped());
               Result<int64_t> seq = notices.object(
                   *id, body["application"].get<int64_t>(), body.value("objector", std::string()),
                   body.value("contact", std::string()), body.value("text", std::string()), today(),
                   c.user.name);
               if (!seq) return problem_from_status(req, seq.error());
               Json j;
               j["notice"] = *id;
               j["seq"] = *seq;
               return json_response(201, j);
             }));

  router.add(
      "POST", "/api/v1/notices/{id}/objections/{seq}/resolve",
      authed(*this,
             [this, office_only, levels_fn](HttpRequest& req, const RouteParams& p, const Caller& c,
                                            store::Store& db) -> HttpResponse {
               if (auto no = office_only(req, c)) return *no;
               std::optional<int64_t> id = id_of(p.at("id")), seq = id_of(p.at("seq"));
               if (!id || !seq) return problem(req, 404, "not_found");
               Json body;
               if (auto bad = read_json_body(*this, req, body)) return *bad;
               if (!body.contains("upheld") || !body["upheld"].is_boolean())
                 return problem(req, 422, "validation_failed",
                                Text{"upheld 须为 true 或 false", "upheld must be true or false"});
               if (body.contains("reason") && !body["reason"].is_string())
                 return problem(req, 422, "validation_failed",
                                Text{"reason 须为文字", "reason must be text"});
               Applications apps(db);
               workflow::Notices notices(db, apps, WorkingDays::shipped());
               Status s =
                   notices.resolve(*id, *seq, body["upheld"].get<bool>(),
                                   body.value("reason", std::string()), levels_fn, c.user.name);
               if (!s.ok()) return problem_from_status(req, s);
               Json j;
               j["notice"] = *id;
               j["seq"] = *seq;
               j["resolution"] = body["upheld"].get<bool>() ? "upheld" : "dismissed";
               return json_response(200, j);
             }));

  // Ends a notice after its period: the titles of the applications still in it are granted.
  router.add(
      "POST", "/api/v1/notices/{id}/close",
      authed(*this,
             [this, office_only, levels_fn](HttpRequest& req, const RouteParams& p, const Caller& c,
                                            store::Store& db) -> HttpResponse {
               if (auto no = office_only(req, c)) return *no;
               std::optional<int64_t> id = id_of(p.at("id"));
               if (!id) return problem(req, 404, "not_found");
               Applications apps(db);
               workflow::Notices notices(db, apps, WorkingDays::shipped());
               Result<workflow::NoticeRecord> n = notices.get(*id);
               if (!n) return problem_from_status(req, n.error());
               int years = 3;
               if (Result<const Policy*> pol = registry->select(n->policy, today(), "application"))
                 years = (*pol)->title_validity_years;
               Result<workflow::CloseSummary> done =
                   notices.close(*id, today(), years, levels_fn, c.user.name);
               if (!done) return problem_from_status(req, done.error());
               (void)current_pool(db);  // the next read sees the titles
               Json j;
               j["notice"] = *id;
               j["granted"] = done->granted;
               j["refused"] = done->refused;
               j["batch"] = done->batch;
               j["since"] = today().to_string();
               return json_response(200, j);
             }));
}

}  // namespace gradus::server
