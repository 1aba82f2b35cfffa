// Property: for random specs and random starting states, apply then plan is empty
// (with and without prune). The starting state is made by random SQL (roles with either
// LOGIN, grants from admin and from delegates, memberships in any direction, IAM
// mappings, default privileges); specs pick random roles, grants, memberships (acyclic),
// mappings, default privileges and retired roles. The state carries over from one
// iteration to the next. Seed: DSQL_PROPERTY_SEED (printed on failure).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>

#include <dsql/name.hpp>

#include "engine/model_json.hpp"
#include "fixture.hpp"

using namespace dsql::engine;
using namespace dsql::engine::test;
using pk = dsql::privilege_kind;
using spec = dsql::model::cluster;

namespace {

constexpr int pool = 6;
const char* const schemas[] = {"s0", "S 1"};
const char* const tables[] = {"t0", "T\"1", "t2"};
const char* const arns[] = {"arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:role/B"};
const pk table_privs[] = {pk::select, pk::insert, pk::update, pk::delete_, pk::truncate, pk::references, pk::trigger};

std::string role(int i) { return i == 3 ? "R\"3 x" : "pr" + std::to_string(i); }
std::string q(const std::string& s) { return dsql::quote_identifier(s); }

struct gen {
  std::mt19937 rng;
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  bool coin(int percent = 50) { return pick(100) < percent; }
  privilege_set some_table_privs() {
    privilege_set p;
    while (p.empty())
      for (auto b : table_privs)
        if (coin(30)) p |= b;
    return p;
  }
};

// Random SQL, each statement on its own; failures (role exists, mapping exists, ...) are fine.
void scramble(const dsql::engine::test::server& c, gen& g) {
  std::vector<std::string> st;
  for (int i = 0; i < pool; ++i)
    if (g.coin(60)) st.push_back("CREATE ROLE " + q(role(i)) + (g.coin() ? " LOGIN" : " NOLOGIN"));
  for (int k = 0; k < 8; ++k) {
    const std::string r = q(role(g.pick(pool)));
    const std::string sc = q(schemas[g.pick(2)]);
    switch (g.pick(10)) {
      case 0:
        st.push_back("GRANT USAGE ON SCHEMA " + sc + " TO " + r);
        break;
      case 1:
        st.push_back("GRANT CREATE ON SCHEMA " + sc + " TO " + r);
        break;
      case 2:
        st.push_back("GRANT " + privilege_list(g.some_table_privs()) + " ON " + sc + "." + q(tables[g.pick(3)]) +
                     " TO " + r + (g.coin(30) ? " WITH GRANT OPTION" : ""));
        break;
      case 3:
        st.push_back("GRANT " + q(role(g.pick(pool))) + " TO " + r);
        break;
      case 4:
        st.push_back("CALL sys.aws_iam_grant(" + dsql::quote_literal(role(g.pick(pool))) + ", " +
                     dsql::quote_literal(arns[g.pick(2)]) + ")");
        break;
      case 5:
        st.push_back("ALTER DEFAULT PRIVILEGES IN SCHEMA " + sc + " GRANT SELECT ON TABLES TO " + r);
        break;
      case 6:
        st.push_back("GRANT SELECT (id), UPDATE (id) ON " + q(schemas[0]) + "." + q(tables[g.pick(3)]) + " TO " + r);
        break;
      case 7:
        st.push_back("GRANT USAGE, SELECT ON SEQUENCE " + q(schemas[0]) + ".q TO " + r +
                     (g.coin() ? " WITH GRANT OPTION" : ""));
        break;
      case 8:
        st.push_back("GRANT EXECUTE ON FUNCTION " + q(schemas[0]) + ".f(int) TO " + r);
        break;
      case 9:
        st.push_back(std::string("GRANT ") + (g.coin() ? "USAGE" : "CREATE") + " ON SCHEMA " + sc + " TO PUBLIC");
        break;
    }
  }
  for (const auto& s : st) try {
      c.sql(s);
    } catch (const std::exception&) {
    }
  // a delegated grant (grantor not admin)
  const std::string d = role(g.pick(pool)), u = role(g.pick(pool));
  try {
    c.sql("GRANT SELECT ON " + q(schemas[0]) + "." + q(tables[0]) + " TO " + q(d) + " WITH GRANT OPTION; SET ROLE " +
              q(d) + "; GRANT SELECT ON " + q(schemas[0]) + "." + q(tables[0]) + " TO " + q(u) + "; RESET ROLE;",
          "postgres");
  } catch (const std::exception&) {
  }
}

spec random_spec(gen& g) {
  spec s;
  s.name = "property";
  s.account_id = "123456789012";
  s.schemas = {schema(schemas[0], false), schema(schemas[1], false)};
  for (int i = 0; i < pool; ++i) {
    if (g.coin(70))
      s.roles.push_back(dsql::engine::test::role(role(i), g.coin()));
    else if (g.coin(40))
      s.retired_roles.push_back(role(i));
  }
  for (std::size_t a = 0; a < s.roles.size(); ++a)
    for (std::size_t b = 0; b < a; ++b)
      if (g.coin(20)) s.memberships.push_back(member_of(s.roles[b].name, s.roles[a].name, g.coin(20)));  // acyclic
  const pk usage = pk::usage;
  for (const auto& r : s.roles) {
    for (const char* sc : schemas) {
      if (g.coin(60))
        s.grants.push_back(on_schema(sc, g.coin() ? privilege_set(usage) : privs({pk::usage, pk::create}), r.name));
      if (g.coin(50)) {
        auto x = on_all_tables(sc, g.some_table_privs(), r.name);
        if (g.coin(15)) x = with_option(x);
        s.grants.push_back(x);
      }
    }
    if (g.coin(20)) s.grants.push_back(on_table(schemas[1], tables[1], g.some_table_privs(), r.name));
    if (g.coin(15)) {
      auto x = grant(dsql::object_kind::columns, schemas[0], tables[g.pick(3)], pk::select, r.name);
      x.columns = {"id"};
      s.grants.push_back(x);
    }
    if (g.coin(15))
      s.grants.push_back(grant(dsql::object_kind::sequence, schemas[0], "q", privs({pk::usage, pk::select}), r.name));
    if (g.coin(15)) {
      auto x = grant(dsql::object_kind::function, schemas[0], "f", pk::execute, r.name);
      x.arguments = "int";
      s.grants.push_back(x);
    }
    if (g.coin(10)) s.grants.push_back(on_database(pk::temporary, r.name));
    if (g.coin(10)) s.revokes.push_back(on_table(schemas[0], tables[0], pk::select, r.name));
    if (r.login && g.coin(40)) s.mappings.push_back(mapping(r.name, arns[g.pick(2)]));
    if (g.coin(20) && s.roles.size() > 1)
      s.default_privileges.push_back(default_on_tables(s.roles[0].name, schemas[g.pick(2)], pk::select, r.name));
  }
  if (g.coin(30)) {
    const char* sc = schemas[g.pick(2)];
    if (g.coin())
      s.grants.push_back(on_schema(sc, usage, ""));
    else
      s.revokes.push_back(on_schema(sc, privs({pk::usage, pk::create}), ""));
  }
  return s;
}

}  // namespace

TEST_CASE("property: for random specs and starting states, apply then plan is empty", "[integration][property]") {
  auto& c = cluster();
  std::string ddl;
  for (const char* sc : schemas) {
    ddl += "CREATE SCHEMA " + q(sc) + ";";
    for (const char* t : tables) ddl += "CREATE TABLE " + q(sc) + "." + q(t) + "(id int);";
  }
  ddl += "CREATE SEQUENCE " + q(schemas[0]) + ".q; CREATE FUNCTION " + q(schemas[0]) +
         ".f(int) RETURNS int LANGUAGE sql AS 'SELECT 1';";
  c.sql(ddl);
  c.principals({arns[0], arns[1]});
  const char* env = std::getenv("DSQL_PROPERTY_SEED");
  const unsigned seed = env ? static_cast<unsigned>(std::strtoul(env, nullptr, 10)) : std::random_device{}();
  const int iterations =
      std::getenv("DSQL_PROPERTY_ITERATIONS") ? std::atoi(std::getenv("DSQL_PROPERTY_ITERATIONS")) : 25;
  gen g{std::mt19937(seed)};
  for (int it = 0; it < iterations; ++it) {
    INFO("DSQL_PROPERTY_SEED=" << seed << " iteration " << it);
    scramble(c, g);
    const spec s = random_spec(g);
    INFO(model_to_json(s));
    const bool prune = g.coin();
    INFO("prune " << prune);
    const plan before = c.plan_for(s, prune);
    INFO("the plan applied:\n" << to_text(before));
    try {
      c.apply_spec(s, prune);
    } catch (const std::exception& e) {
      // the ACLs as the server has them after the failure, for the report
      std::string acls;
      pqxx::connection conn(c.conninfo("postgres"));
      pqxx::nontransaction n(conn);
      for (const auto& row :
           n.exec("SELECT c.oid::regclass::text || ' ' || coalesce(c.relacl::text, '(null)') FROM pg_class c "
                  "JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname IN ('s0', 'S 1') "
                  "AND c.relkind = 'r' UNION ALL SELECT nspname || ' ' || coalesce(nspacl::text, '') "
                  "FROM pg_namespace WHERE nspname IN ('s0', 'S 1')"))
        acls += std::string(row[0].c_str()) + "\n";
      FAIL(e.what() << "\nACLs now:\n" << acls);
    }
    const plan p = c.plan_for(s, prune);
    INFO(to_text(p));
    REQUIRE(p.empty());
    if (prune) {
      REQUIRE(!p.drift());  // pruned: nothing the spec manages differs any more
      REQUIRE(c.plan_for(s, false).empty());
    }
  }
}
