--
-- view: sys.iam_pg_role_mappings columns, contents, consistency with
-- pg_roles, iam_oid stability.
--
\set VERBOSITY default
SELECT a.attnum, a.attname, a.atttypid::regtype AS type
  FROM pg_attribute a
 WHERE a.attrelid = 'sys.iam_pg_role_mappings'::regclass AND a.attnum > 0
 ORDER BY a.attnum;

CREATE ROLE regress_v1 LOGIN;
CREATE ROLE regress_v2 LOGIN;
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_grant('regress_v1', 'arn:aws:iam::111122223333:role/ViewRole');
CALL sys.aws_iam_grant('regress_v2', 'arn:aws:iam::111122223333:role/ViewRole');
CALL sys.aws_iam_grant('regress_v2', 'arn:aws:iam::111122223333:user/viewer');
RESET SESSION AUTHORIZATION;

-- one row per (ARN, role)
SELECT arn, pg_role_name, grantor_pg_role_name
  FROM sys.iam_pg_role_mappings ORDER BY arn, pg_role_name;
-- OIDs and names agree with pg_roles
SELECT count(*) AS rows,
       count(*) FILTER (WHERE r.rolname = m.pg_role_name) AS role_ok,
       count(*) FILTER (WHERE g.rolname = m.grantor_pg_role_name
                          AND g.rolname = 'admin') AS grantor_ok
  FROM sys.iam_pg_role_mappings m
  JOIN pg_roles r ON r.oid = m.pg_role_oid
  JOIN pg_roles g ON g.oid = m.grantor_pg_role_oid;
-- iam_oid: the FNV-1a hash of the ARN, the same for every role of an ARN
SELECT DISTINCT arn, iam_oid FROM sys.iam_pg_role_mappings ORDER BY arn;

-- stable across revoke and grant again
CREATE TEMP TABLE regress_before AS
  SELECT arn, iam_oid FROM sys.iam_pg_role_mappings;
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_revoke('regress_v1', 'arn:aws:iam::111122223333:role/ViewRole');
CALL sys.aws_iam_revoke('regress_v2', 'arn:aws:iam::111122223333:role/ViewRole');
CALL sys.aws_iam_grant('regress_v1', 'arn:aws:iam::111122223333:role/ViewRole');
RESET SESSION AUTHORIZATION;
SELECT m.arn, m.iam_oid = b.iam_oid AS same_iam_oid
  FROM sys.iam_pg_role_mappings m
  JOIN (SELECT DISTINCT arn, iam_oid FROM regress_before) b USING (arn)
 ORDER BY 1;

-- readable by any role, and the internal row source too
CREATE ROLE regress_reader LOGIN;
SET SESSION AUTHORIZATION regress_reader;
SELECT count(*) FROM sys.iam_pg_role_mappings;
SELECT count(*) FROM sys.aws_iam_mappings();
RESET SESSION AUTHORIZATION;

-- the view reads the labels of the shared catalog: same from any database
SELECT count(*) AS labels FROM pg_shseclabel
 WHERE provider = 'dsql_iam' AND classoid = 'pg_authid'::regclass;

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
SELECT count(*) AS labels FROM pg_shseclabel WHERE provider = 'dsql_iam';
DROP TABLE regress_before;
DROP ROLE regress_v1, regress_v2, regress_reader;
