// dsql::testing and the example service on a real local cluster (PostgreSQL 15 with
// dsql_iam, strict mode on), set up as a user does: `dsqlctl local up`, the seed's IAM
// principals (`seed-spec policies | dsqlctl iam sync`), the seed bootstrap, the seed's
// tables, the bootstrap again. The cases share the cluster and run in declaration order
// (--order decl); the last one turns strict mode off for a spec with functions and
// sequences (wide_spec.hpp).
#include <catch2/catch.hpp>

#include <dsql/testing.hpp>

#include <pqxx/pqxx>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "iam/state.hpp"
#include "process.hpp"
#include "seed.hpp"
#include "seed_flow.hpp"
#include "wide_spec.hpp"

namespace fs = std::filesystem;
using dsql::test::run;
using dsql::testing::expect;
using dsql::testing::outcome;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct seed_cluster {
  fs::path dir;
  int port = dsql::test::free_tcp_port();

  seed_cluster() {
    std::string tmpl = (fs::temp_directory_path() / "dsql-testing-it.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    must({DSQLCTL, "local", "up", "--dir", dir.string(), "--port", std::to_string(port), "--quiet"});
    auto policies =
        must({SEED_SPEC, "policies", "--account-id", "123456789012", "--region", "us-east-1", "--cluster-id", "local"});
    const auto json = policies.output.find('{');
    must({DSQLCTL, "iam", "--dir", dir.string(), "sync", "--policies", "-"},
         policies.output.substr(json == std::string::npos ? 0 : json));
    const std::string bootstrap =
        must({SEED_SPEC, "bootstrap", "--target", "aurora_dsql", "--account-id", "123456789012"}).output;
    sql_script(bootstrap);
    sql_script(slurp(fs::path(SOURCE_DIR) / "dsl/demo/seed_tables.sql"));
    sql_script(bootstrap);  // reaches the tables created after the grants
  }
  ~seed_cluster() {
    run({DSQLCTL, "local", "down", "--dir", dir.string()});
    std::error_code ec;
    fs::remove(dir, ec);
  }
  static dsql::test::run_result must(const std::vector<std::string>& argv, const std::string& input = {}) {
    auto r = run(argv, input);
    if (r.status != 0) throw std::runtime_error(argv[0] + " " + argv[1] + " failed:\n" + r.output);
    return r;
  }
  void sql_script(const std::string& script, const std::string& user = "admin") const {
    must({DSQLCTL, "sql", "-", "--dir", dir.string(), "--user", user}, script);
  }
  // A socket connection as any role (the local cluster trusts its socket).
  std::unique_ptr<pqxx::connection> socket(std::string_view user) const {
    return std::make_unique<pqxx::connection>("host='" + dir.string() + "' port=" + std::to_string(port) +
                                              " dbname=postgres user='" + std::string(user) + "'" +
                                              (user == "postgres" ? " options='-c search_path=pg_catalog'" : ""));
  }
  void exec(const std::string& text, std::string_view user = "admin") const {
    auto c = socket(user);
    pqxx::nontransaction n(*c);
    n.exec(text);
  }
  dsql::aws::access_key key_of(const std::string& iam_role) const {
    dsql::aws::state st(dir / "iam.sqlite");
    const auto keys = st.access_keys("arn:aws:iam::123456789012:role/" + iam_role);
    if (keys.empty()) throw std::runtime_error("no key for " + iam_role);
    return keys[0];
  }
};

seed_cluster& cluster() {
  static seed_cluster c;
  return c;
}

dsql::testing::report seed_report(const dsql::testing::options& o = dsql::seedflow::seed_options()) {
  return dsql::testing::probe_matrix<seed::spec>(dsql::testing::local_cluster<seed::spec>(cluster().dir.string()), o);
}

// Runs user-service with an access key in the standard environment variables (the AWS
// credential chain's first source) and nothing else of AWS's.
dsql::test::run_result run_service(const dsql::aws::access_key& k) {
  for (const char* v : {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"})
    unsetenv(v);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
  setenv("AWS_ACCESS_KEY_ID", k.access_key_id.c_str(), 1);
  setenv("AWS_SECRET_ACCESS_KEY", k.secret_access_key.c_str(), 1);
  auto r = run({USER_SERVICE, "--cluster-dir", cluster().dir.string()});
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  return r;
}

const dsql::testing::result* find(const dsql::testing::report& r, std::string_view role, std::string_view privilege,
                                  std::string_view object) {
  for (const auto& x : r.results)
    if (x.cell.role == role && x.cell.privilege == privilege && x.cell.object == object) return &x;
  return nullptr;
}

}  // namespace

TEST_CASE("the seed's matrix, derived from the spec, holds through the endpoint with each role's token",
          "[testing][integration][seed]") {
  const auto report = seed_report();
  INFO(report.format());
  CHECK(report.ok());
  CHECK(report.mismatches.empty());
  CHECK(report.skipped().empty());
  CHECK(report.ran() == 61);  // 4 roles x (login + 14 derived cells), and seed-flow.md's search_path cell
  const auto* r = find(report, "app_readonly", "INSERT", "public.products");
  REQUIRE(r);
  CHECK(r->got == outcome::refused);
  CHECK(r->detail.rfind("42501", 0) == 0);
}

TEST_CASE("a grant missing on the server fails exactly its cell", "[testing][integration][seed]") {
  auto& c = cluster();
  c.exec("REVOKE SELECT ON public.products FROM app_readonly");
  const auto report = seed_report();
  c.exec("GRANT SELECT ON public.products TO app_readonly");
  INFO(report.format());
  CHECK_FALSE(report.ok());
  REQUIRE(report.failures().size() == 1);
  const auto& f = *report.failures()[0];
  CHECK(f.cell.role == "app_readonly");
  CHECK(f.cell.privilege == "SELECT");
  CHECK(f.cell.object == "public.products");
  CHECK(f.got == outcome::refused);
  CHECK(report.format().find("UNEXPECTED") != std::string::npos);
}

TEST_CASE("a privilege the server grants beyond the spec fails its negative cell", "[testing][integration][seed]") {
  auto& c = cluster();
  c.exec("GRANT DELETE ON users_schema.profiles TO user_service");
  const auto report = seed_report();
  c.exec("REVOKE DELETE ON users_schema.profiles FROM user_service");
  INFO(report.format());
  REQUIRE(report.failures().size() == 1);
  CHECK(report.failures()[0]->cell.role == "user_service");
  CHECK(report.failures()[0]->cell.privilege == "DELETE");
  CHECK(report.failures()[0]->got == outcome::allowed);
  CHECK(seed_report().ok());  // back as the spec says
}

TEST_CASE("a scenario cell the spec contradicts, or does not probe, is a mismatch", "[testing][integration][seed]") {
  auto o = dsql::seedflow::seed_options();
  o.required.push_back({"app_readonly", "INSERT", "public.products", expect::allowed});
  o.required.push_back({"app_readonly", "TRUNCATE", "public.nothing", expect::refused});
  const auto report = seed_report(o);
  INFO(report.format());
  CHECK(report.failures().empty());  // the server agrees with the spec
  REQUIRE(report.mismatches.size() == 2);
  CHECK(report.mismatches[0].find("the spec says refused") != std::string::npos);
  CHECK(report.mismatches[1].find("no cell of the spec probes it") != std::string::npos);
  CHECK_FALSE(report.ok());
}

TEST_CASE("a role that cannot connect makes each of its cells an error", "[testing][integration][seed]") {
  auto tokens = dsql::testing::local_cluster<seed::spec>(cluster().dir.string());
  auto failing = [&](std::string_view role) -> std::unique_ptr<pqxx::connection> {
    if (role == "app_readonly") throw std::runtime_error("no route");
    return tokens(role);
  };
  dsql::testing::options o;
  o.roles = {"app_readonly", "app_readwrite"};
  const auto report = dsql::testing::probe_matrix<seed::spec>(failing, o);
  INFO(report.format());
  CHECK_FALSE(report.ok());
  std::size_t readonly = 0;
  for (const auto& r : report.results) {
    if (r.cell.role == "app_readonly") {
      ++readonly;
      CHECK(r.got == outcome::error);
      CHECK(r.detail == "connection failed: no route");
    } else {
      CHECK(r.as_expected());  // the catalog was read through app_readwrite
    }
  }
  CHECK(readonly == 15);
  CHECK(report.failures().size() == 15);
  // nobody connects: no catalog, only the login cells
  o.roles = {"app_readonly"};
  const auto alone = dsql::testing::probe_matrix<seed::spec>(failing, o);
  REQUIRE(alone.results.size() == 1);
  CHECK(alone.results[0].cell.privilege == "CONNECT");
  CHECK(alone.results[0].got == outcome::error);
  CHECK_FALSE(alone.ok());
}

TEST_CASE("the example user service runs through the pool as user_service with its principal's key",
          "[testing][integration][example]") {
  auto r = run_service(cluster().key_of("UserServiceRole"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("ada@example.com, Ada Lovelace") != std::string::npos);
  CHECK(r.output.find("product notebook (stationery)") != std::string::npos);
  // the rows are the service's: written as user_service, read back by admin
  auto c = cluster().socket("admin");
  pqxx::nontransaction n(*c);
  CHECK(n.exec("SELECT count(*) FROM users_schema.profiles WHERE name = 'Ada Lovelace'")[0][0].as<int>() >= 1);
  // another principal's key is not user_service's: the login is refused
  auto other = run_service(cluster().key_of("AppReadOnlyRole"));
  INFO(other.output);
  CHECK(other.status == 1);
  CHECK(other.output.find("IAM authentication failed for user \"user_service\"") != std::string::npos);
}

TEST_CASE("memberships, NOINHERIT, column grants, sequences, functions and default privileges hold on a server",
          "[testing][integration][wide]") {
  auto& c = cluster();
  // plain PostgreSQL 15 rules from here on (DSQL has no CREATE FUNCTION ... LANGUAGE sql
  // in strict mode's ruleset, nor the rest of this setup)
  seed_cluster::must({DSQLCTL, "local", "strict", "off", "--dir", c.dir.string()});
  c.exec(R"(
        CREATE ROLE regress_base;
        CREATE ROLE regress_member LOGIN INHERIT;
        CREATE ROLE regress_loner LOGIN NOINHERIT;
        CREATE ROLE regress_auditor LOGIN;
        GRANT regress_base TO regress_member, regress_loner;
        CREATE SCHEMA ledger AUTHORIZATION admin;
        CREATE SCHEMA vault AUTHORIZATION admin;
        CREATE TABLE ledger.accounts (id int, name text, balance numeric);
        CREATE SEQUENCE ledger.entry_id;
        CREATE VIEW ledger.summary AS SELECT count(*) AS n FROM ledger.accounts;
        CREATE TABLE vault.secrets (id int, v text);
        CREATE FUNCTION ledger.post(amount integer) RETURNS integer LANGUAGE sql AS 'SELECT $1';
        CREATE FUNCTION ledger.total(VARIADIC integer[]) RETURNS integer LANGUAGE sql AS 'SELECT 1';
        CREATE PROCEDURE ledger.settle() LANGUAGE sql AS 'SELECT 1';
        GRANT USAGE ON SCHEMA ledger TO regress_base, regress_loner, regress_auditor;
        GRANT SELECT ON ALL TABLES IN SCHEMA ledger TO regress_base;
        GRANT SELECT (name), UPDATE (name) ON ledger.accounts TO regress_auditor;
        GRANT SELECT ON SEQUENCE ledger.entry_id TO regress_loner;
        REVOKE EXECUTE ON FUNCTION ledger.post(integer) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION ledger.post(integer) TO regress_member;
        GRANT USAGE ON SCHEMA vault TO regress_auditor;
        GRANT SELECT ON vault.secrets TO regress_auditor;
        ALTER DEFAULT PRIVILEGES FOR ROLE regress_member IN SCHEMA ledger GRANT SELECT ON TABLES TO regress_auditor;
        GRANT CREATE ON SCHEMA ledger TO regress_member;
        SET ROLE regress_member;
        CREATE TABLE ledger.mine (id int);
        RESET ROLE;
        REVOKE CREATE ON SCHEMA ledger FROM regress_member;
    )",
         "postgres");
  dsql::testing::options o;
  o.required = {{"regress_member", "SELECT", "ledger.accounts", expect::allowed},
                {"regress_loner", "SELECT", "ledger.accounts", expect::refused},
                {"regress_auditor", "SELECT", "ledger.mine", expect::allowed},
                {"regress_loner", "EXECUTE", "ledger.post(integer)", expect::refused}};
  const auto report = dsql::testing::probe_matrix<wide::spec>([&](std::string_view role) { return c.socket(role); }, o);
  INFO(report.format());
  CHECK(report.ok());
  CHECK(report.failures().empty());
  CHECK(report.mismatches.empty());
  // every kind was probed on the server, not skipped
  for (auto [role, privilege, object] : {std::tuple{"regress_member", "EXECUTE", "ledger.post(integer)"},
                                         std::tuple{"regress_loner", "SELECT", "ledger.entry_id"},
                                         std::tuple{"regress_auditor", "UPDATE", "ledger.accounts(name)"},
                                         std::tuple{"regress_auditor", "INSERT", "ledger.accounts(name)"},
                                         std::tuple{"regress_member", "DELETE", "ledger.mine"},
                                         std::tuple{"regress_member", "SELECT", "vault.secrets"}}) {
    const auto* r = find(report, role, privilege, object);
    INFO(role << " " << privilege << " " << object);
    REQUIRE(r);
    CHECK_FALSE(r->skipped());
    CHECK(r->as_expected());
  }
  CHECK(find(report, "regress_loner", "INSERT", "ledger.missing")->skipped());
  CHECK(find(report, "regress_member", "EXECUTE", "ledger.total(integer[])")->skipped());
  // the probes left nothing behind
  CHECK(std::string(pqxx::nontransaction(*c.socket("admin"))
                        .exec("SELECT count(*) FROM pg_class WHERE relname = 'dsql_testing_probe'")[0][0]
                        .c_str()) == "0");
}
