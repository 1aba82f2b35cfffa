--
-- drop_role: DROP ROLE of a mapped role fails with 2BP01 until the mapping
-- is revoked.
--
\set VERBOSITY default
CREATE ROLE regress_drop LOGIN;
CREATE ROLE regress_drop2 LOGIN;
CREATE ROLE regress_free LOGIN;
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_grant('regress_drop', 'arn:aws:iam::123456789012:role/DropMe');
CALL sys.aws_iam_grant('regress_drop', 'arn:aws:iam::123456789012:user/dropme');
CALL sys.aws_iam_grant('regress_drop2', 'arn:aws:iam::123456789012:role/DropMe');

-- as admin (CREATEROLE), as a superuser, with IF EXISTS, in a list
DROP ROLE regress_drop;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
DROP ROLE regress_drop;
\echo :LAST_ERROR_SQLSTATE
DROP ROLE IF EXISTS regress_drop;
\echo :LAST_ERROR_SQLSTATE
DROP ROLE regress_free, regress_drop2;
\echo :LAST_ERROR_SQLSTATE
SELECT rolname FROM pg_roles WHERE rolname LIKE 'regress_drop%' OR rolname = 'regress_free'
 ORDER BY 1;

-- after the revokes the role can be dropped, and its label is gone
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_revoke('regress_drop', 'arn:aws:iam::123456789012:role/DropMe');
DROP ROLE regress_drop;
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke('regress_drop', 'arn:aws:iam::123456789012:user/dropme');
DROP ROLE regress_drop;
CALL sys.aws_iam_revoke('regress_drop2', 'arn:aws:iam::123456789012:role/DropMe');
DROP ROLE regress_drop2, regress_free;
RESET SESSION AUTHORIZATION;
SELECT count(*) FROM sys.iam_pg_role_mappings;
SELECT count(*) AS labels FROM pg_shseclabel WHERE provider = 'dsql_iam';

-- DROP ROLE of unmapped and unknown roles behaves as without the extension
DROP ROLE regress_nosuchrole;
\echo :LAST_ERROR_SQLSTATE
DROP ROLE IF EXISTS regress_nosuchrole;


-- many mappings: the detail names ten, then counts the rest
CREATE ROLE regress_many LOGIN;
DO $$
BEGIN
  FOR i IN 1..12 LOOP
    CALL sys.aws_iam_grant('regress_many', 'arn:aws:iam::123456789012:role/Many' || lpad(i::text, 2, '0'));
  END LOOP;
END
$$;
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'regress_many';
DROP ROLE regress_many;
\echo :LAST_ERROR_SQLSTATE
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
DROP ROLE regress_many;
