// The planner without a server: a live state built by hand, diffed for both targets.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"

using namespace dsql::engine;

namespace {

state seeded(target t) {
  state st;
  st.on = t;
  st.current_user = "admin";
  st.database = "postgres";
  st.has_mapping_view = true;
  st.roles = {{"admin", false, true, true, false}, {"app", false, true, false, false}, {"delegate", false, false, false, false}};
  st.objects = {{object_kind::schema, "", "app_s", "", "admin", 0}, {object_kind::table, "app_s", "t1", "", "admin", 'r'}};
  st.acls = {{0, "admin", false, "admin", p_usage | p_create, p_usage | p_create, ""},
             {1, "admin", false, "admin", all_privileges(object_kind::table, 150000), 0, ""},
             {1, "delegate", false, "admin", p_select, p_select, ""},
             {1, "app", false, "delegate", p_select, 0, ""}};
  st.mappings = {{"app", "arn:aws:iam::123456789012:role/Old", "admin"}};
  return st;
}

spec app_spec() {
  spec s;
  s.name = "unit";
  s.roles = {{"app", true, {}}, {"web", true, {}}};
  s.schemas = {{"app_s", false}};
  s.grants = {{grant_on::schema, "app_s", {}, p_usage, "web", false},
              {grant_on::all_tables, "app_s", {}, p_select | p_insert, "web", false}};
  s.mappings = {{"web", "arn:aws:iam::123456789012:role/Web"}};
  return s;
}

}  // namespace

TEST_CASE("aurora_dsql plans use AWS IAM GRANT/REVOKE and never SET ROLE", "[engine][plan]") {
  const plan p = diff(app_spec(), seeded(target::aurora_dsql), {true});
  std::string sql;
  for (const auto& st : p.steps) {
    sql += st.sql + "\n";
    CHECK(st.act_as.empty());
    CHECK(st.prologue.empty());
  }
  CHECK(sql ==
        "CREATE ROLE \"web\" WITH LOGIN;\n"
        "REVOKE SELECT ON TABLE \"app_s\".\"t1\" FROM \"app\" GRANTED BY \"delegate\";\n"
        "GRANT USAGE ON SCHEMA \"app_s\" TO \"web\";\n"
        "GRANT SELECT, INSERT ON TABLE \"app_s\".\"t1\" TO \"web\";\n"
        "AWS IAM REVOKE \"app\" FROM 'arn:aws:iam::123456789012:role/Old';\n"
        "AWS IAM GRANT \"web\" TO 'arn:aws:iam::123456789012:role/Web';\n");
}

TEST_CASE("postgres_local plans act as the grantor of a delegated grant, and call the extension", "[engine][plan]") {
  const plan p = diff(app_spec(), seeded(target::postgres_local), {true});
  REQUIRE(p.steps.size() == 7);
  CHECK(p.steps[1].sql == "GRANT \"delegate\" TO \"admin\";");
  CHECK(p.steps[2].act_as == "delegate");
  CHECK(p.steps[2].prologue == "GRANT USAGE ON SCHEMA \"app_s\" TO \"delegate\";");
  CHECK(p.steps[5].sql == "CALL sys.aws_iam_revoke('app', 'arn:aws:iam::123456789012:role/Old');");
  const auto j = nlohmann::json::parse(to_json(p));
  CHECK(j["changes"] == 7);
  CHECK(j["steps"][2]["act_as"] == "delegate");
  const std::string text = to_text(p);
  CHECK(text.find("Plan for spec \"unit\" on postgres_local: 4 to add, 1 to change, 2 to remove") == 0);
  CHECK(text.find("role \"web\"\n") != std::string::npos);
}

TEST_CASE("without prune, nothing a managed role has beyond the spec is revoked", "[engine][plan]") {
  const plan p = diff(app_spec(), seeded(target::postgres_local), {false});
  for (const auto& st : p.steps) CHECK(st.action != '-');
}

TEST_CASE("the spec is validated before any SQL: names, reserved roles, undeclared grantees", "[engine][spec]") {
  spec s = app_spec();
  s.roles.push_back({std::string(64, 'x'), false, {}});
  CHECK_THROWS_WITH(validate(s), Catch::Contains("at most 63 bytes"));
  s = app_spec();
  s.roles.push_back({"admin", true, {}});
  CHECK_THROWS_WITH(validate(s), Catch::Contains("reserved"));
  s = app_spec();
  s.grants.push_back({grant_on::schema, "app_s", {}, p_usage, "nobody", false});
  CHECK_THROWS_WITH(validate(s), Catch::Contains("not declared"));
  s = app_spec();
  s.grants.push_back({grant_on::schema, "app_s", {}, p_select, "web", false});
  CHECK_THROWS_WITH(validate(s), Catch::Contains("does not apply to a schema"));
  s = app_spec();
  s.roles[1].login = false;  // web is mapped
  CHECK_THROWS_WITH(validate(s), Catch::Contains("must have LOGIN"));
}

TEST_CASE("a spec survives JSON both ways", "[engine][spec]") {
  spec s = app_spec();
  s.roles[0].member_of = {"web"};
  s.default_privileges = {{"admin", "app_s", p_select, "web", false}};
  s.retired_roles = {"old"};
  s.public_schemas = {"public"};
  s.grants.push_back({grant_on::schema, "app_s", {}, p_usage, {}, true});
  const std::string j = to_json(s);
  CHECK(to_json(spec_from_json(j)) == j);
  CHECK_THROWS_WITH(spec_from_json("{\"grants\": [{\"on\": \"view\"}]}"), Catch::Contains("all_tables"));
}
