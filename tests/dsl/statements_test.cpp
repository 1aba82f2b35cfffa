// Golden SQL for every statement kind, for both targets: the awkward-identifier spec
// (p3_spec.hpp) rendered in full and compared with tests/dsl/golden/*, the same texts
// the integration test applies to a real PostgreSQL 15; renderings that are constants
// checked by static_assert; the run-time validators and the target rules at run time.
#include <catch2/catch.hpp>

#include <dsql/roles.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "p3_spec.hpp"
#include "text_compare.hpp"

namespace {

std::string golden(std::string_view name) {
  std::ifstream in(std::string(DSQL_GOLDEN_DIR) + "/" + std::string(name), std::ios::binary);
  if (!in) FAIL("missing golden file " << name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const dsql::error& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- a whole rendering as a compile-time constant -------------------------------------
using ro = dsql::role<"ro", dsql::login, dsql::connection_limit<3>>;
using owner = dsql::role<"owner">;
using app = dsql::schema<"app">;  // (owned_by is postgres_local only: the aurora_dsql constant below)
using small = dsql::cluster<
    "small", dsql::roles<ro, owner>, dsql::schemas<app>,
    dsql::grants<dsql::membership<owner, ro>, dsql::grant<dsql::usage, dsql::on_schema<app>, ro>,
                 dsql::grant<dsql::select, dsql::on_columns<app, "t", "c">, ro>,
                 dsql::revoke<dsql::all, dsql::on_schema<app>, dsql::public_>,
                 dsql::default_privileges<dsql::for_role<owner>, dsql::select, dsql::on_all_tables_in<app>, ro>>>;

constexpr std::string_view small_aurora = R"sql(-- dsql-roles bootstrap of cluster "small" for target aurora_dsql.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing.
--   1. roles              CREATE ROLE when missing, with the declared attributes (LOGIN,
--                         INHERIT, CONNECTION LIMIT); Aurora DSQL refuses ALTER ROLE ... WITH,
--                         so a role that differs is reported (\warn) with the way out
--   2. memberships        GRANT role TO role when missing, ADMIN OPTION as declared; the
--                         runner joins schema owners and default-privilege creators, as
--                         PostgreSQL requires
--   3. schemas            CREATE SCHEMA when missing (an existing schema is only used),
--                         ALTER SCHEMA ... OWNER TO when the owner differs
--   4. schema privileges  GRANT USAGE/CREATE ON SCHEMA, re-run every time; schema public is a
--                         system entity on Aurora DSQL (every role has USAGE through PUBLIC):
--                         grants on it are listed, not run, and its objects are granted one by
--                         one from the catalog (\gexec)
--   5. table privileges   GRANT ... ON ALL TABLES (SEQUENCES, FUNCTIONS) IN SCHEMA, re-run
--                         every time so that objects created since the last run are
--                         reached; grants on named objects run when the object exists
--   6. revokes            REVOKE ... FROM PUBLIC (or a role), re-run every time; PUBLIC gets
--                         nothing on a sensitive schema and the objects in it
--   7. default privileges not set: Aurora DSQL refuses ALTER DEFAULT PRIVILEGES FOR another
--                         role, so run this script again after every migration (section 5
--                         then reaches the new objects); the intended ones are listed
--   8. IAM mappings       AWS IAM GRANT when the mapping is missing
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each DDL runs in its own transaction. Identifiers are double-quoted and
-- literals single-quoted (standard_conforming_strings on).
\set ON_ERROR_STOP on

-- 1. roles
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ro') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "ro" WITH LOGIN CONNECTION LIMIT 3;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ro' AND (NOT rolcanlogin OR rolconnlimit <> 3)) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "ro" exists with other attributes than declared (LOGIN CONNECTION LIMIT 3); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'owner') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "owner";
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'owner' AND rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "owner" exists with other attributes than declared (NOLOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif

-- 2. memberships
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'owner' AND u.rolname = 'ro') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
GRANT "owner" TO "ro";
COMMIT;
\endif

-- 3. schemas
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'app') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "app";
COMMIT;
\endif

-- 4. schema privileges
BEGIN;
GRANT USAGE ON SCHEMA "app" TO "ro";
COMMIT;

-- 5. table privileges
SELECT (SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass('"app"."t"') AND NOT attisdropped AND attname IN ('c')) = 1 AS dsql_present \gset
\if :dsql_present
BEGIN;
GRANT SELECT ("c") ON TABLE "app"."t" TO "ro";
COMMIT;
\endif

-- 6. revokes
BEGIN;
REVOKE USAGE, CREATE ON SCHEMA "app" FROM PUBLIC;
COMMIT;

-- 7. default privileges
-- not on aurora_dsql (re-run after migrations): ALTER DEFAULT PRIVILEGES FOR ROLE "owner" IN SCHEMA "app" GRANT SELECT ON TABLES TO "ro";

-- 8. IAM mappings
)sql";

static_assert(dsql::render_bootstrap<small, dsql::target::aurora_dsql>() == small_aurora);
static_assert(
    dsql::render_bootstrap<small>(dsql::target::postgres_local)
        .ends_with("-- 7. default privileges\n"
                   "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'owner') THEN NOT "
                   "pg_catalog.pg_has_role('owner', 'MEMBER') ELSE false END AS dsql_lent_0 \\gset\n\\if :dsql_lent_0\n"
                   "-- lend the runner membership in \"owner\" for the statements below\n"
                   "BEGIN;\nGRANT \"owner\" TO CURRENT_USER;\nCOMMIT;\n\\endif\n"
                   "BEGIN;\nALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA "
                   "\"app\" GRANT SELECT ON TABLES TO \"ro\";\nCOMMIT;\n"
                   "\\if :dsql_lent_0\nBEGIN;\nREVOKE \"owner\" FROM CURRENT_USER;\nCOMMIT;\n\\endif\n"
                   "\n-- 8. IAM mappings\n"));
static_assert(dsql::render_revoke<small, ro>(dsql::target::postgres_local).ends_with("-- 3. IAM mappings\n\\endif\n"));
static_assert(dsql::render_matrix<small>() ==
              "| component | database role | IAM principal | IAM action | privileges | schemas |\n"
              "|---|---|---|---|---|---|\n"
              "| - | `ro` | (none) | - | member of `owner`; USAGE on schema app; SELECT on app.t (some columns); "
              "SELECT on future tables of `owner` in app | app |\n"
              "| - | `owner` (NOLOGIN) | (none) | - | - | - |\n");
static_assert(dsql::model_of<p3::spec>().grants.size() == 19);
static_assert(dsql::model_of<p3::spec>().grants[10].privileges.size() == 7);  // ALL on a table

}  // namespace

TEST_CASE("Every statement kind with every P3 name, bootstrap for postgres_local", "[render][golden][p3]") {
  REQUIRE_SAME_TEXT(golden("p3_bootstrap_postgres_local.sql"),
                    dsql::render_bootstrap<p3::spec>(dsql::target::postgres_local));
}

TEST_CASE("Every statement kind with every P3 name, bootstrap for aurora_dsql", "[render][golden][p3]") {
  REQUIRE_SAME_TEXT(golden("p3_bootstrap_aurora_dsql.sql"),
                    (dsql::render_bootstrap<p3::dsql_spec, dsql::target::aurora_dsql>()));
}

TEST_CASE("Every P3 role offboarded and dropped, for both targets", "[render][golden][p3][revoke]") {
  REQUIRE_SAME_TEXT(golden("p3_revoke_all_drop_postgres_local.sql"),
                    dsql::render_revoke_all<p3::spec>(dsql::target::postgres_local, {}, {.drop = true}));
  REQUIRE_SAME_TEXT(golden("p3_revoke_all_drop_aurora_dsql.sql"),
                    dsql::render_revoke_all<p3::dsql_spec>(dsql::target::aurora_dsql, {}, {.drop = true}));
}

TEST_CASE("P3 policies use the bound region and cluster id, and each principal's own account",
          "[render][golden][policies]") {
  REQUIRE_SAME_TEXT(golden("p3_policies.json"), dsql::render_policies<p3::spec>());
  CHECK(error_of([] { (void)dsql::render_policies<p3::spec>({.region = "us-east-1"}); }) ==
        dsql::messages::region_differs);
  CHECK(error_of([] { (void)dsql::render_policies<p3::spec>({.cluster_id = "other"}); }) ==
        dsql::messages::cluster_id_differs);
  CHECK_NOTHROW(dsql::render_policies<p3::spec>({.region = "eu-west-3", .cluster_id = "p3cluster"}));
  const auto m = dsql::model_of<p3::spec>();
  CHECK(dsql::render_policy(m, "arn:aws:iam::123456789012:role/P3Admin") ==
        dsql::render_policy_document("dsql:DbConnectAdmin", "arn:aws:dsql:eu-west-3:123456789012:cluster/p3cluster") +
            "\n");
  CHECK(contains(dsql::render_policy(m, "arn:aws:iam::210987654321:role/svc-at"), "\"dsql:DbConnect\""));
  CHECK_THROWS_AS(dsql::render_policy(m, "arn:aws:iam::123456789012:role/Nobody"), dsql::error);
}

TEST_CASE("P3 access matrix escapes Markdown", "[render][golden][matrix]") {
  REQUIRE_SAME_TEXT(golden("p3_matrix.md"), dsql::render_matrix<p3::spec>());
}

TEST_CASE("A password comes from the environment on postgres_local and is refused for aurora_dsql", "[render][roles]") {
  using pw = dsql::cluster<"pw", dsql::roles<dsql::role<"svc", dsql::login, dsql::password_from_env<"SVC_PASSWORD">>>>;
  const std::string local = dsql::render_bootstrap<pw, dsql::target::postgres_local>();
  CHECK(contains(local,
                 "\n\\unset dsql_password\n\\getenv dsql_password SVC_PASSWORD\n\\if :{?dsql_password}\nBEGIN;\n"
                 "ALTER ROLE \"svc\" WITH PASSWORD :'dsql_password';\nCOMMIT;\n\\unset dsql_password\n\\endif\n"));
  CHECK(error_of([] { (void)dsql::render_bootstrap<pw>(dsql::target::aurora_dsql); }) ==
        dsql::assert_no_password_on_dsql_t::message);
  STATIC_REQUIRE(dsql::cannot_target<pw, dsql::target::aurora_dsql>);
}

TEST_CASE("The run-time validators throw the compile-time sentences", "[validate]") {
  const dsql::model::cluster good = dsql::model_of<p3::spec>();
  CHECK_NOTHROW(dsql::validate(good));
  CHECK_NOTHROW(dsql::validate_for(good, dsql::target::postgres_local));
  CHECK_NOTHROW(dsql::validate_for(dsql::model_of<p3::dsql_spec>(), dsql::target::aurora_dsql));
  // the target's rules, at run time with the compile-time sentences
  CHECK(error_of([&good] { dsql::validate_for(good, dsql::target::aurora_dsql); }) ==
        dsql::assert_dsql_schema_owner_t::message);
  auto broken = [&good](auto&& change) {
    dsql::model::cluster m = good;
    change(m);
    return error_of([&m] { dsql::validate(m); });
  };
  using namespace dsql;
  CHECK(broken([](auto& m) { m.roles[0].name = std::string(64, 'x'); }) == assert_name_at_most_63_bytes_t::message);
  CHECK(broken([](auto& m) { m.roles[0].name = "rds_x"; }) == assert_role_name_not_reserved_t::message);
  CHECK(broken([](auto& m) { m.roles[1].name = m.roles[0].name; }) == assert_role_names_unique_t::message);
  CHECK(broken([](auto& m) { m.roles[0].connection_limit = -7; }) == assert_connection_limit_t::message);
  CHECK(broken([](auto& m) { m.schemas[0].owner = "ghost"; }) == assert_schema_owner_declared_t::message);
  CHECK(broken([](auto& m) { m.grants[0].grantee = "ghost"; }) == assert_grantee_declared_t::message);
  CHECK(broken([](auto& m) { m.grants[0].grantee = "admin"; }) == assert_grantee_not_reserved_t::message);
  CHECK(broken([](auto& m) { m.grants[0].schema = "ghost"; }) == assert_grant_schema_declared_t::message);
  CHECK(broken([](auto& m) { m.grants[0].privileges.push_back(privilege_kind::execute); }) ==
        assert_privilege_fits_object_t::message);
  CHECK(broken([](auto& m) { m.grants[0].privileges.push_back(m.grants[0].privileges[0]); }) ==
        assert_privileges_listed_once_t::message);
  CHECK(broken([](auto& m) { m.grants[13].arguments = "int); DROP TABLE x; --"; }) ==
        assert_object_name_valid_t::message);
  CHECK(broken([](auto& m) {
          m.grants[0].to_public = true;
          m.grants[0].with_grant_option = true;
        }) == assert_grant_option_to_roles_t::message);
  CHECK(broken([](auto& m) { m.grants[7].grantee = "Mixed"; }) == assert_sensitive_schema_reader_t::message);
  CHECK(broken([](auto& m) {
          m.memberships.push_back({"rôle_ü", "Mixed", false, false});
        }) == assert_sensitive_schema_reader_t::message);
  CHECK(broken([](auto& m) { m.default_privileges[0].creator = "ghost"; }) == assert_creator_declared_t::message);
  CHECK(broken([](auto& m) { m.default_privileges[0].on = object_kind::table; }) ==
        assert_default_privileges_shape_t::message);
  CHECK(broken([](auto& m) {
          m.memberships.push_back({"Mixed", "with space", false, false});
        }) == assert_membership_acyclic_t::message);
  CHECK(broken([](auto& m) {
          m.memberships.push_back({"Mixed", "Mixed", false, false});
        }) == assert_membership_shape_t::message);
  CHECK(broken([](auto& m) {
          m.memberships.push_back({"pg_read_all_data", "Mixed", false, true});
        }) == assert_group_not_predefined_t::message);
  CHECK(broken([](auto& m) { m.roles[0].login = false; }) == assert_mapped_role_has_login_t::message);
  CHECK(broken([](auto& m) { m.mappings[0].who.name = "a b"; }) == assert_iam_name_valid_t::message);
  CHECK(broken([](auto& m) { m.mappings[0].who = m.admins[0]; }) == assert_admin_identity_not_mapped_t::message);
  CHECK(broken([](auto& m) { m.principals[0].name = "Unmapped"; }) == assert_principal_mapped_t::message);
  // the rules once: the same sentence as at compile time for a column listed twice, a
  // mapping or admin identity declared twice, and a mapping of admin
  CHECK(broken([](auto& m) {
          for (auto& g : m.grants)
            if (g.on == object_kind::columns) g.columns.push_back(g.columns.front());
        }) == assert_object_name_valid_t::message);
  CHECK(broken([](auto& m) { m.mappings.push_back(m.mappings[0]); }) == assert_iam_entries_unique_t::message);
  CHECK(broken([](auto& m) { m.admins.push_back(m.admins[0]); }) == assert_iam_entries_unique_t::message);
  CHECK(broken([](auto& m) { m.mappings[0].role = "admin"; }) == assert_admin_not_mapped_t::message);
  CHECK(broken([](auto& m) { m.region = "EU"; }) == assert_aws_region_valid_t::message);
  CHECK(broken([](auto& m) { m.cluster_id = "a-b"; }) == assert_cluster_id_valid_t::message);
  dsql::model::cluster many = good;
  for (int i = 0; i < 8; ++i) many.schemas.push_back({.name = "extra" + std::to_string(i)});
  CHECK_NOTHROW(dsql::validate_for(many, dsql::target::postgres_local));
  CHECK(error_of([&many] { dsql::validate_for(many, dsql::target::aurora_dsql); }) ==
        assert_dsql_schema_limit_t::message);
  CHECK(error_of([] { dsql::validate_principal_arn("arn:aws:sts::123456789012:assumed-role/A/s"); }) ==
        assert_principal_not_session_t::message);
  CHECK(error_of([] { dsql::validate_principal_arn("arn:aws:iam::*:role/A"); }) ==
        assert_principal_account_bound_t::message);
  CHECK(error_of([] { dsql::validate_principal_arn("arn:aws:iam::123456789012:group/A"); }) ==
        assert_iam_arn_valid_t::message);
  CHECK_NOTHROW(dsql::validate_principal_arn("arn:aws:iam::123456789012:role/path/A"));
  // A 64-byte name never reaches a server: the renderer refuses the model first.
  dsql::model::cluster long_name = good;
  long_name.roles[8].name += "4";
  CHECK(error_of([&long_name] { (void)dsql::render_bootstrap(long_name, dsql::target::postgres_local); }) ==
        assert_name_at_most_63_bytes_t::message);
}
