// The API's frame (api.h): creation, the request pipeline — route, caller, CSRF check,
// Idempotency-Key replay, the handler, metrics — the helpers every handler uses, and the routes
// that are not about firms: health, metrics, the OpenAPI document, sessions.
#include "server/api.h"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "core/embedded.h"
#include "server/api_state.h"
#include "store/schema.h"

namespace gradus::server {

namespace {

using Clock = std::chrono::steady_clock;

// Up to this many firms changed since the pool in memory was loaded, only they are read again.
constexpr size_t kIncrementalLimit = 2000;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

bool state_changing(const std::string& method) {
  return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

// YAML (the OpenAPI document) to JSON: mappings, sequences, and scalars typed as YAML 1.2's core
// schema reads them (true/false, integers, numbers, null; everything else a string).
Json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      Json j = Json::object();
      for (const auto& kv : n) j[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      Json j = Json::array();
      for (const auto& v : n) j.push_back(yaml_to_json(v));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      if (!s.empty() && s.find_first_not_of("0123456789-") == std::string::npos && s != "-") {
        try {
          return std::stoll(s);
        } catch (...) {
        }
      }
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace

Result<std::string> openapi_json() {
  std::optional<std::string_view> doc = embedded_file("docs/openapi.yaml");
  if (!doc)
    return error(StatusCode::internal, "程序中没有嵌入 docs/openapi.yaml",
                 "docs/openapi.yaml is not embedded");
  try {
    return yaml_to_json(YAML::Load(std::string(*doc))).dump();
  } catch (const std::exception& e) {
    return error(StatusCode::internal, std::string("docs/openapi.yaml 无法解析：") + e.what(),
                 std::string("docs/openapi.yaml does not parse: ") + e.what());
  }
}

// --- store connections ---

StoreLease::~StoreLease() {
  if (pool_ && store_ && !broken_) pool_->give_back(std::move(store_));
}

Result<StoreLease> StorePool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<store::Store> s = std::move(idle_.back());
      idle_.pop_back();
      return StoreLease(this, std::move(s));
    }
  }
  Result<std::unique_ptr<store::Store>> s = store::Store::open(url_);
  if (!s) return s.error();
  return StoreLease(this, std::move(*s));
}

void StorePool::give_back(std::unique_ptr<store::Store> s) {
  std::lock_guard lock(mu_);
  if (idle_.size() < 64) idle_.push_back(std::move(s));
}

// --- the pool in memory and the plans ---

Result<std::shared_ptr<const PoolSnapshot>> Api::State::current_pool(store::Store& db) {
  const auto t0 = Clock::now();
  Result<int64_t> head = db.head_batch();
  if (metrics) metrics->observe_store(seconds_since(t0));
  if (!head) return head.error();
  {
    std::lock_guard lock(pool_mu);
    if (snapshot && snapshot->head == *head) return snapshot;
  }
  std::lock_guard lock(pool_mu);
  if (snapshot && snapshot->head >= *head) return snapshot;  // reloaded meanwhile
  const auto t1 = Clock::now();
  // The marks first, then the head: every row of a batch up to the head is at or below the marks
  // or above them (then written since, and read again next time) — none is missed.
  Result<std::vector<int64_t>> marks = db.row_marks();
  if (!marks) return marks.error();
  head = db.head_batch();
  if (!head) return head.error();
  Result<Pool> pool = Pool();
  // A few firms written since the pool was loaded (the usual case: edits and small imports): only
  // they are read from the store and put into a copy of the pool. Otherwise the whole pool.
  bool whole = true;
  if (snapshot) {
    Result<std::vector<std::string>> changed = db.enterprises_written_since(snapshot->marks);
    if (!changed) return changed.error();
    if (changed->size() <= kIncrementalLimit) {
      Result<Pool> firms = db.load_pool({.known_batch = *head, .only = std::move(*changed)});
      if (!firms) return firms.error();
      pool = snapshot->pool.with_firms(*firms);
      whole = false;
    }
  }
  if (whole) pool = db.load_pool({.known_batch = *head});
  if (metrics) {
    metrics->observe_store(seconds_since(t1));
    metrics->set_gauge(
        whole ? "gradus_pool_full_loads_last_seconds" : "gradus_pool_updates_last_seconds",
        whole ? "Seconds of the last load of the whole pool from the store"
              : "Seconds of the last update of the pool with the firms changed by other writes",
        seconds_since(t1));
  }
  if (!pool) return pool.error();
  auto snap = std::make_shared<PoolSnapshot>();
  snap->pool = std::move(*pool);
  snap->head = *head;
  snap->marks = std::move(*marks);
  snapshot = snap;
  if (metrics) {
    metrics->set_gauge("gradus_pool_enterprises", "Enterprises in the pool held in memory",
                       snap->pool.size());
    metrics->set_gauge("gradus_pool_head_batch", "The store batch the pool in memory is as of",
                       static_cast<double>(snap->head));
  }
  return std::shared_ptr<const PoolSnapshot>(snap);
}

Result<std::shared_ptr<const Plan>> Api::State::plan_of(const Policy& p, Date as_of,
                                                        const std::string& mode) {
  const std::string key = p.key() + "|" + as_of.to_string() + "|" + mode;
  {
    std::lock_guard lock(plan_mu);
    auto it = plans.find(key);
    if (it != plans.end()) return it->second;
  }
  AssessOptions o;
  o.as_of = as_of;
  o.mode = mode;
  Result<std::unique_ptr<Plan>> compiled = compile_plan(p, *registry, o);
  if (!compiled) return compiled.error();
  std::shared_ptr<const Plan> shared(std::move(*compiled));
  std::lock_guard lock(plan_mu);
  if (plans.size() > 512) plans.clear();
  plans.emplace(key, shared);
  return shared;
}

Result<std::shared_ptr<const Plan>> Api::State::plan(const std::string& spec, Date as_of,
                                                     const std::string& mode) {
  Result<const Policy*> p = registry->select(spec, as_of, mode);
  if (!p) return p.error();
  return plan_of(**p, as_of, mode);
}

std::optional<HttpResponse> Api::State::plans_for(const HttpRequest& req,
                                                  std::vector<std::string> specs, Date as_of,
                                                  const std::string& mode,
                                                  std::vector<std::shared_ptr<const Plan>>& plans,
                                                  const std::string& code,
                                                  const std::string& field) {
  const bool all = specs.empty();
  if (all) specs = registry->ids();
  for (const std::string& spec : specs) {
    Result<std::shared_ptr<const Plan>> p = plan(spec, as_of, mode);
    if (!p) {
      if (all) continue;
      const Lang lang = request_lang(req);
      return Problem{
          422, code, p.error().message, {{field, "", -1, "", spec, "", p.error().message.in(lang)}}}
          .response(lang);
    }
    plans.push_back(std::move(*p));
  }
  return std::nullopt;
}

std::shared_ptr<const Plan> Api::State::review_plan(const Plan& p) {
  const Policy* policy = holder_review_policy(p, *registry);
  if (policy == nullptr) return nullptr;
  Result<std::shared_ptr<const Plan>> review = plan_of(*policy, p.options.as_of, "review");
  return review ? *review : nullptr;
}

// --- helpers ---

std::vector<std::string> policy_param(const HttpRequest& req) {
  std::vector<std::string> specs;
  const std::string list = req.param("policy").value_or("");
  for (size_t i = 0; i <= list.size();) {
    size_t comma = list.find(',', i);
    if (comma == std::string::npos) comma = list.size();
    if (comma > i) specs.push_back(list.substr(i, comma - i));
    i = comma + 1;
  }
  return specs;
}

std::optional<HttpResponse> begin_firm_read(Api::State& s, const HttpRequest& req,
                                            const RouteParams& p, const Caller& c, store::Store& db,
                                            FirmRead& out) {
  out.lang = request_lang(req);
  if (auto bad = read_as_of_and_mode(req, out.as_of, out.mode)) return bad;
  Result<std::shared_ptr<const PoolSnapshot>> snap = s.current_pool(db);
  if (!snap) return store_problem(req, snap.error());
  out.snap = std::move(*snap);
  out.e = firm_in_scope(c, out.snap->pool, p.at("uscc"));
  if (!out.e) return problem(req, 404, "not_found");
  return std::nullopt;
}

Result<Caller> identify(Api::State& s, store::Store& db, const HttpRequest& req) {
  Caller c;
  auth::Accounts accounts(db, s.options.accounts);
  std::string_view authz = req.header("authorization");
  if (authz.size() > 7 && (authz.substr(0, 7) == "Bearer " || authz.substr(0, 7) == "bearer ")) {
    Result<std::optional<auth::User>> u = accounts.token_user(authz.substr(7));
    if (!u) return u.error();
    if (!*u) return c;
    c.authenticated = true;
    c.by_token = true;
    c.user = std::move(**u);
  } else if (std::string token = req.cookie("gradus_session"); !token.empty()) {
    Result<std::optional<auth::Session>> session = accounts.session(token);
    if (!session) return session.error();
    if (!*session) return c;
    c.authenticated = true;
    c.user = std::move((*session)->user);
    c.session_token = token;
    c.csrf_token = (*session)->csrf_token;
  } else {
    return c;
  }
  if (c.user.role == auth::Role::official || c.user.role == auth::Role::reviewer) {
    for (const std::string& r : c.user.regions)
      if (Result<PoolFilter> f = PoolFilter::make(r, "", "")) c.scope.push_back(*f);
    for (const std::string& p : c.user.parks)
      if (Result<PoolFilter> f = PoolFilter::make("", p, "")) c.scope.push_back(*f);
  }
  return c;
}

bool in_scope(const Caller& c, const Pool& pool, uint32_t e) {
  switch (c.user.role) {
    case auth::Role::admin:
      return true;
    case auth::Role::enterprise:
      return !c.user.uscc.empty() && pool.uscc(e) == c.user.uscc;
    case auth::Role::official:
    case auth::Role::reviewer:
      // A reviewer without regions or parks works at the level above the parks (province,
      // ministry) and sees the whole pool; an official always has a scope.
      if (c.scope.empty()) return c.user.role == auth::Role::reviewer;
      for (const PoolFilter& f : c.scope)
        if (f.keeps(pool, e)) return true;
      return false;
  }
  return false;
}

std::vector<uint32_t> rows_in_scope(const Caller& c, const Pool& pool) {
  std::vector<uint32_t> rows;
  if (c.user.role == auth::Role::enterprise) {
    if (std::optional<uint32_t> e = pool.find(c.user.uscc)) rows.push_back(*e);
    return rows;
  }
  rows.reserve(pool.size());
  for (uint32_t e = 0; e < pool.size(); ++e)
    if (in_scope(c, pool, e)) rows.push_back(e);
  return rows;
}

std::optional<HttpResponse> read_json_body(const Api::State& s, const HttpRequest& req, Json& out) {
  std::string_view type = req.header("content-type");
  if (type.substr(0, 16) != "application/json")
    return problem(req, 415, "unsupported_media_type",
                   Text{"请求体须为 application/json", "the body must be application/json"});
  if (req.body.size() > s.options.json_body_limit)
    return problem(req, 413, "payload_too_large",
                   Text{"JSON 请求体最多 " + std::to_string(s.options.json_body_limit) + " 字节",
                        "a JSON body may have at most " +
                            std::to_string(s.options.json_body_limit) + " bytes"});
  try {
    out = Json::parse(req.body);
  } catch (const std::exception& e) {
    return problem(req, 400, "invalid_json",
                   Text{std::string("JSON 无法解析：") + e.what(),
                        std::string("the JSON does not parse: ") + e.what()});
  }
  if (!out.is_object())
    return problem(req, 400, "invalid_json",
                   Text{"请求体须为 JSON 对象", "the body must be a JSON object"});
  return std::nullopt;
}

HttpResponse json_response(int status, const Json& j) {
  return HttpResponse::json(status, j.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::optional<HttpResponse> read_as_of_and_mode(const HttpRequest& req, Date& as_of,
                                                std::string& mode) {
  as_of = Date::today();
  if (std::optional<std::string> d = req.param("as_of"); d && !d->empty()) {
    Result<Date> parsed = Date::parse(*d);
    if (!parsed)
      return Problem{422,
                     "invalid_parameter",
                     parsed.error().message,
                     {{"as_of", "", -1, "", *d, "", parsed.error().message.in(request_lang(req))}}}
          .response(request_lang(req));
    as_of = *parsed;
  }
  mode = req.param("mode").value_or("application");
  if (mode != "application" && mode != "review")
    return problem(req, 422, "invalid_parameter",
                   Text{"mode 须为 application 或 review", "mode must be application or review"});
  return std::nullopt;
}

std::optional<HttpResponse> read_page(const HttpRequest& req, size_t& page, size_t& page_size) {
  page = 1;
  page_size = 50;
  auto number = [&](const char* name, size_t& out, size_t lo, size_t hi) -> bool {
    std::optional<std::string> v = req.param(name);
    if (!v) return true;
    if (v->empty() || v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos)
      return false;
    out = std::stoul(*v);
    return out >= lo && out <= hi;
  };
  if (!number("page", page, 1, 100000000))
    return problem(req, 422, "invalid_parameter",
                   Text{"page 须为正整数", "page must be a positive integer"});
  if (!number("page_size", page_size, 1, 1000))
    return problem(req, 422, "invalid_parameter",
                   Text{"page_size 须为 1–1000", "page_size must be 1–1000"});
  return std::nullopt;
}

Json page_json(Json items, size_t total, size_t page, size_t page_size) {
  Json j;
  j["items"] = std::move(items);
  j["total"] = total;
  j["page"] = page;
  j["page_size"] = page_size;
  return j;
}

std::optional<uint32_t> firm_in_scope(const Caller& c, const Pool& pool, const std::string& uscc) {
  std::optional<uint32_t> e = pool.find(uscc);
  if (!e || !in_scope(c, pool, *e)) return std::nullopt;
  return e;
}

std::string in_lang(const Text& t, Lang lang) { return clean_utf8(t.in(lang)); }

HttpResponse store_problem(const HttpRequest& req, const Status& s) {
  return problem_from_status(req, s);
}

bool has_role(const Caller& c, std::initializer_list<auth::Role> roles) {
  return std::find(roles.begin(), roles.end(), c.user.role) != roles.end();
}

HttpResponse Api::State::start_job(const Caller& c, const std::string& kind,
                                   const std::string& prefix, std::function<Status(Job*)> work) {
  auto job = std::make_shared<Job>();
  job->id = prefix + "-" + std::to_string(++job_counter) + "-" +
            auth::token_hash(store::now_timestamp() + c.user.name).substr(0, 8);
  job->owner = c.user.name;
  job->kind = kind;
  job->created_at = store::now_timestamp();
  {
    std::lock_guard lock(jobs_mu);
    jobs[job->id] = job;
    job_threads.emplace_back([job, work = std::move(work)] {
      {
        std::lock_guard l(job->mu);
        job->state = "running";
      }
      Status done = work(job.get());
      std::lock_guard l(job->mu);
      job->progress = 100;
      job->state = done.ok() ? "succeeded" : "failed";
      if (!done.ok()) job->error = done.message;
      job->finished_at = store::now_timestamp();
    });
  }
  Json j;
  j["id"] = job->id;
  j["state"] = "queued";
  j["location"] = "/api/v1/jobs/" + job->id;
  HttpResponse r = json_response(202, j);
  r.set_header("Location", "/api/v1/jobs/" + job->id);
  return r;
}

// --- the API object ---

Api::Api(std::unique_ptr<State> state) : state_(std::move(state)) {}

Api::~Api() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(state_->jobs_mu);
    threads.swap(state_->job_threads);
  }
  for (std::thread& t : threads) t.join();
}

Result<std::unique_ptr<Api>> Api::create(ApiOptions options, Metrics* metrics) {
  if (sodium_init() < 0)
    return error(StatusCode::internal, "libsodium 初始化失败", "libsodium failed to initialise");
  auto s = std::make_unique<State>();
  s->options = std::move(options);
  s->metrics = metrics;
  std::string errors;
  s->registry = std::make_unique<PolicyRegistry>(PolicyRegistry::shipped(&errors));
  if (!errors.empty())
    return error(StatusCode::internal, "内置政策无法加载：" + errors,
                 "the shipped policies do not load: " + errors);
  s->calendar = CallCalendar::shipped(&errors);
  s->stores = std::make_unique<StorePool>(s->options.db_url);
  {
    // Opening once up front: a missing store is reported before the server listens.
    Result<StoreLease> first = s->stores->acquire();
    if (!first) return first.error();
    Result<std::shared_ptr<const PoolSnapshot>> pool = s->current_pool(**first);
    if (!pool) return pool.error();
  }
  Result<std::string> doc = openapi_json();
  if (!doc) return doc.error();
  s->openapi = std::move(*doc);
  {
    std::string workflow_errors;
    s->workflows = workflow::WorkflowDefinition::shipped(&workflow_errors);
    if (!workflow_errors.empty())
      return error(StatusCode::internal, "流程文件有误：" + workflow_errors,
                   "a workflow file is broken: " + workflow_errors);
  }
  if (!s->options.web_root.empty()) {
    Result<StaticFiles> web = StaticFiles::open(s->options.web_root);
    if (!web) return web.error();
    s->web = std::move(*web);
  }
  s->jobs_dir = s->options.jobs_dir;
  if (s->jobs_dir.empty()) {
    std::error_code ec;
    std::filesystem::path dir =
        std::filesystem::temp_directory_path(ec) / ("gradus-jobs-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return error(StatusCode::io_error, "无法创建任务目录 " + dir.string(),
                   "cannot create the jobs directory " + dir.string());
    s->jobs_dir = dir.string();
  }
  s->register_routes();
  return std::unique_ptr<Api>(new Api(std::move(s)));
}

std::vector<std::pair<std::string, std::string>> Api::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& r : state_->router.routes()) out.emplace_back(r.method, r.pattern);
  return out;
}

HttpResponse Api::handle(HttpRequest& req) {
  State& s = *state_;
  RouteMatch m = s.router.match(req.method, req.path);
  // The web UI: any GET outside the API that no route takes.
  if (!m.route && s.web && req.method == "GET" && !req.path.starts_with("/api/")) {
    if (std::optional<HttpResponse> file = s.web->serve(req.path)) {
      file->route = "(web)";
      return *file;
    }
  }
  if (!m.route) {
    HttpResponse r =
        m.path_known ? problem(req, 405, "method_not_allowed") : problem(req, 404, "not_found");
    if (m.path_known) {
      std::string allow;
      for (const std::string& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
      r.set_header("Allow", allow);
    }
    r.route = m.path_known ? "(method not allowed)" : "(not found)";
    return r;
  }
  HttpResponse r = m.route->handler(req, m.params);
  r.route = m.route->pattern;
  return r;
}

// The pipeline around an authenticated route: store connection, caller, CSRF, Idempotency-Key.
using AuthedHandler =
    std::function<HttpResponse(HttpRequest&, const RouteParams&, const Caller&, store::Store&)>;

RouteHandler authed(Api::State& s, AuthedHandler h) {
  return [&s, h = std::move(h)](HttpRequest& req, const RouteParams& params) -> HttpResponse {
    Result<StoreLease> lease = s.stores->acquire();
    if (!lease) return store_problem(req, lease.error());
    Result<Caller> caller = identify(s, **lease, req);
    if (!caller) {
      lease->discard();
      return store_problem(req, caller.error());
    }
    if (!caller->authenticated) {
      HttpResponse r = problem(
          req, 401, "unauthenticated",
          Text{"请先登录（POST /api/v1/session）或使用 API 令牌（Authorization: Bearer）",
               "log in first (POST /api/v1/session) or send an API token (Authorization: Bearer)"});
      r.set_header("WWW-Authenticate", "Bearer realm=\"gradus\"");
      return r;
    }
    if (state_changing(req.method) && !caller->by_token) {
      std::string_view sent = req.header("x-csrf-token");
      if (sent.empty() || sent.size() != caller->csrf_token.size() ||
          sodium_memcmp(sent.data(), caller->csrf_token.data(), sent.size()) != 0) {
        HttpResponse r =
            problem(req, 403, "csrf_failed",
                    Text{"带会话 Cookie 的修改请求须附 X-CSRF-Token（登录时返回的 csrf_token）",
                         "a change made with the session cookie must send X-CSRF-Token (the "
                         "csrf_token of the login)"});
        r.user = caller->user.name;
        return r;
      }
    }
    // Idempotency-Key: a replay of the same request answers what the first one did.
    std::string key(req.header("idempotency-key"));
    std::string request_hash, claim_token;
    auth::Accounts accounts(**lease, s.options.accounts);
    if (!key.empty() && (req.method == "POST" || req.method == "PATCH")) {
      if (key.size() > 200)
        return problem(req, 422, "invalid_parameter",
                       Text{"Idempotency-Key 过长（最多 200 字符）",
                            "Idempotency-Key is too long (200 characters at most)"});
      request_hash = auth::token_hash(req.method + " " + req.target + "\n" +
                                      std::string(req.header("if-match")) + "\n" + req.body);
      // Claimed before the handler runs, so that the same key sent twice at once runs once.
      Result<auth::Accounts::Claim> claim =
          accounts.claim_response(caller->user.name, key, request_hash);
      if (!claim) return store_problem(req, claim.error());
      if (claim->kind == auth::Accounts::Claim::Kind::running) {
        HttpResponse r = problem(req, 409, "idempotency_key_in_use");
        r.set_header("Retry-After", "1");
        r.user = caller->user.name;
        return r;
      }
      if (claim->kind == auth::Accounts::Claim::Kind::replay) {
        const auth::Accounts::StoredResponse& kept = *claim->stored;
        if (kept.request_hash != request_hash) {
          HttpResponse r = problem(req, 422, "idempotency_key_reused");
          r.user = caller->user.name;
          return r;
        }
        HttpResponse r = HttpResponse::json(kept.status, kept.body);
        r.content_type = kept.content_type;
        r.set_header("Idempotent-Replayed", "true");
        r.user = caller->user.name;
        return r;
      }
      claim_token = claim->token;
    }
    HttpResponse r = h(req, params, *caller, **lease);
    r.user = caller->user.name;
    if (!claim_token.empty()) {
      // A server error may be worth retrying under the same key: the claim is released.
      if (r.status < 500 && r.file_path.empty()) {
        auth::Accounts::StoredResponse keep{request_hash, r.status, r.content_type,
                                            r.replay_body.value_or(r.body)};
        (void)accounts.complete_response(caller->user.name, key, claim_token, keep);
      } else {
        (void)accounts.release_claim(caller->user.name, key, claim_token);
      }
    }
    return r;
  };
}

void Api::State::register_routes() {
  router.add("GET", "/healthz", [this](HttpRequest& req, const RouteParams&) {
    Result<StoreLease> lease = stores->acquire();
    if (!lease) return problem(req, 503, "store_unavailable", lease.error().message);
    Result<int64_t> head = (*lease)->head_batch();
    if (!head) {
      lease->discard();
      return problem(req, 503, "store_unavailable", head.error().message);
    }
    Json j;
    j["status"] = "ok";
    j["store"] = (*lease)->describe();
    j["head_batch"] = *head;
    std::lock_guard lock(pool_mu);
    j["pool_enterprises"] = snapshot ? snapshot->pool.size() : 0;
    return json_response(200, j);
  });
  router.add("GET", "/metrics", [this](HttpRequest&, const RouteParams&) {
    return HttpResponse::text(200, metrics ? metrics->render() : "",
                              "text/plain; version=0.0.4; charset=utf-8");
  });
  router.add("GET", "/api/v1/openapi.json",
             [this](HttpRequest&, const RouteParams&) { return HttpResponse::json(200, openapi); });
  add_session_routes();
  add_enterprise_routes();
  add_pool_routes();
  add_admin_routes();
  add_report_routes();
  add_application_routes();
}

// --- sessions ---

Json user_to_json(const auth::User& u) {
  Json j;
  j["name"] = u.name;
  j["role"] = std::string(auth::role_id(u.role));
  j["regions"] = u.regions;
  j["parks"] = u.parks;
  j["level"] = u.level;
  j["uscc"] = u.uscc;
  j["disabled"] = u.disabled;
  if (!u.created_at.empty()) j["created_at"] = u.created_at;
  return j;
}

void Api::State::add_session_routes() {
  router.add(
      "POST", "/api/v1/session", [this](HttpRequest& req, const RouteParams&) -> HttpResponse {
        Json body;
        if (auto bad = read_json_body(*this, req, body)) return *bad;
        if (!body.contains("username") || !body["username"].is_string() ||
            !body.contains("password") || !body["password"].is_string())
          return problem(req, 422, "validation_failed",
                         Text{"须提供字符串 username 和 password",
                              "username and password (strings) are required"});
        for (auto it = body.begin(); it != body.end(); ++it)
          if (it.key() != "username" && it.key() != "password")
            return Problem{422,
                           "validation_failed",
                           Text{"未知字段：" + it.key(), "unknown field: " + it.key()},
                           {{it.key(), "", -1, "", "", "", "unknown field"}}}
                .response(request_lang(req));
        const std::string name = body["username"], password = body["password"];
        // Failed logins per address: too many in ten minutes and the address must wait.
        const auto now = Clock::now();
        {
          std::lock_guard lock(rate_mu);
          auto& q = failed_by_address[req.remote_address];
          while (!q.empty() && now - q.front() > std::chrono::minutes(10)) q.pop_front();
          if (q.size() >= options.login_attempts_per_address) {
            HttpResponse r =
                problem(req, 429, "too_many_attempts",
                        Text{"此地址登录失败次数过多，请 10 分钟后再试",
                             "too many failed logins from this address: try again in 10 minutes"});
            r.set_header("Retry-After", "600");
            return r;
          }
        }
        Result<StoreLease> lease = stores->acquire();
        if (!lease) return store_problem(req, lease.error());
        auth::Accounts accounts(**lease, options.accounts);
        Result<auth::Session> session = accounts.login(name, password);
        if (!session) {
          {
            std::lock_guard lock(rate_mu);
            failed_by_address[req.remote_address].push_back(now);
          }
          Result<std::optional<std::string>> locked = accounts.locked_until(name);
          if (locked && *locked) {
            HttpResponse r = problem(req, 429, "account_locked", session.error().message);
            r.set_header("Retry-After", "900");
            r.user = name;
            return r;
          }
          if (session.error().code == StatusCode::io_error ||
              session.error().code == StatusCode::internal)
            return store_problem(req, session.error());
          HttpResponse r = problem(req, 401, "invalid_credentials", session.error().message);
          r.user = name;
          return r;
        }
        Json j;
        j["csrf_token"] = session->csrf_token;
        j["expires_at"] = session->expires_at;
        j["user"] = user_to_json(session->user);
        HttpResponse r = json_response(200, j);
        const long long max_age =
            std::chrono::duration_cast<std::chrono::seconds>(options.accounts.session_lifetime)
                .count();
        r.set_header("Set-Cookie",
                     "gradus_session=" + session->token +
                         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age));
        r.set_header("Cache-Control", "no-store");
        r.user = name;
        return r;
      });
  router.add("GET", "/api/v1/session",
             authed(*this, [](HttpRequest&, const RouteParams&, const Caller& c, store::Store&) {
               Json j;
               j["user"] = user_to_json(c.user);
               j["via"] = c.by_token ? "token" : "session";
               if (!c.by_token) j["csrf_token"] = c.csrf_token;
               return json_response(200, j);
             }));
  router.add(
      "DELETE", "/api/v1/session",
      authed(*this, [](HttpRequest& req, const RouteParams&, const Caller& c, store::Store& db) {
        if (c.by_token)
          return problem(req, 422, "validation_failed",
                         Text{"API 令牌没有会话可注销", "an API token has no session to end"});
        auth::Accounts accounts(db);
        if (Status st = accounts.logout(c.session_token); !st.ok()) return store_problem(req, st);
        HttpResponse r = HttpResponse::json(204, "");
        r.set_header("Set-Cookie", "gradus_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        return r;
      }));
}

}  // namespace gradus::server
