--
-- admin_guard: only a superuser may create, drop, rename, alter or grant
-- the role admin (identified by name, as in DSQL).
--
\set VERBOSITY default
CREATE ROLE regress_creator LOGIN CREATEROLE;
CREATE ROLE regress_other LOGIN;
SET SESSION AUTHORIZATION regress_creator;
GRANT admin TO regress_creator;
\echo :LAST_ERROR_SQLSTATE
GRANT admin TO regress_other;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin RENAME TO regress_renamed;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE regress_other RENAME TO admin;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin NOLOGIN;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin PASSWORD 'x';
\echo :LAST_ERROR_SQLSTATE
DROP ROLE admin;
\echo :LAST_ERROR_SQLSTATE
CREATE ROLE admin;
\echo :LAST_ERROR_SQLSTATE
-- revoking is harmless and goes to core
REVOKE admin FROM regress_other;
RESET SESSION AUTHORIZATION;

-- admin cannot hand itself out either, but may alter itself
SET SESSION AUTHORIZATION admin;
GRANT admin TO regress_other;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin CONNECTION LIMIT 10;
ALTER ROLE admin CONNECTION LIMIT -1;
-- other roles are unaffected
ALTER ROLE regress_other RENAME TO regress_other2;
ALTER ROLE regress_other2 RENAME TO regress_other;
RESET SESSION AUTHORIZATION;

-- a superuser may
GRANT admin TO regress_other;
REVOKE admin FROM regress_other;
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = 'admin';
DROP ROLE regress_creator, regress_other;
