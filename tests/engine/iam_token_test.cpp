// The engine's connections with IAM token authentication on a real server: a cluster
// from `dsqlctl local up` (its front door on 127.0.0.1, verify-full under its CA,
// dsql_iam verifying tokens), the seed's
// principals synced into its IAM state, then `dsqlctl plan --iam-token --principal`
// and `seed-spec plan` signing a DbConnectAdmin token for admin. A principal without
// dsql:DbConnectAdmin gets the generic 28000 refusal. The token is never printed.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/model_json.hpp"
#include "spec_builder.hpp"
#include "process.hpp"

using dsql::test::run;
namespace fs = std::filesystem;

namespace {

const std::string account = "123456789012";
std::string arn(const std::string& role) { return "arn:aws:iam::" + account + ":role/" + role; }

std::string slurp(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One cluster per test process (each Catch2 case runs in its own), on a free port.
struct token_cluster {
  fs::path dir;
  int port = dsql::test::free_tcp_port();
  std::vector<std::string> key_ids;  // every access key of the local IAM state

  token_cluster() {
    std::string tmpl = (fs::temp_directory_path() / "dsql-engine-token.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    auto up = run({DSQLCTL, "local", "up", "--dir", dir.string(), "--port", std::to_string(port)});
    if (up.status != 0) throw std::runtime_error("dsqlctl local up failed:\n" + up.output);
    auto policies =
        run({SEED_SPEC, "policies", "--account-id", account, "--region", "us-east-1", "--cluster-id", "local"});
    if (policies.status != 0) throw std::runtime_error("seed-spec policies failed:\n" + policies.output);
    const auto json_start = policies.output.find('{');  // after the note on stderr, if any
    auto sync = run({DSQLCTL, "iam", "--dir", dir.string(), "sync", "--policies", "-"},
                    policies.output.substr(json_start == std::string::npos ? 0 : json_start));
    if (sync.status != 0) throw std::runtime_error("dsqlctl iam sync failed:\n" + sync.output);
    auto list = run({DSQLCTL, "iam", "--dir", dir.string(), "list"});
    std::istringstream lines(list.output);
    for (std::string line; std::getline(lines, line);)
      if (auto k = line.find("key    "); k != std::string::npos) {
        std::string id = line.substr(k + 7);
        key_ids.push_back(id.substr(0, id.find(' ')));
      }
    if (key_ids.empty()) throw std::runtime_error("no access keys after iam sync:\n" + list.output);
  }
  ~token_cluster() {
    run({DSQLCTL, "local", "down", "--dir", dir.string()});
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string tcp_conninfo(const std::string& user) const {
    return "host=localhost hostaddr=127.0.0.1 port=" + std::to_string(port) + " sslmode=verify-full sslrootcert='" +
           (dir / "ca.crt").string() + "' dbname=postgres user=" + user;
  }
  // Nothing of a token (its query string, any key id) in a program's output.
  void check_no_token(const std::string& output) const {
    CHECK(output.find("X-Amz-") == std::string::npos);
    CHECK(output.find("aws4_request") == std::string::npos);
    CHECK(output.find("Action=DbConnect") == std::string::npos);
    for (const auto& id : key_ids) CHECK(output.find(id) == std::string::npos);
  }
  std::string spec_file() const {
    dsql::model::cluster s;
    s.name = "token";
    s.roles = {dsql::engine::test::role("token_app", true)};
    s.schemas = {dsql::engine::test::schema("public", false)};
    const std::string f = (dir / "spec.json").string();
    std::ofstream(f) << dsql::engine::model_to_json(s);
    return f;
  }
};

}  // namespace

TEST_CASE("plan over TLS with a DbConnectAdmin token: dsqlctl --dir --iam-token --principal, seed-spec, --conninfo",
          "[integration][cli][token]") {
  token_cluster c;
  const std::string dir = c.dir.string(), spec = c.spec_file();
  const std::string admin = arn("DsqlAdminRole");

  auto plan = run({DSQLCTL, "plan", "--spec", spec, "--dir", dir, "--iam-token", "--principal", admin, "--exit-code"});
  INFO(plan.output);
  CHECK(plan.status == 3);
  CHECK(plan.output.find("CREATE ROLE \"token_app\" WITH LOGIN;") != std::string::npos);
  c.check_no_token(plan.output);

  auto json = run(
      {DSQLCTL, "plan", "--spec", spec, "--dir", dir, "--principal", admin, "--expires-in", "60", "--format", "json"});
  INFO(json.output);
  REQUIRE(json.status == 0);
  CHECK(nlohmann::json::parse(json.output)["changes"] == 1);
  c.check_no_token(json.output);

  // a spec program (dsql::main<seed::spec>) takes the same options
  auto seed = run({SEED_SPEC, "plan", "--dir", dir, "--iam-token", "--principal", admin, "--exit-code"});
  INFO(seed.output);
  CHECK(seed.status == 3);
  CHECK(seed.output.find("CREATE ROLE") != std::string::npos);
  c.check_no_token(seed.output);

  // the conninfo form: signed for the conninfo's host (localhost), key from DSQL_IAM_STATE
  setenv("DSQL_IAM_STATE", (c.dir / "iam.sqlite").c_str(), 1);
  auto conn = run({DSQLCTL, "inspect", "--conninfo", c.tcp_conninfo("admin"), "--region", "us-east-1", "--principal",
                   admin, "--format", "json"});
  unsetenv("DSQL_IAM_STATE");
  INFO(conn.output);
  CHECK(conn.status == 0);
  c.check_no_token(conn.output);

  // without a token the TLS endpoint refuses (no password): the token is what lets us in
  auto none = run({DSQLCTL, "inspect", "--conninfo", c.tcp_conninfo("admin")});
  CHECK(none.status == 1);

  const std::string log = slurp(c.dir / "server.log");
  CHECK(log.find("X-Amz-Signature") == std::string::npos);
}

TEST_CASE("a principal without dsql:DbConnectAdmin gets the generic 28000 refusal as admin",
          "[integration][cli][token]") {
  token_cluster c;
  const std::string dir = c.dir.string(), spec = c.spec_file();
  const auto before = fs::file_size(c.dir / "server.log");
  auto r = run({DSQLCTL, "plan", "--spec", spec, "--dir", dir, "--iam-token", "--principal", arn("AppReadOnlyRole")});
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("IAM authentication failed for user \"admin\"") != std::string::npos);
  CHECK(r.output.find("dsql_iam") == std::string::npos);  // the reason stays in the server log
  c.check_no_token(r.output);
  std::string log;
  for (int i = 0; i < 50 && log.find("28000") == std::string::npos; ++i) {
    log = slurp(c.dir / "server.log").substr(before);
    if (log.find("28000") == std::string::npos) usleep(20000);
  }
  INFO("server log since the attempt:\n" << log);
  CHECK(log.find("28000") != std::string::npos);
  CHECK(log.find("X-Amz-Signature") == std::string::npos);

  // the same principal's DbConnect token logs in as the role it maps to, once the seed is applied
  // over the socket: the cluster is strict, so the engine plans for aurora_dsql
  const auto applied = run({SEED_SPEC, "apply", "--dir", dir});
  INFO(applied.output);
  REQUIRE(applied.status == 0);
  CHECK(applied.output.find("on aurora_dsql") != std::string::npos);
  auto ro = run({SEED_SPEC, "inspect", "--dir", dir, "--user", "app_readonly", "--principal", arn("AppReadOnlyRole")});
  INFO(ro.output);
  CHECK(ro.status == 0);
  c.check_no_token(ro.output);
  // an unknown principal: the local IAM state has no key for it
  auto unknown = run({DSQLCTL, "inspect", "--dir", dir, "--principal", arn("NoSuchRole")});
  CHECK(unknown.status == 1);
  CHECK(unknown.output.find("no unexpired access key") != std::string::npos);
}
