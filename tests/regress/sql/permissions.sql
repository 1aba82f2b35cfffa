--
-- permissions: only admin (as current user) or a superuser may map.
--
\set VERBOSITY default
CREATE ROLE regress_target LOGIN;
CREATE ROLE regress_nobody LOGIN;
CREATE ROLE regress_creator LOGIN CREATEROLE;
CREATE ROLE regress_member LOGIN;
GRANT admin TO regress_member;

-- an ordinary role: 42501, for grant and revoke
SET SESSION AUTHORIZATION regress_nobody;
SELECT sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
SELECT sys.aws_iam_revoke('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
-- the caller check comes first: no hint whether the role exists
SELECT sys.aws_iam_grant('regress_nosuchrole', 'not an arn');
\echo :LAST_ERROR_SQLSTATE
-- everybody may read the view
SELECT count(*) FROM sys.iam_pg_role_mappings;
RESET SESSION AUTHORIZATION;

-- CREATEROLE is not enough
SET SESSION AUTHORIZATION regress_creator;
SELECT sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- a member of admin must act as admin (SET ROLE): the current user counts
SET SESSION AUTHORIZATION regress_member;
SELECT sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
SET ROLE admin;
SELECT sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
SELECT pg_role_name, arn, grantor_pg_role_name FROM sys.iam_pg_role_mappings;
RESET ROLE;
SELECT sys.aws_iam_revoke('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- a superuser acting through SET ROLE admin: the current user, admin, acts
SET ROLE admin;
SELECT sys.aws_iam_revoke('regress_target', 'arn:aws:iam::123456789012:role/R');
RESET ROLE;
SELECT count(*) FROM sys.iam_pg_role_mappings;

-- a SECURITY DEFINER function owned by a non-admin does not help
CREATE FUNCTION regress_sneaky() RETURNS void
  LANGUAGE sql SECURITY DEFINER
  AS $$ SELECT sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/S') $$;
ALTER FUNCTION regress_sneaky() OWNER TO regress_nobody;
SET SESSION AUTHORIZATION admin;
SELECT regress_sneaky();
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
DROP FUNCTION regress_sneaky();

DROP ROLE regress_target, regress_nobody, regress_creator, regress_member;
