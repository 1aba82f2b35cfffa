// The local IAM state (sqlite3): schema version and migrations, file mode, principals,
// keys, policies normalised into rows that C can evaluate.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "iam/state.hpp"

namespace fs = std::filesystem;
using namespace dsql::aws;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/dsql-iam-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~temp_dir() { fs::remove_all(path); }
};

int user_version(const fs::path& f) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(f.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const int v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

}  // namespace

TEST_CASE("a new state file is mode 0600 at the current schema version, and reopening changes nothing",
          "[iam][state]") {
  temp_dir d;
  const fs::path f = d.path / "iam.sqlite";
  { state st(f); }
  struct stat sb {};
  REQUIRE(stat(f.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);
  CHECK(user_version(f) == schema_version);
  { state st(f); }
  CHECK(user_version(f) == schema_version);
}

TEST_CASE("a symbolic link or a directory is never opened as the state file", "[iam][state]") {
  temp_dir d;
  const fs::path target = d.path / "elsewhere";
  { std::ofstream(target) << "precious"; }
  fs::create_symlink(target, d.path / "iam.sqlite");
  CHECK_THROWS_WITH(state(d.path / "iam.sqlite"), Catch::Contains("cannot open"));
  std::ifstream in(target);
  std::string content;
  in >> content;
  CHECK(content == "precious");
  fs::create_directory(d.path / "dir.sqlite");
  CHECK_THROWS(state(d.path / "dir.sqlite"));
  // no journal file is ever created beside the state file
  {
    state st(d.path / "ok.sqlite");
    st.create_principal(principal_arn("R", "role"));
  }
  CHECK_FALSE(fs::exists(d.path / "ok.sqlite-journal"));
}

TEST_CASE("a state file from a newer schema is refused with a sentence", "[iam][state]") {
  temp_dir d;
  const fs::path f = d.path / "iam.sqlite";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(f.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_WITH(state(f), Catch::Contains("schema version 99"));
}

TEST_CASE("principals, keys and policies round-trip; delete cascades", "[iam][state]") {
  temp_dir d;
  state st(d.path / "iam.sqlite");
  const std::string arn = principal_arn("AppReadOnlyRole", "role");
  CHECK(arn == "arn:aws:iam::123456789012:role/AppReadOnlyRole");
  const auto p = st.create_principal(arn);
  CHECK(p.id.starts_with("AROA"));
  CHECK(p.id.size() == 21);
  CHECK_THROWS_WITH(st.create_principal(arn), Catch::Contains("already exists"));
  CHECK(st.create_principal(arn, true).id == p.id);
  CHECK(st.create_principal(principal_arn("bob", "user")).id.starts_with("AIDA"));
  CHECK_THROWS(st.create_principal("arn:aws:sts::123456789012:assumed-role/x/y"));

  const auto k = st.create_access_key(arn);
  CHECK(k.access_key_id.starts_with("AKIA"));
  CHECK(k.access_key_id.size() == 20);
  CHECK(k.secret_access_key.size() == 40);
  const auto s = st.create_access_key(arn, true, 2000000000);
  CHECK(s.access_key_id.starts_with("ASIA"));
  REQUIRE(s.session_token);
  const auto found = st.find_access_key(s.access_key_id);
  REQUIRE(found);
  CHECK(found->principal_arn == arn);
  CHECK(found->session_token == s.session_token);
  CHECK(found->expires_at == 2000000000);

  st.put_policy(arn, "p", R"({"Statement":{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"*"}})");
  CHECK(st.policies(arn).size() == 1);
  CHECK_THROWS_WITH(st.put_policy(arn, "bad", "{"), Catch::Contains("not valid JSON"));
  CHECK(st.policies(arn).size() == 1);

  CHECK(st.delete_principal(arn));
  CHECK_FALSE(st.find_access_key(k.access_key_id));
  CHECK(st.access_keys().empty());
  CHECK_FALSE(st.delete_principal(arn));
}

TEST_CASE("policies normalise to statements with their actions, resources, principals and conditions",
          "[iam][policy]") {
  const auto p = normalise_policy(R"({"Version":"2012-10-17","Statement":[
        {"Sid":"One","Effect":"Allow","Action":["dsql:DbConnect","DSQL:DbConnectAdmin"],"Resource":["arn:a","arn:b"]},
        {"Effect":"Deny","Action":"dsql:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},
          "StringEquals":{"aws:PrincipalTag/team":["a","b"]}}},
        {"Effect":"Allow","NotAction":"s3:*","Resource":"*"},
        {"Effect":"Allow","Action":"*","NotResource":"arn:x"}]})");
  REQUIRE(p.statements.size() == 4);
  const auto& a = p.statements[0];
  CHECK(a.sid == "One");
  CHECK(a.variables);
  CHECK(a.actions == std::vector<std::string>{"dsql:dbconnect", "dsql:dbconnectadmin"});
  CHECK(a.resources == std::vector<std::string>{"arn:a", "arn:b"});
  const auto& d = p.statements[1];
  CHECK(d.effect == "Deny");
  REQUIRE(d.conditions.size() == 3);
  CHECK(d.conditions[0].op == "Bool");
  CHECK(d.conditions[0].value == "false");  // a JSON boolean, as IAM reads it
  CHECK(d.conditions[2].value == "b");
  CHECK(p.statements[2].not_action);
  CHECK(p.statements[3].not_resource);
  CHECK(p.notes.empty());
  // Version before 2012-10-17: policy variables are literal text
  CHECK_FALSE(
      normalise_policy(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"${x"}})").statements[0].variables);
  // a cluster policy's principals, typed for the evaluator
  const auto c = normalise_policy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
        "Action":"dsql:*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":["123456789012",
        "arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/R"],"Service":"x.amazonaws.com"},
        "Action":"dsql:DbConnect","Resource":"*"}]})",
                                  policy_kind::cluster);
  CHECK(c.statements[0].principals == std::vector<std::string>{"*"});
  CHECK(c.statements[1].principals == std::vector<std::string>{"AWS:123456789012", "AWS:arn:aws:iam::123456789012:root",
                                                               "AWS:arn:aws:iam::123456789012:role/R",
                                                               "Service:x.amazonaws.com"});
  // an unknown condition key is accepted with a note: it never grants
  const auto u = normalise_policy(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"dsql:Nope":"x"}}}})");
  REQUIRE(u.notes.size() == 1);
  CHECK_THAT(u.notes[0], Catch::Contains("dsql:Nope") && Catch::Contains("never grants"));
}

TEST_CASE("the normaliser refuses what IAM refuses, with a sentence", "[iam][policy]") {
  const auto refused = [](const std::string& doc, const char* why, policy_kind k = policy_kind::identity) {
    INFO(doc);
    CHECK_THROWS_WITH(normalise_policy(doc, k), Catch::Contains(why));
  };
  refused(R"({"Statement":[]})", "non-empty");
  refused(R"({"Statement":{"Effect":"Maybe","Action":"*","Resource":"*"}})", "Effect");
  refused(R"({"Statement":{"Effect":"Allow","Resource":"*"}})", "Action or NotAction");
  refused(R"({"Statement":{"Effect":"Allow","Action":"*"}})", "Resource or NotResource");
  refused(R"({"Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}})", "strings");
  refused(R"({"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", "Version");
  refused(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}})",
          "identity policy has no Principal");
  refused(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", "needs Principal", policy_kind::cluster);
  refused(
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"},"Action":"*","Resource":"*"}})",
      "not a principal", policy_kind::cluster);
  refused(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringMaybe":{"k":"v"}}}})",
          "unknown condition operator");
  refused(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}})",
          "unknown condition operator");
  refused(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Colour":"red"}})", "unknown element");
  refused(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:dsql:us-east-1:${aws:PrincipalAccount}:cluster/x"}})",
      "fifth colon");
  refused(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":"${aws:username"}}}})",
      "malformed");
  refused(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":"${aws:username, nope}"}}}})",
      "malformed");
  refused(std::string(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":")") + std::string(70000, 'x') + "\"}}",
          "longer than");
  refused(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":")" + std::string(3000, 'x') + "\"}}",
          "longer than 2048");
  // trust policies: a Principal, no NotPrincipal (IAM refuses it in trust policies), no Resource
  refused(R"({"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}})", "needs Principal", policy_kind::trust);
  refused(
      R"({"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/a"},"Action":"sts:AssumeRole"}})",
      "cannot use NotPrincipal", policy_kind::trust);
  refused(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}})",
          "trust policy has no Resource", policy_kind::trust);
  refused(R"({"Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"abc"},"Action":"sts:AssumeRole"}})",
          "no CanonicalUser", policy_kind::trust);
  refused(
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/R"},"Action":"sts:AssumeRole"}})",
      "not a principal", policy_kind::trust);
  // a role session is a principal of a trust policy only (the auth hook knows no sessions)
  refused(
      R"({"Statement":{"Effect":"Deny","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/R/s"},"Action":"*","Resource":"*"}})",
      "not a principal", policy_kind::cluster);
}

TEST_CASE("trust policies normalise like every policy: principals typed, the STS's and the provider's keys known",
          "[iam][policy][trust]") {
  const auto t = normalise_policy(R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/alice","arn:aws:sts::123456789012:assumed-role/Base/s1","123456789012"],
          "Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"},
          "IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}},
        {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.local/ci"},
          "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"oidc.local/ci:sub":"repo:*","OIDC.LOCAL/CI:aud":"app"}}},
        {"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"other.local/x:sub":"y",
          "other.local/x:amr":"z"}}}]})",
                                  policy_kind::trust);
  REQUIRE(t.statements.size() == 3);
  CHECK(t.statements[0].principals == std::vector<std::string>{"AWS:arn:aws:iam::123456789012:user/alice",
                                                               "AWS:arn:aws:sts::123456789012:assumed-role/Base/s1",
                                                               "AWS:123456789012", "Service:ec2.amazonaws.com"});
  CHECK(t.statements[0].resources.empty());
  CHECK(t.statements[1].principals ==
        std::vector<std::string>{"Federated:arn:aws:iam::123456789012:oidc-provider/oidc.local/ci"});
  // sts:ExternalId and any provider's aud and sub are known (absent unless the request has
  // them); a claim the local STS never gives is not
  REQUIRE(t.notes.size() == 1);
  CHECK_THAT(t.notes[0], Catch::Contains("statement 3") && Catch::Contains("other.local/x:amr"));
  // the same keys in an identity policy are unknown there
  CHECK(
      normalise_policy(
          R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}})")
          .notes.size() == 1);
}

TEST_CASE(
    "a role's trust policy is a resource-based policy of the state: stored normalised, kept as given, gone with the role",
    "[iam][state][trust]") {
  temp_dir d;
  state st(d.path / "iam.sqlite");
  const std::string role = principal_arn("App", "role");
  const std::string user = principal_arn("alice", "user");
  st.create_principal(role);
  st.create_principal(user);
  const std::string doc =
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}})";
  CHECK(st.put_trust_policy(role, doc).empty());
  CHECK(st.trust_policy(role) == doc);
  CHECK_THROWS_WITH(st.put_trust_policy(user, doc), Catch::Contains("only roles have a trust policy"));
  CHECK_THROWS_WITH(st.put_trust_policy(principal_arn("Nobody", "role"), doc), Catch::Contains("does not exist"));
  // a refused document changes nothing
  CHECK_THROWS_WITH(
      st.put_trust_policy(role, R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}})"),
      Catch::Contains("no Resource"));
  CHECK(st.trust_policy(role) == doc);
  const auto count = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(st.handle(), sql, -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const int n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
  };
  CHECK(count("SELECT count(*) FROM statements WHERE resource_arn = 'arn:aws:iam::123456789012:role/App'") == 1);
  CHECK(count("SELECT count(*) FROM statement_values WHERE kind = 'principal'") == 1);
  // a cluster ARN and a role ARN never share a row: get-cluster-policy refuses a role's ARN
  CHECK_THROWS_WITH((void)st.cluster_policy(role), Catch::Contains("not an Aurora DSQL cluster ARN"));
  CHECK(st.delete_principal(role));
  CHECK_FALSE(st.trust_policy(role));
  CHECK(count("SELECT count(*) FROM resource_policies") == 0);
  CHECK(count("SELECT count(*) FROM statements") == 0);
  CHECK(count("SELECT count(*) FROM statement_values") == 0);
}

TEST_CASE(
    "a version 3 state file migrates: cluster and trust policies become resource_policies, trust policies normalised",
    "[iam][state][trust]") {
  temp_dir d;
  const fs::path f = d.path / "iam.sqlite";
  const std::string cluster = "arn:aws:dsql:us-east-1:123456789012:cluster/local";
  {
    // a current file, turned back into version 3 as the merge of issue 12 wrote it
    state st(f);
    st.create_principal(principal_arn("App", "role"));
    st.create_principal(principal_arn("Odd", "role"));
    st.create_principal(principal_arn("alice", "user"));
    st.put_cluster_policy(
        cluster, R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"dsql:DbConnectAdmin","Resource":"*"}})");
    REQUIRE(sqlite3_exec(st.handle(), R"sql(
PRAGMA foreign_keys = OFF;
DELETE FROM statements WHERE resource_arn LIKE 'arn:aws:iam::%';
ALTER TABLE resource_policies RENAME TO cluster_policies;
ALTER TABLE cluster_policies RENAME COLUMN resource_arn TO cluster_arn;
ALTER TABLE statements RENAME COLUMN resource_arn TO cluster_arn;
DROP INDEX statements_resource;
CREATE INDEX statements_cluster ON statements (cluster_arn);
CREATE TABLE trust_policies (principal_id TEXT PRIMARY KEY REFERENCES principals (id) ON DELETE CASCADE, document TEXT NOT NULL);
INSERT INTO trust_policies SELECT id, '{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}}'
  FROM principals WHERE arn LIKE '%:role/App';
INSERT INTO trust_policies SELECT id, '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
  {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]}'
  FROM principals WHERE arn LIKE '%:role/Odd';
PRAGMA user_version = 3;
)sql",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  REQUIRE(user_version(f) == 3);
  state st(f);
  CHECK(user_version(f) == schema_version);
  CHECK(st.cluster_policy(cluster).has_value());
  CHECK_THAT(*st.trust_policy(principal_arn("App", "role")), Catch::Contains("user/alice"));
  CHECK_THAT(*st.trust_policy(principal_arn("Odd", "role")), Catch::Contains("NotPrincipal"));
  CHECK(sqlite3_exec(st.handle(), "SELECT 1 FROM trust_policies", nullptr, nullptr, nullptr) != SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(st.handle(),
                             "SELECT resource_arn, effect, unsupported IS NOT NULL FROM statements "
                             "ORDER BY resource_arn, position",
                             -1, &s, nullptr) == SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(s) == SQLITE_ROW)
    rows.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))) + " " +
                   reinterpret_cast<const char*>(sqlite3_column_text(s, 1)) + " " +
                   std::to_string(sqlite3_column_int(s, 2)));
  sqlite3_finalize(s);
  // the Deny with NotPrincipal, which IAM refuses in a trust policy, is kept fail-closed
  CHECK(rows == std::vector<std::string>{"arn:aws:dsql:us-east-1:123456789012:cluster/local Deny 0",
                                         "arn:aws:iam::123456789012:role/App Allow 0",
                                         "arn:aws:iam::123456789012:role/Odd Allow 0",
                                         "arn:aws:iam::123456789012:role/Odd Deny 1"});
}

TEST_CASE("a version 1 state file migrates: its policies are re-normalised, what v2 refuses is kept fail-closed",
          "[iam][state][policy]") {
  temp_dir d;
  const fs::path f = d.path / "iam.sqlite";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(f.c_str(), &db) == SQLITE_OK);
    // schema version 1 as dsqlctl wrote it, with one principal and two policies
    const char* v1 = R"sql(
CREATE TABLE principals (id TEXT PRIMARY KEY, arn TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE access_keys (access_key_id TEXT PRIMARY KEY, principal_id TEXT NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  secret_access_key TEXT NOT NULL, session_token TEXT, expires_at INTEGER, created_at INTEGER NOT NULL);
CREATE INDEX access_keys_principal ON access_keys (principal_id);
CREATE TABLE policies (principal_id TEXT NOT NULL REFERENCES principals (id) ON DELETE CASCADE, name TEXT NOT NULL,
  document TEXT NOT NULL, PRIMARY KEY (principal_id, name));
CREATE TABLE policy_statements (principal_id TEXT NOT NULL, policy_name TEXT NOT NULL, statement INTEGER NOT NULL,
  effect TEXT NOT NULL, action TEXT NOT NULL, resource TEXT NOT NULL, conditional INTEGER NOT NULL,
  FOREIGN KEY (principal_id, policy_name) REFERENCES policies (principal_id, name) ON DELETE CASCADE);
INSERT INTO principals VALUES ('AROAMIGRATEDROLE0001', 'arn:aws:iam::123456789012:role/Old', 'role', 0);
INSERT INTO policies VALUES ('AROAMIGRATEDROLE0001', 'connect',
  '{"Statement":{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"*"}}');
INSERT INTO policies VALUES ('AROAMIGRATEDROLE0001', 'odd',
  '{"Statement":{"Effect":"Deny","Action":"s3:*"}}');
INSERT INTO policy_statements VALUES ('AROAMIGRATEDROLE0001', 'connect', 0, 'Allow', 'dsql:dbconnect', '*', 0);
PRAGMA user_version = 1;
)sql";
    REQUIRE(sqlite3_exec(db, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  state st(f);
  CHECK(user_version(f) == dsql::aws::schema_version);
  CHECK(st.policies("arn:aws:iam::123456789012:role/Old").size() == 2);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(st.handle(),
                             "SELECT policy_name, effect, unsupported IS NOT NULL FROM statements ORDER BY policy_name",
                             -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))) == "connect");
  CHECK(sqlite3_column_int(s, 2) == 0);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 1))) == "Deny");
  CHECK(sqlite3_column_int(s, 2) == 1);  // no Resource: kept, never grants, always denies
  sqlite3_finalize(s);
  // the old table is gone; reopening changes nothing
  CHECK(sqlite3_exec(st.handle(), "SELECT 1 FROM policy_statements", nullptr, nullptr, nullptr) != SQLITE_OK);
}

// The DSL's dsql::iam<...> (a spec part) and the token API (namespace dsql::aws) meet in
// one translation unit: an application declares its spec and signs its tokens side by side.
#include <dsql/roles.hpp>

#include "iam/token.hpp"

namespace one_tu {
using api = dsql::role<"api", dsql::login>;
using spec = dsql::cluster<"one_tu", dsql::roles<api>, dsql::iam<dsql::iam_grant<api, dsql::iam_role<"ApiRole">>>,
                           dsql::aws_account<"123456789012">>;
}  // namespace one_tu

TEST_CASE("a spec (dsql::iam<...>) and the token API (dsql::aws) are usable in one translation unit", "[iam][names]") {
  const auto m = dsql::model_of<one_tu::spec>();
  REQUIRE(m.mappings.size() == 1);
  dsql::aws::token_request r{"localhost", "us-east-1", false, 900};
  const std::string token = dsql::aws::generate_token(
      r, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", {}, "test"}, 1764410000);
  CHECK(token.rfind("localhost/?Action=DbConnect&", 0) == 0);
  CHECK(m.mappings[0].who.arn(m.account_id) == "arn:aws:iam::123456789012:role/ApiRole");
}
