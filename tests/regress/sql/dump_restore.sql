--
-- dump_restore: what a pg_dumpall script does to the mappings.  pg_dumpall
-- emits, after each role, SECURITY LABEL FOR dsql_iam ON ROLE r IS '<label>'.
-- A superuser restores it with dsql_iam.allow_label_restore = on (PGOPTIONS);
-- the label is then checked (syntax, LOGIN, not admin, iam_oids consistent
-- with the other roles) and its grantors are resolved by name, because the
-- dumped cluster's OIDs mean nothing here.  The real round trip (pg_dumpall,
-- fresh cluster, psql -f) is in durability.sh.
--
\set VERBOSITY default
CREATE ROLE regress_dr LOGIN;
CREATE ROLE regress_dr2 LOGIN;
CREATE ROLE regress_dr_nologin NOLOGIN;
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_grant('regress_dr', 'arn:aws:iam::123456789012:role/Dumped');
CALL sys.aws_iam_grant('regress_dr', 'arn:aws:iam::123456789012:user/dumped');
CALL sys.aws_iam_grant('regress_dr2', 'arn:aws:iam::123456789012:role/Dumped');
RESET SESSION AUTHORIZATION;
CREATE TEMP TABLE regress_before AS
  SELECT * FROM sys.iam_pg_role_mappings;

-- the label as pg_dumpall reads it
SELECT label AS dumped FROM pg_shseclabel
 WHERE provider = 'dsql_iam' AND objoid = 'regress_dr'::regrole \gset

-- off by default, and only a superuser may turn it on
SHOW dsql_iam.allow_label_restore;
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr IS :'dumped';
\echo :LAST_ERROR_SQLSTATE
SET dsql_iam.allow_label_restore = on;

-- round trip: remove, restore, same rows (grantor resolved by name)
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr IS NULL;
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'regress_dr';
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr IS :'dumped';
SELECT count(*) AS same_rows FROM (
  SELECT * FROM sys.iam_pg_role_mappings
  INTERSECT SELECT * FROM regress_before) s;
SELECT (SELECT count(*) FROM sys.iam_pg_role_mappings)
     = (SELECT count(*) FROM regress_before) AS same_count;
-- the restored mappings are live: DROP ROLE is still refused
DROP ROLE regress_dr;
\echo :LAST_ERROR_SQLSTATE

-- grantor OIDs in the label are ignored, names are used; an unknown name
-- gives no grantor until a role of that name exists
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr
  IS E'dsql_iam 1\n3000000001 4000000000 arn:aws:iam::123456789012:role/Moved admin\n3000000002 10 arn:aws:iam::123456789012:role/Later regress_grant%20or\n3000000003 10 arn:aws:iam::123456789012:role/Nameless\n';
SELECT arn, iam_oid, grantor_pg_role_name,
       grantor_pg_role_oid = 'admin'::regrole AS grantor_is_admin
  FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'regress_dr' ORDER BY arn;
CREATE ROLE "regress_grant or";
SELECT arn, grantor_pg_role_name FROM sys.iam_pg_role_mappings
 WHERE pg_role_name = 'regress_dr' ORDER BY arn;

-- refused: malformed labels (22023)
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2 IS 'garbage';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2 IS 'dsql_iam 2';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2 IS 'dsql_iam 1';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::*:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n16400 10 arn:aws:sts::123456789012:assumed-role/R/s\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X\n16401 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n0 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n99999999999 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X bad%zzname\n';
\echo :LAST_ERROR_SQLSTATE
-- refused: two ARNs with one iam_oid, in the label or across roles
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X\n16400 10 arn:aws:iam::123456789012:role/Y\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n3000000001 10 arn:aws:iam::123456789012:role/NotMoved\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2
  IS E'dsql_iam 1\n3000000009 10 arn:aws:iam::123456789012:role/Moved\n';
\echo :LAST_ERROR_SQLSTATE
-- refused: admin (42939), a role without LOGIN (55000), an unknown role
SECURITY LABEL FOR dsql_iam ON ROLE admin
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr_nologin
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_nosuchrole
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
-- the setting does not help a role that is not a superuser
SET SESSION AUTHORIZATION admin;
SECURITY LABEL FOR dsql_iam ON ROLE regress_dr2 IS NULL;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
-- regress_dr2 still has its granted mapping, with the same iam_oid
SELECT m.arn, m.iam_oid = b.iam_oid AS same_iam_oid
  FROM sys.iam_pg_role_mappings m JOIN regress_before b USING (pg_role_oid, arn)
 WHERE m.pg_role_name = 'regress_dr2';
RESET dsql_iam.allow_label_restore;

-- a label restored as it was dumped keeps working with grant and revoke
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_grant('regress_dr', 'arn:aws:iam::123456789012:role/Dumped');
-- revoke every mapping (a procedure cannot be called from SELECT: a loop)
DO $$
DECLARE
  m record;
  n int := 0;
BEGIN
  FOR m IN SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings LOOP
    CALL sys.aws_iam_revoke(m.pg_role_name, m.arn);
    n := n + 1;
  END LOOP;
  RAISE NOTICE 'revoked % mappings', n;
END
$$;
RESET SESSION AUTHORIZATION;
DROP TABLE regress_before;
DROP ROLE regress_dr, regress_dr2, regress_dr_nologin, "regress_grant or";
SELECT count(*) AS labels FROM pg_shseclabel WHERE provider = 'dsql_iam';
