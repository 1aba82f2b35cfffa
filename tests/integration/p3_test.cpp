// The awkward-identifier suite (../shared/cases/privilege-bugs.md, P3) on a real
// PostgreSQL 15 with dsql_iam: the P3 spec (tests/dsl/p3_spec.hpp: every statement
// template, every P3 name in some identifier position) rendered for both targets and
// applied with `dsqlctl sql` as admin; the named objects created afterwards (by admin,
// and by the default-privileges creator "quote""inside"); a re-apply reaches them and a
// third one prints nothing and changes no catalog; then every role offboarded and
// dropped, twice. A 64-byte name is refused before any server sees it (unit tests).
//
// The cases share one cluster and run in declaration order (--order decl).
#include "process.hpp"
#include "p3_spec.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>
#include <system_error>

namespace fs = std::filesystem;
using dsql::test::run;

namespace {

// local up binds this port on 127.0.0.1 (TLS) and names the socket after it
const int port = dsql::test::free_tcp_port();

struct p3_cluster {
  fs::path dir;
  std::string start_time;
  int port;

  // strict: Aurora DSQL's rules (the aurora_dsql rendering). Not strict, explicitly, for
  // the postgres_local rendering: plain PostgreSQL's (SET LOCAL ROLE, several DDL
  // statements in one transaction), which Aurora DSQL's rules refuse by design.
  explicit p3_cluster(int p, bool strict) : port(p) {
    std::string tmpl = (fs::temp_directory_path() / "dsql-p3.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    std::vector<std::string> argv{DSQLCTL, "local", "up", "--dir", dir.string(), "--port", std::to_string(port)};
    if (!strict) argv.emplace_back("--no-strict");
    auto up = run(argv);
    if (up.status != 0) throw std::runtime_error("dsqlctl local up failed:\n" + up.output);
    // The spec's principals must exist in the local IAM state before they are mapped
    // (as on DSQL, where AWS IAM GRANT refuses an unknown IAM role).
    auto sync =
        run({DSQLCTL, "iam", "--dir", dir.string(), "sync", "--policies", "-"}, dsql::render_policies<p3::spec>());
    if (sync.status != 0) throw std::runtime_error("dsqlctl iam sync failed:\n" + sync.output);
    start_time = query("SELECT pg_postmaster_start_time()::text");
  }
  ~p3_cluster() {
    run({DSQLCTL, "local", "down", "--dir", dir.string()});
    std::error_code ec;
    fs::remove(dir, ec);  // the directory is ours (mkdtemp); removed only when down left it empty
  }

  dsql::test::run_result apply(const std::string& script, const std::string& user = "admin") const {
    return run({DSQLCTL, "sql", "-", "--dir", dir.string(), "--user", user}, script);
  }
  // One value, as the bootstrap superuser (unaligned, tuples only): admin does not see
  // into a schema it does not own.
  std::string query(const std::string& sql) const {
    auto r = run({std::string(PG_BINDIR) + "/psql", "-X", "-q", "-A", "-t", "-h", dir.string(), "-p",
                  std::to_string(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql});
    if (r.status != 0) throw std::runtime_error("psql failed:\n" + r.output);
    while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
    return r.output;
  }
  std::string dump() const {
    auto r = run({std::string(PG_BINDIR) + "/pg_dumpall", "-h", dir.string(), "-p", std::to_string(port), "-U",
                  "postgres", "--schema-only", "--no-comments", "--restrict-key=dsqlrolesp3"});
    if (r.status != 0) throw std::runtime_error("pg_dumpall failed:\n" + r.output);
    return r.output;
  }
};

p3_cluster& cluster() {
  static p3_cluster c(::port, false);
  return c;
}

const std::string local_bootstrap = dsql::render_bootstrap<p3::spec>(dsql::target::postgres_local);
const std::string dsql_bootstrap = dsql::render_bootstrap<p3::dsql_spec>(dsql::target::aurora_dsql);

// "a.b" belongs to "with space": its owner creates the objects (admin is no member of it)
constexpr const char* objects_sql = R"sql(SET ROLE "with space";
BEGIN;
CREATE TABLE "a.b"."t one" (id int, "Col A" text, "quote""col" text);
COMMIT;
BEGIN;
CREATE SEQUENCE "a.b"."seq-1";
COMMIT;
BEGIN;
CREATE FUNCTION "a.b"."fn x"(integer, text) RETURNS integer LANGUAGE sql AS 'SELECT $1';
COMMIT;
)sql";

constexpr const char* creator_sql = R"sql(BEGIN;
CREATE TABLE "a.b"."future" (id int);
COMMIT;
BEGIN;
CREATE SEQUENCE "a.b"."future_seq";
COMMIT;
BEGIN;
CREATE TABLE "quote""s"."later" (id int);
COMMIT;
)sql";

}  // namespace

TEST_CASE("the P3 bootstrap for postgres_local applies cleanly as admin", "[integration][p3]") {
  auto& c = cluster();
  auto r = c.apply(local_bootstrap);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.empty());
  CHECK(c.query("SELECT count(*) FROM pg_roles WHERE rolname IN ('Mixed', 'with-dash', 'with space', 'a.b', "
                "'quote\"inside', 'svc@x.iam', 'PUBLIC', 'rôle_ü', '" +
                std::string(p3::name63) + "')") == "9");
  CHECK(c.query("SELECT rolinherit::text || ' ' || rolconnlimit FROM pg_roles WHERE rolname = 'Mixed'") == "false 5");
  CHECK(c.query("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'a.b'") == "with space");
  CHECK(c.query("SELECT admin_option FROM pg_auth_members WHERE roleid = '\"with space\"'::regrole "
                "AND member = '\"Mixed\"'::regrole") == "t");
  CHECK(c.query("SELECT count(*) FROM sys.iam_pg_role_mappings") == "8");
  CHECK(c.query("SELECT pg_role_name FROM sys.iam_pg_role_mappings "
                "WHERE arn = 'arn:aws:iam::210987654321:role/svc-at'") == "svc@x.iam");
}

TEST_CASE("a re-apply sets memberships back to what is declared", "[integration][p3]") {
  auto& c = cluster();
  const std::string member = "'\"" + std::string(p3::name63) + "\"'::regrole";
  auto hand = c.apply("GRANT \"with space\" TO \"" + std::string(p3::name63) + "\" WITH ADMIN OPTION;\n");
  INFO(hand.output);
  REQUIRE(hand.status == 0);
  CHECK(c.query("SELECT admin_option FROM pg_auth_members WHERE roleid = '\"with space\"'::regrole AND member = " +
                member) == "t");
  auto r = c.apply(local_bootstrap);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.empty());
  CHECK(c.query("SELECT admin_option FROM pg_auth_members WHERE roleid = '\"with space\"'::regrole AND member = " +
                member) == "f");
}

TEST_CASE("objects created after the bootstrap are reached by a re-apply and by default privileges",
          "[integration][p3]") {
  auto& c = cluster();
  auto o = c.apply(objects_sql, "postgres");
  INFO(o.output);
  REQUIRE(o.status == 0);
  auto f = c.apply(creator_sql, "quote\"inside");
  INFO(f.output);
  REQUIRE(f.status == 0);
  // Named-object grants waited for their objects; default privileges did not wait.
  CHECK(c.query("SELECT has_table_privilege('Mixed', '\"a.b\".\"t one\"', 'SELECT')") == "f");
  CHECK(c.query("SELECT has_table_privilege('PUBLIC', '\"a.b\".future', 'SELECT') AND "
                "has_table_privilege('svc@x.iam', '\"a.b\".future', 'SELECT') AND "
                "has_sequence_privilege('a.b', '\"a.b\".future_seq', 'UPDATE') AND "
                "has_table_privilege('rôle_ü', '\"quote\"\"s\".later', 'INSERT WITH GRANT OPTION')") == "t");
  auto r = c.apply(local_bootstrap);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.empty());
  CHECK(c.query("SELECT has_table_privilege('Mixed', '\"a.b\".\"t one\"', 'TRUNCATE WITH GRANT OPTION')") == "t");
  CHECK(c.query("SELECT has_column_privilege('with-dash', '\"a.b\".\"t one\"', 'Col A', 'UPDATE')::text || ' ' || "
                "has_column_privilege('with-dash', '\"a.b\".\"t one\"', 'quote\"col', 'SELECT')::text || ' ' || "
                "has_column_privilege('with-dash', '\"a.b\".\"t one\"', 'id', 'UPDATE')::text") == "true true false");
  CHECK(c.query("SELECT has_sequence_privilege('a.b', '\"a.b\".\"seq-1\"', 'USAGE')") == "t");
  CHECK(c.query("SELECT has_function_privilege('svc@x.iam', '\"a.b\".\"fn x\"(integer, text)', 'EXECUTE')") == "t");
  // EXECUTE revoked from PUBLIC: a role without a grant cannot call it.
  CHECK(c.query("SELECT has_function_privilege('with-dash', '\"a.b\".\"fn x\"(integer, text)', 'EXECUTE')") == "f");
  CHECK(c.query("SELECT has_table_privilege('" + std::string(p3::name63) + "', '\"a.b\".future', 'SELECT')") == "t");
  // PUBLIC the pseudo-role got SELECT on "t one"; the real role "PUBLIC" is a different grantee.
  CHECK(c.query("SELECT has_table_privilege('with space', '\"a.b\".\"t one\"', 'SELECT')") == "t");
  CHECK(c.query("SELECT count(*) FROM pg_roles WHERE rolname = 'PUBLIC'") == "1");
}

TEST_CASE("a third apply of the bootstrap prints nothing and changes no catalog", "[integration][p3]") {
  auto& c = cluster();
  const std::string before = c.dump();
  auto r = c.apply(local_bootstrap);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.empty());
  CHECK(before == c.dump());
}

TEST_CASE(
    "the aurora_dsql P3 bootstrap and revoke pass strict mode on a cluster of their own, twice, printing "
    "nothing, changing nothing",
    "[integration][p3][strict]") {
  p3_cluster dsql(dsql::test::free_tcp_port(), true);
  REQUIRE(dsql.query("SELECT current_setting('dsql_iam.strict')") == "on");
  for (int pass = 1; pass <= 3; ++pass) {
    const std::string before = pass == 3 ? dsql.dump() : std::string();
    auto r = dsql.apply(dsql_bootstrap);
    INFO("pass " << pass << ":\n" << r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.empty());
    if (pass == 3) CHECK(before == dsql.dump());
  }
  CHECK(dsql.query("SELECT count(*) FROM sys.iam_pg_role_mappings") == "8");
  CHECK(dsql.query("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'a.b'") == "admin");
  // objects created afterwards (by their owner, one DDL per transaction) are reached by
  // the next run, and that run is clean too
  auto objects = dsql.apply("BEGIN;\nCREATE TABLE \"a.b\".\"t one\" (id int, \"Col A\" text);\nCOMMIT;\n");
  INFO(objects.output);
  REQUIRE(objects.status == 0);
  for (int pass = 1; pass <= 2; ++pass) {
    auto r = dsql.apply(dsql_bootstrap);
    INFO("after the objects, pass " << pass << ":\n" << r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.empty());
  }
  CHECK(dsql.query("SELECT count(*) FROM information_schema.role_table_grants WHERE table_schema = 'a.b' "
                   "AND table_name = 't one' AND grantee <> 'admin'") != "0");
  // offboarding every role, dropping it: clean on strict, twice
  const std::string revoke = dsql::render_revoke_all<p3::dsql_spec>(dsql::target::aurora_dsql, {}, {.drop = true});
  for (int pass = 1; pass <= 2; ++pass) {
    auto r = dsql.apply(revoke);
    INFO("revoke pass " << pass << ":\n" << r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.empty());
  }
  CHECK(dsql.query("SELECT count(*) FROM sys.iam_pg_role_mappings") == "0");
  CHECK(dsql.query("SELECT count(*) FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' AND rolname NOT IN ('admin', "
                   "'postgres')") == "0");
}

TEST_CASE("every P3 role is offboarded and dropped, and the revoke runs clean twice", "[integration][p3]") {
  auto& c = cluster();
  const std::string revoke = dsql::render_revoke_all<p3::spec>(dsql::target::postgres_local, {}, {.drop = true});
  for (int pass = 1; pass <= 2; ++pass) {
    auto r = c.apply(revoke);
    INFO("pass " << pass << ":\n" << r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.empty());
  }
  CHECK(c.query(
            "SELECT count(*) FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' AND rolname NOT IN ('admin', 'postgres')") ==
        "0");
  CHECK(c.query("SELECT count(*) FROM sys.iam_pg_role_mappings") == "0");
  // What the roles owned was reassigned to the runner, not dropped.
  CHECK(c.query("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'future'") == "admin");
  CHECK(c.query("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'a.b'") == "admin");
  // And the bootstrap can build it all again.
  auto again = c.apply(dsql_bootstrap);
  INFO(again.output);
  REQUIRE(again.status == 0);
  CHECK(c.query("SELECT count(*) FROM sys.iam_pg_role_mappings") == "8");
}

TEST_CASE("a password from the environment is set on postgres_local, and left alone without it", "[integration][p3]") {
  auto& c = cluster();
  using pw =
      dsql::cluster<"pw", dsql::roles<dsql::role<"pw role", dsql::login, dsql::password_from_env<"P3_PASSWORD">>>>;
  const std::string script = dsql::render_bootstrap<pw, dsql::target::postgres_local>();
  unsetenv("P3_PASSWORD");
  auto without = c.apply(script);
  INFO(without.output);
  REQUIRE(without.status == 0);
  CHECK(c.query("SELECT count(*) FROM pg_roles WHERE rolname = 'pw role'") == "1");
  setenv("P3_PASSWORD", "it's a \"secret\"", 1);
  auto with = c.apply(script);
  unsetenv("P3_PASSWORD");
  INFO(with.output);
  REQUIRE(with.status == 0);
  CHECK(with.output.empty());
  auto r = run({std::string(PG_BINDIR) + "/psql", "-X", "-A", "-t", "-h", c.dir.string(), "-p", std::to_string(port),
                "-U", "postgres", "-d", "dbname=postgres options='-c search_path=pg_catalog'", "-c",
                "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_catalog.pg_authid WHERE rolname = 'pw role'"});
  CHECK(r.output == "t\n");
}

TEST_CASE("the server never restarted during the P3 suite", "[integration][p3]") {
  auto& c = cluster();
  CHECK(c.query("SELECT pg_postmaster_start_time()::text") == c.start_time);
}
