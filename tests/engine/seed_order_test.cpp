// The seed's ordering (../shared/cases/seed-flow.md): the grants run before the tables
// exist; after the tables appear, the plan names exactly the missing grants on
// public.products and users_schema.profiles; apply fixes them; the plan is then empty.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "fixture.hpp"
#include "seed.hpp"

using namespace dsql::engine;
using dsql::engine::test::cluster;

TEST_CASE("seed ordering: after the tables appear, the plan names exactly the missing table grants",
          "[integration][seed]") {
  auto& c = cluster();
  auto s = dsql::model_of<seed::spec>();
  s.account_id = "123456789012";
  c.seed_principals();
  c.apply_spec(s);
  CHECK(c.plan_for(s).empty());
  std::ifstream in(std::string(SOURCE_DIR) + "/dsl/demo/seed_tables.sql");
  std::ostringstream text;
  text << in.rdbuf();
  c.sql(text.str());

  const plan p = c.plan_for(s);
  INFO(to_text(p));
  std::set<std::string> got;
  for (const auto& st : p.steps) {
    CHECK(st.kind == step_kind::grant);
    got.insert(statement_text(st, p.on));
  }
  // one GRANT per role names every table it lacks (fewer statements; on aurora_dsql, fewer
  // transactions)
  const std::set<std::string> want = {
      "GRANT SELECT ON TABLE \"public\".\"products\" TO \"app_readonly\";",
      "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE \"public\".\"products\" TO \"app_readwrite\";",
      "GRANT SELECT, INSERT, UPDATE ON TABLE \"public\".\"products\", \"users_schema\".\"profiles\" TO \"user_service\";",
      "GRANT SELECT ON TABLE \"public\".\"products\", \"users_schema\".\"profiles\" TO \"reporting_readonly\";",
  };
  CHECK(got == want);
  CHECK(p.steps.size() == want.size());

  const auto r = c.apply_spec(s);
  CHECK(r.applied.steps.size() == want.size());
  CHECK(c.plan_for(s).empty());
  CHECK(c.plan_for(s, true).empty());
  CHECK(c.one("SELECT has_table_privilege('app_readonly', 'public.products', 'SELECT')") == "t");
  CHECK(c.one("SELECT has_table_privilege('app_readonly', 'public.products', 'INSERT')") == "f");
  CHECK(c.one("SELECT count(*) FROM sys.iam_pg_role_mappings") == "4");
}
