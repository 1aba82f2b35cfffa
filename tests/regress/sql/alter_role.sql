--
-- alter_role: RENAME keeps the mappings; NOLOGIN on a mapped role is
-- refused (2BP01) until the mappings are revoked.
--
\set VERBOSITY default
CREATE ROLE regress_old LOGIN;
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_grant('regress_old', 'arn:aws:iam::123456789012:role/Rename');
RESET SESSION AUTHORIZATION;
CREATE TEMP TABLE regress_before AS
  SELECT pg_role_oid, iam_oid FROM sys.iam_pg_role_mappings;

-- rename (the mapping is keyed by OID)
ALTER ROLE regress_old RENAME TO "regress_New Name";
SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings;
SELECT m.pg_role_oid = b.pg_role_oid AS same_role, m.iam_oid = b.iam_oid AS same_iam_oid
  FROM sys.iam_pg_role_mappings m, regress_before b;
-- the old name is gone for the functions too
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_revoke('regress_old', 'arn:aws:iam::123456789012:role/Rename');
\echo :LAST_ERROR_SQLSTATE

-- NOLOGIN refused, in every spelling; other attributes are fine
ALTER ROLE "regress_New Name" NOLOGIN;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
ALTER USER "regress_New Name" WITH NOLOGIN;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE "regress_New Name" WITH CONNECTION LIMIT 5 NOLOGIN;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE "regress_New Name" LOGIN CONNECTION LIMIT 5;
SELECT rolcanlogin, rolconnlimit FROM pg_roles WHERE rolname = 'regress_New Name';

-- after the revoke NOLOGIN works, and a grant then needs LOGIN again
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_revoke('regress_New Name', 'arn:aws:iam::123456789012:role/Rename');
ALTER ROLE "regress_New Name" NOLOGIN;
CALL sys.aws_iam_grant('regress_New Name', 'arn:aws:iam::123456789012:role/Rename');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
DROP TABLE regress_before;
DROP ROLE "regress_New Name";
