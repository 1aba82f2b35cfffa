// dsql::allows<> and dsql::statement<> at compile time (STATIC_REQUIRE): the seed spec
// (PUBLIC's USAGE on public, the revoke of CREATE from PUBLIC, the sensitive users_schema),
// and access_spec.hpp (membership through INHERIT and not through NOINHERIT, column grants,
// a revoke from PUBLIC, default privileges of a declared owner, the catalog's tables and
// search_path); the refusal sentences compared exactly; the parser's subset.
#include <catch2/catch.hpp>

#include <dsql/statement.hpp>

#include <string_view>

#include "access_spec.hpp"
#include "seed.hpp"

namespace {

using P = dsql::public_schema;
template <class Spec, class Role>
constexpr bool says(std::string_view sql, std::string_view sentence) {
  return dsql::refusal<Spec, Role>(sql).view() == sentence;
}
template <class Spec, class Role>
constexpr bool passes(std::string_view sql) {
  return dsql::refusal<Spec, Role>(sql).ok;
}
template <class Spec, class Role>
constexpr bool outside_subset(std::string_view sql) {
  return dsql::refusal<Spec, Role>(sql).view().starts_with("dsql::statement cannot check this SQL: ");
}

}  // namespace

TEST_CASE("allows: the seed spec", "[allows]") {
  using namespace seed;
  STATIC_REQUIRE(dsql::allows<spec, app_readonly, dsql::select, dsql::on_table<P, "products">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, app_readonly, dsql::insert, dsql::on_table<P, "products">>);
  STATIC_REQUIRE(dsql::allows<spec, app_readwrite, dsql::delete_, dsql::on_table<P, "products">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, user_service, dsql::delete_, dsql::on_table<P, "products">>);
  // users_schema is sensitive: listed roles only
  STATIC_REQUIRE(dsql::allows<spec, user_service, dsql::update, dsql::on_table<users_schema, "users">>);
  STATIC_REQUIRE(
      dsql::allows<spec, reporting_readonly, dsql::select, dsql::on_columns<users_schema, "users", "email">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, reporting_readonly, dsql::insert, dsql::on_table<users_schema, "users">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, app_readwrite, dsql::select, dsql::on_table<users_schema, "users">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, app_readwrite, dsql::usage, dsql::on_schema<users_schema>>);
  // PUBLIC: USAGE on public by default; CREATE revoked from PUBLIC (and never granted to a role)
  STATIC_REQUIRE(dsql::allows<spec, app_readonly, dsql::usage, dsql::on_schema<P>>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, app_readonly, dsql::create, dsql::on_schema<P>>);
  STATIC_REQUIRE(dsql::allows<spec, user_service, dsql::create, dsql::on_schema<users_schema>>);
  STATIC_REQUIRE(dsql::allows<spec, app_readonly, dsql::connect_, dsql::on_database>);
  STATIC_REQUIRE(dsql::allows<spec, app_readonly, dsql::execute, dsql::on_function<P, "now">>);
}

TEST_CASE("allows: membership, PUBLIC, revokes, columns, owners", "[allows]") {
  using namespace acc;
  // writer inherits ledger_owner's grants and its ownership of schema ledger
  STATIC_REQUIRE(dsql::allows<spec, writer, dsql::delete_, dsql::on_table<ledger, "accounts">>);
  STATIC_REQUIRE(dsql::allows<spec, writer, dsql::create, dsql::on_schema<ledger>>);
  // clerk is NOINHERIT: nothing of the group without SET ROLE
  STATIC_REQUIRE_FALSE(dsql::allows<spec, clerk, dsql::select, dsql::on_table<ledger, "accounts">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, clerk, dsql::usage, dsql::on_schema<ledger>>);
  // column grants: the listed columns only; no table-level privilege
  STATIC_REQUIRE(dsql::allows<spec, auditor, dsql::select, dsql::on_columns<ledger, "accounts", "id", "name">>);
  STATIC_REQUIRE_FALSE(
      dsql::allows<spec, auditor, dsql::select, dsql::on_columns<ledger, "accounts", "id", "balance">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, auditor, dsql::select, dsql::on_table<ledger, "accounts">>);
  STATIC_REQUIRE(dsql::allows<spec, auditor, dsql::update, dsql::on_columns<ledger, "accounts", "name">>);
  // PUBLIC's grants reach every role; the revoke from PUBLIC takes one table back
  STATIC_REQUIRE(dsql::allows<spec, anyone, dsql::select, dsql::on_table<shared, "notes">>);
  STATIC_REQUIRE(dsql::allows<spec, clerk, dsql::select, dsql::on_columns<shared, "notes", "body">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, anyone, dsql::select, dsql::on_table<shared, "secrets">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, anyone, dsql::select, dsql::on_columns<shared, "secrets", "body">>);
  // default privileges FOR ROLE ledger_owner reach the tables the catalog says it owns
  STATIC_REQUIRE(dsql::allows<app, anyone, dsql::select, dsql::on_table<ledger, "accounts">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, anyone, dsql::select, dsql::on_table<ledger, "accounts">>);
  STATIC_REQUIRE_FALSE(dsql::allows<app, anyone, dsql::select, dsql::on_table<ledger, "entries">>);
  // a sensitive schema: the listed role only
  STATIC_REQUIRE(dsql::allows<spec, auditor, dsql::select, dsql::on_table<pii, "people">>);
  STATIC_REQUIRE_FALSE(dsql::allows<spec, writer, dsql::usage, dsql::on_schema<pii>>);
}

TEST_CASE("statement: refusals name the role, the privilege, the object and the grants", "[statement]") {
  using namespace seed;
  STATIC_REQUIRE(
      says<spec, app_readonly>("INSERT INTO products (name) VALUES ($1)",
                               "app_readonly may not INSERT into public.products: the spec grants it SELECT"));
  STATIC_REQUIRE(says<spec, user_service>("DELETE FROM users_schema.users WHERE id = $1",
                                          "user_service may not DELETE from users_schema.users: the spec grants it "
                                          "SELECT, INSERT, UPDATE"));
  STATIC_REQUIRE(says<spec, app_readonly>("SELECT * FROM users_schema.users",
                                          "app_readonly may not reach users_schema.users: schema users_schema is "
                                          "sensitive and the spec lists only user_service, reporting_readonly for it"));
  STATIC_REQUIRE(says<spec, reporting_readonly>("UPDATE users_schema.users SET email = $1",
                                                "reporting_readonly may not UPDATE users_schema.users: the spec grants "
                                                "it SELECT"));
  using namespace acc;
  STATIC_REQUIRE(says<app, auditor>("SELECT * FROM accounts",
                                    "auditor may not SELECT * from ledger.accounts: the spec "
                                    "grants it SELECT (id, name), UPDATE (name)"));
  STATIC_REQUIRE(says<app, auditor>("SELECT balance FROM accounts",
                                    "auditor may not SELECT column balance of ledger.accounts: the spec grants it "
                                    "SELECT (id, name), UPDATE (name)"));
  STATIC_REQUIRE(says<app, auditor>("UPDATE accounts SET balance = 0",
                                    "auditor may not UPDATE column balance of ledger.accounts: the spec grants it "
                                    "SELECT (id, name), UPDATE (name)"));
  STATIC_REQUIRE(
      says<app, auditor>("INSERT INTO accounts (id) VALUES ($1)",
                         "auditor may not INSERT into ledger.accounts: the spec grants it SELECT (id, name), "
                         "UPDATE (name)"));
  STATIC_REQUIRE(says<app, clerk>("SELECT id FROM accounts",
                                  "clerk may not use schema ledger to reach ledger.accounts: "
                                  "the spec grants it no USAGE on ledger"));
  STATIC_REQUIRE(says<app, anyone>("SELECT body FROM secrets",
                                   "anyone may not SELECT from shared.secrets: the spec grants it nothing there"));
  STATIC_REQUIRE(says<app, anyone>("SELECT id FROM ledger.nosuch",
                                   "ledger.nosuch is not among the tables the catalog declares in schema ledger"));
  // UPDATE reads: SET expressions and WHERE need SELECT; the reads come after the statement's own privilege
  STATIC_REQUIRE(says<app, auditor>("UPDATE accounts SET name = name || balance",
                                    "auditor may not SELECT column balance of ledger.accounts: the spec grants it "
                                    "SELECT (id, name), UPDATE (name)"));
  STATIC_REQUIRE(says<app, auditor>("UPDATE accounts SET name = $1 WHERE id IN (SELECT account_id FROM entries)",
                                    "auditor may not SELECT from ledger.entries: the spec grants it nothing there"));
}

TEST_CASE("statement: what passes", "[statement]") {
  using namespace seed;
  STATIC_REQUIRE(passes<spec, app_readwrite>(
      "SELECT u.id, count(*) FROM users u JOIN orders o ON o.user_id = u.id WHERE o.total > "
      "(SELECT avg(total) FROM orders) GROUP BY u.id ORDER BY 2 DESC LIMIT 10"));
  STATIC_REQUIRE(passes<spec, app_readwrite>(
      "UPDATE products SET price = price * 1.1, name = 'it''s' WHERE id = $1 RETURNING id, price"));
  STATIC_REQUIRE(passes<spec, app_readwrite>(
      "INSERT INTO orders AS o (user_id, total) VALUES ($1, $2), ($3, $4) ON CONFLICT (user_id) "
      "DO UPDATE SET total = o.total + excluded.total WHERE o.total < 100 RETURNING id"));
  STATIC_REQUIRE(passes<spec, app_readwrite>(
      "DELETE FROM orders o USING users u WHERE o.user_id = u.id AND u.name = $1 RETURNING o.*"));
  STATIC_REQUIRE(passes<spec, app_readwrite>("SELECT \"Odd Name\".x FROM public.\"Odd Name\" -- a comment"));
  STATIC_REQUIRE(passes<spec, app_readonly>(
      "SELECT id FROM products /* c */ WHERE name ILIKE $1 AND NOT EXISTS (SELECT 1 FROM orders o WHERE "
      "o.product_id = products.id) AND created_at > now() - interval '1 day' AND CAST(price AS numeric(10,2)) > 0 "
      "AND status::text IN ('a', 'b') AND CASE WHEN x IS NULL THEN 1 ELSE 2 END = 1"));
  STATIC_REQUIRE(passes<spec, reporting_readonly>(
      "SELECT s.n, u.email FROM (SELECT name AS n FROM products) s, users_schema.users u WHERE s.n <> ''"));
  using namespace acc;
  STATIC_REQUIRE(passes<app, auditor>("SELECT id, name FROM accounts ORDER BY name"));
  STATIC_REQUIRE(passes<app, auditor>("SELECT count(*) FROM accounts"));
  STATIC_REQUIRE(passes<app, auditor>("UPDATE accounts SET name = $1 WHERE id = $2"));
  STATIC_REQUIRE(passes<app, writer>("DELETE FROM accounts WHERE id = $1 RETURNING balance"));
  STATIC_REQUIRE(passes<app, writer>("INSERT INTO accounts VALUES ($1, $2, $3)"));
  STATIC_REQUIRE(passes<app, anyone>("SELECT a.id, a.name FROM accounts a"));  // default privileges
}

TEST_CASE("statement: outside the subset", "[statement]") {
  using namespace seed;
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("WITH x AS (SELECT 1) SELECT * FROM x"));
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("SELECT id FROM products UNION SELECT id FROM orders"));
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("SELECT id FROM products; DROP TABLE products"));
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("SELECT count(*) OVER () FROM products"));
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("SELECT id FROM products FOR UPDATE"));
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("VACUUM products"));
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("SELECT $$x$$"));
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("SELECT e'x'"));
  STATIC_REQUIRE(outside_subset<spec, app_readwrite>("SELECT a FROM t NATURAL JOIN u"));
  STATIC_REQUIRE(says<spec, app_readwrite>(
      "TRUNCATE products",
      "dsql::statement cannot check this SQL: only SELECT, INSERT, UPDATE and DELETE are checked, and this statement "
      "begins with truncate (at byte 0); run it as dsql::unchecked<\"...\"> if it must run unchecked"));
  // the escape hatch is explicit and carries the SQL as written
  STATIC_REQUIRE(dsql::unchecked<"TRUNCATE products">::sql == "TRUNCATE products");
  using stmt = dsql::statement<spec, app_readonly, "SELECT name FROM products">;
  STATIC_REQUIRE(stmt::sql == "SELECT name FROM products");
  STATIC_REQUIRE(std::is_same_v<stmt::role, app_readonly> && std::is_same_v<stmt::cluster, spec>);
}

// What a hostile review found compiling as checked (2026-12-02), each a class of false
// negative, now refused: PostgreSQL's lexer, name resolution and privilege rules.
namespace attack {
using web = dsql::role<"web", dsql::login>;
using spec = dsql::cluster<
    "attack", dsql::roles<web>, dsql::schemas<P>,
    dsql::grants<dsql::grant<dsql::select, dsql::on_table<P, "products">, web>,
                 dsql::grant<dsql::select, dsql::on_columns<P, "users", "id", "email">, web>,
                 dsql::grant<dsql::privileges<dsql::insert, dsql::update>, dsql::on_columns<P, "users", "email">, web>>,
    dsql::iam<dsql::iam_grant<web, dsql::iam_role<"WebRole">>>, dsql::aws_account<"123456789012">>;
using users = dsql::table<P, "users", dsql::columns<"id", "email", "password">>;
using products = dsql::table<P, "products">;  // columns not declared
using cat = dsql::catalog<spec, dsql::tables<users, products>>;
}  // namespace attack

TEST_CASE("statement: the hostile review's false negatives are refused", "[statement][attack]") {
  using attack::cat;
  using attack::web;
  STATIC_REQUIRE(passes<cat, web>("SELECT email FROM users WHERE id = $1"));
  STATIC_REQUIRE(passes<cat, web>("UPDATE users SET email = $1 WHERE id = $2"));
  STATIC_REQUIRE(passes<cat, web>("SELECT email FROM USERS"));  // unquoted: folded to users
  // a -- comment ends at \r as well as \n (scan.l: newline [\n\r]): no statement hides behind it
  STATIC_REQUIRE(outside_subset<cat, web>("SELECT id FROM products --x\r; DELETE FROM users"));
  STATIC_REQUIRE(!passes<cat, web>("SELECT id FROM products --x\r, users WHERE users.password = 'a'"));
  // pg_catalog is searched before the search_path
  STATIC_REQUIRE(!passes<seed::spec, seed::app_readonly>("SELECT rolname, rolpassword FROM pg_authid"));
  STATIC_REQUIRE(!passes<seed::spec, seed::app_readwrite>("UPDATE pg_class SET relname = 'x'"));
  // EXCLUDED.c reads the target's column c
  STATIC_REQUIRE(says<cat, web>(
      "INSERT INTO users (email) VALUES ('a') ON CONFLICT (email) DO UPDATE SET email = excluded.password",
      "web may not SELECT column password of public.users: the spec grants it SELECT (id, email), INSERT (email), "
      "UPDATE (email)"));
  // a name that only may be a column of an inner table (undeclared columns) is also the outer one's
  STATIC_REQUIRE(!passes<cat, web>("UPDATE users SET email = (SELECT password FROM products LIMIT 1)"));
  STATIC_REQUIRE(
      !passes<cat, web>("UPDATE users SET email = (SELECT password FROM (SELECT * FROM products) o LIMIT 1)"));
  // a whole-row reference needs SELECT on every column
  STATIC_REQUIRE(!passes<cat, web>("SELECT u FROM users u, products p"));
  // unquoted names fold to lower case; a quoted one is exact, "" is one "
  STATIC_REQUIRE(!passes<cat, web>("SELECT email FROM \"Users\""));
  STATIC_REQUIRE(!passes<cat, web>("SELECT email FROM \"us\"\"ers\""));
  // PostgreSQL truncates identifiers over 63 bytes, so they may name another object
  STATIC_REQUIRE(outside_subset<cat, web>(
      "SELECT email FROM users AS qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqx"));
  // functions: only built-ins that read no table; no schema-qualified function, type or collation
  STATIC_REQUIRE(passes<cat, web>("SELECT lower(email), count(*) FROM users GROUP BY 1"));
  STATIC_REQUIRE(outside_subset<cat, web>("SELECT nextval('s') FROM products"));
  STATIC_REQUIRE(outside_subset<cat, web>("SELECT set_config('role', 'x', false)"));
  STATIC_REQUIRE(outside_subset<cat, web>("SELECT query_to_xml('SELECT password FROM users', true, false, '')"));
  STATIC_REQUIRE(outside_subset<cat, web>("SELECT row_to_json(u) FROM users u"));
  STATIC_REQUIRE(outside_subset<cat, web>("SELECT public.f(1)"));
  STATIC_REQUIRE(outside_subset<cat, web>("SELECT 1::public.t"));
  STATIC_REQUIRE(outside_subset<cat, web>("SELECT email COLLATE public.c FROM users"));
}
