// The gradus HTTP API (/api/v1, docs/openapi.yaml): sessions and tokens, the enterprises of the
// caller's scope with their facts, assessments, explanations, gaps, growth paths and what-ifs,
// imports, assessment runs as jobs, potential, statistics, policies, the audit log and users —
// each handler calling the same library functions as the CLI. `gradus serve` puts it behind
// HttpServer.
//
//   Result<std::unique_ptr<Api>> api = Api::create({.db_url = "sqlite:gradus.db"}, &metrics);
//   HttpResponse r = (*api)->handle(request);
//
// Thread-safety: handle() is called from many threads at once; the API keeps one store connection
// per concurrent request and one pool in memory, reloaded when the store's head batch moves (a
// write from this process or another one on the same database).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/accounts.h"
#include "core/date.h"
#include "core/status.h"
#include "server/http.h"

namespace gradus::server {

class Metrics;

struct ApiOptions {
  std::string db_url;
  std::string jobs_dir;  // job results (CSV/XLSX downloads); empty: a temporary directory
  std::string web_root;  // the web UI's built files served at / (static_files.h); empty: none
  // A test clock: the workflow's "today" (applications, notices, grants); nullopt: the real date
  // (UTC+8). `gradus serve --today` sets it only when GRADUS_ALLOW_TEST_CLOCK=1.
  std::optional<Date> today;
  unsigned threads = 0;  // for pool-wide work (assessment runs, potential); 0: all cores
  auth::AccountsOptions accounts;
  uint64_t json_body_limit = 1024 * 1024;    // bytes of a JSON request body
  uint32_t login_attempts_per_address = 20;  // failed logins per address per 10 minutes
};

class Api {
 public:
  static Result<std::unique_ptr<Api>> create(ApiOptions options, Metrics* metrics);
  ~Api();
  HttpResponse handle(HttpRequest& req);
  // (method, pattern) of every route, for the OpenAPI check and `gradus serve --routes`.
  std::vector<std::pair<std::string, std::string>> routes() const;
  struct State;

 private:
  explicit Api(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The OpenAPI document (docs/openapi.yaml, embedded) as JSON.
Result<std::string> openapi_json();

}  // namespace gradus::server
