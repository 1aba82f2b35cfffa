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
CALL sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
-- the caller check comes first: no hint whether the role exists
CALL sys.aws_iam_grant('regress_nosuchrole', 'not an arn');
\echo :LAST_ERROR_SQLSTATE
-- everybody may read the view and ask whether a pair is mapped
SELECT count(*) FROM sys.iam_pg_role_mappings;
SELECT sys.aws_iam_mapping_exists('regress_target', 'arn:aws:iam::123456789012:role/R');
RESET SESSION AUTHORIZATION;

-- another superuser is not admin: 42501 as on DSQL
CREATE ROLE regress_super2 SUPERUSER;
SET SESSION AUTHORIZATION regress_super2;
CALL sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
DROP ROLE regress_super2;

-- CREATEROLE is not enough
SET SESSION AUTHORIZATION regress_creator;
CALL sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- a member of admin must act as admin (SET ROLE): the current user counts
SET SESSION AUTHORIZATION regress_member;
CALL sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
SET ROLE admin;
CALL sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/R');
SELECT pg_role_name, arn, grantor_pg_role_name FROM sys.iam_pg_role_mappings;
RESET ROLE;
CALL sys.aws_iam_revoke('regress_target', 'arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- a superuser acting through SET ROLE admin: the current user, admin, acts
SET ROLE admin;
CALL sys.aws_iam_revoke('regress_target', 'arn:aws:iam::123456789012:role/R');
RESET ROLE;
SELECT count(*) FROM sys.iam_pg_role_mappings;

-- a SECURITY DEFINER procedure owned by a non-admin does not help
CREATE PROCEDURE regress_sneaky()
  LANGUAGE sql SECURITY DEFINER
  AS $$ CALL sys.aws_iam_grant('regress_target', 'arn:aws:iam::123456789012:role/S') $$;
ALTER PROCEDURE regress_sneaky() OWNER TO regress_nobody;
SET SESSION AUTHORIZATION admin;
CALL regress_sneaky();
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
DROP PROCEDURE regress_sneaky();

DROP ROLE regress_target, regress_nobody, regress_creator, regress_member;
