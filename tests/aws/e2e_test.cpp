// Temporary credentials end to end: the credential chain assumes a role through the
// local STS (AssumeRole from a user's key, AssumeRoleWithWebIdentity from a JWT of the
// local OIDC issuer), signs a DSQL token with the ASIA… key, and connects to a local
// cluster as the role's mapped database role through dsql_iam's token check; once
// the key has expired in the local IAM state, the same credentials are refused.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <ctime>
#include <pqxx/pqxx>

#include "aws_env.hpp"
#include "iam/credentials.hpp"
#include "iam/jwt.hpp"
#include "iam/state.hpp"
#include "iam/sts_server.hpp"
#include "iam/token.hpp"
#include "local/cluster.hpp"

using namespace dsql::aws;

namespace {

const std::string alice = "arn:aws:iam::123456789012:user/alice";
const std::string app_role = "arn:aws:iam::123456789012:role/AppRole";
const std::string connect_policy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/local"}]})";

struct cluster {
  std::filesystem::path dir;
  dsql::local::cluster_info info;
  cluster() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dsql-aws-e2e.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    info = dsql::local::up({dir, 0, true});
  }
  ~cluster() {
    try {
      dsql::local::down(dir);
    } catch (...) {
    }
    std::error_code ec;
    std::filesystem::remove(dir, ec);
  }
  void sql(const std::string& text) const {
    pqxx::connection c(info.conninfo("admin"));
    pqxx::nontransaction n(c);
    n.exec(text);
  }
  // Connects over TLS with a DbConnect token signed with c; returns current_user.
  std::string connect_as(const std::string& user, const credentials& c) const {
    const std::string token = generate_token({"localhost", "us-east-1", false, 900}, c);
    std::string quoted = "'";
    for (char ch : token) quoted += (ch == '\'' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
    pqxx::connection conn(info.tcp_conninfo(user) + " password=" + quoted + "'");
    pqxx::nontransaction n(conn);
    return n.exec("SELECT current_user")[0][0].c_str();
  }
};

void expire(const std::filesystem::path& state_file, const std::string& access_key_id) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(state_file.c_str(), &db) == SQLITE_OK);
  const std::string sql = "UPDATE access_keys SET expires_at = " + std::to_string(std::time(nullptr) - 1) +
                          " WHERE access_key_id = '" + access_key_id + "'";
  CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(sqlite3_changes(db) == 1);
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("ASIA keys from the local STS connect as the mapped role until they expire", "[aws][e2e][integration]") {
  dsql::test::aws_env env;
  cluster c;
  access_key alice_key;
  oidc_provider issuer;
  {
    state st(c.info.iam_state);
    st.create_principal(alice);
    alice_key = st.create_access_key(alice);
    st.create_principal(app_role);
    st.put_policy(app_role, "dsql-connect", connect_policy);
    const auto keys = jwt::generate_es256();
    issuer = {"arn:aws:iam::123456789012:oidc-provider/oidc.local/ci",
              "https://oidc.local/ci",
              {"dsql-app"},
              keys.public_pem,
              keys.private_pem};
    st.create_oidc_provider(issuer);
    st.put_trust_policy(app_role, R"({"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":")" +
                                      alice + R"("},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"Federated":")" +
                                      issuer.arn + R"("},"Action":"sts:AssumeRoleWithWebIdentity",
             "Condition":{"StringEquals":{"oidc.local/ci:sub":"repo:app"}}}]})");
  }
  c.sql("CREATE ROLE app_user LOGIN");
  c.sql("CALL sys.aws_iam_grant('app_user', '" + app_role + "')");
  sts::server_options o;
  o.state_file = c.info.iam_state;
  sts::local_server server(o);
  env.set("AWS_ENDPOINT_URL_STS", server.url());
  env.set("AWS_REGION", "us-east-1");

  SECTION("AssumeRole from a user's key, through role_arn + source_profile") {
    env.write("credentials", "[base]\naws_access_key_id = " + alice_key.access_key_id +
                                 "\naws_secret_access_key = " + alice_key.secret_access_key + "\n");
    env.write("config", "[profile app]\nrole_arn = " + app_role + "\nsource_profile = base\n");
    const auto creds = default_chain("app")->fetch();
    REQUIRE(creds);
    REQUIRE(creds->access_key_id.starts_with("ASIA"));
    CHECK(c.connect_as("app_user", *creds) == "app_user");
    // the user's own key is not mapped to app_user: refused
    CHECK_THROWS_WITH(c.connect_as("app_user", credentials{alice_key.access_key_id, alice_key.secret_access_key,
                                                           std::nullopt, "alice"}),
                      Catch::Contains("IAM authentication failed"));
    expire(c.info.iam_state, creds->access_key_id);
    CHECK_THROWS_WITH(c.connect_as("app_user", *creds), Catch::Contains("IAM authentication failed"));
  }
  SECTION("AssumeRoleWithWebIdentity from a JWT of the local OIDC issuer") {
    jwt::claims claims;
    claims.iss = issuer.url;
    claims.sub = "repo:app";
    claims.aud = {"dsql-app"};
    claims.exp = static_cast<std::int64_t>(std::time(nullptr)) + 600;
    env.set("AWS_WEB_IDENTITY_TOKEN_FILE", env.write("token", jwt::sign(claims, *issuer.private_key)).string());
    env.set("AWS_ROLE_ARN", app_role);
    const auto creds = default_chain()->fetch();
    REQUIRE(creds);
    CHECK(c.connect_as("app_user", *creds) == "app_user");
    expire(c.info.iam_state, creds->access_key_id);
    CHECK_THROWS_WITH(c.connect_as("app_user", *creds), Catch::Contains("IAM authentication failed"));
  }
}
