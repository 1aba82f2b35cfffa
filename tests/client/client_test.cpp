// dsql::connect, dsql::connect_admin, dsql::pool and dsql::with_occ_retry against a
// real local cluster (PostgreSQL 15 with dsql_iam): TLS verify-full against the
// cluster's certificate, IAM tokens from the local IAM state's keys, the role the spec
// maps, the pool's lifetime, idle and concurrency rules, and real serialization
// conflicts (40001) retried.
#include <catch2/catch.hpp>

#include <dsql/client.hpp>

#include <pqxx/pqxx>

#include <atomic>
#include <future>
#include <thread>

#include "../aws/aws_env.hpp"
#include "iam/credentials.hpp"
#include "iam/state.hpp"
#include "local/cluster.hpp"
#include "spec.hpp"

using namespace client_test;
using namespace std::chrono_literals;

namespace {

const std::string connect_policy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/local"}]})";
const std::string admin_policy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dsql:DbConnectAdmin","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/local"}]})";

struct cluster {
  std::filesystem::path dir;
  dsql::local::cluster_info info;
  dsql::aws::access_key app_key, admin_key;

  cluster() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dsql-client-it.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    info = dsql::local::up({dir, 0, true});
    dsql::aws::state st(info.iam_state);
    st.create_principal(app_arn);
    st.put_policy(app_arn, "dsql-connect", connect_policy);
    app_key = st.create_access_key(app_arn);
    st.create_principal(admin_arn);
    st.put_policy(admin_arn, "dsql-admin", admin_policy);
    admin_key = st.create_access_key(admin_arn);
    sql("CREATE ROLE app_rw LOGIN");
    sql(std::string("CALL sys.aws_iam_grant('app_rw', '") + app_arn + "')");
    sql("CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)");
    sql("INSERT INTO counter VALUES (1, 0)");
    sql("GRANT SELECT, UPDATE ON counter TO app_rw");
    // DSQL's transactions are snapshots checked at commit (REPEATABLE READ-like): strict
    // mode's environment gives every session that level, so conflicts surface as 40001
    // here too (and refuses ALTER ROLE ... SET default_transaction_isolation, as DSQL
    // refuses setting it)
  }
  ~cluster() {
    try {
      dsql::local::down(dir);
    } catch (...) {
    }
    std::error_code ec;
    std::filesystem::remove(dir, ec);
  }
  void sql(const std::string& text, const std::string& user = "admin") const {
    pqxx::connection c(info.conninfo(user));
    pqxx::nontransaction n(c);
    n.exec(text);
  }
  std::string one(const std::string& q) const {
    pqxx::connection c(info.conninfo("admin"));
    pqxx::nontransaction n(c);
    return n.exec(q)[0][0].c_str();
  }
  // The emulated endpoint: its DSQL name (what tokens, SNI and the certificate name),
  // address 127.0.0.1.
  dsql::client::endpoint endpoint() const {
    return {info.endpoint, static_cast<std::uint16_t>(info.port), "postgres", std::string("127.0.0.1")};
  }
  dsql::client::connect_options options(const dsql::aws::access_key& k) const {
    dsql::client::connect_options o;
    o.credentials = std::make_shared<dsql::aws::credentials_cache>(
        dsql::aws::static_provider({k.access_key_id, k.secret_access_key, std::nullopt, "local IAM state"}));
    o.region = info.region;
    o.sslrootcert = info.ca_file;  // the local cluster's CA
    return o;
  }
};

std::string current_user(pqxx::connection& c) {
  pqxx::nontransaction n(c);
  return n.exec("SELECT current_user")[0][0].c_str();
}

}  // namespace

TEST_CASE("dsql::connect logs in as the role over verified TLS with a DbConnect token", "[client][integration]") {
  dsql::test::aws_env env;
  cluster c;
  auto conn = dsql::connect<spec, app_rw>(c.endpoint(), c.options(c.app_key));
  CHECK(current_user(conn) == "app_rw");
  pqxx::nontransaction n(conn);
  // TLS ends at the cluster's endpoint (the front door refuses plaintext; dsql::connect
  // sends verify-full): the backend knows the session by the token's principal
  CHECK(std::string(n.exec("SELECT sys.iam_session_user()")[0][0].c_str()) == app_arn);
  CHECK(std::string(n.exec("SELECT current_setting('application_name')")[0][0].c_str()) == "dsql-roles");
}

TEST_CASE("dsql::connect verifies the server: another CA, or the wrong key, is refused", "[client][integration]") {
  dsql::test::aws_env env;
  cluster c;
  auto o = c.options(c.app_key);
  o.sslrootcert = std::nullopt;  // the system's bundle does not hold the local cluster's certificate
  if (std::filesystem::exists("/etc/ssl/certs/ca-certificates.crt")) {
    CHECK_THROWS_WITH((void)(dsql::connect<spec, app_rw>(c.endpoint(), o)),
                      Catch::Contains("certificate verify failed"));
  }
  // a key whose principal is not mapped to app_rw: refused by dsql_iam, generic message
  CHECK_THROWS_WITH((void)(dsql::connect<spec, app_rw>(c.endpoint(), c.options(c.admin_key))),
                    Catch::Contains("IAM authentication failed for user \"app_rw\""));
}

TEST_CASE("dsql::connect_admin is the one way in as admin (DbConnectAdmin)", "[client][integration]") {
  dsql::test::aws_env env;
  cluster c;
  auto admin = dsql::connect_admin<spec>(c.endpoint(), c.options(c.admin_key));
  CHECK(current_user(admin) == "admin");
  // the application role's identity has no DbConnectAdmin
  CHECK_THROWS_WITH(dsql::connect_admin<spec>(c.endpoint(), c.options(c.app_key)),
                    Catch::Contains("IAM authentication failed for user \"admin\""));
}

TEST_CASE("the pool reuses idle connections and opens new ones with fresh tokens", "[client][pool][integration]") {
  dsql::test::aws_env env;
  cluster c;
  auto o = c.options(c.app_key);
  o.token_expires_in = 1s;  // each token dies at once: every new connection needs its own
  dsql::pool<spec, app_rw> pool(c.endpoint(), o, {4, 55min, 10min, 5000ms});
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    CHECK(current_user(*a) == "app_rw");
    CHECK(current_user(*b) == "app_rw");
    CHECK(pool.stats().open == 2);
    CHECK(pool.stats().idle == 0);
  }
  CHECK(pool.stats().idle == 2);
  std::this_thread::sleep_for(2100ms);  // both tokens expired
  {
    auto a = pool.acquire();  // idle: no new token needed
    auto b = pool.acquire();
    auto n = pool.acquire();  // new: a new token, signed now
    CHECK(current_user(*n) == "app_rw");
    CHECK(pool.stats().opened == 3);
    n.discard();
  }
  const auto s = pool.stats();
  CHECK(s.open == 2);
  CHECK(s.closed == 1);
}

TEST_CASE("the pool closes connections past their lifetime or idle timeout", "[client][pool][integration]") {
  dsql::test::aws_env env;
  cluster c;
  dsql::pool<spec, app_rw> by_age(c.endpoint(), c.options(c.app_key), {2, 2s, 10min, 5000ms});
  const auto pid = [](pqxx::connection& conn) {
    pqxx::nontransaction n(conn);
    return std::string(n.exec("SELECT pg_backend_pid()")[0][0].c_str());
  };
  std::string first;
  {
    auto l = by_age.acquire();
    first = pid(*l);
  }
  {
    auto l = by_age.acquire();
    CHECK(pid(*l) == first);
  }  // reused while young
  std::this_thread::sleep_for(2100ms);
  {
    auto l = by_age.acquire();
    CHECK(pid(*l) != first);
  }  // replaced once past max_lifetime
  CHECK(by_age.stats().opened == 2);

  dsql::pool<spec, app_rw> by_idle(c.endpoint(), c.options(c.app_key), {2, 55min, 1s, 5000ms});
  { auto l = by_idle.acquire(); }
  CHECK(by_idle.stats().idle == 1);
  for (int i = 0; i < 40 && by_idle.stats().idle > 0; ++i) std::this_thread::sleep_for(100ms);
  CHECK(by_idle.stats().idle == 0);  // the maintenance thread closed it
  CHECK(by_idle.stats().closed == 1);
}

TEST_CASE("the pool is thread-safe, bounded by max_size, and times out when exhausted", "[client][pool][integration]") {
  dsql::test::aws_env env;
  cluster c;
  dsql::pool<spec, app_rw> pool(c.endpoint(), c.options(c.app_key), {3, 55min, 10min, 5000ms});
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto l = pool.acquire();
        pqxx::nontransaction n(*l);
        if (std::string(n.exec("SELECT 1")[0][0].c_str()) == "1") ++ok;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 300);
  CHECK(pool.stats().opened <= 3);
  CHECK(pool.stats().open <= 3);

  dsql::pool<spec, app_rw> one(c.endpoint(), c.options(c.app_key), {1, 55min, 10min, 200ms});
  auto held = one.acquire();
  auto waiter = std::async(std::launch::async, [&] { auto l = one.acquire(); });
  CHECK_THROWS_AS(waiter.get(), dsql::client::pool_timeout);
}

TEST_CASE("a broken connection is not returned to the pool", "[client][pool][integration]") {
  dsql::test::aws_env env;
  cluster c;
  dsql::pool<spec, app_rw> pool(c.endpoint(), c.options(c.app_key), {2, 55min, 10min, 5000ms});
  {
    auto l = pool.acquire();
    pqxx::nontransaction n(*l);
    const std::string pid = n.exec("SELECT pg_backend_pid()")[0][0].c_str();
    c.sql("SELECT pg_terminate_backend(" + pid + ")", "postgres");  // the bootstrap superuser
    std::this_thread::sleep_for(200ms);
    CHECK_THROWS(n.exec("SELECT 1"));
  }
  CHECK(pool.stats().idle == 0);
  CHECK(pool.stats().closed == 1);
  auto l = pool.acquire();
  CHECK(current_user(*l) == "app_rw");
}

TEST_CASE("with_occ_retry retries a real serialization conflict and commits once", "[client][retry][integration]") {
  dsql::test::aws_env env;
  cluster c;
  dsql::pool<spec, app_rw> pool(c.endpoint(), c.options(c.app_key), {4, 55min, 10min, 5000ms});
  auto other = dsql::connect<spec, app_rw>(c.endpoint(), c.options(c.app_key));
  int attempts = 0;
  std::vector<int> retried;
  dsql::client::retry_options o;
  o.on_retry = [&](int attempt, std::chrono::milliseconds) { retried.push_back(attempt); };
  const int n = dsql::with_occ_retry(
      pool,
      [&](pqxx::work& w) {
        ++attempts;
        const int before = w.exec("SELECT n FROM counter WHERE id = 1")[0][0].as<int>();  // the snapshot
        if (attempts == 1) {  // another transaction commits a change to the same row meanwhile
          pqxx::work x(other);
          x.exec("UPDATE counter SET n = n + 100 WHERE id = 1");
          x.commit();
        }
        w.exec("UPDATE counter SET n = " + std::to_string(before + 1) + " WHERE id = 1");
        return before + 1;
      },
      o);
  CHECK(attempts == 2);
  CHECK(retried == std::vector<int>{1});
  CHECK(n == 101);
  CHECK(c.one("SELECT n FROM counter WHERE id = 1") == "101");  // no lost update

  // concurrent increments: every one lands exactly once
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      dsql::client::retry_options many;
      many.max_retries = 50;
      many.initial_wait = 1ms;
      many.max_wait = 20ms;
      for (int i = 0; i < 25; ++i)
        dsql::with_occ_retry(
            pool, [](pqxx::work& w) { w.exec("UPDATE counter SET n = n + 1 WHERE id = 1"); }, many);
    });
  for (auto& t : threads) t.join();
  CHECK(c.one("SELECT n FROM counter WHERE id = 1") == "201");

  // without retries the conflict reaches the caller
  int once = 0;
  CHECK_THROWS_AS(dsql::with_occ_retry(
                      pool,
                      [&](pqxx::work& w) {
                        ++once;
                        w.exec("SELECT n FROM counter WHERE id = 1");
                        pqxx::work x(other);
                        x.exec("UPDATE counter SET n = n + 1 WHERE id = 1");
                        x.commit();
                        w.exec("UPDATE counter SET n = 0 WHERE id = 1");
                      },
                      dsql::client::retry_options{0, 1ms, 1ms, 2.0, nullptr}),
                  pqxx::serialization_failure);
  CHECK(once == 1);
}
