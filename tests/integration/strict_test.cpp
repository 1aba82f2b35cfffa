// Strict mode on a real cluster made by `dsqlctl local up` (strict on by default): the
// seed's own SQL stops where Aurora DSQL stops it (issue 10.5); refused statements
// change no catalog, crash nothing and leave the next transaction clean (10.7); strict
// mode turns off and on without a restart (10.2); concurrent writers never wait and the
// loser fails at COMMIT, so retry logic runs from one thread (10.1); the session's IAM
// principal, CREATE INDEX ASYNC through dsqlctl sql.
#include "process.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "iam/state.hpp"
#include "iam/token.hpp"

namespace fs = std::filesystem;
using dsql::test::run;

namespace {

constexpr const char* account_id = "123456789012";
const int port = dsql::test::free_tcp_port();

std::string arn(std::string_view name) {
  return std::string("arn:aws:iam::") + account_id + ":role/" + std::string(name);
}

// One answer of a statement: ok with a tag and the first column's values, an error,
// or "blocked" (not answered within the timeout: cancelled).
struct answer {
  bool blocked = false;
  bool error = false;
  std::string tag, sqlstate, message;
  std::vector<std::string> values;
};

// A libpq connection whose statements never hang the test: each waits at most 3 s.
class conn {
 public:
  explicit conn(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str()), PQfinish) {
    if (PQstatus(c_.get()) != CONNECTION_OK)
      throw std::runtime_error(std::string("connect: ") + PQerrorMessage(c_.get()));
    PQsetNoticeProcessor(
        c_.get(), [](void*, const char*) {}, nullptr);
  }
  answer q(const std::string& sql, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    answer a;
    if (!PQsendQuery(c_.get(), sql.c_str())) throw std::runtime_error(PQerrorMessage(c_.get()));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (PQconsumeInput(c_.get()) && PQisBusy(c_.get())) {
      if (std::chrono::steady_clock::now() > deadline) {
        a.blocked = true;
        if (PGcancel* k = PQgetCancel(c_.get())) {
          char buf[256];
          PQcancel(k, buf, sizeof buf);
          PQfreeCancel(k);
        }
        break;
      }
      pollfd p{PQsocket(c_.get()), POLLIN, 0};
      poll(&p, 1, 20);
    }
    while (PGresult* r = PQgetResult(c_.get())) {
      if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
        a.error = true;
        a.sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        a.message = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
      } else {
        a.tag = PQcmdStatus(r);
        for (int i = 0; i < PQntuples(r); ++i) a.values.push_back(PQgetisnull(r, i, 0) ? "NULL" : PQgetvalue(r, i, 0));
      }
      PQclear(r);
    }
    return a;
  }
  // The server version libpq took from the startup ParameterStatus.
  int server_version() const { return PQserverVersion(c_.get()); }
  std::string one(const std::string& sql) {
    const answer a = q(sql);
    if (a.error || a.blocked || a.values.empty())
      throw std::runtime_error(sql + ": " +
                               (a.blocked ? "blocked"
                                : a.error ? a.sqlstate + " " + a.message
                                          : "no row"));
    return a.values[0];
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> c_;
};

struct strict_cluster {
  fs::path dir;

  strict_cluster() {
    std::string tmpl = (fs::temp_directory_path() / "dsql-strict-it.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    // strict mode is dsqlctl local up's default: no flag here
    auto up = run({DSQLCTL, "local", "up", "--dir", dir.string(), "--port", std::to_string(port)});
    if (up.status != 0) throw std::runtime_error("dsqlctl local up failed:\n" + up.output);
    auto policies =
        run({SEED_SPEC, "policies", "--account-id", account_id, "--region", "us-east-1", "--cluster-id", "local"});
    const auto json_start = policies.output.find('{');
    auto sync = run({DSQLCTL, "iam", "--dir", dir.string(), "sync", "--policies", "-"},
                    policies.output.substr(json_start == std::string::npos ? 0 : json_start));
    if (policies.status != 0 || sync.status != 0)
      throw std::runtime_error("seed-spec policies | dsqlctl iam sync failed:\n" + policies.output + sync.output);
  }
  ~strict_cluster() {
    run({DSQLCTL, "local", "down", "--dir", dir.string()});
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string conninfo(std::string_view user = "admin") const {
    return "host='" + dir.string() + "' port=" + std::to_string(port) + " dbname=postgres user='" + std::string(user) +
           "'";
  }
  std::string start_time() const { return conn(conninfo("postgres")).one("SELECT pg_postmaster_start_time()::text"); }
  dsql::test::run_result sql(const std::string& script, std::string_view user = "admin") const {
    return run({DSQLCTL, "sql", "-", "--dir", dir.string(), "--user", std::string(user)}, script);
  }
  dsql::test::run_result dsqlctl(std::vector<std::string> args) const {
    args.insert(args.begin(), DSQLCTL);
    args.insert(args.end(), {"--dir", dir.string()});
    return run(args);
  }
  std::string dump() const {
    auto r = run({std::string(PG_BINDIR) + "/pg_dumpall", "-h", dir.string(), "-p", std::to_string(port), "-U",
                  "postgres", "--schema-only", "--no-comments", "--restrict-key=dsqlrolestest"});
    if (r.status != 0) throw std::runtime_error("pg_dumpall failed:\n" + r.output);
    return r.output;
  }
  std::string server_log() const {
    std::ifstream in(dir / "server.log");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string seed_sql(bool with_account) const {
    std::vector<std::string> args{std::string(SOURCE_DIR) + "/scripts/seed-sql.sh"};
    if (with_account) args.insert(args.end(), {"--account-id", account_id});
    auto r = run(args);
    if (r.status != 0) throw std::runtime_error("scripts/seed-sql.sh failed:\n" + r.output);
    return r.output;
  }
};

strict_cluster& cluster() {
  static strict_cluster c;
  return c;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("dsqlctl local up turns strict mode on and local status names the ruleset", "[integration][strict]") {
  auto& c = cluster();
  const auto st = c.dsqlctl({"local", "status"});
  INFO(st.output);
  CHECK(st.status == 0);
  CHECK(st.output.find("strict:    on (ruleset aurora-dsql-2026.09, recorded 2026-09-18,") != std::string::npos);
  conn admin(c.conninfo());
  CHECK(admin.server_version() == 160015);  // the startup ParameterStatus says 16.15 too
  CHECK(admin.one("SHOW server_version") == "16.15");
  CHECK(admin.one("SELECT version()").rfind("PostgreSQL 16.15 ", 0) == 0);
  CHECK(admin.one("SHOW TimeZone") == "UTC");
  CHECK(admin.one("SHOW transaction_isolation") == "repeatable read");
  // the bootstrap superuser's sessions are the emulation's plumbing: not strict
  conn postgres(c.conninfo("postgres"));
  CHECK(postgres.one("SHOW server_version_num").rfind("15", 0) == 0);
  CHECK(postgres.server_version() / 10000 == 15);
}

TEST_CASE("the seed's SQL as written stops at its first AWS IAM GRANT: the '*' account is not an IAM ARN",
          "[integration][strict][seed]") {
  auto& c = cluster();
  const auto r = c.sql(c.seed_sql(false));
  INFO(r.output);
  CHECK(r.status == 3);  // psql's exit status under ON_ERROR_STOP
  CHECK(r.output.find("<stdin>:6: ERROR:  IAM role must look like an IAM ARN") != std::string::npos);
  CHECK(count(r.output, "ERROR:") == 1);
  conn admin(c.conninfo());
  CHECK(admin.one("SELECT count(*) FROM pg_roles WHERE rolname IN ('app_readonly', 'app_readwrite', 'user_service')") ==
        "3");
  CHECK(admin.one("SELECT count(*) FROM sys.iam_pg_role_mappings") == "0");
  CHECK(admin.one("SELECT count(*) FROM pg_namespace WHERE nspname = 'users_schema'") == "0");
  // back to a fresh cluster's roles for the next case (one DDL per transaction)
  for (const char* r2 : {"app_readonly", "app_readwrite", "user_service"})
    CHECK(admin.q(std::string("DROP ROLE ") + r2).tag == "DROP ROLE");
}

TEST_CASE("with the account filled in, the seed's SQL stops where DSQL stops it: GRANT USAGE ON SCHEMA public, 0A000",
          "[integration][strict][seed]") {
  auto& c = cluster();
  const std::string script = c.seed_sql(true);
  const auto r = c.sql(script);
  INFO(r.output);
  CHECK(r.status == 3);
  CHECK(r.output.find("<stdin>:12: ERROR:  feature not supported on system entity") != std::string::npos);
  CHECK(count(r.output, "ERROR:") == 1);
  conn admin(c.conninfo());
  // everything before it ran: roles, mappings, the schema; nothing after it did
  CHECK(admin.one("SELECT count(*) FROM sys.iam_pg_role_mappings") == "3");
  CHECK(admin.one("SELECT count(*) FROM pg_namespace WHERE nspname = 'users_schema'") == "1");
  CHECK(admin.one("SELECT has_schema_privilege('user_service', 'users_schema', 'USAGE')") == "f");
  CHECK(admin.one("SELECT count(*) FROM pg_class WHERE relname IN ('profiles', 'products')") == "0");
  // DSQL's SQLSTATE for that statement, as a client sees it
  const answer a = admin.q("GRANT USAGE ON SCHEMA public TO app_readonly");
  CHECK(a.sqlstate == "0A000");
  CHECK(a.message == "feature not supported on system entity");
}

TEST_CASE(
    "refused statements change no catalog, crash no backend, restart nothing and leave the next transaction clean",
    "[integration][strict][bad_input]") {
  auto& c = cluster();
  const std::string started = c.start_time();
  conn admin(c.conninfo());
  REQUIRE(admin.q("CREATE TABLE bad_input_t (id int PRIMARY KEY, v text)").tag == "CREATE TABLE");
  REQUIRE(admin.q("INSERT INTO bad_input_t SELECT g, 'x' FROM generate_series(1, 10) g").tag == "INSERT 0 10");
  const std::string before = c.dump();
  const std::string huge(100000, 'x');
  const std::vector<std::string> refused = {
      "TRUNCATE bad_input_t",
      "CREATE EXTENSION pgcrypto",
      "CREATE TEMP TABLE t (id int)",
      "CREATE TABLE t (v money)",
      "CREATE TABLE t (v int[])",
      "CREATE TABLE t (v serial)",
      "CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY (CACHE 1))",
      "CREATE SEQUENCE s",
      "CREATE INDEX i ON bad_input_t (v)",
      "CREATE INDEX CONCURRENTLY i ON bad_input_t (v)",
      "ALTER TABLE bad_input_t ADD COLUMN w int NOT NULL DEFAULT 0",
      "ALTER TABLE bad_input_t ALTER COLUMN v TYPE varchar(9)",
      "ALTER TABLE bad_input_t DROP COLUMN id",
      "ALTER TABLE bad_input_t ADD CONSTRAINT c CHECK (id > 0)",
      "CREATE TYPE e AS ENUM ('a')",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$",
      "DO $$ BEGIN CREATE TABLE sneaky (id int); END $$",
      "CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$",
      "GRANT USAGE ON SCHEMA public TO PUBLIC",
      "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
      "DROP SCHEMA public",
      "ALTER ROLE admin WITH LOGIN",
      "SET ROLE postgres",
      "SET SESSION AUTHORIZATION postgres",
      "ALTER SYSTEM SET dsql_iam.strict = off",
      "VACUUM bad_input_t",
      "LISTEN x",
      "SELECT id FROM bad_input_t FOR SHARE",
      "SELECT line('{1,2,3}')",
      "SELECT to_tsvector('english', 'x')",
      "BEGIN ISOLATION LEVEL SERIALIZABLE",
      "SAVEPOINT s",
      "INSERT INTO bad_input_t SELECT g, 'y' FROM generate_series(100, 3200) g",
      "CREATE TABLE \"" + std::string(200, 'n') + "\" (v money)",
      "CREATE TABLE t (v " + std::string(5000, 'x') + ")",
      "SELECT sys.create_index_async('" + huge + "')",
      "SELECT sys.create_index_async('CREATE INDEX ON')",
      "SELECT sys.create_index_async('CREATE INDEX ON bad_input_t (v); DROP TABLE bad_input_t')",
      "SELECT sys.create_index_async(NULL)",
      "CALL sys.wait_for_job('" + huge + "')",
      "CALL sys.wait_for_job(NULL)",
      "CALL sys.wait_for_job('aaaaaaaaaaaaaaaaaaaaaaaaaa')",
      "BEGIN; CREATE TABLE t1 (id int); CREATE TABLE t2 (id int); COMMIT",
      "BEGIN; INSERT INTO bad_input_t VALUES (50, 'z'); CREATE TABLE t3 (id int); COMMIT",
  };
  for (const auto& sql : refused) {
    const answer a = admin.q(sql);
    INFO(sql.substr(0, 120));
    CHECK_FALSE(a.blocked);
    CHECK(a.error);
    CHECK_FALSE(a.sqlstate.empty());
    CHECK(admin.q("ROLLBACK").error == false);  // ends a failed block (a warning otherwise)
  }
  // every refusal's ERROR ended its transaction: the next one is clean, DDL and DML alike
  CHECK(admin.q("BEGIN; CREATE TABLE bad_input_after (id int); COMMIT").tag == "COMMIT");
  CHECK(admin.q("BEGIN; INSERT INTO bad_input_t VALUES (11, 'ok'); COMMIT").tag == "COMMIT");
  CHECK(admin.q("DROP TABLE bad_input_after").tag == "DROP TABLE");
  CHECK(admin.q("DELETE FROM bad_input_t WHERE id = 11").tag == "DELETE 1");
  CHECK(c.dump() == before);
  CHECK(c.start_time() == started);
  const std::string log = c.server_log();
  CHECK(log.find("terminated by signal") == std::string::npos);
  CHECK(log.find("was terminated") == std::string::npos);
  CHECK(log.find("PANIC") == std::string::npos);
  CHECK(admin.one("SELECT count(*) FROM bad_input_t") == "10");
  CHECK(admin.one("SELECT count(*) FROM sys.jobs") == "0");
}

TEST_CASE("strict mode turns off and on without a restart: open sessions follow at once, new ones get the environment",
          "[integration][strict][toggle]") {
  auto& c = cluster();
  const std::string started = c.start_time();
  conn open(c.conninfo());
  CHECK(open.q("CREATE TEMP TABLE toggle_tmp (id int)").sqlstate == "0A000");

  auto off = c.dsqlctl({"local", "strict", "off"});
  INFO(off.output);
  REQUIRE(off.status == 0);
  CHECK(off.output.find("strict mode off") != std::string::npos);
  CHECK(open.q("CREATE TEMP TABLE toggle_tmp (id int)").tag == "CREATE TABLE");  // the open session, at once
  conn fresh(c.conninfo());
  CHECK(fresh.one("SHOW server_version_num").rfind("15", 0) == 0);  // a new session: PostgreSQL 15
  CHECK(fresh.q("SAVEPOINT s").sqlstate == "25P01");                // PostgreSQL's own answer
  CHECK(c.dsqlctl({"local", "status"}).output.find("strict:    off") != std::string::npos);

  REQUIRE(c.dsqlctl({"local", "strict", "on"}).status == 0);
  CHECK(open.q("CREATE TEMP TABLE toggle_tmp2 (id int)").sqlstate == "0A000");
  CHECK(conn(c.conninfo()).one("SHOW server_version") == "16.15");

  // local up applies its flag to a running cluster too
  REQUIRE(c.dsqlctl({"local", "up", "--no-strict"}).status == 0);
  CHECK(c.dsqlctl({"local", "status"}).output.find("strict:    off") != std::string::npos);
  REQUIRE(c.dsqlctl({"local", "up"}).status == 0);
  CHECK(c.dsqlctl({"local", "status"}).output.find("strict:    on") != std::string::npos);
  CHECK(c.start_time() == started);
}

TEST_CASE("concurrent writers never wait: the later committer fails with 40001 OC000 and a retry succeeds, one thread",
          "[integration][strict][occ]") {
  auto& c = cluster();
  conn setup(c.conninfo());
  REQUIRE(setup.q("CREATE TABLE occ_account (id int PRIMARY KEY, balance int)").tag == "CREATE TABLE");
  REQUIRE(setup.q("INSERT INTO occ_account VALUES (1, 100)").tag == "INSERT 0 1");
  conn a(c.conninfo()), b(c.conninfo());
  const auto fast = std::chrono::milliseconds(1000);
  REQUIRE(a.q("BEGIN").tag == "BEGIN");
  REQUIRE(b.q("BEGIN").tag == "BEGIN");
  CHECK(a.q("UPDATE occ_account SET balance = balance - 10 WHERE id = 1", fast).tag == "UPDATE 1");
  const answer second = b.q("UPDATE occ_account SET balance = balance - 20 WHERE id = 1", fast);
  CHECK_FALSE(second.blocked);  // PostgreSQL would wait here for a's row lock
  CHECK(second.tag == "UPDATE 1");
  CHECK(a.q("COMMIT", fast).tag == "COMMIT");
  const answer lost = b.q("COMMIT", fast);
  CHECK(lost.sqlstate == "40001");
  CHECK(lost.message == "change conflicts with another transaction (OC000)");
  // the application's retry
  int attempts = 0;
  for (bool done = false; !done && attempts < 3; ++attempts) {
    b.q("BEGIN");
    b.q("UPDATE occ_account SET balance = balance - 20 WHERE id = 1", fast);
    done = !b.q("COMMIT", fast).error;
  }
  CHECK(attempts == 1);
  CHECK(setup.one("SELECT balance FROM occ_account WHERE id = 1") == "70");
}

TEST_CASE("sys.iam_session_user() is the IAM principal whose token authenticated the session",
          "[integration][strict][iam]") {
  auto& c = cluster();
  dsql::aws::state st(c.dir / "iam.sqlite");
  const auto keys = st.access_keys(arn("DsqlAdminRole"));
  REQUIRE_FALSE(keys.empty());
  dsql::aws::token_request req{"localhost", "us-east-1", true, 900};
  const std::string token = dsql::aws::generate_token(
      req, {keys[0].access_key_id, keys[0].secret_access_key, keys[0].session_token, ""}, std::nullopt);
  conn tls("host=localhost hostaddr=127.0.0.1 port=" + std::to_string(port) +
           " sslmode=require dbname=postgres user=admin password='" + token + "'");
  CHECK(tls.one("SELECT sys.iam_session_user()") == arn("DsqlAdminRole"));
  CHECK(tls.one("SHOW server_version") == "16.15");
  CHECK(conn(c.conninfo()).one("SELECT sys.iam_session_user()") == "NULL");  // the socket: no token
  CHECK(tls.one("SELECT sys.current_session_id()") != conn(c.conninfo()).one("SELECT sys.current_session_id()"));
}

TEST_CASE("CREATE INDEX ASYNC through dsqlctl sql answers a job id that sys.jobs and CALL sys.wait_for_job know",
          "[integration][strict][jobs]") {
  auto& c = cluster();
  const auto r = c.sql(
      "CREATE TABLE async_t (id int PRIMARY KEY, v text);\n"
      "INSERT INTO async_t SELECT g, g::text FROM generate_series(1, 100) g;\n"
      "CREATE INDEX async_sync ON async_t (v);\n");
  CHECK(r.status == 3);
  CHECK(r.output.find("ERROR:  unsupported mode. please use CREATE INDEX ASYNC.") != std::string::npos);
  const auto ok = c.sql(
      "CREATE INDEX ASYNC async_t_v ON async_t (v) \\gset\n"
      "CALL sys.wait_for_job(:'job_id');\n"
      "SELECT status || ' ' || object_name FROM sys.jobs WHERE job_id = :'job_id';\n");
  INFO(ok.output);
  CHECK(ok.status == 0);
  CHECK(ok.output.find("completed public.async_t_v") != std::string::npos);
  conn admin(c.conninfo());
  CHECK(admin.one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'async_t_v'::regclass") == "t");
}
