// The spec as JSON (engine/model_json.hpp): model -> JSON -> model is the identity over
// every fixture; unknown keys, duplicate keys, wrong types and missing keys are refused
// with the key's path; JSON says everything the model holds (ALL, sequences, functions,
// columns, default privileges on tables, sequences and functions, grant options, PUBLIC).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <random>

#include "engine/model_json.hpp"
#include "p3_spec.hpp"
#include "readme_specs.hpp"
#include "seed.hpp"
#include "spec_builder.hpp"

using namespace dsql::engine;
using dsql::model::cluster;

namespace {

void round_trip(const cluster& m) {
  const std::string text = model_to_json(m);
  INFO(text);
  const cluster back = model_from_json(text);
  CHECK(back == m);
  CHECK(model_to_json(back) == text);
}

std::string with(const std::string& key_json) { return "{\"name\": \"x\", " + key_json + "}"; }

}  // namespace

TEST_CASE("model -> JSON -> model is the identity for every DSL fixture", "[engine][spec][json]") {
  round_trip(dsql::model_of<seed::spec>());
  round_trip(dsql::model_of<p3::spec>());
  round_trip(dsql::model_of<readme::shop::spec>());
  round_trip(dsql::model_of<readme::ledger::spec>());
  cluster retired = dsql::model_of<seed::spec>();
  retired.retired_roles = {"old_api", "quote\"d"};
  retired.account_id = "123456789012";
  retired.region = "us-east-1";
  retired.cluster_id = "abc123";
  round_trip(retired);
}

TEST_CASE("model -> JSON -> model is the identity for random models of every declaration kind",
          "[engine][spec][json]") {
  std::mt19937 rng(20261202);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const char* names[] = {"a", "Mixed", "quote\"inside", "with space", "r\xc3\xb4le", "PUBLIC", "new\nline"};
  for (int i = 0; i < 200; ++i) {
    cluster m;
    m.name = names[pick(7)];
    for (int r = 0; r < 4; ++r) {
      auto role = dsql::engine::test::role(names[pick(7)] + std::to_string(r), pick(2) == 1);
      if (pick(3) == 0) role.inherit = pick(2) == 1;
      if (pick(3) == 0) role.connection_limit = pick(30) - 1;
      if (pick(5) == 0) role.password_env = "PW";
      role.component = pick(2) ? "" : "comp|onent";
      m.roles.push_back(role);
    }
    auto sc = dsql::engine::test::schema(names[pick(7)], pick(2) == 1);
    sc.owner = pick(2) ? m.roles[0].name : "";
    sc.sensitive = pick(2) == 1;
    if (sc.sensitive) sc.readers = {m.roles[1].name};
    m.schemas.push_back(sc);
    for (int g = 0; g < 6; ++g) {
      const auto on = static_cast<dsql::object_kind>(pick(9));
      const auto set = dsql::privileges_of(on);
      dsql::model::grant x;
      x.on = on;
      x.privileges.assign(set.begin(), set.begin() + 1 + pick(static_cast<int>(set.size())));
      x.schema = on == dsql::object_kind::database ? "" : sc.name;
      if (on == dsql::object_kind::table || on == dsql::object_kind::columns || on == dsql::object_kind::sequence ||
          on == dsql::object_kind::function)
        x.object = names[pick(7)];
      if (on == dsql::object_kind::function) x.arguments = "integer, text";
      if (on == dsql::object_kind::columns) x.columns = {"c1", names[pick(7)]};
      if (pick(3) == 0)
        x.to_public = true;
      else
        x.grantee = m.roles[static_cast<std::size_t>(pick(4))].name;
      if (pick(3) == 0) {
        m.revokes.push_back(x);
      } else {
        x.with_grant_option = !x.to_public && pick(3) == 0;
        m.grants.push_back(x);
      }
    }
    dsql::model::default_privilege d;
    d.creator = m.roles[0].name;
    d.on = pick(2) ? dsql::object_kind::all_sequences_in_schema : dsql::object_kind::all_functions_in_schema;
    d.privileges = {dsql::privileges_of(d.on)[0]};
    d.schema = sc.name;
    d.grantee = m.roles[2].name;
    d.with_grant_option = pick(2) == 1;
    m.default_privileges.push_back(d);
    m.memberships.push_back({m.roles[0].name, m.roles[1].name, pick(2) == 1, false});
    m.mappings.push_back(
        {m.roles[1].name,
         {pick(2) ? dsql::principal_kind::iam_user : dsql::principal_kind::iam_role, "path/Name", ""}});
    m.admins.push_back({dsql::principal_kind::iam_role, "Admin", "111122223333"});
    m.principals.push_back({dsql::principal_kind::iam_role, "Bare", ""});
    if (pick(2)) m.retired_roles = {names[pick(7)]};
    round_trip(m);
  }
}

TEST_CASE("JSON can say ALL, and it becomes the object kind's whole set", "[engine][spec][json]") {
  const cluster m = model_from_json(with(R"("roles": [{"name": "r"}], "schemas": [{"name": "s"}],
      "grants": [{"privileges": "ALL", "on": "table", "schema": "s", "object": "t", "grantee": "r"},
                 {"privileges": ["ALL"], "on": "all_sequences_in_schema", "schema": "s", "public": true},
                 {"privileges": "ALL", "on": "database", "grantee": "r", "with_grant_option": true}])"));
  REQUIRE(m.grants.size() == 3);
  CHECK(m.grants[0].privileges.size() == 7);
  CHECK(m.grants[1].privileges == std::vector<dsql::privilege_kind>{dsql::privilege_kind::usage,
                                                                    dsql::privilege_kind::select,
                                                                    dsql::privilege_kind::update});
  CHECK(m.grants[1].to_public);
  CHECK(m.grants[2].privileges.size() == 3);
  CHECK(m.grants[2].with_grant_option);
}

TEST_CASE("JSON: unknown keys, duplicate keys, wrong types and missing keys are refused with the key's path",
          "[engine][spec][json]") {
  auto refused = [](const std::string& text, const std::string& message) {
    INFO(text);
    CHECK_THROWS_WITH(model_from_json(text), Catch::Contains(message));
  };
  refused(with(R"("roles": [{"name": "r", "logn": true}])"), "spec JSON: roles[0].logn: unknown key");
  refused(with(R"("roles": [{"name": "r", "login": true, "login": false}])"),
          "spec JSON: roles[0].login: the key is given twice");
  refused(R"({"name": "x", "name": "y"})", "spec JSON: name: the key is given twice");
  refused(
      with(
          R"("grants": [{}, {"privileges": ["SELECT"], "on": "table", "schema": "s", "object": "t", "grantee": "r", "grantee": "q"}])"),
      "spec JSON: grants[1].grantee: the key is given twice");
  refused(with(R"("roles": [{"name": "r", "login": "yes"}])"),
          "spec JSON: roles[0].login: must be true or false, not string");
  refused(with(R"("roles": [{"login": true}])"), "spec JSON: roles[0].name: is required");
  refused(with(R"("roles": {"name": "r"})"), "spec JSON: roles: must be an array, not object");
  refused(with(R"("roles": [{"name": "r", "connection_limit": 1.5}])"),
          "spec JSON: roles[0].connection_limit: must be an integer or null");
  refused(with(R"("grants": [{"privileges": ["SELEKT"], "on": "table", "grantee": "r"}])"),
          "spec JSON: grants[0].privileges[0]: unknown privilege \"SELEKT\"");
  refused(with(R"("grants": [{"privileges": ["SELECT"], "on": "view", "grantee": "r"}])"),
          "spec JSON: grants[0].on: must be one of database, schema");
  refused(with(R"("grants": [{"privileges": ["SELECT"], "on": "table"}])"),
          "spec JSON: grants[0]: needs exactly one of \"grantee\" (a role) and \"public\": true");
  refused(with(R"("grants": [{"privileges": ["SELECT"], "on": "table", "grantee": "r", "public": true}])"),
          "needs exactly one of");
  refused(with(R"("mappings": [{"role": "r", "principal": {"name": "N", "kind": "group"}}])"),
          "spec JSON: mappings[0].principal.kind: must be \"role\" or \"user\"");
  refused(with(R"("revokes": [{"privileges": ["SELECT"], "on": "table", "public": true, "with_grant_option": true}])"),
          "spec JSON: revokes[0].with_grant_option: has no meaning on a revoke");
  refused(R"({"name": "x", "roles": [)", "spec JSON: not valid JSON");
  refused(R"({"name": "x"} trailing)", "spec JSON: not valid JSON");
  refused(R"([1, 2])", "spec JSON: the document: must be an object");
  refused(with(R"("schemas": [{"name": "s", "readers": ["r"]}])"),
          "spec JSON: schemas[0].readers: lists readers of a schema that is not sensitive");
}

TEST_CASE("a JSON spec is checked with the DSL's rules, one sentence each, before any SQL", "[engine][spec][json]") {
  for (const char* name :
       {"admin", "postgres", "public", "none", "sys", "rds", "rdsadmin", "rds_superuser", "pg_monitor"}) {
    INFO(name);
    const nlohmann::json role = {{"name", name}};
    CHECK_THROWS_WITH(dsql::validate(model_from_json(nlohmann::json{{"roles", {role}}}.dump())),
                      Catch::Contains("reserved"));
    CHECK_THROWS_WITH(dsql::validate(model_from_json(nlohmann::json{{"retired_roles", {name}}}.dump())),
                      Catch::Contains("reserved"));
  }
  const auto cycle = model_from_json(with(R"("roles": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
      "memberships": [{"group": "a", "member": "b"}, {"group": "b", "member": "c"}, {"group": "c", "member": "a"}])"));
  CHECK_THROWS_WITH(dsql::validate(cycle), Catch::Contains("must not form a cycle"));
  const auto both = model_from_json(with(R"("roles": [{"name": "a"}], "retired_roles": ["a"])"));
  CHECK_THROWS_WITH(dsql::validate(both), Catch::Contains("retired"));
}
