--
-- seclabel: the mappings are security labels of provider dsql_iam on the
-- role; direct SECURITY LABEL statements are refused except for superusers
-- with a valid label (pg_dumpall restore); corrupt labels never crash.
--
\set VERBOSITY default
CREATE ROLE regress_lbl LOGIN;
SET SESSION AUTHORIZATION admin;
SELECT sys.aws_iam_grant('regress_lbl', 'arn:aws:iam::123456789012:role/Label');
SELECT sys.aws_iam_grant('regress_lbl', 'arn:aws:iam::123456789012:user/label,user');
RESET SESSION AUTHORIZATION;

-- the stored format, version 1
SELECT regexp_replace(label, '^(\d+) (\d+) ', 'IAM_OID GRANTOR ', 'gn') AS label
  FROM pg_shseclabel
 WHERE provider = 'dsql_iam' AND objoid = 'regress_lbl'::regrole;

-- admin has CREATEROLE, which core would accept: refused by the provider
SET SESSION AUTHORIZATION admin;
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS NULL;
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL ON ROLE regress_lbl IS 'dsql_iam 1';
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- superuser: only roles, only well-formed labels
CREATE TABLE regress_tbl (a int);
SECURITY LABEL FOR dsql_iam ON TABLE regress_tbl IS 'dsql_iam 1';
\echo :LAST_ERROR_SQLSTATE
DROP TABLE regress_tbl;
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS 'garbage';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS 'dsql_iam 2';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::*:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X\n16401 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl
  IS E'dsql_iam 1\n0 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl
  IS E'dsql_iam 1\n99999999999 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE admin
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR no_such_provider ON ROLE regress_lbl IS 'x';
\echo :LAST_ERROR_SQLSTATE

-- a superuser restores a dumped label (what pg_dumpall emits)
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl
  IS E'dsql_iam 1\n3000000000 10 arn:aws:iam::123456789012:role/Restored\n';
SELECT pg_role_name, iam_oid, arn FROM sys.iam_pg_role_mappings
 WHERE pg_role_name = 'regress_lbl';

-- a corrupt label (written behind the provider's back) never crashes:
-- readers skip it with a WARNING, writers refuse, DROP ROLE goes ahead
SET allow_system_table_mods = on;
UPDATE pg_shseclabel SET label = E'dsql_iam 1\n12 garbage'
 WHERE provider = 'dsql_iam' AND objoid = 'regress_lbl'::regrole;
RESET allow_system_table_mods;
SELECT count(*) FROM sys.iam_pg_role_mappings;
SELECT sys.aws_iam_grant('regress_lbl', 'arn:aws:iam::123456789012:role/Label');
\echo :LAST_ERROR_SQLSTATE
-- the repair path
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS NULL;
SELECT sys.aws_iam_grant('regress_lbl', 'arn:aws:iam::123456789012:role/Label');
SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings;
-- corrupt again, then DROP ROLE (with a WARNING) removes the label
SET allow_system_table_mods = on;
UPDATE pg_shseclabel SET label = 'not ours'
 WHERE provider = 'dsql_iam' AND objoid = 'regress_lbl'::regrole;
RESET allow_system_table_mods;
DROP ROLE regress_lbl;
SELECT count(*) AS labels FROM pg_shseclabel WHERE provider = 'dsql_iam';
