// The front door of `dsqlctl local up` (dsl/front) on real clusters: the names and the
// local CA (verify-full), SNI, the DSQL dialect on the wire (simple and extended
// protocol), server_version, the engine's aurora_dsql target through the endpoint,
// DSQL's quotas (53300, 53400), clients that stall before authenticating, the
// 60-minute session cap (shortened), revocation, cancel requests, hostile packets, and
// the extension's side: dsql_iam asks the token of every connection the front door
// relays, and the front door lets nobody in when it does not.
//
// Three clusters: `main` (a DSQL-shaped id and another region, default limits),
// `small` (3 connections, sessions of 4 s, logins within 2 s) and `slow` (1 new
// connection per second, bursts of 3). Cases run in declaration order.
#include "process.hpp"
#include "raw_client.hpp"

#include <libpq-fe.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "iam/state.hpp"
#include "iam/token.hpp"
#include "local/certificates.hpp"

namespace fs = std::filesystem;
using dsql::test::pg_message;
using dsql::test::raw_client;
using dsql::test::run;

namespace {

constexpr const char* account_id = "123456789012";
std::string arn(std::string_view name) {
  return std::string("arn:aws:iam::") + account_id + ":role/" + std::string(name);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct pg_closer {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using conn_ptr = std::unique_ptr<PGconn, pg_closer>;
struct result_closer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_closer>;

std::string sqlstate(const PGresult* r) {
  const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return s ? s : "";
}

// A cluster of `dsqlctl local up` with the seed's IAM principals, policies and keys.
struct front_cluster {
  fs::path dir;
  int port = dsql::test::free_tcp_port();
  std::string id, region, endpoint;

  front_cluster(std::string cluster_id, std::string region_, std::vector<std::string> extra)
      : id(std::move(cluster_id)), region(std::move(region_)) {
    std::string tmpl = (fs::temp_directory_path() / "dsql-front.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    endpoint = id + ".dsql." + region + ".on.aws";
    std::vector<std::string> argv{
        DSQLCTL,        "local", "up",       "--dir", dir.string(), "--port", std::to_string(port),
        "--cluster-id", id,      "--region", region};
    argv.insert(argv.end(), extra.begin(), extra.end());
    try {
      auto up = run(argv);
      if (up.status != 0) throw std::runtime_error("dsqlctl local up failed:\n" + up.output);
      auto policies = run({SEED_SPEC, "policies", "--account-id", account_id, "--region", region, "--cluster-id", id});
      if (policies.status != 0) throw std::runtime_error("seed-spec policies failed:\n" + policies.output);
      const auto json_start = policies.output.find('{');
      auto sync = run({DSQLCTL, "iam", "--dir", dir.string(), "sync", "--policies", "-"},
                      policies.output.substr(json_start == std::string::npos ? 0 : json_start));
      if (sync.status != 0) throw std::runtime_error("dsqlctl iam sync failed:\n" + sync.output);
    } catch (...) {
      run({DSQLCTL, "local", "down", "--dir", dir.string()});  // no server left behind
      std::error_code ec;
      fs::remove_all(dir, ec);
      throw;
    }
  }
  ~front_cluster() {
    run({DSQLCTL, "local", "down", "--dir", dir.string()});
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  fs::path ca() const { return dir / "ca.crt"; }
  fs::path front_log() const { return dir / "front.log"; }
  std::string socket() const { return (dir / (".s.PGSQL." + std::to_string(port))).string(); }

  std::string token(std::string_view iam_role, bool admin, const std::string& host = {}) const {
    dsql::aws::state st(dir / "iam.sqlite");
    const auto keys = st.access_keys(arn(iam_role));
    if (keys.empty()) throw std::runtime_error("no access key for " + arn(iam_role));
    dsql::aws::token_request r{host.empty() ? endpoint : host, region, admin, 900};
    return dsql::aws::generate_token(r, {keys[0].access_key_id, keys[0].secret_access_key, keys[0].session_token, ""});
  }
  std::string admin_token(const std::string& host = {}) const { return token("DsqlAdminRole", true, host); }

  // libpq through the front door: verify-full under the cluster's CA by default.
  std::string conninfo(std::string_view user, const std::string& host = {}, const std::string& tls = {}) const {
    return "host=" + (host.empty() ? endpoint : host) + " hostaddr=127.0.0.1 port=" + std::to_string(port) + " " +
           (tls.empty() ? "sslmode=verify-full sslrootcert='" + ca().string() + "'" : tls) +
           " dbname=postgres connect_timeout=10 user='" + std::string(user) + "'";
  }
  conn_ptr connect(const std::string& conninfo, const std::string& password) const {
    const char* keys[] = {"dbname", "password", nullptr};
    const char* values[] = {conninfo.c_str(), password.c_str(), nullptr};
    return conn_ptr(PQconnectdbParams(keys, values, 1));
  }
  conn_ptr admin() const { return connect(conninfo("admin"), admin_token()); }
  // the bootstrap superuser on the Unix socket: the break-glass path
  conn_ptr superuser() const {
    return conn_ptr(PQconnectdb(("host='" + dir.string() + "' port=" + std::to_string(port) +
                                 " dbname=postgres user=postgres connect_timeout=10")
                                    .c_str()));
  }
  std::string su_query(const std::string& sql) const {
    auto c = superuser();
    result_ptr r(PQexec(c.get(), sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK && PQresultStatus(r.get()) != PGRES_COMMAND_OK)
      throw std::runtime_error("superuser query failed: " + std::string(PQerrorMessage(c.get())));
    return PQntuples(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "";
  }
  long front_pid() const {
    std::ifstream in(dir / "front.pid");
    long pid = 0;
    in >> pid;
    return pid;
  }

  // The login of a raw client: TLS with sni, startup, the password; the first
  // ErrorResponse or ReadyForQuery the front door answers.
  std::optional<pg_message> raw_login(raw_client& c, const std::string& user, const std::string& password,
                                      const std::string& sni) const {
    if (!c.connect_tcp(port) || !c.start_tls(sni)) return std::nullopt;
    c.send(dsql::test::startup_packet({{"user", user}, {"database", "postgres"}}));
    auto m = c.read_message();
    if (!m || m->type != 'R' || m->auth_code() != 3) return m;
    c.send(dsql::test::typed_message('p', password + '\0'));
    return c.read_until("EZ");
  }
};

// The raw clients write to connections the front door may have closed: an error, not
// a SIGPIPE that ends the test process.
const bool sigpipe_ignored = [] {
  signal(SIGPIPE, SIG_IGN);
  return true;
}();

front_cluster& main_cluster() {
  static front_cluster c("abcdefghijklmnopqrstuvwxyz", "eu-west-1", {});
  return c;
}
front_cluster& small_cluster() {
  static front_cluster c("small", "us-east-1",
                         {"--max-connections", "3", "--max-connection-age", "4", "--auth-timeout", "2"});
  return c;
}
front_cluster& slow_cluster() {
  static front_cluster c("slow", "us-east-1", {"--connection-rate", "1", "--connection-burst", "3"});
  return c;
}

// Waits until the log holds text (the front door writes its lines asynchronously).
bool log_has(const fs::path& log, const std::string& text) {
  for (int i = 0; i < 100; ++i) {
    if (slurp(log).find(text) != std::string::npos) return true;
    usleep(20000);
  }
  return false;
}

}  // namespace

// --- names, CA, SNI ------------------------------------------------------------------------

TEST_CASE("local up serves <id>.dsql.<region>.on.aws, localhost and 127.0.0.1 under a name-constrained local CA",
          "[integration][front][tls]") {
  auto& c = main_cluster();
  const auto names = dsql::local::certificate_names(c.dir / "data" / "server.crt");
  CHECK(names == std::vector<std::string>{"DNS:" + c.endpoint, "DNS:localhost", "IP:127.0.0.1"});
  struct stat key {
  }, crt{}, srv{};
  REQUIRE(stat((c.dir / "ca.key").c_str(), &key) == 0);
  REQUIRE(stat(c.ca().c_str(), &crt) == 0);
  REQUIRE(stat((c.dir / "data" / "server.key").c_str(), &srv) == 0);
  CHECK((key.st_mode & 0777) == 0600);
  CHECK(key.st_uid == geteuid());  // root's when root: the server's OS user cannot read it
  CHECK((crt.st_mode & 0777) == 0644);
  CHECK((srv.st_mode & 0777) == 0600);
  if (geteuid() == 0) CHECK(srv.st_uid != 0);  // the run user's: PostgreSQL and the front door read it
  // the CA may issue for the cluster's names only (critical nameConstraints)
  auto text = run({"/usr/bin/openssl", "x509", "-in", c.ca().string(), "-noout", "-text"});
  INFO(text.output);
  CHECK(text.output.find("X509v3 Name Constraints: critical") != std::string::npos);
  CHECK(text.output.find("DNS:" + c.endpoint) != std::string::npos);
  CHECK(text.output.find("CA:TRUE, pathlen:0") != std::string::npos);
  // openssl verifies the chain, the names and the constraints like any client
  auto verify = run({"/usr/bin/openssl", "verify", "-CAfile", c.ca().string(), "-verify_hostname", c.endpoint,
                     (c.dir / "data" / "server.crt").string()});
  INFO(verify.output);
  CHECK(verify.status == 0);
  // dsqlctl.conf keeps the id and region for the next start
  const std::string conf = slurp(c.dir / "dsqlctl.conf");
  CHECK(conf.find("cluster_id=" + c.id) != std::string::npos);
  CHECK(conf.find("region=" + c.region) != std::string::npos);
  // local status prints the endpoint and how to trust the CA
  auto status = run({DSQLCTL, "local", "status", "--dir", c.dir.string()});
  CHECK(status.output.find("endpoint:  " + c.endpoint + ":" + std::to_string(c.port)) != std::string::npos);
  CHECK(status.output.find("PGSSLROOTCERT=" + c.ca().string()) != std::string::npos);
  CHECK(status.output.find("NODE_EXTRA_CA_CERTS=" + c.ca().string()) != std::string::npos);
  CHECK(status.output.find("AWS_CA_BUNDLE=" + c.ca().string()) != std::string::npos);
}

TEST_CASE("verify-full works for every name; a token for any of the cluster's names is accepted, for another refused",
          "[integration][front][tls]") {
  auto& c = main_cluster();
  for (const std::string& host : {c.endpoint, std::string("localhost")}) {
    auto conn = c.connect(c.conninfo("admin", host), c.admin_token(host));
    INFO(host << ": " << PQerrorMessage(conn.get()));
    CHECK(PQstatus(conn.get()) == CONNECTION_OK);
    CHECK(PQsslInUse(conn.get()) == 1);
  }
  // a token signed for 127.0.0.1 (a name of the cluster, though never an SNI)
  auto by_ip = c.connect(c.conninfo("admin", "localhost"), c.admin_token("127.0.0.1"));
  CHECK(PQstatus(by_ip.get()) == CONNECTION_OK);
  // signed for a name the cluster does not have: 28000, the reason in the server log only
  auto other = c.connect(c.conninfo("admin"), c.admin_token("other.dsql." + c.region + ".on.aws"));
  CHECK(PQstatus(other.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(other.get())).find("IAM authentication failed for user \"admin\"") !=
        std::string::npos);
  CHECK(log_has(c.dir / "server.log", "is not one of this cluster's names"));
  // verify-full against the system's roots: the certificate does not verify, no login
  auto system_roots =
      c.connect(c.conninfo("admin", c.endpoint, "sslmode=verify-full sslrootcert=/etc/ssl/certs/ca-certificates.crt"),
                c.admin_token());
  CHECK(PQstatus(system_roots.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(system_roots.get())).find("certificate verify failed") != std::string::npos);
}

TEST_CASE("SNI is required and must be one of the cluster's names; TLS is required", "[integration][front][tls]") {
  auto& c = main_cluster();
  // libpq sends no SNI for an IP address
  auto no_sni = c.connect(c.conninfo("admin", "127.0.0.1"), c.admin_token());
  CHECK(PQstatus(no_sni.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(no_sni.get())).find("the TLS client sent no server name (SNI)") !=
        std::string::npos);
  auto foreign = c.connect(c.conninfo("admin", "db.example.com", "sslmode=require"), c.admin_token());
  CHECK(PQstatus(foreign.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(foreign.get())).find("unknown server name \"db.example.com\"") != std::string::npos);
  auto plain = c.connect(c.conninfo("admin", c.endpoint, "sslmode=disable"), c.admin_token());
  CHECK(PQstatus(plain.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(plain.get())).find("SSL is required") != std::string::npos);
  // the SQLSTATEs, at the byte level
  raw_client r1;
  auto m1 = c.raw_login(r1, "admin", c.admin_token(), "");
  REQUIRE(m1);
  CHECK(m1->type == 'E');
  CHECK(m1->fields()['C'] == "08004");
  raw_client r2;
  auto m2 = c.raw_login(r2, "admin", c.admin_token(), "LOCALHOST");  // case does not matter
  REQUIRE(m2);
  CHECK(m2->type == 'Z');
}

TEST_CASE("PostgreSQL 17's direct TLS (ALPN postgresql) is served; a GSSENCRequest is declined",
          "[integration][front][tls]") {
  auto& c = main_cluster();
  raw_client direct;
  REQUIRE(direct.connect_tcp(c.port));
  REQUIRE(direct.start_direct_tls(c.endpoint, true));
  direct.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}}));
  auto ask = direct.read_message();
  REQUIRE(ask);
  CHECK(ask->auth_code() == 3);
  direct.send(dsql::test::typed_message('p', c.admin_token() + '\0'));
  auto ready = direct.read_until("EZ");
  REQUIRE(ready);
  CHECK(ready->type == 'Z');
  // without ALPN, direct TLS is refused (as PostgreSQL 17 does)
  raw_client no_alpn;
  REQUIRE(no_alpn.connect_tcp(c.port));
  if (no_alpn.start_direct_tls(c.endpoint, false)) {
    no_alpn.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}}));
    CHECK_FALSE(no_alpn.read_message());
  }
  // GSSAPI encryption: 'N', then the client goes on with an SSLRequest
  raw_client gss;
  REQUIRE(gss.connect_tcp(c.port));
  std::string req;
  dsql::test::put32(req, 8);
  dsql::test::put32(req, 80877104);
  REQUIRE(::send(gss.fd(), req.data(), req.size(), 0) == 8);
  char n = 0;
  REQUIRE(::recv(gss.fd(), &n, 1, 0) == 1);
  CHECK(n == 'N');
  REQUIRE(gss.start_tls(c.endpoint));
  gss.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}}));
  auto gask = gss.read_message();
  REQUIRE(gask);
  CHECK(gask->auth_code() == 3);
}

// --- the dialect on the wire -----------------------------------------------------------------

TEST_CASE(
    "AWS IAM GRANT/REVOKE from any client, simple and extended protocol, get DSQL's answers; server_version 16.15",
    "[integration][front][dialect]") {
  auto& c = main_cluster();
  auto a = c.admin();
  REQUIRE(PQstatus(a.get()) == CONNECTION_OK);
  CHECK(std::string(PQparameterStatus(a.get(), "server_version")) == "16.15");
  CHECK(PQserverVersion(a.get()) == 160015);
  const auto exec = [&](PGconn* conn, const std::string& sql) { return result_ptr(PQexec(conn, sql.c_str())); };
  const auto mappings = [&] {
    return c.su_query("SELECT count(*) FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'regress_wire'");
  };
  REQUIRE(PQresultStatus(exec(a.get(), "CREATE ROLE regress_wire LOGIN").get()) == PGRES_COMMAND_OK);
  // simple protocol, as psql and migration tools send it
  auto g = exec(a.get(), "AWS IAM GRANT regress_wire TO '" + arn("AppReadOnlyRole") + "'");
  INFO(PQresultErrorMessage(g.get()));
  CHECK(PQresultStatus(g.get()) == PGRES_COMMAND_OK);
  CHECK(mappings() == "1");
  // several statements in one Query, comments and odd case included
  auto multi = exec(
      a.get(), "/* a */ aws   iam\nREVOKE \"regress_wire\" FROM '" + arn("AppReadOnlyRole") + "'; SELECT 1; -- done");
  CHECK(PQresultStatus(multi.get()) == PGRES_TUPLES_OK);
  CHECK(mappings() == "0");
  // extended protocol: PQexecParams is Parse/Bind/Execute
  result_ptr eg(PQexecParams(a.get(), ("AWS IAM GRANT regress_wire TO '" + arn("AppReadOnlyRole") + "'").c_str(), 0,
                             nullptr, nullptr, nullptr, nullptr, 0));
  INFO(PQresultErrorMessage(eg.get()));
  CHECK(PQresultStatus(eg.get()) == PGRES_COMMAND_OK);
  CHECK(mappings() == "1");
  // a named prepared statement, executed later
  result_ptr prep(PQprepare(a.get(), "revoke_it",
                            ("AWS IAM REVOKE regress_wire FROM '" + arn("AppReadOnlyRole") + "'").c_str(), 0, nullptr));
  CHECK(PQresultStatus(prep.get()) == PGRES_COMMAND_OK);
  CHECK(mappings() == "1");
  result_ptr ex(PQexecPrepared(a.get(), "revoke_it", 0, nullptr, nullptr, nullptr, 0));
  CHECK(PQresultStatus(ex.get()) == PGRES_COMMAND_OK);
  CHECK(mappings() == "0");
  // DSQL's refusals come through: a malformed statement, an unknown principal
  auto bad = exec(a.get(), "AWS IAM GRANT regress_wire TO");
  CHECK(sqlstate(bad.get()) == "42601");
  auto unknown = exec(a.get(), "AWS IAM GRANT regress_wire TO '" + arn("NoSuchRole") + "'");
  CHECK(std::string(PQresultErrorMessage(unknown.get())).find("IAM role " + arn("NoSuchRole") + " does not exist") !=
        std::string::npos);
  // text that only looks like the statement is left alone
  auto quoted = exec(a.get(), "SELECT 'AWS IAM GRANT x TO ''y''' AS s");
  REQUIRE(PQresultStatus(quoted.get()) == PGRES_TUPLES_OK);
  CHECK(std::string(PQgetvalue(quoted.get(), 0, 0)) == "AWS IAM GRANT x TO 'y'");
}

namespace {
// A raw client logged in as admin through the front door (ReadyForQuery read).
raw_client admin_raw(const front_cluster& c) {
  raw_client r;
  auto m = c.raw_login(r, "admin", c.admin_token(), c.endpoint);
  REQUIRE(m);
  REQUIRE(m->type == 'Z');
  return r;
}
std::string query_message(const std::string& sql) { return dsql::test::typed_message('Q', sql + '\0'); }
// The number of columns of the next RowDescription before ReadyForQuery (-1: none).
int columns_of_next_result(raw_client& r) {
  int columns = -1;
  for (;;) {
    auto m = r.read_message();
    if (!m) return -2;  // timeout or closed
    if (m->type == 'T' && m->body.size() >= 2)
      columns = (static_cast<unsigned char>(m->body[0]) << 8) | static_cast<unsigned char>(m->body[1]);
    if (m->type == 'Z') return columns;
  }
}
}  // namespace

TEST_CASE("messages that arrive together (TLS records read ahead) are all answered at once",
          "[integration][front][relay]") {
  // OpenSSL reads ahead: a second record already in its buffer is invisible to poll()
  // and to SSL_pending(); the relay must not wait on the socket for it.
  auto& c = main_cluster();
  {
    raw_client r;  // the password and a query in one write
    REQUIRE(r.connect_tcp(c.port));
    REQUIRE(r.start_tls(c.endpoint));
    r.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}}));
    auto m = r.read_message();
    REQUIRE(m);
    REQUIRE(m->type == 'R');
    REQUIRE(r.send_records({dsql::test::typed_message('p', c.admin_token() + '\0'), query_message("SELECT 1, 2")}));
    auto z = r.read_until("EZ");
    REQUIRE(z);
    REQUIRE(z->type == 'Z');
    CHECK(columns_of_next_result(r) == 2);  // -2 when the relay sat on it (10 s timeout)
  }
  {
    raw_client r = admin_raw(c);  // three queries in one write
    REQUIRE(r.send_records({query_message("SELECT 1"), query_message("SELECT 1, 2"), query_message("SELECT 1, 2, 3")}));
    CHECK(columns_of_next_result(r) == 1);
    CHECK(columns_of_next_result(r) == 2);
    CHECK(columns_of_next_result(r) == 3);
  }
}

TEST_CASE("a FunctionCall (fastpath), which no strict-mode hook sees, ends the session with 0A000",
          "[integration][front][relay]") {
  auto& c = main_cluster();
  raw_client r = admin_raw(c);
  std::string body;  // FunctionCall of version() (OID 89): no argument formats, no arguments, text result
  dsql::test::put32(body, 89);
  body += std::string(6, '\0');
  REQUIRE(r.send(dsql::test::typed_message('F', body)));
  auto m = r.read_message();
  REQUIRE(m);
  REQUIRE(m->type == 'E');
  CHECK(m->fields()['C'] == "0A000");
  CHECK(m->fields()['S'] == "FATAL");
  CHECK(r.closed_by_server(5000));
  auto ok = c.admin();  // the front door goes on
  CHECK(PQstatus(ok.get()) == CONNECTION_OK);
}

TEST_CASE("the bridge never rewrites inside a literal: COPY lines, pipelined SET client_encoding, backslash escapes",
          "[integration][front][dialect]") {
  auto& c = main_cluster();
  auto a = c.admin();
  REQUIRE(PQstatus(a.get()) == CONNECTION_OK);
  const auto exec = [&](const std::string& sql) { return result_ptr(PQexec(a.get(), sql.c_str())); };
  for (const char* t : {"regress_victim", "regress_notes", "regress_audit"})  // left by a failed section
    exec(std::string("DROP TABLE IF EXISTS ") + t);
  REQUIRE(PQresultStatus(exec("CREATE TABLE regress_victim (id int PRIMARY KEY)").get()) == PGRES_COMMAND_OK);
  REQUIRE(PQresultStatus(exec("INSERT INTO regress_victim VALUES (1), (2), (3)").get()) == PGRES_COMMAND_OK);
  REQUIRE(PQresultStatus(exec("CREATE TABLE regress_notes (t text)").get()) == PGRES_COMMAND_OK);
  REQUIRE(PQresultStatus(exec("CREATE TABLE regress_audit (t text)").get()) == PGRES_COMMAND_OK);
  SECTION("data after COPY ... FROM STDIN in a query string is SQL, not psql's COPY data") {
    // correctly escaped user data holding a line \. and an AWS IAM statement
    const std::string data = "x\n\\.\nAWS IAM GRANT \"); DELETE FROM regress_victim; SELECT (\" TO '; --";
    std::string quoted;
    for (const char ch : data) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
    const std::string q = "COPY regress_audit FROM STDIN;\nINSERT INTO regress_notes VALUES ('" + quoted + "');";
    result_ptr first(PQexec(a.get(), q.c_str()));
    REQUIRE(PQresultStatus(first.get()) == PGRES_COPY_IN);
    REQUIRE(PQputCopyEnd(a.get(), nullptr) == 1);
    while (result_ptr r{PQgetResult(a.get())}) {
      INFO(PQresultErrorMessage(r.get()));
      CHECK(PQresultStatus(r.get()) == PGRES_COMMAND_OK);
    }
    CHECK(c.su_query("SELECT count(*) FROM regress_victim") == "3");
    CHECK(c.su_query("SELECT t FROM regress_notes") == data);
  }
  SECTION("a query pipelined behind SET client_encoding TO 'SJIS' is not read as UTF-8") {
    raw_client r = admin_raw(c);
    // 0x95 0x5c is one SJIS character; read as UTF-8, 0x5c escapes the quote
    const std::string q = "SELECT E'\x95\x5c' AS a, '; aws iam grant \"AS x, current_user AS injected,\" to ' AS b, "
                          "'; --' AS c --";
    REQUIRE(r.send_records({query_message("SET client_encoding TO 'SJIS'"), query_message(q)}));
    CHECK(columns_of_next_result(r) == -1);  // SET: no rows
    CHECK(columns_of_next_result(r) == 3);   // 5 when the bridge rewrote inside the literal
  }
  SECTION("with standard_conforming_strings off a backslash escapes the quote, as the server reads it") {
    REQUIRE(PQresultStatus(exec("SET standard_conforming_strings = off").get()) == PGRES_COMMAND_OK);
    auto r = exec("SELECT 'x\\'; aws iam grant \"AS b, current_user AS injected,\" to ' AS e, '; --' AS c --");
    INFO(PQresultErrorMessage(r.get()));
    REQUIRE(PQresultStatus(r.get()) == PGRES_TUPLES_OK);
    CHECK(PQnfields(r.get()) == 2);  // 4 when the bridge rewrote inside the literal
  }
  SECTION("settings are known only when every earlier sync point is answered, not just the last one") {
    // Q_a's answer comes while Q_b, sent with it, still runs and turns
    // standard_conforming_strings off; Q_c, sent after Q_a's answer, runs after that
    raw_client r = admin_raw(c);
    REQUIRE(r.send_records(
        {query_message("SELECT 1"), query_message("SET standard_conforming_strings = off; SELECT pg_sleep(1)")}));
    CHECK(columns_of_next_result(r) == 1);  // Q_a; Q_b is still sleeping
    REQUIRE(r.send(query_message(
        "SELECT 'a\\' ; aws iam grant \"AS x, current_user AS injected,\" to ' AS b, ' --' AS c --")));
    CHECK(columns_of_next_result(r) == 1);  // Q_b
    CHECK(columns_of_next_result(r) == 2);  // Q_c: 4 when the bridge rewrote inside the literal
  }
  SECTION("a pipelined AWS IAM statement in plain ASCII is still rewritten") {
    raw_client r = admin_raw(c);
    REQUIRE(r.send_records({query_message("SELECT 1"),
                            query_message("AWS IAM GRANT regress_nosuchrole TO '" + arn("AppReadOnlyRole") + "'")}));
    CHECK(columns_of_next_result(r) == 1);
    auto e = r.read_until("EZ");
    REQUIRE(e);
    REQUIRE(e->type == 'E');
    CHECK(e->fields()['M'].find("regress_nosuchrole") != std::string::npos);  // the extension's answer, not 42601
  }
  exec("DROP TABLE regress_victim");
  exec("DROP TABLE regress_notes");
  exec("DROP TABLE regress_audit");
}

TEST_CASE("a non-admin's AWS IAM GRANT through the endpoint is refused with DSQL's 42501",
          "[integration][front][dialect]") {
  auto& c = main_cluster();
  auto a = c.admin();
  result_ptr(PQexec(a.get(), "CREATE ROLE app_readonly LOGIN"));
  result_ptr(PQexec(a.get(), ("AWS IAM GRANT app_readonly TO '" + arn("AppReadOnlyRole") + "'").c_str()));
  auto ro = c.connect(c.conninfo("app_readonly"), c.token("AppReadOnlyRole", false));
  INFO(PQerrorMessage(ro.get()));
  REQUIRE(PQstatus(ro.get()) == CONNECTION_OK);
  result_ptr r(PQexec(ro.get(), ("AWS IAM GRANT app_readonly TO '" + arn("AppReadWriteRole") + "'").c_str()));
  CHECK(sqlstate(r.get()) == "42501");
  CHECK(std::string(PQresultErrorMessage(r.get())).find("permission denied to grant IAM trust with role") !=
        std::string::npos);
}

TEST_CASE(
    "the engine's aurora_dsql target (raw AWS IAM GRANT) applies through the endpoint, then the seed matrix holds",
    "[integration][front][engine]") {
  auto& c = main_cluster();
  const std::string dir = c.dir.string();
  const std::vector<std::string> engine{SEED_SPEC, "--target",    "aurora_dsql", "--dir",
                                        dir,       "--iam-token", "--principal", arn("DsqlAdminRole")};
  auto with = [&](const std::string& cmd, std::vector<std::string> more = {}) {
    std::vector<std::string> argv{SEED_SPEC, cmd};
    argv.insert(argv.end(), engine.begin() + 1, engine.end());
    argv.insert(argv.end(), more.begin(), more.end());
    return run(argv);
  };
  auto apply = with("apply");
  INFO(apply.output);
  REQUIRE(apply.status == 0);
  CHECK(apply.output.find("AWS IAM GRANT") != std::string::npos);  // sent raw, as to DSQL
  CHECK(c.su_query("SELECT count(*) FROM sys.iam_pg_role_mappings WHERE pg_role_name <> 'regress_wire'") == "4");
  // the seed's tables, created by admin through the endpoint, then the engine again
  // (one statement per transaction, as Aurora DSQL wants DDL: the cluster is strict)
  const std::string tables = slurp(fs::path(SOURCE_DIR) / "dsl/demo/seed_tables.sql");
  auto a = c.admin();
  for (std::size_t from = 0, end; (end = tables.find(";\n", from)) != std::string::npos; from = end + 2) {
    const std::string statement = tables.substr(from, end - from);
    result_ptr t(PQexec(a.get(), statement.c_str()));
    INFO(statement << "\n" << PQresultErrorMessage(t.get()));
    REQUIRE(PQresultStatus(t.get()) != PGRES_FATAL_ERROR);
  }
  REQUIRE(with("apply").status == 0);
  auto plan = with("plan", {"--exit-code"});
  INFO(plan.output);
  CHECK(plan.status == 0);
  // every role of the seed, by the DSQL-shaped name, verify-full, its own token
  auto matrix = run({SEED_FLOW, "matrix", "--iam-dir", dir});
  INFO(matrix.output);
  CHECK(matrix.status == 0);
  CHECK(matrix.output.find("0 failed") != std::string::npos);
}

// --- the extension's side -------------------------------------------------------------------

TEST_CASE("dsql_iam asks the token of a socket connection that says it comes through the front door",
          "[integration][front][auth]") {
  auto& c = main_cluster();
  // a plain socket connection: trust (local tools, break-glass) -> AuthenticationOk
  raw_client plain;
  REQUIRE(plain.connect_unix(c.socket()));
  plain.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}}));
  auto m = plain.read_message();
  REQUIRE(m);
  CHECK(m->auth_code() == 0);
  // dsql_iam.front_door=on in the startup packet: the hook asks for the token
  raw_client relayed;
  REQUIRE(relayed.connect_unix(c.socket()));
  relayed.send(
      dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}, {"dsql_iam.front_door", "on"}}));
  auto asked = relayed.read_message();
  REQUIRE(asked);
  CHECK(asked->auth_code() == 3);
  relayed.send(dsql::test::typed_message('p', std::string("not-a-token") + '\0'));
  auto refused = relayed.read_message();
  REQUIRE(refused);
  CHECK(refused->type == 'E');
  CHECK(refused->fields()['C'] == "28000");
  // a client cannot set it through the front door (nor through options)
  raw_client sneaky;
  REQUIRE(sneaky.connect_tcp(c.port));
  REQUIRE(sneaky.start_tls(c.endpoint));
  sneaky.send(
      dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}, {"dsql_iam.front_door", "off"}}));
  auto no = sneaky.read_message();
  REQUIRE(no);
  CHECK(no->fields()['C'] == "42501");
  auto opts = c.connect(c.conninfo("admin") + " options='-c dsql_iam.front_door=off'", c.admin_token());
  CHECK(PQstatus(opts.get()) == CONNECTION_BAD);
}

// --- the startup packet: parameters and database ------------------------------------------

namespace {
// The front door's first answer to a startup packet with these parameters (TLS, the
// cluster's SNI): an ErrorResponse when it refuses, before it asks for the password
// (no backend exists before then); else the first ErrorResponse or ReadyForQuery
// after the admin token.
std::optional<pg_message> startup_answer(const front_cluster& c,
                                         const std::vector<std::pair<std::string, std::string>>& params) {
  raw_client r;
  if (!r.connect_tcp(c.port) || !r.start_tls(c.endpoint)) return std::nullopt;
  r.send(dsql::test::startup_packet(params));
  auto m = r.read_until("ER");
  if (!m || m->type != 'R' || m->auth_code() != 3) return m;
  r.send(dsql::test::typed_message('p', c.admin_token() + '\0'));
  return r.read_until("EZ");
}
}  // namespace

TEST_CASE("unsupported startup parameters are refused before the password; what DSQL's clients send passes",
          "[integration][front][startup]") {
  auto& c = main_cluster();
  // refused at startup, named, 0A000 (DSQL's text for SET of such a parameter)
  for (const char* name : {"default_transaction_read_only", "role", "default_transaction_isolation",
                           "statement_timeout", "session_authorization", "geqo"}) {
    INFO(name);
    auto m = startup_answer(c, {{"user", "admin"}, {"database", "postgres"}, {name, "on"}});
    REQUIRE(m);
    CHECK(m->type == 'E');
    CHECK(m->fields()['S'] == "FATAL");
    CHECK(m->fields()['C'] == "0A000");
    CHECK(m->fields()['M'] == std::string("setting configuration parameter \"") + name + "\" not supported");
  }
  // libpq with options: the parameter is named, not "options"
  auto ro = c.connect(c.conninfo("admin") + " options='-c default_transaction_read_only=on'", c.admin_token());
  CHECK(PQstatus(ro.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(ro.get()))
            .find("setting configuration parameter \"default_transaction_read_only\" not supported") !=
        std::string::npos);
  for (const char* options : {"-c role=admin", "--default-transaction-isolation=serializable",
                              "-c search_path=public -cdefault_transaction_read_only=on", "-c", "-e", "-B 100",
                              "search_path=public", "-c search_path"}) {
    INFO(options);
    auto m = startup_answer(c, {{"user", "admin"}, {"database", "postgres"}, {"options", options}});
    REQUIRE(m);
    CHECK(m->type == 'E');
    CHECK(m->fields()['C'] == "0A000");
  }
  // pgjdbc's startup parameters (and the case of the names does not matter)
  auto jdbc = startup_answer(c, {{"user", "admin"},
                                 {"database", "postgres"},
                                 {"client_encoding", "UTF8"},
                                 {"DateStyle", "ISO"},
                                 {"TimeZone", "UTC"},
                                 {"extra_float_digits", "3"},
                                 {"application_name", "PostgreSQL JDBC Driver"},
                                 {"search_path", "public"}});
  REQUIRE(jdbc);
  CHECK(jdbc->type == 'Z');
  auto upper = startup_answer(c, {{"user", "admin"}, {"database", "postgres"}, {"DATESTYLE", "ISO, MDY"},
                                  {"timezone", "UTC"}, {"_pq_.unknown_option", "x"}});
  REQUIRE(upper);
  CHECK(upper->type == 'Z');
  // libpq's (psql, psycopg) with options -c search_path, as the seed flow connects
  auto ok = c.connect(c.conninfo("admin") +
                          " application_name=psql client_encoding=UTF8 options='-c search_path=public "
                          "--extra-float-digits=2'",
                      c.admin_token());
  REQUIRE(PQstatus(ok.get()) == CONNECTION_OK);
  result_ptr r(PQexec(ok.get(), "SELECT current_setting('search_path'), current_setting('extra_float_digits'), "
                                "current_setting('application_name')"));
  REQUIRE(PQresultStatus(r.get()) == PGRES_TUPLES_OK);
  CHECK(std::string(PQgetvalue(r.get(), 0, 0)) == "public");
  CHECK(std::string(PQgetvalue(r.get(), 0, 1)) == "2");
  CHECK(std::string(PQgetvalue(r.get(), 0, 2)) == "psql");
}

TEST_CASE("options are read word by word as the server reads them: a backslash escape hides no parameter",
          "[integration][front][startup]") {
  auto& c = main_cluster();
  // pg_split_opts drops the backslash: the server would read dsql_iam.front_door
  for (const char* options : {R"(-c dsql\_iam.front_door=off)", R"(-c dsql_iam\.strict=off)",
                              R"(-c search_path=public -c dsql\_iam.allow_label_restore=on)",
                              "--dsql-iam.front-door=off", "-cDSQL_IAM.front_door=off"}) {
    INFO(options);
    auto m = startup_answer(c, {{"user", "admin"}, {"database", "postgres"}, {"options", options}});
    REQUIRE(m);
    CHECK(m->type == 'E');
    CHECK(m->fields()['C'] == "42501");
    std::string text = m->fields()['M'];
    for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(text.find("parameter \"dsql_iam.") != std::string::npos);
    CHECK(text.find("options") == std::string::npos);
  }
  auto hidden = startup_answer(c, {{"user", "admin"}, {"database", "postgres"},
                                   {"options", R"(-c default\_transaction\_read\_only=on)"}});
  REQUIRE(hidden);
  CHECK(hidden->fields()['C'] == "0A000");
  CHECK(hidden->fields()['M'] == "setting configuration parameter \"default_transaction_read_only\" not supported");
  // an escaped space stays in the value, as on the server
  auto ok = startup_answer(c, {{"user", "admin"}, {"database", "postgres"},
                               {"options", R"(-c search\_path=public,\ pg_catalog)"}});
  REQUIRE(ok);
  CHECK(ok->type == 'Z');
}

TEST_CASE("only the database postgres is reachable through the endpoint (3D000); the socket is unchanged",
          "[integration][front][startup]") {
  auto& c = main_cluster();
  auto t1 = c.connect("host=" + c.endpoint + " hostaddr=127.0.0.1 port=" + std::to_string(c.port) +
                          " sslmode=verify-full sslrootcert='" + c.ca().string() +
                          "' dbname=template1 connect_timeout=10 user=admin",
                      c.admin_token());
  CHECK(PQstatus(t1.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(t1.get())).find("database \"template1\" does not exist") != std::string::npos);
  for (const char* db : {"template1", "template0", "foo", "Postgres"}) {
    INFO(db);
    auto m = startup_answer(c, {{"user", "admin"}, {"database", db}});
    REQUIRE(m);
    CHECK(m->type == 'E');
    CHECK(m->fields()['S'] == "FATAL");
    CHECK(m->fields()['C'] == "3D000");
    CHECK(m->fields()['M'] == std::string("database \"") + db + "\" does not exist");
  }
  // no database: the user's name, per the protocol
  auto none = startup_answer(c, {{"user", "admin"}});
  REQUIRE(none);
  CHECK(none->fields()['C'] == "3D000");
  CHECK(none->fields()['M'] == "database \"admin\" does not exist");
  auto empty = startup_answer(c, {{"user", "admin"}, {"database", ""}});
  REQUIRE(empty);
  CHECK(empty->fields()['M'] == "database \"admin\" does not exist");
  // the break-glass path (the Unix socket) is not the endpoint: template1 stays
  auto su = conn_ptr(PQconnectdb(("host='" + c.dir.string() + "' port=" + std::to_string(c.port) +
                                  " dbname=template1 user=postgres connect_timeout=10")
                                     .c_str()));
  CHECK(PQstatus(su.get()) == CONNECTION_OK);
}

TEST_CASE("the front door lets nobody in when the server does not ask for the token (dsql_iam.auth_mode off)",
          "[integration][front][auth]") {
  auto& c = main_cluster();
  c.su_query("ALTER SYSTEM SET dsql_iam.auth_mode = off");
  c.su_query("SELECT pg_reload_conf()");
  usleep(300000);
  auto in = c.connect(c.conninfo("admin"), c.admin_token());
  const std::string msg = PQerrorMessage(in.get());
  c.su_query("ALTER SYSTEM RESET dsql_iam.auth_mode");
  c.su_query("SELECT pg_reload_conf()");
  usleep(300000);
  INFO(msg);
  CHECK(PQstatus(in.get()) == CONNECTION_BAD);
  CHECK(msg.find("IAM authentication failed for user \"admin\"") != std::string::npos);
  // the backend refuses first (auth.c: auth_mode off keeps every remote login out,
  // the front door's included); the front door's own check ("let the user in without
  // asking for the IAM token") is the second line, for a server not hooked at all
  CHECK(log_has(c.dir / "server.log", "dsql_iam.auth_mode is off"));
  // and once auth_mode is back, the same login works
  auto again = c.connect(c.conninfo("admin"), c.admin_token());
  CHECK(PQstatus(again.get()) == CONNECTION_OK);
}

TEST_CASE("after AWS IAM REVOKE new connections are refused at once; an open session goes on until it ends",
          "[integration][front][auth]") {
  auto& c = main_cluster();
  auto a = c.admin();
  result_ptr(PQexec(a.get(), "CREATE ROLE regress_revoked LOGIN"));
  result_ptr g(PQexec(a.get(), ("AWS IAM GRANT regress_revoked TO '" + arn("ReportingRole") + "'").c_str()));
  REQUIRE(PQresultStatus(g.get()) == PGRES_COMMAND_OK);
  auto open = c.connect(c.conninfo("regress_revoked"), c.token("ReportingRole", false));
  REQUIRE(PQstatus(open.get()) == CONNECTION_OK);
  result_ptr rv(PQexec(a.get(), ("AWS IAM REVOKE regress_revoked FROM '" + arn("ReportingRole") + "'").c_str()));
  REQUIRE(PQresultStatus(rv.get()) == PGRES_COMMAND_OK);
  auto again = c.connect(c.conninfo("regress_revoked"), c.token("ReportingRole", false));
  CHECK(PQstatus(again.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(again.get())).find("IAM authentication failed") != std::string::npos);
  result_ptr still(PQexec(open.get(), "SELECT current_user"));
  CHECK(PQresultStatus(still.get()) == PGRES_TUPLES_OK);
}

TEST_CASE("a CancelRequest for a relayed session reaches the server", "[integration][front]") {
  auto& c = main_cluster();
  auto a = c.admin();
  REQUIRE(PQstatus(a.get()) == CONNECTION_OK);
  REQUIRE(PQsendQuery(a.get(), "SELECT pg_sleep(30)") == 1);
  usleep(300000);
  PGcancel* cancel = PQgetCancel(a.get());
  char err[256];
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(PQcancel(cancel, err, sizeof err) == 1);
  PQfreeCancel(cancel);
  result_ptr r(PQgetResult(a.get()));
  while (PGresult* more = PQgetResult(a.get())) PQclear(more);
  CHECK(sqlstate(r.get()) == "57014");  // query_canceled
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
}

TEST_CASE("hostile packets end their own connection only", "[integration][front]") {
  auto& c = main_cluster();
  const long pid = c.front_pid();
  {
    raw_client r;  // a startup packet over 10,000 bytes
    REQUIRE(r.connect_tcp(c.port));
    REQUIRE(r.start_tls(c.endpoint));
    std::string big;
    dsql::test::put32(big, 20000);
    r.send(big);
    auto m = r.read_message();
    REQUIRE(m);
    CHECK(m->fields()['M'] == "invalid length of startup packet");
  }
  {
    raw_client r;  // protocol 2.0
    REQUIRE(r.connect_tcp(c.port));
    REQUIRE(r.start_tls(c.endpoint));
    r.send(dsql::test::startup_packet({{"user", "admin"}}, 2u << 16));
    auto m = r.read_message();
    REQUIRE(m);
    CHECK(m->fields()['C'] == "0A000");
  }
  {
    raw_client r;  // a password message of 200 KiB
    REQUIRE(r.connect_tcp(c.port));
    REQUIRE(r.start_tls(c.endpoint));
    r.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}}));
    REQUIRE(r.read_message());
    std::string head(1, 'p');
    dsql::test::put32(head, 200 * 1024 + 4);
    r.send(head);
    auto m = r.read_message();
    REQUIRE(m);
    CHECK(m->fields()['C'] == "08P01");
  }
  {
    raw_client r;  // a 100 KB "token": forwarded, and dsql_iam refuses it (seed-flow refusal 5)
    auto m = c.raw_login(r, "admin", std::string(100 * 1024, 'a'), c.endpoint);
    REQUIRE(m);
    CHECK(m->fields()['C'] == "28000");
  }
  {
    raw_client r;  // garbage instead of a ClientHello
    REQUIRE(r.connect_tcp(c.port));
    std::string req;
    dsql::test::put32(req, 8);
    dsql::test::put32(req, 80877103);
    ::send(r.fd(), req.data(), req.size(), 0);
    char s = 0;
    REQUIRE(::recv(r.fd(), &s, 1, 0) == 1);
    ::send(r.fd(), "\x16\x03\x01garbage-garbage-garbage", 27, 0);
    CHECK(r.closed_by_server(5000));
  }
  CHECK(c.front_pid() == pid);
  auto ok = c.admin();
  CHECK(PQstatus(ok.get()) == CONNECTION_OK);
}

TEST_CASE("local status reports a dead front door and local up starts it again; changing the id needs a stop",
          "[integration][front]") {
  auto& c = main_cluster();
  const long pid = c.front_pid();
  REQUIRE(pid > 0);
  REQUIRE(kill(static_cast<pid_t>(pid), SIGKILL) == 0);
  for (int i = 0; i < 100 && kill(static_cast<pid_t>(pid), 0) == 0; ++i) usleep(20000);
  auto status = run({DSQLCTL, "local", "status", "--dir", c.dir.string()});
  CHECK(status.output.find("front door: NOT running") != std::string::npos);
  auto down = c.admin();
  CHECK(PQstatus(down.get()) == CONNECTION_BAD);
  auto up = run({DSQLCTL, "local", "up", "--dir", c.dir.string()});
  INFO(up.output);
  CHECK(up.status == 0);
  CHECK(up.output.find("the front door was not running: starting it") != std::string::npos);
  CHECK(c.front_pid() != pid);
  auto again = c.admin();
  CHECK(PQstatus(again.get()) == CONNECTION_OK);
  auto other = run({DSQLCTL, "local", "up", "--dir", c.dir.string(), "--cluster-id", "other"});
  CHECK(other.status == 1);
  CHECK(other.output.find("stop it first") != std::string::npos);
  auto bad = run({DSQLCTL, "local", "up", "--dir", c.dir.string() + "-new", "--cluster-id", "Bad_Id"});
  CHECK(bad.status == 1);
  CHECK(bad.output.find("invalid cluster id") != std::string::npos);
  std::error_code ec;
  fs::remove_all(c.dir.string() + "-new", ec);
}

TEST_CASE("local hosts prints, adds and removes the /etc/hosts line of the DSQL-shaped name", "[integration][front]") {
  auto& c = main_cluster();
  const fs::path hosts = c.dir.parent_path() / (c.dir.filename().string() + "-hosts");
  std::ofstream(hosts) << "127.0.0.1 localhost\n";
  setenv("DSQL_HOSTS_FILE", hosts.c_str(), 1);
  auto print = run({DSQLCTL, "local", "hosts", "--dir", c.dir.string()});
  CHECK(print.output == "127.0.0.1\t" + c.endpoint + "\t# dsqlctl local hosts\n");
  CHECK(run({DSQLCTL, "local", "hosts", "--dir", c.dir.string(), "--add"}).status == 0);
  CHECK(slurp(hosts) == "127.0.0.1 localhost\n127.0.0.1\t" + c.endpoint + "\t# dsqlctl local hosts\n");
  auto twice = run({DSQLCTL, "local", "hosts", "--dir", c.dir.string(), "--add"});
  CHECK(twice.output.find("already in") != std::string::npos);
  CHECK(run({DSQLCTL, "local", "hosts", "--dir", c.dir.string(), "--remove"}).status == 0);
  CHECK(slurp(hosts) == "127.0.0.1 localhost\n");
  std::ofstream(hosts, std::ios::app) << "10.0.0.9 " << c.endpoint << "\n";
  auto elsewhere = run({DSQLCTL, "local", "hosts", "--dir", c.dir.string(), "--add"});
  CHECK(elsewhere.status == 1);
  CHECK(elsewhere.output.find("not to 127.0.0.1") != std::string::npos);
  unsetenv("DSQL_HOSTS_FILE");
  fs::remove(hosts);
}

// --- quotas and stalls -------------------------------------------------------------------------

TEST_CASE("the connection quota answers DSQL's 53300; the break-glass path stays open",
          "[integration][front][limits]") {
  auto& c = small_cluster();
  std::vector<conn_ptr> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(c.admin());
    REQUIRE(PQstatus(open.back().get()) == CONNECTION_OK);
  }
  raw_client r;
  auto m = c.raw_login(r, "admin", c.admin_token(), c.endpoint);
  REQUIRE(m);
  CHECK(m->fields()['C'] == "53300");
  CHECK(m->fields()['M'] == "Unable to accept connection, too many open connections.");
  CHECK(c.su_query("SELECT current_user") == "postgres");
  open.pop_back();
  usleep(200000);
  auto again = c.admin();
  CHECK(PQstatus(again.get()) == CONNECTION_OK);
}

TEST_CASE("200 clients stalled before authenticating take no backend: logins and break-glass go on, stallers time out",
          "[integration][front][limits]") {
  auto& c = small_cluster();
  std::vector<raw_client> stalled(200);
  for (std::size_t i = 0; i < stalled.size(); ++i) {
    auto& s = stalled[i];
    REQUIRE(s.connect_tcp(c.port));
    if (i % 4 == 0) continue;  // silent after the TCP connect
    if (i % 4 == 1) {          // an SSLRequest, then nothing
      std::string req;
      dsql::test::put32(req, 8);
      dsql::test::put32(req, 80877103);
      s.send(req);
      continue;
    }
    REQUIRE(s.start_tls(c.endpoint));  // TLS, then nothing
    if (i % 4 == 2) continue;
    s.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}}));
    auto ask = s.read_message();  // at the password prompt, then nothing
    REQUIRE(ask);
    CHECK(ask->auth_code() == 3);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto legit = c.admin();
  const auto login = std::chrono::steady_clock::now() - t0;
  CHECK(PQstatus(legit.get()) == CONNECTION_OK);
  CHECK(login < std::chrono::seconds(2));
  CHECK(c.su_query("SELECT current_user") == "postgres");
  // no backend for any of them: only ours and the superuser's query
  CHECK(std::stoi(c.su_query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")) <= 3);
  legit.reset();
  // auth_timeout is 2 s: every staller is gone by then
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  std::size_t closed = 0;
  for (auto& s : stalled) closed += s.closed_by_server(2000) ? 1u : 0u;
  CHECK(closed == stalled.size());
}

TEST_CASE("a session ends after max_connection_age when it is between transactions, with a FATAL the client sees",
          "[integration][front][limits]") {
  auto& c = small_cluster();
  auto idle = c.admin();
  auto busy = c.admin();
  REQUIRE(PQstatus(idle.get()) == CONNECTION_OK);
  REQUIRE(PQstatus(busy.get()) == CONNECTION_OK);
  result_ptr begin(PQexec(busy.get(), "BEGIN"));
  std::this_thread::sleep_for(std::chrono::milliseconds(4600));  // the cap is 4 s
  result_ptr late(PQexec(idle.get(), "SELECT 1"));
  CHECK(PQresultStatus(late.get()) != PGRES_TUPLES_OK);
  const std::string msg = PQerrorMessage(idle.get());
  INFO(msg);
  CHECK(msg.find("maximum duration") != std::string::npos);
  // the open transaction is not cut: it may finish, then the session ends
  result_ptr in_tx(PQexec(busy.get(), "SELECT 1"));
  CHECK(PQresultStatus(in_tx.get()) == PGRES_TUPLES_OK);
  result_ptr commit(PQexec(busy.get(), "COMMIT"));
  CHECK(PQresultStatus(commit.get()) == PGRES_COMMAND_OK);
  result_ptr after(PQexec(busy.get(), "SELECT 1"));
  CHECK(PQresultStatus(after.get()) != PGRES_TUPLES_OK);
  CHECK(log_has(c.front_log(), "maximum duration reached"));
}

TEST_CASE("the connection rate answers DSQL's 53400 past its burst; stalled clients do not spend it",
          "[integration][front][limits]") {
  auto& c = slow_cluster();
  // 20 clients at the password prompt first: the rate is spent by logins only
  std::vector<raw_client> stalled(20);
  for (auto& s : stalled) {
    REQUIRE(s.connect_tcp(c.port));
    REQUIRE(s.start_tls(c.endpoint));
    s.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}}));
    REQUIRE(s.read_message());
  }
  int ok = 0, limited = 0;
  std::string message;
  for (int i = 0; i < 6; ++i) {
    raw_client r;
    auto m = c.raw_login(r, "admin", c.admin_token(), c.endpoint);
    REQUIRE(m);
    if (m->type == 'Z') ++ok;
    if (m->type == 'E' && m->fields()['C'] == "53400") {
      ++limited;
      message = m->fields()['M'];
    }
  }
  CHECK(ok >= 3);       // the burst
  CHECK(limited >= 1);  // then 1 per second
  CHECK(message == "Unable to accept connection, rate exceeded.");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto later = c.admin();
  CHECK(PQstatus(later.get()) == CONNECTION_OK);
}

// A front door that says "ready" after `local up` gave up waiting (30 s on an overloaded
// machine) must not stay behind serving a stopped cluster: found by a colleague's bench,
// where a dsql-front process outlived its failed start and the directory.
TEST_CASE("a start given up on leaves no front door behind", "[integration][front][local]") {
  std::string tmpl = (fs::temp_directory_path() / "dsql-front-late.XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()));
  const fs::path dir = tmpl;
  setenv("DSQLCTL_FRONT_READY_TIMEOUT_MS", "0", 1);
  const auto up =
      run({DSQLCTL, "local", "up", "--dir", dir.string(), "--port", std::to_string(dsql::test::free_tcp_port())});
  unsetenv("DSQLCTL_FRONT_READY_TIMEOUT_MS");
  INFO(up.output);
  CHECK(up.status != 0);
  CHECK(up.output.find("did not start") != std::string::npos);
  // every dsql-front process whose working directory is this cluster's
  const auto fronts = [&] {
    std::vector<std::string> pids;
    std::error_code ec;
    const fs::path real = fs::canonical(dir, ec);
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
      const std::string pid = e.path().filename().string();
      if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
      std::error_code ec2;
      if (slurp(e.path() / "comm") != "dsql-front\n") continue;
      if (fs::read_symlink(e.path() / "cwd", ec2) == real) pids.push_back(pid);
    }
    return pids;
  };
  auto left = fronts();
  for (int i = 0; i < 100 && !left.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = fronts();
  }
  CHECK(left.empty());
  CHECK_FALSE(fs::exists(dir / "front.pid"));
  run({DSQLCTL, "local", "down", "--dir", dir.string()});
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// --- the front door's log ----------------------------------------------------------------

TEST_CASE("a flood of clients refused before authenticating leaves a bounded number of lines in the log",
          "[integration][front][log]") {
  auto& c = main_cluster();
  const auto lines_with = [&](const std::string& text) {
    std::istringstream in(slurp(c.front_log()));
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);)
      if (line.find(text) != std::string::npos) ++n;
    return n;
  };
  const std::size_t refused_before = lines_with("refused 127.0.0.1");
  const std::size_t reports_before = lines_with("not logged one by one");
  constexpr int flood = 300;  // plaintext startups: each refused (TLS is required) before any password
  for (int i = 0; i < flood; ++i) {
    raw_client r;
    REQUIRE(r.connect_tcp(c.port));
    REQUIRE(r.send(dsql::test::startup_packet({{"user", "admin"}, {"database", "postgres"}})));
    auto m = r.read_message();
    REQUIRE(m);
    CHECK(m->fields()['C'] == "08P01");
  }
  // the report of the period (every 10 s) counts the lines not written
  bool reported = false;
  for (int i = 0; i < 150 && !reported; ++i) {
    reported = lines_with("not logged one by one") > reports_before;
    if (!reported) usleep(100000);
  }
  CHECK(reported);
  // 20 lines per 10 s: the flood may span two periods
  const std::size_t refused = lines_with("refused 127.0.0.1") - refused_before;
  INFO("refusal lines: " << refused);
  CHECK(refused >= 20);
  CHECK(refused <= 40);
  auto ok = c.admin();
  CHECK(PQstatus(ok.get()) == CONNECTION_OK);
}

TEST_CASE("a flood of logins with a wrong token leaves a bounded number of lines in the front door's log",
          "[integration][front][log]") {
  auto& c = main_cluster();
  const auto lines = [&] {
    std::istringstream in(slurp(c.front_log()));
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);)
      if (line.find("ended: refused by the server") != std::string::npos) ++n;
    return n;
  };
  const std::size_t before = lines();
  constexpr int flood = 60;  // a TLS handshake and a startup packet each: cheap for a peer without credentials
  for (int i = 0; i < flood; ++i) {
    raw_client r;
    auto m = c.raw_login(r, "admin", std::string(100, 'x'), c.endpoint);
    REQUIRE(m);
    CHECK(m->fields()['C'] == "28000");
  }
  usleep(300000);  // the session threads write their last lines
  const std::size_t logged = lines() - before;
  INFO("refusal lines: " << logged);
  CHECK(logged >= 1);
  CHECK(logged <= 40);  // 20 per 10 s: the flood may span two periods; 60 without the bound
}
