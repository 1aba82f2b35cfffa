// The front door's connection-rate limit: a token bucket, as Aurora DSQL documents
// its own (CHAP_quotas: "Maximum connection rate per cluster: 100 connections per
// second", "Maximum connection burst capacity per cluster: 1,000 connections",
// "Connection refill rate: 100 connections per second"; over it, 53400
// CONFIGURED_LIMIT_EXCEEDED "Unable to accept connection, rate exceeded.").
#pragma once

#include <algorithm>
#include <chrono>

namespace dsql::front {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  /// rate: tokens added per second; burst: the bucket's size (it starts full).
  token_bucket(double rate, double burst) noexcept : rate_(rate), burst_(burst), tokens_(burst) {}

  /// Takes one token if there is one (a new connection may proceed).
  bool take(clock::time_point now) noexcept {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  [[nodiscard]] double available(clock::time_point now) noexcept {
    refill(now);
    return tokens_;
  }

 private:
  void refill(clock::time_point now) noexcept {
    if (started_) {
      const double s = std::chrono::duration<double>(now - last_).count();
      if (s > 0) tokens_ = std::min(burst_, tokens_ + s * rate_);
    }
    started_ = true;
    last_ = now;
  }

  double rate_;
  double burst_;
  double tokens_;
  bool started_ = false;
  clock::time_point last_{};
};

}  // namespace dsql::front
