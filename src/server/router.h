// Matches a request's method and path to a route: patterns such as
// "/api/v1/enterprises/{uscc}/assessments" whose `{name}` segments capture one path segment.
// The route table is also what the OpenAPI check compares with docs/openapi.yaml.
//
//   Router r;
//   r.add("GET", "/api/v1/enterprises/{uscc}", get_enterprise);
//   RouteMatch m = r.match("GET", "/api/v1/enterprises/9132…");
//   if (m.route) m.route->handler(req, m.params);   // m.params["uscc"]
//
// Thread-safety: add() during set-up only; match() from any thread afterwards.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "server/http.h"

namespace gradus::server {

using RouteParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(HttpRequest&, const RouteParams&)>;

struct Route {
  std::string method;
  std::string pattern;
  RouteHandler handler;
  std::vector<std::string> segments;  // the pattern split at '/'
};

struct RouteMatch {
  const Route* route = nullptr;
  RouteParams params;
  bool path_known = false;           // some route has this path (with another method): 405, not 404
  std::vector<std::string> allowed;  // the methods of that path
};

class Router {
 public:
  void add(std::string method, std::string pattern, RouteHandler handler);
  RouteMatch match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace gradus::server
