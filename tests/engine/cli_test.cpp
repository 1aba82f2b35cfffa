// The engine's command line as users run it: dsqlctl plan|apply|inspect with --spec and
// --dir, the exit codes (0 ok, 1 error, 2 usage, 3 plan --exit-code with changes), JSON
// output, and seed-spec plan/apply (dsql::main<seed::spec>).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "engine/model_json.hpp"
#include "fixture.hpp"

using namespace dsql::engine;
using dsql::engine::test::cluster;
using dsql::test::run;

TEST_CASE("dsqlctl plan/apply/inspect: exit codes, JSON, a 64-byte name refused before connecting",
          "[integration][cli]") {
  auto& c = cluster();
  const std::string dir = c.dir.string();
  dsql::model::cluster s;
  s.name = "cli";
  s.roles = {dsql::engine::test::role("cli_app", true)};
  s.schemas = {dsql::engine::test::schema("public", false)};
  s.grants = {dsql::engine::test::on_schema("public", dsql::privilege_kind::usage, "cli_app")};
  const std::string file = (c.dir / "spec.json").string();
  std::ofstream(file) << model_to_json(s);

  auto plan = run({DSQLCTL, "plan", "--spec", file, "--dir", dir, "--exit-code"});
  INFO(plan.output);
  CHECK(plan.status == 3);
  CHECK(plan.output.find("+ 1. CREATE ROLE \"cli_app\" WITH LOGIN;") != std::string::npos);
  auto json = run({DSQLCTL, "plan", "--spec", file, "--dir", dir, "--format", "json"});
  REQUIRE(json.status == 0);
  const auto j = nlohmann::json::parse(json.output);
  CHECK(j["changes"] == 2);
  CHECK(j["steps"][0]["kind"] == "create_role");
  auto apply = run({DSQLCTL, "apply", "--spec", file, "--dir", dir});
  INFO(apply.output);
  CHECK(apply.status == 0);
  CHECK(apply.output.find("Apply complete: 2 step(s)") != std::string::npos);
  CHECK(run({DSQLCTL, "plan", "--spec", file, "--dir", dir, "--exit-code"}).status == 0);
  auto inspect = run({DSQLCTL, "inspect", "--dir", dir, "--format", "json"});
  REQUIRE(inspect.status == 0);
  CHECK(nlohmann::json::parse(inspect.output)["round_trips"] == 10);

  s.roles.push_back(dsql::engine::test::role(std::string(64, 'z')));
  std::ofstream(file) << model_to_json(s);
  auto bad = run({DSQLCTL, "plan", "--spec", file, "--conninfo", "host=/nonexistent"});
  CHECK(bad.status == 1);
  CHECK(bad.output.find("at most 63 bytes") != std::string::npos);
  // reserved names (the DSL's rule) and a membership in admin are refused at spec load
  for (const char* json : {R"({"roles": [{"name": "app"}], "memberships": [{"group": "admin", "member": "app"}]})",
                           R"({"roles": [{"name": "rdsadmin"}]})", R"({"roles": [{"name": "public"}]})",
                           R"({"retired_roles": ["sys"]})"}) {
    std::ofstream(file) << json;
    auto refused = run({DSQLCTL, "plan", "--spec", file, "--conninfo", "host=/nonexistent"});
    INFO(json << "\n" << refused.output);
    CHECK(refused.status == 1);
    CHECK((refused.output.find("reserved") != std::string::npos ||
           refused.output.find("must be declared") != std::string::npos));
  }
  // a broken spec file names the key's path, with real line breaks in the message
  std::ofstream(file) << R"({"roles": [{"name": "a", "login": "yes"}]})";
  auto typed = run({DSQLCTL, "plan", "--spec", file, "--conninfo", "host=/nonexistent"});
  CHECK(typed.status == 1);
  CHECK(typed.output.find("roles[0].login: must be true or false") != std::string::npos);
  CHECK(run({DSQLCTL, "plan", "--dir", dir}).status == 2);  // no --spec
  CHECK(run({DSQLCTL, "plan", "--spec", file, "--format", "yaml"}).status == 2);
}

TEST_CASE("seed-spec plan/apply: a spec program is the engine's command line (dsql::main)", "[integration][cli]") {
  auto& c = cluster();
  const std::string dir = c.dir.string();
  c.seed_principals();
  CHECK(run({SEED_SPEC, "plan", "--dir", dir, "--exit-code"}).status == 3);
  auto apply = run({SEED_SPEC, "apply", "--dir", dir, "--format", "json"});
  INFO(apply.output);
  REQUIRE(apply.status == 0);
  CHECK(nlohmann::json::parse(apply.output)["converged"] == true);
  CHECK(run({SEED_SPEC, "plan", "--dir", dir, "--exit-code"}).status == 0);
  // the existing commands still work
  CHECK(run({SEED_SPEC, "bootstrap", "--target", "aurora_dsql", "--account-id", "123456789012"}).status == 0);
  auto spec_json = run({SEED_SPEC, "spec"});
  REQUIRE(spec_json.status == 0);
  CHECK(model_from_json(spec_json.output).roles.size() == 4);
}

TEST_CASE("inspect --format cpp writes DSL code that compiles and declares what the database has",
          "[integration][cli]") {
  auto& c = cluster();
  const std::string dir = c.dir.string();
  c.seed_principals();
  REQUIRE(run({SEED_SPEC, "apply", "--dir", dir}).status == 0);
  std::ifstream in(std::string(SOURCE_DIR) + "/dsl/demo/seed_tables.sql");
  std::ostringstream tables;
  tables << in.rdbuf();
  c.sql(tables.str());
  REQUIRE(run({SEED_SPEC, "apply", "--dir", dir}).status == 0);
  // roles named like C++ keywords become other identifiers (class_, public_, and_, co_await_)
  c.sql(
      "CREATE ROLE \"class\"; CREATE ROLE \"Public\"; CREATE ROLE \"and\"; CREATE ROLE \"co_await\"; "
      "CREATE ROLE \"1st\";");

  auto cpp = run({DSQLCTL, "inspect", "--dir", dir, "--format", "cpp"});
  INFO(cpp.output);
  REQUIRE(cpp.status == 0);
  CHECK(cpp.output.find("Not expressible") == std::string::npos);
  CHECK(cpp.output.find("dsql::grant<dsql::privileges<dsql::select, dsql::insert, dsql::update, dsql::delete_>, "
                        "dsql::on_all_tables_in<dsql::public_schema>, app_readwrite>") != std::string::npos);
  CHECK(cpp.output.find("dsql::iam_grant<app_readonly, dsql::iam_role<\"AppReadOnlyRole\">>") != std::string::npos);
  CHECK(cpp.output.find("using class_ = dsql::role<\"class\">;") != std::string::npos);
  CHECK(cpp.output.find("using co_await_ = dsql::role<\"co_await\">;") != std::string::npos);
  CHECK(cpp.output.find("using table_profiles = dsql::table<schema_users_schema, \"profiles\", "
                        "dsql::columns<\"id\", \"tenant_id\", \"email\", \"name\", \"phone\">>;") != std::string::npos);
  CHECK(cpp.output.find("using catalog = dsql::catalog<spec, dsql::tables<") != std::string::npos);
  const auto header = c.dir / "adopted.hpp";
  std::ofstream(header) << cpp.output;
  const auto check = c.dir / "adopted_check.cpp";
  std::ofstream(check) << "#include \"adopted.hpp\"\n#include <dsql/model.hpp>\n"
                          "static_assert(dsql::valid<adopted::spec>);\n"
                          "static_assert(dsql::model_of<adopted::spec>().roles.size() == 9);\n"
                          "static_assert(dsql::model_of<adopted::spec>().mappings.size() == 4);\n"
                          "static_assert(dsql::model_of<adopted::spec>().grants.size() == 12);\n"
                          // the adopted tables: an application's statements check against them
                          "#include <dsql/statement.hpp>\n"
                          "using find = dsql::statement<adopted::catalog, adopted::user_service,\n"
                          "    \"SELECT email, name FROM users_schema.profiles WHERE tenant_id = $1\">;\n"
                          "static_assert(find::refusal_size == 0);\n"
                          "static_assert(dsql::refusal<adopted::catalog, adopted::app_readonly>(\n"
                          "    \"INSERT INTO products (tenant_id, name) VALUES ($1, $2)\").view() ==\n"
                          "    \"app_readonly may not INSERT into public.products: the spec grants it SELECT\");\n"
                          "static_assert(!dsql::refusal<adopted::catalog, adopted::user_service>(\n"
                          "    \"SELECT nickname FROM users_schema.profiles\").ok);  // not a column of it\n";
  auto compile =
      run({CXX_COMPILER, "-std=c++20", "-fsyntax-only", "-I", std::string(SOURCE_DIR) + "/include", check.string()});
  INFO(compile.output);
  CHECK(compile.status == 0);
}
