-- dsql-roles revoke (offboarding) of every role in cluster "p3 "awkward"" for target postgres_local.
-- Generated from the C++ declaration. Run it with psql as the admin role; running it
-- again prints no error and changes nothing. Each role is dropped at the end.
-- For each role, when it exists:
--   1. table privileges   REVOKE ALL ON ALL TABLES IN SCHEMA, each schema the role is granted on,
--                         and on the named objects it is granted on; its default privileges
--   2. schema privileges  REVOKE USAGE, CREATE ON SCHEMA, the same schemas; its memberships
--   3. IAM mappings       CALL sys.aws_iam_revoke (extension dsql_iam) when the mapping exists
--   4. drop               REASSIGN OWNED BY the role TO the runner, DROP OWNED, DROP ROLE
-- Guards are catalog queries read with \gset and tested with \if (no DO block, no
-- PL/pgSQL). Each statement runs in its own transaction.
\set ON_ERROR_STOP on

-- role "Mixed"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'Mixed') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
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
REVOKE ALL ON ALL TABLES IN SCHEMA "a.b" FROM "Mixed";
COMMIT;
SELECT pg_catalog.to_regclass('"a.b"."t one"') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
REVOKE SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "a.b"."t one" FROM "Mixed";
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
-- 2. schema privileges
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
REVOKE USAGE, CREATE ON SCHEMA "a.b" FROM "Mixed";
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
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'with space' AND u.rolname = 'Mixed') AS dsql_present \gset
\if :dsql_present
BEGIN;
REVOKE "with space" FROM "Mixed";
COMMIT;
\endif
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'Mixed' AND arn = 'arn:aws:iam::123456789012:role/MixedRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('Mixed', 'arn:aws:iam::123456789012:role/MixedRole');
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'Mixed') THEN NOT pg_catalog.pg_has_role('Mixed', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "Mixed" for the statements below
BEGIN;
GRANT "Mixed" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "Mixed" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "Mixed";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "Mixed" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "Mixed";
COMMIT;
\endif

-- role "with-dash"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with-dash') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
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
REVOKE ALL ON ALL TABLES IN SCHEMA "a.b" FROM "with-dash";
COMMIT;
SELECT (SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass('"a.b"."t one"') AND NOT attisdropped AND attname IN ('Col A', 'quote"col')) = 2 AS dsql_present \gset
\if :dsql_present
BEGIN;
REVOKE SELECT ("Col A", "quote""col"), UPDATE ("Col A", "quote""col") ON TABLE "a.b"."t one" FROM "with-dash";
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
-- 2. schema privileges
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
REVOKE USAGE, CREATE ON SCHEMA "a.b" FROM "with-dash";
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
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'with-dash' AND arn = 'arn:aws:iam::123456789012:role/team/with-dash') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('with-dash', 'arn:aws:iam::123456789012:role/team/with-dash');
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with-dash') THEN NOT pg_catalog.pg_has_role('with-dash', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "with-dash" for the statements below
BEGIN;
GRANT "with-dash" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "with-dash" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "with-dash";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "with-dash" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "with-dash";
COMMIT;
\endif

-- role "with space"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
-- 2. schema privileges
-- 3. IAM mappings
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'with space') THEN NOT pg_catalog.pg_has_role('with space', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "with space" for the statements below
BEGIN;
GRANT "with space" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "with space" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "with space";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "with space" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "with space";
COMMIT;
\endif

-- role "a.b"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'a.b') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
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
REVOKE ALL ON ALL TABLES IN SCHEMA "a.b" FROM "a.b";
COMMIT;
BEGIN;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA "a.b" FROM "a.b";
COMMIT;
SELECT pg_catalog.to_regclass('"a.b"."seq-1"') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
REVOKE USAGE, SELECT, UPDATE ON SEQUENCE "a.b"."seq-1" FROM "a.b";
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
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') AS dsql_present \gset
\if :dsql_present
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" REVOKE ALL ON SEQUENCES FROM "a.b";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
\endif
-- 2. schema privileges
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
REVOKE USAGE, CREATE ON SCHEMA "a.b" FROM "a.b";
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
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'a.b' AND arn = 'arn:aws:iam::123456789012:user/a.b@example') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('a.b', 'arn:aws:iam::123456789012:user/a.b@example');
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'a.b') THEN NOT pg_catalog.pg_has_role('a.b', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "a.b" for the statements below
BEGIN;
GRANT "a.b" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "a.b" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "a.b";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "a.b" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "a.b";
COMMIT;
\endif

-- role "quote"inside"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
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
REVOKE ALL ON ALL TABLES IN SCHEMA "a.b" FROM "quote""inside";
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
REVOKE ALL ON ALL TABLES IN SCHEMA "quote""s" FROM "quote""inside";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
-- 2. schema privileges
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
REVOKE USAGE, CREATE ON SCHEMA "a.b" FROM "quote""inside";
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
REVOKE USAGE, CREATE ON SCHEMA "quote""s" FROM "quote""inside";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'quote"inside' AND arn = 'arn:aws:iam::123456789012:role/QuoteRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('quote"inside', 'arn:aws:iam::123456789012:role/QuoteRole');
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "quote""inside" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "quote""inside";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "quote""inside";
COMMIT;
\endif

-- role "svc@x.iam"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'svc@x.iam') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
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
REVOKE ALL ON ALL TABLES IN SCHEMA "a.b" FROM "svc@x.iam";
COMMIT;
BEGIN;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA "a.b" FROM "svc@x.iam";
COMMIT;
SELECT pg_catalog.to_regprocedure('"a.b"."fn x"(integer, text)') IS NOT NULL AS dsql_present \gset
\if :dsql_present
BEGIN;
REVOKE EXECUTE ON FUNCTION "a.b"."fn x"(integer, text) FROM "svc@x.iam";
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
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') AS dsql_present \gset
\if :dsql_present
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" REVOKE ALL ON TABLES FROM "svc@x.iam";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
\endif
-- 2. schema privileges
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
REVOKE USAGE, CREATE ON SCHEMA "a.b" FROM "svc@x.iam";
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
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'svc@x.iam' AND arn = 'arn:aws:iam::210987654321:role/svc-at') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('svc@x.iam', 'arn:aws:iam::210987654321:role/svc-at');
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'svc@x.iam') THEN NOT pg_catalog.pg_has_role('svc@x.iam', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "svc@x.iam" for the statements below
BEGIN;
GRANT "svc@x.iam" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "svc@x.iam" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "svc@x.iam";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "svc@x.iam" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "svc@x.iam";
COMMIT;
\endif

-- role "PUBLIC"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'PUBLIC') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
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
REVOKE ALL ON ALL TABLES IN SCHEMA "a.b" FROM "PUBLIC";
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
REVOKE ALL ON ALL TABLES IN SCHEMA "quote""s" FROM "PUBLIC";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') AS dsql_present \gset
\if :dsql_present
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "a.b" REVOKE ALL ON TABLES FROM "PUBLIC";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
\endif
-- 2. schema privileges
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
REVOKE USAGE, CREATE ON SCHEMA "a.b" FROM "PUBLIC";
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
REVOKE USAGE, CREATE ON SCHEMA "quote""s" FROM "PUBLIC";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'PUBLIC' AND arn = 'arn:aws:iam::123456789012:role/PublicRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('PUBLIC', 'arn:aws:iam::123456789012:role/PublicRole');
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'PUBLIC') THEN NOT pg_catalog.pg_has_role('PUBLIC', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "PUBLIC" for the statements below
BEGIN;
GRANT "PUBLIC" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "PUBLIC" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "PUBLIC";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "PUBLIC" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "PUBLIC";
COMMIT;
\endif

-- role "rôle_ü"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rôle_ü') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA "quote""s" FROM "rôle_ü";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') AS dsql_present \gset
\if :dsql_present
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
ALTER DEFAULT PRIVILEGES FOR ROLE "quote""inside" IN SCHEMA "quote""s" REVOKE ALL ON TABLES FROM "rôle_ü";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
\endif
-- 2. schema privileges
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'quote"inside') THEN NOT pg_catalog.pg_has_role('quote"inside', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "quote"inside" for the statements below
BEGIN;
GRANT "quote""inside" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REVOKE USAGE, CREATE ON SCHEMA "quote""s" FROM "rôle_ü";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "quote""inside" FROM CURRENT_USER;
COMMIT;
\endif
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'rôle_ü' AND arn = 'arn:aws:iam::123456789012:role/AccentRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('rôle_ü', 'arn:aws:iam::123456789012:role/AccentRole');
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rôle_ü') THEN NOT pg_catalog.pg_has_role('rôle_ü', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "rôle_ü" for the statements below
BEGIN;
GRANT "rôle_ü" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "rôle_ü" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "rôle_ü";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "rôle_ü" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "rôle_ü";
COMMIT;
\endif

-- role "n23456789012345678901234567890123456789012345678901234567890123"
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'n23456789012345678901234567890123456789012345678901234567890123') AS dsql_role \gset
\if :dsql_role
-- 1. table privileges
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
REVOKE ALL ON ALL TABLES IN SCHEMA "a.b" FROM "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
BEGIN;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA "a.b" FROM "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
BEGIN;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA "a.b" FROM "n23456789012345678901234567890123456789012345678901234567890123";
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
-- 2. schema privileges
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
REVOKE USAGE, CREATE ON SCHEMA "a.b" FROM "n23456789012345678901234567890123456789012345678901234567890123";
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
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'with space' AND u.rolname = 'n23456789012345678901234567890123456789012345678901234567890123') AS dsql_present \gset
\if :dsql_present
BEGIN;
REVOKE "with space" FROM "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
\endif
-- 3. IAM mappings
SELECT EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'n23456789012345678901234567890123456789012345678901234567890123' AND arn = 'arn:aws:iam::123456789012:role/LongRole') AS dsql_present \gset
\if :dsql_present
BEGIN;
CALL sys.aws_iam_revoke('n23456789012345678901234567890123456789012345678901234567890123', 'arn:aws:iam::123456789012:role/LongRole');
COMMIT;
\endif
-- 4. drop
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'n23456789012345678901234567890123456789012345678901234567890123') THEN NOT pg_catalog.pg_has_role('n23456789012345678901234567890123456789012345678901234567890123', 'MEMBER') ELSE false END AS dsql_lent_0 \gset
\if :dsql_lent_0
-- lend the runner membership in "n23456789012345678901234567890123456789012345678901234567890123" for the statements below
BEGIN;
GRANT "n23456789012345678901234567890123456789012345678901234567890123" TO CURRENT_USER;
COMMIT;
\endif
BEGIN;
REASSIGN OWNED BY "n23456789012345678901234567890123456789012345678901234567890123" TO CURRENT_USER;
COMMIT;
BEGIN;
DROP OWNED BY "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
\if :dsql_lent_0
BEGIN;
REVOKE "n23456789012345678901234567890123456789012345678901234567890123" FROM CURRENT_USER;
COMMIT;
\endif
BEGIN;
DROP ROLE "n23456789012345678901234567890123456789012345678901234567890123";
COMMIT;
\endif
