// The seed scenario (../shared/cases/seed-flow.md) end to end on a real PostgreSQL 15
// with dsql_iam, driven through the same programs a user runs: `dsqlctl local up`,
// `seed-spec bootstrap` (the DSL's rendering of dsl/examples/seed.hpp), `dsqlctl sql`
// (the DSQL-dialect bridge), then probes made by connecting AS each role.
//
// The test cases share one cluster and run in declaration order (--order decl): the
// fixture applies the bootstrap, creates the seed's tables after the grants, and
// applies again; later cases check idempotency, the matrix, the mapping view, the
// refusals, and finally the revoke flow.
//
// The cluster is the emulated DSQL endpoint of `dsqlctl local up`: every role's probe
// connects over TLS on 127.0.0.1 with a DSQL token signed by its IAM principal (the
// local IAM state filled by `dsqlctl iam sync` from `seed-spec policies`), admin with
// a DbConnectAdmin token; seed-flow.md's refusals 1-6 are each checked for the
// generic client message and the precise reason (with SQLSTATE 28000) in the server log.
#include "process.hpp"
#include "seed.hpp"
#include "seed_flow.hpp"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <pqxx/pqxx>

#include "iam/state.hpp"
#include "iam/token.hpp"
#include "policy.h"
#include "sigv4.h"

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
// The socket and the TLS endpoint share this port number: a free TCP port.
const int port = dsql::test::free_tcp_port();

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
    // strict mode on (the default): the aurora_dsql bootstrap meets Aurora DSQL's rules
    auto up = run({DSQLCTL, "local", "up", "--dir", dir.string(), "--port", std::to_string(port)});
    if (up.status != 0) throw std::runtime_error("dsqlctl local up failed:\n" + up.output);
    auto policies =
        run({SEED_SPEC, "policies", "--account-id", account_id, "--region", "us-east-1", "--cluster-id", "local"});
    if (policies.status != 0) throw std::runtime_error("seed-spec policies failed:\n" + policies.output);
    const auto json_start = policies.output.find('{');  // after the note on stderr, if any
    auto sync = run({DSQLCTL, "iam", "--dir", dir.string(), "sync", "--policies", "-"},
                    policies.output.substr(json_start == std::string::npos ? 0 : json_start));
    if (sync.status != 0) throw std::runtime_error("dsqlctl iam sync failed:\n" + sync.output);
    auto r = run({SEED_SPEC, "bootstrap", "--target", "aurora_dsql", "--account-id", account_id});
    if (r.status != 0) throw std::runtime_error("seed-spec bootstrap failed:\n" + r.output);
    bootstrap = r.output;
    start_time = query_one("admin", "SELECT pg_postmaster_start_time()::text");
    // The extension is installed system-wide: say so when the installed build is one
    // without token authentication (another checkout's `make setup` replaced it).
    if (query_one("postgres", "SELECT current_setting('dsql_iam.auth_mode', true)") != "on")
      throw std::runtime_error(
          "the installed dsql_iam has no token authentication (dsql_iam.auth_mode is not "
          "'on'): reinstall it from this tree (make install-extension)");
  }
  ~seed_cluster() {
    run({DSQLCTL, "local", "down", "--dir", dir.string()});
    std::error_code ec;
    fs::remove(dir, ec);  // mkdtemp made it: down empties it but keeps it
    fs::remove_all(work, ec);
  }

  // The emulated endpoint: TLS on 127.0.0.1, a token as the password.
  std::string tcp_conninfo(std::string_view user) const {
    return "host=localhost hostaddr=127.0.0.1 port=" + std::to_string(port) + " sslmode=verify-full sslrootcert='" +
           ca_file().string() + "' dbname=postgres connect_timeout=10 user='" + std::string(user) + "'";
  }
  fs::path ca_file() const { return dir / "ca.crt"; }
  fs::path iam_state() const { return dir / "iam.sqlite"; }
  fs::path server_log() const { return dir / "server.log"; }
  // The first key of an IAM role of the seed account in the local IAM state.
  dsql::aws::access_key key_of(std::string_view iam_role) const {
    dsql::aws::state st(iam_state());
    const auto keys = st.access_keys(arn(iam_role));
    if (keys.empty()) throw std::runtime_error("no access key for " + arn(iam_role));
    return keys[0];
  }
  // A token signed by an IAM role's key (DbConnectAdmin when admin).
  std::string token(std::string_view iam_role, bool admin = false, std::string_view host = "localhost",
                    std::string_view region = "us-east-1", std::int64_t now = 0, std::int64_t expires = 900) const {
    const auto k = key_of(iam_role);
    dsql::aws::token_request r{std::string(host), std::string(region), admin, expires};
    return dsql::aws::generate_token(r, {k.access_key_id, k.secret_access_key, k.session_token, ""},
                                     now ? std::optional<std::int64_t>(now) : std::nullopt);
  }
  // The bootstrap superuser's sessions pin search_path, as the tooling's do.
  std::string conninfo(std::string_view user) const {
    return "host='" + dir.string() + "' port=" + std::to_string(port) + " dbname=postgres user='" + std::string(user) +
           "'" + (user == "postgres" ? " options='-c search_path=pg_catalog'" : "");
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
    auto r = run({std::string(PG_BINDIR) + "/pg_dumpall", "-h", dir.string(), "-p", std::to_string(port), "-U",
                  "postgres", "--schema-only", "--no-comments", "--restrict-key=dsqlrolestest"});
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

TEST_CASE("the seed's tables are created after the grants, and a re-apply reaches them", "[integration][seed]") {
  auto& c = cluster();
  auto tables = c.apply(slurp(fs::path(SOURCE_DIR) / "dsl/demo/seed_tables.sql"));
  INFO(tables.output);
  REQUIRE(tables.status == 0);
  // Before the re-apply the seed's ordering leaves app_readonly without SELECT on
  // products: GRANT ... ON ALL TABLES IN SCHEMA does not reach later tables.
  CHECK(c.query_one("admin", "SELECT has_table_privilege('app_readonly', 'public.products', 'SELECT')") == "f");
  auto again = c.apply(c.bootstrap);
  INFO(again.output);
  REQUIRE(again.status == 0);
  CHECK(again.output.empty());
  CHECK(c.query_one("admin", "SELECT has_table_privilege('app_readonly', 'public.products', 'SELECT')") == "t");
}

TEST_CASE("applying the bootstrap once more prints nothing and changes no catalog", "[integration][seed]") {
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

TEST_CASE("every cell of the seed's access matrix holds when connecting as each role with its token",
          "[integration][seed]") {
  auto& c = cluster();
  // dsql::testing derives the cells from the seed spec and the catalog, connects through
  // the endpoint with each role's mapped principal's token, and checks seed-flow.md's cells
  const auto report = dsql::testing::probe_matrix<seed::spec>(dsql::testing::local_cluster<seed::spec>(c.dir.string()),
                                                              dsql::seedflow::seed_options());
  INFO(report.format());
  CHECK(report.mismatches.empty());
  CHECK(report.failures().empty());
  CHECK(report.ok());
  // the scenario's cells, the extra one, and the admin-only operations all ran
  CHECK(report.ran() >= dsql::seedflow::seed_requirements().size() + dsql::seedflow::seed_extra().size() + 8);
}

namespace {

struct attempt {
  bool ok = false;
  std::string message;  // libpq's error message when not ok
};

attempt connect_with(const std::string& conninfo, const std::string& password) {
  const char* keys[] = {"dbname", "password", nullptr};
  const char* values[] = {conninfo.c_str(), password.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  attempt a;
  a.ok = PQstatus(conn) == CONNECTION_OK;
  if (!a.ok) a.message = PQerrorMessage(conn);
  PQfinish(conn);
  return a;
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  if (p == std::string::npos) throw std::runtime_error("test token lacks " + from);
  return s.replace(p, from.size(), to);
}

// Connects as `role` with `password`; expects the generic refusal for the client and
// `reason` (with SQLSTATE 28000) in the lines the server logged meanwhile.
void expect_refused(const seed_cluster& c, std::string_view role, const std::string& password,
                    const std::string& reason) {
  const auto before = fs::file_size(c.server_log());
  const attempt a = connect_with(c.tcp_conninfo(role), password);
  INFO("as " << role << ", expected reason: " << reason);
  REQUIRE_FALSE(a.ok);
  CHECK(a.message.find("FATAL:  IAM authentication failed for user \"" + std::string(role) + "\"") !=
        std::string::npos);
  CHECK(a.message.find("dsql_iam") == std::string::npos);  // the reason stays in the server log
  std::string log;
  for (int i = 0; i < 50 && log.find(reason) == std::string::npos; ++i) {
    log = slurp(c.server_log()).substr(before);
    if (log.find(reason) == std::string::npos) usleep(20000);
  }
  INFO("server log since the attempt:\n" << log);
  CHECK(log.find(reason) != std::string::npos);
  CHECK(log.find("28000") != std::string::npos);
  if (password.size() < 10000) CHECK(log.find(password) == std::string::npos);  // never the token
}

}  // namespace

TEST_CASE("admin connects with a DbConnectAdmin token and each role with its DbConnect token over TLS",
          "[integration][seed][token]") {
  auto& c = cluster();
  for (const char* role : {"admin", "app_readonly", "app_readwrite", "user_service", "reporting_readonly"}) {
    const bool admin = std::string_view(role) == "admin";
    pqxx::connection conn(c.tcp_conninfo(role) + " password='" + c.token(dsql::seedflow::seed_principal(role), admin) +
                          "'");
    pqxx::nontransaction tx(conn);
    // TLS ends at the front door (verify-full in tcp_conninfo), which relays the session
    // over the server's Unix socket with dsql_iam.front_door on
    auto r = tx.exec("SELECT current_user, current_setting('dsql_iam.front_door')");
    CHECK(std::string(r[0][0].c_str()) == role);
    CHECK(std::string(r[0][1].c_str()) == "on");
  }
  // the break-glass path: the bootstrap superuser on the Unix socket, no token
  CHECK(c.query_one("postgres", "SELECT current_user") == "postgres");
}

TEST_CASE("a token presigned by botocore (python3-botocore, SigV4QueryAuth) with a local key is accepted",
          "[integration][seed][token][botocore]") {
  auto& c = cluster();
  const auto k = c.key_of("AppReadOnlyRole");
  auto r =
      run({"/usr/bin/python3", std::string(SOURCE_DIR) + "/tests/sigv4/botocore_token.py", "token", k.access_key_id,
           k.secret_access_key, "-", "localhost", "us-east-1", "DbConnect", std::to_string(std::time(nullptr)), "900"});
  REQUIRE(r.status == 0);
  std::string token = r.output;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  pqxx::connection conn(c.tcp_conninfo("app_readonly") + " password='" + token + "'");
  pqxx::nontransaction tx(conn);
  CHECK(std::string(tx.exec("SELECT current_user")[0][0].c_str()) == "app_readonly");
}

TEST_CASE("seed-flow refusals 1-3: wrong principal, DbConnect for admin, DbConnectAdmin for an app role",
          "[integration][seed][token]") {
  auto& c = cluster();
  expect_refused(c, "app_readonly", c.token("AppReadWriteRole"),
                 "role \"app_readonly\" is not mapped to IAM principal " + arn("AppReadWriteRole"));
  expect_refused(c, "admin", c.token("DsqlAdminRole"), "DbConnectAdmin is for admin only, and admin needs it");
  expect_refused(c, "app_readonly", c.token("AppReadOnlyRole", true),
                 "DbConnectAdmin is for admin only, and admin needs it");
  // admin's principal has no DbConnect policy either way; an app principal none for admin
  expect_refused(c, "admin", c.token("AppReadOnlyRole", true),
                 "no policy of " + arn("AppReadOnlyRole") + " allows dsql:dbconnectadmin");
}

TEST_CASE("seed-flow refusal 4: policy without the action, Resource of another cluster, explicit Deny",
          "[integration][seed][token]") {
  auto& c = cluster();
  const std::string dir = c.dir.string();
  struct probe_principal {
    const char* name;
    const char* policy;  // nullptr: none
    std::string reason;
  };
  const probe_principal cases[] = {
      {"NoPolicyRole", nullptr, "no policy of " + arn("NoPolicyRole") + " allows dsql:dbconnect"},
      {"OtherActionRole", R"({"Statement":{"Effect":"Allow","Action":"dsql:DbConnectAdmin","Resource":"*"}})",
       "no policy of " + arn("OtherActionRole") + " allows dsql:dbconnect"},
      {"OtherClusterRole",
       R"({"Statement":{"Effect":"Allow","Action":"dsql:*","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/other"}})",
       "no policy of " + arn("OtherClusterRole") + " allows dsql:dbconnect"},
      {"ConditionRole",
       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-none"}}}})",
       "no policy of " + arn("ConditionRole") + " allows dsql:dbconnect"},
      {"UnknownKeyRole",
       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:NoSuchKey":"x"}}}})",
       "uses the condition key aws:NoSuchKey, unknown locally: it never grants"},
      {"DeniedRole",
       R"({"Statement":[{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"*"},{"Effect":"Deny","Action":"dsql:*","Resource":"arn:aws:dsql:*:*:cluster/local"}]})",
       "an explicit Deny in the policies of " + arn("DeniedRole")},
  };
  for (const auto& p : cases) {
    REQUIRE(run({DSQLCTL, "iam", "--dir", dir, "create-role", p.name}).status == 0);
    if (p.policy)
      REQUIRE(run({DSQLCTL, "iam", "--dir", dir, "put-policy", arn(p.name), "p", "--document", p.policy}).status == 0);
    REQUIRE(run({DSQLCTL, "iam", "--dir", dir, "create-access-key", arn(p.name)}).status == 0);
    // mapped, so that only the policy is wrong
    REQUIRE(c.apply("AWS IAM GRANT app_readonly TO '" + arn(p.name) + "';\n").status == 0);
    expect_refused(c, "app_readonly", c.token(p.name), p.reason);
    REQUIRE(c.apply("AWS IAM REVOKE app_readonly FROM '" + arn(p.name) + "';\n").status == 0);
  }
}

TEST_CASE("AWS IAM GRANT of a principal absent from the local IAM state fails: IAM role <arn> does not exist",
          "[integration][seed][token]") {
  auto& c = cluster();
  auto r = c.apply("AWS IAM GRANT app_readonly TO '" + arn("NotInIamRole") + "';\n");
  CHECK(r.status != 0);
  CHECK(r.output.find("IAM role " + arn("NotInIamRole") + " does not exist") != std::string::npos);
  CHECK(c.query_one("admin",
                    "SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn = '" + arn("NotInIamRole") + "'") == "0");
}

TEST_CASE("orphans: deleting the IAM principal keeps the mapping and refuses its tokens (28000)",
          "[integration][seed][token]") {
  auto& c = cluster();
  const std::string dir = c.dir.string();
  REQUIRE(run({DSQLCTL, "iam", "--dir", dir, "create-role", "OrphanRole"}).status == 0);
  REQUIRE(run({DSQLCTL, "iam", "--dir", dir, "put-policy", arn("OrphanRole"), "p", "--document",
               R"({"Statement":{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"*"}})"})
              .status == 0);
  REQUIRE(run({DSQLCTL, "iam", "--dir", dir, "create-access-key", arn("OrphanRole")}).status == 0);
  REQUIRE(c.apply("AWS IAM GRANT app_readonly TO '" + arn("OrphanRole") + "';\n").status == 0);
  const std::string token = c.token("OrphanRole");
  CHECK(connect_with(c.tcp_conninfo("app_readonly"), token).ok);
  REQUIRE(run({DSQLCTL, "iam", "--dir", dir, "delete", arn("OrphanRole")}).status == 0);
  expect_refused(c, "app_readonly", token, "unknown access key id");
  CHECK(c.query_one("admin", "SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn = '" + arn("OrphanRole") + "'") ==
        "1");
  REQUIRE(c.apply("AWS IAM REVOKE app_readonly FROM '" + arn("OrphanRole") + "';\n").status == 0);
}

TEST_CASE("temporary keys: the session token must be the key's, an expired key is refused",
          "[integration][seed][token]") {
  auto& c = cluster();
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  dsql::aws::access_key session, short_lived;
  {
    dsql::aws::state st(c.iam_state());
    session = st.create_access_key(arn("AppReadOnlyRole"), true, now + 3600);
    short_lived = st.create_access_key(arn("AppReadOnlyRole"), true, now + 1);
  }
  dsql::aws::token_request r{"localhost", "us-east-1", false, 900};
  CHECK(connect_with(
            c.tcp_conninfo("app_readonly"),
            dsql::aws::generate_token(r, {session.access_key_id, session.secret_access_key, session.session_token, ""}))
            .ok);
  expect_refused(c, "app_readonly",
                 dsql::aws::generate_token(r, {session.access_key_id, session.secret_access_key, std::nullopt, ""}),
                 "the session token does not belong to access key " + session.access_key_id);
  expect_refused(
      c, "app_readonly",
      dsql::aws::generate_token(r, {session.access_key_id, session.secret_access_key, std::string("IQoJforged"), ""}),
      "the session token does not belong to access key " + session.access_key_id);
  sleep(2);
  expect_refused(c, "app_readonly",
                 dsql::aws::generate_token(
                     r, {short_lived.access_key_id, short_lived.secret_access_key, short_lived.session_token, ""}),
                 "access key " + short_lived.access_key_id + " has expired");
  dsql::aws::state st(c.iam_state());
  st.delete_access_key(session.access_key_id);
  st.delete_access_key(short_lived.access_key_id);
}

TEST_CASE("seed-flow refusal 5: expiry, clock, scope, signature, unknown key, malformed tokens",
          "[integration][seed][token]") {
  auto& c = cluster();
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const std::string good = c.token("AppReadOnlyRole");
  expect_refused(c, "app_readonly", c.token("AppReadOnlyRole", false, "localhost", "us-east-1", now - 1000, 900),
                 "the token has expired");
  expect_refused(c, "app_readonly", c.token("AppReadOnlyRole", false, "localhost", "us-east-1", now + 600, 900),
                 "the token is dated in the future");
  expect_refused(c, "app_readonly",
                 replace_once(c.token("AppReadOnlyRole", false, "localhost", "us-east-1", now, 604800),
                              "X-Amz-Expires=604800", "X-Amz-Expires=604801"),
                 "X-Amz-Expires is outside 1..604800");
  std::string altered = good;
  altered.back() = altered.back() == '0' ? '1' : '0';
  expect_refused(c, "app_readonly", altered, "the token's signature does not match");
  expect_refused(c, "app_readonly", c.token("AppReadOnlyRole", false, "other.dsql.us-east-1.on.aws"),
                 "which is not one of this cluster's names");
  expect_refused(c, "app_readonly", c.token("AppReadOnlyRole", false, "localhost", "us-west-2"),
                 "signed for another region");
  {
    dsql::aws::token_request r{"localhost", "us-east-1", false, 900};
    expect_refused(c, "app_readonly",
                   dsql::aws::generate_token(r, {"AKIAUNKNOWNUNKNOWN12", "secret", std::nullopt, ""}),
                   "unknown access key id AKIAUNKNOWNUNKNOWN12");
  }
  const auto date = good.find("&X-Amz-Date=");
  expect_refused(c, "app_readonly", good.substr(0, date) + good.substr(good.find('&', date + 1)),
                 "lacks a required parameter");
  expect_refused(c, "app_readonly", good + "&Action=DbConnect", "repeats a parameter");
  expect_refused(c, "app_readonly", std::string(100 * 1024, 'a'), "longer than 8193 bytes");
  expect_refused(c, "app_readonly", replace_once(good, "%2F", "/"), "not properly URL-encoded");
  expect_refused(c, "app_readonly", "a plain password", "the token is not <host>/?<query>");
  // a token in plain TCP without TLS never reaches the hook: the front door refuses it
  const attempt plain = connect_with(
      "host=127.0.0.1 port=" + std::to_string(port) + " sslmode=disable dbname=postgres user=app_readonly", good);
  CHECK_FALSE(plain.ok);
  CHECK(plain.message.find("SSL is required") != std::string::npos);
}

TEST_CASE("seed-flow refusal 6: after AWS IAM REVOKE a new connection of that principal is refused",
          "[integration][seed][token]") {
  auto& c = cluster();
  const std::string grant = "AWS IAM GRANT app_readonly TO '" + arn("AppReadOnlyRole") + "';\n";
  const std::string revoke = "AWS IAM REVOKE app_readonly FROM '" + arn("AppReadOnlyRole") + "';\n";
  CHECK(connect_with(c.tcp_conninfo("app_readonly"), c.token("AppReadOnlyRole")).ok);
  REQUIRE(c.apply(revoke).status == 0);
  expect_refused(c, "app_readonly", c.token("AppReadOnlyRole"),
                 "role \"app_readonly\" is not mapped to IAM principal " + arn("AppReadOnlyRole"));
  REQUIRE(c.apply(grant).status == 0);  // the revoke flow below starts from the seed's state
  CHECK(connect_with(c.tcp_conninfo("app_readonly"), c.token("AppReadOnlyRole")).ok);
}

TEST_CASE("P11: a missing, corrupt, foreign, FIFO or locked IAM state file refuses at once with a clear log line",
          "[integration][seed][token]") {
  auto& c = cluster();
  const auto set_state_file = [&](const std::string& path) {
    pqxx::connection conn(c.conninfo("postgres"));  // break-glass: bootstrap superuser, socket
    pqxx::nontransaction tx(conn);
    if (path.empty())
      tx.exec("ALTER SYSTEM RESET dsql_iam.state_file");
    else
      tx.exec("ALTER SYSTEM SET dsql_iam.state_file = " + tx.quote(path));
    tx.exec("SELECT pg_reload_conf()");
    usleep(300000);  // the postmaster rereads its files; new backends see the value
  };
  const fs::path corrupt = c.dir / "corrupt.sqlite", foreign = c.dir / "foreign.sqlite", fifo = c.dir / "fifo.sqlite";
  // a FIFO: opening it would block until a writer came (a login hanging until
  // authentication_timeout); it must be refused at once as not a regular file
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  {
    std::ofstream(corrupt) << std::string(4096, 'x');
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(foreign.c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 7; CREATE TABLE t(x)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  // the server's OS user must be able to read them, as it reads iam.sqlite
  struct stat st {};
  REQUIRE(stat(c.dir.c_str(), &st) == 0);
  for (const auto& f : {corrupt, foreign, fifo}) REQUIRE(chown(f.c_str(), st.st_uid, st.st_gid) == 0);

  struct row {
    std::string path, reason;
  };
  const row rows[] = {
      {(c.dir / "missing.sqlite").string(), "cannot open the IAM state file"},
      {corrupt.string(), "cannot read the IAM state file"},
      {foreign.string(), "has schema version 7, this dsql_iam reads versions " +
                             std::to_string(DSQL_IAM_STATE_SCHEMA_MIN_READ) + " to " +
                             std::to_string(dsql::aws::schema_version)},
      {fifo.string(), "is not a regular file"},
  };
  for (const auto& r : rows) {
    set_state_file(r.path);
    const auto t0 = std::chrono::steady_clock::now();
    expect_refused(c, "app_readonly", c.token("AppReadOnlyRole"), r.reason);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  }
  set_state_file("");
  // a writer holding the lock: the hook waits its small busy timeout, then refuses
  {
    const std::string token = c.token("AppReadOnlyRole");
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(c.iam_state().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
    const auto t0 = std::chrono::steady_clock::now();
    expect_refused(c, "app_readonly", token, "IAM state file");
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  // the break-glass path never depended on the state file, and tokens work again
  CHECK(c.query_one("postgres", "SELECT 1") == "1");
  CHECK(connect_with(c.tcp_conninfo("app_readonly"), c.token("AppReadOnlyRole")).ok);
}

TEST_CASE("auth_mode require: Unix-socket trust needs a token too, except the bootstrap superuser (break-glass)",
          "[integration][seed][token]") {
  auto& c = cluster();
  const auto set_mode = [&](const char* mode) {
    pqxx::connection conn(c.conninfo("postgres"));
    pqxx::nontransaction tx(conn);
    tx.exec(std::string("ALTER SYSTEM SET dsql_iam.auth_mode = '") + mode + "'");
    tx.exec("SELECT pg_reload_conf()");
    usleep(300000);
  };
  set_mode("require");
  const attempt no_token = connect_with(c.conninfo("app_readonly"), "");
  const attempt with_token = connect_with(c.conninfo("app_readonly"), c.token("AppReadOnlyRole"));
  const attempt admin_plain = connect_with(c.conninfo("admin"), "not a token");
  const std::string breakglass = c.query_one("postgres", "SELECT current_user");
  set_mode("on");
  CHECK_FALSE(no_token.ok);
  CHECK(with_token.ok);
  CHECK_FALSE(admin_plain.ok);
  CHECK(admin_plain.message.find("IAM authentication failed for user \"admin\"") != std::string::npos);
  CHECK(breakglass == "postgres");
  // back to on: the socket is trust again
  CHECK(connect_with(c.conninfo("app_readonly"), "").ok);
}

TEST_CASE("sys.iam_pg_role_mappings lists exactly the seed's mappings, granted by admin", "[integration][seed]") {
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
    CHECK(dsql::testing::sqlstate_of(e) == "2BP01");
  }
  auto r = c.apply("DROP ROLE app_readonly;\n");
  CHECK(r.status != 0);
  CHECK(r.output.find(arn("AppReadOnlyRole")) != std::string::npos);
}

TEST_CASE("a role other than admin cannot map or unmap IAM principals (42501)", "[integration][seed]") {
  auto& c = cluster();
  pqxx::connection conn(c.conninfo("app_readwrite"));
  for (const char* fn : {"sys.aws_iam_grant", "sys.aws_iam_revoke"}) {
    pqxx::nontransaction tx(conn);
    try {
      tx.exec(std::string("CALL ") + fn + "('app_readwrite', " + tx.quote(arn("AppReadOnlyRole")) + ")");
      FAIL(fn << " succeeded for a non-admin caller");
    } catch (const pqxx::sql_error& e) {
      CHECK(dsql::testing::sqlstate_of(e) == "42501");
    }
  }
  auto r = c.apply("AWS IAM GRANT app_readwrite TO '" + arn("AppReadOnlyRole") + "';\n", "app_readwrite");
  CHECK(r.status != 0);
  CHECK(r.output.find("permission denied to grant IAM trust") != std::string::npos);
}

TEST_CASE("the offboarding (revoke) flow for app_readonly runs clean twice", "[integration][seed]") {
  auto& c = cluster();
  auto rendered =
      run({SEED_SPEC, "revoke", "--role", "app_readonly", "--target", "aurora_dsql", "--account-id", account_id});
  INFO(rendered.output);
  REQUIRE(rendered.status == 0);
  for (int pass = 1; pass <= 2; ++pass) {
    auto r = c.apply(rendered.output);
    INFO("pass " << pass << ":\n" << r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.empty());
  }
  CHECK(c.query_one("admin", "SELECT count(*) FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readonly'") ==
        "0");
  CHECK(c.query_one("admin", "SELECT has_table_privilege('app_readonly', 'public.products', 'SELECT')") == "f");
  // With the mapping gone, the role can be dropped.
  pqxx::connection conn(c.conninfo("admin"));
  pqxx::nontransaction tx(conn);
  CHECK_NOTHROW(tx.exec("DROP ROLE app_readonly"));
}

TEST_CASE("the server never restarted during the seed flow", "[integration][seed]") {
  auto& c = cluster();
  CHECK(c.query_one("admin", "SELECT pg_postmaster_start_time()::text") == c.start_time);
}
