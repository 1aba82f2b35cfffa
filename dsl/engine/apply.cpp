// Apply: plan, execute under the target's rules, inspect again.
//
//   postgres_local  a session advisory lock serialises concurrent applies (the plan is
//                   made after the lock is taken); steps run in batches, one transaction
//                   per batch, a step that acts as its grantor wrapped in SET LOCAL ROLE /
//                   RESET ROLE; `tuple concurrently updated` (XX000), 40001 and 40P01 are
//                   retried with bounded jittered backoff (P10).
//   aurora_dsql     one statement per transaction (DSQL refuses several DDL in one, and DDL
//                   mixed with DML); 40001 (OCC) retried with bounded jittered backoff; no
//                   advisory lock and no SET ROLE (DSQL has neither).
// A step that fails because another applier won a race (the object exists already, or
// is gone) ends the round; every round is followed by another inspection and plan, until
// one is empty (a schema created in a round shows its ACL only to the next): a plan still
// not empty after the last round is a convergence_error. Any other
// failure is an apply_error that says how many steps were committed and which one failed
// (a re-run plans from what was committed and converges).
#include "sql/dialect.hpp"
#include <pqxx/pqxx>

#include <dsql/name.hpp>
#include <dsql/validate.hpp>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <random>
#include <thread>

#include "engine/engine.hpp"

namespace dsql::engine {

namespace {

constexpr long long apply_lock_key = 0x6473716c726f6c65LL;  // "dsqlrole"

bool retryable(const std::exception& e) {
  const std::string code = sqlstate_of(e);
  if (code == "40001" || code == "40P01") return true;
  const std::string what = e.what();
  if (what.find("tuple concurrently updated") != std::string::npos ||
      what.find("tuple concurrently deleted") != std::string::npos)
    return true;
  // DSQL reports OCC conflicts with OC000 / OC001 in the message
  return what.find("OC000") != std::string::npos || what.find("OC001") != std::string::npos;
}

// Plan again instead of failing: another applier got there first (the object exists
// already), or the server's cascade differed from the plan's model of it (a DROP ROLE
// still blocked by a grant, a revoke by a grantor whose grant option a cascade took).
// A step that keeps failing this way ends as a convergence error naming it.
bool replan(const std::exception& e, const step& st) {
  const std::string code = sqlstate_of(e);
  if (code == "42710" || code == "42P06" || code == "23505") return true;  // exists already
  const std::string what = e.what();
  if (what.find("already exists") != std::string::npos) return true;
  if (st.kind == step_kind::drop_role && (code == "2BP01" || what.find("cannot be dropped") != std::string::npos))
    return true;
  return st.kind == step_kind::revoke && !st.act_as.empty() && code == "42501";
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The text a step executes: its statement (a password from the environment, read now),
// wrapped on postgres_local in SET LOCAL ROLE / RESET ROLE and the privileges lent for it.
std::string statement(const step& st, target t) {
  std::string sql;
  if (st.kind == step_kind::set_password) {
    const char* value = std::getenv(st.password_env.c_str());
    if (!value) throw engine_error("the environment variable " + st.password_env + " is no longer set");
    sql = dsql::sql::alter_role_password(std::get<dsql::sql::role_statement>(st.what).role, dsql::quote_literal(value));
  } else {
    sql = dsql::sql::render(st.what, t);
  }
  if (t == target::aurora_dsql || (st.act_as.empty() && st.lend.empty())) return sql;
  std::string out;
  dsql::sql::membership_statement lend;  // the membership lent for the step (see step::lend)
  lend.group = st.lend;
  lend.member_is_current_user = true;
  if (!st.lend.empty()) out += dsql::sql::render(lend) + " ";
  for (const auto& b : st.before) out += dsql::sql::render(b) + " ";
  if (st.act_as.empty())
    out += sql;
  else
    out += dsql::sql::set_local_role(st.act_as) + " " + sql + " " + std::string(dsql::sql::reset_role);
  for (const auto& a : st.after) out += " " + dsql::sql::render(a);
  lend.revoke = true;
  if (!st.lend.empty()) out += " " + dsql::sql::render(lend);
  return out;
}

struct executor {
  pqxx::connection& c;
  const apply_options& o;
  apply_result& result;
  std::mt19937 rng{std::random_device{}()};
  std::string last_replan;  // the step that made the last round plan again
  // A local cluster (dsql_iam) reached without the front door: DSQL's dialect goes
  // through the one bridge (dsl/sql), as `dsqlctl sql` and the front door send it.
  bool dialect_bridge = false;

  void backoff(int attempt) {
    const long cap = std::min<long>(o.max_backoff_ms, static_cast<long>(o.base_backoff_ms) << std::min(attempt, 16));
    std::uniform_int_distribution<long> d(cap / 2, std::max<long>(cap, 1));  // "equal jitter"
    std::this_thread::sleep_for(std::chrono::milliseconds(d(rng)));
  }

  // Runs steps [b, e) in one transaction, retrying conflicts. Throws on other errors.
  void run_batch(const plan& p, std::size_t b, std::size_t e) {
    std::string sql;
    for (std::size_t i = b; i < e; ++i) sql += statement(p.steps[i], p.on) + "\n";
    // sent with libpq, not psql: PostgreSQL's lexical rules only
    if (dialect_bridge) sql = dsql::dialect::rewrite(sql, dsql::dialect::source::wire).text;
    for (int attempt = 1;; ++attempt) {
      try {
        pqxx::work tx(c, "dsql-apply");
        tx.exec(sql);
        tx.commit();
        ++result.transactions;
        return;
      } catch (const std::exception& ex) {
        if (!retryable(ex) || attempt >= o.max_attempts) throw;
        ++result.retries;
        backoff(attempt);
      }
    }
  }

  [[noreturn]] void fail(const plan& p, std::size_t i, const std::exception& ex) {
    std::string what = "step " + std::to_string(i + 1) + " of " + std::to_string(p.steps.size()) +
                       " failed: " + statement_text(p.steps[i], p.on) + "\n" + ex.what();
    while (!what.empty() && what.back() == '\n') what.pop_back();
    what += "\n" + std::to_string(result.applied.steps.size()) + " step(s) were committed before it (" +
            std::to_string(result.transactions) +
            " transaction(s)); the failed step and those after it were not. "
            "Fix the cause and apply again: the next plan starts from what was committed.";
    throw apply_error(what, result.applied, i + 1);
  }

  // Executes the plan; false when a step lost a race (the caller plans again).
  bool run(const plan& p) {
    const std::size_t n = p.steps.size();
    const std::size_t batch = p.on == target::aurora_dsql ? 1 : std::max<std::size_t>(o.batch, 1);
    for (std::size_t b = 0; b < n; b += batch) {
      const std::size_t e = std::min(n, b + batch);
      if (o.progress)
        std::fprintf(stderr, "dsql apply: [%zu/%zu] %s\n", e, n,
                     printable(first_line(statement_text(p.steps[e - 1], p.on))).c_str());
      try {
        run_batch(p, b, e);
      } catch (const std::exception& ex) {
        if (e - b == 1 && replan(ex, p.steps[b])) {
          last_replan =
              "step " + std::to_string(b + 1) + ": " + statement_text(p.steps[b], p.on) + ": " + first_line(ex.what());
          return false;
        }
        if (e - b > 1 && !retryable(ex)) {
          // find the failing step: one transaction per step from here
          for (std::size_t i = b; i < e; ++i) {
            try {
              run_batch(p, i, i + 1);
              result.applied.steps.push_back(p.steps[i]);
            } catch (const std::exception& one) {
              if (replan(one, p.steps[i])) {
                last_replan = "step " + std::to_string(i + 1) + ": " + statement_text(p.steps[i], p.on) + ": " +
                              first_line(one.what());
                return false;
              }
              fail(p, i, one);
            }
          }
          continue;
        }
        fail(p, b, ex);
      }
      for (std::size_t i = b; i < e; ++i) result.applied.steps.push_back(p.steps[i]);
    }
    return true;
  }
};

struct advisory_lock {
  pqxx::connection& c;
  bool held = false;
  advisory_lock(pqxx::connection& conn, bool take) : c(conn) {
    if (!take) return;
    pqxx::nontransaction n(c);
    n.exec("SELECT pg_catalog.pg_advisory_lock(" + std::to_string(apply_lock_key) + ")");
    held = true;
  }
  ~advisory_lock() {
    if (!held) return;
    try {
      pqxx::nontransaction n(c);
      n.exec("SELECT pg_catalog.pg_advisory_unlock(" + std::to_string(apply_lock_key) + ")");
    } catch (...) {  // the session ends with the connection anyway
    }
  }
};

}  // namespace

apply_result apply(pqxx::connection& c, const model::cluster& s, const apply_options& o) {
  dsql::validate_for(s, o.on);  // before any SQL: a spec error is refused whole
  apply_result result;
  result.applied.on = o.on;
  result.applied.spec_name = s.name;
  advisory_lock lock(c, o.on == target::postgres_local);
  executor ex{c, o, result, std::mt19937{std::random_device{}()}, {}, false};
  if (o.on == target::aurora_dsql) {
    // dsql_iam's GUCs exist only on a local cluster; Aurora DSQL reads AWS IAM GRANT itself
    pqxx::nontransaction n(c);
    const auto r = n.exec("SELECT pg_catalog.current_setting('dsql_iam.auth_mode', true) IS NOT NULL");
    ex.dialect_bridge = !r.empty() && r[0][0].as<bool>();
  }
  // Plan, run, and plan again: a round ends early when another applier won a race, and
  // objects created in a round (a schema) show their ACLs only to the next one. Done when
  // a plan is empty; after max_rounds the last plan is what remains.
  plan remaining;
  for (int round = 1;; ++round) {
    remaining = diff(s, inspect(c, o.on, &s), o.diff);
    if (remaining.empty() || round > std::max(o.max_rounds, 1)) break;
    result.rounds = round;
    ex.run(remaining);
  }
  result.findings = remaining.findings;
  if (!remaining.empty()) {
    std::string what = "the database did not converge: after applying, the plan still has " +
                       std::to_string(remaining.steps.size()) + " step(s):";
    for (const auto& st : remaining.steps) what += "\n  " + std::string(1, st.action) + " " + statement_text(st, o.on);
    if (!ex.last_replan.empty()) what += "\n(the last round stopped at " + ex.last_replan + ")";
    throw convergence_error(what, std::move(remaining));
  }
  return result;
}

}  // namespace dsql::engine
