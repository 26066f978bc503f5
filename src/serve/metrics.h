// The service's metrics in the Prometheus text format (version 0.0.4): requests and latency
// histograms by route and status, decisions by jurisdiction, reloads, and the rule base's hash
// as a label of loket_rule_base_info.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace loket::serve {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    2.5};

  void Request(const std::string& route, int status, double seconds);
  void Decisions(const std::string& jurisdiction, std::uint64_t count);
  void Reload(bool ok);
  // The text for GET /metrics.
  std::string Render(const std::string& rule_base_hash) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, int>, Histogram> latency_;  // by route and status
  std::map<std::string, std::uint64_t> decisions_;
  std::uint64_t reloads_ok_ = 0;
  std::uint64_t reloads_failed_ = 0;
};

}  // namespace loket::serve
