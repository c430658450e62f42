// Route matching (router.h): segment by segment, literal segments before captures.
#include "server/router.h"

#include <algorithm>

namespace gradus::server {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 1;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

bool is_capture(const std::string& s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string pattern, RouteHandler handler) {
  Route r{std::move(method), std::move(pattern), std::move(handler), {}};
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch out;
  const std::vector<std::string> parts = split_path(path);
  // The best match has the most literal segments (so /runs/latest beats /runs/{id}).
  int best_literals = -1;
  for (const Route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    RouteParams params;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      if (is_capture(r.segments[i])) {
        if (parts[i].empty())
          ok = false;
        else
          params[r.segments[i].substr(1, r.segments[i].size() - 2)] = parts[i];
      } else if (r.segments[i] == parts[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    out.path_known = true;
    if (std::find(out.allowed.begin(), out.allowed.end(), r.method) == out.allowed.end())
      out.allowed.push_back(r.method);
    if (r.method != method || literals <= best_literals) continue;
    best_literals = literals;
    out.route = &r;
    out.params = std::move(params);
  }
  return out;
}

}  // namespace gradus::server
