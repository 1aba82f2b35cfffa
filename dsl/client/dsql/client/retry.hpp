// dsql/client/retry.hpp - retry a transaction on an optimistic-concurrency conflict,
// as AWS's DSQL connectors do (their occretry packages):
//
//   auto n = dsql::with_occ_retry(pool, [&](pqxx::work& w) {
//       return w.exec("UPDATE accounts SET balance = balance - 1 WHERE id = 1").affected_rows();
//   });
//
// DSQL checks conflicts at COMMIT: 40001 with OC000 (a row another transaction
// changed) or OC001 (a schema change), reported as SQLSTATE 40001 (OC000 / OC001 in
// the message) or as the SQLSTATEs OC000 / OC001. The function runs in a fresh
// transaction (plain BEGIN: DSQL's only isolation, REPEATABLE READ-like) which is
// committed when it returns; on a conflict - in the function or at COMMIT - the
// transaction is rolled back and run again after a capped exponential backoff with
// jitter: wait w (initial_wait, then w * multiplier capped at max_wait) plus a uniform
// random 0..w/4, at most max_retries times (defaults 3, 100 ms, 5 s, 2.0: the values
// of AWS's DSQL connectors). Any other error, and the last conflict, propagate.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/transaction>
#include <thread>
#include <type_traits>
#include <utility>

#include "dsql/client/pool.hpp"

namespace dsql::client {

struct retry_options {
  int max_retries = 3;  ///< attempts after the first
  std::chrono::milliseconds initial_wait{100};
  std::chrono::milliseconds max_wait{5000};
  double multiplier = 2.0;
  /// Called before each wait with the attempt that failed (1-based) and the wait.
  std::function<void(int, std::chrono::milliseconds)> on_retry = nullptr;
};

/// Whether an exception is a DSQL OCC conflict: pqxx::serialization_failure (SQLSTATE
/// 40001), or a pqxx::sql_error with SQLSTATE 40001, OC000 or OC001.
[[nodiscard]] bool is_occ_conflict(const std::exception& e) noexcept;

/// The wait before retry number `retry` (0-based) without jitter: initial_wait *
/// multiplier^retry, capped at max_wait.
[[nodiscard]] std::chrono::milliseconds backoff(int retry, const retry_options& o) noexcept;
/// backoff() plus a uniform random jitter in [0, backoff / 4).
[[nodiscard]] std::chrono::milliseconds backoff_with_jitter(int retry, const retry_options& o);

/// Runs attempt() until it returns, retrying on OCC conflicts (see above).
template <class F>
auto retry_on_conflict(F&& attempt, const retry_options& o) -> decltype(attempt()) {
  for (int retry = 0;; ++retry) {
    try {
      return attempt();
    } catch (const std::exception& e) {
      if (!is_occ_conflict(e) || retry >= o.max_retries) throw;
      const auto wait = backoff_with_jitter(retry, o);
      if (o.on_retry) o.on_retry(retry + 1, wait);
      std::this_thread::sleep_for(wait);
    }
  }
}

}  // namespace dsql::client

namespace dsql {

/// Runs fn(pqxx::work&) in a transaction on conn, committed on return, retried on OCC
/// conflicts; returns fn's result.
template <class F>
requires std::is_invocable_v<F&, pqxx::work&>
auto with_occ_retry(pqxx::connection_base& conn, F&& fn, const client::retry_options& o = {}) {
  return client::retry_on_conflict(
      [&]() -> std::invoke_result_t<F&, pqxx::work&> {
        pqxx::work w(conn);
        if constexpr (std::is_void_v<std::invoke_result_t<F&, pqxx::work&>>) {
          fn(w);
          w.commit();
        } else {
          auto result = fn(w);
          w.commit();
          return result;
        }
      },
      o);
}

/// The same on a pool: each attempt borrows a connection (a conflict does not break it).
template <class Spec, class Role, class F>
requires std::is_invocable_v<F&, pqxx::work&>
auto with_occ_retry(pool<Spec, Role>& p, F&& fn, const client::retry_options& o = {}) {
  return client::retry_on_conflict(
      [&]() -> std::invoke_result_t<F&, pqxx::work&> {
        auto c = p.acquire();
        return with_occ_retry(*c, fn, client::retry_options{0, o.initial_wait, o.max_wait, o.multiplier, nullptr});
      },
      o);
}

}  // namespace dsql
