// dsql/client/exec.hpp - run checked statements on a connection of their role.
//
//   using app = seed::spec;                                   // or a dsql::catalog<seed::spec, ...>
//   using list_products = dsql::statement<app, seed::app_readonly, "SELECT id, name FROM products WHERE price < $1">;
//
//   auto conn = dsql::connect<seed::spec, seed::app_readonly>(ep);
//   pqxx::result r = dsql::exec<list_products>(conn, 100);          // one transaction, committed
//
//   dsql::client::work<seed::spec, seed::app_readonly> w(conn);     // several statements, one transaction
//   dsql::exec<list_products>(w, 100);
//   w.commit();
//
//   dsql::pool<seed::spec, seed::app_readonly> pool(ep);
//   dsql::exec<list_products>(pool, 100);                           // a pooled connection, OCC retries
//   dsql::with_occ_retry(pool, [](dsql::client::work<seed::spec, seed::app_readonly>& w) {
//     dsql::exec<list_products>(w, 100);
//   });
//
// A statement runs only where its role is logged in: dsql::exec refuses at compile time a
// dsql::statement checked for another role or another spec than the connection's (one
// sentence, dsql::client::assert_statement_role). dsql::unchecked<"SQL"> runs on any
// connection (the explicit escape hatch). Parameters are sent separately ($1, $2, ...:
// libpqxx's exec_params), never spliced into the text.
#pragma once

#include <pqxx/connection>
#include <pqxx/result>
#include <pqxx/transaction>
#include <type_traits>
#include <utility>

#include <dsql/statement.hpp>

#include "dsql/client/connect.hpp"
#include "dsql/client/pool.hpp"
#include "dsql/client/retry.hpp"

namespace dsql::client {

/// A transaction on a connection logged in as Role of Spec: a pqxx::work that knows its
/// role (raw() for what pqxx offers beyond exec; text run there is not checked).
template <class Spec, class Role>
class work {
 public:
  explicit work(connection<Spec, Role>& c) : w_(c) {}
  /// (used by dsql::with_occ_retry(pool<Spec, Role>&, ...): the connection is the pool's)
  struct from_pool_t {};
  work(from_pool_t, pqxx::connection_base& c) : w_(c) {}

  void commit() { w_.commit(); }
  void abort() { w_.abort(); }
  [[nodiscard]] pqxx::work& raw() noexcept { return w_; }

 private:
  pqxx::work w_;
};

/// May statement Stmt run on a connection of Role under Spec?
template <class Stmt, class Spec, class Role>
inline constexpr bool runs_as = dsql::is_unchecked<Stmt> ||
                                (dsql::is_statement<Stmt> && std::is_same_v<typename Stmt::role, Role> &&
                                 std::is_same_v<typename Stmt::cluster, Spec>);

/// Fires the one static_assert when Stmt was checked for another role or spec; returns true.
template <class Stmt, class Spec, class Role>
constexpr bool assert_statement_role() {
  static_assert(dsql::is_statement<Stmt> || dsql::is_unchecked<Stmt>,
                "dsql::exec runs a dsql::statement<Spec, Role, \"SQL\"> or a dsql::unchecked<\"SQL\">.");
  if constexpr (dsql::is_statement<Stmt>) {
    static_assert(std::is_same_v<typename Stmt::role, Role> && std::is_same_v<typename Stmt::cluster, Spec>,
                  "dsql::exec runs a dsql::statement only on a connection of the role and spec it was checked "
                  "for: this statement was checked for another role or spec than the connection's.");
    (void)Stmt::refusal_size;  // the statement's own check (instantiated here at the latest)
  }
  return true;
}

}  // namespace dsql::client

namespace dsql {

/// Runs Stmt with params in the role-typed transaction w.
template <class Stmt, class Spec, class Role, class... Params>
pqxx::result exec(client::work<Spec, Role>& w, Params&&... params) {
  static_assert(client::assert_statement_role<Stmt, Spec, Role>());
  return w.raw().exec_params(std::string(Stmt::sql), std::forward<Params>(params)...);
}

/// Runs Stmt with params in its own transaction on c, and commits.
template <class Stmt, class Spec, class Role, class... Params>
pqxx::result exec(client::connection<Spec, Role>& c, Params&&... params) {
  static_assert(client::assert_statement_role<Stmt, Spec, Role>());
  client::work<Spec, Role> w(c);
  pqxx::result r = w.raw().exec_params(std::string(Stmt::sql), std::forward<Params>(params)...);
  w.commit();
  return r;
}

/// fn(client::work<Spec, Role>&) on a pooled connection, committed, retried on OCC
/// conflicts (40001, OC000, OC001) as dsql::with_occ_retry does.
template <class Spec, class Role, class F>
requires std::is_invocable_v < F&, client::work<Spec, Role>
& > auto with_occ_retry(pool<Spec, Role>& p, F&& fn, const client::retry_options& o = {}) {
  using R = std::invoke_result_t<F&, client::work<Spec, Role>&>;
  return client::retry_on_conflict(
      [&]() -> R {
        auto c = p.acquire();
        client::work<Spec, Role> w(typename client::work<Spec, Role>::from_pool_t{}, *c);
        if constexpr (std::is_void_v<R>) {
          fn(w);
          w.commit();
        } else {
          R result = fn(w);
          w.commit();
          return result;
        }
      },
      o);
}

/// Runs Stmt with params on a pooled connection (one transaction, OCC retries).
template <class Stmt, class Spec, class Role, class... Params>
pqxx::result exec(pool<Spec, Role>& p, const Params&... params) {
  static_assert(client::assert_statement_role<Stmt, Spec, Role>());
  return with_occ_retry(p, [&](client::work<Spec, Role>& w) { return exec<Stmt>(w, params...); });
}

}  // namespace dsql
