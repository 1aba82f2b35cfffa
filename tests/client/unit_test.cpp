// dsql::connect's compile-time rules as concepts, the connection string it builds (the
// token inside is a valid DbConnect / DbConnectAdmin token for the host and region),
// the region rules, and the OCC retry policy - all without a server.
#include <catch2/catch.hpp>

#include <dsql/client.hpp>

#include <pqxx/except>
#include <set>

#include "../aws/aws_env.hpp"
#include "iam/credentials.hpp"
#include "sigv4.h"
#include "spec.hpp"

using namespace client_test;
using dsql::client::connect_rule;

namespace {

std::shared_ptr<dsql::aws::credentials_cache> fixed_credentials() {
  return std::make_shared<dsql::aws::credentials_cache>(dsql::aws::static_provider(
      {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", std::nullopt, "test"}));
}

// The value of keyword k in a conninfo we built (values are single-quoted).
std::string value_of(const std::string& info, const std::string& k) {
  const auto at = info.find(" " + k + "=") != std::string::npos ? info.find(" " + k + "=") + 1 : info.find(k + "=");
  REQUIRE(at != std::string::npos);
  std::string v;
  std::size_t i = at + k.size() + 1;
  if (info[i] != '\'') {
    while (i < info.size() && info[i] != ' ') v += info[i++];
    return v;
  }
  for (++i; i < info.size() && info[i] != '\''; ++i) {
    if (info[i] == '\\') ++i;
    v += info[i];
  }
  return v;
}

}  // namespace

TEST_CASE("connectable: a declared, LOGIN, IAM-mapped role only; never admin", "[client][rules]") {
  STATIC_REQUIRE(dsql::connectable<spec, app_rw>);
  STATIC_REQUIRE(dsql::client::connect_rule_of<spec, app_rw>() == connect_rule::ok);
  STATIC_REQUIRE(dsql::client::connect_rule_of<spec, dsql::admin>() == connect_rule::admin);
  STATIC_REQUIRE(dsql::client::connect_rule_of<spec, batch>() == connect_rule::not_mapped);
  STATIC_REQUIRE(dsql::client::connect_rule_of<spec, readers>() == connect_rule::no_login);
  STATIC_REQUIRE(dsql::client::connect_rule_of<spec, dsql::role<"stranger", dsql::login>>() ==
                 connect_rule::not_declared);
  STATIC_REQUIRE_FALSE(dsql::connectable<spec, batch>);
  STATIC_REQUIRE_FALSE(dsql::connectable<spec, dsql::admin>);
  STATIC_REQUIRE(dsql::client::connection<spec, app_rw>::role_name == "app_rw");
  STATIC_REQUIRE(dsql::client::connection<spec, dsql::admin>::role_name == "admin");
}

TEST_CASE("the connection string: verify-full with SNI, the role as user, a DbConnect token for host and region",
          "[client][conninfo]") {
  dsql::test::aws_env env;
  const auto roots = env.write("ca.pem", "not checked here");
  dsql::client::connect_options o;
  o.credentials = fixed_credentials();
  o.sslrootcert = roots;
  const dsql::client::endpoint e{"abcdefghijklmnopqrstuvwxyz.dsql.eu-west-2.on.aws"};
  const std::string info = dsql::client::conninfo(e, o, "app_rw", false);
  CHECK(value_of(info, "host") == e.host);
  CHECK(value_of(info, "user") == "app_rw");
  CHECK(value_of(info, "dbname") == "postgres");
  CHECK(value_of(info, "port") == "5432");
  CHECK(value_of(info, "sslmode") == "verify-full");
  CHECK(value_of(info, "sslsni") == "1");
  CHECK(value_of(info, "sslrootcert") == roots.string());
  const std::string token = value_of(info, "password");
  dsql_token t;
  REQUIRE(dsql_token_parse(token.data(), token.size(), &t) == DSQL_TOKEN_OK);
  CHECK(std::string(t.host) == e.host);
  CHECK(std::string(t.region) == "eu-west-2");
  CHECK(t.action == DSQL_TOKEN_DB_CONNECT);
  CHECK(t.expires == 900);
  CHECK(dsql_token_verify_signature(&t, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") == DSQL_TOKEN_OK);
  const std::string admin = value_of(dsql::client::conninfo(e, o, "admin", true), "password");
  REQUIRE(dsql_token_parse(admin.data(), admin.size(), &t) == DSQL_TOKEN_OK);
  CHECK(t.action == DSQL_TOKEN_DB_CONNECT_ADMIN);
}

TEST_CASE("the region: explicit, else the DSQL host name's, else the environment; none is an error",
          "[client][conninfo]") {
  dsql::test::aws_env env;
  dsql::client::connect_options o;
  CHECK(dsql::client::region_for({"abc.dsql.ap-northeast-1.on.aws"}, o) == "ap-northeast-1");
  CHECK_THROWS_WITH(dsql::client::region_for({"localhost"}, o), Catch::Contains("no region"));
  env.set("AWS_REGION", "us-west-2");
  CHECK(dsql::client::region_for({"localhost"}, o) == "us-west-2");
  o.region = "eu-central-1";
  CHECK(dsql::client::region_for({"abc.dsql.ap-northeast-1.on.aws"}, o) == "eu-central-1");
}

TEST_CASE("no CA bundle, no host or a failed connection: errors that never hold the token", "[client][conninfo]") {
  dsql::test::aws_env env;
  dsql::client::connect_options o;
  o.credentials = fixed_credentials();
  o.sslrootcert = env.dir / "missing.pem";
  CHECK_THROWS_WITH(dsql::client::conninfo({"abc.dsql.us-east-1.on.aws"}, o, "app_rw", false),
                    Catch::Contains("is not a readable file"));
  o.sslrootcert = env.write("ca.pem", "x");
  CHECK_THROWS_AS(dsql::client::conninfo({""}, o, "app_rw", false), dsql::client::connect_error);
  o.connect_timeout = std::chrono::seconds(2);
  // nothing listens on port 1 of 127.0.0.1
  const dsql::client::endpoint closed{"abc.dsql.us-east-1.on.aws", 1, "postgres", "127.0.0.1"};
  try {
    auto c = dsql::connect<spec, app_rw>(closed, o);
    FAIL("connected to a closed port");
  } catch (const dsql::client::connect_error& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains("cannot connect to abc.dsql.us-east-1.on.aws as app_rw"));
    CHECK_THAT(msg, !Catch::Contains("X-Amz") && !Catch::Contains("password"));
  }
}

TEST_CASE("OCC retry: capped exponential backoff with up to a quarter of jitter, as AWS's connectors",
          "[client][retry]") {
  using namespace std::chrono_literals;
  const dsql::client::retry_options o;
  CHECK(dsql::client::backoff(0, o) == 100ms);
  CHECK(dsql::client::backoff(1, o) == 200ms);
  CHECK(dsql::client::backoff(2, o) == 400ms);
  CHECK(dsql::client::backoff(10, o) == 5000ms);
  std::set<long long> seen;
  for (int i = 0; i < 200; ++i) {
    const auto w = dsql::client::backoff_with_jitter(1, o);
    CHECK(w >= 200ms);
    CHECK(w < 250ms);
    seen.insert(w.count());
  }
  CHECK(seen.size() > 5);  // jitter, not a constant
}

TEST_CASE("OCC retry: only 40001, OC000 and OC001 are retried, at most max_retries times", "[client][retry]") {
  using namespace std::chrono_literals;
  CHECK(
      dsql::client::is_occ_conflict(pqxx::serialization_failure("change conflicts with another transaction (OC000)")));
  CHECK(dsql::client::is_occ_conflict(pqxx::sql_error("schema changed", "SELECT 1", "OC001")));
  CHECK(dsql::client::is_occ_conflict(pqxx::sql_error("conflict", "COMMIT", "OC000")));
  CHECK_FALSE(dsql::client::is_occ_conflict(pqxx::sql_error("unique violation", "INSERT", "23505")));
  CHECK_FALSE(dsql::client::is_occ_conflict(std::runtime_error("40001")));
  dsql::client::retry_options o{3, 1ms, 4ms, 2.0, nullptr};
  int calls = 0;
  std::vector<int> retried;
  o.on_retry = [&](int attempt, std::chrono::milliseconds) { retried.push_back(attempt); };
  const int v = dsql::client::retry_on_conflict(
      [&] {
        if (++calls < 3) throw pqxx::sql_error("conflict", "COMMIT", "OC000");
        return 42;
      },
      o);
  CHECK(v == 42);
  CHECK(calls == 3);
  CHECK(retried == std::vector<int>{1, 2});
  calls = 0;
  CHECK_THROWS_AS(dsql::client::retry_on_conflict(
                      [&]() -> int {
                        ++calls;
                        throw pqxx::sql_error("c", "q", "40001");
                      },
                      o),
                  pqxx::sql_error);
  CHECK(calls == 4);  // the first attempt and 3 retries
  calls = 0;
  CHECK_THROWS_AS(dsql::client::retry_on_conflict(
                      [&]() -> int {
                        ++calls;
                        throw pqxx::sql_error("dup", "q", "23505");
                      },
                      o),
                  pqxx::sql_error);
  CHECK(calls == 1);
}

TEST_CASE("pool options: a lifetime at or beyond DSQL's 60-minute cap is refused", "[client][pool]") {
  using namespace std::chrono_literals;
  const auto opener = [] { return std::unique_ptr<pqxx::connection>(); };
  dsql::client::pool_options p;
  CHECK(p.max_lifetime == std::chrono::seconds(55 * 60));
  CHECK(p.idle_timeout == std::chrono::seconds(10 * 60));
  p.max_lifetime = 60min;
  CHECK_THROWS_WITH(dsql::client::pool_core::create(opener, p), Catch::Contains("60-minute"));
  p.max_lifetime = 30min;
  p.max_size = 0;
  CHECK_THROWS_AS(dsql::client::pool_core::create(opener, p), std::invalid_argument);
}
