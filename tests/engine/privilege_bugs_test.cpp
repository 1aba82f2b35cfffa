// The failure classes P1-P10 of ../shared/cases/privilege-bugs.md, each on a real
// PostgreSQL 15 with dsql_iam (a fresh cluster per test case). The engine runs as admin
// (not a superuser, as on DSQL) unless the case is about a superuser.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "fixture.hpp"

using namespace dsql::engine;
using namespace dsql::engine::test;
using pk = dsql::privilege_kind;
using spec = dsql::model::cluster;

namespace {

std::vector<step_kind> kinds(const plan& p) {
  std::vector<step_kind> k;
  for (const auto& s : p.steps) k.push_back(s.kind);
  return k;
}

std::string sqls(const plan& p) {
  std::string out;
  for (const auto& s : p.steps) out += statement_text(s, p.on) + "\n";
  return out;
}
std::string sql(const plan& p, std::size_t i) { return statement_text(p.steps.at(i), p.on); }

}  // namespace

TEST_CASE("P1: a spec equal to the live state plans nothing, and apply then plan is empty", "[integration][P1]") {
  auto& c = cluster();
  c.sql("CREATE ROLE monitoring LOGIN; GRANT CONNECT ON DATABASE postgres TO monitoring;");
  spec s;
  s.name = "p1";
  s.roles = {role("monitoring", true)};
  s.grants = {on_database(pk::connect, "monitoring")};
  for (bool prune : {false, true}) {
    const plan p = c.plan_for(s, prune);
    INFO(to_text(p));
    CHECK(p.empty());
    CHECK(to_text(p) == "No changes. The database matches the spec \"p1\".\n");
  }
  const auto r = c.apply_spec(s, true);
  CHECK(r.applied.empty());
  CHECK(c.one("SELECT has_database_privilege('monitoring', 'postgres', 'CONNECT')") == "t");
}

TEST_CASE("P2: the owner's implicit rights are ownership, not grants", "[integration][P2]") {
  auto& c = cluster();
  c.sql(
      "CREATE ROLE app LOGIN; CREATE SCHEMA app_s; GRANT USAGE, CREATE ON SCHEMA app_s TO app;"
      "CREATE TABLE app_s.t_other(id int);");
  c.sql("SET ROLE app; CREATE TABLE app_s.t_owned(id int);", "postgres");
  spec s;
  s.name = "p2";
  s.roles = {role("app", true)};
  s.schemas = {schema("app_s", false)};
  s.grants = {on_schema("app_s", privs({pk::usage, pk::create}), "app"),
              on_all_tables("app_s", privs({pk::select, pk::insert, pk::update, pk::delete_}), "app")};
  plan p = c.plan_for(s, true);
  INFO(to_text(p));
  REQUIRE(p.steps.size() == 1);
  CHECK(sql(p, 0) == "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE \"app_s\".\"t_other\" TO \"app\";");
  c.apply_spec(s, true);
  // stable: the owner's rights on t_owned are never reported, with or without prune
  CHECK(c.plan_for(s, true).empty());
  CHECK(c.plan_for(s, false).empty());
}

TEST_CASE("P3: every identifier is quoted and compared exactly; a 64-byte name never reaches the server",
          "[integration][P3]") {
  auto& c = cluster();
  const std::string n63(63, 'x');
  const std::vector<std::string> names = {
      "Mixed",  "with-dash", "with space",           "a.b", "quote\"inside", "svc@x.iam",
      "PUBLIC", "it's",      "r\xc3\xb4le_\xc3\xbc", n63};
  spec s;
  s.name = "p3 \"names\"";
  s.schemas = {schema("Sch\"ema.x y", true), schema("public", false)};
  for (const auto& n : names) {
    s.roles.push_back(role(n, true));
    s.grants.push_back(on_schema("Sch\"ema.x y", pk::usage, n));
    s.grants.push_back(on_all_tables("Sch\"ema.x y", pk::select, n));
  }
  s.memberships = {member_of("Mixed", names[1])};
  s.mappings = {mapping("quote\"inside", "arn:aws:iam::123456789012:role/path/Quote-Role"),
                mapping("it's", "arn:aws:iam::123456789012:user/its")};
  c.principals({"arn:aws:iam::123456789012:role/path/Quote-Role", "arn:aws:iam::123456789012:user/its"});
  c.apply_spec(s, true);
  c.sql("CREATE TABLE \"Sch\"\"ema.x y\".\"T a\"\"b\"(id int)");
  plan p = c.plan_for(s);
  CHECK(p.steps.size() == names.size());  // the new table, once per role (one GRANT each)
  c.apply_spec(s, true);
  CHECK(c.plan_for(s, true).empty());
  for (const auto& n : names) {
    INFO(n);
    pqxx::connection conn(c.conninfo());
    pqxx::nontransaction tx(conn);
    auto r = tx.exec_params("SELECT has_table_privilege($1, '\"Sch\"\"ema.x y\".\"T a\"\"b\"', 'SELECT')", n);
    CHECK(std::string(r[0][0].c_str()) == "t");
  }
  // the role called "PUBLIC" is a role, not the pseudo-role
  CHECK(c.one("SELECT count(*) FROM aclexplode((SELECT nspacl FROM pg_namespace WHERE nspname = 'Sch\"ema.x y')) a "
              "WHERE a.grantee = 0") == "0");
  CHECK(c.one("SELECT count(*) FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'quote\"inside'") == "1");
  CHECK(c.one("SELECT count(*) FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'it''s'") == "1");

  spec bad = s;
  bad.roles.push_back(role(std::string(64, 'y')));
  CHECK_THROWS_AS(dsql::validate(bad), dsql::error);
  const std::string before = c.one("SELECT count(*) FROM pg_roles");
  CHECK_THROWS_WITH(c.apply_spec(bad), Catch::Contains("at most 63 bytes"));
  CHECK(c.one("SELECT count(*) FROM pg_roles") == before);
}

TEST_CASE("P4: a revoke names the grantor, so a delegated grant really goes", "[integration][P4]") {
  auto& c = cluster();
  c.sql(
      "CREATE ROLE delegate_a; CREATE ROLE user_x; CREATE SCHEMA app; CREATE TABLE app.t1(id int);"
      "GRANT USAGE ON SCHEMA app TO delegate_a;"
      "GRANT SELECT ON app.t1 TO delegate_a WITH GRANT OPTION;"
      "SET ROLE delegate_a; GRANT SELECT ON app.t1 TO user_x; RESET ROLE;",
      "postgres");
  // the class: a superuser's plain REVOKE succeeds and changes nothing
  c.sql("REVOKE SELECT ON app.t1 FROM user_x", "postgres");
  REQUIRE(c.one("SELECT has_table_privilege('user_x', 'app.t1', 'SELECT')", "postgres") == "t");

  spec s;
  s.name = "p4";
  s.roles = {role("user_x")};
  plan p = c.plan_for(s, true, "postgres");
  INFO(to_text(p));
  REQUIRE(p.steps.size() == 1);
  CHECK(sql(p, 0) == "REVOKE SELECT ON TABLE \"app\".\"t1\" FROM \"user_x\" GRANTED BY \"delegate_a\";");
  CHECK(p.steps[0].act_as == "delegate_a");
  CHECK(c.plan_for(s, false, "postgres").empty());  // without prune nothing is revoked: it is drift
  CHECK(c.plan_for(s, false, "postgres").drift());
  c.apply_spec(s, true, "postgres");
  CHECK(c.one("SELECT has_table_privilege('user_x', 'app.t1', 'SELECT')", "postgres") == "f");
  CHECK(c.one("SELECT has_table_privilege('delegate_a', 'app.t1', 'SELECT WITH GRANT OPTION')", "postgres") == "t");
  CHECK(c.plan_for(s, true, "postgres").empty());
}

TEST_CASE("P5: ON ALL TABLES does not reach future tables: the drift names them, re-apply grants them",
          "[integration][P5]") {
  auto& c = cluster();
  spec s;
  s.name = "p5";
  s.roles = {role("app_ro"), role("app_owner")};
  s.schemas = {schema("app", true)};
  s.grants = {on_schema("app", pk::usage, "app_ro"), on_schema("app", privs({pk::usage, pk::create}), "app_owner"),
              on_all_tables("app", pk::select, "app_ro")};
  c.apply_spec(s);
  c.sql("SET ROLE app_owner; CREATE TABLE app.t_new(id int);", "postgres");
  plan p = c.plan_for(s);
  INFO(to_text(p));
  // app_owner's table: only its owner grants on it, so admin (CREATEROLE) is lent
  // membership in app_owner for the step and acts as it; it keeps no membership
  REQUIRE(p.steps.size() == 1);
  CHECK(p.steps[0].object == "table \"app\".\"t_new\"");
  CHECK(sql(p, 0) == "GRANT SELECT ON TABLE \"app\".\"t_new\" TO \"app_ro\";");
  CHECK(p.steps[0].act_as == "app_owner");
  CHECK(p.steps[0].lend == "app_owner");
  c.apply_spec(s);
  CHECK(c.one("SELECT has_table_privilege('app_ro', 'app.t_new', 'SELECT')") == "t");
  CHECK(c.one("SELECT pg_has_role('admin', 'app_owner', 'MEMBER')") == "f");
  CHECK(c.plan_for(s, true).empty());

  // where the target allows it: default privileges FOR ROLE app_owner IN SCHEMA app
  s.default_privileges = {default_on_tables("app_owner", "app", pk::select, "app_ro")};
  p = c.plan_for(s);
  INFO(to_text(p));
  REQUIRE(p.steps.size() == 1);  // FOR ROLE app_owner: membership lent for the step
  CHECK(sql(p, 0) ==
        "ALTER DEFAULT PRIVILEGES FOR ROLE \"app_owner\" IN SCHEMA \"app\" GRANT SELECT ON TABLES TO \"app_ro\";");
  CHECK(p.steps[0].lend == "app_owner");
  c.apply_spec(s);
  c.sql("SET ROLE app_owner; CREATE TABLE app.t_later(id int);", "postgres");
  CHECK(c.one("SELECT has_table_privilege('app_ro', 'app.t_later', 'SELECT')") == "t");
  CHECK(c.plan_for(s, true).empty());
}

TEST_CASE("P6: default privileges only cover the FOR ROLE creator: the engine never claims otherwise",
          "[integration][P6]") {
  auto& c = cluster();
  c.sql(
      "CREATE ROLE app_ro; CREATE ROLE app_owner; CREATE SCHEMA app; GRANT USAGE, CREATE ON SCHEMA app TO app_owner;"
      "ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO app_ro;");
  c.sql("SET ROLE app_owner; CREATE TABLE app.t3(id int);", "postgres");
  REQUIRE(c.one("SELECT has_table_privilege('app_ro', 'app.t3', 'SELECT')") == "f");
  spec s;
  s.name = "p6";
  s.roles = {role("app_ro")};
  s.schemas = {schema("app", false)};
  s.grants = {on_schema("app", pk::usage, "app_ro"), on_all_tables("app", pk::select, "app_ro")};
  plan p = c.plan_for(s);
  INFO(to_text(p));
  CHECK(sqls(p).find("GRANT SELECT ON TABLE \"app\".\"t3\" TO \"app_ro\";") != std::string::npos);
  // the creator role is explicit in a default privilege: an empty one is refused
  spec d = s;
  d.default_privileges = {default_on_tables("", "app", pk::select, "app_ro")};
  CHECK_THROWS_AS(dsql::validate(d), dsql::error);
  // admin cannot grant on app_owner's table; as a member of app_owner it acts as the owner
  c.sql("GRANT app_owner TO admin");
  p = c.plan_for(s);
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[1].act_as == "app_owner");
  CHECK(p.steps[1].lend.empty());  // a member already: nothing lent
  c.apply_spec(s);
  CHECK(c.one("SELECT has_table_privilege('app_ro', 'app.t3', 'SELECT')") == "t");
  CHECK(c.plan_for(s).empty());
}

TEST_CASE("P7: a role is removed in one apply, in order", "[integration][P7]") {
  auto& c = cluster();
  c.sql(
      "CREATE ROLE gone LOGIN; CREATE ROLE keep; CREATE SCHEMA app;"
      "GRANT USAGE, CREATE ON SCHEMA app TO gone; CREATE TABLE app.other(id int);"
      "GRANT SELECT ON app.other TO gone;"
      "ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO gone;");
  c.sql(
      "SET ROLE gone; CREATE TABLE app.t_owned(id int);"
      "ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO keep; RESET ROLE;",
      "postgres");
  c.principals({"arn:aws:iam::123456789012:role/GoneRole"});
  c.sql("CALL sys.aws_iam_grant('gone', 'arn:aws:iam::123456789012:role/GoneRole')");
  spec s;
  s.name = "p7";
  s.roles = {role("keep")};
  s.retired_roles = {"gone"};
  plan p = c.plan_for(s);
  INFO(to_text(p));
  const auto k = kinds(p);
  // default-privilege revokes, what others granted it (DROP OWNED only revokes the owner's
  // grants), REASSIGN OWNED, DROP OWNED (admin lent membership in it, as PG 15 needs),
  // AWS IAM REVOKE, DROP ROLE
  CHECK(k == std::vector<step_kind>{step_kind::revoke_default, step_kind::revoke_default, step_kind::revoke,
                                    step_kind::revoke, step_kind::reassign_owned, step_kind::drop_owned,
                                    step_kind::iam_revoke, step_kind::drop_role});
  CHECK(p.steps[4].lend == "gone");
  CHECK(statement_text(p.steps.back(), p.on) == "DROP ROLE \"gone\";");
  const auto r = c.apply_spec(s);
  CHECK(r.applied.steps.size() == 8);
  CHECK(c.one("SELECT count(*) FROM pg_roles WHERE rolname = 'gone'") == "0");
  CHECK(c.one("SELECT tableowner FROM pg_tables WHERE schemaname = 'app' AND tablename = 't_owned'") == "admin");
  CHECK(c.one("SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%GoneRole'") == "0");
  CHECK(c.plan_for(s, true).empty());
}

TEST_CASE("P8: grants on PG 15's public schema work for a non-superuser admin, never touching pg_database_owner",
          "[integration][P8]") {
  auto& c = cluster();
  REQUIRE(c.one("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'") == "pg_database_owner");
  REQUIRE(c.one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == "f");
  spec s;
  s.name = "p8";
  s.roles = {role("app")};
  s.schemas = {schema("public", false)};
  s.grants = {on_schema("public", privs({pk::usage, pk::create}), "app")};
  c.apply_spec(s);
  CHECK(c.one("SELECT has_schema_privilege('app', 'public', 'CREATE')") == "t");
  CHECK(c.plan_for(s, true).empty());
  // a prune revoke of what pg_database_owner granted, acting as it
  s.grants = {on_schema("public", pk::usage, "app")};
  plan p = c.plan_for(s, true);
  INFO(to_text(p));
  REQUIRE(p.steps.size() == 1);
  CHECK(sql(p, 0) == "REVOKE CREATE ON SCHEMA \"public\" FROM \"app\" GRANTED BY \"pg_database_owner\";");
  c.apply_spec(s, true);
  CHECK(c.one("SELECT has_schema_privilege('app', 'public', 'CREATE')") == "f");
  CHECK(c.plan_for(s, true).empty());
  // no explicit membership in pg_database_owner was ever granted
  CHECK(c.one("SELECT count(*) FROM pg_auth_members WHERE roleid = 'pg_database_owner'::regrole") == "0");
}

TEST_CASE("P9: revoking from PUBLIC follows the live ACL", "[integration][P9]") {
  auto& c = cluster();
  spec s;
  s.name = "p9";
  s.roles = {role("probe")};
  s.schemas = {schema("public", false)};
  s.revokes = {on_schema("public", privs({pk::usage, pk::create}), "")};  // "": PUBLIC
  plan p = c.plan_for(s);
  INFO(to_text(p));
  // fresh PG 15: =U/pg_database_owner only
  CHECK(sqls(p) ==
        "CREATE ROLE \"probe\";\n"
        "REVOKE USAGE ON SCHEMA \"public\" FROM PUBLIC GRANTED BY \"pg_database_owner\";\n");
  // someone grants CREATE to PUBLIC by hand: the next plan sees it
  c.sql("GRANT CREATE ON SCHEMA public TO PUBLIC");
  p = c.plan_for(s);
  CHECK(sqls(p).find("REVOKE USAGE, CREATE ON SCHEMA \"public\" FROM PUBLIC GRANTED BY \"pg_database_owner\";") !=
        std::string::npos);
  c.apply_spec(s);
  CHECK(c.one("SELECT has_schema_privilege('probe', 'public', 'USAGE')") == "f");
  CHECK(c.one("SELECT has_schema_privilege('probe', 'public', 'CREATE')") == "f");
  CHECK(c.plan_for(s).empty());
}

namespace {
// 12 roles on schema `app` of 3 tables: 12 CREATE ROLE, 12 schema grants, 36 table grants.
spec p10_spec(const std::string& app) {
  spec s;
  s.name = "p10";
  s.schemas = {schema(app, false)};
  for (int i = 0; i < 12; ++i) {
    const std::string r = app + "_r" + std::to_string(i);
    s.roles.push_back(role(r, i % 2 == 0));
    s.grants.push_back(on_schema(app, pk::usage, r));
    s.grants.push_back(on_all_tables(app, i % 3 ? privilege_set(pk::select) : privs({pk::select, pk::insert}), r));
  }
  return s;
}
void p10_tables(const dsql::engine::test::server& c, const std::string& app) {
  c.sql("CREATE SCHEMA " + app + "; CREATE TABLE " + app + ".a(id int); CREATE TABLE " + app +
        ".b(id int); CREATE TABLE " + app + ".c(id int);");
}
}  // namespace

TEST_CASE("P10: two concurrent applies both finish, and the result is the spec (advisory lock)", "[integration][P10]") {
  auto& c = cluster();
  p10_tables(c, "locked");
  const spec s = p10_spec("locked");
  std::atomic<int> failures{0};
  std::atomic<std::size_t> steps{0};
  auto run = [&] {
    try {
      steps += c.apply_spec(s).applied.steps.size();
    } catch (const std::exception& e) {
      UNSCOPED_INFO(e.what());
      ++failures;
    }
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
  CHECK(failures == 0);
  CHECK(steps == 12 + 12 + 12);  // one applied everything (one GRANT of 3 tables per role), the other nothing
  CHECK(c.plan_for(s, true).empty());
}

TEST_CASE("P10: concurrent applies without a lock (the aurora_dsql way) retry conflicts and converge",
          "[integration][P10][strict]") {
  // on a strict cluster: Aurora DSQL's optimistic concurrency fails the later committer
  // at COMMIT (40001), which the engine retries
  auto& c = strict_cluster();
  c.sql(
      "SET ROLE admin; CREATE SCHEMA unlocked; CREATE TABLE unlocked.a(id int); CREATE TABLE unlocked.b(id int); "
      "CREATE TABLE unlocked.c(id int);",
      "postgres");  // the objects, admin's, made in one go by the (never strict) bootstrap superuser
  const spec s = p10_spec("unlocked");
  std::atomic<int> failures{0};
  auto run = [&] {
    try {
      pqxx::connection conn(c.conninfo());
      apply_options o;
      o.on = target::aurora_dsql;  // one statement per transaction, no advisory lock
      o.max_rounds = 6;
      (void)apply(conn, s, o);
    } catch (const std::exception& e) {
      UNSCOPED_INFO(e.what());
      ++failures;
    }
  };
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i) ts.emplace_back(run);
  for (auto& t : ts) t.join();
  CHECK(failures == 0);
  CHECK(c.plan_for(s, true, "admin", target::aurora_dsql).empty());
}

TEST_CASE("P10: `tuple concurrently updated` from a concurrent GRANT outside the engine is retried",
          "[integration][P10]") {
  auto& c = cluster();
  c.sql("CREATE ROLE other; CREATE SCHEMA app; CREATE TABLE app.t(id int);");
  spec s;
  s.name = "p10-xx000";
  s.roles = {role("reader")};
  s.schemas = {schema("app", false)};
  s.grants = {on_all_tables("app", pk::select, "reader")};
  // reader exists already, so the plan is one GRANT on app.t
  c.sql("CREATE ROLE reader");
  // another session updates app.t's ACL and commits while the engine's GRANT waits on it
  pqxx::connection other(c.conninfo());
  pqxx::work tx(other);
  tx.exec("GRANT SELECT ON app.t TO other");
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    tx.commit();
  });
  apply_result r;
  CHECK_NOTHROW(r = c.apply_spec(s));
  committer.join();
  INFO("retries " << r.retries);
  CHECK(r.retries >= 1);
  CHECK(c.one("SELECT has_table_privilege('reader', 'app.t', 'SELECT')") == "t");
  CHECK(c.one("SELECT has_table_privilege('other', 'app.t', 'SELECT')") == "t");
  CHECK(c.plan_for(s).empty());
}
