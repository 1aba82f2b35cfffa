// dsql/client/pool.hpp - a thread-safe pool of connections as one role:
//
//   dsql::pool<spec, seed::app_readonly> pool(ep);
//   {
//       auto c = pool.acquire();              // a lease: returns the connection when it ends
//       pqxx::work w(*c);
//       ...
//   }
//
// Every new connection gets its own fresh token (dsql::connect's rules, checked at
// compile time the same way). A connection is closed instead of reused once it has
// lived max_lifetime (default 55 minutes: DSQL ends sessions at 60) or idled
// idle_timeout (default 10 minutes), as AWS's DSQL connectors configure their pools; a
// maintenance thread prunes idle ones. acquire() takes an idle connection when one is
// fit (no round trip), opens a new one when fewer than max_size exist (outside the
// pool's lock, so other checkouts never wait for a handshake or a credential
// refresh), and otherwise waits up to acquire_timeout. A lease whose connection broke
// is closed on return. Nothing here ever logs or stores a token.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <stdexcept>
#include <thread>
#include <vector>

#include "dsql/client/connect.hpp"

namespace dsql::client {

struct pool_options {
  std::size_t max_size = 10;
  std::chrono::seconds max_lifetime{55 * 60};  ///< must be below DSQL's 60-minute cap
  std::chrono::seconds idle_timeout{10 * 60};
  std::chrono::milliseconds acquire_timeout{30000};
};

struct pool_stats {
  std::size_t open = 0;  ///< idle + leased + being opened
  std::size_t idle = 0;
  std::uint64_t opened = 0;  ///< connections opened so far
  std::uint64_t closed = 0;  ///< connections closed so far (lifetime, idle, broken, shutdown)
};

class pool_timeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class pool_core;

/// A connection borrowed from a pool; movable; returns it when it ends.
class lease {
 public:
  lease() = default;
  lease(lease&& other) noexcept;
  lease& operator=(lease&& other) noexcept;
  lease(const lease&) = delete;
  lease& operator=(const lease&) = delete;
  ~lease();

  [[nodiscard]] pqxx::connection& operator*() const noexcept { return *conn_; }
  [[nodiscard]] pqxx::connection* operator->() const noexcept { return conn_.get(); }
  [[nodiscard]] pqxx::connection& get() const noexcept { return *conn_; }
  [[nodiscard]] explicit operator bool() const noexcept { return conn_ != nullptr; }
  /// Close the connection instead of returning it (after an error that left it unfit).
  void discard() noexcept;

 private:
  friend class pool_core;
  lease(std::shared_ptr<pool_core> core, std::unique_ptr<pqxx::connection> c,
        std::chrono::steady_clock::time_point born) noexcept
      : core_(std::move(core)), conn_(std::move(c)), born_(born) {}
  void give_back(bool discard) noexcept;

  std::shared_ptr<pool_core> core_;
  std::unique_ptr<pqxx::connection> conn_;
  std::chrono::steady_clock::time_point born_{};
};

/// The role-independent pool (pool<Spec, Role> wraps it). Thread-safe.
class pool_core : public std::enable_shared_from_this<pool_core> {
 public:
  using opener = std::function<std::unique_ptr<pqxx::connection>()>;
  /// Throws std::invalid_argument when max_lifetime is not below 60 minutes, or a
  /// size or duration is not positive.
  static std::shared_ptr<pool_core> create(opener open, pool_options options);
  ~pool_core();

  [[nodiscard]] lease acquire();
  [[nodiscard]] pool_stats stats() const;
  /// Closes idle connections past their lifetime or idle timeout; returns how many.
  std::size_t prune();
  /// Stops the maintenance thread and closes idle connections; leases still out are
  /// closed when returned.
  void shutdown();

 private:
  friend class lease;
  struct idle_entry {
    std::unique_ptr<pqxx::connection> conn;
    std::chrono::steady_clock::time_point born, last_used;
  };
  pool_core(opener open, pool_options options);
  void give_back(std::unique_ptr<pqxx::connection> c, std::chrono::steady_clock::time_point born,
                 bool discard) noexcept;
  [[nodiscard]] bool fit(const idle_entry& e, std::chrono::steady_clock::time_point now) const noexcept;
  void maintain();

  opener open_;
  pool_options options_;
  mutable std::mutex m_;
  std::condition_variable cv_;       // a connection came back or a slot freed
  std::condition_variable stop_cv_;  // the maintenance thread's sleep
  std::vector<idle_entry> idle_;     // most recently used last
  std::size_t open_count_ = 0;
  std::uint64_t opened_ = 0, closed_ = 0;
  bool stopping_ = false;
  std::thread maintenance_;
};

}  // namespace dsql::client

namespace dsql {

/// A pool of connections logged in as Role of Spec (dsql::connect's compile-time rules).
template <class Spec, class Role>
requires cluster_spec<Spec>
class pool {
  static_assert(client::check_connectable<Spec, Role>());

 public:
  explicit pool(client::endpoint e, client::connect_options o = {}, client::pool_options p = {})
      : core_(client::pool_core::create(
            [e = std::move(e), o = std::move(o)] {
              return client::open(e, o, dsql::detail::role_traits<Role>::name, false);
            },
            p)) {}
  ~pool() { core_->shutdown(); }
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  /// A connection as Role (see the header comment). Throws client::pool_timeout,
  /// client::connect_error or aws::credentials_error.
  [[nodiscard]] client::lease acquire() { return core_->acquire(); }
  [[nodiscard]] client::pool_stats stats() const { return core_->stats(); }
  std::size_t prune() { return core_->prune(); }

 private:
  std::shared_ptr<client::pool_core> core_;
};

}  // namespace dsql
