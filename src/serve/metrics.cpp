#include "serve/metrics.h"

#include <cstdio>

namespace loket::serve {
namespace {

// A label value: backslash, double quote and line feed escaped.
std::string Label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

}  // namespace

void Metrics::Request(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, status}];
  Histogram& h = latency_[{route, status}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::Decisions(const std::string& jurisdiction, std::uint64_t count) {
  std::lock_guard<std::mutex> lock(mutex_);
  decisions_[jurisdiction] += count;
}

void Metrics::Reload(bool ok) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++(ok ? reloads_ok_ : reloads_failed_);
}

std::string Metrics::Render(const std::string& rule_base_hash) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  out += "# HELP loket_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE loket_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += "loket_http_requests_total{route=\"" + Label(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  out +=
      "# HELP loket_http_request_duration_seconds Time to answer a request, by route and "
      "status.\n";
  out += "# TYPE loket_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    const std::string labels =
        "route=\"" + Label(key.first) + "\",status=\"" + std::to_string(key.second) + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += "loket_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
             Number(kBuckets[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += "loket_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "loket_http_request_duration_seconds_sum{" + labels + "} " + Number(h.sum) + "\n";
    out += "loket_http_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) +
           "\n";
  }
  out += "# HELP loket_decisions_total Cases decided, by jurisdiction.\n";
  out += "# TYPE loket_decisions_total counter\n";
  for (const auto& [jurisdiction, count] : decisions_) {
    out += "loket_decisions_total{jurisdiction=\"" + Label(jurisdiction) + "\"} " +
           std::to_string(count) + "\n";
  }
  out += "# HELP loket_reloads_total Rule-base reloads, by result.\n";
  out += "# TYPE loket_reloads_total counter\n";
  out += "loket_reloads_total{result=\"ok\"} " + std::to_string(reloads_ok_) + "\n";
  out += "loket_reloads_total{result=\"failed\"} " + std::to_string(reloads_failed_) + "\n";
  out += "# HELP loket_rule_base_info The rule base being served.\n";
  out += "# TYPE loket_rule_base_info gauge\n";
  out += "loket_rule_base_info{hash=\"" + Label(rule_base_hash) + "\"} 1\n";
  return out;
}

}  // namespace loket::serve
