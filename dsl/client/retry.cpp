#include "dsql/client/retry.hpp"
#include "dsql/client/sqlstate.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace dsql::client {

bool is_occ_conflict(const std::exception& e) noexcept {
  try {
    const std::string s = sqlstate_of(e);  // libpqxx 6 drops 40001 from serialization_failure
    return s == "40001" || s == "OC000" || s == "OC001";
  } catch (...) {
    return false;  // out of memory copying five bytes: not a conflict we can prove
  }
}

std::chrono::milliseconds backoff(int retry, const retry_options& o) noexcept {
  double w = static_cast<double>(o.initial_wait.count()) * std::pow(std::max(o.multiplier, 1.0), std::max(retry, 0));
  w = std::min(w, static_cast<double>(o.max_wait.count()));
  return std::chrono::milliseconds(static_cast<long long>(std::max(w, 0.0)));
}

std::chrono::milliseconds backoff_with_jitter(int retry, const retry_options& o) {
  const auto base = backoff(retry, o);
  if (base.count() < 4) return base;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<long long> jitter(0, base.count() / 4 - 1);
  return base + std::chrono::milliseconds(jitter(rng));
}

}  // namespace dsql::client
