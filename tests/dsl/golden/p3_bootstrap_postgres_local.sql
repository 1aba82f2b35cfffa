-- dsql-roles bootstrap of cluster "p3 "awkward"" for target postgres_local.
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
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'Mixed') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "Mixed" WITH LOGIN NOINHERIT CONNECTION LIMIT 5;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'Mixed' AND (NOT rolcanlogin OR rolinherit OR rolconnlimit <> 5)) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "Mixed" WITH LOGIN NOINHERIT CONNECTION LIMIT 5;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with-dash') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "with-dash" WITH LOGIN INHERIT;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with-dash' AND (NOT rolcanlogin OR NOT rolinherit)) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "with-dash" WITH LOGIN INHERIT;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "with space";
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space' AND rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "with space" WITH NOLOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'a.b') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "a.b" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'a.b' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "a.b" WITH LOGIN;
COMMIT;
\endif
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
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'svc@x.iam') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "svc@x.iam" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'svc@x.iam' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "svc@x.iam" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'PUBLIC') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "PUBLIC" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'PUBLIC' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "PUBLIC" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rôle_ü') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "rôle_ü" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rôle_ü' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "rôle_ü" WITH LOGIN;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'n23456789012345678901234567890123456789012345678901234567890123') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE ROLE "n23456789012345678901234567890123456789012345678901234567890123" WITH LOGIN;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'n23456789012345678901234567890123456789012345678901234567890123' AND NOT rolcanlogin) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER ROLE "n23456789012345678901234567890123456789012345678901234567890123" WITH LOGIN;
COMMIT;
\endif

-- 2. memberships
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'with space' AND u.rolname = 'Mixed' AND m.admin_option) AS dsql_missing \gset
\if :dsql_missing
BEGIN;
GRANT "with space" TO "Mixed" WITH ADMIN OPTION;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'with space' AND u.rolname = 'n23456789012345678901234567890123456789012345678901234567890123') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
GRANT "with space" TO "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'with space' AND u.rolname = 'n23456789012345678901234567890123456789012345678901234567890123' AND m.admin_option) AS dsql_differs \gset
\if :dsql_differs
BEGIN;
REVOKE ADMIN OPTION FOR "with space" FROM "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
\endif

-- 3. schemas
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') THEN NOT pg_catalog.pg_has_role('with space', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "with space" for the statements below
BEGIN;
GRANT "with space" TO CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_1 \gset
\if :dsql_lent_1
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'a.b') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "a.b" AUTHORIZATION "with space";
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'a.b' AND pg_catalog.pg_get_userbyid(nspowner) <> 'with space') AS dsql_differs \gset
\if :dsql_differs
BEGIN;
ALTER SCHEMA "a.b" OWNER TO "with space";
COMMIT;
\endif
\if :dsql_lent_0
BEGIN;
REVOKE "with space" FROM CURRENT_USER;
COMMIT;
\endif
\if :dsql_lent_1
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'quote"s') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CREATE SCHEMA "quote""s";
COMMIT;
\endif
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
-- schema "public" exists already: it is used, not created

-- 4. schema privileges
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') THEN NOT pg_catalog.pg_has_role('with space', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "with space" for the statements below
BEGIN;
GRANT "with space" TO CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_1 \gset
\if :dsql_lent_1
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
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
\if :dsql_lent_0
BEGIN;
REVOKE "with space" FROM CURRENT_USER;
COMMIT;
\endif
\if :dsql_lent_1
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
GRANT USAGE, CREATE ON SCHEMA "quote""s" TO "rôle_ü";
COMMIT;
BEGIN;
GRANT USAGE, CREATE ON SCHEMA "quote""s" TO "quote""inside";
COMMIT;
BEGIN;
GRANT USAGE ON SCHEMA "quote""s" TO "PUBLIC";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif

-- 5. table privileges
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') THEN NOT pg_catalog.pg_has_role('with space', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "with space" for the statements below
BEGIN;
GRANT "with space" TO CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_1 \gset
\if :dsql_lent_1
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
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
\if :dsql_lent_0
BEGIN;
REVOKE "with space" FROM CURRENT_USER;
COMMIT;
\endif
\if :dsql_lent_1
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "quote""s" TO "rôle_ü";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') THEN NOT pg_catalog.pg_has_role('with space', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "with space" for the statements below
BEGIN;
GRANT "with space" TO CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_1 \gset
\if :dsql_lent_1
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
SELECT pg_catalog.to_regclass('"a.b"."t one"') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
GRANT SELECT ON TABLE "a.b"."t one" TO PUBLIC;
COMMIT;
\endif
\if :dsql_lent_0
BEGIN;
REVOKE "with space" FROM CURRENT_USER;
COMMIT;
\endif
\if :dsql_lent_1
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif

-- 6. revokes
BEGIN;
REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;
COMMIT;
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') THEN NOT pg_catalog.pg_has_role('with space', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "with space" for the statements below
BEGIN;
GRANT "with space" TO CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_1 \gset
\if :dsql_lent_1
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
SELECT pg_catalog.to_regprocedure('"a.b"."fn x"(integer, text)') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
REVOKE EXECUTE ON FUNCTION "a.b"."fn x"(integer, text) FROM PUBLIC;
COMMIT;
\endif
\if :dsql_lent_0
BEGIN;
REVOKE "with space" FROM CURRENT_USER;
COMMIT;
\endif
\if :dsql_lent_1
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
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
REVOKE ALL ON ALL ROUTINES IN SCHEMA "quote""s" FROM PUBLIC;
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif

-- 7. default privileges
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" GRANT SELECT ON TABLES TO "PUBLIC";
COMMIT;
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" GRANT SELECT ON TABLES TO "svc@x.iam";
COMMIT;
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "a.b";
COMMIT;
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "quote""s" GRANT SELECT, INSERT ON TABLES TO "rôle_ü" WITH GRANT OPTION;
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif

-- 8. IAM mappings
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'Mixed' AND arn = 'arn:aws:iam::123456789012:role/MixedRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('Mixed', 'arn:aws:iam::123456789012:role/MixedRole');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'with-dash' AND arn = 'arn:aws:iam::123456789012:role/team/with-dash') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('with-dash', 'arn:aws:iam::123456789012:role/team/with-dash');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'a.b' AND arn = 'arn:aws:iam::123456789012:user/a.b@example') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('a.b', 'arn:aws:iam::123456789012:user/a.b@example');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'quote"inside' AND arn = 'arn:aws:iam::123456789012:role/QuoteRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('quote"inside', 'arn:aws:iam::123456789012:role/QuoteRole');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'svc@x.iam' AND arn = 'arn:aws:iam::210987654321:role/svc-at') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('svc@x.iam', 'arn:aws:iam::210987654321:role/svc-at');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'PUBLIC' AND arn = 'arn:aws:iam::123456789012:role/PublicRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('PUBLIC', 'arn:aws:iam::123456789012:role/PublicRole');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'rôle_ü' AND arn = 'arn:aws:iam::123456789012:role/AccentRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('rôle_ü', 'arn:aws:iam::123456789012:role/AccentRole');
COMMIT;
\endif
SELECT NOT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'n23456789012345678901234567890123456789012345678901234567890123' AND arn = 'arn:aws:iam::123456789012:role/LongRole') AS dsql_missing \gset
\if :dsql_missing
BEGIN;
CALL sys.aws_iam_grant('n23456789012345678901234567890123456789012345678901234567890123', 'arn:aws:iam::123456789012:role/LongRole');
COMMIT;
\endif
-- admin identity arn:aws:iam::123456789012:role/P3Admin connects as admin with dsql:DbConnectAdmin; never mapped
