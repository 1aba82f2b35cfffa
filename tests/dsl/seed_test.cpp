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

constexpr std::string_view seed_bootstrap_aurora =
    R"sql(-- dsql-roles bootstrap of cluster "seed" for target aurora_dsql.
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
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "app_readonly" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "app_readonly" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readwrite') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "app_readwrite" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readwrite' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "app_readwrite" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "user_service" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "user_service" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reporting_readonly') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "reporting_readonly" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reporting_readonly' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "reporting_readonly" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif

-- 2. memberships

-- 3. schemas
-- schema "public" exists already: it is used, not created
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'users_schema') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "users_schema";
COMMIT;
\endif

-- 4. schema privileges
-- on Aurora DSQL every role has USAGE on schema public through PUBLIC, and a GRANT on that system entity is refused: GRANT USAGE ON SCHEMA "public" TO "app_readonly";
-- on Aurora DSQL every role has USAGE on schema public through PUBLIC, and a GRANT on that system entity is refused: GRANT USAGE ON SCHEMA "public" TO "app_readwrite";
BEGIN;
GRANT USAGE, CREATE ON SCHEMA "users_schema" TO "user_service";
COMMIT;
-- on Aurora DSQL every role has USAGE on schema public through PUBLIC, and a GRANT on that system entity is refused: GRANT USAGE ON SCHEMA "public" TO "user_service";
-- on Aurora DSQL every role has USAGE on schema public through PUBLIC, and a GRANT on that system entity is refused: GRANT USAGE ON SCHEMA "public" TO "reporting_readonly";
BEGIN;
GRANT USAGE ON SCHEMA "users_schema" TO "reporting_readonly";
COMMIT;

-- 5. table privileges
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('GRANT SELECT ON TABLE "public".%I TO "app_readonly";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "public".%I TO "app_readwrite";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
BEGIN;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "users_schema" TO "user_service";
COMMIT;
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON TABLE "public".%I TO "user_service";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('GRANT SELECT ON TABLE "public".%I TO "reporting_readonly";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "users_schema" TO "reporting_readonly";
COMMIT;

-- 6. revokes
-- on Aurora DSQL only admin creates in schema public, and a REVOKE on that system entity is refused: REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;
BEGIN;
REVOKE ALL ON SCHEMA "users_schema" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "users_schema" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA "users_schema" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA "users_schema" FROM PUBLIC;
COMMIT;

-- 7. default privileges
-- not on aurora_dsql (re-run after migrations): ALTER DEFAULT PRIVILEGES FOR ROLE "user_service" IN SCHEMA "users_schema" GRANT SELECT ON TABLES TO "reporting_readonly";

-- 8. IAM mappings
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

constexpr std::string_view seed_bootstrap_local =
    R"sql(-- dsql-roles bootstrap of cluster "seed" for target postgres_local.
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

-- 2. memberships

-- 3. schemas
-- schema "public" exists already: it is used, not created
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') THEN NOT pg_catalog.pg_has_role('user_service', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "user_service" for the statements below
BEGIN;
GRANT "user_service" TO CURRENT_USER;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'users_schema') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "users_schema";
COMMIT;
\endif
\if :dsql_lent_0
BEGIN;
REVOKE "user_service" FROM CURRENT_USER;
COMMIT;
\endif

-- 4. schema privileges
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "app_readonly";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "app_readwrite";
COMMIT;
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') THEN NOT pg_catalog.pg_has_role('user_service', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "user_service" for the statements below
BEGIN;
GRANT "user_service" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
GRANT USAGE, CREATE ON SCHEMA "users_schema" TO "user_service";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "user_service" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "user_service";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "public" TO "reporting_readonly";
COMMIT;
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') THEN NOT pg_catalog.pg_has_role('user_service', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "user_service" for the statements below
BEGIN;
GRANT "user_service" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
GRANT USAGE ON SCHEMA "users_schema" TO "reporting_readonly";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "user_service" FROM CURRENT_USER;
COMMIT;
\endif

-- 5. table privileges
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "app_readonly";
COMMIT;
BEGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "app_readwrite";
COMMIT;
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') THEN NOT pg_catalog.pg_has_role('user_service', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "user_service" for the statements below
BEGIN;
GRANT "user_service" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "users_schema" TO "user_service";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "user_service" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "public" TO "user_service";
COMMIT;
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "reporting_readonly";
COMMIT;
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') THEN NOT pg_catalog.pg_has_role('user_service', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "user_service" for the statements below
BEGIN;
GRANT "user_service" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "users_schema" TO "reporting_readonly";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "user_service" FROM CURRENT_USER;
COMMIT;
\endif

-- 6. revokes
BEGIN;
REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;
COMMIT;
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') THEN NOT pg_catalog.pg_has_role('user_service', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "user_service" for the statements below
BEGIN;
GRANT "user_service" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REVOKE ALL ON SCHEMA "users_schema" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "users_schema" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA "users_schema" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL ROUTINES IN SCHEMA "users_schema" FROM PUBLIC;
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "user_service" FROM CURRENT_USER;
COMMIT;
\endif

-- 7. default privileges
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') THEN NOT pg_catalog.pg_has_role('user_service', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "user_service" for the statements below
BEGIN;
GRANT "user_service" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "user_service" IN SCHEMA "users_schema" GRANT SELECT ON TABLES TO "reporting_readonly";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "user_service" FROM CURRENT_USER;
COMMIT;
\endif

-- 8. IAM mappings
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

constexpr std::string_view seed_revoke_user_service_aurora =
    R"sql(-- dsql-roles revoke (offboarding) of role "user_service" in cluster "seed" for target aurora_dsql.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing. The role itself is kept.
-- For each role, when it exists:
--   1. table privileges   REVOKE ALL ON ALL TABLES IN SCHEMA, each schema the role is granted on,
--                         and on the named objects it is granted on; its default privileges
--   2. schema privileges  REVOKE USAGE, CREATE ON SCHEMA, the same schemas; its memberships
--   3. IAM mappings       AWS IAM REVOKE when the mapping exists
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each statement runs in its own transaction.
\set ON_ERROR_STOP on

-- role "user_service"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('REVOKE ALL ON TABLE "public".%I FROM "user_service";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "users_schema" FROM "user_service";
COMMIT;
-- 2. schema privileges
-- schema public is a system entity on Aurora DSQL (a REVOKE on it is refused); the role holds nothing there but through PUBLIC
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
\endif
)sql";

constexpr std::string_view seed_revoke_app_readonly_local =
    R"sql(-- dsql-roles revoke (offboarding) of role "app_readonly" in cluster "seed" for target postgres_local.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing. The role itself is kept.
-- For each role, when it exists:
--   1. table privileges   REVOKE ALL ON ALL TABLES IN SCHEMA, each schema the role is granted on,
--                         and on the named objects it is granted on; its default privileges
--   2. schema privileges  REVOKE USAGE, CREATE ON SCHEMA, the same schemas; its memberships
--   3. IAM mappings       CALL sys.aws_iam_revoke (extension dsql_iam) when the mapping exists
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each statement runs in its own transaction.
\set ON_ERROR_STOP on

-- role "app_readonly"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly') AS dsql_role \gset
\if :dsql_role
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
\endif
)sql";

constexpr std::string_view seed_revoke_all_drop_aurora =
    R"sql(-- dsql-roles revoke (offboarding) of every role in cluster "seed" for target aurora_dsql.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing. Each role is dropped at the end.
-- For each role, when it exists:
--   1. table privileges   REVOKE ALL ON ALL TABLES IN SCHEMA, each schema the role is granted on,
--                         and on the named objects it is granted on; its default privileges
--   2. schema privileges  REVOKE USAGE, CREATE ON SCHEMA, the same schemas; its memberships
--   3. IAM mappings       AWS IAM REVOKE when the mapping exists
--   4. drop               REASSIGN OWNED BY the role TO the runner, DROP OWNED, DROP ROLE
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each statement runs in its own transaction.
\set ON_ERROR_STOP on

-- role "app_readonly"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('REVOKE ALL ON TABLE "public".%I FROM "app_readonly";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
-- 2. schema privileges
-- schema public is a system entity on Aurora DSQL (a REVOKE on it is refused); the role holds nothing there but through PUBLIC
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readonly' AND arn = 'arn:aws:iam::123456789012:role/AppReadOnlyRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
AWS IAM REVOKE "app_readonly" FROM 'arn:aws:iam::123456789012:role/AppReadOnlyRole';
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readonly') THEN NOT pg_catalog.pg_has_role('app_readonly', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "app_readonly" for the statements below
BEGIN;
GRANT "app_readonly" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "app_readonly" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "app_readonly";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "app_readonly" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "app_readonly";
COMMIT;
\endif

-- role "app_readwrite"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readwrite') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('REVOKE ALL ON TABLE "public".%I FROM "app_readwrite";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
-- 2. schema privileges
-- schema public is a system entity on Aurora DSQL (a REVOKE on it is refused); the role holds nothing there but through PUBLIC
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'app_readwrite' AND arn = 'arn:aws:iam::123456789012:role/AppReadWriteRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
AWS IAM REVOKE "app_readwrite" FROM 'arn:aws:iam::123456789012:role/AppReadWriteRole';
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_readwrite') THEN NOT pg_catalog.pg_has_role('app_readwrite', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "app_readwrite" for the statements below
BEGIN;
GRANT "app_readwrite" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "app_readwrite" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "app_readwrite";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "app_readwrite" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "app_readwrite";
COMMIT;
\endif

-- role "user_service"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('REVOKE ALL ON TABLE "public".%I FROM "user_service";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "users_schema" FROM "user_service";
COMMIT;
-- 2. schema privileges
-- schema public is a system entity on Aurora DSQL (a REVOKE on it is refused); the role holds nothing there but through PUBLIC
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
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'user_service') THEN NOT pg_catalog.pg_has_role('user_service', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "user_service" for the statements below
BEGIN;
GRANT "user_service" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "user_service" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "user_service";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "user_service" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "user_service";
COMMIT;
\endif

-- role "reporting_readonly"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reporting_readonly') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
-- one statement per object of schema "public" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:
SELECT pg_catalog.format('REVOKE ALL ON TABLE "public".%I FROM "reporting_readonly";', c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname \gexec
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "users_schema" FROM "reporting_readonly";
COMMIT;
-- not on aurora_dsql: ALTER DEFAULT PRIVILEGES FOR ROLE "user_service" IN SCHEMA "users_schema" REVOKE ALL ON TABLES FROM "reporting_readonly";
-- 2. schema privileges
-- schema public is a system entity on Aurora DSQL (a REVOKE on it is refused); the role holds nothing there but through PUBLIC
BEGIN;
REVOKE USAGE, CREATE ON SCHEMA "users_schema" FROM "reporting_readonly";
COMMIT;
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'reporting_readonly' AND arn = 'arn:aws:iam::123456789012:role/ReportingRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
AWS IAM REVOKE "reporting_readonly" FROM 'arn:aws:iam::123456789012:role/ReportingRole';
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'reporting_readonly') THEN NOT pg_catalog.pg_has_role('reporting_readonly', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "reporting_readonly" for the statements below
BEGIN;
GRANT "reporting_readonly" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "reporting_readonly" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "reporting_readonly";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "reporting_readonly" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "reporting_readonly";
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

constexpr std::string_view seed_matrix =
    R"md(| component | database role | IAM principal | IAM action | privileges | schemas |
|---|---|---|---|---|---|
| Web API (read) | `app_readonly` | `arn:aws:iam::123456789012:role/AppReadOnlyRole` | dsql:DbConnect | USAGE on schema public; SELECT on all tables in public | public |
| Web API (write) | `app_readwrite` | `arn:aws:iam::123456789012:role/AppReadWriteRole` | dsql:DbConnect | USAGE on schema public; SELECT, INSERT, UPDATE, DELETE on all tables in public | public |
| User service | `user_service` | `arn:aws:iam::123456789012:role/UserServiceRole` | dsql:DbConnect | USAGE, CREATE on schema users_schema; SELECT, INSERT, UPDATE on all tables in users_schema; USAGE on schema public; SELECT, INSERT, UPDATE on all tables in public | users_schema, public |
| Reporting | `reporting_readonly` | `arn:aws:iam::123456789012:role/ReportingRole` | dsql:DbConnect | USAGE on schema public; USAGE on schema users_schema; SELECT on all tables in public; SELECT on all tables in users_schema; SELECT on future tables of `user_service` in users_schema | public, users_schema |
| administration | `admin` | `arn:aws:iam::123456789012:role/DsqlAdminRole` | dsql:DbConnectAdmin | setup only (never mapped) | all |
)md";

// The seed's renderings are constants: checked by the compiler too.
static_assert(dsql::render_bootstrap<seed::spec>(dsql::target::aurora_dsql, {.account_id = "123456789012"}) ==
              seed_bootstrap_aurora);
static_assert(dsql::render_revoke<seed::spec, seed::user_service>(dsql::target::aurora_dsql,
                                                                  {.account_id = "123456789012"}) ==
              seed_revoke_user_service_aurora);
static_assert(dsql::render_matrix<seed::spec>({.account_id = "123456789012"}) == seed_matrix);
static_assert(dsql::render_policies<seed::spec>(
                  {.account_id = "123456789012", .region = "us-east-1", .cluster_id = "*"}) == seed_policies_us_east_1);

}  // namespace

TEST_CASE("The seed bootstrap for aurora_dsql is exactly the contract script", "[seed][bootstrap]") {
  REQUIRE_SAME_TEXT(seed_bootstrap_aurora, dsql::render_bootstrap<seed::spec>(dsql::target::aurora_dsql, account));
}

TEST_CASE("The seed bootstrap for postgres_local is exactly the contract script", "[seed][bootstrap]") {
  REQUIRE_SAME_TEXT(seed_bootstrap_local, dsql::render_bootstrap<seed::spec>(dsql::target::postgres_local, account));
}

TEST_CASE(
    "The two targets differ where Aurora DSQL differs: IAM statements, ALTER ROLE, schema public, default privileges",
    "[seed][bootstrap]") {
  std::string a = dsql::render_bootstrap<seed::spec>(dsql::target::aurora_dsql, account);
  std::string l = dsql::render_bootstrap<seed::spec>(dsql::target::postgres_local, account);
  auto code_lines = [](const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t nl; (nl = s.find('\n', start)) != std::string::npos; start = nl + 1)
      if (!s.substr(start, nl - start).starts_with("-- ")) out.push_back(s.substr(start, nl - start));
    return out;
  };
  // What aurora_dsql never sends: ALTER ROLE ... WITH, anything ON SCHEMA public or ON ALL
  // TABLES IN SCHEMA public, ALTER DEFAULT PRIVILEGES, CALL sys.*
  auto la = code_lines(a), ll = code_lines(l);
  std::string code;
  for (const auto& line : la) code += "\n" + line;
  for (const char* refused : {"\nALTER ROLE ", "ON SCHEMA \"public\"", "ON ALL TABLES IN SCHEMA \"public\"",
                              "\nALTER DEFAULT PRIVILEGES", "\nCALL sys."}) {
    INFO(refused);
    CHECK(code.find(refused) == std::string::npos);
  }
  // Every other aurora_dsql statement appears in order in postgres_local, AWS IAM GRANT as CALL.
  std::size_t j = 0;
  int iam = 0, per_table = 0;
  for (const auto& line : la) {
    if (line.starts_with("\\warn ") || line.ends_with("\\gexec")) {
      per_table += line.ends_with("\\gexec") ? 1 : 0;
      continue;
    }
    if (line == "BEGIN;" || line == "COMMIT;" || line == "\\endif" || line.starts_with("\\if ")) continue;
    const bool is_iam = line.starts_with("AWS IAM GRANT ");
    // sensitive schemas: postgres_local takes procedures from PUBLIC too (DSQL has none)
    std::string same = line;
    if (const auto at = same.find(" ON ALL FUNCTIONS IN SCHEMA ");
        at != std::string::npos && same.starts_with("REVOKE ALL"))
      same.replace(at, 28, " ON ALL ROUTINES IN SCHEMA ");
    while (j < ll.size() && !(is_iam ? ll[j].starts_with("CALL sys.aws_iam_grant(") : ll[j] == same)) ++j;
    CHECK(j < ll.size());
    iam += is_iam ? 1 : 0;
    ++j;
  }
  CHECK(iam == 4);
  CHECK(per_table == 4);  // each role's SELECT... on public's tables, one statement per table
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
  const char* sections[] = {"\n-- 1. roles\n",
                            "\n-- 2. memberships\n",
                            "\n-- 3. schemas\n",
                            "\n-- 4. schema privileges\n",
                            "\n-- 5. table privileges\n",
                            "\n-- 6. revokes\n",
                            "\n-- 7. default privileges\n",
                            "\n-- 8. IAM mappings\n"};
  std::size_t previous = 0;
  for (const char* section : sections) {
    CAPTURE(section);
    const auto at = s.find(section);
    CHECK(at != std::string::npos);
    CHECK(at > previous);
    previous = at;
  }
  // Each statement alone between BEGIN and COMMIT: count them.
  auto count = [&s](std::string_view needle) {
    std::size_t n = 0;
    for (auto p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
    return n;
  };
  const std::size_t statements = count("\nCREATE ROLE ") + count("\nALTER ROLE ") + count("\nCREATE SCHEMA ") +
                                 count("\nGRANT ") + count("\nREVOKE ") + count("\nALTER DEFAULT ") +
                                 count("\nAWS IAM GRANT ");
  CHECK(count("\nBEGIN;\n") == statements);
  CHECK(count("\nCOMMIT;\n") == statements);
  CHECK(count("\\gset\n\\if :") == count("\n\\endif\n"));
  // users_schema's 4 grants as statements; public's: USAGE held through PUBLIC (comments), its
  // tables one by one from the catalog (4 \\gexec queries, one per role)
  CHECK(count("\nGRANT ") == 4);
  CHECK(count(" \\gexec\n") == 4);
  CHECK(count("-- on Aurora DSQL every role has USAGE on schema public through PUBLIC") == 4);
  CHECK(count("-- on Aurora DSQL only admin creates in schema public, and a REVOKE on that system entity is refused: "
              "REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC;\n") == 1);
  // aurora_dsql: default privileges are only named, in a comment, and the header says why.
  CHECK(count("\nALTER DEFAULT ") == 0);
  CHECK(count("-- not on aurora_dsql (re-run after migrations): ALTER DEFAULT PRIVILEGES FOR ROLE \"user_service\"") ==
        1);
  CHECK(s.find("run this script again after every migration") != std::string::npos);
}

TEST_CASE("The seed revoke of every role with drop reassigns and drops after the IAM mapping", "[seed][revoke]") {
  REQUIRE_SAME_TEXT(seed_revoke_all_drop_aurora,
                    dsql::render_revoke_all<seed::spec>(dsql::target::aurora_dsql, account, {.drop = true}));
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
  REQUIRE_SAME_TEXT(
      seed_policies_us_east_1,
      dsql::render_policies<seed::spec>({.account_id = "123456789012", .region = "us-east-1", .cluster_id = "*"}));
}

TEST_CASE("The seed access matrix", "[seed][matrix]") {
  REQUIRE_SAME_TEXT(seed_matrix, dsql::render_matrix<seed::spec>(account));
}

TEST_CASE("The seed model lists the declaration in order", "[seed][model]") {
  const dsql::model::cluster m = dsql::model_of<seed::spec>();
  CHECK(m.name == "seed");
  CHECK(m.account_id.empty());
  REQUIRE(m.roles.size() == 4);
  CHECK(m.roles[0] == dsql::model::role{.name = "app_readonly", .login = true, .component = "Web API (read)"});
  CHECK(m.roles[3] == dsql::model::role{.name = "reporting_readonly", .login = true, .component = "Reporting"});
  REQUIRE(m.schemas.size() == 2);
  CHECK(m.schemas[0] == dsql::model::schema{.name = "public", .create = false});
  CHECK(m.schemas[1] == dsql::model::schema{.name = "users_schema",
                                            .create = true,
                                            .sensitive = true,
                                            .readers = {"user_service", "reporting_readonly"}});
  CHECK(m.grants.size() == 12);
  REQUIRE(m.revokes.size() == 1);
  CHECK(m.revokes[0].to_public);
  CHECK(m.revokes[0].grantee.empty());
  REQUIRE(m.default_privileges.size() == 1);
  CHECK(m.default_privileges[0] == dsql::model::default_privilege{.creator = "user_service",
                                                                  .privileges = {dsql::privilege_kind::select},
                                                                  .on = dsql::object_kind::all_tables_in_schema,
                                                                  .schema = "users_schema",
                                                                  .grantee = "reporting_readonly"});
  REQUIRE(m.mappings.size() == 4);
  CHECK(m.mappings[2].role == "user_service");
  CHECK(m.mappings[2].who.arn("123456789012") == "arn:aws:iam::123456789012:role/UserServiceRole");
  REQUIRE(m.admins.size() == 1);
  CHECK(m.admins[0].name == "DsqlAdminRole");
}
