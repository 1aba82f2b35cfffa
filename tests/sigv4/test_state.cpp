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

TEST_CASE("a new state file is mode 0600 at the current schema version, and reopening changes nothing", "[iam][state]") {
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
    { state st(d.path / "ok.sqlite"); st.create_principal(principal_arn("R", "role")); }
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

TEST_CASE("policies normalise to one row per action and resource; Condition and Not* never grant", "[iam][policy]") {
    const auto rows = normalise_policy(R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["dsql:DbConnect","DSQL:DbConnectAdmin"],"Resource":["arn:a","arn:b"]},
        {"Effect":"Deny","Action":"dsql:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
        {"Effect":"Allow","NotAction":"s3:*","Resource":"*"},
        {"Effect":"Allow","Action":"*","NotResource":"arn:x"}]})");
    REQUIRE(rows.size() == 7);
    CHECK(rows[0].action == "dsql:dbconnect");
    CHECK(rows[1].resource == "arn:b");
    CHECK(rows[2].action == "dsql:dbconnectadmin");
    CHECK_FALSE(rows[3].conditional);
    CHECK(rows[4].effect == "Deny");
    CHECK(rows[4].conditional);
    CHECK(rows[5].action == "*");
    CHECK(rows[5].conditional);
    CHECK(rows[6].resource == "*");
    CHECK(rows[6].conditional);
    CHECK_THROWS_WITH(normalise_policy(R"({"Statement":[]})"), Catch::Contains("non-empty"));
    CHECK_THROWS_WITH(normalise_policy(R"({"Statement":{"Effect":"Maybe","Action":"*","Resource":"*"}})"),
                      Catch::Contains("Effect"));
    CHECK_THROWS_WITH(normalise_policy(R"({"Statement":{"Effect":"Allow","Resource":"*"}})"),
                      Catch::Contains("Action"));
    CHECK_THROWS_WITH(normalise_policy(R"({"Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}})"),
                      Catch::Contains("strings"));
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
  const std::string token =
      dsql::aws::generate_token(r, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", {}, "test"}, 1764410000);
  CHECK(token.rfind("localhost/?Action=DbConnect&", 0) == 0);
  CHECK(m.mappings[0].who.arn(m.account_id) == "arn:aws:iam::123456789012:role/ApiRole");
}
