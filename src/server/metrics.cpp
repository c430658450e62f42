// Prometheus text rendering of the server's counters and histograms (see metrics.h).
#include "server/metrics.h"

#include <cstdio>

namespace gradus::server {

namespace {

constexpr double kBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                              0.1,    0.25,  0.5,    1,     2.5,  5,     10};

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// A label value with backslash, quote and newline escaped, as the text format requires.
std::string label_value(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '\\' || ch == '"') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out;
}

}  // namespace

void Metrics::add(Histogram& h, double seconds) {
  if (h.buckets.empty()) h.buckets.assign(std::size(kBounds) + 1, 0);
  for (size_t i = 0; i < std::size(kBounds); ++i)
    if (seconds <= kBounds[i]) ++h.buckets[i];
  ++h.buckets.back();
  h.sum += seconds;
  ++h.count;
}

void Metrics::observe_request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  add(latency_[route], seconds);
}

void Metrics::observe_store(double seconds) {
  std::lock_guard lock(mu_);
  add(store_, seconds);
}

void Metrics::set_gauge(const std::string& name, const std::string& help, double value) {
  std::lock_guard lock(mu_);
  gauges_[name] = {help, value};
}

void Metrics::render_histogram(std::string& out, const std::string& name, const std::string& labels,
                               const Histogram& h) {
  const std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < std::size(kBounds); ++i)
    out += name + "_bucket{" + labels + sep + "le=\"" + number(kBounds[i]) + "\"} " +
           std::to_string(h.buckets.empty() ? 0 : h.buckets[i]) + "\n";
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + number(h.sum) + "\n";
  out += name + "_count" + braces + " " + std::to_string(h.count) + "\n";
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP gradus_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE gradus_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += "gradus_http_requests_total{route=\"" + label_value(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  out +=
      "# HELP gradus_http_request_duration_seconds Time from a request's arrival to its answer.\n";
  out += "# TYPE gradus_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_)
    render_histogram(out, "gradus_http_request_duration_seconds",
                     "route=\"" + label_value(route) + "\"", h);
  out +=
      "# HELP gradus_store_duration_seconds Time of one store round trip (head check, load, "
      "write).\n";
  out += "# TYPE gradus_store_duration_seconds histogram\n";
  render_histogram(out, "gradus_store_duration_seconds", "", store_);
  for (const auto& [name, g] : gauges_) {
    out += "# HELP " + name + " " + g.first + "\n# TYPE " + name + " gauge\n";
    out += name + " " + number(g.second) + "\n";
  }
  return out;
}

}  // namespace gradus::server
