// The seed scenario (dsl/examples/seed.hpp) rendered in full and compared byte for byte.
// These texts are a contract: `dsqlctl sql` rewrites the AWS IAM statements found in
// them and the demo runs them twice against a local PostgreSQL.
#include <catch2/catch.hpp>

#include <dsql/roles.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "seed.hpp"
#include "text_compare.hpp"

namespace {

const dsql::render_options account{.account_id = "123456789012"};

constexpr std::string_view seed_bootstrap_aurora = R"sql(-- dsql-roles bootstrap of cluster "seed" for target aurora_dsql.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing.
--   1. roles              CREATE ROLE when missing, then LOGIN or NOLOGIN as declared
--   2. schemas            CREATE SCHEMA when missing (an existing schema is only used)
--   3. schema privileges  GRANT USAGE/CREATE ON SCHEMA, re-run every time
--   4. table privileges   GRANT ... ON ALL TABLES IN SCHEMA, re-run every time so that
--                         tables created since the last run are reached
--   5. IAM mappings       AWS IAM GRANT when the mapping is missing
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each DDL runs in its own transaction. Identifiers are double-quoted and
-- literals single-quoted (standard_conforming_strings on).
\set ON_ERROR_STOP on

-- 1. roles
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "app_readonly" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "app_readonly" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readwrite') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "app_readwrite" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readwrite' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "app_readwrite" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "user_service" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "user_service" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reporting_readonly') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "reporting_readonly" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reporting_readonly' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "reporting_readonly" WITH LOGIN;
COMMIT;
\endif

-- 2. schemas
-- schema "public" exists already: it is used, not created
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'users_schema') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "users_schema";
COMMIT;
\endif

-- 3. schema privileges
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "app_readonly";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "app_readwrite";
COMMIT;
BEGIN;
GRANT USAGE, CREATE ON SCHEMA "users_schema" TO "user_service";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "user_service";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "reporting_readonly";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "users_schema" TO "reporting_readonly";
COMMIT;

-- 4. table privileges
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "app_readonly";
COMMIT;
BEGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "app_readwrite";
COMMIT;
BEGIN;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "users_schema" TO "user_service";
COMMIT;
BEGIN;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "public" TO "user_service";
COMMIT;
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "reporting_readonly";
COMMIT;
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "users_schema" TO "reporting_readonly";
COMMIT;

-- 5. IAM mappings
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readonly' AND arn = 'arn:aws:iam::123456789012:role/AppReadOnlyRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "app_readonly" TO 'arn:aws:iam::123456789012:role/AppReadOnlyRole';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readwrite' AND arn = 'arn:aws:iam::123456789012:role/AppReadWriteRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "app_readwrite" TO 'arn:aws:iam::123456789012:role/AppReadWriteRole';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'user_service' AND arn = 'arn:aws:iam::123456789012:role/UserServiceRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "user_service" TO 'arn:aws:iam::123456789012:role/UserServiceRole';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'reporting_readonly' AND arn = 'arn:aws:iam::123456789012:role/ReportingRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "reporting_readonly" TO 'arn:aws:iam::123456789012:role/ReportingRole';
COMMIT;
\endif
-- admin identity arn:aws:iam::123456789012:role/DsqlAdminRole connects as admin with dsql:DbConnectAdmin; never mapped
)sql";

constexpr std::string_view seed_bootstrap_local = R"sql(-- dsql-roles bootstrap of cluster "seed" for target postgres_local.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing.
--   1. roles              CREATE ROLE when missing, then LOGIN or NOLOGIN as declared
--   2. schemas            CREATE SCHEMA when missing (an existing schema is only used)
--   3. schema privileges  GRANT USAGE/CREATE ON SCHEMA, re-run every time
--   4. table privileges   GRANT ... ON ALL TABLES IN SCHEMA, re-run every time so that
--                         tables created since the last run are reached
--   5. IAM mappings       CALL sys.aws_iam_grant (extension dsql_iam) when missing
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each DDL runs in its own transaction. Identifiers are double-quoted and
-- literals single-quoted (standard_conforming_strings on).
\set ON_ERROR_STOP on

-- 1. roles
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "app_readonly" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "app_readonly" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readwrite') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "app_readwrite" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readwrite' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "app_readwrite" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "user_service" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "user_service" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reporting_readonly') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "reporting_readonly" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reporting_readonly' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "reporting_readonly" WITH LOGIN;
COMMIT;
\endif

-- 2. schemas
-- schema "public" exists already: it is used, not created
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'users_schema') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "users_schema";
COMMIT;
\endif

-- 3. schema privileges
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "app_readonly";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "app_readwrite";
COMMIT;
BEGIN;
GRANT USAGE, CREATE ON SCHEMA "users_schema" TO "user_service";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "user_service";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "reporting_readonly";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "users_schema" TO "reporting_readonly";
COMMIT;

-- 4. table privileges
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "app_readonly";
COMMIT;
BEGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "app_readwrite";
COMMIT;
BEGIN;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "users_schema" TO "user_service";
COMMIT;
BEGIN;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "public" TO "user_service";
COMMIT;
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "reporting_readonly";
COMMIT;
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "users_schema" TO "reporting_readonly";
COMMIT;

-- 5. IAM mappings
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readonly' AND arn = 'arn:aws:iam::123456789012:role/AppReadOnlyRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readwrite' AND arn = 'arn:aws:iam::123456789012:role/AppReadWriteRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('app_readwrite', 'arn:aws:iam::123456789012:role/AppReadWriteRole');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'user_service' AND arn = 'arn:aws:iam::123456789012:role/UserServiceRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('user_service', 'arn:aws:iam::123456789012:role/UserServiceRole');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'reporting_readonly' AND arn = 'arn:aws:iam::123456789012:role/ReportingRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('reporting_readonly', 'arn:aws:iam::123456789012:role/ReportingRole');
COMMIT;
\endif
-- admin identity arn:aws:iam::123456789012:role/DsqlAdminRole connects as admin with dsql:DbConnectAdmin; never mapped
)sql";

constexpr std::string_view seed_revoke_user_service_aurora = R"sql(-- dsql-roles revoke (offboarding) of role "user_service" in cluster "seed" for target aurora_dsql.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing. The role itself is kept.
--   1. table privileges   REVOKE ALL ON ALL TABLES IN SCHEMA, each schema the role is granted on
--   2. schema privileges  REVOKE USAGE, CREATE ON SCHEMA, the same schemas
--   3. IAM mappings       AWS IAM REVOKE when the mapping exists
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each statement runs in its own transaction.
\set ON_ERROR_STOP on

-- 1. table privileges
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "public" FROM "user_service";
COMMIT;
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "users_schema" FROM "user_service";
COMMIT;

-- 2. schema privileges
BEGIN;
REVOKE USAGE, CREATE ON SCHEMA "public" FROM "user_service";
COMMIT;
BEGIN;
REVOKE USAGE, CREATE ON SCHEMA "users_schema" FROM "user_service";
COMMIT;

-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'user_service' AND arn = 'arn:aws:iam::123456789012:role/UserServiceRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
AWS IAM REVOKE "user_service" FROM 'arn:aws:iam::123456789012:role/UserServiceRole';
COMMIT;
\endif
)sql";

constexpr std::string_view seed_revoke_app_readonly_local = R"sql(-- dsql-roles revoke (offboarding) of role "app_readonly" in cluster "seed" for target postgres_local.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing. The role itself is kept.
--   1. table privileges   REVOKE ALL ON ALL TABLES IN SCHEMA, each schema the role is granted on
--   2. schema privileges  REVOKE USAGE, CREATE ON SCHEMA, the same schemas
--   3. IAM mappings       CALL sys.aws_iam_revoke (extension dsql_iam) when the mapping exists
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each statement runs in its own transaction.
\set ON_ERROR_STOP on

-- 1. table privileges
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "public" FROM "app_readonly";
COMMIT;

-- 2. schema privileges
BEGIN;
REVOKE USAGE, CREATE ON SCHEMA "public" FROM "app_readonly";
COMMIT;

-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readonly' AND arn = 'arn:aws:iam::123456789012:role/AppReadOnlyRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('app_readonly', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
COMMIT;
\endif
)sql";

constexpr std::string_view seed_policies_us_east_1 = R"json({
  "arn:aws:iam::123456789012:role/AppReadOnlyRole": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "dsql:DbConnect",
        "Resource": "arn:aws:dsql:us-east-1:123456789012:cluster/*"
      }
    ]
  },
  "arn:aws:iam::123456789012:role/AppReadWriteRole": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "dsql:DbConnect",
        "Resource": "arn:aws:dsql:us-east-1:123456789012:cluster/*"
      }
    ]
  },
  "arn:aws:iam::123456789012:role/UserServiceRole": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "dsql:DbConnect",
        "Resource": "arn:aws:dsql:us-east-1:123456789012:cluster/*"
      }
    ]
  },
  "arn:aws:iam::123456789012:role/ReportingRole": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "dsql:DbConnect",
        "Resource": "arn:aws:dsql:us-east-1:123456789012:cluster/*"
      }
    ]
  },
  "arn:aws:iam::123456789012:role/DsqlAdminRole": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "dsql:DbConnectAdmin",
        "Resource": "arn:aws:dsql:us-east-1:123456789012:cluster/*"
      }
    ]
  }
}
)json";

constexpr std::string_view seed_matrix = R"md(| database role | login | IAM principals (dsql:DbConnect) | schema privileges | table privileges |
|---|---|---|---|---|
| `app_readonly` | LOGIN | `arn:aws:iam::123456789012:role/AppReadOnlyRole` | USAGE on public | SELECT on all tables in public |
| `app_readwrite` | LOGIN | `arn:aws:iam::123456789012:role/AppReadWriteRole` | USAGE on public | SELECT, INSERT, UPDATE, DELETE on all tables in public |
| `user_service` | LOGIN | `arn:aws:iam::123456789012:role/UserServiceRole` | USAGE, CREATE on users_schema; USAGE on public | SELECT, INSERT, UPDATE on all tables in users_schema; SELECT, INSERT, UPDATE on all tables in public |
| `reporting_readonly` | LOGIN | `arn:aws:iam::123456789012:role/ReportingRole` | USAGE on public; USAGE on users_schema | SELECT on all tables in public; SELECT on all tables in users_schema |
| `admin` | LOGIN | `arn:aws:iam::123456789012:role/DsqlAdminRole` (dsql:DbConnectAdmin, never mapped) | setup only | setup only |
)md";

}  // namespace

TEST_CASE("The seed bootstrap for aurora_dsql is exactly the contract script", "[seed][bootstrap]") {
  REQUIRE_SAME_TEXT(seed_bootstrap_aurora, dsql::render_bootstrap<seed::spec>(dsql::target::aurora_dsql, account));
}

TEST_CASE("The seed bootstrap for postgres_local is exactly the contract script", "[seed][bootstrap]") {
  REQUIRE_SAME_TEXT(seed_bootstrap_local, dsql::render_bootstrap<seed::spec>(dsql::target::postgres_local, account));
}

TEST_CASE("The two targets differ only in the header line and the IAM statements", "[seed][bootstrap]") {
  std::string a = dsql::render_bootstrap<seed::spec>(dsql::target::aurora_dsql, account);
  std::string l = dsql::render_bootstrap<seed::spec>(dsql::target::postgres_local, account);
  auto lines = [](const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t nl; (nl = s.find('\n', start)) != std::string::npos; start = nl + 1)
      out.push_back(s.substr(start, nl - start));
    return out;
  };
  auto la = lines(a), ll = lines(l);
  REQUIRE(la.size() == ll.size());
  int differing = 0;
  for (std::size_t i = 0; i < la.size(); ++i)
    if (la[i] != ll[i]) {
      ++differing;
      const bool header = la[i].starts_with("-- ");
      const bool iam = la[i].starts_with("AWS IAM GRANT ") && ll[i].starts_with("CALL sys.aws_iam_grant(");
      CHECK((header || iam));
    }
  CHECK(differing == 2 + 4);
}

TEST_CASE("The seed bootstrap has the contract's structure", "[seed][bootstrap]") {
  const std::string s = dsql::render_bootstrap<seed::spec>(dsql::target::aurora_dsql, account);
  CHECK(s.starts_with("-- dsql-roles bootstrap of cluster \"seed\" for target aurora_dsql.\n"));
  CHECK(s.find("\\set ON_ERROR_STOP on\n") != std::string::npos);
  CHECK(s.find("\nDO ") == std::string::npos);
  CHECK(s.find("plpgsql") == std::string::npos);
  CHECK(s.find("$$") == std::string::npos);
  CHECK(s.find("CREATE DATABASE") == std::string::npos);
  // Sections in order.
  const auto roles = s.find("-- 1. roles"), schemas = s.find("-- 2. schemas"), schema_privs = s.find("-- 3. schema privileges"),
             table_privs = s.find("-- 4. table privileges"), iam = s.find("-- 5. IAM mappings");
  CHECK(roles < schemas);
  CHECK(schemas < schema_privs);
  CHECK(schema_privs < table_privs);
  CHECK(table_privs < iam);
  CHECK(iam != std::string::npos);
  // Each statement alone between BEGIN and COMMIT: count them.
  auto count = [&s](std::string_view needle) {
    std::size_t n = 0;
    for (auto p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
    return n;
  };
  const std::size_t statements = count("\nCREATE ROLE ") + count("\nALTER ROLE ") + count("\nCREATE SCHEMA ") +
                                 count("\nGRANT ") + count("\nAWS IAM GRANT ");
  CHECK(count("\nBEGIN;\n") == statements);
  CHECK(count("\nCOMMIT;\n") == statements);
  CHECK(count("\\gset\n\\if :") == count("\n\\endif\n"));
  CHECK(count("\nGRANT ") == 12);
}

TEST_CASE("The seed revoke of user_service follows the seed's order", "[seed][revoke]") {
  REQUIRE_SAME_TEXT(seed_revoke_user_service_aurora,
                    dsql::render_revoke<seed::spec>("user_service", dsql::target::aurora_dsql, account));
}

TEST_CASE("The seed revoke of app_readonly for postgres_local calls sys.aws_iam_revoke", "[seed][revoke]") {
  REQUIRE_SAME_TEXT(seed_revoke_app_readonly_local,
                    dsql::render_revoke<seed::spec, seed::app_readonly>(dsql::target::postgres_local, account));
}

TEST_CASE("The seed policies give DbConnect per mapped principal and DbConnectAdmin to the admin", "[seed][policies]") {
  REQUIRE_SAME_TEXT(seed_policies_us_east_1,
                    dsql::render_policies<seed::spec>({.account_id = "123456789012", .region = "us-east-1"}));
}

TEST_CASE("The seed access matrix", "[seed][matrix]") {
  REQUIRE_SAME_TEXT(seed_matrix, dsql::render_matrix<seed::spec>(account));
}

TEST_CASE("The seed model lists the declaration in order", "[seed][model]") {
  const dsql::model::cluster m = dsql::model_of<seed::spec>();
  CHECK(m.name == "seed");
  CHECK(m.account_id.empty());
  REQUIRE(m.roles.size() == 4);
  CHECK(m.roles[0] == dsql::model::role{"app_readonly", true});
  CHECK(m.roles[3] == dsql::model::role{"reporting_readonly", true});
  REQUIRE(m.schemas.size() == 2);
  CHECK(m.schemas[0] == dsql::model::schema{"public", false});
  CHECK(m.schemas[1] == dsql::model::schema{"users_schema", true});
  CHECK(m.grants.size() == 12);
  REQUIRE(m.mappings.size() == 4);
  CHECK(m.mappings[2].role == "user_service");
  CHECK(m.mappings[2].who.arn("123456789012") == "arn:aws:iam::123456789012:role/UserServiceRole");
  REQUIRE(m.admins.size() == 1);
  CHECK(m.admins[0].name == "DsqlAdminRole");
}
