-- dsql-roles bootstrap of cluster "p3 "awkward"" for target aurora_dsql.
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
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'Mixed') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "Mixed" WITH LOGIN NOINHERIT CONNECTION LIMIT 5;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'Mixed' AND (NOT rolcanlogin OR rolinherit OR rolconnlimit <> 5)) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "Mixed" exists with other attributes than declared (LOGIN NOINHERIT CONNECTION LIMIT 5); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with-dash') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "with-dash" WITH LOGIN INHERIT;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with-dash' AND (NOT rolcanlogin OR NOT rolinherit)) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "with-dash" exists with other attributes than declared (LOGIN INHERIT); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "with space";
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space' AND rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "with space" exists with other attributes than declared (NOLOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'a.b') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "a.b" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'a.b' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "a.b" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "quote""inside" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "quote"inside" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'svc@x.iam') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "svc@x.iam" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'svc@x.iam' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "svc@x.iam" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'PUBLIC') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "PUBLIC" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'PUBLIC' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "PUBLIC" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rôle_ü') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "rôle_ü" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rôle_ü' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "rôle_ü" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'n23456789012345678901234567890123456789012345678901234567890123') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "n23456789012345678901234567890123456789012345678901234567890123" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'n23456789012345678901234567890123456789012345678901234567890123' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
\warn 'role "n23456789012345678901234567890123456789012345678901234567890123" exists with other attributes than declared (LOGIN); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script with drop) and run this script again to create it as declared'
\endif

-- 2. memberships
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'with space' AND u.rolname = 'Mixed') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
GRANT "with space" TO "Mixed";
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'with space' AND u.rolname = 'n23456789012345678901234567890123456789012345678901234567890123') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
GRANT "with space" TO "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
\endif

-- 3. schemas
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'a.b') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "a.b";
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'quote"s') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "quote""s";
COMMIT;
\endif
-- schema "public" exists already: it is used, not created

-- 4. schema privileges
BEGIN;
GRANT USAGE ON SCHEMA "a.b" TO "Mixed";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "a.b" TO "with-dash";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "a.b" TO "a.b";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "a.b" TO "svc@x.iam";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "a.b" TO "PUBLIC";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "a.b" TO "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
BEGIN;
GRANT CREATE ON SCHEMA "a.b" TO "quote""inside";
COMMIT;
BEGIN;
GRANT USAGE, CREATE ON SCHEMA "quote""s" TO "rôle_ü";
COMMIT;
BEGIN;
GRANT USAGE, CREATE ON SCHEMA "quote""s" TO "quote""inside";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "quote""s" TO "PUBLIC";
COMMIT;

-- 5. table privileges
SELECT pg_catalog.to_regclass('"a.b"."t one"') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "a.b"."t one" TO "Mixed" WITH GRANT OPTION;
COMMIT;
\endif
SELECT (SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass('"a.b"."t one"') AND NOT attisdropped AND attname IN ('Col A', 'quote"col')) = 2 AS dsql_present \gset
\if :dsql_present
BEGIN;
GRANT SELECT ("Col A", "quote""col"), UPDATE ("Col A", "quote""col") ON TABLE "a.b"."t one" TO "with-dash";
COMMIT;
\endif
SELECT pg_catalog.to_regclass('"a.b"."seq-1"') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
GRANT USAGE, SELECT ON SEQUENCE "a.b"."seq-1" TO "a.b";
COMMIT;
\endif
SELECT pg_catalog.to_regprocedure('"a.b"."fn x"(integer, text)') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
GRANT EXECUTE ON FUNCTION "a.b"."fn x"(integer, text) TO "svc@x.iam";
COMMIT;
\endif
BEGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA "a.b" TO "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
BEGIN;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA "a.b" TO "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
BEGIN;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA "a.b" TO "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
BEGIN;
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "quote""s" TO "rôle_ü";
COMMIT;
SELECT pg_catalog.to_regclass('"a.b"."t one"') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
GRANT SELECT ON TABLE "a.b"."t one" TO PUBLIC;
COMMIT;
\endif

-- 6. revokes
-- on Aurora DSQL only admin creates in schema public, and a REVOKE on that system entity is refused: REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;
SELECT pg_catalog.to_regprocedure('"a.b"."fn x"(integer, text)') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
REVOKE EXECUTE ON FUNCTION "a.b"."fn x"(integer, text) FROM PUBLIC;
COMMIT;
\endif
BEGIN;
REVOKE ALL ON SCHEMA "quote""s" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "quote""s" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA "quote""s" FROM PUBLIC;
COMMIT;
BEGIN;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA "quote""s" FROM PUBLIC;
COMMIT;

-- 7. default privileges
-- not on aurora_dsql (re-run after migrations): ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" GRANT SELECT ON TABLES TO "PUBLIC";
-- not on aurora_dsql (re-run after migrations): ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" GRANT SELECT ON TABLES TO "svc@x.iam";
-- not on aurora_dsql (re-run after migrations): ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "a.b";
-- not on aurora_dsql (re-run after migrations): ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "quote""s" GRANT SELECT, INSERT ON TABLES TO "rôle_ü" WITH GRANT OPTION;

-- 8. IAM mappings
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'Mixed' AND arn = 'arn:aws:iam::123456789012:role/MixedRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "Mixed" TO 'arn:aws:iam::123456789012:role/MixedRole';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'with-dash' AND arn = 'arn:aws:iam::123456789012:role/team/with-dash') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "with-dash" TO 'arn:aws:iam::123456789012:role/team/with-dash';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'a.b' AND arn = 'arn:aws:iam::123456789012:user/a.b@example') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "a.b" TO 'arn:aws:iam::123456789012:user/a.b@example';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'quote"inside' AND arn = 'arn:aws:iam::123456789012:role/QuoteRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "quote""inside" TO 'arn:aws:iam::123456789012:role/QuoteRole';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'svc@x.iam' AND arn = 'arn:aws:iam::210987654321:role/svc-at') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "svc@x.iam" TO 'arn:aws:iam::210987654321:role/svc-at';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'PUBLIC' AND arn = 'arn:aws:iam::123456789012:role/PublicRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "PUBLIC" TO 'arn:aws:iam::123456789012:role/PublicRole';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'rôle_ü' AND arn = 'arn:aws:iam::123456789012:role/AccentRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "rôle_ü" TO 'arn:aws:iam::123456789012:role/AccentRole';
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'n23456789012345678901234567890123456789012345678901234567890123' AND arn = 'arn:aws:iam::123456789012:role/LongRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
AWS IAM GRANT "n23456789012345678901234567890123456789012345678901234567890123" TO 'arn:aws:iam::123456789012:role/LongRole';
COMMIT;
\endif
-- admin identity arn:aws:iam::123456789012:role/P3Admin connects as admin with dsql:DbConnectAdmin; never mapped
