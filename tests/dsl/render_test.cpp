// Rendering: quoting of hostile names (P3), account binding, run-time errors, policies,
// revoke, and renderings checked at compile time.
#include <catch2/catch.hpp>

#include <dsql/roles.hpp>

#include <string>
#include <string_view>

#include "text_compare.hpp"

namespace {

constexpr char name63[] = "n23456789012345678901234567890123456789012345678901234567890123";
static_assert(sizeof(name63) == 64, "63 bytes and the NUL");

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

// ---- a small hostile spec rendered in full --------------------------------------------
using quote_role = dsql::role<"quote\"inside", dsql::login>;
using apostrophe_role = dsql::role<"it's">;
using odd_schema = dsql::schema<"we\"ird s'chema">;
using hostile =
    dsql::cluster<"hostile \"one\"", dsql::roles<quote_role, apostrophe_role>, dsql::schemas<odd_schema>,
                  dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<odd_schema>, quote_role, apostrophe_role>,
                               dsql::grant<dsql::select, dsql::on_all_tables_in<odd_schema>, apostrophe_role>>,
                  dsql::iam<dsql::iam_grant<quote_role, dsql::iam_role<"Q">>>, dsql::aws_account<"111122223333">>;

constexpr std::string_view hostile_bootstrap_local =
    R"sql(-- dsql-roles bootstrap of cluster "hostile "one"" for target postgres_local.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing.
--   1. roles              CREATE ROLE when missing, then the declared attributes (LOGIN or
--                         NOLOGIN, INHERIT, CONNECTION LIMIT) when they differ
--   2. memberships        GRANT role TO role when missing, ADMIN OPTION as declared; the
--                         runner joins schema owners and default-privilege creators, as
--                         PostgreSQL requires
--   3. schemas            CREATE SCHEMA when missing (an existing schema is only used),
--                         ALTER SCHEMA ... OWNER TO when the owner differs
--   4. schema privileges  GRANT USAGE/CREATE ON SCHEMA (and CONNECT, CREATE, TEMPORARY on the
--                         database), re-run every time
--   5. table privileges   GRANT ... ON ALL TABLES (SEQUENCES, FUNCTIONS) IN SCHEMA, re-run
--                         every time so that objects created since the last run are
--                         reached; grants on named objects run when the object exists
--   6. revokes            REVOKE ... FROM PUBLIC (or a role), re-run every time; PUBLIC gets
--                         nothing on a sensitive schema and the objects in it
--   7. default privileges ALTER DEFAULT PRIVILEGES FOR ROLE creator: objects that role
--                         creates later get the privileges
--   8. IAM mappings       CALL sys.aws_iam_grant (extension dsql_iam) when missing
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each DDL runs in its own transaction. Identifiers are double-quoted and
-- literals single-quoted (standard_conforming_strings on).
\set ON_ERROR_STOP on

-- 1. roles
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "quote""inside" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "quote""inside" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'it''s') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "it's";
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'it''s' AND rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "it's" WITH NOLOGIN;
COMMIT;
\endif

-- 2. memberships

-- 3. schemas
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'we"ird s''chema') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "we""ird s'chema";
COMMIT;
\endif

-- 4. schema privileges
BEGIN;
GRANT USAGE ON SCHEMA "we""ird s'chema" TO "quote""inside";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "we""ird s'chema" TO "it's";
COMMIT;

-- 5. table privileges
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "we""ird s'chema" TO "it's";
COMMIT;

-- 6. revokes

-- 7. default privileges

-- 8. IAM mappings
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'quote"inside' AND arn = 'arn:aws:iam::111122223333:role/Q') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('quote"inside', 'arn:aws:iam::111122223333:role/Q');
COMMIT;
\endif
)sql";

// ---- every P3 name through every statement ---------------------------------------------
using p3_mixed = dsql::role<"Mixed", dsql::login>;
using p3_dash = dsql::role<"with-dash", dsql::login>;
using p3_space = dsql::role<"with space", dsql::login>;
using p3_dot = dsql::role<"a.b", dsql::login>;
using p3_quote = dsql::role<"quote\"inside", dsql::login>;
using p3_at = dsql::role<"svc@x.iam", dsql::login>;
using p3_public = dsql::role<"PUBLIC", dsql::login>;
using p3_accent = dsql::role<"rôle_ü", dsql::login>;
using p3_long = dsql::role<name63, dsql::login>;
using p3_schema = dsql::schema<"a.b">;
template <class R>
using p3_grants = dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<p3_schema>, R>,
                               dsql::grant<dsql::select, dsql::on_all_tables_in<p3_schema>, R>>;
template <class R>
using p3_spec = dsql::cluster<"p3", dsql::roles<R>, dsql::schemas<p3_schema>, p3_grants<R>,
                              dsql::iam<dsql::iam_grant<R, dsql::iam_role<"P3Role">>>>;

template <class R>
void check_every_statement_quotes(std::string_view identifier, std::string_view literal) {
  const dsql::render_options o{.account_id = "123456789012"};
  const std::string id(identifier), lit(literal);
  const std::string aurora = dsql::render_bootstrap<p3_spec<R>>(dsql::target::aurora_dsql, o);
  const std::string local = dsql::render_bootstrap<p3_spec<R>>(dsql::target::postgres_local, o);
  const std::string revoke = dsql::render_revoke<p3_spec<R>, R>(dsql::target::aurora_dsql, o);
  const std::string revoke_local = dsql::render_revoke<p3_spec<R>, R>(dsql::target::postgres_local, o);
  CAPTURE(identifier);
  CHECK(contains(aurora, "WHERE rolname = " + lit + ")"));
  CHECK(contains(aurora, "\nCREATE ROLE " + id + " WITH LOGIN;\n"));
  CHECK(contains(local, "\nALTER ROLE " + id + " WITH LOGIN;\n"));
  CHECK(!contains(aurora, "\nALTER ROLE "));  // Aurora DSQL refuses ALTER ROLE ... WITH: a \\warn instead
  CHECK(contains(aurora, "\n\\warn 'role \""));
  CHECK(contains(aurora, "\nGRANT USAGE ON SCHEMA \"a.b\" TO " + id + ";\n"));
  CHECK(contains(aurora, "\nGRANT SELECT ON ALL TABLES IN SCHEMA \"a.b\" TO " + id + ";\n"));
  CHECK(contains(aurora, "WHERE pg_role_name = " + lit + " AND arn = 'arn:aws:iam::123456789012:role/P3Role')"));
  CHECK(contains(aurora, "\nAWS IAM GRANT " + id + " TO 'arn:aws:iam::123456789012:role/P3Role';\n"));
  CHECK(contains(local, "\nCALL sys.aws_iam_grant(" + lit + ", 'arn:aws:iam::123456789012:role/P3Role');\n"));
  CHECK(contains(revoke, "\nREVOKE ALL ON ALL TABLES IN SCHEMA \"a.b\" FROM " + id + ";\n"));
  CHECK(contains(revoke, "\nREVOKE USAGE, CREATE ON SCHEMA \"a.b\" FROM " + id + ";\n"));
  CHECK(contains(revoke, "\nAWS IAM REVOKE " + id + " FROM 'arn:aws:iam::123456789012:role/P3Role';\n"));
  CHECK(contains(revoke_local, "\nCALL sys.aws_iam_revoke(" + lit + ", 'arn:aws:iam::123456789012:role/P3Role');\n"));
}

// ---- compile-time rendering -------------------------------------------------------------
using tiny_reader = dsql::role<"reader", dsql::login>;
using tiny = dsql::cluster<"tiny", dsql::roles<tiny_reader>, dsql::schemas<dsql::public_schema>,
                           dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, tiny_reader>>>;

constexpr std::string_view tiny_bootstrap_tail = R"sql(-- 1. roles
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reader') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "reader" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reader' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "reader" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif

-- 2. memberships

-- 3. schemas
-- schema "public" exists already: it is used, not created

-- 4. schema privileges
-- on Aurora DSQL every role has USAGE on schema public through PUBLIC, and a GRANT on that system entity is refused: GRANT USAGE ON SCHEMA "public" TO "reader";

-- 5. table privileges

-- 6. revokes

-- 7. default privileges

-- 8. IAM mappings
)sql";

constexpr bool tiny_renders_at_compile_time() {
  const std::string s = dsql::render_bootstrap<tiny>(dsql::target::aurora_dsql);
  return s.ends_with(tiny_bootstrap_tail) && s.starts_with("-- dsql-roles bootstrap of cluster \"tiny\"");
}
static_assert(tiny_renders_at_compile_time());

using bound = dsql::cluster<"bound", dsql::roles<tiny_reader>, dsql::aws_account<"111122223333">,
                            dsql::iam<dsql::iam_grant<tiny_reader, dsql::iam_user<"alice">>>>;
static_assert(
    dsql::render_bootstrap<bound>(dsql::target::aurora_dsql)
        .ends_with("\nAWS IAM GRANT \"reader\" TO 'arn:aws:iam::111122223333:user/alice';\nCOMMIT;\n\\endif\n"));
static_assert(dsql::quote_identifier("quote\"inside") == "\"quote\"\"inside\"");
static_assert(dsql::quote_literal("it's") == "'it''s'");
static_assert(dsql::model_of<bound>().account_id == "111122223333");

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const dsql::error& e) {
    return e.what();
  }
  return "(no error)";
}

using unbound = dsql::cluster<"unbound", dsql::roles<tiny_reader>,
                              dsql::iam<dsql::iam_grant<tiny_reader, dsql::iam_role<"ReaderRole">>>>;

}  // namespace

TEST_CASE("Hostile names render as exactly quoted SQL (full script)", "[render][quoting]") {
  REQUIRE_SAME_TEXT(hostile_bootstrap_local, dsql::render_bootstrap<hostile>(dsql::target::postgres_local));
}

TEST_CASE("Every P3 name goes through every statement exactly quoted", "[render][quoting][p3]") {
  check_every_statement_quotes<p3_mixed>(R"("Mixed")", "'Mixed'");
  check_every_statement_quotes<p3_dash>(R"("with-dash")", "'with-dash'");
  check_every_statement_quotes<p3_space>(R"("with space")", "'with space'");
  check_every_statement_quotes<p3_dot>(R"("a.b")", "'a.b'");
  check_every_statement_quotes<p3_quote>(R"("quote""inside")", R"('quote"inside')");
  check_every_statement_quotes<p3_at>(R"("svc@x.iam")", "'svc@x.iam'");
  check_every_statement_quotes<p3_public>(R"("PUBLIC")", "'PUBLIC'");
  check_every_statement_quotes<p3_accent>("\"rôle_ü\"", "'rôle_ü'");
  check_every_statement_quotes<p3_long>("\"" + std::string(name63) + "\"", "'" + std::string(name63) + "'");
}

TEST_CASE("Quoting doubles the quote character and refuses NUL", "[render][quoting]") {
  CHECK(dsql::quote_identifier("a\"b\"\"") == R"("a""b""""")");
  CHECK(dsql::quote_identifier("it's") == R"("it's")");
  CHECK(dsql::quote_literal(R"(a'b\c)") == R"('a''b\c')");
  CHECK(dsql::quote_literal("x\"y") == R"('x"y')");
  CHECK(dsql::quote_identifier("rôle_ü") == "\"rôle_ü\"");
  CHECK_THROWS_AS(dsql::quote_identifier(std::string_view("a\0b", 3)), dsql::error);
  CHECK_THROWS_AS(dsql::quote_literal(std::string_view("\0", 1)), dsql::error);
}

TEST_CASE("Names with newlines stay inside their quotes and out of comments", "[render][quoting]") {
  dsql::model::cluster m;
  m.name = "multi\nline";
  m.roles.push_back({"line\nbreak", true});
  m.schemas.push_back({"s", true});
  m.grants.push_back({{dsql::privilege_kind::usage}, dsql::object_kind::schema, "s", "line\nbreak"});
  const std::string b = dsql::render_bootstrap(m, dsql::target::aurora_dsql);
  CHECK(contains(b, "-- dsql-roles bootstrap of cluster \"multi?line\" for target aurora_dsql.\n"));
  CHECK(contains(b, "\nCREATE ROLE \"line\nbreak\" WITH LOGIN;\n"));
  const std::string r = dsql::render_revoke(m, "line\nbreak", dsql::target::aurora_dsql);
  CHECK(contains(r, "-- dsql-roles revoke (offboarding) of role \"line?break\" in cluster \"multi?line\""));
}

TEST_CASE("The account id is bound at run time, or in code, or the render fails", "[render][account]") {
  SECTION("given at run time") {
    const std::string s = dsql::render_bootstrap<unbound>(dsql::target::aurora_dsql, {.account_id = "999988887777"});
    CHECK(contains(s, "\nAWS IAM GRANT \"reader\" TO 'arn:aws:iam::999988887777:role/ReaderRole';\n"));
  }
  SECTION("missing: one sentence") {
    CHECK(error_of([] { (void)dsql::render_bootstrap<unbound>(dsql::target::aurora_dsql); }) ==
          dsql::messages::no_account);
    CHECK(error_of([] { (void)dsql::render_policies<unbound>({.region = "*", .cluster_id = "*"}); }) ==
          dsql::messages::no_account);
    CHECK(error_of([] { (void)dsql::render_revoke<unbound, tiny_reader>(dsql::target::aurora_dsql); }) ==
          dsql::messages::no_account);
  }
  SECTION("malformed at run time: the compile-time rule's sentence") {
    CHECK(error_of([] { (void)dsql::render_bootstrap<unbound>(dsql::target::aurora_dsql, {.account_id = "12345"}); }) ==
          dsql::assert_aws_account_12_digits_t::message);
    // A `*` account is told to bind the account.
    CHECK(error_of([] { (void)dsql::render_bootstrap<unbound>(dsql::target::aurora_dsql, {.account_id = "*"}); }) ==
          dsql::assert_principal_account_bound_t::message);
  }
  SECTION("bound in code; the same at run time is fine, another is an error") {
    CHECK(contains(dsql::render_bootstrap<bound>(dsql::target::aurora_dsql), "arn:aws:iam::111122223333:user/alice"));
    CHECK(contains(dsql::render_bootstrap<bound>(dsql::target::aurora_dsql, {.account_id = "111122223333"}),
                   "arn:aws:iam::111122223333:user/alice"));
    CHECK(error_of([] {
            (void)dsql::render_bootstrap<bound>(dsql::target::aurora_dsql, {.account_id = "123456789012"});
          }) == dsql::messages::account_differs);
  }
  SECTION("not needed without IAM principals") {
    CHECK_NOTHROW(dsql::render_bootstrap<tiny>(dsql::target::postgres_local));
  }
}

TEST_CASE("Policies take their Resource from region, account and cluster id", "[render][policies]") {
  using spec = dsql::cluster<"p", dsql::roles<tiny_reader>,
                             dsql::iam<dsql::iam_grant<tiny_reader, dsql::iam_role<"ReaderRole">>,
                                       dsql::iam_grant<tiny_reader, dsql::iam_role<"ReaderRole2">>,
                                       dsql::iam_admin<dsql::iam_user<"ops/alice">>>>;
  const std::string expected = R"json({
  "arn:aws:iam::123456789012:role/ReaderRole": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "dsql:DbConnect",
        "Resource": "arn:aws:dsql:eu-west-3:123456789012:cluster/abcdefghijklmnopqrstuvwxyz"
      }
    ]
  },
  "arn:aws:iam::123456789012:role/ReaderRole2": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "dsql:DbConnect",
        "Resource": "arn:aws:dsql:eu-west-3:123456789012:cluster/abcdefghijklmnopqrstuvwxyz"
      }
    ]
  },
  "arn:aws:iam::123456789012:user/ops/alice": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "dsql:DbConnectAdmin",
        "Resource": "arn:aws:dsql:eu-west-3:123456789012:cluster/abcdefghijklmnopqrstuvwxyz"
      }
    ]
  }
}
)json";
  REQUIRE_SAME_TEXT(
      expected, dsql::render_policies<spec>(
                    {.account_id = "123456789012", .region = "eu-west-3", .cluster_id = "abcdefghijklmnopqrstuvwxyz"}));
  // least privilege: the cluster must be named, "*" only when asked for
  CHECK(error_of([] { (void)dsql::render_policies<spec>({.account_id = "123456789012"}); }) ==
        dsql::messages::policy_region_missing);
  CHECK(error_of([] { (void)dsql::render_policies<spec>({.account_id = "123456789012", .region = "us-east-1"}); }) ==
        dsql::messages::policy_cluster_id_missing);
  const std::string any = dsql::render_policies<spec>({.account_id = "123456789012", .region = "*", .cluster_id = "*"});
  CHECK(contains(any, "\"Resource\": \"arn:aws:dsql:*:123456789012:cluster/*\""));
  CHECK(error_of([] { (void)dsql::render_policies<spec>({.account_id = "123456789012", .region = "US East"}); }) ==
        dsql::messages::bad_region);
  CHECK(error_of([] { (void)dsql::render_policies<spec>({.account_id = "123456789012", .cluster_id = "a\"b"}); }) ==
        dsql::messages::bad_cluster_id);
  CHECK(dsql::render_policies<tiny>({.account_id = "123456789012", .region = "us-east-1", .cluster_id = "c1"}) ==
        "{}\n");
}

TEST_CASE("A principal mapped to several roles gets one DbConnect policy", "[render][policies]") {
  using other = dsql::role<"other", dsql::login>;
  using spec = dsql::cluster<"p", dsql::roles<tiny_reader, other>,
                             dsql::iam<dsql::iam_grant<tiny_reader, dsql::iam_role<"Shared">>,
                                       dsql::iam_grant<other, dsql::iam_role<"Shared">>>>;
  const std::string s =
      dsql::render_policies<spec>({.account_id = "123456789012", .region = "us-east-1", .cluster_id = "c1"});
  CHECK(s.find("role/Shared") == s.rfind("role/Shared"));
}

TEST_CASE("Revoke covers only declared roles and only the schemas the role is granted on", "[render][revoke]") {
  CHECK(error_of([] { (void)dsql::render_revoke<tiny>("nobody", dsql::target::aurora_dsql); }) ==
        dsql::messages::unknown_role);
  const std::string r = dsql::render_revoke<tiny, tiny_reader>(dsql::target::postgres_local);
  CHECK(contains(r, "\nBEGIN;\nREVOKE ALL ON ALL TABLES IN SCHEMA \"public\" FROM \"reader\";\nCOMMIT;\n"));
  CHECK(contains(r, "\nBEGIN;\nREVOKE USAGE, CREATE ON SCHEMA \"public\" FROM \"reader\";\nCOMMIT;\n"));
  CHECK(r.ends_with("-- 3. IAM mappings\n\\endif\n"));
  // Aurora DSQL: schema public is a system entity: its tables one by one, nothing on the schema
  const std::string a = dsql::render_revoke<tiny, tiny_reader>(dsql::target::aurora_dsql);
  CHECK(contains(a, "SELECT pg_catalog.format('REVOKE ALL ON TABLE \"public\".%I FROM \"reader\";', c.relname)"));
  CHECK(!contains(a, "ON SCHEMA \"public\" FROM"));
  CHECK(a.find("AWS IAM") == a.find("AWS IAM REVOKE when"));
}

TEST_CASE("A model built at run time is checked with the compile-time sentences", "[render][model]") {
  dsql::model::cluster m;
  m.name = "runtime";
  m.roles.push_back({"r", false});
  m.schemas.push_back({"s", true});
  m.mappings.push_back({"r", {dsql::principal_kind::iam_role, "R"}});
  CHECK(error_of([&] { (void)dsql::render_bootstrap(m, dsql::target::aurora_dsql, {.account_id = "123456789012"}); }) ==
        dsql::assert_mapped_role_has_login_t::message);
  m.mappings.clear();
  m.roles.push_back({std::string(64, 'x'), true});
  CHECK(error_of([&] { (void)dsql::render_bootstrap(m, dsql::target::aurora_dsql); }) ==
        dsql::assert_name_at_most_63_bytes_t::message);
  m.roles.back().name = "pg_x";
  CHECK(error_of([&] { (void)dsql::render_bootstrap(m, dsql::target::aurora_dsql); }) ==
        dsql::assert_role_name_not_reserved_t::message);
  m.roles.pop_back();
  m.grants.push_back({{dsql::privilege_kind::insert}, dsql::object_kind::schema, "s", "r"});
  CHECK(error_of([&] { (void)dsql::render_bootstrap(m, dsql::target::aurora_dsql); }) ==
        dsql::assert_privilege_fits_object_t::message);
  m.grants.back() = {{dsql::privilege_kind::usage}, dsql::object_kind::schema, "s", "ghost"};
  CHECK(error_of([&] { (void)dsql::render_bootstrap(m, dsql::target::aurora_dsql); }) ==
        dsql::assert_grantee_declared_t::message);
  CHECK_THROWS_AS(dsql::validate_name(""), dsql::error);
  CHECK_NOTHROW(dsql::validate_name("rôle_ü"));
  CHECK_NOTHROW(dsql::validate_account_id("123456789012"));
  CHECK_THROWS_AS(dsql::validate_account_id("12345678901"), dsql::error);
}

TEST_CASE("Targets parse from their names", "[render]") {
  CHECK(dsql::parse_target("aurora_dsql") == dsql::target::aurora_dsql);
  CHECK(dsql::parse_target("postgres_local") == dsql::target::postgres_local);
  CHECK_FALSE(dsql::parse_target("postgres").has_value());
  CHECK(dsql::to_string(dsql::target::postgres_local) == "postgres_local");
}
