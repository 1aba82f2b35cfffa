// dsql::testing without a server: the cells derived from a model and a catalog (which
// privilege is expected where, and why), the statements, the skips, the report.
#include <catch2/catch.hpp>

#include <dsql/testing.hpp>

#include <algorithm>

#include "seed.hpp"
#include "wide_spec.hpp"

using dsql::testing::expect;

namespace {

dsql::testing::catalog wide_catalog() {
  dsql::testing::catalog c;
  c.database = "postgres";
  c.schemas = {{"ledger", "admin"}, {"public", "pg_database_owner"}, {"vault", "admin"}};
  c.relations = {
      {"ledger", "accounts", "admin", 'r', {"id", "name", "balance"}},
      {"ledger", "entry_id", "admin", 'S', {}},
      {"ledger", "mine", "regress_member", 'r', {"id"}},
      {"ledger", "summary", "admin", 'v', {"n"}},
      {"vault", "secrets", "admin", 'r', {"id", "v"}},
  };
  c.functions = {
      {"ledger", "post", "admin", 'f', {"integer"}, false},
      {"ledger", "settle", "admin", 'p', {}, false},
      {"ledger", "total", "admin", 'f', {"integer[]"}, true},
  };
  c.has_iam_grant = false;
  return c;
}

const dsql::testing::probe& cell(const std::vector<dsql::testing::probe>& cells, std::string_view role,
                                 std::string_view privilege, std::string_view object) {
  auto it = std::find_if(cells.begin(), cells.end(), [&](const dsql::testing::probe& p) {
    return p.role == role && p.privilege == privilege && p.object == object;
  });
  if (it == cells.end())
    throw std::runtime_error("no cell " + std::string(role) + " " + std::string(privilege) + " " + std::string(object));
  return *it;
}

}  // namespace

TEST_CASE("the probed roles are the spec's LOGIN roles mapped to IAM principals", "[testing][unit]") {
  const auto cells = dsql::testing::derive(dsql::model_of<wide::spec>(), wide_catalog());
  std::vector<std::string> roles;
  for (const auto& p : cells)
    if (std::find(roles.begin(), roles.end(), p.role) == roles.end()) roles.push_back(p.role);
  CHECK(roles == std::vector<std::string>{"regress_member", "regress_loner", "regress_auditor"});
}

TEST_CASE("a member inherits its group's grants, a NOINHERIT member does not", "[testing][unit]") {
  const auto cells = dsql::testing::derive(dsql::model_of<wide::spec>(), wide_catalog());
  const auto& m = cell(cells, "regress_member", "SELECT", "ledger.accounts");
  CHECK(m.expected == expect::allowed);
  CHECK(m.why.find("regress_base (member)") != std::string::npos);
  CHECK(cell(cells, "regress_member", "USAGE", "schema ledger").expected == expect::allowed);
  CHECK(cell(cells, "regress_loner", "SELECT", "ledger.accounts").expected == expect::refused);
  CHECK(cell(cells, "regress_loner", "USAGE", "schema ledger").expected == expect::allowed);  // its own grant
  // negatives on the same object: what the group's SELECT does not give
  for (const char* p : {"INSERT", "UPDATE", "DELETE"})
    CHECK(cell(cells, "regress_member", p, "ledger.accounts").expected == expect::refused);
}

TEST_CASE("column grants give column cells, and the table-level cells stay refused", "[testing][unit]") {
  const auto cells = dsql::testing::derive(dsql::model_of<wide::spec>(), wide_catalog());
  CHECK(cell(cells, "regress_auditor", "SELECT", "ledger.accounts(name)").expected == expect::allowed);
  CHECK(cell(cells, "regress_auditor", "UPDATE", "ledger.accounts(name)").expected == expect::allowed);
  CHECK(cell(cells, "regress_auditor", "INSERT", "ledger.accounts(name)").expected == expect::refused);
  // SELECT * needs every column; UPDATE sets the first column (id), not granted
  CHECK(cell(cells, "regress_auditor", "SELECT", "ledger.accounts").expected == expect::refused);
  CHECK(cell(cells, "regress_auditor", "UPDATE", "ledger.accounts").expected == expect::refused);
  CHECK(cell(cells, "regress_auditor", "SELECT", "ledger.accounts(name)").sql ==
        R"(SELECT "name" FROM "ledger"."accounts" LIMIT 0)");
  CHECK(cell(cells, "regress_auditor", "UPDATE", "ledger.accounts").sql ==
        R"(UPDATE "ledger"."accounts" SET "id" = DEFAULT WHERE false)");
}

TEST_CASE("an owner holds everything, and default privileges follow the creator the catalog names", "[testing][unit]") {
  const auto cells = dsql::testing::derive(dsql::model_of<wide::spec>(), wide_catalog());
  for (const char* p : {"SELECT", "INSERT", "UPDATE", "DELETE"}) {
    CHECK(cell(cells, "regress_member", p, "ledger.mine").expected == expect::allowed);
    CHECK(cell(cells, "regress_member", p, "ledger.mine").why == "owner");
  }
  CHECK(cell(cells, "regress_auditor", "SELECT", "ledger.mine").expected == expect::allowed);
  CHECK(cell(cells, "regress_auditor", "SELECT", "ledger.mine").why.find("default privileges for regress_member") !=
        std::string::npos);
  CHECK(cell(cells, "regress_auditor", "INSERT", "ledger.mine").expected == expect::refused);
  // the creator named by the default privileges does not own accounts: no default grant there
  CHECK(cell(cells, "regress_auditor", "SELECT", "ledger.accounts").expected == expect::refused);
}

TEST_CASE("functions: PUBLIC's EXECUTE as revoked by the spec, and a call the planner cannot fold away",
          "[testing][unit]") {
  const auto cells = dsql::testing::derive(dsql::model_of<wide::spec>(), wide_catalog());
  const auto& m = cell(cells, "regress_member", "EXECUTE", "ledger.post(integer)");  // "int" in the spec
  CHECK(m.expected == expect::allowed);
  CHECK(m.sql == R"(SELECT "ledger"."post"(a.x0) FROM (SELECT NULL::integer AS x0 OFFSET 0) a LIMIT 0)");
  CHECK(cell(cells, "regress_loner", "EXECUTE", "ledger.post(integer)").expected == expect::refused);
  // no revoke in the seed-like default: PUBLIC keeps PostgreSQL's EXECUTE
  auto model = dsql::model_of<wide::spec>();
  model.revokes.clear();
  const auto open = dsql::testing::derive(model, wide_catalog());
  const auto& l = cell(open, "regress_loner", "EXECUTE", "ledger.post(integer)");
  CHECK(l.expected == expect::allowed);
  CHECK(l.why.find("PUBLIC") != std::string::npos);
  // a procedure is reported, not run; so is a VARIADIC function
  CHECK(cell(cells, "regress_member", "EXECUTE", "ledger.settle()").skip.find("procedure") != std::string::npos);
  CHECK(cell(cells, "regress_member", "EXECUTE", "ledger.total(integer[])").skip.find("VARIADIC") != std::string::npos);
}

TEST_CASE("sequences are read with SELECT, while nextval and setval are skipped with the reason", "[testing][unit]") {
  const auto cells = dsql::testing::derive(dsql::model_of<wide::spec>(), wide_catalog());
  const auto& s = cell(cells, "regress_loner", "SELECT", "ledger.entry_id");
  CHECK(s.expected == expect::allowed);
  CHECK(s.sql == R"(SELECT last_value FROM "ledger"."entry_id")");
  CHECK_FALSE(cell(cells, "regress_loner", "USAGE", "ledger.entry_id").skip.empty());
  CHECK(cell(cells, "regress_auditor", "SELECT", "ledger.entry_id").expected == expect::refused);
}

TEST_CASE("a sensitive schema refuses roles that are not its readers, and says so", "[testing][unit]") {
  const auto cells = dsql::testing::derive(dsql::model_of<wide::spec>(), wide_catalog());
  const auto& u = cell(cells, "regress_member", "USAGE", "schema vault");
  CHECK(u.expected == expect::refused);
  CHECK(u.why.find("sensitive") != std::string::npos);
  CHECK(u.why.find("regress_auditor") != std::string::npos);
  const auto& t = cell(cells, "regress_member", "SELECT", "vault.secrets");
  CHECK(t.expected == expect::refused);
  CHECK(cell(cells, "regress_auditor", "SELECT", "vault.secrets").expected == expect::allowed);
}

TEST_CASE("what cannot be probed is a skipped cell with its reason, never dropped", "[testing][unit]") {
  const auto cells = dsql::testing::derive(dsql::model_of<wide::spec>(), wide_catalog());
  const auto& missing = cell(cells, "regress_loner", "INSERT", "ledger.missing");
  CHECK(missing.skip.find("no such object") != std::string::npos);
  CHECK_FALSE(cell(cells, "regress_member", "INSERT", "ledger.summary").skip.empty());  // a view
  CHECK(cell(cells, "regress_member", "SELECT", "ledger.summary").skip.empty());
  CHECK(cell(cells, "regress_member", "AWS IAM GRANT", "sys.aws_iam_grant").skip.find("dsql_iam") != std::string::npos);
  CHECK(cell(cells, "regress_member", "CREATE ROLE", "cluster").expected == expect::refused);
  // a schema the spec declares but the catalog lacks
  auto c = wide_catalog();
  c.schemas.erase(c.schemas.begin());  // ledger
  const auto without = dsql::testing::derive(dsql::model_of<wide::spec>(), c);
  CHECK(cell(without, "regress_member", "USAGE", "schema ledger").skip.find("does not exist") != std::string::npos);
}

TEST_CASE("the seed spec's cells match seed-flow.md's table", "[testing][unit][seed]") {
  dsql::testing::catalog c;
  c.schemas = {{"public", "pg_database_owner"}, {"users_schema", "admin"}};
  c.relations = {{"public", "products", "admin", 'r', {"id", "tenant_id", "name", "category"}},
                 {"users_schema", "profiles", "admin", 'r', {"id", "tenant_id", "email", "name", "phone"}}};
  c.has_iam_grant = true;
  const auto cells = dsql::testing::derive(dsql::model_of<seed::spec>(), c);
  CHECK(cells.size() == 4 * (2 * 2 + 2 * 4 + 2));  // 4 roles x (2 schemas x 2 + 2 tables x 4 + 2 admin-only)
  CHECK(cell(cells, "app_readonly", "SELECT", "public.products").expected == expect::allowed);
  CHECK(cell(cells, "app_readonly", "INSERT", "public.products").expected == expect::refused);
  CHECK(cell(cells, "app_readonly", "USAGE", "schema users_schema").expected == expect::refused);
  CHECK(cell(cells, "user_service", "CREATE", "schema users_schema").expected == expect::allowed);
  CHECK(cell(cells, "user_service", "DELETE", "users_schema.profiles").expected == expect::refused);
  CHECK(cell(cells, "reporting_readonly", "SELECT", "users_schema.profiles").expected == expect::allowed);
  CHECK(cell(cells, "app_readwrite", "CREATE", "schema public").expected == expect::refused);  // the spec's revoke
}

TEST_CASE("the report: ok, failures, skips and the printed matrix", "[testing][unit]") {
  using dsql::testing::outcome;
  dsql::testing::report r;
  CHECK_FALSE(r.ok());  // nothing ran: nothing proven
  r.results.push_back({{"a", "SELECT", "s.t", "SELECT 1", expect::allowed, "granted", {}}, outcome::allowed, {}});
  r.results.push_back({{"a", "DELETE", "s.t", "x", expect::refused, "not granted", {}}, outcome::refused, "42501 no"});
  r.results.push_back({{"b", "USAGE", "s.q", {}, expect::allowed, "granted", "nextval"}, outcome::skipped, "nextval"});
  CHECK(r.ok());
  CHECK(r.ran() == 2);
  CHECK(r.skipped().size() == 1);
  r.results.push_back({{"b", "INSERT", "s.t", "x", expect::refused, "not granted", {}}, outcome::allowed, {}});
  r.results.push_back({{"b", "SELECT", "s.t", "x", expect::allowed, "granted", {}}, outcome::error, "42P01 gone"});
  CHECK_FALSE(r.ok());
  REQUIRE(r.failures().size() == 2);
  CHECK(r.failures()[0]->cell.privilege == "INSERT");
  const std::string text = r.format();
  CHECK(text.find("UNEXPECTED (not granted)") != std::string::npos);
  CHECK(text.find("server: 42P01 gone") != std::string::npos);
  CHECK(text.find("skipped (nextval)") != std::string::npos);
  CHECK(text.find("access matrix: 2 passed, 2 failed, 1 skipped") != std::string::npos);
  r.results.resize(3);
  r.mismatches.push_back("a SELECT s.t: required refused, but the spec says allowed (granted)");
  CHECK_FALSE(r.ok());
  CHECK(r.format().find("MISMATCH a SELECT s.t") != std::string::npos);
}
