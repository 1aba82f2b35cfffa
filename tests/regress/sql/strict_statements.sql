--
-- strict_statements: statement kinds and object kinds DSQL refuses, SET,
-- functions, roles and privileges (ruleset 2026.09), and what it runs.
--
\set VERBOSITY default
CREATE ROLE regress_strict_other LOGIN;
\c - admin
SET search_path = regress_strict;
CREATE TABLE p (id int PRIMARY KEY, name text);
-- statement kinds, named after their parse node as DSQL names them
TRUNCATE p;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE DATABASE regress_strict_db;
CREATE TABLESPACE regress_ts LOCATION '/tmp/regress_ts';
ALTER SYSTEM SET work_mem = '4MB';
CREATE FOREIGN TABLE ft (id int) SERVER regress_srv;
CREATE TYPE pair AS (a int, b int);
CREATE TYPE rng AS RANGE (subtype = int4);
CREATE TABLE ctas AS SELECT 1 AS x;
SELECT 1 AS x INTO select_into;
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;
LISTEN regress_chan;
NOTIFY regress_chan;
UNLISTEN regress_chan;
VACUUM p;
ANALYZE p;
DO $$ BEGIN END $$;
LOCK TABLE p;
PREPARE q AS SELECT 1;
DEALLOCATE q;
DEALLOCATE ALL;
DISCARD ALL;
DECLARE c CURSOR FOR SELECT 1;
LOAD 'plpgsql';
CREATE POLICY pol ON p USING (true);
-- object kinds
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE shell;
ALTER TYPE mood ADD VALUE 'meh';
ALTER TYPE mood RENAME TO mood2;
DROP TYPE IF EXISTS mood;
DROP MATERIALIZED VIEW IF EXISTS mv;
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE VIEW v AS SELECT 1 AS x;
CREATE TEMP VIEW tv AS SELECT 1 AS x;
-- functions: SQL only, no procedures
CREATE FUNCTION f_sql() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION f_atomic() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
CREATE FUNCTION f_plpgsql() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
CREATE PROCEDURE pr() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TRIGGER trg AFTER INSERT ON p EXECUTE FUNCTION f_sql();
ALTER FUNCTION f_sql() STABLE;
ALTER FUNCTION f_sql() RENAME TO f_sql2;
-- SET: role, session authorization, isolation defaults refused; others run
SET ROLE regress_strict_other;
SET LOCAL ROLE regress_strict_other;
SET SESSION AUTHORIZATION regress_strict_other;
SET SESSION AUTHORIZATION DEFAULT;
RESET ROLE;
SET search_path = regress_strict, public;
SET TIME ZONE 'UTC';
SET statement_timeout = '5min';
-- a function's SET clause of a name SET refuses is refused at CREATE
GRANT regress_strict_other TO admin;
CREATE FUNCTION f_as_other() RETURNS text LANGUAGE sql
  SET role = regress_strict_other AS 'SELECT current_user::text';
CREATE FUNCTION f_set_sa() RETURNS int LANGUAGE sql
  SET session_authorization = 'admin' AS 'SELECT 1';
CREATE FUNCTION f_set_dti() RETURNS int LANGUAGE sql
  SET default_transaction_isolation = 'serializable' AS 'SELECT 1';
CREATE FUNCTION f_set_ti() RETURNS int LANGUAGE sql
  SET transaction_isolation = 'serializable' AS 'SELECT 1';
CREATE FUNCTION f_set_tz() RETURNS text LANGUAGE sql
  SET TIME ZONE 'UTC' AS 'SELECT current_setting(''TimeZone'')';
SELECT proname FROM pg_proc WHERE proname IN
  ('f_as_other', 'f_set_sa', 'f_set_dti', 'f_set_ti', 'f_set_tz') ORDER BY 1;
SELECT f_set_tz();
SELECT current_user;
DROP FUNCTION f_set_tz();
REVOKE regress_strict_other FROM admin;
-- roles: ALTER ROLE options refused, INHERIT, RENAME and RESET run
CREATE ROLE regress_strict_app WITH LOGIN;
ALTER ROLE regress_strict_app WITH LOGIN;
ALTER ROLE regress_strict_app NOLOGIN;
ALTER ROLE regress_strict_app CONNECTION LIMIT 5;
ALTER ROLE regress_strict_app PASSWORD 'x';
ALTER ROLE regress_strict_app VALID UNTIL 'infinity';
ALTER USER regress_strict_app CREATEDB;
ALTER ROLE regress_strict_app NOINHERIT;
ALTER ROLE regress_strict_app INHERIT;
ALTER ROLE regress_strict_app RENAME TO regress_strict_app2;
ALTER ROLE regress_strict_app2 RESET ALL;
ALTER ROLE regress_strict_app2 SET search_path = regress_strict;
-- ALTER ROLE ... SET of a name SET refuses is refused; other names stored
ALTER ROLE regress_strict_app2 SET role = 'admin';
ALTER ROLE regress_strict_app2 SET session_authorization = 'admin';
ALTER ROLE regress_strict_app2 SET default_transaction_isolation = 'serializable';
ALTER ROLE regress_strict_app2 SET transaction_isolation = 'serializable';
ALTER ROLE regress_strict_app2 SET default_transaction_isolation FROM CURRENT;
ALTER ROLE regress_strict_app2 IN DATABASE contrib_regression SET role = 'admin';
ALTER ROLE regress_strict_app2 SET role TO DEFAULT;
SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
 WHERE r.rolname = 'regress_strict_app2';
SELECT rolname, rolcanlogin, rolinherit, rolconnlimit FROM pg_roles
 WHERE rolname LIKE 'regress_strict_app%';
-- schema public is a system entity on DSQL
GRANT USAGE ON SCHEMA public TO regress_strict_app2;
GRANT USAGE, CREATE ON SCHEMA regress_strict, public TO regress_strict_app2;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA regress_strict TO regress_strict_app2;
GRANT SELECT ON ALL TABLES IN SCHEMA regress_strict TO regress_strict_app2;
DROP SCHEMA public;
COMMENT ON SCHEMA public IS 'x';
ALTER SCHEMA public RENAME TO other;
ALTER SCHEMA public OWNER TO admin;
-- default privileges: for another role only with its privileges
ALTER DEFAULT PRIVILEGES FOR ROLE regress_strict_other GRANT SELECT ON TABLES TO regress_strict_app2;
ALTER DEFAULT PRIVILEGES IN SCHEMA regress_strict GRANT SELECT ON TABLES TO regress_strict_app2;
ALTER DEFAULT PRIVILEGES IN SCHEMA regress_strict REVOKE SELECT ON TABLES FROM regress_strict_app2;
REVOKE ALL ON SCHEMA regress_strict FROM regress_strict_app2;
REVOKE ALL ON ALL TABLES IN SCHEMA regress_strict FROM regress_strict_app2;
DROP ROLE regress_strict_app2;
