--
-- admin_limits: admin is Aurora DSQL's admin and never more, strict mode or
-- not.  Every path by which admin's objects or settings would be run by a
-- superuser session, and every server-level power DSQL's admin lacks, is
-- refused with 42501 (utility.c's header lists them and why).  Like admin,
-- this file hands the database to admin first, as dsqlctl local up does.
--
\set VERBOSITY default
CREATE ROLE regress_limits_super LOGIN SUPERUSER;
CREATE ROLE regress_limits_app LOGIN;
SELECT format('ALTER DATABASE %I OWNER TO admin', current_database()) AS to_admin,
       format('ALTER DATABASE %I OWNER TO %I', current_database(), session_user) AS to_bootstrap,
       current_database() AS db, session_user AS bootstrap
\gset
:to_admin;
-- what admin could change before: the settings rows of this database
SELECT count(*) AS settings_before FROM pg_db_role_setting
 WHERE setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
\gset

SET SESSION AUTHORIZATION admin;

-- 1. database-wide and all-role defaults (the attack: the next superuser
--    session of dsqlctl local up would have resolved names in trojan first)
ALTER ROLE ALL IN DATABASE :"db" SET search_path = trojan, pg_catalog;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE ALL SET search_path = trojan, pg_catalog;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE ALL IN DATABASE :"db" RESET ALL;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" SET search_path = trojan, pg_catalog;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" SET default_transaction_read_only = on;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" RESET ALL;
\echo :LAST_ERROR_SQLSTATE
ALTER USER ALL SET work_mem = '8MB';
\echo :LAST_ERROR_SQLSTATE

-- 2. database options, connection limits, names, owner, tablespace
ALTER DATABASE :"db" WITH CONNECTION LIMIT 1;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" ALLOW_CONNECTIONS false;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" IS_TEMPLATE true;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" SET TABLESPACE pg_default;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" REFRESH COLLATION VERSION;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" RENAME TO regress_renamed_db;
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE :"db" OWNER TO regress_limits_app;
\echo :LAST_ERROR_SQLSTATE

-- 3. no databases created or dropped (the owner could drop its database
--    from another one)
CREATE DATABASE regress_limits_db;
\echo :LAST_ERROR_SQLSTATE
DROP DATABASE :"db";
\echo :LAST_ERROR_SQLSTATE
DROP DATABASE IF EXISTS regress_no_such_db;
\echo :LAST_ERROR_SQLSTATE

-- 4. no CREATEDB for anyone (PostgreSQL 15's CREATEROLE would allow it)
CREATE ROLE regress_limits_creator CREATEDB;
\echo :LAST_ERROR_SQLSTATE
CREATE ROLE regress_limits_creator LOGIN NOCREATEDB;
ALTER ROLE regress_limits_creator CREATEDB;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE regress_limits_creator WITH LOGIN CREATEDB;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE regress_limits_creator NOCREATEDB;
DROP ROLE regress_limits_creator;

-- 5. no extensions (a trusted extension's script runs as the bootstrap
--    superuser with a search_path admin chooses), no libraries
CREATE EXTENSION pgcrypto;
\echo :LAST_ERROR_SQLSTATE
CREATE EXTENSION IF NOT EXISTS hstore SCHEMA public;
\echo :LAST_ERROR_SQLSTATE
ALTER EXTENSION dsql_iam UPDATE;
\echo :LAST_ERROR_SQLSTATE
ALTER EXTENSION plpgsql ADD SCHEMA public;
\echo :LAST_ERROR_SQLSTATE
LOAD 'auto_explain';
\echo :LAST_ERROR_SQLSTATE

-- 6. no schema named after a superuser: it would come first in that role's
--    default search_path ("$user", public)
CREATE SCHEMA regress_limits_super;
\echo :LAST_ERROR_SQLSTATE
CREATE SCHEMA regress_limits_ok;
ALTER SCHEMA regress_limits_ok RENAME TO regress_limits_super;
\echo :LAST_ERROR_SQLSTATE
DROP SCHEMA regress_limits_ok;
\set VERBOSITY sqlstate
CREATE SCHEMA :"bootstrap";
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
-- a schema named after an ordinary role is fine
CREATE SCHEMA regress_limits_app;
DROP SCHEMA regress_limits_app;

-- 7. refused by core already (superuser only, or a predefined role's power
--    that admin cannot get): kept here so that a change of PostgreSQL shows
\set VERBOSITY terse
CREATE EVENT TRIGGER regress_evt ON ddl_command_start
  EXECUTE FUNCTION pg_catalog.pg_event_trigger_ddl_commands();
\echo :LAST_ERROR_SQLSTATE
ALTER SYSTEM SET search_path = trojan;
\echo :LAST_ERROR_SQLSTATE
ALTER SYSTEM RESET ALL;
\echo :LAST_ERROR_SQLSTATE
CREATE SUBSCRIPTION regress_sub CONNECTION 'dbname=postgres' PUBLICATION p
  WITH (connect = false);
\echo :LAST_ERROR_SQLSTATE
CREATE TABLESPACE regress_ts LOCATION '/tmp';
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN DATA WRAPPER regress_fdw;
\echo :LAST_ERROR_SQLSTATE
CREATE ACCESS METHOD regress_am TYPE TABLE HANDLER heap_tableam_handler;
\echo :LAST_ERROR_SQLSTATE
CREATE TEXT SEARCH PARSER regress_prs (start = prsd_start, gettoken = prsd_nexttoken,
  end = prsd_end, lextypes = prsd_lextype);
\echo :LAST_ERROR_SQLSTATE
COPY (SELECT 1) TO '/tmp/regress_admin_limits';
\echo :LAST_ERROR_SQLSTATE
COPY (SELECT 1) TO PROGRAM 'id';
\echo :LAST_ERROR_SQLSTATE
SELECT lo_import('/etc/passwd');
\echo :LAST_ERROR_SQLSTATE
SELECT lo_export(0, '/tmp/regress_admin_limits');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_read_file('/etc/passwd');
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE regress_limits_super SET search_path = trojan;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE regress_limits_super IN DATABASE :"db" SET search_path = trojan;
\echo :LAST_ERROR_SQLSTATE
ALTER DEFAULT PRIVILEGES FOR ROLE regress_limits_super GRANT ALL ON TABLES TO admin;
\echo :LAST_ERROR_SQLSTATE
-- (the bootstrap superuser's name depends on who runs the suite: code only)
\set VERBOSITY sqlstate
ALTER DEFAULT PRIVILEGES FOR ROLE :"bootstrap" GRANT EXECUTE ON FUNCTIONS TO admin;
\set VERBOSITY terse
\echo :LAST_ERROR_SQLSTATE
GRANT regress_limits_super TO admin;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET SESSION AUTHORIZATION;

-- nothing changed: no settings row, no extension, no CREATEDB role
SELECT count(*) - :settings_before AS settings_added FROM pg_db_role_setting
 WHERE setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()));
SELECT extname FROM pg_extension ORDER BY 1;
SELECT count(*) AS createdb_roles FROM pg_roles
 WHERE rolcreatedb AND NOT rolsuper;
SELECT count(*) AS default_acls FROM pg_default_acl;
SELECT datname = current_database() AS same_name, datconnlimit, datallowconn,
       datistemplate, pg_get_userbyid(datdba) AS owner
  FROM pg_database WHERE datname = current_database();

-- another superuser is not the bootstrap superuser: refused as well
SET SESSION AUTHORIZATION regress_limits_super;
ALTER DATABASE :"db" SET search_path = trojan;
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE ALL SET search_path = trojan;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- the bootstrap superuser (the hidden plumbing) still may
ALTER DATABASE :"db" SET work_mem = '8MB';
ALTER DATABASE :"db" RESET work_mem;
ALTER ROLE ALL IN DATABASE :"db" SET work_mem = '8MB';
ALTER ROLE ALL IN DATABASE :"db" RESET work_mem;

-- Why the tooling pins search_path: admin owns schema public (PG 15 gives it
-- to the database owner), and a superuser session whose search_path reaches
-- public runs admin's better-matching function instead of pg_catalog's.
SET SESSION AUTHORIZATION admin;
CREATE TABLE public.regress_captured (who name);
GRANT INSERT ON public.regress_captured TO PUBLIC;
CREATE FUNCTION public.lower(name) RETURNS text LANGUAGE sql
  AS $$ INSERT INTO public.regress_captured VALUES (current_user) RETURNING 'x'::text $$;
RESET SESSION AUTHORIZATION;
-- the default search_path ("$user", public): admin's lower(name) runs as us
SELECT lower(rolname) FROM pg_roles WHERE rolname = 'admin';
-- pinned to pg_catalog: pg_catalog.lower(text) runs
SET search_path = pg_catalog;
SELECT lower(rolname) FROM pg_roles WHERE rolname = 'admin';
RESET search_path;
SELECT who = session_user AS ran_as_bootstrap, count(*)
  FROM public.regress_captured GROUP BY 1;

-- cleanup: the database goes back to the bootstrap superuser
DROP FUNCTION public.lower(name);
DROP TABLE public.regress_captured;
:to_bootstrap;
DROP ROLE regress_limits_super, regress_limits_app;
