// The seed scenario (../shared/cases/seed-flow.md) end to end on a real PostgreSQL 15
// with dsql_iam, driven through the same programs a user runs: `dsqlctl local up`,
// `seed-spec bootstrap` (the DSL's rendering of dsl/examples/seed.hpp), `dsqlctl sql`
// (the DSQL-dialect bridge), then probes made by connecting AS each role.
//
// The test cases share one cluster and run in declaration order (--order decl): the
// fixture applies the bootstrap, creates the seed's tables after the grants, and
// applies again; later cases check idempotency, the matrix, the mapping view, the
// refusals, and finally the revoke flow.
#include "process.hpp"
#include "seed_flow.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using dsql::test::run;

namespace {

constexpr const char* account_id = "123456789012";
constexpr int port = 5432;  // Unix socket only: no TCP port is bound

std::string arn(std::string_view name) {
  return std::string("arn:aws:iam::") + account_id + ":role/" + std::string(name);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One throwaway cluster for the whole executable; stopped and removed at exit.
struct seed_cluster {
  fs::path dir;
  fs::path work;
  std::string bootstrap;  // the rendered aurora_dsql script
  std::string start_time;

  seed_cluster() {
    std::string tmpl = (fs::temp_directory_path() / "dsql-it.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    std::string wtmpl = (fs::temp_directory_path() / "dsql-it-work.XXXXXX").string();
    if (!mkdtemp(wtmpl.data())) throw std::runtime_error("mkdtemp failed");
    work = wtmpl;
    auto up = run({DSQLCTL, "local", "up", "--dir", dir.string(), "--port", std::to_string(port)});
    if (up.status != 0) throw std::runtime_error("dsqlctl local up failed:\n" + up.output);
    auto r = run({SEED_SPEC, "bootstrap", "--target", "aurora_dsql", "--account-id", account_id});
    if (r.status != 0) throw std::runtime_error("seed-spec bootstrap failed:\n" + r.output);
    bootstrap = r.output;
    start_time = query_one("admin", "SELECT pg_postmaster_start_time()::text");
  }
  ~seed_cluster() {
    run({DSQLCTL, "local", "down", "--dir", dir.string()});
    std::error_code ec;
    fs::remove_all(work, ec);
  }

  std::string conninfo(std::string_view user) const {
    return "host='" + dir.string() + "' port=" + std::to_string(port) + " dbname=postgres user='" +
           std::string(user) + "'";
  }
  std::string query_one(std::string_view user, const std::string& sql) const {
    pqxx::connection c(conninfo(user));
    pqxx::nontransaction tx(c);
    auto r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].c_str();
  }
  // Runs a DSQL-dialect script through `dsqlctl sql` as `user`.
  dsql::test::run_result apply(const std::string& script, std::string_view user = "admin") const {
    return run({DSQLCTL, "sql", "-", "--dir", dir.string(), "--user", std::string(user)}, script);
  }
  std::string dump() const {
    auto r = run({std::string(PG_BINDIR) + "/pg_dumpall", "-h", dir.string(), "-p",
                  std::to_string(port), "-U", "postgres", "--schema-only", "--no-comments",
                  "--restrict-key=dsqlrolestest"});
    if (r.status != 0) throw std::runtime_error("pg_dumpall failed:\n" + r.output);
    return r.output;
  }
};

seed_cluster& cluster() {
  static seed_cluster c;
  return c;
}

}  // namespace

TEST_CASE("the seed bootstrap applies cleanly as admin on a fresh cluster", "[integration][seed]") {
  auto& c = cluster();
  auto r = c.apply(c.bootstrap);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.empty());
}

TEST_CASE("the seed's tables are created after the grants, and a re-apply reaches them",
          "[integration][seed]") {
  auto& c = cluster();
  auto tables = c.apply(slurp(fs::path(SOURCE_DIR) / "dsl/demo/seed_tables.sql"));
  INFO(tables.output);
  REQUIRE(tables.status == 0);
  // Before the re-apply the seed's ordering leaves app_readonly without SELECT on
  // products: GRANT ... ON ALL TABLES IN SCHEMA does not reach later tables.
  CHECK(c.query_one("admin",
                    "SELECT has_table_privilege('app_readonly', 'public.products', 'SELECT')") == "f");
  auto again = c.apply(c.bootstrap);
  INFO(again.output);
  REQUIRE(again.status == 0);
  CHECK(again.output.empty());
  CHECK(c.query_one("admin",
                    "SELECT has_table_privilege('app_readonly', 'public.products', 'SELECT')") == "t");
}

TEST_CASE("applying the bootstrap once more prints nothing and changes no catalog",
          "[integration][seed]") {
  auto& c = cluster();
  const std::string before = c.dump();
  auto r = c.apply(c.bootstrap);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.empty());
  const std::string after = c.dump();
  CHECK(before.find("CREATE ROLE app_readonly") != std::string::npos);
  CHECK(before == after);
}

TEST_CASE("every cell of the seed's access matrix holds when connecting as each role",
          "[integration][seed]") {
  auto& c = cluster();
  const auto& cells = dsql::seedflow::seed_matrix();
  auto results = dsql::seedflow::probe({c.dir.string(), port, "postgres"}, cells);
  REQUIRE(results.size() == cells.size());
  REQUIRE(results.size() >= 30);
  for (const auto& r : results) {
    INFO(r.probe->role << ": " << r.probe->action << " expected "
                       << (r.probe->expected == dsql::seedflow::expect::allowed ? "allowed" : "refused")
                       << " (" << r.detail << ")");
    CHECK(r.as_expected());
  }
}

TEST_CASE("sys.iam_pg_role_mappings lists exactly the seed's mappings, granted by admin",
          "[integration][seed]") {
  auto& c = cluster();
  pqxx::connection conn(c.conninfo("app_readonly"));  // readable by any role, as on DSQL
  pqxx::nontransaction tx(conn);
  auto rows = tx.exec(
      "SELECT pg_role_name, arn, grantor_pg_role_name, "
      "       pg_role_oid = (SELECT oid FROM pg_roles WHERE rolname = pg_role_name) "
      "FROM sys.iam_pg_role_mappings ORDER BY pg_role_name");
  REQUIRE(rows.size() == 4);
  const char* expected[][2] = {{"app_readonly", "AppReadOnlyRole"},
                               {"app_readwrite", "AppReadWriteRole"},
                               {"reporting_readonly", "ReportingRole"},
                               {"user_service", "UserServiceRole"}};
  for (pqxx::result::size_type i = 0; i < rows.size(); ++i) {
    CHECK(std::string(rows[i][0].c_str()) == expected[i][0]);
    CHECK(std::string(rows[i][1].c_str()) == arn(expected[i][1]));
    CHECK(std::string(rows[i][2].c_str()) == "admin");
    CHECK(std::string(rows[i][3].c_str()) == "t");
  }
}

TEST_CASE("dropping a mapped role fails with 2BP01 and names the mapping", "[integration][seed]") {
  auto& c = cluster();
  pqxx::connection conn(c.conninfo("admin"));
  pqxx::nontransaction tx(conn);
  try {
    tx.exec("DROP ROLE app_readonly");
    FAIL("DROP ROLE of a mapped role succeeded");
  } catch (const pqxx::sql_error& e) {
    CHECK(dsql::seedflow::sqlstate_of(e) == "2BP01");
  }
  auto r = c.apply("DROP ROLE app_readonly;\n");
  CHECK(r.status != 0);
  CHECK(r.output.find(arn("AppReadOnlyRole")) != std::string::npos);
}

TEST_CASE("a role other than admin cannot map or unmap IAM principals (42501)",
          "[integration][seed]") {
  auto& c = cluster();
  pqxx::connection conn(c.conninfo("app_readwrite"));
  for (const char* fn : {"sys.aws_iam_grant", "sys.aws_iam_revoke"}) {
    pqxx::nontransaction tx(conn);
    try {
      tx.exec(std::string("CALL ") + fn + "('app_readwrite', " + tx.quote(arn("AppReadOnlyRole")) + ")");
      FAIL(fn << " succeeded for a non-admin caller");
    } catch (const pqxx::sql_error& e) {
      CHECK(dsql::seedflow::sqlstate_of(e) == "42501");
    }
  }
  auto r = c.apply("AWS IAM GRANT app_readwrite TO '" + arn("AppReadOnlyRole") + "';\n", "app_readwrite");
  CHECK(r.status != 0);
  CHECK(r.output.find("permission denied to grant IAM trust") != std::string::npos);
}

TEST_CASE("the offboarding (revoke) flow for app_readonly runs clean twice", "[integration][seed]") {
  auto& c = cluster();
  auto rendered = run({SEED_SPEC, "revoke", "--role", "app_readonly", "--target", "aurora_dsql",
                       "--account-id", account_id});
  INFO(rendered.output);
  REQUIRE(rendered.status == 0);
  for (int pass = 1; pass <= 2; ++pass) {
    auto r = c.apply(rendered.output);
    INFO("pass " << pass << ":\n" << r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.empty());
  }
  CHECK(c.query_one("admin",
                    "SELECT count(*) FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readonly'") ==
        "0");
  CHECK(c.query_one("admin",
                    "SELECT has_table_privilege('app_readonly', 'public.products', 'SELECT')") == "f");
  // With the mapping gone, the role can be dropped.
  pqxx::connection conn(c.conninfo("admin"));
  pqxx::nontransaction tx(conn);
  CHECK_NOTHROW(tx.exec("DROP ROLE app_readonly"));
}

TEST_CASE("the server never restarted during the seed flow", "[integration][seed]") {
  auto& c = cluster();
  CHECK(c.query_one("admin", "SELECT pg_postmaster_start_time()::text") == c.start_time);
}
