// The API's administration routes (api.h): the audit log and the users, for admins only.
#include "server/api_state.h"

namespace gradus::server {

namespace {

// Reads a user's role and scope from a JSON body (POST and PATCH /api/v1/users).
std::optional<HttpResponse> read_user_fields(const HttpRequest& req, const Json& body,
                                             auth::User& u, bool creating) {
  const Lang lang = request_lang(req);
  Problem bad{422, "validation_failed", {}, {}};
  auto strings = [&](const char* key, std::vector<std::string>& out) {
    if (!body.contains(key)) return;
    out.clear();
    if (!body[key].is_array()) {
      bad.errors.push_back({key, "", -1, "", "", "",
                            lang == Lang::zh ? "须为字符串数组" : "must be an array of strings"});
      return;
    }
    for (const Json& x : body[key]) {
      if (x.is_string())
        out.push_back(x);
      else
        bad.errors.push_back(
            {key, "", -1, "", x.dump(), "", lang == Lang::zh ? "须为字符串" : "must be a string"});
    }
  };
  auto text = [&](const char* key, std::string& out) {
    if (!body.contains(key)) return;
    if (body[key].is_string())
      out = body[key];
    else
      bad.errors.push_back({key, "", -1, "", body[key].dump(), "",
                            lang == Lang::zh ? "须为字符串" : "must be a string"});
  };
  for (auto it = body.begin(); it != body.end(); ++it) {
    static const char* known[] = {"name",  "password", "role", "regions",
                                  "parks", "level",    "uscc", "disabled"};
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok)
      bad.errors.push_back(
          {it.key(), "", -1, "", "", "", lang == Lang::zh ? "未知字段" : "unknown field"});
  }
  if (creating) text("name", u.name);
  if (body.contains("role")) {
    std::string role;
    text("role", role);
    if (std::optional<auth::Role> r = auth::parse_role(role))
      u.role = *r;
    else
      bad.errors.push_back({"role", "", -1, "", role, "",
                            lang == Lang::zh
                                ? "角色须为 admin、official、reviewer 或 enterprise"
                                : "role must be admin, official, reviewer or enterprise"});
  } else if (creating) {
    bad.errors.push_back(
        {"role", "", -1, "", "", "", lang == Lang::zh ? "缺少角色" : "role is required"});
  }
  strings("regions", u.regions);
  strings("parks", u.parks);
  text("level", u.level);
  text("uscc", u.uscc);
  if (body.contains("disabled")) {
    if (body["disabled"].is_boolean())
      u.disabled = body["disabled"];
    else
      bad.errors.push_back({"disabled", "", -1, "", body["disabled"].dump(), "",
                            lang == Lang::zh ? "须为 true 或 false" : "must be true or false"});
  }
  if (!bad.errors.empty()) return bad.response(lang);
  return std::nullopt;
}

// Users are managed by admins only (403 forbidden for any other role).
std::optional<HttpResponse> admin_only(const HttpRequest& req, const Caller& c) {
  if (has_role(c, {auth::Role::admin})) return std::nullopt;
  return problem(req, 403, "forbidden",
                 Text{"只有管理员可管理用户", "only an admin may manage users"});
}

}  // namespace

void Api::State::add_admin_routes() {
  router.add(
      "GET", "/api/v1/audit",
      authed(*this,
             [](HttpRequest& req, const RouteParams&, const Caller& c,
                store::Store& db) -> HttpResponse {
               if (!has_role(c, {auth::Role::admin}))
                 return problem(
                     req, 403, "forbidden",
                     Text{"只有管理员可查看审计日志", "only an admin may read the audit log"});
               size_t page = 1, page_size = 50;
               if (auto bad = read_page(req, page, page_size)) return *bad;
               Result<std::vector<store::AuditEntry>> log = db.audit_log();
               if (!log) return store_problem(req, log.error());
               const std::string actor = req.param("actor").value_or("");
               std::vector<const store::AuditEntry*> rows;
               for (auto it = log->rbegin(); it != log->rend(); ++it)  // newest first
                 if (actor.empty() || it->actor == actor) rows.push_back(&*it);
               Json items = Json::array();
               const size_t first = (page - 1) * page_size;
               for (size_t k = first; k < rows.size() && k < first + page_size; ++k) {
                 const store::AuditEntry& e = *rows[k];
                 Json x;
                 x["seq"] = e.seq;
                 x["at"] = e.at;
                 x["actor"] = clean_utf8(e.actor);
                 x["action"] = e.action;
                 x["batch"] = e.batch_id ? Json(*e.batch_id) : Json(nullptr);
                 Json detail = Json::parse(e.detail, nullptr, false);
                 x["detail"] = detail.is_discarded() ? Json(clean_utf8(e.detail)) : detail;
                 x["hash"] = e.hash;
                 items.push_back(std::move(x));
               }
               return json_response(200, page_json(std::move(items), rows.size(), page, page_size));
             }));

  router.add("GET", "/api/v1/users",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams&, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      if (auto no = admin_only(req, c)) return *no;
                      auth::Accounts accounts(db, options.accounts);
                      Result<std::vector<auth::User>> users = accounts.list_users();
                      if (!users) return store_problem(req, users.error());
                      Json items = Json::array();
                      for (const auth::User& u : *users) items.push_back(user_to_json(u));
                      return json_response(200, page_json(std::move(items), users->size(), 1,
                                                          std::max<size_t>(1, users->size())));
                    }));

  router.add("POST", "/api/v1/users",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams&, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      if (auto no = admin_only(req, c)) return *no;
                      Json body;
                      if (auto bad = read_json_body(*this, req, body)) return *bad;
                      auth::User u;
                      if (auto bad = read_user_fields(req, body, u, true)) return *bad;
                      if (!body.contains("password") || !body["password"].is_string())
                        return problem(req, 422, "validation_failed",
                                       Text{"缺少 password（至少 10 个字符）",
                                            "password is required (10 characters at least)"});
                      auth::Accounts accounts(db, options.accounts);
                      Result<auth::User> made =
                          accounts.add_user(u, body["password"].get<std::string>(), c.user.name);
                      if (!made) {
                        if (made.error().code == StatusCode::failed_precondition)
                          return problem(req, 409, "conflict", made.error().message);
                        return problem_from_status(req, made.error());
                      }
                      HttpResponse r = json_response(201, user_to_json(*made));
                      r.set_header("Location", "/api/v1/users/" + made->name);
                      return r;
                    }));

  router.add("PATCH", "/api/v1/users/{name}",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      if (auto no = admin_only(req, c)) return *no;
                      Json body;
                      if (auto bad = read_json_body(*this, req, body)) return *bad;
                      auth::Accounts accounts(db, options.accounts);
                      Result<std::optional<auth::User>> found = accounts.find_user(p.at("name"));
                      if (!found) return store_problem(req, found.error());
                      if (!*found) return problem(req, 404, "not_found");
                      auth::User u = **found;
                      if (auto bad = read_user_fields(req, body, u, false)) return *bad;
                      if (body.contains("name") && body["name"] != u.name)
                        return problem(req, 422, "validation_failed",
                                       Text{"用户名不能修改", "a user's name cannot be changed"});
                      if (Status s = accounts.update_user(u, c.user.name); !s.ok())
                        return problem_from_status(req, s);
                      if (body.contains("password")) {
                        if (!body["password"].is_string())
                          return problem(req, 422, "validation_failed",
                                         Text{"password 须为字符串", "password must be a string"});
                        if (Status s = accounts.set_password(
                                u.name, body["password"].get<std::string>(), c.user.name);
                            !s.ok())
                          return problem_from_status(req, s);
                      }
                      Result<std::optional<auth::User>> now = accounts.find_user(u.name);
                      if (!now || !*now) return problem(req, 404, "not_found");
                      return json_response(200, user_to_json(**now));
                    }));

  // A user's API tokens (`gradus user token|revoke-token`): listed by label, created (the secret
  // shown once, in this answer only), revoked.
  router.add("GET", "/api/v1/users/{name}/tokens",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      if (auto no = admin_only(req, c)) return *no;
                      auth::Accounts accounts(db, options.accounts);
                      Result<std::optional<auth::User>> found = accounts.find_user(p.at("name"));
                      if (!found) return store_problem(req, found.error());
                      if (!*found) return problem(req, 404, "not_found");
                      Result<std::vector<auth::Accounts::TokenInfo>> tokens =
                          accounts.tokens(p.at("name"));
                      if (!tokens) return store_problem(req, tokens.error());
                      Json items = Json::array();
                      for (const auto& t : *tokens) {
                        Json x;
                        x["label"] = clean_utf8(t.label);
                        x["created_at"] = t.created_at;
                        x["last_used_at"] =
                            t.last_used_at.empty() ? Json(nullptr) : Json(t.last_used_at);
                        x["revoked"] = t.revoked;
                        items.push_back(std::move(x));
                      }
                      Json j;
                      j["items"] = std::move(items);
                      return json_response(200, j);
                    }));
  router.add(
      "POST", "/api/v1/users/{name}/tokens",
      authed(*this,
             [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                    store::Store& db) -> HttpResponse {
               if (auto no = admin_only(req, c)) return *no;
               Json body;
               if (auto bad = read_json_body(*this, req, body)) return *bad;
               for (auto it = body.begin(); it != body.end(); ++it)
                 if (it.key() != "label")
                   return problem(req, 422, "validation_failed",
                                  Text{"未知字段：" + it.key(), "unknown field: " + it.key()});
               if (!body.contains("label") || !body["label"].is_string())
                 return problem(
                     req, 422, "validation_failed",
                     Text{"缺少 label（令牌的标签）", "label (the token's label) is required"});
               auth::Accounts accounts(db, options.accounts);
               Result<std::optional<auth::User>> found = accounts.find_user(p.at("name"));
               if (!found) return store_problem(req, found.error());
               if (!*found) return problem(req, 404, "not_found");
               const std::string label = body["label"].get<std::string>();
               Result<std::string> token = accounts.create_token(p.at("name"), label, c.user.name);
               if (!token) {
                 if (token.error().code == StatusCode::failed_precondition)
                   return problem(req, 409, "conflict", token.error().message);
                 return problem_from_status(req, token.error());
               }
               Json j;
               j["user"] = p.at("name");
               j["label"] = label;
               j["token"] = *token;
               HttpResponse r = json_response(201, j);
               // A replay under the same Idempotency-Key does not show the secret again (only its
               // hash is kept anywhere).
               j["token"] = nullptr;
               r.replay_body = j.dump();
               r.set_header("Cache-Control", "no-store");
               return r;
             }));
  router.add("DELETE", "/api/v1/users/{name}/tokens/{label}",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      if (auto no = admin_only(req, c)) return *no;
                      auth::Accounts accounts(db, options.accounts);
                      Status s = accounts.revoke_token(p.at("name"), p.at("label"), c.user.name);
                      if (!s.ok()) {
                        if (s.code == StatusCode::not_found)
                          return problem(req, 404, "not_found", s.message);
                        return problem_from_status(req, s);
                      }
                      return HttpResponse::json(204, "");
                    }));
}

}  // namespace gradus::server
