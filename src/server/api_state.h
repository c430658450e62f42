// What the API's handlers share (internal to src/server/api*.cpp): the caller, the store
// connections, the pool held in memory, compiled plans, jobs, and small helpers for JSON bodies,
// pages and scope. Not included outside src/server.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analysis/pool_filter.h"
#include "auth/accounts.h"
#include "core/date.h"
#include "engine/evaluate.h"
#include "engine/plan.h"
#include "engine/pool.h"
#include "policy/calls.h"
#include "policy/registry.h"
#include "server/api.h"
#include "server/metrics.h"
#include "server/problem.h"
#include "server/router.h"
#include "server/static_files.h"
#include "store/store.h"
#include "workflow/definition.h"

namespace gradus::server {

using Json = nlohmann::ordered_json;

// Who is asking: the user of the session cookie or the bearer token (unauthenticated otherwise).
struct Caller {
  bool authenticated = false;
  bool by_token = false;
  auth::User user;
  std::string session_token, csrf_token;
  std::vector<PoolFilter> scope;  // official / reviewer: a firm in any of them is in scope
};

// A store connection lent to one request; returned when the lease ends.
class StorePool;
class StoreLease {
 public:
  StoreLease(StorePool* pool, std::unique_ptr<store::Store> s)
      : pool_(pool), store_(std::move(s)) {}
  StoreLease(StoreLease&&) = default;
  ~StoreLease();
  store::Store& operator*() { return *store_; }
  store::Store* operator->() { return store_.get(); }
  // The connection failed (it is closed instead of returned).
  void discard() { broken_ = true; }

 private:
  StorePool* pool_;
  std::unique_ptr<store::Store> store_;
  bool broken_ = false;
};

class StorePool {
 public:
  explicit StorePool(std::string url) : url_(std::move(url)) {}
  Result<StoreLease> acquire();
  void give_back(std::unique_ptr<store::Store> s);
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

// The pool as loaded from the store after batch `head`.
struct PoolSnapshot {
  Pool pool;
  int64_t head = 0;
  std::vector<int64_t> marks;  // Store::row_marks() read before the head: what the pool holds
};

// A whole-pool task run in the background (assessment runs): progress, then a summary and files.
struct Job {
  std::string id, owner, kind, created_at;
  std::mutex mu;
  std::string state = "queued";  // queued | running | succeeded | failed
  int progress = 0;              // 0–100
  std::string finished_at;
  Json summary;
  Text error;
  std::map<std::string, std::string> files;  // format (csv, xlsx) → path ("": made on demand)
  // How the workbook is made from the CSV on demand: its sheet and the columns that are numbers.
  Text xlsx_sheet{"评价结果", "results"};
  std::vector<size_t> xlsx_numbers{7};  // the score (append_csv_header)
};

struct Api::State {
  ApiOptions options;
  Metrics* metrics = nullptr;
  std::unique_ptr<PolicyRegistry> registry;
  CallCalendar calendar;
  Router router;
  std::unique_ptr<StorePool> stores;
  std::string openapi;
  std::string jobs_dir;
  std::optional<StaticFiles> web;                       // --web-root
  std::vector<workflow::WorkflowDefinition> workflows;  // workflows/*.yaml

  std::mutex pool_mu;  // held while (re)loading
  std::shared_ptr<const PoolSnapshot> snapshot;

  std::mutex plan_mu;
  std::map<std::string, std::shared_ptr<const Plan>> plans;

  std::mutex jobs_mu;
  std::map<std::string, std::shared_ptr<Job>> jobs;
  std::vector<std::thread> job_threads;
  std::atomic<uint64_t> job_counter{0};

  std::mutex rate_mu;  // failed logins per address
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failed_by_address;

  // The pool as of the store's newest batch, reloaded when another write moved it.
  Result<std::shared_ptr<const PoolSnapshot>> current_pool(store::Store& db);
  // The compiled plan of a policy in the version selected for (as_of, mode); cached.
  Result<std::shared_ptr<const Plan>> plan(const std::string& spec, Date as_of,
                                           const std::string& mode);
  // The plan of a known policy version, compiled for (as_of, mode); cached.
  Result<std::shared_ptr<const Plan>> plan_of(const Policy& p, Date as_of, const std::string& mode);
  // The plans of `specs` (ID or ID@VERSION; none: every policy with a version in force). A spec
  // that selects nothing is a 422 with `code`, naming `field`.
  std::optional<HttpResponse> plans_for(const HttpRequest& req, std::vector<std::string> specs,
                                        Date as_of, const std::string& mode,
                                        std::vector<std::shared_ptr<const Plan>>& plans,
                                        const std::string& code = "invalid_parameter",
                                        const std::string& field = "policy");
  // A tier's review version, by which a holder of its title is assessed in application mode
  // (holder_review_policy, as `gradus assess` does), compiled and cached; null when that does not
  // apply.
  std::shared_ptr<const Plan> review_plan(const Plan& plan);

  // Starts `work` on a thread of its own as a job of the caller's (its id "PREFIX-N-…"); the job
  // succeeds when work returns ok, else fails with its message. Work sets the job's progress,
  // summary and files under job->mu. Answers 202 with the Location of GET /api/v1/jobs/{id}.
  HttpResponse start_job(const Caller& c, const std::string& kind, const std::string& prefix,
                         std::function<Status(Job*)> work);

  // The workflow's today: the test clock when set, else the date in UTC+8.
  Date today() const { return options.today ? *options.today : Date::today(); }

  void register_routes();
  void add_session_routes();
  void add_enterprise_routes();
  void add_pool_routes();
  void add_admin_routes();
  void add_report_routes();
  void add_application_routes();
};

// --- helpers shared by the handlers (api.cpp) ---

// A route that needs a caller: lends a store connection, identifies the caller (401 when
// anonymous), checks X-CSRF-Token on changes made with a session cookie (403), and answers a
// replayed Idempotency-Key with the first answer (422 when the key came with another request).
using AuthedHandler =
    std::function<HttpResponse(HttpRequest&, const RouteParams&, const Caller&, store::Store&)>;
RouteHandler authed(Api::State& s, AuthedHandler h);
Json user_to_json(const auth::User& u);

// Who is asking (a session cookie or a bearer token); does not fail for anonymous callers.
Result<Caller> identify(Api::State& s, store::Store& db, const HttpRequest& req);
// The firm rows of `pool` the caller may see (every row for an admin).
bool in_scope(const Caller& c, const Pool& pool, uint32_t e);
std::vector<uint32_t> rows_in_scope(const Caller& c, const Pool& pool);
// Parses a JSON request body (415 unless JSON, 413 over the limit, 400 when malformed).
std::optional<HttpResponse> read_json_body(const Api::State& s, const HttpRequest& req, Json& out);
HttpResponse json_response(int status, const Json& j);
// The as-of date (?as_of=, default today in UTC+8) and mode (?mode=application|review).
std::optional<HttpResponse> read_as_of_and_mode(const HttpRequest& req, Date& as_of,
                                                std::string& mode);
// ?page= and ?page_size= (1-based page; size 1–1000, default 50).
std::optional<HttpResponse> read_page(const HttpRequest& req, size_t& page, size_t& page_size);
Json page_json(Json items, size_t total, size_t page, size_t page_size);
// What a read about one firm starts with: the caller's language, ?as_of= and ?mode=, the pool as
// of now, and the firm of {uscc} in the caller's scope (404 otherwise: existence is not revealed).
// Handlers take it apart: `const auto& [lang, as_of, mode, snap, e] = f;`.
struct FirmRead {
  Lang lang = Lang::zh;
  Date as_of;
  std::string mode;
  std::shared_ptr<const PoolSnapshot> snap;
  std::optional<uint32_t> e;
};
std::optional<HttpResponse> begin_firm_read(Api::State& s, const HttpRequest& req,
                                            const RouteParams& p, const Caller& c, store::Store& db,
                                            FirmRead& out);
// The firms of GET /api/v1/enterprises (and of its export), in the caller's scope, filtered by
// ?region= ?park= ?industry= ?q= ?title= ?policy=&outcome= ?size_class= and sorted by ?sort=;
// a 422 for a filter that cannot be read.
std::optional<HttpResponse> listed_rows(Api::State& s, const HttpRequest& req, const Caller& c,
                                        const Pool& pool, Date as_of, const std::string& mode,
                                        std::vector<uint32_t>& rows);
// The comma-separated list of ?policy= (empty when absent).
std::vector<std::string> policy_param(const HttpRequest& req);
// A firm of the pool by USCC, in the caller's scope; 404 otherwise (existence is not revealed).
std::optional<uint32_t> firm_in_scope(const Caller& c, const Pool& pool, const std::string& uscc);
// The JSON of a Text in the caller's language.
std::string in_lang(const Text& t, Lang lang);
// The store's failure as a problem (and the connection discarded when it broke).
HttpResponse store_problem(const HttpRequest& req, const Status& s);
// The caller must hold one of these roles (403 forbidden otherwise).
bool has_role(const Caller& c, std::initializer_list<auth::Role> roles);

}  // namespace gradus::server
