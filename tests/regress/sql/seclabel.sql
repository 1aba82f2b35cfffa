--
-- seclabel: the mappings are security labels of provider dsql_iam on the
-- role.  A direct SECURITY LABEL FOR dsql_iam is refused for everyone,
-- superusers included, unless dsql_iam.allow_label_restore is on (restore
-- of a pg_dumpall script, see dump_restore); corrupt labels never crash.
--
\set VERBOSITY default
CREATE ROLE regress_lbl LOGIN;
CREATE ROLE regress_super2 SUPERUSER;
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_grant('regress_lbl', 'arn:aws:iam::123456789012:role/Label');
CALL sys.aws_iam_grant('regress_lbl', 'arn:aws:iam::123456789012:user/label,user');
RESET SESSION AUTHORIZATION;

-- the stored format, version 1: iam_oid, grantor OID, ARN, grantor name
SELECT regexp_replace(label, '^(\d+) (\d+) ', 'IAM_OID GRANTOR ', 'gn') AS label
  FROM pg_shseclabel
 WHERE provider = 'dsql_iam' AND objoid = 'regress_lbl'::regrole;

-- admin has CREATEROLE, which core would accept: refused
SET SESSION AUTHORIZATION admin;
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS NULL;
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS 'dsql_iam 1';
\echo :LAST_ERROR_SQLSTATE
-- without FOR: core picks the only provider, which refuses
SECURITY LABEL ON ROLE regress_lbl IS 'dsql_iam 1';
\echo :LAST_ERROR_SQLSTATE
-- and admin cannot turn the restore setting on
SET dsql_iam.allow_label_restore = on;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- the bootstrap superuser and another superuser: refused as well
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS NULL;
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl
  IS E'dsql_iam 1\n3000000000 10 arn:aws:iam::123456789012:role/Sneaky\n';
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL ON ROLE regress_lbl IS NULL;
\echo :LAST_ERROR_SQLSTATE
SET SESSION AUTHORIZATION regress_super2;
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS NULL;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
-- only roles carry our labels
CREATE TABLE regress_tbl (a int);
SECURITY LABEL FOR dsql_iam ON TABLE regress_tbl IS 'dsql_iam 1';
\echo :LAST_ERROR_SQLSTATE
DROP TABLE regress_tbl;
SECURITY LABEL FOR no_such_provider ON ROLE regress_lbl IS 'x';
\echo :LAST_ERROR_SQLSTATE
-- nothing changed
SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings ORDER BY arn;

-- a corrupt label (written behind the provider's back) never crashes:
-- readers skip it with a WARNING, writers refuse, DROP ROLE goes ahead
SET allow_system_table_mods = on;
UPDATE pg_shseclabel SET label = E'dsql_iam 1\n12 garbage'
 WHERE provider = 'dsql_iam' AND objoid = 'regress_lbl'::regrole;
RESET allow_system_table_mods;
SELECT count(*) FROM sys.iam_pg_role_mappings;
SELECT sys.aws_iam_mapping_exists('regress_lbl', 'arn:aws:iam::123456789012:role/Label');
CALL sys.aws_iam_grant('regress_lbl', 'arn:aws:iam::123456789012:role/Label');
\echo :LAST_ERROR_SQLSTATE
-- the repair path: a superuser removes the label with the restore setting
SET dsql_iam.allow_label_restore = on;
SECURITY LABEL FOR dsql_iam ON ROLE regress_lbl IS NULL;
RESET dsql_iam.allow_label_restore;
CALL sys.aws_iam_grant('regress_lbl', 'arn:aws:iam::123456789012:role/Label');
SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings;
-- corrupt again, then DROP ROLE (with a WARNING) removes the label
SET allow_system_table_mods = on;
UPDATE pg_shseclabel SET label = 'not ours'
 WHERE provider = 'dsql_iam' AND objoid = 'regress_lbl'::regrole;
RESET allow_system_table_mods;
DROP ROLE regress_lbl;
SELECT count(*) AS labels FROM pg_shseclabel WHERE provider = 'dsql_iam';
DROP ROLE regress_super2;
