--
-- admin: DSQL's predefined administrative role.  It is not a superuser; it
-- creates roles and schemas and grants on what it owns; it cannot grant on
-- objects other roles created; nobody but the bootstrap superuser may
-- create, drop, rename, alter, map or grant it (identified by name, as in
-- DSQL).  Runs last: it makes admin the owner of the database, as the
-- local bootstrap does (DSQL's admin owns database postgres).
--
\set VERBOSITY default
CREATE ROLE regress_creator LOGIN CREATEROLE;
CREATE ROLE regress_other LOGIN;
CREATE ROLE regress_super2 LOGIN SUPERUSER;
SELECT format('ALTER DATABASE %I OWNER TO admin', current_database()) AS to_admin,
       format('ALTER DATABASE %I OWNER TO %I', current_database(), session_user) AS to_bootstrap
\gset
:to_admin;

-- not a superuser: no superuser roles, no pg_authid, no ALTER SYSTEM
SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls
  FROM pg_roles WHERE rolname = 'admin';
SET SESSION AUTHORIZATION admin;
SELECT current_user, current_setting('is_superuser') AS is_superuser;
CREATE ROLE regress_wannabe SUPERUSER;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM pg_authid;
\echo :LAST_ERROR_SQLSTATE
ALTER SYSTEM SET work_mem = '8MB';
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE regress_super2 NOSUPERUSER;
\echo :LAST_ERROR_SQLSTATE

-- cannot take the powers of predefined roles (PostgreSQL 15's CREATEROLE
-- would allow it; PostgreSQL 16 and DSQL do not): no server files, no shell
GRANT pg_execute_server_program TO admin;
\echo :LAST_ERROR_SQLSTATE
GRANT pg_read_server_files, pg_write_server_files TO regress_other;
\echo :LAST_ERROR_SQLSTATE
GRANT pg_read_all_data TO regress_other WITH ADMIN OPTION;
\echo :LAST_ERROR_SQLSTATE
CREATE ROLE regress_sneaky IN ROLE pg_write_all_data;
\echo :LAST_ERROR_SQLSTATE
ALTER GROUP pg_signal_backend ADD USER admin;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS predefined_memberships_granted
  FROM pg_auth_members WHERE roleid < 16384 AND member >= 16384;

-- creates roles and schemas, and grants on what it owns
CREATE ROLE regress_app LOGIN;
CREATE SCHEMA regress_admin_schema;
CREATE TABLE regress_admin_schema.items (id int);
GRANT USAGE ON SCHEMA regress_admin_schema TO regress_app;
GRANT SELECT ON ALL TABLES IN SCHEMA regress_admin_schema TO regress_app;
REVOKE SELECT ON regress_admin_schema.items FROM regress_app;
GRANT SELECT, INSERT ON regress_admin_schema.items TO regress_app;
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AdminMade');
RESET SESSION AUTHORIZATION;
SELECT n.nspname, pg_get_userbyid(n.nspowner) AS owner
  FROM pg_namespace n WHERE n.nspname = 'regress_admin_schema';
SELECT has_table_privilege('regress_app', 'regress_admin_schema.items', 'SELECT') AS app_select,
       has_table_privilege('regress_app', 'regress_admin_schema.items', 'UPDATE') AS app_update;
SELECT pg_role_name, arn, grantor_pg_role_name FROM sys.iam_pg_role_mappings;

-- cannot grant or revoke on objects other roles created
CREATE ROLE regress_owner LOGIN;
CREATE SCHEMA regress_owned AUTHORIZATION regress_owner;
SET SESSION AUTHORIZATION regress_owner;
CREATE TABLE regress_owned.secrets (id int);
GRANT USAGE ON SCHEMA regress_owned TO admin;
GRANT SELECT ON regress_owned.secrets TO regress_other;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION admin;
-- no privilege at all on the table: an error, 42501
GRANT SELECT ON regress_owned.secrets TO regress_app;
\echo :LAST_ERROR_SQLSTATE
GRANT SELECT ON ALL TABLES IN SCHEMA regress_owned TO regress_app;
\echo :LAST_ERROR_SQLSTATE
REVOKE SELECT ON regress_owned.secrets FROM regress_other;
\echo :LAST_ERROR_SQLSTATE
-- a privilege without GRANT OPTION: core's WARNING, nothing is granted
GRANT USAGE ON SCHEMA regress_owned TO regress_app;
REVOKE USAGE ON SCHEMA regress_owned FROM regress_other;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_owner GRANT SELECT ON TABLES TO regress_app;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
SELECT has_table_privilege('regress_app', 'regress_owned.secrets', 'SELECT') AS app_select,
       has_schema_privilege('regress_app', 'regress_owned', 'USAGE') AS app_usage,
       has_table_privilege('regress_other', 'regress_owned.secrets', 'SELECT') AS other_select;

-- a CREATEROLE role other than admin: nothing on admin
SET SESSION AUTHORIZATION regress_creator;
GRANT admin TO regress_creator;
\echo :LAST_ERROR_SQLSTATE
GRANT admin TO regress_other;
\echo :LAST_ERROR_SQLSTATE
CREATE ROLE regress_sneak IN ROLE admin;
\echo :LAST_ERROR_SQLSTATE
ALTER GROUP admin ADD USER regress_other;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin RENAME TO regress_renamed;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE regress_other RENAME TO admin;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin NOLOGIN;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin PASSWORD 'x';
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin SET work_mem = '8MB';
\echo :LAST_ERROR_SQLSTATE
DROP ROLE admin;
\echo :LAST_ERROR_SQLSTATE
CREATE ROLE admin;
\echo :LAST_ERROR_SQLSTATE
-- revoking is harmless and goes to core
REVOKE admin FROM regress_other;
RESET SESSION AUTHORIZATION;

-- admin itself: cannot hand itself out, alter, rename, drop or map itself
SET SESSION AUTHORIZATION admin;
GRANT admin TO regress_other;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin CONNECTION LIMIT 10;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE CURRENT_USER PASSWORD 'x';
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin SET search_path = public;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin RENAME TO regress_renamed;
\echo :LAST_ERROR_SQLSTATE
DROP ROLE admin;
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('admin', 'arn:aws:iam::123456789012:role/AdminRole');
\echo :LAST_ERROR_SQLSTATE
SECURITY LABEL FOR dsql_iam ON ROLE admin
  IS E'dsql_iam 1\n16400 10 arn:aws:iam::123456789012:role/X\n';
\echo :LAST_ERROR_SQLSTATE
-- other roles are unaffected
ALTER ROLE regress_other RENAME TO regress_other2;
ALTER ROLE regress_other2 RENAME TO regress_other;
ALTER ROLE regress_other SET work_mem = '8MB';
ALTER ROLE regress_other RESET work_mem;
RESET SESSION AUTHORIZATION;

-- another superuser is not the bootstrap superuser: refused as well
SET SESSION AUTHORIZATION regress_super2;
GRANT admin TO regress_other;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin CONNECTION LIMIT 10;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE admin RENAME TO regress_renamed;
\echo :LAST_ERROR_SQLSTATE
DROP ROLE admin;
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/BySuper2');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- the bootstrap superuser may (and cannot map admin either)
GRANT admin TO regress_other;
REVOKE admin FROM regress_other;
ALTER ROLE admin CONNECTION LIMIT 10;
ALTER ROLE admin CONNECTION LIMIT -1;
ALTER ROLE admin RENAME TO regress_admin_renamed;
ALTER ROLE regress_admin_renamed RENAME TO admin;
CALL sys.aws_iam_grant('admin', 'arn:aws:iam::123456789012:role/AdminRole');
\echo :LAST_ERROR_SQLSTATE
SELECT rolname, rolsuper, rolcanlogin, rolconnlimit FROM pg_roles WHERE rolname = 'admin';

-- cleanup: the database goes back to the bootstrap superuser
SET SESSION AUTHORIZATION admin;
CALL sys.aws_iam_revoke('regress_app', 'arn:aws:iam::123456789012:role/AdminMade');
DROP SCHEMA regress_admin_schema CASCADE;
RESET SESSION AUTHORIZATION;
DROP SCHEMA regress_owned CASCADE;
:to_bootstrap;
DROP ROLE regress_creator, regress_other, regress_super2, regress_app, regress_owner;
SELECT count(*) FROM sys.iam_pg_role_mappings;
