// Counters and latency histograms of the server, rendered as Prometheus text for GET /metrics:
// requests by route and status, request latency by route, and gauges the API reports (pool
// size, store latency).
//
//   Metrics m;
//   m.observe_request("/api/v1/enterprises/{uscc}", 200, 0.0031);
//   m.observe_store(0.0004);
//   m.set_gauge("gradus_pool_enterprises", "Enterprises in the pool held in memory", 913);
//   std::string text = m.render();
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace gradus::server {

class Metrics {
 public:
  void observe_request(const std::string& route, int status, double seconds);
  void observe_store(double seconds);  // one store round trip (a read of the head, a load, a write)
  void set_gauge(const std::string& name, const std::string& help, double value);
  std::string render() const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative counts per bound in kBounds, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  static void add(Histogram& h, double seconds);
  static void render_histogram(std::string& out, const std::string& name, const std::string& labels,
                               const Histogram& h);
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  Histogram store_;
  std::map<std::string, std::pair<std::string, double>> gauges_;
};

}  // namespace gradus::server
