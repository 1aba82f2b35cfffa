// Escalation and front-door safety on a real cluster of `dsqlctl local up`:
//
//   [admin]    admin is DSQL's admin, never more (issue 10 item 6): the attack of the
//              attack pass (ALTER ROLE ALL IN DATABASE postgres SET search_path = trojan,
//              pg_catalog, then `dsqlctl local down/up` running admin's objects as the
//              bootstrap superuser) is refused, and even a trojan setting made by a
//              superuser never reaches the tooling's own superuser sessions.
//   [auth_off] dsql_iam.auth_mode = off keeps TCP closed (issue 11 item 5).
//   [log]      a client-supplied user or database name cannot forge a server log line
//              (issue 11 item 7).
//
// The cases share one cluster and run in declaration order (--order decl).
#include "process.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using dsql::test::run;

namespace {

const int port = dsql::test::free_tcp_port();
constexpr const char* admin_arn = "arn:aws:iam::123456789012:role/SecAdminRole";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The answer of one statement (or of the connection attempt).
struct answer {
  bool connected = false;
  bool ok = false;
  std::string sqlstate;  // of the error, when not ok
  std::string value;     // first column of the first row
  std::string message;   // libpq's error message
};

// Connects with keyword/value parameters (no quoting: names may hold anything) and
// runs each statement; the answer of the last one (or of the first failure).
answer exec(const std::vector<std::pair<std::string, std::string>>& params, const std::vector<std::string>& sql) {
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
  answer a;
  if (PQstatus(conn) != CONNECTION_OK) {
    a.message = PQerrorMessage(conn);
    PQfinish(conn);
    return a;
  }
  a.connected = true;
  a.ok = true;
  for (const auto& s : sql) {
    PGresult* r = PQexec(conn, s.c_str());
    const auto st = PQresultStatus(r);
    a.ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    a.value = st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "";
    if (!a.ok) {
      const char* code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      a.sqlstate = code ? code : "";
      a.message = PQresultErrorMessage(r);
    }
    PQclear(r);
    if (!a.ok) break;
  }
  PQfinish(conn);
  return a;
}

struct sec_cluster {
  fs::path dir;

  sec_cluster() {
    std::string tmpl = (fs::temp_directory_path() / "dsql-sec.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    auto up = run({DSQLCTL, "local", "up", "--dir", dir.string(), "--port", std::to_string(port)});
    if (up.status != 0) throw std::runtime_error("dsqlctl local up failed:\n" + up.output);
    // an IAM principal allowed DbConnectAdmin on the local cluster, with a key
    for (const std::vector<std::string>& argv :
         {std::vector<std::string>{DSQLCTL, "iam", "--dir", dir.string(), "create-role", admin_arn},
          std::vector<std::string>{DSQLCTL, "iam", "--dir", dir.string(), "put-policy", admin_arn, "admin",
                                   "--document",
                                   R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                   R"("Action":"dsql:DbConnectAdmin","Resource":"*"}]})"},
          std::vector<std::string>{DSQLCTL, "iam", "--dir", dir.string(), "create-access-key", admin_arn}}) {
      auto r = run(argv);
      if (r.status != 0) throw std::runtime_error("dsqlctl iam failed:\n" + r.output);
    }
  }
  ~sec_cluster() {
    run({DSQLCTL, "local", "down", "--dir", dir.string()});
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::vector<std::pair<std::string, std::string>> socket(const std::string& user, bool pinned = true) const {
    std::vector<std::pair<std::string, std::string>> p{
        {"host", dir.string()}, {"port", std::to_string(port)}, {"dbname", "postgres"}, {"user", user}};
    if (pinned && user == "postgres") p.emplace_back("options", "-c search_path=pg_catalog");
    return p;
  }
  std::vector<std::pair<std::string, std::string>> tcp(const std::string& user, const std::string& password,
                                                       const std::string& dbname = "postgres",
                                                       const std::string& sslmode = "require") const {
    return {{"host", "localhost"},  {"hostaddr", "127.0.0.1"}, {"port", std::to_string(port)},
            {"sslmode", sslmode},   {"dbname", dbname},        {"user", user},
            {"password", password}, {"connect_timeout", "10"}};
  }
  std::string su(const std::string& sql) const {
    const answer a = exec(socket("postgres"), {sql});
    if (!a.ok) throw std::runtime_error("as the bootstrap superuser: " + sql + ": " + a.message);
    return a.value;
  }
  std::string admin_token() const {
    auto r = run({DSQLCTL, "token", "generate", "--admin", "--dir", dir.string(), "--hostname", "localhost", "--region",
                  "us-east-1", "--principal", admin_arn});
    if (r.status != 0) throw std::runtime_error("token generate failed:\n" + r.output);
    while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
    return r.output;
  }
  fs::path log_file() const { return dir / "server.log"; }
  std::uintmax_t log_size() const { return fs::file_size(log_file()); }
  // The server log written since `from`, once it contains `want` (or after 2 s).
  std::string log_since(std::uintmax_t from, const std::string& want) const {
    std::string log;
    for (int i = 0; i < 100; ++i) {
      log = slurp(log_file()).substr(from);
      if (log.find(want) != std::string::npos) break;
      usleep(20000);
    }
    return log;
  }
  void set_strict(const char* on_off) const {
    su(std::string("ALTER SYSTEM SET dsql_iam.strict = '") + on_off + "'");
    su("SELECT pg_catalog.pg_reload_conf()");
    for (int i = 0; i < 100 && su("SHOW dsql_iam.strict") != on_off; ++i) usleep(20000);
  }
  void set_auth_mode(const char* mode) const {
    su(std::string("ALTER SYSTEM SET dsql_iam.auth_mode = '") + mode + "'");
    su("SELECT pg_catalog.pg_reload_conf()");
    for (int i = 0; i < 100 && su("SHOW dsql_iam.auth_mode") != mode; ++i) usleep(20000);
  }
};

sec_cluster& cluster() {
  static sec_cluster c;
  return c;
}

bool admin_is_superuser(const sec_cluster& c) {
  return c.su("SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname OPERATOR(pg_catalog.=) 'admin'") == "t";
}

// admin's trap: a schema trojan whose pg_roles view and name = text operator run
// trojan.escalate(), which records who ran it and makes admin a superuser (the ALTER
// passes only when the caller is the bootstrap superuser).
const std::vector<std::string> trap_sql = {
    "CREATE SCHEMA trojan",
    "CREATE TABLE trojan.fired (who name)",
    "GRANT USAGE ON SCHEMA trojan TO PUBLIC",
    "GRANT INSERT, SELECT ON trojan.fired TO PUBLIC",
    "CREATE FUNCTION trojan.escalate() RETURNS boolean LANGUAGE sql AS $$ "
    "INSERT INTO trojan.fired VALUES (current_user); ALTER ROLE admin SUPERUSER; SELECT true $$",
    "CREATE VIEW trojan.pg_roles AS SELECT * FROM pg_catalog.pg_roles WHERE trojan.escalate()",
    "GRANT SELECT ON trojan.pg_roles TO PUBLIC",
    "CREATE FUNCTION trojan.name_eq_text(name, text) RETURNS boolean LANGUAGE sql AS $$ SELECT trojan.escalate() $$",
    "CREATE OPERATOR trojan.= (LEFTARG = name, RIGHTARG = text, FUNCTION = trojan.name_eq_text)",
    // and in public, which admin owns (PG 15 makes the database owner its owner)
    "CREATE FUNCTION public.lower(name) RETURNS text LANGUAGE sql AS $$ SELECT trojan.escalate()::text $$",
};

}  // namespace

TEST_CASE("admin cannot set database-wide or all-role defaults: the attack statement is refused (42501)",
          "[integration][security][admin]") {
  auto& c = cluster();
  const answer trap = exec(c.socket("admin"), trap_sql);
  INFO(trap.message);
  REQUIRE(trap.ok);
  const std::string before = c.su("SELECT pg_catalog.count(*) FROM pg_catalog.pg_db_role_setting");
  // strict mode or not: without it dsql_iam's own refusal (42501) answers; with it strict
  // mode may answer first (0A000, DSQL's refusal of the statement kind)
  for (const char* strict : {"off", "on"}) {
    c.set_strict(strict);
    for (const char* attack :
         {"ALTER ROLE ALL IN DATABASE postgres SET search_path = trojan, pg_catalog",
          "ALTER DATABASE postgres SET search_path = trojan, pg_catalog",
          "ALTER ROLE ALL SET search_path = trojan, pg_catalog", "ALTER DATABASE postgres WITH CONNECTION LIMIT 0",
          "ALTER DATABASE postgres RENAME TO p2", "CREATE EXTENSION pgcrypto SCHEMA trojan",
          "ALTER ROLE admin SUPERUSER"}) {
      const answer a = exec(c.socket("admin"), {attack});
      INFO("strict " << strict << ": " << attack << ": " << a.message);
      CHECK_FALSE(a.ok);
      if (std::string(strict) == "off")
        CHECK(a.sqlstate == "42501");
      else
        CHECK((a.sqlstate == "42501" || a.sqlstate == "0A000"));
    }
  }
  // from another database: the owner may not drop postgres either
  auto other = c.socket("admin");
  other[2].second = "template1";
  const answer drop = exec(other, {"DROP DATABASE postgres"});
  CHECK(drop.sqlstate == "42501");
  CHECK(c.su("SELECT pg_catalog.count(*) FROM pg_catalog.pg_db_role_setting") == before);
  CHECK_FALSE(admin_is_superuser(c));
}

TEST_CASE("a trojan search_path set anyway never reaches the tooling's superuser sessions across local down/up",
          "[integration][security][admin]") {
  auto& c = cluster();
  // As if set before dsql_iam refused it (or by a careless superuser).
  c.su("ALTER ROLE ALL IN DATABASE postgres SET search_path = trojan, pg_catalog");
  // The trap is armed: an unpinned superuser session running the old tooling query
  // becomes admin's tool (rolled back here).
  const answer armed = exec(c.socket("postgres", false),
                            {"BEGIN", "SELECT rolsuper FROM pg_roles WHERE rolname = 'admin'",
                             "SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname OPERATOR(pg_catalog.=) "
                             "'admin'"});
  INFO(armed.message);
  CHECK(armed.ok);
  CHECK(armed.value == "t");
  CHECK_FALSE(admin_is_superuser(c));  // rolled back with the connection

  auto down = run({DSQLCTL, "local", "down", "--dir", c.dir.string(), "--keep-data"});
  REQUIRE(down.status == 0);
  auto up = run({DSQLCTL, "local", "up", "--dir", c.dir.string()});
  INFO(up.output);
  REQUIRE(up.status == 0);
  // local up said so, ran nothing of admin's, and admin stays admin
  CHECK(up.output.find("warning: a database-wide or all-role setting applies to every session: postgres: "
                       "search_path=trojan, pg_catalog") != std::string::npos);
  CHECK_FALSE(admin_is_superuser(c));
  CHECK(c.su("SELECT pg_catalog.count(*) FROM trojan.fired") == "0");
  // dsqlctl local psql as the bootstrap superuser is pinned too
  auto psql = run({DSQLCTL, "local", "psql", "--dir", c.dir.string(), "--user", "postgres", "--", "-At", "-c",
                   "SHOW search_path", "-c", "SELECT rolsuper FROM pg_roles WHERE rolname = 'admin'", "-c",
                   "SELECT lower(rolname) FROM pg_roles WHERE rolname = 'admin'"});
  INFO(psql.output);
  CHECK(psql.status == 0);
  CHECK(psql.output == "pg_catalog\nf\nadmin\n");
  CHECK_FALSE(admin_is_superuser(c));
  CHECK(c.su("SELECT pg_catalog.count(*) FROM trojan.fired") == "0");
  c.su("ALTER ROLE ALL IN DATABASE postgres RESET search_path");
}

TEST_CASE("auth_mode off keeps TCP closed: admin with any password, or a valid token, is refused (28000)",
          "[integration][security][auth_off]") {
  auto& c = cluster();
  REQUIRE(exec(c.tcp("admin", c.admin_token()), {"SELECT 1"}).ok);  // on: a token works
  c.set_auth_mode("off");
  const auto from = c.log_size();
  const answer any = exec(c.tcp("admin", "anything"), {"SELECT 1"});
  const answer empty = exec(c.tcp("admin", ""), {"SELECT 1"});
  const answer token = exec(c.tcp("admin", c.admin_token()), {"SELECT 1"});
  const answer other = exec(c.tcp("postgres", "x"), {"SELECT 1"});
  const answer socket = exec(c.socket("admin"), {"SELECT current_user"});
  const std::string log = c.log_since(from, "auth_mode is off");
  c.set_auth_mode("on");
  for (const answer* a : {&any, &token, &other}) {
    INFO(a->message);
    CHECK_FALSE(a->connected);
    CHECK(a->message.find("IAM authentication failed for user") != std::string::npos);
  }
  // the front door asks every client for its token before a backend exists: libpq,
  // holding an empty password, gives up on its side
  INFO(empty.message);
  CHECK_FALSE(empty.connected);
  INFO(log);
  CHECK(log.find("FATAL:  IAM authentication failed for user \"admin\"") != std::string::npos);
  CHECK(log.find("dsql_iam.auth_mode is off") != std::string::npos);
  CHECK(log.find("28000") != std::string::npos);
  // the break-glass path stays open
  CHECK(socket.ok);
  CHECK(socket.value == "admin");
  CHECK(exec(c.tcp("admin", c.admin_token()), {"SELECT 1"}).ok);
}

TEST_CASE("a client-supplied user or database name cannot forge a server log line", "[integration][security][log]") {
  auto& c = cluster();
  // user and database names are cut at 63 bytes by PostgreSQL: a short forged line
  const std::string forged = "2030-01-01 00:00:00 UTC LOG:  forged";
  const auto from = c.log_size();
  // over TLS (the endpoint: the hook refuses), on the Unix socket (core's "role does
  // not exist", escaped by the emit_log_hook), and in the database name (on the
  // socket: the endpoint refuses any database but postgres before a backend exists)
  const answer tls = exec(c.tcp("admin\n" + forged, "x"), {"SELECT 1"});
  const answer plain = exec(c.socket("x\r\n" + forged), {"SELECT 1"});
  auto db_params = c.socket("admin");
  db_params[2].second = "postgres\n" + forged;
  const answer db = exec(db_params, {"SELECT 1"});
  const answer db_tls = exec(c.tcp("admin", c.admin_token(), "postgres\n" + forged), {"SELECT 1"});
  CHECK_FALSE(db_tls.connected);
  CHECK(db_tls.message.find("does not exist") != std::string::npos);
  const answer c1 = exec(c.tcp("admin\xc2\x85" + forged, "x"), {"SELECT 1"});  // U+0085 NEXT LINE
  const std::string log = c.log_since(from, "\\n" + forged);
  CHECK_FALSE(tls.connected);
  CHECK_FALSE(plain.connected);
  CHECK_FALSE(db.connected);
  CHECK_FALSE(c1.connected);
  INFO(log);
  // no line of the log starts with the forged text; the escaped names are there
  std::istringstream lines(log);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    CHECK(line.rfind(forged, 0) == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
  }
  CHECK(n >= 4);
  CHECK(log.find("\"admin\\n" + forged + "\"") != std::string::npos);
  CHECK(log.find("x\\r\\n" + forged) != std::string::npos);
  CHECK(log.find("postgres\\n" + forged) != std::string::npos);
  CHECK(log.find("admin\\xc2\\x85" + forged) != std::string::npos);
  CHECK(log.find("control characters") != std::string::npos);
  // the prefix dsqlctl writes has no raw %u or %d
  const std::string conf = slurp(c.dir / "data" / "dsqlctl-local.conf");
  const auto p = conf.find("\nlog_line_prefix = ");
  REQUIRE(p != std::string::npos);
  const std::string prefix = conf.substr(p, conf.find('\n', p + 1) - p);
  CHECK(prefix.find("%u") == std::string::npos);
  CHECK(prefix.find("%d") == std::string::npos);
}

// ---- policies as DSQL evaluates them (issue 11 item 6), through real token connections ----

namespace {

constexpr const char* ops_arn = "arn:aws:iam::123456789012:role/SecOpsRole";

std::string ctl_token(const sec_cluster& c, const char* principal) {
  auto r = run({DSQLCTL, "token", "generate", "--admin", "--dir", c.dir.string(), "--hostname", "localhost", "--region",
                "us-east-1", "--principal", principal});
  if (r.status != 0) throw std::runtime_error("token generate failed:\n" + r.output);
  while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
  return r.output;
}

dsql::test::run_result iam(const sec_cluster& c, std::vector<std::string> args) {
  args.insert(args.begin(), {DSQLCTL, "iam", "--dir", c.dir.string()});
  return run(args);
}

// Connects as admin with a token of `principal`: refused with the generic message and
// `reason` (with 28000) in the server log only; or accepted when reason is empty.
void expect(const sec_cluster& c, const char* principal, const std::string& reason) {
  const auto from = c.log_size();
  const std::string token = ctl_token(c, principal);
  const answer a = exec(c.tcp("admin", token), {"SELECT current_user"});
  INFO("as " << principal << ", expected " << (reason.empty() ? "a session" : reason) << "\n" << a.message);
  if (reason.empty()) {
    CHECK(a.ok);
    CHECK(a.value == "admin");
    return;
  }
  REQUIRE_FALSE(a.connected);
  CHECK(a.message.find("FATAL:  IAM authentication failed for user \"admin\"") != std::string::npos);
  CHECK(a.message.find("dsql_iam") == std::string::npos);
  CHECK(a.message.find("Deny") == std::string::npos);
  const std::string log = c.log_since(from, reason);
  INFO("server log since the attempt:\n" << log);
  CHECK(log.find(reason) != std::string::npos);
  CHECK(log.find("28000") != std::string::npos);
  CHECK(log.find(token) == std::string::npos);
}

}  // namespace

TEST_CASE("a cluster policy Deny on aws:PrincipalOrgID and aws:PrincipalArn refuses token connections (28000)",
          "[integration][security][policy]") {
  auto& c = cluster();
  for (const std::vector<std::string>& a :
       {std::vector<std::string>{"create-role", ops_arn},
        std::vector<std::string>{"put-policy", ops_arn, "admin", "--document",
                                 R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",)"
                                 R"("Action":"dsql:DbConnectAdmin","Resource":"*"}})"},
        std::vector<std::string>{"create-access-key", ops_arn}})
    REQUIRE(iam(c, a).status == 0);
  expect(c, admin_arn, "");
  // DSQL's documented pattern: only the organisation, except a named role
  auto put = iam(c, {"put-cluster-policy", "--document",
                     R"({"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Deny","Principal":{"AWS":"*"},)"
                     R"("Action":["dsql:DbConnect","dsql:DbConnectAdmin"],"Resource":"*","Condition":{)"
                     R"("StringNotEquals":{"aws:PrincipalOrgID":"o-exampleorgid"},)"
                     R"("ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/SecOpsRole"}}}]})"});
  INFO(put.output);
  REQUIRE(put.status == 0);
  CHECK(put.output.find("version 1") != std::string::npos);
  expect(c, admin_arn,
         std::string("an explicit Deny in the cluster policy of arn:aws:dsql:us-east-1:123456789012:cluster/local "
                     "covers dsql:dbconnectadmin for ") +
             admin_arn + ": statement 1 (\"OrgOnly\") of the cluster policy");
  expect(c, ops_arn, "");
  // the local context key: admin's principal is in the organisation now, at once
  REQUIRE(iam(c, {"set-context", admin_arn, "aws:PrincipalOrgID", "o-exampleorgid"}).status == 0);
  expect(c, admin_arn, "");
  // simulate says the same as the hook (one evaluator)
  auto sim = iam(c, {"simulate", "--principal", ops_arn, "--admin"});
  CHECK(sim.status == 0);
  CHECK(sim.output.rfind("allowed: ", 0) == 0);
  REQUIRE(iam(c, {"unset-context", admin_arn, "aws:PrincipalOrgID"}).status == 0);
  sim = iam(c, {"simulate", "--principal", admin_arn, "--admin"});
  CHECK(sim.status == 3);
  CHECK(sim.output.find("denied: an explicit Deny in the cluster policy") == 0);
  // get shows it, delete lifts it at once
  auto got = iam(c, {"get-cluster-policy"});
  CHECK(got.status == 0);
  CHECK(got.output.find("o-exampleorgid") != std::string::npos);
  REQUIRE(iam(c, {"delete-cluster-policy"}).status == 0);
  CHECK(iam(c, {"get-cluster-policy"}).status == 3);
  expect(c, admin_arn, "");
}

TEST_CASE("policy variables and unknown condition keys in identity policies, through the token check",
          "[integration][security][policy]") {
  auto& c = cluster();
  const auto put = [&](const std::string& doc) {
    auto r = iam(c, {"put-policy", ops_arn, "admin", "--document", doc});
    INFO(r.output);
    return r;
  };
  // a Resource with a variable: only the cluster named by the principal's tag
  REQUIRE(put(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dsql:DbConnectAdmin",)"
              R"("Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/${aws:PrincipalTag/cluster}"}})")
              .status == 0);
  expect(c, ops_arn, std::string("no policy of ") + ops_arn + " allows dsql:dbconnectadmin");
  REQUIRE(iam(c, {"set-context", ops_arn, "aws:PrincipalTag/cluster", "local"}).status == 0);
  expect(c, ops_arn, "");
  // a Deny whose Condition compares with a variable: the principal's own account
  REQUIRE(
      put(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dsql:DbConnectAdmin","Resource":"*"},)"
          R"({"Sid":"SameAccount","Effect":"Deny","Action":"dsql:*","Resource":"*",)"
          R"("Condition":{"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}}}]})")
          .status == 0);
  expect(c, ops_arn, "statement 2 (\"SameAccount\") of policy \"admin\"");
  // an Allow with an unknown condition key is not an Allow
  auto r = put(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dsql:DbConnectAdmin","Resource":"*",)"
               R"("Condition":{"StringNotEquals":{"dsql:ClusterTag":"prod"}}}})");
  REQUIRE(r.status == 0);
  CHECK(r.output.find("note: statement 1: the condition key dsql:ClusterTag is not known locally") !=
        std::string::npos);
  expect(c, ops_arn, "uses the condition key dsql:ClusterTag, unknown locally: it never grants");
  // a variable before the resource part of the ARN is refused when stored (it would never match)
  r = put(R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"dsql:*",)"
          R"("Resource":"arn:aws:dsql:*:${aws:PrincipalAccount}:cluster/*"}})");
  CHECK(r.status == 1);
  CHECK(r.output.find("variables may only follow its fifth colon") != std::string::npos);
  expect(c, ops_arn, "uses the condition key dsql:ClusterTag");  // the old policy stays
  REQUIRE(
      put(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dsql:DbConnectAdmin","Resource":"*"}})")
          .status == 0);
  expect(c, ops_arn, "");
}
